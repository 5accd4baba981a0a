/*
 * Staff at the kiosk: a call for a member of staff (the branch's pager hears it on the
 * device channel, the adapter records it), and staff-assisted mode, opened over the
 * customer's session by a staff badge and the staff member's PIN (docs/staff.md).
 */
#include "kiosk/staff.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/kiosk.h"
#include "kiosk/present.h"
#include "kiosk/state.h"

#include <stdio.h>
#include <string.h>

int
staff_present(const struct kiosk *k)
{
	return k->s.staff_id[0] != '\0';
}

const char *
staff_id(const struct kiosk *k)
{
	return k->s.staff_id;
}

static void
call_done(struct kiosk *k, const struct bank_reply *r)
{
	(void)k;
	if (r->type != KPROTO_MSG_OK)
		log_warnx("staff: the adapter did not record the call (%s); it stands here",
		    kproto_type_to_str(r->type));
}

void
staff_call(struct kiosk *k, const char *reason)
{
	struct kproto_staff_call m;
	struct kproto_buf b;

	if (!kproto_staff_reason_valid(reason))
		reason = "help";
	snprintf(m.reason, sizeof m.reason, "%s", reason);
	/* The pager first: it works whatever the bank link does. */
	devices_send(k, "call-staff %s", m.reason);
	kiosk_journal(k, "staff-call", "reason", m.reason, NULL);
	if (bank_is_up(k->bank) && kproto_staff_call_pack(&b, &m) == KPROTO_OK) {
		log_info("staff: called (%s)", m.reason);
		bank_call(k->bank, KPROTO_MSG_STAFF_CALL, &b, call_done);
	} else
		log_warnx("staff: called (%s) with the adapter down: recorded here only",
		    m.reason);
	snprintf(k->s.staff_reason, sizeof k->s.staff_reason, "%s", m.reason);
	k->s.staff_called_at = mono_usec();
}

static void
leave_done(struct kiosk *k, const struct bank_reply *r)
{
	(void)k;
	if (r->type != KPROTO_MSG_OK)
		log_warnx("staff: the adapter did not answer STAFF_LEAVE with OK (%s)",
		    kproto_type_to_str(r->type));
}

void
staff_leave(struct kiosk *k)
{
	if (!staff_present(k))
		return;
	log_info("staff: %s left", k->s.staff_id);
	kiosk_journal(k, "staff-leave", NULL);
	k->s.staff_id[0] = '\0';
	if (bank_is_up(k->bank))
		bank_call(k->bank, KPROTO_MSG_STAFF_LEAVE, NULL, leave_done);
	if (k->state != NULL && k->state->staff_leave != NULL)
		k->state->staff_leave(k);
	else
		kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}
