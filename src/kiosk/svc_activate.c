/* Activation of a new card: the bank says a card awaits it (CARD_INFO "inactive"); the
 * customer hears so, types the PIN of the card's letter on the usual PIN screen, then
 * chooses their own PIN, typed twice as a PIN change types it (pin_new_*), and sent
 * as CARD_ACTIVATE. The adapter refuses a weak one as it refuses a PIN change's; once
 * it took it, the card is like any other and the menu follows. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/pin_entry.h"

extern const struct state_def state_activate, state_activate_again;

static void
activate_done(struct kiosk *k, const struct bank_reply *r)
{
	if (!pin_new_stored(k, r, &state_activate))
		return;
	kiosk_journal(k, "card-activated", NULL);
	k->s.card.status = KPROTO_CARD_OK;
	kiosk_set_message(k, message_from_str("card_activated"));
	state_enter(k, &state_menu);
}

static void
first_key(struct kiosk *k, enum key_fn fn)
{
	pin_new_first_key(k, fn, &state_activate_again);
}

static void
again_key(struct kiosk *k, enum key_fn fn)
{
	if (pin_new_again_key(k, fn, &state_activate))
		pin_entry_send(k, KPROTO_MSG_CARD_ACTIVATE, activate_done);
}

static const struct screen_contract activate_screen = {
	.name = "activate",
};

static const struct screen_contract again_screen = {
	.name = "activate_again",
};

static const struct message_contract activate_messages[] = {
	{ .name = "card_inactive" },
	{ .name = "card_activated" },
	{ .name = NULL },
};

const struct state_def state_activate = {
	.name = "activate",
	.contract = &activate_screen,
	.messages = activate_messages,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_entry_close,
	.key = first_key,
	.input = pin_entry_input,
};

const struct state_def state_activate_again = {
	.name = "activate_again",
	.contract = &again_screen,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_new_leave,
	.key = again_key,
	.input = pin_entry_input,
};
