/*
 * Connections over a real socketpair and a real Unix socket: the handshake, a request
 * and its response, and each frame a receiver must refuse (replay, skip, foreign
 * session, bad signature, truncation, oversize, unexpected type).
 */
#include "kiosk/proto.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"


static unsigned char kiosk_pk[KPROTO_PK_LEN], kiosk_sk[KPROTO_SK_LEN];
static unsigned char adapter_pk[KPROTO_PK_LEN], adapter_sk[KPROTO_SK_LEN];
static unsigned char other_pk[KPROTO_PK_LEN], other_sk[KPROTO_SK_LEN];

/* Both ends in one process: the server handshake runs in a thread. */
static struct kproto_conn client, server;

struct server_arg {
	struct kproto_conn *c;
	int listen_fd; /* -1: c is already initialised */
	int rv;
	char err[256];
};

static void *
server_thread(void *p)
{
	struct server_arg *a = p;

	if (a->listen_fd >= 0) {
		int fd = accept(a->listen_fd, NULL, NULL);
		if (fd < 0 || kproto_conn_init(a->c, fd, adapter_sk, kiosk_pk) != KPROTO_OK) {
			a->rv = KPROTO_E_IO;
			return NULL;
		}
	}
	a->rv = kproto_server_handshake_wait(a->c, "bank-test", 2000, a->err, sizeof a->err);
	/* As an adapter does: drop the connection of a failed handshake. */
	if (a->rv != KPROTO_OK && a->c->fd >= 0)
		shutdown(a->c->fd, SHUT_RDWR);
	return NULL;
}

/* Socketpair, both ends initialised with the given pinned keys, handshake run. */
static int
pair_open(const unsigned char *client_pins, const unsigned char *server_pins, int *srv_rv,
    char *err, size_t errlen)
{
	struct server_arg a = { .c = &server, .listen_fd = -1 };
	pthread_t t;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return KPROTO_E_IO;
	CHECK_EQ(kproto_conn_init(&client, sv[0], kiosk_sk, client_pins), KPROTO_OK);
	CHECK_EQ(kproto_conn_init(&server, sv[1], adapter_sk, server_pins), KPROTO_OK);
	pthread_create(&t, NULL, server_thread, &a);
	int rv = kproto_client_handshake(&client, "kiosk-test-01", 2000, err, errlen);
	if (rv != KPROTO_OK)
		shutdown(sv[0], SHUT_RDWR); /* lets the server side see EOF at once */
	pthread_join(t, NULL);
	*srv_rv = a.rv;
	return rv;
}

static void
pair_close(void)
{
	kproto_conn_close(&client);
	kproto_conn_close(&server);
}

static void
pair_ready(void)
{
	char err[256] = "";
	int srv = 0;

	int rv = pair_open(adapter_pk, kiosk_pk, &srv, err, sizeof err);
	if (rv != KPROTO_OK)
		fprintf(stderr, "handshake: %s\n", err);
	CHECK_EQ(rv, KPROTO_OK);
	CHECK_EQ(srv, KPROTO_OK);
}

/* Writes a frame by hand, as a misbehaving or hostile peer would. */
static void
raw_send(int fd, uint8_t type, uint64_t seq, const unsigned char *session,
    const struct kproto_buf *b, const unsigned char *sk, size_t cut)
{
	static unsigned char frame[KPROTO_MAX_FRAME];
	size_t len;

	CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, type, seq, session, b->data,
	    b->len, sk), KPROTO_OK);
	if (cut > 0 && cut < len)
		len = cut;
	CHECK_EQ(write(fd, frame, len), (ssize_t)len);
}

static int
recv_now(struct kproto_conn *c, uint8_t *type, struct kproto_buf *b)
{
	return kproto_recv_wait(c, type, b, 1000);
}

