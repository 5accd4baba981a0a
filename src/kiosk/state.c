/* What every state shares: entering a state, keys that mean the same everywhere, devices,
 * the idle timer with its warning, and the session's end. The states themselves live in
 * their own files (st_*.c, svc_*.c), listed by registry.c. */
#include "kiosk/state.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/controls.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/overlay.h"
#include "kiosk/present.h"
#include "kiosk/recover.h"
#include "kiosk/speak.h"
#include "kiosk/staff.h"
#include "kiosk/states.h"
#include "kiosk/view.h"
#include "speech/speech.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SHORT_IDLE_SECONDS 4

void
state_enter(struct kiosk *k, const struct state_def *new)
{
	const struct state_def *old = k->state;

	if (old != NULL && old->leave != NULL)
		old->leave(k);
	log_info("state: %s -> %s", old ? old->name : "start", new->name);
	trace_event("state", "%s from=%s", new->name, old ? old->name : "start");
	k->state = new;
	/* The service under way fills its placeholders also on the shared screens it
	 * passes through (wait, receipt, notices), until the next card. */
	if (new->fill != NULL)
		k->s.fill = new->fill;
	k->idle_since = mono_usec();
	k->warned = 0;
	k->warning = MSG_NONE;
	k->lp_font_notice = 0;
	/* What the last state showed goes with it; a message set for this one comes. */
	if (!k->s.message_new)
		k->s.message = MSG_NONE;
	if (k->overlay != OVERLAY_NONE)
		overlay_forget(k);
	k->focus = -1;
	k->lp_page = 0;
	k->simple_all = 0;
	k->setting = MSG_NONE;
	if (new->enter != NULL) {
		new->enter(k);
		if (k->state != new)
			return; /* enter moved on at once */
	}
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

void
kiosk_set_message(struct kiosk *k, enum message_id m)
{
	k->s.message = m;
	k->s.message_new = 1;
}

void
kiosk_warn(struct kiosk *k, enum message_id m)
{
	k->warning = m;
	/* While the session waits for the headset, aloud: such notes hold nothing private. */
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SAY_WARNING |
	    (k->s.headset_wait ? PRESENT_SAY_ALOUD : 0));
}

void
kiosk_notice(struct kiosk *k, enum message_id m, const struct state_def *next)
{
	k->s.notice = m;
	k->s.notice_next = next;
	state_enter(k, &state_notice);
}

void
session_reset(struct kiosk *k)
{
	if (k->s.pin != NULL)
		sodium_free(k->s.pin);
	memset(&k->s, 0, sizeof k->s);
	k->s.message = k->s.notice = MSG_NONE;
	k->s.receipt = MSG_RECEIPT;
	k->warning = MSG_NONE;
	snprintf(k->lang, sizeof k->lang, "%s", k->cfg->default_language);
	/* What a customer set is theirs alone: the next one starts from the defaults. */
	controls_reset(k);
	k->overlay = OVERLAY_NONE;
	free(k->described_show);
	free(k->described_say);
	k->described_show = k->described_say = NULL;
	k->speech_on = k->headset;
	k->s.listened = k->speech_on;
}

static void
close_done(struct kiosk *k, const struct bank_reply *r)
{
	(void)k;
	(void)r;
}

/* The adapter allows a new card only once the last one was closed. */
void
session_close(struct kiosk *k)
{
	if (k->s.pan[0] != '\0' && bank_is_up(k->bank))
		bank_call(k->bank, KPROTO_MSG_CARD_CLOSE, NULL, close_done);
	k->s.pan[0] = '\0';
}

