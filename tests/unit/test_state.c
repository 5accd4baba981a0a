/* The kiosk's state table driven directly: a real kiosk-bankd on a temp socket, ncurses
 * drawing to /dev/null, and idle timers advanced by calling state_tick with later times.
 * usage: test_state KIOSK-BANKD SOURCE-DIR */
#include "kiosk/bank.h"
#include "kiosk/fraud.h"
#include "kiosk/journal_events.h"
#include "kiosk/kiosk.h"
#include "kiosk/present.h"
#include "kiosk/registry.h"

#include "common/log.h"
#include "common/util.h"
#include "config/setup.h"

#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/staff.h"

#include "check.h"
#include "kiosk_rig.h"

static struct kiosk_rig rig;

#define CHECK_STATE(k, want)                                                         \
	do {                                                                       \
		if (strcmp((k)->state->name, (want)) != 0) {                         \
			fprintf(stderr, "%s:%d: in state %s, expected %s\n", __FILE__, \
			    __LINE__, (k)->state->name, (want));                     \
			failures++;                                                \
		}                                                                  \
	} while (0)

/* Lets the bank answer everything asked so far. */
static void
pump(struct kiosk *k)
{
	while (bank_busy(k->bank)) {
		struct pollfd p = { .fd = bank_fd(k->bank), .events = POLLIN };
		if (p.fd < 0 || poll(&p, 1, 5000) <= 0) {
			fprintf(stderr, "the bank did not answer\n");
			failures++;
			return;
		}
		bank_readable(k->bank);
	}
	/* As the event loop does once a turn. */
	kiosk_present(k);
}

/* The idle timers at time at, as the event loop runs them. */
static void
tick(struct kiosk *k, int64_t at)
{
	state_tick(k, at);
	kiosk_present(k);
}

static void
key(struct kiosk *k, enum key_fn fn)
{
	state_key(k, fn);
	pump(k);
}

static void
keys(struct kiosk *k, const char *digits)
{
	for (const char *p = digits; *p; p++)
		key(k, (enum key_fn)(KEYFN_0 + (*p - '0')));
}

static void
device(struct kiosk *k, enum device_event ev, const char *arg)
{
	state_device(k, ev, arg);
	pump(k);
}

static int
screen_says(const struct kiosk *k, const char *text)
{
	for (int i = 0; i < k->screen.nblocks; i++)
		if (strstr(k->screen.blocks[i].text.show, text) != NULL)
			return 1;
	return 0;
}

/* Inserts card 1, chooses English and enters the PIN: the main menu. */
static void
to_menu(struct kiosk *k)
{
	device(k, DEV_CARD_INSERT, "6222000000000017");
	CHECK_STATE(k, "language");
	key(k, KEYFN_2);
	CHECK_STATE(k, "pin");
	keys(k, "1234");
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "menu");
}

static void
back_to_welcome(struct kiosk *k)
{
	if (strcmp(k->state->name, "take_card") == 0)
		device(k, DEV_CARD_TAKE, "");
	CHECK_STATE(k, "goodbye");
	pump(k);
	tick(k, mono_usec() + 60 * 1000000LL);
	CHECK_STATE(k, "welcome");
}

static void
test_withdrawal(struct kiosk *k)
{
	to_menu(k);
	key(k, KEYFN_2);
	CHECK_STATE(k, "withdraw");
	key(k, KEYFN_3);
	CHECK_STATE(k, "confirm");
	CHECK(k->s.amount_fen == 50000);
	key(k, KEYFN_1);
	CHECK_STATE(k, "take_card");
	CHECK(k->s.hold);
	device(k, DEV_CASH_TAKE, ""); /* out of order: ignored */
	CHECK_STATE(k, "take_card");
	device(k, DEV_CARD_TAKE, "");
	CHECK_STATE(k, "take_cash");
	device(k, DEV_CASH_TAKE, "");
	CHECK_STATE(k, "receipt");
	CHECK(!k->s.hold);
	key(k, KEYFN_2);
	back_to_welcome(k);
}

