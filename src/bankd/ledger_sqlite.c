/*
 * The SQLite backend: one bank file beside one kiosk. Its schema, opening with the
 * checks that turn SQLite's terse errors into something branch IT can act on, and the
 * SQL of the ledger's rows. Each transaction is BEGIN IMMEDIATE: SQLite locks the whole
 * file, so the ops' row locks need nothing more.
 */
#include "ledger_backend.h"

#include "common/log.h"

#include <sys/stat.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DB_BUSY_MS 2000

/*
 * Migration i brings the schema from version i to i + 1; a new file runs them all.
 * Warning: never edit one that has shipped; add the next, and raise
 * BANKD_SCHEMA_VERSION with it (ledger_pg.c has the same list for PostgreSQL).
 */
static const char *const sq_migrations[] = {
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  holder TEXT NOT NULL,"
	"  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),"
	"  currency TEXT NOT NULL DEFAULT 'CNY');"
	"CREATE TABLE cards ("
	"  pan TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  pin_hash TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('active', 'locked', 'lost')),"
	"  tries_left INTEGER NOT NULL CHECK (tries_left BETWEEN 0 AND 3),"
	"  lang TEXT NOT NULL DEFAULT '',"
	"  large_print INTEGER NOT NULL DEFAULT 0,"
	"  speech INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE holds ("
	"  txid TEXT PRIMARY KEY,"
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
	"  state TEXT NOT NULL CHECK (state IN ('held', 'completed', 'reversed')),"
	"  created INTEGER NOT NULL,"
	"  settled INTEGER);"
	"CREATE INDEX holds_pan_created ON holds (pan, created);"
	"CREATE TABLE ledger ("
	"  id INTEGER PRIMARY KEY,"
	"  txid TEXT,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  kind TEXT NOT NULL,"
	"  amount_fen INTEGER NOT NULL,"
	"  balance_after_fen INTEGER NOT NULL,"
	"  at INTEGER NOT NULL);"
	/* The last line of defence against paying one withdrawal twice. */
	"CREATE UNIQUE INDEX ledger_txid_kind ON ledger (txid, kind) WHERE txid IS NOT NULL;",

	/* Holds remember the kiosk that made them, so that only it settles them after a
	 * restart. Older holds get no kiosk: branch staff settle those by hand. */
	"ALTER TABLE holds ADD COLUMN kiosk_id TEXT;"
	"CREATE INDEX holds_open ON holds (kiosk_id) WHERE state = 'held';",

	/* Customers own a current account (their cards') and a savings account, and may
	 * be protected from fraud; cards have saved payees. Each existing account becomes
	 * the current account of a customer of its own, unprotected, without payees. */
	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  fraud_protect INTEGER NOT NULL DEFAULT 0 CHECK (fraud_protect IN (0, 1)));"
	"ALTER TABLE accounts ADD COLUMN customer_id INTEGER REFERENCES customers(id);"
	"ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT 'current'"
	"  CHECK (kind IN ('current', 'savings'));"
	"INSERT INTO customers (id, name) SELECT id, holder FROM accounts;"
	"UPDATE accounts SET customer_id = id;"
	"CREATE UNIQUE INDEX accounts_customer_kind ON accounts (customer_id, kind);"
	"CREATE TABLE payees ("
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  payee_pan TEXT NOT NULL REFERENCES cards(pan),"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (pan, payee_pan),"
	"  CHECK (payee_pan <> pan));",

	/* Transfers: each card may send so much to payees a day and may have an alert
	 * threshold of its own; every TRANSFER answered is kept under its txid, refusals
	 * too, so that a retry gets the first answer. Its money moves in ledger rows. */
	"ALTER TABLE cards ADD COLUMN transfer_limit_fen INTEGER NOT NULL DEFAULT 5000000"
	"  CHECK (transfer_limit_fen >= 0);"
	"ALTER TABLE cards ADD COLUMN large_threshold_fen INTEGER"
	"  CHECK (large_threshold_fen > 0);"
	"CREATE TABLE transfers ("
	"  txid TEXT PRIMARY KEY,"
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  amount_fen INTEGER NOT NULL,"
	"  from_kind INTEGER NOT NULL,"
	"  to_kind INTEGER,"
	"  to_pan TEXT,"
	"  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),"
	"  available_after_fen INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  kiosk_id TEXT,"
	"  CHECK ((to_kind IS NULL) <> (to_pan IS NULL)));"
	"CREATE INDEX transfers_pan_created ON transfers (pan, created);"
	"CREATE INDEX transfers_paid ON transfers (pan, to_pan) WHERE status = 0;",

	/* Staff: badges with a PIN hashed as cards' are and their own lockout, and every
	 * call for staff a kiosk made, for the branch. */
	"CREATE TABLE staff ("
	"  id TEXT PRIMARY KEY,"
	"  pin_hash TEXT NOT NULL,"
	"  tries_left INTEGER NOT NULL DEFAULT 3 CHECK (tries_left BETWEEN 0 AND 3));"
	"CREATE TABLE staff_calls ("
	"  id INTEGER PRIMARY KEY,"
	"  kiosk_id TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  at INTEGER NOT NULL);",

	/* The settings a customer asked to have remembered for a card, besides its
	 * language, large print and speech: a row only for a card that has them. */
	"CREATE TABLE card_profiles ("
	"  pan TEXT PRIMARY KEY REFERENCES cards(pan),"
	"  volume INTEGER NOT NULL CHECK (volume BETWEEN 1 AND 8),"
	"  rate INTEGER NOT NULL CHECK (rate BETWEEN 1 AND 7),"
	"  text_size INTEGER NOT NULL CHECK (text_size BETWEEN 1 AND 8),"
	"  theme TEXT NOT NULL DEFAULT '');",

	/* Card services: a new card awaits activation with the PIN of its letter until
	 * its customer sets their own; a card reported lost says with which card, where
	 * and when. */
	"CREATE TABLE card_activations ("
	"  pan TEXT PRIMARY KEY REFERENCES cards(pan),"
	"  issued INTEGER NOT NULL);"
	"CREATE TABLE card_losses ("
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  reported_with TEXT NOT NULL REFERENCES cards(pan),"
	"  kiosk_id TEXT,"
	"  at INTEGER NOT NULL);",

	/* Card services a member of staff opens: a locked card unlocked or a forgotten
	 * PIN reset, each with a new PIN, and a card cancelled, all recorded with the
	 * kiosk and the staff member. Cards gain the state 'cancelled'; SQLite changes no
	 * CHECK in place, so the table is built again with its rows, and the foreign keys
	 * onto it are checked at COMMIT, once the rows are back. */
	"PRAGMA defer_foreign_keys = ON;"
	"CREATE TEMP TABLE cards_v7 AS SELECT * FROM cards;"
	"DROP TABLE cards;"
	"CREATE TABLE cards ("
	"  pan TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  pin_hash TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('active', 'locked', 'lost', 'cancelled')),"
	"  tries_left INTEGER NOT NULL CHECK (tries_left BETWEEN 0 AND 3),"
	"  lang TEXT NOT NULL DEFAULT '',"
	"  large_print INTEGER NOT NULL DEFAULT 0,"
	"  speech INTEGER NOT NULL DEFAULT 0,"
	"  transfer_limit_fen INTEGER NOT NULL DEFAULT 5000000"
	"    CHECK (transfer_limit_fen >= 0),"
	"  large_threshold_fen INTEGER CHECK (large_threshold_fen > 0));"
	"INSERT INTO cards (pan, account_id, pin_hash, status, tries_left, lang, large_print,"
	"  speech, transfer_limit_fen, large_threshold_fen)"
	"  SELECT pan, account_id, pin_hash, status, tries_left, lang, large_print, speech,"
	"  transfer_limit_fen, large_threshold_fen FROM cards_v7;"
	"DROP TABLE cards_v7;"
	"CREATE TABLE card_pin_resets ("
	"  id INTEGER PRIMARY KEY,"
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  kiosk_id TEXT,"
	"  staff_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('unlock', 'reset')));"
	"CREATE TABLE card_cancellations ("
	"  pan TEXT PRIMARY KEY REFERENCES cards(pan),"
	"  kiosk_id TEXT,"
	"  staff_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL);",
};

