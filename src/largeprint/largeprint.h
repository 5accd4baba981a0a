/* Large print: text drawn big with the half blocks ▀ ▄ █ from 16-pixel bitmap fonts
 * (GNU Unifont's .hex file and a bundled font for ASCII and ¥), line wrapping at that
 * size, and high-contrast colour themes. No curses here: the caller draws the strings.
 * See docs/large-print.md. */
#ifndef LARGEPRINT_LARGEPRINT_H
#define LARGEPRINT_LARGEPRINT_H

#include "common/diag.h"

#include <stdint.h>

#define LP_UNIFONT_PATH "/usr/share/unifont/unifont.hex"

/* ---- fonts (font.c, bundled.c) ---- */

#define LP_GLYPH_HEIGHT 16

struct lp_glyph {
	uint32_t cp;
	int width;                       /* 8 or 16 pixels */
	uint16_t rows[LP_GLYPH_HEIGHT];  /* bit 15 is the leftmost pixel */
};

struct lp_font;

/* Opens a Unifont .hex file ("XXXX:" then 32 or 64 hex digits a line) and indexes it in
 * one pass; glyphs are read later, only those asked for. Every malformed line is added to
 * diags as "path:line:column: message" and skipped. Returns NULL, with the reason in
 * diags, when the file cannot be read or holds no glyph at all. */
struct lp_font *lp_font_open(const char *path, struct diag_list *diags);
/* The font compiled in: printable ASCII and ¥, 8x16, bold strokes. Never fails. */
struct lp_font *lp_font_bundled(void);
/* Does nothing for the bundled font. */
void lp_font_close(struct lp_font *f);
const char *lp_font_name(const struct lp_font *f);

/* Reads the glyphs of the code points of utf8 not read yet. Returns -1 with errno set
 * when the file cannot be read; those glyphs then stay missing. */
int lp_font_need(struct lp_font *f, const char *utf8);
/* The glyph of cp if it was read and the font has one, else NULL.
 * Valid until the next lp_font_need() or lp_font_close() on f. */
const struct lp_glyph *lp_font_glyph(const struct lp_font *f, uint32_t cp);

/* Fonts tried in order: the first one that has a character draws it. */
#define LP_FONTS_MAX 4
struct lp_fonts {
	struct lp_font *font[LP_FONTS_MAX];
	int count;
};

/* The kiosk's set: the bundled font (it reads better for digits and Latin), then
 * Unifont from unifont_path for everything else. When Unifont cannot be opened the set
 * is the bundled font alone, diags say why and -1 is returned. */
int lp_fonts_default(struct lp_fonts *fs, const char *unifont_path, struct diag_list *diags);
void lp_fonts_close(struct lp_fonts *fs);
/* lp_font_need() on each font, for the characters the fonts before it lack. Call it
 * with every text before lp_wrap() or lp_render() sees it. */
int lp_fonts_need(struct lp_fonts *fs, const char *utf8);
const struct lp_glyph *lp_fonts_glyph(const struct lp_fonts *fs, uint32_t cp);

/* ---- sizes, rendering and wrapping (render.c) ---- */

/* A size is a whole pixel scale. One terminal cell shows 1x2 pixels, so at size s a line
 * of text is 8*s rows tall and a glyph 8*s (Latin) or 16*s (CJK) columns wide. */
#define LP_SIZE_MIN 1
#define LP_SIZE_MAX 3
/* A size is offered on a terminal when a line of LP_FIT_CHARS Latin characters and
 * LP_FIT_LINES lines fit. */
#define LP_FIT_CHARS 8
#define LP_FIT_LINES 2

int lp_size_rows(int size);
int lp_size_cols(int size);      /* of an 8-pixel-wide glyph */
/* The largest size offered on a cols x rows terminal, 0 when none is. */
int lp_size_largest(int cols, int rows);
/* The size after size in the cycle of sizes offered there (1, 2, ... largest, 1). */
int lp_size_next(int size, int cols, int rows);

/* A character no font has, drawn at normal size on the block's small_row. */
struct lp_small {
	int col, width;   /* terminal columns */
	uint32_t cp;
};

struct lp_block {
	int rows, cols;   /* every line is exactly cols terminal columns wide */
	char **line;      /* rows NUL-terminated UTF-8 strings */
	int small_row;
	int nsmall;
	struct lp_small *small;
};

