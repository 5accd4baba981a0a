#include "config/keyfn.h"

#include <string.h>

static const char *const keyfn_names[KEYFN_COUNT] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	"ENTER", "CLEAR", "CANCEL",
	"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8",
	"REPEAT", "HELP", "VOLUME_UP", "VOLUME_DOWN", "SPEECH", "PAUSE", "RATE_UP",
	"RATE_DOWN", "NEXT", "PREVIOUS", "BLANK",
	"LARGE_PRINT", "TEXT_SIZE", "THEME",
	"CALL_STAFF",
};

const char *
keyfn_to_str(enum key_fn f)
{
	if (f < 0 || f >= KEYFN_COUNT)
		return "NONE";
	return keyfn_names[f];
}

enum key_fn
keyfn_from_str(const char *s)
{
	for (int i = 0; i < KEYFN_COUNT; i++)
		if (strcmp(keyfn_names[i], s) == 0)
			return (enum key_fn)i;
	return KEYFN_NONE;
}

static const char *const named_keys[] = {
	"Enter", "Backspace", "Escape", "Tab", "Space", "Delete", "Insert", "Home", "End",
	"PageUp", "PageDown", "Up", "Down", "Left", "Right", "KP_Enter", "KP_Plus",
	"KP_Minus", "KP_Multiply", "KP_Divide",
	"KP_Decimal",
};

int
keyname_index(const char *name)
{
	size_t len = strlen(name);

	if (len == 1)
		return name[0] > ' ' && name[0] < 127 ? name[0] - '!' : -1;
	/* F1..F12 as written, no sign, space or leading zero. */
	if (name[0] == 'F' && (len == 2 || len == 3) && name[1] >= '1' && name[1] <= '9' &&
	    (len == 2 || (name[1] == '1' && name[2] >= '0' && name[2] <= '2')))
		return 94 + (len == 2 ? name[1] - '1' : 9 + name[2] - '0');
	if (strncmp(name, "KP_", 3) == 0 && len == 4 && name[3] >= '0' && name[3] <= '9')
		return 94 + 12 + name[3] - '0';
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcmp(named_keys[i], name) == 0)
			return 94 + 12 + 10 + (int)i;
	return -1;
}

int
keyname_valid(const char *name)
{
	return keyname_index(name) >= 0;
}

static const struct keymap_default defaults[] = {
	{ KEYFN_0, { "0", "KP_0", NULL } }, { KEYFN_1, { "1", "KP_1", NULL } },
	{ KEYFN_2, { "2", "KP_2", NULL } }, { KEYFN_3, { "3", "KP_3", NULL } },
	{ KEYFN_4, { "4", "KP_4", NULL } }, { KEYFN_5, { "5", "KP_5", NULL } },
	{ KEYFN_6, { "6", "KP_6", NULL } }, { KEYFN_7, { "7", "KP_7", NULL } },
	{ KEYFN_8, { "8", "KP_8", NULL } }, { KEYFN_9, { "9", "KP_9", NULL } },
	{ KEYFN_ENTER, { "Enter", "KP_Enter", NULL } },
	{ KEYFN_CLEAR, { "Backspace", NULL } },
	{ KEYFN_CANCEL, { "Escape", NULL } },
	{ KEYFN_F1, { "F1", NULL } }, { KEYFN_F2, { "F2", NULL } },
	{ KEYFN_F3, { "F3", NULL } }, { KEYFN_F4, { "F4", NULL } },
	{ KEYFN_F5, { "F5", NULL } }, { KEYFN_F6, { "F6", NULL } },
	{ KEYFN_F7, { "F7", NULL } }, { KEYFN_F8, { "F8", NULL } },
	{ KEYFN_REPEAT, { "*", "KP_Multiply", NULL } },
	{ KEYFN_HELP, { "/", "KP_Divide", NULL } },
	{ KEYFN_VOLUME_UP, { "+", "KP_Plus", NULL } },
	{ KEYFN_VOLUME_DOWN, { "-", "KP_Minus", NULL } },
	{ KEYFN_SPEECH, { "F12", NULL } },
	{ KEYFN_PAUSE, { ".", "KP_Decimal", NULL } },
	{ KEYFN_RATE_UP, { "PageUp", NULL } },
	{ KEYFN_RATE_DOWN, { "PageDown", NULL } },
	{ KEYFN_NEXT, { "Down", "Tab", NULL } },
	{ KEYFN_PREVIOUS, { "Up", NULL } },
	{ KEYFN_BLANK, { "F11", NULL } },
	{ KEYFN_LARGE_PRINT, { "F9", NULL } },
	{ KEYFN_TEXT_SIZE, { "F10", NULL } },
	{ KEYFN_THEME, { "Home", NULL } },
	{ KEYFN_CALL_STAFF, { "Insert", NULL } },
};

const struct keymap_default *
keymap_defaults(int *count)
{
	*count = (int)(sizeof defaults / sizeof defaults[0]);
	return defaults;
}
