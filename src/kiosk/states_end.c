/* Handing things back: card, cash, receipt; notices; goodbye. */
#include "kiosk/states.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"

#include <stdlib.h>
#include <string.h>

void
take_card_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	(void)arg;
	if (ev != DEV_CARD_TAKE)
		return;
	k->s.card_in = 0;
	kiosk_journal(k, "card-returned", NULL);
	if (!k->s.hold) {
		state_enter(k, ST_GOODBYE);
		return;
	}
	/* Journaled before the dispenser is asked: cash never leaves unrecorded, and after
	 * a crash recovery completes the withdrawal. No record, no cash. */
	if (kiosk_journal_tx(k, "dispense", k->s.txid, k->s.amount_fen) < 0) {
		withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
		kiosk_set_message(k, MSG_BANK_UNAVAILABLE);
		state_enter(k, ST_GOODBYE);
		return;
	}
	k->s.cash_out = 1;
	devices_send(k, "dispense %lld", (long long)(k->s.amount_fen / 100));
	state_enter(k, ST_TAKE_CASH);
}

/* CANCEL after the bank approved but before the cash came out: no cash, hold released. */
void
take_card_key(struct kiosk *k, enum key_fn fn)
{
	if (fn != KEYFN_CANCEL || !k->s.hold)
		return;
	kiosk_journal(k, "session-end", "why", message_to_str(MSG_CANCELLED), NULL);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CANCELLED);
	state_show(k);
}

void
take_card_timeout(struct kiosk *k)
{
	/* Only after the warning was heard and the customer still did not take it. */
	devices_send(k, "retain-card");
	k->s.card_in = 0;
	kiosk_journal(k, "card-retained", "why", "not-taken", NULL);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CARD_RETAINED);
	state_enter(k, ST_GOODBYE);
}

void
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
	state_enter(k, ST_RECEIPT);
}

void
take_cash_timeout(struct kiosk *k)
{
	devices_send(k, "retract-cash");
	k->s.cash_out = 0;
	/* After the command: the record says the cash is back in the machine. */
	kiosk_journal_tx(k, "cash-retracted", k->s.txid, k->s.amount_fen);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CASH_RETRACTED);
	state_enter(k, ST_GOODBYE);
}

/* The receipt goes to the printer as one line; its lines are separated by " / ". */
static void
receipt_print(struct kiosk *k)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, MSG_RECEIPT);
	char *text = view_fill(k, t ? ltext_show(t, k->lang) : "", k->lang, 0);
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = '/';
	devices_send(k, "print-receipt %s", text);
	kiosk_journal(k, "receipt", NULL);
	free(text);
}

void
receipt_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (fn == KEYFN_CANCEL) {
		state_enter(k, ST_GOODBYE);
		return;
	}
	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "yes") == 0) {
		receipt_print(k);
		/* Shown as printed, and said line by line. */
		kiosk_set_message(k, MSG_RECEIPT);
		state_enter(k, ST_TAKE_RECEIPT);
	} else
		state_enter(k, ST_GOODBYE);
}

void
take_receipt_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	(void)arg;
	if (ev == DEV_RECEIPT_TAKE)
		state_enter(k, ST_GOODBYE);
}

void
notice_key(struct kiosk *k, enum key_fn fn)
{
	if (fn == KEYFN_ENTER || fn == KEYFN_CANCEL)
		state_enter(k, k->s.notice_next);
}

void
notice_leave(struct kiosk *k)
{
	if (!k->s.retain_on_leave)
		return;
	devices_send(k, "retain-card");
	kiosk_journal(k, "card-retained", "why", "lost", NULL);
	k->s.card_in = 0;
	k->s.retain_on_leave = 0;
}

void
notice_timeout(struct kiosk *k)
{
	state_enter(k, k->s.notice_next);
}

void
goodbye_enter(struct kiosk *k)
{
	session_close(k);
}

void
goodbye_timeout(struct kiosk *k)
{
	state_enter(k, ST_WELCOME);
}

void
receipt_timeout(struct kiosk *k)
{
	state_enter(k, ST_GOODBYE);
}
