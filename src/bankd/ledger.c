/*
 * Money operations, the same on every backend. Each runs in one transaction that locks
 * the card and its account first (the whole file on SQLite, the rows on PostgreSQL),
 * so two kiosks cannot both spend the same balance or daily limit, and each is
 * idempotent by txid: a repeated request finds the hold already in the wanted state
 * and changes nothing. The caller answers the kiosk only after the function returned,
 * that is after COMMIT.
 */
#include "ledger_backend.h"

#include "common/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

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
	case LEDGER_UNKNOWN_PAYEE: return "unknown-payee";
	case LEDGER_MONEY_LEFT: return "money-left";
	}
	return "?";
}

static int
ledger_begin(struct db *db)
{
	return db->ops->begin(db);
}

static enum ledger_status
ledger_commit(struct db *db)
{
	return db->ops->commit(db) == 0 ? LEDGER_OK : LEDGER_ERROR;
}

static void
ledger_rollback(struct db *db)
{
	db->ops->rollback(db);
}

/* Balance minus every hold still open on any card of the account. */
static int
account_available(struct db *db, const struct card_row *r, int64_t *avail)
{
	int64_t held = 0;

	if (db->ops->account_held(db, r->account_id, &held) < 0)
		return -1;
	*avail = r->balance_fen - held;
	return 0;
}

time_t
ledger_clock(void)
{
	return ledger_now();
}

void
ledger_today(int64_t *from, int64_t *to)
{
	time_t now = ledger_now();
	struct tm tm;

	/* The bank's calendar day is local time; tm_isdst = -1 lets mktime find midnight
	 * on a day when the clocks change. */
	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*from = (int64_t)mktime(&tm);
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*to = (int64_t)mktime(&tm);
}

/* Withdrawals held or completed on pan during today's calendar day (local time). */
static int
daily_used(struct db *db, const char *pan, int64_t *used)
{
	int64_t from, to;

	ledger_today(&from, &to);
	return db->ops->card_withdrawn(db, pan, from, to, used);
}

enum ledger_status
ledger_daily_remaining(struct db *db, const char *pan, int64_t *out)
{
	int64_t used = 0;

	if (daily_used(db, pan, &used) < 0)
		return LEDGER_ERROR;
	*out = used >= BANKD_DAILY_LIMIT_FEN ? 0 : BANKD_DAILY_LIMIT_FEN - used;
	return LEDGER_OK;
}

enum ledger_status
ledger_card_open(struct db *db, const char *pan, struct kproto_card_info *out)
{
	struct card_row r;
	int found, awaiting = 0;

	memset(out, 0, sizeof *out);
	/* Reads, too, run in a transaction: the backend checks its connection there. */
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	found = db->ops->card_load(db, pan, 0, &r);
	if (found > 0)
		awaiting = db->ops->card_awaiting(db, pan);
	ledger_rollback(db);
	if (found < 0 || awaiting < 0)
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
	if (strcmp(r.status, "cancelled") == 0) {
		out->status = KPROTO_CARD_CANCELLED;
		return LEDGER_OK;
	}
	if (ledger_card_locked(&r))
		out->status = KPROTO_CARD_LOCKED;
	else
		out->status = awaiting ? KPROTO_CARD_INACTIVE : KPROTO_CARD_OK;
	/* The holder's name and preferences only for a card that may be used, be activated
	 * by its customer or unlocked with staff (who check the name against an ID): a
	 * blind customer whose card locked hears that screen as they like it. */
	snprintf(out->holder, sizeof out->holder, "%s", r.holder);
	if (strcmp(r.lang, "zh") == 0 || strcmp(r.lang, "en") == 0)
		snprintf(out->lang, sizeof out->lang, "%s", r.lang);
	out->flags = (r.large_print ? KPROTO_CARD_F_LARGE_PRINT : 0) |
	    (r.speech ? KPROTO_CARD_F_SPEECH : 0) |
	    (r.fraud_protect ? KPROTO_CARD_F_FRAUD_PROTECT : 0);
	if (r.volume > 0) {
		out->profile = 1;
		out->volume = (uint8_t)r.volume;
		out->rate = (uint8_t)r.rate;
		out->text_size = (uint8_t)r.text_size;
		snprintf(out->theme, sizeof out->theme, "%s", r.theme);
	}
	return LEDGER_OK;
}

/* What a PIN_RESULT says of a card that may not try (locked, lost, unknown). */
static void
pin_locked(struct kproto_pin_result *out)
{
	memset(out, 0, sizeof *out);
	out->note_fen = BANKD_NOTE_FEN;
	out->status = KPROTO_PIN_LOCKED;
}

