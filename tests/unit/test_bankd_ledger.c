/* kiosk-bankd's bank file and ledger against a real temporary SQLite file. */
#include "bankd/bankd.h"

#include "common/log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"


#define PAN1 "6222000000000001"
#define PAN2 "6222000000000002"
#define PAN3 "6222000000000003"
#define PAN4 "6222000000000004"
#define PAN5 "6222000000000005"
#define KIOSK "BR001-K01"

static char dir[64], path[128];
static time_t fake_now;

static time_t
fake_clock(void)
{
	return fake_now;
}

static sqlite3 *
reopen(sqlite3 *db)
{
	char err[512];
	sqlite3 *n = NULL;

	db_close(db);
	if (db_open(path, &n, err, sizeof err) < 0)
		fprintf(stderr, "db_open: %s\n", err);
	CHECK(n != NULL);
	return n;
}

static int64_t
count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
txid_make(unsigned char *txid, int n)
{
	memset(txid, 0, KPROTO_TXID_LEN);
	txid[0] = 0x7a;
	txid[15] = (unsigned char)n;
}

static void
test_demo(sqlite3 *db)
{
	struct kproto_card_info ci;
	struct kproto_balance_info bi;

	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK(strcmp(ci.holder, "张伟 Zhang Wei") == 0);
	CHECK(strcmp(ci.lang, "zh") == 0);
	CHECK_EQ(ci.flags, 0);
	CHECK_EQ(ci.tries_left, 3);
	CHECK_EQ(ledger_card_open(db, PAN2, &ci), LEDGER_OK);
	CHECK(strcmp(ci.holder, "李秀英 Li Xiuying") == 0);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_LARGE_PRINT);
	CHECK_EQ(ledger_card_open(db, PAN3, &ci), LEDGER_OK);
	CHECK(strcmp(ci.holder, "王芳 Wang Fang") == 0);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_SPEECH);

	/* Locked and lost cards: reported, and no name given out. */
	CHECK_EQ(ledger_card_open(db, PAN4, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_LOCKED);
	CHECK_EQ(ci.tries_left, 0);
	CHECK(ci.holder[0] == '\0');
	CHECK_EQ(ledger_card_open(db, PAN5, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_LOST);
	CHECK(ci.holder[0] == '\0');
	CHECK_EQ(ledger_card_open(db, "6222000000000099", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_UNKNOWN);

	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 500000);
	CHECK_EQ(bi.available_fen, 500000);
	CHECK(strcmp(bi.currency, "CNY") == 0);
	CHECK_EQ(ledger_balance(db, PAN2, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 1234560);
	CHECK_EQ(ledger_balance(db, PAN3, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 80000);
	CHECK_EQ(ledger_balance(db, PAN4, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 300000);
	CHECK_EQ(ledger_balance(db, PAN5, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 150000);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE kind = 'opening'"), 5);

	/* PINs are stored as Argon2 hashes, not as digits. */
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pin_hash LIKE '$argon2%'"),
	    5);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pin_hash LIKE '%1234%'"), 0);
	CHECK_EQ(count_rows(db, "PRAGMA user_version"), BANKD_SCHEMA_VERSION);
}

static sqlite3 *
test_pin(sqlite3 *db)
{
	struct kproto_pin_result pr;
	struct kproto_card_info ci;

	CHECK_EQ(ledger_pin_verify(db, PAN1, "1234", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	CHECK_EQ(pr.note_fen, 10000);
	CHECK_EQ(pr.daily_remaining_fen, 500000);
	CHECK_EQ(pr.available_fen, 500000);

	/* One wrong, then right: the counter is back to three. */
	CHECK_EQ(ledger_pin_verify(db, PAN3, "7531", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(pr.tries_left, 2);
	CHECK_EQ(pr.available_fen, 0);
	CHECK_EQ(ledger_card_open(db, PAN3, &ci), LEDGER_OK);
	CHECK_EQ(ci.tries_left, 2);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "1357", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	CHECK_EQ(ledger_card_open(db, PAN3, &ci), LEDGER_OK);
	CHECK_EQ(ci.tries_left, 3);

	/* Three wrong PINs lock the card; the right PIN no longer helps. */
	CHECK_EQ(ledger_pin_verify(db, PAN2, "0000", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(pr.tries_left, 2);
	CHECK_EQ(ledger_pin_verify(db, PAN2, "1111", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(pr.tries_left, 1);
	CHECK_EQ(ledger_pin_verify(db, PAN2, "9999", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_LOCKED);
	CHECK_EQ(pr.tries_left, 0);
	CHECK_EQ(ledger_pin_verify(db, PAN2, "2580", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_LOCKED);

	/* And the lock survives closing the bank file. */
	db = reopen(db);
	CHECK_EQ(ledger_card_open(db, PAN2, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_LOCKED);
	CHECK_EQ(ledger_pin_verify(db, PAN2, "2580", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_LOCKED);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pan = '" PAN2 "' AND "
	    "status = 'locked' AND tries_left = 0"), 1);

	/* The card locked in the demo data stays locked with its right PIN. */
	CHECK_EQ(ledger_pin_verify(db, PAN4, "4321", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_LOCKED);
	CHECK_EQ(ledger_pin_verify(db, PAN5, "1111", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_LOCKED);
	return db;
}

static void
test_withdraw(sqlite3 *db)
{
	struct kproto_withdraw_result wr;
	struct kproto_balance_info bi;
	unsigned char tx1[16], tx2[16], tx3[16], tx4[16], tx5[16];
	int64_t holds;
	int64_t left;

	txid_make(tx1, 1);
	txid_make(tx2, 2);
	txid_make(tx3, 3);
	txid_make(tx4, 4);
	txid_make(tx5, 5);

	/* Authorisation holds: available drops, the balance does not. */
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx1, 100000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(wr.amount_fen, 100000);
	CHECK_EQ(wr.available_after_fen, 400000);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 500000);
	CHECK_EQ(bi.available_fen, 400000);
	CHECK_EQ(ledger_daily_remaining(db, PAN1, &left), LEDGER_OK);
	CHECK_EQ(left, 400000);

	/* The same authorisation again is the same hold, not a second one. */
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx1, 100000, &wr), LEDGER_REPEAT);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(wr.available_after_fen, 400000);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx1, 200000, &wr), LEDGER_CONFLICT);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN3, tx1, 100000, &wr), LEDGER_CONFLICT);

	/* Completion debits exactly once. */
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, tx1), LEDGER_OK);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 400000);
	CHECK_EQ(bi.available_fen, 400000);
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, tx1), LEDGER_REPEAT);
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, tx1), LEDGER_REPEAT);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 400000);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE kind = 'withdrawal'"), 1);
	CHECK_EQ(count_rows(db, "SELECT balance_after_fen FROM ledger WHERE kind = "
	    "'withdrawal'"), 400000);
	CHECK_EQ(count_rows(db, "SELECT amount_fen FROM ledger WHERE kind = 'withdrawal'"),
	    -100000);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, tx1), LEDGER_CONFLICT);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx1, 100000, &wr), LEDGER_CONFLICT);
	/* The completed withdrawal still counts against today's limit. */
	CHECK_EQ(ledger_daily_remaining(db, PAN1, &left), LEDGER_OK);
	CHECK_EQ(left, 400000);

	/* Reverse releases the hold, once. */
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx2, 50000, &wr), LEDGER_OK);
	CHECK_EQ(wr.available_after_fen, 350000);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, tx2), LEDGER_OK);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 400000);
	CHECK_EQ(bi.available_fen, 400000);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, tx2), LEDGER_REPEAT);
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, tx2), LEDGER_CONFLICT);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 400000);

	/* Unknown txids, and another card's txid. */
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, tx5), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, tx5), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_withdraw_complete(db, PAN3, tx1), LEDGER_UNKNOWN_TX);

	/* Refusals leave no hold behind. */
	holds = count_rows(db, "SELECT count(*) FROM holds");
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx3, 12345, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_NOT_MULTIPLE);
	CHECK_EQ(wr.available_after_fen, 400000);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx3, 15000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_NOT_MULTIPLE);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx3, 0, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_INVALID);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx3, -10000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_INVALID);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx3, INT64_MAX - 7, &wr), LEDGER_OK);
	CHECK(wr.status != KPROTO_WD_APPROVED);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, tx3, 500000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_OVER_LIMIT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds"), holds);

	/* Insufficient funds: Wang Fang has ¥800. */
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN3, tx3, 90000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_INSUFFICIENT);
	CHECK_EQ(wr.available_after_fen, 80000);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN3, tx3, 80000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(wr.available_after_fen, 0);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN3, tx4, 10000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_INSUFFICIENT);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN3, tx3), LEDGER_OK);
}

