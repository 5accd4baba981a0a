#include "kiosk/bank.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "journal/journal.h"
#include "kiosk/journal_events.h"
#include "kiosk/recover.h"
#include "kiosk/state.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BANK_QUEUE_MAX 8
#define BANK_RETRY_USEC 2000000
#define BANK_CONNECT_TIMEOUT_MS 1000

struct bank_request {
	uint8_t type;
	struct kproto_buf payload;
	bank_handler handler;
	/* What the journal says of it (the payload is wiped once sent). */
	int has_txid;
	unsigned char txid[KPROTO_TXID_LEN];
	int64_t amount_fen;          /* -1 if none */
	int outcome;                 /* of a SETTLE, -1 if none */
};

struct bank {
	struct kiosk *k;
	struct kproto_conn conn;
	int up;
	int64_t retry_at;
	int64_t deadline;            /* of the request in flight, 0 when none */
	struct bank_request queue[BANK_QUEUE_MAX];
	int head, count;             /* queue[head] is in flight when deadline != 0 */
	int logged_down;
	unsigned link_id;            /* connections made so far */
	int64_t down_since;          /* when the link was lost, 0 if never up */
};

struct bank *
bank_new(struct kiosk *k)
{
	struct bank *b = xcalloc(1, sizeof *b);
	b->k = k;
	b->conn.fd = -1;
	return b;
}

void
bank_free(struct bank *b)
{
	if (b == NULL)
		return;
	kproto_conn_close(&b->conn);
	for (int i = 0; i < BANK_QUEUE_MAX; i++)
		kproto_buf_wipe(&b->queue[i].payload);
	free(b);
}

static void
bank_fail(struct bank *b, const char *why)
{
	log_warnx("bank: link to the adapter lost: %s", why);
	trace_event("bank-down", "why=\"%s\"", why);
	kiosk_journal(b->k, "bank-down", "why", why, NULL);
	if (b->up)
		b->down_since = mono_usec();
	kproto_conn_close(&b->conn);
	b->up = 0;
	b->deadline = 0;
	b->count = 0;
	b->retry_at = mono_usec() + BANK_RETRY_USEC;
	kiosk_bank_down(b->k);
}

int
bank_connect(struct bank *b)
{
	const struct kiosk_config *cfg = b->k->cfg;
	char err[256];
	int timeout = cfg->adapter_timeout_ms < BANK_CONNECT_TIMEOUT_MS ?
	    cfg->adapter_timeout_ms : BANK_CONNECT_TIMEOUT_MS;

	if (b->up)
		return 0;
	int r = kproto_client_connect(&b->conn, cfg->adapter_socket, b->k->kiosk_sk,
	    b->k->adapter_pk, cfg->kiosk_id, timeout, err, sizeof err);
	if (r != KPROTO_OK) {
		/* Say it once per outage, not every retry. */
		if (!b->logged_down) {
			log_warnx("bank: cannot reach the adapter at %s: %s",
			    cfg->adapter_socket, err);
			kiosk_journal(b->k, "bank-down", "why", err, NULL);
			if (b->down_since == 0)
				b->down_since = mono_usec();
		}
		b->logged_down = 1;
		b->retry_at = mono_usec() + BANK_RETRY_USEC;
		return -1;
	}
	if (b->link_id > 0 || b->logged_down)
		log_info("bank: connected to adapter %s again, after %lld s without it",
		    b->conn.peer_id, (long long)((mono_usec() - b->down_since) / 1000000));
	else
		log_info("bank: connected to adapter %s", b->conn.peer_id);
	trace_event("bank-up", "adapter=%s", b->conn.peer_id);
	kiosk_journal(b->k, "bank-up", "adapter", b->conn.peer_id, NULL);
	b->up = 1;
	b->link_id++;
	b->logged_down = 0;
	b->retry_at = 0;
	kiosk_bank_up(b->k);
	/* Withdrawals a crash or the outage left open are settled first. */
	recover_run(b->k);
	return 0;
}

unsigned
bank_link_id(const struct bank *b)
{
	return b->link_id;
}

int
bank_is_up(const struct bank *b)
{
	return b->up;
}

int
bank_fd(const struct bank *b)
{
	return b->up ? b->conn.fd : -1;
}

int
bank_busy(const struct bank *b)
{
	return b->count > 0;
}

