/* How test_silent compares a screen with what was heard on it: the rules are described
 * at the top of test_silent.c. */
#include "silent_check.h"

#include "config/setup.h"
#include "kiosk/money.h"
#include "kiosk/state.h"
#include "kiosk/view.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SHOWN_MAX (SCREEN_MAX_TEXTS + SCREEN_MAX_ITEMS + 2)
#define POOL_MAX 512

/* ---- text ------------------------------------------------------------------------ */

static int
utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	int n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	unsigned c = n == 4 ? u[0] & 0x07 : n == 3 ? u[0] & 0x0f : u[0] & 0x1f;
	for (int i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return i;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	*cp = c;
	return n;
}

static int
is_cjk(unsigned cp)
{
	return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2ffff);
}

static int
has_cjk(const char *s)
{
	unsigned cp;
	for (; *s; s += utf8_next(s, &cp))
		if (utf8_next(s, &cp) > 1 && is_cjk(cp))
			return 1;
	return 0;
}

static int
has_latin(const char *s)
{
	for (; *s; s++)
		if (isalpha((unsigned char)*s))
			return 1;
	return 0;
}

/* Whether s has the Latin word (2+ letters) word, case-insensitive. */
static int
has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = s; *p; p++) {
		if (!isalpha((unsigned char)*p) || (p > s && isalpha((unsigned char)p[-1])))
			continue;
		size_t len = 0;
		while (isalpha((unsigned char)p[len]))
			len++;
		if (len == n && strncasecmp(p, word, n) == 0)
			return 1;
	}
	return 0;
}

static int
digitish_before(const char *hay, const char *p)
{
	if (p == hay)
		return 0;
	if (isdigit((unsigned char)p[-1]))
		return 1;
	return (p[-1] == ',' || p[-1] == '.') && p - 1 > hay && isdigit((unsigned char)p[-2]);
}

static int
digitish_after(const char *p)
{
	return isdigit((unsigned char)p[0]) ||
	    ((p[0] == ',' || p[0] == '.') && isdigit((unsigned char)p[1]));
}

/* The length of the Chinese numeral p starts with (一, 十, 两...), else 0. */
static size_t
cjk_numeral(const char *p)
{
	static const char *const numerals[] = { "零", "一", "二", "两", "三", "四", "五",
	    "六", "七", "八", "九", "十", "百", "千", "万" };
	for (size_t i = 0; i < ARRAY_LEN(numerals); i++)
		if (strncmp(p, numerals[i], strlen(numerals[i])) == 0)
			return strlen(numerals[i]);
	return 0;
}

/* The first occurrence of needle in hay that is not part of a longer number, in digits
 * or in Chinese numerals (一 is not the end of 十一). */
static char *
find_value(char *hay, const char *needle)
{
	size_t n = strlen(needle), last = 0;
	if (n == 0)
		return NULL;
	/* Every numeral is one 3-byte character. */
	if (n >= 3 && cjk_numeral(needle + n - 3))
		last = 3;
	for (char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
		if (isdigit((unsigned char)needle[0]) && digitish_before(hay, p))
			continue;
		if (isdigit((unsigned char)needle[n - 1]) && digitish_after(p + n))
			continue;
		if (cjk_numeral(needle) && p - hay >= 3 && cjk_numeral(p - 3))
			continue;
		if (last && cjk_numeral(p + n))
			continue;
		return p;
	}
	return NULL;
}

static void
blank(char *p, size_t n)
{
	memset(p, ' ', n);
}

/* Latin words of 2+ letters (lower-cased) and CJK characters: what (a) compares. */
struct token {
	char s[48];
	const char *lang;
	int used;
};
struct tokens {
	struct token *t;
	int n;
};

static void
token_add(struct tokens *ts, const char *s, size_t n, const char *lang)
{
	ts->t = xrealloc(ts->t, (size_t)(ts->n + 1) * sizeof *ts->t);
	struct token *t = &ts->t[ts->n++];
	if (n >= sizeof t->s)
		n = sizeof t->s - 1;
	for (size_t i = 0; i < n; i++)
		t->s[i] = (char)tolower((unsigned char)s[i]);
	t->s[n] = '\0';
	t->lang = lang;
	t->used = 0;
}

