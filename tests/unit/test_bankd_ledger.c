/*
 * kiosk-bankd's bank and ledger on each backend: a real temporary SQLite file, or a
 * real PostgreSQL server (tests/pg/pg-server, which the ctest fixture starts).
 * Usage: test_bankd_ledger [sqlite | pg CONNINFO PG-SERVER], CONNINFO naming server and
 * user (the databases ledger, ledger_mig and ledger_ro must exist on it), PG-SERVER the
 * script tests/pg/pg-server, which starts a second server to crash and restart.
 */
#include "bankd/bankd.h"

#include "common/log.h"

#include <sys/wait.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"


#define PAN1 "6222000000000017"
#define PAN2 "6222000000000025"
#define PAN3 "6222000000000033"
#define PAN4 "6222000000000041"
#define PAN5 "6222000000000058"
#define KIOSK "BR001-K01"

static char dir[64], path[512], log_path[128];
static const char *pg;                   /* the server's conninfo, or NULL for SQLite */
static time_t fake_now;

static time_t
fake_clock(void)
{
	return fake_now;
}

static struct db *
reopen(struct db *db)
{
	char err[512];
	struct db *n = NULL;

	db_close(db);
	if (db_open(path, &n, err, sizeof err) < 0)
		fprintf(stderr, "db_open: %s\n", err);
	CHECK(n != NULL);
	return n;
}

static int64_t
count_rows(struct db *db, const char *sql)
{
	int64_t n = -1;

	return db_query_int(db, sql, &n) == 0 ? n : -1;
}

/* The bank named name: a file in dir, or a database on the server. */
static void
bank_spec(char *out, size_t outsz, const char *name)
{
	if (pg != NULL)
		snprintf(out, outsz, "%s dbname=%s", pg, name);
	else
		snprintf(out, outsz, "%s/%s.db", dir, name);
}

static int
log_contains(const char *needle)
{
	static char text[1 << 16];
	FILE *f = fopen(log_path, "r");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return strstr(text, needle) != NULL;
}

static void
remove_bank_file(const char *p)
{
	const char *sfx[] = { "", "-wal", "-shm" };

	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		char f[600];
		snprintf(f, sizeof f, "%s%s", p, sfx[i]);
		unlink(f);
	}
}

static void
txid_make(unsigned char *txid, int n)
{
	memset(txid, 0, KPROTO_TXID_LEN);
	txid[0] = 0x7a;
	txid[15] = (unsigned char)n;
}

/* A profile remembered comes back with CARD_INFO for its card alone; forgotten, the
 * card has no preference left. */
static void
test_profile(struct db *db)
{
	struct kproto_profile p = { .lang = "en", .flags = KPROTO_CARD_F_LARGE_PRINT,
		.volume = 6, .rate = 5, .text_size = 2, .theme = "yellow-on-black" };
	struct kproto_card_info ci;

	CHECK_EQ(ledger_profile_store(db, PAN1, &p), LEDGER_OK);
	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_OK);
	CHECK_EQ(ci.profile, 1);
	CHECK(strcmp(ci.lang, "en") == 0);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_LARGE_PRINT);
	CHECK_EQ(ci.volume, 6);
	CHECK_EQ(ci.rate, 5);
	CHECK_EQ(ci.text_size, 2);
	CHECK(strcmp(ci.theme, "yellow-on-black") == 0);
	/* Remembered again: replaced, not added. */
	p.volume = 2;
	p.flags = KPROTO_CARD_F_SPEECH;
	CHECK_EQ(ledger_profile_store(db, PAN1, &p), LEDGER_OK);
	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_OK);
	CHECK_EQ(ci.volume, 2);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_SPEECH);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_profiles"), 1);
	/* Never another card's. */
	CHECK_EQ(ledger_card_open(db, PAN2, &ci), LEDGER_OK);
	CHECK_EQ(ci.profile, 0);
	CHECK_EQ(ci.volume, 0);
	/* Forgotten: back to no preference at all. */
	CHECK_EQ(ledger_profile_store(db, PAN1, NULL), LEDGER_OK);
	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_OK);
	CHECK_EQ(ci.profile, 0);
	CHECK_EQ(ci.flags, 0);
	CHECK(ci.lang[0] == '\0');
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_profiles"), 0);
	/* A locked card keeps nothing. */
	CHECK_EQ(ledger_profile_store(db, PAN4, &p), LEDGER_CONFLICT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_profiles"), 0);
}

static void
test_demo(struct db *db)
{
	struct kproto_card_info ci;
	struct kproto_balance_info bi;

	/* Valid card numbers, so that each can be typed as a payee. */
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards"), 7);
	for (const char *const *p = (const char *const[]){ PAN1, PAN2, PAN3, PAN4, PAN5, NULL };
	    *p != NULL; p++)
		CHECK(kproto_pan_luhn(*p));

	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK(strcmp(ci.holder, "张伟 Zhang Wei") == 0);
	CHECK(strcmp(ci.lang, "zh") == 0);
	CHECK_EQ(ci.flags, 0);
	CHECK_EQ(ci.tries_left, 3);
	CHECK_EQ(ledger_card_open(db, PAN2, &ci), LEDGER_OK);
	CHECK(strcmp(ci.holder, "李秀英 Li Xiuying") == 0);
	/* The bank protects her from scams: the kiosk knows before the menu. */
	CHECK_EQ(ci.flags, KPROTO_CARD_F_LARGE_PRINT | KPROTO_CARD_F_FRAUD_PROTECT);
	CHECK_EQ(ledger_card_open(db, PAN3, &ci), LEDGER_OK);
	CHECK(strcmp(ci.holder, "王芳 Wang Fang") == 0);
	CHECK_EQ(ci.flags, KPROTO_CARD_F_SPEECH);

	/* A locked card: its holder and preferences still come, for the screen that lets
	 * staff unlock it, said as its customer likes; a lost card: no name given out. */
	CHECK_EQ(ledger_card_open(db, PAN4, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_LOCKED);
	CHECK_EQ(ci.tries_left, 0);
	CHECK(strcmp(ci.holder, "赵强 Zhao Qiang") == 0);
	CHECK(strcmp(ci.lang, "zh") == 0);
	CHECK_EQ(ledger_card_open(db, PAN5, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_LOST);
	CHECK(ci.holder[0] == '\0');
	CHECK_EQ(ledger_card_open(db, "6222000000000099", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_UNKNOWN);
	/* A new card awaiting activation, and 张伟's second card on his account. */
	CHECK_EQ(ledger_card_open(db, "6222000000000090", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_INACTIVE);
	CHECK(strcmp(ci.holder, "陈静 Chen Jing") == 0);
	CHECK_EQ(ledger_card_open(db, "6222000000000108", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK(kproto_pan_luhn("6222000000000090") && kproto_pan_luhn("6222000000000108"));
	CHECK_EQ(ledger_balance(db, "6222000000000108", &bi), LEDGER_OK);
	CHECK_EQ(bi.balance_fen, 500000);

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
	/* Each customer's current and savings account opened with its balance. */
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE kind = 'opening'"), 12);

	/* PINs are stored as Argon2 hashes, not as digits. */
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pin_hash LIKE '$argon2%'"),
	    7);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pin_hash LIKE '%1234%'"), 0);
	CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
}

/* Each customer's accounts, the payees saved on a card, the bank's fraud flag. */
static void
test_customer(struct db *db)
{
	struct ledger_account acc[LEDGER_ACCOUNTS_MAX];
	struct ledger_payee pay[LEDGER_PAYEES_MAX];
	struct kproto_withdraw_result wr;
	unsigned char t[16];
	char err[512];
	int n = -1, flagged = -1;

	CHECK_EQ(ledger_accounts(db, PAN1, acc, &n), LEDGER_OK);
	CHECK_EQ(n, 2);
	CHECK(strcmp(acc[0].kind, "current") == 0 && strcmp(acc[1].kind, "savings") == 0);
	CHECK_EQ(acc[0].balance_fen, 500000);
	CHECK_EQ(acc[1].balance_fen, 2000000);
	CHECK_EQ(acc[1].available_fen, 2000000);
	CHECK(strcmp(acc[1].currency, "CNY") == 0);
	CHECK_EQ(ledger_accounts(db, PAN2, acc, &n), LEDGER_OK);
	CHECK_EQ(n, 2);
	CHECK_EQ(acc[0].balance_fen, 1234560);
	CHECK_EQ(acc[1].balance_fen, 8600000);
	CHECK_EQ(ledger_accounts(db, PAN3, acc, &n), LEDGER_OK);
	CHECK_EQ(acc[0].balance_fen, 80000);
	CHECK_EQ(acc[1].balance_fen, 320000);
	CHECK_EQ(ledger_accounts(db, PAN5, acc, &n), LEDGER_OK);
	CHECK_EQ(n, 2);
	CHECK_EQ(ledger_accounts(db, "6222000000000099", acc, &n), LEDGER_ERROR);
	CHECK_EQ(n, 0);

	/* A withdrawal holds on the card's own account, not on the savings. */
	txid_make(t, 30);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 20000, &wr), LEDGER_OK);
	CHECK_EQ(ledger_accounts(db, PAN1, acc, &n), LEDGER_OK);
	CHECK_EQ(acc[0].available_fen, 480000);
	CHECK_EQ(acc[1].available_fen, 2000000);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, t), LEDGER_OK);

	/* 张伟 has two payees, named as their cards' holders; nobody else has any. */
	CHECK_EQ(ledger_payees(db, PAN1, pay, &n), LEDGER_OK);
	CHECK_EQ(n, 2);
	CHECK(strcmp(pay[0].pan, PAN2) == 0 && strcmp(pay[0].holder, "李秀英 Li Xiuying") == 0);
	CHECK(strcmp(pay[1].pan, PAN3) == 0 && strcmp(pay[1].holder, "王芳 Wang Fang") == 0);
	CHECK_EQ(ledger_payees(db, PAN2, pay, &n), LEDGER_OK);
	CHECK_EQ(n, 0);
	CHECK_EQ(ledger_payees(db, "6222000000000099", pay, &n), LEDGER_OK);
	CHECK_EQ(n, 0);

	/* 李秀英, 78, is the customer the bank protects. */
	CHECK_EQ(ledger_fraud_flag(db, PAN2, &flagged), LEDGER_OK);
	CHECK_EQ(flagged, 1);
	for (const char *const *p = (const char *const[]){ PAN1, PAN3, PAN4, PAN5, NULL };
	    *p != NULL; p++) {
		CHECK_EQ(ledger_fraud_flag(db, *p, &flagged), LEDGER_OK);
		CHECK_EQ(flagged, 0);
	}
	CHECK_EQ(ledger_fraud_flag(db, "6222000000000099", &flagged), LEDGER_ERROR);

	/* A card of no customer (opened by hand) has its own account alone, unflagged. */
	CHECK(db_exec(db, "INSERT INTO accounts (id, holder, balance_fen, currency) VALUES "
	    "(80, 'Test Alone', 70000, 'CNY'); INSERT INTO cards (pan, account_id, pin_hash, "
	    "status, tries_left) VALUES ('6222000000000008', 80, 'x', 'active', 3);", err,
	    sizeof err) == 0);
	CHECK_EQ(ledger_accounts(db, "6222000000000008", acc, &n), LEDGER_OK);
	CHECK_EQ(n, 1);
	CHECK(strcmp(acc[0].kind, "current") == 0);
	CHECK_EQ(acc[0].balance_fen, 70000);
	CHECK_EQ(ledger_fraud_flag(db, "6222000000000008", &flagged), LEDGER_OK);
	CHECK_EQ(flagged, 0);
}

static struct db *
test_pin(struct db *db)
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
test_withdraw(struct db *db)
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
	/* Rows with a txid: the kiosk's; the demo's history has withdrawals without. */
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE kind = 'withdrawal' "
	    "AND txid IS NOT NULL"), 1);
	CHECK_EQ(count_rows(db, "SELECT balance_after_fen FROM ledger WHERE kind = "
	    "'withdrawal' AND txid IS NOT NULL"), 400000);
	CHECK_EQ(count_rows(db, "SELECT amount_fen FROM ledger WHERE kind = 'withdrawal' "
	    "AND txid IS NOT NULL"), -100000);
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
test_daily_limit(struct db *db)
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
balance_of(struct db *db, const char *pan)
{
	struct kproto_balance_info bi;

	memset(&bi, 0, sizeof bi);
	CHECK_EQ(ledger_balance(db, pan, &bi), LEDGER_OK);
	return bi.balance_fen;
}