/* Reads back what a money request is about, for the journal and the answer. */
static void
request_describe(struct bank_request *rq)
{
	static struct kproto_buf p;
	struct kproto_withdraw_auth wa;
	struct kproto_withdraw_txid wt;
	struct kproto_settle st;

	rq->has_txid = 0;
	rq->amount_fen = -1;
	rq->outcome = -1;
	if (kproto_buf_set(&p, rq->payload.data, rq->payload.len) != KPROTO_OK)
		return;
	switch (rq->type) {
	case KPROTO_MSG_WITHDRAW_AUTH:
		if (kproto_withdraw_auth_unpack(&p, &wa) == KPROTO_OK) {
			memcpy(rq->txid, wa.txid, sizeof rq->txid);
			rq->amount_fen = wa.amount_fen;
			rq->has_txid = 1;
		}
		break;
	case KPROTO_MSG_WITHDRAW_COMPLETE:
	case KPROTO_MSG_WITHDRAW_REVERSE:
		if (kproto_withdraw_txid_unpack(&p, &wt) == KPROTO_OK) {
			memcpy(rq->txid, wt.txid, sizeof rq->txid);
			rq->has_txid = 1;
		}
		break;
	case KPROTO_MSG_SETTLE:
		if (kproto_settle_unpack(&p, &st) == KPROTO_OK) {
			memcpy(rq->txid, st.txid, sizeof rq->txid);
			rq->outcome = st.outcome;
			rq->has_txid = 1;
		}
		break;
	default:
		break;
	}
	kproto_buf_wipe(&p);
}

/* The journal record of a request or of its answer, with the withdrawal's txid. */
static void
journal_start(struct journal_record *r, const char *event, int type,
    const struct bank_request *rq)
{
	char hex[KPROTO_TXID_LEN * 2 + 1];

	journal_record_init(r, event);
	journal_record_add(r, "type", kproto_type_to_str(type));
	if (type != rq->type)
		journal_record_add(r, "to", kproto_type_to_str(rq->type));
	if (rq->has_txid)
		journal_record_add(r, "txid", sodium_bin2hex(hex, sizeof hex, rq->txid,
		    KPROTO_TXID_LEN));
}

static void
journal_response(struct bank *b, const struct bank_request *rq, const struct bank_reply *rp)
{
	struct journal_record r;

	journal_start(&r, "response", rp->type, rq);
	switch (rp->type) {
	case KPROTO_MSG_CARD_INFO:
		journal_record_add(&r, "status", kproto_card_status_to_str(rp->u.card.status));
		break;
	case KPROTO_MSG_PIN_RESULT:
		journal_record_add(&r, "status", kproto_pin_status_to_str(rp->u.pin.status));
		journal_record_addf(&r, "tries", "%u", rp->u.pin.tries_left);
		break;
	case KPROTO_MSG_WITHDRAW_RESULT:
		journal_record_add(&r, "status",
		    kproto_withdraw_status_to_str(rp->u.withdraw.status));
		break;
	case KPROTO_MSG_ERROR:
		journal_record_add(&r, "code", kproto_error_code_to_str(rp->u.error.code));
		journal_record_add(&r, "why", rp->u.error.message);
		break;
	default:
		break;
	}
	kiosk_journal_record(b->k, &r);
}

static void
bank_send_next(struct bank *b)
{
	if (!b->up || b->count == 0 || b->deadline != 0)
		return;
	struct bank_request *rq = &b->queue[b->head];
	struct journal_record jr;

	/* Journaled before it leaves: a crash right after still shows the withdrawal. */
	journal_start(&jr, "request", rq->type, rq);
	if (rq->amount_fen >= 0)
		journal_record_addf(&jr, "amount", "%lld", (long long)rq->amount_fen);
	if (rq->outcome >= 0)
		journal_record_add(&jr, "outcome", kproto_settle_outcome_to_str(rq->outcome));
	if (kiosk_journal_record(b->k, &jr) < 0 && rq->type == KPROTO_MSG_WITHDRAW_AUTH) {
		/* No money is held that the journal could not account for. */
		kproto_buf_wipe(&rq->payload);
		bank_fail(b, "the journal cannot be written");
		return;
	}
	int r = kproto_send(&b->conn, rq->type, &rq->payload);
	kproto_buf_wipe(&rq->payload);
	if (r != KPROTO_OK) {
		bank_fail(b, kproto_strerror(r));
		return;
	}
	if (rq->type == KPROTO_MSG_WITHDRAW_AUTH)
		kiosk_fault("auth-sent");
	else if (rq->type == KPROTO_MSG_WITHDRAW_COMPLETE)
		kiosk_fault("complete-sent");
	trace_event("req", "%s seq=%llu", kproto_type_to_str(rq->type),
	    (unsigned long long)(b->conn.send_seq - 1));
	b->deadline = mono_usec() + (int64_t)b->k->cfg->adapter_timeout_ms * 1000;
}

