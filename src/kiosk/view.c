/* Builds the screen model of the current state from its layout and the session. */
#include "kiosk/view.h"

#include "common/util.h"
#include "kiosk/money.h"
#include "kiosk/overlay.h"
#include "kiosk/render.h"
#include "kiosk/staff.h"
#include "kiosk/state.h"
#include "largeprint/largeprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A holder may be stored as "张伟 Zhang Wei": Chinese screens show the leading run of
 * non-ASCII characters, others the rest. A name with only one script shows whole. */
static void
holder_name(const char *holder, const char *lang, char *out, size_t outsz)
{
	size_t cjk = 0;
	while (holder[cjk] != '\0' && (unsigned char)holder[cjk] >= 0x80)
		cjk++;
	const char *latin = holder + cjk;
	while (*latin == ' ')
		latin++;
	if (cjk == 0 || *latin == '\0')
		snprintf(out, outsz, "%s", holder);
	else if (strcmp(lang, "zh") == 0)
		snprintf(out, outsz, "%.*s", (int)cjk, holder);
	else
		snprintf(out, outsz, "%s", latin);
}

static int64_t
withdraw_max(const struct session *s)
{
	return s->daily_remaining_fen < s->available_fen ? s->daily_remaining_fen
	                                                 : s->available_fen;
}

char *
view_money(struct kiosk *k, int64_t fen, const char *lang, int spoken)
{
	char buf[64];
	if (spoken) {
		const struct voice_rules *v = voice_for(&k->setup->voices, lang);
		if (v != NULL)
			return voice_money(v, fen);
	}
	money_show(fen, buf, sizeof buf);
	return xstrdup(buf);
}

void
fill_add(struct fill *f, const char *name, char *value)
{
	if (f->n < (int)ARRAY_LEN(f->v))
		f->v[f->n++] = (struct text_var){ name, value };
	else
		free(value);
}

/* A private value: a balance or anything derived from it, the holder's name, the card
 * number. Whatever text asks for it, only a headset hears it. */
void
fill_private(struct fill *f, const char *name, char *value)
{
	if (f->private != NULL) {
		free(value);
		value = xstrdup(f->private);
	}
	fill_add(f, name, value);
}

static void
fill_free(struct fill *f)
{
	for (int i = 0; i < f->n; i++)
		free((char *)f->v[i].value);
}

/* A whole number: shown as digits; spoken by the voice rules, as a count (两次) or as
 * a name of a place or level (第二页, 音量二). */
void
fill_number(struct fill *f, const char *name, long long n, const struct voice_rules *v,
    int naming)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", n);
	if (v == NULL)
		fill_add(f, name, xstrdup(digits));
	else
		fill_add(f, name, naming ? voice_number_plain(v, n) : voice_number(v, n));
}

/* A staff badge's number said digit by digit ("零零四二", "zero zero four two"), as it
 * is read off the badge, not as a count. */
static char *
badge_fill(const struct voice_rules *v, const char *id)
{
	if (v == NULL || id[0] == '\0' || strspn(id, "0123456789") != strlen(id))
		return xstrdup(id);
	return voice_digits(v, id);
}