/* Recovery: only the kiosk that made a hold settles it, each way at most once. */
static void
test_settle(struct db *db)
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

/* The demo bank for a migration test: the database ledger_mig on PostgreSQL, the file
 * NAME on SQLite, its name in spec; NULL if it cannot be made. */
static struct db *
migration_bank(char *spec, size_t specsz, const char *name)
{
	char err[1024];
	struct db *db = NULL;

	bank_spec(spec, specsz, pg != NULL ? "ledger_mig" : name);
	CHECK(db_init_demo(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) == 0);
	return db;
}

/* The bank at spec migrated (--migrate) and opened again at the current version; NULL,
 * said on stderr, if it cannot be. */
static struct db *
migrated(const char *spec)
{
	char err[1024];
	struct db *db = NULL;

	CHECK(db_migrate(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) == 0);
	if (db == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		return NULL;
	}
	CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
	return db;
}

/* What an adapter of schema version 7 wrote: no PIN reset or cancellation, and cards
 * checked for the three states it knew. */
static void
downgrade_to_v7(struct db *db)
{
	char err[512];

	CHECK(db_exec(db, "DROP TABLE card_pin_resets; DROP TABLE card_cancellations", err,
	    sizeof err) == 0);
	if (pg != NULL)
		CHECK(db_exec(db, "ALTER TABLE cards DROP CONSTRAINT cards_status_check; "
		    "ALTER TABLE cards ADD CONSTRAINT cards_status_check "
		    "CHECK (status IN ('active', 'locked', 'lost')); "
		    "UPDATE schema_version SET version = 7", err, sizeof err) == 0);
	else	/* SQLite changes no CHECK in place: the table is rebuilt. */
		CHECK(db_exec(db, "PRAGMA foreign_keys = OFF; CREATE TABLE v7_cards ("
		    "pan TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id), "
		    "pin_hash TEXT NOT NULL, "
		    "status TEXT NOT NULL CHECK (status IN ('active', 'locked', 'lost')), "
		    "tries_left INTEGER NOT NULL CHECK (tries_left BETWEEN 0 AND 3), "
		    "lang TEXT NOT NULL DEFAULT '', large_print INTEGER NOT NULL DEFAULT 0, "
		    "speech INTEGER NOT NULL DEFAULT 0, transfer_limit_fen INTEGER NOT NULL "
		    "DEFAULT 5000000 CHECK (transfer_limit_fen >= 0), large_threshold_fen "
		    "INTEGER CHECK (large_threshold_fen > 0)); "
		    "INSERT INTO v7_cards SELECT * FROM cards; DROP TABLE cards; "
		    "ALTER TABLE v7_cards RENAME TO cards; PRAGMA foreign_keys = ON; "
		    "PRAGMA user_version = 7", err, sizeof err) == 0);
}

/* What an adapter of schema version 6 wrote: no card awaits activation, none was
 * reported lost at a kiosk. */
static void
downgrade_to_v6(struct db *db)
{
	char err[512];

	downgrade_to_v7(db);
	CHECK(db_exec(db, "DROP TABLE card_activations; DROP TABLE card_losses", err,
	    sizeof err) == 0);
	CHECK(db_exec(db, pg != NULL ? "UPDATE schema_version SET version = 6" :
	    "PRAGMA user_version = 6", err, sizeof err) == 0);
}

/* What an adapter of schema version 4 wrote: no staff, no calls for staff, no
 * remembered profiles. */
static void
downgrade_to_v4(struct db *db)
{
	char err[512];

	downgrade_to_v6(db);
	CHECK(db_exec(db, "DROP TABLE card_profiles; DROP TABLE staff_calls; DROP TABLE staff",
	    err, sizeof err) == 0);
	CHECK(db_exec(db, pg != NULL ? "UPDATE schema_version SET version = 4" :
	    "PRAGMA user_version = 4", err, sizeof err) == 0);
}

/* Turns the demo bank back into what an adapter of schema version 3 wrote: no
 * transfers, no per-card transfer limit or threshold. */
static void
downgrade_to_v3(struct db *db)
{
	char err[512];

	downgrade_to_v4(db);
	CHECK(db_exec(db, "DELETE FROM ledger WHERE kind IN ('transfer_out', 'transfer_in'); "
	    "DROP TABLE transfers; ALTER TABLE cards DROP COLUMN transfer_limit_fen; "
	    "ALTER TABLE cards DROP COLUMN large_threshold_fen", err, sizeof err) == 0);
	CHECK(db_exec(db, pg != NULL ? "UPDATE schema_version SET version = 3" :
	    "PRAGMA user_version = 3", err, sizeof err) == 0);
}

/*
 * Turns the demo bank back into what an adapter of schema version 2 wrote: one
 * account per card, no customers, no payees.
 */
static void
downgrade_to_v2(struct db *db)
{
	char err[512];

	downgrade_to_v3(db);
	CHECK(db_exec(db, "DELETE FROM ledger WHERE account_id IN (SELECT id FROM accounts "
	    "WHERE kind = 'savings'); DROP TABLE payees", err, sizeof err) == 0);
	if (pg != NULL)
		CHECK(db_exec(db, "DELETE FROM accounts WHERE kind = 'savings'; "
		    "ALTER TABLE accounts DROP COLUMN kind, DROP COLUMN customer_id; "
		    "DROP TABLE customers; UPDATE schema_version SET version = 2", err,
		    sizeof err) == 0);
	else	/* SQLite drops no column a foreign key uses: the table is rebuilt. */
		CHECK(db_exec(db, "PRAGMA foreign_keys = OFF; CREATE TABLE v2_accounts ("
		    "id INTEGER PRIMARY KEY, holder TEXT NOT NULL, balance_fen INTEGER NOT NULL "
		    "CHECK (balance_fen >= 0), currency TEXT NOT NULL DEFAULT 'CNY'); "
		    "INSERT INTO v2_accounts SELECT id, holder, balance_fen, currency FROM "
		    "accounts WHERE kind = 'current'; DROP TABLE accounts; "
		    "ALTER TABLE v2_accounts RENAME TO accounts; DROP TABLE customers; "
		    "PRAGMA foreign_keys = ON; PRAGMA user_version = 2", err, sizeof err) == 0);
}

/*
 * --migrate of a bank of schema version 2: every account becomes the current account
 * of a customer of its own, named as its holder, unflagged, without savings or payees;
 * money and holds are kept. Opening a PostgreSQL bank wants the migration first.
 */
static void
test_migrate_v2(void)
{
	struct ledger_account acc[LEDGER_ACCOUNTS_MAX];
	struct ledger_payee pay[LEDGER_PAYEES_MAX];
	struct kproto_withdraw_result wr;
	char spec[600], err[1024];
	struct db *db = NULL;
	unsigned char t[16];
	int n = -1, flagged = -1;

	if ((db = migration_bank(spec, sizeof spec, "v2")) == NULL)
		return;
	txid_make(t, 60);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 30000, &wr), LEDGER_OK);
	downgrade_to_v2(db);
	CHECK_EQ(db_schema_version(db), 2);
	db_close(db);
	db = NULL;
	if (pg != NULL) {
		CHECK(db_open(spec, &db, err, sizeof err) < 0);
		CHECK(strstr(err, "schema version 2 is older") != NULL);
	}
	if ((db = migrated(spec)) == NULL)
		return;
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM customers"), 6);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM customers c JOIN accounts a ON "
	    "a.customer_id = c.id AND a.holder = c.name AND a.kind = 'current'"), 6);
	CHECK_EQ(ledger_accounts(db, PAN1, acc, &n), LEDGER_OK);
	CHECK_EQ(n, 1);
	CHECK(strcmp(acc[0].kind, "current") == 0);
	CHECK_EQ(acc[0].balance_fen, 500000);
	CHECK_EQ(acc[0].available_fen, 470000);
	CHECK_EQ(ledger_payees(db, PAN1, pay, &n), LEDGER_OK);
	CHECK_EQ(n, 0);
	CHECK_EQ(ledger_fraud_flag(db, PAN2, &flagged), LEDGER_OK);
	CHECK_EQ(flagged, 0);
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, t), LEDGER_OK);
	CHECK_EQ(balance_of(db, PAN1), 470000);
	/* The bank opens accounts for new customers after the migrated ones. */
	CHECK(db_exec(db, "INSERT INTO customers (name) VALUES ('New Customer')", err,
	    sizeof err) == 0);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM customers"), 7);
	db_close(db);
	if (pg == NULL)
		remove_bank_file(spec);
}

