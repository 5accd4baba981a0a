/* High-contrast colour themes and the WCAG 2.x contrast ratio that keeps them at 7:1
 * (WCAG 1.4.6, our ACCESSIBILITY.md for the elderly and high-contrast themes). */
#include "largeprint/largeprint.h"

#include "common/util.h"

#include <math.h>
#include <string.h>

#define RGB(x) { (uint8_t)((x) >> 16), (uint8_t)((x) >> 8 & 0xff), (uint8_t)((x) & 0xff) }

/* Linux's vt.default_red/grn/blu: colour 3 is brown, not yellow. */
const struct lp_palette lp_palette_linux = { "linux", {
	RGB(0x000000), RGB(0xaa0000), RGB(0x00aa00), RGB(0xaa5500),
	RGB(0x0000aa), RGB(0xaa00aa), RGB(0x00aaaa), RGB(0xaaaaaa),
	RGB(0x555555), RGB(0xff5555), RGB(0x55ff55), RGB(0xffff55),
	RGB(0x5555ff), RGB(0xff55ff), RGB(0x55ffff), RGB(0xffffff),
} };

const struct lp_palette lp_palette_xterm = { "xterm", {
	RGB(0x000000), RGB(0xcd0000), RGB(0x00cd00), RGB(0xcdcd00),
	RGB(0x0000ee), RGB(0xcd00cd), RGB(0x00cdcd), RGB(0xe5e5e5),
	RGB(0x7f7f7f), RGB(0xff0000), RGB(0x00ff00), RGB(0xffff00),
	RGB(0x5c5cff), RGB(0xff00ff), RGB(0x00ffff), RGB(0xffffff),
} };

/* A dark foreground is never made bright: bright black is grey. */
static const struct lp_theme themes[] = {
	{ "white-on-black", RGB(0xffffff), RGB(0x000000), LP_WHITE, LP_BLACK, 1 },
	{ "black-on-yellow", RGB(0x000000), RGB(0xffff00), LP_BLACK, LP_YELLOW, 0 },
	{ "yellow-on-black", RGB(0xffff00), RGB(0x000000), LP_YELLOW, LP_BLACK, 1 },
	{ "black-on-white", RGB(0x000000), RGB(0xffffff), LP_BLACK, LP_WHITE, 0 },
};

static double
channel(uint8_t v)
{
	/* sRGB to linear light; WCAG 2.x's 0.03928 gives the same for 8-bit values. */
	double c = v / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double
lp_luminance(struct lp_rgb c)
{
	return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double
lp_contrast(struct lp_rgb a, struct lp_rgb b)
{
	double la = lp_luminance(a), lb = lp_luminance(b);
	if (la < lb) {
		double t = la;
		la = lb;
		lb = t;
	}
	return (la + 0.05) / (lb + 0.05);
}

double
lp_theme_contrast(const struct lp_theme *t)
{
	return lp_contrast(t->fg, t->bg);
}

double
lp_theme_contrast_on(const struct lp_theme *t, const struct lp_palette *p)
{
	return lp_contrast(p->c[t->fg8 + (t->fg_bright ? 8 : 0)], p->c[t->bg8]);
}

int
lp_theme_draw(const struct lp_theme *t, int want)
{
	return (t->fg_bright ? LP_DRAW_BOLD : 0) | (want & LP_DRAW_REVERSE);
}

double
lp_theme_contrast_drawn(const struct lp_theme *t, const struct lp_palette *p, int changed,
    int draw)
{
	int fg8 = (int)t->fg8 + (draw & LP_DRAW_BOLD ? 8 : 0);
	struct lp_rgb fg = changed && fg8 == (int)t->fg8 ? t->fg : p->c[fg8];
	struct lp_rgb bg = changed ? t->bg : p->c[t->bg8];

	/* xterm's faint: the foreground half way to the background. */
	if (draw & LP_DRAW_DIM)
		fg = (struct lp_rgb){ (uint8_t)((fg.r + bg.r) / 2), (uint8_t)((fg.g + bg.g) / 2),
			(uint8_t)((fg.b + bg.b) / 2) };
	/* Reverse swaps the two, which leaves their ratio as it is. */
	return lp_contrast(fg, bg);
}

int
lp_theme_count(void)
{
	return (int)ARRAY_LEN(themes);
}

const struct lp_theme *
lp_theme_at(int i)
{
	return i >= 0 && i < lp_theme_count() ? &themes[i] : NULL;
}

const struct lp_theme *
lp_theme_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(themes); i++)
		if (strcmp(themes[i].name, name) == 0)
			return &themes[i];
	return NULL;
}
