/* The customer's colour theme as curses attributes, for normal and large print alike. */
#ifndef KIOSK_RENDER_THEME_H
#define KIOSK_RENDER_THEME_H

#include <curses.h>

struct lp_theme;

/* The theme's colour pair with its own bold (a bright foreground), for bkgdset(). */
attr_t render_theme_base(const struct lp_theme *t);
/* attr (A_BOLD, A_REVERSE, A_STANDOUT, A_DIM) in the theme: the base and only what keeps
 * it at 7:1 (lp_theme_draw): reverse and standout as reverse; bold and dim not. */
attr_t render_theme_attr(const struct lp_theme *t, attr_t attr);

#endif
