/* Bitmap fonts in GNU Unifont's .hex format, read lazily.
 *
 * Opening reads the file once to check every line and to keep a sparse index: the code
 * point and file offset of every INDEX_STEP-th line while the code points ascend (as in
 * Unifont, which is sorted), and of every line out of that order. A glyph is read when
 * asked for, by reading the one block of lines the index points to. A 3.7 MB Unifont
 * thus costs about 14 KB of index plus 40 bytes per glyph read. */
#include "largeprint/largeprint.h"
#include "largeprint/bundled.h"

#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_STEP 32
#define INDEX_BYTES 4096          /* a new index entry at least this often */
#define MAX_LINE (6 + 1 + 64)     /* "10FFFF:" and a 16x16 bitmap */
#define MAX_FILE (64u << 20)      /* Unifont is 4 MB; anything much larger is not a font */
#define MAX_DIAGS 20              /* per file; then one line says how many more */

struct index_entry {
	uint32_t cp, off;
};

struct index {
	struct index_entry *v;
	int n, cap;
};

struct lp_font {
	char *path;
	int fd;                      /* -1: the bundled font */
	uint32_t size;
	struct index index;          /* the ascending run, every INDEX_STEP-th line */
	struct index extra;          /* lines out of ascending order, sorted by cp */
	struct lp_glyph *glyph;      /* read so far, sorted by cp; width 0: none in the font */
	int nglyph, capglyph;
};

/* Lines of [start, end) of a file, through a buffer. */
struct reader {
	int fd;
	uint32_t base, end;          /* file offset of buf[0]; where to stop */
	size_t len, at, cap;         /* bytes in buf; start of the next line */
	int eof, skip;               /* skip: inside an overlong line already handed back */
	char buf[];
};

static struct reader *
reader_new(int fd, uint32_t start, uint32_t end, size_t cap)
{
	struct reader *r = xcalloc(1, sizeof *r + cap);
	r->fd = fd;
	r->base = start;
	r->end = end;
	r->cap = cap;
	return r;
}

/* Returns 1 with the next line, without its newline, in *s and *n and its offset in
 * *off; 0 at the end; -1 when reading fails. A line longer than the buffer comes back
 * once, cut to the buffer's length. */
static int
reader_line(struct reader *r, const char **s, size_t *n, uint32_t *off)
{
	for (;;) {
		char *nl = memchr(r->buf + r->at, '\n', r->len - r->at);
		if (nl != NULL && r->skip) {
			r->at = (size_t)(nl - r->buf) + 1;
			r->skip = 0;
			continue;
		}
		if (nl != NULL) {
			*s = r->buf + r->at;
			*n = (size_t)(nl - *s);
			*off = r->base + (uint32_t)r->at;
			r->at = (size_t)(nl - r->buf) + 1;
			return 1;
		}
		if (r->skip) {
			r->base += (uint32_t)r->len;
			r->len = r->at = 0;
		} else if (r->eof) {
			if (r->at == r->len)
				return 0;
			*s = r->buf + r->at;
			*n = r->len - r->at;
			*off = r->base + (uint32_t)r->at;
			r->at = r->len;
			return 1;
		} else if (r->at > 0) {
			memmove(r->buf, r->buf + r->at, r->len - r->at);
			r->base += (uint32_t)r->at;
			r->len -= r->at;
			r->at = 0;
		} else if (r->len == r->cap) {
			*s = r->buf;
			*n = r->len;
			*off = r->base;
			r->base += (uint32_t)r->len;
			r->len = 0;
			r->skip = 1;
			return 1;
		}
		if (r->eof)
			return 0;
		uint32_t from = r->base + (uint32_t)r->len;
		size_t want = r->cap - r->len;
		if (want > r->end - from)
			want = r->end - from;
		ssize_t k = want ? pread(r->fd, r->buf + r->len, want, from) : 0;
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			r->eof = 1;
		r->len += (size_t)k;
	}
}

/* Hex digit values, -1 for anything else: the scan looks at every byte of the file. */
static signed char hex[256];
static pthread_once_t hex_once = PTHREAD_ONCE_INIT;

