/* Transfer, second half: the amount (checked against the account's available money and
 * today's limit left), the fraud warning where needed, the confirmation, the TRANSFER
 * with a fresh txid, and its result. A TRANSFER moves both legs in one ledger
 * transaction or nothing; when its answer never comes only the bank knows which, and
 * the customer is told exactly that. */
#include "kiosk/svc_transfer.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/entry.h"
#include "kiosk/fraud.h"
#include "kiosk/journal_events.h"
#include "kiosk/present.h"
#include "kiosk/recover.h"
#include "kiosk/states.h"
#include "kiosk/view.h"

#include <sodium.h>
#include <string.h>

#define AMOUNT_DIGITS_MAX 7 /* up to ¥9,999,999 */

extern const struct state_def state_transfer_confirm, state_transfer_wait;

static void
amount_enter(struct kiosk *k)
{
	struct xfer *x = XFER(k);

	x->nentry = 0;
	x->entry[0] = '\0';
	/* {available} on these screens is the account the money leaves. */
	k->s.available_fen = x->available_fen[x->from];
}

static void
confirm_show(struct kiosk *k)
{
	state_enter(k, &state_transfer_confirm);
}

static void
amount_again(struct kiosk *k)
{
	state_enter(k, &state_transfer_amount);
}

/* Checked against what the bank listed; the bank checks again when it transfers. */
static void
amount_choose(struct kiosk *k, int64_t fen)
{
	struct xfer *x = XFER(k);
	const char *why = NULL;

	if (fen <= 0) {
		kiosk_set_message(k, MSG_INVALID_AMOUNT);
		state_enter(k, &state_transfer_amount);
		return;
	}
	/* The daily limit counts money leaving the customer, not moves between own accounts. */
	if (x->payee.pan[0] != '\0' && fen > x->remaining_fen)
		why = "transfer_over_limit";
	else if (fen > x->available_fen[x->from])
		why = "transfer_insufficient";
	if (why != NULL) {
		xfer_tell(k, &state_transfer_amount, why);
		return;
	}
	x->amount_fen = k->s.amount_fen = fen;
	struct fraud_ask ask = {
		.flagged = x->flagged,
		/* Moving money between one's own accounts is never to a new payee. */
		.new_payee = x->payee.pan[0] != '\0' && !x->payee.paid_before,
		.amount_fen = fen,
		.large_fen = x->large_fen,
		.withdrawal = 0,
	};
	fraud_enter(k, &ask, confirm_show, amount_again);
}

static void
amount_key(struct kiosk *k, enum key_fn fn)
{
	struct xfer *x = XFER(k);

	if (fn == KEYFN_ENTER)
		amount_choose(k, entry_fen(x->entry));
	else
		kiosk_dirty(k, entry_key(x->entry, &x->nentry, AMOUNT_DIGITS_MAX, 0, fn));
}

/* The amount typed so far, shown as money and said in words. */
static void
amount_input(struct kiosk *k, struct screen_input *in)
{
	struct xfer *x = XFER(k);

	entry_amount_input(k, x->entry, x->nentry, in);
}

/* What became of a refused TRANSFER: where the customer goes, and what is said. */
static void
result_refused(struct kiosk *k, const struct kproto_transfer_result *t)
{
	struct xfer *x = XFER(k);

	switch (t->status) {
	case KPROTO_XFER_INSUFFICIENT:
		x->available_fen[x->from] = t->available_after_fen;
		xfer_tell(k, &state_transfer_amount, "transfer_insufficient");
		break;
	case KPROTO_XFER_OVER_LIMIT:
		xfer_tell(k, &state_transfer_amount, "transfer_over_limit");
		break;
	case KPROTO_XFER_SAME_ACCOUNT:
		xfer_tell(k, &state_transfer, "transfer_same_account");
		break;
	case KPROTO_XFER_UNKNOWN_PAYEE:
		xfer_tell(k, &state_transfer_card, "transfer_card_unknown");
		break;
	default:
		kiosk_set_message(k, MSG_INVALID_AMOUNT);
		state_enter(k, &state_transfer_amount);
	}
}

