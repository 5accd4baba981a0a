/* Speech of the screen model and of short words (speak.c). */
#ifndef KIOSK_SPEAK_H
#define KIOSK_SPEAK_H

#include "kiosk/kiosk.h"

/* The speech engine with the voices of cfg, to audio ("alsa", "wav:FILE", "none"); NULL,
 * logged, when it cannot start: the screen then serves alone. */
struct speech *speak_start(const struct kiosk_config *cfg, const char *audio);
void speak_screen(struct kiosk *k);
void speak_text(struct kiosk *k, const char *lang, const char *text);
/* The same even while speech is off: only for text that is never private. */
void speak_aloud(struct kiosk *k, const char *lang, const char *text);
/* A message, in the screen's language, or in every language on a screen shown in all of
 * them. */
void speak_message(struct kiosk *k, enum message_id m);
void speak_stop(struct kiosk *k);
enum voice_level { VOICE_VOLUME, VOICE_RATE };
void speak_level(struct kiosk *k, enum voice_level what, int level, int levels);
/* -1 when there is no last sentence: the screen is to be said instead. */
int speak_last_sentence(struct kiosk *k);
void speak_forget(struct kiosk *k);

#endif
