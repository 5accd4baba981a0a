/* Fraud protection's screens, between a service's amount and its confirmation: the
 * large-transaction alert, and the anti-fraud warning with its cooling-off, its second
 * confirmation and "ask a member of staff" (fraud.h). Who gets which is fraud.c's. */
#include "kiosk/fraud.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/journal_events.h"
#include "kiosk/present.h"
#include "kiosk/speak.h"
#include "kiosk/staff.h"
#include "kiosk/states.h"
#include "kiosk/view.h"
#include "speech/speech.h"

#include <stdlib.h>
#include <string.h>

/* After the cooling-off, "you may go on" waits for the warning to be heard: how often
 * the clock looks whether it has been. */
#define READY_POLL_USEC 250000

extern const struct state_def state_fraud_large, state_fraud_warning;

/* The amount, the alert's threshold and the cooling-off's seconds left, and those of the
 * service that asked. */
static void
fraud_fill(struct kiosk *k, struct fill *f)
{
	const struct fraud_run *r = &k->s.fraud;

	if (r->fill_before != NULL)
		r->fill_before(k, f);
	fill_add(f, "fraud_amount", view_money(k, r->ask.amount_fen, f->lang, f->spoken));
	fill_add(f, "fraud_large", view_money(k, fraud_large_at(k, &r->ask), f->lang,
	    f->spoken));
	fill_number(f, "fraud_left", r->left, f->voice, 0);
}

static const char *
choice_of(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	return it != NULL && it->kind == LITEM_CHOICE ? it->target : "";
}

static const char *
warn_why(const struct fraud_ask *a)
{
	if (a->withdrawal)
		return "flagged-cash";
	return a->flagged ? "flagged" : "new-payee";
}

void
fraud_enter(struct kiosk *k, const struct fraud_ask *a, void (*go_on)(struct kiosk *),
    void (*back)(struct kiosk *))
{
	struct fraud_run *f = &k->s.fraud;
	int large = fraud_large(k, a), warn = fraud_warn_needed(k, a);
	/* The service's placeholders stay filled through these screens and after. */
	void (*fill)(struct kiosk *, struct fill *) = k->s.fill == fraud_fill ?
	    f->fill_before : k->s.fill;

	*f = (struct fraud_run){ .ask = *a, .go_on = go_on, .back = back, .fill_before = fill };
	log_info("fraud: %s, large %s, warning %s", a->withdrawal ? "cash" : "transfer",
	    large ? "yes" : "no", warn ? warn_why(a) : "no");
	if (large)
		state_enter(k, &state_fraud_large);
	else if (warn)
		state_enter(k, &state_fraud_warning);
	else
		go_on(k);
}

/* The alert: the amount is right (1, or ENTER: it is no confirmation), or change it. */
static void
large_key(struct kiosk *k, enum key_fn fn)
{
	struct fraud_run *f = &k->s.fraud;
	const char *c = choice_of(k, fn);

	if (fn == KEYFN_ENTER || strcmp(c, "go_on") == 0) {
		kiosk_journal(k, "fraud-large-seen", NULL);
		if (fraud_warn_needed(k, &f->ask))
			state_enter(k, &state_fraud_warning);
		else
			f->go_on(k);
	} else if (strcmp(c, "change") == 0)
		f->back(k);
}

static void
warning_enter(struct kiosk *k)
{
	struct fraud_run *f = &k->s.fraud;

	f->cooling_since = mono_usec();
	f->left = f->said = k->cfg->fraud_cooling_off;
	f->clock_at = f->cooling_since + 1000000;
	/* The bank may have to show that the customer was warned. */
	kiosk_journal(k, "fraud-warning", "why", warn_why(&f->ask), NULL);
	trace_event("fraud-cooling", "left=%d", f->left);
}

static int64_t
warning_clock(struct kiosk *k)
{
	return k->s.fraud.clock_at;
}

/* The wait is over: said with large print's page line, which the longer words may have
 * changed ("Page 1 of 19"), as the screen now is. */
