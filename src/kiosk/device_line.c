/* The device line grammar, kept apart from the socket so it can be fuzzed alone. */
#include "kiosk/devices.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *word;
	enum device_event ev;
	int wants_pan;
} device_words[] = {
	{ "card-insert", DEV_CARD_INSERT, 1 },
	{ "card-take", DEV_CARD_TAKE, 0 },
	{ "cash-take", DEV_CASH_TAKE, 0 },
	{ "receipt-take", DEV_RECEIPT_TAKE, 0 },
	{ "headset-in", DEV_HEADSET_IN, 0 },
	{ "headset-out", DEV_HEADSET_OUT, 0 },
};

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
		if (!device_words[i].wants_pan) {
			if (sp != NULL) {
				*why = "unexpected argument";
				return -1;
			}
			*ev = device_words[i].ev;
			return 0;
		}
		if (sp == NULL) {
			*why = "card number missing";
			return -1;
		}
		const char *pan = sp + 1;
		size_t plen = len - (size_t)(pan - line);
		if (plen < 12 || plen > 19 || plen >= argsz ||
		    strspn(pan, "0123456789") < plen) {
			*why = "card number must be 12 to 19 digits";
			return -1;
		}
		memcpy(arg, pan, plen);
		arg[plen] = '\0';
		*ev = device_words[i].ev;
		return 0;
	}
	*why = "unknown device event";
	return -1;
}