/* A bank file of schema version 1 is upgraded when opened, its holds kept. */
static void
test_upgrade(void)
{
	char err[512], p[160];
	struct db *db = NULL;
	struct kproto_withdraw_result wr;
	unsigned char t[16];

	snprintf(p, sizeof p, "%s/v1.db", dir);
	CHECK(db_init_demo(p, err, sizeof err) == 0);
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	if (db == NULL)
		return;
	txid_make(t, 50);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN3, t, 10000, &wr), LEDGER_OK);
	downgrade_to_v2(db);
	CHECK(db_exec(db, "DROP INDEX holds_open; ALTER TABLE holds DROP COLUMN kiosk_id; "
	    "PRAGMA user_version = 1", err, sizeof err) == 0);
	db_close(db);
	db = NULL;
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	if (db == NULL) {
		fprintf(stderr, "db_open: %s\n", err);
		return;
	}
	CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE kiosk_id IS NULL AND "
	    "state = 'held'"), 1);
	CHECK_EQ(ledger_settle(db, KIOSK, t, KPROTO_SETTLE_REVERSE, NULL, 0), LEDGER_UNKNOWN_TX);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN3, t), LEDGER_OK);
	db_close(db);
	/* A version the adapter does not know is still refused. */
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	char future[64];
	snprintf(future, sizeof future, "PRAGMA user_version = %d", BANKD_SCHEMA_VERSION + 1);
	CHECK(db_exec(db, future, err, sizeof err) == 0);
	db_close(db);
	db = NULL;
	CHECK(db_open(p, &db, err, sizeof err) < 0);
	snprintf(future, sizeof future, "schema version %d", BANKD_SCHEMA_VERSION + 1);
	CHECK(strstr(err, future) != NULL);
	remove_bank_file(p);
}

/* --migrate on SQLite: a missing file becomes an empty bank, an older one is upgraded. */
static void
test_sqlite_migrate(void)
{
	char err[512], p[160];
	struct db *db = NULL;

	snprintf(p, sizeof p, "%s/new.db", dir);
	CHECK(db_migrate(p, err, sizeof err) == 0);
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	if (db == NULL)
		return;
	CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards"), 0);
	downgrade_to_v2(db);
	CHECK(db_exec(db, "DROP INDEX holds_open; ALTER TABLE holds DROP COLUMN kiosk_id; "
	    "PRAGMA user_version = 1", err, sizeof err) == 0);
	db_close(db);
	db = NULL;
	CHECK(db_migrate(p, err, sizeof err) == 0);
	CHECK(db_open(p, &db, err, sizeof err) == 0);
	if (db != NULL)
		CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
	db_close(db);
	remove_bank_file(p);
}

/* The bank file is refused with a clear reason when it is not usable. */
static void
test_open_errors(void)
{
	char err[512], p[160];
	struct db *db = NULL;
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

	/* Some other application's SQLite file. */
	snprintf(p, sizeof p, "%s/other.db", dir);
	struct db *o = NULL;
	CHECK(db_init_demo(p, err, sizeof err) == 0);
	CHECK(db_open(p, &o, err, sizeof err) == 0);
	CHECK(db_exec(o, "DROP TABLE card_activations; DROP TABLE card_losses; "
	    "DROP TABLE payees; DROP TABLE ledger; DROP TABLE holds; "
	    "DROP TABLE cards; DROP TABLE accounts; DROP TABLE customers; CREATE TABLE t (x); "
	    "PRAGMA user_version = 0", err,
	    sizeof err) == 0);
	db_close(o);
	CHECK(db_open(p, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "not a kiosk bank file") != NULL);
	remove_bank_file(p);

	/* Another process holding the write lock. */
	o = NULL;
	CHECK(db_open(path, &o, err, sizeof err) == 0);
	CHECK(db_exec(o, "BEGIN EXCLUSIVE", err, sizeof err) == 0);
	CHECK(db_open(path, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "locked") != NULL);
	db_exec(o, "ROLLBACK", err, sizeof err);
	db_close(o);
	CHECK(db_open(path, &db, err, sizeof err) == 0);
	db_close(db);
}

/*
 * Four adapters on one bank, each authorising ¥100 withdrawals on one card as fast as
 * it can: the card's balance bounds what they approve together, exactly. Each child
 * process has its own connection; its exit status is how many it got approved.
 */
static void
test_adapters_share_card(struct db *db)
{
	const char *pan = "6222000000000007";
	char err[256];
	int approved = 0;
	pid_t kids[4];

	CHECK(db_exec(db, "INSERT INTO accounts (id, holder, balance_fen, currency) VALUES "
	    "(70, 'Test Shared', 300000, 'CNY'); INSERT INTO cards (pan, account_id, "
	    "pin_hash, status, tries_left) VALUES ('6222000000000007', 70, 'x', 'active', 3)",
	    err, sizeof err) == 0);
	for (int k = 0; k < 4; k++) {
		if ((kids[k] = fork()) != 0)
			continue;
		struct kproto_withdraw_result wr;
		unsigned char t[16];
		struct db *mine = NULL;
		int n = 0;

		if (db_open(path, &mine, err, sizeof err) < 0)
			_exit(255);
		for (int i = 0; i < 20; i++) {
			txid_make(t, i);
			t[1] = (unsigned char)(k + 1);
			if (ledger_withdraw_auth(mine, k ? "BR001-K02" : KIOSK, pan, t, 10000,
			    &wr) == LEDGER_OK && wr.status == KPROTO_WD_APPROVED)
				n++;
		}
		db_close(mine);
		_exit(n);
	}
	for (int k = 0; k < 4; k++) {
		int st;
		CHECK(waitpid(kids[k], &st, 0) == kids[k]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 255);
		approved += WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	}
	/* ¥3,000 is 30 notes, asked for 80 times. */
	CHECK_EQ(approved, 30);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE pan = '6222000000000007' "
	    "AND state = 'held'"), 30);
	CHECK_EQ(count_rows(db, "SELECT balance_fen FROM accounts WHERE id = 70"), 300000);
}

/* ---- transfers ---------------------------------------------------------------------- */

#define PAN_UNKNOWN "6222000000000066"   /* passes Luhn, no card of the bank */
#define PAN_SLIP "6222000000000018"      /* PAN1 with its last digit wrong */

/* The demo bank again, as --init-demo makes it. */
static struct db *
fresh_bank(struct db *db)
{
	char err[512];

	db_close(db);
	CHECK(db_init_demo(path, err, sizeof err) == 0);
	return reopen(NULL);
}

/* The balance of pan's customer's account of kind ("current" or "savings"). */
static int64_t
account_balance(struct db *db, const char *pan, const char *kind)
{
	char sql[512];

	snprintf(sql, sizeof sql, "SELECT a.balance_fen FROM cards c JOIN accounts own ON "
	    "own.id = c.account_id JOIN accounts a ON a.customer_id = own.customer_id WHERE "
	    "c.pan = '%s' AND a.kind = '%s'", pan, kind);
	return count_rows(db, sql);
}

/* Transfer n (its txid) of amount from pan's account from, to its own account to or,
 * when payee is not NULL, to that card. */
static enum ledger_status
xfer(struct db *db, const char *pan, int n, int64_t amount, int from, int to,
    const char *payee, struct kproto_transfer_result *tr)
{
	struct kproto_transfer t = { .amount_fen = amount, .from_kind = (uint8_t)from,
	    .to_kind = (uint8_t)to };

	txid_make(t.txid, n);
	t.txid[1] = 0x58;
	t.txid[14] = (unsigned char)(n >> 8);
	if (payee != NULL)
		snprintf(t.pan, sizeof t.pan, "%s", payee);
	return ledger_transfer(db, KIOSK, pan, &t, tr);
}

static void
test_name_mask(void)
{
	static const char *const cases[][2] = {
		{ "李秀英 Li Xiuying", "李*英" },
		{ "张伟 Zhang Wei", "张*" },
		{ "王芳", "王*" },
		{ "欧阳娜娜", "欧*娜" },
		{ "赵", "赵*" },
		{ "Zhang Wei", "Z*** Wei" },
		{ "  Zhang   Wei ", "Z*** Wei" },
		{ "Mary Ann Lee", "M*** A*** Lee" },
		{ "Madonna", "M***" },
		{ "Émile Zola", "É*** Zola" },
		{ "", "" },
	};
	char out[KPROTO_PAYEE_NAME_MAX + 1], lng[200];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ledger_name_mask(cases[i][0], out, sizeof out);
		if (strcmp(out, cases[i][1]) != 0) {
			fprintf(stderr, "mask \"%s\" gives \"%s\", expected \"%s\"\n",
			    cases[i][0], out, cases[i][1]);
			failures++;
		}
	}
	/* A name of many short words is cut at a word, never inside a character. */
	for (size_t i = 0; i + 2 < sizeof lng; i += 2)
		memcpy(lng + i, "A ", 2);
	lng[sizeof lng - 2] = 'Z';
	lng[sizeof lng - 1] = '\0';
	ledger_name_mask(lng, out, sizeof out);
	CHECK(strlen(out) <= KPROTO_PAYEE_NAME_MAX && strlen(out) > 100);
	CHECK(out[strlen(out) - 1] == '*');
	CHECK(kproto_utf8_valid(out, strlen(out)));
	/* Nothing shown rather than a letter without its stars. */
	ledger_name_mask("Zhang Wei", out, 4);
	CHECK(strcmp(out, "") == 0);
}

/* What TRANSFER_OPTIONS shows: accounts, payees masked, the day's allowance, flags. */
static void
test_transfer_choices(struct db *db)
{
	struct kproto_transfer_choices tc;
	struct kproto_payee pi;

	CHECK_EQ(ledger_transfer_choices(db, PAN1, &tc), LEDGER_OK);
	CHECK_EQ(tc.naccounts, 2);
	CHECK_EQ(tc.accounts[0].kind, KPROTO_ACCOUNT_CURRENT);
	CHECK_EQ(tc.accounts[0].available_fen, 500000);
	CHECK_EQ(tc.accounts[1].kind, KPROTO_ACCOUNT_SAVINGS);
	CHECK_EQ(tc.accounts[1].available_fen, 2000000);
	CHECK_EQ(tc.npayees, 2);
	CHECK(strcmp(tc.payees[0].pan, PAN2) == 0 && strcmp(tc.payees[0].name, "李*英") == 0);
	CHECK(strcmp(tc.payees[1].pan, PAN3) == 0 && strcmp(tc.payees[1].name, "王*") == 0);
	CHECK_EQ(tc.payees[0].paid_before, 0);
	CHECK_EQ(tc.transfer_remaining_fen, BANKD_TRANSFER_LIMIT_FEN);
	CHECK_EQ(tc.large_threshold_fen, 0);
	CHECK_EQ(tc.fraud_protect, 0);
	/* 李秀英: protected, alerted above ¥2,000, no payees of her own. */
	CHECK_EQ(ledger_transfer_choices(db, PAN2, &tc), LEDGER_OK);
	CHECK_EQ(tc.large_threshold_fen, 200000);
	CHECK_EQ(tc.fraud_protect, 1);
	CHECK_EQ(tc.npayees, 0);
	CHECK_EQ(tc.accounts[0].available_fen, 1234560);
	CHECK_EQ(ledger_transfer_choices(db, "6222000000000099", &tc), LEDGER_ERROR);

	/* A typed number: known (whatever its card's state), unknown, or a slip. */
	CHECK_EQ(ledger_payee_lookup(db, PAN1, PAN4, &pi), LEDGER_OK);
	CHECK(strcmp(pi.pan, PAN4) == 0 && strcmp(pi.name, "赵*") == 0);
	CHECK_EQ(pi.paid_before, 0);
	CHECK_EQ(ledger_payee_lookup(db, PAN1, PAN_UNKNOWN, &pi), LEDGER_UNKNOWN_PAYEE);
	CHECK_EQ(ledger_payee_lookup(db, PAN1, PAN_SLIP, &pi), LEDGER_UNKNOWN_PAYEE);
	CHECK(pi.name[0] == '\0');
}

