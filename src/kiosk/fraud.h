/* Fraud protection before money leaves (fraud.c: the rules; svc_fraud.c: the screens).
 * A service that moves money describes the request in a struct fraud_ask and calls
 * fraud_enter() between the amount and its own confirmation: the large-transaction
 * alert and the anti-fraud warning with its cooling-off come as the rules say, then the
 * service goes on, or goes back when the customer declines. */
#ifndef KIOSK_FRAUD_H
#define KIOSK_FRAUD_H

#include <stdint.h>

struct kiosk;
struct fill;

/* What the service knows about the request. */
struct fraud_ask {
	int flagged;          /* the bank flags this customer (KPROTO_CARD_F_FRAUD_PROTECT) */
	int new_payee;        /* a transfer to a payee this card never paid */
	int64_t amount_fen;
	int64_t large_fen;    /* the card's large-transaction threshold; 0: kiosk.yaml's */
	int withdrawal;       /* cash, not a transfer */
};

/* The checks under way, in the session (reset with it). */
struct fraud_run {
	struct fraud_ask ask;
	void (*go_on)(struct kiosk *);
	void (*back)(struct kiosk *);
	int64_t cooling_since;  /* when the warning's cooling-off began */
	int left;               /* its seconds left, as shown */
	int said;               /* the count last said (fraud_cooling_say) */
	int64_t clock_at;       /* the count's next turn; 0 once it is over and said */
	/* The placeholders of the service that asked, filled on these screens too. */
	void (*fill_before)(struct kiosk *, struct fill *);
};

/* A transfer at or above the large-transaction threshold (a->large_fen when the bank
 * sets one, else kiosk.yaml's transfer.large_amount): the alert comes first. Never for
 * cash, whose own limits are the bank's. */
int fraud_large(const struct kiosk *k, const struct fraud_ask *a);
/* That threshold. */
int64_t fraud_large_at(const struct kiosk *k, const struct fraud_ask *a);
/* The anti-fraud warning: a transfer to a new payee or by a flagged customer; cash by a
 * flagged customer at or above kiosk.yaml's fraud.withdrawal_warning. */
int fraud_warn_needed(const struct kiosk *k, const struct fraud_ask *a);

/* The cooling-off of total seconds begun at since: the whole seconds left at now (0 when
 * it is over), and when the count shown next changes. */
int fraud_cooling_left(int total, int64_t since, int64_t now);
int64_t fraud_cooling_next(int total, int64_t since, int64_t now);
/* What the count says at a turn with left seconds to go, said last said (the total at
 * first: the screen says it as it comes): the count to say, 0 for "you may go on now",
 * or -1 for nothing. Never over speech (the warning still being heard); every 5 seconds;
 * the end once, as soon as the listener is free. */
int fraud_cooling_say(int left, int said, int speaking);

/* Shows the alert and/or the warning as needed, then calls go_on (the service shows its
 * own confirmation next), or back when the customer declines; "call staff" on the
 * warning ends the visit with the card returned. Neither needed: go_on at once. */
void fraud_enter(struct kiosk *k, const struct fraud_ask *a, void (*go_on)(struct kiosk *),
    void (*back)(struct kiosk *));

#endif
