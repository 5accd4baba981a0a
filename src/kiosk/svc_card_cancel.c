/* Cancelling this card, which only a member of staff may do: the customer's screen says
 * so and calls one; the staff member's screen names the card and its holder and
 * cancels it (CARD_CANCEL). The adapter refuses while an account only this card reaches
 * still holds money: the customer hears to move it first. A cancelled card is kept by
 * the machine, once the customer has heard why. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/staff.h"
#include "kiosk/view.h"

#include <string.h>

extern const struct state_def state_card_cancel, state_card_cancel_staff;

static void
cancel_start(struct kiosk *k)
{
	state_enter(k, staff_present(k) ? &state_card_cancel_staff : &state_card_cancel);
}

static void
ask_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "back") == 0)
		state_enter(k, &state_menu);
	else if (strcmp(it->target, "call_staff") == 0)
		staff_call_here(k);
}

static void
staff_come(struct kiosk *k)
{
	state_enter(k, &state_card_cancel_staff);
}

static void
staff_gone(struct kiosk *k)
{
	kiosk_set_message(k, message_from_str("card_cancel_stopped"));
	state_enter(k, &state_menu);
}

static void
cancel_done(struct kiosk *k, const struct bank_reply *r)
{
	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_MONEY_LEFT) {
		kiosk_journal(k, "card-cancel-refused", "why", "money-left", NULL);
		kiosk_set_message(k, message_from_str("card_cancel_money_left"));
		state_enter(k, &state_menu);
		return;
	}
	/* Staff left before the adapter had it: nothing was cancelled. */
	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_NOT_PERMITTED) {
		staff_gone(k);
		return;
	}
	if (r->type != KPROTO_MSG_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	kiosk_journal(k, "card-cancelled", NULL);
	k->s.card.status = KPROTO_CARD_CANCELLED;
	k->s.retain_on_leave = 1;
	kiosk_notice(k, message_from_str("card_cancelled"), &state_goodbye);
}

static void
staff_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "back") == 0) {
		state_enter(k, &state_menu);
		return;
	}
	if (strcmp(it->target, "cancel_card") != 0)
		return;
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_CARD_CANCEL, NULL, cancel_done);
}

static const char *const ask_choices[] = { "call_staff", "back", NULL };
static const char *const staff_choices[] = { "cancel_card", "back", NULL };

static const struct screen_contract ask_screen = {
	.name = "card_cancel",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = ask_choices,
	.menu = 1,
};

/* The card and its holder (view.c): shown to the staff member, said to a headset only. */
static const char *const ph_holder[] = { "card", "name", NULL };

static const struct screen_contract staff_screen = {
	.name = "card_cancel_staff",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = staff_choices,
	.placeholders = ph_holder,
};

static const struct message_contract cancel_messages[] = {
	{ .name = "card_cancel_stopped" },
	{ .name = "card_cancel_money_left" },
	{ .name = "card_cancelled" },
	{ .name = "card_cancelled_kept" },
	{ .name = NULL },
};

/* The customer's screen: a card is cancelled only with a member of staff. */
const struct state_def state_card_cancel = {
	.name = "card_cancel",
	.contract = &ask_screen,
	.messages = cancel_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.start = cancel_start,
	.key = ask_key,
	.staff_come = staff_come,
	.staff_reason = "card_cancel",
};

const struct state_def state_card_cancel_staff = {
	.name = "card_cancel_staff",
	.contract = &staff_screen,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = staff_key,
	.staff_leave = staff_gone,
};