static void
test_handshake_and_request(void)
{
	struct kproto_card_open co = { .pan = "6222000000000017" }, co2;
	struct kproto_card_info ci = { .status = KPROTO_CARD_OK, .holder = "张伟 Zhang Wei",
	    .lang = "zh", .tries_left = 3 }, ci2;
	struct kproto_buf req, resp;
	uint8_t type = 0;

	pair_ready();
	CHECK(kproto_conn_ready(&client) && kproto_conn_ready(&server));
	CHECK(strcmp(client.peer_id, "bank-test") == 0);
	CHECK(strcmp(server.peer_id, "kiosk-test-01") == 0);
	CHECK(memcmp(client.session, server.session, KPROTO_SESSION_LEN) == 0);
	CHECK(!sodium_is_zero(client.session, KPROTO_SESSION_LEN));
	CHECK(memcmp(client.nonce, server.nonce, KPROTO_NONCE_LEN) != 0);
	unsigned char expect[KPROTO_SESSION_LEN];
	CHECK_EQ(kproto_session_id(expect, client.nonce, server.nonce), KPROTO_OK);
	CHECK(memcmp(expect, client.session, sizeof expect) == 0);

	/* Three round trips. HELLO_CONFIRM was the kiosk's seq 1, so its requests carry
	 * 2, 3, 4; the adapter's responses 1, 2, 3. */
	for (int i = 1; i <= 3; i++) {
		CHECK_EQ(kproto_card_open_pack(&req, &co), KPROTO_OK);
		CHECK_EQ(kproto_send(&client, KPROTO_MSG_CARD_OPEN, &req), KPROTO_OK);
		CHECK_EQ(recv_now(&server, &type, &req), KPROTO_OK);
		CHECK_EQ(type, KPROTO_MSG_CARD_OPEN);
		CHECK_EQ(kproto_card_open_unpack(&req, &co2), KPROTO_OK);
		CHECK(strcmp(co2.pan, co.pan) == 0);
		CHECK_EQ(kproto_card_info_pack(&resp, &ci), KPROTO_OK);
		CHECK_EQ(kproto_send(&server, KPROTO_MSG_CARD_INFO, &resp), KPROTO_OK);
		CHECK_EQ(recv_now(&client, &type, &resp), KPROTO_OK);
		CHECK_EQ(type, KPROTO_MSG_CARD_INFO);
		CHECK_EQ(kproto_card_info_unpack(&resp, &ci2), KPROTO_OK);
		CHECK(strcmp(ci2.holder, ci.holder) == 0);
		CHECK_EQ(client.send_seq, i + 2);
		CHECK_EQ(server.recv_seq, i + 2);
		CHECK_EQ(server.send_seq, i + 1);
		CHECK_EQ(client.recv_seq, i + 1);
	}

	/* Direction rules are enforced on sending too, without breaking the link. */
	kproto_buf_init(&req);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_OK, &req), KPROTO_E_TYPE);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_BALANCE, &req), KPROTO_E_TYPE);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_HELLO, &req), KPROTO_E_TYPE);
	/* A half-built payload is never sent. */
	kproto_put_str(&req, KPROTO_TAG_PAN, "\xff");
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_CARD_OPEN, &req), KPROTO_E_FIELD_UTF8);
	kproto_buf_init(&req);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_BALANCE, &req), KPROTO_OK);
	CHECK_EQ(recv_now(&server, &type, &req), KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_BALANCE);

	/* Nothing waiting: AGAIN, and the link stays usable. */
	CHECK_EQ(kproto_recv(&client, &type, &resp), KPROTO_AGAIN);
	CHECK(kproto_conn_ready(&client));

	/* kproto_request: send and wait for the answer. */
	struct kproto_error e = { .code = KPROTO_ERROR_NOT_PERMITTED, .message = "BALANCE" };
	CHECK_EQ(kproto_error_pack(&resp, &e), KPROTO_OK);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_ERROR, &resp), KPROTO_OK);
	kproto_buf_init(&req);
	CHECK_EQ(kproto_request(&client, KPROTO_MSG_BALANCE, &req, &type, &resp, 1000),
	    KPROTO_OK);
	CHECK_EQ(type, KPROTO_MSG_ERROR);
	pair_close();
}

static void
test_wrong_keys(void)
{
	char err[256] = "";
	int srv = 0;

	/* The kiosk pins another adapter key: HELLO_REPLY does not verify, the kiosk
	 * never confirms, and the adapter never counts it as connected. */
	CHECK_EQ(pair_open(other_pk, kiosk_pk, &srv, err, sizeof err), KPROTO_E_BADSIG);
	CHECK(strstr(err, "signature") != NULL);
	CHECK_EQ(srv, KPROTO_E_EOF);
	CHECK(!kproto_conn_ready(&server));
	CHECK(!kproto_conn_ready(&client));
	pair_close();

	/* The adapter pins another kiosk key: it drops the HELLO, the kiosk sees EOF. */
	err[0] = '\0';
	CHECK_EQ(pair_open(adapter_pk, other_pk, &srv, err, sizeof err), KPROTO_E_EOF);
	CHECK(strstr(err, "pin this kiosk") != NULL);
	CHECK_EQ(srv, KPROTO_E_BADSIG);
	pair_close();
}

