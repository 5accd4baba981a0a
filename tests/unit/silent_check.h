/* How test_silent compares one screen with what was heard on it (see test_silent.c):
 * (a) every text shown is heard, values in their spoken form; (b) in its own voice. */
#ifndef TESTS_SILENT_CHECK_H
#define TESTS_SILENT_CHECK_H

#include "common/util.h"
#include "kiosk/kiosk.h"

#include <stddef.h>

/* One run of an utterance in one voice. */
struct heard_part {
	char lang[8];
	char *text;
};

/* One utterance heard on a screen. */
struct heard {
	unsigned id;
	int screen;             /* the screen's own speech (speak_screen) */
	int headset;            /* a headset was in when it was said: private values heard */
	char *langs, *text;     /* as the trace's speech-start record has them */
	struct heard_part *parts; /* as the kiosk passed them, or split from the trace */
	int nparts;
};

void heard_add_part(struct heard *h, const char *lang, const char *text, size_t n);
/* For an utterance the kiosk does not keep the parts of (speak_text): the parts from the
 * trace's langs and text. */
void heard_parts_from_trace(struct heard *h);
void heard_free(struct heard *h);

/* Checks screen s of k, as drawn, against the utterances heard on it (the screen's own
 * speech first, then what was said on it since). Adds a line to report for each problem
 * and returns how many there were. */
int silent_check_screen(struct kiosk *k, const struct screen *s, const struct heard *heard,
    int nheard, struct strbuf *report);

/* The message whose layout text in lang is shown (placeholders match anything), or
 * MSG_NONE. */
enum message_id silent_message_of(struct kiosk *k, const char *lang, const char *shown);

#endif