static void
tokenize(struct tokens *ts, const char *text, const char *lang)
{
	const char *p = text;
	while (*p) {
		if (isalpha((unsigned char)*p)) {
			size_t n = 0;
			while (isalpha((unsigned char)p[n]))
				n++;
			if (n >= 2)
				token_add(ts, p, n, lang);
			p += n;
			continue;
		}
		unsigned cp;
		int n = utf8_next(p, &cp);
		if (is_cjk(cp))
			token_add(ts, p, (size_t)n, lang);
		p += n;
	}
}

/* ---- utterances ------------------------------------------------------------------ */

void
heard_add_part(struct heard *h, const char *lang, const char *text, size_t n)
{
	h->parts = xrealloc(h->parts, (size_t)(h->nparts + 1) * sizeof *h->parts);
	struct heard_part *p = &h->parts[h->nparts++];
	snprintf(p->lang, sizeof p->lang, "%s", lang);
	p->text = xstrndup(text, n);
}

/* One part when the utterance is in one language; else CJK text goes to the language
 * that is not en and Latin runs to en, which is how the kiosk splits them. */
void
heard_parts_from_trace(struct heard *h)
{
	if (strchr(h->langs, ',') == NULL) {
		heard_add_part(h, h->langs, h->text, strlen(h->text));
		return;
	}
	char other[8] = "zh";
	char *langs = xstrdup(h->langs), *save = NULL;
	for (char *l = strtok_r(langs, ",", &save); l; l = strtok_r(NULL, ",", &save))
		if (strcmp(l, "en") != 0)
			snprintf(other, sizeof other, "%s", l);
	free(langs);
	const char *p = h->text, *start = p;
	int latin = -1;
	while (*p) {
		unsigned cp;
		int n = utf8_next(p, &cp);
		int cls = isalpha((unsigned char)*p) ? 1 : cp >= 0x2e80 ? 0 : latin;
		if (cls != latin && latin != -1 && p > start) {
			heard_add_part(h, latin ? "en" : other, start, (size_t)(p - start));
			start = p;
		}
		latin = cls;
		p += n;
	}
	if (p > start)
		heard_add_part(h, latin == 1 ? "en" : other, start, (size_t)(p - start));
}

void
heard_free(struct heard *h)
{
	free(h->langs);
	free(h->text);
	for (int i = 0; i < h->nparts; i++)
		free(h->parts[i].text);
	free(h->parts);
	memset(h, 0, sizeof *h);
}

/* ---- messages and values ----------------------------------------------------------- */

/* Matches text against a layout template whose {placeholders} stand for anything. */
static int
template_match(const char *tmpl, const char *text)
{
	const char *t = tmpl, *s = text;
	int first = 1;
	for (;;) {
		const char *open = strchr(t, '{');
		size_t n = open ? (size_t)(open - t) : strlen(t);
		if (first) {
			if (strncmp(s, t, n) != 0)
				return 0;
			s += n;
		} else if (open == NULL) {
			size_t sl = strlen(s);
			return sl >= n && strcmp(s + sl - n, t) == 0;
		} else {
			char *lit = xstrndup(t, n);
			const char *at = strstr(s, lit);
			free(lit);
			if (at == NULL)
				return 0;
			s = at + n;
		}
		if (open == NULL)
			return *s == '\0';
		const char *close = strchr(open, '}');
		if (close == NULL)
			return 0;
		t = close + 1;
		first = 0;
	}
}

enum message_id
silent_message_of(struct kiosk *k, const char *lang, const char *shown)
{
	for (int m = 0; m < message_count(); m++) {
		const struct ltext *t = layout_message_id(&k->setup->layouts, (enum message_id)m);
		const char *tmpl = t ? ltext_show(t, lang) : NULL;
		if (tmpl != NULL && template_match(tmpl, shown))
			return (enum message_id)m;
	}
	return MSG_NONE;
}

/* A value the kiosk fills into texts, shown and spoken. */
struct value {
	char *show, *say;
};

