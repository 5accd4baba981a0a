/*
 * bench-link: what the signed bank link costs. Four measurements of one round trip of
 * the same sizes (a BALANCE request and its BALANCE_INFO answer), each repeated N times
 * after a warm-up, on one CPU unless told otherwise:
 *
 *   crypto       signing and verifying both frames, no I/O
 *   bare socket  the same bytes over a Unix stream socket to an echo process
 *   link         libkproto at both ends (kproto_request against a kproto server)
 *   kiosk-bankd  the real adapter: a signed BALANCE answered from its SQLite bank
 *
 *   bench-link [-n N] [--cpu CPU|-1] [--bankd PATH]
 *
 * docs/benchmarks.md says how to read the table.
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include "kiosk/proto.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 500

struct result {
	const char *name;
	double p50, p99, mean;      /* microseconds */
	int ok;
};

static int rounds = 20000;
static char dir[64], sock_path[128];
static unsigned char *kiosk_sk, *adapter_sk;
static unsigned char kiosk_pk[KPROTO_PK_LEN], adapter_pk[KPROTO_PK_LEN];
static struct kproto_buf balance_info;   /* the answer every server gives */
static size_t req_len, resp_len;         /* frame sizes on the wire */
static int64_t *samples;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
summarise(struct result *r, int n)
{
	double sum = 0;

	qsort(samples, (size_t)n, sizeof *samples, cmp_i64);
	for (int i = 0; i < n; i++)
		sum += (double)samples[i];
	r->p50 = (double)samples[n / 2] / 1000.0;
	r->p99 = (double)samples[(size_t)n * 99 / 100] / 1000.0;
	r->mean = sum / n / 1000.0;
	r->ok = 1;
}

static void
fail(const char *what)
{
	fprintf(stderr, "bench-link: %s\n", what);
	exit(1);
}

/* ---- crypto alone ----------------------------------------------------------------- */

static void
bench_crypto(struct result *r)
{
	static unsigned char req[KPROTO_MAX_FRAME], resp[KPROTO_MAX_FRAME];
	unsigned char session[KPROTO_SESSION_LEN];
	const unsigned char *payload;
	struct kproto_header h;
	size_t len;

	randombytes_buf(session, sizeof session);
	for (int i = -WARMUP; i < rounds; i++) {
		int64_t t0 = now_ns();
		if (kproto_frame_encode(req, sizeof req, &len, KPROTO_MSG_BALANCE,
		    (uint64_t)i + 2 + WARMUP, session, NULL, 0, kiosk_sk) != KPROTO_OK ||
		    kproto_frame_verify(req, len, kiosk_pk, &h, &payload) != KPROTO_OK ||
		    kproto_frame_encode(resp, sizeof resp, &len, KPROTO_MSG_BALANCE_INFO,
		    (uint64_t)i + 1 + WARMUP, session, balance_info.data, balance_info.len,
		    adapter_sk) != KPROTO_OK ||
		    kproto_frame_verify(resp, len, adapter_pk, &h, &payload) != KPROTO_OK)
			fail("crypto round failed");
		if (i >= 0)
			samples[i] = now_ns() - t0;
	}
	summarise(r, rounds);
}

/* ---- a listening socket and a child that serves it ----------------------------- */

static int
listen_unix(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	unlink(sock_path);
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(fd, 4) < 0)
		fail("cannot listen on the bench socket");
	return fd;
}

static int
connect_unix(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0)
		fail("cannot connect to the bench socket");
	return fd;
}

static int
io_full(int fd, unsigned char *p, size_t len, int writing)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = writing ? write(fd, p + off, len - off) : read(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Echo server: reads a request's worth of bytes, answers a response's worth. */
static void
serve_bare(int lfd)
{
	unsigned char buf[KPROTO_MAX_FRAME];
	int fd = accept(lfd, NULL, NULL);

	while (fd >= 0 && io_full(fd, buf, req_len, 0) == 0 && io_full(fd, buf, resp_len, 1) == 0)
		;
	_exit(0);
}

static void
bench_bare(struct result *r)
{
	unsigned char buf[KPROTO_MAX_FRAME];
	int lfd = listen_unix();
	pid_t pid = fork();

	if (pid == 0)
		serve_bare(lfd);
	close(lfd);
	int fd = connect_unix();
	memset(buf, 0x5a, sizeof buf);
	for (int i = -WARMUP; i < rounds; i++) {
		int64_t t0 = now_ns();
		if (io_full(fd, buf, req_len, 1) < 0 || io_full(fd, buf, resp_len, 0) < 0)
			fail("bare round trip failed");
		if (i >= 0)
			samples[i] = now_ns() - t0;
	}
	close(fd);
	waitpid(pid, NULL, 0);
	summarise(r, rounds);
}

/* ---- libkproto at both ends ------------------------------------------------------ */

static void
serve_link(int lfd)
{
	struct kproto_conn c;
	struct kproto_buf req;
	char err[256];
	uint8_t type;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0 || kproto_conn_init(&c, fd, adapter_sk, kiosk_pk) != KPROTO_OK ||
	    kproto_server_handshake_wait(&c, "bench", 5000, err, sizeof err) != KPROTO_OK)
		_exit(1);
	while (kproto_recv_wait(&c, &type, &req, -1) == KPROTO_OK)
		if (kproto_send(&c, KPROTO_MSG_BALANCE_INFO, &balance_info) != KPROTO_OK)
			break;
	_exit(0);
}

