/*
 * The real kiosk-bankd binary on a temporary socket, driven with libkproto as the
 * kiosk drives it: handshake, CARD_OPEN, PIN, BALANCE. Around it, everything that must
 * not stop the adapter from serving that kiosk: garbage, a 4 GB length field, a half
 * frame, a slow sender, a flood of connections, a peer of another uid; and everything
 * that must stop it at start: a bank file missing, locked, read-only or corrupt.
 * SIGTERM stops it cleanly; a stale socket is replaced.
 * Usage: test_bankd_serve PATH-TO-kiosk-bankd
 */
#include "bankd/bankd.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* The adapter's deadline for a handshake or a started frame in these tests. */
#define IO_TIMEOUT "600"
#define MAX_CONNS "8"
#define NOBODY ((uid_t)65534)

static const char *bankd;
static char dir[64], db_path[128], sock_path[128], key_path[128], kpub_path[128];
static char apub_path[128], log_path[128], copy_path[128];
static unsigned char *kiosk_sk, adapter_pk[KPROTO_PK_LEN];

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t
spawn_as(char **argv, uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (uid != (uid_t)-1 && (setgroups(0, NULL) < 0 || setgid(uid) < 0 ||
		    setuid(uid) < 0))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static pid_t
spawn(char **argv)
{
	return spawn_as(argv, (uid_t)-1);
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

/* kiosk-bankd serving db_path on sock_path, with extra options (NULL-terminated). */
static pid_t
start_bankd_with(const char *db, const char *const *extra)
{
	char *argv[32] = { (char *)bankd, "--db", (char *)db, "--socket", sock_path,
	    "--key", key_path, "--kiosk-key", kpub_path, "--log", log_path, "--debug",
	    "--io-timeout", IO_TIMEOUT, "--max-conns", MAX_CONNS };
	int n = 16;

	for (int i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	return spawn(argv);
}

static pid_t
start_bankd(void)
{
	return start_bankd_with(db_path, NULL);
}

static void
stop_bankd(pid_t pid)
{
	kill(pid, SIGTERM);
	CHECK_EQ(wait_exit(pid, 5000), 0);
}

/* One connection attempt as the kiosk. */
static int
connect_once(struct kproto_conn *c, const unsigned char *sk, char *err, size_t errlen)
{
	return kproto_client_connect(c, sock_path, sk, adapter_pk, "kiosk-e2e", 2000, err,
	    errlen);
}

/* Connects as the kiosk, retrying until the adapter listens (at most 10 s). */
static int
connect_kiosk(struct kproto_conn *c, const unsigned char *sk)
{
	long long end = now_ms() + 10000;
	char err[256] = "";
	int rv;

	do {
		rv = connect_once(c, sk, err, sizeof err);
		if (rv == KPROTO_OK || rv != KPROTO_E_IO)
			break;
		poll(NULL, 0, 20);
	} while (now_ms() < end);
	if (rv != KPROTO_OK)
		fprintf(stderr, "connect: %s\n", err);
	return rv;
}

/* Where in the adapter's log the lines of interest start (log_mark). */
static long log_from;

static int
file_contains(const char *path, const char *needle)
{
	static char text[1 << 21];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return 0;
	if (path == log_path)
		fseek(f, log_from, SEEK_SET);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return strstr(text, needle) != NULL;
}

static int
log_contains(const char *needle)
{
	return file_contains(log_path, needle);
}

/* Polls a log for a line; the adapter writes it after acting. */
static int
file_wait(const char *path, const char *needle)
{
	long long end = now_ms() + 5000;

	while (now_ms() < end) {
		if (file_contains(path, needle))
			return 1;
		poll(NULL, 0, 20);
	}
	fprintf(stderr, "%s lacks \"%s\"\n", path, needle);
	return 0;
}

static int
log_wait(const char *needle)
{
	return file_wait(log_path, needle);
}

/* From now on the log is searched only from its current end. */
static void
log_mark(void)
{
	struct stat st;

	log_from = stat(log_path, &st) == 0 ? (long)st.st_size : 0;
}

static void
session(struct kproto_conn *c)
{
	struct kproto_card_open co = { .pan = "6222000000000017" };
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

/* One BALANCE; its round trip in ms, or -1 if it failed. */
static long long
balance(struct kproto_conn *c, int64_t expect_available)
{
	struct kproto_balance_info bi;
	struct kproto_buf b;
	uint8_t type = 0;
	long long t0 = now_ms();

	kproto_buf_init(&b);
	int rv = kproto_request(c, KPROTO_MSG_BALANCE, &b, &type, &b, 5000);
	CHECK_EQ(rv, KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_BALANCE_INFO);
	if (rv != KPROTO_OK || type != KPROTO_MSG_BALANCE_INFO)
		return -1;
	CHECK_EQ(kproto_balance_info_unpack(&b, &bi), KPROTO_OK);
	CHECK_EQ(bi.balance_fen, 500000);
	CHECK_EQ(bi.available_fen, expect_available);
	return now_ms() - t0;
}

/* A transfer through the binary: the choices, then ¥10 to 李秀英 sent twice under one
 * txid, as a kiosk retries after a lost answer: approved once, the same answer again. */
static void
transfer_twice(struct kproto_conn *c)
{
	struct kproto_transfer t = { .amount_fen = 1000, .pan = "6222000000000025" };
	struct kproto_transfer_choices tc;
	struct kproto_transfer_result tr;
	struct kproto_buf b;
	uint8_t type = 0;

	kproto_buf_init(&b);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_TRANSFER_OPTIONS, &b, &type, &b, 5000),
	    KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_TRANSFER_CHOICES);
	CHECK_EQ(kproto_transfer_choices_unpack(&b, &tc), KPROTO_OK);
	CHECK(tc.npayees == 2 && strcmp(tc.payees[0].name, "李*英") == 0);
	memset(t.txid, 0x5a, sizeof t.txid);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(kproto_transfer_pack(&b, &t), KPROTO_OK);
		CHECK_EQ(kproto_request(c, KPROTO_MSG_TRANSFER, &b, &type, &b, 5000), KPROTO_OK);
		CHECK_EQ(type, KPROTO_MSG_TRANSFER_RESULT);
		CHECK_EQ(kproto_transfer_result_unpack(&b, &tr), KPROTO_OK);
		CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
		CHECK_EQ(tr.available_after_fen, 499000);
	}
	CHECK(log_wait("TRANSFER_RESULT approved (repeat) available=4990.00"));
}

/* A raw, non-blocking connection to the adapter; -1 if the backlog is full. */
static int
raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 1 once the adapter closed fd (EOF or reset), 0 if it is still open after ms. */
static int
closed_within(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[512];

	while (poll(&pfd, 1, ms) == 1) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return 1;
		/* A HELLO_REPLY may come first: keep reading until the close. */
	}
	return 0;
}

