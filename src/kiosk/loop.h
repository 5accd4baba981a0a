/* The event loop (loop.c). */
#ifndef KIOSK_LOOP_H
#define KIOSK_LOOP_H

struct kiosk;

void kiosk_run(struct kiosk *k);
void kiosk_demo_key(struct kiosk *k, int ch);

#endif
