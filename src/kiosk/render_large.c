/* Draws the screen model in large print: every text of the screen big, from bitmap
 * fonts in half blocks (src/largeprint), in a high-contrast theme, in pages when it does
 * not fit. The model is the one normal print and speech use. */
#include "kiosk/render.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/kiosk.h"
#include "kiosk/render_theme.h"
#include "largeprint/largeprint.h"

#include <curses.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>

#define LP_MARGIN 1

/* One line of large text, as wrapped to the screen's width, and where the plan puts it. */
struct big_line {
	char *text;
	int mark;     /* the item in focus or being heard: reverse video and an arrow */
	int item;     /* the item it belongs to, or -1: the lines of an item stay together */
	int side;     /* FKEY_LEFT or FKEY_RIGHT: drawn level with its side key, at key_row */
	int size;     /* the screen's, or smaller for a text whose number would not fit */
	int key_row;
	int page, row;
};

struct big_list {
	struct big_line *v;
	int n;
};

static void
big_push(struct big_list *l, struct big_line bl)
{
	l->v = xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
	l->v[l->n++] = bl;
}

static void
big_add(struct big_list *l, const struct lp_fonts *fs, const char *text, int size,
    int cols, struct big_line like)
{
	struct lp_lines w;
	char *copy = xstrdup(text);
	/* An amount, a date or a card's digits are never cut between lines: a text with one
	 * too wide for a line at this size is drawn at the size it fits. */
	like.size = lp_size_whole(fs, copy, size, cols);
	/* Each line of the text wraps on its own; lp_wrap breaks at newlines too. */
	lp_wrap(fs, copy, like.size, cols, &w);
	for (int i = 0; i < w.count; i++) {
		like.text = xstrdup(w.line[i]);
		big_push(l, like);
	}
	lp_lines_free(&w);
	free(copy);
}

/* An item beside its side key needs no key name: a big arrow on its first line points at
 * the key, and the lines after it keep clear of the arrow's column. */
#define ARROW_LEFT "◀"
#define ARROW_RIGHT "▶"
#define ARROW_GAP " "

static void
side_add(struct big_list *l, const struct lp_fonts *fs, const char *label, int size,
    int cols, struct big_line like)
{
	struct lp_lines w;
	char *copy = xstrdup(label);
	int left = like.side == FKEY_LEFT;
	like.size = size;
	lp_wrap(fs, copy, size, cols - lp_measure(fs, ARROW_LEFT, size), &w);
	for (int i = 0; i < w.count; i++) {
		struct strbuf b = {0};
		const char *pad = i == 0 ? (left ? ARROW_LEFT : ARROW_RIGHT) : ARROW_GAP;
		strbuf_addf(&b, "%s%s%s", left ? pad : "", w.line[i], left ? "" : pad);
		like.text = b.s;
		big_push(l, like);
	}
	lp_lines_free(&w);
	free(copy);
}

