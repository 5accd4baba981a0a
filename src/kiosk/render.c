/* Draws the screen model with ncurses (normal print). */
#include "kiosk/render.h"

#include "common/util.h"
#include "kiosk/overlay.h"
#include "kiosk/render_theme.h"
#include "kiosk/state.h"
#include "kiosk/view.h"
#include "largeprint/largeprint.h"

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MARGIN 4

int
render_init(void)
{
	if (initscr() == NULL)
		return -1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void
render_end(void)
{
	if (!isendwin())
		endwin();
}

void
render_size(int *cols, int *rows)
{
	*cols = COLS;
	*rows = LINES;
}

/* The customer's theme, in normal print as in large print. */
static const struct lp_theme *theme;

/* Set when a text did not fit above its last row: a screen that would be cut off. */
static int cut_off;
/* Items drawn off their side key's row: the key is where nothing can be drawn. */
static int off_key;

/* Rows an item on a side key holds: the other text flows around them. */
#define ROWS_MAX 512
static unsigned char taken[ROWS_MAX];

static int
is_taken(int row)
{
	return row >= 0 && row < ROWS_MAX && taken[row];
}

/* The first row from row on that no side key's item holds. */
static int
free_row(int row)
{
	while (is_taken(row))
		row++;
	return row;
}

static wchar_t *
to_wide(const char *s)
{
	size_t n = mbstowcs(NULL, s, 0);
	if (n == (size_t)-1)
		return NULL;
	wchar_t *w = xcalloc(n + 1, sizeof *w);
	mbstowcs(w, s, n + 1);
	return w;
}

enum wrap { WRAP_LEFT, WRAP_RIGHT, WRAP_MEASURE };

/* Draws text from row, wrapping at spaces (or between CJK characters) to width columns,
 * each line from col or, with WRAP_RIGHT, ending at col + width. Rows a side key's item
 * holds are passed over. Returns the number of rows gone down; stops at last_row. */
static int
draw_text(int row, int col, int width, int last_row, const char *text, attr_t attr,
    enum wrap how)
{
	wchar_t *w = to_wide(text);
	if (w == NULL)
		return 0;
	int used = 0;
	size_t len = wcslen(w), start = 0;

	attr = render_theme_attr(theme, attr);
	attron(attr);
	while (start < len) {
		if (w[start] == L'\n') {
			start++;
			continue;
		}
		if (how != WRAP_MEASURE)
			used = free_row(row + used) - row;
		if (row + used > last_row)
			break;
		size_t end = start, brk = 0;
		int cols = 0, brk_cols = 0;
		while (end < len && w[end] != L'\n') {
			int cw = wcwidth(w[end]);
			if (cw < 0)
				cw = 1;
			if (cols + cw > width)
				break;
			cols += cw;
			if (w[end] == L' ' || cw == 2) {
				brk = end + 1;
				brk_cols = w[end] == L' ' ? cols - 1 : cols;
			}
			end++;
		}
		if (end < len && w[end] != L'\n' && brk > start) {
			end = brk;
			cols = brk_cols;
		}
		if (how == WRAP_LEFT)
			mvaddnwstr(row + used, col, w + start, (int)(end - start));
		else if (how == WRAP_RIGHT)
			mvaddnwstr(row + used, col + width - cols, w + start, (int)(end - start));
		used++;
		start = end;
		/* Spaces where a line wrapped go; those a text starts a line with stay (the
		 * columns of a table). */
		if (start < len && w[start] != L'\n')
			while (start < len && w[start] == L' ')
				start++;
	}
	if (start < len && how != WRAP_MEASURE)
		cut_off = 1;
	attroff(attr);
	free(w);
	return used;
}

static int
draw_wrapped(int row, int col, int width, int last_row, const char *text, attr_t attr)
{
	return draw_text(row, col, width, last_row, text, attr, WRAP_LEFT);
}

/* A side key's item, at either edge: "◄ F1 > Balance" and "Withdraw cash < F5 ►", the
 * focus arrow between the key and the label. SIDE_LEAD is the columns before a label. */
#define SIDE_LEAD 7
/* With items on both sides, each label has half the screen less its lead and a gap. */
#define SIDE_GAP 2

/* Items on side keys, level with their keys (docs/configuration.md, function_keys). An
 * item pushed off its key's row by the one above it is still drawn whole, and counted. */
static void
draw_side_items(struct kiosk *k, int first, int last)
{
	const struct screen *s = &k->screen;
	int order[SCREEN_MAX_ITEMS], row_of[SCREEN_MAX_ITEMS], n = 0, sides = 0;
	int top[SCREEN_MAX_ITEMS], next_of[SCREEN_MAX_ITEMS];

	for (int i = 0; i < s->nitems; i++) {
		const struct fkey_place *p = config_fkey(k->cfg, s->items[i].key);
		if (p == NULL)
			continue;
		sides |= 1 << p->side;
		row_of[i] = config_fkey_row(p, LINES);
		int j = n++;
		for (; j > 0 && row_of[order[j - 1]] > row_of[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	int both = sides == (1 << FKEY_LEFT | 1 << FKEY_RIGHT);
	int width = both ? COLS / 2 - SIDE_LEAD - SIDE_GAP : COLS - 2 * SIDE_LEAD - SIDE_GAP;
	int next[FKEY_RIGHT + 1] = { first, first, first };
	for (int j = 0; j < n; j++) {
		int i = order[j];
		const struct fkey_place *p = config_fkey(k->cfg, s->items[i].key);
		const char *label = s->items[i].label.show;
		int h = draw_text(0, 0, width, ROWS_MAX, label, A_NORMAL, WRAP_MEASURE);
		int row = row_of[i] + h - 1 > last ? last - h + 1 : row_of[i];
		row = row < next[p->side] ? next[p->side] : row;
		int left = p->side == FKEY_LEFT, marked = i == k->focus || i == k->heard_item;
		mvaddstr(row_of[i] >= row && row_of[i] < row + h ? row_of[i] : row,
		    left ? 0 : COLS - 1, left ? "◄" : "►");
		mvaddstr(row, left ? 2 : COLS - 2 - (int)strlen(s->items[i].key), s->items[i].key);
		if (i == k->focus)
			mvaddstr(row, left ? 5 : COLS - 6, left ? ">" : "<");
		if (row + h - 1 > last)
			cut_off = 1;
		if (row_of[i] < row || row_of[i] >= row + h)
			off_key++;
		draw_text(row, left ? SIDE_LEAD : COLS - SIDE_LEAD - 1 - width, width, last, label,
		    marked ? A_REVERSE | A_BOLD : A_NORMAL, left ? WRAP_LEFT : WRAP_RIGHT);
		top[j] = row;
		next_of[j] = next[p->side] = row + h;
	}
	/* Reserved after drawing, not during: a left and a right item share their rows, and
	 * the second would skip the rows the first holds. */
	for (int j = 0; j < n; j++)
		for (int r = top[j]; r < next_of[j] && r < ROWS_MAX; r++)
			taken[r] = 1;
}

static void
draw_too_small(struct kiosk *k)
{
	struct screen s = {0};
	int row = 0;

	view_build_too_small(k, &s);
	erase();
	for (int i = 0; i < s.nblocks && row < LINES; i++)
		row += draw_wrapped(row, 0, COLS, LINES - 1, s.blocks[i].text.show, A_BOLD);
	refresh();
	screen_free(&s);
}

static void
draw_demo_line(struct kiosk *k)
{
	const char *keys = "DEMO  a-g card  t take  h headset  s staff  F9 large  F12 speech  Q quit";
	if (k->demo_status != NULL)
		draw_wrapped(LINES - 2, 1, COLS - 2, LINES - 2, k->demo_status, A_BOLD);
	draw_wrapped(LINES - 1, 1, COLS - 2, LINES - 1, keys, A_DIM);
}

/* Blanked for privacy while the customer listens: only how to bring the screen back. */
static void
draw_blank(struct kiosk *k)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, MSG_SCREEN_OFF);
	int row = LINES / 2 - 2;
	/* Before a language is chosen, in every language, as the screen underneath. */
	for (int i = 0; t != NULL && i < k->cfg->nlanguages; i++) {
		const char *lang = k->screen.lang[0] ? k->lang : k->cfg->languages[i];
		row += draw_wrapped(row, MARGIN, COLS - 2 * MARGIN, LINES - 3,
		    ltext_show(t, lang), A_DIM) + 1;
		if (k->screen.lang[0])
			break;
	}
	if (k->demo)
		draw_demo_line(k);
	refresh();
}

struct render_report
render_draw(struct kiosk *k)
{
	struct render_report r = { .cols = COLS, .rows = LINES };
	const struct screen *s = &k->screen;
	int width = COLS - 2 * MARGIN;
	int last = LINES - (k->demo ? 4 : 2);
	int row = 1;
	/* The warning keeps its own rows at the bottom, one per line of it (a layout line
	 * is at most LTEXT_MAX_COLUMNS wide, narrower than the screen). */
	int warning_rows = s->warning.show != NULL;
	for (const char *p = s->warning.show; p != NULL && (p = strchr(p, '\n')) != NULL; p++)
		warning_rows++;
	last -= warning_rows > 1 ? warning_rows - 1 : 0;

	cut_off = off_key = 0;
	memset(taken, 0, sizeof taken);
	theme = lp_theme_at(k->lp_theme);
	bkgdset(render_theme_base(theme));
	if (COLS < CONFIG_MIN_COLS || LINES < CONFIG_MIN_ROWS) {
		r.too_small = 1;
		draw_too_small(k);
		return r;
	}
	erase();
	if (k->blank && k->speech_on) {
		draw_blank(k);
		return r;
	}
	if (k->large && render_large(k, &r.pages) == 0) {
		if (k->demo)
			draw_demo_line(k);
		refresh();
		return r;
	}
	bkgdset(render_theme_base(theme));
	erase();
	mvaddstr(0, MARGIN, k->cfg->kiosk_id);

	draw_side_items(k, row, last);
	for (int i = 0; i < s->nblocks; i++) {
		const struct screen_block *b = &s->blocks[i];
		if (b->part == SCREEN_PROMPT)
			continue;
		if (b->part == SCREEN_TITLE && i > 0)
			row++;
		row = free_row(row + 1);
		if (b->part == SCREEN_MESSAGE)
			mvaddstr(row, MARGIN - 2, "!");
		attr_t attr = b->part == SCREEN_TITLE ? A_BOLD :
		    b->part == SCREEN_MESSAGE ? A_BOLD | A_STANDOUT : A_NORMAL;
		row += draw_wrapped(row, MARGIN, width, last, b->text.show, attr) - 1;
	}
	int listed = 0;
	for (int i = 0; i < s->nitems; i++)
		listed += config_fkey(k->cfg, s->items[i].key) == NULL;
	if (listed > 0)
		row++;
	for (int i = 0; i < s->nitems; i++) {
		char key[8];
		/* The focus is marked by an arrow as well as by reverse video, and the item
		 * being heard is shown in reverse video, for whoever follows by eye. */
		int focused = i == k->focus, heard = i == k->heard_item;
		if (config_fkey(k->cfg, s->items[i].key) != NULL)
			continue;
		snprintf(key, sizeof key, "[%s]", s->items[i].key);
		row = free_row(row + 1);
		if (row > last) {
			cut_off = 1;
			break;
		}
		if (focused)
			mvaddstr(row, MARGIN, ">");
		mvaddstr(row, MARGIN + 2, key);
		row += draw_wrapped(row, MARGIN + 8, width - 8, last, s->items[i].label.show,
		    focused || heard ? A_REVERSE | A_BOLD : A_NORMAL) - 1;
	}
	if (s->input.active) {
		struct strbuf b = {0};
		screen_input_show(&s->input, "[ ", "* ", " ]", &b);
		row += 2;
		draw_wrapped(row, MARGIN + 2, width - 2, last, b.s, A_BOLD);
		strbuf_free(&b);
	}
	row++;
	for (int i = 0; i < s->nblocks; i++)
		if (s->blocks[i].part == SCREEN_PROMPT)
			row += draw_wrapped(row + 1, MARGIN, width, last, s->blocks[i].text.show,
			    A_NORMAL);
	/* Whoever cannot read the small print still sees how to get large print. */
	if (state_screen(k->state) == SCREEN_WELCOME && k->overlay == OVERLAY_NONE)
		render_large_badge(k, row + 2, last);
	if (s->warning.show != NULL)
		draw_wrapped(last + 1, MARGIN, width, last + warning_rows, s->warning.show,
		    A_BOLD | A_STANDOUT);
	if (k->demo)
		draw_demo_line(k);
	refresh();
	r.cut_off = cut_off;
	r.off_key = off_key;
	return r;
}