/* Daily limit on a rich account, so that the limit and not the balance decides. */
static void
test_daily_limit(sqlite3 *db)
{
	struct kproto_withdraw_result wr;
	unsigned char a[16], b[16], c[16], d[16];
	int64_t left;
	char err[256];
	const char *pan = "6222000000000006";

	CHECK(db_exec(db, "INSERT INTO accounts (id, holder, balance_fen, currency) VALUES "
	    "(60, 'Test Rich', 100000000, 'CNY'); INSERT INTO cards (pan, account_id, pin_hash, "
	    "status, tries_left) VALUES ('6222000000000006', 60, 'x', 'active', 3);", err,
	    sizeof err) == 0);
	txid_make(a, 20);
	txid_make(b, 21);
	txid_make(c, 22);
	txid_make(d, 23);

	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, a, 510000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_OVER_LIMIT);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, a, 300000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	/* Held counts toward the limit. */
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, b, 300000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_OVER_LIMIT);
	CHECK_EQ(ledger_daily_remaining(db, pan, &left), LEDGER_OK);
	CHECK_EQ(left, 200000);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, b, 200000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(ledger_daily_remaining(db, pan, &left), LEDGER_OK);
	CHECK_EQ(left, 0);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, c, 10000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_OVER_LIMIT);
	/* Reversed does not count; completed does. */
	CHECK_EQ(ledger_withdraw_reverse(db, pan, a), LEDGER_OK);
	CHECK_EQ(ledger_withdraw_complete(db, pan, b), LEDGER_OK);
	CHECK_EQ(ledger_daily_remaining(db, pan, &left), LEDGER_OK);
	CHECK_EQ(left, 300000);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, c, 300000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(ledger_withdraw_complete(db, pan, c), LEDGER_OK);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, d, 10000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_OVER_LIMIT);

	/* A new calendar day, a new limit. */
	fake_now += 24 * 3600;
	CHECK_EQ(ledger_daily_remaining(db, pan, &left), LEDGER_OK);
	CHECK_EQ(left, 500000);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, pan, d, 500000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK_EQ(count_rows(db, "SELECT balance_fen FROM accounts WHERE id = 60"),
	    100000000 - 500000);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE account_id = 60"), 2);
	fake_now -= 24 * 3600;
}

