/* layouts/NAME.yaml (screen NAME) and layouts/messages.yaml (notices), in every offered
 * language. After layouts_load without errors, every text present has an entry for every
 * offered language, so ltext_show/ltext_say never return NULL for those. */
#ifndef CONFIG_LAYOUT_H
#define CONFIG_LAYOUT_H

#include "common/diag.h"
#include "config/config.h"
#include "config/screens.h"

struct ltext_entry {
	char lang[8];
	char *show;		/* what the screen shows */
	char *say;		/* what speech says; same as show unless the layout set say: */
	int line, column;	/* of the value in the layout file */
};

/* One text in each language. n == 0 when an optional text (prompt) is absent. */
struct ltext {
	struct ltext_entry *v;
	int n;
	int line, column;
};

struct litem {
	char key[4];		/* "0".."9" or "F1".."F8" */
	enum litem_kind kind;
	char *target;		/* LITEM_GOTO: screen name; LITEM_CHOICE: the choice */
	long amount;		/* LITEM_AMOUNT: whole yuan, > 0 */
	struct ltext label;
	int hidden;		/* not shown, not spoken, key not accepted */
	int simple;		/* in the simple menu large print shows (the rest: "more") */
	int line, column;
	struct config_where where_key; /* of key's value, for kioskctl check's warnings */
};

/* One entry of describe_keys.yaml's keys: mapping. */
struct lkeytext {
	char *name;		/* "CLEAR", "item", "digit", "unused" */
	struct ltext text;
};

struct lscreen {
	enum screen_id id;
	char *name, *file;
	struct ltext title;
	struct ltext *lines;
	int nlines;
	struct litem *items;
	int nitems;
	struct ltext prompt;	/* n == 0 when absent */
	struct ltext help;	/* what the help screen says about this one; n == 0 on overlays */
	struct lkeytext *keys;	/* describe_keys only */
	int nkeys;
};

struct lmessage {
	char *id;
	enum message_id msg;
	struct ltext text;
};

struct layout_set {
	struct lscreen *screens;
	int nscreens;
	struct lmessage *messages;
	int nmessages;
};

/* Reads every layout of cfg->layouts_dir for cfg's offered languages. Returns 0 when no
 * diagnostic was added; the set is filled as far as possible either way and must be freed. */
int layouts_load(const struct kiosk_config *cfg, struct layout_set *set, struct diag_list *d);
void layouts_free(struct layout_set *set);

/* NULL when the screen or message is not in the set. */
const struct lscreen *layout_screen(const struct layout_set *set, const char *name);
const struct lscreen *layout_screen_id(const struct layout_set *set, enum screen_id id);
const struct ltext *layout_message(const struct layout_set *set, const char *id);
const struct ltext *layout_message_id(const struct layout_set *set, enum message_id id);

/* The text in lang; NULL when the text has no entry for lang. ltext_say gives say:,
 * else show. Placeholders are left in; fill them with text_fill. */
const char *ltext_show(const struct ltext *t, const char *lang);
/* describe_keys.yaml's text for name ("CLEAR", "item"...); NULL when there is none. */
const struct ltext *lscreen_key_text(const struct lscreen *s, const char *name);
const char *ltext_say(const struct ltext *t, const char *lang);

struct text_var {
	const char *name;	/* without braces: "balance" */
	const char *value;
};
/* Replaces each {name} of tmpl by its value; unknown placeholders stay as written.
 * Returns a new string the caller frees. */
char *text_fill(const char *tmpl, const struct text_var *vars, int nvars);

/* Terminal columns a UTF-8 string takes (CJK and fullwidth characters count 2). */
int text_columns(const char *s);
/* On a screen with simple items, the key of the "more services" item of large print. */
#define LITEM_MORE_KEY "9"

/* Widest shown line a layout text may have; longer texts are reported by the check. */
#define LTEXT_MAX_COLUMNS 70

#endif
