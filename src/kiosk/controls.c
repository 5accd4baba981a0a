/* Keys that mean the same on every screen: the speech settings (repeat, pause, volume,
 * rate, speech on or off), help, moving the focus through the items, and blanking the
 * screen while the customer listens. */
#include "kiosk/controls.h"

#include "common/trace.h"
#include "common/util.h"
#include "kiosk/overlay.h"
#include "kiosk/present.h"
#include "kiosk/render.h"
#include "kiosk/speak.h"
#include "kiosk/staff.h"
#include "kiosk/state.h"
#include "kiosk/view.h"
#include "largeprint/largeprint.h"
#include "speech/speech.h"

#include <stdlib.h>
#include <string.h>

#define REPEAT_TWICE_USEC 1500000

/* Words per minute of each step of the rate control; RATE_DEFAULT is the configured
 * rate of each voice. */
static const int rate_wpm[RATE_LEVELS + 1] = { 0, 80, 115, 0, 200, 260, 330, 400 };

/* The help screen shows the settings: it follows a change at once. */
static void
settings_changed(struct kiosk *k)
{
	if (k->overlay == OVERLAY_HELP)
		kiosk_dirty(k, PRESENT_SCREEN);
}

void
controls_rate_step(struct kiosk *k, int delta)
{
	int level = k->rate_level + delta;
	/* At either end the level is said again, so the customer knows it is the end. */
	if (level >= 1 && level <= RATE_LEVELS)
		k->rate_level = level;
	if (k->speech != NULL)
		speech_set_rate_wpm(k->speech, rate_wpm[k->rate_level]);
	settings_changed(k);
	speak_level(k, VOICE_RATE, k->rate_level, RATE_LEVELS);
}

void
controls_volume_step(struct kiosk *k, int delta)
{
	int level = k->volume_level + delta;
	if (level < 1 || level > VOLUME_LEVELS)
		level = k->volume_level;
	k->volume_level = level;
	if (k->speech != NULL)
		speech_set_volume_percent(k->speech, 100 + (level - VOLUME_DEFAULT) * 20);
	settings_changed(k);
	speak_level(k, VOICE_VOLUME, level, VOLUME_LEVELS);
}

void
controls_reset(struct kiosk *k)
{
	k->volume_level = VOLUME_DEFAULT;
	k->rate_level = RATE_DEFAULT;
	if (k->speech != NULL) {
		speech_set_volume_percent(k->speech, 100);
		speech_set_rate_wpm(k->speech, 0);
	}
	k->blank = k->cfg->blank_screen;
	k->focus = k->heard_item = -1;
	k->large = 0;
	k->lp_size = LP_SIZE_MIN;
	k->lp_page = 0;
	k->lp_theme = 0;
	k->setting = MSG_NONE;
	for (int i = 0; i < lp_theme_count(); i++)
		if (strcmp(lp_theme_at(i)->name, k->cfg->lp_theme) == 0)
			k->lp_theme = i;
}

void
controls_large_print(struct kiosk *k, int on)
{
	k->large = on;
	k->lp_page = 0;
	trace_event("large-print", "%s size=%d theme=%s", on ? "on" : "off", k->lp_size,
	    lp_theme_at(k->lp_theme)->name);
	/* The items and pages change: nothing stays in focus. */
	k->focus = k->heard_item = -1;
	/* Without Unifont, large print says why some text stays small, on this screen
	 * beside what it shows already. */
	k->lp_font_notice = on && k->lp_degraded;
	/* Said again: large print may page the screen, and that is said too. */
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

/* A setting the customer switched: shown on this screen until it changes, and said. */
static void
setting_switched(struct kiosk *k, enum message_id m)
{
	k->setting = m;
	kiosk_dirty(k, PRESENT_SCREEN);
	speak_message(k, m);
}

static void
text_size_next(struct kiosk *k)
{
	/* Sizes are large print's: in normal print the key says so and changes nothing,
	 * never a mode the customer did not ask for. */
	if (!k->large) {
		trace_event("text-size-ignored", "%s", "large print is off");
		kiosk_warn(k, MSG_TEXT_SIZE_OFF);
		return;
	}
	int cols, rows;
	view_lp_room(k, &cols, &rows);
	k->lp_size = lp_size_next(k->lp_size, cols, rows);
	if (k->lp_size == 0)
		k->lp_size = LP_SIZE_MIN;
	k->lp_page = 0;
	k->focus = k->heard_item = -1;
	trace_event("text-size", "%d", k->lp_size);
	setting_switched(k, MSG_TEXT_SIZE);
}

static void
theme_next(struct kiosk *k)
{
	k->lp_theme = (k->lp_theme + 1) % lp_theme_count();
	trace_event("theme", "%s", lp_theme_at(k->lp_theme)->name);
	setting_switched(k, MSG_THEME);
}

/* Large print at 80x24 shows long screens a page at a time: 0 turns the page where 0
 * chooses nothing and types nothing; elsewhere (a PIN, an amount) the down arrow, which
 * has no item to move to there. */
int
controls_page_key(struct kiosk *k, enum key_fn fn)
{
	if (!k->large || k->lp_pages < 2)
		return 0;
	/* Where 0 is typed, the down arrow turns the page; it has no item to move to on
	 * those screens. */
	if (view_zero_pages(k) ? fn != KEYFN_0 :
	    fn != KEYFN_NEXT || k->screen.nitems > 0)
		return 0;
	k->lp_page = (k->lp_page + 1) % k->lp_pages;
	trace_event("page", "%d of %d", k->lp_page + 1, k->lp_pages);
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SAY_MORE);
	return 1;
}

