/*
 * The bank file: schema, opening with the checks that turn SQLite's terse errors into
 * something branch IT can act on, and the demo bank.
 */
#include "bankd.h"

#include "common/log.h"

#include <sys/stat.h>

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DB_BUSY_MS 2000

static const char db_schema[] =
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
    "  settled INTEGER,"
    "  kiosk_id TEXT);"
    "CREATE INDEX holds_pan_created ON holds (pan, created);"
    "CREATE INDEX holds_open ON holds (kiosk_id) WHERE state = 'held';"
    "CREATE TABLE ledger ("
    "  id INTEGER PRIMARY KEY,"
    "  txid TEXT,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  kind TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  balance_after_fen INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);"
    /* The last line of defence against paying one withdrawal twice. */
    "CREATE UNIQUE INDEX ledger_txid_kind ON ledger (txid, kind) WHERE txid IS NOT NULL;";

static const struct {
	const char *pan;
	const char *pin;
	const char *holder;
	int64_t balance_fen;
	const char *status;
	int tries_left;
	const char *lang;
	int large_print;
	int speech;
} db_demo[] = {
	{ "6222000000000001", "1234", "张伟 Zhang Wei", 500000, "active", 3, "zh", 0, 0 },
	{ "6222000000000002", "2580", "李秀英 Li Xiuying", 1234560, "active", 3, "zh", 1, 0 },
	{ "6222000000000003", "1357", "王芳 Wang Fang", 80000, "active", 3, "zh", 0, 1 },
	{ "6222000000000004", "4321", "赵强 Zhao Qiang", 300000, "locked", 0, "zh", 0, 0 },
	{ "6222000000000005", "1111", "刘洋 Liu Yang", 150000, "lost", 3, "zh", 0, 0 },
};

int
db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
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
db_query_value(sqlite3 *db, const char *sql, char *out, size_t outsz, int *rcp)
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
db_explain(int rc)
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
db_fail(sqlite3 *db, const char *path, int rc, const char *what, char *err, size_t errlen)
{
	const char *why = db_explain(rc);

	snprintf(err, errlen, "%s: %s%s%s", path, why != NULL ? why : what,
	    why != NULL ? "; SQLite says: " : ": ", db != NULL ? sqlite3_errmsg(db) :
	    sqlite3_errstr(rc));
	return -1;
}

static int
db_setup(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char v[64];
	int rc;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	if (db_query_value(db, "PRAGMA journal_mode=WAL", v, sizeof v, &rc) < 0)
		return db_fail(db, path, rc, "cannot set WAL mode", err, errlen);
	if (strcmp(v, "wal") != 0) {
		snprintf(err, errlen, "%s: cannot switch to WAL mode (journal mode is %s)", path,
		    v);
		return -1;
	}
	/* FULL: a debit acknowledged to the kiosk must survive a power cut. */
	if (db_query_value(db, "PRAGMA synchronous=FULL", v, sizeof v, &rc) < 0 ||
	    db_query_value(db, "PRAGMA foreign_keys=ON", v, sizeof v, &rc) < 0)
		return db_fail(db, path, rc, "cannot set pragmas", err, errlen);
	return 0;
}

/*
 * Version 1 to 2: holds remember the kiosk that made them, so that only it settles
 * them after a restart. Older holds get no kiosk: branch staff settle those by hand.
 */
static int
db_upgrade(sqlite3 *db, const char *path, const char *version, char *err, size_t errlen)
{
	char msg[256];

	if (strcmp(version, "1") != 0)
		return 0;
	if (db_exec(db, "BEGIN IMMEDIATE;"
	    "ALTER TABLE holds ADD COLUMN kiosk_id TEXT;"
	    "CREATE INDEX holds_open ON holds (kiosk_id) WHERE state = 'held';"
	    "PRAGMA user_version = 2;"
	    "COMMIT;", msg, sizeof msg) < 0) {
		const char *why = db_explain(sqlite3_extended_errcode(db));
		snprintf(err, errlen, "%s: cannot upgrade the schema to version 2: %s", path,
		    why != NULL ? why : msg);
		if (!sqlite3_get_autocommit(db))
			db_exec(db, "ROLLBACK", msg, sizeof msg);
		return -1;
	}
	log_info("%s: schema upgraded from version 1 to 2", path);
	return 0;
}