static void
test_other_amount_checks(struct kiosk *k)
{
	to_menu(k);
	key(k, KEYFN_2);
	key(k, KEYFN_6);
	CHECK_STATE(k, "other_amount");
	keys(k, "150");
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "other_amount");
	CHECK(screen_says(k, "multiples"));
	keys(k, "6000");
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "other_amount");
	CHECK(screen_says(k, "limit"));
	keys(k, "300");
	key(k, KEYFN_CLEAR);
	key(k, KEYFN_0);
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "confirm");
	CHECK(k->s.amount_fen == 30000);
	key(k, KEYFN_CANCEL);
	back_to_welcome(k);
}

/* CANCEL returns the card from every state that holds it, and releases a hold. */
static void
test_cancel_everywhere(struct kiosk *k)
{
	static const struct {
		const char *path;
		const char *state;
	} paths[] = {
		{ "", "language" }, { "2", "pin" }, { "2P", "menu" }, { "2P1", "balance" },
		{ "2P2", "withdraw" }, { "2P26", "other_amount" }, { "2P21", "confirm" },
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		device(k, DEV_CARD_INSERT, "6222000000000017");
		for (const char *p = paths[i].path; *p; p++) {
			if (*p == 'P') {
				keys(k, "1234");
				key(k, KEYFN_ENTER);
			} else
				key(k, (enum key_fn)(KEYFN_0 + (*p - '0')));
		}
		CHECK_STATE(k, paths[i].state);
		key(k, KEYFN_CANCEL);
		CHECK_STATE(k, "take_card");
		CHECK(k->s.card_in);
		/* Before a language is chosen, the screen is in the default one. */
		CHECK(screen_says(k, "No money was taken") || screen_says(k, "没有扣款"));
		back_to_welcome(k);
	}
}

static void
test_wrong_pins(struct kiosk *k)
{
	device(k, DEV_CARD_INSERT, "6222000000000033");
	key(k, KEYFN_2);
	for (int i = 0; i < 2; i++) {
		keys(k, "0000");
		key(k, KEYFN_ENTER);
		CHECK_STATE(k, "pin");
		CHECK(screen_says(k, i == 0 ? "2 more" : "1 more"));
	}
	keys(k, "12");
	key(k, KEYFN_ENTER); /* too short: not sent, not counted */
	CHECK_STATE(k, "pin");
	CHECK(screen_says(k, "too short"));
	key(k, KEYFN_CLEAR);
	key(k, KEYFN_CLEAR);
	keys(k, "0000");
	key(k, KEYFN_ENTER);
	/* The card stays in: a member of staff may unlock it here; CANCEL returns it. */
	CHECK_STATE(k, "unlock");
	CHECK(screen_says(k, "locked"));
	CHECK(k->s.card_in);
	key(k, KEYFN_CANCEL);
	CHECK_STATE(k, "take_card");
	back_to_welcome(k);
	device(k, DEV_CARD_INSERT, "6222000000000033");
	key(k, KEYFN_2);
	CHECK_STATE(k, "unlock");
	CHECK(screen_says(k, "can unlock it here"));
	key(k, KEYFN_CANCEL);
	CHECK_STATE(k, "take_card");
	back_to_welcome(k);
}

static void
test_lost_card_kept_after_notice(struct kiosk *k)
{
	device(k, DEV_CARD_INSERT, "6222000000000058");
	key(k, KEYFN_2);
	CHECK_STATE(k, "notice");
	CHECK(k->s.card_in);
	key(k, KEYFN_CANCEL); /* a lost card is not handed back */
	CHECK_STATE(k, "goodbye");
	CHECK(!k->s.card_in);
	back_to_welcome(k);
}

static void
test_timeouts(struct kiosk *k)
{
	to_menu(k);
	int64_t t0 = k->idle_since;
	tick(k, t0 + 19 * 1000000LL);
	CHECK(!k->warned);
	tick(k, t0 + 20 * 1000000LL);
	CHECK(k->warned);
	CHECK(k->screen.warning.show != NULL && strstr(k->screen.warning.show, "10 seconds"));
	key(k, KEYFN_1); /* any key extends, and does nothing else: not Balance */
	CHECK(!k->warned);
	CHECK(k->screen.warning.show != NULL && strstr(k->screen.warning.show, "more time"));
	CHECK_STATE(k, "menu");
	t0 = k->idle_since;
	tick(k, t0 + 20 * 1000000LL);
	CHECK(k->warned);
	tick(k, k->idle_since + 10 * 1000000LL);
	CHECK_STATE(k, "take_card");
	CHECK(screen_says(k, "Time ran out"));
	/* The card not taken either: warned, then kept. */
	tick(k, k->idle_since + 10 * 1000000LL);
	CHECK(k->warned);
	CHECK_STATE(k, "take_card");
	tick(k, k->idle_since + 10 * 1000000LL);
	CHECK_STATE(k, "goodbye");
	CHECK(!k->s.card_in);
	back_to_welcome(k);
}

