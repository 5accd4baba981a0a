/*
 * libkproto against the test vectors in tests/vectors (format in its README.md): the
 * keys from their seeds, the session id, every good frame byte for byte as the real
 * client and server handshake and kproto_send produce it, and for every frame the
 * result a receiver in the stated state gives. The handshake draws its nonces from
 * libsodium's RNG, which this test replaces so that it hands out the vectors' nonces.
 * Usage: test_proto_vectors DIR
 */
#include "kiosk/proto.h"

#include <sys/socket.h>

#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define REC_KEYS 16

struct rec {
	int n;
	char *key[REC_KEYS];
	char *val[REC_KEYS];
};

struct blob {
	unsigned char *p;
	size_t len;
};

static unsigned char kiosk_pk[KPROTO_PK_LEN], kiosk_sk[KPROTO_SK_LEN];
static unsigned char adapter_pk[KPROTO_PK_LEN], adapter_sk[KPROTO_SK_LEN];
static unsigned char other_pk[KPROTO_PK_LEN];
static unsigned char nonce_c[KPROTO_NONCE_LEN], nonce_s[KPROTO_NONCE_LEN];
static unsigned char session[KPROTO_SESSION_LEN];
static char kiosk_id[KPROTO_ID_MAX + 1], adapter_id[KPROTO_ID_MAX + 1];
static struct blob hello, reply, confirm, request, response, request_empty;
static struct blob response_balance;
static struct blob request_statement, response_statement, request_pin_change;
static struct blob response_pin_change;

/* The statement and the sealed PIN the vectors carry (their comments in frames.txt). */
static const struct kproto_statement_lines vector_lines = { .count = 3, .line = {
	{ 1764806400, KPROTO_ENTRY_WITHDRAWAL, -50000, 450000 },
	{ 1764547200, KPROTO_ENTRY_TRANSFER_IN, 200000, 500000 },
	{ 1764288000, KPROTO_ENTRY_DEPOSIT, 300000, 300000 },
} };
#define VECTOR_NEW_PIN "7294"

/* ---- A planned RNG: the next 32-byte draw after rng_plan() is the given nonce ---- */

static const unsigned char *rng_planned;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void
rng_buf(void *const buf, const size_t size)
{
	unsigned char *p = buf;

	if (rng_planned != NULL && size == KPROTO_NONCE_LEN) {
		memcpy(p, rng_planned, size);
		rng_planned = NULL;
		return;
	}
	for (size_t i = 0; i < size; i++)
		p[i] = (unsigned char)rng_random();
}

static const char *
rng_name(void)
{
	return "planned";
}

static void
rng_plan(const unsigned char *nonce)
{
	rng_planned = nonce;
}

/* ---- Reading the files -------------------------------------------------------------- */

/* Reads path into records (blank lines separate them, # lines are comments). */
static int
records_read(const char *dir, const char *name, struct rec *recs, int max)
{
	char path[512], line[65536];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	memset(recs, 0, sizeof *recs * (size_t)max);
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strlen(line);
		CHECK(len > 0 && line[len - 1] == '\n');
		line[--len] = '\0';
		if (line[0] == '#')
			continue;
		if (len == 0) {
			if (n < max && recs[n].n > 0)
				n++;
			continue;
		}
		char *eq = strstr(line, " = ");
		CHECK(eq != NULL && n < max && recs[n].n < REC_KEYS);
		if (eq == NULL || n >= max || recs[n].n >= REC_KEYS)
			continue;
		*eq = '\0';
		recs[n].key[recs[n].n] = strdup(line);
		recs[n].val[recs[n].n] = strdup(eq + 3);
		recs[n].n++;
	}
	if (n < max && recs[n].n > 0)
		n++;
	fclose(f);
	return n;
}

static void
records_free(struct rec *recs, int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < recs[i].n; k++) {
			free(recs[i].key[k]);
			free(recs[i].val[k]);
		}
}

static const char *
rec_get(const struct rec *r, const char *key)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->key[i], key) == 0)
			return r->val[i];
	fprintf(stderr, "vectors: no \"%s\"\n", key);
	failures++;
	return "";
}

/* Lowercase hex, as the README says, decoded into a fresh buffer. */
static struct blob
rec_hex(const struct rec *r, const char *key)
{
	const char *hex = rec_get(r, key);
	struct blob b = { malloc(strlen(hex) / 2 + 1), 0 };

	CHECK(strlen(hex) % 2 == 0 && strspn(hex, "0123456789abcdef") == strlen(hex));
	CHECK(sodium_hex2bin(b.p, strlen(hex) / 2 + 1, hex, strlen(hex), NULL, &b.len,
	    NULL) == 0);
	return b;
}