static void
hex_init(void)
{
	memset(hex, -1, sizeof hex);
	for (int i = 0; i < 10; i++)
		hex['0' + i] = (signed char)i;
	for (int i = 0; i < 6; i++)
		hex['A' + i] = hex['a' + i] = (signed char)(10 + i);
}

static int
hexval(char c)
{
	return hex[(unsigned char)c];
}

static void
say_not_hex(char *why, size_t len, char c)
{
	if (c > ' ' && c < 0x7f)
		snprintf(why, len, "'%c' is not a hex digit", c);
	else
		snprintf(why, len, "byte 0x%02x is not a hex digit", (unsigned char)c);
}

/* Returns 0 with the code point of one .hex line in *cp and, when g is not NULL, its
 * glyph in *g; 1 for a blank line; -1 for a malformed one with the reason in why and
 * its 1-based column (0: the whole line) in *col. */
static int
parse_line(const char *s, size_t n, uint32_t *cpp, struct lp_glyph *g, char *why,
    size_t whylen, int *col)
{
	size_t i = 0, j;
	uint32_t cp = 0;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n == 0)
		return 1;
	*col = 0;
	if (n > MAX_LINE) {
		snprintf(why, whylen, "line too long: at most %d characters", MAX_LINE);
		return -1;
	}
	for (; i < n && hexval(s[i]) >= 0; i++)
		cp = cp * 16 + (uint32_t)hexval(s[i]);
	if (i == n) {
		snprintf(why, whylen, "no ':' after the code point");
		*col = (int)n + 1;
		return -1;
	}
	if (s[i] != ':') {
		say_not_hex(why, whylen, s[i]);
		*col = (int)i + 1;
		return -1;
	}
	*col = 1;
	if (i < 4 || i > 6) {
		snprintf(why, whylen, "code point of %zu hex digits, expected 4 to 6", i);
		return -1;
	}
	if (cp > 0x10ffff) {
		snprintf(why, whylen, "U+%04X is beyond Unicode", (unsigned)cp);
		return -1;
	}
	if (cp >= 0xd800 && cp <= 0xdfff) {
		snprintf(why, whylen, "U+%04X is a surrogate, not a character", (unsigned)cp);
		return -1;
	}
	for (j = i + 1; j < n; j++) {
		if (hexval(s[j]) < 0) {
			say_not_hex(why, whylen, s[j]);
			*col = (int)j + 1;
			return -1;
		}
	}
	size_t digits = n - i - 1;
	if (digits != 32 && digits != 64) {
		snprintf(why, whylen, "bitmap of %zu hex digits, expected 32 (8x16) or 64 (16x16)",
		    digits);
		*col = (int)i + 2;
		return -1;
	}
	*cpp = cp;
	if (g == NULL)
		return 0;
	const char *p = s + i + 1;
	int per_row = (int)digits / LP_GLYPH_HEIGHT;
	memset(g, 0, sizeof *g);
	g->cp = cp;
	g->width = per_row * 4;
	for (int r = 0; r < LP_GLYPH_HEIGHT; r++) {
		unsigned v = 0;
		for (int k = 0; k < per_row; k++)
			v = v * 16 + (unsigned)hexval(*p++);
		g->rows[r] = (uint16_t)(v << (16 - g->width));
	}
	return 0;
}

static void
index_add(struct index *x, uint32_t cp, uint32_t off)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->v = xrealloc(x->v, (size_t)x->cap * sizeof *x->v);
	}
	x->v[x->n].cp = cp;
	x->v[x->n].off = off;
	x->n++;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	if (x->cp != y->cp)
		return x->cp < y->cp ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* One pass over the whole file: checks each line and builds the index. */