static int64_t
balance_of(sqlite3 *db, const char *pan)
{
	struct kproto_balance_info bi;

	memset(&bi, 0, sizeof bi);
	CHECK_EQ(ledger_balance(db, pan, &bi), LEDGER_OK);
	return bi.balance_fen;
}

/* Recovery: only the kiosk that made a hold settles it, each way at most once. */
static void
test_settle(sqlite3 *db)
{
	struct kproto_withdraw_result wr;
	unsigned char a[16], b[16], c[16], d[16];
	char was[16];
	int64_t start = balance_of(db, PAN1);

	txid_make(a, 40);
	txid_make(b, 41);
	txid_make(c, 42);
	txid_make(d, 43);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, a, 20000, &wr), LEDGER_OK);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, b, 10000, &wr), LEDGER_OK);
	CHECK_EQ(ledger_withdraw_auth(db, "BR001-K02", PAN1, c, 10000, &wr), LEDGER_OK);
	/* The same txid from another kiosk is not a repeat. */
	CHECK_EQ(ledger_withdraw_auth(db, "BR001-K02", PAN1, a, 20000, &wr), LEDGER_CONFLICT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE kiosk_id = 'BR001-K01' "
	    "AND state = 'held' AND txid IN ('7a000000000000000000000000000028', "
	    "'7a000000000000000000000000000029')"), 2);

	/* Complete: one debit, then OK again with nothing moved; never reversed after. */
	CHECK_EQ(ledger_settle(db, KIOSK, a, KPROTO_SETTLE_COMPLETE, was, sizeof was),
	    LEDGER_OK);
	CHECK(strcmp(was, "held") == 0);
	CHECK_EQ(balance_of(db, PAN1), start - 20000);
	CHECK_EQ(ledger_settle(db, KIOSK, a, KPROTO_SETTLE_COMPLETE, was, sizeof was),
	    LEDGER_REPEAT);
	CHECK(strcmp(was, "completed") == 0);
	CHECK_EQ(ledger_settle(db, KIOSK, a, KPROTO_SETTLE_REVERSE, was, sizeof was),
	    LEDGER_CONFLICT);
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, a), LEDGER_REPEAT);
	CHECK_EQ(balance_of(db, PAN1), start - 20000);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE txid = "
	    "'7a000000000000000000000000000028'"), 1);

	/* Reverse: the hold goes, the balance stays; completing it after is refused. */
	CHECK_EQ(ledger_settle(db, KIOSK, b, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_OK);
	CHECK_EQ(ledger_settle(db, KIOSK, b, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_REPEAT);
	CHECK_EQ(ledger_settle(db, KIOSK, b, KPROTO_SETTLE_COMPLETE, was, sizeof was),
	    LEDGER_CONFLICT);
	CHECK(strcmp(was, "reversed") == 0);
	CHECK_EQ(balance_of(db, PAN1), start - 20000);

	/* Another kiosk's hold and an unknown txid are unknown to this kiosk. */
	CHECK_EQ(ledger_settle(db, KIOSK, c, KPROTO_SETTLE_COMPLETE, was, sizeof was),
	    LEDGER_UNKNOWN_TX);
	CHECK(was[0] == '\0');
	CHECK_EQ(ledger_settle(db, KIOSK, d, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_settle(db, "", c, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_UNKNOWN_TX);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE txid = "
	    "'7a00000000000000000000000000002a' AND state = 'held'"), 1);
	CHECK_EQ(ledger_settle(db, "BR001-K02", c, 7, NULL, 0), LEDGER_CONFLICT);
	CHECK_EQ(ledger_settle(db, "BR001-K02", c, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_OK);
	CHECK_EQ(balance_of(db, PAN1), start - 20000);

	/* A hold from before kiosk ids were kept: no kiosk may settle it. */
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, d, 10000, &wr), LEDGER_OK);
	CHECK(db_exec(db, "UPDATE holds SET kiosk_id = NULL WHERE txid = "
	    "'7a00000000000000000000000000002b'", was, sizeof was) == 0);
	CHECK_EQ(ledger_settle(db, KIOSK, d, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_settle(db, "", d, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, d), LEDGER_OK);
}

/* A bank file of schema version 1 is upgraded when opened, its holds kept. */
static void
test_upgrade(void)
{
	char err[512], p[160];
	sqlite3 *db = NULL;
	struct kproto_withdraw_result wr;
	unsigned char t[16];

	snprintf(p, sizeof p, "%s/v1.db", dir);
	CHECK(db_init_demo(p, err, sizeof err) == 0);
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	if (db == NULL)
		return;
	txid_make(t, 50);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN3, t, 10000, &wr), LEDGER_OK);
	CHECK(db_exec(db, "DROP INDEX holds_open; ALTER TABLE holds DROP COLUMN kiosk_id; "
	    "PRAGMA user_version = 1", err, sizeof err) == 0);
	db_close(db);
	db = NULL;
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	if (db == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		return;
	}
	CHECK_EQ(count_rows(db, "PRAGMA user_version"), 2);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE kiosk_id IS NULL AND "
	    "state = 'held'"), 1);
	CHECK_EQ(ledger_settle(db, KIOSK, t, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN3, t), LEDGER_OK);
	db_close(db);
	/* A version the adapter does not know is still refused. */
	CHECK(sqlite3_open(p, &db) == SQLITE_OK);
	CHECK(db_exec(db, "PRAGMA user_version = 3", err, sizeof err) == 0);
	sqlite3_close(db);
	db = NULL;
	CHECK(db_open(p, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "schema version 3") != NULL);
	const char *sfx[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		char f[200];
		snprintf(f, sizeof f, "%s%s", p, sfx[i]);
		unlink(f);
	}
}