void
session_end(struct kiosk *k, enum message_id why)
{
	log_info("session: ended (%s)", message_to_str(why));
	kiosk_journal(k, "session-end", "why", message_to_str(why), NULL);
	withdraw_settle(k, KPROTO_MSG_WITHDRAW_REVERSE);
	if (k->s.retain_on_leave) {
		/* A reported-lost card is never handed back, outage or not. */
		k->s.retain_on_leave = 0;
		k->s.card_in = 0;
		devices_send(k, "retain-card");
		kiosk_journal(k, "card-retained", "why", "lost", NULL);
		kiosk_set_message(k, MSG_CARD_LOST);
		state_enter(k, &state_goodbye);
		return;
	}
	kiosk_set_message(k, why);
	if (k->s.card_in) {
		devices_send(k, "eject-card");
		state_enter(k, &state_take_card);
	} else
		state_enter(k, &state_goodbye);
}

void
kiosk_bank_down(struct kiosk *k)
{
	/* They were meant for a session that is ending. */
	sodium_memzero(k->keyq, sizeof k->keyq);
	k->nkeyq = 0;
	recover_link_down(k);
	if (k->state == NULL)
		return;
	const struct state_def *st = k->state;
	if (st == &state_welcome) {
		state_enter(k, &state_out_of_service);
	} else if (st == &state_take_card) {
		/* Approved, card on its way back, no cash yet: without the bank the hold could
		 * not be completed, so no cash; the customer hears why, and recovery
		 * reverses the hold once the link is back. */
		if (k->s.hold) {
			k->s.hold = 0;
			kiosk_journal_tx(k, "no-dispense", k->s.txid, k->s.amount_fen);
			kiosk_set_message(k, MSG_BANK_UNAVAILABLE);
			state_enter(k, &state_take_card);
		}
	} else if (st->holds_card) {
		session_end(k, MSG_BANK_UNAVAILABLE);
	}
	/* Otherwise out of service already, or the card is on its way back (cash, receipt,
	 * goodbye): welcome notices the outage. */
}

void
kiosk_bank_up(struct kiosk *k)
{
	if (k->state != NULL && k->state == &state_out_of_service && kiosk_journal_ok(k))
		state_enter(k, &state_welcome);
}

void
kiosk_speech_toggle(struct kiosk *k, int on)
{
	if (k->speech_on == on)
		return;
	speak_stop(k);
	k->speech_on = on;
	if (on)
		k->s.listened = 1;
	log_info("speech: %s", on ? "on" : "off");
	trace_event("speech-mode", "%s", on ? "on" : "off");
	/* In the demo, say why nothing is heard rather than leave a newcomer wondering. */
	if (on && k->demo && (k->speech == NULL ||
	    strncmp(speech_audio_status(k->speech), "none", 4) == 0))
		k->demo_status = "Speech is on, but there is no sound device: see the log.";
	kiosk_dirty(k, (on ? PRESENT_SAY_SCREEN : 0) | (k->demo ? PRESENT_DRAW : 0));
}

static void
heard_item_set(struct kiosk *k, int item)
{
	if (item == k->heard_item)
		return;
	k->heard_item = item;
	if (!controls_page_to(k, item))
		kiosk_dirty(k, PRESENT_DRAW);
}

void
kiosk_speech_progress(struct kiosk *k, unsigned id, int part)
{
	if (id == k->said_id && k->said_item != NULL && part >= 0 && part < k->nsaid)
		heard_item_set(k, k->said_item[part]);
}

void
kiosk_speech_event(struct kiosk *k, unsigned id, int stopped, int part, int position)
{
	if (id == k->said_id) {
		k->heard_part = part;
		k->heard_pos = position;
		heard_item_set(k, -1);
	}
	if (id != k->utterance)
		return;
	k->utterance = 0;
	if (k->overlay != OVERLAY_NONE)
		overlay_speech_end(k, stopped == SPEECH_DONE);
	/* The idle timer starts once the customer has heard the screen. */
	k->idle_since = mono_usec();
}

/* A digit pressed on a screen where a PIN is typed (the PIN check, the PIN change), or
 * while it is checked, may be part of a PIN, even with an overlay over it: the
 * orientation opens by itself when a headset goes in, and the customer may be typing on. */