/* Walking away from the receipt question still closes the card at the bank, so the
 * next customer's card is accepted. */
static void
test_receipt_timeout_lets_the_next_customer_in(struct kiosk *k)
{
	to_menu(k);
	key(k, KEYFN_2);
	key(k, KEYFN_1);
	key(k, KEYFN_1);
	device(k, DEV_CARD_TAKE, "");
	device(k, DEV_CASH_TAKE, "");
	CHECK_STATE(k, "receipt");
	tick(k, k->idle_since + 60 * 1000000LL);
	tick(k, k->idle_since + 60 * 1000000LL);
	back_to_welcome(k);
	to_menu(k);
	key(k, KEYFN_CANCEL);
	back_to_welcome(k);
}

/* CANCEL after the bank approved, before the card was taken: no cash, hold released. */
static void
test_cancel_after_approval(struct kiosk *k)
{
	to_menu(k);
	key(k, KEYFN_2);
	key(k, KEYFN_1);
	key(k, KEYFN_1);
	CHECK_STATE(k, "take_card");
	CHECK(k->s.hold);
	key(k, KEYFN_CANCEL);
	CHECK(!k->s.hold);
	CHECK(screen_says(k, "No money was taken"));
	device(k, DEV_CARD_TAKE, "");
	CHECK_STATE(k, "goodbye");
	back_to_welcome(k);
}

/* While speech is on, the idle time is timeouts.speech_percent of the configured one. */
static void
test_speech_mode_timeouts(struct kiosk *k)
{
	to_menu(k);
	int64_t t0 = k->idle_since;
	CHECK_EQ(state_next_deadline(k) - t0, (30 - 10) * 1000000LL);
	k->speech_on = 1;
	CHECK_EQ(state_next_deadline(k) - t0, (60 - 10) * 1000000LL);
	k->speech_on = 0;
	key(k, KEYFN_CANCEL);
	back_to_welcome(k);
}

/* The flagged customer's cash from fraud.withdrawal_warning on: the anti-fraud warning,
 * its cooling-off counted down with no idle timeout, go on refused until it is over, then
 * only on its own key; going back, and asking staff, which returns the card. */
