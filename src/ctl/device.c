/* kioskctl device: stands in for the card reader, dispenser, printer and headset jack.
 * Lines given as arguments are sent in order; without any, stdin is forwarded line by
 * line. What the kiosk asks of the hardware is printed as it arrives. kioskctl reload
 * sends the line "reload" on the same channel. */
#include "ctl/ctl.h"

#include "config/config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "var/run/devices.sock"
#define ANSWER_WAIT_MS 300

static int
device_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		fprintf(stderr, "kioskctl: %s: path too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		fprintf(stderr, "kioskctl: cannot connect to %s: %s (is the kiosk "
		    "running?)\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Prints what the kiosk writes; returns 0 when it closed the channel. */
static int
echo_kiosk(int fd)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n <= 0)
		return 0;
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	return 1;
}

static int
send_line(int fd, const char *line)
{
	size_t len = strlen(line);
	if (write(fd, line, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		fprintf(stderr, "kioskctl: write: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int
forward_stdin(int fd)
{
	char line[512];
	for (;;) {
		struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
			                 { .fd = fd, .events = POLLIN } };
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			return 1;
		if ((fds[1].revents & (POLLIN | POLLHUP)) && !echo_kiosk(fd)) {
			fprintf(stderr, "kioskctl device: the kiosk closed the channel\n");
			return 1;
		}
		if (fds[0].revents & (POLLIN | POLLHUP)) {
			if (fgets(line, sizeof line, stdin) == NULL)
				return 0;
			line[strcspn(line, "\n")] = '\0';
			if (line[0] != '\0' && send_line(fd, line) < 0)
				return 1;
		}
	}
}

int
ctl_device(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "--socket") == 0) {
		path = argv[2];
		i = 3;
	}
	if (i < argc && argv[i][0] == '-') {
		fprintf(stderr, "usage: kioskctl device [--socket PATH] [LINE...]\n"
		    "lines: card-insert PAN, card-take, cash-take, receipt-take, headset-in, "
		    "headset-out, staff-card STAFF_ID, staff-leave\n");
		return 2;
	}
	int fd = device_connect(path);
	if (fd < 0)
		return 1;
	if (i == argc) {
		int r = forward_stdin(fd);
		close(fd);
		return r;
	}
	for (; i < argc; i++)
		if (send_line(fd, argv[i]) < 0)
			return 1;
	/* Give the kiosk a moment to answer (eject-card, dispense ...) and show it. */
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	while (poll(&pfd, 1, ANSWER_WAIT_MS) > 0 && echo_kiosk(fd))
		;
	close(fd);
	return 0;
}

/* The kiosk listens on devices.socket of its kiosk.yaml: the one file kioskctl shares with
 * it, and no pid file to go stale. */
int
ctl_reload(int argc, char **argv)
{
	const char *config = "kiosk.yaml", *path = NULL;
	struct kiosk_config cfg = {0};
	struct diag_list d = {0};

	if (argc == 3 && strcmp(argv[1], "--socket") == 0)
		path = argv[2];
	else if (argc == 3 && strcmp(argv[1], "--config") == 0)
		config = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: kioskctl reload [--socket PATH | --config kiosk.yaml]\n");
		return 2;
	}
	if (path == NULL) {
		/* A kiosk.yaml with mistakes still names the socket; the kiosk refuses the set. */
		config_load(config, &cfg, &d);
		diag_free(&d);
		if (cfg.device_socket == NULL) {
			fprintf(stderr, "kioskctl reload: %s names no devices.socket\n", config);
			config_free(&cfg);
			return 1;
		}
		path = cfg.device_socket;
	}
	int fd = device_connect(path);
	int r = fd >= 0 && send_line(fd, "reload") == 0 ? 0 : 1;
	if (r == 0)
		printf("kioskctl reload: asked the kiosk on %s; its log says whether the set "
		    "was accepted\n", path);
	if (fd >= 0)
		close(fd);
	config_free(&cfg);
	return r;
}