static void
rec_fixed(const struct rec *r, const char *key, unsigned char *out, size_t len)
{
	struct blob b = rec_hex(r, key);

	CHECK_EQ(b.len, len);
	if (b.len == len)
		memcpy(out, b.p, len);
	free(b.p);
}

static const struct rec *
rec_named(const struct rec *recs, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < recs[i].n; k++)
			if (strcmp(recs[i].key[k], "name") == 0 &&
			    strcmp(recs[i].val[k], name) == 0)
				return &recs[i];
	fprintf(stderr, "vectors: no record \"%s\"\n", name);
	failures++;
	return &recs[0];
}

/* ---- Helpers -------------------------------------------------------------------------- */

static int
blob_eq(const struct blob *b, const unsigned char *p, size_t len, const char *what)
{
	if (b->len == len && memcmp(b->p, p, len) == 0)
		return 1;
	fprintf(stderr, "%s: %zu bytes differ from the vector's %zu\n", what, len, b->len);
	return 0;
}

/* Reads exactly len bytes from fd, waiting at most a second for each. */
static int
read_exact(int fd, unsigned char *p, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < len) {
		if (poll(&pfd, 1, 1000) != 1)
			return -1;
		ssize_t n = read(fd, p + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Nothing more waiting on fd. */
static int
drained(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

static void
write_all(int fd, const struct blob *b)
{
	CHECK_EQ(write(fd, b->p, b->len), (ssize_t)b->len);
}

/* The next frame a server handshake takes: OK once it moved to its next state. */
static int
server_step(struct kproto_conn *c)
{
	enum kproto_conn_state from = c->state;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	char err[256];
	int rv;

	while ((rv = kproto_server_handshake(c, adapter_id, err, sizeof err)) == KPROTO_AGAIN &&
	    c->state == from) {
		if (poll(&pfd, 1, 1000) != 1)
			return KPROTO_E_TIMEOUT;
	}
	return rv == KPROTO_AGAIN ? KPROTO_OK : rv;
}

/* A client on sv[0] through the handshake, fed the vectors' HELLO_REPLY. */
static void
client_up(struct kproto_conn *c, int sv[2])
{
	char err[256] = "";
	int rv;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(kproto_conn_init(c, sv[0], kiosk_sk, adapter_pk), KPROTO_OK);
	write_all(sv[1], &reply);
	rng_plan(nonce_c);
	if ((rv = kproto_client_handshake(c, kiosk_id, 1000, err, sizeof err)) != KPROTO_OK)
		fprintf(stderr, "client handshake: %s\n", err);
	CHECK_EQ(rv, KPROTO_OK);
}

/* A server on sv[1] through the handshake, fed the vectors' HELLO and HELLO_CONFIRM. */
static void
server_up(struct kproto_conn *c, int sv[2])
{
	char err[256] = "";
	int rv;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(kproto_conn_init(c, sv[1], adapter_sk, kiosk_pk), KPROTO_OK);
	write_all(sv[0], &hello);
	write_all(sv[0], &confirm);
	rng_plan(nonce_s);
	rv = kproto_server_handshake_wait(c, adapter_id, 1000, err, sizeof err);
	if (rv != KPROTO_OK)
		fprintf(stderr, "server handshake: %s\n", err);
	CHECK_EQ(rv, KPROTO_OK);
}

/* ---- The checks ----------------------------------------------------------------------- */

static void
test_keys_and_session(const char *dir)
{
	struct rec recs[2];
	unsigned char seed[32], pk[KPROTO_PK_LEN], sk[KPROTO_SK_LEN], sid[KPROTO_SESSION_LEN];

	CHECK_EQ(records_read(dir, "keys.txt", recs, 2), 1);
	CHECK_EQ(recs[0].n, 6);
	rec_fixed(&recs[0], "kiosk.seed", seed, sizeof seed);
	CHECK(crypto_sign_seed_keypair(kiosk_pk, kiosk_sk, seed) == 0);
	rec_fixed(&recs[0], "kiosk.pk", pk, sizeof pk);
	CHECK(memcmp(pk, kiosk_pk, sizeof pk) == 0);
	rec_fixed(&recs[0], "adapter.seed", seed, sizeof seed);
	CHECK(crypto_sign_seed_keypair(adapter_pk, adapter_sk, seed) == 0);
	rec_fixed(&recs[0], "adapter.pk", pk, sizeof pk);
	CHECK(memcmp(pk, adapter_pk, sizeof pk) == 0);
	rec_fixed(&recs[0], "other.seed", seed, sizeof seed);
	CHECK(crypto_sign_seed_keypair(other_pk, sk, seed) == 0);
	rec_fixed(&recs[0], "other.pk", pk, sizeof pk);
	CHECK(memcmp(pk, other_pk, sizeof pk) == 0);
	records_free(recs, 1);
	sodium_memzero(sk, sizeof sk);

	CHECK_EQ(records_read(dir, "handshake.txt", recs, 2), 1);
	rec_fixed(&recs[0], "nonce_c", nonce_c, sizeof nonce_c);
	rec_fixed(&recs[0], "nonce_s", nonce_s, sizeof nonce_s);
	rec_fixed(&recs[0], "session", session, sizeof session);
	CHECK_EQ(kproto_session_id(sid, nonce_c, nonce_s), KPROTO_OK);
	CHECK(memcmp(sid, session, sizeof sid) == 0);
	struct blob b = rec_hex(&recs[0], "kiosk_id");
	CHECK(b.len > 0 && b.len <= KPROTO_ID_MAX);
	memcpy(kiosk_id, b.p, b.len < KPROTO_ID_MAX ? b.len : KPROTO_ID_MAX);
	free(b.p);
	b = rec_hex(&recs[0], "adapter_id");
	CHECK(b.len > 0 && b.len <= KPROTO_ID_MAX);
	memcpy(adapter_id, b.p, b.len < KPROTO_ID_MAX ? b.len : KPROTO_ID_MAX);
	free(b.p);
	records_free(recs, 1);
}

/* Payload of a vector frame verified with pk, ready for an unpack. */
static void
vector_payload(const struct blob *f, const unsigned char *pk, struct kproto_buf *b)
{
	struct kproto_header h;
	const unsigned char *payload;

	kproto_buf_init(b);
	CHECK_EQ(kproto_frame_verify(f->p, f->len, pk, &h, &payload), KPROTO_OK);
	CHECK_EQ(kproto_buf_set(b, payload, h.length), KPROTO_OK);
}

/* After request_empty: STATEMENT and PIN_CHANGE, whose sealed PIN opens to the digits
 * the vector names, as the adapter opens it. */
static void
test_client_statement(struct kproto_conn *client, int peer, unsigned char *buf)
{
	struct kproto_statement st = { .account = KPROTO_STATEMENT_CURRENT };
	struct kproto_pin_verify pc;
	struct kproto_buf b;
	char *pin = sodium_malloc(KPROTO_PIN_MAX + 1);

	CHECK_EQ(kproto_statement_pack(&b, &st), KPROTO_OK);
	CHECK_EQ(kproto_send(client, KPROTO_MSG_STATEMENT, &b), KPROTO_OK);
	CHECK_EQ(read_exact(peer, buf, request_statement.len), 0);
	CHECK(blob_eq(&request_statement, buf, request_statement.len, "request_statement"));

	vector_payload(&request_pin_change, kiosk_pk, &b);
	CHECK_EQ(kproto_pin_verify_unpack(&b, &pc), KPROTO_OK);
	CHECK(pin != NULL);
	CHECK_EQ(kproto_pin_open(pc.sealed, pc.sealed_len, adapter_sk, pin,
	    KPROTO_PIN_MAX + 1), KPROTO_OK);
	CHECK(strcmp(pin, VECTOR_NEW_PIN) == 0);
	sodium_free(pin);
	CHECK_EQ(kproto_pin_verify_pack(&b, &pc), KPROTO_OK);
	CHECK_EQ(kproto_send(client, KPROTO_MSG_PIN_CHANGE, &b), KPROTO_OK);
	CHECK_EQ(read_exact(peer, buf, request_pin_change.len), 0);
	CHECK(blob_eq(&request_pin_change, buf, request_pin_change.len, "request_pin_change"));
}

/* After response_balance: STATEMENT_LINES and PIN_CHANGE_RESULT, and back. */
static void
test_server_statement(struct kproto_conn *server, int peer, unsigned char *buf)
{
	struct kproto_pin_change_result pr = { .status = KPROTO_PIN_CHANGED }, pr2;
	struct kproto_statement_lines sl;
	struct kproto_buf b;

	CHECK_EQ(kproto_statement_lines_pack(&b, &vector_lines), KPROTO_OK);
	CHECK_EQ(kproto_send(server, KPROTO_MSG_STATEMENT_LINES, &b), KPROTO_OK);
	CHECK_EQ(read_exact(peer, buf, response_statement.len), 0);
	CHECK(blob_eq(&response_statement, buf, response_statement.len, "response_statement"));
	CHECK_EQ(kproto_pin_change_result_pack(&b, &pr), KPROTO_OK);
	CHECK_EQ(kproto_send(server, KPROTO_MSG_PIN_CHANGE_RESULT, &b), KPROTO_OK);
	CHECK_EQ(read_exact(peer, buf, response_pin_change.len), 0);
	CHECK(blob_eq(&response_pin_change, buf, response_pin_change.len,
	    "response_pin_change"));

	vector_payload(&response_statement, adapter_pk, &b);
	CHECK_EQ(kproto_statement_lines_unpack(&b, &sl), KPROTO_OK);
	CHECK_EQ(sl.count, 3);
	for (int i = 0; i < sl.count && i < 3; i++)
		CHECK(sl.line[i].at == vector_lines.line[i].at &&
		    sl.line[i].kind == vector_lines.line[i].kind &&
		    sl.line[i].amount_fen == vector_lines.line[i].amount_fen &&
		    sl.line[i].balance_after_fen == vector_lines.line[i].balance_after_fen);
	vector_payload(&response_pin_change, adapter_pk, &b);
	CHECK_EQ(kproto_pin_change_result_unpack(&b, &pr2), KPROTO_OK);
	CHECK_EQ(pr2.status, KPROTO_PIN_CHANGED);
}

/* The real client and server produce the vectors' frames, byte for byte. */
static void
test_good_frames(void)
{
	static unsigned char buf[KPROTO_MAX_FRAME * 2];
	struct kproto_card_open co = { .pan = "6222000000000017" }, co2;
	struct kproto_card_info ci = { .status = KPROTO_CARD_OK, .holder = "张伟 Zhang Wei",
	    .lang = "zh", .flags = 0, .tries_left = 3 }, ci2;
	struct kproto_balance_info bi = { .balance_fen = 500000, .available_fen = 500000,
	    .currency = "CNY" }, bi2;
	struct kproto_conn client, server;
	struct kproto_header h;
	const unsigned char *payload;
	struct kproto_buf b;
	int sv[2];

	/* Client: HELLO and HELLO_CONFIRM, then two requests. */
	client_up(&client, sv);
	CHECK(strcmp(client.peer_id, adapter_id) == 0);
	CHECK(memcmp(client.session, session, sizeof session) == 0);
	CHECK_EQ(read_exact(sv[1], buf, hello.len), 0);
	CHECK(blob_eq(&hello, buf, hello.len, "HELLO"));
	CHECK_EQ(read_exact(sv[1], buf, confirm.len), 0);
	CHECK(blob_eq(&confirm, buf, confirm.len, "HELLO_CONFIRM"));
	CHECK(drained(sv[1]));
	CHECK_EQ(kproto_card_open_pack(&b, &co), KPROTO_OK);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_CARD_OPEN, &b), KPROTO_OK);
	CHECK_EQ(read_exact(sv[1], buf, request.len), 0);
	CHECK(blob_eq(&request, buf, request.len, "request"));
	kproto_buf_init(&b);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_BALANCE, &b), KPROTO_OK);
	CHECK_EQ(read_exact(sv[1], buf, request_empty.len), 0);
	CHECK(blob_eq(&request_empty, buf, request_empty.len, "request_empty"));
	test_client_statement(&client, sv[1], buf);
	close(sv[1]);
	kproto_conn_close(&client);

	/* Server: HELLO_REPLY, then two responses. */
	server_up(&server, sv);
	CHECK(strcmp(server.peer_id, kiosk_id) == 0);
	CHECK_EQ(read_exact(sv[0], buf, reply.len), 0);
	CHECK(blob_eq(&reply, buf, reply.len, "HELLO_REPLY"));
	CHECK(drained(sv[0]));
	CHECK_EQ(kproto_card_info_pack(&b, &ci), KPROTO_OK);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_CARD_INFO, &b), KPROTO_OK);
	CHECK_EQ(read_exact(sv[0], buf, response.len), 0);
	CHECK(blob_eq(&response, buf, response.len, "response"));
	CHECK_EQ(kproto_balance_info_pack(&b, &bi), KPROTO_OK);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_BALANCE_INFO, &b), KPROTO_OK);
	CHECK_EQ(read_exact(sv[0], buf, response_balance.len), 0);
	CHECK(blob_eq(&response_balance, buf, response_balance.len, "response_balance"));
	test_server_statement(&server, sv[0], buf);
	close(sv[0]);
	kproto_conn_close(&server);

	/* And the typed readers get the values back out of the vectors' payloads. */
	CHECK_EQ(kproto_frame_verify(request.p, request.len, kiosk_pk, &h, &payload),
	    KPROTO_OK);
	CHECK_EQ(kproto_buf_set(&b, payload, h.length), KPROTO_OK);
	CHECK_EQ(kproto_card_open_unpack(&b, &co2), KPROTO_OK);
	CHECK(strcmp(co2.pan, co.pan) == 0);
	CHECK_EQ(kproto_frame_verify(response.p, response.len, adapter_pk, &h, &payload),
	    KPROTO_OK);
	CHECK_EQ(kproto_buf_set(&b, payload, h.length), KPROTO_OK);
	CHECK_EQ(kproto_card_info_unpack(&b, &ci2), KPROTO_OK);
	CHECK(strcmp(ci2.holder, ci.holder) == 0 && ci2.tries_left == 3);
	CHECK_EQ(kproto_frame_verify(response_balance.p, response_balance.len, adapter_pk,
	    &h, &payload), KPROTO_OK);
	CHECK_EQ(kproto_buf_set(&b, payload, h.length), KPROTO_OK);
	CHECK_EQ(kproto_balance_info_unpack(&b, &bi2), KPROTO_OK);
	CHECK_EQ(bi2.available_fen, 500000);
}

