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
#include <sys/ioctl.h>
#include <unistd.h>

#define POLL_MAX (5 + DEVICE_CLIENTS_MAX)

/* SIGTERM and SIGINT stop the kiosk, SIGHUP asks for a reload. Each handler writes its
 * signal to a pipe that poll() watches: any of the kiosk's threads may take a signal (the
 * speech thread too), and a flag alone would leave the loop asleep. */
static int signal_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	(void)!write(signal_pipe[1], &c, 1);
	errno = saved;
}

/* The loop ends at the end of this turn; why goes into the journal's stop record. */
static void
loop_stop(struct kiosk *k, const char *why)
{
	k->quit = 1;
	k->stop_why = why;
}

/* Gone: hung up, or ready to read with nothing to read, which is end of file. A terminal
 * that is no more may say either, and its reads then end at once, again and again. */
static int
terminal_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	int avail = 0;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return 1;
	return ioctl(STDIN_FILENO, FIONREAD, &avail) < 0 || avail == 0;
}

/* Whatever the customer was doing ends as on SIGTERM: no screen, no keys, no help. */
static void
terminal_lost(struct kiosk *k)
{
	log_warnx("terminal went away (closed or hung up): stopping as on SIGTERM");
	loop_stop(k, "terminal");
}

static void
read_signals(struct kiosk *k)
{
	unsigned char sig[16];
	ssize_t n;
	int reload = 0;

	while ((n = read(signal_pipe[0], sig, sizeof sig)) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (sig[i] == SIGHUP) {
				reload = 1;
			} else if (!k->quit) {
				const char *name = sig[i] == SIGINT ? "SIGINT" : "SIGTERM";
				log_info("stopping on %s", name);
				loop_stop(k, name);
			}
		}
	if (!reload || k->quit)
		return;
	/* A terminal that hangs up sends SIGHUP too: then it is the end, not a reload. */
	if (terminal_gone()) {
		terminal_lost(k);
		return;
	}
	log_info("reload: asked by SIGHUP");
	kiosk_reload(k);
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
		log_info("stopping on the demo's quit key");
		loop_stop(k, "quit");
	}
}

/* Returns how many keys were read. */
static int
read_keys(struct kiosk *k)
{
	for (int n = 0;; n++) {
		int demo, resized;
		enum key_fn fn;
		/* One read per key: unget_wch would turn a function key back into a
		 * character. */
		if (!keys_read(k, &fn, &demo, &resized))
			return n;
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
			return n + 1;
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
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		fatal("pipe");
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	nodelay(stdscr, TRUE);

	while (!k->quit) {
		/* What the last turn changed is shown and said before the loop sleeps. */
		kiosk_present(k);
		struct pollfd fds[POLL_MAX];
		int n = 0, i_speech = -1, i_bank = -1;

		fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = signal_pipe[0], .events = POLLIN };
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
			/* Ready, yet not one key came: the terminal may be at its end. */
			if ((fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) ||
			    ((fds[0].revents & POLLIN) && read_keys(k) == 0 && terminal_gone())) {
				terminal_lost(k);
				break;
			}
			if (fds[1].revents & POLLIN)
				read_signals(k);
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
	/* The pipe stays open: a signal during the shutdown must not write into a file
	 * that took its number. */
	signal(SIGHUP, SIG_IGN);
}
