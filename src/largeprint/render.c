/* Text drawn big with half blocks, and wrapped to a width at that size.
 *
 * A terminal cell shows two pixels stacked: ▀ the top one, ▄ the bottom one, █ both.
 * Cells are about twice as tall as wide, so these pixels are square and a 16-pixel
 * glyph keeps its shape at 8 rows. Only these three characters and the space are used:
 * the Linux console's fonts have them, unlike the quadrant blocks. */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include "largeprint/largeprint.h"

#include "common/util.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define UPPER "\xe2\x96\x80"  /* U+2580 ▀ */
#define LOWER "\xe2\x96\x84"  /* U+2584 ▄ */
#define FULL "\xe2\x96\x88"   /* U+2588 █ */

uint32_t
lp_utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	uint32_t cp, min;
	int n;

	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f, n = 1, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f, n = 2, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07, n = 3, min = 0x10000;
	} else {
		*sp += 1;
		return 0xfffd;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp += i;  /* a NUL stops here too */
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*sp += n + 1;
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0xfffd;
	return cp;
}

static void
utf8_put(struct strbuf *b, uint32_t cp)
{
	char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | cp >> 6), s[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | cp >> 12), s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		s[0] = (char)(0xf0 | cp >> 18), s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), s[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	strbuf_addn(b, s, n);
}

/* East Asian wide ranges, for when the locale cannot say (not UTF-8). */
static int
is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x20000 && cp <= 0x3fffd);
}

/* Columns of a character at normal size; 0 for those not drawn. The caller's curses
 * uses wcwidth() too, so both agree on where things are. */
static int
cell_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (MB_CUR_MAX > 1) {
		int w = wcwidth((wchar_t)cp);
		if (w >= 0)
			return w;
	}
	return is_wide(cp) ? 2 : 1;
}

int
lp_size_rows(int size)
{
	return LP_GLYPH_HEIGHT / 2 * size;
}

int
lp_size_cols(int size)
{
	return 8 * size;
}

int
lp_size_largest(int cols, int rows)
{
	for (int s = LP_SIZE_MAX; s >= LP_SIZE_MIN; s--) {
		if (LP_FIT_CHARS * lp_size_cols(s) <= cols && LP_FIT_LINES * lp_size_rows(s) <= rows)
			return s;
	}
	return 0;
}

int
lp_size_next(int size, int cols, int rows)
{
	int largest = lp_size_largest(cols, rows);
	if (largest == 0)
		return 0;
	return size >= LP_SIZE_MIN && size < largest ? size + 1 : LP_SIZE_MIN;
}

/* One character of the text, as it will be drawn. */
struct item {
	uint32_t cp;
	const struct lp_glyph *g;  /* NULL: drawn small (or not at all when cw is 0) */
	int cw;                    /* columns at normal size */
	int adv;                   /* columns at the size asked for */
	size_t off, len;           /* bytes in the text */
};

/* A character drawn small is followed by a gap as wide as big glyphs' own spacing. */
static int
items_get(const struct lp_fonts *fs, const char *text, int size, struct item **out)
{
	int n = 0, cap = 16;
	struct item *v = xmalloc((size_t)cap * sizeof *v);

	for (const char *s = text; *s != '\0';) {
		const char *start = s;
		uint32_t cp = lp_utf8_next(&s);
		if (n == cap)
			v = xrealloc(v, (size_t)(cap *= 2) * sizeof *v);
		struct item *it = &v[n++];
		it->cp = cp;
		it->off = (size_t)(start - text);
		it->len = (size_t)(s - start);
		it->cw = cell_width(cp);
		it->g = it->cw > 0 ? lp_fonts_glyph(fs, cp) : NULL;
		if (it->g != NULL)
			it->adv = it->g->width * size;
		else
			it->adv = it->cw > 0 ? it->cw + size : 0;
	}
	*out = v;
	return n;
}

