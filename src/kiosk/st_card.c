/* Before the customer is known: the language, then the PIN, while the bank says what it
 * knows of the card. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/pin_entry.h"
#include "kiosk/present.h"
#include "kiosk/view.h"

#include <string.h>

extern const struct state_def state_activate;

void
card_journal_in(struct kiosk *k, const char *pan)
{
	char masked[KPROTO_PAN_MAX + 1];

	kproto_pan_mask(pan, masked, sizeof masked);
	kiosk_journal(k, "card-in", "pan", masked, NULL);
}

/* The bank has said what it knows of the card and the customer chose a language. */
static void
card_proceed(struct kiosk *k)
{
	switch (k->s.card.status) {
	case KPROTO_CARD_OK:
		state_enter(k, &state_pin);
		/* In the language just chosen, on the first prompt after it. */
		profile_headset_ask(k);
		break;
	case KPROTO_CARD_LOCKED:
		/* Kept in: a member of staff may unlock it here (svc_unlock.c). */
		kiosk_set_message(k, MSG_CARD_LOCKED);
		card_locked(k);
		break;
	case KPROTO_CARD_INACTIVE:
		/* Its letter's PIN on the usual screen, then its own (svc_activate.c). */
		kiosk_notice(k, message_from_str("card_inactive"), &state_pin);
		break;
	case KPROTO_CARD_LOST:
		/* Kept by the machine, but only once the customer has heard why. */
		k->s.retain_on_leave = 1;
		kiosk_notice(k, MSG_CARD_LOST, &state_goodbye);
		break;
	case KPROTO_CARD_CANCELLED:
		k->s.retain_on_leave = 1;
		kiosk_notice(k, message_from_str("card_cancelled_kept"), &state_goodbye);
		break;
	default:
		session_end(k, MSG_CARD_UNKNOWN);
	}
}

static void
card_info_done(struct kiosk *k, const struct bank_reply *r)
{
	if (r->type != KPROTO_MSG_CARD_INFO) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	k->s.card = r->u.card;
	k->s.card_known = 1;
	/* The card's own preferences, from the bank: no small text to read first. */
	profile_card_read(k, &r->u.card);
	if (k->s.lang_chosen)
		card_proceed(k);
	else if (config_offers(k->cfg, r->u.card.lang))
		snprintf(k->lang, sizeof k->lang, "%s", r->u.card.lang);
}

void
card_open(struct kiosk *k, const char *pan)
{
	card_journal_in(k, pan);
	snprintf(k->s.pan, sizeof k->s.pan, "%s", pan);
	struct kproto_card_open m;
	struct kproto_buf b;
	snprintf(m.pan, sizeof m.pan, "%s", pan);
	if (kproto_card_open_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_CARD_UNKNOWN);
		return;
	}
	state_enter(k, &state_language);
	bank_call(k->bank, KPROTO_MSG_CARD_OPEN, &b, card_info_done);
}

static void
language_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it != NULL && it->kind == LITEM_CHOICE)
		snprintf(k->lang, sizeof k->lang, "%s", it->target);
	else if (fn != KEYFN_ENTER)
		return; /* ENTER keeps the language offered first */
	k->s.lang_chosen = 1;
	if (k->s.card_known)
		card_proceed(k);
	else
		state_enter(k, &state_wait);
}

static void
pin_result_done(struct kiosk *k, const struct bank_reply *r)
{
	if (r->type != KPROTO_MSG_PIN_RESULT) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	const struct kproto_pin_result *p = &r->u.pin;
	char tries[8];
	k->s.card.tries_left = p->tries_left;
	snprintf(tries, sizeof tries, "%u", p->tries_left);
	/* Whether the PIN was right, and the tries left: never the PIN. */
	if (p->status == KPROTO_PIN_OK)
		kiosk_journal(k, "pin-ok", NULL);
	else if (p->status == KPROTO_PIN_WRONG)
		kiosk_journal(k, "pin-refused", "tries", tries, NULL);
	else
		kiosk_journal(k, "pin-locked", NULL);
	switch (p->status) {
	case KPROTO_PIN_OK:
		k->s.pin_ok = 1;
		k->s.note_fen = p->note_fen;
		k->s.daily_remaining_fen = p->daily_remaining_fen;
		k->s.available_fen = p->available_fen;
		/* A new card's service area is fresh: the activation needs no start. */
		state_enter(k, k->s.card.status == KPROTO_CARD_INACTIVE ? &state_activate :
		    &state_menu);
		break;
	case KPROTO_PIN_WRONG:
		kiosk_set_message(k, MSG_WRONG_PIN);
		state_enter(k, &state_pin);
		break;
	default:
		/* Kept in, as a card that was locked already. */
		kiosk_set_message(k, MSG_PIN_LOCKED);
		card_locked(k);
	}
}

static void
pin_key(struct kiosk *k, enum key_fn fn)
{
	if (!pin_entry_key(k, fn) && fn == KEYFN_ENTER && pin_entry_done(k))
		pin_entry_send(k, KPROTO_MSG_PIN_VERIFY, pin_result_done);
}

const struct state_def state_language = {
	.name = "language",
	.screen = SCREEN_LANGUAGE,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = language_key,
};

const struct state_def state_pin = {
	.name = "pin",
	.screen = SCREEN_PIN,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_entry_close,
	.key = pin_key,
	.input = pin_entry_input,
	/* A customer who calls staff here has mostly forgotten the PIN: the staff member's
	 * screen to reset it comes first (svc_pin_reset.c). */
	.staff_come = pin_reset_offer,
	.staff_reason = "pin_forgotten",
};