int
key_is_secret(const struct kiosk *k, enum key_fn fn)
{
	return KEYFN_IS_DIGIT(fn) && (k->state->pin_entry || k->state == &state_wait);
}

/* A word about the screen, not a new one, at its foot until the next key. */
static void
state_note(struct kiosk *k, enum message_id m)
{
	trace_event("note", "%s state=%s", message_to_str(m), k->state->name);
	kiosk_warn(k, m);
}

static void
note_clear(struct kiosk *k)
{
	k->warned = 0;
	k->warning = MSG_NONE;
	kiosk_dirty(k, PRESENT_SCREEN);
}

static void
key_dispatch(struct kiosk *k, enum key_fn fn, int secret)
{
	/* A digit that was queued while an overlay was open may reach the PIN screen. */
	secret |= key_is_secret(k, fn);
	/* A digit typed ahead during the PIN check is for a PIN screen or for nobody:
	 * never a menu choice, never named. Over a PIN screen it goes to the overlay
	 * (help's choices), still unnamed. */
	if (secret && !k->state->pin_entry) {
		trace_event("key-dropped", "digit state=%s", k->state->name);
		return;
	}
	trace_event("key", "%s state=%s", secret ? "digit" : keyfn_to_str(fn),
	    k->state->name);
	/* ENTER chooses the item the arrow keys moved to, as its own key would. */
	if (fn == KEYFN_ENTER && k->focus >= 0 && k->focus < k->screen.nitems &&
	    k->overlay != OVERLAY_DESCRIBE)
		fn = keyfn_from_str(k->screen.items[k->focus].key);
	/* Help and the orientation turn their pages like any screen. */
	if (k->overlay != OVERLAY_NONE && k->overlay != OVERLAY_DESCRIBE &&
	    controls_page_key(k, fn))
		return;
	if (k->overlay != OVERLAY_NONE && overlay_key(k, fn))
		return;
	if (k->overlay == OVERLAY_NONE && k->state->control != NULL &&
	    k->state->control(k, fn))
		return;
	if (controls_key(k, fn))
		return;
	/* In staff-assisted mode CANCEL ends the mode, not the customer's visit. */
	if (fn == KEYFN_CANCEL && staff_present(k)) {
		staff_leave(k);
		return;
	}
	if (fn == KEYFN_CANCEL && k->state->holds_card && k->s.card_in &&
	    !k->s.retain_on_leave) {
		session_end(k, MSG_CANCELLED);
		return;
	}
	if (view_in_more_choices(k, fn)) {
		state_note(k, MSG_IN_MORE_CHOICES);
		return;
	}
	if (k->state->key != NULL)
		k->state->key(k, fn);
}

/* The headset was pulled out and the session waits for it (headset_lost): ENTER goes on
 * by the screen alone, SPEECH on through the loudspeaker, CANCEL ends as ever; any other
 * key says again how to go on. Returns 1 when the key is done. */
static int
headset_wait_key(struct kiosk *k, enum key_fn fn)
{
	if (fn != KEYFN_ENTER && fn != KEYFN_SPEECH && fn != KEYFN_CANCEL) {
		state_note(k, MSG_HEADSET_OUT);
		return 1;
	}
	log_info("headset: the customer goes on without it (%s)", keyfn_to_str(fn));
	trace_event("headset-wait-end", "%s", keyfn_to_str(fn));
	k->idle_since = mono_usec();
	/* Said aloud once, while the session still waits: from here the screen alone. */
	if (fn == KEYFN_ENTER)
		state_note(k, MSG_SPEECH_OFF);
	k->s.headset_wait = 0;
	return fn == KEYFN_ENTER;
}

