/* kioskctl check, texts that name a key: describe_keys.yaml names each function's key
 * ("Insert: calls a member of staff"), and notices and screens tell the customer to
 * press it ("press Insert to call a member of staff"). When kiosk.yaml's keymap moves
 * the function off that key, those texts send a blind customer to the wrong key. The
 * kiosk works otherwise, so each is a warning, at the text. */
#include "ctl/check.h"

#include "config/keyfn.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The key's name in a describe_keys text: what comes before its colon (":" or "："). */
static int
key_name(const char *text, char *out, size_t outsz)
{
	const char *colon = strchr(text, ':'), *wide = strstr(text, "：");

	if (wide != NULL && (colon == NULL || wide < colon))
		colon = wide;
	if (colon == NULL || colon == text || (size_t)(colon - text) >= outsz ||
	    memchr(text, '{', (size_t)(colon - text)) != NULL)
		return -1;
	memcpy(out, text, (size_t)(colon - text));
	out[colon - text] = '\0';
	return 0;
}

/* name in text as a word of its own ("Insert", not "Inserted"). */
static int
text_names(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(text, name); p != NULL; p = strstr(p + 1, name))
		if ((p == text || !isalpha((unsigned char)p[-1])) && !isalpha((unsigned char)p[n]))
			return 1;
	return 0;
}

/* The keys kiosk.yaml binds fn to, "F5, F6", for the message. */
static void
bound_keys(const struct kiosk_config *cfg, enum key_fn fn, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < cfg->nkeys && len < outsz; i++)
		if (cfg->keys[i].fn == fn)
			len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? ", " : "",
			    cfg->keys[i].key);
	if (out[0] == '\0')
		snprintf(out, outsz, "no key");
}

/* A key named as its function (CLEAR, whatever key sends it): a keypad's legend, which
 * stays right wherever keymap puts the function. */
static int
named_by_function(const struct lkeytext *k)
{
	char name[64];

	for (int i = 0; i < k->text.n; i++)
		if (key_name(k->text.v[i].show, name, sizeof name) == 0 &&
		    strcasecmp(name, k->name) == 0)
			return 1;
	return 0;
}

struct moved {
	enum key_fn fn;
	const char *fname, *dflt;  /* the function, and its default key */
	char bound[64];
	const char *lang;
	char name[64];             /* the key's name in lang ("Insert", "插入键") */
};

static int
warn_text(const struct ltext *t, const char *file, const struct moved *m,
    struct diag_list *d)
{
	int n = 0;

	for (int i = 0; i < t->n; i++) {
		const struct ltext_entry *e = &t->v[i];
		if (strcmp(e->lang, m->lang) != 0 || (!text_names(e->show, m->name) &&
		    !text_names(e->say, m->name)))
			continue;
		diag_add(d, file, e->line, e->column, "warning: this %s text names %s, the "
		    "default key of %s, but keymap in kiosk.yaml gives %s %s: name that key "
		    "here", e->lang, m->name, m->fname, m->fname, m->bound);
		n++;
	}
	return n;
}

static int
warn_screens(const struct layout_set *set, const char *messages, const struct moved *m,
    struct diag_list *d)
{
	int n = 0;

	for (int i = 0; i < set->nscreens; i++) {
		const struct lscreen *s = &set->screens[i];
		n += warn_text(&s->title, s->file, m, d);
		for (int j = 0; j < s->nlines; j++)
			n += warn_text(&s->lines[j], s->file, m, d);
		for (int j = 0; j < s->nitems; j++)
			n += warn_text(&s->items[j].label, s->file, m, d);
		n += warn_text(&s->prompt, s->file, m, d);
		n += warn_text(&s->help, s->file, m, d);
		for (int j = 0; j < s->nkeys; j++)
			n += warn_text(&s->keys[j].text, s->file, m, d);
	}
	for (int i = 0; i < set->nmessages; i++)
		n += warn_text(&set->messages[i].text, messages, m, d);
	return n;
}

int
check_key_names(const struct kiosk_config *cfg, const struct layout_set *set,
    struct diag_list *d)
{
	const struct lscreen *dk = layout_screen(set, "describe_keys");
	const struct keymap_default *defs;
	char messages[512];
	int ndefs, n = 0;

	if (dk == NULL || cfg->layouts_dir == NULL)
		return 0;
	snprintf(messages, sizeof messages, "%s/messages.yaml", cfg->layouts_dir);
	defs = keymap_defaults(&ndefs);
	for (int i = 0; i < dk->nkeys; i++) {
		struct moved m = { .fn = keyfn_from_str(dk->keys[i].name) };
		for (int j = 0; j < ndefs; j++)
			if (defs[j].fn == m.fn)
				m.dflt = defs[j].keys[0];
		/* Still on its default key: every text naming it is right. */
		if (m.fn == KEYFN_NONE || m.dflt == NULL || config_key_fn(cfg, m.dflt) == m.fn)
			continue;
		m.fname = dk->keys[i].name;
		if (named_by_function(&dk->keys[i]))
			continue;
		bound_keys(cfg, m.fn, m.bound, sizeof m.bound);
		for (int j = 0; j < dk->keys[i].text.n; j++) {
			const struct ltext_entry *e = &dk->keys[i].text.v[j];
			m.lang = e->lang;
			if (key_name(e->show, m.name, sizeof m.name) == 0)
				n += warn_screens(set, messages, &m, d);
		}
	}
	return n;
}
