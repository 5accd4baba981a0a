/* Terminal keys to key names (as in kiosk.yaml) to key functions. */
#include "kiosk/keys.h"

#include "common/log.h"
#include "common/trace.h"
#include "kiosk/kiosk.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* Numeric keypad in application mode (what keypad(TRUE) asks of xterm-like terminals). */
static const struct {
	const char *seq;
	const char *name;
} keypad_seqs[] = {
	{ "\033Op", "KP_0" }, { "\033Oq", "KP_1" }, { "\033Or", "KP_2" },
	{ "\033Os", "KP_3" }, { "\033Ot", "KP_4" }, { "\033Ou", "KP_5" },
	{ "\033Ov", "KP_6" }, { "\033Ow", "KP_7" }, { "\033Ox", "KP_8" },
	{ "\033Oy", "KP_9" }, { "\033OM", "KP_Enter" }, { "\033Ok", "KP_Plus" },
	{ "\033Om", "KP_Minus" }, { "\033Oj", "KP_Multiply" }, { "\033Oo", "KP_Divide" },
	{ "\033On", "KP_Decimal" },
};
#define KEYPAD_BASE (KEY_MAX + 1)

void
keys_init(void)
{
	set_escdelay(25);
	for (size_t i = 0; i < sizeof keypad_seqs / sizeof keypad_seqs[0]; i++)
		define_key(keypad_seqs[i].seq, KEYPAD_BASE + (int)i);
}

static const char *
keyname_of(int ch, int is_code, char *buf, size_t bufsz)
{
	if (is_code) {
		if (ch >= KEYPAD_BASE && ch < KEYPAD_BASE + (int)(sizeof keypad_seqs /
		    sizeof keypad_seqs[0]))
			return keypad_seqs[ch - KEYPAD_BASE].name;
		if (ch >= KEY_F(1) && ch <= KEY_F(12)) {
			snprintf(buf, bufsz, "F%d", ch - KEY_F(0));
			return buf;
		}
		switch (ch) {
		case KEY_ENTER: return "Enter";
		case KEY_BACKSPACE: return "Backspace";
		case KEY_DC: return "Delete";
		case KEY_IC: return "Insert";
		case KEY_HOME: return "Home";
		case KEY_END: return "End";
		case KEY_PPAGE: return "PageUp";
		case KEY_NPAGE: return "PageDown";
		case KEY_UP: return "Up";
		case KEY_DOWN: return "Down";
		case KEY_LEFT: return "Left";
		case KEY_RIGHT: return "Right";
		}
		return NULL;
	}
	switch (ch) {
	case '\n': case '\r': return "Enter";
	case 127: case 8: return "Backspace";
	case 27: return "Escape";
	case '\t': return "Tab";
	case ' ': return "Space";
	}
	if (ch > ' ' && ch < 127) {
		snprintf(buf, bufsz, "%c", ch);
		return buf;
	}
	return NULL;
}

/* After ESC, curses has already waited for the rest of any sequence it knows: bytes that
 * follow at once belong to one it does not know (a key the terminal description lacks).
 * They are read and dropped, so that such a key is not taken for CANCEL followed by
 * letters, which would end the customer's session. Returns 1 when a sequence was dropped. */
static int
unknown_sequence_dropped(void)
{
	wint_t ch;
	int n = 0, r = get_wch(&ch);

	if (r == ERR)
		return 0; /* ESC alone: the Escape key */
	if (r == OK && (ch == '[' || ch == 'O'))
		while (n++ < 16 && get_wch(&ch) == OK && !(ch >= 0x40 && ch <= 0x7e))
			;
	log_warnx("keys: a key sequence the terminal description does not know was ignored");
	return 1;
}

int
keys_read(struct kiosk *k, enum key_fn *fn, int *demo, int *resized)
{
	wint_t ch;
	char buf[8];
	int r = get_wch(&ch);

	*fn = KEYFN_NONE;
	*demo = 0;
	*resized = 0;
	if (r == ERR)
		return 0;
	if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
		*resized = 1;
		return 1;
	}
	if (r == OK && ch == 27 && unknown_sequence_dropped())
		return 1;
	const char *name = keyname_of((int)ch, r == KEY_CODE_YES, buf, sizeof buf);
	if (name == NULL)
		return 1;
	*fn = config_key_fn(k->cfg, name);
	/* Demo shortcuts for the hardware sit on letters, away from the keypad. */
	if (*fn == KEYFN_NONE && k->demo && r != KEY_CODE_YES && ch < 128 &&
	    strchr("abcdefgthsQ", (int)ch))
		*demo = (int)ch;
	return 1;
}

/* A trembling hand strikes a key twice, and a terminal repeats a key held down: the same
 * function again within keypad.double_strike_ms of its last press is ignored (EN 301 549
 * 5.8). Each ignored press starts the window again, so a held key acts once however long
 * it is held. Other keys in between, and keys after the window, act as ever. */
int
keys_double_strike(struct kiosk *k, enum key_fn fn, int64_t now)
{
	int64_t since = now - k->last_key_at;
	int again = fn == k->last_key && since < (int64_t)k->cfg->double_strike_ms * 1000;

	k->last_key = fn;
	k->last_key_at = now;
	if (again)
		trace_event("key-ignored", "%s after=%lldms", KEYFN_IS_DIGIT(fn) ? "digit" :
		    keyfn_to_str(fn), (long long)(since / 1000));
	return again;
}
