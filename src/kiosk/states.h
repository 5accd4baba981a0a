/* Handlers of the state table (state.c), one file per group of screens. */
#ifndef KIOSK_STATES_H
#define KIOSK_STATES_H

#include "kiosk/kiosk.h"

/* states_card.c: before the customer is known */
void welcome_enter(struct kiosk *k);
void welcome_device(struct kiosk *k, enum device_event ev, const char *arg);
void oos_device(struct kiosk *k, enum device_event ev, const char *arg);
void language_key(struct kiosk *k, enum key_fn fn);
void pin_enter(struct kiosk *k);
void pin_leave(struct kiosk *k);
void pin_key(struct kiosk *k, enum key_fn fn);

/* states_menu.c: services */
void menu_key(struct kiosk *k, enum key_fn fn);
void balance_key(struct kiosk *k, enum key_fn fn);
void withdraw_key(struct kiosk *k, enum key_fn fn);
void other_amount_enter(struct kiosk *k);
void other_amount_key(struct kiosk *k, enum key_fn fn);
void confirm_key(struct kiosk *k, enum key_fn fn);

/* states_end.c: handing things back */
void take_card_device(struct kiosk *k, enum device_event ev, const char *arg);
void take_card_timeout(struct kiosk *k);
void take_cash_device(struct kiosk *k, enum device_event ev, const char *arg);
void take_cash_timeout(struct kiosk *k);
void receipt_key(struct kiosk *k, enum key_fn fn);
void take_receipt_device(struct kiosk *k, enum device_event ev, const char *arg);
void notice_key(struct kiosk *k, enum key_fn fn);
void notice_leave(struct kiosk *k);
void notice_timeout(struct kiosk *k);
void goodbye_enter(struct kiosk *k);
void receipt_timeout(struct kiosk *k);
void take_card_key(struct kiosk *k, enum key_fn fn);
/* Closes the card's session at the bank, once. */
void session_close(struct kiosk *k);
void goodbye_timeout(struct kiosk *k);

/* Completes or reverses the withdrawal under way (KPROTO_MSG_WITHDRAW_*), once. */
void withdraw_settle(struct kiosk *k, uint8_t type);


#endif
