/* A kiosk for tests that drive the state machine directly: a scratch directory with keys
 * and a kiosk.yaml using the repo's layouts and voices, a real kiosk-bankd with a fresh
 * demo bank, and ncurses drawing an 80x24 screen to /dev/null. The test adds what it
 * needs (speech, fonts, a trace) and starts the machine itself. */
#ifndef TESTS_KIOSK_RIG_H
#define TESTS_KIOSK_RIG_H

#include "kiosk/kiosk.h"

#include <curses.h>
#include <stdio.h>
#include <sys/types.h>

struct kiosk_rig {
	char dir[64];
	const char *bankd;
	pid_t bank_pid;
	int bank_generation;
	struct kiosk_setup setup;
	struct kiosk k;          /* setup, cfg and keys filled; nothing started */
	FILE *out, *in;
	SCREEN *term;
};

/* name: what the test is called (kiosk id and directory). 0, or -1 with the reason
 * printed. */
int rig_open(struct kiosk_rig *r, const char *name, const char *bankd, const char *src);
/* A path in the rig's directory (malloc'd). */
char *rig_path(const struct kiosk_rig *r, const char *file);
/* A fresh demo bank each time, so every start has the same cards. */
void rig_start_bank(struct kiosk_rig *r);
void rig_stop_bank(struct kiosk_rig *r);
/* Ends ncurses, frees the kiosk's setup and removes the directory; with failures, prints
 * the tail of the kiosk's log first. */
void rig_close(struct kiosk_rig *r, int failures);

#endif
