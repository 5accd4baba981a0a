#include "kiosk/screen.h"

#include "common/util.h"
#include "config/layout.h"
#include "config/voice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
text_set(struct screen_text *t, const char *lang, const char *show, const char *say)
{
	snprintf(t->lang, sizeof t->lang, "%s", lang ? lang : "");
	t->show = xstrdup(show ? show : "");
	t->say = xstrdup(say ? say : t->show);
}

static void
text_free(struct screen_text *t)
{
	free(t->show);
	free(t->say);
	t->show = t->say = NULL;
}

void
screen_reset(struct screen *s, const char *name, const char *lang)
{
	screen_free(s);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->lang, sizeof s->lang, "%s", lang ? lang : "");
}

void
screen_free(struct screen *s)
{
	for (int i = 0; i < s->nblocks; i++)
		text_free(&s->blocks[i].text);
	for (int i = 0; i < s->nitems; i++)
		text_free(&s->items[i].label);
	free(s->input.show);
	free(s->input.say);
	text_free(&s->warning);
	text_free(&s->more);
	memset(s, 0, sizeof *s);
}

void
screen_add(struct screen *s, enum screen_part part, const char *lang, const char *show,
    const char *say)
{
	if (s->nblocks == SCREEN_MAX_TEXTS || show == NULL)
		return;
	struct screen_block *b = &s->blocks[s->nblocks++];
	b->part = part;
	text_set(&b->text, lang, show, say);
}

void
screen_add_item(struct screen *s, const char *key, const char *lang, const char *show,
    const char *say)
{
	if (s->nitems == SCREEN_MAX_ITEMS)
		return;
	struct screen_item *it = &s->items[s->nitems++];
	snprintf(it->key, sizeof it->key, "%s", key);
	text_set(&it->label, lang, show, say);
}

void
screen_set_warning(struct screen *s, const char *lang, const char *show, const char *say)
{
	text_free(&s->warning);
	text_set(&s->warning, lang, show, say);
}

void
screen_set_more(struct screen *s, const char *lang, const char *show, const char *say)
{
	text_free(&s->more);
	text_set(&s->more, lang, show, say);
}

void
screen_clear_more(struct screen *s)
{
	text_free(&s->more);
}

static void
script_add(struct speech_script *sc, const char *lang, const char *text, int item)
{
	if (text == NULL || text[0] == '\0')
		return;
	/* Runs of one language become one part, so the voice changes only where it must. */
	if (item < 0 && sc->n > 0 && sc->seg[sc->n - 1].item < 0 &&
	    strcmp(sc->seg[sc->n - 1].lang, lang) == 0) {
		struct speech_segment *last = &sc->seg[sc->n - 1];
		struct strbuf b = {0};
		strbuf_add(&b, last->text);
		strbuf_add(&b, "\n");
		strbuf_add(&b, text);
		free(last->text);
		last->text = strbuf_take(&b);
		return;
	}
	sc->seg = xrealloc(sc->seg, (size_t)(sc->n + 1) * sizeof *sc->seg);
	struct speech_segment *seg = &sc->seg[sc->n++];
	snprintf(seg->lang, sizeof seg->lang, "%s", lang);
	seg->text = xstrdup(text);
	seg->item = item;
}

void
speech_script_add(struct speech_script *sc, const char *lang, const char *text)
{
	script_add(sc, lang, text, -1);
}

void
speech_script_add_item(struct speech_script *sc, const char *lang, const char *text, int item)
{
	script_add(sc, lang, text, item);
}

void
speech_script_free(struct speech_script *sc)
{
	for (int i = 0; i < sc->n; i++)
		free(sc->seg[i].text);
	free(sc->seg);
	sc->seg = NULL;
	sc->n = 0;
}

static enum key_fn
key_to_fn(const char *key)
{
	return keyfn_from_str(key);
}

static void
speak_item(const struct screen *s, int i, const struct voice_set *voices,
    struct speech_script *out)
{
	const struct screen_item *it = &s->items[i];
	const struct voice_rules *v = voice_for(voices, it->label.lang);
	if (v == NULL) {
		speech_script_add_item(out, it->label.lang, it->label.say, i);
		return;
	}
	struct text_var vars[] = {
		{ "label", it->label.say },
		{ "key", voice_key_name(v, key_to_fn(it->key)) },
	};
	char *said = text_fill(v->item, vars, 2);
	speech_script_add_item(out, it->label.lang, said, i);
	free(said);
}

static void
speak_input(const struct screen *s, const struct voice_set *voices, struct speech_script *out)
{
	const struct screen_input *in = &s->input;
	if (!in->active)
		return;
	if (!in->masked) {
		if (in->len > 0 && in->say != NULL)
			speech_script_add(out, in->lang, in->say);
		return;
	}
	/* A PIN is spoken only as a count: never a digit. */
	const struct voice_rules *v = voice_for(voices, in->lang);
	if (v == NULL || in->len == 0)
		return;
	char count[16];
	snprintf(count, sizeof count, "%d", in->len);
	struct text_var vars[] = { { "count", count } };
	char *said = text_fill(v->digits_entered, vars, 1);
	speech_script_add(out, in->lang, said);
	free(said);
}

void
screen_speech(const struct screen *s, const struct voice_set *voices, struct speech_script *out)
{
	/* Display order: title and lines, the warning, items, input, then prompts. */
	for (int i = 0; i < s->nblocks; i++)
		if (s->blocks[i].part != SCREEN_PROMPT)
			speech_script_add(out, s->blocks[i].text.lang, s->blocks[i].text.say);
	if (s->warning.show != NULL)
		speech_script_add(out, s->warning.lang, s->warning.say);
	for (int i = 0; i < s->nitems; i++)
		speak_item(s, i, voices, out);
	speak_input(s, voices, out);
	for (int i = 0; i < s->nblocks; i++)
		if (s->blocks[i].part == SCREEN_PROMPT)
			speech_script_add(out, s->blocks[i].text.lang, s->blocks[i].text.say);
	if (s->more.show != NULL)
		speech_script_add(out, s->more.lang, s->more.say);
}

void
screen_input_show(const struct screen_input *in, const char *open, const char *star,
    const char *close, struct strbuf *out)
{
	strbuf_add(out, open);
	if (in->masked)
		for (int i = 0; i < in->len; i++)
			strbuf_add(out, star);
	else if (in->show != NULL)
		strbuf_add(out, in->show);
	strbuf_add(out, close);
}

char *
screen_shown_text(const struct screen *s)
{
	struct strbuf b = {0};
	strbuf_init(&b);
	for (int i = 0; i < s->nblocks; i++) {
		if (b.len)
			strbuf_add(&b, " | ");
		strbuf_add(&b, s->blocks[i].text.show);
	}
	for (int i = 0; i < s->nitems; i++)
		strbuf_addf(&b, " | [%s] %s", s->items[i].key, s->items[i].label.show);
	if (s->input.active) {
		strbuf_add(&b, " | ");
		screen_input_show(&s->input, "", "*", "", &b);
	}
	if (s->warning.show)
		strbuf_addf(&b, " | %s", s->warning.show);
	if (s->more.show)
		strbuf_addf(&b, " | %s", s->more.show);
	return strbuf_take(&b);
}
