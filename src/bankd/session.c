/*
 * One kiosk connection's card session. The permission table says which request is
 * allowed in which state (openssh monitor style): the PIN only after a card, money
 * only after the PIN, completion only of a withdrawal authorised here, and once.
 */
#include "bankd.h"

#include "common/log.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIT(s) (1u << (s))
#define ANY_STATE (BIT(BANK_NO_CARD) | BIT(BANK_CARD) | BIT(BANK_CARD_REFUSED) | \
    BIT(BANK_AUTHED))
/* Among a row's states: allowed only in staff-assisted mode too (s->staff_id verified
 * by STAFF_AUTH), refused otherwise with NOT_PERMITTED naming it. */
#define NEEDS_STAFF (1u << 31)

typedef void (*bank_handler)(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);

static void session_card_open(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_pin_verify(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_balance(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_withdraw_auth(struct bank *, struct bank_session *,
    struct kproto_buf *, uint8_t *, struct kproto_buf *);
static void session_withdraw_complete(struct bank *, struct bank_session *,
    struct kproto_buf *, uint8_t *, struct kproto_buf *);
static void session_withdraw_reverse(struct bank *, struct bank_session *,
    struct kproto_buf *, uint8_t *, struct kproto_buf *);
static void session_card_close(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_settle(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_transfer_options(struct bank *, struct bank_session *,
    struct kproto_buf *, uint8_t *, struct kproto_buf *);
static void session_payee_lookup(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_transfer(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_statement(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_pin_change(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_card_list(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_card_report_lost(struct bank *, struct bank_session *,
    struct kproto_buf *, uint8_t *, struct kproto_buf *);
static void session_card_cancel(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_staff_call(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_staff_auth(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_staff_leave(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_profile_save(struct bank *, struct bank_session *, struct kproto_buf *,
    uint8_t *, struct kproto_buf *);
static void session_profile_forget(struct bank *, struct bank_session *,
    struct kproto_buf *, uint8_t *, struct kproto_buf *);

static const struct bank_rule {
	uint8_t type;
	unsigned states;      /* BIT(enum bank_state) where the request is allowed */
	const char *needs;    /* for the refusal message */
	bank_handler handle;
} bank_rules[] = {
	{ KPROTO_MSG_CARD_OPEN, BIT(BANK_NO_CARD),
	    "no card in the session (send CARD_CLOSE first)", session_card_open },
	{ KPROTO_MSG_PIN_VERIFY, BIT(BANK_CARD), "an open, usable card",
	    session_pin_verify },
	{ KPROTO_MSG_BALANCE, BIT(BANK_AUTHED), "a verified PIN", session_balance },
	{ KPROTO_MSG_WITHDRAW_AUTH, BIT(BANK_AUTHED), "a verified PIN",
	    session_withdraw_auth },
	{ KPROTO_MSG_WITHDRAW_COMPLETE, BIT(BANK_AUTHED), "a verified PIN",
	    session_withdraw_complete },
	{ KPROTO_MSG_WITHDRAW_REVERSE, BIT(BANK_AUTHED), "a verified PIN",
	    session_withdraw_reverse },
	{ KPROTO_MSG_CARD_CLOSE, BIT(BANK_CARD) | BIT(BANK_CARD_REFUSED) | BIT(BANK_AUTHED) |
	    BIT(BANK_ACTIVATING), "an open card", session_card_close },
	/* Recovery between customers: no card may be open while old holds are settled. */
	{ KPROTO_MSG_SETTLE, BIT(BANK_NO_CARD),
	    "no card in the session (send CARD_CLOSE first)", session_settle },
	/* Transfers: only after the PIN; each txid moves money once (the ledger's). */
	{ KPROTO_MSG_TRANSFER_OPTIONS, BIT(BANK_AUTHED), "a verified PIN",
	    session_transfer_options },
	{ KPROTO_MSG_PAYEE_LOOKUP, BIT(BANK_AUTHED), "a verified PIN", session_payee_lookup },
	{ KPROTO_MSG_TRANSFER, BIT(BANK_AUTHED), "a verified PIN", session_transfer },

	{ KPROTO_MSG_STATEMENT, BIT(BANK_AUTHED), "a verified PIN", session_statement },
	/* Once per verified PIN: session_pin_change refuses a second. */
	{ KPROTO_MSG_PIN_CHANGE, BIT(BANK_AUTHED), "a verified PIN", session_pin_change },

	/* Card services. A new card does nothing but take its customer's own PIN, once its
	 * letter's PIN was verified; the PIN change's handler knows it by the state. */
	{ KPROTO_MSG_CARD_ACTIVATE, BIT(BANK_ACTIVATING),
	    "a card awaiting activation, its letter's PIN verified", session_pin_change },
	{ KPROTO_MSG_CARD_LIST, BIT(BANK_AUTHED), "a verified PIN", session_card_list },
	/* session_card_report_lost refuses a card not in this session's CARD_LIST_INFO. */
	{ KPROTO_MSG_CARD_REPORT_LOST, BIT(BANK_AUTHED), "a verified PIN",
	    session_card_report_lost },
	/* Card services a member of staff opens: a card locked by wrong PINs or a PIN
	 * forgotten gets the customer's new PIN (as a PIN change, known by the state),
	 * verified next with PIN_VERIFY as usual; the card in the reader cancelled. */
	{ KPROTO_MSG_CARD_UNLOCK, BIT(BANK_CARD_REFUSED) | NEEDS_STAFF,
	    "an open card refused as locked", session_pin_change },
	{ KPROTO_MSG_CARD_PIN_RESET, BIT(BANK_CARD) | NEEDS_STAFF, "an open, usable card",
	    session_pin_change },
	{ KPROTO_MSG_CARD_CANCEL, BIT(BANK_AUTHED) | NEEDS_STAFF, "a verified PIN",
	    session_card_cancel },
	/* Staff: a call at any time, even with no card (out of service); a staff member
	 * over any customer's session; staff-only requests add NEEDS_STAFF. */
	{ KPROTO_MSG_STAFF_CALL, ANY_STATE, "nothing", session_staff_call },
	{ KPROTO_MSG_STAFF_AUTH, ANY_STATE, "nothing", session_staff_auth },
	{ KPROTO_MSG_STAFF_LEAVE, ANY_STATE | NEEDS_STAFF, "a verified staff member",
	    session_staff_leave },

	/* The accessibility profile belongs to the card: only its verified holder sets it. */
	{ KPROTO_MSG_PROFILE_SAVE, BIT(BANK_AUTHED), "a verified PIN", session_profile_save },
	{ KPROTO_MSG_PROFILE_FORGET, BIT(BANK_AUTHED), "a verified PIN",
	    session_profile_forget },
};

/*
 * Test hook for the fault-injection test (tests/e2e/test_faults.py): with
 * KIOSK_FAULT=POINT in its environment the adapter dies at POINT as if killed:
 * auth-received and transfer-received (before the ledger), auth-committed,
 * complete-committed and transfer-committed (after the ledger's COMMIT, before the
 * answer leaves).
 */
static void
session_fault(const char *point)
{
	const char *f = getenv("KIOSK_FAULT");

	if (f != NULL && strcmp(f, point) == 0) {
		log_warnx("test hook KIOSK_FAULT: dying at %s", point);
		_exit(137);
	}
}

const char *
bank_state_to_str(enum bank_state s)
{
	switch (s) {
	case BANK_NO_CARD: return "no-card";
	case BANK_CARD: return "card";
	case BANK_CARD_REFUSED: return "card-refused";
	case BANK_AUTHED: return "authed";
	case BANK_ACTIVATING: return "activating";
	}
	return "?";
}

static void
session_enter(struct bank_session *s, enum bank_state st)
{
	if (s->state != st)
		log_debug("conn %d: %s -> %s", s->id, bank_state_to_str(s->state),
		    bank_state_to_str(st));
	s->state = st;
}

void
bank_session_init(struct bank_session *s, int id)
{
	memset(s, 0, sizeof *s);
	s->id = id;
	s->state = BANK_NO_CARD;
}

void
bank_session_set_kiosk(struct bank_session *s, const char *kiosk_id)
{
	snprintf(s->kiosk_id, sizeof s->kiosk_id, "%s", kiosk_id);
}

void
bank_session_reset(struct bank_session *s)
{
	for (int i = 0; i < s->ntx; i++) {
		if (!s->tx[i].settled) {
			char hex[KPROTO_TXID_LEN * 2 + 1];
			sodium_bin2hex(hex, sizeof hex, s->tx[i].txid, KPROTO_TXID_LEN);
			/* Releasing it here could pay out twice if the cash did leave the
			 * dispenser; the hold stays for reconciliation. */
			log_warnx("conn %d: card %s leaves hold %s neither completed nor "
			    "reversed", s->id, s->pan_masked, hex);
		}
	}
	int id = s->id;
	char kiosk[sizeof s->kiosk_id];
	enum bank_state old = s->state;
	memcpy(kiosk, s->kiosk_id, sizeof kiosk);
	bank_session_init(s, id);
	memcpy(s->kiosk_id, kiosk, sizeof kiosk);
	s->state = old;
	session_enter(s, BANK_NO_CARD);
}

static void
fen_format(char *out, size_t outsz, int64_t fen)
{
	const char *sign = fen < 0 ? "-" : "";
	uint64_t v = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(out, outsz, "%s%llu.%02llu", sign, (unsigned long long)(v / 100),
	    (unsigned long long)(v % 100));
}

static void
session_error(struct bank_session *s, uint8_t req_type, uint16_t code, uint8_t *resp_type,
    struct kproto_buf *resp, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
session_error(struct bank_session *s, uint8_t req_type, uint16_t code, uint8_t *resp_type,
    struct kproto_buf *resp, const char *fmt, ...)
{
	struct kproto_error e = { .code = code };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.message, sizeof e.message, fmt, ap);
	va_end(ap);
	log_warnx("conn %d: %s -> ERROR %s: %s", s->id, kproto_type_to_str(req_type),
	    kproto_error_code_to_str(code), e.message);
	*resp_type = KPROTO_MSG_ERROR;
	if (kproto_error_pack(resp, &e) != KPROTO_OK) {
		e.message[0] = '\0';
		kproto_error_pack(resp, &e);
	}
}

static void
session_malformed(struct bank_session *s, uint8_t type, int rv, uint8_t *resp_type,
    struct kproto_buf *resp)
{
	session_error(s, type, KPROTO_ERROR_MALFORMED, resp_type, resp, "malformed %s: %s",
	    kproto_type_to_str(type), kproto_strerror(rv));
}

static void
session_internal(struct bank_session *s, uint8_t type, uint8_t *resp_type,
    struct kproto_buf *resp)
{
	session_error(s, type, KPROTO_ERROR_INTERNAL, resp_type, resp,
	    "%s failed: bank database error", kproto_type_to_str(type));
}

/* Any packing failure of our own answer is a bug; say so rather than send garbage. */
static void
session_reply(struct bank_session *s, uint8_t type, int packed, uint8_t rtype,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	if (packed != KPROTO_OK) {
		session_internal(s, type, resp_type, resp);
		return;
	}
	*resp_type = rtype;
}

static void
session_card_open(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_card_open co;
	struct kproto_card_info ci;
	char masked[KPROTO_PAN_MAX + 1];
	int rv;

	if ((rv = kproto_card_open_unpack(req, &co)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_CARD_OPEN, rv, resp_type, resp);
		return;
	}
	kproto_pan_mask(co.pan, masked, sizeof masked);
	if (ledger_card_open(bk->db, co.pan, &ci) != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_CARD_OPEN, resp_type, resp);
		return;
	}
	memcpy(s->pan, co.pan, sizeof s->pan);
	memcpy(s->pan_masked, masked, sizeof s->pan_masked);
	s->card_status = ci.status;
	/* Completion is bound to the card session that authorised the withdrawal. */
	s->ntx = 0;
	s->nxfer = 0;
	s->ncards = 0;
	session_enter(s, ci.status == KPROTO_CARD_OK || ci.status == KPROTO_CARD_INACTIVE ?
	    BANK_CARD : BANK_CARD_REFUSED);
	log_info("conn %d: CARD_OPEN %s -> CARD_INFO %s tries=%u", s->id, masked,
	    kproto_card_status_to_str(ci.status), ci.tries_left);
	session_reply(s, KPROTO_MSG_CARD_OPEN, kproto_card_info_pack(resp, &ci),
	    KPROTO_MSG_CARD_INFO, resp_type, resp);
}

/* The answer to a PIN_VERIFY once the ledger counted the try. */
static void
session_pin_result(struct bank_session *s, enum ledger_status ls,
    const struct kproto_pin_result *pr, uint8_t *resp_type, struct kproto_buf *resp)
{
	if (ls != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_PIN_VERIFY, resp_type, resp);
		return;
	}
	if (pr->status == KPROTO_PIN_OK) {
		session_enter(s, s->card_status == KPROTO_CARD_INACTIVE ? BANK_ACTIVATING :
		    BANK_AUTHED);
		s->pin_changed = 0;
	}
	else if (pr->status == KPROTO_PIN_LOCKED) {
		/* As CARD_INFO would say now: staff may unlock it in this session. */
		s->card_status = KPROTO_CARD_LOCKED;
		session_enter(s, BANK_CARD_REFUSED);
	}
	log_info("conn %d: PIN_VERIFY %s -> PIN_RESULT %s tries=%u", s->id, s->pan_masked,
	    kproto_pin_status_to_str(pr->status), pr->tries_left);
	session_reply(s, KPROTO_MSG_PIN_VERIFY, kproto_pin_result_pack(resp, pr),
	    KPROTO_MSG_PIN_RESULT, resp_type, resp);
}

/* Hands j to the PIN workers; the answer comes with bank_session_pin_done, or now if
 * they are all taken. */
static void
session_pin_submit(struct bank_session *s, uint8_t type, struct pin_job *j,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	if (pinpool_submit(j) < 0) {
		pinpool_job_free(j);
		/* Not a try: the PIN was never compared. */
		session_error(s, type, KPROTO_ERROR_INTERNAL, resp_type, resp,
		    "%s: busy, every PIN worker and queue place taken; try again",
		    kproto_type_to_str(type));
		return;
	}
	s->pin_pending = 1;
	*resp_type = 0;
}

/* Hands the check to the pool; answers now only if it need not or cannot wait. */
static void
session_pin_queue(struct bank *bk, struct bank_session *s, struct pin_job *j,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_pin_result pr;
	enum ledger_status ls;
	int checkable;

	ls = ledger_pin_hash(bk->db, s->pan, j->hash, sizeof j->hash, &checkable, &pr);
	if (ls != LEDGER_OK || !checkable) {
		pinpool_job_free(j);
		session_pin_result(s, ls, &pr, resp_type, resp);
		return;
	}
	session_pin_submit(s, KPROTO_MSG_PIN_VERIFY, j, resp_type, resp);
}

/* The PIN of an inline check, in guarded memory of its own; wiped before freed. */
static void
session_pin_free(char *pin)
{
	sodium_memzero(pin, KPROTO_PIN_MAX + 1);
	sodium_free(pin);
}

/*
 * Opens the sealed PIN of a PIN_VERIFY or PIN_CHANGE into guarded memory: a pool
 * job's (*jp) when PIN checks go to the pool, else its own (*pinp). 0, or -1 once
 * the request was answered with an ERROR.
 */
static int
session_pin_open(struct bank *bk, struct bank_session *s, uint8_t type,
    struct kproto_buf *req, struct pin_job **jp, char **pinp, uint8_t *resp_type,
    struct kproto_buf *resp)
{
	struct kproto_pin_verify pv;
	char *pin;
	int rv;

	*jp = NULL;
	*pinp = NULL;
	if ((rv = kproto_pin_verify_unpack(req, &pv)) != KPROTO_OK) {
		session_malformed(s, type, rv, resp_type, resp);
		return -1;
	}
	if (bk->pin_pool) {
		if ((*jp = pinpool_job_new(s->id, s->pan)) == NULL) {
			session_internal(s, type, resp_type, resp);
			return -1;
		}
		pin = (*jp)->pin;
	} else if ((pin = sodium_malloc(KPROTO_PIN_MAX + 1)) == NULL) {
		session_internal(s, type, resp_type, resp);
		return -1;
	}
	rv = kproto_pin_open(pv.sealed, pv.sealed_len, bk->sk, pin, KPROTO_PIN_MAX + 1);
	if (rv != KPROTO_OK) {
		if (*jp != NULL)
			pinpool_job_free(*jp);
		else
			sodium_free(pin);
		*jp = NULL;
		/* Not a try: a PIN that does not open was not typed by the customer. */
		session_error(s, type, KPROTO_ERROR_MALFORMED, resp_type, resp,
		    "malformed %s: sealed PIN does not open (%s)", kproto_type_to_str(type),
		    kproto_strerror(rv));
		return -1;
	}
	*pinp = pin;
	return 0;
}

static void
session_pin_verify(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_pin_result pr;
	struct pin_job *j;
	enum ledger_status ls;
	char *pin;

	if (session_pin_open(bk, s, KPROTO_MSG_PIN_VERIFY, req, &j, &pin, resp_type,
	    resp) < 0)
		return;
	if (j != NULL) {
		session_pin_queue(bk, s, j, resp_type, resp);
		return;
	}
	ls = ledger_pin_verify(bk->db, s->pan, pin, &pr);
	session_pin_free(pin);
	session_pin_result(s, ls, &pr, resp_type, resp);
}

static void session_staff_result(struct bank_session *, const char *, enum ledger_status,
    const struct kproto_staff_result *, uint8_t *, struct kproto_buf *);
static void session_pin_change_done(struct bank *, struct bank_session *, int,
    const char *, const char *, uint8_t *, struct kproto_buf *);

void
bank_session_pin_done(struct bank *bk, struct bank_session *s, struct pin_job *j,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_pin_result pr;
	enum ledger_status ls;

	if (j->staff_id[0] != '\0') {
		struct kproto_staff_result sr;
		ls = ledger_staff_record(bk->db, j->staff_id, j->match, &sr);
		if (s == NULL) {
			log_info("staff PIN check of a closed connection %d counted", j->conn_id);
			return;
		}
		s->pin_pending = 0;
		kproto_buf_init(resp);
		session_staff_result(s, j->staff_id, ls, &sr, resp_type, resp);
		return;
	}
	if (j->change) {
		/* The customer who asked is gone and would not know the new PIN. */
		if (s == NULL) {
			log_info("PIN change of a closed connection %d not made", j->conn_id);
			return;
		}
		s->pin_pending = 0;
		kproto_buf_init(resp);
		session_pin_change_done(bk, s, j->status, j->hash, j->new_hash, resp_type, resp);
		return;
	}
	ls = ledger_pin_record(bk->db, j->pan, j->match, &pr);

	if (s == NULL) {
		log_info("PIN check of a closed connection %d counted: %s", j->conn_id,
		    ls == LEDGER_OK ? kproto_pin_status_to_str(pr.status) : "database error");
		return;
	}
	s->pin_pending = 0;
	kproto_buf_init(resp);
	session_pin_result(s, ls, &pr, resp_type, resp);
}

static void
session_balance(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_balance_info bi;
	char bal[32], avail[32];
	int rv;

	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_BALANCE, rv, resp_type, resp);
		return;
	}
	if (ledger_balance(bk->db, s->pan, &bi) != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_BALANCE, resp_type, resp);
		return;
	}
	fen_format(bal, sizeof bal, bi.balance_fen);
	fen_format(avail, sizeof avail, bi.available_fen);
	log_info("conn %d: BALANCE %s -> BALANCE_INFO balance=%s available=%s", s->id,
	    s->pan_masked, bal, avail);
	session_reply(s, KPROTO_MSG_BALANCE, kproto_balance_info_pack(resp, &bi),
	    KPROTO_MSG_BALANCE_INFO, resp_type, resp);
}

static struct bank_tx *
session_find_tx(struct bank_session *s, const unsigned char *txid)
{
	for (int i = 0; i < s->ntx; i++)
		if (memcmp(s->tx[i].txid, txid, KPROTO_TXID_LEN) == 0)
			return &s->tx[i];
	return NULL;
}

static void
session_withdraw_auth(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_withdraw_auth wa;
	struct kproto_withdraw_result wr;
	struct bank_tx *tx;
	enum ledger_status ls;
	char amount[32], after[32], hex[KPROTO_TXID_LEN * 2 + 1];
	int rv;

	if ((rv = kproto_withdraw_auth_unpack(req, &wa)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_WITHDRAW_AUTH, rv, resp_type, resp);
		return;
	}
	session_fault("auth-received");
	tx = session_find_tx(s, wa.txid);
	if (tx == NULL && s->ntx == BANK_TX_MAX) {
		session_error(s, KPROTO_MSG_WITHDRAW_AUTH, KPROTO_ERROR_NOT_PERMITTED, resp_type,
		    resp, "WITHDRAW_AUTH not permitted: more than %d withdrawals for one card",
		    BANK_TX_MAX);
		return;
	}
	if (tx != NULL && tx->settled) {
		session_error(s, KPROTO_MSG_WITHDRAW_AUTH, KPROTO_ERROR_NOT_PERMITTED, resp_type,
		    resp, "WITHDRAW_AUTH not permitted: transaction already settled");
		return;
	}
	ls = ledger_withdraw_auth(bk->db, s->kiosk_id, s->pan, wa.txid, wa.amount_fen, &wr);
	if (ls == LEDGER_CONFLICT) {
		session_error(s, KPROTO_MSG_WITHDRAW_AUTH, KPROTO_ERROR_MALFORMED, resp_type,
		    resp, "WITHDRAW_AUTH: txid already used for another withdrawal");
		return;
	}
	if (ls != LEDGER_OK && ls != LEDGER_REPEAT) {
		session_internal(s, KPROTO_MSG_WITHDRAW_AUTH, resp_type, resp);
		return;
	}
	if (wr.status == KPROTO_WD_APPROVED)
		session_fault("auth-committed");
	/* Only approvals are remembered: COMPLETE of a refused txid must be unknown. */
	if (wr.status == KPROTO_WD_APPROVED && tx == NULL) {
		tx = &s->tx[s->ntx++];
		memcpy(tx->txid, wa.txid, KPROTO_TXID_LEN);
		tx->settled = 0;
	}
	sodium_bin2hex(hex, sizeof hex, wa.txid, KPROTO_TXID_LEN);
	fen_format(amount, sizeof amount, wa.amount_fen);
	fen_format(after, sizeof after, wr.available_after_fen);
	/* Eight hex digits name the hold in the log; the full txid is in the database. */
	log_info("conn %d: WITHDRAW_AUTH %s tx=%.8s amount=%s -> WITHDRAW_RESULT %s%s "
	    "available=%s", s->id, s->pan_masked, hex, amount,
	    kproto_withdraw_status_to_str(wr.status), ls == LEDGER_REPEAT ? " (repeat)" : "",
	    after);
	session_reply(s, KPROTO_MSG_WITHDRAW_AUTH, kproto_withdraw_result_pack(resp, &wr),
	    KPROTO_MSG_WITHDRAW_RESULT, resp_type, resp);
}

/* WITHDRAW_COMPLETE and WITHDRAW_REVERSE: the same rules, one ledger call apart. */
static void
session_withdraw_settle(struct bank *bk, struct bank_session *s, uint8_t type,
    struct kproto_buf *req, uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_withdraw_txid wt;
	struct bank_tx *tx;
	enum ledger_status ls;
	char hex[KPROTO_TXID_LEN * 2 + 1];
	int complete = type == KPROTO_MSG_WITHDRAW_COMPLETE, rv;

	if ((rv = kproto_withdraw_txid_unpack(req, &wt)) != KPROTO_OK) {
		session_malformed(s, type, rv, resp_type, resp);
		return;
	}
	sodium_bin2hex(hex, sizeof hex, wt.txid, KPROTO_TXID_LEN);
	if ((tx = session_find_tx(s, wt.txid)) == NULL) {
		session_error(s, type, KPROTO_ERROR_UNKNOWN_TX, resp_type, resp,
		    "%s: transaction %s was not authorised in this session",
		    kproto_type_to_str(type), hex);
		return;
	}
	if (tx->settled) {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "%s not permitted: transaction %s already completed or reversed",
		    kproto_type_to_str(type), hex);
		return;
	}
	ls = complete ? ledger_withdraw_complete(bk->db, s->pan, wt.txid) :
	    ledger_withdraw_reverse(bk->db, s->pan, wt.txid);
	switch (ls) {
	case LEDGER_OK:
		break;
	case LEDGER_UNKNOWN_TX:
		session_error(s, type, KPROTO_ERROR_UNKNOWN_TX, resp_type, resp,
		    "%s: no hold %s", kproto_type_to_str(type), hex);
		return;
	case LEDGER_REPEAT:
	case LEDGER_CONFLICT:
		/* Settled behind our back (another connection on the same bank file):
		 * record it so this session never tries again. */
		tx->settled = 1;
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "%s not permitted: transaction %s already settled", kproto_type_to_str(type),
		    hex);
		return;
	case LEDGER_ERROR:
	case LEDGER_UNKNOWN_PAYEE:
	case LEDGER_MONEY_LEFT:
		session_internal(s, type, resp_type, resp);
		return;
	}
	tx->settled = 1;
	if (complete)
		session_fault("complete-committed");
	log_info("conn %d: %s %s tx=%.8s -> OK", s->id, kproto_type_to_str(type),
	    s->pan_masked, hex);
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

static void
session_withdraw_complete(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	session_withdraw_settle(bk, s, KPROTO_MSG_WITHDRAW_COMPLETE, req, resp_type, resp);
}

static void
session_withdraw_reverse(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	session_withdraw_settle(bk, s, KPROTO_MSG_WITHDRAW_REVERSE, req, resp_type, resp);
}

static void
session_card_close(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	int rv;

	(void)bk;
	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_CARD_CLOSE, rv, resp_type, resp);
		return;
	}
	log_info("conn %d: CARD_CLOSE %s -> OK", s->id, s->pan_masked);
	bank_session_reset(s);
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

/*
 * SETTLE: the kiosk settles a hold it authorised on an earlier connection (it or this
 * adapter restarted in between), as its journal says: complete if the cash left the
 * machine, reverse if not. Idempotent: the same outcome again is OK and moves nothing.
 */
static void
session_settle(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_settle m;
	enum ledger_status ls;
	char hex[KPROTO_TXID_LEN * 2 + 1], was[16];
	const char *outcome;
	int rv;

	if ((rv = kproto_settle_unpack(req, &m)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_SETTLE, rv, resp_type, resp);
		return;
	}
	sodium_bin2hex(hex, sizeof hex, m.txid, KPROTO_TXID_LEN);
	outcome = kproto_settle_outcome_to_str(m.outcome);
	ls = ledger_settle(bk->db, s->kiosk_id, m.txid, m.outcome, was, sizeof was);
	switch (ls) {
	case LEDGER_OK:
	case LEDGER_REPEAT:
		log_info("conn %d: SETTLE tx=%.8s %s from kiosk \"%s\" -> OK%s", s->id, hex,
		    outcome, s->kiosk_id, ls == LEDGER_REPEAT ? " (already settled so)" : "");
		kproto_buf_init(resp);
		*resp_type = KPROTO_MSG_OK;
		return;
	case LEDGER_UNKNOWN_TX:
		session_error(s, KPROTO_MSG_SETTLE, KPROTO_ERROR_UNKNOWN_TX, resp_type, resp,
		    "SETTLE: no hold %s of this kiosk", hex);
		return;
	case LEDGER_CONFLICT:
		/* The kiosk and the bank disagree on where the money went: someone must look
		 * at the dispenser's counters and the journal. */
		log_warnx("conn %d: RECONCILIATION CONFLICT: kiosk \"%s\" asks to %s hold %s, "
		    "which is already %s; nothing changed, check the kiosk's journal", s->id,
		    s->kiosk_id, outcome, hex, was);
		session_error(s, KPROTO_MSG_SETTLE, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "SETTLE not permitted: transaction %s already %s", hex, was);
		return;
	case LEDGER_ERROR:
	case LEDGER_UNKNOWN_PAYEE:
	case LEDGER_MONEY_LEFT:
		break;
	}
	session_internal(s, KPROTO_MSG_SETTLE, resp_type, resp);
}

static void
session_transfer_options(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_transfer_choices tc;
	char left[32];
	int rv;

	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_TRANSFER_OPTIONS, rv, resp_type, resp);
		return;
	}
	if (ledger_transfer_choices(bk->db, s->pan, &tc) != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_TRANSFER_OPTIONS, resp_type, resp);
		return;
	}
	fen_format(left, sizeof left, tc.transfer_remaining_fen);
	log_info("conn %d: TRANSFER_OPTIONS %s -> TRANSFER_CHOICES accounts=%u payees=%u "
	    "remaining=%s%s", s->id, s->pan_masked, tc.naccounts, tc.npayees, left,
	    tc.fraud_protect ? " fraud-protect" : "");
	session_reply(s, KPROTO_MSG_TRANSFER_OPTIONS, kproto_transfer_choices_pack(resp, &tc),
	    KPROTO_MSG_TRANSFER_CHOICES, resp_type, resp);
}

static void
session_payee_lookup(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_payee_lookup pl;
	struct kproto_payee pi;
	enum ledger_status ls;
	char masked[KPROTO_PAN_MAX + 1];
	int rv;

	if ((rv = kproto_payee_lookup_unpack(req, &pl)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_PAYEE_LOOKUP, rv, resp_type, resp);
		return;
	}
	kproto_pan_mask(pl.pan, masked, sizeof masked);
	ls = ledger_payee_lookup(bk->db, s->pan, pl.pan, &pi);
	if (ls == LEDGER_UNKNOWN_PAYEE) {
		session_error(s, KPROTO_MSG_PAYEE_LOOKUP, KPROTO_ERROR_UNKNOWN_PAYEE, resp_type,
		    resp, "PAYEE_LOOKUP: %s", kproto_pan_luhn(pl.pan) ? "unknown payee" :
		    "bad card number");
		return;
	}
	if (ls != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_PAYEE_LOOKUP, resp_type, resp);
		return;
	}
	log_info("conn %d: PAYEE_LOOKUP %s payee=%s -> PAYEE_INFO paid-before=%u", s->id,
	    s->pan_masked, masked, pi.paid_before);
	session_reply(s, KPROTO_MSG_PAYEE_LOOKUP, kproto_payee_info_pack(resp, &pi),
	    KPROTO_MSG_PAYEE_INFO, resp_type, resp);
}

/* 1 if txid was already sent in this card session; else counts it if there is room. */
static int
session_xfer_seen(struct bank_session *s, const unsigned char *txid, int *full)
{
	*full = 0;
	for (int i = 0; i < s->nxfer; i++)
		if (memcmp(s->xfer[i], txid, KPROTO_TXID_LEN) == 0)
			return 1;
	if (s->nxfer == BANK_TX_MAX) {
		*full = 1;
		return 0;
	}
	memcpy(s->xfer[s->nxfer++], txid, KPROTO_TXID_LEN);
	return 0;
}

static void
session_transfer(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_transfer t;
	struct kproto_transfer_result tr;
	enum ledger_status ls;
	char amount[32], after[32], to[KPROTO_PAN_MAX + 16], hex[KPROTO_TXID_LEN * 2 + 1];
	int rv, full;

	if ((rv = kproto_transfer_unpack(req, &t)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_TRANSFER, rv, resp_type, resp);
		return;
	}
	session_fault("transfer-received");
	if (!session_xfer_seen(s, t.txid, &full) && full) {
		session_error(s, KPROTO_MSG_TRANSFER, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "TRANSFER not permitted: more than %d transfers for one card", BANK_TX_MAX);
		return;
	}
	ls = ledger_transfer(bk->db, s->kiosk_id, s->pan, &t, &tr);
	if (ls == LEDGER_CONFLICT) {
		session_error(s, KPROTO_MSG_TRANSFER, KPROTO_ERROR_MALFORMED, resp_type, resp,
		    "TRANSFER: txid already used for another transfer, or the card is no "
		    "longer active");
		return;
	}
	if (ls != LEDGER_OK && ls != LEDGER_REPEAT) {
		session_internal(s, KPROTO_MSG_TRANSFER, resp_type, resp);
		return;
	}
	if (tr.status == KPROTO_XFER_APPROVED)
		session_fault("transfer-committed");
	sodium_bin2hex(hex, sizeof hex, t.txid, KPROTO_TXID_LEN);
	fen_format(amount, sizeof amount, t.amount_fen);
	fen_format(after, sizeof after, tr.available_after_fen);
	if (t.pan[0] != '\0') {
		char masked[KPROTO_PAN_MAX + 1];
		kproto_pan_mask(t.pan, masked, sizeof masked);
		snprintf(to, sizeof to, "payee %s", masked);
	} else
		snprintf(to, sizeof to, "%s", kproto_account_kind_to_str(t.to_kind));
	log_info("conn %d: TRANSFER %s tx=%.8s amount=%s from=%s to=%s -> TRANSFER_RESULT "
	    "%s%s available=%s", s->id, s->pan_masked, hex, amount,
	    kproto_account_kind_to_str(t.from_kind), to,
	    kproto_transfer_status_to_str(tr.status), ls == LEDGER_REPEAT ? " (repeat)" : "",
	    after);
	session_reply(s, KPROTO_MSG_TRANSFER, kproto_transfer_result_pack(resp, &tr),
	    KPROTO_MSG_TRANSFER_RESULT, resp_type, resp);
}

int
bank_request_needs_staff(uint8_t type)
{
	for (size_t i = 0; i < sizeof bank_rules / sizeof bank_rules[0]; i++)
		if (bank_rules[i].type == type)
			return (bank_rules[i].states & NEEDS_STAFF) != 0;
	return 0;
}

void
bank_session_dispatch(struct bank *bk, struct bank_session *s, uint8_t type,
    struct kproto_buf *req, uint8_t *resp_type, struct kproto_buf *resp)
{
	const struct bank_rule *r = NULL;

	/* Every request gets exactly one answer: the kiosk pairs them by order. */
	kproto_buf_init(resp);
	for (size_t i = 0; i < sizeof bank_rules / sizeof bank_rules[0]; i++)
		if (bank_rules[i].type == type)
			r = &bank_rules[i];
	if (r == NULL) {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "%s (0x%02x) is not a request", kproto_type_to_str(type), type);
		return;
	}
	if ((r->states & BIT(s->state)) == 0) {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "%s not permitted in state %s: needs %s", kproto_type_to_str(type),
		    bank_state_to_str(s->state), r->needs);
		return;
	}
	if ((r->states & NEEDS_STAFF) && s->staff_id[0] == '\0') {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "%s not permitted: only in staff-assisted mode (needs a verified staff "
		    "member, STAFF_AUTH)", kproto_type_to_str(type));
		return;
	}
	r->handle(bk, s, req, resp_type, resp);
}