/* A peer that sends garbage is dropped: it reads EOF. */
static void
bad_garbage(void)
{
	char buf[64];
	int fd = raw_connect();

	CHECK(fd >= 0);
	memset(buf, 'x', sizeof buf);
	CHECK_EQ(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
	CHECK(closed_within(fd, 5000));
	close(fd);
	CHECK(log_wait("handshake failed [MAGIC]"));
}

/* A header announcing a 4 GB payload, first thing on a connection. */
static void
bad_huge_hello(void)
{
	unsigned char hdr[KPROTO_HEADER_LEN] = { 'K', 'B', KPROTO_VERSION, KPROTO_MSG_HELLO };
	int fd = raw_connect();

	memset(hdr + KPROTO_OFF_LENGTH, 0xff, 4);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, hdr, sizeof hdr), (ssize_t)sizeof hdr);
	CHECK(closed_within(fd, 5000));
	close(fd);
	CHECK(log_wait("handshake failed [OVERSIZE]"));
}

/* A kiosk with the right key that then breaks the rules is dropped too. */
static void
bad_after_handshake(const char *what)
{
	static unsigned char frame[KPROTO_MAX_FRAME];
	struct kproto_conn c;
	struct kproto_buf b;
	size_t len;

	CHECK_EQ(connect_kiosk(&c, kiosk_sk), KPROTO_OK);
	kproto_buf_init(&b);
	if (strcmp(what, "seq") == 0) {
		/* The first request must carry seq 2; 3 skips one. */
		CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, KPROTO_MSG_BALANCE, 3,
		    c.session, b.data, 0, kiosk_sk), KPROTO_OK);
	} else {
		CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, KPROTO_MSG_BALANCE, 2,
		    c.session, b.data, 0, kiosk_sk), KPROTO_OK);
		if (strcmp(what, "huge") == 0) {
			memset(frame + KPROTO_OFF_LENGTH, 0xff, 4);
			len = KPROTO_HEADER_LEN;
		} else
			len = 30;  /* half a header, and then nothing */
	}
	CHECK_EQ(write(c.fd, frame, len), (ssize_t)len);
	CHECK(closed_within(c.fd, 5000));
	kproto_conn_close(&c);
}