int
ledger_card_may_try(const struct card_row *r)
{
	return strcmp(r->status, "active") == 0 && r->tries_left > 0;
}

int
ledger_card_locked(const struct card_row *r)
{
	return !ledger_card_may_try(r) && strcmp(r->status, "lost") != 0 &&
	    strcmp(r->status, "cancelled") != 0;
}

enum ledger_status
ledger_pin_hash(struct db *db, const char *pan, char *hash, size_t hashsz,
    int *checkable, struct kproto_pin_result *out)
{
	struct card_row r;
	int found, ok;

	*checkable = 0;
	pin_locked(out);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	found = db->ops->card_load(db, pan, 0, &r);
	ok = found >= 0;
	if (found > 0 && ledger_card_may_try(&r)) {
		if ((ok = db->ops->card_pin_hash(db, pan, hash, hashsz) == 0))
			*checkable = 1;
		else
			log_warnx("ledger: no PIN hash for the card");
	}
	ledger_rollback(db);
	return ok ? LEDGER_OK : LEDGER_ERROR;
}

enum ledger_status
ledger_pin_record(struct db *db, const char *pan, int match,
    struct kproto_pin_result *out)
{
	struct card_row r;
	int found;

	pin_locked(out);
	/* The try counter is read and written under the card's lock, so two kiosks
	 * guessing at once cannot get more than three tries between them; a card locked
	 * while its PIN was being checked stays locked, whatever the PIN. */
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	if ((found = db->ops->card_load(db, pan, 1, &r)) < 0)
		goto fail;
	if (found == 0 || !ledger_card_may_try(&r)) {
		ledger_rollback(db);
		return LEDGER_OK;
	}
	if (match) {
		if (r.tries_left != BANKD_PIN_TRIES &&
		    db->ops->card_set_tries(db, pan, BANKD_PIN_TRIES) < 0)
			goto fail;
		out->status = KPROTO_PIN_OK;
		out->tries_left = BANKD_PIN_TRIES;
		if (account_available(db, &r, &out->available_fen) < 0 ||
		    ledger_daily_remaining(db, pan, &out->daily_remaining_fen) != LEDGER_OK)
			goto fail;
	} else {
		int left = r.tries_left - 1;
		if (db->ops->card_set_tries(db, pan, left) < 0)
			goto fail;
		out->status = left == 0 ? KPROTO_PIN_LOCKED : KPROTO_PIN_WRONG;
		out->tries_left = (uint8_t)left;
	}
	if (ledger_commit(db) == LEDGER_OK)
		return LEDGER_OK;
fail:
	ledger_rollback(db);
	memset(out, 0, sizeof *out);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_pin_verify(struct db *db, const char *pan, const char *pin,
    struct kproto_pin_result *out)
{
	char hash[crypto_pwhash_STRBYTES];
	enum ledger_status ls;
	int checkable;

	ls = ledger_pin_hash(db, pan, hash, sizeof hash, &checkable, out);
	if (ls == LEDGER_OK && checkable)
		ls = ledger_pin_record(db, pan, crypto_pwhash_str_verify(hash, pin,
		    strlen(pin)) == 0, out);
	sodium_memzero(hash, sizeof hash);
	return ls;
}

enum ledger_status
ledger_balance(struct db *db, const char *pan, struct kproto_balance_info *out)
{
	struct card_row r;
	int ok;

	memset(out, 0, sizeof *out);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	ok = db->ops->card_load(db, pan, 0, &r) > 0 &&
	    account_available(db, &r, &out->available_fen) == 0;
	ledger_rollback(db);
	if (!ok)
		return LEDGER_ERROR;
	out->balance_fen = r.balance_fen;
	snprintf(out->currency, sizeof out->currency, "%s", r.currency);
	return LEDGER_OK;
}

/* The hold was made by kiosk_id (holds from before kiosk ids were kept match none). */
static int
hold_of_kiosk(const struct hold_row *h, const char *kiosk_id)
{
	return h->has_kiosk && strcmp(h->kiosk_id, kiosk_id) == 0;
}

enum ledger_status
ledger_withdraw_auth(struct db *db, const char *kiosk_id, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN], int64_t amount_fen,
    struct kproto_withdraw_result *out)
{
	char txhex[KPROTO_TXID_LEN * 2 + 1];
	struct hold_row h;
	struct card_row r;
	int64_t avail = 0, used = 0;
	int found;

