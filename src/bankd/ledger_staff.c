/*
 * Staff, the same on every backend: a staff badge's PIN check in two steps as a card's
 * (the slow hash runs on the PIN pool), with a lockout of its own, and the calls for
 * staff the kiosks make, recorded for the branch.
 */
#include "ledger_backend.h"

#include "common/log.h"

#include <string.h>

enum ledger_status
ledger_staff_hash(struct db *db, const char *id, char *hash, size_t hashsz,
    int *checkable, struct kproto_staff_result *out)
{
	int found, tries = 0;

	*checkable = 0;
	memset(out, 0, sizeof *out);
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	found = db->ops->staff_load(db, id, 0, &tries, hash, hashsz);
	db->ops->rollback(db);
	if (found < 0)
		return LEDGER_ERROR;
	if (found == 0)
		out->status = KPROTO_STAFF_UNKNOWN;
	else if (tries == 0)
		out->status = KPROTO_STAFF_LOCKED;
	else
		*checkable = 1;
	return LEDGER_OK;
}

enum ledger_status
ledger_staff_record(struct db *db, const char *id, int match,
    struct kproto_staff_result *out)
{
	char hash[128];
	int found, tries = 0;

	memset(out, 0, sizeof *out);
	out->status = KPROTO_STAFF_LOCKED;
	/* As for cards: read and written under the badge's lock, so that two kiosks
	 * guessing at once get no more than three tries between them. */
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	if ((found = db->ops->staff_load(db, id, 1, &tries, hash, sizeof hash)) < 0)
		goto fail;
	if (found == 0 || tries == 0) {
		out->status = found == 0 ? KPROTO_STAFF_UNKNOWN : KPROTO_STAFF_LOCKED;
		db->ops->rollback(db);
		return LEDGER_OK;
	}
	tries = match ? BANKD_PIN_TRIES : tries - 1;
	if (db->ops->staff_set_tries(db, id, tries) < 0)
		goto fail;
	out->status = match ? KPROTO_STAFF_OK : tries == 0 ? KPROTO_STAFF_LOCKED :
	    KPROTO_STAFF_WRONG;
	out->tries_left = (uint8_t)tries;
	if (db->ops->commit(db) == 0)
		return LEDGER_OK;
fail:
	db->ops->rollback(db);
	memset(out, 0, sizeof *out);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_staff_call(struct db *db, const char *kiosk_id, const char *reason)
{
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	if (db->ops->staff_call_add(db, kiosk_id, reason, (int64_t)ledger_clock()) < 0 ||
	    db->ops->commit(db) < 0) {
		db->ops->rollback(db);
		return LEDGER_ERROR;
	}
	return LEDGER_OK;
}

int
ledger_staff_add(struct db *db, const char *id, const char *pin)
{
	char hash[128];

	if (ledger_pin_hash_make(hash, sizeof hash, pin) < 0)
		return -1;
	return db->ops->staff_add(db, id, hash);
}