static void
test_fraud_withdrawal(struct kiosk *k)
{
	const int64_t sec = 1000000LL;

	to_menu(k);
	/* Unflagged: ¥2,000 goes straight to the confirmation. */
	key(k, KEYFN_2);
	key(k, KEYFN_5);
	CHECK_STATE(k, "confirm");
	key(k, KEYFN_2);
	CHECK_STATE(k, "withdraw");
	k->s.card.flags |= KPROTO_CARD_F_FRAUD_PROTECT; /* as the bank's CARD_INFO says */
	key(k, KEYFN_4); /* ¥1,000: under the threshold */
	CHECK_STATE(k, "confirm");
	key(k, KEYFN_2);
	key(k, KEYFN_5);
	CHECK_STATE(k, "fraud_warning");
	CHECK(screen_says(k, "safe account"));
	CHECK(screen_says(k, "Please wait: 15 s"));
	int64_t t0 = k->s.fraud.cooling_since;
	/* Neither the first confirmation's key nor ENTER goes on; 3 not yet. */
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "fraud_warning");
	key(k, KEYFN_3);
	CHECK_STATE(k, "fraud_warning");
	CHECK(k->screen.warning.show != NULL &&
	    strstr(k->screen.warning.show, "wait: 15 s") != NULL);
	/* The count shown each second; no idle timer meanwhile, whatever the time. */
	CHECK_EQ(state_next_deadline(k), t0 + sec);
	tick(k, t0 + sec);
	CHECK(screen_says(k, "Please wait: 14 s"));
	for (int s = 2; s < 15; s++)
		tick(k, t0 + s * sec);
	CHECK(screen_says(k, "Please wait: 1 s"));
	CHECK(!k->warned);
	CHECK_STATE(k, "fraud_warning");
	key(k, KEYFN_3);
	CHECK_STATE(k, "fraud_warning");
	tick(k, t0 + 15 * sec);
	CHECK(screen_says(k, "You may go on now"));
	CHECK(k->screen.warning.show == NULL);
	/* From here the idle timer runs, in full, from the end of the wait. */
	CHECK_EQ(state_next_deadline(k), t0 + 15 * sec + (30 - 10) * sec);
	key(k, KEYFN_1); /* back to the amounts */
	CHECK_STATE(k, "withdraw");
	key(k, KEYFN_5);
	CHECK_STATE(k, "fraud_warning");
	t0 = k->s.fraud.cooling_since;
	/* With help open over it, the count goes on shown, but is not said over help. */
	key(k, KEYFN_HELP);
	CHECK(k->overlay == OVERLAY_HELP);
	for (int s = 1; s <= 10; s++)
		tick(k, t0 + s * sec);
	CHECK_EQ(k->s.fraud.left, 5);
	CHECK_EQ(k->s.fraud.said, 15);
	key(k, KEYFN_CANCEL);
	CHECK(k->overlay == OVERLAY_NONE);
	CHECK_STATE(k, "fraud_warning");
	for (int s = 11; s <= 15; s++)
		tick(k, t0 + s * sec);
	CHECK_EQ(k->s.fraud.said, 0);
	key(k, KEYFN_3);
	CHECK_STATE(k, "confirm");
	CHECK(k->s.amount_fen == 200000);
	key(k, KEYFN_2);
	key(k, KEYFN_5);
	CHECK_STATE(k, "fraud_warning");
	key(k, KEYFN_2); /* call a member of staff: the money waits, the card stays */
	CHECK_STATE(k, "staff_called");
	CHECK(k->s.card_in);
	CHECK(!k->s.hold);
	CHECK(screen_says(k, "is on the way"));
	key(k, KEYFN_1); /* cancel the call: the warning again */
	CHECK_STATE(k, "fraud_warning");
	key(k, KEYFN_CANCEL);
	CHECK_STATE(k, "take_card");
	back_to_welcome(k);
}

/* The bank's own flag: 李秀英's card says so before the menu, and her ¥2,000 is warned. */
static void
test_fraud_flag_from_the_bank(struct kiosk *k)
{
	device(k, DEV_CARD_INSERT, "6222000000000025");
	key(k, KEYFN_2);
	keys(k, "2580");
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "menu");
	CHECK(k->s.card.flags & KPROTO_CARD_F_FRAUD_PROTECT);
	key(k, KEYFN_2);
	key(k, KEYFN_9); /* large print by the card's preference: all the amounts */
	key(k, KEYFN_5);
	CHECK_STATE(k, "fraud_warning");
	key(k, KEYFN_CANCEL);
	back_to_welcome(k);
}

/* kiosk.yaml's fraud.cooling_off, longer than the idle time (30 s here): no timeout
 * during it, the full idle time after it, then the usual warning and timeout. */
static void
test_fraud_cooling_setting(struct kiosk *k)
{
	const int64_t sec = 1000000LL;
	int was = rig.setup.cfg.fraud_cooling_off;

	rig.setup.cfg.fraud_cooling_off = 60;
	to_menu(k);
	k->s.card.flags |= KPROTO_CARD_F_FRAUD_PROTECT;
	key(k, KEYFN_2);
	key(k, KEYFN_5);
	CHECK_STATE(k, "fraud_warning");
	CHECK(screen_says(k, "Please wait: 60 s"));
	int64_t t0 = k->s.fraud.cooling_since;
	for (int64_t at = state_next_deadline(k); at != 0 && at < t0 + 60 * sec;
	    at = state_next_deadline(k)) {
		tick(k, at);
		CHECK(!k->warned);
	}
	CHECK_STATE(k, "fraud_warning");
	CHECK(screen_says(k, "Please wait: 1 s"));
	tick(k, t0 + 60 * sec);
	CHECK(screen_says(k, "You may go on now"));
	CHECK_EQ(state_next_deadline(k), t0 + 60 * sec + (30 - 10) * sec);
	tick(k, state_next_deadline(k));
	CHECK(k->warned);
	tick(k, state_next_deadline(k));
	CHECK_STATE(k, "take_card");
	CHECK(screen_says(k, "Time ran out"));
	back_to_welcome(k);
	rig.setup.cfg.fraud_cooling_off = was;
}

