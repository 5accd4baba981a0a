/*
 * Recovery: money moves exactly once across crashes and outages. The journal says
 * which withdrawals were asked for or authorized and never completed or reversed;
 * for each, the kiosk tells the adapter (SETTLE) what happened physically: the cash
 * was dispensed and not taken back -> complete, otherwise -> reverse.
 */
#ifndef KIOSK_RECOVER_H
#define KIOSK_RECOVER_H

#include "kiosk/kiosk.h"

struct journal_record;

/* Follows one journal record, read at start-up or just written. */
void recover_apply(struct kiosk *k, const struct journal_record *r);
/* The journal has been read: logs and journals what is left to settle. */
void recover_loaded(struct kiosk *k);
/*
 * Sends the next SETTLE if the link is up and no customer's card session is open
 * (the adapter takes SETTLE only then); the answer sends the one after. Called when
 * the link comes up and when a session ends.
 */
void recover_run(struct kiosk *k);
/* The link dropped: a SETTLE in flight gets no answer and is sent again later. */
void recover_link_down(struct kiosk *k);
/* Withdrawals still to settle. */
int recover_pending(const struct kiosk *k);
void recover_free(struct kiosk *k);

/*
 * Test hook for tests/e2e/test_faults.py: with KIOSK_FAULT=point in the environment
 * the kiosk dies there as if killed (_exit(137)). Points: auth-sent, complete-sent.
 */
void kiosk_fault(const char *point);

#endif
