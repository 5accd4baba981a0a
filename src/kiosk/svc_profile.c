/* The accessibility profile: the settings a customer changed (speech, volume, rate,
 * language, large print, text size, colours) remembered for their card when they say
 * so before the goodbye, applied as soon as the card is read next time, and forgotten
 * from help. It belongs to the card: the session that holds it is reset for every card. */
#include "kiosk/states.h"

#include "common/log.h"
#include "common/trace.h"
#include "kiosk/bank.h"
#include "kiosk/controls.h"
#include "kiosk/present.h"
#include "kiosk/view.h"
#include "largeprint/largeprint.h"

#include <string.h>

extern const struct state_def state_profile;

static struct profile_settings
settings_now(const struct kiosk *k)
{
	return (struct profile_settings){ .large = k->large, .lp_size = k->lp_size,
		.lp_theme = k->lp_theme, .volume_level = k->volume_level,
		.rate_level = k->rate_level };
}

static int
theme_by_name(const char *name)
{
	for (int i = 0; i < lp_theme_count(); i++)
		if (strcmp(lp_theme_at(i)->name, name) == 0)
			return i;
	return -1;
}

void
profile_card_read(struct kiosk *k, const struct kproto_card_info *ci)
{
	if (ci->profile) {
		int theme = theme_by_name(ci->theme);
		controls_set_levels(k, ci->volume, ci->rate);
		k->lp_size = ci->text_size > LP_SIZE_MAX ? LP_SIZE_MAX : ci->text_size;
		if (theme >= 0)
			k->lp_theme = theme;
		trace_event("profile", "volume=%u rate=%u size=%d theme=%s", ci->volume,
		    ci->rate, k->lp_size, lp_theme_at(k->lp_theme)->name);
	}
	/* The card's own preference, from the bank: no small text to read first. */
	if ((ci->flags & KPROTO_CARD_F_LARGE_PRINT) && !k->large)
		controls_large_print(k, 1);
	k->s.profile.start = settings_now(k);
}

void
profile_headset_ask(struct kiosk *k)
{
	if (!(k->s.card.flags & KPROTO_CARD_F_SPEECH) || k->headset)
		return;
	/* Speech goes only to a headset; asking for one says nothing private. */
	trace_event("profile-headset", "state=%s", k->state->name);
	k->warning = message_from_str("profile_headset");
	/* Speech already on (through the loudspeaker) says it with the screen. */
	kiosk_dirty(k, PRESENT_SCREEN | (k->speech_on ? 0 :
	    PRESENT_SAY_WARNING | PRESENT_SAY_ALOUD));
}

/* What the customer changed during the visit. The language is chosen on a screen of
 * its own at every visit, the card's offered first: it is remembered with the rest but
 * asks nothing by itself. */
static int
settings_changed(const struct kiosk *k)
{
	const struct profile_settings *s = &k->s.profile.start;
	return k->volume_level != s->volume_level || k->rate_level != s->rate_level ||
	    k->large != s->large || k->lp_theme != s->lp_theme ||
	    (k->large && k->lp_size != s->lp_size) || k->s.profile.speech_switched;
}

int
profile_offer(struct kiosk *k)
{
	if (k->s.profile.done || !k->s.pin_ok || k->s.message != MSG_NONE ||
	    !bank_is_up(k->bank) || !settings_changed(k))
		return 0;
	k->s.profile.done = 1;
	state_enter(k, &state_profile);
	return 1;
}

static void
profile_goodbye(struct kiosk *k, const char *message)
{
	kiosk_set_message(k, message_from_str(message));
	state_enter(k, &state_goodbye);
}

static void
save_done(struct kiosk *k, const struct bank_reply *r)
{
	int ok = r->type == KPROTO_MSG_OK;
	trace_event("profile-save", "%s", ok ? "ok" : "refused");
	profile_goodbye(k, ok ? "profile_saved" : "profile_not_saved");
}

static void
profile_save(struct kiosk *k)
{
	struct kproto_profile p = { .volume = (uint8_t)k->volume_level,
		.rate = (uint8_t)k->rate_level, .text_size = (uint8_t)k->lp_size };
	struct kproto_buf b;

	snprintf(p.lang, sizeof p.lang, "%s", k->lang);
	snprintf(p.theme, sizeof p.theme, "%s", lp_theme_at(k->lp_theme)->name);
	/* Listening this visit is the speech preference: next time, a headset. */
	p.flags = (k->large ? KPROTO_CARD_F_LARGE_PRINT : 0) |
	    (k->s.listened ? KPROTO_CARD_F_SPEECH : 0);
	if (kproto_profile_pack(&b, &p) != KPROTO_OK) {
		profile_goodbye(k, "profile_not_saved");
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_PROFILE_SAVE, &b, save_done);
}

static void
profile_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (fn == KEYFN_CANCEL || (it != NULL && it->kind == LITEM_CHOICE &&
	    strcmp(it->target, "no") == 0))
		state_enter(k, &state_goodbye);
	else if (it != NULL && it->kind == LITEM_CHOICE && strcmp(it->target, "yes") == 0)
		profile_save(k);
}

static void
profile_timeout(struct kiosk *k)
{
	state_enter(k, &state_goodbye);
}

static void
forget_done(struct kiosk *k, const struct bank_reply *r)
{
	int ok = r->type == KPROTO_MSG_OK;
	trace_event("profile-forget", "%s", ok ? "ok" : "refused");
	if (ok) {
		/* Back to the defaults now, as the next visit will be, and not asked again. */
		controls_reset(k);
		k->s.profile.start = settings_now(k);
		k->s.profile.done = 1;
	}
	kiosk_warn(k, message_from_str(ok ? "profile_forgotten" : "profile_not_forgotten"));
}

void
profile_forget(struct kiosk *k)
{
	/* The profile is the card's: only its holder, after the PIN, may forget it. */
	if (!k->s.pin_ok || !bank_is_up(k->bank)) {
		kiosk_warn(k, message_from_str(k->s.pin_ok ? "profile_not_forgotten" :
		    "profile_forget_later"));
		return;
	}
	bank_call(k->bank, KPROTO_MSG_PROFILE_FORGET, NULL, forget_done);
}

static const char *const profile_choices[] = { "yes", "no", NULL };

static const struct screen_contract profile_screen = {
	.name = "profile",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = profile_choices,
};

static const struct message_contract profile_messages[] = {
	{ .name = "profile_saved" },
	{ .name = "profile_not_saved" },
	{ .name = "profile_forgotten" },
	{ .name = "profile_not_forgotten" },
	{ .name = "profile_forget_later" },
	{ .name = "profile_headset" },
	{ .name = NULL },
};

const struct state_def state_profile = {
	.name = "profile",
	.contract = &profile_screen,
	.messages = profile_messages,
	.idle = IDLE_MENU,
	.key = profile_key,
	.timeout = profile_timeout,
};
