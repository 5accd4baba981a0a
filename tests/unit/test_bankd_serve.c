/*
 * The real kiosk-bankd binary on a temporary socket, driven with libkproto as the
 * kiosk drives it: handshake, CARD_OPEN, PIN, BALANCE; a bad peer is dropped while
 * the good one keeps its session; SIGTERM stops it cleanly; a stale socket is replaced.
 * Usage: test_bankd_serve PATH-TO-kiosk-bankd
 */
#include "kiosk/proto.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"


static const char *bankd;
static char dir[64], db_path[128], sock_path[128], key_path[128], kpub_path[128];
static char apub_path[128], log_path[128];
static unsigned char *kiosk_sk, adapter_pk[KPROTO_PK_LEN];

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t
spawn(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Exit status of pid, waiting at most ms; -1 if it is still running. */
static int
wait_exit(pid_t pid, int ms)
{
	long long end = now_ms() + ms;
	int st;

	while (now_ms() < end) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		poll(NULL, 0, 10);
	}
	return -1;
}

static pid_t
start_bankd(void)
{
	char *argv[] = { (char *)bankd, "--db", db_path, "--socket", sock_path, "--key",
	    key_path, "--kiosk-key", kpub_path, "--log", log_path, "--debug", NULL };

	return spawn(argv);
}

/* Connects as the kiosk, retrying until the adapter listens (at most 10 s). */
static int
connect_kiosk(struct kproto_conn *c, const unsigned char *sk)
{
	long long end = now_ms() + 10000;
	char err[256] = "";
	int rv;

	do {
		rv = kproto_client_connect(c, sock_path, sk, adapter_pk, "kiosk-e2e", 2000, err,
		    sizeof err);
		if (rv == KPROTO_OK || rv != KPROTO_E_IO)
			break;
		poll(NULL, 0, 20);
	} while (now_ms() < end);
	if (rv != KPROTO_OK)
		fprintf(stderr, "connect: %s\n", err);
	return rv;
}

static int
log_contains(const char *needle)
{
	static char text[1 << 20];
	FILE *f = fopen(log_path, "r");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return strstr(text, needle) != NULL;
}

/* Polls the log for a line; the adapter writes it after acting. */
static int
log_wait(const char *needle)
{
	long long end = now_ms() + 5000;

	while (now_ms() < end) {
		if (log_contains(needle))
			return 1;
		poll(NULL, 0, 20);
	}
	fprintf(stderr, "log lacks \"%s\"\n", needle);
	return 0;
}

static void
session(struct kproto_conn *c)
{
	struct kproto_card_open co = { .pan = "6222000000000001" };
	struct kproto_card_info ci;
	struct kproto_pin_verify pv;
	struct kproto_pin_result pr;
	struct kproto_buf b;
	uint8_t type = 0;

	CHECK(strcmp(c->peer_id, "kiosk-bankd") == 0);
	CHECK_EQ(kproto_card_open_pack(&b, &co), KPROTO_OK);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_CARD_OPEN, &b, &type, &b, 5000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_CARD_INFO);
	CHECK_EQ(kproto_card_info_unpack(&b, &ci), KPROTO_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK(strcmp(ci.holder, "张伟 Zhang Wei") == 0);

	CHECK_EQ(kproto_pin_seal("1234", adapter_pk, pv.sealed, sizeof pv.sealed,
	    &pv.sealed_len), KPROTO_OK);
	CHECK_EQ(kproto_pin_verify_pack(&b, &pv), KPROTO_OK);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_PIN_VERIFY, &b, &type, &b, 5000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_PIN_RESULT);
	CHECK_EQ(kproto_pin_result_unpack(&b, &pr), KPROTO_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.available_fen, 500000);
}

static void
balance(struct kproto_conn *c, int64_t expect)
{
	struct kproto_balance_info bi;
	struct kproto_buf b;
	uint8_t type = 0;

	kproto_buf_init(&b);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_BALANCE, &b, &type, &b, 5000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_BALANCE_INFO);
	CHECK_EQ(kproto_balance_info_unpack(&b, &bi), KPROTO_OK);
	CHECK_EQ(bi.balance_fen, expect);
}

/* A peer that sends garbage is dropped: it reads EOF. */
static void
bad_peer(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	char buf[64];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	CHECK(strlen(sock_path) < sizeof sun.sun_path);
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	CHECK(connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0);
	memset(buf, 'x', sizeof buf);
	CHECK_EQ(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	/* EOF, or a reset because the adapter left our bytes unread. */
	CHECK(read(fd, buf, sizeof buf) <= 0);
	close(fd);
}

/* A kiosk with the right key that then breaks the sequence is dropped too. */
static void
bad_seq(void)
{
	static unsigned char frame[KPROTO_MAX_FRAME];
	struct kproto_conn c;
	struct kproto_buf b;
	uint8_t type;
	size_t len;

	CHECK_EQ(connect_kiosk(&c, kiosk_sk), KPROTO_OK);
	kproto_buf_init(&b);
	CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, KPROTO_MSG_BALANCE, 2,
	    c.session, b.data, 0, kiosk_sk), KPROTO_OK);
	CHECK_EQ(write(c.fd, frame, len), (ssize_t)len);
	int rv = kproto_recv_wait(&c, &type, &b, 5000);
	CHECK(rv == KPROTO_E_EOF || rv == KPROTO_E_IO);
	kproto_conn_close(&c);
}