/* Sends m as type on c and checks the bytes on the other end are record name's frame. */
static void
send_expect(struct kproto_conn *c, int peer_fd, uint8_t type, const struct kproto_buf *b,
    const struct rec *recs, int n, const char *name)
{
	static unsigned char buf[KPROTO_MAX_FRAME];
	struct blob want = rec_hex(rec_named(recs, n, name), "frame");

	CHECK_EQ(b->error, KPROTO_OK);
	CHECK_EQ(kproto_send(c, type, b), KPROTO_OK);
	CHECK_EQ(read_exact(peer_fd, buf, want.len), 0);
	CHECK(blob_eq(&want, buf, want.len, name));
	free(want.p);
}

/* The typed reader of record name's payload, verified with pk. */
static void
payload_of(const struct rec *recs, int n, const char *name, const unsigned char *pk,
    struct kproto_buf *b)
{
	struct blob f = rec_hex(rec_named(recs, n, name), "frame");
	struct kproto_header h;
	const unsigned char *payload;

	CHECK_EQ(kproto_frame_verify(f.p, f.len, pk, &h, &payload), KPROTO_OK);
	CHECK_EQ(kproto_buf_set(b, payload, h.length), KPROTO_OK);
	free(f.p);
}

/* The session goes on with a transfer: the packers give the vectors' bytes. */
static void
test_transfer_frames(const struct rec *recs, int n)
{
	struct kproto_transfer_choices tc = {
		.naccounts = 2,
		.accounts = { { KPROTO_ACCOUNT_CURRENT, 500000 },
		    { KPROTO_ACCOUNT_SAVINGS, 2000000 } },
		.npayees = 2,
		.payees = { { "6222000000000025", "李*英", 1 }, { "6222000000000033", "王*", 0 } },
		.transfer_remaining_fen = 5000000,
	}, tc2;
	struct kproto_payee pi = { "6222000000000041", "赵*", 0 }, pi2;
	struct kproto_payee_lookup pl = { "6222000000000041" }, pl_luhn = { "6222000000000042" };
	struct kproto_error e = { KPROTO_ERROR_UNKNOWN_PAYEE, "PAYEE_LOOKUP: bad card number" };
	struct kproto_transfer tp = { .amount_fen = 100000, .pan = "6222000000000025" }, t2;
	struct kproto_transfer to = { .amount_fen = 50000, .from_kind = KPROTO_ACCOUNT_SAVINGS,
	    .to_kind = KPROTO_ACCOUNT_CURRENT };
	struct kproto_transfer_result rp = { .status = KPROTO_XFER_APPROVED,
	    .available_after_fen = 400000 }, ro = { .status = KPROTO_XFER_APPROVED,
	    .available_after_fen = 1950000 }, r2;
	struct kproto_conn client, server;
	struct kproto_buf b;
	int sv[2];

	for (int i = 0; i < KPROTO_TXID_LEN; i++)
		tp.txid[i] = rp.txid[i] = to.txid[i] = ro.txid[i] = (unsigned char)(0x10 + i);
	to.txid[15] = ro.txid[15] = 0xff;

	client_up(&client, sv);
	CHECK_EQ(read_exact(sv[1], (unsigned char[KPROTO_MAX_FRAME]){ 0 },
	    hello.len + confirm.len), 0);
	client.send_seq = 4;    /* after request and request_empty */
	kproto_buf_init(&b);
	send_expect(&client, sv[1], KPROTO_MSG_TRANSFER_OPTIONS, &b, recs, n,
	    "request_transfer_options");
	kproto_payee_lookup_pack(&b, &pl);
	send_expect(&client, sv[1], KPROTO_MSG_PAYEE_LOOKUP, &b, recs, n,
	    "request_payee_lookup");
	kproto_payee_lookup_pack(&b, &pl_luhn);
	send_expect(&client, sv[1], KPROTO_MSG_PAYEE_LOOKUP, &b, recs, n,
	    "request_payee_lookup_luhn");
	kproto_transfer_pack(&b, &tp);
	send_expect(&client, sv[1], KPROTO_MSG_TRANSFER, &b, recs, n, "request_transfer_payee");
	kproto_transfer_pack(&b, &to);
	send_expect(&client, sv[1], KPROTO_MSG_TRANSFER, &b, recs, n, "request_transfer_own");
	close(sv[1]);
	kproto_conn_close(&client);

	server_up(&server, sv);
	CHECK_EQ(read_exact(sv[0], (unsigned char[KPROTO_MAX_FRAME]){ 0 }, reply.len), 0);
	server.send_seq = 3;    /* after response and response_balance */
	kproto_transfer_choices_pack(&b, &tc);
	send_expect(&server, sv[0], KPROTO_MSG_TRANSFER_CHOICES, &b, recs, n,
	    "response_transfer_choices");
	kproto_payee_info_pack(&b, &pi);
	send_expect(&server, sv[0], KPROTO_MSG_PAYEE_INFO, &b, recs, n, "response_payee_info");
	kproto_error_pack(&b, &e);
	send_expect(&server, sv[0], KPROTO_MSG_ERROR, &b, recs, n, "response_unknown_payee");
	kproto_transfer_result_pack(&b, &rp);
	send_expect(&server, sv[0], KPROTO_MSG_TRANSFER_RESULT, &b, recs, n,
	    "response_transfer_payee");
	kproto_transfer_result_pack(&b, &ro);
	send_expect(&server, sv[0], KPROTO_MSG_TRANSFER_RESULT, &b, recs, n,
	    "response_transfer_own");
	close(sv[0]);
	kproto_conn_close(&server);

	/* The readers get the values back. */
	payload_of(recs, n, "response_transfer_choices", adapter_pk, &b);
	CHECK_EQ(kproto_transfer_choices_unpack(&b, &tc2), KPROTO_OK);
	CHECK(tc2.naccounts == 2 && tc2.npayees == 2 && tc2.payees[0].paid_before == 1);
	CHECK(strcmp(tc2.payees[1].name, "王*") == 0);
	payload_of(recs, n, "response_payee_info", adapter_pk, &b);
	CHECK_EQ(kproto_payee_info_unpack(&b, &pi2), KPROTO_OK);
	CHECK(strcmp(pi2.name, "赵*") == 0);
	payload_of(recs, n, "request_transfer_payee", kiosk_pk, &b);
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_OK);
	CHECK(strcmp(t2.pan, "6222000000000025") == 0 && t2.amount_fen == 100000);
	payload_of(recs, n, "request_transfer_own", kiosk_pk, &b);
	CHECK_EQ(kproto_transfer_unpack(&b, &t2), KPROTO_OK);
	CHECK(t2.pan[0] == '\0' && t2.from_kind == KPROTO_ACCOUNT_SAVINGS &&
	    t2.to_kind == KPROTO_ACCOUNT_CURRENT);
	payload_of(recs, n, "response_transfer_own", adapter_pk, &b);
	CHECK_EQ(kproto_transfer_result_unpack(&b, &r2), KPROTO_OK);
	CHECK_EQ(r2.available_after_fen, 1950000);
}

