/* Unit tests of klargeprint (src/largeprint): fonts, rendering, sizes, wrapping, themes.
 * Usage: test_largeprint CASE WORKDIR */
#include "largeprint/largeprint.h"

#include "check.h"
#include "common/util.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define UPPER "\xe2\x96\x80"
#define LOWER "\xe2\x96\x84"
#define FULL "\xe2\x96\x88"

static const char *workdir;

/* ---- helpers written apart from the library, so they can disagree with it ---- */

/* The glyph of cp in a .hex file, read with stdio: 1 when found. */
static int
hex_lookup(const char *path, unsigned cp, uint16_t rows[16], int *width)
{
	char line[512], key[16];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (f == NULL)
		return 0;
	snprintf(key, sizeof key, "%04X:", cp);
	while (!found && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		const char *p = line + strlen(key);
		size_t digits = strspn(p, "0123456789ABCDEFabcdef");
		int per = (int)digits / 16;
		*width = per * 4;
		for (int r = 0; r < 16; r++) {
			char part[5] = {0};
			memcpy(part, p + r * per, (size_t)per);
			rows[r] = (uint16_t)(strtoul(part, NULL, 16) << (16 - *width));
		}
		found = 1;
	}
	fclose(f);
	return found;
}

/* Appends one glyph's columns of terminal row r at size 1 to out. */
static void
expect_row(struct strbuf *out, const uint16_t rows[16], int width, int r)
{
	for (int c = 0; c < width; c++) {
		int top = rows[2 * r] >> (15 - c) & 1, bottom = rows[2 * r + 1] >> (15 - c) & 1;
		strbuf_add(out, top && bottom ? FULL : top ? UPPER : bottom ? LOWER : " ");
	}
}

/* Terminal rows of b holding something other than spaces. */
static int
rows_inked(const struct lp_block *b)
{
	int n = 0;
	for (int r = 0; r < b->rows; r++)
		if (strspn(b->line[r], " ") != strlen(b->line[r]))
			n++;
	return n;
}