static void
transfer_answered(struct kiosk *k, const struct bank_reply *r)
{
	struct xfer *x = XFER(k);
	struct kproto_transfer_result t;

	x->in_flight = 0;
	if (r->type != KPROTO_MSG_TRANSFER_RESULT ||
	    kproto_transfer_result_unpack(r->payload, &t) != KPROTO_OK ||
	    sodium_memcmp(t.txid, x->txid, sizeof t.txid) != 0) {
		/* ERROR: the adapter's transaction did not commit, so nothing moved. */
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	char hex[KPROTO_TXID_LEN * 2 + 1];
	kiosk_journal(k, "transfer-result", "txid", sodium_bin2hex(hex, sizeof hex, x->txid,
	    sizeof x->txid), "status", kproto_transfer_status_to_str(t.status), NULL);
	if (t.status != KPROTO_XFER_APPROVED) {
		result_refused(k, &t);
		return;
	}
	x->available_fen[x->from] = k->s.available_fen = t.available_after_fen;
	/* Done: the card comes back with what was done, then the receipt is offered, as
	 * after cash. */
	k->s.receipt = xfer_msg("transfer_receipt");
	devices_send(k, "eject-card");
	xfer_tell(k, &state_take_card, "transfer_made");
}

static void
transfer_send(struct kiosk *k)
{
	struct xfer *x = XFER(k);
	struct kproto_transfer m;
	struct kproto_buf b;

	if (!kiosk_journal_ok(k) || !bank_is_up(k->bank)) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	memset(&m, 0, sizeof m);
	randombytes_buf(x->txid, sizeof x->txid);
	memcpy(m.txid, x->txid, sizeof m.txid);
	m.amount_fen = x->amount_fen;
	m.from_kind = x->from;
	m.to_kind = x->to;
	memcpy(m.pan, x->payee.pan, sizeof m.pan);
	if (kproto_transfer_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	xfer_journal(k, "transfer-confirmed");
	state_enter(k, &state_transfer_wait);
	x->in_flight = 1;
	bank_call_txid(k->bank, KPROTO_MSG_TRANSFER, &b, x->txid, transfer_answered);
	kiosk_fault("transfer-sent");
}

static void
confirm_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	if (fn == KEYFN_ENTER || (it != NULL && it->kind == LITEM_CHOICE &&
	    strcmp(it->target, "confirm") == 0))
		transfer_send(k);
	else if (it != NULL && it->kind == LITEM_CHOICE)
		state_enter(k, &state_transfer_amount);
}

/* Left while the TRANSFER is unanswered: the link failed or the answer was too late,
 * and the session ends. Whether the money moved only the bank knows: say so, and keep
 * the transaction in the journal for staff. */
static void
send_leave(struct kiosk *k)
{
	struct xfer *x = XFER(k);

	if (!x->in_flight)
		return;
	x->in_flight = 0;
	log_warnx("transfer: no answer to the TRANSFER; whether it was made is for the "
	    "bank's ledger to say");
	kiosk_journal_tx(k, "transfer-unknown", x->txid, x->amount_fen);
	kiosk_set_message(k, xfer_msg("transfer_unknown"));
}

static const char *const ph_amount[] = { "from", "payee", "available", "transfer_left",
	NULL };
static const char *const ph_confirm[] = { "amount", "from", "payee", NULL };
static const char *const confirm_choices[] = { "confirm", "change", NULL };

static const struct screen_contract contract_amount = {
	.name = "transfer_amount",
	.placeholders = ph_amount,
};

static const struct screen_contract contract_confirm = {
	.name = "transfer_confirm",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = confirm_choices,
	.placeholders = ph_confirm,
};

static const struct screen_contract contract_wait = {
	.name = "transfer_wait",
};

const struct state_def state_transfer_amount = {
	.name = "transfer_amount",
	.contract = &contract_amount,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.enter = amount_enter,
	.key = amount_key,
	.input = amount_input,
	.fill = xfer_fill,
};

const struct state_def state_transfer_confirm = {
	.name = "transfer_confirm",
	.contract = &contract_confirm,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = confirm_key,
	.fill = xfer_fill,
};

/* While the TRANSFER is out: a state of its own, to know when it is left unanswered.
 * The bank answers or fails within adapter.timeout_ms, long before the idle time. */
const struct state_def state_transfer_wait = {
	.name = "transfer_wait",
	.contract = &contract_wait,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.leave = send_leave,
};
