/*
 * The bank database whatever its backend: choosing the backend from --db, opening,
 * migrating, and the demo bank, written once for both.
 */
#include "ledger_backend.h"

#include "common/log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Card, PIN, holder, current and savings balances, fraud protection, card state,
 * language, large print, speech, large-transaction alert threshold (0: none), the
 * card of the same customer it is a second card of, and whether it awaits activation
 * (its PIN the one of its letter). */
static const struct demo_card db_demo[] = {
	{ "6222000000000017", "1234", "张伟 Zhang Wei", 500000, 2000000, 0,
	    "active", 3, "zh", 0, 0, 0, NULL, 0 },
	/* 78: the bank protects her from scams, and alerts above ¥2,000. */
	{ "6222000000000025", "2580", "李秀英 Li Xiuying", 1234560, 8600000, 1,
	    "active", 3, "zh", 1, 0, 200000, NULL, 0 },
	{ "6222000000000033", "1357", "王芳 Wang Fang", 80000, 320000, 0,
	    "active", 3, "zh", 0, 1, 0, NULL, 0 },
	{ "6222000000000041", "4321", "赵强 Zhao Qiang", 300000, 1000000, 0,
	    "locked", 0, "zh", 0, 0, 0, NULL, 0 },
	{ "6222000000000058", "1111", "刘洋 Liu Yang", 150000, 500000, 0,
	    "lost", 3, "zh", 0, 0, 0, NULL, 0 },
	/* Card services: a new card awaiting activation, and 张伟's second card, which he
	 * can report lost with his first. */
	{ "6222000000000090", "9517", "陈静 Chen Jing", 200000, 600000, 0,
	    "active", 3, "zh", 0, 0, 0, NULL, 1 },
	{ "6222000000000108", "2468", "张伟 Zhang Wei", 0, 0, 0,
	    "active", 3, "zh", 0, 0, 0, "6222000000000017", 0 },
};

/* Saved payees: 张伟 sends money to his mother 李秀英 and to his wife 王芳. */
static const struct {
	const char *pan, *payee_pan;
} db_demo_payees[] = {
	{ "6222000000000017", "6222000000000025" },
	{ "6222000000000017", "6222000000000033" },
};

/*
 * What the demo accounts saw in the weeks before the demo bank was made, oldest first,
 * so that a statement has something to show: 张伟's current account more than a
 * statement's ten lines. Each account starts with an opening entry 45 days back of
 * whatever makes its entries end at the balance above. A transfer between customers
 * is on both sides, at the same minute.
 */
#define DB_DEMO_OPENED_DAYS 45
#define DB_DEMO_ROWS 16

static const struct {
	const char *pan;
	const char *account;                  /* "current" or "savings" */
	const char *kind;                     /* a word of the ledger (ledger_backend.h) */
	int64_t amount_fen;
	int days, minutes;                    /* before the demo bank was made */
} db_demo_history[] = {
	{ "6222000000000017", "current", "deposit", 600000, 34, 600 },       /* salary */
	{ "6222000000000017", "current", "withdrawal", -100000, 32, 300 },
	{ "6222000000000017", "current", "transfer_out", -200000, 29, 480 }, /* to his mother */
	{ "6222000000000025", "current", "transfer_in", 200000, 29, 480 },
	{ "6222000000000017", "current", "withdrawal", -50000, 25, 200 },
	{ "6222000000000017", "current", "transfer_out", -150000, 21, 720 }, /* to his wife */
	{ "6222000000000033", "current", "transfer_in", 150000, 21, 720 },
	{ "6222000000000033", "current", "withdrawal", -100000, 20, 400 },
	{ "6222000000000025", "current", "withdrawal", -100000, 20, 350 },
	{ "6222000000000017", "current", "withdrawal", -200000, 18, 500 },
	{ "6222000000000058", "current", "deposit", 100000, 16, 300 },
	{ "6222000000000025", "savings", "interest", 21500, 15, 0 },
	{ "6222000000000017", "savings", "transfer_out", -100000, 14, 650 },
	{ "6222000000000017", "current", "transfer_in", 100000, 14, 650 },  /* from savings */
	{ "6222000000000041", "current", "withdrawal", -50000, 12, 420 },
	{ "6222000000000017", "current", "withdrawal", -100000, 11, 260 },
	{ "6222000000000025", "current", "deposit", 350000, 10, 540 },      /* pension */
	{ "6222000000000033", "current", "withdrawal", -50000, 9, 380 },
	{ "6222000000000017", "current", "deposit", 600000, 6, 600 },       /* salary */
	{ "6222000000000017", "current", "transfer_out", -200000, 4, 470 },
	{ "6222000000000025", "current", "transfer_in", 200000, 4, 470 },
	{ "6222000000000025", "current", "withdrawal", -50000, 3, 330 },
	{ "6222000000000017", "current", "withdrawal", -30000, 2, 310 },
};

int
db_spec_is_pg(const char *spec)
{
	/* A file name with a '=' in it is still reachable as ./name. */
	return strncmp(spec, "postgresql://", 13) == 0 ||
	    strncmp(spec, "postgres://", 11) == 0 || strchr(spec, '=') != NULL;
}

static struct db *
db_new(const char *spec)
{
	struct db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	db->ops = db_spec_is_pg(spec) ? &ledger_pg_ops : &ledger_sqlite_ops;
	/* A conninfo may hold a password: the backend names the database once connected. */
	snprintf(db->name, sizeof db->name, "%s", db_spec_is_pg(spec) ? "PostgreSQL" : spec);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db->ops->close(db);
	free(db);
}

