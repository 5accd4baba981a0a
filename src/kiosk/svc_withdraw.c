/* Cash: an amount (fast cash or typed), its confirmation, the bank's hold, the cash
 * dispensed once the card is taken back, and the hold settled. */
#include "kiosk/states.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/fraud.h"
#include "kiosk/journal_events.h"
#include "kiosk/money.h"
#include "kiosk/present.h"
#include "kiosk/registry.h"
#include "kiosk/view.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define AMOUNT_DIGITS_MAX 6

extern const struct state_def state_withdraw, state_other_amount, state_confirm;

static void
settle_done(struct kiosk *k, const struct bank_reply *r)
{
	int complete = r->req_type == KPROTO_MSG_WITHDRAW_COMPLETE;
	char hex[KPROTO_TXID_LEN * 2 + 1];

	if (r->type == KPROTO_MSG_OK) {
		kiosk_journal_tx(k, complete ? "completed" : "reversed", r->req_txid, -1);
		return;
	}
	/* Still open in the journal: recovery settles it between customers. */
	log_warnx("bank: %s refused (%s); left for recovery", kproto_type_to_str(r->req_type),
	    kproto_type_to_str(r->type));
	kiosk_journal(k, "error", "what", complete ? "completion refused by the bank" :
	    "reversal refused by the bank", "txid", sodium_bin2hex(hex, sizeof hex, r->req_txid,
	    KPROTO_TXID_LEN), NULL);
}

void
withdraw_settle(struct kiosk *k, uint8_t type)
{
	struct kproto_withdraw_txid m;
	struct kproto_buf b;

	if (!k->s.hold)
		return;
	k->s.hold = 0;
	/* Only the connection that authorized a hold may complete or reverse it; after an
	 * outage the journal keeps it open and recovery settles it with SETTLE. */
	if (!bank_is_up(k->bank) || k->s.hold_link != bank_link_id(k->bank)) {
		log_warnx("bank: %s left for recovery: the link that authorized the "
		    "withdrawal is gone", kproto_type_to_str(type));
		return;
	}
	memcpy(m.txid, k->s.txid, sizeof m.txid);
	if (kproto_withdraw_txid_pack(&b, &m) != KPROTO_OK)
		fatalx("bank: cannot pack a settlement");
	bank_call(k->bank, type, &b, settle_done);
}

static void
withdraw_confirm(struct kiosk *k)
{
	state_enter(k, &state_confirm);
}

static void
withdraw_again(struct kiosk *k)
{
	state_enter(k, &state_withdraw);
}

/* Checks an amount against what the bank reported after the PIN; the bank checks again
 * when it authorizes. */
static void
withdraw_choose(struct kiosk *k, int64_t fen)
{
	enum message_id m = MSG_NONE;

	if (fen <= 0)
		m = MSG_INVALID_AMOUNT;
	else if (k->s.note_fen > 0 && fen % k->s.note_fen != 0)
		m = MSG_NOT_MULTIPLE;
	else if (fen > k->s.daily_remaining_fen)
		m = MSG_OVER_LIMIT;
	else if (fen > k->s.available_fen)
		m = MSG_INSUFFICIENT_FUNDS;
	if (m != MSG_NONE) {
		kiosk_set_message(k, m);
		state_enter(k, k->state);
		return;
	}
	k->s.amount_fen = fen;
	/* A flagged customer's large cash: the anti-fraud warning first. */
	struct fraud_ask a = { .withdrawal = 1, .amount_fen = fen,
		.flagged = (k->s.card.flags & KPROTO_CARD_F_FRAUD_PROTECT) != 0 };
	fraud_enter(k, &a, withdraw_confirm, withdraw_again);
}

static void
withdraw_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it == NULL)
		return;
	if (it->kind == LITEM_AMOUNT)
		withdraw_choose(k, (int64_t)it->amount * 100);
	else if (it->kind == LITEM_GOTO)
		state_goto(k, it->target);
}

static void
other_amount_enter(struct kiosk *k)
{
	k->s.entry_len = 0;
	k->s.entry[0] = '\0';
}

static void
other_amount_key(struct kiosk *k, enum key_fn fn)
{
	if (KEYFN_IS_DIGIT(fn)) {
		if (k->s.entry_len == AMOUNT_DIGITS_MAX || (k->s.entry_len == 0 && fn == KEYFN_0))
			return;
		k->s.entry[k->s.entry_len++] = (char)('0' + (fn - KEYFN_0));
		k->s.entry[k->s.entry_len] = '\0';
		kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SAY_INPUT);
	} else if (fn == KEYFN_CLEAR) {
		if (k->s.entry_len > 0)
			k->s.entry[--k->s.entry_len] = '\0';
		kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
	} else if (fn == KEYFN_ENTER) {
		int64_t fen = (int64_t)atoll(k->s.entry) * 100;
		withdraw_choose(k, fen);
	}
}

