/*
 * Session layer: the HELLO / HELLO_REPLY / HELLO_CONFIRM handshake that derives the
 * session id and proves both keys live, and the per-direction sequence numbers and
 * type checks on every frame after it.
 */
#include "proto-int.h"

#include <poll.h>
#include <sodium.h>
#include <string.h>

static int
session_fail(struct kproto_conn *c, int code)
{
	c->state = KPROTO_CONN_FAILED;
	return code;
}

static int
session_id_valid(const char *id)
{
	size_t len = strlen(id);

	return len > 0 && len <= KPROTO_ID_MAX && kproto_utf8_valid(id, len);
}

static const char *
session_eof_hint(int role)
{
	if (role == KPROTO_ROLE_CLIENT)
		return " (does the adapter pin this kiosk's public key?)";
	return "";
}

/*
 * Checks 7..9 of docs/protocol.md section 2.1 on a frame whose signature verified:
 * session id (all zero when session is NULL), seq, then type. Run only after the
 * signature, so a forged frame cannot move a counter.
 */
static int
session_check(struct kproto_conn *c, const struct kproto_header *h,
    const unsigned char *session, uint64_t seq, int type_ok)
{
	if (session == NULL ? !sodium_is_zero(h->session, sizeof h->session) :
	    sodium_memcmp(h->session, session, KPROTO_SESSION_LEN) != 0)
		return session_fail(c, KPROTO_E_SESSION);
	if (h->seq != seq)
		return session_fail(c, KPROTO_E_SEQ);
	if (!type_ok)
		return session_fail(c, KPROTO_E_TYPE);
	return KPROTO_OK;
}

int
kproto_client_handshake(struct kproto_conn *c, const char *kiosk_id, int timeout_ms,
    char *err, size_t errlen)
{
	struct kproto_header h;
	struct kproto_buf b;
	unsigned char nonce_server[KPROTO_NONCE_LEN], sid[KPROTO_SESSION_LEN];
	int64_t deadline = kproto_deadline(timeout_ms);
	int rv;

	if (c->state != KPROTO_CONN_NEW || !session_id_valid(kiosk_id))
		return kproto_seterr(err, errlen, KPROTO_E_INVAL,
		    "client handshake: bad state or kiosk id");
	c->role = KPROTO_ROLE_CLIENT;
	memset(c->session, 0, sizeof c->session);
	randombytes_buf(c->nonce, sizeof c->nonce);

	kproto_buf_init(&b);
	kproto_put_str(&b, KPROTO_TAG_KIOSK_ID, kiosk_id);
	kproto_put_bytes(&b, KPROTO_TAG_NONCE, c->nonce, sizeof c->nonce);
	if (b.error != KPROTO_OK)
		return session_fail(c, b.error);
	if ((rv = kproto_conn_write_frame(c, KPROTO_MSG_HELLO, 0, &b)) != KPROTO_OK)
		return kproto_seterr(err, errlen, session_fail(c, rv), "sending HELLO: %s",
		    kproto_strerror(rv));
	c->state = KPROTO_CONN_HELLO_SENT;

	while ((rv = kproto_conn_read_frame(c, &h, &b)) == KPROTO_AGAIN) {
		if ((rv = kproto_conn_poll(c->fd, POLLIN, deadline)) != KPROTO_OK)
			return kproto_seterr(err, errlen, session_fail(c, rv),
			    "no HELLO_REPLY from the adapter within %d ms", timeout_ms);
	}
	if (rv != KPROTO_OK)
		return kproto_seterr(err, errlen, rv, "HELLO_REPLY: %s%s", kproto_strerror(rv),
		    rv == KPROTO_E_EOF ? session_eof_hint(c->role) : "");
	/* The session id hashes the adapter's nonce, which is in the payload: type, seq
	 * and fields first, the id last. */
	if (h.type != KPROTO_MSG_HELLO_REPLY)
		return kproto_seterr(err, errlen, session_fail(c, KPROTO_E_TYPE),
		    "expected HELLO_REPLY, got %s (0x%02x)", kproto_type_to_str(h.type), h.type);
	if (h.seq != 0)
		return kproto_seterr(err, errlen, session_fail(c, KPROTO_E_SEQ),
		    "HELLO_REPLY: seq %llu, expected 0", (unsigned long long)h.seq);
	if ((rv = kproto_get_bytes(&b, KPROTO_TAG_NONCE, nonce_server,
	    sizeof nonce_server)) != KPROTO_OK ||
	    (rv = kproto_get_str(&b, KPROTO_TAG_ADAPTER_ID, c->peer_id,
	    sizeof c->peer_id)) != KPROTO_OK ||
	    (rv = kproto_get_end(&b)) != KPROTO_OK)
		return kproto_seterr(err, errlen, session_fail(c, rv), "HELLO_REPLY: %s",
		    kproto_strerror(rv));
	if (c->peer_id[0] == '\0')
		return kproto_seterr(err, errlen, session_fail(c, KPROTO_E_FIELD_VALUE),
		    "HELLO_REPLY: empty adapter id");
	/* Both nonces go into the id: neither side can steer it, and a recorded session
	 * replayed later lands on a different id that the replayer cannot sign for. */
	if ((rv = kproto_session_id(sid, c->nonce, nonce_server)) != KPROTO_OK)
		return session_fail(c, rv);
	if (sodium_memcmp(sid, h.session, sizeof sid) != 0)
		return kproto_seterr(err, errlen, session_fail(c, KPROTO_E_SESSION),
		    "HELLO_REPLY: %s", kproto_strerror(KPROTO_E_SESSION));
	memcpy(c->session, sid, sizeof sid);

	/* The kiosk's proof of life: its key signs the fresh session id and echoes the
	 * adapter's nonce, which a recorded HELLO cannot do. Nothing comes back; the
	 * first request may follow at once. */
	kproto_buf_init(&b);
	kproto_put_bytes(&b, KPROTO_TAG_NONCE, nonce_server, sizeof nonce_server);
	if (b.error != KPROTO_OK)
		return session_fail(c, b.error);
	if ((rv = kproto_conn_write_frame(c, KPROTO_MSG_HELLO_CONFIRM, 1, &b)) != KPROTO_OK)
		return kproto_seterr(err, errlen, session_fail(c, rv),
		    "sending HELLO_CONFIRM: %s", kproto_strerror(rv));
	c->send_seq = 2;
	c->recv_seq = 1;
	c->state = KPROTO_CONN_READY;
	return KPROTO_OK;
}

