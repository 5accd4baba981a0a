/* Nothing cut off in large print: every text of every layout and message, in every
 * offered language, with long values in its placeholders, wraps at 80x24 (and at 132x43)
 * into lines no wider than the screen, loses no character on the way, and has a glyph
 * in the fonts for every character. The renderer pages those lines, so a text that
 * wraps here is shown whole.
 * usage: test_large_fit SOURCE-DIR */
#include "config/layout.h"
#include "largeprint/largeprint.h"

#include "common/util.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A check with a message saying what did not fit. */
#define FIT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

/* Long values, so that the widest a text can be is what is measured. */
static const struct text_var samples[] = {
	{ "name", "李秀英 Li Xiuying-Montgomery" }, { "tries", "2" }, { "seconds", "20" },
	{ "balance", "¥12,345,678.00" }, { "available", "¥12,345,678.00" },
	{ "amount", "¥999,900.00" }, { "note", "¥100.00" }, { "max", "¥20,000.00" },
	{ "card", "**** 0002" }, { "kiosk", "BR001-K01" }, { "date", "2026-11-22" },
	{ "time", "14:05" }, { "width", "79" }, { "height", "23" }, { "page", "10" },
	{ "pages", "10" }, { "volume", "8" }, { "volume_max", "8" }, { "speed", "7" },
	{ "speed_max", "7" }, { "size", "3" }, { "sizes", "3" }, { "theme", "4" },
	{ "themes", "4" }, { "key", "F8" }, { "label", "Back to the main menu" },
	{ "screen_help", "This is the main menu. Press the number of a service." },
};

struct fit {
	struct lp_fonts *fs;
	int cols, size;
	const char *where;
	int texts;
};

/* The characters of s that are drawn (not spaces or newlines), in order. */
static char *
ink(const char *s)
{
	struct strbuf b = {0};
	strbuf_init(&b);
	for (const char *p = s; *p; p++)
		if (*p != ' ' && *p != '\n')
			strbuf_addc(&b, *p);
	return strbuf_take(&b);
}

static void
check_text(struct fit *f, const char *what, const char *lang, const char *tmpl)
{
	if (tmpl == NULL)
		return;
	char *text = text_fill(tmpl, samples, (int)ARRAY_LEN(samples));
	struct lp_lines l;
	struct strbuf joined = {0};

	f->texts++;
	strbuf_init(&joined);
	lp_fonts_need(f->fs, text);
	lp_wrap(f->fs, text, f->size, f->cols, &l);
	for (int i = 0; i < l.count; i++) {
		int w = lp_measure(f->fs, l.line[i], f->size);
		FIT(w <= f->cols, "%s %s %s: line \"%s\" is %d columns, the screen %d", f->where,
		    what, lang, l.line[i], w, f->cols);
		strbuf_add(&joined, l.line[i]);
	}
	char *want = ink(text), *got = ink(joined.s);
	FIT(strcmp(want, got) == 0, "%s %s %s: wrapped \"%s\" as \"%s\"", f->where, what, lang,
	    want, got);
	for (const char *p = text; *p;) {
		uint32_t cp = lp_utf8_next(&p);
		FIT(cp == ' ' || cp == '\n' || lp_fonts_glyph(f->fs, cp) != NULL,
		    "%s %s %s: U+%04X has no glyph: drawn at normal size", f->where, what, lang,
		    (unsigned)cp);
	}
	free(want);
	free(got);
	strbuf_free(&joined);
	lp_lines_free(&l);
	free(text);
}

static void
check_ltext(struct fit *f, const char *what, const struct ltext *t,
    const struct kiosk_config *cfg)
{
	for (int i = 0; t->n > 0 && i < cfg->nlanguages; i++)
		check_text(f, what, cfg->languages[i], ltext_show(t, cfg->languages[i]));
}

static void
check_layouts(struct fit *f, const struct layout_set *set, const struct kiosk_config *cfg)
{
	char what[128];
	for (int s = 0; s < set->nscreens; s++) {
		const struct lscreen *ls = &set->screens[s];
		snprintf(what, sizeof what, "%s title", ls->name);
		check_ltext(f, what, &ls->title, cfg);
		for (int i = 0; i < ls->nlines; i++) {
			snprintf(what, sizeof what, "%s line %d", ls->name, i + 1);
			check_ltext(f, what, &ls->lines[i], cfg);
		}
		snprintf(what, sizeof what, "%s prompt", ls->name);
		check_ltext(f, what, &ls->prompt, cfg);
		snprintf(what, sizeof what, "%s help", ls->name);
		check_ltext(f, what, &ls->help, cfg);
		for (int i = 0; i < ls->nitems; i++)
			for (int j = 0; j < cfg->nlanguages; j++) {
				/* As large print draws an item: its key, then its label. */
				const char *lang = cfg->languages[j];
				struct strbuf b = {0};
				strbuf_addf(&b, "%s %s", ls->items[i].key,
				    ltext_show(&ls->items[i].label, lang));
				snprintf(what, sizeof what, "%s item %s", ls->name, ls->items[i].key);
				check_text(f, what, lang, b.s);
				strbuf_free(&b);
			}
		for (int i = 0; i < ls->nkeys; i++) {
			snprintf(what, sizeof what, "%s keys.%s", ls->name, ls->keys[i].name);
			check_ltext(f, what, &ls->keys[i].text, cfg);
		}
	}
	for (int m = 0; m < set->nmessages; m++) {
		snprintf(what, sizeof what, "message %s", set->messages[m].id);
		check_ltext(f, what, &set->messages[m].text, cfg);
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_large_fit SOURCE-DIR\n");
		return 2;
	}
	setlocale(LC_ALL, "C.UTF-8");
	char *langs[] = { "zh", "en", NULL };
	struct strbuf dir = {0};
	strbuf_addf(&dir, "%s/layouts", argv[1]);
	struct kiosk_config cfg = { .path = "kiosk.yaml", .layouts_dir = dir.s,
		.languages = langs, .nlanguages = 2, .default_language = "zh" };
	struct layout_set set;
	struct diag_list d = {0};
	FIT(layouts_load(&cfg, &set, &d) == 0, "the shipped layouts do not load");
	for (int i = 0; i < d.count; i++)
		fprintf(stderr, "%s:%d:%d: %s\n", d.items[i].file, d.items[i].line,
		    d.items[i].column, d.items[i].message);
	diag_free(&d);

	struct lp_fonts fs;
	FIT(lp_fonts_default(&fs, LP_UNIFONT_PATH, &d) == 0, "Unifont: %s",
	    d.count ? d.items[0].message : "?");
	diag_free(&d);
	/* The terminals of the issue, with the margins and the page line large print keeps;
	 * every size each offers. */
	static const struct { int cols, rows; } terms[] = { { 80, 24 }, { 132, 43 } };
	for (size_t t = 0; t < ARRAY_LEN(terms); t++) {
		int cols = terms[t].cols - 3, largest = lp_size_largest(terms[t].cols - 2,
		    terms[t].rows - 1);
		FIT(largest >= 1, "no large print size at %dx%d", terms[t].cols, terms[t].rows);
		for (int size = LP_SIZE_MIN; size <= largest; size++) {
			char where[32];
			snprintf(where, sizeof where, "%dx%d size %d:", terms[t].cols, terms[t].rows,
			    size);
			struct fit f = { &fs, cols, size, where, 0 };
			check_layouts(&f, &set, &cfg);
			printf("%s %d texts wrap whole\n", where, f.texts);
		}
	}
	lp_fonts_close(&fs);
	layouts_free(&set);
	strbuf_free(&dir);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