/* A sender that dribbles a HELLO header one byte at a time, never finishing. */
static int
slow_sender_start(void)
{
	int fd = raw_connect();

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "K", 1), 1);
	return fd;
}

static void
slow_sender_step(int fd, int i)
{
	static const char hdr[] = "KB\001\001";

	if (i + 1 < (int)sizeof hdr - 1 && fd >= 0)
		(void)!write(fd, hdr + i + 1, 1);
}

/*
 * A flood of idle connections and a slow sender: the established session keeps being
 * answered promptly, and a kiosk reconnecting in the middle of it gets in.
 */
static void
flood(struct kproto_conn *good)
{
	enum { FLOOD = 48 };
	int fds[FLOOD], opened = 0, slow = slow_sender_start();
	long long worst = 0;
	struct kproto_conn second;

	for (int i = 0; i < FLOOD; i++) {
		fds[i] = raw_connect();
		opened += fds[i] >= 0;
		if (i % 8 == 7) {
			long long ms = balance(good, 500000);
			worst = ms > worst ? ms : worst;
			slow_sender_step(slow, i / 8);
		}
	}
	/* A kiosk connecting now gets in at the first try: it pushes out an idle
	 * connection, not a session. */
	char err[256] = "";
	int rv = connect_once(&second, kiosk_sk, err, sizeof err);
	if (rv != KPROTO_OK)
		fprintf(stderr, "connect during the flood: %s\n", err);
	CHECK_EQ(rv, KPROTO_OK);
	CHECK(opened > 16);
	CHECK(log_wait("dropped to make room"));
	CHECK(log_contains("oldest idle one without a handshake"));
	for (int i = 0; i < 10; i++) {
		long long ms = balance(good, 500000);
		worst = ms > worst ? ms : worst;
	}
	CHECK(worst >= 0 && worst < 1000);
	/* The slow sender never finished its HELLO: it is out after the deadline. */
	CHECK(closed_within(slow, 5000));
	CHECK(log_wait("handshake not completed within " IO_TIMEOUT " ms (no HELLO"));
	/* So are the flood connections still open. */
	for (int i = 0; i < FLOOD; i++) {
		if (fds[i] < 0)
			continue;
		CHECK(closed_within(fds[i], 5000));
		close(fds[i]);
	}
	close(slow);
	balance(good, 500000);
	kproto_conn_close(&second);
}

/* When every slot holds an established session, a newcomer is refused instead. */
static void
full_of_sessions(void)
{
	const char *extra[] = { "--max-conns", "2", NULL };
	struct kproto_conn a, b, c;
	char err[256];
	pid_t pid;

	log_mark();
	pid = start_bankd_with(db_path, extra);
	CHECK_EQ(connect_kiosk(&a, kiosk_sk), KPROTO_OK);
	CHECK_EQ(connect_kiosk(&b, kiosk_sk), KPROTO_OK);
	CHECK(connect_once(&c, kiosk_sk, err, sizeof err) != KPROTO_OK);
	CHECK(log_wait("2 sessions open"));
	session(&a);
	balance(&a, 500000);
	kproto_conn_close(&a);
	kproto_conn_close(&b);
	stop_bankd(pid);
}

/* Sends a PIN_VERIFY or PIN_CHANGE for pin without waiting for its answer. */
static void
pin_send_as(struct kproto_conn *c, uint8_t type, const char *pin)
{
	struct kproto_pin_verify pv;
	struct kproto_buf b;

	CHECK_EQ(kproto_pin_seal(pin, adapter_pk, pv.sealed, sizeof pv.sealed,
	    &pv.sealed_len), KPROTO_OK);
	CHECK_EQ(kproto_pin_verify_pack(&b, &pv), KPROTO_OK);
	CHECK_EQ(kproto_send(c, type, &b), KPROTO_OK);
}

static void
pin_send(struct kproto_conn *c, const char *pin)
{
	pin_send_as(c, KPROTO_MSG_PIN_VERIFY, pin);
}

/* CARD_OPEN of pan, then pin_send. */
static void
card_and_pin_send(struct kproto_conn *c, const char *pan, const char *pin)
{
	struct kproto_card_open co;
	struct kproto_buf b;
	uint8_t type = 0;

	snprintf(co.pan, sizeof co.pan, "%s", pan);
	CHECK_EQ(kproto_card_open_pack(&b, &co), KPROTO_OK);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_CARD_OPEN, &b, &type, &b, 5000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_CARD_INFO);
	pin_send(c, pin);
}

/* The answer to a request sent before into b: 0 if it is of type want, -code for
 * ERROR. */