static void
test_replay_skip(void)
{
	struct kproto_buf b;
	uint8_t type;

	/* Replay: the adapter's seq 1 arrives twice. */
	pair_ready();
	kproto_buf_init(&b);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_OK, &b), KPROTO_OK);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_OK);
	kproto_buf_init(&b);
	raw_send(server.fd, KPROTO_MSG_OK, 1, server.session, &b, adapter_sk, 0);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_SEQ);
	CHECK_EQ(client.state, KPROTO_CONN_FAILED);
	CHECK_EQ(kproto_recv(&client, &type, &b), KPROTO_E_CLOSED);
	pair_close();

	/* Skip: seq 2 before seq 1. */
	pair_ready();
	kproto_buf_init(&b);
	raw_send(server.fd, KPROTO_MSG_OK, 2, server.session, &b, adapter_sk, 0);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_SEQ);
	pair_close();

	/* A replayed request toward the adapter, too. */
	pair_ready();
	kproto_buf_init(&b);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_BALANCE, &b), KPROTO_OK);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_OK);
	kproto_buf_init(&b);
	raw_send(client.fd, KPROTO_MSG_BALANCE, 2, client.session, &b, kiosk_sk, 0);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_SEQ);
	pair_close();

	/* seq 0 and 1 after the handshake are HELLO's and HELLO_CONFIRM's places. */
	for (uint64_t seq = 0; seq <= 1; seq++) {
		pair_ready();
		kproto_buf_init(&b);
		raw_send(client.fd, KPROTO_MSG_BALANCE, seq, client.session, &b, kiosk_sk, 0);
		CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_SEQ);
		pair_close();
	}
}

static void
test_session_and_signature(void)
{
	unsigned char foreign[KPROTO_SESSION_LEN];
	struct kproto_buf b;
	uint8_t type;

	/* Correctly signed, right seq, but another session's id. */
	pair_ready();
	memcpy(foreign, server.session, sizeof foreign);
	foreign[0] ^= 0x80;
	kproto_buf_init(&b);
	raw_send(server.fd, KPROTO_MSG_OK, 1, foreign, &b, adapter_sk, 0);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_SESSION);
	pair_close();

	pair_ready();
	kproto_buf_init(&b);
	raw_send(server.fd, KPROTO_MSG_OK, 1, server.session, &b, other_sk, 0);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_BADSIG);
	pair_close();

	/* A request type coming from the adapter, then a HELLO after the handshake. */
	pair_ready();
	kproto_buf_init(&b);
	raw_send(server.fd, KPROTO_MSG_BALANCE, 1, server.session, &b, adapter_sk, 0);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_TYPE);
	pair_close();
	pair_ready();
	kproto_buf_init(&b);
	raw_send(client.fd, KPROTO_MSG_HELLO, 2, client.session, &b, kiosk_sk, 0);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_TYPE);
	pair_close();
	pair_ready();
	kproto_buf_init(&b);
	raw_send(client.fd, 0x3f, 2, client.session, &b, kiosk_sk, 0);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_TYPE);
	pair_close();
	pair_ready();
	kproto_buf_init(&b);
	raw_send(client.fd, KPROTO_MSG_HELLO_CONFIRM, 2, client.session, &b, kiosk_sk, 0);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_TYPE);
	pair_close();
}

/*
 * The adapter's half of the handshake, against a kiosk written by hand: a HELLO, then
 * a HELLO_CONFIRM (or something else in its place). Returns what the server's last
 * handshake step said; *reply_seen is set when HELLO_REPLY came back.
 */
enum confirm_kind {
	CONFIRM_GOOD,
	CONFIRM_NONE,         /* the peer stops after HELLO, as a replayed HELLO would */
	CONFIRM_OTHER_KEY,
	CONFIRM_SEQ0,
	CONFIRM_SEQ2,
	CONFIRM_OLD_SESSION,  /* signed, but for a session id from an earlier connection */
	CONFIRM_BAD_NONCE,
	CONFIRM_NO_NONCE,
	CONFIRM_REQUEST,      /* a request in HELLO_CONFIRM's place */
};