_Static_assert(sizeof sq_migrations / sizeof sq_migrations[0] == BANKD_SCHEMA_VERSION,
    "one migration per schema version");

static int
sq_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	const char *tail = sql;

	while (tail != NULL && *tail != '\0') {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(db));
			return -1;
		}
		if (st == NULL)  /* trailing whitespace */
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(db));
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* One text or integer value from a single-row statement such as a PRAGMA. */
static int
sq_query_value(sqlite3 *db, const char *sql, char *out, size_t outsz, int *rcp)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);
			snprintf(out, outsz, "%s", t != NULL ? (const char *)t : "");
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			out[0] = '\0';
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	*rcp = rc;
	return rc == SQLITE_OK ? 0 : -1;
}

/* What a failing SQLite call means for whoever has to fix the bank file. */
static const char *
sq_explain(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		return "not a SQLite database (damaged, or the wrong file)";
	case SQLITE_CORRUPT:
		return "the database is corrupt";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "the database is locked by another process";
	case SQLITE_READONLY:
		return "the database is read-only (the file and its directory must be "
		    "writable)";
	case SQLITE_CANTOPEN:
		return "cannot open the database file";
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return "permission denied";
	case SQLITE_FULL:
		return "the disk is full";
	case SQLITE_IOERR:
		return "input/output error";
	}
	return NULL;
}

static int
sq_fail(sqlite3 *db, const char *path, int rc, const char *what, char *err, size_t errlen)
{
	const char *why = sq_explain(rc);

	snprintf(err, errlen, "%s: %s%s%s", path, why != NULL ? why : what,
	    why != NULL ? "; SQLite says: " : ": ", db != NULL ? sqlite3_errmsg(db) :
	    sqlite3_errstr(rc));
	return -1;
}

static int
sq_setup(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char v[64];
	int rc;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	if (sq_query_value(db, "PRAGMA journal_mode=WAL", v, sizeof v, &rc) < 0)
		return sq_fail(db, path, rc, "cannot set WAL mode", err, errlen);
	if (strcmp(v, "wal") != 0) {
		snprintf(err, errlen, "%s: cannot switch to WAL mode (journal mode is %s)", path,
		    v);
		return -1;
	}
	/* FULL: a debit acknowledged to the kiosk must survive a power cut. */
	if (sq_query_value(db, "PRAGMA synchronous=FULL", v, sizeof v, &rc) < 0 ||
	    sq_query_value(db, "PRAGMA foreign_keys=ON", v, sizeof v, &rc) < 0)
		return sq_fail(db, path, rc, "cannot set pragmas", err, errlen);
	return 0;
}

