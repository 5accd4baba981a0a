/* The sentence last heard, for "repeat the last sentence"; the rules are beside
 * speech_last_sentence in speech.h. A pure function over the parts of an utterance. */
#include "speech/speech.h"

#include "common/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One sentence of a part: bytes [from, to) and characters [cfrom, cto). */
struct sentence {
	size_t from, to;
	int cfrom, cto;
};

struct sentences {
	struct sentence *s;
	int n, cap;
};

static uint32_t
utf8_decode(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	int extra = u[0] < 0x80 ? 0 : (u[0] & 0xe0) == 0xc0 ? 1 : (u[0] & 0xf0) == 0xe0 ? 2 :
	    (u[0] & 0xf8) == 0xf0 ? 3 : -1;
	uint32_t cp = extra == 0 ? u[0] : extra == 1 ? u[0] & 0x1fu : extra == 2 ? u[0] & 0x0fu :
	    u[0] & 0x07u;

	if (extra < 0) {
		*len = 1;
		return 0xfffd;
	}
	for (int i = 1; i <= extra; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = cp << 6 | (u[i] & 0x3fu);
	}
	*len = (size_t)extra + 1;
	return cp;
}

static int
is_cjk_end(uint32_t cp)
{
	return cp == 0x3002 || cp == 0xff01 || cp == 0xff1f; /* 。！？ */
}

static int
is_latin_end(uint32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?';
}

/* Closing quotes and brackets that stay with the sentence they close. */
static int
is_closer(uint32_t cp)
{
	return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x2019 ||
	    cp == 0x201d || cp == 0x300d || cp == 0x300f || cp == 0xff09;
}

static int
is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000;
}

/* Something a voice says, not only spaces and punctuation. */
static int
is_spoken(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= 'a' && cp <= 'z');
	return !(cp >= 0x2000 && cp <= 0x206f) && !(cp >= 0x3000 && cp <= 0x303f) &&
	    !(cp >= 0xff01 && cp <= 0xff0f) && !(cp >= 0xff1a && cp <= 0xff20) && cp != 0xfffd;
}

static void
sentences_add(struct sentences *ss, size_t from, size_t to, int cfrom, int cto)
{
	if (to <= from)
		return;
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 8;
		ss->s = xrealloc(ss->s, (size_t)ss->cap * sizeof *ss->s);
	}
	ss->s[ss->n++] = (struct sentence){ from, to, cfrom, cto };
}

/* After a Latin mark and what follows it, at text + j: "3.50" and "e.g. balance" go on. */
static int
latin_end_here(const char *text, size_t j, uint32_t mark)
{
	size_t len;
	uint32_t after = text[j] != '\0' ? utf8_decode(text + j, &len) : 0;

	if (after == 0)
		return 1;
	if (!is_space(after))
		return 0;
	if (mark != '.')
		return 1;
	while (text[j] != '\0' && is_space(utf8_decode(text + j, &len)))
		j += len;
	return !(text[j] >= 'a' && text[j] <= 'z');
}

static void
sentences_split(const char *text, struct sentences *ss)
{
	size_t i = 0, from = 0, len;
	int c = 0, cfrom = 0;

	ss->n = 0;
	while (text[i] != '\0') {
		uint32_t cp = utf8_decode(text + i, &len);
		if (cp == '\n' || cp == '\r') {
			sentences_add(ss, from, i, cfrom, c);
			i += len;
			c++;
			from = i;
			cfrom = c;
			continue;
		}
		i += len;
		c++;
		if (!is_cjk_end(cp) && !is_latin_end(cp))
			continue;
		/* The run of end marks and closers that follows stays in this sentence. */
		size_t j = i;
		int cj = c;
		for (;;) {
			uint32_t next = text[j] != '\0' ? utf8_decode(text + j, &len) : 0;
			if (next == 0 || !(is_cjk_end(next) || is_latin_end(next) || is_closer(next)))
				break;
			if (is_cjk_end(next))
				cp = next;
			j += len;
			cj++;
		}
		if (is_cjk_end(cp) || latin_end_here(text, j, cp)) {
			sentences_add(ss, from, j, cfrom, cj);
			from = j;
			cfrom = cj;
		}
		i = j;
		c = cj;
	}
	sentences_add(ss, from, i, cfrom, c);
}

/* The sentence's text without surrounding spaces, or NULL when it says nothing. */
static char *
sentence_text(const char *text, const struct sentence *s)
{
	size_t from = s->from, to = s->to, len;
	int spoken = 0;

	for (size_t i = from; i < to; i += len)
		spoken |= is_spoken(utf8_decode(text + i, &len));
	if (!spoken)
		return NULL;
	while (from < to && is_space(utf8_decode(text + from, &len)))
		from += len;
	while (to > from) {
		size_t back = to - 1;
		while (back > from && ((unsigned char)text[back] & 0xc0) == 0x80)
			back--;
		if (!is_space(utf8_decode(text + back, &len)))
			break;
		to = back;
	}
	return xstrndup(text + from, to - from);
}

char *
speech_last_sentence(const struct speech_part *parts, int nparts, int part, int position,
    const char **lang)
{
	struct sentences ss = { 0 };
	char *found = NULL;

	*lang = NULL;
	if (parts == NULL || nparts <= 0)
		return NULL;
	part = part < 0 ? 0 : part >= nparts ? nparts - 1 : part;
	int forward = 0;
	if (position <= 0) {
		/* Nothing of this part was heard: the end of the one before, if any. */
		if (part > 0) {
			part--;
			position = -1;
		} else {
			forward = 1;
		}
	}
	/* From the sentence that holds the position back to the first one that says
	 * something (a position is a word, so that is almost always itself); when nothing
	 * was heard at all, forward to the first. */
	for (int p = part; p >= 0 && p < nparts && found == NULL; p += forward ? 1 : -1) {
		const char *text = parts[p].text != NULL ? parts[p].text : "";
		sentences_split(text, &ss);
		int k;
		if (forward) {
			k = 0;
		} else if (p != part || position < 0) {
			k = ss.n - 1;
		} else {
			for (k = 0; k < ss.n - 1 && ss.s[k].cto < position; k++)
				;
		}
		for (; k >= 0 && k < ss.n && found == NULL; k += forward ? 1 : -1) {
			if ((found = sentence_text(text, &ss.s[k])) != NULL)
				*lang = parts[p].lang;
		}
	}
	free(ss.s);
	return found;
}
