/*
 * Money operations. Each runs in one BEGIN IMMEDIATE transaction, so two kiosks on one
 * bank file cannot both spend the same balance, and each is idempotent by txid: a
 * repeated request finds the hold already in the wanted state and changes nothing.
 * The caller answers the kiosk only after the function returned, that is after COMMIT.
 */
#include "bankd.h"

#include "common/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct card_row {
	int64_t account_id;
	int64_t balance_fen;
	char status[16];
	int tries_left;
	char lang[KPROTO_LANG_MAX + 1];
	int large_print;
	int speech;
	char holder[KPROTO_HOLDER_MAX + 1];
	char currency[KPROTO_CURRENCY_MAX + 1];
};

struct hold_row {
	char pan[KPROTO_PAN_MAX + 1];
	int64_t amount_fen;
	char state[16];
	int has_kiosk;                        /* NULL in holds from schema version 1 */
	char kiosk_id[KPROTO_ID_MAX + 1];
};

static time_t
ledger_default_clock(void)
{
	return time(NULL);
}

static time_t (*ledger_now)(void) = ledger_default_clock;

void
ledger_set_clock(time_t (*now)(void))
{
	ledger_now = now != NULL ? now : ledger_default_clock;
}

const char *
ledger_status_to_str(enum ledger_status s)
{
	switch (s) {
	case LEDGER_OK: return "ok";
	case LEDGER_REPEAT: return "repeat";
	case LEDGER_UNKNOWN_TX: return "unknown-tx";
	case LEDGER_CONFLICT: return "conflict";
	case LEDGER_ERROR: return "error";
	}
	return "?";
}

static sqlite3_stmt *
ledger_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("ledger: prepare failed: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Runs a statement that returns no rows. */
static int
ledger_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		log_warnx("ledger: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int
ledger_simple(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = ledger_prepare(db, sql);
	int rv = st != NULL ? ledger_done(db, st) : -1;

	sqlite3_finalize(st);
	return rv;
}

static int
ledger_begin(sqlite3 *db)
{
	return ledger_simple(db, "BEGIN IMMEDIATE");
}

static int
ledger_commit(sqlite3 *db)
{
	if (ledger_simple(db, "COMMIT") == 0)
		return 0;
	ledger_simple(db, "ROLLBACK");
	return -1;
}

static void
ledger_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		ledger_simple(db, "ROLLBACK");
}

static void
copy_text(char *out, size_t outsz, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, outsz, "%s", t != NULL ? (const char *)t : "");
}

/* 1 found, 0 no such card, -1 error. */
static int
card_load(sqlite3 *db, const char *pan, struct card_row *r)
{
	sqlite3_stmt *st = ledger_prepare(db,
	    "SELECT c.account_id, a.balance_fen, c.status, c.tries_left, c.lang, "
	    "c.large_print, c.speech, a.holder, a.currency "
	    "FROM cards c JOIN accounts a ON a.id = c.account_id WHERE c.pan = ?");
	int rv = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		memset(r, 0, sizeof *r);
		r->account_id = sqlite3_column_int64(st, 0);
		r->balance_fen = sqlite3_column_int64(st, 1);
		copy_text(r->status, sizeof r->status, st, 2);
		r->tries_left = sqlite3_column_int(st, 3);
		copy_text(r->lang, sizeof r->lang, st, 4);
		r->large_print = sqlite3_column_int(st, 5);
		r->speech = sqlite3_column_int(st, 6);
		copy_text(r->holder, sizeof r->holder, st, 7);
		copy_text(r->currency, sizeof r->currency, st, 8);
		rv = 1;
		break;
	case SQLITE_DONE:
		rv = 0;
		break;
	default:
		log_warnx("ledger: card lookup: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rv;
}

/* One integer from a query taking an optional text parameter, then nargs integers. */
static int
ledger_sum(sqlite3 *db, const char *sql, const char *text, const int64_t *args, int nargs,
    int64_t *out)
{
	sqlite3_stmt *st = ledger_prepare(db, sql);
	int rv = -1, i = 1;

	if (st == NULL)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, i++, text, -1, SQLITE_STATIC);
	for (int k = 0; k < nargs; k++)
		sqlite3_bind_int64(st, i++, args[k]);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rv = 0;
	} else
		log_warnx("ledger: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rv;
}

