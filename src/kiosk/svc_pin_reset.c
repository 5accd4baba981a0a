/* A forgotten PIN, reset at the kiosk: on the PIN screen the customer calls a member of
 * staff; once the staff member's badge and PIN opened staff-assisted mode over it, their
 * own screen shows the card and its holder to check against the customer's ID. Then the
 * customer chooses a new PIN, typed twice (pin_new_*), sent as CARD_PIN_RESET, and
 * enters it on the usual PIN screen. Staff leaving before it was sent changes nothing. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/pin_entry.h"
#include "kiosk/view.h"

#include <string.h>

extern const struct state_def state_pin_reset, state_pin_reset_new, state_pin_reset_again;

void
pin_reset_offer(struct kiosk *k)
{
	/* A new card's PIN is the one of its letter: a lost letter needs the counter. */
	state_enter(k, k->s.card.status == KPROTO_CARD_INACTIVE ? &state_pin :
	    &state_pin_reset);
}

static void
staff_gone(struct kiosk *k)
{
	kiosk_set_message(k, message_from_str("pin_reset_stopped"));
	state_enter(k, &state_pin);
}

static void
staff_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "reset") == 0) {
		kiosk_journal(k, "pin-reset-id-checked", NULL);
		pin_new_start(k);
		state_enter(k, &state_pin_reset_new);
	} else if (strcmp(it->target, "back") == 0)
		state_enter(k, &state_pin);
}

static void
reset_done(struct kiosk *k, const struct bank_reply *r)
{
	/* Staff left before the adapter had it, or the card locked meanwhile. */
	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_NOT_PERMITTED) {
		staff_gone(k);
		return;
	}
	if (!pin_new_stored(k, r, &state_pin_reset_new))
		return;
	kiosk_journal(k, "pin-reset", NULL);
	kiosk_set_message(k, message_from_str("pin_reset_done"));
	state_enter(k, &state_pin);
}

static void
first_key(struct kiosk *k, enum key_fn fn)
{
	pin_new_first_key(k, fn, &state_pin_reset_again);
}

static void
again_key(struct kiosk *k, enum key_fn fn)
{
	if (pin_new_again_key(k, fn, &state_pin_reset_new))
		pin_entry_send(k, KPROTO_MSG_CARD_PIN_RESET, reset_done);
}

static const char *const staff_choices[] = { "reset", "back", NULL };

/* The card and its holder (view.c): shown to the staff member, said to a headset only. */
static const char *const ph_holder[] = { "card", "name", NULL };

static const struct screen_contract staff_screen = {
	.name = "pin_reset",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = staff_choices,
	.placeholders = ph_holder,
};

static const struct screen_contract new_screen = {
	.name = "pin_reset_new",
};

static const struct screen_contract again_screen = {
	.name = "pin_reset_again",
};

static const struct message_contract reset_messages[] = {
	{ .name = "pin_reset_stopped" },
	{ .name = "pin_reset_done" },
	{ .name = NULL },
};

/* The staff member's screen: the card and its holder, to check against an ID. */
const struct state_def state_pin_reset = {
	.name = "pin_reset",
	.contract = &staff_screen,
	.messages = reset_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = staff_key,
	.staff_leave = staff_gone,
};

const struct state_def state_pin_reset_new = {
	.name = "pin_reset_new",
	.contract = &new_screen,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_entry_close,
	.key = first_key,
	.input = pin_entry_input,
	.staff_leave = staff_gone,
};

const struct state_def state_pin_reset_again = {
	.name = "pin_reset_again",
	.contract = &again_screen,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_new_leave,
	.key = again_key,
	.input = pin_entry_input,
	.staff_leave = staff_gone,
};
