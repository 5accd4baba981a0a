/*
 * libFuzzer harness for the device channel's line grammar (src/kiosk/device_line.c),
 * which reads whatever a card reader or anything else on the device socket writes.
 * The first input byte sets the size of the argument buffer, the rest is the line.
 * A line that parses names a known event, a card number is 12-19 digits and a staff id
 * 1-16 letters or digits, each fitting the buffer with its NUL.
 */
#include "kiosk/devices.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[DEVICE_LINE_MAX + 1], *arg;
	const char *why = NULL;
	enum device_event ev;
	size_t argsz;

	if (size < 1)
		return 0;
	argsz = (size_t)(data[0] % 40) + 1;
	data++;
	size--;
	/* The channel hands the parser one line without its newline, cut at the limit. */
	if (size > DEVICE_LINE_MAX)
		size = DEVICE_LINE_MAX;
	memcpy(line, data, size);
	line[size] = '\0';
	/* An exact-size heap buffer, so that AddressSanitizer sees any write past it. */
	if ((arg = malloc(argsz)) == NULL)
		abort();

	if (device_line_parse(line, &ev, arg, argsz, &why) == 0) {
		if (strcmp(device_event_to_str(ev), "?") == 0)
			abort();
		size_t alen = strnlen(arg, argsz);
		if (alen >= argsz)
			abort();
		if (ev == DEV_STAFF_CARD) {
			if (alen < 1 || alen > 16 || strspn(arg, "0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != alen || strstr(line, arg) == NULL)
				abort();
		} else if (alen > 0 && (alen < 12 || alen > 19 ||
		    strspn(arg, "0123456789") != alen || strstr(line, arg) == NULL))
			abort();
	} else if (why == NULL || why[0] == '\0')
		abort();
	free(arg);
	return 0;
}
