/* Amounts as shown (money.c). */
#ifndef KIOSK_MONEY_H
#define KIOSK_MONEY_H

#include <stddef.h>
#include <stdint.h>

void money_show(int64_t fen, char *out, size_t outsz);

#endif
