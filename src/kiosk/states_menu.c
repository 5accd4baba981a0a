/* Services once the PIN is verified: menu, balance, withdrawal and its confirmation. */
#include "kiosk/states.h"

#include "common/log.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define AMOUNT_DIGITS_MAX 6

static void
balance_done(struct kiosk *k, const struct bank_reply *r)
{
	if (r->type != KPROTO_MSG_BALANCE_INFO) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	k->s.balance_fen = r->u.balance.balance_fen;
	k->s.available_fen = r->u.balance.available_fen;
	state_enter(k, ST_BALANCE);
}

/* A goto item names a screen; these are the ones a service menu can lead to. */
static void
follow_goto(struct kiosk *k, const char *target)
{
	switch (screen_from_str(target)) {
	case SCREEN_BALANCE:
		state_enter(k, ST_WAIT);
		bank_call(k->bank, KPROTO_MSG_BALANCE, NULL, balance_done);
		break;
	case SCREEN_WITHDRAW:
		state_enter(k, ST_WITHDRAW);
		break;
	case SCREEN_OTHER_AMOUNT:
		state_enter(k, ST_OTHER_AMOUNT);
		break;
	case SCREEN_MENU:
		state_enter(k, ST_MENU);
		break;
	default:
		log_warnx("layout: %s cannot be reached from %s", target, k->state->name);
	}
}

void
menu_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it != NULL && it->kind == LITEM_GOTO)
		follow_goto(k, it->target);
}

void
balance_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it != NULL && it->kind == LITEM_GOTO)
		follow_goto(k, it->target);
	else if (fn == KEYFN_ENTER)
		state_enter(k, ST_MENU);
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
		state_enter(k, k->state->id);
		return;
	}
	k->s.amount_fen = fen;
	state_enter(k, ST_CONFIRM);
}

void
withdraw_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it == NULL)
		return;
	if (it->kind == LITEM_AMOUNT)
		withdraw_choose(k, (int64_t)it->amount * 100);
	else if (it->kind == LITEM_GOTO)
		follow_goto(k, it->target);
}

void
other_amount_enter(struct kiosk *k)
{
	k->s.entry_len = 0;
	k->s.entry[0] = '\0';
}

void
other_amount_key(struct kiosk *k, enum key_fn fn)
{
	if (KEYFN_IS_DIGIT(fn)) {
		if (k->s.entry_len == AMOUNT_DIGITS_MAX || (k->s.entry_len == 0 && fn == KEYFN_0))
			return;
		k->s.entry[k->s.entry_len++] = (char)('0' + (fn - KEYFN_0));
		k->s.entry[k->s.entry_len] = '\0';
		state_redraw(k);
		speak_text(k, k->lang, k->screen.input.say);
	} else if (fn == KEYFN_CLEAR) {
		if (k->s.entry_len > 0)
			k->s.entry[--k->s.entry_len] = '\0';
		state_show(k);
	} else if (fn == KEYFN_ENTER) {
		int64_t fen = (int64_t)atoll(k->s.entry) * 100;
		withdraw_choose(k, fen);
	}
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
		state_enter(k, ST_TAKE_CARD);
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
	state_enter(k, ST_WITHDRAW);
}

void
confirm_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	int confirm = fn == KEYFN_ENTER ||
	    (it != NULL && it->kind == LITEM_CHOICE && strcmp(it->target, "confirm") == 0);

	if (!confirm) {
		if (it != NULL && it->kind == LITEM_CHOICE)
			state_enter(k, ST_WITHDRAW);
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
	state_enter(k, ST_WAIT);
	bank_call(k->bank, KPROTO_MSG_WITHDRAW_AUTH, &b, auth_done);
}