/* HELLO: verified with the pinned kiosk key; answer with a fresh nonce. */
static int
session_server_hello(struct kproto_conn *c, const struct kproto_header *h,
    struct kproto_buf *b, const char *adapter_id, char *err, size_t errlen)
{
	unsigned char nonce_client[KPROTO_NONCE_LEN];
	int rv;

	/* A HELLO with a session id or a seq is a frame lifted from an earlier session. */
	if ((rv = session_check(c, h, NULL, 0, h->type == KPROTO_MSG_HELLO)) != KPROTO_OK)
		return kproto_seterr(err, errlen, rv, "HELLO expected: %s, got %s (0x%02x) "
		    "seq %llu", kproto_strerror(rv), kproto_type_to_str(h->type), h->type,
		    (unsigned long long)h->seq);
	if ((rv = kproto_get_str(b, KPROTO_TAG_KIOSK_ID, c->peer_id,
	    sizeof c->peer_id)) != KPROTO_OK ||
	    (rv = kproto_get_bytes(b, KPROTO_TAG_NONCE, nonce_client,
	    sizeof nonce_client)) != KPROTO_OK ||
	    (rv = kproto_get_end(b)) != KPROTO_OK)
		return kproto_seterr(err, errlen, session_fail(c, rv), "HELLO: %s",
		    kproto_strerror(rv));
	if (c->peer_id[0] == '\0')
		return kproto_seterr(err, errlen, session_fail(c, KPROTO_E_FIELD_VALUE),
		    "HELLO: empty kiosk id");

	/* A fresh nonce per connection: a replayed HELLO gets a session it cannot use. */
	randombytes_buf(c->nonce, sizeof c->nonce);
	if ((rv = kproto_session_id(c->session, nonce_client, c->nonce)) != KPROTO_OK)
		return session_fail(c, rv);
	kproto_buf_init(b);
	kproto_put_bytes(b, KPROTO_TAG_NONCE, c->nonce, sizeof c->nonce);
	kproto_put_str(b, KPROTO_TAG_ADAPTER_ID, adapter_id);
	if (b->error != KPROTO_OK)
		return session_fail(c, b->error);
	if ((rv = kproto_conn_write_frame(c, KPROTO_MSG_HELLO_REPLY, 0, b)) != KPROTO_OK)
		return kproto_seterr(err, errlen, session_fail(c, rv),
		    "sending HELLO_REPLY: %s", kproto_strerror(rv));
	c->state = KPROTO_CONN_REPLY_SENT;
	return KPROTO_AGAIN;
}

/* HELLO_CONFIRM: the kiosk signed this session's id and echoes our nonce. */
static int
session_server_confirm(struct kproto_conn *c, const struct kproto_header *h,
    struct kproto_buf *b, char *err, size_t errlen)
{
	unsigned char echo[KPROTO_NONCE_LEN];
	int rv;

	if ((rv = session_check(c, h, c->session, 1,
	    h->type == KPROTO_MSG_HELLO_CONFIRM)) != KPROTO_OK)
		return kproto_seterr(err, errlen, rv, "HELLO_CONFIRM expected: %s, got %s "
		    "(0x%02x) seq %llu", kproto_strerror(rv), kproto_type_to_str(h->type),
		    h->type, (unsigned long long)h->seq);
	if ((rv = kproto_get_bytes(b, KPROTO_TAG_NONCE, echo, sizeof echo)) != KPROTO_OK ||
	    (rv = kproto_get_end(b)) != KPROTO_OK)
		return kproto_seterr(err, errlen, session_fail(c, rv), "HELLO_CONFIRM: %s",
		    kproto_strerror(rv));
	if (sodium_memcmp(echo, c->nonce, sizeof echo) != 0)
		return kproto_seterr(err, errlen, session_fail(c, KPROTO_E_FIELD_VALUE),
		    "HELLO_CONFIRM: the nonce is not the one this adapter sent");
	c->send_seq = 1;
	c->recv_seq = 2;
	c->state = KPROTO_CONN_READY;
	return KPROTO_OK;
}

