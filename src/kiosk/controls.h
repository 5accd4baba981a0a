/* Keys that mean the same on every screen (controls.c): speech settings, focus, blanking,
 * large print and its pages. */
#ifndef KIOSK_CONTROLS_H
#define KIOSK_CONTROLS_H

#include "kiosk/kiosk.h"

/* Returns 1 when fn was one of them and is done. */
int controls_key(struct kiosk *k, enum key_fn fn);
void controls_volume_step(struct kiosk *k, int delta);
void controls_rate_step(struct kiosk *k, int delta);
/* The customer's settings back to the defaults, for the next one. */
void controls_reset(struct kiosk *k);
void controls_large_print(struct kiosk *k, int on);
/* 1 when fn turned the page of a long screen in large print. */
int controls_page_key(struct kiosk *k, enum key_fn fn);
/* Turns the large print page to the item's and redraws; 0 when it is already shown. */
int controls_page_to(struct kiosk *k, int item);
/* Says label with its place, as the voice file's position phrase has it: "Withdraw
 * cash, 2 of 2" (the item NEXT moved to, a statement's line). */
void controls_say_position(struct kiosk *k, const char *lang, const char *label, int n,
    int count);

#endif
