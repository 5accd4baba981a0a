/* The screen model built from the layouts and the session (view.c). */
#ifndef KIOSK_VIEW_H
#define KIOSK_VIEW_H

#include <stdint.h>

#include "kiosk/kiosk.h"

void view_build(struct kiosk *k);
/* The screen shown in place of the state's while the terminal is smaller than the
 * screens need: the terminal_too_small message in every offered language. */
void view_build_too_small(struct kiosk *k, struct screen *s);
/* Large print's room on this terminal, in columns and rows. */
void view_lp_room(const struct kiosk *k, int *cols, int *rows);
/* How many large print sizes this terminal offers (1 up to that). */
int view_text_sizes(const struct kiosk *k);
/* Large print turns pages with 0 on this screen (0 types and chooses nothing here). */
int view_zero_pages(const struct kiosk *k);
/* Large print's page line for the model as it is now (after a warning came or went). */
void view_pages(struct kiosk *k);
/* The placeholders of one fill, each value owned: what view_fill hands a state's fill
 * hook, for one text in one language, shown or spoken. */
struct fill {
	struct text_var v[48];
	int n;
	const char *private; /* said in place of a private value, or NULL to say it */
	const char *lang;
	int spoken;
	const struct voice_rules *voice; /* when spoken: the voice file's rules */
};
void fill_add(struct fill *f, const char *name, char *value);
/* A private value: a balance or anything derived from it, a name, a card number. Only a
 * headset hears it; the loudspeaker says the voice file's phrase for it instead. */
void fill_private(struct fill *f, const char *name, char *value);
/* A whole number, spoken as a count, or as a name of a place or level when naming. */
void fill_number(struct fill *f, const char *name, long long n, const struct voice_rules *v,
    int naming);

/* Fills placeholders of text (shown or spoken form) with the session's values. */
char *view_fill(struct kiosk *k, const char *tmpl, const char *lang, int spoken);
/* An amount as shown, or as the voice of lang says it. */
char *view_money(struct kiosk *k, int64_t fen, const char *lang, int spoken);
const char *view_message_show(struct kiosk *k, enum message_id m);
/* The visible item of the current screen's layout bound to key fn, or NULL. */
const struct litem *layout_item_for_key(struct kiosk *k, enum key_fn fn);
/* Large print shows the state's screen as a simple menu: its simple items and "more". */
int view_simple(struct kiosk *k);
/* fn is the key of a choice the simple menu leaves under "more choices". */
int view_in_more_choices(struct kiosk *k, enum key_fn fn);
/* The same on another screen (an overlay's). */
const struct litem *layout_item_on(struct kiosk *k, enum screen_id id, enum key_fn fn);

#endif