int
lp_measure(const struct lp_fonts *fs, const char *utf8, int size)
{
	struct item *v;
	int n = items_get(fs, utf8, size, &v), cols = 0;
	for (int i = 0; i < n; i++)
		cols += v[i].adv;
	free(v);
	return cols;
}

static int
pixel(const struct lp_glyph *g, int row, int col)
{
	return (g->rows[row] >> (15 - col)) & 1;
}

int
lp_render(const struct lp_fonts *fs, const char *utf8, int size, struct lp_block *out)
{
	memset(out, 0, sizeof *out);
	if (size < LP_SIZE_MIN || size > LP_SIZE_MAX)
		return -1;

	struct item *v;
	int n = items_get(fs, utf8, size, &v);
	int rows = lp_size_rows(size), small_cap = 0;
	struct strbuf *b = xcalloc((size_t)rows, sizeof *b);

	out->rows = rows;
	out->small_row = (rows - 1) / 2;
	for (int i = 0; i < n; i++) {
		const struct item *it = &v[i];
		if (it->adv == 0)
			continue;
		if (it->g == NULL) {
			if (out->nsmall == small_cap) {
				small_cap = small_cap ? small_cap * 2 : 4;
				out->small = xrealloc(out->small, (size_t)small_cap * sizeof *out->small);
			}
			out->small[out->nsmall++] = (struct lp_small){ out->cols, it->cw, it->cp };
			for (int r = 0; r < rows; r++) {
				int blanks = it->adv;
				if (r == out->small_row) {
					utf8_put(&b[r], it->cp);
					blanks -= it->cw;
				}
				for (int k = 0; k < blanks; k++)
					strbuf_addc(&b[r], ' ');
			}
		} else {
			for (int r = 0; r < rows; r++) {
				int top = 2 * r / size, bottom = (2 * r + 1) / size;
				for (int c = 0; c < it->adv; c++) {
					int up = pixel(it->g, top, c / size);
					int down = pixel(it->g, bottom, c / size);
					if (up && down)
						strbuf_add(&b[r], FULL);
					else if (up)
						strbuf_add(&b[r], UPPER);
					else if (down)
						strbuf_add(&b[r], LOWER);
					else
						strbuf_addc(&b[r], ' ');
				}
			}
		}
		out->cols += it->adv;
	}
	out->line = xcalloc((size_t)rows, sizeof *out->line);
	for (int r = 0; r < rows; r++) {
		strbuf_add(&b[r], "");  /* an empty text still gives strings */
		out->line[r] = strbuf_take(&b[r]);
	}
	free(b);
	free(v);
	return 0;
}

void
lp_block_free(struct lp_block *b)
{
	for (int r = 0; r < b->rows && b->line != NULL; r++)
		free(b->line[r]);
	free(b->line);
	free(b->small);
	memset(b, 0, sizeof *b);
}

static int
is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0x3000;
}

/* Chinese line breaking: these never start a line, those never end one. */
static int
no_start(uint32_t cp)
{
	static const uint32_t set[] = {
		0xff0c, 0x3002, 0x3001, 0xff1b, 0xff1a, 0xff01, 0xff1f, 0xff09, 0x300b,
		0x300d, 0x300f, 0x3011, 0x3009, 0x3015, 0xff3d, 0xff5d, 0x2026, 0xff05,
		',', '.', ';', ':', '!', '?', ')', ']', '}', '%',
	};
	for (size_t i = 0; i < ARRAY_LEN(set); i++)
		if (set[i] == cp)
			return 1;
	return 0;
}

static int
no_end(uint32_t cp)
{
	static const uint32_t set[] = {
		0xff08, 0x300a, 0x300c, 0x300e, 0x3010, 0x3008, 0x3014, 0xff3b, 0xff5b,
		'(', '[', '{', 0xa5, 0xffe5, '$',
	};
	for (size_t i = 0; i < ARRAY_LEN(set); i++)
		if (set[i] == cp)
			return 1;
	return 0;
}

static int
is_cjk(const struct item *it)
{
	return it->cw == 2;
}