/* Balance minus every hold still open on any card of the account. */
static int
account_available(sqlite3 *db, const struct card_row *r, int64_t *avail)
{
	int64_t held = 0;

	if (ledger_sum(db, "SELECT COALESCE(SUM(h.amount_fen), 0) FROM holds h "
	    "JOIN cards c ON c.pan = h.pan WHERE c.account_id = ? AND h.state = 'held'",
	    NULL, &r->account_id, 1, &held) < 0)
		return -1;
	*avail = r->balance_fen - held;
	return 0;
}

/* Withdrawals held or completed on pan during today's calendar day (local time). */
static int
daily_used(sqlite3 *db, const char *pan, int64_t *used)
{
	time_t now = ledger_now();
	struct tm tm;
	int64_t bounds[2];

	/* The bank's calendar day is local time; tm_isdst = -1 lets mktime find midnight
	 * on a day when the clocks change. */
	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	bounds[0] = (int64_t)mktime(&tm);
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	bounds[1] = (int64_t)mktime(&tm);
	return ledger_sum(db, "SELECT COALESCE(SUM(amount_fen), 0) FROM holds "
	    "WHERE pan = ? AND state IN ('held', 'completed') AND created >= ? AND created < ?",
	    pan, bounds, 2, used);
}

enum ledger_status
ledger_daily_remaining(sqlite3 *db, const char *pan, int64_t *out)
{
	int64_t used = 0;

	if (daily_used(db, pan, &used) < 0)
		return LEDGER_ERROR;
	*out = used >= BANKD_DAILY_LIMIT_FEN ? 0 : BANKD_DAILY_LIMIT_FEN - used;
	return LEDGER_OK;
}

enum ledger_status
ledger_card_open(sqlite3 *db, const char *pan, struct kproto_card_info *out)
{
	struct card_row r;
	int found = card_load(db, pan, &r);

	memset(out, 0, sizeof *out);
	if (found < 0)
		return LEDGER_ERROR;
	if (found == 0) {
		out->status = KPROTO_CARD_UNKNOWN;
		return LEDGER_OK;
	}
	out->tries_left = (uint8_t)r.tries_left;
	if (strcmp(r.status, "lost") == 0) {
		out->status = KPROTO_CARD_LOST;
		return LEDGER_OK;
	}
	/* An 'active' row with no tries left only comes from a hand edit: still locked. */
	if (strcmp(r.status, "active") != 0 || r.tries_left <= 0) {
		out->status = KPROTO_CARD_LOCKED;
		return LEDGER_OK;
	}
	/* The holder's name and preferences only for a card that may be used. */
	out->status = KPROTO_CARD_OK;
	snprintf(out->holder, sizeof out->holder, "%s", r.holder);
	if (strcmp(r.lang, "zh") == 0 || strcmp(r.lang, "en") == 0)
		snprintf(out->lang, sizeof out->lang, "%s", r.lang);
	out->flags = (r.large_print ? KPROTO_CARD_F_LARGE_PRINT : 0) |
	    (r.speech ? KPROTO_CARD_F_SPEECH : 0);
	return LEDGER_OK;
}

static int
card_pin_hash(sqlite3 *db, const char *pan, char *hash, size_t hashsz)
{
	sqlite3_stmt *st = ledger_prepare(db, "SELECT pin_hash FROM cards WHERE pan = ?");
	int rv = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t != NULL && strlen((const char *)t) < hashsz) {
			memcpy(hash, t, strlen((const char *)t) + 1);
			rv = 0;
		}
	}
	if (rv < 0)
		log_warnx("ledger: no PIN hash for the card");
	sqlite3_finalize(st);
	return rv;
}

static int
card_set_tries(sqlite3 *db, const char *pan, int tries)
{
	sqlite3_stmt *st = ledger_prepare(db, "UPDATE cards SET tries_left = ?, "
	    "status = CASE WHEN ? = 0 THEN 'locked' ELSE status END WHERE pan = ?");
	int rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, tries);
	sqlite3_bind_int(st, 2, tries);
	sqlite3_bind_text(st, 3, pan, -1, SQLITE_STATIC);
	rv = ledger_done(db, st);
	sqlite3_finalize(st);
	return rv;
}

