/* Screens over the state's own (overlay.c): help, describe-key mode and the headset
 * orientation. */
#ifndef KIOSK_OVERLAY_H
#define KIOSK_OVERLAY_H

#include "config/setup.h"

struct kiosk;

/* Screens shown over the state's own, which stays as it was underneath. */
enum overlay {
	OVERLAY_NONE,
	OVERLAY_HELP,        /* HELP: this screen, the keys, the speech settings */
	OVERLAY_DESCRIBE,    /* describe-key mode: keys say what they do, nothing else */
	OVERLAY_ORIENTATION, /* a headset came in: where the keys and slots are */
};

void overlay_open(struct kiosk *k, enum overlay o);
void overlay_close(struct kiosk *k);
/* The overlay is gone with its state (state_enter): nothing shown or said. */
void overlay_forget(struct kiosk *k);
/* A key while an overlay is shown; returns 1 when the overlay took it. */
int overlay_key(struct kiosk *k, enum key_fn fn);
/* The overlay's speech ended (played to the end when done). */
void overlay_speech_end(struct kiosk *k, int done);
/* The screen a state's layout or its overlay gives. */
enum screen_id overlay_screen(const struct kiosk *k);

#endif