void
state_key(struct kiosk *k, enum key_fn fn)
{
	/* Speech stops at once, whatever the key will do. */
	speak_stop(k);
	k->idle_since = mono_usec();
	int was_warned = k->warned;
	if (k->warning != MSG_NONE)
		note_clear(k);
	if (k->s.headset_wait) {
		if (headset_wait_key(k, fn))
			return;
	} else if (was_warned && fn != KEYFN_CANCEL) {
		/* The warning asked for any key to get more time: that is all this one does
		 * (CANCEL still gets out). */
		trace_event("more-time", "state=%s", k->state->name);
		state_note(k, MSG_MORE_TIME);
		return;
	}
	/* One request at a time: what a key does may depend on the answer (a second
	 * ENTER must not withdraw twice), so it waits for it, in order. */
	int secret = key_is_secret(k, fn);
	if (bank_busy(k->bank) || k->nkeyq > 0) {
		/* Which screen takes it is not known yet: a digit may belong to a PIN. */
		trace_event("key-wait", "%s", KEYFN_IS_DIGIT(fn) ? "digit" : keyfn_to_str(fn));
		if (k->nkeyq < (int)ARRAY_LEN(k->keyq))
			k->keyq[k->nkeyq++] = (struct queued_key){ fn, secret };
		else
			log_warnx("keys: too many keys waiting, one dropped");
		return;
	}
	key_dispatch(k, fn, secret);
}

void
state_keys_resume(struct kiosk *k)
{
	while (k->nkeyq > 0 && !bank_busy(k->bank)) {
		struct queued_key q = k->keyq[0];
		memmove(k->keyq, k->keyq + 1, (size_t)(--k->nkeyq) * sizeof k->keyq[0]);
		sodium_memzero(&k->keyq[k->nkeyq], sizeof k->keyq[0]);
		key_dispatch(k, q.fn, q.secret);
	}
}

/* A headset pulled out mid-session: never a silent timeout. Speech goes off at once, so
 * nothing private reaches the loudspeaker; the session waits, its timer stopped, until
 * the headset is back or a key says how to go on (headset_wait_key); the screen and the
 * loudspeaker say so. */
static void
headset_lost(struct kiosk *k)
{
	log_info("headset unplugged during a session: waiting for it");
	trace_event("headset-lost", "state=%s", k->state->name);
	kiosk_speech_toggle(k, 0);
	k->s.headset_wait = 1;
	k->warned = 0;
	state_note(k, MSG_HEADSET_OUT);
}

/* A card put in while no card is in and the last visit is still ending (goodbye, cash or
 * receipt out): it is given straight back, shown and said, and the visit goes on. */
static void
card_give_back(struct kiosk *k)
{
	log_info("card: put in on the %s screen: given back", k->state->name);
	trace_event("card-refused", "state=%s", k->state->name);
	devices_send(k, "eject-card");
	state_note(k, MSG_CARD_BACK);
}

void
state_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	switch (ev) {
	case DEV_HEADSET_IN:
	case DEV_HEADSET_OUT:
		k->headset = ev == DEV_HEADSET_IN;
		/* Only a listener may have the screen off. */
		if (!k->headset)
			k->blank = 0;
		/* What speech may say depends on the headset (private values): rebuild. */
		kiosk_dirty(k, PRESENT_SCREEN);
		if (ev == DEV_HEADSET_OUT && k->s.card_in && k->speech_on) {
			headset_lost(k);
			return;
		}
		if (ev == DEV_HEADSET_IN && k->s.headset_wait) {
			k->s.headset_wait = 0;
			trace_event("headset-wait-end", "%s", "headset-in");
			k->idle_since = mono_usec();
			k->warning = MSG_NONE; /* the note asked for the headset */
			kiosk_dirty(k, PRESENT_SCREEN);
		}
		if (ev == DEV_HEADSET_IN && k->speech_on) {
			/* Speech was on without one (SPEECH): the screen is said again, now
			 * with its private values. */
			kiosk_dirty(k, PRESENT_SAY_SCREEN);
			return;
		}
		kiosk_speech_toggle(k, k->headset);
		/* Once per customer: where the keys and slots are, before anything else. */
		if (k->headset && !k->s.oriented) {
			k->s.oriented = 1;
			overlay_open(k, OVERLAY_ORIENTATION);
		}
		return;
	case DEV_STAFF_CARD:
	case DEV_STAFF_LEAVE:
		staff_device(k, ev, arg);
		return;
	default:
		break;
	}
	if (ev == DEV_CARD_INSERT && !k->s.card_in && k->state != &state_welcome &&
	    k->state != &state_out_of_service) {
		card_give_back(k);
		return;
	}
	if (k->state->device != NULL)
		k->state->device(k, ev, arg);
	else
		log_warnx("device: %s not expected on the %s screen", device_event_to_str(ev),
		    k->state->name);
}

