#include "kiosk/devices.h"
#include "kiosk/reload.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct device_client {
	int fd;
	char buf[DEVICE_LINE_MAX + 1];
	size_t len;
	int overlong; /* discarding the rest of a line that was too long */
};

struct devices {
	int listen_fd;
	char *path;
	struct device_client clients[DEVICE_CLIENTS_MAX];
	int nclients;
};

struct devices *
devices_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	unlink(path);
	mode_t old = umask(077);
	int r = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (r < 0 || listen(fd, 4) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	struct devices *d = xcalloc(1, sizeof *d);
	d->listen_fd = fd;
	d->path = xstrdup(path);
	return d;
}

static void
client_drop(struct devices *d, int i)
{
	close(d->clients[i].fd);
	d->clients[i] = d->clients[--d->nclients];
	log_info("device: a device disconnected (%d left)", d->nclients);
}

void
devices_close(struct devices *d)
{
	if (d == NULL)
		return;
	while (d->nclients > 0)
		client_drop(d, 0);
	close(d->listen_fd);
	unlink(d->path);
	free(d->path);
	free(d);
}

int
devices_pollfds(struct devices *d, struct pollfd *fds, int max)
{
	int n = 0;
	if (max < 1 + d->nclients)
		return 0;
	fds[n++] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
	for (int i = 0; i < d->nclients; i++)
		fds[n++] = (struct pollfd){ .fd = d->clients[i].fd, .events = POLLIN };
	return n;
}

static void
line_dispatch(struct kiosk *k, const char *line)
{
	enum device_event ev;
	char arg[32];
	const char *why = NULL;

	/* kioskctl reload: the channel is branch IT's as much as the hardware's. */
	if (strcmp(line, "reload") == 0) {
		trace_event("device", "reload");
		kiosk_reload(k);
		return;
	}
	if (device_line_parse(line, &ev, arg, sizeof arg, &why) < 0) {
		/* A malformed line may still carry a card number: log its first word only,
		 * and not even that if it has digits. */
		size_t wlen = strcspn(line, " ");
		int digits = strcspn(line, "0123456789") < wlen;
		log_warnx("device: ignored malformed line (%s): %.*s%s (%zu bytes)", why,
		    digits ? 0 : (int)(wlen > 24 ? 24 : wlen), line, digits ? "[digits]" : "",
		    strlen(line));
		trace_event("device-bad", "why=\"%s\"", why);
		return;
	}
	if (ev == DEV_CARD_INSERT) {
		char masked[32];
		kproto_pan_mask(arg, masked, sizeof masked);
		trace_event("device", "%s pan=%s", device_event_to_str(ev), masked);
	} else
		trace_event("device", "%s", device_event_to_str(ev));
	state_device(k, ev, arg);
}

static void
client_read(struct devices *d, int i, struct kiosk *k)
{
	struct device_client *c = &d->clients[i];
	char chunk[512];
	struct strbuf lines = {0}; /* complete lines, NUL-separated */
	int nlines = 0;
	ssize_t n = read(c->fd, chunk, sizeof chunk);

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_drop(d, i);
		return;
	}
	for (ssize_t j = 0; j < n; j++) {
		char ch = chunk[j];
		if (ch == '\n') {
			if (c->overlong)
				log_warnx("device: ignored a line longer than %d bytes",
				    DEVICE_LINE_MAX);
			else if (c->len > 0) {
				strbuf_addn(&lines, c->buf, c->len);
				strbuf_addc(&lines, '\0');
				nlines++;
			}
			c->len = 0;
			c->overlong = 0;
		} else if (c->len == DEVICE_LINE_MAX || ch == '\0') {
			c->overlong = 1;
		} else if (!c->overlong) {
			c->buf[c->len++] = ch;
		}
	}
	/* Acting on a line may drop clients, c among them: c is not touched after this. */
	for (const char *p = lines.s; nlines-- > 0; p += strlen(p) + 1)
		line_dispatch(k, p);
	strbuf_free(&lines);
}

void
devices_handle(struct devices *d, const struct pollfd *fds, int n, struct kiosk *k)
{
	/* Clients first, from the end, so that dropping one does not shift the rest. */
	for (int j = n - 1; j >= 1; j--) {
		if (!(fds[j].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		for (int i = 0; i < d->nclients; i++)
			if (d->clients[i].fd == fds[j].fd) {
				client_read(d, i, k);
				break;
			}
	}
	if (n > 0 && (fds[0].revents & POLLIN)) {
		int fd = accept(d->listen_fd, NULL, NULL);
		if (fd < 0)
			return;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if (d->nclients == DEVICE_CLIENTS_MAX) {
			log_warnx("device: too many devices, refusing one");
			close(fd);
			return;
		}
		d->clients[d->nclients++] = (struct device_client){ .fd = fd };
		log_info("device: a device connected (%d)", d->nclients);
	}
}

/* What the demo's status line says the hardware is doing. */
static const char *
demo_status_for(const char *line)
{
	static const struct {
		const char *word, *status;
	} table[] = {
		{ "eject-card", "Card reader: card pushed out. Press t to take it." },
		{ "retain-card", "Card reader: card kept by the machine." },
		{ "dispense", "Dispenser: cash pushed out. Press t to take it." },
		{ "retract-cash", "Dispenser: cash taken back in." },
		{ "print-receipt", "Printer: receipt printed. Press t to take it." },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strncmp(line, table[i].word, strlen(table[i].word)) == 0)
			return table[i].status;
	return NULL;
}

void
devices_send(struct kiosk *k, const char *fmt, ...)
{
	struct devices *d = k->devices;
	char line[DEVICE_OUT_MAX + 2];
	va_list ap;

	va_start(ap, fmt);
	int full = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (full >= (int)sizeof line - 1) {
		/* Cut where a character starts, never inside one. */
		size_t end = sizeof line - 2;
		while (end > 0 && ((unsigned char)line[end] & 0xC0) == 0x80)
			end--;
		line[end] = '\0';
	}
	trace_event("device-out", "%s", line);
	/* The receipt carries the balance: the log says only that one was printed. */
	if (strncmp(line, "print-receipt", 13) == 0)
		log_info("device: asked print-receipt (%zu bytes)", strlen(line));
	else
		log_info("device: asked %s", line);
	k->demo_status = demo_status_for(line);
	strcat(line, "\n");
	if (d == NULL)
		return;
	size_t len = strlen(line);
	for (int i = 0; i < d->nclients; i++) {
		/* Lines are short; a device that cannot take one whole is dropped, not
		 * waited for. */
		if (write(d->clients[i].fd, line, len) != (ssize_t)len) {
			log_warnx("device: a device could not take \"%.16s\"; dropped", line);
			client_drop(d, i--);
		}
	}
}

void
devices_print_receipt(struct kiosk *k, char *text)
{
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = '/';
	devices_send(k, "print-receipt %s", text);
}
