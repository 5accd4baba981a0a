/* Latin runs inside Chinese text; the rules are in runs.h. */
#include "speech/runs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

enum unit_class {
	U_LETTER,	/* Latin letter */
	U_DIGIT,
	U_JOIN,		/* ' - . _ : joins two parts of a Latin word */
	U_SPACE,
	U_PUNCT,	/* other punctuation and symbols of no language */
	U_CJK_PUNCT,	/* Chinese punctuation: goes with the Chinese text */
	U_OTHER,	/* Chinese characters and every other script */
};

enum unit_lang { L_NONE, L_MAIN, L_LATIN };

struct unit {
	const char *s;		/* the bytes in the text */
	int len;
	uint32_t cp;
	enum unit_class cls;
	enum unit_lang lang;
};

/* Decodes one UTF-8 sequence; an invalid byte is one unit of its own (U+FFFD). */
static uint32_t
utf8_next(const char *s, int *len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	int extra;

	if (u[0] < 0x80) {
		*len = 1;
		return u[0];
	}
	if ((u[0] & 0xe0) == 0xc0) {
		cp = u[0] & 0x1f;
		extra = 1;
	} else if ((u[0] & 0xf0) == 0xe0) {
		cp = u[0] & 0x0f;
		extra = 2;
	} else if ((u[0] & 0xf8) == 0xf0) {
		cp = u[0] & 0x07;
		extra = 3;
	} else {
		*len = 1;
		return 0xfffd;
	}
	for (int i = 1; i <= extra; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	*len = 1 + extra;
	return cp;
}

static int
is_fullwidth_alnum(uint32_t cp)
{
	return (cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) ||
	    (cp >= 0xff41 && cp <= 0xff5a);
}

static enum unit_class
classify(uint32_t cp)
{
	if (is_fullwidth_alnum(cp))
		cp -= 0xfee0;		/* fullwidth form of an ASCII letter or digit */
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	    (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	    (cp >= 0x1e00 && cp <= 0x1eff))
		return U_LETTER;
	if (cp >= '0' && cp <= '9')
		return U_DIGIT;
	if (cp == '\'' || cp == '-' || cp == '.' || cp == '_' || cp == 0x2019)
		return U_JOIN;
	if (cp <= 0x20 || cp == 0x7f || cp == 0xa0 || cp == 0x3000 ||
	    (cp >= 0x2000 && cp <= 0x200b) || cp == 0x202f || cp == 0x205f)
		return U_SPACE;
	if ((cp >= 0x3001 && cp <= 0x303f) || (cp >= 0xff01 && cp <= 0xff65) ||
	    (cp >= 0xfe30 && cp <= 0xfe6f))
		return U_CJK_PUNCT;
	if (cp < 0x80 || (cp >= 0xa1 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7 ||
	    (cp >= 0x2010 && cp <= 0x205e) || (cp >= 0x20a0 && cp <= 0x20cf))
		return U_PUNCT;
	return U_OTHER;
}

/* Punctuation that says nothing: a run of only these (and spaces) is dropped. Symbols
 * such as + % # ¥ are said, so they count as something to say. */
static int
is_quiet(const struct unit *u)
{
	static const char ascii_quiet[] = "!\"'(),-.:;?[]{}`_";
	uint32_t cp = u->cp;

	if (u->cls == U_SPACE)
		return 1;
	if (cp < 0x80)
		return cp != 0 && strchr(ascii_quiet, (int)cp) != NULL;
	return cp == 0xa1 || cp == 0xab || cp == 0xb7 || cp == 0xbb || cp == 0xbf ||
	    (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x3001 && cp <= 0x3003) ||
	    (cp >= 0x3008 && cp <= 0x3011) || (cp >= 0x3014 && cp <= 0x301f) ||
	    cp == 0xff01 || cp == 0xff02 || (cp >= 0xff07 && cp <= 0xff09) || cp == 0xff0c ||
	    cp == 0xff0e || cp == 0xff1a || cp == 0xff1b || cp == 0xff1f || cp == 0xff3b ||
	    cp == 0xff3d || cp == 0xff5b || cp == 0xff5d || (cp >= 0xff61 && cp <= 0xff64) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f);
}

static int
is_alnum(const struct unit *u)
{
	return u->cls == U_LETTER || u->cls == U_DIGIT;
}

/* Marks Latin words (alphanumeric stretches with a letter) as L_LATIN and Chinese text
 * as L_MAIN; the rest stays L_NONE. */
static void
mark_words(struct unit *u, int n)
{
	for (int i = 0; i < n; ) {
		if (!is_alnum(&u[i])) {
			if (u[i].cls == U_OTHER || u[i].cls == U_CJK_PUNCT)
				u[i].lang = L_MAIN;
			i++;
			continue;
		}
		int j = i, letter = 0;
		while (j < n && (is_alnum(&u[j]) ||
		    (u[j].cls == U_JOIN && j + 1 < n && is_alnum(&u[j + 1])))) {
			letter |= u[j].cls == U_LETTER;
			j++;
		}
		for (int k = i; k < j && letter; k++)
			u[k].lang = L_LATIN;
		i = j;
	}
}

/* Gives each stretch of units of no language the language around it: Latin when Latin
 * (or an end of the text) stands on both sides, else the main language. */
static void
resolve_neutral(struct unit *u, int n)
{
	for (int i = 0; i < n; ) {
		if (u[i].lang != L_NONE) {
			i++;
			continue;
		}
		int j = i;
		while (j < n && u[j].lang == L_NONE)
			j++;
		enum unit_lang before = i > 0 ? u[i - 1].lang : L_NONE;
		enum unit_lang after = j < n ? u[j].lang : L_NONE;
		enum unit_lang lang = L_MAIN;
		if (before != L_MAIN && after != L_MAIN && (before == L_LATIN || after == L_LATIN))
			lang = L_LATIN;
		for (int k = i; k < j; k++)
			u[k].lang = lang;
		i = j;
	}
}

static void
add_part(struct speech_runs *out, int *cap, const char *lang, char *text)
{
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		out->parts = xrealloc(out->parts, (size_t)*cap * sizeof *out->parts);
	}
	out->parts[out->n].lang = lang;
	out->parts[out->n].text = text;
	out->n++;
}

