/*
 * Card services in the ledger: the other cards of a customer, and one of them
 * reported lost; with a member of staff, a new PIN for a locked or forgotten one, and
 * a card cancelled. Activation stores its PIN with the PIN change (ledger.c).
 */
#include "ledger_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t
brief_status(const char *status)
{
	if (strcmp(status, "lost") == 0)
		return KPROTO_CARD_LOST;
	return strcmp(status, "active") == 0 ? KPROTO_CARD_OK : KPROTO_CARD_LOCKED;
}

enum ledger_status
ledger_card_list(struct db *db, const char *pan, struct kproto_card_list_info *out,
    char pans[KPROTO_CARDS_MAX][KPROTO_PAN_MAX + 1])
{
	struct card_brief c[KPROTO_CARDS_MAX];
	int n;

	memset(out, 0, sizeof *out);
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	n = db->ops->card_siblings(db, pan, c, KPROTO_CARDS_MAX);
	int listed = 0;
	for (int i = 0; i < n; i++) {
		int awaiting = db->ops->card_awaiting(db, c[i].pan);
		size_t len = strlen(c[i].pan);
		if (awaiting < 0 || len < 4) {
			n = -1;
			break;
		}
		/* A cancelled card is no card of the customer's any more. */
		if (strcmp(c[i].status, "cancelled") == 0)
			continue;
		/* Only the last four digits leave the bank: enough to tell one's cards apart. */
		snprintf(out->card[listed].last4, sizeof out->card[listed].last4, "%s",
		    c[i].pan + len - 4);
		out->card[listed].status = awaiting && strcmp(c[i].status, "active") == 0 ?
		    KPROTO_CARD_INACTIVE : brief_status(c[i].status);
		snprintf(pans[listed++], KPROTO_PAN_MAX + 1, "%s", c[i].pan);
	}
	db->ops->rollback(db);
	if (n < 0)
		return LEDGER_ERROR;
	out->count = (uint8_t)listed;
	return LEDGER_OK;
}

enum ledger_status
ledger_card_report_lost(struct db *db, const char *kiosk_id, const char *pan,
    const char *lost_pan)
{
	struct card_brief c[KPROTO_CARDS_MAX];
	int n, i;

	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	/* Still one of the customer's cards, and not lost already (said once). */
	n = db->ops->card_siblings(db, pan, c, KPROTO_CARDS_MAX);
	for (i = 0; i < n && strcmp(c[i].pan, lost_pan) != 0; i++)
		;
	if (n < 0)
		goto fail;
	if (i == n || strcmp(c[i].status, "cancelled") == 0) {
		db->ops->rollback(db);
		return LEDGER_CONFLICT;
	}
	if (strcmp(c[i].status, "lost") == 0) {
		db->ops->rollback(db);
		return LEDGER_REPEAT;
	}
	if (db->ops->card_mark_lost(db, lost_pan, pan, kiosk_id, (int64_t)ledger_clock()) < 0)
		goto fail;
	return db->ops->commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
fail:
	db->ops->rollback(db);
	return LEDGER_ERROR;
}

/* Inside a transaction, pan's row locked with lock: 1 if a member of staff may give it a
 * new PIN (unlock: locked by wrong PINs; else in use, not awaiting activation), 0 if
 * not, -1. */
static int
card_resettable(struct db *db, const char *pan, int unlock, int lock)
{
	struct card_row r;
	int found, awaiting;

	if ((found = db->ops->card_load(db, pan, lock, &r)) <= 0)
		return found;
	if (unlock)
		return ledger_card_locked(&r);
	if (!ledger_card_may_try(&r))
		return 0;
	if ((awaiting = db->ops->card_awaiting(db, pan)) < 0)
		return -1;
	return !awaiting;
}

enum ledger_status
ledger_card_reset_hash(struct db *db, const char *pan, int unlock, char *hash,
    size_t hashsz)
{
	int ok;

	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	if ((ok = card_resettable(db, pan, unlock, 0)) == 1 &&
	    db->ops->card_pin_hash(db, pan, hash, hashsz) < 0)
		ok = -1;
	db->ops->rollback(db);
	return ok < 0 ? LEDGER_ERROR : ok ? LEDGER_OK : LEDGER_CONFLICT;
}