char *
view_fill(struct kiosk *k, const char *tmpl, const char *lang, int spoken)
{
	if (tmpl == NULL)
		return NULL;
	if (strchr(tmpl, '{') == NULL)
		return xstrdup(tmpl);
	const struct session *s = &k->s;
	/* Spoken, counts, card numbers, dates and times follow the voice file's rules. */
	const struct voice_rules *v = spoken ? voice_for(&k->setup->voices, lang) : NULL;
	/* Through the loudspeaker, anyone nearby hears it: private values only go to a
	 * headset. */
	struct fill f = { .n = 0, .private = v != NULL && !k->headset ? v->private_value :
	    NULL, .lang = lang, .spoken = spoken, .voice = v };
	char buf[160];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	holder_name(s->card.holder, lang, buf, sizeof buf);
	fill_private(&f, "name", xstrdup(buf));
	snprintf(buf, sizeof buf, "**** %s", s->pan[0] ? s->pan + strlen(s->pan) - 4 : "");
	fill_private(&f, "card", v == NULL ? xstrdup(buf) :
	    s->pan[0] ? voice_card(v, s->pan) : xstrdup(""));
	fill_private(&f, "balance", view_money(k, s->balance_fen, lang, spoken));
	fill_private(&f, "available", view_money(k, s->available_fen, lang, spoken));
	/* The most a card can take is its balance when that is below the daily limit. */
	fill_private(&f, "max", view_money(k, withdraw_max(s), lang, spoken));
	fill_add(&f, "amount", view_money(k, s->amount_fen, lang, spoken));
	fill_add(&f, "note", view_money(k, s->note_fen, lang, spoken));
	fill_add(&f, "kiosk", xstrdup(k->cfg->kiosk_id));
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	fill_add(&f, "date", v ? voice_date(v, &tm) : xstrdup(buf));
	strftime(buf, sizeof buf, "%H:%M", &tm);
	fill_add(&f, "time", v ? voice_time(v, &tm) : xstrdup(buf));
	fill_add(&f, "staff_id", badge_fill(v, s->staff_id));
	fill_add(&f, "staff_badge", badge_fill(v, s->staff_badge));
	fill_number(&f, "tries", s->card.tries_left, v, 0);
	fill_number(&f, "seconds", k->cfg->timeout_warning, v, 0);
	fill_number(&f, "width", k->drawn.cols, v, 0);
	fill_number(&f, "height", k->drawn.rows, v, 0);
	fill_number(&f, "volume", k->volume_level, v, 1);
	fill_number(&f, "volume_max", VOLUME_LEVELS, v, 0);
	fill_number(&f, "speed", k->rate_level, v, 1);
	fill_number(&f, "speed_max", RATE_LEVELS, v, 0);
	fill_number(&f, "page", k->lp_page + 1, v, 1);
	fill_number(&f, "pages", k->lp_pages, v, 0);
	fill_number(&f, "size", k->lp_size, v, 1);
	fill_number(&f, "sizes", view_text_sizes(k), v, 0);
	fill_number(&f, "theme", k->lp_theme + 1, v, 1);
	fill_number(&f, "themes", lp_theme_count(), v, 0);
	if (s->fill != NULL)
		s->fill(k, &f);
	/* The help screen says what the screen underneath is for, in that screen's words. */
	if (strstr(tmpl, "{screen_help}") != NULL) {
		const struct lscreen *under = layout_screen_id(&k->setup->layouts,
		    state_screen(k->state));
		const char *h = under ? (spoken ? ltext_say(&under->help, lang) :
		    ltext_show(&under->help, lang)) : NULL;
		fill_add(&f, "screen_help", h ? view_fill(k, h, lang, spoken) : xstrdup(""));
	}
	char *out = text_fill(tmpl, f.v, f.n);
	fill_free(&f);
	return out;
}

static void
add_text(struct kiosk *k, enum screen_part part, const struct ltext *t, const char *lang)
{
	if (t == NULL || t->n == 0)
		return;
	char *show = view_fill(k, ltext_show(t, lang), lang, 0);
	char *say = view_fill(k, ltext_say(t, lang), lang, 1);
	screen_add(&k->screen, part, lang, show, say);
	free(show);
	free(say);
}

static void
add_message(struct kiosk *k, enum message_id m, const char *lang)
{
	if (m == MSG_NONE)
		return;
	add_text(k, SCREEN_MESSAGE, layout_message_id(&k->setup->layouts, m), lang);
}

/* Welcome, out-of-service and language screens speak to whoever walks up, so they are
 * shown in every offered language, the default first. */
static int
screen_is_multilingual(enum screen_id id)
{
	return id == SCREEN_WELCOME || id == SCREEN_OUT_OF_SERVICE || id == SCREEN_LANGUAGE;
}

/* Fast cash beyond what the card can take now (its balance, or what is left of its
 * daily limit) is not offered: not shown, not said. Its key, pressed all the same, says
 * why it cannot be paid. Through the loudspeaker every amount is offered: the ones left
 * out would tell bystanders about the balance. */
static int
item_offered(const struct kiosk *k, const struct litem *it)
{
	if (it->hidden)
		return 0;
	return it->kind != LITEM_AMOUNT || (k->speech_on && !k->headset) ||
	    (int64_t)it->amount * 100 <= withdraw_max(&k->s);
}

int
view_simple(struct kiosk *k)
{
	const struct lscreen *ls = layout_screen_id(&k->setup->layouts, state_screen(k->state));
	if (!k->large || k->simple_all || ls == NULL)
		return 0;
	int simple = 0, other = 0;
	for (int i = 0; i < ls->nitems; i++)
		if (item_offered(k, &ls->items[i])) {
			simple += ls->items[i].simple;
			other += !ls->items[i].simple;
		}
	return simple > 0 && other > 0;
}

