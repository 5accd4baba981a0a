/* Staff at the kiosk (staff.c): a call for a member of staff, and staff-assisted mode
 * opened over the customer's session by a staff badge and its PIN (docs/staff.md). */
#ifndef KIOSK_STAFF_H
#define KIOSK_STAFF_H

#include "kiosk/devices.h"

struct kiosk;

/* 1 while a staff member the adapter verified is at the kiosk (staff-assisted mode). */
int staff_present(const struct kiosk *k);
/* That staff member's id ("0042"), "" when none. */
const char *staff_id(const struct kiosk *k);
/*
 * Calls a member of staff for reason (a short code of docs/devices.md: help,
 * card_locked, fraud_warning, cash_not_taken, out_of_service, ...): writes
 * `call-staff REASON` on the device channel, sends STAFF_CALL to the adapter when the
 * link is up (always journaled and logged here), and shows and says that staff are on
 * the way while the session's timeouts wait (staff.wait_max). The customer may cancel;
 * the screen it was called from comes back then. With a member of staff here already,
 * a screen that has one for them (state_def.staff_come) enters it instead.
 */
void staff_call(struct kiosk *k, const char *reason);
/* CALL_STAFF (a key, help's 7, an item's call_staff choice): the reason from where the
 * customer is (card_locked after a card lock, out_of_service, ..., else help). */
void staff_call_here(struct kiosk *k);
/* The device lines staff-card ID (the badge, then its PIN) and staff-leave. */
void staff_device(struct kiosk *k, enum device_event ev, const char *arg);
/*
 * Ends staff-assisted mode (staff-leave, CANCEL in the mode): tells the adapter, and
 * gives the state the chance to cancel what needed staff (state_def.staff_leave).
 */
void staff_leave(struct kiosk *k);

#endif
