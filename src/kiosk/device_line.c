/* The device line grammar, kept apart from the socket so it can be fuzzed alone. */
#include "kiosk/devices.h"

#include "kiosk/proto.h"

#include <stdio.h>
#include <string.h>

enum device_arg { ARG_NONE, ARG_PAN, ARG_STAFF_ID };

static const struct {
	const char *word;
	enum device_event ev;
	enum device_arg arg;
} device_words[] = {
	{ "card-insert", DEV_CARD_INSERT, ARG_PAN },
	{ "card-take", DEV_CARD_TAKE, ARG_NONE },
	{ "cash-take", DEV_CASH_TAKE, ARG_NONE },
	{ "receipt-take", DEV_RECEIPT_TAKE, ARG_NONE },
	{ "headset-in", DEV_HEADSET_IN, ARG_NONE },
	{ "headset-out", DEV_HEADSET_OUT, ARG_NONE },
	{ "staff-card", DEV_STAFF_CARD, ARG_STAFF_ID },
	{ "staff-leave", DEV_STAFF_LEAVE, ARG_NONE },
};

/* The argument after the word: a card number or a staff id; NULL or why not. */
static const char *
device_arg_check(enum device_arg kind, const char *a, size_t len, size_t argsz)
{
	if (len >= argsz)
		return kind == ARG_PAN ? "card number must be 12 to 19 digits" :
		    "staff id must be 1 to 16 letters or digits";
	if (kind == ARG_PAN)
		return len < 12 || len > 19 || strspn(a, "0123456789") < len ?
		    "card number must be 12 to 19 digits" : NULL;
	char id[KPROTO_STAFF_ID_MAX + 1];
	if (len > KPROTO_STAFF_ID_MAX)
		return "staff id must be 1 to 16 letters or digits";
	memcpy(id, a, len);
	id[len] = '\0';
	return kproto_staff_id_valid(id) ? NULL : "staff id must be 1 to 16 letters or digits";
}

const char *
device_event_to_str(enum device_event ev)
{
	for (size_t i = 0; i < sizeof device_words / sizeof device_words[0]; i++)
		if (device_words[i].ev == ev)
			return device_words[i].word;
	return "?";
}

int
device_line_parse(const char *line, enum device_event *ev, char *arg, size_t argsz,
    const char **why)
{
	size_t len = strlen(line);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	const char *sp = memchr(line, ' ', len);
	size_t wlen = sp ? (size_t)(sp - line) : len;

	arg[0] = '\0';
	for (size_t i = 0; i < sizeof device_words / sizeof device_words[0]; i++) {
		if (strlen(device_words[i].word) != wlen ||
		    memcmp(device_words[i].word, line, wlen) != 0)
			continue;
		if (device_words[i].arg == ARG_NONE) {
			if (sp != NULL) {
				*why = "unexpected argument";
				return -1;
			}
			*ev = device_words[i].ev;
			return 0;
		}
		if (sp == NULL) {
			*why = device_words[i].arg == ARG_PAN ? "card number missing" :
			    "staff id missing";
			return -1;
		}
		const char *pan = sp + 1;
		size_t plen = len - (size_t)(pan - line);
		if ((*why = device_arg_check(device_words[i].arg, pan, plen, argsz)) != NULL)
			return -1;
		memcpy(arg, pan, plen);
		arg[plen] = '\0';
		*ev = device_words[i].ev;
		return 0;
	}
	*why = "unknown device event";
	return -1;
}