enum ledger_status
ledger_pin_verify(sqlite3 *db, const char *pan, const char *pin,
    struct kproto_pin_result *out)
{
	char hash[crypto_pwhash_STRBYTES];
	struct card_row r;
	int found;

	memset(out, 0, sizeof *out);
	out->note_fen = BANKD_NOTE_FEN;
	/* The try counter is read and written under one write lock, so two kiosks
	 * guessing at once cannot get more than three tries between them. */
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	if ((found = card_load(db, pan, &r)) < 0)
		goto fail;
	if (found == 0 || strcmp(r.status, "active") != 0 || r.tries_left <= 0) {
		out->status = KPROTO_PIN_LOCKED;
		out->tries_left = 0;
		ledger_rollback(db);
		return LEDGER_OK;
	}
	if (card_pin_hash(db, pan, hash, sizeof hash) < 0)
		goto fail;
	if (crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0) {
		if (r.tries_left != BANKD_PIN_TRIES &&
		    card_set_tries(db, pan, BANKD_PIN_TRIES) < 0)
			goto fail;
		out->status = KPROTO_PIN_OK;
		out->tries_left = BANKD_PIN_TRIES;
		if (account_available(db, &r, &out->available_fen) < 0 ||
		    ledger_daily_remaining(db, pan, &out->daily_remaining_fen) != LEDGER_OK)
			goto fail;
	} else {
		int left = r.tries_left - 1;
		if (card_set_tries(db, pan, left) < 0)
			goto fail;
		out->status = left == 0 ? KPROTO_PIN_LOCKED : KPROTO_PIN_WRONG;
		out->tries_left = (uint8_t)left;
	}
	sodium_memzero(hash, sizeof hash);
	return ledger_commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
fail:
	sodium_memzero(hash, sizeof hash);
	ledger_rollback(db);
	memset(out, 0, sizeof *out);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_balance(sqlite3 *db, const char *pan, struct kproto_balance_info *out)
{
	struct card_row r;

	memset(out, 0, sizeof *out);
	if (card_load(db, pan, &r) <= 0 || account_available(db, &r, &out->available_fen) < 0)
		return LEDGER_ERROR;
	out->balance_fen = r.balance_fen;
	snprintf(out->currency, sizeof out->currency, "%s", r.currency);
	return LEDGER_OK;
}

/* 1 found, 0 none, -1 error. */
static int
hold_load(sqlite3 *db, const char *txhex, struct hold_row *h)
{
	sqlite3_stmt *st = ledger_prepare(db,
	    "SELECT pan, amount_fen, state, kiosk_id FROM holds WHERE txid = ?");
	int rv = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		copy_text(h->pan, sizeof h->pan, st, 0);
		h->amount_fen = sqlite3_column_int64(st, 1);
		copy_text(h->state, sizeof h->state, st, 2);
		h->has_kiosk = sqlite3_column_type(st, 3) != SQLITE_NULL;
		copy_text(h->kiosk_id, sizeof h->kiosk_id, st, 3);
		rv = 1;
		break;
	case SQLITE_DONE:
		rv = 0;
		break;
	default:
		log_warnx("ledger: hold lookup: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rv;
}

static int
hold_set_state(sqlite3 *db, const char *txhex, const char *state)
{
	sqlite3_stmt *st = ledger_prepare(db, "UPDATE holds SET state = ?, settled = ? "
	    "WHERE txid = ? AND state = 'held'");
	int rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ledger_now());
	sqlite3_bind_text(st, 3, txhex, -1, SQLITE_STATIC);
	rv = ledger_done(db, st);
	if (rv == 0 && sqlite3_changes(db) != 1)
		rv = -1;
	sqlite3_finalize(st);
	return rv;
}

/* The hold was made by kiosk_id (holds from before kiosk ids were kept match none). */
static int
hold_of_kiosk(const struct hold_row *h, const char *kiosk_id)
{
	return h->has_kiosk && strcmp(h->kiosk_id, kiosk_id) == 0;
}

enum ledger_status
ledger_withdraw_auth(sqlite3 *db, const char *kiosk_id, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN], int64_t amount_fen,
    struct kproto_withdraw_result *out)
{
	char txhex[KPROTO_TXID_LEN * 2 + 1];
	struct hold_row h;
	struct card_row r;
	sqlite3_stmt *st;
	int64_t avail = 0, used = 0;
	int found, rv;

