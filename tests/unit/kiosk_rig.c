#include "kiosk_rig.h"

#include "common/log.h"
#include "common/util.h"

#include <locale.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *
rig_path(const struct kiosk_rig *r, const char *file)
{
	struct strbuf b = {0};
	strbuf_addf(&b, "%s/%s", r->dir, file);
	return strbuf_take(&b);
}

static int
write_config(const struct kiosk_rig *r, const char *name, const char *src)
{
	char *path = rig_path(r, "kiosk.yaml");
	FILE *f = fopen(path, "w");
	free(path);
	if (f == NULL)
		return -1;
	fprintf(f,
	    "kiosk_id: %s\n"
	    "languages: { offered: [zh, en], default: zh }\n"
	    "adapter: { socket: bankd.sock, public_key: adapter.pub, timeout_ms: 3000 }\n"
	    "kiosk_key: kiosk.key\n"
	    "layouts: %s/layouts\n"
	    "voice: %s/voice\n"
	    "devices: { socket: devices.sock }\n"
	    "journal: journal\n"
	    "timeouts: { idle: 30, warning: 10, pin: 60, take: 20 }\n"
	    "audio: { output: none }\n"
	    "speech:\n"
	    "  zh: { voice: cmn-latn-pinyin, rate: 150, volume: 100 }\n"
	    "  en: { voice: en-us, rate: 160, volume: 100 }\n",
	    name, src, src);
	return fclose(f);
}

int
rig_open(struct kiosk_rig *r, const char *name, const char *bankd, const char *src)
{
	struct diag_list d = {0};
	char err[256];

	memset(r, 0, sizeof *r);
	r->bankd = bankd;
	snprintf(r->dir, sizeof r->dir, "/tmp/kiosk-%s-XXXXXX", name);
	setlocale(LC_ALL, "C.UTF-8");
	if (sodium_init() < 0 || mkdtemp(r->dir) == NULL)
		return -1;
	if (kproto_keypair_generate_files(r->dir, "kiosk", 0, err, sizeof err) != KPROTO_OK ||
	    kproto_keypair_generate_files(r->dir, "adapter", 0, err, sizeof err) != KPROTO_OK) {
		fprintf(stderr, "keygen: %s\n", err);
		return -1;
	}
	char *cfgpath = rig_path(r, "kiosk.yaml"), *logpath = rig_path(r, "kiosk.log");
	int bad = write_config(r, name, src) != 0 || config_load_all(cfgpath, &r->setup, &d) != 0;
	diag_print(&d, stderr);
	diag_free(&d);
	free(cfgpath);
	if (bad) {
		free(logpath);
		return -1;
	}
	log_open("kiosk", logpath);
	free(logpath);
	struct kiosk *k = &r->k;
	k->setup = &r->setup;
	k->cfg = &r->setup.cfg;
	k->kiosk_sk = sodium_malloc(KPROTO_SK_LEN);
	if (kproto_key_load_secret(k->cfg->kiosk_key, k->kiosk_sk, err, sizeof err) != KPROTO_OK ||
	    kproto_key_load_public(k->cfg->adapter_public_key, k->adapter_pk, err, sizeof err) !=
	    KPROTO_OK) {
		fprintf(stderr, "keys: %s\n", err);
		return -1;
	}
	r->out = fopen("/dev/null", "w");
	r->in = fopen("/dev/null", "r");
	r->term = newterm("xterm", r->out, r->in);
	resizeterm(24, 80);
	return 0;
}

/* Whether the adapter takes connections on sock yet. */
static int
rig_listening(const char *sock)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), ok;

	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

void
rig_start_bank(struct kiosk_rig *r)
{
	char name[32];
	snprintf(name, sizeof name, "bank-%d.db", ++r->bank_generation);
	char *db = rig_path(r, name), *sock = rig_path(r, "bankd.sock");
	char *key = rig_path(r, "adapter.key"), *peer = rig_path(r, "kiosk.pub");
	char *log = rig_path(r, "bankd.log");
	char cmd[4096];

	snprintf(cmd, sizeof cmd, "%s --db %s --init-demo >/dev/null 2>&1", r->bankd, db);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot make the demo bank\n");
		exit(1);
	}
	unlink(sock);
	r->bank_pid = fork();
	if (r->bank_pid == 0) {
		/* Gone with the test, even when a sanitizer aborts it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(r->bankd, r->bankd, "--db", db, "--socket", sock, "--key", key,
		    "--kiosk-key", peer, "--log", log, (char *)NULL);
		_exit(127);
	}
	/* Listening, not only bound: a busy machine shows the gap between the two. */
	for (int i = 0; i < 1500 && !rig_listening(sock); i++)
		nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	free(db);
	free(sock);
	free(key);
	free(peer);
	free(log);
}

void
rig_stop_bank(struct kiosk_rig *r)
{
	if (r->bank_pid <= 0)
		return;
	kill(r->bank_pid, SIGTERM);
	waitpid(r->bank_pid, NULL, 0);
	r->bank_pid = 0;
}

void
rig_close(struct kiosk_rig *r, int failures)
{
	char cmd[512];

	endwin();
	delscreen(r->term);
	fclose(r->out);
	fclose(r->in);
	sodium_free(r->k.kiosk_sk);
	kiosk_setup_free(&r->setup);
	rig_stop_bank(r);
	if (failures) {
		fprintf(stderr, "%d check(s) failed; the kiosk's log:\n", failures);
		snprintf(cmd, sizeof cmd, "tail -30 %s/kiosk.log >&2", r->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "(no log)\n");
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", r->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", r->dir);
}