/* ---- statements and PIN changes ----------------------------------------------------- */

static void
session_statement(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_statement st;
	struct kproto_statement_lines sl;
	const char *account;
	int rv, found;

	if ((rv = kproto_statement_unpack(req, &st)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_STATEMENT, rv, resp_type, resp);
		return;
	}
	account = kproto_statement_account_to_str(st.account);
	if (ledger_statement(bk->db, s->pan, st.account, &sl, &found) != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_STATEMENT, resp_type, resp);
		return;
	}
	if (!found) {
		session_error(s, KPROTO_MSG_STATEMENT, KPROTO_ERROR_NO_ACCOUNT, resp_type, resp,
		    "STATEMENT: the customer has no %s account", account);
		return;
	}
	log_info("conn %d: STATEMENT %s %s -> STATEMENT_LINES %u lines", s->id,
	    s->pan_masked, account, sl.count);
	session_reply(s, KPROTO_MSG_STATEMENT, kproto_statement_lines_pack(resp, &sl),
	    KPROTO_MSG_STATEMENT_LINES, resp_type, resp);
}

/* CARD_LIST: the customer's other cards, remembered here for CARD_REPORT_LOST. */
static void
session_card_list(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_card_list_info cl;
	int rv;

	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_CARD_LIST, rv, resp_type, resp);
		return;
	}
	if (ledger_card_list(bk->db, s->pan, &cl, s->cards) != LEDGER_OK) {
		s->ncards = 0;
		session_internal(s, KPROTO_MSG_CARD_LIST, resp_type, resp);
		return;
	}
	s->ncards = cl.count;
	log_info("conn %d: CARD_LIST %s -> CARD_LIST_INFO %u cards", s->id, s->pan_masked,
	    cl.count);
	session_reply(s, KPROTO_MSG_CARD_LIST, kproto_card_list_info_pack(resp, &cl),
	    KPROTO_MSG_CARD_LIST_INFO, resp_type, resp);
}

