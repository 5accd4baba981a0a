/*
 * The present step (present.c): handlers mark what changed with kiosk_dirty(); the
 * event loop calls kiosk_present() right after each key and once every turn, and it
 * serves the outputs once: the model rebuilt, then speech asked for, then the screen
 * drawn, so the first word never waits for curses. Of the PRESENT_SAY_* flags a later
 * mark replaces an earlier one, as a new utterance replaces the one playing.
 */
#ifndef KIOSK_PRESENT_H
#define KIOSK_PRESENT_H

struct kiosk;

#define PRESENT_SCREEN        0x001u /* the model rebuilt and drawn */
#define PRESENT_DRAW          0x002u /* drawn again as it is (focus, highlight, blanking) */
#define PRESENT_RESIZED       0x004u /* the terminal changed size: said again when it
                                      * became too small, or big enough again */
#define PRESENT_SPEECH        0x010u /* a state's screen said as it is shown (the wait
                                      * screen only once the wait lasts) */
#define PRESENT_SAY_SCREEN    0x020u /* the screen said again, now */
#define PRESENT_SAY_WARNING   0x040u /* the warning at its foot */
#define PRESENT_SAY_ALOUD     0x080u /* the same through the loudspeaker: no private value */
#define PRESENT_SAY_INPUT     0x100u /* the field being typed */
#define PRESENT_SAY_MORE      0x200u /* large print's page line */
#define PRESENT_SAY_MASK      0x3f0u
void kiosk_dirty(struct kiosk *k, unsigned what);
void kiosk_present(struct kiosk *k);

#endif