/* Both legs at once, each txid once, and the rules in their order. */
static void
test_transfer(struct db *db)
{
	struct kproto_transfer_result tr, tr2;
	struct kproto_transfer_choices tc;
	struct kproto_withdraw_result wr;
	struct kproto_payee pi;
	unsigned char w[16];
	char err[512];

	/* Savings to current: one transaction, two ledger rows with the balance after. */
	CHECK_EQ(xfer(db, PAN1, 1, 100000, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT,
	    NULL, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(tr.available_after_fen, 1900000);
	CHECK_EQ(tr.txid[1], 0x58);
	CHECK_EQ(account_balance(db, PAN1, "current"), 600000);
	CHECK_EQ(account_balance(db, PAN1, "savings"), 1900000);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE txid = "
	    "'7a580000000000000000000000000001'"), 2);
	/* (The demo's history has transfers too, with no txid.) */
	CHECK_EQ(count_rows(db, "SELECT balance_after_fen FROM ledger WHERE kind = "
	    "'transfer_out' AND amount_fen = -100000 AND txid IS NOT NULL"), 1900000);
	CHECK_EQ(count_rows(db, "SELECT balance_after_fen FROM ledger WHERE kind = "
	    "'transfer_in' AND amount_fen = 100000 AND txid IS NOT NULL"), 600000);

	/* The same request again answers the same and moves nothing more. */
	CHECK_EQ(xfer(db, PAN1, 1, 100000, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT,
	    NULL, &tr2), LEDGER_REPEAT);
	CHECK_EQ(tr2.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(tr2.available_after_fen, 1900000);
	CHECK_EQ(account_balance(db, PAN1, "current"), 600000);
	CHECK_EQ(account_balance(db, PAN1, "savings"), 1900000);
	/* The txid with anything else is not this transfer. */
	CHECK_EQ(xfer(db, PAN1, 1, 100001, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT,
	    NULL, &tr2), LEDGER_CONFLICT);
	CHECK_EQ(xfer(db, PAN1, 1, 100000, KPROTO_ACCOUNT_SAVINGS, 0, PAN2, &tr2),
	    LEDGER_CONFLICT);
	CHECK_EQ(xfer(db, PAN3, 1, 100000, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT,
	    NULL, &tr2), LEDGER_CONFLICT);

	/* Own transfers leave the day's allowance whole; a payee's counts, and is paid. */
	CHECK_EQ(ledger_transfer_choices(db, PAN1, &tc), LEDGER_OK);
	CHECK_EQ(tc.transfer_remaining_fen, BANKD_TRANSFER_LIMIT_FEN);
	CHECK_EQ(xfer(db, PAN1, 2, 50000, KPROTO_ACCOUNT_CURRENT, 0, PAN2, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(tr.available_after_fen, 550000);
	CHECK_EQ(account_balance(db, PAN1, "current"), 550000);
	CHECK_EQ(account_balance(db, PAN2, "current"), 1234560 + 50000);
	CHECK_EQ(ledger_transfer_choices(db, PAN1, &tc), LEDGER_OK);
	CHECK_EQ(tc.transfer_remaining_fen, BANKD_TRANSFER_LIMIT_FEN - 50000);
	CHECK_EQ(tc.accounts[0].available_fen, 550000);
	CHECK_EQ(tc.payees[0].paid_before, 1);
	CHECK_EQ(tc.payees[1].paid_before, 0);
	CHECK_EQ(ledger_payee_lookup(db, PAN1, PAN2, &pi), LEDGER_OK);
	CHECK_EQ(pi.paid_before, 1);
	/* Paid before is this card's history, not the payee's. */
	CHECK_EQ(ledger_payee_lookup(db, PAN3, PAN2, &pi), LEDGER_OK);
	CHECK_EQ(pi.paid_before, 0);

	/* Refusals, each in its order; each is kept under its txid too. */
	CHECK_EQ(xfer(db, PAN1, 3, 0, KPROTO_ACCOUNT_CURRENT, 0, PAN2, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_INVALID);
	CHECK_EQ(xfer(db, PAN1, 4, -500, KPROTO_ACCOUNT_CURRENT, 0, PAN_SLIP, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_INVALID);
	CHECK_EQ(xfer(db, PAN1, 5, 100, KPROTO_ACCOUNT_CURRENT, 0, PAN_SLIP, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_UNKNOWN_PAYEE);
	CHECK_EQ(xfer(db, PAN1, 6, 100, KPROTO_ACCOUNT_CURRENT, 0, PAN_UNKNOWN, &tr),
	    LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_UNKNOWN_PAYEE);
	CHECK_EQ(tr.available_after_fen, 550000);
	CHECK_EQ(xfer(db, PAN1, 7, 100, KPROTO_ACCOUNT_CURRENT, KPROTO_ACCOUNT_CURRENT, NULL,
	    &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_SAME_ACCOUNT);
	CHECK_EQ(xfer(db, PAN1, 8, 100, KPROTO_ACCOUNT_CURRENT, 0, PAN1, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_SAME_ACCOUNT);
	CHECK_EQ(xfer(db, PAN1, 9, 550001, KPROTO_ACCOUNT_CURRENT, 0, PAN3, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_INSUFFICIENT);
	CHECK_EQ(tr.available_after_fen, 550000);
	/* A hold counts against what a transfer may take. */
	txid_make(w, 90);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, w, 500000, &wr), LEDGER_OK);
	CHECK_EQ(xfer(db, PAN1, 10, 60000, KPROTO_ACCOUNT_CURRENT, KPROTO_ACCOUNT_SAVINGS, NULL,
	    &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_INSUFFICIENT);
	CHECK_EQ(tr.available_after_fen, 50000);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, w), LEDGER_OK);
	/* A refusal stays the answer to its txid, though the money is there now. */
	CHECK_EQ(xfer(db, PAN1, 10, 60000, KPROTO_ACCOUNT_CURRENT, KPROTO_ACCOUNT_SAVINGS, NULL,
	    &tr), LEDGER_REPEAT);
	CHECK_EQ(tr.status, KPROTO_XFER_INSUFFICIENT);
	CHECK_EQ(account_balance(db, PAN1, "current"), 550000);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM transfers WHERE status <> 0"), 8);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE kind LIKE 'transfer_%' "
	    "AND txid IS NOT NULL"), 4);

	/* A card of no customer has no savings to send to or from. */
	CHECK(db_exec(db, "INSERT INTO accounts (id, holder, balance_fen, currency) VALUES "
	    "(80, 'Test Alone', 70000, 'CNY'); INSERT INTO cards (pan, account_id, pin_hash, "
	    "status, tries_left) VALUES ('6222000000000008', 80, 'x', 'active', 3);", err,
	    sizeof err) == 0);
	CHECK_EQ(xfer(db, "6222000000000008", 11, 100, KPROTO_ACCOUNT_CURRENT,
	    KPROTO_ACCOUNT_SAVINGS, NULL, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_INVALID);
	CHECK_EQ(xfer(db, "6222000000000008", 12, 100, KPROTO_ACCOUNT_SAVINGS, 0, PAN1, &tr),
	    LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_INVALID);
	CHECK_EQ(tr.available_after_fen, 0);
	/* A locked card's account may be paid into. */
	CHECK_EQ(xfer(db, "6222000000000008", 13, 100, KPROTO_ACCOUNT_CURRENT, 0, PAN4, &tr),
	    LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(account_balance(db, PAN4, "current"), 300100);
}

/* The card's daily transfer limit: payees only, per calendar day. */
static void
test_transfer_limit(struct db *db)
{
	struct kproto_transfer_result tr;
	struct kproto_transfer_choices tc;
	char err[512];

	CHECK(db_exec(db, "UPDATE cards SET transfer_limit_fen = 100000 WHERE pan = '" PAN3
	    "'", err, sizeof err) == 0);
	CHECK_EQ(xfer(db, PAN3, 20, 60000, KPROTO_ACCOUNT_CURRENT, 0, PAN1, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(xfer(db, PAN3, 21, 40001, KPROTO_ACCOUNT_SAVINGS, 0, PAN1, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_OVER_LIMIT);
	/* The limit is judged before the funds: 王芳's current account has ¥200 left. */
	CHECK_EQ(xfer(db, PAN3, 22, 50000, KPROTO_ACCOUNT_CURRENT, 0, PAN1, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_OVER_LIMIT);
	CHECK_EQ(xfer(db, PAN3, 23, 40000, KPROTO_ACCOUNT_SAVINGS, 0, PAN1, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(ledger_transfer_choices(db, PAN3, &tc), LEDGER_OK);
	CHECK_EQ(tc.transfer_remaining_fen, 0);
	/* Between her own accounts she may still move money. */
	CHECK_EQ(xfer(db, PAN3, 24, 100000, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT,
	    NULL, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	/* Tomorrow the limit is whole again. */
	fake_now += 24 * 3600;
	CHECK_EQ(ledger_transfer_choices(db, PAN3, &tc), LEDGER_OK);
	CHECK_EQ(tc.transfer_remaining_fen, 100000);
	CHECK_EQ(xfer(db, PAN3, 25, 100000, KPROTO_ACCOUNT_CURRENT, 0, PAN1, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	fake_now -= 24 * 3600;
}

/* A leg that fails takes the other with it; the retry then applies once. */
static void
test_transfer_atomic(struct db *db)
{
	struct kproto_transfer_result tr;
	int64_t from = account_balance(db, PAN1, "current");
	int64_t to = account_balance(db, PAN2, "current");
	char err[512];

	CHECK(db_exec(db, pg != NULL ?
	    "CREATE FUNCTION test_fail_in() RETURNS trigger LANGUAGE plpgsql AS "
	    "$$ BEGIN RAISE EXCEPTION 'credit leg refused'; END $$; "
	    "CREATE TRIGGER test_fail_in BEFORE INSERT ON ledger FOR EACH ROW "
	    "WHEN (NEW.kind = 'transfer_in') EXECUTE FUNCTION test_fail_in()" :
	    "CREATE TRIGGER test_fail_in BEFORE INSERT ON ledger WHEN NEW.kind = "
	    "'transfer_in' BEGIN SELECT RAISE(ABORT, 'credit leg refused'); END",
	    err, sizeof err) == 0);
	CHECK_EQ(xfer(db, PAN1, 30, 1000, KPROTO_ACCOUNT_CURRENT, 0, PAN2, &tr), LEDGER_ERROR);
	CHECK_EQ(account_balance(db, PAN1, "current"), from);
	CHECK_EQ(account_balance(db, PAN2, "current"), to);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE txid = "
	    "'7a58000000000000000000000000001e'"), 0);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM transfers WHERE txid = "
	    "'7a58000000000000000000000000001e'"), 0);
	CHECK(db_exec(db, pg != NULL ? "DROP TRIGGER test_fail_in ON ledger; "
	    "DROP FUNCTION test_fail_in()" : "DROP TRIGGER test_fail_in", err,
	    sizeof err) == 0);
	CHECK_EQ(xfer(db, PAN1, 30, 1000, KPROTO_ACCOUNT_CURRENT, 0, PAN2, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(xfer(db, PAN1, 30, 1000, KPROTO_ACCOUNT_CURRENT, 0, PAN2, &tr),
	    LEDGER_REPEAT);
	CHECK_EQ(account_balance(db, PAN1, "current"), from - 1000);
	CHECK_EQ(account_balance(db, PAN2, "current"), to + 1000);
}

/* Transfers kid k of the crossing run makes: 20 of ¥10 from 王芳 to 张伟 (kids 0
 * and 1), or 20 of ¥1 back (kids 2 and 3); how many were approved, -1 on an error. */
static int
kid_crossing(struct db *mine, int k)
{
	struct kproto_transfer_result tr;
	int n = 0;

	for (int i = 0; i < 20; i++) {
		if ((k < 2 ? xfer(mine, PAN3, 100 + k * 20 + i, 1000, KPROTO_ACCOUNT_CURRENT, 0,
		    PAN1, &tr) : xfer(mine, PAN1, 100 + k * 20 + i, 100, KPROTO_ACCOUNT_CURRENT,
		    0, PAN3, &tr)) != LEDGER_OK)
			return -1;
		n += tr.status == KPROTO_XFER_APPROVED;
	}
	return n;
}

/* Ten transfers of ¥1 from 王芳 to 李秀英. */
static int
kid_draining(struct db *mine, int k)
{
	struct kproto_transfer_result tr;
	int n = 0;

	for (int i = 0; i < 10; i++) {
		if (xfer(mine, PAN3, 300 + k * 10 + i, 100, KPROTO_ACCOUNT_CURRENT, 0, PAN2,
		    &tr) != LEDGER_OK)
			return -1;
		n += tr.status == KPROTO_XFER_APPROVED;
	}
	return n;
}

/* Ten ¥100 withdrawals on 张伟's card (kids 0 and 1) or ten ¥100 transfers from it
 * to 李秀英 (kids 2 and 3). */
static int
kid_mixed(struct db *mine, int k)
{
	struct kproto_withdraw_result wr;
	struct kproto_transfer_result tr;
	unsigned char t[16];
	int n = 0;

	for (int i = 0; i < 10; i++) {
		if (k < 2) {
			txid_make(t, i);
			t[1] = (unsigned char)(0x90 + k);
			if (ledger_withdraw_auth(mine, KIOSK, PAN1, t, 10000, &wr) != LEDGER_OK)
				return -1;
			n += wr.status == KPROTO_WD_APPROVED;
		} else {
			if (xfer(mine, PAN1, 400 + k * 10 + i, 10000, KPROTO_ACCOUNT_CURRENT, 0,
			    PAN2, &tr) != LEDGER_OK)
				return -1;
			n += tr.status == KPROTO_XFER_APPROVED;
		}
	}
	return n;
}

/* Runs kid(mine, k) for k 0..3 in four processes at once, each with a connection of
 * its own; got[k] is what kid k returned. */
static void
kids_run(int (*kid)(struct db *, int), int got[4])
{
	char err[256];
	pid_t pids[4];

	for (int k = 0; k < 4; k++) {
		if ((pids[k] = fork()) != 0)
			continue;
		struct db *mine = NULL;
		if (db_open(path, &mine, err, sizeof err) < 0)
			_exit(255);
		int n = kid(mine, k);
		db_close(mine);
		_exit(n < 0 ? 255 : n);
	}
	for (int k = 0; k < 4; k++) {
		int st;
		CHECK(waitpid(pids[k], &st, 0) == pids[k]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 255);
		got[k] = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	}
}

/*
 * Four processes, each with its own connection, transfer from one card at once, and
 * two of them the other way back: together they never exceed the balance or the
 * daily limit, nobody waits on anybody in a circle, and the money adds up.
 */
static void
test_transfer_concurrent(struct db *db)
{
	struct kproto_transfer_result tr;
	int64_t total;
	char err[256];
	int got[4];

	/* 王芳 sent ¥1,000 to payees today: she may send ¥250 more, with ¥1,200 in her
	 * current account; 张伟 sends back. */
	CHECK(db_exec(db, "UPDATE cards SET transfer_limit_fen = 125000 WHERE pan = '" PAN3
	    "'", err, sizeof err) == 0);
	CHECK_EQ(xfer(db, PAN3, 99, 100000, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT,
	    NULL, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	CHECK_EQ(account_balance(db, PAN3, "current"), 120000);
	total = account_balance(db, PAN1, "current") + account_balance(db, PAN3, "current");
	kids_run(kid_crossing, got);
	/* ¥10 forty times against a ¥250 limit: 25 of them; all 40 the other way. */
	CHECK_EQ(got[0] + got[1], 25);
	CHECK_EQ(got[2] + got[3], 40);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM transfers WHERE pan = '" PAN3 "' AND "
	    "status = 2 AND amount_fen = 1000"), 15);
	CHECK_EQ(account_balance(db, PAN1, "current") + account_balance(db, PAN3, "current"),
	    total);
	CHECK_EQ(count_rows(db, "SELECT sum(amount_fen) FROM ledger WHERE kind LIKE "
	    "'transfer_%'"), 0);

	/* The balance binds when the limit does not: ¥3 left, ¥1 asked 40 times at once. */
	CHECK(db_exec(db, "UPDATE cards SET transfer_limit_fen = 5000000 WHERE pan = '" PAN3
	    "'", err, sizeof err) == 0);
	int64_t left = account_balance(db, PAN3, "current");
	CHECK_EQ(xfer(db, PAN3, 200, left - 300, KPROTO_ACCOUNT_CURRENT,
	    KPROTO_ACCOUNT_SAVINGS, NULL, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	kids_run(kid_draining, got);
	CHECK_EQ(got[0] + got[1] + got[2] + got[3], 3);
	CHECK_EQ(account_balance(db, PAN3, "current"), 0);

	/* Withdrawals and transfers on one card at once share its ¥1,000 between them. */
	struct ledger_account acc[LEDGER_ACCOUNTS_MAX];
	int n;
	CHECK_EQ(ledger_accounts(db, PAN1, acc, &n), LEDGER_OK);
	CHECK_EQ(xfer(db, PAN1, 398, acc[0].available_fen - 100000, KPROTO_ACCOUNT_CURRENT,
	    KPROTO_ACCOUNT_SAVINGS, NULL, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	kids_run(kid_mixed, got);
	CHECK_EQ(got[0] + got[1] + got[2] + got[3], 10);
	CHECK_EQ(ledger_accounts(db, PAN1, acc, &n), LEDGER_OK);
	CHECK_EQ(acc[0].available_fen, 0);
}

/* A bank of schema version 6 gains the card services: its cards are all in use, none
 * awaits activation; a card reported lost is recorded with the card that said so. */
static void
test_migrate_v6(void)
{
	char pans[KPROTO_CARDS_MAX][KPROTO_PAN_MAX + 1];
	struct kproto_card_list_info cl;
	struct kproto_card_info ci;
	char spec[600];
	struct db *db = NULL;

	if ((db = migration_bank(spec, sizeof spec, "v6")) == NULL)
		return;
	CHECK_EQ(ledger_card_open(db, "6222000000000090", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_INACTIVE);
	downgrade_to_v6(db);
	db_close(db);
	db = NULL;
	if ((db = migrated(spec)) == NULL)
		return;
	CHECK_EQ(ledger_card_open(db, "6222000000000090", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	CHECK_EQ(ledger_card_list(db, PAN1, &cl, pans), LEDGER_OK);
	CHECK_EQ(cl.count, 1);
	CHECK(strcmp(pans[0], "6222000000000108") == 0);
	CHECK_EQ(ledger_card_report_lost(db, KIOSK, PAN1, pans[0]), LEDGER_OK);
	CHECK_EQ(ledger_card_report_lost(db, KIOSK, PAN1, pans[0]), LEDGER_REPEAT);
	CHECK_EQ(ledger_card_report_lost(db, KIOSK, PAN1, PAN2), LEDGER_CONFLICT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_losses WHERE pan = "
	    "'6222000000000108' AND reported_with = '6222000000000017'"), 1);
	db_close(db);
	if (pg == NULL)
		remove_bank_file(spec);
}

/*
 * A bank of schema version 7 gains the staff-opened card services: its cards, their
 * money and holds kept; a card may be cancelled, and a PIN reset is recorded.
 */
static void
test_migrate_v7(void)
{
	struct kproto_withdraw_result wr;
	struct kproto_card_info ci;
	char spec[600], err[1024];
	struct db *db = NULL;
	unsigned char t[16];

	if ((db = migration_bank(spec, sizeof spec, "v7")) == NULL)
		return;
	txid_make(t, 70);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 20000, &wr), LEDGER_OK);
	downgrade_to_v7(db);
	CHECK_EQ(db_schema_version(db), 7);
	/* Version 7 knew no cancelled card. */
	CHECK(db_exec(db, "UPDATE cards SET status = 'cancelled' WHERE pan = '" PAN2 "'", err,
	    sizeof err) < 0);
	db_close(db);
	db = NULL;
	if ((db = migrated(spec)) == NULL)
		return;
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards"), 7);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE status = 'locked' AND "
	    "tries_left = 0 AND pan = '" PAN4 "'"), 1);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE transfer_limit_fen = "
	    "5000000 AND large_threshold_fen = 200000 AND pan = '" PAN2 "'"), 1);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE state = 'held'"), 1);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM payees"), 2);
	CHECK_EQ(ledger_withdraw_complete(db, PAN1, t), LEDGER_OK);
	CHECK_EQ(balance_of(db, PAN1), 480000);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", "6222000000000108"), LEDGER_OK);
	CHECK_EQ(ledger_card_open(db, "6222000000000108", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_CANCELLED);
	db_close(db);
	if (pg == NULL)
		remove_bank_file(spec);
}

/* A card of no customer, on an account of its own holding balance (fen). */
static void
single_card_add(struct db *db, const char *pan, int64_t balance)
{
	char sql[512], err[256];

	snprintf(sql, sizeof sql, "INSERT INTO accounts (holder, balance_fen, currency) "
	    "VALUES ('Test Single', %lld, 'CNY'); INSERT INTO cards (pan, account_id, "
	    "pin_hash, status, tries_left) VALUES ('%s', (SELECT max(id) FROM accounts), "
	    "'x', 'active', 3)", (long long)balance, pan);
	CHECK(db_exec(db, sql, err, sizeof err) == 0);
}

/*
 * Staff-opened services in the ledger. A new PIN for a locked card (unlock) or one in
 * use (reset): stored over the old one only, with full tries, active, recorded. A
 * card cancelled only when no money is left where no other card in use reaches it.
 */
static void
test_card_staff(struct db *db)
{
	char old[crypto_pwhash_STRBYTES], hash[crypto_pwhash_STRBYTES];
	struct kproto_pin_result pr;
	struct kproto_card_info ci;
	struct kproto_withdraw_result wr;
	struct kproto_transfer_result tr;
	struct kproto_payee pi;
	unsigned char t[16];

	CHECK_EQ(ledger_card_reset_hash(db, PAN4, 0, old, sizeof old), LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_reset_hash(db, PAN1, 1, old, sizeof old), LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_reset_hash(db, PAN5, 1, old, sizeof old), LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_reset_hash(db, "6222000000000090", 0, old, sizeof old),
	    LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_reset_hash(db, "6222000000000077", 0, old, sizeof old),
	    LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_reset_hash(db, PAN4, 1, old, sizeof old), LEDGER_OK);
	CHECK_EQ(ledger_pin_hash_make(hash, sizeof hash, "8024"), 0);
	/* The PIN changed while the new one was judged: nothing stored. */
	CHECK_EQ(ledger_card_pin_reset(db, KIOSK, "0042", PAN4, 1, hash, hash),
	    LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_pin_reset(db, KIOSK, "0042", PAN4, 0, old, hash),
	    LEDGER_CONFLICT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_pin_resets"), 0);
	CHECK_EQ(ledger_card_pin_reset(db, KIOSK, "0042", PAN4, 1, old, hash), LEDGER_OK);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pan = '" PAN4 "' AND "
	    "status = 'active' AND tries_left = 3"), 1);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_pin_resets WHERE pan = '" PAN4
	    "' AND kiosk_id = '" KIOSK "' AND staff_id = '0042' AND kind = 'unlock'"), 1);
	/* Unlocked once: a second unlock finds it no longer locked. */
	CHECK_EQ(ledger_card_pin_reset(db, KIOSK, "0042", PAN4, 1, hash, old),
	    LEDGER_CONFLICT);
	CHECK_EQ(ledger_pin_verify(db, PAN4, "4321", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(ledger_pin_verify(db, PAN4, "8024", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);

	/* A reset: two wrong tries forgotten, the old PIN gone. */
	CHECK_EQ(ledger_pin_verify(db, PAN3, "0001", &pr), LEDGER_OK);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "0002", &pr), LEDGER_OK);
	CHECK_EQ(pr.tries_left, 1);
	CHECK_EQ(ledger_card_reset_hash(db, PAN3, 0, old, sizeof old), LEDGER_OK);
	CHECK_EQ(ledger_card_pin_reset(db, "", "0042", PAN3, 0, old, hash), LEDGER_OK);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE pan = '" PAN3 "' AND "
	    "tries_left = 3"), 1);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_pin_resets WHERE pan = '" PAN3
	    "' AND kiosk_id IS NULL AND kind = 'reset'"), 1);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "1357", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "8024", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);

	/* Cancelling: 王芳's money only her card reaches; 张伟's second card is one of two. */
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", PAN3), LEDGER_MONEY_LEFT);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", PAN5), LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", "6222000000000077"), LEDGER_CONFLICT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_cancellations"), 0);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", "6222000000000108"), LEDGER_OK);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", "6222000000000108"), LEDGER_REPEAT);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM card_cancellations WHERE pan = "
	    "'6222000000000108' AND kiosk_id = '" KIOSK "' AND staff_id = '0042'"), 1);
	CHECK_EQ(ledger_card_open(db, "6222000000000108", &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_CANCELLED);
	CHECK_EQ(ci.holder[0], '\0');
	/* Now his first card is the only one to his money; a cancelled card gets no PIN. */
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", PAN1), LEDGER_MONEY_LEFT);
	CHECK_EQ(ledger_card_reset_hash(db, "6222000000000108", 1, old, sizeof old),
	    LEDGER_CONFLICT);
	CHECK_EQ(ledger_card_report_lost(db, KIOSK, PAN1, "6222000000000108"),
	    LEDGER_CONFLICT);
	/* Nor is it a payee any more: money sent to it would reach no usable card. */
	CHECK_EQ(ledger_payee_lookup(db, PAN3, "6222000000000108", &pi), LEDGER_UNKNOWN_PAYEE);
	CHECK_EQ(xfer(db, PAN3, 777, 1000, KPROTO_ACCOUNT_CURRENT, 0, "6222000000000108", &tr),
	    LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_UNKNOWN_PAYEE);

	/* An empty account with a withdrawal still held on it is not empty yet. */
	single_card_add(db, "6222000000000066", 10000);
	txid_make(t, 80);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, "6222000000000066", t, 10000, &wr),
	    LEDGER_OK);
	CHECK(db_exec(db, "UPDATE accounts SET balance_fen = 0 WHERE id = (SELECT account_id "
	    "FROM cards WHERE pan = '6222000000000066')", old, sizeof old) == 0);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", "6222000000000066"), LEDGER_MONEY_LEFT);
	CHECK_EQ(ledger_withdraw_reverse(db, "6222000000000066", t), LEDGER_OK);
	CHECK_EQ(ledger_card_cancel(db, KIOSK, "0042", "6222000000000066"), LEDGER_OK);
}