/* CARD_REPORT_LOST: one card of the last list, never the one in the reader. */
static void
session_card_report_lost(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_card_report_lost rl;
	char masked[KPROTO_PAN_MAX + 1];
	int rv;

	if ((rv = kproto_card_report_lost_unpack(req, &rl)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_CARD_REPORT_LOST, rv, resp_type, resp);
		return;
	}
	if (rl.index >= s->ncards) {
		session_error(s, KPROTO_MSG_CARD_REPORT_LOST, KPROTO_ERROR_NO_CARD, resp_type,
		    resp, "CARD_REPORT_LOST: no card %u in this session's CARD_LIST_INFO "
		    "(%d listed)", rl.index, s->ncards);
		return;
	}
	kproto_pan_mask(s->cards[rl.index], masked, sizeof masked);
	switch (ledger_card_report_lost(bk->db, s->kiosk_id, s->pan, s->cards[rl.index])) {
	case LEDGER_OK:
		log_info("conn %d: CARD_REPORT_LOST %s with %s -> OK, card lost", s->id, masked,
		    s->pan_masked);
		break;
	case LEDGER_REPEAT:
		log_info("conn %d: CARD_REPORT_LOST %s with %s -> OK, lost already", s->id,
		    masked, s->pan_masked);
		break;
	case LEDGER_CONFLICT:
		session_error(s, KPROTO_MSG_CARD_REPORT_LOST, KPROTO_ERROR_NO_CARD, resp_type,
		    resp, "CARD_REPORT_LOST: %s is no longer a card of this customer", masked);
		return;
	default:
		session_internal(s, KPROTO_MSG_CARD_REPORT_LOST, resp_type, resp);
		return;
	}
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

/*
 * Which request gives a new PIN in this state: the state alone says it, and stays
 * while the PIN workers judge the PIN (no request is read meanwhile).
 */
static uint8_t
session_new_pin_type(const struct bank_session *s)
{
	switch (s->state) {
	case BANK_ACTIVATING: return KPROTO_MSG_CARD_ACTIVATE;
	case BANK_CARD_REFUSED: return KPROTO_MSG_CARD_UNLOCK;
	case BANK_CARD: return KPROTO_MSG_CARD_PIN_RESET;
	default: return KPROTO_MSG_PIN_CHANGE;
	}
}

/* new_hash stored for the request type, in its one transaction. */
static enum ledger_status
session_new_pin_store(struct bank *bk, struct bank_session *s, uint8_t type,
    const char *old_hash, const char *new_hash)
{
	switch (type) {
	case KPROTO_MSG_CARD_ACTIVATE:
		return ledger_card_activate(bk->db, s->pan, old_hash, new_hash);
	case KPROTO_MSG_CARD_UNLOCK:
	case KPROTO_MSG_CARD_PIN_RESET:
		return ledger_card_pin_reset(bk->db, s->kiosk_id, s->staff_id, s->pan,
		    type == KPROTO_MSG_CARD_UNLOCK, old_hash, new_hash);
	default:
		return ledger_pin_store(bk->db, s->pan, old_hash, new_hash);
	}
}

/*
 * The answer to a request giving a new PIN once the PIN was judged (status, or -1 if
 * it could not be hashed) and, if it passed, hashed into new_hash. Only that the PIN
 * changed reaches the log: which rule refused a weak one would say something about it.
 */
static void
session_pin_change_done(struct bank *bk, struct bank_session *s, int status,
    const char *old_hash, const char *new_hash, uint8_t *resp_type,
    struct kproto_buf *resp)
{
	struct kproto_pin_change_result pr = { .status = (uint8_t)status };
	uint8_t type = session_new_pin_type(s);
	char by[KPROTO_STAFF_ID_MAX + 16] = "";

	if (status < 0) {
		session_internal(s, type, resp_type, resp);
		return;
	}
	if (bank_request_needs_staff(type))
		snprintf(by, sizeof by, " by staff %s", s->staff_id);
	if (status == KPROTO_PIN_CHANGED) {
		switch (session_new_pin_store(bk, s, type, old_hash, new_hash)) {
		case LEDGER_OK:
			break;
		case LEDGER_CONFLICT:
			session_error(s, type, KPROTO_ERROR_NOT_PERMITTED,
			    resp_type, resp, "%s not permitted: the card was locked or its PIN "
			    "changed elsewhere meanwhile", kproto_type_to_str(type));
			return;
		default:
			session_internal(s, type, resp_type, resp);
			return;
		}
		s->pin_changed = 1;
		if (type == KPROTO_MSG_CARD_ACTIVATE) {
			/* Its customer's own PIN: the card is like any other from now on. */
			s->card_status = KPROTO_CARD_OK;
			session_enter(s, BANK_AUTHED);
		} else if (type == KPROTO_MSG_CARD_UNLOCK) {
			/* Usable again; its customer proves the new PIN with PIN_VERIFY. */
			s->card_status = KPROTO_CARD_OK;
			session_enter(s, BANK_CARD);
		}
		log_info("conn %d: %s %s%s -> PIN changed", s->id, kproto_type_to_str(type),
		    s->pan_masked, by);
	} else
		log_info("conn %d: %s %s%s -> refused as weak, nothing changed", s->id,
		    kproto_type_to_str(type), s->pan_masked, by);
	session_reply(s, type, kproto_pin_change_result_pack(resp, &pr),
	    KPROTO_MSG_PIN_CHANGE_RESULT, resp_type, resp);
}

/*
 * Whether the card may be given a new PIN by type now, as the session knows it: 0, or
 * -1 once answered with an ERROR. A card awaiting activation gets its PIN from its
 * letter, never by a reset; only a locked card is unlocked.
 */
static int
session_new_pin_allowed(struct bank_session *s, uint8_t type, uint8_t *resp_type,
    struct kproto_buf *resp)
{
	if (s->pin_changed) {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type,
		    resp, "%s not permitted: the PIN was changed already in this "
		    "session; it must be verified again first", kproto_type_to_str(type));
		return -1;
	}
	if (type == KPROTO_MSG_CARD_UNLOCK && s->card_status != KPROTO_CARD_LOCKED) {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "CARD_UNLOCK not permitted: the card is not locked (%s)",
		    kproto_card_status_to_str(s->card_status));
		return -1;
	}
	if (type == KPROTO_MSG_CARD_PIN_RESET && s->card_status == KPROTO_CARD_INACTIVE) {
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "CARD_PIN_RESET not permitted: the card awaits activation with the PIN "
		    "of its letter (CARD_ACTIVATE)");
		return -1;
	}
	return 0;
}

