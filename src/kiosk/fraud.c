/* The fraud rules: which request gets the large-transaction alert, which the anti-fraud
 * warning, and the cooling-off's count. The screens are svc_fraud.c's. */
#include "kiosk/fraud.h"

#include "kiosk/kiosk.h"

#define USEC 1000000LL
/* The count is said every this many seconds once the warning has been heard. */
#define COOLING_SAY_EVERY 5

int64_t
fraud_large_at(const struct kiosk *k, const struct fraud_ask *a)
{
	return a->large_fen > 0 ? a->large_fen : k->cfg->transfer_large_fen;
}

int
fraud_large(const struct kiosk *k, const struct fraud_ask *a)
{
	return !a->withdrawal && a->amount_fen >= fraud_large_at(k, a);
}

int
fraud_warn_needed(const struct kiosk *k, const struct fraud_ask *a)
{
	if (a->withdrawal)
		return a->flagged && a->amount_fen >= k->cfg->fraud_withdrawal_fen;
	return a->flagged || a->new_payee;
}

int
fraud_cooling_left(int total, int64_t since, int64_t now)
{
	int64_t left = (int64_t)total * USEC - (now - since);
	if (left <= 0)
		return 0;
	/* Rounded up: "1 second" until it is over, never "0 seconds" before it is. */
	return (int)((left + USEC - 1) / USEC);
}

int64_t
fraud_cooling_next(int total, int64_t since, int64_t now)
{
	int left = fraud_cooling_left(total, since, now);
	if (left == 0)
		return 0;
	return since + (int64_t)(total - left + 1) * USEC;
}

int
fraud_cooling_say(int left, int said, int speaking)
{
	if (speaking || left == said)
		return -1;
	if (left == 0 || left % COOLING_SAY_EVERY == 0)
		return left;
	return -1;
}
