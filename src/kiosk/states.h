/* The states that more than their own file enters: a visit's beginning, the wait for the
 * bank and the ways a visit ends. A service's own states are named only in their file and
 * in the registry (registry.c). */
#ifndef KIOSK_STATES_H
#define KIOSK_STATES_H

#include "kiosk/state.h"

/* st_welcome.c: no customer yet */
extern const struct state_def state_out_of_service, state_welcome;
/* st_card.c: before the customer is known */
extern const struct state_def state_language, state_pin;
/* svc_menu.c: the services offered once the PIN is verified */
extern const struct state_def state_menu;
/* st_end.c: waiting for the bank, handing things back, notices, goodbye */
extern const struct state_def state_wait, state_take_card, state_receipt,
    state_take_receipt, state_notice, state_goodbye;
/* svc_withdraw.c: the cash slot (the demo's "take" key) */
extern const struct state_def state_take_cash;

/* st_card.c: a card went in; it is journaled (masked) and the bank asked about it. */
void card_journal_in(struct kiosk *k, const char *pan);
void card_open(struct kiosk *k, const char *pan);
/* svc_withdraw.c: completes or reverses the withdrawal under way
 * (KPROTO_MSG_WITHDRAW_*), once. */
void withdraw_settle(struct kiosk *k, uint8_t type);
/* The card was taken with a withdrawal approved: the cash comes out. */
void withdraw_dispense(struct kiosk *k);
/* svc_unlock.c: the card is locked by wrong PINs; staff may unlock it here. */
void card_locked(struct kiosk *k);
/* svc_pin_reset.c: staff came to the PIN screen: their screen to reset a forgotten PIN. */
void pin_reset_offer(struct kiosk *k);

#endif