/* Card services: the real client and server produce the frames; a new card's
 * CARD_INFO and the sealed PIN of CARD_ACTIVATE read back. */
static void
test_card_frames(const struct rec *recs, int n)
{
	struct kproto_card_list_info cl = { .count = 2, .card = { { "0108", KPROTO_CARD_OK },
	    { "0058", KPROTO_CARD_LOST } } }, cl2;
	struct kproto_card_info ci = { .status = KPROTO_CARD_INACTIVE,
	    .holder = "陈静 Chen Jing", .lang = "zh", .tries_left = 3 }, ci2;
	struct kproto_card_report_lost rl = { .index = 0 }, rl2;
	struct kproto_pin_verify pv;
	struct kproto_error e;
	struct kproto_conn client, server;
	struct kproto_buf b;
	char pin[KPROTO_PIN_MAX + 1];
	int sv[2];

	client_up(&client, sv);
	CHECK_EQ(read_exact(sv[1], (unsigned char[KPROTO_MAX_FRAME]){ 0 },
	    hello.len + confirm.len), 0);
	client.send_seq = 4;
	kproto_buf_init(&b);
	send_expect(&client, sv[1], KPROTO_MSG_CARD_LIST, &b, recs, n, "request_card_list");
	kproto_card_report_lost_pack(&b, &rl);
	send_expect(&client, sv[1], KPROTO_MSG_CARD_REPORT_LOST, &b, recs, n,
	    "request_card_report_lost");
	close(sv[1]);
	kproto_conn_close(&client);

	server_up(&server, sv);
	CHECK_EQ(read_exact(sv[0], (unsigned char[KPROTO_MAX_FRAME]){ 0 }, reply.len), 0);
	kproto_card_info_pack(&b, &ci);
	send_expect(&server, sv[0], KPROTO_MSG_CARD_INFO, &b, recs, n,
	    "response_card_inactive");
	server.send_seq = 3;
	kproto_card_list_info_pack(&b, &cl);
	send_expect(&server, sv[0], KPROTO_MSG_CARD_LIST_INFO, &b, recs, n,
	    "response_card_list");
	close(sv[0]);
	kproto_conn_close(&server);

	payload_of(recs, n, "response_card_inactive", adapter_pk, &b);
	CHECK_EQ(kproto_card_info_unpack(&b, &ci2), KPROTO_OK);
	CHECK_EQ(ci2.status, KPROTO_CARD_INACTIVE);
	payload_of(recs, n, "response_card_list", adapter_pk, &b);
	CHECK_EQ(kproto_card_list_info_unpack(&b, &cl2), KPROTO_OK);
	CHECK(cl2.count == 2 && strcmp(cl2.card[1].last4, "0058") == 0 &&
	    cl2.card[1].status == KPROTO_CARD_LOST);
	payload_of(recs, n, "request_card_report_lost", kiosk_pk, &b);
	CHECK_EQ(kproto_card_report_lost_unpack(&b, &rl2), KPROTO_OK);
	CHECK_EQ(rl2.index, 0);
	payload_of(recs, n, "request_card_activate", kiosk_pk, &b);
	CHECK_EQ(kproto_pin_verify_unpack(&b, &pv), KPROTO_OK);
	CHECK_EQ(kproto_pin_open(pv.sealed, pv.sealed_len, adapter_sk, pin, sizeof pin),
	    KPROTO_OK);
	CHECK(strcmp(pin, VECTOR_NEW_PIN) == 0);
	/* The services staff open: a new PIN as PIN_CHANGE's, a cancelled card, ERROR 10. */
	payload_of(recs, n, "request_card_unlock", kiosk_pk, &b);
	CHECK_EQ(kproto_pin_verify_unpack(&b, &pv), KPROTO_OK);
	CHECK_EQ(kproto_pin_open(pv.sealed, pv.sealed_len, adapter_sk, pin, sizeof pin),
	    KPROTO_OK);
	CHECK(strcmp(pin, VECTOR_NEW_PIN) == 0);
	payload_of(recs, n, "request_card_cancel", kiosk_pk, &b);
	CHECK_EQ(kproto_get_end(&b), KPROTO_OK);
	payload_of(recs, n, "response_card_cancelled", adapter_pk, &b);
	CHECK_EQ(kproto_card_info_unpack(&b, &ci2), KPROTO_OK);
	CHECK(ci2.status == KPROTO_CARD_CANCELLED && ci2.holder[0] == '\0');
	payload_of(recs, n, "response_money_left", adapter_pk, &b);
	CHECK_EQ(kproto_error_unpack(&b, &e), KPROTO_OK);
	CHECK_EQ(e.code, KPROTO_ERROR_MONEY_LEFT);
	/* Only four digits leave the adapter; an index past the list is refused. */
	kproto_buf_init(&b);
	kproto_put_u8(&b, KPROTO_TAG_CARD_COUNT, 1);
	kproto_put_str(&b, KPROTO_TAG_CARD_LAST4, "6222000000000108");
	kproto_put_u8(&b, KPROTO_TAG_CARD_STATUS, 0);
	CHECK(kproto_card_list_info_unpack(&b, &cl2) != KPROTO_OK);
	rl.index = KPROTO_CARDS_MAX;
	CHECK_EQ(kproto_card_report_lost_pack(&b, &rl), KPROTO_E_FIELD_VALUE);
}