static void
big_free(struct big_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

/* A side key's line is drawn against its edge of the screen, the focus arrow beside it. */
static void
draw_big(const struct lp_fonts *fs, const struct big_line *bl, attr_t base)
{
	struct lp_block b;
	if (lp_render(fs, bl->text, bl->size, &b) != 0)
		return;
	int col = LP_MARGIN + 1, arrow_col = 0;
	const char *arrow = ">";
	if (bl->side == FKEY_RIGHT) {
		col = COLS - 2 - b.cols;
		arrow_col = COLS - 2;
		arrow = "<";
	}
	attr_t attr = base | (bl->mark ? A_REVERSE : A_NORMAL);
	attron(attr);
	for (int r = 0; r < b.rows; r++)
		mvaddstr(bl->row + r, col, b.line[r]);
	/* A character no font has is drawn at normal size where it belongs. */
	for (int i = 0; i < b.nsmall; i++) {
		wchar_t w[2] = { (wchar_t)b.small[i].cp, L'\0' };
		mvaddwstr(bl->row + b.small_row, col + b.small[i].col, w);
	}
	attroff(attr);
	if (bl->mark)
		mvaddstr(bl->row + b.rows / 2, arrow_col, arrow);
	lp_block_free(&b);
}

/* How a screen is laid out in large print here: its size, and each line's page and row.
 * What the customer types is on every page, at its foot: the PIN stars and the amount
 * must never be on a page they are not looking at. */
struct plan {
	int size, rows, cols;
	int height;  /* the rows of a page above its foot */
	int pages;
	struct big_list lines, input;
	struct big_list warn; /* a warning too tall for the foot: over the page in view */
};

/* Where an item of n lines beside a key at key_row goes: its first line centred on the
 * key, moved up or down as far as the page needs while that line still covers the key's
 * row. -1 when it cannot: the arrow would point at another key. */
static int
side_top(const struct plan *p, int key_row, int n)
{
	int top = key_row - p->rows / 2;
	if (top > p->height - n * p->rows)
		top = p->height - n * p->rows;
	if (top < 0)
		top = 0;
	return top <= key_row && key_row < top + p->rows && top + n * p->rows <= p->height ?
	    top : -1;
}

/* An item on a side key: beside it when it can be, else listed with the key's name. */
static void
item_add(struct kiosk *k, struct plan *p, int i)
{
	const struct screen_item *it = &k->screen.items[i];
	const struct fkey_place *key = config_fkey(k->cfg, it->key);
	struct big_line item = { .item = i, .mark = i == k->focus || i == k->heard_item };
	if (key != NULL) {
		struct big_list beside = {0};
		item.side = key->side;
		item.key_row = config_fkey_row(key, LINES);
		side_add(&beside, k->fonts, it->label.show, p->size, p->cols - 1, item);
		if (side_top(p, item.key_row, beside.n) >= 0) {
			for (int j = 0; j < beside.n; j++)
				big_push(&p->lines, beside.v[j]);
			free(beside.v);
			return;
		}
		big_free(&beside);
		item.side = FKEY_NONE;
	}
	struct strbuf b = {0};
	strbuf_addf(&b, "%s %s", it->key, it->label.show);
	big_add(&p->lines, k->fonts, b.s, p->size, p->cols, item);
	strbuf_free(&b);
}

/* The screen's texts in display order, as normal print draws them, under the foot: what
 * is typed, and the timeout and headset warnings, which are for now, whatever the page. */
static void
big_lines(struct kiosk *k, struct plan *p, int avail)
{
	const struct screen *s = &k->screen;
	const struct lp_fonts *fs = k->fonts;
	const struct big_line text = { .item = -1 };

	if (s->input.active) {
		struct strbuf b = {0};
		screen_input_show(&s->input, "[", "*", "]", &b);
		big_add(&p->input, fs, b.s, p->size, p->cols, text);
		strbuf_free(&b);
	}
	/* The warning joins the foot when it fits there with a line of the page; else it
	 * takes the page in view, whichever that is, while it lasts. */
	if (s->warning.show != NULL)
		big_add(&p->warn, fs, s->warning.show, p->size, p->cols,
		    (struct big_line){ .item = -1, .mark = 1 });
	if (p->input.n + p->warn.n < avail / p->rows) {
		for (int i = 0; i < p->warn.n; i++)
			big_push(&p->input, p->warn.v[i]);
		free(p->warn.v);
		p->warn = (struct big_list){0};
	}
	/* A foot taller than the page (a long PIN wraps at 80x24) is paged with the rest. */
	struct big_list foot = {0};
	if (p->input.n >= avail / p->rows) {
		foot = p->input;
		p->input = (struct big_list){0};
	}
	p->height = avail - p->input.n * p->rows;

	for (int i = 0; i < s->nblocks; i++)
		if (s->blocks[i].part != SCREEN_PROMPT)
			big_add(&p->lines, fs, s->blocks[i].text.show, p->size, p->cols, text);
	for (int i = 0; i < s->nitems; i++)
		item_add(k, p, i);
	for (int i = 0; i < s->nblocks; i++)
		if (s->blocks[i].part == SCREEN_PROMPT)
			big_add(&p->lines, fs, s->blocks[i].text.show, p->size, p->cols, text);
	for (int i = 0; i < foot.n; i++)
		big_push(&p->lines, foot.v[i]);
	free(foot.v);
}

/* Every text of the screen must reach the fonts before it is wrapped or drawn. */
static void
fonts_need(struct kiosk *k)
{
	const struct screen *s = &k->screen;
	for (int i = 0; i < s->nblocks; i++)
		lp_fonts_need(k->fonts, s->blocks[i].text.show);
	for (int i = 0; i < s->nitems; i++)
		lp_fonts_need(k->fonts, s->items[i].label.show);
	if (s->input.show != NULL)
		lp_fonts_need(k->fonts, s->input.show);
	if (s->warning.show != NULL)
		lp_fonts_need(k->fonts, s->warning.show);
	lp_fonts_need(k->fonts, "0123456789[]*> " ARROW_LEFT ARROW_RIGHT);
}

/* Lines go down the page in order. An item beside a side key goes level with its key,
 * on a new page when the rows above are taken: beside another key, the customer would
 * press the wrong one. */
static void
plan_place(struct plan *p)
{
	int page = 0, cursor = 0;
	for (int i = 0; i < p->lines.n;) {
		struct big_line *bl = &p->lines.v[i];
		int n = 1;
		while (bl->side != FKEY_NONE && i + n < p->lines.n &&
		    p->lines.v[i + n].item == bl->item)
			n++;
		int top = cursor, rows = lp_size_rows(bl->size);
		if (bl->side != FKEY_NONE) {
			top = side_top(p, bl->key_row, n);
			if (top < cursor)
				page++;
		} else if (cursor + rows > p->height) {
			page++;
			top = 0;
		}
		for (int j = 0; j < n; j++) {
			bl[j].page = page;
			bl[j].row = top + j * rows;
		}
		cursor = top + n * rows;
		i += n;
	}
	p->pages = page + 1;
}

static int
plan_make(struct kiosk *k, int cols, int avail, struct plan *p)
{
	int largest = lp_size_largest(cols - 2 * LP_MARGIN, avail);
	memset(p, 0, sizeof *p);
	if (k->fonts == NULL || largest == 0)
		return -1;
	p->size = k->lp_size < LP_SIZE_MIN ? LP_SIZE_MIN : k->lp_size > largest ? largest :
	    k->lp_size;
	p->rows = lp_size_rows(p->size);
	p->cols = cols - 2 * LP_MARGIN - 1;
	fonts_need(k);
	big_lines(k, p, avail);
	plan_place(p);
	return 0;
}

static void
plan_free(struct plan *p)
{
	big_free(&p->lines);
	big_free(&p->input);
	big_free(&p->warn);
}

static int
bottom_rows(const struct kiosk *k)
{
	return k->demo ? 3 : 1;
}

int
render_large_pages(struct kiosk *k)
{
	struct plan p;
	if (plan_make(k, COLS, LINES - bottom_rows(k), &p) != 0)
		return 1;
	int pages = p.pages;
	plan_free(&p);
	return pages;
}

/* The page of the first line of item, or of the first line that starts with text: -1
 * for none. */
static int
page_where(struct kiosk *k, int item, const char *text)
{
	struct plan p;
	int page = -1;
	if (plan_make(k, COLS, LINES - bottom_rows(k), &p) != 0)
		return -1;
	for (int i = 0; i < p.lines.n && page < 0; i++) {
		const struct big_line *bl = &p.lines.v[i];
		if (text ? strncmp(bl->text, text, strlen(text)) != 0 : bl->item != item)
			continue;
		/* A mark wrapped alone goes with the line after it. */
		page = text && strcmp(bl->text, text) == 0 && i + 1 < p.lines.n ? bl[1].page :
		    bl->page;
	}
	plan_free(&p);
	return page;
}

int
render_large_page_of(struct kiosk *k, int item)
{
	return page_where(k, item, NULL);
}

int
render_large_page_of_text(struct kiosk *k, const char *text)
{
	return page_where(k, -1, text);
}

int
render_large(struct kiosk *k, int *pages)
{
	struct plan p;
	if (plan_make(k, COLS, LINES - bottom_rows(k), &p) != 0)
		return -1;
	attr_t base = render_theme_base(lp_theme_at(k->lp_theme));
	*pages = p.pages;
	int page = k->lp_page < p.pages ? k->lp_page : 0;

	bkgdset(base);
	erase();
	/* A warning over the page takes all of it, the foot too: as much of it as fits,
	 * from its first line ("Time is almost up"), until the next key. */
	int foot = 0, avail = LINES - bottom_rows(k);
	for (int i = 0; i < p.warn.n && foot + p.rows <= avail; i++) {
		p.warn.v[i].row = foot;
		draw_big(k->fonts, &p.warn.v[i], base);
		foot += p.rows;
	}
	for (int i = 0; i < p.lines.n && p.warn.n == 0; i++) {
		struct big_line *bl = &p.lines.v[i];
		if (bl->page != page)
			continue;
		draw_big(k->fonts, bl, base);
		foot = bl->row + lp_size_rows(bl->size);
	}
	for (int i = 0; i < p.input.n && p.warn.n == 0; i++) {
		p.input.v[i].row = foot + i * p.rows;
		draw_big(k->fonts, &p.input.v[i], base);
	}
	/* "Page 1 of 3. More: press 0", in the model so that it is spoken too. */
	if (k->screen.more.show != NULL) {
		attron(base | A_REVERSE);
		mvaddstr(LINES - bottom_rows(k), LP_MARGIN, k->screen.more.show);
		attroff(base | A_REVERSE);
	}
	plan_free(&p);
	return 0;
}

int
render_large_badge(struct kiosk *k, int row, int last_row)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, MSG_LARGE_PRINT_BADGE);
	const char *text = t ? ltext_show(t, k->cfg->default_language) : NULL;
	struct lp_block b;
	if (k->fonts == NULL || text == NULL || row + lp_size_rows(1) - 1 > last_row)
		return -1;
	lp_fonts_need(k->fonts, text);
	if (lp_render(k->fonts, text, LP_SIZE_MIN, &b) != 0)
		return -1;
	int col = COLS - b.cols - 2 > 0 ? COLS - b.cols - 2 : 0;
	attr_t attr = render_theme_attr(lp_theme_at(k->lp_theme), A_BOLD);
	attron(attr);
	for (int r = 0; r < b.rows; r++)
		mvaddstr(row + r, col, b.line[r]);
	for (int i = 0; i < b.nsmall; i++) {
		wchar_t w[2] = { (wchar_t)b.small[i].cp, L'\0' };
		mvaddwstr(row + b.small_row, col + b.small[i].col, w);
	}
	attroff(attr);
	lp_block_free(&b);
	return 0;
}