/* The text of units [i, j): whitespace collapsed and trimmed, fullwidth letters and
 * digits made ASCII. NULL when there is nothing to say. */
static char *
run_text(const struct unit *u, int i, int j)
{
	struct strbuf b = {0};
	int sayable = 0, space = 0;

	strbuf_init(&b);
	for (int k = i; k < j; k++) {
		if (u[k].cls == U_SPACE) {
			space = b.len > 0;
			continue;
		}
		if (space)
			strbuf_addc(&b, ' ');
		space = 0;
		if (is_fullwidth_alnum(u[k].cp))
			strbuf_addc(&b, (char)(u[k].cp - 0xfee0));
		else
			strbuf_addn(&b, u[k].s, (size_t)u[k].len);
		sayable |= !is_quiet(&u[k]);
	}
	if (!sayable) {
		strbuf_free(&b);
		return NULL;
	}
	return strbuf_take(&b);
}

int
speech_runs_split(const char *text, const char *lang, const char *latin_lang,
    struct speech_runs *out)
{
	size_t len = text != NULL ? strlen(text) : 0;
	struct unit *u = xcalloc(len + 1, sizeof *u);
	int n = 0, cap = 0;

	memset(out, 0, sizeof *out);
	for (size_t at = 0; at < len; n++) {
		u[n].s = text + at;
		u[n].cp = utf8_next(text + at, &u[n].len);
		u[n].cls = classify(u[n].cp);
		at += (size_t)u[n].len;
	}
	mark_words(u, n);
	resolve_neutral(u, n);
	for (int i = 0; i < n; ) {
		int j = i;
		while (j < n && u[j].lang == u[i].lang)
			j++;
		char *t = run_text(u, i, j);
		if (t != NULL)
			add_part(out, &cap, u[i].lang == L_LATIN ? latin_lang : lang, t);
		i = j;
	}
	free(u);
	return out->n;
}

void
speech_runs_free(struct speech_runs *r)
{
	for (int i = 0; i < r->n; i++)
		free((char *)r->parts[i].text);
	free(r->parts);
	memset(r, 0, sizeof *r);
}