/* The stored hash the new PIN replaces, of a card still in the state type wants:
 * LEDGER_CONFLICT if it is not any more (locked, lost, unlocked meanwhile). */
static enum ledger_status
session_old_hash(struct bank *bk, struct bank_session *s, uint8_t type, char *hash,
    size_t hashsz)
{
	struct kproto_pin_result pr;
	enum ledger_status ls;
	int checkable;

	if (type == KPROTO_MSG_CARD_UNLOCK || type == KPROTO_MSG_CARD_PIN_RESET)
		return ledger_card_reset_hash(bk->db, s->pan, type == KPROTO_MSG_CARD_UNLOCK,
		    hash, hashsz);
	ls = ledger_pin_hash(bk->db, s->pan, hash, hashsz, &checkable, &pr);
	return ls == LEDGER_OK && !checkable ? LEDGER_CONFLICT : ls;
}

/*
 * PIN_CHANGE, CARD_ACTIVATE, CARD_UNLOCK and CARD_PIN_RESET: the new PIN is opened as
 * PIN_VERIFY opens the PIN, judged and hashed (both slow) on the PIN workers when PIN
 * checks go there, and stored here once back. A PIN change keeps the tries and the
 * card's state (the PIN was verified already); an unlock or a reset gives full tries.
 */