const char *
db_name(const struct db *db)
{
	return db->name;
}

int
db_connect(const char *spec, struct db **dbp, char *err, size_t errlen)
{
	struct db *db = db_new(spec);

	*dbp = NULL;
	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (db->ops->open(db, spec, err, errlen) < 0) {
		db_close(db);
		return -1;
	}
	*dbp = db;
	return 0;
}

int
db_open(const char *spec, struct db **dbp, char *err, size_t errlen)
{
	if (db_connect(spec, dbp, err, errlen) < 0)
		return -1;
	ledger_log_open_holds(*dbp);
	return 0;
}

int
db_migrate(const char *spec, char *err, size_t errlen)
{
	struct db *db = db_new(spec);
	int rv;

	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rv = db->ops->migrate(db, spec, err, errlen);
	db_close(db);
	return rv;
}

/* The opening entry and the history of one demo account, ending at its balance. */
static int
db_demo_account_history(struct db *db, const char *pan, const struct account_row *a,
    int64_t now)
{
	struct entry_row rows[DB_DEMO_ROWS];
	int64_t balance = a->balance_fen;
	int n = 1;

	for (size_t i = 0; i < sizeof db_demo_history / sizeof db_demo_history[0]; i++) {
		if (strcmp(db_demo_history[i].pan, pan) != 0 ||
		    strcmp(db_demo_history[i].account, a->kind) != 0)
			continue;
		if (n == DB_DEMO_ROWS)
			return -1;
		snprintf(rows[n].kind, sizeof rows[n].kind, "%s", db_demo_history[i].kind);
		rows[n].amount_fen = db_demo_history[i].amount_fen;
		rows[n].at = now - (int64_t)db_demo_history[i].days * 86400 -
		    (int64_t)db_demo_history[i].minutes * 60;
		balance -= rows[n].amount_fen;
		n++;
	}
	snprintf(rows[0].kind, sizeof rows[0].kind, "opening");
	rows[0].amount_fen = rows[0].balance_after_fen = balance;
	rows[0].at = now - (int64_t)DB_DEMO_OPENED_DAYS * 86400;
	for (int i = 1; i < n; i++)
		rows[i].balance_after_fen = rows[i - 1].balance_after_fen + rows[i].amount_fen;
	/* An account that would have been overdrawn on the way is a mistake in the table. */
	for (int i = 0; i < n; i++)
		if (rows[i].balance_after_fen < 0) {
			log_warnx("demo bank: the history of %s's %s account goes below zero",
			    pan, a->kind);
			return -1;
		}
	return db->ops->demo_entries(db, a->id, rows, n);
}

static int
db_demo_histories(struct db *db, int64_t now)
{
	struct account_row a[LEDGER_ACCOUNTS_MAX];

	for (size_t i = 0; i < sizeof db_demo / sizeof db_demo[0]; i++) {
		if (db_demo[i].owner_pan != NULL)
			continue;  /* its accounts are its first card's */
		int n = db->ops->card_accounts(db, db_demo[i].pan, a, LEDGER_ACCOUNTS_MAX);
		if (n < 0)
			return -1;
		for (int k = 0; k < n; k++)
			if (db_demo_account_history(db, db_demo[i].pan, &a[k], now) < 0)
				return -1;
	}
	return 0;
}

int
db_init_demo(const char *spec, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct db *db = db_new(spec);
	int64_t now = (int64_t)time(NULL);
	int rv = -1;

	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* One transaction: the demo bank appears whole or not at all. */
	if (db->ops->create(db, spec, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < sizeof db_demo / sizeof db_demo[0]; i++) {
		if (ledger_pin_hash_make(hash, sizeof hash, db_demo[i].pin) < 0) {
			snprintf(err, errlen, "PIN hashing failed (out of memory?)");
			goto out;
		}
		if (db->ops->demo_add(db, &db_demo[i], hash, now) < 0)
			goto write_failed;
	}
	if (db_demo_histories(db, now) < 0)
		goto write_failed;
	for (size_t i = 0; i < sizeof db_demo_payees / sizeof db_demo_payees[0]; i++)
		if (db->ops->demo_payee(db, db_demo_payees[i].pan, db_demo_payees[i].payee_pan,
		    (int)i + 1) < 0)
			goto write_failed;
	/* A staff member for staff-assisted mode (README). */
	if (ledger_staff_add(db, "0042", "8642") < 0)
		goto write_failed;
	if (db->ops->commit(db) < 0)
		goto write_failed;
	log_info("demo bank written to %s (%zu cards)", db->name,
	    sizeof db_demo / sizeof db_demo[0]);
	rv = 0;
	goto out;
write_failed:
	snprintf(err, errlen, "%s: cannot write the demo bank (see the log)", db->name);
out:
	sodium_memzero(hash, sizeof hash);
	db_close(db);
	return rv;
}

int
db_exec(struct db *db, const char *sql, char *err, size_t errlen)
{
	return db->ops->exec(db, sql, err, errlen);
}

int
db_query_int(struct db *db, const char *sql, int64_t *out)
{
	return db->ops->query_int(db, sql, out);
}

int
db_schema_version(struct db *db)
{
	int v;

	return db->ops->schema_version(db, &v) < 0 ? -1 : v;
}