/* A bank of schema version 3 gains transfers: every card the default limit, no
 * threshold; its money and payees kept. */
static void
test_migrate_v3(void)
{
	struct kproto_transfer_choices tc;
	struct kproto_transfer_result tr;
	char spec[600];
	struct db *db = NULL;

	if ((db = migration_bank(spec, sizeof spec, "v3")) == NULL)
		return;
	downgrade_to_v3(db);
	db_close(db);
	db = NULL;
	if ((db = migrated(spec)) == NULL)
		return;
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards WHERE transfer_limit_fen = "
	    "5000000 AND large_threshold_fen IS NULL"), 7);
	CHECK_EQ(ledger_transfer_choices(db, PAN1, &tc), LEDGER_OK);
	CHECK_EQ(tc.npayees, 2);
	CHECK_EQ(tc.transfer_remaining_fen, BANKD_TRANSFER_LIMIT_FEN);
	CHECK_EQ(xfer(db, PAN1, 1, 1000, KPROTO_ACCOUNT_CURRENT, 0, PAN2, &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	db_close(db);
	if (pg == NULL)
		remove_bank_file(spec);
}

/* The schema of a PostgreSQL bank: created and upgraded by migration only. */
static void
test_pg_schema(void)
{
	char spec[600], err[1024];
	struct db *db = NULL;

	bank_spec(spec, sizeof spec, "ledger_mig");
	/* Empty the database, whatever an earlier run left. */
	CHECK(db_init_demo(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) == 0);
	if (db == NULL)
		return;
	CHECK(db_exec(db, "DROP TABLE card_pin_resets, card_cancellations, card_activations, "
	    "card_losses, card_profiles, staff_calls, staff, transfers, payees, ledger, holds, cards, accounts, customers, "
	    "schema_version", err, sizeof err) == 0);
	db_close(db);
	db = NULL;

	CHECK(db_open(spec, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "no kiosk bank in this database") != NULL &&
	    strstr(err, "--migrate") != NULL && strstr(err, "\"ledger_mig\"") != NULL);
	CHECK(db_migrate(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) == 0);
	if (db == NULL)
		return;
	CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM cards"), 0);

	/* A version 1 schema with a hold in it: refused until migrated, the hold kept. */
	downgrade_to_v2(db);
	CHECK(db_exec(db, "DROP INDEX holds_open; ALTER TABLE holds DROP COLUMN kiosk_id; "
	    "UPDATE schema_version SET version = 1; "
	    "INSERT INTO accounts (id, holder, balance_fen) VALUES (1, 'Old', 10000); "
	    "INSERT INTO cards (pan, account_id, pin_hash, status, tries_left) VALUES "
	    "('6222000000000017', 1, 'x', 'active', 3); "
	    "INSERT INTO holds (txid, pan, amount_fen, state, created) VALUES "
	    "('7a000000000000000000000000000001', '6222000000000017', 10000, 'held', 1)",
	    err, sizeof err) == 0);
	db_close(db);
	db = NULL;
	CHECK(db_open(spec, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "schema version 1 is older") != NULL &&
	    strstr(err, "--migrate") != NULL);
	CHECK(db_migrate(spec, err, sizeof err) == 0);
	CHECK(db_migrate(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) == 0);
	if (db == NULL)
		return;
	CHECK_EQ(db_schema_version(db), BANKD_SCHEMA_VERSION);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds WHERE kiosk_id IS NULL AND "
	    "state = 'held'"), 1);

	/* A newer schema than this program knows: neither served nor migrated. */
	char newer[64];
	snprintf(newer, sizeof newer, "UPDATE schema_version SET version = %d",
	    BANKD_SCHEMA_VERSION + 1);
	CHECK(db_exec(db, newer, err, sizeof err) == 0);
	db_close(db);
	db = NULL;
	snprintf(newer, sizeof newer, "schema version %d is newer", BANKD_SCHEMA_VERSION + 1);
	CHECK(db_open(spec, &db, err, sizeof err) < 0);
	CHECK(strstr(err, newer) != NULL);
	CHECK(db_migrate(spec, err, sizeof err) < 0);
	CHECK(strstr(err, newer) != NULL);
}