static void
session_pin_change(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	char old_hash[sizeof ((struct pin_job *)0)->hash];
	char new_hash[sizeof ((struct pin_job *)0)->new_hash];
	struct pin_job *j;
	enum ledger_status ls;
	int status;
	char *pin;
	uint8_t type = session_new_pin_type(s);

	if (session_new_pin_allowed(s, type, resp_type, resp) < 0 ||
	    session_pin_open(bk, s, type, req, &j, &pin, resp_type, resp) < 0)
		return;
	ls = session_old_hash(bk, s, type, old_hash, sizeof old_hash);
	if (ls != LEDGER_OK) {
		if (j != NULL)
			pinpool_job_free(j);
		else
			session_pin_free(pin);
		sodium_memzero(old_hash, sizeof old_hash);
		if (ls != LEDGER_CONFLICT)
			session_internal(s, type, resp_type, resp);
		else if (bank_request_needs_staff(type))
			session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
			    "%s not permitted: the card's state changed since it was opened",
			    kproto_type_to_str(type));
		else
			session_error(s, type, KPROTO_ERROR_NOT_PERMITTED,
			    resp_type, resp, "%s not permitted: the card is locked or lost since "
			    "its PIN was verified", kproto_type_to_str(type));
		return;
	}
	if (j != NULL) {
		j->change = 1;
		memcpy(j->hash, old_hash, sizeof j->hash);
		sodium_memzero(old_hash, sizeof old_hash);
		session_pin_submit(s, type, j, resp_type, resp);
		return;
	}
	status = ledger_pin_change_prepare(old_hash, pin, new_hash, sizeof new_hash);
	session_pin_free(pin);
	session_pin_change_done(bk, s, status, old_hash, new_hash, resp_type, resp);
	sodium_memzero(old_hash, sizeof old_hash);
	sodium_memzero(new_hash, sizeof new_hash);
}