	memset(out, 0, sizeof *out);
	out->amount_fen = amount_fen;
	sodium_bin2hex(txhex, sizeof txhex, txid, KPROTO_TXID_LEN);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	if (db->ops->card_load(db, pan, 1, &r) <= 0 ||
	    account_available(db, &r, &avail) < 0 ||
	    (found = db->ops->hold_load(db, txhex, 0, &h)) < 0)
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

	if (db->ops->hold_insert(db, txhex, pan, amount_fen, (int64_t)ledger_now(),
	    kiosk_id) < 0)
		goto fail;
	out->available_after_fen = avail - amount_fen;
	return ledger_commit(db);
fail:
	ledger_rollback(db);
	return LEDGER_ERROR;
}

/*
 * Inside a transaction: turns the held row h into a debit of its card's account r.
 * hold_set_state only moves a 'held' row and the ledger's unique (txid, kind) index
 * refuses a second row: two completions racing cannot both debit.
 */
static int
hold_debit(struct db *db, const char *txhex, const struct hold_row *h,
    const struct card_row *r)
{
	if (db->ops->hold_set_state(db, txhex, "completed", (int64_t)ledger_now()) < 0)
		return -1;
	return db->ops->account_debit(db, r->account_id, txhex, h->amount_fen,
	    r->balance_fen - h->amount_fen, (int64_t)ledger_now());
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
hold_settle(struct db *db, const unsigned char txid[KPROTO_TXID_LEN], int outcome,
    int (*owns)(const struct hold_row *, const char *, const char *), const char *who,
    char *was, size_t wassz)
{
	const char *want = outcome == KPROTO_SETTLE_COMPLETE ? "completed" : "reversed";
	char txhex[KPROTO_TXID_LEN * 2 + 1];
	struct hold_row h;
	struct card_row r;
	int found;

	if (was != NULL && wassz > 0)
		was[0] = '\0';
	sodium_bin2hex(txhex, sizeof txhex, txid, KPROTO_TXID_LEN);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	/* The card's rows are locked before the hold's, in the order withdraw_auth takes
	 * them, so that two adapters settling and authorising never wait on each other;
	 * the hold is read again once they are held. */
	if ((found = db->ops->hold_load(db, txhex, 0, &h)) < 0)
		goto fail;
	if (found && (db->ops->card_load(db, h.pan, 1, &r) <= 0 ||
	    (found = db->ops->hold_load(db, txhex, 1, &h)) < 0))
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
	if (outcome == KPROTO_SETTLE_COMPLETE ? hold_debit(db, txhex, &h, &r) < 0 :
	    db->ops->hold_set_state(db, txhex, "reversed", (int64_t)ledger_now()) < 0)
		goto fail;
	return ledger_commit(db);
fail:
	ledger_rollback(db);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_withdraw_complete(struct db *db, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN])
{
	return hold_settle(db, txid, KPROTO_SETTLE_COMPLETE, hold_owned_by_card, pan, NULL, 0);
}

enum ledger_status
ledger_withdraw_reverse(struct db *db, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN])
{
	return hold_settle(db, txid, KPROTO_SETTLE_REVERSE, hold_owned_by_card, pan, NULL, 0);
}

enum ledger_status
ledger_settle(struct db *db, const char *kiosk_id, const unsigned char txid[KPROTO_TXID_LEN],
    int outcome, char *was, size_t wassz)
{
	if (was != NULL && wassz > 0)
		was[0] = '\0';
	if (outcome != KPROTO_SETTLE_COMPLETE && outcome != KPROTO_SETTLE_REVERSE)
		return LEDGER_CONFLICT;
	return hold_settle(db, txid, outcome, hold_owned_by_kiosk, kiosk_id, was, wassz);
}

static void
log_kiosk_holds(void *arg, const char *kiosk_id, int64_t n, int64_t fen)
{
	(*(int *)arg)++;
	/* Left held on purpose: only the kiosk knows whether the cash went out. */
	if (kiosk_id != NULL)
		log_info("open holds of kiosk \"%s\": %lld, %lld.%02lld yuan, kept until "
		    "that kiosk settles them", kiosk_id, (long long)n, (long long)(fen / 100),
		    (long long)(fen % 100));
	else
		log_warnx("open holds of no known kiosk (made before kiosk ids were kept): "
		    "%lld, %lld.%02lld yuan, to be settled by branch staff", (long long)n,
		    (long long)(fen / 100), (long long)(fen % 100));
}