/* A PostgreSQL bank that cannot be used is refused at start, with the reason. */
static void
test_pg_open_errors(void)
{
	char spec[600], err[1024];
	struct db *db = NULL, *admin = NULL;

	CHECK(db_open("host=/nonexistent-pg-dir user=bank dbname=ledger", &db, err,
	    sizeof err) < 0);
	CHECK(strstr(err, "cannot connect to the PostgreSQL database") != NULL &&
	    strstr(err, "/nonexistent-pg-dir") != NULL);
	CHECK(strchr(err, '\n') == NULL);
	CHECK(db_open("host=/tmp dbname", &db, err, sizeof err) < 0);
	CHECK(strstr(err, "cannot connect") != NULL && strstr(err, "dbname") != NULL);
	snprintf(spec, sizeof spec, "%s dbname=ledger user=no_such_teller", pg);
	CHECK(db_open(spec, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "role \"no_such_teller\" does not exist") != NULL);
	CHECK(db_init_demo(spec, err, sizeof err) < 0);
	CHECK(db == NULL);

	/* A read-only database: refused at start; switched read-only while serving, the
	 * request fails and holds nothing. */
	bank_spec(spec, sizeof spec, "ledger_ro");
	CHECK(db_init_demo(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &admin, err, sizeof err) == 0);
	if (admin == NULL)
		return;
	CHECK(db_exec(admin, "ALTER DATABASE ledger_ro SET default_transaction_read_only = "
	    "on", err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) < 0);
	CHECK(strstr(err, "the database is read-only") != NULL);
	CHECK(db_init_demo(spec, err, sizeof err) < 0);
	CHECK(db_exec(admin, "ALTER DATABASE ledger_ro RESET default_transaction_read_only",
	    err, sizeof err) == 0);

	struct kproto_withdraw_result wr;
	unsigned char t[16];
	txid_make(t, 90);
	CHECK(db_exec(admin, "SET default_transaction_read_only = on", err, sizeof err) == 0);
	CHECK_EQ(ledger_withdraw_auth(admin, KIOSK, PAN1, t, 10000, &wr), LEDGER_ERROR);
	CHECK(db_exec(admin, "SET default_transaction_read_only = off", err, sizeof err) == 0);
	CHECK_EQ(count_rows(admin, "SELECT count(*) FROM holds"), 0);
	db_close(admin);
}