	memset(out, 0, sizeof *out);
	out->amount_fen = amount_fen;
	sodium_bin2hex(txhex, sizeof txhex, txid, KPROTO_TXID_LEN);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	if (card_load(db, pan, &r) <= 0 || account_available(db, &r, &avail) < 0 ||
	    (found = hold_load(db, txhex, &h)) < 0)
		goto fail;
	/* The txid first: a retry after a lost answer gets its approval back, not a
	 * second hold. */
	if (found) {
		ledger_rollback(db);
		if (strcmp(h.pan, pan) != 0 || h.amount_fen != amount_fen ||
		    strcmp(h.state, "held") != 0 || !hold_of_kiosk(&h, kiosk_id))
			return LEDGER_CONFLICT;
		out->status = KPROTO_WD_APPROVED;
		out->available_after_fen = avail;
		return LEDGER_REPEAT;
	}
	if (strcmp(r.status, "active") != 0) {
		ledger_rollback(db);
		return LEDGER_CONFLICT;
	}
	if (daily_used(db, pan, &used) < 0)
		goto fail;

	/* The limit is the card's policy, so it is judged before the account's funds;
	 * written as a subtraction so that a huge amount cannot overflow. */
	out->available_after_fen = avail;
	if (amount_fen <= 0)
		out->status = KPROTO_WD_INVALID;
	else if (amount_fen % BANKD_NOTE_FEN != 0)
		out->status = KPROTO_WD_NOT_MULTIPLE;
	else if (amount_fen > BANKD_DAILY_LIMIT_FEN - used)
		out->status = KPROTO_WD_OVER_LIMIT;
	else if (amount_fen > avail)
		out->status = KPROTO_WD_INSUFFICIENT;
	else
		out->status = KPROTO_WD_APPROVED;
	/* A refusal writes nothing, so the kiosk may try the txid again with less. */
	if (out->status != KPROTO_WD_APPROVED) {
		ledger_rollback(db);
		return LEDGER_OK;
	}