void
ledger_log_open_holds(struct db *db)
{
	int n = 0;

	if (db->ops->open_holds(db, log_kiosk_holds, &n) < 0)
		log_warnx("ledger: cannot list the open holds");
	else if (n == 0)
		log_info("no open holds");
}

/* ---- what a customer holds ------------------------------------------------------- */

int
ledger_accounts_read(struct db *db, const char *pan,
    struct ledger_account out[LEDGER_ACCOUNTS_MAX])
{
	struct account_row rows[LEDGER_ACCOUNTS_MAX];
	int found;

	found = db->ops->card_accounts(db, pan, rows, LEDGER_ACCOUNTS_MAX);
	/* Each account's own holds: only the cards' (current) accounts have any. */
	for (int i = 0; i < found; i++) {
		int64_t held = 0;
		if (db->ops->account_held(db, rows[i].id, &held) < 0)
			return -1;
		out[i].id = rows[i].id;
		snprintf(out[i].kind, sizeof out[i].kind, "%s", rows[i].kind);
		snprintf(out[i].currency, sizeof out[i].currency, "%s", rows[i].currency);
		out[i].balance_fen = rows[i].balance_fen;
		out[i].available_fen = rows[i].balance_fen - held;
	}
	return found;
}

enum ledger_status
ledger_accounts(struct db *db, const char *pan, struct ledger_account out[LEDGER_ACCOUNTS_MAX],
    int *n)
{
	int found;

	*n = 0;
	memset(out, 0, sizeof *out * LEDGER_ACCOUNTS_MAX);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	found = ledger_accounts_read(db, pan, out);
	ledger_rollback(db);
	/* Every card has its own account: none means no such card. */
	if (found <= 0) {
		memset(out, 0, sizeof *out * LEDGER_ACCOUNTS_MAX);
		return LEDGER_ERROR;
	}
	*n = found;
	return LEDGER_OK;
}

enum ledger_status
ledger_payees(struct db *db, const char *pan, struct ledger_payee out[LEDGER_PAYEES_MAX],
    int *n)
{
	int found;

	*n = 0;
	memset(out, 0, sizeof *out * LEDGER_PAYEES_MAX);
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	found = db->ops->card_payees(db, pan, out, LEDGER_PAYEES_MAX);
	ledger_rollback(db);
	if (found < 0) {
		memset(out, 0, sizeof *out * LEDGER_PAYEES_MAX);
		return LEDGER_ERROR;
	}
	*n = found;
	return LEDGER_OK;
}

enum ledger_status
ledger_fraud_flag(struct db *db, const char *pan, int *flagged)
{
	struct card_row r;
	int found;

	*flagged = 0;
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	found = db->ops->card_load(db, pan, 0, &r);
	ledger_rollback(db);
	if (found <= 0)
		return LEDGER_ERROR;
	*flagged = r.fraud_protect;
	return LEDGER_OK;
}

/* ---- statements and PIN changes ---------------------------------------------------- */

/* The ledger's words for what an entry was; any other word is "other" on a statement. */
static const struct {
	const char *kind;
	uint8_t entry;
} ledger_entry_kinds[] = {
	{ "withdrawal", KPROTO_ENTRY_WITHDRAWAL },
	{ "transfer_out", KPROTO_ENTRY_TRANSFER_OUT },
	{ "transfer_in", KPROTO_ENTRY_TRANSFER_IN },
	{ "deposit", KPROTO_ENTRY_DEPOSIT },
};

static uint8_t
entry_kind(const char *kind)
{
	for (size_t i = 0; i < sizeof ledger_entry_kinds / sizeof ledger_entry_kinds[0]; i++)
		if (strcmp(ledger_entry_kinds[i].kind, kind) == 0)
			return ledger_entry_kinds[i].entry;
	return KPROTO_ENTRY_OTHER;
}

enum ledger_status
ledger_statement(struct db *db, const char *pan, int account,
    struct kproto_statement_lines *out, int *found)
{
	const char *want = account == KPROTO_STATEMENT_SAVINGS ? "savings" : "current";
	struct account_row rows[LEDGER_ACCOUNTS_MAX];
	struct entry_row e[KPROTO_STATEMENT_LINES];
	int64_t id = -1;
	int n;