static void
test_table(void)
{
	for (int i = 0; i < state_count(); i++) {
		const struct state_def *s = state_at(i);
		CHECK(s->name != NULL);
		CHECK(state_by_name(s->name) == s);
		CHECK(state_by_screen(state_screen(s)) == s);
		CHECK(strcmp(s->name, screen_to_str(state_screen(s))) == 0);
		/* Only screens without a customer may wait for ever. */
		if (s->idle == IDLE_NONE)
			CHECK(!s->holds_card || strcmp(s->name, "wait") == 0);
	}
}

/* A service that needs staff, as the card services are: its staff_leave hook cancels it. */
static int staff_hook_ran;

static void
needs_staff_leave(struct kiosk *k)
{
	staff_hook_ran = 1;
	state_enter(k, state_by_name("menu"));
}

static const struct state_def state_needs_staff = {
	.name = "needs_staff",
	.screen = SCREEN_MENU,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.staff_leave = needs_staff_leave,
};

/* staff-leave in the middle of a service: the state's hook cancels it; elsewhere the
 * screen stays; CANCEL in the mode ends the mode, not the visit. */
static void
test_staff_leave(struct kiosk *k)
{
	to_menu(k);
	device(k, DEV_STAFF_CARD, "0042");
	CHECK_STATE(k, "staff_pin");
	keys(k, "8642");
	key(k, KEYFN_ENTER);
	CHECK_STATE(k, "menu");
	CHECK(staff_present(k) && strcmp(staff_id(k), "0042") == 0);
	CHECK(screen_says(k, "Staff assisting: 0042"));
	state_enter(k, &state_needs_staff);
	device(k, DEV_STAFF_LEAVE, "");
	CHECK(staff_hook_ran);
	CHECK(!staff_present(k));
	CHECK_STATE(k, "menu");
	CHECK(!screen_says(k, "Staff assisting"));

	device(k, DEV_STAFF_CARD, "0042");
	keys(k, "8642");
	key(k, KEYFN_ENTER);
	CHECK(staff_present(k));
	key(k, KEYFN_CANCEL);
	CHECK(!staff_present(k));
	CHECK_STATE(k, "menu");
	CHECK(k->s.card_in);
	key(k, KEYFN_CANCEL);
	CHECK_STATE(k, "take_card");
	back_to_welcome(k);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_state KIOSK-BANKD SOURCE-DIR\n");
		return 2;
	}
	if (rig_open(&rig, "state", argv[1], argv[2]) != 0)
		return 1;
	rig_start_bank(&rig);
	struct kiosk *k = &rig.k;
	k->bank = bank_new(k);
	session_reset(k);
	bank_connect(k->bank);
	state_enter(k, state_by_name("welcome"));
	kiosk_present(k);
	CHECK_STATE(k, "welcome");

	test_table();
	test_withdrawal(k);
	test_other_amount_checks(k);
	test_cancel_everywhere(k);
	test_wrong_pins(k);
	test_lost_card_kept_after_notice(k);
	test_timeouts(k);
	test_receipt_timeout_lets_the_next_customer_in(k);
	test_cancel_after_approval(k);
	test_speech_mode_timeouts(k);
	test_fraud_withdrawal(k);
	test_fraud_cooling_setting(k);
	test_fraud_flag_from_the_bank(k);
	test_staff_leave(k);

	bank_free(k->bank);
	kiosk_journal_close(k);
	session_reset(k);
	screen_free(&k->screen);
	rig_close(&rig, failures);
	if (failures)
		return 1;
	printf("state machine: all checks passed\n");
	return 0;
}