/* Inside a transaction: the migrations from version from on, and the new version. */
static int
sq_apply(sqlite3 *db, int from, char *msg, size_t msglen)
{
	char version[64];

	for (int v = from; v < BANKD_SCHEMA_VERSION; v++)
		if (sq_exec(db, sq_migrations[v], msg, msglen) < 0)
			return -1;
	snprintf(version, sizeof version, "PRAGMA user_version = %d", BANKD_SCHEMA_VERSION);
	return sq_exec(db, version, msg, msglen);
}

/* An older file is brought to the current version in one transaction, or left as it was. */
static int
sq_upgrade(sqlite3 *db, const char *path, int from, char *err, size_t errlen)
{
	char msg[256];

	if (from == BANKD_SCHEMA_VERSION)
		return 0;
	if (sq_exec(db, "BEGIN IMMEDIATE", msg, sizeof msg) < 0 ||
	    sq_apply(db, from, msg, sizeof msg) < 0 ||
	    sq_exec(db, "COMMIT", msg, sizeof msg) < 0) {
		const char *why = sq_explain(sqlite3_extended_errcode(db));
		snprintf(err, errlen, "%s: cannot upgrade the schema to version %d: %s", path,
		    BANKD_SCHEMA_VERSION, why != NULL ? why : msg);
		if (!sqlite3_get_autocommit(db))
			sq_exec(db, "ROLLBACK", msg, sizeof msg);
		return -1;
	}
	log_info("%s: schema upgraded from version %d to %d", path, from,
	    BANKD_SCHEMA_VERSION);
	return 0;
}

/* The checks of an existing bank file, up to knowing that it is ours; *vp gets its
 * schema version. */