static void
say_ready(struct kiosk *k)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts,
	    message_from_str("fraud_ready"));
	if (t == NULL)
		return;
	view_build(k);
	char *say = view_fill(k, ltext_say(t, k->lang), k->lang, 1);
	struct strbuf b = {0};
	strbuf_add(&b, say);
	if (k->screen.more.say != NULL) {
		strbuf_add(&b, " ");
		strbuf_add(&b, k->screen.more.say);
	}
	free(say);
	char *text = strbuf_take(&b);
	speak_text(k, k->lang, text);
	free(text);
}

/* Each second the count shown; at its steps, once the warning has been heard, the count
 * said; at the end, the idle timer from its full time. */
static void
warning_tick(struct kiosk *k, int64_t now)
{
	struct fraud_run *f = &k->s.fraud;
	int total = k->cfg->fraud_cooling_off;
	int left = fraud_cooling_left(total, f->cooling_since, now);

	if (left != f->left) {
		f->left = left;
		trace_event("fraud-cooling", "left=%d", left);
		kiosk_dirty(k, PRESENT_SCREEN);
		if (left == 0) {
			k->idle_since = now;
			/* "go on in N seconds" pressed too soon is over with the wait. */
			if (k->warning == message_from_str("fraud_wait"))
				k->warning = MSG_NONE;
		}
	}
	/* Help over the warning is heard, not the count: closed, it says the screen again. */
	int speaking = k->utterance != 0 || (k->speech != NULL && speech_paused(k->speech)) ||
	    k->overlay != OVERLAY_NONE;
	int say = fraud_cooling_say(left, f->said, speaking);
	if (say >= 0) {
		f->said = say;
		if (say > 0)
			speak_message(k, message_from_str("fraud_wait"));
		else
			say_ready(k);
	}
	if (left > 0)
		f->clock_at = fraud_cooling_next(total, f->cooling_since, now);
	else
		f->clock_at = f->said != 0 ? now + READY_POLL_USEC : 0;
}

/* 3 goes on once the cooling-off is over; before, it says how long is left, as ENTER
 * does (the second confirmation is that key alone). 1 goes back; 2 calls staff. */
static void
warning_key(struct kiosk *k, enum key_fn fn)
{
	struct fraud_run *f = &k->s.fraud;
	const char *c = choice_of(k, fn);

	if (strcmp(c, "back") == 0) {
		kiosk_journal(k, "fraud-back", NULL);
		f->back(k);
	} else if (strcmp(c, "staff") == 0) {
		/* A person comes to the customer here; the money waits, and the warning
		 * starts again if the call is cancelled. */
		kiosk_journal(k, "fraud-staff", NULL);
		staff_call(k, "fraud_warning");
	} else if (strcmp(c, "go_on") == 0 && f->left == 0) {
		kiosk_journal(k, "fraud-go-on", NULL);
		f->go_on(k);
	} else if (strcmp(c, "go_on") == 0 || fn == KEYFN_ENTER) {
		trace_event("fraud-refused", "left=%d", f->left);
		kiosk_warn(k, message_from_str(f->left > 0 ? "fraud_wait" : "fraud_ready"));
	}
}

static enum message_id
warning_message(const struct kiosk *k)
{
	return message_from_str(k->s.fraud.left > 0 ? "fraud_wait" : "fraud_ready");
}

static const char *const large_choices[] = { "go_on", "change", NULL };
static const char *const large_placeholders[] = { "fraud_amount", "fraud_large", NULL };
static const struct screen_contract large_screen = {
	.name = "fraud_large",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = large_choices,
	.placeholders = large_placeholders,
};

static const char *const warning_choices[] = { "back", "staff", "go_on", NULL };
static const struct screen_contract warning_screen = {
	.name = "fraud_warning",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = warning_choices,
};

static const char *const left_placeholders[] = { "fraud_left", NULL };
static const struct message_contract warning_messages[] = {
	{ .name = "fraud_wait", .placeholders = left_placeholders },
	{ .name = "fraud_ready" },
	{ .name = NULL },
};

const struct state_def state_fraud_large = {
	.name = "fraud_large",
	.contract = &large_screen,
	.fill = fraud_fill,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = large_key,
};

const struct state_def state_fraud_warning = {
	.name = "fraud_warning",
	.contract = &warning_screen,
	.messages = warning_messages,
	.fill = fraud_fill,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.enter = warning_enter,
	.key = warning_key,
	.clock = warning_clock,
	.clock_tick = warning_tick,
	.message = warning_message,
};