int
main(int argc, char **argv)
{
	struct kproto_conn good, bad;
	unsigned char *other_sk, other_pk[KPROTO_PK_LEN];
	char err[512];
	struct stat st;
	pid_t pid;

	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: test_bankd_serve PATH-TO-kiosk-bankd\n");
		return 2;
	}
	bankd = argv[1];
	signal(SIGPIPE, SIG_IGN);
	strcpy(dir, "/tmp/bankd-serve-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(db_path, sizeof db_path, "%s/bank.db", dir);
	snprintf(sock_path, sizeof sock_path, "%s/bank.sock", dir);
	snprintf(key_path, sizeof key_path, "%s/adapter.key", dir);
	snprintf(apub_path, sizeof apub_path, "%s/adapter.pub", dir);
	snprintf(kpub_path, sizeof kpub_path, "%s/kiosk.pub", dir);
	snprintf(log_path, sizeof log_path, "%s/bankd.log", dir);

	kiosk_sk = sodium_malloc(KPROTO_SK_LEN);
	other_sk = sodium_malloc(KPROTO_SK_LEN);
	CHECK_EQ(kproto_keypair_generate_files(dir, "kiosk", 0, err, sizeof err), KPROTO_OK);
	CHECK_EQ(kproto_keypair_generate_files(dir, "adapter", 0, err, sizeof err), KPROTO_OK);
	snprintf(err, sizeof err, "%s/kiosk.key", dir);
	CHECK_EQ(kproto_key_load_secret(err, kiosk_sk, err, sizeof err), KPROTO_OK);
	CHECK_EQ(kproto_key_load_public(apub_path, adapter_pk, err, sizeof err), KPROTO_OK);
	crypto_sign_keypair(other_pk, other_sk);

	/* Start-up errors: exit 1 before serving. */
	char *missing[] = { (char *)bankd, "--db", db_path, "--socket", sock_path, "--key",
	    key_path, "--kiosk-key", kpub_path, "--log", log_path, NULL };
	CHECK_EQ(wait_exit(spawn(missing), 5000), 1);
	CHECK(log_contains("no such bank file"));
	char *help[] = { (char *)bankd, "--help", NULL };
	CHECK_EQ(wait_exit(spawn(help), 5000), 0);

	char *init[] = { (char *)bankd, "--db", db_path, "--init-demo", "--log", log_path,
	    NULL };
	CHECK_EQ(wait_exit(spawn(init), 20000), 0);

	pid = start_bankd();
	CHECK_EQ(connect_kiosk(&good, kiosk_sk), KPROTO_OK);
	CHECK(stat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600);
	session(&good);
	balance(&good, 500000);

	/* Bad peers are dropped, each for its reason, and the good session goes on. */
	bad_peer();
	CHECK(log_wait("handshake failed [MAGIC]"));
	bad_seq();
	CHECK(log_wait("bad frame [SEQ]"));
	CHECK_EQ(connect_kiosk(&bad, other_sk), KPROTO_E_EOF);
	CHECK(log_wait("handshake failed [BADSIG]"));
	balance(&good, 500000);
	CHECK(log_wait("CARD_OPEN 622200******0001 -> CARD_INFO ok"));
	CHECK(!log_contains("6222000000000001"));

	/* SIGTERM: a clean exit that removes the socket. */
	kill(pid, SIGTERM);
	CHECK_EQ(wait_exit(pid, 5000), 0);
	CHECK(lstat(sock_path, &st) < 0 && errno == ENOENT);
	CHECK(log_contains("stopped by signal"));
	kproto_conn_close(&good);

	/* A socket left behind by a killed adapter is replaced on the next start. */
	pid = start_bankd();
	CHECK_EQ(connect_kiosk(&good, kiosk_sk), KPROTO_OK);
	kill(pid, SIGKILL);
	CHECK_EQ(wait_exit(pid, 5000), 128 + SIGKILL);
	kproto_conn_close(&good);
	CHECK(lstat(sock_path, &st) == 0);
	pid = start_bankd();
	CHECK_EQ(connect_kiosk(&good, kiosk_sk), KPROTO_OK);
	CHECK(log_wait("removed stale socket"));
	/* A second adapter on a live socket refuses to start. */
	CHECK_EQ(wait_exit(start_bankd(), 5000), 1);
	CHECK(log_contains("already listening"));
	session(&good);
	balance(&good, 500000);
	kill(pid, SIGINT);
	CHECK_EQ(wait_exit(pid, 5000), 0);
	kproto_conn_close(&good);

	sodium_free(kiosk_sk);
	sodium_free(other_sk);
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, dir);
		return 1;
	}
	const char *files[] = { "bank.db", "bank.db-wal", "bank.db-shm", "bankd.log",
	    "kiosk.key", "kiosk.pub", "adapter.key", "adapter.pub" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(err, sizeof err, "%s/%s", dir, files[i]);
		unlink(err);
	}
	rmdir(dir);
	printf("ok\n");
	return 0;
}
