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
/* Sends the PIN typed to the bank as a request of type (PIN_VERIFY, PIN_CHANGE), sealed
 * to the adapter's key, wipes it and waits for the answer, which h gets. When it cannot
 * be sealed (logged and journaled, never with a digit) the session ends instead. */
void pin_entry_send(struct kiosk *k, uint8_t type, bank_handler h);

#endif