/* Ends every connection to the bank but admin's, as a server restart would. */
static void
pg_kick(struct db *admin)
{
	char err[512];

	CHECK(db_exec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
	    "datname = current_database() AND pid <> pg_backend_pid()", err, sizeof err) == 0);
}

/*
 * The server ends the adapter's connection (a restart, a failover, a DBA): the request
 * in flight fails and moves nothing, the next one reconnects, whether it reads or
 * moves money, and both are logged.
 */
static void
test_pg_connection_lost(struct db *db)
{
	struct kproto_withdraw_result wr;
	struct kproto_card_info ci;
	struct kproto_balance_info bi;
	struct db *admin = NULL;
	unsigned char t[16];
	char err[512];
	int64_t before = count_rows(db, "SELECT count(*) FROM holds");

	CHECK(db_open(path, &admin, err, sizeof err) == 0);
	if (admin == NULL)
		return;
	txid_make(t, 91);
	pg_kick(admin);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 10000, &wr), LEDGER_ERROR);
	CHECK_EQ(count_rows(admin, "SELECT count(*) FROM holds"), before);
	CHECK(log_contains("PostgreSQL database \"ledger\" (host ") &&
	    log_contains(": lost the connection to the database"));
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 10000, &wr), LEDGER_OK);
	CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
	CHECK(log_contains("\"ledger\" (host ") && log_contains(": connected again"));
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, t), LEDGER_OK);
	CHECK_EQ(count_rows(admin, "SELECT count(*) FROM holds"), before + 1);

	/* The first request of the next customer only reads. */
	pg_kick(admin);
	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_ERROR);
	CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_OK);
	CHECK_EQ(ci.status, KPROTO_CARD_OK);
	pg_kick(admin);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_ERROR);
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	db_close(admin);
}

/*
 * Another session holds the card's row (a stuck adapter, a DBA's open transaction):
 * the request fails within the lock timeout, before the kiosk's own deadline, rather
 * than hanging the adapter, and holds nothing.
 */
static void
test_pg_timeouts(struct db *db)
{
	struct kproto_withdraw_result wr;
	struct db *other = NULL;
	unsigned char t[16];
	char err[512];
	int64_t before = count_rows(db, "SELECT count(*) FROM holds");

	CHECK_EQ(count_rows(db, "SELECT setting::int FROM pg_settings WHERE name = "
	    "'statement_timeout'"), 3000);
	CHECK(db_open(path, &other, err, sizeof err) == 0);
	if (other == NULL)
		return;
	CHECK(db_exec(other, "BEGIN; SELECT 1 FROM cards WHERE pan = '" PAN1 "' FOR UPDATE",
	    err, sizeof err) == 0);
	txid_make(t, 92);
	time_t t0 = time(NULL);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 10000, &wr), LEDGER_ERROR);
	CHECK(time(NULL) - t0 <= 4);
	CHECK(log_contains("lock timeout"));
	CHECK(db_exec(other, "ROLLBACK", err, sizeof err) == 0);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds"), before);
	CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 10000, &wr), LEDGER_OK);
	CHECK_EQ(ledger_withdraw_reverse(db, PAN1, t), LEDGER_OK);
	db_close(other);
}

static int
run(const char *script, const char *what, const char *pgdir)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%s %s %s bank >/dev/null", script, what, pgdir);
	return system(cmd);
}

/*
 * The database server crashes and comes back: while it is down every request fails
 * at once (nothing moved), reconnecting is tried no more often than a growing backoff
 * allows and each failure is logged; once it is back, a request reconnects and works.
 */
static void
test_pg_server_restart(const char *script)
{
	struct kproto_withdraw_result wr;
	struct kproto_card_info ci;
	char pgdir[64], spec[600], err[1024];
	struct db *db = NULL;
	unsigned char t[16];
	long long t0;
	int tries = 0;

	/* A name for the server's directory, which pg-server makes for its user. */
	strcpy(pgdir, "/tmp/bankd-pgdown-XXXXXX");
	if (mkdtemp(pgdir) == NULL || rmdir(pgdir) < 0 || run(script, "start", pgdir) != 0) {
		CHECK(!"a second PostgreSQL server starts");
		return;
	}
	snprintf(spec, sizeof spec, "host=%s user=bank dbname=bank", pgdir);
	CHECK(db_init_demo(spec, err, sizeof err) == 0);
	CHECK(db_open(spec, &db, err, sizeof err) == 0);
	if (db != NULL) {
		CHECK_EQ(run(script, "crash", pgdir), 0);
		txid_make(t, 93);
		CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 10000, &wr), LEDGER_ERROR);
		CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_ERROR);
		CHECK(log_contains("cannot reconnect") && log_contains("next try in 250 ms"));
		t0 = (long long)time(NULL);
		CHECK_EQ(ledger_card_open(db, PAN1, &ci), LEDGER_ERROR);
		CHECK((long long)time(NULL) - t0 <= 1);
		CHECK_EQ(run(script, "restart", pgdir), 0);
		while (ledger_card_open(db, PAN1, &ci) != LEDGER_OK && tries++ < 100)
			usleep(50000);
		CHECK(tries < 100);
		CHECK_EQ(ci.status, KPROTO_CARD_OK);
		CHECK_EQ(count_rows(db, "SELECT count(*) FROM holds"), 0);
		CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, 10000, &wr), LEDGER_OK);
		CHECK_EQ(ledger_withdraw_reverse(db, PAN1, t), LEDGER_OK);
		db_close(db);
	}
	run(script, "stop", pgdir);
}

/* The statement's lines of one account, as ledger_statement gives them. */
static struct kproto_statement_lines
statement_of(struct db *db, const char *pan, int account, int *found)
{
	struct kproto_statement_lines sl;

	CHECK_EQ(ledger_statement(db, pan, account, &sl, found), LEDGER_OK);
	return sl;
}

/* Lines newest first whose balances follow from each other, the newest at balance. */
static void
check_lines(const struct kproto_statement_lines *sl, int64_t balance, int line)
{
	int ok = sl->count == 0 || sl->line[0].balance_after_fen == balance;

	for (int i = 1; i < sl->count; i++)
		ok &= sl->line[i].at <= sl->line[i - 1].at &&
		    sl->line[i - 1].balance_after_fen - sl->line[i - 1].amount_fen ==
		    sl->line[i].balance_after_fen;
	if (!ok) {
		fprintf(stderr, "%s:%d: statement lines out of order or not adding up\n",
		    __FILE__, line);
		failures++;
	}
}