static void
bench_requests(struct kproto_conn *c, struct result *r)
{
	struct kproto_balance_info bi;
	struct kproto_buf b;
	uint8_t type;

	for (int i = -WARMUP; i < rounds; i++) {
		kproto_buf_init(&b);
		int64_t t0 = now_ns();
		if (kproto_request(c, KPROTO_MSG_BALANCE, &b, &type, &b, 5000) != KPROTO_OK ||
		    type != KPROTO_MSG_BALANCE_INFO)
			fail("signed round trip failed");
		if (i >= 0)
			samples[i] = now_ns() - t0;
		if (kproto_balance_info_unpack(&b, &bi) != KPROTO_OK)
			fail("bad BALANCE_INFO");
	}
	summarise(r, rounds);
}

static void
bench_link(struct result *r)
{
	struct kproto_conn c;
	char err[256];
	int lfd = listen_unix();
	pid_t pid = fork();

	if (pid == 0)
		serve_link(lfd);
	close(lfd);
	if (kproto_client_connect(&c, sock_path, kiosk_sk, adapter_pk, "bench", 5000, err,
	    sizeof err) != KPROTO_OK)
		fail(err);
	bench_requests(&c, r);
	kproto_conn_close(&c);
	waitpid(pid, NULL, 0);
}

/* ---- the real adapter ------------------------------------------------------------- */

static int
run(char **argv)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
bench_bankd(const char *bankd, struct result *r)
{
	char db[128], log[128], key[128], kpub[128], err[256];
	struct kproto_card_open co = { .pan = "6222000000000017" };
	struct kproto_pin_verify pv;
	struct kproto_conn c;
	struct kproto_buf b;
	uint8_t type;
	int rv = KPROTO_E_IO;

	snprintf(db, sizeof db, "%s/bank.db", dir);
	snprintf(log, sizeof log, "%s/bankd.log", dir);
	snprintf(key, sizeof key, "%s/adapter.key", dir);
	snprintf(kpub, sizeof kpub, "%s/kiosk.pub", dir);
	char *init[] = { (char *)bankd, "--db", db, "--init-demo", "--log", log, NULL };
	if (run(init) != 0) {
		fprintf(stderr, "bench-link: %s --init-demo failed (see %s); skipping the "
		    "adapter\n", bankd, log);
		return;
	}
	unlink(sock_path);
	char *serve[] = { (char *)bankd, "--db", db, "--socket", sock_path, "--key", key,
	    "--kiosk-key", kpub, "--log", log, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execv(serve[0], serve);
		_exit(127);
	}
	for (int i = 0; i < 500 && rv != KPROTO_OK; i++) {
		rv = kproto_client_connect(&c, sock_path, kiosk_sk, adapter_pk, "bench", 2000,
		    err, sizeof err);
		if (rv != KPROTO_OK)
			poll(NULL, 0, 10);
	}
	if (rv != KPROTO_OK)
		fail(err);
	/* BALANCE needs a card and its PIN first (docs/protocol.md, section 7). */
	if (kproto_card_open_pack(&b, &co) != KPROTO_OK ||
	    kproto_request(&c, KPROTO_MSG_CARD_OPEN, &b, &type, &b, 5000) != KPROTO_OK ||
	    kproto_pin_seal("1234", adapter_pk, pv.sealed, sizeof pv.sealed,
	    &pv.sealed_len) != KPROTO_OK || kproto_pin_verify_pack(&b, &pv) != KPROTO_OK ||
	    kproto_request(&c, KPROTO_MSG_PIN_VERIFY, &b, &type, &b, 5000) != KPROTO_OK ||
	    type != KPROTO_MSG_PIN_RESULT)
		fail("cannot open the demo card");
	bench_requests(&c, r);
	kproto_conn_close(&c);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* ---- set-up and report ------------------------------------------------------------ */

static void
sibling(char *out, size_t outsz, const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n <= 0) {
		snprintf(out, outsz, "%s", name);
		return;
	}
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(out, outsz, "%s/%s", self, name);
}