static int
confirm_run(enum confirm_kind kind, int *reply_seen)
{
	static unsigned char frame[KPROTO_MAX_FRAME];
	unsigned char nonce_c[KPROTO_NONCE_LEN], nonce_s[KPROTO_NONCE_LEN];
	unsigned char sid[KPROTO_SESSION_LEN], zero[KPROTO_SESSION_LEN] = {0};
	const unsigned char *payload;
	struct kproto_header h;
	struct kproto_buf b;
	char err[256] = "";
	int sv[2], rv;

	*reply_seen = 0;
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(kproto_conn_init(&server, sv[1], adapter_sk, kiosk_pk), KPROTO_OK);
	randombytes_buf(nonce_c, sizeof nonce_c);
	kproto_buf_init(&b);
	kproto_put_str(&b, KPROTO_TAG_KIOSK_ID, "kiosk-by-hand");
	kproto_put_bytes(&b, KPROTO_TAG_NONCE, nonce_c, sizeof nonce_c);
	raw_send(sv[0], KPROTO_MSG_HELLO, 0, zero, &b, kiosk_sk, 0);
	rv = kproto_server_handshake(&server, "bank-test", err, sizeof err);
	CHECK_EQ(rv, KPROTO_AGAIN);
	CHECK_EQ(server.state, KPROTO_CONN_REPLY_SENT);
	/* Not ready yet: nothing may be served before the kiosk proved itself live. */
	CHECK(!kproto_conn_ready(&server));
	CHECK_EQ(kproto_recv(&server, &h.type, &b), KPROTO_E_INVAL);

	ssize_t n = read(sv[0], frame, sizeof frame);
	CHECK(n > KPROTO_HEADER_LEN + KPROTO_SIG_LEN);
	CHECK_EQ(kproto_frame_verify(frame, (size_t)n, adapter_pk, &h, &payload), KPROTO_OK);
	CHECK_EQ(h.type, KPROTO_MSG_HELLO_REPLY);
	CHECK_EQ(kproto_buf_set(&b, payload, h.length), KPROTO_OK);
	CHECK_EQ(kproto_get_bytes(&b, KPROTO_TAG_NONCE, nonce_s, sizeof nonce_s), KPROTO_OK);
	CHECK_EQ(kproto_session_id(sid, nonce_c, nonce_s), KPROTO_OK);
	CHECK(memcmp(sid, h.session, sizeof sid) == 0);
	*reply_seen = 1;

	kproto_buf_init(&b);
	kproto_put_bytes(&b, KPROTO_TAG_NONCE, nonce_s, sizeof nonce_s);
	switch (kind) {
	case CONFIRM_GOOD:
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 1, sid, &b, kiosk_sk, 0);
		break;
	case CONFIRM_NONE:
		shutdown(sv[0], SHUT_WR);
		break;
	case CONFIRM_OTHER_KEY:
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 1, sid, &b, other_sk, 0);
		break;
	case CONFIRM_SEQ0:
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 0, sid, &b, kiosk_sk, 0);
		break;
	case CONFIRM_SEQ2:
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 2, sid, &b, kiosk_sk, 0);
		break;
	case CONFIRM_OLD_SESSION:
		sid[5] ^= 1;
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 1, sid, &b, kiosk_sk, 0);
		break;
	case CONFIRM_BAD_NONCE:
		kproto_buf_init(&b);
		kproto_put_bytes(&b, KPROTO_TAG_NONCE, nonce_c, sizeof nonce_c);
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 1, sid, &b, kiosk_sk, 0);
		break;
	case CONFIRM_NO_NONCE:
		kproto_buf_init(&b);
		raw_send(sv[0], KPROTO_MSG_HELLO_CONFIRM, 1, sid, &b, kiosk_sk, 0);
		break;
	case CONFIRM_REQUEST:
		kproto_buf_init(&b);
		raw_send(sv[0], KPROTO_MSG_BALANCE, 1, sid, &b, kiosk_sk, 0);
		break;
	}
	rv = kproto_server_handshake_wait(&server, "bank-test", 1000, err, sizeof err);
	if (rv == KPROTO_OK) {
		CHECK(kproto_conn_ready(&server));
		CHECK(strcmp(server.peer_id, "kiosk-by-hand") == 0);
		/* The first request after the handshake carries seq 2. */
		kproto_buf_init(&b);
		raw_send(sv[0], KPROTO_MSG_BALANCE, 2, sid, &b, kiosk_sk, 0);
		uint8_t type = 0;
		CHECK_EQ(recv_now(&server, &type, &b), KPROTO_OK);
		CHECK_EQ(type, KPROTO_MSG_BALANCE);
	} else {
		CHECK(err[0] != '\0');
		CHECK(!kproto_conn_ready(&server));
	}
	close(sv[0]);
	kproto_conn_close(&server);
	return rv;
}

