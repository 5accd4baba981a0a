/*
 * Staff at the kiosk: a call for a member of staff (the branch's pager hears it on the
 * device channel, the adapter records it), and staff-assisted mode, opened over the
 * customer's session by a staff badge and the staff member's PIN (docs/staff.md).
 */
#include "kiosk/staff.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/kiosk.h"
#include "kiosk/pin_entry.h"
#include "kiosk/present.h"
#include "kiosk/state.h"
#include "kiosk/states.h"
#include "kiosk/view.h"

#include <stdio.h>
#include <string.h>

extern const struct state_def state_staff_called, state_staff_pin;

int
staff_present(const struct kiosk *k)
{
	return k->s.staff_id[0] != '\0';
}

const char *
staff_id(const struct kiosk *k)
{
	return k->s.staff_id;
}

/* Where a call or a badge returns to: the customer's screen, never one of ours. */
static void
staff_remember_back(struct kiosk *k)
{
	if (k->state != &state_staff_called && k->state != &state_staff_pin &&
	    k->state != &state_wait)
		k->s.staff_back = k->state;
	if (k->s.staff_back == NULL)
		k->s.staff_back = &state_welcome;
}

static void
staff_go_back(struct kiosk *k)
{
	state_enter(k, k->s.staff_back != NULL ? k->s.staff_back : &state_welcome);
}

/* ---- calling staff ---------------------------------------------------------------- */

static void
call_done(struct kiosk *k, const struct bank_reply *r)
{
	(void)k;
	if (r->type != KPROTO_MSG_OK)
		log_warnx("staff: the adapter did not record the call (%s); it stands here",
		    kproto_type_to_str(r->type));
}

void
staff_call(struct kiosk *k, const char *reason)
{
	struct kproto_staff_call m;
	struct kproto_buf b;

	if (!kproto_staff_reason_valid(reason))
		reason = "help";
	/* Once: pressed again while waiting, the screen is said again. */
	if (k->state == &state_staff_called) {
		kiosk_dirty(k, PRESENT_SAY_SCREEN);
		return;
	}
	/* The member of staff is here already: the screen this service has for them. */
	if (staff_present(k) && k->state != NULL && k->state->staff_come != NULL) {
		k->state->staff_come(k);
		return;
	}
	snprintf(m.reason, sizeof m.reason, "%s", reason);
	/* The pager first: it works whatever the bank link does. */
	devices_send(k, "call-staff %s", m.reason);
	kiosk_journal(k, "staff-call", "reason", m.reason, NULL);
	if (bank_is_up(k->bank) && kproto_staff_call_pack(&b, &m) == KPROTO_OK) {
		log_info("staff: called (%s)", m.reason);
		bank_call(k->bank, KPROTO_MSG_STAFF_CALL, &b, call_done);
	} else
		log_warnx("staff: called (%s) with the adapter down: recorded here only",
		    m.reason);
	snprintf(k->s.staff_reason, sizeof k->s.staff_reason, "%s", m.reason);
	k->s.staff_called_at = mono_usec();
	k->s.staff_waiting = 1;
	/* The bank's answer under way enters the next screen itself. */
	if (k->state == &state_wait) {
		kiosk_warn(k, message_from_str("staff_on_the_way"));
		return;
	}
	staff_remember_back(k);
	state_enter(k, &state_staff_called);
}

/* Why the customer wants a person, from where they are (docs/devices.md): the
 * state's own reason, else the notice shown. */
static const char *
staff_reason_here(const struct kiosk *k)
{
	enum message_id m = k->state == &state_notice ? k->s.notice : k->s.message;

	if (k->state != NULL && k->state->staff_reason != NULL)
		return k->state->staff_reason;
	if (m == MSG_CASH_RETRACTED)
		return "cash_not_taken";
	if (m == MSG_CARD_RETAINED || m == MSG_CARD_LOST)
		return "card_retained";
	if (m == MSG_BANK_UNAVAILABLE)
		return "bank_unavailable";
	return "help";
}