static int
has_diag(const struct diag_list *d, const char *file, int line, const char *text)
{
	for (int i = 0; i < d->count; i++) {
		if (strcmp(d->items[i].file, file) == 0 && d->items[i].line == line &&
		    strstr(d->items[i].message, text) != NULL)
			return 1;
	}
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static struct lp_fonts
fonts_unifont(void)
{
	struct lp_fonts fs;
	struct diag_list d = {0};
	if (lp_fonts_default(&fs, LP_UNIFONT_PATH, &d) != 0) {
		diag_print(&d, stderr);
		fprintf(stderr, "Unifont is needed: apt-get install unifont\n");
		exit(1);
	}
	CHECK_EQ(d.count, 0);  /* Debian's file has no malformed line */
	diag_free(&d);
	return fs;
}

static struct lp_fonts
fonts_bundled(void)
{
	struct lp_fonts fs = { { lp_font_bundled() }, 1 };
	return fs;
}

/* ---- cases ---- */

/* A Chinese title is drawn from Unifont's own 16x16 bitmaps, row for row. */
static void
test_unifont_cjk(void)
{
	static const unsigned cps[] = { 0x4e3b, 0x83dc, 0x5355 };  /* 主菜单 */
	struct lp_fonts fs = fonts_unifont();
	struct lp_block b;
	uint16_t rows[3][16];
	int width[3];

	for (int i = 0; i < 3; i++) {
		CHECK(hex_lookup(LP_UNIFONT_PATH, cps[i], rows[i], &width[i]));
		CHECK_EQ(width[i], 16);
		CHECK(lp_font_glyph(lp_font_bundled(), cps[i]) == NULL);
	}
	CHECK(lp_fonts_glyph(&fs, 0x4e3b) == NULL);  /* not read yet */
	CHECK_EQ(lp_fonts_need(&fs, "主菜单"), 0);
	CHECK(lp_fonts_glyph(&fs, 0x4e3b) != NULL);

	CHECK_EQ(lp_render(&fs, "主菜单", 1, &b), 0);
	CHECK_EQ(b.rows, 8);
	CHECK_EQ(b.cols, 48);
	CHECK_EQ(b.nsmall, 0);
	for (int r = 0; r < b.rows; r++) {
		struct strbuf want;
		strbuf_init(&want);
		for (int i = 0; i < 3; i++)
			expect_row(&want, rows[i], 16, r);
		if (strcmp(b.line[r], want.s) != 0) {
			fprintf(stderr, "row %d:\n got  [%s]\n want [%s]\n", r, b.line[r], want.s);
			failures++;
		}
		strbuf_free(&want);
	}
	lp_block_free(&b);

	/* Size 2: every pixel is a 2x2 block of the terminal, i.e. a full cell pair. */
	CHECK_EQ(lp_render(&fs, "主", 2, &b), 0);
	CHECK_EQ(b.rows, 16);
	CHECK_EQ(b.cols, 32);
	for (int r = 0; r < b.rows; r++) {
		const char *s = b.line[r];
		for (int c = 0; c < 32; c++) {
			int ink = rows[0][r] >> (15 - c / 2) & 1;
			const char *want = ink ? FULL : " ";
			if (strncmp(s, want, strlen(want)) != 0) {
				fprintf(stderr, "size 2 row %d column %d: want %s\n", r, c, want);
				failures++;
				break;
			}
			s += strlen(want);
		}
		CHECK(*s == '\0');
	}
	lp_block_free(&b);
	lp_fonts_close(&fs);
}

/* Latin capitals are at least 4 terminal rows tall at the smallest size, in both
 * fonts; and the sizes offered fit the terminal. */
static void
test_sizes(void)
{
	struct lp_fonts bundled = fonts_bundled(), unifont = fonts_unifont();
	struct lp_fonts uni_only = { { unifont.font[1] }, 1 };
	struct lp_block b;
	char s[2] = {0};

	CHECK_EQ(lp_font_need(unifont.font[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 0);
	for (char c = 'A'; c <= 'Z'; c++) {
		s[0] = c;
		CHECK_EQ(lp_render(&bundled, s, LP_SIZE_MIN, &b), 0);
		CHECK_EQ(b.nsmall, 0);
		if (rows_inked(&b) < 4) {
			fprintf(stderr, "bundled %c: %d rows\n", c, rows_inked(&b));
			failures++;
		}
		CHECK_EQ(rows_inked(&b), 6);
		lp_block_free(&b);
		CHECK_EQ(lp_render(&uni_only, s, LP_SIZE_MIN, &b), 0);
		CHECK_EQ(b.nsmall, 0);
		if (rows_inked(&b) < 4) {
			fprintf(stderr, "unifont %c: %d rows\n", c, rows_inked(&b));
			failures++;
		}
		lp_block_free(&b);
		CHECK_EQ(lp_render(&bundled, s, 2, &b), 0);
		CHECK(rows_inked(&b) >= 8);
		CHECK_EQ(b.cols, 16);
		lp_block_free(&b);
	}
	CHECK_EQ(lp_render(&bundled, "A", 0, &b), -1);
	CHECK_EQ(lp_render(&bundled, "A", LP_SIZE_MAX + 1, &b), -1);

	CHECK_EQ(lp_size_rows(1), 8);
	CHECK_EQ(lp_size_cols(2), 16);
	CHECK_EQ(lp_size_largest(80, 24), 1);
	CHECK_EQ(lp_size_largest(132, 43), 2);
	CHECK_EQ(lp_size_largest(240, 67), 3);
	CHECK_EQ(lp_size_largest(60, 24), 0);
	CHECK_EQ(lp_size_next(1, 132, 43), 2);
	CHECK_EQ(lp_size_next(2, 132, 43), 1);
	CHECK_EQ(lp_size_next(1, 80, 24), 1);
	CHECK_EQ(lp_size_next(3, 80, 24), 1);  /* after the terminal shrank */
	lp_fonts_close(&unifont);
}

/* The bundled font: all of printable ASCII and ¥, on its 8x16 grid. */
static void
test_bundled(void)
{
	const struct lp_font *f = lp_font_bundled();
	int n = 0;

	for (uint32_t cp = 0x20; cp < 0x7f; cp++) {
		const struct lp_glyph *g = lp_font_glyph(f, cp);
		if (g == NULL) {
			fprintf(stderr, "bundled font lacks U+%04X\n", (unsigned)cp);
			failures++;
			continue;
		}
		n++;
		/* Punctuation of numbers is narrow: its ink, then an empty column. */
		int narrow = strchr(".,:;-", (int)cp) != NULL;
		CHECK(narrow ? g->width >= 2 && g->width <= 6 : g->width == 8);
		CHECK_EQ(g->rows[0] | g->rows[1], 0);
		for (int r = 0; r < 16; r++)  /* the last column spaces the letters */
			CHECK_EQ(g->rows[r] & (0xffffu >> (g->width - 1)), 0);
		if ((cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
			CHECK(g->rows[2] != 0 && g->rows[12] != 0);
			CHECK_EQ(g->rows[13] | g->rows[14] | g->rows[15], 0);
		}
	}
	CHECK_EQ(n, 95);
	CHECK(lp_font_glyph(f, 0xa5) != NULL);
	CHECK(lp_font_glyph(f, 0x4e3b) == NULL);
	CHECK_EQ(lp_font_need(lp_font_bundled(), "主"), 0);
	CHECK(strcmp(lp_font_name(f), "bundled") == 0);
}

/* No Unifont: an error naming the file; Latin still big from the bundled font, Chinese
 * at normal size. */
static void
test_missing_font(void)
{
	struct strbuf path;
	struct lp_fonts fs;
	struct diag_list d = {0};
	struct lp_block b;

	strbuf_init(&path);
	strbuf_addf(&path, "%s/no-such-dir/unifont.hex", workdir);
	CHECK_EQ(lp_fonts_default(&fs, path.s, &d), -1);
	CHECK_EQ(d.count, 1);
	CHECK(has_diag(&d, path.s, 0, "cannot open: No such file"));
	CHECK_EQ(fs.count, 1);
	CHECK(fs.font[0] == lp_font_bundled());

	CHECK_EQ(lp_fonts_need(&fs, "Balance 主"), 0);
	CHECK_EQ(lp_render(&fs, "Balance 主", 1, &b), 0);
	CHECK_EQ(b.nsmall, 1);
	if (b.nsmall == 1) {
		CHECK_EQ(b.small[0].cp, 0x4e3b);
		CHECK_EQ(b.small[0].col, 64);
		CHECK_EQ(b.small[0].width, 2);
	}
	CHECK_EQ(b.cols, 64 + 2 + 1);
	CHECK(strstr(b.line[b.small_row], "主") != NULL);
	CHECK(rows_inked(&b) >= 4);
	lp_block_free(&b);
	lp_fonts_close(&fs);
	diag_free(&d);
	strbuf_free(&path);
}

#define ROW16 "FFFF800180018001800180018001800180018001800180018001800180018001"
#define BAD16 "FFFF8001800180018001800180018001800180018G0180018001800180018001"

/* A corrupt font: every bad line is named by file, line and column and skipped; the
 * good lines around still draw. */
static void
test_corrupt_font(void)
{
	struct strbuf path, text, many;
	struct diag_list d = {0};
	struct lp_block b;

	strbuf_init(&path);
	strbuf_init(&text);
	strbuf_addf(&path, "%s/corrupt.hex", workdir);
	strbuf_add(&text, "0041:0000000018242442427E424242420000\n");  /* 1 */
	strbuf_add(&text, "4E3B:" BAD16 "\n");                          /* 2 not hex */
	strbuf_add(&text, "83DC:" ROW16 "\n");                          /* 3 good */
	strbuf_add(&text, "5355:0123456789ABCDEF0123456789ABCDEF01234567\n"); /* 4 */
	strbuf_add(&text, "ZZZZ:00000000000000000000000000000000\n");   /* 5 */
	strbuf_add(&text, "110000:00000000000000000000000000000000\n"); /* 6 */
	strbuf_add(&text, "D800:00000000000000000000000000000000\n");   /* 7 */
	strbuf_add(&text, "\n");                                        /* 8 blank */
	strbuf_add(&text, "83DC:" ROW16 "\n");                          /* 9 again */
	strbuf_add(&text, "0042\n");                                    /* 10 */
	strbuf_add(&text, "4E00:" ROW16 "\n");                          /* 11 out of order */
	for (int i = 0; i < 2000; i++)                                  /* 12 */
		strbuf_addc(&text, '0');
	strbuf_add(&text, "\n9999:FF00FF00FF00FF00FF00FF00FF00FF00\r\n"); /* 13 CRLF */
	strbuf_add(&text, "12:00000000000000000000000000000000");       /* 14, no newline */
	write_file(path.s, text.s);

	struct lp_font *f = lp_font_open(path.s, &d);
	CHECK(f != NULL);
	diag_print(&d, stdout);
	CHECK_EQ(d.count, 9);
	CHECK(has_diag(&d, path.s, 2, "'G' is not a hex digit"));
	CHECK_EQ(d.count > 0 ? d.items[0].column : 0, 47);
	CHECK(has_diag(&d, path.s, 4, "bitmap of 40 hex digits"));
	CHECK(has_diag(&d, path.s, 5, "'Z' is not a hex digit"));
	CHECK(has_diag(&d, path.s, 6, "U+110000 is beyond Unicode"));
	CHECK(has_diag(&d, path.s, 7, "surrogate"));
	CHECK(has_diag(&d, path.s, 9, "U+83DC again; the glyph of line 3 is kept"));
	CHECK(has_diag(&d, path.s, 10, "no ':'"));
	CHECK(has_diag(&d, path.s, 12, "line too long"));
	CHECK(has_diag(&d, path.s, 14, "code point of 2 hex digits"));

	struct lp_fonts fs = { { lp_font_bundled(), f }, 2 };
	CHECK_EQ(lp_fonts_need(&fs, "主菜单一\xe9\xa6\x99"), 0);  /* 主菜单一香 */
	CHECK(lp_fonts_glyph(&fs, 0x4e3b) == NULL);
	CHECK(lp_fonts_glyph(&fs, 0x5355) == NULL);
	CHECK(lp_fonts_glyph(&fs, 0x4e00) != NULL);  /* found out of order */
	const struct lp_glyph *g = lp_fonts_glyph(&fs, 0x9999);
	CHECK(g != NULL && g->width == 8 && g->rows[0] == 0xff00 && g->rows[1] == 0);
	g = lp_fonts_glyph(&fs, 0x83dc);
	CHECK(g != NULL && g->width == 16 && g->rows[0] == 0xffff && g->rows[15] == 0x8001);

	CHECK_EQ(lp_render(&fs, "主菜单", 1, &b), 0);
	CHECK_EQ(b.nsmall, 2);
	CHECK_EQ(b.cols, 3 + 16 + 3);
	CHECK(strncmp(b.line[0], "   " FULL UPPER, 3 + 6) == 0);  /* 主 small, then 菜 */
	CHECK(strncmp(b.line[b.small_row], "主 ", 4) == 0);
	lp_block_free(&b);
	lp_font_close(f);
	diag_free(&d);

	/* Nothing usable at all: no font, and a message saying why. */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/garbage.hex", workdir);
	strbuf_init(&many);
	for (int i = 0; i < 30; i++)
		strbuf_addf(&many, "line %d is not a glyph\n", i + 1);
	write_file(path.s, many.s);
	CHECK(lp_font_open(path.s, &d) == NULL);
	CHECK_EQ(d.count, 20 + 2);
	CHECK(has_diag(&d, path.s, 20, "'l' is not a hex digit"));
	CHECK(!has_diag(&d, path.s, 21, ""));
	CHECK(has_diag(&d, path.s, 0, "10 more malformed lines"));
	CHECK(has_diag(&d, path.s, 0, "no glyph"));
	diag_free(&d);

	struct lp_fonts dflt;
	CHECK_EQ(lp_fonts_default(&dflt, path.s, &d), -1);
	CHECK_EQ(dflt.count, 1);
	lp_fonts_close(&dflt);
	diag_free(&d);

	/* An unsorted file: a line out of order is still found, whatever block it is in. */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/unsorted.hex", workdir);
	strbuf_reset(&many);
	for (unsigned cp = 0x3000; cp < 0x3100; cp += 2)
		strbuf_addf(&many, "%04X:" ROW16 "\n", cp);
	strbuf_add(&many, "3001:FF00FF00FF00FF00FF00FF00FF00FF00\n");
	write_file(path.s, many.s);
	f = lp_font_open(path.s, &d);
	CHECK(f != NULL);
	CHECK_EQ(d.count, 0);
	CHECK_EQ(lp_font_need(f, "\xe3\x80\x81\xe3\x80\x80\xe3\x83\xbe"), 0);  /* 、 　 ヾ */
	CHECK(lp_font_glyph(f, 0x3001) != NULL && lp_font_glyph(f, 0x3001)->width == 8);
	CHECK(lp_font_glyph(f, 0x3000) != NULL && lp_font_glyph(f, 0x3000)->width == 16);
	CHECK(lp_font_glyph(f, 0x30fe) != NULL);
	CHECK(lp_font_glyph(f, 0x3003) == NULL);
	lp_font_close(f);
	diag_free(&d);

	/* A line longer than any buffer, inside a block: skipped, and the next one read. */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/long.hex", workdir);
	strbuf_reset(&many);
	strbuf_add(&many, "4E00:" ROW16 "\n");
	for (int i = 0; i < 100000; i++)
		strbuf_addc(&many, 'A');
	strbuf_add(&many, "\n4E01:FF00FF00FF00FF00FF00FF00FF00FF00\n");
	write_file(path.s, many.s);
	f = lp_font_open(path.s, &d);
	CHECK(f != NULL);
	CHECK_EQ(d.count, 1);
	CHECK(has_diag(&d, path.s, 2, "line too long"));
	CHECK_EQ(lp_font_need(f, "\xe4\xb8\x81"), 0);  /* 丁 U+4E01 */
	CHECK(lp_font_glyph(f, 0x4e01) != NULL && lp_font_glyph(f, 0x4e01)->width == 8);
	lp_font_close(f);
	diag_free(&d);

	CHECK(lp_font_open(workdir, &d) == NULL);  /* a directory */
	CHECK(has_diag(&d, workdir, 0, "not a regular file"));
	diag_free(&d);
	strbuf_free(&many);
	strbuf_free(&text);
	strbuf_free(&path);
}

/* A character in no font is drawn at normal size on the middle row, never a blank or a
 * box; controls are not drawn. */
static void
test_fallback_char(void)
{
	struct lp_fonts fs = fonts_unifont();
	struct lp_block b;
	const char *text = "A\xf0\x9f\x98\x80\x07" "B";  /* A, U+1F600, BEL, B */

	CHECK_EQ(lp_fonts_need(&fs, text), 0);
	CHECK(lp_fonts_glyph(&fs, 0x1f600) == NULL);
	CHECK_EQ(lp_render(&fs, text, 1, &b), 0);
	CHECK_EQ(b.nsmall, 1);
	if (b.nsmall == 1) {
		CHECK_EQ(b.small[0].cp, 0x1f600);
		CHECK_EQ(b.small[0].col, 8);
		CHECK_EQ(b.small[0].width, 2);
	}
	CHECK_EQ(b.cols, 8 + 2 + 1 + 8);
	CHECK_EQ(b.small_row, 3);
	for (int r = 0; r < b.rows; r++) {
		int here = strstr(b.line[r], "\xf0\x9f\x98\x80") != NULL;
		CHECK_EQ(here, r == b.small_row);
		CHECK(strstr(b.line[r], "\xef\xbf\xbd") == NULL);  /* no U+FFFD */
		CHECK(strchr(b.line[r], '\a') == NULL);
	}
	lp_block_free(&b);

	/* Unifont's dashed boxes for format characters are not glyphs. */
	CHECK_EQ(lp_fonts_need(&fs, "\xe2\x80\x8b"), 0);  /* U+200B */
	CHECK(lp_fonts_glyph(&fs, 0x200b) == NULL);
	CHECK(lp_font_glyph(fs.font[1], 0x200b) == NULL);
	CHECK_EQ(lp_fonts_need(&fs, "\xe2\x80\x90"), 0);  /* U+2010 hyphen: a real glyph */
	CHECK(lp_font_glyph(fs.font[1], 0x2010) != NULL);

	/* A bad UTF-8 byte is U+FFFD, which Unifont draws. */
	const char *bad = "\xff", *p = bad;
	CHECK_EQ(lp_utf8_next(&p), 0xfffd);
	CHECK(p == bad + 1);
	lp_fonts_close(&fs);
}

static void
check_wrap(const struct lp_fonts *fs, const char *text, int size, int cols, int n, ...)
{
	struct lp_lines l;
	va_list ap;

	CHECK_EQ(lp_wrap(fs, text, size, cols, &l), n);
	va_start(ap, n);
	for (int i = 0; i < n && i < l.count; i++) {
		const char *want = va_arg(ap, const char *);
		if (strcmp(l.line[i], want) != 0) {
			fprintf(stderr, "wrap \"%s\" at %d: line %d is \"%s\", expected \"%s\"\n",
			    text, cols, i + 1, l.line[i], want);
			failures++;
		}
		const char *p = l.line[i];
		int chars = 0;
		while (*p != '\0' && ++chars)
			(void)lp_utf8_next(&p);
		if (lp_measure(fs, l.line[i], size) > cols && chars > 1) {
			fprintf(stderr, "wrap \"%s\": line %d too wide\n", text, i + 1);
			failures++;
		}
	}
	va_end(ap);
	if (l.count != n) {
		for (int i = 0; i < l.count; i++)
			fprintf(stderr, "  got line %d: \"%s\"\n", i + 1, l.line[i]);
	}
	lp_lines_free(&l);
}

/* Latin wraps at spaces (a word alone too wide is cut), Chinese between characters
 * but not before a comma. */
static void
test_wrap(void)
{
	struct lp_fonts fs = fonts_unifont();
	const char *texts[] = { "Withdraw cash now", "Transactions", "Please insert your card",
		"One\nTwo", "请选择您需要的服务", "您好请插卡，谢谢", "主菜单 Main menu",
		"余额Balance", "Balance", "" };
	for (size_t i = 0; i < ARRAY_LEN(texts); i++)
		CHECK_EQ(lp_fonts_need(&fs, texts[i]), 0);

	/* 80 columns: 10 Latin or 5 Chinese characters at size 1. */
	check_wrap(&fs, "Withdraw cash now", 1, 80, 2, "Withdraw", "cash now");
	check_wrap(&fs, "Transactions", 1, 80, 2, "Transactio", "ns");
	check_wrap(&fs, "Please insert your card", 1, 80, 3, "Please", "insert", "your card");
	check_wrap(&fs, "Please   insert", 1, 80, 2, "Please", "insert");
	check_wrap(&fs, "  Transactions", 1, 80, 2, "  Transact", "ions");
	check_wrap(&fs, "One\nTwo", 1, 80, 2, "One", "Two");
	check_wrap(&fs, "One\n\nTwo", 1, 80, 3, "One", "", "Two");
	check_wrap(&fs, "请选择您需要的服务", 1, 80, 2, "请选择您需", "要的服务");
	check_wrap(&fs, "您好请插卡，谢谢", 1, 80, 2, "您好请插", "卡，谢谢");
	check_wrap(&fs, "主菜单 Main menu", 1, 80, 2, "主菜单", "Main menu");
	check_wrap(&fs, "余额Balance", 1, 80, 2, "余额", "Balance");
	check_wrap(&fs, "Balance", 2, 80, 2, "Balan", "ce");
	check_wrap(&fs, "Balance", 1, 200, 1, "Balance");
	check_wrap(&fs, "", 1, 80, 1, "");
	check_wrap(&fs, "Withdraw cash", 1, 8, 12, "W", "i", "t", "h", "d", "r", "a", "w",
	    "c", "a", "s", "h");
	check_wrap(&fs, "主", 1, 8, 1, "主");  /* one character wider than the line */
	lp_fonts_close(&fs);
}

/* A money amount, a date, a time and a group of digits are never cut between lines while
 * they fit one alone: at 80x24 (77 columns) "¥12,345.60" and "2026-12-04" do, their
 * punctuation being narrower than a digit. */
static void
test_wrap_numbers(void)
{
	struct lp_fonts fs = fonts_unifont();
	CHECK_EQ(lp_fonts_need(&fs, "账户余额：¥12,345.60 日期"), 0);

	check_wrap(&fs, "Balance: ¥12,345.60", 1, 77, 2, "Balance:", "¥12,345.60");
	check_wrap(&fs, "Date: 2026-12-04 19:30", 1, 77, 3, "Date:", "2026-12-04", "19:30");
	check_wrap(&fs, "Amount¥12,345.60", 1, 77, 2, "Amount", "¥12,345.60");
	check_wrap(&fs, "账户余额：¥12,345.60", 1, 77, 3, "账户余", "额：", "¥12,345.60");
	check_wrap(&fs, "日期：2026-12-04", 1, 77, 2, "日期：", "2026-12-04");
	check_wrap(&fs, "Card: **** 0002", 1, 77, 2, "Card: ****", "0002");
	check_wrap(&fs, "Card: 6222 0000 0000 0002", 1, 77, 3, "Card: 6222", "0000 0000",
	    "0002");
	/* Alone wider than the line: cut, as the last resort. */
	check_wrap(&fs, "6222000000000025", 1, 77, 2, "622200000", "0000025");
	/* The size a text keeps its numbers whole at: the one asked for, or smaller. */
	CHECK_EQ(lp_size_whole(&fs, "Balance: ¥12,345.60", 2, 129), 1);
	CHECK_EQ(lp_size_whole(&fs, "Balance: ¥500.00", 2, 129), 2);
	CHECK_EQ(lp_size_whole(&fs, "Card 6222000000000025", 1, 77), 1);
	lp_fonts_close(&fs);
}

/* Every theme reaches 7:1; the formula gives WCAG's known values and flags a bad pair. */
static void
test_themes(void)
{
	static const char *required[] = { "white-on-black", "black-on-yellow", "yellow-on-black" };
	struct lp_rgb white = { 255, 255, 255 }, black = { 0, 0, 0 };
	struct lp_rgb grey = { 0x76, 0x76, 0x76 }, yellow = { 255, 255, 0 };

	CHECK(fabs(lp_contrast(white, black) - 21.0) < 1e-9);
	CHECK(fabs(lp_contrast(black, white) - 21.0) < 1e-9);
	CHECK(fabs(lp_contrast(grey, white) - 4.54) < 0.01);
	CHECK(fabs(lp_luminance(yellow) - 0.9278) < 1e-4);
	CHECK(fabs(lp_luminance((struct lp_rgb){ 10, 10, 10 }) - 10 / 255.0 / 12.92) < 1e-9);

	for (size_t i = 0; i < ARRAY_LEN(required); i++)
		CHECK(lp_theme_find(required[i]) != NULL);
	CHECK(lp_theme_find("pink-on-pink") == NULL);
	CHECK(lp_theme_at(lp_theme_count()) == NULL);
	CHECK(lp_theme_count() >= 3);
	for (int i = 0; i < lp_theme_count(); i++) {
		const struct lp_theme *t = lp_theme_at(i);
		double own = lp_theme_contrast(t), xterm = lp_theme_contrast_on(t, &lp_palette_xterm);
		printf("%-16s %5.2f:1  xterm %5.2f:1  linux %5.2f:1\n", t->name, own, xterm,
		    lp_theme_contrast_on(t, &lp_palette_linux));
		if (own < 7 || xterm < 7) {
			fprintf(stderr, "theme %s below 7:1\n", t->name);
			failures++;
		}
		CHECK(t->fg8 >= 0 && t->fg8 <= 7 && t->bg8 >= 0 && t->bg8 <= 7);
		CHECK(t->fg8 != LP_BLACK || !t->fg_bright);
		CHECK(lp_theme_find(t->name) == t);
	}
	/* The Linux console's own palette: fine but for its brown "yellow" background. */
	CHECK(lp_theme_contrast_on(lp_theme_find("white-on-black"), &lp_palette_linux) >= 7);
	CHECK(lp_theme_contrast_on(lp_theme_find("yellow-on-black"), &lp_palette_linux) >= 7);
	CHECK(lp_theme_contrast_on(lp_theme_find("black-on-yellow"), &lp_palette_linux) < 7);

	struct lp_theme bad = { "grey-on-white", grey, white, LP_WHITE, LP_WHITE, 0 };
	CHECK(lp_theme_contrast(&bad) < 7);
	struct lp_theme dim = { "yellow-on-white", yellow, white, LP_YELLOW, LP_WHITE, 0 };
	CHECK(lp_theme_contrast(&dim) < 1.1);
}

/* Every theme stays at 7:1 whatever either print mode asks of it (bold titles, reverse
 * items and notices, dim status lines), as a terminal draws it: with the theme's own
 * colours (init_color) or the basic ones, on xterm's palette and on the Linux console's
 * once its palette is changed (unchanged, its yellow is brown: test_themes). */
static void
test_themes_drawn(void)
{
	static const struct {
		const struct lp_palette *p;
		int changed;
	} terms[] = { { &lp_palette_xterm, 1 }, { &lp_palette_xterm, 0 },
		{ &lp_palette_linux, 1 } };
	for (int i = 0; i < lp_theme_count(); i++) {
		const struct lp_theme *t = lp_theme_at(i);
		for (int want = 0; want <= (LP_DRAW_BOLD | LP_DRAW_REVERSE | LP_DRAW_DIM); want++)
			for (size_t j = 0; j < ARRAY_LEN(terms); j++) {
				int draw = lp_theme_draw(t, want);
				double r = lp_theme_contrast_drawn(t, terms[j].p, terms[j].changed,
				    draw);
				if (r < 7.0)
					fprintf(stderr, "theme %s asked for %d (drawn %d) on %s%s: "
					    "%.1f:1\n", t->name, want, draw, terms[j].p->name,
					    terms[j].changed ? " changed" : "", r);
				CHECK(r >= 7.0);
				/* Reverse, the mark of the item heard or in focus, is kept. */
				CHECK((draw & LP_DRAW_REVERSE) == (want & LP_DRAW_REVERSE));
			}
	}
	/* The model: bold black is grey, and dim halves the foreground. */
	const struct lp_theme *by = lp_theme_find("black-on-yellow");
	CHECK(lp_theme_contrast_drawn(by, &lp_palette_xterm, 1, LP_DRAW_BOLD) < 4.0);
	CHECK(lp_theme_contrast_drawn(lp_theme_find("white-on-black"), &lp_palette_xterm, 1,
	    LP_DRAW_DIM) < 7.0);
	CHECK(fabs(lp_theme_contrast_drawn(by, &lp_palette_xterm, 1, 0) -
	    lp_theme_contrast(by)) < 1e-9);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} cases[] = {
		{ "unifont_cjk", test_unifont_cjk }, { "sizes", test_sizes },
		{ "bundled", test_bundled }, { "missing_font", test_missing_font },
		{ "corrupt_font", test_corrupt_font }, { "fallback_char", test_fallback_char },
		{ "wrap", test_wrap }, { "wrap_numbers", test_wrap_numbers }, { "themes", test_themes },
		{ "themes_drawn", test_themes_drawn },
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test_largeprint CASE WORKDIR\n");
		return 2;
	}
	workdir = argv[2];
	if (mkdir(workdir, 0700) != 0 && errno != EEXIST) {
		perror(workdir);
		return 1;
	}
	setlocale(LC_ALL, "C.UTF-8");
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (strcmp(cases[i].name, argv[1]) == 0) {
			cases[i].run();
			if (failures > 0)
				fprintf(stderr, "%s: %d check(s) failed\n", argv[1], failures);
			return failures > 0;
		}
	}
	fprintf(stderr, "test_largeprint: no case %s\n", argv[1]);
	return 2;
}