static void
test_confirm(void)
{
	static const struct {
		enum confirm_kind kind;
		int expect;
	} cases[] = {
		{ CONFIRM_GOOD, KPROTO_OK },
		{ CONFIRM_NONE, KPROTO_E_EOF },
		{ CONFIRM_OTHER_KEY, KPROTO_E_BADSIG },
		{ CONFIRM_SEQ0, KPROTO_E_SEQ },
		{ CONFIRM_SEQ2, KPROTO_E_SEQ },
		{ CONFIRM_OLD_SESSION, KPROTO_E_SESSION },
		{ CONFIRM_BAD_NONCE, KPROTO_E_FIELD_VALUE },
		{ CONFIRM_NO_NONCE, KPROTO_E_FIELD_SHORT },
		{ CONFIRM_REQUEST, KPROTO_E_TYPE },
	};
	int seen;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rv = confirm_run(cases[i].kind, &seen);
		if (rv != cases[i].expect)
			fprintf(stderr, "confirm case %zu: %s, expected %s\n", i,
			    kproto_err_to_str(rv), kproto_err_to_str(cases[i].expect));
		CHECK_EQ(rv, cases[i].expect);
		CHECK(seen);
	}

	/* A HELLO from an earlier session (session id set), and one with seq 1. */
	unsigned char old[KPROTO_SESSION_LEN], zero[KPROTO_SESSION_LEN] = {0};
	unsigned char nonce[KPROTO_NONCE_LEN] = {0};
	struct kproto_buf b;
	char err[256];
	int sv[2];

	memset(old, 0x42, sizeof old);
	for (int i = 0; i < 3; i++) {
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
		CHECK_EQ(kproto_conn_init(&server, sv[1], adapter_sk, kiosk_pk), KPROTO_OK);
		kproto_buf_init(&b);
		kproto_put_str(&b, KPROTO_TAG_KIOSK_ID, "k");
		kproto_put_bytes(&b, KPROTO_TAG_NONCE, nonce, sizeof nonce);
		raw_send(sv[0], i == 2 ? KPROTO_MSG_BALANCE : KPROTO_MSG_HELLO, i == 1 ? 1 : 0,
		    i == 0 ? old : zero, &b, kiosk_sk, 0);
		int rv = kproto_server_handshake_wait(&server, "bank-test", 1000, err,
		    sizeof err);
		CHECK_EQ(rv, i == 0 ? KPROTO_E_SESSION : i == 1 ? KPROTO_E_SEQ : KPROTO_E_TYPE);
		close(sv[0]);
		kproto_conn_close(&server);
	}
}