	st = ledger_prepare(db, "INSERT INTO holds (txid, pan, amount_fen, "
	    "state, created, settled, kiosk_id) VALUES (?, ?, ?, 'held', ?, NULL, ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, amount_fen);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)ledger_now());
	sqlite3_bind_text(st, 5, kiosk_id, -1, SQLITE_STATIC);
	rv = ledger_done(db, st);
	sqlite3_finalize(st);
	if (rv < 0)
		goto fail;
	out->available_after_fen = avail - amount_fen;
	return ledger_commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
fail:
	ledger_rollback(db);
	return LEDGER_ERROR;
}

/*
 * Inside a transaction: turns the held row h into a debit of its card's account.
 * hold_set_state only moves a 'held' row and the ledger's unique (txid, kind) index
 * refuses a second row: two completions racing cannot both debit.
 */
static int
hold_debit(sqlite3 *db, const char *txhex, const struct hold_row *h)
{
	struct card_row r;
	sqlite3_stmt *st;
	int rv;

	if (card_load(db, h->pan, &r) <= 0 || hold_set_state(db, txhex, "completed") < 0)
		return -1;
	if ((st = ledger_prepare(db, "UPDATE accounts SET balance_fen = balance_fen - ? "
	    "WHERE id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, h->amount_fen);
	sqlite3_bind_int64(st, 2, r.account_id);
	rv = ledger_done(db, st);
	sqlite3_finalize(st);
	if (rv < 0)
		return -1;

	if ((st = ledger_prepare(db, "INSERT INTO ledger (txid, account_id, kind, amount_fen, "
	    "balance_after_fen, at) VALUES (?, ?, 'withdrawal', ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r.account_id);
	sqlite3_bind_int64(st, 3, -h->amount_fen);
	sqlite3_bind_int64(st, 4, r.balance_fen - h->amount_fen);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)ledger_now());
	rv = ledger_done(db, st);
	sqlite3_finalize(st);
	return rv;
}

/* Who may settle a hold: the card's own session, or after a crash the kiosk that made it. */
static int
hold_owned_by_card(const struct hold_row *h, const char *pan, const char *txhex)
{
	(void)txhex;
	return strcmp(h->pan, pan) == 0;
}

static int
hold_owned_by_kiosk(const struct hold_row *h, const char *kiosk_id, const char *txhex)
{
	if (hold_of_kiosk(h, kiosk_id))
		return 1;
	log_warnx("ledger: kiosk \"%s\" may not settle hold %.8s, made by %s%s%s", kiosk_id,
	    txhex, h->has_kiosk ? "\"" : "", h->has_kiosk ? h->kiosk_id :
	    "a kiosk of an older adapter", h->has_kiosk ? "\"" : "");
	return 0;
}

/* Settles a held withdrawal once, in one transaction: debit (complete) or release
 * (reverse). Settling it again the same way is LEDGER_REPEAT and moves nothing; the
 * other way is LEDGER_CONFLICT. was, when not NULL, gets the state found. */
static enum ledger_status
hold_settle(sqlite3 *db, const unsigned char txid[KPROTO_TXID_LEN], int outcome,
    int (*owns)(const struct hold_row *, const char *, const char *), const char *who,
    char *was, size_t wassz)
{
	const char *want = outcome == KPROTO_SETTLE_COMPLETE ? "completed" : "reversed";
	char txhex[KPROTO_TXID_LEN * 2 + 1];
	struct hold_row h;
	int found;

	if (was != NULL && wassz > 0)
		was[0] = '\0';
	sodium_bin2hex(txhex, sizeof txhex, txid, KPROTO_TXID_LEN);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	if ((found = hold_load(db, txhex, &h)) < 0)
		goto fail;
	if (!found || !owns(&h, who, txhex)) {
		ledger_rollback(db);
		return LEDGER_UNKNOWN_TX;
	}
	if (was != NULL)
		snprintf(was, wassz, "%s", h.state);
	if (strcmp(h.state, "held") != 0) {
		ledger_rollback(db);
		return strcmp(h.state, want) == 0 ? LEDGER_REPEAT : LEDGER_CONFLICT;
	}
	if (outcome == KPROTO_SETTLE_COMPLETE ? hold_debit(db, txhex, &h) < 0 :
	    hold_set_state(db, txhex, "reversed") < 0)
		goto fail;
	return ledger_commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
fail:
	ledger_rollback(db);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_withdraw_complete(sqlite3 *db, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN])
{
	return hold_settle(db, txid, KPROTO_SETTLE_COMPLETE, hold_owned_by_card, pan, NULL, 0);
}

enum ledger_status
ledger_withdraw_reverse(sqlite3 *db, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN])
{
	return hold_settle(db, txid, KPROTO_SETTLE_REVERSE, hold_owned_by_card, pan, NULL, 0);
}

enum ledger_status
ledger_settle(sqlite3 *db, const char *kiosk_id, const unsigned char txid[KPROTO_TXID_LEN],
    int outcome, char *was, size_t wassz)
{
	if (was != NULL && wassz > 0)
		was[0] = '\0';
	if (outcome != KPROTO_SETTLE_COMPLETE && outcome != KPROTO_SETTLE_REVERSE)
		return LEDGER_CONFLICT;
	return hold_settle(db, txid, outcome, hold_owned_by_kiosk, kiosk_id, was, wassz);
}

void
ledger_log_open_holds(sqlite3 *db)
{
	sqlite3_stmt *st = ledger_prepare(db, "SELECT kiosk_id, COUNT(*), SUM(amount_fen) "
	    "FROM holds WHERE state = 'held' GROUP BY kiosk_id ORDER BY kiosk_id");
	int n = 0, rc;

	if (st == NULL)
		return;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(st, 0);
		int64_t fen = sqlite3_column_int64(st, 2);
		/* Left held on purpose: only the kiosk knows whether the cash went out. */
		if (k != NULL)
			log_info("open holds of kiosk \"%s\": %d, %lld.%02lld yuan, kept until "
			    "that kiosk settles them", (const char *)k, sqlite3_column_int(st, 1),
			    (long long)(fen / 100), (long long)(fen % 100));
		else
			log_warnx("open holds of no known kiosk (made before kiosk ids were kept): "
			    "%d, %lld.%02lld yuan, to be settled by branch staff",
			    sqlite3_column_int(st, 1), (long long)(fen / 100), (long long)(fen % 100));
		n++;
	}
	if (rc != SQLITE_DONE)
		log_warnx("ledger: open holds: %s", sqlite3_errmsg(db));
	else if (n == 0)
		log_info("no open holds");
	sqlite3_finalize(st);
}