static void
pause_toggle(struct kiosk *k)
{
	if (k->speech == NULL || !k->speech_on)
		return;
	if (speech_paused(k->speech)) {
		/* The rest of the same parts: REPEAT twice still finds its sentences. */
		k->utterance = speech_resume(k->speech);
		if (k->utterance != 0)
			k->said_id = k->utterance;
		trace_event("speech-resume", "id=%u", k->utterance);
	} else if (speech_pause(k->speech)) {
		trace_event("speech-pause", "%s", "");
	}
}

static void
repeat(struct kiosk *k)
{
	int64_t now = mono_usec();
	if (k->last_repeat != 0 && now - k->last_repeat < REPEAT_TWICE_USEC) {
		k->last_repeat = 0;
		if (speak_last_sentence(k) == 0)
			return;
	} else
		k->last_repeat = now;
	kiosk_dirty(k, PRESENT_SAY_SCREEN);
}

/* In large print the page follows the item in focus or being heard: the item said is
 * the item shown. */
int
controls_page_to(struct kiosk *k, int item)
{
	int page = k->large && item >= 0 ? render_large_page_of(k, item) : -1;
	if (page < 0 || page == k->lp_page)
		return 0;
	k->lp_page = page;
	trace_event("page", "%d of %d", k->lp_page + 1, k->lp_pages);
	kiosk_dirty(k, PRESENT_SCREEN);
	return 1;
}

/* NEXT / PREVIOUS: the focus moves through the items, round, and says where it is:
 * "Withdraw cash, 2 of 2". ENTER then chooses the item in focus. */
static void
focus_move(struct kiosk *k, int delta)
{
	const struct screen *s = &k->screen;
	if (s->nitems == 0)
		return;
	if (k->focus < 0)
		k->focus = delta > 0 ? 0 : s->nitems - 1;
	else
		k->focus = (k->focus + delta + s->nitems) % s->nitems;
	const struct screen_item *it = &s->items[k->focus];
	trace_event("focus", "item=%d of=%d key=%s", k->focus + 1, s->nitems, it->key);
	if (!controls_page_to(k, k->focus))
		kiosk_dirty(k, PRESENT_DRAW);
	controls_say_position(k, it->label.lang, it->label.say, k->focus + 1, s->nitems);
}

void
controls_say_position(struct kiosk *k, const char *lang, const char *label, int n,
    int count)
{
	const struct voice_rules *v = voice_for(&k->setup->voices, lang);
	if (v == NULL || v->position == NULL) {
		speak_text(k, lang, label);
		return;
	}
	char *ns = voice_number_plain(v, n), *cs = voice_number(v, count);
	struct text_var vars[] = { { "label", label }, { "n", ns }, { "count", cs } };
	char *said = text_fill(v->position, vars, 3);
	speak_text(k, lang, said);
	free(said);
	free(ns);
	free(cs);
}

/* Blanking hides the screen from onlookers while the customer listens; without speech
 * it would leave them with nothing, so it only works while speech is on. */
static void
blank_toggle(struct kiosk *k)
{
	if (!k->speech_on) {
		trace_event("blank-ignored", "%s", "speech is off");
		return;
	}
	k->blank = !k->blank;
	trace_event("blank", "%s", k->blank ? "on" : "off");
	kiosk_dirty(k, PRESENT_DRAW);
	speak_message(k, k->blank ? MSG_SCREEN_OFF : MSG_SCREEN_ON);
}

/* "More choices" of the simple menu: this screen with all its items. */
static int
simple_more_key(struct kiosk *k, enum key_fn fn)
{
	if (k->overlay != OVERLAY_NONE || keyfn_from_str(LITEM_MORE_KEY) != fn ||
	    !view_simple(k))
		return 0;
	k->simple_all = 1;
	k->lp_page = 0;
	k->focus = k->heard_item = -1;
	trace_event("simple-more", "state=%s", k->state->name);
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
	return 1;
}

int
controls_key(struct kiosk *k, enum key_fn fn)
{
	if (controls_page_key(k, fn) || simple_more_key(k, fn))
		return 1;
	switch (fn) {
	case KEYFN_LARGE_PRINT:
		/* Said with the screen, first: large print may page it, and that is said too. */
		k->setting = k->large ? MSG_LARGE_PRINT_OFF : MSG_LARGE_PRINT_ON;
		controls_large_print(k, !k->large);
		return 1;
	case KEYFN_TEXT_SIZE:
		text_size_next(k);
		return 1;
	case KEYFN_THEME:
		theme_next(k);
		return 1;
	case KEYFN_REPEAT:
		repeat(k);
		return 1;
	case KEYFN_HELP:
		overlay_open(k, OVERLAY_HELP);
		return 1;
	case KEYFN_PAUSE:
		pause_toggle(k);
		return 1;
	case KEYFN_RATE_UP:
	case KEYFN_RATE_DOWN:
		controls_rate_step(k, fn == KEYFN_RATE_UP ? 1 : -1);
		return 1;
	case KEYFN_SPEECH:
		kiosk_speech_toggle(k, !k->speech_on);
		return 1;
	case KEYFN_VOLUME_UP:
	case KEYFN_VOLUME_DOWN:
		controls_volume_step(k, fn == KEYFN_VOLUME_UP ? 1 : -1);
		return 1;
	case KEYFN_NEXT:
	case KEYFN_PREVIOUS:
		focus_move(k, fn == KEYFN_NEXT ? 1 : -1);
		return 1;
	case KEYFN_BLANK:
		blank_toggle(k);
		return 1;
	case KEYFN_CALL_STAFF:
		staff_call_here(k);
		return 1;
	default:
		return 0;
	}
}
