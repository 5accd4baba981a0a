/* A card locked by wrong PINs, unlocked at the kiosk: the customer keeps the card and
 * calls a member of staff; once the staff member's badge and PIN opened staff-assisted
 * mode, their own screen asks them to check the customer's identity and unlock. The
 * customer then chooses a new PIN, typed twice (pin_new_*), sent as CARD_UNLOCK, and
 * enters it on the usual PIN screen to go on. Staff leaving before the new PIN was
 * sent leaves the card locked. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/pin_entry.h"
#include "kiosk/view.h"
#include "kiosk/staff.h"

#include <string.h>

extern const struct state_def state_unlock, state_unlock_staff, state_unlock_new,
    state_unlock_again;

void
card_locked(struct kiosk *k)
{
	state_enter(k, staff_present(k) ? &state_unlock_staff : &state_unlock);
}

static void
locked_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	/* With a member of staff here already, their screen (staff_call). */
	if (it != NULL && it->kind == LITEM_CHOICE && strcmp(it->target, "call_staff") == 0)
		staff_call_here(k);
}

static void
staff_come(struct kiosk *k)
{
	state_enter(k, &state_unlock_staff);
}

/* Nothing was sent: the card stays locked, and the customer hears so. */
static void
staff_gone(struct kiosk *k)
{
	kiosk_set_message(k, message_from_str("unlock_stopped"));
	state_enter(k, &state_unlock);
}

static void
staff_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "unlock") == 0) {
		kiosk_journal(k, "unlock-id-checked", NULL);
		pin_new_start(k);
		state_enter(k, &state_unlock_new);
	} else if (strcmp(it->target, "back") == 0)
		state_enter(k, &state_unlock);
}

static void
unlock_done(struct kiosk *k, const struct bank_reply *r)
{
	/* Staff left before the adapter had it, or the card changed meanwhile. */
	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_NOT_PERMITTED) {
		staff_gone(k);
		return;
	}
	if (!pin_new_stored(k, r, &state_unlock_new))
		return;
	kiosk_journal(k, "card-unlocked", NULL);
	k->s.card.status = KPROTO_CARD_OK;
	kiosk_set_message(k, message_from_str("card_unlocked"));
	state_enter(k, &state_pin);
}

static void
first_key(struct kiosk *k, enum key_fn fn)
{
	pin_new_first_key(k, fn, &state_unlock_again);
}

static void
again_key(struct kiosk *k, enum key_fn fn)
{
	if (pin_new_again_key(k, fn, &state_unlock_new))
		pin_entry_send(k, KPROTO_MSG_CARD_UNLOCK, unlock_done);
}

static const char *const locked_choices[] = { "call_staff", NULL };
static const char *const staff_choices[] = { "unlock", "back", NULL };

static const struct screen_contract locked_screen = {
	.name = "unlock",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = locked_choices,
};

/* The card and its holder (view.c): shown to the staff member, said to a headset only. */
static const char *const ph_holder[] = { "card", "name", NULL };

static const struct screen_contract staff_screen = {
	.name = "unlock_staff",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = staff_choices,
	.placeholders = ph_holder,
};

static const struct screen_contract new_screen = {
	.name = "unlock_new",
};

static const struct screen_contract again_screen = {
	.name = "unlock_again",
};

static const struct message_contract unlock_messages[] = {
	{ .name = "unlock_stopped" },
	{ .name = "card_unlocked" },
	{ .name = NULL },
};

/* The customer's screen: the card stays in, so that staff can unlock it here. */
const struct state_def state_unlock = {
	.name = "unlock",
	.contract = &locked_screen,
	.messages = unlock_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = locked_key,
	.staff_come = staff_come,
	.staff_reason = "card_locked",
};

/* The staff member's screen: the card and its holder, to check against an ID. */
const struct state_def state_unlock_staff = {
	.name = "unlock_staff",
	.contract = &staff_screen,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = staff_key,
	.staff_leave = staff_gone,
};

const struct state_def state_unlock_new = {
	.name = "unlock_new",
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

const struct state_def state_unlock_again = {
	.name = "unlock_again",
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
