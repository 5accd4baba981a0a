/* The device channel: card reader, dispenser, printer and headset jack talk to the kiosk
 * in text lines over a Unix socket the kiosk listens on (docs/devices.md). */
#ifndef KIOSK_DEVICES_H
#define KIOSK_DEVICES_H

#include <poll.h>
#include <stddef.h>

struct kiosk;

enum device_event {
	DEV_CARD_INSERT,
	DEV_CARD_TAKE,
	DEV_CASH_TAKE,
	DEV_RECEIPT_TAKE,
	DEV_HEADSET_IN,
	DEV_HEADSET_OUT,
	DEV_STAFF_CARD,  /* a staff badge in the reader: arg its staff id */
	DEV_STAFF_LEAVE, /* the staff member is done */
};

#define DEVICE_LINE_MAX 256  /* from a device */
#define DEVICE_OUT_MAX 1024  /* to a device: a receipt is longer */
#define DEVICE_CLIENTS_MAX 8

/* Parses one line without its newline: 0 and the event (arg gets the PAN of
 * card-insert, the staff id of staff-card), or -1 with a reason for a malformed line. */
int device_line_parse(const char *line, enum device_event *ev, char *arg, size_t argsz,
    const char **why);
const char *device_event_to_str(enum device_event ev);

struct devices *devices_open(const char *path, char *err, size_t errlen);
void devices_close(struct devices *d);
/* Adds the listening socket and every client to fds; returns how many were added. */
int devices_pollfds(struct devices *d, struct pollfd *fds, int max);
/* Accepts and reads whatever the poll reported, and hands each good line to the state. */
void devices_handle(struct devices *d, const struct pollfd *fds, int n, struct kiosk *k);
/* Asks the hardware: writes one command line to every connected device. */
void devices_send(struct kiosk *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The receipt printer prints text (changed in place): one device line, its lines
 * separated by "/" (docs/devices.md). */
void devices_print_receipt(struct kiosk *k, char *text);

#endif
