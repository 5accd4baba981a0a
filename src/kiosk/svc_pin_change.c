/* PIN change: the new PIN typed twice, as every PIN is typed (pin_entry.c), the two
 * compared, and the new one sealed to the adapter as PIN_VERIFY seals it. The adapter
 * refuses a weak PIN and says why; the customer hears it and types another. A new
 * card's activation (svc_activate.c) types its first PIN with the same pin_new_*. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/pin_entry.h"
#include "kiosk/view.h"

#include <sodium.h>
#include <string.h>

extern const struct state_def state_pin_change, state_pin_change_again;

/* The first entry, kept in guarded memory while the second is typed. */
struct pin_change {
	char *first;
	int first_len;
};

static void
first_forget(struct kiosk *k)
{
	struct pin_change *pc = SVC_DATA(k, struct pin_change);
	if (pc->first != NULL)
		sodium_free(pc->first);
	pc->first = NULL;
	pc->first_len = 0;
}

const char *
pin_new_refusal(int status)
{
	switch (status) {
	case KPROTO_PIN_WEAK_REPEATED: return "pin_weak_repeated";
	case KPROTO_PIN_WEAK_RUN: return "pin_weak_run";
	case KPROTO_PIN_WEAK_SAME: return "pin_weak_same";
	}
	return NULL;
}

int
pin_new_stored(struct kiosk *k, const struct bank_reply *r, const struct state_def *first)
{
	struct kproto_pin_change_result res;
	const char *why;

	if (r->type != KPROTO_MSG_PIN_CHANGE_RESULT || r->payload == NULL ||
	    kproto_pin_change_result_unpack(r->payload, &res) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return 0;
	}
	if (res.status == KPROTO_PIN_CHANGED)
		return 1;
	if ((why = pin_new_refusal(res.status)) == NULL) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return 0;
	}
	kiosk_set_message(k, message_from_str(why));
	state_enter(k, first);
	return 0;
}

static void
change_done(struct kiosk *k, const struct bank_reply *r)
{
	/* One change for each PIN checked: a second needs the card put in again. */
	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_NOT_PERMITTED) {
		kiosk_set_message(k, message_from_str("pin_change_once"));
		state_enter(k, &state_menu);
		return;
	}
	if (!pin_new_stored(k, r, &state_pin_change))
		return;
	/* That it changed: never the PIN, nor its length. */
	kiosk_journal(k, "pin-changed", NULL);
	kiosk_set_message(k, message_from_str("pin_changed"));
	state_enter(k, &state_menu);
}

void
pin_new_first_key(struct kiosk *k, enum key_fn fn, const struct state_def *again)
{
	struct pin_change *pc = SVC_DATA(k, struct pin_change);
	if (pin_entry_key(k, fn) || fn != KEYFN_ENTER || !pin_entry_done(k))
		return;
	/* The entry's memory goes with it: the second entry gets its own. */
	first_forget(k);
	pc->first = k->s.pin;
	pc->first_len = k->s.pin_len;
	k->s.pin = NULL;
	k->s.pin_len = 0;
	state_enter(k, again);
}

int
pin_new_again_key(struct kiosk *k, enum key_fn fn, const struct state_def *first)
{
	struct pin_change *pc = SVC_DATA(k, struct pin_change);
	if (pin_entry_key(k, fn) || fn != KEYFN_ENTER || !pin_entry_done(k))
		return 0;
	if (pc->first == NULL || pc->first_len != k->s.pin_len ||
	    sodium_memcmp(pc->first, k->s.pin, (size_t)k->s.pin_len) != 0) {
		kiosk_set_message(k, message_from_str("pin_mismatch"));
		state_enter(k, first);
		return 0;
	}
	return 1;
}

void
pin_new_leave(struct kiosk *k)
{
	pin_entry_close(k);
	first_forget(k);
}

void
pin_new_start(struct kiosk *k)
{
	memset(SVC_DATA(k, struct pin_change), 0, sizeof(struct pin_change));
}

static void
first_key(struct kiosk *k, enum key_fn fn)
{
	pin_new_first_key(k, fn, &state_pin_change_again);
}

static void
again_key(struct kiosk *k, enum key_fn fn)
{
	if (pin_new_again_key(k, fn, &state_pin_change))
		pin_entry_send(k, KPROTO_MSG_PIN_CHANGE, change_done);
}

/* From the menu: the service area may hold another service's values of this visit. */
static void
change_start(struct kiosk *k)
{
	pin_new_start(k);
	state_enter(k, &state_pin_change);
}

static const struct screen_contract change_screen = {
	.name = "pin_change",
	.menu = 1,
};

static const struct screen_contract again_screen = {
	.name = "pin_change_again",
};

static const struct message_contract change_messages[] = {
	{ .name = "pin_mismatch" },
	{ .name = "pin_weak_repeated" },
	{ .name = "pin_weak_run" },
	{ .name = "pin_weak_same" },
	{ .name = "pin_changed" },
	{ .name = "pin_change_once" },
	{ .name = NULL },
};

const struct state_def state_pin_change = {
	.name = "pin_change",
	.contract = &change_screen,
	.messages = change_messages,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.start = change_start,
	.enter = pin_entry_open,
	.leave = pin_entry_close,
	.key = first_key,
	.input = pin_entry_input,
};

const struct state_def state_pin_change_again = {
	.name = "pin_change_again",
	.contract = &again_screen,
	.idle = IDLE_PIN,
	.holds_card = 1,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_new_leave,
	.key = again_key,
	.input = pin_entry_input,
};