int
db_open(const char *path, sqlite3 **dbp, char *err, size_t errlen)
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
		db_fail(db, path, rc, "cannot open", err, errlen);
		goto fail;
	}
	/* SQLite quietly falls back to read-only; a bank that cannot write must not start. */
	if (sqlite3_db_readonly(db, "main") == 1) {
		snprintf(err, errlen, "%s: %s", path, db_explain(SQLITE_READONLY));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	if (db_query_value(db, "PRAGMA quick_check", v, sizeof v, &rc) < 0) {
		db_fail(db, path, rc, "integrity check failed", err, errlen);
		goto fail;
	}
	if (strcmp(v, "ok") != 0) {
		/* SQLite reports one problem per line; the log takes one line. */
		for (char *nl = strchr(v, '\n'); nl != NULL; nl = strchr(nl, '\n'))
			*nl = ' ';
		snprintf(err, errlen, "%s: the database is corrupt (%s)", path, v);
		goto fail;
	}
	if (db_query_value(db, "PRAGMA user_version", v, sizeof v, &rc) < 0) {
		db_fail(db, path, rc, "cannot read the schema version", err, errlen);
		goto fail;
	}
	if (strcmp(v, "1") != 0 && atoi(v) != BANKD_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: not a kiosk bank file (schema version %s, expected "
		    "%d); create one with --init-demo", path, v, BANKD_SCHEMA_VERSION);
		goto fail;
	}
	/* Only now that the file is known to be ours may its journal mode change. */
	if (db_setup(db, path, err, errlen) < 0 || db_upgrade(db, path, v, err, errlen) < 0)
		goto fail;
	/* Take the write lock once now, so "locked" is reported at start, not mid-card. */
	if (db_exec(db, "BEGIN IMMEDIATE; ROLLBACK;", v, sizeof v) < 0) {
		rc = sqlite3_extended_errcode(db);
		db_fail(db, path, rc, "cannot write", err, errlen);
		goto fail;
	}
	ledger_log_open_holds(db);
	*dbp = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

void
db_close(sqlite3 *db)
{
	if (db != NULL)
		sqlite3_close(db);
}

static int
db_insert_demo(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *acc = NULL, *card = NULL, *led = NULL;
	char hash[crypto_pwhash_STRBYTES];
	int rv = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO accounts (holder, balance_fen, currency) "
	    "VALUES (?, ?, ?)", -1, &acc, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO cards (pan, account_id, pin_hash, status, "
	    "tries_left, lang, large_print, speech) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1,
	    &card, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ledger (txid, account_id, kind, amount_fen, "
	    "balance_after_fen, at) VALUES (NULL, ?, 'opening', ?, ?, ?)", -1, &led,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	for (size_t i = 0; i < sizeof db_demo / sizeof db_demo[0]; i++) {
		if (crypto_pwhash_str(hash, db_demo[i].pin, strlen(db_demo[i].pin),
		    crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
			snprintf(err, errlen, "PIN hashing failed (out of memory?)");
			goto out;
		}
		sqlite3_reset(acc);
		sqlite3_bind_text(acc, 1, db_demo[i].holder, -1, SQLITE_STATIC);
		sqlite3_bind_int64(acc, 2, db_demo[i].balance_fen);
		sqlite3_bind_text(acc, 3, BANKD_CURRENCY, -1, SQLITE_STATIC);
		if (sqlite3_step(acc) != SQLITE_DONE)
			goto sqlerr;
		sqlite3_int64 account = sqlite3_last_insert_rowid(db);

		sqlite3_reset(card);
		sqlite3_bind_text(card, 1, db_demo[i].pan, -1, SQLITE_STATIC);
		sqlite3_bind_int64(card, 2, account);
		sqlite3_bind_text(card, 3, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(card, 4, db_demo[i].status, -1, SQLITE_STATIC);
		sqlite3_bind_int(card, 5, db_demo[i].tries_left);
		sqlite3_bind_text(card, 6, db_demo[i].lang, -1, SQLITE_STATIC);
		sqlite3_bind_int(card, 7, db_demo[i].large_print);
		sqlite3_bind_int(card, 8, db_demo[i].speech);
		if (sqlite3_step(card) != SQLITE_DONE)
			goto sqlerr;

		sqlite3_reset(led);
		sqlite3_bind_int64(led, 1, account);
		sqlite3_bind_int64(led, 2, db_demo[i].balance_fen);
		sqlite3_bind_int64(led, 3, db_demo[i].balance_fen);
		sqlite3_bind_int64(led, 4, (sqlite3_int64)time(NULL));
		if (sqlite3_step(led) != SQLITE_DONE)
			goto sqlerr;
	}
	rv = 0;
	goto out;
sqlerr:
	snprintf(err, errlen, "%s", sqlite3_errmsg(db));
out:
	sodium_memzero(hash, sizeof hash);
	sqlite3_finalize(acc);
	sqlite3_finalize(card);
	sqlite3_finalize(led);
	return rv;
}

int
db_init_demo(const char *path, char *err, size_t errlen)
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
		db_fail(db, path, rc, "cannot create", err, errlen);
		sqlite3_close(db);
		return -1;
	}
	if (db_setup(db, path, err, errlen) < 0)
		goto fail;
	/* One transaction: the demo bank appears whole or not at all. */
	if (db_exec(db, "BEGIN", msg, sizeof msg) < 0 ||
	    db_exec(db, db_schema, msg, sizeof msg) < 0 ||
	    db_insert_demo(db, msg, sizeof msg) < 0 ||
	    db_exec(db, "PRAGMA user_version = 2", msg, sizeof msg) < 0 ||
	    db_exec(db, "COMMIT", msg, sizeof msg) < 0) {
		snprintf(err, errlen, "%s: cannot write the demo bank: %s", path, msg);
		goto fail;
	}
	sqlite3_close(db);
	log_info("demo bank written to %s (%zu cards)", path,
	    sizeof db_demo / sizeof db_demo[0]);
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}