enum ledger_status
ledger_card_pin_reset(struct db *db, const char *kiosk_id, const char *staff_id,
    const char *pan, int unlock, const char *old_hash, const char *new_hash)
{
	int ok;

	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	/* Judging the new PIN took a while: the card may have changed meanwhile. */
	if ((ok = card_resettable(db, pan, unlock, 1)) == 1)
		ok = db->ops->card_set_pin_hash(db, pan, old_hash, new_hash);
	/* Unlocked with its customer's own PIN, a card awaiting activation is activated. */
	if (ok == 1 && unlock && db->ops->card_activated(db, pan) < 0)
		ok = -1;
	if (ok == 1 && db->ops->card_pin_reset(db, pan, kiosk_id, staff_id,
	    unlock ? "unlock" : "reset", (int64_t)ledger_clock()) < 0)
		ok = -1;
	if (ok != 1) {
		db->ops->rollback(db);
		return ok < 0 ? LEDGER_ERROR : LEDGER_CONFLICT;
	}
	return db->ops->commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Inside a transaction: pan's row and its accounts' rows locked, in the order a
 * transfer takes them (ids ascending), the accounts into acc; how many, or -1. */
static int
cancel_lock(struct db *db, const char *pan, struct account_row acc[LEDGER_ACCOUNTS_MAX])
{
	int64_t ids[LEDGER_ACCOUNTS_MAX];
	int n;

	if ((n = db->ops->card_accounts(db, pan, acc, LEDGER_ACCOUNTS_MAX)) <= 0)
		return -1;
	for (int i = 0; i < n; i++)
		ids[i] = acc[i].id;
	qsort(ids, (size_t)n, sizeof ids[0], id_cmp);
	for (int i = 0; i < n; i += 2)
		if (db->ops->transfer_lock(db, pan, ids[i], ids[i + 1 < n ? i + 1 : i]) < 0)
			return -1;
	/* Read again under the locks: what the balances are now. */
	return db->ops->card_accounts(db, pan, acc, LEDGER_ACCOUNTS_MAX);
}

/*
 * Inside a transaction: 1 if an account pan reaches, and no other card in use reaches,
 * holds money or an open hold; 0 if not; -1. A card locked, lost, cancelled or still
 * awaiting its letter's activation does not count: its customer cannot use it today.
 */
static int
card_money_alone(struct db *db, const char *pan)
{
	struct account_row mine[LEDGER_ACCOUNTS_MAX], theirs[LEDGER_ACCOUNTS_MAX];
	struct card_brief c[KPROTO_CARDS_MAX];
	int reached[LEDGER_ACCOUNTS_MAX] = { 0 };
	int n, nc;

	if ((n = cancel_lock(db, pan, mine)) < 0 ||
	    (nc = db->ops->card_siblings(db, pan, c, KPROTO_CARDS_MAX)) < 0)
		return -1;
	for (int i = 0; i < nc; i++) {
		struct card_row r;
		int found, awaiting, m;
		if ((found = db->ops->card_load(db, c[i].pan, 0, &r)) < 0 ||
		    (awaiting = db->ops->card_awaiting(db, c[i].pan)) < 0)
			return -1;
		if (found == 0 || !ledger_card_may_try(&r) || awaiting)
			continue;
		if ((m = db->ops->card_accounts(db, c[i].pan, theirs, LEDGER_ACCOUNTS_MAX)) < 0)
			return -1;
		for (int k = 0; k < n; k++)
			for (int j = 0; j < m; j++)
				reached[k] |= mine[k].id == theirs[j].id;
	}
	for (int k = 0; k < n; k++) {
		int64_t held = 0;
		if (reached[k])
			continue;
		if (db->ops->account_held(db, mine[k].id, &held) < 0)
			return -1;
		if (mine[k].balance_fen != 0 || held != 0)
			return 1;
	}
	return 0;
}

enum ledger_status
ledger_card_cancel(struct db *db, const char *kiosk_id, const char *staff_id,
    const char *pan)
{
	enum ledger_status st = LEDGER_CONFLICT;
	struct card_row r;
	int found, left;

	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	if ((found = db->ops->card_load(db, pan, 1, &r)) < 0)
		goto fail;
	if (found && strcmp(r.status, "cancelled") == 0)
		st = LEDGER_REPEAT;
	if (!found || !ledger_card_may_try(&r)) {
		db->ops->rollback(db);
		return st;
	}
	if ((left = card_money_alone(db, pan)) < 0)
		goto fail;
	if (left) {
		db->ops->rollback(db);
		return LEDGER_MONEY_LEFT;
	}
	if (db->ops->card_cancel(db, pan, kiosk_id, staff_id, (int64_t)ledger_clock()) < 0)
		goto fail;
	return db->ops->commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
fail:
	db->ops->rollback(db);
	return LEDGER_ERROR;
}