/*
 * What a receiver in state "at", expecting seq, concludes from frame f followed by the
 * end of the stream. The state is reached by the vectors' own handshake frames.
 */
static int
receive(const char *at, uint64_t seq, const struct blob *f)
{
	static unsigned char buf[KPROTO_MAX_FRAME];
	struct kproto_conn c;
	struct kproto_buf b;
	char err[256];
	uint8_t type;
	int sv[2], rv = KPROTO_E_INVAL;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	if (strncmp(at, "adapter", 7) == 0) {
		CHECK_EQ(kproto_conn_init(&c, sv[1], adapter_sk, kiosk_pk), KPROTO_OK);
		rng_plan(nonce_s);
		if (strcmp(at, "adapter-hello") != 0) {
			write_all(sv[0], &hello);
			CHECK_EQ(server_step(&c), KPROTO_OK);
			CHECK_EQ(read_exact(sv[0], buf, reply.len), 0);
		}
		if (strcmp(at, "adapter") == 0) {
			write_all(sv[0], &confirm);
			CHECK_EQ(server_step(&c), KPROTO_OK);
			c.recv_seq = seq;
		}
		write_all(sv[0], f);
		shutdown(sv[0], SHUT_WR);
		if (strcmp(at, "adapter") == 0)
			rv = kproto_recv_wait(&c, &type, &b, 1000);
		else if (strcmp(at, "adapter-hello") == 0 || strcmp(at, "adapter-confirm") == 0)
			rv = server_step(&c);
	} else {
		CHECK_EQ(kproto_conn_init(&c, sv[0], kiosk_sk, adapter_pk), KPROTO_OK);
		rng_plan(nonce_c);
		if (strcmp(at, "kiosk") == 0) {
			write_all(sv[1], &reply);
			CHECK_EQ(kproto_client_handshake(&c, kiosk_id, 1000, err, sizeof err),
			    KPROTO_OK);
			c.recv_seq = seq;
			write_all(sv[1], f);
			shutdown(sv[1], SHUT_WR);
			rv = kproto_recv_wait(&c, &type, &b, 1000);
		} else if (strcmp(at, "kiosk-reply") == 0) {
			write_all(sv[1], f);
			shutdown(sv[1], SHUT_WR);
			rv = kproto_client_handshake(&c, kiosk_id, 1000, err, sizeof err);
		}
	}
	close(c.fd == sv[0] ? sv[1] : sv[0]);
	kproto_conn_close(&c);
	return rv;
}

