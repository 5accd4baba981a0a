/* Digits a customer types on the keypad (an amount in whole yuan, a card number), shared
 * by the screens that take them (entry.c). */
#ifndef KIOSK_ENTRY_H
#define KIOSK_ENTRY_H

#include "config/keyfn.h"
#include "kiosk/kiosk.h"

/* A digit or CLEAR on the field buf (len digits, at most max, kept NUL-terminated): the
 * PRESENT_* marks for what changed, 0 for any other key or a digit with no room. A
 * leading 0 is refused unless lead_zero (an amount has none; a card number may). */
unsigned entry_key(char *buf, int *len, int max, int lead_zero, enum key_fn fn);
/* The whole yuan of an amount field. */
int64_t entry_fen(const char *buf);
/* An amount field as shown (¥1,000.00, or ¥ while empty) and said in words. */
void entry_amount_input(struct kiosk *k, const char *buf, int len, struct screen_input *in);

#endif