static void
test_stream(void)
{
	static unsigned char frame[KPROTO_MAX_FRAME];
	struct kproto_buf b;
	uint8_t type;
	size_t len;

	/* Byte by byte: AGAIN until the last byte, then the frame. */
	pair_ready();
	kproto_buf_init(&b);
	kproto_put_str(&b, KPROTO_TAG_PAN, "6222000000000033");
	CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, KPROTO_MSG_CARD_OPEN, 2,
	    client.session, b.data, b.len, kiosk_sk), KPROTO_OK);
	int agains = 0;
	for (size_t i = 0; i < len; i++) {
		CHECK_EQ(write(client.fd, frame + i, 1), 1);
		int rv = kproto_recv(&server, &type, &b);
		if (i + 1 < len) {
			CHECK_EQ(rv, KPROTO_AGAIN);
			agains += rv == KPROTO_AGAIN;
		} else
			CHECK_EQ(rv, KPROTO_OK);
	}
	CHECK_EQ(agains, (long long)len - 1);
	CHECK_EQ(type, KPROTO_MSG_CARD_OPEN);

	/* Two frames in one write: both come out, one per call. */
	kproto_buf_init(&b);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_OK, &b), KPROTO_OK);
	CHECK_EQ(kproto_send(&server, KPROTO_MSG_OK, &b), KPROTO_OK);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_OK);
	CHECK_EQ(kproto_recv(&client, &type, &b), KPROTO_OK);
	CHECK_EQ(kproto_recv(&client, &type, &b), KPROTO_AGAIN);

	/* Truncated: the peer closes in the middle of a frame. */
	kproto_buf_init(&b);
	raw_send(server.fd, KPROTO_MSG_OK, 3, server.session, &b, adapter_sk, 50);
	CHECK_EQ(kproto_recv(&client, &type, &b), KPROTO_AGAIN);
	shutdown(server.fd, SHUT_WR);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_TRUNCATED);
	pair_close();

	/* Clean close between frames. */
	pair_ready();
	shutdown(server.fd, SHUT_WR);
	CHECK_EQ(recv_now(&client, &type, &b), KPROTO_E_EOF);
	pair_close();

	/* A 4 GB length field: refused as soon as the header is in, nothing more read. */
	pair_ready();
	kproto_buf_init(&b);
	CHECK_EQ(kproto_frame_encode(frame, sizeof frame, &len, KPROTO_MSG_BALANCE, 2,
	    client.session, b.data, 0, kiosk_sk), KPROTO_OK);
	memset(frame + KPROTO_OFF_LENGTH, 0xff, 4);
	CHECK_EQ(write(client.fd, frame, KPROTO_HEADER_LEN), KPROTO_HEADER_LEN);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_OVERSIZE);
	CHECK_EQ(server.inlen, KPROTO_HEADER_LEN);
	pair_close();

	/* Garbage shorter than a header: refused without waiting for the rest. */
	pair_ready();
	CHECK_EQ(write(client.fd, "GET / HTTP/1.0\r\n", 16), 16);
	CHECK_EQ(recv_now(&server, &type, &b), KPROTO_E_MAGIC);
	CHECK(server.inlen < KPROTO_HEADER_LEN);
	pair_close();

	/* Sending into a closed peer is an error, not SIGPIPE. */
	pair_ready();
	close(server.fd);
	server.fd = -1;
	kproto_buf_init(&b);
	CHECK_EQ(kproto_send(&client, KPROTO_MSG_BALANCE, &b), KPROTO_E_EOF);
	pair_close();
}

static void
test_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct server_arg a = { .c = &server };
	char dir[64], err[256] = "";
	pthread_t t;

	strcpy(dir, "/tmp/kproto-sock-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/bank.sock", dir);

	CHECK_EQ(kproto_client_connect(&client, sun.sun_path, kiosk_sk, adapter_pk, "k1", 500,
	    err, sizeof err), KPROTO_E_IO);
	CHECK(strstr(err, "bank.sock") != NULL);
	CHECK_EQ(client.fd, -1);

	a.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(a.listen_fd, (struct sockaddr *)&sun, sizeof sun) == 0);
	CHECK(listen(a.listen_fd, 4) == 0);
	pthread_create(&t, NULL, server_thread, &a);
	int rv = kproto_client_connect(&client, sun.sun_path, kiosk_sk, adapter_pk, "k1", 2000,
	    err, sizeof err);
	pthread_join(t, NULL);
	CHECK_EQ(rv, KPROTO_OK);
	CHECK_EQ(a.rv, KPROTO_OK);
	CHECK(strcmp(client.peer_id, "bank-test") == 0);
	pair_close();

	/* Nobody answers the HELLO: the handshake times out. */
	rv = kproto_client_connect(&client, sun.sun_path, kiosk_sk, adapter_pk, "k1", 300,
	    err, sizeof err);
	CHECK_EQ(rv, KPROTO_E_TIMEOUT);
	CHECK(strstr(err, "HELLO_REPLY") != NULL);
	close(a.listen_fd);
	unlink(sun.sun_path);
	rmdir(dir);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_DFL); /* the library must not rely on SIGPIPE being ignored */
	crypto_sign_keypair(kiosk_pk, kiosk_sk);
	crypto_sign_keypair(adapter_pk, adapter_sk);
	crypto_sign_keypair(other_pk, other_sk);
	client.fd = server.fd = -1;

	test_handshake_and_request();
	test_wrong_keys();
	test_replay_skip();
	test_session_and_signature();
	test_confirm();
	test_stream();
	test_connect();
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