int
kproto_server_handshake(struct kproto_conn *c, const char *adapter_id, char *err,
    size_t errlen)
{
	struct kproto_header h;
	struct kproto_buf b;
	int rv;

	if (c->state == KPROTO_CONN_FAILED || c->fd < 0)
		return KPROTO_E_CLOSED;
	if ((c->state != KPROTO_CONN_NEW && c->state != KPROTO_CONN_REPLY_SENT) ||
	    (c->role != KPROTO_ROLE_NONE && c->role != KPROTO_ROLE_SERVER) ||
	    !session_id_valid(adapter_id))
		return kproto_seterr(err, errlen, KPROTO_E_INVAL,
		    "server handshake: bad state or adapter id");
	c->role = KPROTO_ROLE_SERVER;

	/* Named before the read, which marks the connection failed on a bad frame. */
	const char *what = c->state == KPROTO_CONN_NEW ? "HELLO" : "HELLO_CONFIRM";
	if ((rv = kproto_conn_read_frame(c, &h, &b)) == KPROTO_AGAIN)
		return KPROTO_AGAIN;
	if (rv != KPROTO_OK) {
		rv = kproto_seterr(err, errlen, rv, "%s: %s", what, kproto_strerror(rv));
	} else if (c->state == KPROTO_CONN_NEW) {
		rv = session_server_hello(c, &h, &b, adapter_id, err, errlen);
	} else
		rv = session_server_confirm(c, &h, &b, err, errlen);
	kproto_buf_wipe(&b);
	return rv;
}

int
kproto_server_handshake_wait(struct kproto_conn *c, const char *adapter_id,
    int timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = kproto_deadline(timeout_ms);
	int rv;

	while ((rv = kproto_server_handshake(c, adapter_id, err, errlen)) == KPROTO_AGAIN) {
		const char *what = c->state == KPROTO_CONN_NEW ? "HELLO" : "HELLO_CONFIRM";
		if ((rv = kproto_conn_poll(c->fd, POLLIN, deadline)) != KPROTO_OK)
			return kproto_seterr(err, errlen, session_fail(c, rv),
			    "no %s from the kiosk within %d ms", what, timeout_ms);
	}
	return rv;
}

int
kproto_send(struct kproto_conn *c, uint8_t type, const struct kproto_buf *payload)
{
	int rv;

	if (c->state != KPROTO_CONN_READY)
		return c->state == KPROTO_CONN_FAILED ? KPROTO_E_CLOSED : KPROTO_E_INVAL;
	if (c->role == KPROTO_ROLE_CLIENT ? !kproto_type_is_request(type) :
	    !kproto_type_is_response(type))
		return KPROTO_E_TYPE;
	/* A builder error means a half-built payload: never put that on the wire. */
	if (payload->error != KPROTO_OK)
		return payload->error;
	/* The seq is spent only on a frame fully written; a partial write fails the
	 * connection, so the peer never sees a gap it would reject. */
	if ((rv = kproto_conn_write_frame(c, type, c->send_seq, payload)) != KPROTO_OK)
		return rv;
	c->send_seq++;
	return KPROTO_OK;
}

int
kproto_recv(struct kproto_conn *c, uint8_t *type, struct kproto_buf *payload)
{
	struct kproto_header h;
	int rv;

	if (c->state != KPROTO_CONN_READY)
		return c->state == KPROTO_CONN_FAILED ? KPROTO_E_CLOSED : KPROTO_E_INVAL;
	if ((rv = kproto_conn_read_frame(c, &h, payload)) != KPROTO_OK)
		return rv;
	rv = session_check(c, &h, c->session, c->recv_seq, c->role == KPROTO_ROLE_CLIENT ?
	    kproto_type_is_response(h.type) : kproto_type_is_request(h.type));
	if (rv != KPROTO_OK)
		return rv;
	c->recv_seq++;
	*type = h.type;
	return KPROTO_OK;
}

int
kproto_recv_wait(struct kproto_conn *c, uint8_t *type, struct kproto_buf *payload,
    int timeout_ms)
{
	int64_t deadline = kproto_deadline(timeout_ms);
	int rv;

	while ((rv = kproto_recv(c, type, payload)) == KPROTO_AGAIN) {
		/* A late answer would pair with the next request: the link is unusable. */
		if ((rv = kproto_conn_poll(c->fd, POLLIN, deadline)) != KPROTO_OK)
			return session_fail(c, rv);
	}
	return rv;
}

int
kproto_request(struct kproto_conn *c, uint8_t type, const struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp, int timeout_ms)
{
	int rv;

	if ((rv = kproto_send(c, type, req)) != KPROTO_OK)
		return rv;
	return kproto_recv_wait(c, resp_type, resp, timeout_ms);
}
