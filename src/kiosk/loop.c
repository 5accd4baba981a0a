/* The event loop: terminal keys, devices, the bank link, speech ends and timers, all in
 * one thread. It sleeps in poll() until one of them has something, with no periodic
 * wake-up while the kiosk is idle. */
/* pipe2: the kiosk runs on Linux only. */
#define _GNU_SOURCE
#include "kiosk/loop.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/keys.h"
#include "kiosk/present.h"
#include "kiosk/reload.h"
#include "kiosk/staff.h"
#include "kiosk/states.h"
#include "speech/speech.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#define POLL_MAX (5 + DEVICE_CLIENTS_MAX)

static volatile sig_atomic_t quit_signal;
/* SIGHUP asks for a reload; the handler wakes poll() through a pipe, so that a kiosk
 * idle at the welcome screen reloads at once. */
static int reload_pipe[2] = { -1, -1 };

static void
on_quit_signal(int sig)
{
	quit_signal = sig;
}

static void
on_reload_signal(int sig)
{
	int saved = errno;
	(void)sig;
	(void)!write(reload_pipe[1], "", 1);
	errno = saved;
}

static void
read_reload(struct kiosk *k)
{
	char buf[16];
	int asked = 0;
	while (read(reload_pipe[0], buf, sizeof buf) > 0)
		asked = 1;
	if (asked) {
		log_info("reload: asked by SIGHUP");
		kiosk_reload(k);
	}
}

/* The demo's stand-in for hardware: letters feed the same path as device lines. */
void
kiosk_demo_key(struct kiosk *k, int ch)
{
	char pan[32];

	trace_event("demo-key", "%c", ch);
	if (ch >= 'a' && ch <= 'g') {
		/* f and g: a new card awaiting activation, and 张伟's second card. */
		static const char *const demo_pans[] = { "6222000000000017", "6222000000000025",
		    "6222000000000033", "6222000000000041", "6222000000000058",
		    "6222000000000090", "6222000000000108" };
		snprintf(pan, sizeof pan, "%s", demo_pans[ch - 'a']);
		state_device(k, DEV_CARD_INSERT, pan);
	} else if (ch == 't') {
		if (k->state == &state_take_card)
			state_device(k, DEV_CARD_TAKE, "");
		else if (k->state == &state_take_cash)
			state_device(k, DEV_CASH_TAKE, "");
		else if (k->state == &state_take_receipt)
			state_device(k, DEV_RECEIPT_TAKE, "");
		k->demo_status = NULL;
		kiosk_dirty(k, PRESENT_DRAW);
	} else if (ch == 'h') {
		state_device(k, k->headset ? DEV_HEADSET_OUT : DEV_HEADSET_IN, "");
	} else if (ch == 's') {
		/* The demo bank's staff member: badge in, or done. */
		state_device(k, staff_present(k) ? DEV_STAFF_LEAVE : DEV_STAFF_CARD, "0042");
	} else if (ch == 'Q') {
		k->quit = 1;
	}
}

static void
read_keys(struct kiosk *k)
{
	for (;;) {
		int demo, resized;
		enum key_fn fn;
		/* One read per key: unget_wch would turn a function key back into a
		 * character. */
		if (!keys_read(k, &fn, &demo, &resized))
			return;
		if (resized) {
			log_info("terminal resized to %dx%d", COLS, LINES);
			/* The model too: large print pages the screen anew for the new size. */
			kiosk_dirty(k, PRESENT_RESIZED);
		} else if (fn != KEYFN_NONE && !k->drawn.too_small) {
			if (!keys_double_strike(k, fn, mono_usec()))
				state_key(k, fn);
		} else if (demo != 0) {
			kiosk_demo_key(k, demo);
		}
		/* Each key is answered before the next is read: its speech at once. */
		kiosk_present(k);
		if (k->quit)
			return;
	}
}

static void
read_speech(struct kiosk *k)
{
	struct speech_event ev;
	while (speech_next_event(k->speech, &ev))
		if (ev.kind == SPEECH_EVENT_END)
			kiosk_speech_event(k, ev.id, ev.stopped, ev.part, ev.position);
		else
			kiosk_speech_progress(k, ev.id, ev.part);
}

static int64_t
earliest(int64_t a, int64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

void
kiosk_run(struct kiosk *k)
{
	struct sigaction sa = { .sa_handler = on_quit_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (pipe2(reload_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		fatal("pipe");
	struct sigaction hup = { .sa_handler = on_reload_signal, .sa_flags = SA_RESTART };
	sigaction(SIGHUP, &hup, NULL);
	signal(SIGPIPE, SIG_IGN);
	nodelay(stdscr, TRUE);

	while (!k->quit && !quit_signal) {
		/* What the last turn changed is shown and said before the loop sleeps. */
		kiosk_present(k);
		struct pollfd fds[POLL_MAX];
		int n = 0, i_speech = -1, i_bank = -1;

		fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = reload_pipe[0], .events = POLLIN };
		if (k->speech != NULL) {
			i_speech = n;
			fds[n++] = (struct pollfd){ .fd = speech_fd(k->speech), .events = POLLIN };
		}
		if (bank_fd(k->bank) >= 0) {
			i_bank = n;
			fds[n++] = (struct pollfd){ .fd = bank_fd(k->bank), .events = POLLIN };
		}
		int i_dev = n;
		int ndev = devices_pollfds(k->devices, fds + n, POLL_MAX - n);
		n += ndev;

		int64_t now = mono_usec();
		int64_t at = earliest(state_next_deadline(k), bank_deadline(k->bank));
		int timeout = at == 0 ? -1 : at <= now ? 0 : (int)((at - now + 999) / 1000);
		int r = poll(fds, (nfds_t)n, timeout);
		if (r < 0 && errno != EINTR)
			fatal("poll");
		if (r > 0) {
			if (fds[0].revents & (POLLHUP | POLLERR)) {
				log_warnx("terminal closed");
				break;
			}
			if (fds[0].revents & POLLIN)
				read_keys(k);
			if (fds[1].revents & POLLIN)
				read_reload(k);
			if (i_speech >= 0 && (fds[i_speech].revents & POLLIN))
				read_speech(k);
			if (i_bank >= 0 && (fds[i_bank].revents & (POLLIN | POLLHUP | POLLERR)))
				bank_readable(k->bank);
			devices_handle(k->devices, fds + i_dev, ndev, k);
		} else if (r < 0) {
			/* SIGWINCH: ncurses queues KEY_RESIZE for the next read. */
			read_keys(k);
		}
		now = mono_usec();
		bank_tick(k->bank, now);
		state_tick(k, now);
	}
	signal(SIGHUP, SIG_IGN);
	close(reload_pipe[0]);
	close(reload_pipe[1]);
	if (quit_signal)
		log_info("stopping on signal %d", (int)quit_signal);
}
