/* The registry: every state the kiosk has. A state's file exports its `struct state_def`;
 * adding one is a line here, and nothing in the files of the other states. */
#include "kiosk/registry.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/states.h"

#include <string.h>

/* The services' own states, entered only from their files and through menu gotos. */
extern const struct state_def state_balance;
extern const struct state_def state_withdraw, state_other_amount, state_confirm;
extern const struct state_def state_transfer, state_transfer_payee, state_transfer_card,
    state_transfer_amount, state_transfer_confirm, state_transfer_wait;
extern const struct state_def state_statement, state_statement_lines;
extern const struct state_def state_pin_change, state_pin_change_again;
extern const struct state_def state_fraud_large, state_fraud_warning;
extern const struct state_def state_activate, state_activate_again;
extern const struct state_def state_card_lost, state_card_lost_confirm;
extern const struct state_def state_unlock, state_unlock_staff, state_unlock_new,
    state_unlock_again;
extern const struct state_def state_pin_reset, state_pin_reset_new, state_pin_reset_again;
extern const struct state_def state_card_cancel, state_card_cancel_staff;
extern const struct state_def state_staff_called, state_staff_pin;
extern const struct state_def state_profile;

static const struct state_def *const registry[] = {
	&state_out_of_service,
	&state_welcome,
	&state_language,
	&state_pin,
	&state_menu,
	&state_balance,
	&state_withdraw,
	&state_other_amount,
	&state_confirm,
	&state_statement,
	&state_statement_lines,
	&state_pin_change,
	&state_pin_change_again,
	&state_fraud_large,
	&state_fraud_warning,
	&state_staff_called,
	&state_staff_pin,
	&state_wait,
	&state_take_card,
	&state_take_cash,
	&state_receipt,
	&state_take_receipt,
	&state_notice,
	&state_goodbye,
	&state_transfer,
	&state_transfer_payee,
	&state_transfer_card,
	&state_transfer_amount,
	&state_transfer_confirm,
	&state_transfer_wait,
	&state_profile,
	&state_activate,
	&state_activate_again,
	&state_card_lost,
	&state_card_lost_confirm,
	&state_unlock,
	&state_unlock_staff,
	&state_unlock_new,
	&state_unlock_again,
	&state_pin_reset,
	&state_pin_reset_new,
	&state_pin_reset_again,
	&state_card_cancel,
	&state_card_cancel_staff,
};

static enum screen_id screen_of[ARRAY_LEN(registry)];
static int registered;

void
registry_init(void)
{
	if (registered)
		return;
	registered = 1;
	for (size_t i = 0; i < ARRAY_LEN(registry); i++) {
		const struct state_def *st = registry[i];
		screen_of[i] = st->contract != NULL ? screen_register(st->contract) : st->screen;
		if (screen_of[i] == SCREEN_NONE)
			fatalx("state %s: its screen %s cannot be registered", st->name,
			    st->contract->name);
		for (const struct message_contract *m = st->messages; m && m->name; m++)
			if (message_register(m) == MSG_NONE)
				fatalx("state %s: its message %s cannot be registered", st->name,
				    m->name);
	}
}

enum screen_id
state_screen(const struct state_def *st)
{
	if (st->contract == NULL)
		return st->screen;
	registry_init();
	for (size_t i = 0; i < ARRAY_LEN(registry); i++)
		if (registry[i] == st)
			return screen_of[i];
	return SCREEN_NONE;
}

int
state_count(void)
{
	return (int)ARRAY_LEN(registry);
}

const struct state_def *
state_at(int i)
{
	return i >= 0 && i < state_count() ? registry[i] : NULL;
}

const struct state_def *
state_by_name(const char *name)
{
	for (int i = 0; i < state_count(); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const struct state_def *
state_by_screen(enum screen_id id)
{
	for (int i = 0; i < state_count(); i++)
		if (state_screen(registry[i]) == id)
			return registry[i];
	return NULL;
}

/* Which screen a goto may name from where is the layout contract's (src/config/screens.c),
 * checked as the layouts are read. */
void
state_goto(struct kiosk *k, const char *screen)
{
	const struct state_def *st = state_by_screen(screen_from_str(screen));
	if (st == NULL) {
		log_warnx("layout: %s cannot be reached from %s", screen, k->state->name);
		return;
	}
	if (st->start != NULL)
		st->start(k);
	else
		state_enter(k, st);
}