static void
keys_make(void)
{
	char err[256], path[128];

	kiosk_sk = sodium_malloc(KPROTO_SK_LEN);
	adapter_sk = sodium_malloc(KPROTO_SK_LEN);
	if (kiosk_sk == NULL || adapter_sk == NULL ||
	    kproto_keypair_generate_files(dir, "kiosk", 0, err, sizeof err) != KPROTO_OK ||
	    kproto_keypair_generate_files(dir, "adapter", 0, err, sizeof err) != KPROTO_OK)
		fail("cannot make keys");
	snprintf(path, sizeof path, "%s/kiosk.key", dir);
	if (kproto_key_load_secret(path, kiosk_sk, err, sizeof err) != KPROTO_OK)
		fail(err);
	snprintf(path, sizeof path, "%s/adapter.key", dir);
	if (kproto_key_load_secret(path, adapter_sk, err, sizeof err) != KPROTO_OK)
		fail(err);
	memcpy(kiosk_pk, kiosk_sk + 32, KPROTO_PK_LEN);
	memcpy(adapter_pk, adapter_sk + 32, KPROTO_PK_LEN);
}

static void
cleanup(void)
{
	static const char *files[] = { "bank.db", "bank.db-wal", "bank.db-shm", "bankd.log",
	    "kiosk.key", "kiosk.pub", "adapter.key", "adapter.pub", "bench.sock" };
	char path[160];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
row(const struct result *r)
{
	if (!r->ok) {
		printf("%-34s %10s\n", r->name, "skipped");
		return;
	}
	printf("%-34s %10.1f %10.1f %10.1f %10.0f\n", r->name, r->p50, r->p99, r->mean,
	    1e6 / r->mean);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "bankd", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct result crypto = { "crypto: 2 x sign + 2 x verify", 0, 0, 0, 0 };
	struct result bare = { "bare Unix socket round trip", 0, 0, 0, 0 };
	struct result link = { "signed, libkproto at both ends", 0, 0, 0, 0 };
	struct result bankd = { "signed BALANCE via kiosk-bankd", 0, 0, 0, 0 };
	char bankd_path[PATH_MAX + 16] = "";
	int cpu = 0, ch;

	while ((ch = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': rounds = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'b': snprintf(bankd_path, sizeof bankd_path, "%s", optarg); break;
		default:
			fprintf(ch == 'h' ? stdout : stderr,
			    "usage: bench-link [-n ROUNDS] [--cpu CPU|-1] [--bankd PATH]\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	if (rounds < 100 || sodium_init() < 0) {
		fprintf(stderr, "bench-link: -n must be at least 100\n");
		return 2;
	}
	if (bankd_path[0] == '\0')
		sibling(bankd_path, sizeof bankd_path, "kiosk-bankd");
	signal(SIGPIPE, SIG_IGN);
	/* Both ends on one CPU: the figure is what one core does, switches included. */
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0)
			fail("cannot pin to that CPU");
	}
	strcpy(dir, "/tmp/bench-link-XXXXXX");
	if (mkdtemp(dir) == NULL)
		fail("cannot make a temporary directory");
	snprintf(sock_path, sizeof sock_path, "%s/bench.sock", dir);
	if ((samples = calloc((size_t)rounds, sizeof *samples)) == NULL)
		fail("out of memory");
	keys_make();

	struct kproto_balance_info bi = { .balance_fen = 500000, .available_fen = 500000,
	    .currency = "CNY" };
	if (kproto_balance_info_pack(&balance_info, &bi) != KPROTO_OK)
		fail("cannot pack BALANCE_INFO");
	req_len = KPROTO_HEADER_LEN + KPROTO_SIG_LEN;
	resp_len = KPROTO_HEADER_LEN + balance_info.len + KPROTO_SIG_LEN;

	bench_crypto(&crypto);
	bench_bare(&bare);
	bench_link(&link);
	if (access(bankd_path, X_OK) == 0)
		bench_bankd(bankd_path, &bankd);
	else
		fprintf(stderr, "bench-link: no %s; skipping the adapter\n", bankd_path);

	printf("bench-link: %d round trips after %d warm-up; request %zu bytes, response %zu "
	    "bytes; %s\n\n", rounds, WARMUP, req_len, resp_len, cpu >= 0 ?
	    "client and server pinned to one CPU" : "not pinned");
	printf("%-34s %10s %10s %10s %10s\n", "", "p50 us", "p99 us", "mean us", "per s");
	row(&crypto);
	row(&bare);
	row(&link);
	row(&bankd);
	printf("\noverhead of the signed link over the bare socket: x%.2f at p50, x%.2f at "
	    "p99\n", link.p50 / bare.p50, link.p99 / bare.p99);
	printf("of which the crypto: %.1f us of the %.1f us added at p50 (%.0f%%)\n",
	    crypto.p50, link.p50 - bare.p50, 100.0 * crypto.p50 / (link.p50 - bare.p50));
	if (bankd.ok)
		printf("kiosk-bankd over the bare socket: x%.2f at p50 (adds SQLite and a log "
		    "line per request)\n", bankd.p50 / bare.p50);

	sodium_free(kiosk_sk);
	sodium_free(adapter_sk);
	free(samples);
	cleanup();
	return 0;
}