static struct bank_request *
bank_queue(struct bank *b, uint8_t type, const struct kproto_buf *payload, bank_handler h)
{
	if (!b->up) {
		bank_fail(b, "not connected");
		return NULL;
	}
	if (b->count == BANK_QUEUE_MAX) {
		bank_fail(b, "too many requests waiting");
		return NULL;
	}
	struct bank_request *rq = &b->queue[(b->head + b->count++) % BANK_QUEUE_MAX];
	rq->type = type;
	rq->handler = h;
	if (payload != NULL)
		rq->payload = *payload;
	else
		kproto_buf_init(&rq->payload);
	request_describe(rq);
	return rq;
}

void
bank_call(struct bank *b, uint8_t type, const struct kproto_buf *payload, bank_handler h)
{
	if (bank_queue(b, type, payload, h) != NULL)
		bank_send_next(b);
}

void
bank_call_txid(struct bank *b, uint8_t type, const struct kproto_buf *payload,
    const unsigned char txid[KPROTO_TXID_LEN], bank_handler h)
{
	struct bank_request *rq = bank_queue(b, type, payload, h);
	if (rq == NULL)
		return;
	memcpy(rq->txid, txid, sizeof rq->txid);
	rq->has_txid = 1;
	bank_send_next(b);
}

static int
reply_decode(uint8_t type, struct kproto_buf *p, struct bank_reply *r)
{
	r->type = type;
	switch (type) {
	case KPROTO_MSG_CARD_INFO:
		return kproto_card_info_unpack(p, &r->u.card);
	case KPROTO_MSG_PIN_RESULT:
		return kproto_pin_result_unpack(p, &r->u.pin);
	case KPROTO_MSG_BALANCE_INFO:
		return kproto_balance_info_unpack(p, &r->u.balance);
	case KPROTO_MSG_WITHDRAW_RESULT:
		return kproto_withdraw_result_unpack(p, &r->u.withdraw);
	case KPROTO_MSG_ERROR:
		return kproto_error_unpack(p, &r->u.error);
	case KPROTO_MSG_OK:
		return kproto_get_end(p);
	default:
		/* A service's answer: the service that asked unpacks it. */
		if (type < KPROTO_RESPONSE_FIRST || type > KPROTO_RESPONSE_LAST)
			return KPROTO_E_TYPE;
		r->payload = p;
		return KPROTO_OK;
	}
}

void
bank_readable(struct bank *b)
{
	static struct kproto_buf payload;
	struct bank_reply reply;
	uint8_t type;

	while (b->up) {
		int r = kproto_recv(&b->conn, &type, &payload);
		if (r == KPROTO_AGAIN)
			return;
		if (r != KPROTO_OK) {
			bank_fail(b, kproto_strerror(r));
			return;
		}
		trace_event("resp", "%s seq=%llu", kproto_type_to_str(type),
		    (unsigned long long)(b->conn.recv_seq - 1));
		if (b->deadline == 0) {
			bank_fail(b, "answer to no request");
			return;
		}
		memset(&reply, 0, sizeof reply);
		r = reply_decode(type, &payload, &reply);
		if (reply.payload == NULL)
			kproto_buf_wipe(&payload);
		if (r != KPROTO_OK) {
			bank_fail(b, kproto_strerror(r));
			return;
		}
		if (type == KPROTO_MSG_ERROR)
			log_warnx("bank: adapter refused: %s (%s)",
			    kproto_error_code_to_str(reply.u.error.code), reply.u.error.message);
		const struct bank_request *rq = &b->queue[b->head];
		reply.req_type = rq->type;
		reply.req_has_txid = rq->has_txid;
		memcpy(reply.req_txid, rq->txid, sizeof reply.req_txid);
		journal_response(b, rq, &reply);
		bank_handler h = b->queue[b->head].handler;
		b->head = (b->head + 1) % BANK_QUEUE_MAX;
		b->count--;
		b->deadline = 0;
		bank_send_next(b);
		if (!b->up) {
			kproto_buf_wipe(&payload);
			return; /* the next send failed: the session is already ending */
		}
		if (h != NULL)
			h(b->k, &reply);
		if (reply.payload != NULL)
			kproto_buf_wipe(&payload);
		sodium_memzero(&reply, sizeof reply);
		if (!bank_busy(b))
			state_keys_resume(b->k);
	}
}

int64_t
bank_deadline(const struct bank *b)
{
	return b->up ? b->deadline : b->retry_at;
}

void
bank_tick(struct bank *b, int64_t now)
{
	if (b->up && b->deadline != 0 && now >= b->deadline)
		bank_fail(b, "no answer in time");
	else if (!b->up && b->retry_at != 0 && now >= b->retry_at)
		bank_connect(b);
}
