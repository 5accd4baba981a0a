/*
 * Transfers, the same on every backend: what a customer may send and to whom, and the
 * transfer itself. A transfer runs in one transaction that locks the card, then both
 * accounts in the order of their ids, judges, books both legs and records the answer
 * under the txid, whose uniqueness makes a retry find the first answer instead of
 * moving the money again. The caller answers the kiosk only after COMMIT.
 */
#include "ledger_backend.h"

#include "common/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

_Static_assert(LEDGER_PAYEES_MAX == KPROTO_PAYEES_MAX, "every saved payee is listed");

/* ---- masked names ------------------------------------------------------------------ */

/* Bytes of the UTF-8 sequence at s (1 for a stray byte); *cp gets its code point. */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;

	*cp = n == 1 ? s[0] : s[0] & (0x3f >> (n - 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return *cp = s[0], 1;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return n;
}

struct mask_out {
	char *p;
	size_t size, len;
	int full;                             /* something did not fit: stop there */
};

static void
mask_put(struct mask_out *m, const char *s, size_t n)
{
	if (m->full || m->len + n >= m->size) {
		m->full = 1;
		return;
	}
	memcpy(m->p + m->len, s, n);
	m->len += n;
	m->p[m->len] = '\0';
}

void
ledger_name_mask(const char *holder, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)holder;
	struct mask_out m = { out, outsz, 0, 0 };
	uint32_t cp;

	if (outsz == 0)
		return;
	out[0] = '\0';
	while (*s == ' ')
		s++;
	if (*s == '\0')
		return;
	size_t first = utf8_next(s, &cp);
	if (cp >= 0x2e80) {
		/* A Chinese name, the first word: its first and last character around one
		 * star, whatever its length. */
		const unsigned char *last = s;
		size_t lastn = first, chars = 0;
		for (const unsigned char *p = s; *p != '\0' && *p != ' '; p += lastn, chars++) {
			last = p;
			lastn = utf8_next(p, &cp);
		}
		mask_put(&m, (const char *)s, first);
		mask_put(&m, "*", 1);
		if (chars >= 3)
			mask_put(&m, (const char *)last, lastn);
		return;
	}
	/* Latin words: each but the last as its first letter and three stars. */
	while (*s != '\0') {
		const unsigned char *end = s;
		while (*end != '\0' && *end != ' ')
			end++;
		const unsigned char *next = end;
		while (*next == ' ')
			next++;
		if (m.len > 0)
			mask_put(&m, " ", 1);
		if (*next == '\0' && m.len > 0) {
			mask_put(&m, (const char *)s, (size_t)(end - s));
		} else {
			char initial[8];
			size_t n = utf8_next(s, &cp);
			memcpy(initial, s, n);
			memcpy(initial + n, "***", 3);
			mask_put(&m, initial, n + 3);
		}
		s = next;
	}
	/* What did not fit is left out in whole pieces; a space left at the end goes too. */
	if (m.len > 0 && out[m.len - 1] == ' ')
		out[--m.len] = '\0';
}

/* ---- choices and payees ------------------------------------------------------------ */

static int
kind_of(const char *kind)
{
	return strcmp(kind, "savings") == 0 ? KPROTO_ACCOUNT_SAVINGS : KPROTO_ACCOUNT_CURRENT;
}

/* What pan may still send to payees today; written as a subtraction of what was sent. */
static int
transfer_remaining(struct db *db, const char *pan, const struct card_row *r, int64_t *out)
{
	int64_t from, to, used = 0;

	ledger_today(&from, &to);
	if (db->ops->card_transferred(db, pan, from, to, &used) < 0)
		return -1;
	*out = used >= r->transfer_limit_fen ? 0 : r->transfer_limit_fen - used;
	return 0;
}

/* Inside a transaction: the payee payee_pan (holder's name as printed) seen from pan. */
static int
payee_fill(struct db *db, const char *pan, const char *payee_pan, const char *holder,
    struct kproto_payee *out)
{
	int paid = db->ops->card_paid(db, pan, payee_pan);

	if (paid < 0)
		return -1;
	snprintf(out->pan, sizeof out->pan, "%s", payee_pan);
	ledger_name_mask(holder, out->name, sizeof out->name);
	out->paid_before = (uint8_t)paid;
	return 0;
}