/* Draws one line of utf8 (newlines and other controls are not drawn) at size. Returns
 * 0, or -1 when size is out of range. Free out with lp_block_free(). */
int lp_render(const struct lp_fonts *fs, const char *utf8, int size, struct lp_block *out);
void lp_block_free(struct lp_block *b);

/* Terminal columns utf8 takes when drawn by lp_render() at size. */
int lp_measure(const struct lp_fonts *fs, const char *utf8, int size);

struct lp_lines {
	int count;
	char **line;
};

/* Splits utf8 into lines of at most cols terminal columns at size: at spaces, between
 * CJK characters and at newlines; inside a word only when the word alone is too wide,
 * and then never inside a number (an amount with its currency sign, a date, a time, a
 * group of digits) unless that number alone is too wide. The spaces at a break are
 * dropped. Returns the number of lines. Free with lp_lines_free(). */
int lp_wrap(const struct lp_fonts *fs, const char *utf8, int size, int cols,
    struct lp_lines *out);
/* The largest size, size or below, at which lp_wrap() cuts no number of utf8 at cols;
 * LP_SIZE_MIN when every size does. */
int lp_size_whole(const struct lp_fonts *fs, const char *utf8, int size, int cols);
void lp_lines_free(struct lp_lines *l);

/* Decodes one UTF-8 character at *s and advances *s; a bad sequence gives U+FFFD. */
uint32_t lp_utf8_next(const char **s);

/* ---- themes (theme.c) ---- */

struct lp_rgb {
	uint8_t r, g, b;
};

/* The 8 basic colours in ANSI order, the same numbers as curses' COLOR_*. */
enum lp_colour {
	LP_BLACK, LP_RED, LP_GREEN, LP_YELLOW, LP_BLUE, LP_MAGENTA, LP_CYAN, LP_WHITE
};

struct lp_theme {
	const char *name;
	struct lp_rgb fg, bg;       /* the colours meant; set them with init_color() when
	                               the terminal can_change_color() */
	enum lp_colour fg8, bg8;    /* else these basic colours, */
	int fg_bright;              /* with A_BOLD, which brightens the foreground */
};

/* What a terminal shows for colours 0-15 (8-15: the bright ones). */
struct lp_palette {
	const char *name;
	struct lp_rgb c[16];
};

/* The Linux console's default palette, and xterm's. */
extern const struct lp_palette lp_palette_linux, lp_palette_xterm;

/* WCAG 2.x relative luminance (0 black .. 1 white) and contrast ratio (1 .. 21). */
double lp_luminance(struct lp_rgb c);
double lp_contrast(struct lp_rgb a, struct lp_rgb b);
/* The ratio of the theme's own colours, and the one seen when it is drawn with fg8/bg8
 * on a terminal with palette p. Warning: the Linux console's yellow is brown (#aa5500)
 * and a background cannot be bright there: "black-on-yellow" is 4:1 on it unless the
 * palette is changed. */
double lp_theme_contrast(const struct lp_theme *t);
double lp_theme_contrast_on(const struct lp_theme *t, const struct lp_palette *p);

/* What a renderer adds to a theme's colours, named apart from curses: normal print asks
 * for bold titles, reverse (standout) notices and items, dim status lines; large print
 * for reverse items. */
enum lp_draw { LP_DRAW_BOLD = 1, LP_DRAW_REVERSE = 2, LP_DRAW_DIM = 4 };
/* The attributes text asking for want is drawn with in theme t: the theme's own bold for a
 * bright foreground, and reverse as asked. Bold on a dark foreground (a terminal draws it
 * grey) and dim (a faded foreground) would take the theme below 7:1, so never. */
int lp_theme_draw(const struct lp_theme *t, int want);
/* The ratio of text drawn with attributes draw (lp_theme_draw's) in t's basic colours on
 * a terminal with palette p; changed: the terminal took the theme's own colours for
 * fg8 and bg8 (init_color), while a bold foreground takes colour fg8 + 8 as it was. */
double lp_theme_contrast_drawn(const struct lp_theme *t, const struct lp_palette *p,
    int changed, int draw);

int lp_theme_count(void);
const struct lp_theme *lp_theme_at(int i);
const struct lp_theme *lp_theme_find(const char *name);

#endif