static int
value_cmp(const void *a, const void *b)
{
	const struct value *x = a, *y = b;
	size_t lx = strlen(x->show), ly = strlen(y->show);
	return lx < ly ? 1 : lx > ly ? -1 : 0;
}

/* The value of placeholder name in lang, shown and spoken; 0 when there is nothing to
 * look for (an empty name, a card number not yet known). */
static int
value_of(struct kiosk *k, const char *name, const char *lang, struct value *out)
{
	char tmpl[48];
	snprintf(tmpl, sizeof tmpl, "{%s}", name);
	out->show = view_fill(k, tmpl, lang, 0);
	out->say = view_fill(k, tmpl, lang, 1);
	if (strpbrk(out->show, "0123456789") == NULL && !has_latin(out->show) &&
	    !has_cjk(out->show)) {
		free(out->show);
		free(out->say);
		return 0;
	}
	return 1;
}

/* Every value of the session in lang, longest shown form first, spoken as it was when
 * the screen was said: a headset pulled out since does not change what was heard. */
static int
values_for(struct kiosk *k, const char *lang, int headset_then, struct value *out, int max)
{
	static const char *const names[] = { "name", "tries", "seconds", "card", "kiosk", "date",
		"time", "width", "height", "balance", "available", "amount", "note", "max",
		"staff_id", "staff_badge" };
	/* The fraud screens' own; a count of 0 seconds is shown as no count at all. */
	static const char *const fraud_names[] = { "fraud_amount", "fraud_large", "fraud_left" };
	int fraud = strncmp(k->state->name, "fraud_", 6) == 0;
	int nfraud = fraud ? (int)ARRAY_LEN(fraud_names) - (k->s.fraud.left == 0) : 0;
	int n = 0, headset = k->headset;

	k->headset = headset_then;
	size_t nnames = ARRAY_LEN(names) + (size_t)nfraud;
	for (size_t i = 0; i < nnames && n < max; i++)
		n += value_of(k, i < ARRAY_LEN(names) ? names[i] :
		    fraud_names[i - ARRAY_LEN(names)], lang, &out[n]);
	/* A service's own placeholders, on its own screen. */
	const struct screen_contract *c = k->state->contract;
	for (const char *const *ph = c ? c->placeholders : NULL; ph && *ph && n < max; ph++)
		n += value_of(k, *ph, lang, &out[n]);
	/* And the message shown on it, which may be a service's on the menu. */
	const struct message_contract *mc = k->s.message != MSG_NONE ?
	    message_contract_get(k->s.message) : NULL;
	for (const char *const *ph = mc ? mc->placeholders : NULL; ph && *ph && n < max; ph++)
		n += value_of(k, *ph, lang, &out[n]);
	/* The field being typed (an amount, a card number), as the state shows and says it. */
	struct screen_input in = {0};
	snprintf(in.lang, sizeof in.lang, "%s", lang);
	if (k->state->input != NULL)
		k->state->input(k, &in);
	if (in.active && !in.masked && in.len > 0 && in.show != NULL && in.say != NULL &&
	    n < max) {
		out[n++] = (struct value){ in.show, in.say };
		in.show = in.say = NULL;
	}
	free(in.show);
	free(in.say);
	k->headset = headset;
	qsort(out, (size_t)n, sizeof *out, value_cmp);
	return n;
}

/* ---- the check ------------------------------------------------------------------- */

/* A text shown, and a working copy from which what was found heard is blanked out. */
struct shown {
	const char *lang;
	const char *what;       /* "title", "item 3", ... for the report */
	const char *orig;
	char *text;
	const char *key;        /* an item's key */
};

/* The parts heard on the screen, as working copies. */
struct pool {
	struct heard_part p[POOL_MAX];
	int n;
};

struct report {
	struct strbuf *b;
	int problems;
};

