/* Waiting for the bank, and the end of a visit: the card handed back, the receipt,
 * notices, goodbye. */
#include "kiosk/states.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/present.h"
#include "kiosk/view.h"

#include <stdlib.h>
#include <string.h>

static void
take_card_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	(void)arg;
	if (ev != DEV_CARD_TAKE)
		return;
	k->s.card_in = 0;
	kiosk_journal(k, "card-returned", NULL);
	if (k->s.hold)
		withdraw_dispense(k);
	else if (k->s.receipt != MSG_RECEIPT)
		state_enter(k, &state_receipt); /* a service's money moved: its receipt */
	else
		state_enter(k, &state_goodbye);
}

/* CANCEL after the bank approved but before the cash came out: no cash, hold released. */
static void
take_card_key(struct kiosk *k, enum key_fn fn)
{
	if (fn != KEYFN_CANCEL || !k->s.hold)
		return;
	kiosk_journal(k, "session-end", "why", message_to_str(MSG_CANCELLED), NULL);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CANCELLED);
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

static void
take_card_timeout(struct kiosk *k)
{
	/* Only after the warning was heard and the customer still did not take it. */
	devices_send(k, "retain-card");
	k->s.card_in = 0;
	kiosk_journal(k, "card-retained", "why", "not-taken", NULL);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	kiosk_set_message(k, MSG_CARD_RETAINED);
	state_enter(k, &state_goodbye);
}

/* The withdrawal's receipt, as the screen shows it after. */
static void
receipt_print(struct kiosk *k)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, k->s.receipt);
	char *text = view_fill(k, t ? ltext_show(t, k->lang) : "", k->lang, 0);
	devices_print_receipt(k, text);
	kiosk_journal(k, "receipt", NULL);
	free(text);
}

static void
receipt_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (fn == KEYFN_CANCEL) {
		state_enter(k, &state_goodbye);
		return;
	}
	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "yes") == 0) {
		receipt_print(k);
		/* Shown as printed, and said line by line. */
		kiosk_set_message(k, k->s.receipt);
		state_enter(k, &state_take_receipt);
	} else
		state_enter(k, &state_goodbye);
}

static void
receipt_timeout(struct kiosk *k)
{
	state_enter(k, &state_goodbye);
}

static void
take_receipt_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	(void)arg;
	if (ev == DEV_RECEIPT_TAKE)
		state_enter(k, &state_goodbye);
}

static void
notice_key(struct kiosk *k, enum key_fn fn)
{
	if (fn == KEYFN_ENTER || fn == KEYFN_CANCEL)
		state_enter(k, k->s.notice_next);
}

static void
notice_leave(struct kiosk *k)
{
	if (!k->s.retain_on_leave)
		return;
	devices_send(k, "retain-card");
	kiosk_journal(k, "card-retained", "why", "lost", NULL);
	k->s.card_in = 0;
	k->s.retain_on_leave = 0;
}

static void
notice_timeout(struct kiosk *k)
{
	state_enter(k, k->s.notice_next);
}

static enum message_id
notice_message(const struct kiosk *k)
{
	return k->s.notice;
}

static void
goodbye_enter(struct kiosk *k)
{
	session_close(k);
}

static void
goodbye_timeout(struct kiosk *k)
{
	state_enter(k, &state_welcome);
}

const struct state_def state_wait = {
	.name = "wait",
	.screen = SCREEN_WAIT,
	.idle = IDLE_NONE,
	.holds_card = 1,
};

const struct state_def state_take_card = {
	.name = "take_card",
	.screen = SCREEN_TAKE_CARD,
	.idle = IDLE_TAKE,
	.key = take_card_key,
	.device = take_card_device,
	.timeout = take_card_timeout,
};

const struct state_def state_receipt = {
	.name = "receipt",
	.screen = SCREEN_RECEIPT,
	.idle = IDLE_MENU,
	.key = receipt_key,
	.timeout = receipt_timeout,
};

const struct state_def state_take_receipt = {
	.name = "take_receipt",
	.screen = SCREEN_TAKE_RECEIPT,
	.idle = IDLE_TAKE,
	.device = take_receipt_device,
	.timeout = receipt_timeout,
};

const struct state_def state_notice = {
	.name = "notice",
	.screen = SCREEN_NOTICE,
	.idle = IDLE_SHORT,
	.holds_card = 1,
	.key = notice_key,
	.leave = notice_leave,
	.timeout = notice_timeout,
	.message = notice_message,
};

const struct state_def state_goodbye = {
	.name = "goodbye",
	.screen = SCREEN_GOODBYE,
	.idle = IDLE_SHORT,
	.enter = goodbye_enter,
	.timeout = goodbye_timeout,
};
