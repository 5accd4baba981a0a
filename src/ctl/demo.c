/* kioskctl demo: everything a newcomer needs on one machine. Makes the key pairs and
 * the demo bank if they are missing, starts kiosk-bankd in the background and the kiosk
 * in this terminal, and stops the bank when the kiosk ends. */
#include "ctl/ctl.h"

#include "common/diag.h"
#include "common/util.h"
#include "config/config.h"
#include "kiosk/proto.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BANK_START_WAIT_MS 5000

static char bindir[PATH_MAX];

static void
find_bindir(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0) {
		snprintf(bindir, sizeof bindir, ".");
		return;
	}
	self[n] = '\0';
	snprintf(bindir, sizeof bindir, "%s", dirname(self));
}

static char *
sibling(const char *prog)
{
	struct strbuf b = {0};
	strbuf_addf(&b, "%s/%s", bindir, prog);
	return strbuf_take(&b);
}

static int
mkdirs(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* Makes NAME.key/NAME.pub beside path (one of the pair) when path is missing. */
static int
ensure_keypair(const char *path)
{
	char dir[PATH_MAX], base[PATH_MAX], err[256];
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(dir, sizeof dir, "%s", path);
	snprintf(base, sizeof base, "%s", path);
	char *d = dirname(dir), *name = basename(base);
	char *dot = strrchr(name, '.');
	if (dot != NULL)
		*dot = '\0';
	if (mkdirs(d, 0700) < 0 ||
	    kproto_keypair_generate_files(d, name, 0, err, sizeof err) != KPROTO_OK) {
		fprintf(stderr, "kioskctl demo: key pair %s/%s: %s\n", d, name, err);
		return -1;
	}
	printf("made key pair %s/%s.key and .pub\n", d, name);
	return 0;
}

/* path with its suffix `from` replaced by `to`; NULL when it does not end in `from`. */
static char *
key_sibling(const char *path, const char *from, const char *to)
{
	size_t len = strlen(path), flen = strlen(from);
	if (len <= flen || strcmp(path + len - flen, from) != 0)
		return NULL;
	struct strbuf b = {0};
	strbuf_addn(&b, path, len - flen);
	strbuf_add(&b, to);
	return strbuf_take(&b);
}

static int
run_wait(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "kioskctl demo: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static pid_t
start_bank(char *const argv[], const char *socket_path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	/* Wait until the bank listens, so the kiosk opens on the welcome screen. */
	for (int waited = 0; waited < BANK_START_WAIT_MS; waited += 50) {
		if (access(socket_path, F_OK) == 0)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		nanosleep(&(struct timespec){ 0, 50 * 1000000 }, NULL);
	}
	return pid;
}

int
ctl_demo(int argc, char **argv)
{
	const char *config = argc > 2 && strcmp(argv[1], "--config") == 0 ? argv[2] : "kiosk.yaml";
	struct kiosk_config cfg;
	struct diag_list diags = {0};

	find_bindir();
	/* Read what can be read: the key paths are needed before the keys exist. */
	config_load(config, &cfg, &diags);
	diag_free(&diags);
	if (cfg.kiosk_key == NULL || cfg.adapter_public_key == NULL ||
	    cfg.adapter_socket == NULL) {
		fprintf(stderr, "kioskctl demo: %s does not name the keys and the adapter "
		    "socket; run kioskctl check %s\n", config, config);
		return 1;
	}
	char *var = path_relative_to(cfg.path, "var");
	char *db = path_relative_to(cfg.path, "var/bank.db");
	char *banklog = path_relative_to(cfg.path, "var/bankd.log");
	char *adapter_key = key_sibling(cfg.adapter_public_key, ".pub", ".key");
	char *kiosk_pub = key_sibling(cfg.kiosk_key, ".key", ".pub");
	if (adapter_key == NULL || kiosk_pub == NULL) {
		fprintf(stderr, "kioskctl demo: the demo needs key files named NAME.key and "
		    "NAME.pub in %s\n", config);
		return 1;
	}
	char sockdir[PATH_MAX];
	snprintf(sockdir, sizeof sockdir, "%s", cfg.adapter_socket);

	if (mkdirs(var, 0700) < 0 || mkdirs(dirname(sockdir), 0700) < 0 ||
	    ensure_keypair(cfg.kiosk_key) < 0 || ensure_keypair(cfg.adapter_public_key) < 0)
		return 1;
	char *bankd = sibling("kiosk-bankd"), *kiosk = sibling("kiosk");
	if (access(db, F_OK) != 0) {
		char *init[] = { bankd, "--db", db, "--init-demo", NULL };
		if (run_wait(init) != 0) {
			fprintf(stderr, "kioskctl demo: could not create the demo bank %s\n", db);
			return 1;
		}
	}
	char *serve[] = { bankd, "--db", db, "--socket", cfg.adapter_socket, "--key",
		adapter_key, "--kiosk-key", kiosk_pub, "--log", banklog, NULL };
	unlink(cfg.adapter_socket);
	pid_t bank = start_bank(serve, cfg.adapter_socket);
	if (bank < 0) {
		fprintf(stderr, "kioskctl demo: kiosk-bankd did not start; see %s\n", banklog);
		return 1;
	}
	char *run[] = { kiosk, "--config", (char *)config, "--demo", NULL };
	int r = run_wait(run);
	kill(bank, SIGTERM);
	waitpid(bank, NULL, 0);
	config_free(&cfg);
	return r;
}