void
staff_call_here(struct kiosk *k)
{
	staff_call(k, staff_reason_here(k));
}

static void
call_cancel(struct kiosk *k)
{
	log_info("staff: call (%s) cancelled by the customer", k->s.staff_reason);
	devices_send(k, "call-staff-cancel");
	kiosk_journal(k, "staff-call-cancel", "reason", k->s.staff_reason, NULL);
	k->s.staff_reason[0] = '\0';
	k->s.staff_waiting = 0;
	staff_go_back(k);
}

static void
called_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);

	if (it != NULL && it->kind == LITEM_CHOICE && strcmp(it->target, "cancel_call") == 0)
		call_cancel(k);
}

/* The timeouts wait for staff, up to staff.wait_max; then the usual warning. */
static int64_t
called_clock(struct kiosk *k)
{
	return k->s.staff_waiting ? k->s.staff_called_at +
	    (int64_t)k->cfg->staff_wait_max * 1000000 : 0;
}

static void
called_tick(struct kiosk *k, int64_t now)
{
	k->s.staff_waiting = 0;
	k->idle_since = now;
	trace_event("staff-wait-over", "reason=%s", k->s.staff_reason);
	log_info("staff: nobody came within %d s", k->cfg->staff_wait_max);
}

/* ---- staff-assisted mode ---------------------------------------------------------- */

static void
badge_refused(struct kiosk *k, const char *why)
{
	log_warnx("staff: badge %s refused: %s", k->s.staff_badge, why);
	kiosk_journal(k, "staff-refused", "badge", k->s.staff_badge, "why", why, NULL);
	/* Said with the customer's screen, which stays as it was. */
	kiosk_set_message(k, message_from_str(strcmp(why, "locked") == 0 ? "staff_locked" :
	    strcmp(why, "unknown") == 0 ? "staff_unknown" : "staff_unavailable"));
	staff_go_back(k);
}

static void
auth_done(struct kiosk *k, const struct bank_reply *r)
{
	struct kproto_staff_result sr;

	if (r->type != KPROTO_MSG_STAFF_RESULT || r->payload == NULL ||
	    kproto_staff_result_unpack(r->payload, &sr) != KPROTO_OK) {
		badge_refused(k, "no answer from the bank");
		return;
	}
	switch (sr.status) {
	case KPROTO_STAFF_OK:
		snprintf(k->s.staff_id, sizeof k->s.staff_id, "%s", k->s.staff_badge);
		log_info("staff: %s assisting", k->s.staff_id);
		kiosk_journal(k, "staff-in", NULL);
		/* The call is answered: the person is here. */
		if (k->s.staff_reason[0] != '\0')
			devices_send(k, "call-staff-cancel");
		k->s.staff_reason[0] = '\0';
		k->s.staff_waiting = 0;
		/* The service the customer waited in may have a screen for the staff member. */
		if (k->s.staff_back != NULL && k->s.staff_back->staff_come != NULL)
			k->s.staff_back->staff_come(k);
		else
			staff_go_back(k);
		break;
	case KPROTO_STAFF_WRONG:
		kiosk_journal(k, "staff-pin-refused", "badge", k->s.staff_badge, NULL);
		kiosk_set_message(k, message_from_str("staff_pin_wrong"));
		state_enter(k, &state_staff_pin);
		break;
	default:
		badge_refused(k, kproto_staff_status_to_str(sr.status));
	}
}

/* A staff badge in the reader: its PIN next, over the customer's session. */
static void
staff_badge(struct kiosk *k, const char *id)
{
	if (!k->s.card_in) {
		log_warnx("staff: badge %s refused: no customer's session to assist", id);
		return;
	}
	if (staff_present(k) || k->state == &state_staff_pin || k->state == &state_wait) {
		log_warnx("staff: badge %s refused: %s", id, staff_present(k) ?
		    "a staff member is already assisting" : "the kiosk is busy");
		return;
	}
	snprintf(k->s.staff_badge, sizeof k->s.staff_badge, "%s", id);
	kiosk_journal(k, "staff-card", "badge", id, NULL);
	staff_remember_back(k);
	state_enter(k, &state_staff_pin);
}