static int
is_frame_reject(int rv)
{
	return rv <= KPROTO_E_MAGIC && rv >= KPROTO_E_BADSIG;
}

static void
test_results(const struct rec *recs, int n)
{
	int seen_bad = 0;

	for (int i = 0; i < n; i++) {
		const char *name = rec_get(&recs[i], "name"), *at = rec_get(&recs[i], "at");
		const char *result = rec_get(&recs[i], "result");
		uint64_t seq = strtoull(rec_get(&recs[i], "seq"), NULL, 10);
		struct blob f = rec_hex(&recs[i], "frame");
		struct kproto_header h;
		const unsigned char *payload;

		int rv = receive(at, seq, &f);
		if (strcmp(kproto_err_to_str(rv), result) != 0) {
			fprintf(stderr, "vector %s at %s: %s, expected %s\n", name, at,
			    kproto_err_to_str(rv), result);
			failures++;
		}
		/* The pure check of checks 1..6 agrees with the stream on the same bytes. */
		const unsigned char *pk = strncmp(at, "adapter", 7) == 0 ? kiosk_pk : adapter_pk;
		int vr = kproto_frame_verify(f.p, f.len, pk, &h, &payload);
		if (is_frame_reject(rv) ? vr != rv : vr != KPROTO_OK) {
			fprintf(stderr, "vector %s: kproto_frame_verify says %s\n", name,
			    kproto_err_to_str(vr));
			failures++;
		}
		seen_bad += strcmp(result, "OK") != 0;
		free(f.p);
	}
	CHECK(seen_bad >= 20);
}

