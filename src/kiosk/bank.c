#include "kiosk/bank.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

#define BANK_QUEUE_MAX 8
#define BANK_RETRY_USEC 2000000
#define BANK_CONNECT_TIMEOUT_MS 1000

struct bank_request {
	uint8_t type;
	struct kproto_buf payload;
	bank_handler handler;
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
		if (!b->logged_down)
			log_warnx("bank: cannot reach the adapter at %s: %s",
			    cfg->adapter_socket, err);
		b->logged_down = 1;
		b->retry_at = mono_usec() + BANK_RETRY_USEC;
		return -1;
	}
	log_info("bank: connected to adapter %s", b->conn.peer_id);
	trace_event("bank-up", "adapter=%s", b->conn.peer_id);
	b->up = 1;
	b->logged_down = 0;
	b->retry_at = 0;
	kiosk_bank_up(b->k);
	return 0;
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

static void
bank_send_next(struct bank *b)
{
	if (!b->up || b->count == 0 || b->deadline != 0)
		return;
	struct bank_request *rq = &b->queue[b->head];
	int r = kproto_send(&b->conn, rq->type, &rq->payload);
	kproto_buf_wipe(&rq->payload);
	if (r != KPROTO_OK) {
		bank_fail(b, kproto_strerror(r));
		return;
	}
	trace_event("req", "%s seq=%llu", kproto_type_to_str(rq->type),
	    (unsigned long long)(b->conn.send_seq - 1));
	b->deadline = mono_usec() + (int64_t)b->k->cfg->adapter_timeout_ms * 1000;
}

void
bank_call(struct bank *b, uint8_t type, const struct kproto_buf *payload, bank_handler h)
{
	if (!b->up) {
		bank_fail(b, "not connected");
		return;
	}
	if (b->count == BANK_QUEUE_MAX) {
		bank_fail(b, "too many requests waiting");
		return;
	}
	struct bank_request *rq = &b->queue[(b->head + b->count++) % BANK_QUEUE_MAX];
	rq->type = type;
	rq->handler = h;
	if (payload != NULL)
		rq->payload = *payload;
	else
		kproto_buf_init(&rq->payload);
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
		return KPROTO_E_TYPE;
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
		if (r != KPROTO_OK) {
			bank_fail(b, kproto_strerror(r));
			return;
		}
		if (type == KPROTO_MSG_ERROR)
			log_warnx("bank: adapter refused: %s (%s)",
			    kproto_error_code_to_str(reply.u.error.code), reply.u.error.message);
		bank_handler h = b->queue[b->head].handler;
		b->head = (b->head + 1) % BANK_QUEUE_MAX;
		b->count--;
		b->deadline = 0;
		bank_send_next(b);
		if (h != NULL)
			h(b->k, &reply);
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
