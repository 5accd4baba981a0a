/* Themes on the terminal: the colour pair, and the attributes that keep 7:1. */
#include "kiosk/render_theme.h"

#include "largeprint/largeprint.h"

#define THEME_PAIR 1

/* The theme's colours: exactly, where the terminal lets colours be changed (the Linux
 * console's stock "yellow" is brown), else its basic colours. The palette is set once
 * per theme, not on every redraw (the item heard redraws the screen word by word). */
attr_t
render_theme_base(const struct lp_theme *t)
{
	static const struct lp_theme *applied;
	if (!has_colors())
		return t->fg8 == LP_BLACK ? A_REVERSE : A_NORMAL;
	if (t == applied)
		return COLOR_PAIR(THEME_PAIR) | (t->fg_bright ? A_BOLD : A_NORMAL);
	applied = t;
	start_color();
	if (can_change_color() && COLORS >= 8) {
		init_color((short)t->fg8, (short)(t->fg.r * 1000 / 255),
		    (short)(t->fg.g * 1000 / 255), (short)(t->fg.b * 1000 / 255));
		init_color((short)t->bg8, (short)(t->bg.r * 1000 / 255),
		    (short)(t->bg.g * 1000 / 255), (short)(t->bg.b * 1000 / 255));
	}
	init_pair(THEME_PAIR, (short)t->fg8, (short)t->bg8);
	return COLOR_PAIR(THEME_PAIR) | (t->fg_bright ? A_BOLD : A_NORMAL);
}

attr_t
render_theme_attr(const struct lp_theme *t, attr_t attr)
{
	int want = (attr & A_BOLD ? LP_DRAW_BOLD : 0) | (attr & A_DIM ? LP_DRAW_DIM : 0) |
	    (attr & (A_REVERSE | A_STANDOUT) ? LP_DRAW_REVERSE : 0);
	int draw = lp_theme_draw(t, want);
	attr_t base = render_theme_base(t) & ~A_BOLD;
	/* Without colours a dark-on-light theme is reverse video already: its mark is not. */
	if (draw & LP_DRAW_REVERSE)
		base ^= A_REVERSE;
	return base | (draw & LP_DRAW_BOLD ? A_BOLD : A_NORMAL);
}