/*
 * CARD_CANCEL: the card in the reader cancelled for good, unless money would be left
 * where no other card of the customer reaches it. The refusal names no amount and no
 * card: the kiosk may say it aloud.
 */
static void
session_card_cancel(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	int rv;

	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_CARD_CANCEL, rv, resp_type, resp);
		return;
	}
	switch (ledger_card_cancel(bk->db, s->kiosk_id, s->staff_id, s->pan)) {
	case LEDGER_OK:
	case LEDGER_REPEAT:
		break;
	case LEDGER_MONEY_LEFT:
		log_info("conn %d: CARD_CANCEL %s by staff %s -> refused, money left", s->id,
		    s->pan_masked, s->staff_id);
		session_error(s, KPROTO_MSG_CARD_CANCEL, KPROTO_ERROR_MONEY_LEFT, resp_type, resp,
		    "CARD_CANCEL refused: an account only this card reaches still holds "
		    "money; move it first");
		return;
	case LEDGER_CONFLICT:
		session_error(s, KPROTO_MSG_CARD_CANCEL, KPROTO_ERROR_NOT_PERMITTED, resp_type,
		    resp, "CARD_CANCEL not permitted: the card was locked or lost meanwhile");
		return;
	default:
		session_internal(s, KPROTO_MSG_CARD_CANCEL, resp_type, resp);
		return;
	}
	/* The card is done with: nothing but CARD_CLOSE and staff requests from here. */
	s->card_status = KPROTO_CARD_CANCELLED;
	session_enter(s, BANK_CARD_REFUSED);
	log_info("conn %d: CARD_CANCEL %s by staff %s -> OK, card cancelled", s->id,
	    s->pan_masked, s->staff_id);
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