static int
answer_recv(struct kproto_conn *c, uint8_t want, struct kproto_buf *b)
{
	struct kproto_error e;
	uint8_t type = 0;

	CHECK_EQ(kproto_recv_wait(c, &type, b, 5000), KPROTO_OK);
	if (type == KPROTO_MSG_ERROR) {
		CHECK_EQ(kproto_error_unpack(b, &e), KPROTO_OK);
		return -(int)e.code;
	}
	CHECK_EQ(type, want);
	return 0;
}

/* The answer to a PIN_VERIFY sent before: PIN_RESULT's status, or -code for ERROR. */
static int
pin_answer(struct kproto_conn *c, struct kproto_pin_result *pr)
{
	struct kproto_buf b;
	int rv = answer_recv(c, KPROTO_MSG_PIN_RESULT, &b);

	if (rv < 0)
		return rv;
	CHECK_EQ(kproto_pin_result_unpack(&b, pr), KPROTO_OK);
	return pr->status;
}

/*
 * PIN hashes are slow on purpose, so they are checked off the loop that serves every
 * kiosk: while one customer's PIN is being checked, another kiosk's balance is
 * answered, and the PIN's answer comes after it.
 */
static void
pin_off_loop(void)
{
	const char *extra[] = { "--pin-workers", "1", NULL };
	struct kproto_pin_result pr;
	struct kproto_conn a, b;
	pid_t pid;

	log_mark();
	pid = start_bankd_with(db_path, extra);
	CHECK_EQ(connect_kiosk(&a, kiosk_sk), KPROTO_OK);
	CHECK_EQ(connect_kiosk(&b, kiosk_sk), KPROTO_OK);
	session(&b);
	card_and_pin_send(&a, "6222000000000033", "1357");
	CHECK(balance(&b, 500000) >= 0);
	struct pollfd pfd = { .fd = a.fd, .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	CHECK_EQ(pin_answer(&a, &pr), KPROTO_PIN_OK);
	CHECK_EQ(pr.available_fen, 80000);
	CHECK(log_wait("1 PIN workers"));
	kproto_conn_close(&a);

	/* A wrong PIN counts even when the kiosk hangs up before the answer. */
	struct kproto_card_info ci;
	struct kproto_card_open co = { .pan = "6222000000000025" };
	struct kproto_buf buf;
	uint8_t type = 0;
	CHECK_EQ(connect_kiosk(&a, kiosk_sk), KPROTO_OK);
	card_and_pin_send(&a, co.pan, "0000");
	kproto_conn_close(&a);
	CHECK(log_wait("PIN_VERIFY 622200******0025 -> PIN_RESULT wrong tries=2"));
	kproto_buf_init(&buf);
	CHECK_EQ(kproto_request(&b, KPROTO_MSG_CARD_CLOSE, &buf, &type, &buf, 5000),
	    KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_OK);
	CHECK_EQ(kproto_card_open_pack(&buf, &co), KPROTO_OK);
	CHECK_EQ(kproto_request(&b, KPROTO_MSG_CARD_OPEN, &buf, &type, &buf, 5000),
	    KPROTO_OK);
	CHECK_EQ(kproto_card_info_unpack(&buf, &ci), KPROTO_OK);
	CHECK_EQ(ci.tries_left, 2);
	kproto_conn_close(&b);
	stop_bankd(pid);
}

/*
 * With every worker and queue place taken, a PIN_VERIFY is answered busy at once; it
 * was no try, so the same PIN afterwards opens the card with all three tries left.
 */
static void
pin_busy(void)
{
	const char *extra[] = { "--pin-workers", "1", "--pin-queue", "0", NULL };
	struct kproto_pin_result pr;
	struct kproto_conn a, c;
	pid_t pid;

	log_mark();
	pid = start_bankd_with(db_path, extra);
	CHECK_EQ(connect_kiosk(&a, kiosk_sk), KPROTO_OK);
	CHECK_EQ(connect_kiosk(&c, kiosk_sk), KPROTO_OK);
	card_and_pin_send(&a, "6222000000000017", "1234");
	card_and_pin_send(&c, "6222000000000033", "1357");
	CHECK_EQ(pin_answer(&c, &pr), -KPROTO_ERROR_INTERNAL);
	CHECK(log_wait("PIN_VERIFY: busy"));
	CHECK_EQ(pin_answer(&a, &pr), KPROTO_PIN_OK);
	pin_send(&c, "1357");
	CHECK_EQ(pin_answer(&c, &pr), KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	kproto_conn_close(&a);
	kproto_conn_close(&c);
	stop_bankd(pid);
}

/* The answer to a PIN_CHANGE sent before: its status, or -code for ERROR. */
static int
pin_change_answer(struct kproto_conn *c)
{
	struct kproto_pin_change_result pr;
	struct kproto_buf b;
	int rv = answer_recv(c, KPROTO_MSG_PIN_CHANGE_RESULT, &b);

	if (rv < 0)
		return rv;
	CHECK_EQ(kproto_pin_change_result_unpack(&b, &pr), KPROTO_OK);
	return pr.status;
}

/*
 * The served adapter, PIN workers and all: a statement after the PIN, then a PIN
 * change; the next card session opens with the new PIN, and the log says only that
 * the PIN changed.
 */
static void
statement_and_pin_change(void)
{
	struct kproto_statement st = { .account = KPROTO_STATEMENT_CURRENT };
	struct kproto_statement_lines sl;
	struct kproto_pin_result pr;
	struct kproto_conn a;
	struct kproto_buf b;
	uint8_t type = 0;
	pid_t pid;

	log_mark();
	pid = start_bankd();
	CHECK_EQ(connect_kiosk(&a, kiosk_sk), KPROTO_OK);
	card_and_pin_send(&a, "6222000000000033", "1357");
	CHECK_EQ(pin_answer(&a, &pr), KPROTO_PIN_OK);
	CHECK_EQ(kproto_statement_pack(&b, &st), KPROTO_OK);
	CHECK_EQ(kproto_request(&a, KPROTO_MSG_STATEMENT, &b, &type, &b, 5000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_STATEMENT_LINES);
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl), KPROTO_OK);
	CHECK_EQ(sl.count, 4);
	CHECK_EQ(sl.line[0].balance_after_fen, pr.available_fen);
	CHECK(log_wait("STATEMENT 622200******0033 current -> STATEMENT_LINES 4 lines"));

	pin_send_as(&a, KPROTO_MSG_PIN_CHANGE, "1111");
	CHECK_EQ(pin_change_answer(&a), KPROTO_PIN_WEAK_REPEATED);
	pin_send_as(&a, KPROTO_MSG_PIN_CHANGE, "7294");
	CHECK_EQ(pin_change_answer(&a), KPROTO_PIN_CHANGED);
	pin_send_as(&a, KPROTO_MSG_PIN_CHANGE, "8642");
	CHECK_EQ(pin_change_answer(&a), -KPROTO_ERROR_NOT_PERMITTED);
	kproto_conn_close(&a);
	CHECK(log_wait("PIN_CHANGE 622200******0033 -> PIN changed"));

	CHECK_EQ(connect_kiosk(&a, kiosk_sk), KPROTO_OK);
	card_and_pin_send(&a, "6222000000000033", "1357");
	CHECK_EQ(pin_answer(&a, &pr), KPROTO_PIN_WRONG);
	pin_send(&a, "7294");
	CHECK_EQ(pin_answer(&a, &pr), KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	pin_send_as(&a, KPROTO_MSG_PIN_CHANGE, "1357");
	CHECK_EQ(pin_change_answer(&a), KPROTO_PIN_CHANGED);
	kproto_conn_close(&a);
	stop_bankd(pid);
	CHECK(!log_contains("7294"));
	CHECK(!log_contains("8642"));
}

/*
 * Kiosks that send requests and never read the answers: the adapter queues the
 * answers their sockets do not take and drops each kiosk whose queue overflows;
 * meanwhile an honest kiosk's answers stay under 100 ms.
 */
static void
non_readers(void)
{
	struct kproto_conn good, bad[3];
	struct kproto_buf empty;
	int alive[3];
	long long worst = 0;
	pid_t pid;

	log_mark();
	pid = start_bankd();
	CHECK_EQ(connect_kiosk(&good, kiosk_sk), KPROTO_OK);
	session(&good);
	for (int k = 0; k < 3; k++) {
		CHECK_EQ(connect_kiosk(&bad[k], kiosk_sk), KPROTO_OK);
		session(&bad[k]);
		/* Their own sends must not wait for an adapter that stopped reading. */
		bad[k].io_timeout_ms = 20;
		alive[k] = 1;
	}
	kproto_buf_init(&empty);
	for (int round = 0; round < 300; round++) {
		for (int k = 0; k < 3; k++)
			for (int j = 0; j < 10 && alive[k]; j++)
				alive[k] = kproto_send(&bad[k], KPROTO_MSG_BALANCE, &empty) ==
				    KPROTO_OK;
		long long t = balance(&good, 500000);
		if (t < 0 || t > worst)
			worst = t < 0 ? 1000000 : t;
	}
	if (worst >= 100)
		fprintf(stderr, "slowest honest BALANCE: %lld ms\n", worst);
	CHECK(worst < 100);
	CHECK(log_wait("closed (answers not read)"));
	CHECK(!alive[0] && !alive[1] && !alive[2]);
	for (int k = 0; k < 3; k++)
		kproto_conn_close(&bad[k]);
	kproto_conn_close(&good);
	stop_bankd(pid);
}

/* Connects as uid from a child process; its exit status is 0 when the handshake
 * completed. */
static int
connect_as(uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct kproto_conn c;
		char err[256];
		if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
			_exit(100);
		int rv = connect_once(&c, kiosk_sk, err, sizeof err);
		if (rv == KPROTO_OK)
			kproto_conn_close(&c);
		_exit(rv == KPROTO_OK ? 0 : 1);
	}
	return wait_exit(pid, 10000);
}

/* SO_PEERCRED: only the allowed uids get as far as the handshake. */
static void
peer_uid(void)
{
	char other[16], both[32], needle[128];
	struct kproto_conn c;
	char err[256];
	uid_t me = geteuid();
	pid_t pid;
	int sv[2];

	/* The check itself, on a socketpair whose peer is this process. */
	uid_t uid, allow[2] = { me + 1, me };
	pid_t ppid;
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(serve_peer_allowed(sv[0], allow, 1, &uid, &ppid), 0);
	CHECK_EQ(uid, me);
	CHECK_EQ(ppid, getpid());
	CHECK_EQ(serve_peer_allowed(sv[0], allow, 2, &uid, &ppid), 1);
	CHECK_EQ(serve_peer_allowed(sv[0], allow + 1, 1, &uid, &ppid), 1);
	close(sv[0]);
	close(sv[1]);

	/* This process's uid is not in the list: closed before the handshake. */
	snprintf(other, sizeof other, "%u", (unsigned)(me + 4242));
	const char *only_other[] = { "--allow-uid", other, NULL };
	log_mark();
	pid = start_bankd_with(db_path, only_other);
	CHECK(log_wait("serving"));
	CHECK(connect_once(&c, kiosk_sk, err, sizeof err) != KPROTO_OK);
	snprintf(needle, sizeof needle, "refusing a connection from uid %u (pid ",
	    (unsigned)me);
	CHECK(log_wait(needle));
	stop_bankd(pid);

	/* A process of another user, let through the socket's mode on purpose: refused by
	 * default, served when its uid is allowed. Needs root to switch users. */
	if (me != 0)
		return;
	CHECK(chmod(dir, 0711) == 0);
	log_mark();
	pid = start_bankd();
	CHECK(log_wait("serving"));
	CHECK(chmod(sock_path, 0666) == 0);
	CHECK(connect_as(NOBODY) != 0);
	snprintf(needle, sizeof needle, "refusing a connection from uid %u",
	    (unsigned)NOBODY);
	CHECK(log_wait(needle));
	stop_bankd(pid);

	snprintf(both, sizeof both, "0,%u", (unsigned)NOBODY);
	const char *allowed[] = { "--allow-uid", both, NULL };
	log_mark();
	pid = start_bankd_with(db_path, allowed);
	CHECK(log_wait("uids 0,65534"));
	CHECK(chmod(sock_path, 0666) == 0);
	CHECK_EQ(connect_as(NOBODY), 0);
	snprintf(needle, sizeof needle, "accepted (uid %u", (unsigned)NOBODY);
	CHECK(log_wait(needle));
	stop_bankd(pid);
	CHECK(chmod(dir, 0700) == 0);
}

/* A WITHDRAW_AUTH while another process holds the bank's write lock is refused with
 * ERROR internal, and nothing was held: no answer without a commit. */
static void
no_answer_without_commit(struct kproto_conn *c)
{
	struct kproto_withdraw_auth wa = { .amount_fen = 20000 };
	struct kproto_withdraw_result wr;
	struct kproto_error e;
	struct kproto_buf b;
	sqlite3 *db = NULL;
	uint8_t type = 0;

	randombytes_buf(wa.txid, sizeof wa.txid);
	CHECK_EQ(sqlite3_open(db_path, &db), SQLITE_OK);
	CHECK_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ(kproto_withdraw_auth_pack(&b, &wa), KPROTO_OK);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_WITHDRAW_AUTH, &b, &type, &b, 10000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_ERROR);
	CHECK_EQ(kproto_error_unpack(&b, &e), KPROTO_OK);
	CHECK_EQ(e.code, KPROTO_ERROR_INTERNAL);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	balance(c, 500000);

	/* The same txid once the lock is gone: approved, and held exactly once. */
	CHECK_EQ(kproto_withdraw_auth_pack(&b, &wa), KPROTO_OK);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_WITHDRAW_AUTH, &b, &type, &b, 5000), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_WITHDRAW_RESULT);
	CHECK_EQ(kproto_withdraw_result_unpack(&b, &wr), KPROTO_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	balance(c, 480000);
	struct kproto_withdraw_txid wt;
	memcpy(wt.txid, wa.txid, sizeof wt.txid);
	CHECK_EQ(kproto_withdraw_txid_pack(&b, &wt), KPROTO_OK);
	CHECK_EQ(kproto_request(c, KPROTO_MSG_WITHDRAW_REVERSE, &b, &type, &b, 5000),
	    KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_OK);
	balance(c, 500000);
}