	memset(out, 0, sizeof *out);
	*found = 0;
	if (account != KPROTO_STATEMENT_CURRENT && account != KPROTO_STATEMENT_SAVINGS)
		return LEDGER_OK;
	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	n = db->ops->card_accounts(db, pan, rows, LEDGER_ACCOUNTS_MAX);
	for (int i = 0; i < n && id < 0; i++)
		if (strcmp(rows[i].kind, want) == 0)
			id = rows[i].id;
	if (n > 0 && id >= 0)
		n = db->ops->account_entries(db, id, e, KPROTO_STATEMENT_LINES);
	ledger_rollback(db);
	if (n < 0)
		return LEDGER_ERROR;
	if (id < 0)
		return LEDGER_OK;
	*found = 1;
	for (int i = 0; i < n; i++) {
		out->line[i].at = e[i].at < 0 ? 0 : (uint64_t)e[i].at;
		out->line[i].kind = entry_kind(e[i].kind);
		out->line[i].amount_fen = e[i].amount_fen;
		out->line[i].balance_after_fen = e[i].balance_after_fen;
	}
	out->count = (uint8_t)n;
	return LEDGER_OK;
}

int
ledger_pin_hash_make(char *hash, size_t hashsz, const char *pin)
{
	if (hashsz < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(hash, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

/* 1 if every digit is the one before it plus step. */
static int
pin_steps(const char *pin, int step)
{
	for (size_t i = 1; pin[i] != '\0'; i++)
		if (pin[i] - pin[i - 1] != step)
			return 0;
	return 1;
}

int
ledger_pin_weakness(const char *pin, const char *old_hash)
{
	if (pin_steps(pin, 0))
		return KPROTO_PIN_WEAK_REPEATED;
	if (pin_steps(pin, 1) || pin_steps(pin, -1))
		return KPROTO_PIN_WEAK_RUN;
	if (crypto_pwhash_str_verify(old_hash, pin, strlen(pin)) == 0)
		return KPROTO_PIN_WEAK_SAME;
	return KPROTO_PIN_CHANGED;
}

int
ledger_pin_change_prepare(const char *old_hash, const char *pin, char *new_hash,
    size_t new_hashsz)
{
	int status = ledger_pin_weakness(pin, old_hash);

	if (status == KPROTO_PIN_CHANGED && ledger_pin_hash_make(new_hash, new_hashsz, pin) < 0)
		return -1;
	return status;
}

/* A transaction with pan's card row locked, left open when the card may still be used
 * (LEDGER_OK); LEDGER_CONFLICT (locked, lost, gone) or LEDGER_ERROR rolled back. */
static enum ledger_status
card_begin_usable(struct db *db, const char *pan)
{
	struct card_row r;
	int found;

	if (ledger_begin(db) < 0)
		return LEDGER_ERROR;
	if ((found = db->ops->card_load(db, pan, 1, &r)) < 0 || found == 0 ||
	    !ledger_card_may_try(&r)) {
		ledger_rollback(db);
		return found < 0 ? LEDGER_ERROR : LEDGER_CONFLICT;
	}
	return LEDGER_OK;
}

enum ledger_status
ledger_profile_store(struct db *db, const char *pan, const struct kproto_profile *p)
{
	enum ledger_status st = card_begin_usable(db, pan);

	/* Locked or lost since the PIN was verified: nothing of it is kept. */
	if (st != LEDGER_OK)
		return st;
	if (db->ops->card_set_profile(db, pan, p) < 0) {
		ledger_rollback(db);
		return LEDGER_ERROR;
	}
	return ledger_commit(db);
}

/* The new PIN's hash stored, and for a card being activated, the activation done:
 * one transaction, so a card is never active with its letter's PIN. */
static enum ledger_status
pin_store(struct db *db, const char *pan, const char *old_hash, const char *new_hash,
    int activate)
{
	enum ledger_status st = card_begin_usable(db, pan);
	int set;

	/* Judging the new PIN took a while: the card may have been locked meanwhile. */
	if (st != LEDGER_OK)
		return st;
	if ((set = db->ops->card_set_pin_hash(db, pan, old_hash, new_hash)) < 0)
		goto fail;
	if (set == 1 && activate)
		set = db->ops->card_activated(db, pan);
	if (set < 0)
		goto fail;
	if (set == 0) {
		ledger_rollback(db);
		return LEDGER_CONFLICT;
	}
	return ledger_commit(db);
fail:
	ledger_rollback(db);
	return LEDGER_ERROR;
}

enum ledger_status
ledger_pin_store(struct db *db, const char *pan, const char *old_hash,
    const char *new_hash)
{
	return pin_store(db, pan, old_hash, new_hash, 0);
}

enum ledger_status
ledger_card_activate(struct db *db, const char *pan, const char *old_hash,
    const char *new_hash)
{
	return pin_store(db, pan, old_hash, new_hash, 1);
}
