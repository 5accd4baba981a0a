/* The present step: what the handlers marked as changed (kiosk_dirty) goes to the outputs
 * once, the way tmux's server_client_check_redraw paints what its redraw flags say. The
 * model is rebuilt first; speech is asked for next, so the listener's first word does not
 * wait for the drawing; then the screen is drawn, in normal or large print, and what the
 * drawing found is kept. */
#include "kiosk/present.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/render.h"
#include "kiosk/speak.h"
#include "kiosk/states.h"
#include "kiosk/view.h"

#include <stdlib.h>
#include <string.h>

/* Most bank answers take milliseconds: "please wait" is only said if the wait lasts. */
#define WAIT_SPEECH_DELAY_USEC 700000

void
kiosk_dirty(struct kiosk *k, unsigned what)
{
	if (what & PRESENT_SAY_MASK)
		k->present &= ~PRESENT_SAY_MASK;
	k->present |= what;
	/* A message set before is on the screen marked now: a state entered next in the
	 * same turn does not inherit it (kiosk_set_message). */
	if (what & PRESENT_SCREEN)
		k->s.message_new = 0;
}

static void
say(struct kiosk *k, unsigned what)
{
	const struct screen *s = &k->screen;

	if (what & PRESENT_SPEECH) {
		k->speak_at = 0;
		if (k->state == &state_wait && k->speech_on) {
			speak_stop(k);
			k->speak_at = mono_usec() + WAIT_SPEECH_DELAY_USEC;
		} else
			speak_screen(k);
	} else if (what & PRESENT_SAY_SCREEN) {
		speak_screen(k);
	} else if ((what & PRESENT_SAY_WARNING) && s->warning.say != NULL) {
		/* While the session waits for the headset, aloud: such notes hold nothing
		 * private. */
		if (what & PRESENT_SAY_ALOUD)
			speak_aloud(k, s->warning.lang, s->warning.say);
		else
			speak_text(k, s->warning.lang, s->warning.say);
	} else if (what & PRESENT_SAY_INPUT) {
		speak_text(k, k->lang, s->input.say);
	} else if ((what & PRESENT_SAY_MORE) && s->more.say != NULL) {
		speak_text(k, k->lang, s->more.say);
	}
}

/* A layout too long for this terminal, or a side key where nothing can be drawn: branch
 * IT must change it. Said once a screen, not on every redraw. */
static void
layout_warn(struct kiosk *k, const struct render_report *r)
{
	char *warned = k->layout_warned;
	if ((r->cut_off || r->off_key) && strcmp(warned, k->screen.name) != 0) {
		if (r->cut_off)
			log_warnx("screen %s does not fit %dx%d: text is cut off", k->screen.name,
			    r->cols, r->rows);
		if (r->off_key)
			log_warnx("screen %s at %dx%d: %d items could not be drawn level with "
			    "their side keys (function_keys in kiosk.yaml)", k->screen.name,
			    r->cols, r->rows, r->off_key);
		trace_event("cut-off", "%s %dx%d cut=%d off-key=%d", k->screen.name, r->cols,
		    r->rows, r->cut_off, r->off_key);
	}
	snprintf(warned, sizeof k->layout_warned, "%s", r->cut_off || r->off_key ?
	    k->screen.name : "");
}

static void
draw(struct kiosk *k, unsigned what)
{
	struct render_report r = render_draw(k);
	k->drawn = r;
	if (r.pages > 0) {
		k->lp_pages = r.pages;
		if (k->lp_page >= k->lp_pages)
			k->lp_page = 0;
	}
	if (!(what & PRESENT_SCREEN))
		return;
	layout_warn(k, &r);
	if (trace_enabled()) {
		char *shown = screen_shown_text(&k->screen);
		char *q = trace_quote(shown);
		trace_event("screen", "%s lang=%s show=%s", k->screen.name,
		    k->screen.lang[0] ? k->screen.lang : "all", q);
		free(q);
		free(shown);
	}
}

void
kiosk_present(struct kiosk *k)
{
	unsigned what = k->present;
	if (what == 0 || k->state == NULL)
		return;
	k->present = 0;
	/* The model fills in the size ("it needs 80x24") and large print pages by it. */
	render_size(&k->drawn.cols, &k->drawn.rows);
	if (what & (PRESENT_SCREEN | PRESENT_RESIZED)) {
		what |= PRESENT_SCREEN;
		view_build(k);
	}
	say(k, what);
	int was_small = k->drawn.too_small;
	if (what & (PRESENT_SCREEN | PRESENT_DRAW))
		draw(k, what);
	/* Only the drawing knows whether the terminal fits the screens now. */
	if ((what & PRESENT_RESIZED) && was_small != k->drawn.too_small) {
		/* Keys were ignored while it was too small: the customer gets the time again. */
		if (!k->drawn.too_small)
			k->idle_since = mono_usec();
		speak_screen(k);
	}
}