/* The demo bank's history adds up to its balances, and statements show it. */
static void
test_demo_history(struct db *db)
{
	struct kproto_statement_lines sl;
	int found;

	/* Every account: its rows sum to its balance, and each row's balance after is
	 * the sum of the rows up to it. */
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM accounts a WHERE balance_fen <> "
	    "(SELECT COALESCE(SUM(amount_fen), 0) FROM ledger l WHERE l.account_id = a.id)"), 0);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger l WHERE balance_after_fen <> "
	    "(SELECT SUM(amount_fen) FROM ledger m WHERE m.account_id = l.account_id AND "
	    "(m.at < l.at OR (m.at = l.at AND m.id <= l.id)))"), 0);
	CHECK_EQ(count_rows(db, "SELECT count(*) FROM ledger WHERE balance_after_fen < 0"), 0);
	CHECK(count_rows(db, "SELECT count(*) FROM ledger l JOIN cards c ON "
	    "c.account_id = l.account_id WHERE c.pan = '" PAN1 "'") > 10);

	/* 张伟's current account: the last ten of its twelve rows, newest first. */
	sl = statement_of(db, PAN1, KPROTO_STATEMENT_CURRENT, &found);
	CHECK_EQ(found, 1);
	CHECK_EQ(sl.count, 10);
	check_lines(&sl, 500000, __LINE__);
	CHECK_EQ(sl.line[0].kind, KPROTO_ENTRY_WITHDRAWAL);
	CHECK_EQ(sl.line[0].amount_fen, -30000);
	CHECK(sl.line[0].at < (uint64_t)time(NULL) &&
	    sl.line[0].at > (uint64_t)time(NULL) - 3 * 86400);
	CHECK_EQ(sl.line[1].kind, KPROTO_ENTRY_TRANSFER_OUT);
	CHECK_EQ(sl.line[2].kind, KPROTO_ENTRY_DEPOSIT);
	CHECK_EQ(sl.line[4].kind, KPROTO_ENTRY_TRANSFER_IN);
	CHECK_EQ(sl.line[9].amount_fen, -100000);
	CHECK(sl.line[9].at > (uint64_t)time(NULL) - 33 * 86400);

	/* His savings account: the transfer to his current account, and its opening. */
	sl = statement_of(db, PAN1, KPROTO_STATEMENT_SAVINGS, &found);
	CHECK_EQ(found, 1);
	CHECK_EQ(sl.count, 2);
	check_lines(&sl, 2000000, __LINE__);
	CHECK(sl.line[0].kind == KPROTO_ENTRY_TRANSFER_OUT && sl.line[0].amount_fen == -100000);
	CHECK(sl.line[1].kind == KPROTO_ENTRY_OTHER && sl.line[1].amount_fen == 2100000);

	/* A few lines for the others; interest is "other". */
	sl = statement_of(db, PAN2, KPROTO_STATEMENT_CURRENT, &found);
	CHECK(found && sl.count >= 3 && sl.count < 10);
	check_lines(&sl, 1234560, __LINE__);
	sl = statement_of(db, PAN2, KPROTO_STATEMENT_SAVINGS, &found);
	CHECK(found && sl.count == 2 && sl.line[0].kind == KPROTO_ENTRY_OTHER);
	check_lines(&sl, 8600000, __LINE__);
	sl = statement_of(db, PAN3, KPROTO_STATEMENT_CURRENT, &found);
	CHECK(found && sl.count >= 3);
	check_lines(&sl, 80000, __LINE__);
	sl = statement_of(db, PAN3, KPROTO_STATEMENT_SAVINGS, &found);
	CHECK(found && sl.count == 1);
}

/* Statements once money moved: the newest first, even within one second. */
static void
test_statement(struct db *db)
{
	struct kproto_statement_lines sl;
	struct kproto_withdraw_result wr;
	struct kproto_balance_info bi;
	unsigned char t[KPROTO_TXID_LEN];
	int found;

	for (int i = 0; i < 2; i++) {
		txid_make(t, 200 + i);
		CHECK_EQ(ledger_withdraw_auth(db, KIOSK, PAN1, t, (i + 1) * 10000, &wr),
		    LEDGER_OK);
		CHECK_EQ(wr.status, KPROTO_WD_APPROVED);
		CHECK_EQ(ledger_withdraw_complete(db, PAN1, t), LEDGER_OK);
	}
	CHECK_EQ(ledger_balance(db, PAN1, &bi), LEDGER_OK);
	sl = statement_of(db, PAN1, KPROTO_STATEMENT_CURRENT, &found);
	CHECK_EQ(sl.count, 10);
	check_lines(&sl, bi.balance_fen, __LINE__);
	CHECK_EQ(sl.line[0].at, (uint64_t)fake_now);
	CHECK_EQ(sl.line[0].amount_fen, -20000);
	CHECK_EQ(sl.line[1].amount_fen, -10000);
	CHECK_EQ(sl.line[0].kind, KPROTO_ENTRY_WITHDRAWAL);

	/* A transfer is a line on each side. */
	struct kproto_transfer_result tr;
	CHECK_EQ(xfer(db, PAN1, 240, 10000, KPROTO_ACCOUNT_CURRENT, KPROTO_ACCOUNT_SAVINGS, NULL,
	    &tr), LEDGER_OK);
	CHECK_EQ(tr.status, KPROTO_XFER_APPROVED);
	sl = statement_of(db, PAN1, KPROTO_STATEMENT_CURRENT, &found);
	check_lines(&sl, bi.balance_fen - 10000, __LINE__);
	CHECK(sl.line[0].kind == KPROTO_ENTRY_TRANSFER_OUT && sl.line[0].amount_fen == -10000);
	sl = statement_of(db, PAN1, KPROTO_STATEMENT_SAVINGS, &found);
	check_lines(&sl, account_balance(db, PAN1, "savings"), __LINE__);
	CHECK(sl.line[0].kind == KPROTO_ENTRY_TRANSFER_IN && sl.line[0].amount_fen == 10000);

	/* A card of no customer has its own account alone, here without any entry. */
	sl = statement_of(db, "6222000000000007", KPROTO_STATEMENT_CURRENT, &found);
	CHECK(found && sl.count == 0);
	sl = statement_of(db, "6222000000000007", KPROTO_STATEMENT_SAVINGS, &found);
	CHECK(!found && sl.count == 0);
}

/* The rules a new PIN must pass, and storing it where the old one still is. */
static void
test_pin_change(struct db *db)
{
	static const struct {
		const char *pin;
		int status;
	} cases[] = {
		{ "0000", KPROTO_PIN_WEAK_REPEATED }, { "888888", KPROTO_PIN_WEAK_REPEATED },
		{ "1234", KPROTO_PIN_WEAK_RUN }, { "9876", KPROTO_PIN_WEAK_RUN },
		{ "3456", KPROTO_PIN_WEAK_RUN }, { "43210", KPROTO_PIN_WEAK_RUN },
		{ "0123456789", KPROTO_PIN_WEAK_RUN }, { "1357", KPROTO_PIN_WEAK_SAME },
		{ "1358", KPROTO_PIN_CHANGED }, { "7890", KPROTO_PIN_CHANGED },
		{ "1212", KPROTO_PIN_CHANGED }, { "1233", KPROTO_PIN_CHANGED },
		{ "2468", KPROTO_PIN_CHANGED }, { "135713", KPROTO_PIN_CHANGED },
	};
	char old_hash[crypto_pwhash_STRBYTES], new_hash[crypto_pwhash_STRBYTES], err[256];
	struct kproto_pin_result pr;
	int checkable;

	CHECK_EQ(ledger_pin_hash(db, PAN3, old_hash, sizeof old_hash, &checkable, &pr),
	    LEDGER_OK);
	CHECK_EQ(checkable, 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (ledger_pin_weakness(cases[i].pin, old_hash) != cases[i].status) {
			fprintf(stderr, "%s:%d: new PIN %s judged %s, expected %s\n", __FILE__,
			    __LINE__, cases[i].pin, kproto_pin_change_status_to_str(
			    ledger_pin_weakness(cases[i].pin, old_hash)),
			    kproto_pin_change_status_to_str(cases[i].status));
			failures++;
		}

	/* The new hash has the cost of the others; stored only over the old one. */
	CHECK_EQ(ledger_pin_change_prepare(old_hash, "2468", new_hash, sizeof new_hash),
	    KPROTO_PIN_CHANGED);
	CHECK(strncmp(new_hash, "$argon2id$", 10) == 0);
	CHECK(crypto_pwhash_str_needs_rehash(new_hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
	CHECK_EQ(ledger_pin_change_prepare(old_hash, "2222", new_hash, sizeof new_hash),
	    KPROTO_PIN_WEAK_REPEATED);
	CHECK_EQ(ledger_pin_change_prepare(old_hash, "2468", new_hash, sizeof new_hash),
	    KPROTO_PIN_CHANGED);
	CHECK_EQ(ledger_pin_store(db, PAN3, new_hash, new_hash), LEDGER_CONFLICT);
	/* Locked while the new PIN was judged: not stored. */
	CHECK(db_exec(db, "UPDATE cards SET status = 'locked' WHERE pan = '" PAN3 "'", err,
	    sizeof err) == 0);
	CHECK_EQ(ledger_pin_store(db, PAN3, old_hash, new_hash), LEDGER_CONFLICT);
	CHECK(db_exec(db, "UPDATE cards SET status = 'active' WHERE pan = '" PAN3 "'", err,
	    sizeof err) == 0);
	CHECK_EQ(ledger_pin_store(db, PAN3, old_hash, new_hash), LEDGER_OK);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "1357", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_WRONG);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "2468", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
	CHECK_EQ(pr.tries_left, 3);
	/* Back as it was, for the tests after. */
	CHECK_EQ(ledger_pin_store(db, PAN3, new_hash, old_hash), LEDGER_OK);
	CHECK_EQ(ledger_pin_verify(db, PAN3, "1357", &pr), LEDGER_OK);
	CHECK_EQ(pr.status, KPROTO_PIN_OK);
}

int
main(int argc, char **argv)
{
	char err[1024];
	struct db *db = NULL;

	if (argc == 4 && strcmp(argv[1], "pg") == 0)
		pg = argv[2];
	else if (argc > 2 || (argc == 2 && strcmp(argv[1], "sqlite") != 0)) {
		fprintf(stderr, "usage: test_bankd_ledger [sqlite | pg CONNINFO PG-SERVER]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	strcpy(dir, "/tmp/bankd-ledger-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(log_path, sizeof log_path, "%s/test.log", dir);
	log_open("test", log_path);
	bank_spec(path, sizeof path, "ledger");
	fake_now = time(NULL);
	ledger_set_clock(fake_clock);

	CHECK(db_init_demo(path, err, sizeof err) == 0);
	CHECK(db_open(path, &db, err, sizeof err) == 0);
	if (db == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	test_demo(db);
	test_demo_history(db);
	test_customer(db);
	test_pin_change(db);
	db = test_pin(db);
	test_withdraw(db);
	test_daily_limit(db);
	test_settle(db);
	test_adapters_share_card(db);
	test_statement(db);
	test_name_mask();
	db = fresh_bank(db);
	test_transfer_choices(db);
	test_transfer(db);
	test_transfer_limit(db);
	test_transfer_atomic(db);
	test_transfer_concurrent(db);
	test_migrate_v3();
	test_profile(db);
	test_migrate_v6();
	db = fresh_bank(db);
	test_card_staff(db);
	test_migrate_v7();
	/* What follows wants the demo's money back. */
	db = fresh_bank(db);
	if (pg != NULL) {
		test_pg_connection_lost(db);
		test_pg_timeouts(db);
		db_close(db);
		test_pg_schema();
		test_migrate_v2();
		test_pg_open_errors();
		test_pg_server_restart(argv[3]);
	} else {
		db_close(db);
		test_open_errors();
		test_upgrade();
		test_sqlite_migrate();
		test_migrate_v2();
	}
	log_close();
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, dir);
		return 1;
	}
	if (pg == NULL)
		remove_bank_file(path);
	unlink(log_path);
	rmdir(dir);
	printf("ok\n");
	return 0;
}
