/* Screens over the current one: help (HELP), describe-key mode (from help) and the
 * orientation given when a headset comes in. The state underneath is not left: a PIN
 * half typed, an amount, a hold at the bank all stay as they were, and closing the
 * overlay shows and says that screen again. */
#include "kiosk/overlay.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/controls.h"
#include "kiosk/present.h"
#include "kiosk/speak.h"
#include "kiosk/staff.h"
#include "kiosk/state.h"
#include "kiosk/view.h"

#include <stdlib.h>
#include <string.h>

static const char *const overlay_names[] = { "none", "help", "describe_keys",
	"orientation" };

enum screen_id
overlay_screen(const struct kiosk *k)
{
	switch (k->overlay) {
	case OVERLAY_HELP: return SCREEN_HELP;
	case OVERLAY_DESCRIBE: return SCREEN_DESCRIBE_KEYS;
	case OVERLAY_ORIENTATION: return SCREEN_ORIENTATION;
	default: return state_screen(k->state);
	}
}

static void
described_free(struct kiosk *k)
{
	free(k->described_show);
	free(k->described_say);
	k->described_show = k->described_say = NULL;
}

void
overlay_open(struct kiosk *k, enum overlay o)
{
	/* A configuration without the overlay's layout simply has no such screen. */
	if (layout_screen_id(&k->setup->layouts, o == OVERLAY_HELP ? SCREEN_HELP :
	    o == OVERLAY_DESCRIBE ? SCREEN_DESCRIBE_KEYS : SCREEN_ORIENTATION) == NULL) {
		log_warnx("%s: no layout for it", overlay_names[o]);
		return;
	}
	trace_event("overlay", "%s over=%s", overlay_names[o], k->state->name);
	described_free(k);
	k->overlay = o;
	k->lp_page = 0;
	k->focus = -1;
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

void
overlay_forget(struct kiosk *k)
{
	described_free(k);
	k->overlay = OVERLAY_NONE;
}

void
overlay_close(struct kiosk *k)
{
	if (k->overlay == OVERLAY_NONE)
		return;
	trace_event("overlay", "none over=%s", k->state->name);
	described_free(k);
	k->overlay = OVERLAY_NONE;
	k->focus = -1;
	k->lp_page = 0;
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

/* Describe-key mode: what key fn would do on the screen underneath, shown and said. */
static void
describe(struct kiosk *k, enum key_fn fn)
{
	const struct lscreen *ls = layout_screen_id(&k->setup->layouts, SCREEN_DESCRIBE_KEYS);
	const struct voice_rules *v = voice_for(&k->setup->voices, k->lang);
	const struct litem *it = layout_item_for_key(k, fn);
	const char *name = keyfn_to_str(fn);
	const struct ltext *t = NULL;

	/* The simple menu's "more choices" is an item too. */
	const struct ltext *more = NULL;
	if (it == NULL && view_simple(k) && fn == keyfn_from_str(LITEM_MORE_KEY))
		more = layout_message_id(&k->setup->layouts, MSG_MORE_SERVICES);
	/* The item underneath, even on a screen shown in every language: in k->lang. */
	if (it != NULL || more != NULL)
		t = lscreen_key_text(ls, "item");
	else if (KEYFN_IS_DIGIT(fn))
		t = lscreen_key_text(ls, "digit");
	else if ((t = lscreen_key_text(ls, name)) == NULL)
		t = lscreen_key_text(ls, "unused");
	if (t == NULL)
		return;
	const char *il = it != NULL && state_screen(k->state) == SCREEN_LANGUAGE ? it->target :
	    k->lang;
	const struct ltext *label = it != NULL ? &it->label : more;
	char *label_show = label ? view_fill(k, ltext_show(label, il), il, 0) : NULL;
	char *label_say = label ? view_fill(k, ltext_say(label, il), il, 1) : NULL;
	/* Over the PIN screen a digit may be one the customer meant for the PIN: it is
	 * shown as a star and said as the PIN's digit word, never named. */
	int secret = key_is_secret(k, fn);
	struct text_var show_vars[] = { { "key", secret ? "*" : name },
		{ "label", label_show } };
	struct text_var say_vars[] = { { "key", secret && v != NULL ? v->pin_digit :
		voice_key_name(v, fn) }, { "label", label_say } };
	described_free(k);
	k->described_show = text_fill(ltext_show(t, k->lang), show_vars, 2);
	k->described_say = text_fill(ltext_say(t, k->lang), say_vars, 2);
	trace_event("describe-key", "%s", secret ? "digit" : name);
	kiosk_dirty(k, PRESENT_SCREEN);
	speak_text(k, k->lang, k->described_say);
	free(label_show);
	free(label_say);
}

static int
help_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it;

	switch (fn) {
	case KEYFN_CANCEL:
	case KEYFN_ENTER:
		overlay_close(k);
		return 1;
	case KEYFN_HELP:
		kiosk_dirty(k, PRESENT_SAY_SCREEN);
		return 1;
	default:
		break;
	}
	if ((it = layout_item_on(k, SCREEN_HELP, fn)) == NULL || it->kind != LITEM_CHOICE)
		return KEYFN_IS_DIGIT(fn) || KEYFN_IS_FKEY(fn);
	if (strcmp(it->target, "louder") == 0)
		controls_volume_step(k, 1);
	else if (strcmp(it->target, "quieter") == 0)
		controls_volume_step(k, -1);
	else if (strcmp(it->target, "faster") == 0)
		controls_rate_step(k, 1);
	else if (strcmp(it->target, "slower") == 0)
		controls_rate_step(k, -1);
	else if (strcmp(it->target, "describe_keys") == 0)
		overlay_open(k, OVERLAY_DESCRIBE);
	else if (strcmp(it->target, "repeat") == 0)
		overlay_close(k); /* the screen underneath, said again */
	else if (strcmp(it->target, "call_staff") == 0) {
		overlay_close(k);
		staff_call_here(k);
	}
	return 1;
}

int
overlay_key(struct kiosk *k, enum key_fn fn)
{
	switch (k->overlay) {
	case OVERLAY_HELP:
		return help_key(k, fn);
	case OVERLAY_DESCRIBE:
		if (fn == KEYFN_ENTER || fn == KEYFN_CANCEL)
			overlay_close(k);
		else
			describe(k, fn);
		return 1;
	case OVERLAY_ORIENTATION:
		/* Any key skips it, and does nothing else: the customer may not know yet
		 * what the keys do. */
		trace_event("orientation-skipped", "%s", "");
		overlay_close(k);
		return 1;
	default:
		return 0;
	}
}

void
overlay_speech_end(struct kiosk *k, int done)
{
	if (k->overlay == OVERLAY_ORIENTATION && done)
		overlay_close(k);
}
