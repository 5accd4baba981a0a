/*
 * Card services in the ledger: the other cards of a customer, and one of them
 * reported lost. Activation stores its PIN with the PIN change (ledger.c).
 */
#include "ledger_backend.h"

#include <stdio.h>
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
	for (int i = 0; i < n; i++) {
		int awaiting = db->ops->card_awaiting(db, c[i].pan);
		size_t len = strlen(c[i].pan);
		if (awaiting < 0 || len < 4) {
			n = -1;
			break;
		}
		/* Only the last four digits leave the bank: enough to tell one's cards apart. */
		snprintf(out->card[i].last4, sizeof out->card[i].last4, "%s", c[i].pan + len - 4);
		out->card[i].status = awaiting && strcmp(c[i].status, "active") == 0 ?
		    KPROTO_CARD_INACTIVE : brief_status(c[i].status);
		snprintf(pans[i], KPROTO_PAN_MAX + 1, "%s", c[i].pan);
	}
	db->ops->rollback(db);
	if (n < 0)
		return LEDGER_ERROR;
	out->count = (uint8_t)n;
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
	if (i == n) {
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