static int
idle_seconds(const struct kiosk *k)
{
	int s = 0;
	switch (k->state->idle) {
	case IDLE_MENU: s = k->cfg->timeout_idle; break;
	case IDLE_PIN: s = k->cfg->timeout_pin; break;
	case IDLE_TAKE: s = k->cfg->timeout_take; break;
	case IDLE_SHORT: return SHORT_IDLE_SECONDS;
	case IDLE_NONE: return 0;
	}
	/* A customer listening needs longer than one reading, and keeps it after an
	 * unplugged headset, to plug it back in. */
	return k->speech_on || k->s.listened ? s * k->cfg->timeout_speech_percent / 100 : s;
}

static int64_t
state_clock(struct kiosk *k)
{
	return k->state->clock != NULL ? k->state->clock(k) : 0;
}

static int64_t
idle_deadline(struct kiosk *k)
{
	int total = idle_seconds(k);
	int warning = k->cfg->timeout_warning;

	/* The clock does not run while the customer is still listening, or has paused, or
	 * the session waits for the headset, or the state's own clock runs. */
	if (total == 0 || k->utterance != 0 || k->drawn.too_small || k->s.headset_wait ||
	    (k->speech != NULL && speech_paused(k->speech)) || state_clock(k) != 0)
		return 0;
	if (k->warned || k->state->idle == IDLE_SHORT || warning >= total)
		return k->idle_since + (int64_t)(k->warned ? warning : total) * 1000000;
	return k->idle_since + (int64_t)(total - warning) * 1000000;
}

int64_t
state_next_deadline(struct kiosk *k)
{
	int64_t at = idle_deadline(k);
	const int64_t other[] = { k->speak_at, state_clock(k) };
	for (size_t i = 0; i < ARRAY_LEN(other); i++)
		if (other[i] != 0 && (at == 0 || other[i] < at))
			at = other[i];
	return at;
}

static void
state_warn(struct kiosk *k)
{
	if (layout_message_id(&k->setup->layouts, MSG_TIMEOUT_WARNING) == NULL)
		return;
	k->warned = 1;
	k->idle_since = mono_usec();
	trace_event("timeout-warning", "state=%s", k->state->name);
	kiosk_warn(k, MSG_TIMEOUT_WARNING);
}

void
state_tick(struct kiosk *k, int64_t now)
{
	if (k->speak_at != 0 && now >= k->speak_at) {
		k->speak_at = 0;
		kiosk_dirty(k, PRESENT_SAY_SCREEN);
	}
	int64_t clock = state_clock(k);
	if (clock != 0 && now >= clock)
		k->state->clock_tick(k, now);
	int64_t at = idle_deadline(k);
	if (at == 0 || now < at)
		return;
	int short_wait = k->state->idle == IDLE_SHORT || k->cfg->timeout_warning >=
	    idle_seconds(k);
	if (!k->warned && !short_wait) {
		state_warn(k);
		return;
	}
	trace_event("timeout", "state=%s", k->state->name);
	log_info("state: %s timed out", k->state->name);
	if (k->state->timeout != NULL)
		k->state->timeout(k);
	else if (k->s.card_in)
		session_end(k, MSG_TIMED_OUT);
	else
		state_enter(k, &state_welcome);
}