int
main(int argc, char **argv)
{
	static struct rec recs[64];
	static randombytes_implementation planned = {
		.implementation_name = rng_name,
		.random = rng_random,
		.buf = rng_buf,
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_proto_vectors DIR\n");
		return 2;
	}
	/* Before sodium_init, as libsodium requires. */
	if (randombytes_set_implementation(&planned) != 0 || sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);

	test_keys_and_session(argv[1]);
	int n = records_read(argv[1], "frames.txt", recs, 64);
	CHECK(n >= 37);
	CHECK(n >= 31);
	if (n > 0) {
		hello = rec_hex(rec_named(recs, n, "hello"), "frame");
		reply = rec_hex(rec_named(recs, n, "hello_reply"), "frame");
		confirm = rec_hex(rec_named(recs, n, "hello_confirm"), "frame");
		request = rec_hex(rec_named(recs, n, "request"), "frame");
		response = rec_hex(rec_named(recs, n, "response"), "frame");
		request_empty = rec_hex(rec_named(recs, n, "request_empty"), "frame");
		response_balance = rec_hex(rec_named(recs, n, "response_balance"), "frame");
		request_statement = rec_hex(rec_named(recs, n, "request_statement"), "frame");
		response_statement = rec_hex(rec_named(recs, n, "response_statement"), "frame");
		request_pin_change = rec_hex(rec_named(recs, n, "request_pin_change"), "frame");
		response_pin_change = rec_hex(rec_named(recs, n, "response_pin_change"),
		    "frame");
		test_good_frames();
		test_transfer_frames(recs, n);
		test_card_frames(recs, n);
		test_results(recs, n);
		records_free(recs, n);
		struct blob *all[] = { &hello, &reply, &confirm, &request, &response,
		    &request_empty, &response_balance, &request_statement, &response_statement,
		    &request_pin_change, &response_pin_change };
		for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
			free(all[i]->p);
	}
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok: %d frames\n", n);
	return 0;
}