enum ledger_status
ledger_transfer_choices(struct db *db, const char *pan, struct kproto_transfer_choices *out)
{
	struct ledger_account acc[LEDGER_ACCOUNTS_MAX];
	struct ledger_payee pay[LEDGER_PAYEES_MAX];
	struct card_row r;
	int nacc, npay;

	memset(out, 0, sizeof *out);
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	if (db->ops->card_load(db, pan, 0, &r) <= 0 ||
	    (nacc = ledger_accounts_read(db, pan, acc)) < 0 ||
	    (npay = db->ops->card_payees(db, pan, pay, LEDGER_PAYEES_MAX)) < 0 ||
	    transfer_remaining(db, pan, &r, &out->transfer_remaining_fen) < 0)
		goto fail;
	for (int i = 0; i < nacc && out->naccounts < KPROTO_ACCOUNTS_MAX; i++) {
		struct kproto_account *a = &out->accounts[out->naccounts++];
		a->kind = (uint8_t)kind_of(acc[i].kind);
		a->available_fen = acc[i].available_fen;
	}
	for (int i = 0; i < npay; i++)
		if (payee_fill(db, pan, pay[i].pan, pay[i].holder, &out->payees[i]) < 0)
			goto fail;
	out->npayees = (uint8_t)npay;
	out->large_threshold_fen = r.large_threshold_fen;
	out->fraud_protect = r.fraud_protect != 0;
	db->ops->rollback(db);
	return LEDGER_OK;
fail:
	db->ops->rollback(db);
	memset(out, 0, sizeof *out);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_payee_lookup(struct db *db, const char *pan, const char *payee_pan,
    struct kproto_payee *out)
{
	struct card_row r;
	int found;

	memset(out, 0, sizeof *out);
	if (!kproto_pan_luhn(payee_pan))
		return LEDGER_UNKNOWN_PAYEE;
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	/* A cancelled card is no payee: what it received no usable card might reach. */
	if ((found = db->ops->card_load(db, payee_pan, 0, &r)) > 0 &&
	    strcmp(r.status, "cancelled") == 0)
		found = 0;
	if (found < 0 || (found > 0 && payee_fill(db, pan, payee_pan, r.holder, out) < 0)) {
		db->ops->rollback(db);
		memset(out, 0, sizeof *out);
		return LEDGER_ERROR;
	}
	db->ops->rollback(db);
	return found ? LEDGER_OK : LEDGER_UNKNOWN_PAYEE;
}

/* ---- the transfer -------------------------------------------------------------------- */

/* The account of this kind among acc, or NULL. */
static const struct ledger_account *
account_of_kind(const struct ledger_account *acc, int n, int kind)
{
	for (int i = 0; i < n; i++)
		if (kind_of(acc[i].kind) == kind)
			return &acc[i];
	return NULL;
}

/* A retry is the same request from the same kiosk for the same card. */
static int
transfer_same(const struct transfer_row *t, const char *kiosk_id, const char *pan,
    const struct kproto_transfer *req)
{
	if (strcmp(t->pan, pan) != 0 || strcmp(t->kiosk_id, kiosk_id) != 0 ||
	    t->amount_fen != req->amount_fen || t->from_kind != req->from_kind)
		return 0;
	if (req->pan[0] != '\0')
		return t->to_kind == -1 && strcmp(t->to_pan, req->pan) == 0;
	return t->to_kind == req->to_kind && t->to_pan[0] == '\0';
}

/* The credited account of req: an own account, or the payee's card's; 0 if none. */
static int
transfer_target(struct db *db, const struct kproto_transfer *req,
    const struct ledger_account *acc, int nacc, int64_t *to_id)
{
	const struct ledger_account *a;
	struct card_row pr;
	int found;

	*to_id = 0;
	if (req->pan[0] == '\0') {
		if ((a = account_of_kind(acc, nacc, req->to_kind)) != NULL)
			*to_id = a->id;
		return 0;
	}
	if (!kproto_pan_luhn(req->pan))
		return 0;
	if ((found = db->ops->card_load(db, req->pan, 0, &pr)) < 0)
		return -1;
	if (found && strcmp(pr.status, "cancelled") != 0)
		*to_id = pr.account_id;
	return 0;
}

/* The rules, in the order docs/protocol.md gives them. */
static int
transfer_judge(struct db *db, const char *pan, const struct kproto_transfer *req,
    const struct card_row *r, const struct ledger_account *from, int64_t to_id,
    uint8_t *status)
{
	int64_t remaining = 0;

	if (req->pan[0] != '\0' && transfer_remaining(db, pan, r, &remaining) < 0)
		return -1;
	if (req->amount_fen <= 0 || from == NULL || (req->pan[0] == '\0' && to_id == 0))
		*status = KPROTO_XFER_INVALID;
	else if (to_id == 0)
		*status = KPROTO_XFER_UNKNOWN_PAYEE;
	else if (to_id == from->id)
		*status = KPROTO_XFER_SAME_ACCOUNT;
	else if (req->pan[0] != '\0' && req->amount_fen > remaining)
		*status = KPROTO_XFER_OVER_LIMIT;
	else if (req->amount_fen > from->available_fen)
		*status = KPROTO_XFER_INSUFFICIENT;
	else
		*status = KPROTO_XFER_APPROVED;
	return 0;
}

enum ledger_status
ledger_transfer(struct db *db, const char *kiosk_id, const char *pan,
    const struct kproto_transfer *req, struct kproto_transfer_result *out)
{
	char txhex[KPROTO_TXID_LEN * 2 + 1];
	struct ledger_account acc[LEDGER_ACCOUNTS_MAX];
	const struct ledger_account *from;
	struct transfer_row t;
	struct card_row r;
	int64_t to_id;
	int nacc, found;

	memset(out, 0, sizeof *out);
	memcpy(out->txid, req->txid, KPROTO_TXID_LEN);
	sodium_bin2hex(txhex, sizeof txhex, req->txid, KPROTO_TXID_LEN);
	if (db->ops->begin(db) < 0)
		return LEDGER_ERROR;
	/* Which rows to lock is read first; what is judged is read again once they are
	 * locked, since another adapter may have moved money in between. */
	if ((nacc = ledger_accounts_read(db, pan, acc)) <= 0 ||
	    transfer_target(db, req, acc, nacc, &to_id) < 0)
		goto fail;
	from = account_of_kind(acc, nacc, req->from_kind);
	if (db->ops->transfer_lock(db, pan, from != NULL ? from->id : 0, to_id) < 0 ||
	    (found = db->ops->transfer_load(db, txhex, &t)) < 0)
		goto fail;
	/* The txid first: a retry after a lost answer gets that answer, nothing moves. */
	if (found) {
		db->ops->rollback(db);
		if (!transfer_same(&t, kiosk_id, pan, req))
			return LEDGER_CONFLICT;
		out->status = (uint8_t)t.status;
		out->available_after_fen = t.available_after_fen;
		return LEDGER_REPEAT;
	}
	if (db->ops->card_load(db, pan, 0, &r) <= 0 ||
	    ledger_accounts_read(db, pan, acc) != nacc)
		goto fail;
	if (strcmp(r.status, "active") != 0) {
		db->ops->rollback(db);
		return LEDGER_CONFLICT;
	}
	from = account_of_kind(acc, nacc, req->from_kind);
	if (transfer_judge(db, pan, req, &r, from, to_id, &out->status) < 0)
		goto fail;
	out->available_after_fen = from != NULL ? from->available_fen : 0;
	if (out->status == KPROTO_XFER_APPROVED) {
		if (db->ops->account_transfer(db, from->id, to_id, txhex, req->amount_fen,
		    (int64_t)ledger_clock()) < 0)
			goto fail;
		out->available_after_fen = from->available_fen - req->amount_fen;
	}

	memset(&t, 0, sizeof t);
	snprintf(t.pan, sizeof t.pan, "%s", pan);
	t.amount_fen = req->amount_fen;
	t.from_kind = req->from_kind;
	t.to_kind = req->pan[0] != '\0' ? -1 : req->to_kind;
	snprintf(t.to_pan, sizeof t.to_pan, "%s", req->pan);
	t.status = out->status;
	t.available_after_fen = out->available_after_fen;
	t.created = (int64_t)ledger_clock();
	snprintf(t.kiosk_id, sizeof t.kiosk_id, "%s", kiosk_id);
	if (db->ops->transfer_insert(db, txhex, &t) < 0 || db->ops->commit(db) < 0)
		goto fail;
	return LEDGER_OK;
fail:
	db->ops->rollback(db);
	memset(out, 0, sizeof *out);
	memcpy(out->txid, req->txid, KPROTO_TXID_LEN);
	return LEDGER_ERROR;
}
