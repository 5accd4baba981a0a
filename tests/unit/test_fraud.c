/* The fraud rules: which request gets the large-transaction alert and which the
 * anti-fraud warning, and the cooling-off's count, shown and said.
 * usage: test_fraud */
#include "config/config.h"
#include "kiosk/fraud.h"
#include "kiosk/kiosk.h"

#include <string.h>

#include "check.h"

#define YUAN 100LL
#define SEC 1000000LL

static struct kiosk_config cfg = {
	.transfer_large_fen = 5000 * YUAN,
	.fraud_cooling_off = 15,
	.fraud_withdrawal_fen = 2000 * YUAN,
};
static struct kiosk k = { .cfg = &cfg };

/* kiosk.yaml's threshold, unless the bank sets the card's own; at it counts. */
static void
test_large(void)
{
	struct fraud_ask a = { .amount_fen = 4999 * YUAN };
	CHECK(!fraud_large(&k, &a));
	a.amount_fen = 5000 * YUAN;
	CHECK(fraud_large(&k, &a));
	a.large_fen = 2000 * YUAN; /* the card's own, lower */
	a.amount_fen = 2000 * YUAN;
	CHECK(fraud_large(&k, &a));
	a.amount_fen = 1999 * YUAN;
	CHECK(!fraud_large(&k, &a));
	a.large_fen = 10000 * YUAN; /* the card's own, higher */
	a.amount_fen = 6000 * YUAN;
	CHECK(!fraud_large(&k, &a));
	/* Cash has the bank's own limits: no alert, however much. */
	a = (struct fraud_ask){ .withdrawal = 1, .amount_fen = 5000 * YUAN };
	CHECK(!fraud_large(&k, &a));
	cfg.transfer_large_fen = 100 * YUAN;
	a = (struct fraud_ask){ .amount_fen = 100 * YUAN };
	CHECK(fraud_large(&k, &a));
	cfg.transfer_large_fen = 5000 * YUAN;
}

/* Transfers: a payee never paid from this card, or a flagged customer, whatever the
 * amount. Cash: a flagged customer from fraud.withdrawal_warning on. */
static void
test_warn(void)
{
	struct fraud_ask a = { .amount_fen = 1 * YUAN };
	CHECK(!fraud_warn_needed(&k, &a));
	a.new_payee = 1;
	CHECK(fraud_warn_needed(&k, &a));
	a = (struct fraud_ask){ .flagged = 1, .amount_fen = 1 * YUAN };
	CHECK(fraud_warn_needed(&k, &a));
	a.amount_fen = 100000 * YUAN; /* a paid payee, unflagged: no warning */
	a.flagged = 0;
	CHECK(!fraud_warn_needed(&k, &a));

	a = (struct fraud_ask){ .withdrawal = 1, .flagged = 1, .amount_fen = 1900 * YUAN };
	CHECK(!fraud_warn_needed(&k, &a));
	a.amount_fen = 2000 * YUAN;
	CHECK(fraud_warn_needed(&k, &a));
	a.flagged = 0; /* the same cash, unflagged */
	CHECK(!fraud_warn_needed(&k, &a));
	a.new_payee = 1; /* means nothing for cash */
	CHECK(!fraud_warn_needed(&k, &a));
	cfg.fraud_withdrawal_fen = 500 * YUAN;
	a = (struct fraud_ask){ .withdrawal = 1, .flagged = 1, .amount_fen = 500 * YUAN };
	CHECK(fraud_warn_needed(&k, &a));
	cfg.fraud_withdrawal_fen = 2000 * YUAN;
}

/* Whole seconds left, rounded up: never "0 seconds" before it is over. */
static void
test_cooling_count(void)
{
	int64_t t0 = 1000 * SEC;
	CHECK_EQ(fraud_cooling_left(15, t0, t0), 15);
	CHECK_EQ(fraud_cooling_left(15, t0, t0 + 1), 15);
	CHECK_EQ(fraud_cooling_left(15, t0, t0 + SEC), 14);
	CHECK_EQ(fraud_cooling_left(15, t0, t0 + 14 * SEC + SEC / 2), 1);
	CHECK_EQ(fraud_cooling_left(15, t0, t0 + 15 * SEC - 1), 1);
	CHECK_EQ(fraud_cooling_left(15, t0, t0 + 15 * SEC), 0);
	CHECK_EQ(fraud_cooling_left(15, t0, t0 + 99 * SEC), 0);
	/* The next change of the count: each whole second from the start, then none. */
	CHECK_EQ(fraud_cooling_next(15, t0, t0), t0 + SEC);
	CHECK_EQ(fraud_cooling_next(15, t0, t0 + SEC / 3), t0 + SEC);
	CHECK_EQ(fraud_cooling_next(15, t0, t0 + SEC), t0 + 2 * SEC);
	CHECK_EQ(fraud_cooling_next(15, t0, t0 + 14 * SEC + 1), t0 + 15 * SEC);
	CHECK_EQ(fraud_cooling_next(15, t0, t0 + 15 * SEC), 0);
}

/* What is said when: a count every 5 seconds, the end once; nothing over the warning. */
static void
test_cooling_say(void)
{
	int said = 15, heard[20], n = 0;
	/* The warning is heard for the first 4 seconds: 10, 5 and the end are said. */
	for (int left = 15; left >= 0; left--) {
		int s = fraud_cooling_say(left, said, left > 11);
		if (s >= 0) {
			heard[n++] = s;
			said = s;
		}
	}
	CHECK_EQ(n, 3);
	CHECK_EQ(heard[0], 10);
	CHECK_EQ(heard[1], 5);
	CHECK_EQ(heard[2], 0);
	/* Said once each, however often the clock turns within that second. */
	CHECK_EQ(fraud_cooling_say(10, 10, 0), -1);
	CHECK_EQ(fraud_cooling_say(0, 0, 0), -1);
	/* A warning heard past the end: "you may go on" as soon as it has been heard. */
	CHECK_EQ(fraud_cooling_say(0, 15, 1), -1);
	CHECK_EQ(fraud_cooling_say(0, 15, 0), 0);
	/* Between the steps: nothing. */
	CHECK_EQ(fraud_cooling_say(12, 15, 0), -1);
	CHECK_EQ(fraud_cooling_say(14, 15, 0), -1);
}

int
main(void)
{
	test_large();
	test_warn();
	test_cooling_count();
	test_cooling_say();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("fraud rules: all checks passed\n");
	return 0;
}
