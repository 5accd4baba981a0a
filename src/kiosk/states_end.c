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
	if (!k->s.hold) {
		state_enter(k, ST_GOODBYE);
		return;
	}
	k->s.cash_out = 1;
	devices_send(k, "dispense %lld", (long long)(k->s.amount_fen / 100));
	state_enter(k, ST_TAKE_CASH);
}

void
take_card_timeout(struct kiosk *k)
{
	/* Only after the warning was heard and the customer still did not take it. */
	devices_send(k, "retain-card");
	k->s.card_in = 0;
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
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_COMPLETE);
	state_enter(k, ST_RECEIPT);
}

void
take_cash_timeout(struct kiosk *k)
{
	devices_send(k, "retract-cash");
	k->s.cash_out = 0;
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CASH_RETRACTED);
	state_enter(k, ST_GOODBYE);
}

/* The receipt goes to the printer as one line; its lines are separated by " / ". */
static void
receipt_print(struct kiosk *k)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, MSG_RECEIPT);
	int64_t balance = k->s.balance_fen;

	k->s.balance_fen = k->s.available_fen;
	char *text = view_fill(k, t ? ltext_show(t, k->lang) : "", k->lang, 0);
	k->s.balance_fen = balance;
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = '/';
	devices_send(k, "print-receipt %s", text);
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
	k->s.card_in = 0;
	k->s.retain_on_leave = 0;
}

void
notice_timeout(struct kiosk *k)
{
	state_enter(k, k->s.notice_next);
}

static void
close_done(struct kiosk *k, const struct bank_reply *r)
{
	(void)k;
	(void)r;
}

void
goodbye_enter(struct kiosk *k)
{
	if (k->s.pan[0] != '\0' && bank_is_up(k->bank)) {
		bank_call(k->bank, KPROTO_MSG_CARD_CLOSE, NULL, close_done);
		k->s.pan[0] = '\0';
	}
}

void
goodbye_timeout(struct kiosk *k)
{
	state_enter(k, ST_WELCOME);
}
