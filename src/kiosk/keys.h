/* Keys from the terminal (keys.c). */
#ifndef KIOSK_KEYS_H
#define KIOSK_KEYS_H

#include <stdint.h>

#include "config/setup.h"

struct kiosk;

void keys_init(void);
/* Reads one key: 0 when none is waiting. *fn is KEYFN_NONE for a key with no function,
 * *demo a demo shortcut letter, *resized set for a terminal resize. */
int keys_read(struct kiosk *k, enum key_fn *fn, int *demo, int *resized);
/* 1 when fn is the same key again within keypad.double_strike_ms: to be ignored, speech
 * included (the press it repeats stopped it; what plays now answers that press). */
int keys_double_strike(struct kiosk *k, enum key_fn fn, int64_t now);

#endif