/* ---- staff ------------------------------------------------------------------------ */

static void
session_staff_call(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_staff_call c;
	int rv;

	if ((rv = kproto_staff_call_unpack(req, &c)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_STAFF_CALL, rv, resp_type, resp);
		return;
	}
	if (ledger_staff_call(bk->db, s->kiosk_id, c.reason) != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_STAFF_CALL, resp_type, resp);
		return;
	}
	/* The branch's record: which kiosk wants a person, and why. */
	log_info("conn %d: STAFF_CALL kiosk=%s reason=%s -> OK", s->id,
	    s->kiosk_id[0] != '\0' ? s->kiosk_id : "-", c.reason);
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

/* The answer to a STAFF_AUTH once the badge's try was counted. */
static void
session_staff_result(struct bank_session *s, const char *id, enum ledger_status ls,
    const struct kproto_staff_result *sr, uint8_t *resp_type, struct kproto_buf *resp)
{
	if (ls != LEDGER_OK) {
		session_internal(s, KPROTO_MSG_STAFF_AUTH, resp_type, resp);
		return;
	}
	if (sr->status == KPROTO_STAFF_OK)
		snprintf(s->staff_id, sizeof s->staff_id, "%s", id);
	log_info("conn %d: STAFF_AUTH %s -> STAFF_RESULT %s tries=%u", s->id, id,
	    kproto_staff_status_to_str(sr->status), sr->tries_left);
	session_reply(s, KPROTO_MSG_STAFF_AUTH, kproto_staff_result_pack(resp, sr),
	    KPROTO_MSG_STAFF_RESULT, resp_type, resp);
}