/* The bank file is refused with a clear reason when it is not usable. */
static void
test_open_errors(void)
{
	char err[512], p[160];
	sqlite3 *db = NULL;
	FILE *f;

	snprintf(p, sizeof p, "%s/missing.db", dir);
	CHECK(db_open(p, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "missing.db") != NULL && strstr(err, "--init-demo") != NULL);
	CHECK(db == NULL);

	snprintf(p, sizeof p, "%s/garbage.db", dir);
	f = fopen(p, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		for (int i = 0; i < 200; i++)
			fputs("this is not a database at all ", f);
		fclose(f);
	}
	CHECK(db_open(p, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "not a SQLite database") != NULL);
	unlink(p);

	snprintf(p, sizeof p, "%s/other.db", dir);
	sqlite3 *o = NULL;
	CHECK(sqlite3_open(p, &o) == SQLITE_OK);
	CHECK(db_exec(o, "CREATE TABLE t (x)", err, sizeof err) == 0);
	sqlite3_close(o);
	CHECK(db_open(p, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "not a kiosk bank file") != NULL);
	unlink(p);

	/* Another process holding the write lock. */
	CHECK(sqlite3_open(path, &o) == SQLITE_OK);
	CHECK(db_exec(o, "BEGIN EXCLUSIVE", err, sizeof err) == 0);
	CHECK(db_open(path, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "locked") != NULL);
	db_exec(o, "ROLLBACK", err, sizeof err);
	sqlite3_close(o);
	CHECK(db_open(path, &db, err, sizeof err) == 0);
	db_close(db);
}

int
main(void)
{
	char err[512];
	sqlite3 *db = NULL;

	if (sodium_init() < 0)
		return 1;
	log_open("test", NULL);
	strcpy(dir, "/tmp/bankd-ledger-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/bank.db", dir);
	fake_now = time(NULL);
	ledger_set_clock(fake_clock);

	CHECK(db_init_demo(path, err, sizeof err) == 0);
	CHECK(db_open(path, &db, err, sizeof err) == 0);
	if (db == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	test_demo(db);
	db = test_pin(db);
	test_withdraw(db);
	test_daily_limit(db);
	test_settle(db);
	db_close(db);
	test_open_errors();
	test_upgrade();

	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, dir);
		return 1;
	}
	const char *files[] = { "bank.db", "bank.db-wal", "bank.db-shm" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	printf("ok\n");
	return 0;
}