void
staff_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	if (ev == DEV_STAFF_CARD)
		staff_badge(k, arg);
	else if (!staff_present(k))
		log_warnx("staff: staff-leave with no staff member assisting");
	else
		staff_leave(k);
}

static void
staff_pin_submit(struct kiosk *k)
{
	struct kproto_staff_auth m;
	struct kproto_buf b;

	snprintf(m.staff_id, sizeof m.staff_id, "%s", k->s.staff_badge);
	if (pin_entry_seal(k, m.sealed, sizeof m.sealed, &m.sealed_len) < 0 ||
	    kproto_staff_auth_pack(&b, &m) != KPROTO_OK || !bank_is_up(k->bank)) {
		badge_refused(k, "the bank cannot check it now");
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_STAFF_AUTH, &b, auth_done);
}

static void
staff_pin_key(struct kiosk *k, enum key_fn fn)
{
	if (fn == KEYFN_CANCEL) {
		kiosk_journal(k, "staff-pin-cancel", "badge", k->s.staff_badge, NULL);
		staff_go_back(k);
	} else if (!pin_entry_key(k, fn) && fn == KEYFN_ENTER && pin_entry_done(k))
		staff_pin_submit(k);
}

static void
staff_pin_timeout(struct kiosk *k)
{
	kiosk_journal(k, "staff-pin-cancel", "badge", k->s.staff_badge, NULL);
	staff_go_back(k);
}

static void
leave_done(struct kiosk *k, const struct bank_reply *r)
{
	(void)k;
	if (r->type != KPROTO_MSG_OK)
		log_warnx("staff: the adapter did not answer STAFF_LEAVE with OK (%s)",
		    kproto_type_to_str(r->type));
}

void
staff_leave(struct kiosk *k)
{
	if (!staff_present(k))
		return;
	log_info("staff: %s left", k->s.staff_id);
	kiosk_journal(k, "staff-leave", NULL);
	k->s.staff_id[0] = '\0';
	if (bank_is_up(k->bank))
		bank_call(k->bank, KPROTO_MSG_STAFF_LEAVE, NULL, leave_done);
	if (k->state != NULL && k->state->staff_leave != NULL)
		k->state->staff_leave(k);
	else
		kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

/* ---- screens ---------------------------------------------------------------------- */

static const char *const called_choices[] = { "cancel_call", NULL };
static const struct screen_contract called_screen = {
	.name = "staff_called",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = called_choices,
};

static const char *const staff_placeholders[] = { "staff_id", "staff_badge", NULL };
static const struct screen_contract pin_screen = {
	.name = "staff_pin",
	.placeholders = staff_placeholders,
};

/* Shown and said on every screen in the mode (view.c), and the badge's refusals. */
static const struct message_contract staff_messages[] = {
	{ .name = "staff_assisting", .placeholders = staff_placeholders },
	{ .name = "staff_on_the_way" },
	{ .name = "staff_pin_wrong", .placeholders = staff_placeholders },
	{ .name = "staff_locked", .placeholders = staff_placeholders },
	{ .name = "staff_unknown", .placeholders = staff_placeholders },
	{ .name = "staff_unavailable", .placeholders = staff_placeholders },
	{ .name = NULL },
};

const struct state_def state_staff_called = {
	.name = "staff_called",
	.contract = &called_screen,
	.messages = staff_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = called_key,
	.clock = called_clock,
	.clock_tick = called_tick,
};

/* Not holds_card: CANCEL and a timeout here give the customer's screen back, never
 * end the customer's session. */
const struct state_def state_staff_pin = {
	.name = "staff_pin",
	.contract = &pin_screen,
	.idle = IDLE_PIN,
	.pin_entry = 1,
	.enter = pin_entry_open,
	.leave = pin_entry_close,
	.key = staff_pin_key,
	.timeout = staff_pin_timeout,
	.input = pin_entry_input,
};
