/* The renderers: normal print (render.c) and large print (render_large.c) draw the
 * screen model with curses and report what they found. */
#ifndef KIOSK_RENDER_H
#define KIOSK_RENDER_H

struct kiosk;

/* What a drawing found, for the present step to keep. */
struct render_report {
	int cols, rows;   /* the terminal's size */
	int too_small;    /* smaller than the screens need: that is said instead */
	int cut_off;      /* normal print: the screen did not fit (a layout defect) */
	int off_key;      /* normal print: items drawn off their side key's row */
	int pages;        /* large print: the pages of the screen; 0 when not drawn so */
};
/* render_large.c: -1 when large print cannot be drawn here (no font, too small); else
 * *pages is how many pages the screen takes. */
int render_large(struct kiosk *k, int *pages);
/* How many pages the screen model takes in large print on this terminal. */
int render_large_pages(struct kiosk *k);
/* The page an item is drawn on in large print, or -1. */
int render_large_page_of(struct kiosk *k, int item);
/* The large print page of the first wrapped line that starts with text (of the line
 * after it when it is text alone), or -1. */
int render_large_page_of_text(struct kiosk *k, const char *text);
/* The welcome screen's big "large print" hint, in normal print, from row to last_row. */
int render_large_badge(struct kiosk *k, int row, int last_row);

/* render.c */
int render_init(void);
void render_end(void);
/* The terminal's size now. */
void render_size(int *cols, int *rows);
struct render_report render_draw(struct kiosk *k);

#endif