/* May a line end just before v[j]? */
static int
break_before(const struct item *v, int j)
{
	if (is_space(v[j].cp) || is_space(v[j - 1].cp))
		return 1;
	if (!is_cjk(&v[j - 1]) && !is_cjk(&v[j]))
		return 0;
	return !no_start(v[j].cp) && !no_end(v[j - 1].cp);
}

static int
is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static int
is_separator(uint32_t cp)
{
	return cp != 0 && cp < 0x80 && strchr(",.:-/", (int)cp) != NULL;
}

/* Would a cut just before v[j] split a number? Digits hold together, and so do the
 * separators between them (12,345.60  2026-12-04  19:30) and a currency sign before
 * them (¥500). */
static int
in_number(const struct item *v, int n, int j)
{
	uint32_t left = v[j - 1].cp, right = v[j].cp;
	if (is_digit(right))
		return is_digit(left) || left == 0xa5 || left == 0xffe5 || left == '$' ||
		    (is_separator(left) && j >= 2 && is_digit(v[j - 2].cp));
	return is_digit(left) && is_separator(right) && j + 1 < n && is_digit(v[j + 1].cp);
}

static void
lines_add(struct lp_lines *l, const char *text, const struct item *v, int from, int to)
{
	while (to > from && is_space(v[to - 1].cp))
		to--;
	size_t start = from < to ? v[from].off : 0;
	size_t end = from < to ? v[to - 1].off + v[to - 1].len : 0;
	l->line = xrealloc(l->line, (size_t)(l->count + 1) * sizeof *l->line);
	l->line[l->count++] = xstrndup(text + start, end - start);
}

/* lp_wrap(); *cut is set when a number had to be cut, being too wide alone. */
static int
wrap(const struct lp_fonts *fs, const char *utf8, int size, int cols,
    struct lp_lines *out, int *cut)
{
	struct item *v;
	int n = items_get(fs, utf8, size, &v), start = 0;

	memset(out, 0, sizeof *out);
	while (start < n || out->count == 0) {
		int j = start, w = 0, brk = -1, ink = 0, end;
		while (j < n && v[j].cp != '\n') {
			if (ink && break_before(v, j))
				brk = j;
			if (w + v[j].adv > cols && !is_space(v[j].cp))
				break;
			w += v[j].adv;
			ink |= !is_space(v[j].cp);
			j++;
		}
		int wrapped = j < n && v[j].cp != '\n';
		if (!wrapped)
			end = j;
		else if (brk > start)
			end = brk;
		else {
			/* A word alone too wide is cut, before the number in it if it can. */
			end = j > start ? j : start + 1;
			int keep = end;
			while (keep > start + 1 && keep < n && in_number(v, n, keep))
				keep--;
			if (keep < n && in_number(v, n, keep))
				*cut = 1;
			else
				end = keep;
		}
		lines_add(out, utf8, v, start, end);
		start = end;
		while (start < n && is_space(v[start].cp) && wrapped)
			start++;
		/* A newline ends the line; right after a wrap it is that same break. */
		if (start < n && v[start].cp == '\n')
			start++;
		if (start >= n)
			break;
	}
	free(v);
	return out->count;
}

int
lp_wrap(const struct lp_fonts *fs, const char *utf8, int size, int cols,
    struct lp_lines *out)
{
	int cut = 0;
	return wrap(fs, utf8, size, cols, out, &cut);
}

int
lp_size_whole(const struct lp_fonts *fs, const char *utf8, int size, int cols)
{
	for (; size > LP_SIZE_MIN; size--) {
		struct lp_lines l;
		int cut = 0;
		wrap(fs, utf8, size, cols, &l, &cut);
		lp_lines_free(&l);
		if (!cut)
			break;
	}
	return size < LP_SIZE_MIN ? LP_SIZE_MIN : size;
}

void
lp_lines_free(struct lp_lines *l)
{
	for (int i = 0; i < l->count; i++)
		free(l->line[i]);
	free(l->line);
	memset(l, 0, sizeof *l);
}