int
view_in_more_choices(struct kiosk *k, enum key_fn fn)
{
	if (k->overlay != OVERLAY_NONE || !view_simple(k))
		return 0;
	const struct lscreen *ls = layout_screen_id(&k->setup->layouts, state_screen(k->state));
	const char *key = keyfn_to_str(fn);
	for (int i = 0; i < ls->nitems; i++)
		if (!ls->items[i].simple && item_offered(k, &ls->items[i]) &&
		    strcmp(ls->items[i].key, key) == 0)
			return 1;
	return 0;
}

static void
add_items(struct kiosk *k, const struct lscreen *ls, const char *lang)
{
	int simple = k->overlay == OVERLAY_NONE && view_simple(k);
	for (int i = 0; i < ls->nitems; i++) {
		const struct litem *it = &ls->items[i];
		if (!item_offered(k, it) || (simple && !it->simple))
			continue;
		/* On the language screen each choice is labelled in its own language. */
		const char *il = ls->id == SCREEN_LANGUAGE ? it->target : lang;
		char *show = view_fill(k, ltext_show(&it->label, il), il, 0);
		char *say = view_fill(k, ltext_say(&it->label, il), il, 1);
		screen_add_item(&k->screen, it->key, il, show, say);
		free(show);
		free(say);
	}
	const struct ltext *more = layout_message_id(&k->setup->layouts, MSG_MORE_SERVICES);
	if (simple && more != NULL)
		screen_add_item(&k->screen, LITEM_MORE_KEY, lang, ltext_show(more, lang),
		    ltext_say(more, lang));
}

static void
add_texts(struct kiosk *k, const struct lscreen *ls, const char *lang)
{
	/* Staff-assisted mode on every screen, overlays too: whoever looks or listens
	 * knows a member of staff is at the keypad. */
	if (staff_present(k))
		add_message(k, message_from_str("staff_assisting"), lang);
	/* A setting just switched, first: it is what the customer is looking for. */
	if (k->overlay == OVERLAY_NONE)
		add_message(k, k->setting, lang);
	add_text(k, SCREEN_TITLE, &ls->title, lang);
	if (k->overlay == OVERLAY_NONE) {
		add_message(k, k->s.message, lang);
		if (k->lp_font_notice)
			add_message(k, MSG_LARGE_PRINT_FONT, lang);
		if (k->state->message != NULL)
			add_message(k, k->state->message(k), lang);
	}
	/* Describe-key mode: the key last pressed, in the customer's language. */
	if (k->overlay == OVERLAY_DESCRIBE && k->described_show != NULL &&
	    strcmp(lang, k->lang) == 0)
		screen_add(&k->screen, SCREEN_MESSAGE, lang, k->described_show,
		    k->described_say);
	for (int i = 0; i < ls->nlines; i++)
		add_text(k, SCREEN_LINE, &ls->lines[i], lang);
	add_text(k, SCREEN_PROMPT, &ls->prompt, lang);
}

static void
build_input(struct kiosk *k)
{
	struct screen_input *in = &k->screen.input;
	snprintf(in->lang, sizeof in->lang, "%s", k->lang);
	if (k->state->input != NULL)
		k->state->input(k, in);
}

/* Message m, filled in the customer's language, put in the model by set. */
static void
set_filled(struct kiosk *k, enum message_id m,
    void (*set)(struct screen *, const char *, const char *, const char *))
{
	const struct ltext *t = m == MSG_NONE ? NULL : layout_message_id(&k->setup->layouts, m);
	if (t == NULL)
		return;
	char *show = view_fill(k, ltext_show(t, k->lang), k->lang, 0);
	char *say = view_fill(k, ltext_say(t, k->lang), k->lang, 1);
	set(&k->screen, k->lang, show, say);
	free(show);
	free(say);
}

void
view_lp_room(const struct kiosk *k, int *cols, int *rows)
{
	/* Less the margins and the page line, and the demo's status lines. */
	*cols = k->drawn.cols - 2;
	*rows = k->drawn.rows - (k->demo ? 3 : 1);
}

int
view_text_sizes(const struct kiosk *k)
{
	int cols, rows;
	view_lp_room(k, &cols, &rows);
	return lp_size_largest(cols, rows);
}

