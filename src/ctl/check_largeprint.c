/* kioskctl check, the large print part: the font read as the kiosk reads it, whether the
 * print is large enough at the declared viewing distance (EN 301 549 5.1.4) and how the
 * configured theme holds up on the Linux console. The kiosk survives every problem found
 * here (bundled font, basic colours), so all of them are warnings. */
#include "ctl/check.h"

#include <stdio.h>
#include <string.h>

#include "largeprint/largeprint.h"

/* EN 301 549 5.1.4: a capital H subtends at least 0.7 degrees, 0.0122 x the distance. */
#define EN_H_PER_MM 0.0122
#define EN_CLAUSE "EN 301 549 5.1.4"
/* Normal print is whatever font the terminal has: its capitals are taken as 0.7 of a
 * row, as in common terminal fonts (the console's 8x16 VGA font: 11 of 16 pixels). */
#define NORMAL_H_PER_ROW 0.7
/* The bundled font's capitals, in case its H cannot be measured (docs/large-print.md). */
#define BUNDLED_H_PIXELS 11
#define CONTRAST_MIN 7.0 /* WCAG 1.4.6, for the high-contrast themes */

/* The height of the bundled font's H in pixels, measured on the glyph that is drawn. */
static int
bundled_h_pixels(void)
{
	struct lp_font *f = lp_font_bundled();
	const struct lp_glyph *g;
	int top = -1, bottom = -1;

	if (lp_font_need(f, "H") != 0 || (g = lp_font_glyph(f, 'H')) == NULL)
		return BUNDLED_H_PIXELS;
	for (int r = 0; r < LP_GLYPH_HEIGHT; r++) {
		if (g->rows[r] == 0)
			continue;
		if (top < 0)
			top = r;
		bottom = r;
	}
	return top < 0 ? BUNDLED_H_PIXELS : bottom - top + 1;
}

static void
report_size(FILE *out, const char *what, const char *how, double h_mm, double dist_mm)
{
	double need = EN_H_PER_MM * dist_mm;

	fprintf(out, "large print: %s: capital H %.1f mm%s, needs %.1f mm at %g mm: ", what,
	    h_mm, how, need, dist_mm);
	if (h_mm >= need)
		fprintf(out, "meets %s (x%.1f)\n", EN_CLAUSE, h_mm / need);
	else
		fprintf(out, "does not meet %s (needs %.1fx more)\n", EN_CLAUSE, need / h_mm);
}

void
report_large_print(const struct kiosk_config *cfg, FILE *out)
{
	double cell = cfg->lp_cell_height_mm, dist = cfg->lp_viewing_distance_mm;

	if (cell <= 0 || dist <= 0) {
		fprintf(out, "large print: %s%s%s not set in %s: cannot tell whether print is "
		    "large enough for %s\n", cell <= 0 ? "large_print.cell_height_mm" : "",
		    cell <= 0 && dist <= 0 ? " and " : "",
		    dist <= 0 ? "large_print.viewing_distance_mm" : "", cfg->path, EN_CLAUSE);
	} else {
		int hpx = bundled_h_pixels();
		char what[32], how[96];
		snprintf(how, sizeof how, " (assumed %.1f of a %g mm row)", NORMAL_H_PER_ROW,
		    cell);
		report_size(out, "normal size", how, NORMAL_H_PER_ROW * cell, dist);
		/* The sizes the terminal offers depend on its size (lp_size_largest). */
		for (int s = LP_SIZE_MIN; s <= LP_SIZE_MAX; s++) {
			snprintf(what, sizeof what, "size %d", s);
			report_size(out, what, "", (double)hpx * lp_size_rows(s) / LP_GLYPH_HEIGHT *
			    cell, dist);
		}
	}
	const struct lp_theme *t = lp_theme_find(cfg->lp_theme);
	if (t != NULL)
		fprintf(out, "large print: theme %s: contrast %.1f:1 (%.0f:1 needed), %.1f:1 in "
		    "the Linux console's colours\n", t->name, lp_theme_contrast(t), CONTRAST_MIN,
		    lp_theme_contrast_on(t, &lp_palette_linux));
}

/* The Linux console's yellow is brown and its backgrounds cannot be bright. */
static int
check_theme(const struct kiosk_config *cfg, struct diag_list *d)
{
	const struct lp_theme *t = lp_theme_find(cfg->lp_theme);
	const struct config_where w = cfg->where_lp_theme;
	char list[256] = "";
	size_t len = 0;

	if (t == NULL || lp_theme_contrast_on(t, &lp_palette_linux) >= CONTRAST_MIN)
		return 0;
	for (int i = 0; i < lp_theme_count() && len < sizeof list; i++) {
		const struct lp_theme *o = lp_theme_at(i);
		if (lp_theme_contrast_on(o, &lp_palette_linux) >= CONTRAST_MIN)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
			    len ? ", " : "", o->name);
	}
	diag_add(d, cfg->path, w.line, w.column, "warning: large_print.theme: %s is only "
	    "%.1f:1 in the Linux console's colours (its yellow is brown): there the kiosk must "
	    "be able to change the palette (init_color) to show %.1f:1; themes that hold "
	    "%.0f:1 without it: %s", t->name, lp_theme_contrast_on(t, &lp_palette_linux),
	    lp_theme_contrast(t), CONTRAST_MIN, list);
	return 1;
}

/* The font as the kiosk opens it. Its bad lines are reported at the font file; a font
 * that cannot be used at all, at the kiosk.yaml setting that names it. */
static int
check_font(const struct kiosk_config *cfg, struct diag_list *d)
{
	const struct config_where w = cfg->where_lp_font;
	struct diag_list fd = {0};
	struct lp_font *f = lp_font_open(cfg->lp_font, &fd);
	char what[300];

	if (w.line > 0)
		snprintf(what, sizeof what, "large_print.font");
	else
		snprintf(what, sizeof what, "large_print.font (%s when not set)", LP_UNIFONT_PATH);
	for (int i = 0; i < fd.count; i++) {
		const struct diag *x = &fd.items[i];
		if (f == NULL && i == fd.count - 1)
			diag_add(d, cfg->path, w.line, w.column, "warning: %s: %s: %s; the kiosk "
			    "will draw large print with its bundled font alone (ASCII and ¥; other "
			    "characters at normal size)", what, cfg->lp_font, x->message);
		else if (x->line > 0)
			diag_add(d, x->file, x->line, x->column, "warning: %s; the kiosk skips "
			    "this line", x->message);
		else
			diag_add(d, x->file, x->line, x->column, "warning: %s", x->message);
	}
	int n = fd.count;
	lp_font_close(f);
	diag_free(&fd);
	return n;
}

int
check_large_print(const struct kiosk_config *cfg, struct diag_list *d)
{
	return check_font(cfg, d) + check_theme(cfg, d);
}