static int
copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;
	int rv = in >= 0 && out >= 0 ? 0 : -1;

	while (rv == 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			rv = -1;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0)
		rv = -1;
	return rv;
}

/* kiosk-bankd at prog (as uid, -1 for this one) on db with key must exit 1 at once and
 * log why, naming the file, without ever creating its socket. */
static void
refuses_db_as(const char *prog, const char *db, const char *key, const char *logfile,
    uid_t as, const char *why)
{
	char *argv[] = { (char *)prog, "--db", (char *)db, "--socket", sock_path, "--key",
	    (char *)key, "--kiosk-key", kpub_path, "--log", (char *)logfile, NULL };
	char needle[256];
	struct stat st;

	CHECK_EQ(wait_exit(spawn_as(argv, as), 15000), 1);
	snprintf(needle, sizeof needle, "%s: %s", db, why);
	CHECK(file_wait(logfile, needle));
	CHECK(lstat(sock_path, &st) < 0);
}

static void
refuses_db(const char *db, const char *why)
{
	refuses_db_as(bankd, db, key_path, log_path, (uid_t)-1, why);
}

/* Locked, read-only, corrupt, not a bank: clear errors at start, exit 1. */
static void
bad_db(void)
{
	sqlite3 *db = NULL;
	int fd;

	/* Another process holds the write lock, then an exclusive one. */
	CHECK_EQ(copy_file(db_path, copy_path), 0);
	CHECK_EQ(sqlite3_open(copy_path, &db), SQLITE_OK);
	CHECK_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	refuses_db(copy_path, "the database is locked by another process");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	CHECK_EQ(sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; "
	    "UPDATE accounts SET holder = holder WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	refuses_db(copy_path, "the database is locked by another process");
	sqlite3_close(db);

	/* Garbage where the bank file should be, and an empty file. */
	fd = open(copy_path, O_WRONLY | O_TRUNC);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(write(fd, "this is not a bank, just some bytes in a file ..\n", 50), 50);
	close(fd);
	refuses_db(copy_path, "not a SQLite database");
	CHECK(truncate(copy_path, 0) == 0);
	refuses_db(copy_path, "not a kiosk bank file");

	/* A real bank whose pages were overwritten where each starts with its b-tree
	 * header: the file header is fine, the tree is not. */
	unlink(copy_path);
	CHECK_EQ(copy_file(db_path, copy_path), 0);
	fd = open(copy_path, O_WRONLY);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size >= 8192);
	for (off_t off = 4096; off < st.st_size; off += 4096)
		CHECK_EQ(pwrite(fd, "\xde\xad\xbe\xef\xde\xad\xbe\xef", 8, off), 8);
	close(fd);
	refuses_db(copy_path, "the database is corrupt");
	unlink(copy_path);

	/* Read-only: root writes anything it can open, so run the adapter as another
	 * user on a file it may only read; as a plain user, chmod is enough. */
	if (geteuid() == 0) {
		char rodir[64], robin[128], rodb[128], rokey[128], rolog[128];
		strcpy(rodir, "/tmp/bankd-ro-XXXXXX");
		CHECK(mkdtemp(rodir) != NULL && chmod(rodir, 0755) == 0);
		/* The build tree may sit where the other user cannot reach (a checkout under
		 * /root is mode 700): it runs its own copy of the program. */
		snprintf(robin, sizeof robin, "%s/kiosk-bankd", rodir);
		CHECK_EQ(copy_file(bankd, robin), 0);
		CHECK(chmod(robin, 0755) == 0);
		snprintf(rodb, sizeof rodb, "%s/bank.db", rodir);
		snprintf(rokey, sizeof rokey, "%s/adapter.key", rodir);
		snprintf(rolog, sizeof rolog, "%s/bankd.log", rodir);
		CHECK_EQ(copy_file(db_path, rodb), 0);
		CHECK_EQ(copy_file(key_path, rokey), 0);
		CHECK(chmod(rokey, 0600) == 0 && chown(rokey, NOBODY, NOBODY) == 0);
		CHECK((fd = open(rolog, O_CREAT | O_WRONLY, 0600)) >= 0);
		close(fd);
		CHECK(chown(rolog, NOBODY, NOBODY) == 0);
		/* The other user must get through the test dir to the kiosk's key. */
		CHECK(chmod(dir, 0711) == 0 && chmod(kpub_path, 0644) == 0);
		refuses_db_as(robin, rodb, rokey, rolog, NOBODY, "the database is read-only");
		CHECK(chmod(dir, 0700) == 0);
		unlink(robin);
		unlink(rodb);
		unlink(rokey);
		unlink(rolog);
		rmdir(rodir);
	} else {
		CHECK_EQ(copy_file(db_path, copy_path), 0);
		CHECK(chmod(copy_path, 0444) == 0);
		refuses_db(copy_path, "the database is read-only");
		unlink(copy_path);
	}
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
	snprintf(copy_path, sizeof copy_path, "%s/copy.db", dir);
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

	/* Start-up errors: exit 1 before serving; bad options exit 2. */
	char *missing[] = { (char *)bankd, "--db", db_path, "--socket", sock_path, "--key",
	    key_path, "--kiosk-key", kpub_path, "--log", log_path, NULL };
	CHECK_EQ(wait_exit(spawn(missing), 5000), 1);
	CHECK(log_contains("no such bank file"));
	char *help[] = { (char *)bankd, "--help", NULL };
	CHECK_EQ(wait_exit(spawn(help), 5000), 0);
	static const char *const badopts[][2] = { { "--allow-uid", "root" },
	    { "--allow-uid", "1,,2" }, { "--allow-uid", "4294967295" },
	    { "--max-conns", "1" }, { "--io-timeout", "5s" } };
	for (size_t i = 0; i < sizeof badopts / sizeof badopts[0]; i++) {
		char *bad_argv[] = { (char *)bankd, "--db", db_path, "--socket", sock_path,
		    (char *)badopts[i][0], (char *)badopts[i][1], NULL };
		CHECK_EQ(wait_exit(spawn(bad_argv), 5000), 2);
	}

	char *init[] = { (char *)bankd, "--db", db_path, "--init-demo", "--log", log_path,
	    NULL };
	CHECK_EQ(wait_exit(spawn(init), 20000), 0);
	bad_db();

	pid = start_bankd();
	CHECK_EQ(connect_kiosk(&good, kiosk_sk), KPROTO_OK);
	CHECK(stat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600);
	CHECK(log_wait("kiosk \"kiosk-e2e\" connected"));
	session(&good);
	balance(&good, 500000);
	no_answer_without_commit(&good);

	/* Bad peers are dropped, each for its reason, and the good session goes on. */
	bad_garbage();
	bad_huge_hello();
	bad_after_handshake("seq");
	CHECK(log_wait("bad frame [SEQ]"));
	bad_after_handshake("huge");
	CHECK(log_wait("bad frame [OVERSIZE]"));
	bad_after_handshake("half");
	CHECK(log_wait("frame not completed within " IO_TIMEOUT " ms (30 bytes received)"));
	CHECK_EQ(connect_kiosk(&bad, other_sk), KPROTO_E_EOF);
	CHECK(log_wait("handshake failed [BADSIG]"));
	balance(&good, 500000);
	flood(&good);
	CHECK(log_wait("CARD_OPEN 622200******0017 -> CARD_INFO ok"));
	CHECK(!log_contains("6222000000000017"));

	/* SIGTERM: a clean exit that removes the socket. */
	kill(pid, SIGTERM);
	CHECK_EQ(wait_exit(pid, 5000), 0);
	CHECK(lstat(sock_path, &st) < 0 && errno == ENOENT);
	CHECK(log_contains("stopped by signal"));
	kproto_conn_close(&good);

	full_of_sessions();
	pin_off_loop();
	pin_busy();
	statement_and_pin_change();
	non_readers();
	peer_uid();

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
	transfer_twice(&good);
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
	    "kiosk.key", "kiosk.pub", "adapter.key", "adapter.pub", "copy.db",
	    "copy.db-wal", "copy.db-shm" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(err, sizeof err, "%s/%s", dir, files[i]);
		unlink(err);
	}
	rmdir(dir);
	printf("ok\n");
	return 0;
}