static int
sq_open_file(const char *path, sqlite3 **dbp, int *vp, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	struct stat st;
	char v[256];
	int rc;

	*dbp = NULL;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s: no such bank file (create the demo bank with "
			    "kiosk-bankd --db %s --init-demo)", path, path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		sq_fail(db, path, rc, "cannot open", err, errlen);
		goto fail;
	}
	/* SQLite quietly falls back to read-only; a bank that cannot write must not start. */
	if (sqlite3_db_readonly(db, "main") == 1) {
		snprintf(err, errlen, "%s: %s", path, sq_explain(SQLITE_READONLY));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	if (sq_query_value(db, "PRAGMA quick_check", v, sizeof v, &rc) < 0) {
		sq_fail(db, path, rc, "integrity check failed", err, errlen);
		goto fail;
	}
	if (strcmp(v, "ok") != 0) {
		/* SQLite reports one problem per line; the log takes one line. */
		for (char *nl = strchr(v, '\n'); nl != NULL; nl = strchr(nl, '\n'))
			*nl = ' ';
		snprintf(err, errlen, "%s: the database is corrupt (%s)", path, v);
		goto fail;
	}
	if (sq_query_value(db, "PRAGMA user_version", v, sizeof v, &rc) < 0) {
		sq_fail(db, path, rc, "cannot read the schema version", err, errlen);
		goto fail;
	}
	if (atoi(v) < 1 || atoi(v) > BANKD_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: not a kiosk bank file (schema version %s, expected "
		    "%d); create one with --init-demo", path, v, BANKD_SCHEMA_VERSION);
		goto fail;
	}
	/* Only now that the file is known to be ours may its journal mode change. */
	if (sq_setup(db, path, err, errlen) < 0)
		goto fail;
	*vp = atoi(v);
	*dbp = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

/* An older file is upgraded as it opens: one kiosk, one file, nobody else to wait for. */
static int
sq_open(struct db *d, const char *path, char *err, size_t errlen)
{
	sqlite3 *db;
	char v[256];
	int version;

	if (sq_open_file(path, &db, &version, err, errlen) < 0)
		return -1;
	if (sq_upgrade(db, path, version, err, errlen) < 0)
		goto fail;
	/* Take the write lock once now, so "locked" is reported at start, not mid-card. */
	if (sq_exec(db, "BEGIN IMMEDIATE; ROLLBACK;", v, sizeof v) < 0) {
		sq_fail(db, path, sqlite3_extended_errcode(db), "cannot write", err, errlen);
		goto fail;
	}
	d->priv = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

static int
sq_migrate(struct db *d, const char *path, char *err, size_t errlen)
{
	struct stat st;
	char msg[512];

	if (stat(path, &st) < 0 && errno == ENOENT) {
		/* No file yet: an empty bank at the current version. */
		if (d->ops->create(d, path, err, errlen) < 0)
			return -1;
		if (sq_exec(d->priv, "COMMIT", msg, sizeof msg) < 0) {
			snprintf(err, errlen, "%s: cannot write the schema: %s", path, msg);
			return -1;
		}
		log_info("%s: schema version %d created", path, BANKD_SCHEMA_VERSION);
		return 0;
	}
	return sq_open(d, path, err, errlen);
}

static void
sq_close(struct db *d)
{
	if (d->priv != NULL)
		sqlite3_close(d->priv);
	d->priv = NULL;
}

static int
sq_create(struct db *d, const char *path, char *err, size_t errlen)
{
	static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
	char p[4096], msg[512];
	sqlite3 *db = NULL;
	int rc;

	/* A WAL left by the old file would be replayed into the new one. */
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		if (unlink(p) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: cannot remove: %s", p, strerror(errno));
			return -1;
		}
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		sq_fail(db, path, rc, "cannot create", err, errlen);
		sqlite3_close(db);
		return -1;
	}
	if (sq_setup(db, path, err, errlen) < 0)
		goto fail;
	if (sq_exec(db, "BEGIN", msg, sizeof msg) < 0 || sq_apply(db, 0, msg, sizeof msg) < 0) {
		snprintf(err, errlen, "%s: cannot write the schema: %s", path, msg);
		goto fail;
	}
	d->priv = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

static int
sq_db_exec(struct db *d, const char *sql, char *err, size_t errlen)
{
	return sq_exec(d->priv, sql, err, errlen);
}

/* ---- the ledger's rows ----------------------------------------------------------- */

static sqlite3_stmt *
sq_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("ledger: prepare failed: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Steps a statement that returns no rows, and finalizes it. */
static int
sq_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warnx("ledger: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int
sq_simple(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = sq_prepare(db, sql);

	return st != NULL ? sq_done(db, st) : -1;
}

static int
sq_begin(struct db *d)
{
	return sq_simple(d->priv, "BEGIN IMMEDIATE");
}

static int
sq_commit(struct db *d)
{
	if (sq_simple(d->priv, "COMMIT") == 0)
		return 0;
	sq_simple(d->priv, "ROLLBACK");
	return -1;
}

static void
sq_rollback(struct db *d)
{
	if (!sqlite3_get_autocommit(d->priv))
		sq_simple(d->priv, "ROLLBACK");
}

static void
copy_text(char *out, size_t outsz, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, outsz, "%s", t != NULL ? (const char *)t : "");
}

/* Steps a one-row query: 1 row, 0 none, -1 error (logged with what). */
static int
sq_row(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	}
	log_warnx("ledger: %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

static int
sq_query_int(struct db *d, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = sq_prepare(d->priv, sql);
	int rv;

	if (st == NULL)
		return -1;
	if ((rv = sq_row(d->priv, st, "query")) == 1)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rv == 1 ? 0 : -1;
}

static int
sq_schema_version(struct db *d, int *out)
{
	int64_t v;

	if (sq_query_int(d, "PRAGMA user_version", &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int
sq_card_load(struct db *d, const char *pan, int lock, struct card_row *r)
{
	sqlite3 *db = d->priv;
	sqlite3_stmt *st = sq_prepare(db,
	    "SELECT c.account_id, a.balance_fen, c.status, c.tries_left, c.lang, "
	    "c.large_print, c.speech, a.holder, a.currency, "
	    "COALESCE((SELECT fraud_protect FROM customers WHERE id = a.customer_id), 0), "
	    "c.transfer_limit_fen, COALESCE(c.large_threshold_fen, 0), "
	    "COALESCE(p.volume, 0), COALESCE(p.rate, 0), COALESCE(p.text_size, 0), "
	    "COALESCE(p.theme, '') "
	    "FROM cards c JOIN accounts a ON a.id = c.account_id "
	    "LEFT JOIN card_profiles p ON p.pan = c.pan WHERE c.pan = ?");
	int rv;

	(void)lock;
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	if ((rv = sq_row(db, st, "card lookup")) == 1) {
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
		r->fraud_protect = sqlite3_column_int(st, 9);
		r->transfer_limit_fen = sqlite3_column_int64(st, 10);
		r->large_threshold_fen = sqlite3_column_int64(st, 11);
		r->volume = sqlite3_column_int(st, 12);
		r->rate = sqlite3_column_int(st, 13);
		r->text_size = sqlite3_column_int(st, 14);
		copy_text(r->theme, sizeof r->theme, st, 15);
	}
	sqlite3_finalize(st);
	return rv;
}

static int
sq_card_accounts(struct db *d, const char *pan, struct account_row *out, int max)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT a.id, a.kind, a.balance_fen, "
	    "a.currency FROM cards c JOIN accounts own ON own.id = c.account_id "
	    "JOIN accounts a ON a.id = own.id OR a.customer_id = own.customer_id "
	    "WHERE c.pan = ? ORDER BY a.id <> own.id, a.kind, a.id LIMIT ?");
	int n = 0, rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while ((rv = sq_row(d->priv, st, "accounts")) == 1) {
		out[n].id = sqlite3_column_int64(st, 0);
		copy_text(out[n].kind, sizeof out[n].kind, st, 1);
		out[n].balance_fen = sqlite3_column_int64(st, 2);
		copy_text(out[n].currency, sizeof out[n].currency, st, 3);
		n++;
	}
	sqlite3_finalize(st);
	return rv < 0 ? -1 : n;
}

static int
sq_card_payees(struct db *d, const char *pan, struct ledger_payee *out, int max)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT p.payee_pan, a.holder FROM payees p "
	    "JOIN cards c ON c.pan = p.payee_pan JOIN accounts a ON a.id = c.account_id "
	    "WHERE p.pan = ? ORDER BY p.position, p.payee_pan LIMIT ?");
	int n = 0, rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while ((rv = sq_row(d->priv, st, "payees")) == 1) {
		copy_text(out[n].pan, sizeof out[n].pan, st, 0);
		copy_text(out[n].holder, sizeof out[n].holder, st, 1);
		n++;
	}
	sqlite3_finalize(st);
	return rv < 0 ? -1 : n;
}

static int
sq_card_pin_hash(struct db *d, const char *pan, char *hash, size_t hashsz)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT pin_hash FROM cards WHERE pan = ?");
	int rv = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	if (sq_row(d->priv, st, "PIN hash") == 1) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t != NULL && strlen((const char *)t) < hashsz) {
			memcpy(hash, t, strlen((const char *)t) + 1);
			rv = 0;
		}
	}
	sqlite3_finalize(st);
	return rv;
}

static int
sq_card_set_tries(struct db *d, const char *pan, int tries)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE cards SET tries_left = ?, "
	    "status = CASE WHEN ? = 0 THEN 'locked' ELSE status END WHERE pan = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, tries);
	sqlite3_bind_int(st, 2, tries);
	sqlite3_bind_text(st, 3, pan, -1, SQLITE_STATIC);
	return sq_done(d->priv, st);
}