int
view_zero_pages(const struct kiosk *k)
{
	if (k->screen.input.active)
		return 0;
	for (int i = 0; i < k->screen.nitems; i++)
		if (strcmp(k->screen.items[i].key, "0") == 0)
			return 0;
	return 1;
}

/* Large print pages a screen too long for the terminal: the model says so, shown and
 * spoken, in the customer's language. */
void
view_pages(struct kiosk *k)
{
	screen_clear_more(&k->screen);
	if (!k->large || (k->lp_pages = render_large_pages(k)) < 2)
		return;
	if (k->lp_page >= k->lp_pages)
		k->lp_page = 0;
	/* On the last page the same key goes back to the first: it says so. */
	int last = k->lp_page == k->lp_pages - 1;
	set_filled(k, view_zero_pages(k) ? (last ? MSG_MORE_PAGES_LAST : MSG_MORE_PAGES) :
	    (last ? MSG_MORE_PAGES_LAST_NEXT : MSG_MORE_PAGES_NEXT), screen_set_more);
}

static void
build(struct kiosk *k)
{
	const struct kiosk_config *cfg = k->cfg;
	enum screen_id id = overlay_screen(k);
	const struct lscreen *ls = layout_screen_id(&k->setup->layouts, id);
	/* An overlay speaks to whoever the screen underneath speaks to. */
	int multi = screen_is_multilingual(state_screen(k->state));

	screen_reset(&k->screen, screen_to_str(id), multi ? "" : k->lang);
	/* The message is this state's now: it stays with it until it is left. */
	k->s.message_new = 0;
	if (ls == NULL)
		return;
	if (!multi) {
		add_texts(k, ls, k->lang);
		add_items(k, ls, k->lang);
		if (k->overlay == OVERLAY_NONE)
			build_input(k);
		return;
	}
	add_texts(k, ls, cfg->default_language);
	for (int i = 0; i < cfg->nlanguages; i++)
		if (strcmp(cfg->languages[i], cfg->default_language) != 0)
			add_texts(k, ls, cfg->languages[i]);
	add_items(k, ls, cfg->default_language);
}

void
view_build_too_small(struct kiosk *k, struct screen *s)
{
	const struct kiosk_config *cfg = k->cfg;
	const struct ltext *t = layout_message_id(&k->setup->layouts, MSG_TERMINAL_TOO_SMALL);

	screen_reset(s, "terminal_too_small", "");
	for (int i = -1; i < cfg->nlanguages; i++) {
		/* The default language first, as on every screen shown in all of them. */
		const char *lang = i < 0 ? cfg->default_language : cfg->languages[i];
		if (i >= 0 && strcmp(lang, cfg->default_language) == 0)
			continue;
		char *show = view_fill(k, t ? ltext_show(t, lang) : "80x24", lang, 0);
		char *say = t ? view_fill(k, ltext_say(t, lang), lang, 1) : NULL;
		screen_add(s, SCREEN_MESSAGE, lang, show, say);
		free(show);
		free(say);
	}
}

void
view_build(struct kiosk *k)
{
	build(k);
	/* The warning is for now, in the customer's language, whatever the screen. */
	set_filled(k, k->warning, screen_set_warning);
	view_pages(k);
}

const struct litem *
layout_item_for_key(struct kiosk *k, enum key_fn fn)
{
	return layout_item_on(k, state_screen(k->state), fn);
}

const struct litem *
layout_item_on(struct kiosk *k, enum screen_id id, enum key_fn fn)
{
	const struct lscreen *ls = layout_screen_id(&k->setup->layouts, id);
	if (ls == NULL)
		return NULL;
	const char *key = keyfn_to_str(fn);
	/* The simple menu's keys are those it shows, and those of amounts beyond reach,
	 * which say why they cannot be paid as they do in the full menu. */
	int simple = id == state_screen(k->state) && view_simple(k);
	for (int i = 0; i < ls->nitems; i++)
		if (!ls->items[i].hidden && (!simple || ls->items[i].simple ||
		    !item_offered(k, &ls->items[i])) && strcmp(ls->items[i].key, key) == 0)
			return &ls->items[i];
	return NULL;
}

const char *
view_message_show(struct kiosk *k, enum message_id m)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, m);
	return t ? ltext_show(t, k->lang) : "";
}