/* The amount typed so far, shown as money and said in words. */
static void
other_amount_input(struct kiosk *k, struct screen_input *in)
{
	int64_t fen = (int64_t)atoll(k->s.entry) * 100;
	char buf[64];

	in->active = 1;
	in->len = k->s.entry_len;
	money_show(fen, buf, sizeof buf);
	in->show = xstrdup(k->s.entry_len ? buf : "¥");
	in->say = view_money(k, fen, k->lang, 1);
}

static void
auth_done(struct kiosk *k, const struct bank_reply *r)
{
	if (r->type != KPROTO_MSG_WITHDRAW_RESULT) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	const struct kproto_withdraw_result *w = &r->u.withdraw;
	k->s.available_fen = w->available_after_fen;
	switch (w->status) {
	case KPROTO_WD_APPROVED:
		k->s.hold = 1;
		k->s.hold_link = bank_link_id(k->bank);
		kiosk_journal_tx(k, "authorized", k->s.txid, k->s.amount_fen);
		/* The card comes back before the cash, so it is never left behind. */
		devices_send(k, "eject-card");
		state_enter(k, &state_take_card);
		return;
	case KPROTO_WD_INSUFFICIENT:
		kiosk_set_message(k, MSG_INSUFFICIENT_FUNDS);
		break;
	case KPROTO_WD_OVER_LIMIT:
		kiosk_set_message(k, MSG_OVER_LIMIT);
		break;
	case KPROTO_WD_NOT_MULTIPLE:
		kiosk_set_message(k, MSG_NOT_MULTIPLE);
		break;
	default:
		kiosk_set_message(k, MSG_INVALID_AMOUNT);
	}
	state_enter(k, &state_withdraw);
}

static void
confirm_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	int confirm = fn == KEYFN_ENTER ||
	    (it != NULL && it->kind == LITEM_CHOICE && strcmp(it->target, "confirm") == 0);

	if (!confirm) {
		if (it != NULL && it->kind == LITEM_CHOICE)
			state_enter(k, &state_withdraw);
		return;
	}
	struct kproto_withdraw_auth m;
	struct kproto_buf b;
	if (!kiosk_journal_ok(k)) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	randombytes_buf(k->s.txid, sizeof k->s.txid);
	memcpy(m.txid, k->s.txid, sizeof m.txid);
	m.amount_fen = k->s.amount_fen;
	if (kproto_withdraw_auth_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_WITHDRAW_AUTH, &b, auth_done);
}

void
withdraw_dispense(struct kiosk *k)
{
	/* Journaled before the dispenser is asked: cash never leaves unrecorded, and after
	 * a crash recovery completes the withdrawal. No record, no cash. */
	if (kiosk_journal_tx(k, "dispense", k->s.txid, k->s.amount_fen) < 0) {
		withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
		kiosk_set_message(k, MSG_BANK_UNAVAILABLE);
		state_enter(k, &state_goodbye);
		return;
	}
	k->s.cash_out = 1;
	devices_send(k, "dispense %lld", (long long)(k->s.amount_fen / 100));
	state_enter(k, &state_take_cash);
}

static void
take_cash_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	(void)arg;
	if (ev != DEV_CASH_TAKE)
		return;
	k->s.cash_out = 0;
	kiosk_journal_tx(k, "cash-taken", k->s.txid, -1);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_COMPLETE);
	/* What is left once this withdrawal is debited, for the receipt. */
	k->s.balance_fen = k->s.available_fen;
	state_enter(k, &state_receipt);
}

static void
take_cash_timeout(struct kiosk *k)
{
	devices_send(k, "retract-cash");
	k->s.cash_out = 0;
	/* After the command: the record says the cash is back in the machine. */
	kiosk_journal_tx(k, "cash-retracted", k->s.txid, k->s.amount_fen);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CASH_RETRACTED);
	state_enter(k, &state_goodbye);
}

const struct state_def state_withdraw = {
	.name = "withdraw",
	.screen = SCREEN_WITHDRAW,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = withdraw_key,
};

const struct state_def state_other_amount = {
	.name = "other_amount",
	.screen = SCREEN_OTHER_AMOUNT,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.enter = other_amount_enter,
	.key = other_amount_key,
	.input = other_amount_input,
};

const struct state_def state_confirm = {
	.name = "confirm",
	.screen = SCREEN_CONFIRM,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = confirm_key,
};

const struct state_def state_take_cash = {
	.name = "take_cash",
	.screen = SCREEN_TAKE_CASH,
	.idle = IDLE_TAKE,
	.device = take_cash_device,
	.timeout = take_cash_timeout,
};