static int
sq_sum(sqlite3 *db, sqlite3_stmt *st, int64_t *out)
{
	int rv = sq_row(db, st, "sum");

	if (rv == 1)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rv == 1 ? 0 : -1;
}

static int
sq_account_held(struct db *d, int64_t account_id, int64_t *out)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT COALESCE(SUM(h.amount_fen), 0) "
	    "FROM holds h JOIN cards c ON c.pan = h.pan "
	    "WHERE c.account_id = ? AND h.state = 'held'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, account_id);
	return sq_sum(d->priv, st, out);
}

/* A sum over pan's rows created in [from, to): sql takes pan, from and to. */
static int
sq_card_sum(struct db *d, const char *sql, const char *pan, int64_t from, int64_t to,
    int64_t *out)
{
	sqlite3_stmt *st = sq_prepare(d->priv, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	return sq_sum(d->priv, st, out);
}

static int
sq_card_withdrawn(struct db *d, const char *pan, int64_t from, int64_t to, int64_t *out)
{
	return sq_card_sum(d, "SELECT COALESCE(SUM(amount_fen), 0) FROM holds WHERE pan = ? "
	    "AND state IN ('held', 'completed') AND created >= ? AND created < ?", pan, from,
	    to, out);
}

static int
sq_hold_load(struct db *d, const char *txhex, int lock, struct hold_row *h)
{
	sqlite3_stmt *st = sq_prepare(d->priv,
	    "SELECT pan, amount_fen, state, kiosk_id FROM holds WHERE txid = ?");
	int rv;

	(void)lock;
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	if ((rv = sq_row(d->priv, st, "hold lookup")) == 1) {
		copy_text(h->pan, sizeof h->pan, st, 0);
		h->amount_fen = sqlite3_column_int64(st, 1);
		copy_text(h->state, sizeof h->state, st, 2);
		h->has_kiosk = sqlite3_column_type(st, 3) != SQLITE_NULL;
		copy_text(h->kiosk_id, sizeof h->kiosk_id, st, 3);
	}
	sqlite3_finalize(st);
	return rv;
}

static int
sq_hold_insert(struct db *d, const char *txhex, const char *pan, int64_t amount_fen,
    int64_t created, const char *kiosk_id)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "INSERT INTO holds (txid, pan, amount_fen, "
	    "state, created, settled, kiosk_id) VALUES (?, ?, ?, 'held', ?, NULL, ?)");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, amount_fen);
	sqlite3_bind_int64(st, 4, created);
	sqlite3_bind_text(st, 5, kiosk_id, -1, SQLITE_STATIC);
	return sq_done(d->priv, st);
}

static int
sq_hold_set_state(struct db *d, const char *txhex, const char *state, int64_t settled)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE holds SET state = ?, settled = ? "
	    "WHERE txid = ? AND state = 'held'");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, settled);
	sqlite3_bind_text(st, 3, txhex, -1, SQLITE_STATIC);
	if (sq_done(d->priv, st) < 0)
		return -1;
	return sqlite3_changes(d->priv) == 1 ? 0 : -1;
}

static int
sq_account_debit(struct db *d, int64_t account_id, const char *txhex, int64_t amount_fen,
    int64_t balance_after_fen, int64_t at)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE accounts SET balance_fen = "
	    "balance_fen - ? WHERE id = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, amount_fen);
	sqlite3_bind_int64(st, 2, account_id);
	if (sq_done(d->priv, st) < 0)
		return -1;
	if ((st = sq_prepare(d->priv, "INSERT INTO ledger (txid, account_id, kind, "
	    "amount_fen, balance_after_fen, at) VALUES (?, ?, 'withdrawal', ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account_id);
	sqlite3_bind_int64(st, 3, -amount_fen);
	sqlite3_bind_int64(st, 4, balance_after_fen);
	sqlite3_bind_int64(st, 5, at);
	return sq_done(d->priv, st);
}

static int
sq_transfer_load(struct db *d, const char *txhex, struct transfer_row *t)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT pan, amount_fen, from_kind, "
	    "COALESCE(to_kind, -1), COALESCE(to_pan, ''), status, available_after_fen, "
	    "created, COALESCE(kiosk_id, '') FROM transfers WHERE txid = ?");
	int rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	if ((rv = sq_row(d->priv, st, "transfer lookup")) == 1) {
		memset(t, 0, sizeof *t);
		copy_text(t->pan, sizeof t->pan, st, 0);
		t->amount_fen = sqlite3_column_int64(st, 1);
		t->from_kind = sqlite3_column_int(st, 2);
		t->to_kind = sqlite3_column_int(st, 3);
		copy_text(t->to_pan, sizeof t->to_pan, st, 4);
		t->status = sqlite3_column_int(st, 5);
		t->available_after_fen = sqlite3_column_int64(st, 6);
		t->created = sqlite3_column_int64(st, 7);
		copy_text(t->kiosk_id, sizeof t->kiosk_id, st, 8);
	}
	sqlite3_finalize(st);
	return rv;
}

