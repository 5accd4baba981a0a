/* No customer yet: the welcome screen waits for a card; out of service, a card put in is
 * given back at once. */
#include "kiosk/states.h"

#include "common/log.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/recover.h"
#include "kiosk/reload.h"

static void
welcome_enter(struct kiosk *k)
{
	session_close(k);
	/* Between customers: a reloaded configuration takes over before the next. */
	reload_apply(k);
	session_reset(k);
	/* A kiosk that cannot keep its journal must not move money. */
	if (!kiosk_journal_ok(k)) {
		state_enter(k, &state_out_of_service);
		return;
	}
	if (!bank_is_up(k->bank) && bank_connect(k->bank) != 0) {
		state_enter(k, &state_out_of_service);
		return;
	}
	/* Between customers: settle what an outage or a crash left open. */
	recover_run(k);
}

static void
welcome_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	if (ev != DEV_CARD_INSERT) {
		log_warnx("device: %s while no card is in", device_event_to_str(ev));
		return;
	}
	k->s.card_in = 1;
	/* Listening-length timeouts are this customer's only if speech is on for them: a
	 * headset plugged in and out before they came says nothing about them. */
	k->s.listened = k->speech_on;
	card_open(k, arg);
}

static void
oos_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	if (ev != DEV_CARD_INSERT)
		return;
	k->s.card_in = 1;
	card_journal_in(k, arg);
	session_end(k, MSG_BANK_UNAVAILABLE);
}

const struct state_def state_out_of_service = {
	.name = "out_of_service",
	.screen = SCREEN_OUT_OF_SERVICE,
	.idle = IDLE_NONE,
	.device = oos_device,
	.staff_reason = "out_of_service",
};

const struct state_def state_welcome = {
	.name = "welcome",
	.screen = SCREEN_WELCOME,
	.idle = IDLE_NONE,
	.enter = welcome_enter,
	.device = welcome_device,
};