static void
session_staff_auth(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_staff_auth a;
	struct kproto_staff_result sr;
	struct pin_job *j;
	enum ledger_status ls;
	int rv, checkable;

	if ((rv = kproto_staff_auth_unpack(req, &a)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_STAFF_AUTH, rv, resp_type, resp);
		return;
	}
	/* A new badge replaces whoever was there: the mode is one person's. */
	s->staff_id[0] = '\0';
	if ((j = pinpool_job_new(s->id, "")) == NULL) {
		session_internal(s, KPROTO_MSG_STAFF_AUTH, resp_type, resp);
		return;
	}
	snprintf(j->staff_id, sizeof j->staff_id, "%s", a.staff_id);
	rv = kproto_pin_open(a.sealed, a.sealed_len, bk->sk, j->pin, KPROTO_PIN_MAX + 1);
	if (rv != KPROTO_OK) {
		pinpool_job_free(j);
		session_error(s, KPROTO_MSG_STAFF_AUTH, KPROTO_ERROR_MALFORMED, resp_type, resp,
		    "malformed STAFF_AUTH: sealed PIN does not open (%s)", kproto_strerror(rv));
		return;
	}
	ls = ledger_staff_hash(bk->db, a.staff_id, j->hash, sizeof j->hash, &checkable, &sr);
	if (ls != LEDGER_OK || !checkable) {
		pinpool_job_free(j);
		session_staff_result(s, a.staff_id, ls, &sr, resp_type, resp);
		return;
	}
	if (bk->pin_pool) {
		session_pin_submit(s, KPROTO_MSG_STAFF_AUTH, j, resp_type, resp);
		return;
	}
	j->match = crypto_pwhash_str_verify(j->hash, j->pin, strlen(j->pin)) == 0;
	ls = ledger_staff_record(bk->db, a.staff_id, j->match, &sr);
	pinpool_job_free(j);
	session_staff_result(s, a.staff_id, ls, &sr, resp_type, resp);
}

static void
session_staff_leave(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	int rv;

	(void)bk;
	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_STAFF_LEAVE, rv, resp_type, resp);
		return;
	}
	log_info("conn %d: STAFF_LEAVE %s -> OK", s->id, s->staff_id);
	s->staff_id[0] = '\0';
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

/* PROFILE_SAVE and PROFILE_FORGET (p NULL): OK once the card's row says so. */
static void
session_profile_store(struct bank *bk, struct bank_session *s, uint8_t type,
    const struct kproto_profile *p, uint8_t *resp_type, struct kproto_buf *resp)
{
	switch (ledger_profile_store(bk->db, s->pan, p)) {
	case LEDGER_OK:
		break;
	case LEDGER_CONFLICT:
		session_error(s, type, KPROTO_ERROR_NOT_PERMITTED, resp_type, resp,
		    "%s not permitted: the card was locked or lost meanwhile",
		    kproto_type_to_str(type));
		return;
	default:
		session_internal(s, type, resp_type, resp);
		return;
	}
	log_info("conn %d: %s %s -> OK", s->id, kproto_type_to_str(type), s->pan_masked);
	kproto_buf_init(resp);
	*resp_type = KPROTO_MSG_OK;
}

static void
session_profile_save(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	struct kproto_profile p;
	int rv;

	if ((rv = kproto_profile_unpack(req, &p)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_PROFILE_SAVE, rv, resp_type, resp);
		return;
	}
	session_profile_store(bk, s, KPROTO_MSG_PROFILE_SAVE, &p, resp_type, resp);
}

static void
session_profile_forget(struct bank *bk, struct bank_session *s, struct kproto_buf *req,
    uint8_t *resp_type, struct kproto_buf *resp)
{
	int rv;

	if ((rv = kproto_get_end(req)) != KPROTO_OK) {
		session_malformed(s, KPROTO_MSG_PROFILE_FORGET, rv, resp_type, resp);
		return;
	}
	session_profile_store(bk, s, KPROTO_MSG_PROFILE_FORGET, NULL, resp_type, resp);
}
