/* Typing a PIN (pin_entry.c): the digits go into guarded memory, each is said as the
 * same word, the model shows stars, and the PIN leaves only sealed to the adapter's key.
 * The PIN check (st_card.c) and the PIN change (svc_pin_change.c) type it alike. */
#ifndef KIOSK_PIN_ENTRY_H
#define KIOSK_PIN_ENTRY_H

#include "kiosk/bank.h"
#include "kiosk/kiosk.h"

/* k->s.pin, allocated (sodium_malloc) and empty: the state's enter. */
void pin_entry_open(struct kiosk *k);
/* k->s.pin wiped and freed: the state's leave. */
void pin_entry_close(struct kiosk *k);
/* A digit or CLEAR: typed into the PIN. Returns 0 for any other key. */
int pin_entry_key(struct kiosk *k, enum key_fn fn);
/* ENTER: 1 when enough digits were typed, else the screen says it is too short. */
int pin_entry_done(struct kiosk *k);
/* The input of the PIN screens: stars only. */
void pin_entry_input(struct kiosk *k, struct screen_input *in);
/* The PIN typed, sealed to the adapter's key into sealed (*len bytes) and wiped: 0, or
 * -1 when it cannot be sealed (logged and journaled, never with a digit). For a request
 * that carries more than the PIN (STAFF_AUTH). */
int pin_entry_seal(struct kiosk *k, unsigned char *sealed, size_t sealedsz, size_t *len);
/* Sends the PIN typed to the bank as a request of type (PIN_VERIFY, PIN_CHANGE), sealed
 * to the adapter's key, wipes it and waits for the answer, which h gets. When it cannot
 * be sealed (logged and journaled, never with a digit) the session ends instead. */
void pin_entry_send(struct kiosk *k, uint8_t type, bank_handler h);

/*
 * A new PIN typed twice (svc_pin_change.c), for the PIN change and a new card's
 * activation alike, in the service area. pin_new_start clears it (a service's start);
 * pin_new_first_key is the first entry's key, which keeps the PIN and enters again;
 * pin_new_again_key the second's, 1 when ENTER ends an entry equal to the first (send
 * it now with pin_entry_send), else a mismatch is said and first entered; pin_new_leave
 * is the second entry's leave. pin_new_refusal: the message naming why the adapter
 * refused a new PIN (a PIN_CHANGE_RESULT status), or NULL for none it knows. The
 * unlock of a locked card and a forgotten PIN's reset type theirs alike.
 */
void pin_new_start(struct kiosk *k);
void pin_new_first_key(struct kiosk *k, enum key_fn fn, const struct state_def *again);
int pin_new_again_key(struct kiosk *k, enum key_fn fn, const struct state_def *first);
void pin_new_leave(struct kiosk *k);
const char *pin_new_refusal(int status);
/* The adapter's answer r to a new PIN (PIN_CHANGE_RESULT): 1 when it was stored. Else
 * 0, and it was dealt with: a weak PIN said why and first entered again, anything else
 * ended the session as the bank being unavailable. */
int pin_new_stored(struct kiosk *k, const struct bank_reply *r, const struct state_def *first);

#endif