static int
sq_transfer_insert(struct db *d, const char *txhex, const struct transfer_row *t)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "INSERT INTO transfers (txid, pan, amount_fen, "
	    "from_kind, to_kind, to_pan, status, available_after_fen, created, kiosk_id) "
	    "VALUES (?, ?, ?, ?, NULLIF(?, -1), NULLIF(?, ''), ?, ?, ?, ?)");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->pan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->amount_fen);
	sqlite3_bind_int(st, 4, t->from_kind);
	sqlite3_bind_int(st, 5, t->to_kind);
	sqlite3_bind_text(st, 6, t->to_pan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, t->status);
	sqlite3_bind_int64(st, 8, t->available_after_fen);
	sqlite3_bind_int64(st, 9, t->created);
	sqlite3_bind_text(st, 10, t->kiosk_id, -1, SQLITE_STATIC);
	return sq_done(d->priv, st);
}

static int
sq_card_transferred(struct db *d, const char *pan, int64_t from, int64_t to, int64_t *out)
{
	return sq_card_sum(d, "SELECT COALESCE(SUM(amount_fen), 0) FROM transfers "
	    "WHERE pan = ? AND status = 0 AND to_pan IS NOT NULL AND created >= ? "
	    "AND created < ?", pan, from, to, out);
}

static int
sq_card_paid(struct db *d, const char *pan, const char *payee_pan)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT EXISTS (SELECT 1 FROM transfers "
	    "WHERE pan = ? AND to_pan = ? AND status = 0)");
	int64_t paid = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payee_pan, -1, SQLITE_STATIC);
	return sq_sum(d->priv, st, &paid) < 0 ? -1 : paid != 0;
}

/* BEGIN IMMEDIATE already holds the whole file. */
static int
sq_transfer_lock(struct db *d, const char *pan, int64_t a, int64_t b)
{
	(void)d;
	(void)pan;
	(void)a;
	(void)b;
	return 0;
}

/* One leg: the account's balance moves by delta, and its ledger row says so. */
static int
sq_leg(sqlite3 *db, int64_t account_id, const char *txhex, const char *kind, int64_t delta,
    int64_t at, int64_t *after)
{
	sqlite3_stmt *st = sq_prepare(db, "UPDATE accounts SET balance_fen = balance_fen + ? "
	    "WHERE id = ? RETURNING balance_fen");
	int rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, delta);
	sqlite3_bind_int64(st, 2, account_id);
	if ((rv = sq_row(db, st, "transfer leg")) == 1)
		*after = sqlite3_column_int64(st, 0);
	/* RETURNING: the row's change is done only when the statement is. */
	if (rv == 1 && sqlite3_step(st) != SQLITE_DONE) {
		log_warnx("ledger: transfer leg: %s", sqlite3_errmsg(db));
		rv = -1;
	}
	sqlite3_finalize(st);
	if (rv != 1)
		return -1;
	if ((st = sq_prepare(db, "INSERT INTO ledger (txid, account_id, kind, amount_fen, "
	    "balance_after_fen, at) VALUES (?, ?, ?, ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, txhex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account_id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, delta);
	sqlite3_bind_int64(st, 5, *after);
	sqlite3_bind_int64(st, 6, at);
	return sq_done(db, st);
}

static int
sq_account_transfer(struct db *d, int64_t from, int64_t to, const char *txhex,
    int64_t amount_fen, int64_t at)
{
	int64_t after;

	if (sq_leg(d->priv, from, txhex, "transfer_out", -amount_fen, at, &after) < 0)
		return -1;
	return sq_leg(d->priv, to, txhex, "transfer_in", amount_fen, at, &after);
}

static int
sq_open_holds(struct db *d, void (*fn)(void *, const char *, int64_t, int64_t), void *arg)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT kiosk_id, COUNT(*), SUM(amount_fen) "
	    "FROM holds WHERE state = 'held' GROUP BY kiosk_id ORDER BY kiosk_id");
	int rv;

	if (st == NULL)
		return -1;
	while ((rv = sq_row(d->priv, st, "open holds")) == 1)
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	return rv;
}