static int
font_scan(struct lp_font *f, struct diag_list *diags)
{
	struct reader *r = reader_new(f->fd, 0, f->size, 64 * 1024);
	const char *s;
	size_t n;
	uint32_t cp, off, last_cp = 0, last_off = 0;
	int line = 0, last_line = 0, since = INDEX_STEP, bad = 0, glyphs = 0, rc;
	char why[128];

	while ((rc = reader_line(r, &s, &n, &off)) == 1) {
		int col, p = parse_line(s, n, &cp, NULL, why, sizeof why, &col);
		line++;
		if (p == 1)
			continue;
		if (p == 0 && last_line > 0 && cp == last_cp) {
			snprintf(why, sizeof why, "U+%04X again; the glyph of line %d is kept",
			    (unsigned)cp, last_line);
			col = 1;
			p = -1;
		}
		if (p < 0) {
			if (bad++ < MAX_DIAGS)
				diag_add(diags, f->path, line, col, "%s", why);
			continue;
		}
		glyphs++;
		if (last_line > 0 && cp < last_cp) {
			index_add(&f->extra, cp, off);
			continue;
		}
		if (since >= INDEX_STEP || off - last_off >= INDEX_BYTES) {
			index_add(&f->index, cp, off);
			last_off = off;
			since = 0;
		}
		since++;
		last_cp = cp;
		last_line = line;
	}
	free(r);
	if (rc < 0) {
		diag_add(diags, f->path, line + 1, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (bad > MAX_DIAGS)
		diag_add(diags, f->path, 0, 0, "%d more malformed lines not shown",
		    bad - MAX_DIAGS);
	if (glyphs == 0) {
		diag_add(diags, f->path, 0, 0, "no glyph in the file: not a Unifont .hex font");
		return -1;
	}
	if (f->extra.n > 1)
		qsort(f->extra.v, (size_t)f->extra.n, sizeof *f->extra.v, entry_cmp);
	return 0;
}

struct lp_font *
lp_font_open(const char *path, struct diag_list *diags)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), fd_ok = 0;

	if (fd < 0) {
		diag_add(diags, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0)
		diag_add(diags, path, 0, 0, "cannot read: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		diag_add(diags, path, 0, 0, "not a regular file");
	else if (st.st_size > (off_t)MAX_FILE)
		diag_add(diags, path, 0, 0, "too large for a font (%lld bytes)",
		    (long long)st.st_size);
	else
		fd_ok = 1;
	if (!fd_ok) {
		close(fd);
		return NULL;
	}
	pthread_once(&hex_once, hex_init);
	struct lp_font *f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->fd = fd;
	f->size = (uint32_t)st.st_size;
	if (font_scan(f, diags) != 0) {
		lp_font_close(f);
		return NULL;
	}
	return f;
}

static struct lp_font bundled = { .path = "bundled", .fd = -1 };
static pthread_once_t bundled_once = PTHREAD_ONCE_INIT;

static void
bundled_init(void)
{
	bundled.nglyph = bundled.capglyph = bundled_glyphs(&bundled.glyph);
}

struct lp_font *
lp_font_bundled(void)
{
	pthread_once(&bundled_once, bundled_init);
	return &bundled;
}

void
lp_font_close(struct lp_font *f)
{
	if (f == NULL || f == &bundled)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->index.v);
	free(f->extra.v);
	free(f->glyph);
	free(f);
}

const char *
lp_font_name(const struct lp_font *f)
{
	return f->path;
}

/* Where cp is, or would be inserted, in the glyphs read so far. */
static int
glyph_slot(const struct lp_font *f, uint32_t cp)
{
	int lo = 0, hi = f->nglyph;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (f->glyph[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct lp_glyph *
lp_font_glyph(const struct lp_font *f, uint32_t cp)
{
	int i = glyph_slot(f, cp);
	if (i < f->nglyph && f->glyph[i].cp == cp && f->glyph[i].width > 0)
		return &f->glyph[i];
	return NULL;
}

/* Unifont draws control and format characters as a dashed box with the code inside:
 * that is no glyph for large print, which would rather show the character small. */
static int
is_code_box(const struct lp_glyph *g)
{
	uint16_t top = g->width == 16 ? 0xaaaa : 0xaa00;
	uint16_t bottom = g->width == 16 ? 0x5555 : 0x5500;
	return g->rows[0] == top && g->rows[LP_GLYPH_HEIGHT - 1] == bottom;
}

/* Looks for cp among the lines of [start, end); 1 when found. */
static int
read_range(struct lp_font *f, uint32_t start, uint32_t end, uint32_t cp, struct lp_glyph *g)
{
	struct reader *r = reader_new(f->fd, start, end, 8192);
	const char *s;
	size_t n;
	uint32_t off, got;
	char why[128];
	int col, rc, found = 0;

	while ((rc = reader_line(r, &s, &n, &off)) == 1) {
		if (parse_line(s, n, &got, NULL, why, sizeof why, &col) == 0 && got == cp &&
		    parse_line(s, n, &got, g, why, sizeof why, &col) == 0) {
			found = 1;
			break;
		}
	}
	free(r);
	return rc < 0 ? -1 : found;
}

static int
font_read(struct lp_font *f, uint32_t cp, struct lp_glyph *g)
{
	int lo = 0, hi = f->index.n;
	int found = 0;

	/* The last index entry at or below cp starts the block that would hold it. */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (f->index.v[mid].cp <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0) {
		uint32_t end = lo < f->index.n ? f->index.v[lo].off : f->size;
		found = read_range(f, f->index.v[lo - 1].off, end, cp, g);
	}
	/* Lines out of order: the first of cp in the file wins. */
	lo = 0;
	hi = f->extra.n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (f->extra.v[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; found == 0 && lo < f->extra.n && f->extra.v[lo].cp == cp; lo++) {
		uint32_t start = f->extra.v[lo].off, end = start + MAX_LINE + 2;
		found = read_range(f, start, end < f->size ? end : f->size, cp, g);
	}
	return found;
}

/* Reads cp into the cache, whether the font has it or not. */
static int
font_need_cp(struct lp_font *f, uint32_t cp)
{
	struct lp_glyph g;
	int i = glyph_slot(f, cp);

	if (f->fd < 0 || (i < f->nglyph && f->glyph[i].cp == cp))
		return 0;
	int found = font_read(f, cp, &g);
	if (found < 0)
		return -1;
	if (found == 0 || is_code_box(&g)) {
		memset(&g, 0, sizeof g);
		g.cp = cp;
	}
	if (f->nglyph == f->capglyph) {
		f->capglyph = f->capglyph ? f->capglyph * 2 : 64;
		f->glyph = xrealloc(f->glyph, (size_t)f->capglyph * sizeof *f->glyph);
	}
	memmove(&f->glyph[i + 1], &f->glyph[i], (size_t)(f->nglyph - i) * sizeof *f->glyph);
	f->glyph[i] = g;
	f->nglyph++;
	return 0;
}

int
lp_font_need(struct lp_font *f, const char *utf8)
{
	int rc = 0;
	while (*utf8 != '\0') {
		uint32_t cp = lp_utf8_next(&utf8);
		if (cp >= 0x20 && font_need_cp(f, cp) != 0)
			rc = -1;
	}
	return rc;
}

int
lp_fonts_default(struct lp_fonts *fs, const char *unifont_path, struct diag_list *diags)
{
	memset(fs, 0, sizeof *fs);
	fs->font[fs->count++] = lp_font_bundled();
	struct lp_font *u = lp_font_open(unifont_path, diags);
	if (u == NULL)
		return -1;
	fs->font[fs->count++] = u;
	return 0;
}

void
lp_fonts_close(struct lp_fonts *fs)
{
	for (int i = 0; i < fs->count; i++)
		lp_font_close(fs->font[i]);
	fs->count = 0;
}

int
lp_fonts_need(struct lp_fonts *fs, const char *utf8)
{
	int rc = 0;
	while (*utf8 != '\0') {
		uint32_t cp = lp_utf8_next(&utf8);
		if (cp < 0x20)
			continue;
		for (int i = 0; i < fs->count; i++) {
			if (font_need_cp(fs->font[i], cp) != 0)
				rc = -1;
			if (lp_font_glyph(fs->font[i], cp) != NULL)
				break;
		}
	}
	return rc;
}

const struct lp_glyph *
lp_fonts_glyph(const struct lp_fonts *fs, uint32_t cp)
{
	for (int i = 0; i < fs->count; i++) {
		const struct lp_glyph *g = lp_font_glyph(fs->font[i], cp);
		if (g != NULL)
			return g;
	}
	return NULL;
}
