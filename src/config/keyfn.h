/* Key functions: what a key means to the kiosk, whatever physical key sends it.
 * kiosk.yaml's keymap binds key names (keyname_*) to these functions. */
#ifndef CONFIG_KEYFN_H
#define CONFIG_KEYFN_H

enum key_fn {
	KEYFN_NONE = -1,
	KEYFN_0 = 0, KEYFN_1, KEYFN_2, KEYFN_3, KEYFN_4,
	KEYFN_5, KEYFN_6, KEYFN_7, KEYFN_8, KEYFN_9,
	KEYFN_ENTER, KEYFN_CLEAR, KEYFN_CANCEL,
	KEYFN_F1, KEYFN_F2, KEYFN_F3, KEYFN_F4, KEYFN_F5, KEYFN_F6, KEYFN_F7, KEYFN_F8,
	KEYFN_REPEAT, KEYFN_HELP, KEYFN_VOLUME_UP, KEYFN_VOLUME_DOWN,
	KEYFN_SPEECH, /* demo: speech on/off without a headset */
	KEYFN_PAUSE, KEYFN_RATE_UP, KEYFN_RATE_DOWN,
	KEYFN_NEXT, KEYFN_PREVIOUS, /* move the focus through the items: "transfer, 3 of 5" */
	KEYFN_BLANK, /* speech mode: blank the screen, for privacy */
	KEYFN_LARGE_PRINT, KEYFN_TEXT_SIZE, KEYFN_THEME, /* large print on/off, its size, colours */
	KEYFN_CALL_STAFF, /* call a member of staff, from any screen */
	KEYFN_COUNT
};

#define KEYFN_IS_DIGIT(f) ((f) >= KEYFN_0 && (f) <= KEYFN_9)
#define KEYFN_IS_FKEY(f) ((f) >= KEYFN_F1 && (f) <= KEYFN_F8)

const char *keyfn_to_str(enum key_fn f);
enum key_fn keyfn_from_str(const char *s);

/* Physical key names used in kiosk.yaml: one printable ASCII character ("*", "7"),
 * or Enter, Backspace, Escape, Tab, Space, Delete, Insert, Home, End, PageUp, PageDown,
 * F1..F12, Up, Down, Left, Right, KP_0..KP_9, KP_Enter, KP_Plus, KP_Minus, KP_Multiply,
 * KP_Divide, KP_Decimal. */
int keyname_valid(const char *name);
/* Each valid key name's own slot in 0..KEYNAME_COUNT-1 (a table indexed by key finds
 * clashes in one pass), -1 for a name that is not valid. */
#define KEYNAME_COUNT (94 + 12 + 10 + 21) /* ASCII 33..126, F1..F12, KP_0..KP_9, named */
int keyname_index(const char *name);

struct keymap_default {
	enum key_fn fn;
	const char *keys[4]; /* NULL-terminated */
};
/* The built-in bindings (README key table); kiosk.yaml replaces them per function. */
const struct keymap_default *keymap_defaults(int *count);

#endif