/* A demo account of customer and its opening ledger row; *id gets the account's. */
static int
sq_demo_account(sqlite3 *db, sqlite3_int64 customer, const char *holder, const char *kind,
    int64_t balance_fen, int64_t at, sqlite3_int64 *id)
{
	sqlite3_stmt *st;

	if ((st = sq_prepare(db, "INSERT INTO accounts (holder, balance_fen, currency, "
	    "customer_id, kind) VALUES (?, ?, ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, holder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, balance_fen);
	sqlite3_bind_text(st, 3, BANKD_CURRENCY, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, customer);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	if (sq_done(db, st) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db);

	if ((st = sq_prepare(db, "INSERT INTO ledger (txid, account_id, kind, amount_fen, "
	    "balance_after_fen, at) VALUES (NULL, ?, 'opening', ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, balance_fen);
	sqlite3_bind_int64(st, 3, balance_fen);
	sqlite3_bind_int64(st, 4, at);
	return sq_done(db, st);
}

static int sq_demo_card(sqlite3 *, const struct demo_card *, const char *,
    sqlite3_int64, int64_t);

static int
sq_demo_add(struct db *d, const struct demo_card *c, const char *pin_hash, int64_t at)
{
	sqlite3 *db = d->priv;
	sqlite3_stmt *st;
	sqlite3_int64 customer, account, savings;

	if (c->owner_pan != NULL) {
		/* A second card of the same customer: their account, no other. */
		if ((st = sq_prepare(db, "SELECT account_id FROM cards WHERE pan = ?")) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, c->owner_pan, -1, SQLITE_STATIC);
		if (sq_row(db, st, "demo card's owner") != 1) {
			sqlite3_finalize(st);
			return -1;
		}
		account = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return sq_demo_card(db, c, pin_hash, account, at);
	}
	if ((st = sq_prepare(db, "INSERT INTO customers (name, fraud_protect) "
	    "VALUES (?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->holder, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, c->fraud_protect);
	if (sq_done(db, st) < 0)
		return -1;
	customer = sqlite3_last_insert_rowid(db);
	if (sq_demo_account(db, customer, c->holder, "current", c->balance_fen, at,
	    &account) < 0 || sq_demo_account(db, customer, c->holder, "savings",
	    c->savings_fen, at, &savings) < 0)
		return -1;
	return sq_demo_card(db, c, pin_hash, account, at);
}

/* The card of a demo customer, on account; one awaiting activation says so. */
static int
sq_demo_card(sqlite3 *db, const struct demo_card *c, const char *pin_hash,
    sqlite3_int64 account, int64_t at)
{
	sqlite3_stmt *st;

	if ((st = sq_prepare(db, "INSERT INTO cards (pan, account_id, pin_hash, status, "
	    "tries_left, lang, large_print, speech, large_threshold_fen) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0))")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->pan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account);
	sqlite3_bind_text(st, 3, pin_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, c->tries_left);
	sqlite3_bind_text(st, 6, c->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, c->large_print);
	sqlite3_bind_int(st, 8, c->speech);
	sqlite3_bind_int64(st, 9, c->large_threshold_fen);
	if (sq_done(db, st) < 0)
		return -1;
	if (!c->awaiting)
		return 0;
	if ((st = sq_prepare(db, "INSERT INTO card_activations (pan, issued) "
	    "VALUES (?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->pan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	return sq_done(db, st);
}

static int
sq_demo_payee(struct db *d, const char *pan, const char *payee_pan, int position)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "INSERT INTO payees (pan, payee_pan, position) "
	    "VALUES (?, ?, ?)");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payee_pan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, position);
	return sq_done(d->priv, st);
}

static int
sq_staff_load(struct db *d, const char *id, int lock, int *tries_left, char *hash,
    size_t hashsz)
{
	sqlite3_stmt *st = sq_prepare(d->priv,
	    "SELECT tries_left, pin_hash FROM staff WHERE id = ?");
	int rv;

	(void)lock; /* the transaction holds the whole file */
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rv = sq_row(d->priv, st, "staff lookup")) == 1) {
		*tries_left = sqlite3_column_int(st, 0);
		copy_text(hash, hashsz, st, 1);
	}
	sqlite3_finalize(st);
	return rv;
}

static int
sq_staff_set_tries(struct db *d, const char *id, int tries)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE staff SET tries_left = ? WHERE id = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, tries);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return sq_done(d->priv, st);
}

static int
sq_staff_add(struct db *d, const char *id, const char *pin_hash)
{
	sqlite3_stmt *st = sq_prepare(d->priv,
	    "INSERT INTO staff (id, pin_hash) VALUES (?, ?)");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pin_hash, -1, SQLITE_STATIC);
	return sq_done(d->priv, st);
}

static int
sq_staff_call_add(struct db *d, const char *kiosk_id, const char *reason, int64_t at)
{
	sqlite3_stmt *st = sq_prepare(d->priv,
	    "INSERT INTO staff_calls (kiosk_id, reason, at) VALUES (?, ?, ?)");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	return sq_done(d->priv, st);
}

static int
sq_account_entries(struct db *d, int64_t account_id, struct entry_row *out, int max)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT kind, amount_fen, balance_after_fen, "
	    "at FROM ledger WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT ?");
	int n = 0, rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int(st, 2, max);
	while ((rv = sq_row(d->priv, st, "ledger entries")) == 1) {
		copy_text(out[n].kind, sizeof out[n].kind, st, 0);
		out[n].amount_fen = sqlite3_column_int64(st, 1);
		out[n].balance_after_fen = sqlite3_column_int64(st, 2);
		out[n].at = sqlite3_column_int64(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	return rv < 0 ? -1 : n;
}

static int
sq_card_set_pin_hash(struct db *d, const char *pan, const char *old_hash,
    const char *new_hash)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE cards SET pin_hash = ? "
	    "WHERE pan = ? AND pin_hash = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, new_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, old_hash, -1, SQLITE_STATIC);
	if (sq_done(d->priv, st) < 0)
		return -1;
	return sqlite3_changes(d->priv) == 1;
}

static int
sq_card_set_profile(struct db *d, const char *pan, const struct kproto_profile *p)
{
	sqlite3 *db = d->priv;
	sqlite3_stmt *st = sq_prepare(db, "UPDATE cards SET lang = ?, large_print = ?, "
	    "speech = ? WHERE pan = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, p ? p->lang : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, p && (p->flags & KPROTO_CARD_F_LARGE_PRINT));
	sqlite3_bind_int(st, 3, p && (p->flags & KPROTO_CARD_F_SPEECH));
	sqlite3_bind_text(st, 4, pan, -1, SQLITE_STATIC);
	if (sq_done(db, st) < 0)
		return -1;
	st = sq_prepare(db, p == NULL ? "DELETE FROM card_profiles WHERE pan = ?" :
	    "INSERT OR REPLACE INTO card_profiles (pan, volume, rate, text_size, theme) "
	    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	if (p != NULL) {
		sqlite3_bind_int(st, 2, p->volume);
		sqlite3_bind_int(st, 3, p->rate);
		sqlite3_bind_int(st, 4, p->text_size);
		sqlite3_bind_text(st, 5, p->theme, -1, SQLITE_STATIC);
	}
	return sq_done(db, st);
}

static int
sq_card_awaiting(struct db *d, const char *pan)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT 1 FROM card_activations WHERE pan = ?");
	int rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	rv = sq_row(d->priv, st, "card activation");
	sqlite3_finalize(st);
	return rv;
}

static int
sq_card_activated(struct db *d, const char *pan)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "DELETE FROM card_activations WHERE pan = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	if (sq_done(d->priv, st) < 0)
		return -1;
	return sqlite3_changes(d->priv) == 1;
}

static int
sq_card_siblings(struct db *d, const char *pan, struct card_brief *out, int max)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "SELECT o.pan, o.status FROM cards c "
	    "JOIN accounts own ON own.id = c.account_id JOIN accounts a "
	    "ON a.id = own.id OR a.customer_id = own.customer_id "
	    "JOIN cards o ON o.account_id = a.id "
	    "WHERE c.pan = ? AND o.pan <> c.pan ORDER BY o.pan LIMIT ?");
	int n = 0, rv;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while ((rv = sq_row(d->priv, st, "sibling cards")) == 1) {
		copy_text(out[n].pan, sizeof out[n].pan, st, 0);
		copy_text(out[n].status, sizeof out[n].status, st, 1);
		n++;
	}
	sqlite3_finalize(st);
	return rv < 0 ? -1 : n;
}

static int
sq_card_mark_lost(struct db *d, const char *lost_pan, const char *pan,
    const char *kiosk_id, int64_t at)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE cards SET status = 'lost' "
	    "WHERE pan = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, lost_pan, -1, SQLITE_STATIC);
	if (sq_done(d->priv, st) < 0)
		return -1;
	if ((st = sq_prepare(d->priv, "INSERT INTO card_losses (pan, reported_with, "
	    "kiosk_id, at) VALUES (?, ?, NULLIF(?, ''), ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, lost_pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	return sq_done(d->priv, st);
}

static int
sq_card_pin_reset(struct db *d, const char *pan, const char *kiosk_id,
    const char *staff_id, const char *kind, int64_t at)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE cards SET status = 'active', "
	    "tries_left = ? WHERE pan = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, BANKD_PIN_TRIES);
	sqlite3_bind_text(st, 2, pan, -1, SQLITE_STATIC);
	if (sq_done(d->priv, st) < 0)
		return -1;
	if ((st = sq_prepare(d->priv, "INSERT INTO card_pin_resets (pan, kiosk_id, staff_id, "
	    "at, kind) VALUES (?, NULLIF(?, ''), ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	return sq_done(d->priv, st);
}

static int
sq_card_cancel(struct db *d, const char *pan, const char *kiosk_id, const char *staff_id,
    int64_t at)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "UPDATE cards SET status = 'cancelled' "
	    "WHERE pan = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	if (sq_done(d->priv, st) < 0)
		return -1;
	if ((st = sq_prepare(d->priv, "INSERT INTO card_cancellations (pan, kiosk_id, "
	    "staff_id, at) VALUES (?, NULLIF(?, ''), ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, pan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	return sq_done(d->priv, st);
}

static int
sq_demo_entries(struct db *d, int64_t account_id, const struct entry_row *rows, int n)
{
	sqlite3_stmt *st = sq_prepare(d->priv, "DELETE FROM ledger WHERE account_id = ?");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, account_id);
	if (sq_done(d->priv, st) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if ((st = sq_prepare(d->priv, "INSERT INTO ledger (txid, account_id, kind, "
		    "amount_fen, balance_after_fen, at) VALUES (NULL, ?, ?, ?, ?, ?)")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, account_id);
		sqlite3_bind_text(st, 2, rows[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, rows[i].amount_fen);
		sqlite3_bind_int64(st, 4, rows[i].balance_after_fen);
		sqlite3_bind_int64(st, 5, rows[i].at);
		if (sq_done(d->priv, st) < 0)
			return -1;
	}
	return 0;
}

const struct db_ops ledger_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.create = sq_create,
	.migrate = sq_migrate,
	.close = sq_close,
	.exec = sq_db_exec,
	.query_int = sq_query_int,
	.schema_version = sq_schema_version,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.card_load = sq_card_load,
	.card_accounts = sq_card_accounts,
	.card_payees = sq_card_payees,
	.card_pin_hash = sq_card_pin_hash,
	.card_set_tries = sq_card_set_tries,
	.account_held = sq_account_held,
	.card_withdrawn = sq_card_withdrawn,
	.hold_load = sq_hold_load,
	.hold_insert = sq_hold_insert,
	.hold_set_state = sq_hold_set_state,
	.account_debit = sq_account_debit,
	.transfer_load = sq_transfer_load,
	.transfer_insert = sq_transfer_insert,
	.card_transferred = sq_card_transferred,
	.card_paid = sq_card_paid,
	.transfer_lock = sq_transfer_lock,
	.account_transfer = sq_account_transfer,
	.open_holds = sq_open_holds,
	.demo_add = sq_demo_add,
	.demo_payee = sq_demo_payee,
	.staff_load = sq_staff_load,
	.staff_set_tries = sq_staff_set_tries,
	.staff_add = sq_staff_add,
	.staff_call_add = sq_staff_call_add,
	.account_entries = sq_account_entries,
	.card_set_pin_hash = sq_card_set_pin_hash,
	.card_set_profile = sq_card_set_profile,
	.card_awaiting = sq_card_awaiting,
	.card_activated = sq_card_activated,
	.card_siblings = sq_card_siblings,
	.card_mark_lost = sq_card_mark_lost,
	.card_pin_reset = sq_card_pin_reset,
	.card_cancel = sq_card_cancel,
	.demo_entries = sq_demo_entries,
};