static void
report_add(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report_add(struct report *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	strbuf_addf(r->b, "    %s\n", line);
	r->problems++;
}

/* Finds what in the parts heard in lang, or in en for a Latin run (a value or a number
 * must not be part of a longer number), and blanks it out, so each thing heard answers
 * for one thing shown. */
static int
heard_take(struct pool *pool, const char *lang, const char *what)
{
	for (int i = 0; i < pool->n; i++) {
		if (strcmp(pool->p[i].lang, lang) != 0 && strcmp(pool->p[i].lang, "en") != 0)
			continue;
		char *p = find_value(pool->p[i].text, what);
		if (p != NULL) {
			blank(p, strlen(what));
			return 1;
		}
	}
	return 0;
}

/* (a) for one text shown: its values, its other numbers and an item's key. */
static void
check_values(struct kiosk *k, int headset_then, struct shown *sh, struct pool *pool,
    struct report *r)
{
	struct value vals[24];
	int nv = values_for(k, sh->lang, headset_then, vals, (int)ARRAY_LEN(vals));
	const struct voice_rules *v = voice_for(&k->setup->voices, sh->lang);

	for (int i = 0; i < nv; i++) {
		char *p;
		while ((p = find_value(sh->text, vals[i].show)) != NULL) {
			blank(p, strlen(vals[i].show));
			/* Values shown alike may be said differently (a balance is private, the
			 * most one may take is not): any one of them will do. */
			int heard = 0;
			for (int j = 0; j < nv && !heard; j++)
				heard = strcmp(vals[j].show, vals[i].show) == 0 &&
				    heard_take(pool, sh->lang, vals[j].say);
			if (!heard)
				report_add(r, "%s: the value \"%s\" is not heard as \"%s\"", sh->what,
				    vals[i].show, vals[i].say);
		}
	}
	for (int i = 0; i < nv; i++) {
		free(vals[i].show);
		free(vals[i].say);
	}
	/* Any other number: in words (counting, or naming a level: 两 or 二), or as digits. */
	for (char *p = sh->text; *p; p++) {
		if (!isdigit((unsigned char)*p) || digitish_before(sh->text, p))
			continue;
		char digits[32];
		size_t n = 0, len = 0;
		while (isdigit((unsigned char)p[len]) ||
		    (p[len] == ',' && isdigit((unsigned char)p[len + 1]))) {
			if (p[len] != ',' && n + 1 < sizeof digits)
				digits[n++] = p[len];
			len++;
		}
		digits[n] = '\0';
		char *words = voice_number(v, atoll(digits));
		char *plain = voice_number_plain(v, atoll(digits));
		if (!heard_take(pool, sh->lang, words) && !heard_take(pool, sh->lang, plain) &&
		    !heard_take(pool, sh->lang, digits))
			report_add(r, "%s: the number %s is not heard (as %s or %s)", sh->what,
			    digits, words, digits);
		free(words);
		free(plain);
		blank(p, len);
	}
	if (sh->key != NULL) {
		const char *name = voice_key_name(v, keyfn_from_str(sh->key));
		if (!heard_take(pool, sh->lang, name))
			report_add(r, "%s: its key %s is not heard as \"%s\"", sh->what, sh->key,
			    name);
	}
}

/* The PIN: never a digit, but how many were typed. Heard as the screen's count and a
 * star (pin_digit) for every digit typed since. */
static void
check_masked(struct kiosk *k, const struct screen_input *in, const struct heard *heard,
    int nheard, struct report *r)
{
	const struct voice_rules *v = voice_for(&k->setup->voices, in->lang);
	if (v == NULL)
		return;
	int said = 0;
	for (int i = 0; i < nheard; i++) {
		const struct heard *h = &heard[i];
		if (!h->screen) {
			said += strcmp(h->text, v->pin_digit) == 0;
			continue;
		}
		for (int c = 1; c <= KPROTO_PIN_MAX; c++) {
			char count[8];
			snprintf(count, sizeof count, "%d", c);
			struct text_var vars[] = { { "count", count } };
			char *s = text_fill(v->digits_entered, vars, 1);
			if (strstr(h->text, s) != NULL)
				said = c;
			free(s);
		}
	}
	if (said != in->len)
		report_add(r, "the PIN shows %d digit(s), speech told of %d", in->len, said);
}

/* (b) for one part heard on screen s; zh_shown: the screen's Chinese texts. */
static void
check_part_lang(const struct screen *s, const struct heard_part *p, const char *zh_shown,
    struct report *r)
{
	if (strcmp(s->lang, "en") == 0) {
		if (strcmp(p->lang, "en") != 0)
			report_add(r, "on an en screen, \"%s\" is said in %s", p->text, p->lang);
		if (has_cjk(p->text))
			report_add(r, "on an en screen, \"%s\" holds Chinese", p->text);
		return;
	}
	if (strcmp(p->lang, "zh") == 0) {
		if (has_latin(p->text))
			report_add(r, "Latin letters in \"%s\" are read by the Mandarin voice",
			    p->text);
		return;
	}
	if (strcmp(p->lang, "en") != 0) {
		report_add(r, "\"%s\" is said in %s", p->text, p->lang);
		return;
	}
	if (has_cjk(p->text))
		report_add(r, "\"%s\" holds Chinese but is said by the en voice", p->text);
	if (s->lang[0] == '\0')
		return; /* a screen in every language: en is one of them */
	/* On a zh screen, en only for a Latin run the screen shows. */
	struct tokens ts = {0};
	tokenize(&ts, p->text, p->lang);
	for (int i = 0; i < ts.n; i++)
		if (!has_word(zh_shown, ts.t[i].s))
			report_add(r, "\"%s\" is said in en, but \"%s\" is not on the zh screen",
			    p->text, ts.t[i].s);
	free(ts.t);
}

/* A text shown without the values filled into it: a name the bank gives (a payee's,
 * masked) is in its own script whatever the screen's language. */
static char *
text_without_values(struct kiosk *k, const char *lang, int headset_then, const char *text)
{
	struct value vals[24];
	int nv = values_for(k, lang, headset_then, vals, (int)ARRAY_LEN(vals));
	char *out = xstrdup(text), *p;
	for (int i = 0; i < nv; i++) {
		while ((p = find_value(out, vals[i].show)) != NULL)
			blank(p, strlen(vals[i].show));
		free(vals[i].show);
		free(vals[i].say);
	}
	return out;
}

/* (b) for the screen: each text in the voice of its language. */
static void
check_langs(struct kiosk *k, int headset_then, const struct screen *s,
    const struct shown *sh, int nsh, const struct pool *pool, struct report *r)
{
	struct strbuf zh = {0};
	strbuf_init(&zh);
	for (int i = 0; i < nsh; i++) {
		if (s->lang[0] != '\0' && strcmp(sh[i].lang, s->lang) != 0)
			report_add(r, "%s is in %s on a %s screen", sh[i].what, sh[i].lang, s->lang);
		/* The model's language of a text picks its voice: it must be the text's. */
		char *own = text_without_values(k, sh[i].lang, headset_then, sh[i].orig);
		if (strcmp(sh[i].lang, "zh") == 0 ? has_latin(sh[i].orig) && !has_cjk(sh[i].orig) :
		    has_cjk(own))
			report_add(r, "%s \"%s\" is marked %s", sh[i].what, sh[i].orig, sh[i].lang);
		free(own);
		if (strcmp(sh[i].lang, "zh") == 0) {
			strbuf_add(&zh, sh[i].orig);
			strbuf_addc(&zh, ' ');
		}
	}
	for (int i = 0; i < pool->n; i++)
		check_part_lang(s, &pool->p[i], zh.s, r);
	strbuf_free(&zh);
	if (s->lang[0] != '\0')
		return;
	/* Shown in every language: each one shown, and said. */
	for (int l = 0; l < k->cfg->nlanguages; l++) {
		const char *lang = k->cfg->languages[l];
		int shows = 0, says = 0;
		for (int i = 0; i < s->nblocks; i++)
			shows |= strcmp(s->blocks[i].text.lang, lang) == 0;
		for (int i = 0; i < pool->n; i++)
			says |= strcmp(pool->p[i].lang, lang) == 0;
		if (!shows)
			report_add(r, "a screen for every language shows nothing in %s", lang);
		if (!says)
			report_add(r, "a screen for every language says nothing in %s", lang);
	}
}

/* (a) for the words and characters left once values and numbers were found, counted:
 * CJK in the text's own voice, Latin words in it or in en's. Words are taken from the
 * parts as said, so a value's spoken form may carry a label's word ("card ending 0 0 0 1"
 * for "Card: **** 0001"). */
static void
check_words(const struct shown *sh, int nsh, const struct heard *heard, int nheard,
    struct report *r)
{
	struct tokens said = {0};
	for (int i = 0; i < nheard; i++)
		for (int j = 0; j < heard[i].nparts; j++)
			tokenize(&said, heard[i].parts[j].text, heard[i].parts[j].lang);
	for (int i = 0; i < nsh; i++) {
		struct tokens want = {0};
		struct strbuf missing = {0};
		strbuf_init(&missing);
		tokenize(&want, sh[i].text, sh[i].lang);
		for (int j = 0; j < want.n; j++) {
			int latin = isalpha((unsigned char)want.t[j].s[0]), found = 0;
			for (int h = 0; h < said.n && !found; h++) {
				struct token *t = &said.t[h];
				if (t->used || strcmp(t->s, want.t[j].s) != 0 ||
				    (strcmp(t->lang, sh[i].lang) != 0 &&
				    !(latin && strcmp(t->lang, "en") == 0)))
					continue;
				t->used = found = 1;
			}
			if (!found)
				strbuf_addf(&missing, " %s", want.t[j].s);
		}
		if (missing.len > 0)
			report_add(r, "%s \"%s\": not heard:%s", sh[i].what, sh[i].orig, missing.s);
		strbuf_free(&missing);
		free(want.t);
	}
	free(said.t);
}

static void
shown_add(struct shown *sh, int *n, const char *lang, const char *what, const char *text,
    const char *key)
{
	if (text == NULL || *n == SHOWN_MAX)
		return;
	sh[*n] = (struct shown){ lang, what, text, xstrdup(text), key };
	(*n)++;
}

int
silent_check_screen(struct kiosk *k, const struct screen *s, const struct heard *heard,
    int nheard, struct strbuf *report)
{
	static const char *const part_name[] = { "title", "line", "message", "prompt" };
	struct shown sh[SHOWN_MAX];
	char item[SCREEN_MAX_ITEMS][16];
	struct pool *pool = xcalloc(1, sizeof *pool);
	struct report r = { report, 0 };
	int nsh = 0, headset_then = k->headset;

	if (nheard == 0)
		report_add(&r, "nothing was heard on this screen");
	/* What is drawn. */
	for (int i = 0; i < s->nblocks; i++)
		shown_add(sh, &nsh, s->blocks[i].text.lang, part_name[s->blocks[i].part],
		    s->blocks[i].text.show, NULL);
	for (int i = 0; i < s->nitems; i++) {
		snprintf(item[i], sizeof item[i], "item %s", s->items[i].key);
		shown_add(sh, &nsh, s->items[i].label.lang, item[i], s->items[i].label.show,
		    s->items[i].key);
	}
	if (s->input.active && !s->input.masked && s->input.len > 0)
		shown_add(sh, &nsh, s->input.lang, "input", s->input.show, NULL);
	if (s->warning.show != NULL)
		shown_add(sh, &nsh, s->warning.lang, "warning", s->warning.show, NULL);
	if (s->more.show != NULL)
		shown_add(sh, &nsh, s->more.lang, "pages", s->more.show, NULL);
	/* What was heard. */
	for (int i = 0; i < nheard; i++) {
		if (heard[i].screen)
			headset_then = heard[i].headset;
		for (int j = 0; j < heard[i].nparts && pool->n < POOL_MAX; j++) {
			struct heard_part *p = &pool->p[pool->n++];
			snprintf(p->lang, sizeof p->lang, "%s", heard[i].parts[j].lang);
			p->text = xstrdup(heard[i].parts[j].text);
		}
	}

	check_langs(k, headset_then, s, sh, nsh, pool, &r);
	for (int i = 0; i < nsh; i++)
		check_values(k, headset_then, &sh[i], pool, &r);
	if (s->input.active && s->input.masked)
		check_masked(k, &s->input, heard, nheard, &r);
	check_words(sh, nsh, heard, nheard, &r);

	for (int i = 0; i < nsh; i++)
		free(sh[i].text);
	for (int i = 0; i < pool->n; i++)
		free(pool->p[i].text);
	free(pool);
	return r.problems;
}
