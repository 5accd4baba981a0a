/* The accessibility profile a customer may have remembered for their card: applied as
 * the card is read, offered for remembering before the goodbye, forgotten from help
 * (svc_profile.c). */
#ifndef KIOSK_PROFILE_H
#define KIOSK_PROFILE_H

#include "kiosk/proto.h"

struct kiosk;

/* The settings a profile holds besides the language, as the visit started. */
struct profile_settings {
	int large, lp_size, lp_theme;
	int volume_level, rate_level;
};

/* What the session knows of the profile (part of struct session, reset per card). */
struct profile_run {
	struct profile_settings start; /* after the card's own preferences were applied */
	int speech_switched;     /* the customer switched speech with the SPEECH key */
	int done;                /* asked, remembered or forgotten: not asked again */
};

/* CARD_INFO arrived: its preferences apply now (speech only through a headset). */
void profile_card_read(struct kiosk *k, const struct kproto_card_info *ci);
/* The card's speech preference without a headset: the prompt asks for one, aloud. */
void profile_headset_ask(struct kiosk *k);
/* At the goodbye: asks whether to remember what the customer changed; 1 if it does. */
int profile_offer(struct kiosk *k);
/* HELP's "forget my settings". */
void profile_forget(struct kiosk *k);

#endif
