/*
 * The PostgreSQL backend: one database for a fleet of kiosks and several adapters.
 * Money operations run at READ COMMITTED with the card's and account's rows locked
 * (SELECT ... FOR UPDATE) before anything is judged, so two adapters take turns on a
 * card; every other statement then sees what the one before committed. The schema is
 * versioned in the table schema_version and changed only by --migrate or --init-demo.
 * A lost connection fails the request in flight (its transaction never committed) and
 * is reconnected before a later one, no sooner than a growing backoff allows.
 */
#include "ledger_backend.h"

#include "common/log.h"
#include "common/util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kiosk gives up on an answer after 5 s: the database must answer sooner. */
#define PG_SESSION_SETUP \
	"SET statement_timeout = '3s'; SET lock_timeout = '2s'; " \
	"SET idle_in_transaction_session_timeout = '10s'; SET synchronous_commit = on; " \
	"SET client_min_messages = warning"
#define PG_BACKOFF_MIN_MS 250
#define PG_BACKOFF_MAX_MS 30000
/* Serialises --migrate and --init-demo of adapters sharing one database. */
#define PG_MIGRATE_LOCK "SELECT pg_advisory_xact_lock(7210514)"

/* Statements prepared on this connection: as many as the ledger has, with room. */
#define PG_PREPARED_MAX 128

struct pg {
	PGconn *conn;
	int lost;                             /* reconnect before the next request */
	int64_t retry_at;                     /* mono_usec; no reconnect before then */
	int backoff_ms;
	/* The ledger's statements are string literals: one prepared per address, named
	 * by its index, so that the server parses and plans each once per connection. */
	const char *prepared[PG_PREPARED_MAX];
	int nprepared;
};

/*
 * Migration i brings the schema from version i to i + 1. Warning: never edit one that
 * has shipped; add the next, and raise BANKD_SCHEMA_VERSION with it.
 */
static const char *const pg_migrations[] = {
	"CREATE TABLE schema_version (version INTEGER NOT NULL);"
	"INSERT INTO schema_version VALUES (0);"
	"CREATE TABLE accounts ("
	"  id BIGSERIAL PRIMARY KEY,"
	"  holder TEXT NOT NULL,"
	"  balance_fen BIGINT NOT NULL CHECK (balance_fen >= 0),"
	"  currency TEXT NOT NULL DEFAULT 'CNY');"
	"CREATE TABLE cards ("
	"  pan TEXT PRIMARY KEY,"
	"  account_id BIGINT NOT NULL REFERENCES accounts(id),"
	"  pin_hash TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('active', 'locked', 'lost')),"
	"  tries_left INTEGER NOT NULL CHECK (tries_left BETWEEN 0 AND 3),"
	"  lang TEXT NOT NULL DEFAULT '',"
	"  large_print INTEGER NOT NULL DEFAULT 0,"
	"  speech INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE holds ("
	"  txid TEXT PRIMARY KEY,"
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),"
	"  state TEXT NOT NULL CHECK (state IN ('held', 'completed', 'reversed')),"
	"  created BIGINT NOT NULL,"
	"  settled BIGINT);"
	"CREATE INDEX holds_pan_created ON holds (pan, created);"
	"CREATE TABLE ledger ("
	"  id BIGSERIAL PRIMARY KEY,"
	"  txid TEXT,"
	"  account_id BIGINT NOT NULL REFERENCES accounts(id),"
	"  kind TEXT NOT NULL,"
	"  amount_fen BIGINT NOT NULL,"
	"  balance_after_fen BIGINT NOT NULL,"
	"  at BIGINT NOT NULL);"
	/* The last line of defence against paying one withdrawal twice. */
	"CREATE UNIQUE INDEX ledger_txid_kind ON ledger (txid, kind) WHERE txid IS NOT NULL;",

	"ALTER TABLE holds ADD COLUMN kiosk_id TEXT;"
	"CREATE INDEX holds_open ON holds (kiosk_id) WHERE state = 'held';",

	/* Customers own a current account (their cards') and a savings account, and may
	 * be protected from fraud; cards have saved payees. Each existing account becomes
	 * the current account of a customer of its own, unprotected, without payees. */
	"CREATE TABLE customers ("
	"  id BIGSERIAL PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  fraud_protect INTEGER NOT NULL DEFAULT 0 CHECK (fraud_protect IN (0, 1)));"
	"ALTER TABLE accounts ADD COLUMN customer_id BIGINT REFERENCES customers(id);"
	"ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT 'current'"
	"  CHECK (kind IN ('current', 'savings'));"
	"INSERT INTO customers (id, name) SELECT id, holder FROM accounts;"
	"SELECT setval(pg_get_serial_sequence('customers', 'id'),"
	"  (SELECT COALESCE(max(id), 0) + 1 FROM customers), false);"
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
	"ALTER TABLE cards ADD COLUMN transfer_limit_fen BIGINT NOT NULL DEFAULT 5000000"
	"  CHECK (transfer_limit_fen >= 0);"
	"ALTER TABLE cards ADD COLUMN large_threshold_fen BIGINT"
	"  CHECK (large_threshold_fen > 0);"
	"CREATE TABLE transfers ("
	"  txid TEXT PRIMARY KEY,"
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  amount_fen BIGINT NOT NULL,"
	"  from_kind INTEGER NOT NULL,"
	"  to_kind INTEGER,"
	"  to_pan TEXT,"
	"  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),"
	"  available_after_fen BIGINT NOT NULL,"
	"  created BIGINT NOT NULL,"
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
	"  id BIGSERIAL PRIMARY KEY,"
	"  kiosk_id TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  at BIGINT NOT NULL);",

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
	"  issued BIGINT NOT NULL);"
	"CREATE TABLE card_losses ("
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  reported_with TEXT NOT NULL REFERENCES cards(pan),"
	"  kiosk_id TEXT,"
	"  at BIGINT NOT NULL);",

	/* Card services a member of staff opens: a locked card unlocked or a forgotten
	 * PIN reset, each with a new PIN, and a card cancelled, all recorded with the
	 * kiosk and the staff member; cards gain the state 'cancelled'. */
	"ALTER TABLE cards DROP CONSTRAINT cards_status_check;"
	"ALTER TABLE cards ADD CONSTRAINT cards_status_check"
	"  CHECK (status IN ('active', 'locked', 'lost', 'cancelled'));"
	"CREATE TABLE card_pin_resets ("
	"  id BIGSERIAL PRIMARY KEY,"
	"  pan TEXT NOT NULL REFERENCES cards(pan),"
	"  kiosk_id TEXT,"
	"  staff_id TEXT NOT NULL,"
	"  at BIGINT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('unlock', 'reset')));"
	"CREATE TABLE card_cancellations ("
	"  pan TEXT PRIMARY KEY REFERENCES cards(pan),"
	"  kiosk_id TEXT,"
	"  staff_id TEXT NOT NULL,"
	"  at BIGINT NOT NULL);",
};

_Static_assert(sizeof pg_migrations / sizeof pg_migrations[0] == BANKD_SCHEMA_VERSION,
    "one migration per schema version");

/* libpq's messages end in newlines and continue on indented lines; a log takes one. */
static void
pg_message(char *out, size_t outsz, const char *msg)
{
	size_t n = 0;

	for (const char *p = msg != NULL ? msg : ""; *p != '\0' && n + 1 < outsz; p++) {
		char c = *p == '\n' || *p == '\t' ? ' ' : *p;
		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static void
pg_notice(void *arg, const char *message)
{
	char m[512];

	(void)arg;
	pg_message(m, sizeof m, message);
	log_debug("database: %s", m);
}

/* After a failed statement: the connection is marked lost if it broke. */
static void
pg_failed(struct db *d, const char *what, const PGresult *res)
{
	struct pg *p = d->priv;
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char m[512];

	pg_message(m, sizeof m, res != NULL && PQresultErrorMessage(res)[0] != '\0' ?
	    PQresultErrorMessage(res) : PQerrorMessage(p->conn));
	/* An error without a SQLSTATE is libpq's own: the server is gone, even when
	 * libpq has not marked the connection bad yet. */
	if (PQstatus(p->conn) == CONNECTION_BAD || res == NULL ||
	    (PQresultStatus(res) == PGRES_FATAL_ERROR && state == NULL)) {
		if (!p->lost)
			log_warnx("%s: lost the connection to the database (%s): %s; the request "
			    "fails, the next one reconnects", d->name, what, m);
		p->lost = 1;
		return;
	}
	log_warnx("ledger: %s: %s%s%s%s", what, m, state != NULL ? " (SQLSTATE " : "",
	    state != NULL ? state : "", state != NULL ? ")" : "");
}

/*
 * Runs sql, one of the ledger's string literals, as a statement prepared on this
 * connection the first time it is used (parsing and planning took most of the
 * server's time per request). NULL with the failed result in *failed.
 */
static PGresult *
pg_prepared(struct pg *p, const char *sql, int n, const char *const *params,
    PGresult **failed)
{
	char name[16];
	int i;

	*failed = NULL;
	for (i = 0; i < p->nprepared && p->prepared[i] != sql; i++)
		;
	if (i == PG_PREPARED_MAX)
		return PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
	snprintf(name, sizeof name, "ledger_%d", i);
	if (i == p->nprepared) {
		PGresult *res = PQprepare(p->conn, name, sql, n, NULL);
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			*failed = res;
			return NULL;
		}
		PQclear(res);
		p->prepared[p->nprepared++] = sql;
	}
	return PQexecPrepared(p->conn, name, n, params, NULL, NULL, 0);
}

/* Runs sql with text parameters; the result if its status is want, else NULL (logged).
 * sql must be a string literal (it is prepared by its address). */
static PGresult *
pg_run(struct db *d, const char *what, const char *sql, int n, const char *const *params,
    ExecStatusType want)
{
	struct pg *p = d->priv;
	PGresult *failed, *res = pg_prepared(p, sql, n, params, &failed);

	if (res == NULL)
		res = failed;
	if (res != NULL && PQresultStatus(res) == want)
		return res;
	pg_failed(d, what, res);
	PQclear(res);
	return NULL;
}

static int
pg_cmd(struct db *d, const char *what, const char *sql, int n, const char *const *params)
{
	PGresult *res = pg_run(d, what, sql, n, params, PGRES_COMMAND_OK);

	PQclear(res);
	return res != NULL ? 0 : -1;
}

/* The whole number in a result field (a bank's numbers are all integers). */
static int64_t
pg_int(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static void
pg_text(char *out, size_t outsz, const PGresult *res, int row, int col)
{
	snprintf(out, outsz, "%s", PQgetvalue(res, row, col));
}

struct pg_num {
	char s[24];
};

static const char *
pg_num(struct pg_num *b, int64_t v)
{
	snprintf(b->s, sizeof b->s, "%lld", (long long)v);
	return b->s;
}

/* ---- connecting and the schema --------------------------------------------------- */

static int
pg_setup(struct db *d, char *err, size_t errlen)
{
	struct pg *p = d->priv;
	PGresult *res = PQexec(p->conn, PG_SESSION_SETUP);
	char m[512];

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_message(m, sizeof m, PQerrorMessage(p->conn));
		snprintf(err, errlen, "%s: cannot set up the session: %s", d->name, m);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int
pg_connect(struct db *d, const char *spec, char *err, size_t errlen)
{
	/* Later keywords win: what spec says about the timeout or name is kept. */
	static const char *const keys[] = { "connect_timeout", "application_name", "dbname",
	    NULL };
	const char *vals[] = { "2", "kiosk-bankd", spec, NULL };
	struct pg *p = calloc(1, sizeof *p);
	char m[512];

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->priv = p;
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (p->conn == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (PQstatus(p->conn) != CONNECTION_OK) {
		pg_message(m, sizeof m, PQerrorMessage(p->conn));
		snprintf(err, errlen, "cannot connect to the PostgreSQL database: %s", m);
		return -1;
	}
	snprintf(d->name, sizeof d->name, "PostgreSQL database \"%s\" (host %s)",
	    PQdb(p->conn), PQhost(p->conn));
	PQsetNoticeProcessor(p->conn, pg_notice, NULL);
	return pg_setup(d, err, errlen);
}

/* A standby, or a database set read-only, would refuse every withdrawal: say so now. */
static int
pg_check_writable(struct db *d, char *err, size_t errlen)
{
	PGresult *res = pg_run(d, "read-only check", "SELECT pg_is_in_recovery(), "
	    "current_setting('transaction_read_only')", 0, NULL, PGRES_TUPLES_OK);
	int ro;

	if (res == NULL) {
		snprintf(err, errlen, "%s: cannot ask whether it is writable", d->name);
		return -1;
	}
	ro = strcmp(PQgetvalue(res, 0, 0), "t") == 0 || strcmp(PQgetvalue(res, 0, 1), "on") == 0;
	PQclear(res);
	if (ro) {
		snprintf(err, errlen, "%s: the database is read-only (a standby server, or "
		    "default_transaction_read_only is on); the bank needs one that accepts "
		    "writes", d->name);
		return -1;
	}
	return 0;
}

/* The schema's version: 0 when there is none. */
static int
pg_version(struct db *d, int *out)
{
	PGresult *res = pg_run(d, "schema version", "SELECT to_regclass('schema_version') "
	    "IS NOT NULL", 0, NULL, PGRES_TUPLES_OK);
	int exists;

	if (res == NULL)
		return -1;
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	*out = 0;
	if (!exists)
		return 0;
	res = pg_run(d, "schema version", "SELECT max(version) FROM schema_version", 0, NULL,
	    PGRES_TUPLES_OK);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		*out = (int)pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* Inside a transaction: brings the schema from version from to the current one. */
static int
pg_upgrade(struct db *d, int from, char *err, size_t errlen)
{
	struct pg *p = d->priv;
	struct pg_num b;
	char m[512];

	for (int v = from; v < BANKD_SCHEMA_VERSION; v++) {
		PGresult *res = PQexec(p->conn, pg_migrations[v]);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

		PQclear(res);
		const char *params[] = { pg_num(&b, v + 1) };
		if (!ok || pg_cmd(d, "schema version", "UPDATE schema_version SET version = $1",
		    1, params) < 0) {
			pg_message(m, sizeof m, PQerrorMessage(p->conn));
			snprintf(err, errlen, "%s: cannot migrate the schema to version %d: %s",
			    d->name, v + 1, m);
			return -1;
		}
	}
	return 0;
}

static int
pg_open(struct db *d, const char *spec, char *err, size_t errlen)
{
	int v;

	if (pg_connect(d, spec, err, errlen) < 0 || pg_check_writable(d, err, errlen) < 0)
		return -1;
	if (pg_version(d, &v) < 0) {
		snprintf(err, errlen, "%s: cannot read the schema version", d->name);
		return -1;
	}
	if (v == 0) {
		snprintf(err, errlen, "%s: no kiosk bank in this database (create its schema "
		    "with kiosk-bankd --db ... --migrate, or the demo bank with --init-demo)",
		    d->name);
		return -1;
	}
	if (v < BANKD_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is older than this kiosk-bankd's "
		    "%d; upgrade it with kiosk-bankd --db ... --migrate", d->name, v,
		    BANKD_SCHEMA_VERSION);
		return -1;
	}
	if (v > BANKD_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this kiosk-bankd "
		    "knows (%d); run the kiosk-bankd that wrote it", d->name, v,
		    BANKD_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

static void
pg_close(struct db *d)
{
	struct pg *p = d->priv;

	if (p == NULL)
		return;
	PQfinish(p->conn);
	free(p);
	d->priv = NULL;
}

static int
pg_commit(struct db *d)
{
	struct pg *p = d->priv;
	PGresult *res = PQexec(p->conn, "COMMIT");
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	/* COMMIT of a failed transaction "succeeds" with the tag ROLLBACK. */
	if (ok && strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		log_warnx("ledger: the database rolled the transaction back");
		ok = 0;
	} else if (!ok)
		pg_failed(d, "commit", res);
	PQclear(res);
	return ok ? 0 : -1;
}

static void
pg_rollback(struct db *d)
{
	struct pg *p = d->priv;
	PGTransactionStatusType ts = PQtransactionStatus(p->conn);

	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(p->conn, "ROLLBACK"));
}

/* BEGIN, locked against other migrations, then the schema's version. */
static int
pg_begin_schema(struct db *d, int *v, char *err, size_t errlen)
{
	PGresult *lock;
	char m[512];

	if (pg_cmd(d, "begin", "BEGIN", 0, NULL) == 0 && (lock = pg_run(d, "migration lock",
	    PG_MIGRATE_LOCK, 0, NULL, PGRES_TUPLES_OK)) != NULL) {
		PQclear(lock);
		if (pg_version(d, v) == 0)
			return 0;
	}
	pg_message(m, sizeof m, PQerrorMessage(((struct pg *)d->priv)->conn));
	snprintf(err, errlen, "%s: %s", d->name, m);
	return -1;
}

static int
pg_create(struct db *d, const char *spec, char *err, size_t errlen)
{
	int v;

	if (pg_connect(d, spec, err, errlen) < 0 || pg_check_writable(d, err, errlen) < 0 ||
	    pg_begin_schema(d, &v, err, errlen) < 0)
		return -1;
	if (pg_cmd(d, "drop the old bank", "DROP TABLE IF EXISTS card_pin_resets, "
	    "card_cancellations, card_activations, card_losses, card_profiles, staff_calls, "
	    "staff, transfers, payees, ledger, holds, cards, accounts, customers, "
	    "schema_version", 0, NULL) < 0) {
		snprintf(err, errlen, "%s: cannot remove the old bank (see the log)", d->name);
		return -1;
	}
	return pg_upgrade(d, 0, err, errlen);
}

static int
pg_migrate(struct db *d, const char *spec, char *err, size_t errlen)
{
	int v;

	if (pg_connect(d, spec, err, errlen) < 0 || pg_check_writable(d, err, errlen) < 0 ||
	    pg_begin_schema(d, &v, err, errlen) < 0)
		return -1;
	if (v > BANKD_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this kiosk-bankd "
		    "knows (%d); nothing changed", d->name, v, BANKD_SCHEMA_VERSION);
		return -1;
	}
	if (pg_upgrade(d, v, err, errlen) < 0)
		return -1;
	if (pg_commit(d) < 0) {
		snprintf(err, errlen, "%s: the migration did not commit (see the log)", d->name);
		return -1;
	}
	if (v == BANKD_SCHEMA_VERSION)
		log_info("%s: schema already at version %d", d->name, v);
	else
		log_info("%s: schema migrated from version %d to %d", d->name, v,
		    BANKD_SCHEMA_VERSION);
	return 0;
}

static int
pg_exec(struct db *d, const char *sql, char *err, size_t errlen)
{
	struct pg *p = d->priv;
	PGresult *res = PQexec(p->conn, sql);
	ExecStatusType st = PQresultStatus(res);

	PQclear(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return 0;
	pg_message(err, errlen, PQerrorMessage(p->conn));
	return -1;
}

static int
pg_query_int(struct db *d, const char *sql, int64_t *out)
{
	struct pg *p = d->priv;
	/* Any text, from checks and tests: never prepared. */
	PGresult *res = PQexec(p->conn, sql);
	int ok = res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) >= 1 && PQnfields(res) >= 1;

	if (ok)
		*out = pg_int(res, 0, 0);
	else
		pg_failed(d, "query", res);
	PQclear(res);
	return ok ? 0 : -1;
}

/* ---- reconnecting ---------------------------------------------------------------- */

/* 0 when the connection is usable, reconnecting if it was lost and the backoff allows. */
static int
pg_ensure(struct db *d)
{
	struct pg *p = d->priv;
	int64_t now = mono_usec();
	char err[512];

	if (!p->lost && PQstatus(p->conn) == CONNECTION_OK)
		return 0;
	if (now < p->retry_at) {
		log_debug("%s: not connected; next try in %lld ms", d->name,
		    (long long)(p->retry_at - now) / 1000);
		return -1;
	}
	PQreset(p->conn);
	/* A new server session knows none of the statements prepared on the last. */
	p->nprepared = 0;
	if (PQstatus(p->conn) == CONNECTION_OK && pg_setup(d, err, sizeof err) == 0) {
		log_info("%s: connected again", d->name);
		p->lost = 0;
		p->backoff_ms = 0;
		return 0;
	}
	pg_message(err, sizeof err, PQerrorMessage(p->conn));
	p->lost = 1;
	p->backoff_ms = p->backoff_ms == 0 ? PG_BACKOFF_MIN_MS :
	    p->backoff_ms * 2 > PG_BACKOFF_MAX_MS ? PG_BACKOFF_MAX_MS : p->backoff_ms * 2;
	p->retry_at = mono_usec() + (int64_t)p->backoff_ms * 1000;
	log_warnx("%s: cannot reconnect: %s; next try in %d ms", d->name, err, p->backoff_ms);
	return -1;
}

static int
pg_begin(struct db *d)
{
	if (pg_ensure(d) < 0)
		return -1;
	return pg_cmd(d, "begin", "BEGIN", 0, NULL);
}

/* ---- the ledger's rows ----------------------------------------------------------- */

#define PG_CARD_SELECT \
	"SELECT c.account_id, a.balance_fen, c.status, c.tries_left, c.lang, " \
	"c.large_print, c.speech, a.holder, a.currency, " \
	"COALESCE((SELECT fraud_protect FROM customers WHERE id = a.customer_id), 0), " \
	"c.transfer_limit_fen, COALESCE(c.large_threshold_fen, 0), " \
	"COALESCE(p.volume, 0), COALESCE(p.rate, 0), COALESCE(p.text_size, 0), " \
	"COALESCE(p.theme, '') " \
	"FROM cards c JOIN accounts a ON a.id = c.account_id " \
	"LEFT JOIN card_profiles p ON p.pan = c.pan WHERE c.pan = $1"

static int
pg_card_load(struct db *d, const char *pan, int lock, struct card_row *r)
{
	const char *params[] = { pan };
	PGresult *res = pg_run(d, "card lookup", lock ? PG_CARD_SELECT " FOR UPDATE OF c, a" :
	    PG_CARD_SELECT, 1, params, PGRES_TUPLES_OK);
	int found;

	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0)) {
		memset(r, 0, sizeof *r);
		r->account_id = pg_int(res, 0, 0);
		r->balance_fen = pg_int(res, 0, 1);
		pg_text(r->status, sizeof r->status, res, 0, 2);
		r->tries_left = (int)pg_int(res, 0, 3);
		pg_text(r->lang, sizeof r->lang, res, 0, 4);
		r->large_print = (int)pg_int(res, 0, 5);
		r->speech = (int)pg_int(res, 0, 6);
		pg_text(r->holder, sizeof r->holder, res, 0, 7);
		pg_text(r->currency, sizeof r->currency, res, 0, 8);
		r->fraud_protect = (int)pg_int(res, 0, 9);
		r->transfer_limit_fen = pg_int(res, 0, 10);
		r->large_threshold_fen = pg_int(res, 0, 11);
		r->volume = (int)pg_int(res, 0, 12);
		r->rate = (int)pg_int(res, 0, 13);
		r->text_size = (int)pg_int(res, 0, 14);
		pg_text(r->theme, sizeof r->theme, res, 0, 15);
	}
	PQclear(res);
	return found;
}

static int
pg_card_accounts(struct db *d, const char *pan, struct account_row *out, int max)
{
	struct pg_num b;
	const char *params[] = { pan, pg_num(&b, max) };
	PGresult *res = pg_run(d, "accounts", "SELECT a.id, a.kind, a.balance_fen, "
	    "a.currency FROM cards c JOIN accounts own ON own.id = c.account_id "
	    "JOIN accounts a ON a.id = own.id OR a.customer_id = own.customer_id "
	    "WHERE c.pan = $1 ORDER BY a.id <> own.id, a.kind, a.id LIMIT $2", 2, params,
	    PGRES_TUPLES_OK);
	int n;

	if (res == NULL)
		return -1;
	for (n = 0; n < PQntuples(res) && n < max; n++) {
		out[n].id = pg_int(res, n, 0);
		pg_text(out[n].kind, sizeof out[n].kind, res, n, 1);
		out[n].balance_fen = pg_int(res, n, 2);
		pg_text(out[n].currency, sizeof out[n].currency, res, n, 3);
	}
	PQclear(res);
	return n;
}

static int
pg_card_payees(struct db *d, const char *pan, struct ledger_payee *out, int max)
{
	struct pg_num b;
	const char *params[] = { pan, pg_num(&b, max) };
	PGresult *res = pg_run(d, "payees", "SELECT p.payee_pan, a.holder FROM payees p "
	    "JOIN cards c ON c.pan = p.payee_pan JOIN accounts a ON a.id = c.account_id "
	    "WHERE p.pan = $1 ORDER BY p.position, p.payee_pan LIMIT $2", 2, params,
	    PGRES_TUPLES_OK);
	int n;

	if (res == NULL)
		return -1;
	for (n = 0; n < PQntuples(res) && n < max; n++) {
		pg_text(out[n].pan, sizeof out[n].pan, res, n, 0);
		pg_text(out[n].holder, sizeof out[n].holder, res, n, 1);
	}
	PQclear(res);
	return n;
}

static int
pg_card_pin_hash(struct db *d, const char *pan, char *hash, size_t hashsz)
{
	const char *params[] = { pan };
	PGresult *res = pg_run(d, "PIN hash", "SELECT pin_hash FROM cards WHERE pan = $1", 1,
	    params, PGRES_TUPLES_OK);
	int rv = -1;

	if (res != NULL && PQntuples(res) == 1 &&
	    (size_t)PQgetlength(res, 0, 0) < hashsz) {
		memcpy(hash, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0) + 1);
		rv = 0;
	}
	PQclear(res);
	return rv;
}

static int
pg_card_set_tries(struct db *d, const char *pan, int tries)
{
	struct pg_num b;
	const char *params[] = { pg_num(&b, tries), pan };

	return pg_cmd(d, "PIN tries", "UPDATE cards SET tries_left = $1, "
	    "status = CASE WHEN $1 = 0 THEN 'locked' ELSE status END WHERE pan = $2", 2,
	    params);
}

static int
pg_sum(struct db *d, const char *sql, int n, const char *const *params, int64_t *out)
{
	PGresult *res = pg_run(d, "sum", sql, n, params, PGRES_TUPLES_OK);

	if (res == NULL)
		return -1;
	*out = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static int
pg_account_held(struct db *d, int64_t account_id, int64_t *out)
{
	struct pg_num b;
	const char *params[] = { pg_num(&b, account_id) };

	return pg_sum(d, "SELECT COALESCE(SUM(h.amount_fen), 0) FROM holds h "
	    "JOIN cards c ON c.pan = h.pan WHERE c.account_id = $1 AND h.state = 'held'",
	    1, params, out);
}

static int
pg_card_withdrawn(struct db *d, const char *pan, int64_t from, int64_t to, int64_t *out)
{
	struct pg_num b1, b2;
	const char *params[] = { pan, pg_num(&b1, from), pg_num(&b2, to) };

	return pg_sum(d, "SELECT COALESCE(SUM(amount_fen), 0) FROM holds WHERE pan = $1 "
	    "AND state IN ('held', 'completed') AND created >= $2 AND created < $3", 3,
	    params, out);
}

static int
pg_hold_load(struct db *d, const char *txhex, int lock, struct hold_row *h)
{
	const char *params[] = { txhex };
	PGresult *res = pg_run(d, "hold lookup", lock ?
	    "SELECT pan, amount_fen, state, kiosk_id FROM holds WHERE txid = $1 FOR UPDATE" :
	    "SELECT pan, amount_fen, state, kiosk_id FROM holds WHERE txid = $1", 1, params,
	    PGRES_TUPLES_OK);
	int found;

	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0)) {
		pg_text(h->pan, sizeof h->pan, res, 0, 0);
		h->amount_fen = pg_int(res, 0, 1);
		pg_text(h->state, sizeof h->state, res, 0, 2);
		h->has_kiosk = !PQgetisnull(res, 0, 3);
		pg_text(h->kiosk_id, sizeof h->kiosk_id, res, 0, 3);
	}
	PQclear(res);
	return found;
}

static int
pg_hold_insert(struct db *d, const char *txhex, const char *pan, int64_t amount_fen,
    int64_t created, const char *kiosk_id)
{
	struct pg_num b1, b2;
	const char *params[] = { txhex, pan, pg_num(&b1, amount_fen), pg_num(&b2, created),
	    kiosk_id };

	return pg_cmd(d, "hold", "INSERT INTO holds (txid, pan, amount_fen, state, created, "
	    "settled, kiosk_id) VALUES ($1, $2, $3, 'held', $4, NULL, $5)", 5, params);
}

static int
pg_hold_set_state(struct db *d, const char *txhex, const char *state, int64_t settled)
{
	struct pg_num b;
	const char *params[] = { state, pg_num(&b, settled), txhex };
	PGresult *res = pg_run(d, "hold state", "UPDATE holds SET state = $1, settled = $2 "
	    "WHERE txid = $3 AND state = 'held'", 3, params, PGRES_COMMAND_OK);
	int moved = res != NULL && strcmp(PQcmdTuples(res), "1") == 0;

	PQclear(res);
	return moved ? 0 : -1;
}

static int
pg_account_debit(struct db *d, int64_t account_id, const char *txhex, int64_t amount_fen,
    int64_t balance_after_fen, int64_t at)
{
	struct pg_num amount, account, debit, after, when;
	const char *upd[] = { pg_num(&amount, amount_fen), pg_num(&account, account_id) };
	const char *ins[] = { txhex, account.s, pg_num(&debit, -amount_fen),
	    pg_num(&after, balance_after_fen), pg_num(&when, at) };

	if (pg_cmd(d, "debit", "UPDATE accounts SET balance_fen = balance_fen - $1 "
	    "WHERE id = $2", 2, upd) < 0)
		return -1;
	return pg_cmd(d, "ledger row", "INSERT INTO ledger (txid, account_id, kind, "
	    "amount_fen, balance_after_fen, at) VALUES ($1, $2, 'withdrawal', $3, $4, $5)", 5,
	    ins);
}

static int
pg_transfer_load(struct db *d, const char *txhex, struct transfer_row *t)
{
	const char *params[] = { txhex };
	PGresult *res = pg_run(d, "transfer lookup", "SELECT pan, amount_fen, from_kind, "
	    "COALESCE(to_kind, -1), COALESCE(to_pan, ''), status, available_after_fen, "
	    "created, COALESCE(kiosk_id, '') FROM transfers WHERE txid = $1", 1, params,
	    PGRES_TUPLES_OK);
	int found;

	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0)) {
		memset(t, 0, sizeof *t);
		pg_text(t->pan, sizeof t->pan, res, 0, 0);
		t->amount_fen = pg_int(res, 0, 1);
		t->from_kind = (int)pg_int(res, 0, 2);
		t->to_kind = (int)pg_int(res, 0, 3);
		pg_text(t->to_pan, sizeof t->to_pan, res, 0, 4);
		t->status = (int)pg_int(res, 0, 5);
		t->available_after_fen = pg_int(res, 0, 6);
		t->created = pg_int(res, 0, 7);
		pg_text(t->kiosk_id, sizeof t->kiosk_id, res, 0, 8);
	}
	PQclear(res);
	return found;
}

static int
pg_transfer_insert(struct db *d, const char *txhex, const struct transfer_row *t)
{
	struct pg_num amount, from, to, status, after, created;
	const char *params[] = { txhex, t->pan, pg_num(&amount, t->amount_fen),
	    pg_num(&from, t->from_kind), pg_num(&to, t->to_kind), t->to_pan,
	    pg_num(&status, t->status), pg_num(&after, t->available_after_fen),
	    pg_num(&created, t->created), t->kiosk_id };

	return pg_cmd(d, "transfer", "INSERT INTO transfers (txid, pan, amount_fen, "
	    "from_kind, to_kind, to_pan, status, available_after_fen, created, kiosk_id) "
	    "VALUES ($1, $2, $3, $4, NULLIF($5::integer, -1), NULLIF($6, ''), $7, $8, $9, $10)",
	    10, params);
}

static int
pg_card_transferred(struct db *d, const char *pan, int64_t from, int64_t to, int64_t *out)
{
	struct pg_num b1, b2;
	const char *params[] = { pan, pg_num(&b1, from), pg_num(&b2, to) };

	return pg_sum(d, "SELECT COALESCE(SUM(amount_fen), 0) FROM transfers WHERE pan = $1 "
	    "AND status = 0 AND to_pan IS NOT NULL AND created >= $2 AND created < $3", 3,
	    params, out);
}

static int
pg_card_paid(struct db *d, const char *pan, const char *payee_pan)
{
	const char *params[] = { pan, payee_pan };
	int64_t paid = 0;

	if (pg_sum(d, "SELECT count(*) FROM (SELECT 1 FROM transfers WHERE pan = $1 "
	    "AND to_pan = $2 AND status = 0 LIMIT 1) p", 2, params, &paid) < 0)
		return -1;
	return paid != 0;
}

static int
pg_transfer_lock(struct db *d, const char *pan, int64_t a, int64_t b)
{
	struct pg_num b1, b2;
	const char *card[] = { pan };
	const char *acc[] = { pg_num(&b1, a), pg_num(&b2, b) };
	PGresult *res;

	/* The card's row alone: withdrawals lock it before its account, like this. */
	if ((res = pg_run(d, "transfer lock", "SELECT 1 FROM cards WHERE pan = $1 FOR UPDATE",
	    1, card, PGRES_TUPLES_OK)) == NULL)
		return -1;
	PQclear(res);
	if ((res = pg_run(d, "transfer lock", "SELECT id FROM accounts WHERE id IN ($1, $2) "
	    "ORDER BY id FOR UPDATE", 2, acc, PGRES_TUPLES_OK)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* One leg: the account's balance moves by delta, and its ledger row says so. */
static int
pg_leg(struct db *d, int64_t account_id, const char *txhex, const char *kind, int64_t delta,
    int64_t at, int64_t *after)
{
	struct pg_num b1, b2, b3, b4;
	const char *upd[] = { pg_num(&b1, delta), pg_num(&b2, account_id) };
	PGresult *res = pg_run(d, "transfer leg", "UPDATE accounts SET balance_fen = "
	    "balance_fen + $1 WHERE id = $2 RETURNING balance_fen", 2, upd, PGRES_TUPLES_OK);

	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		log_warnx("ledger: transfer leg: no account %lld", (long long)account_id);
		return -1;
	}
	*after = pg_int(res, 0, 0);
	PQclear(res);
	const char *ins[] = { txhex, b2.s, kind, b1.s, pg_num(&b3, *after), pg_num(&b4, at) };
	return pg_cmd(d, "ledger row", "INSERT INTO ledger (txid, account_id, kind, "
	    "amount_fen, balance_after_fen, at) VALUES ($1, $2, $3, $4, $5, $6)", 6, ins);
}

static int
pg_account_transfer(struct db *d, int64_t from, int64_t to, const char *txhex,
    int64_t amount_fen, int64_t at)
{
	int64_t after;

	if (pg_leg(d, from, txhex, "transfer_out", -amount_fen, at, &after) < 0)
		return -1;
	return pg_leg(d, to, txhex, "transfer_in", amount_fen, at, &after);
}

static int
pg_open_holds(struct db *d, void (*fn)(void *, const char *, int64_t, int64_t), void *arg)
{
	PGresult *res = pg_run(d, "open holds", "SELECT kiosk_id, COUNT(*), SUM(amount_fen) "
	    "FROM holds WHERE state = 'held' GROUP BY kiosk_id ORDER BY kiosk_id", 0, NULL,
	    PGRES_TUPLES_OK);

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		fn(arg, PQgetisnull(res, i, 0) ? NULL : PQgetvalue(res, i, 0), pg_int(res, i, 1),
		    pg_int(res, i, 2));
	PQclear(res);
	return 0;
}

/* A demo account of customer and its opening ledger row; id gets the account's. */
static int
pg_demo_account(struct db *d, const char *customer, const char *holder, const char *kind,
    int64_t balance_fen, int64_t at, char *id, size_t idsz)
{
	struct pg_num b1, b2;
	const char *acc[] = { holder, pg_num(&b1, balance_fen), BANKD_CURRENCY, customer,
	    kind };
	PGresult *res = pg_run(d, "demo account", "INSERT INTO accounts (holder, balance_fen, "
	    "currency, customer_id, kind) VALUES ($1, $2, $3, $4, $5) RETURNING id", 5, acc,
	    PGRES_TUPLES_OK);

	if (res == NULL)
		return -1;
	pg_text(id, idsz, res, 0, 0);
	PQclear(res);
	const char *led[] = { id, b1.s, pg_num(&b2, at) };
	return pg_cmd(d, "demo ledger", "INSERT INTO ledger (txid, account_id, kind, "
	    "amount_fen, balance_after_fen, at) VALUES (NULL, $1, 'opening', $2, $2, $3)", 3,
	    led);
}

static int pg_demo_card(struct db *, const struct demo_card *, const char *,
    const char *, int64_t);

static int
pg_demo_add(struct db *d, const struct demo_card *c, const char *pin_hash, int64_t at)
{
	struct pg_num b1;
	const char *cust[] = { c->holder, pg_num(&b1, c->fraud_protect) };
	PGresult *res = pg_run(d, "demo customer", "INSERT INTO customers (name, "
	    "fraud_protect) VALUES ($1, $2) RETURNING id", 2, cust, PGRES_TUPLES_OK);
	char customer[24], account[24], savings[24];

	if (res == NULL)
		return -1;
	if (c->owner_pan != NULL) {
		/* A second card of the same customer: their account, no other. */
		PQclear(res);
		const char *own[] = { c->owner_pan };
		if ((res = pg_run(d, "demo card's owner", "SELECT account_id FROM cards "
		    "WHERE pan = $1", 1, own, PGRES_TUPLES_OK)) == NULL)
			return -1;
		if (PQntuples(res) != 1) {
			PQclear(res);
			return -1;
		}
		pg_text(account, sizeof account, res, 0, 0);
		PQclear(res);
		return pg_demo_card(d, c, pin_hash, account, at);
	}
	pg_text(customer, sizeof customer, res, 0, 0);
	PQclear(res);
	if (pg_demo_account(d, customer, c->holder, "current", c->balance_fen, at, account,
	    sizeof account) < 0 || pg_demo_account(d, customer, c->holder, "savings",
	    c->savings_fen, at, savings, sizeof savings) < 0)
		return -1;
	return pg_demo_card(d, c, pin_hash, account, at);
}

/* The card of a demo customer, on account; one awaiting activation says so. */
static int
pg_demo_card(struct db *d, const struct demo_card *c, const char *pin_hash,
    const char *account, int64_t at)
{
	struct pg_num b2, b3, b4, b5, b6;
	const char *card[] = { c->pan, account, pin_hash, c->status,
	    pg_num(&b2, c->tries_left), c->lang, pg_num(&b3, c->large_print),
	    pg_num(&b4, c->speech), pg_num(&b5, c->large_threshold_fen) };
	if (pg_cmd(d, "demo card", "INSERT INTO cards (pan, account_id, pin_hash, status, "
	    "tries_left, lang, large_print, speech, large_threshold_fen) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9::bigint, 0))", 9, card) < 0)
		return -1;
	if (!c->awaiting)
		return 0;
	const char *act[] = { c->pan, pg_num(&b6, at) };
	return pg_cmd(d, "demo activation", "INSERT INTO card_activations (pan, issued) "
	    "VALUES ($1, $2)", 2, act);
}

static int
pg_demo_payee(struct db *d, const char *pan, const char *payee_pan, int position)
{
	struct pg_num b;
	const char *params[] = { pan, payee_pan, pg_num(&b, position) };

	return pg_cmd(d, "demo payee", "INSERT INTO payees (pan, payee_pan, position) "
	    "VALUES ($1, $2, $3)", 3, params);
}

static int
pg_staff_load(struct db *d, const char *id, int lock, int *tries_left, char *hash,
    size_t hashsz)
{
	const char *params[] = { id };
	PGresult *res = pg_run(d, "staff lookup", lock ?
	    "SELECT tries_left, pin_hash FROM staff WHERE id = $1 FOR UPDATE" :
	    "SELECT tries_left, pin_hash FROM staff WHERE id = $1", 1, params,
	    PGRES_TUPLES_OK);
	int rv;

	if (res == NULL)
		return -1;
	if ((rv = PQntuples(res) == 1)) {
		*tries_left = (int)pg_int(res, 0, 0);
		pg_text(hash, hashsz, res, 0, 1);
	}
	PQclear(res);
	return rv;
}

static int
pg_staff_set_tries(struct db *d, const char *id, int tries)
{
	struct pg_num b;
	const char *params[] = { pg_num(&b, tries), id };

	return pg_cmd(d, "staff tries", "UPDATE staff SET tries_left = $1 WHERE id = $2", 2,
	    params);
}

static int
pg_staff_add(struct db *d, const char *id, const char *pin_hash)
{
	const char *params[] = { id, pin_hash };

	return pg_cmd(d, "demo staff", "INSERT INTO staff (id, pin_hash) VALUES ($1, $2)", 2,
	    params);
}

static int
pg_staff_call_add(struct db *d, const char *kiosk_id, const char *reason, int64_t at)
{
	struct pg_num b;
	const char *params[] = { kiosk_id, reason, pg_num(&b, at) };

	return pg_cmd(d, "staff call", "INSERT INTO staff_calls (kiosk_id, reason, at) "
	    "VALUES ($1, $2, $3)", 3, params);
}

static int
pg_account_entries(struct db *d, int64_t account_id, struct entry_row *out, int max)
{
	struct pg_num b1, b2;
	const char *params[] = { pg_num(&b1, account_id), pg_num(&b2, max) };
	PGresult *res = pg_run(d, "ledger entries", "SELECT kind, amount_fen, "
	    "balance_after_fen, at FROM ledger WHERE account_id = $1 "
	    "ORDER BY at DESC, id DESC LIMIT $2", 2, params, PGRES_TUPLES_OK);
	int n;

	if (res == NULL)
		return -1;
	for (n = 0; n < PQntuples(res) && n < max; n++) {
		pg_text(out[n].kind, sizeof out[n].kind, res, n, 0);
		out[n].amount_fen = pg_int(res, n, 1);
		out[n].balance_after_fen = pg_int(res, n, 2);
		out[n].at = pg_int(res, n, 3);
	}
	PQclear(res);
	return n;
}

static int
pg_card_set_pin_hash(struct db *d, const char *pan, const char *old_hash,
    const char *new_hash)
{
	const char *params[] = { new_hash, pan, old_hash };
	PGresult *res = pg_run(d, "PIN hash", "UPDATE cards SET pin_hash = $1 "
	    "WHERE pan = $2 AND pin_hash = $3", 3, params, PGRES_COMMAND_OK);
	int set;

	if (res == NULL)
		return -1;
	set = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	return set;
}

static int
pg_card_set_profile(struct db *d, const char *pan, const struct kproto_profile *p)
{
	struct pg_num volume, rate, size;
	const char *prefs[] = { p ? p->lang : "",
		p && (p->flags & KPROTO_CARD_F_LARGE_PRINT) ? "1" : "0",
		p && (p->flags & KPROTO_CARD_F_SPEECH) ? "1" : "0", pan };

	if (pg_cmd(d, "profile", "UPDATE cards SET lang = $1, large_print = $2, "
	    "speech = $3 WHERE pan = $4", 4, prefs) < 0)
		return -1;
	if (p == NULL) {
		const char *del[] = { pan };
		return pg_cmd(d, "profile", "DELETE FROM card_profiles WHERE pan = $1", 1,
		    del);
	}
	const char *ins[] = { pan, pg_num(&volume, p->volume), pg_num(&rate, p->rate),
		pg_num(&size, p->text_size), p->theme };
	return pg_cmd(d, "profile", "INSERT INTO card_profiles (pan, volume, rate, "
	    "text_size, theme) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pan) DO UPDATE SET "
	    "volume = EXCLUDED.volume, rate = EXCLUDED.rate, text_size = EXCLUDED.text_size, "
	    "theme = EXCLUDED.theme", 5, ins);
}

static int
pg_card_awaiting(struct db *d, const char *pan)
{
	const char *params[] = { pan };
	PGresult *res = pg_run(d, "card activation", "SELECT 1 FROM card_activations "
	    "WHERE pan = $1", 1, params, PGRES_TUPLES_OK);
	int found;

	if (res == NULL)
		return -1;
	found = PQntuples(res) > 0;
	PQclear(res);
	return found;
}

static int
pg_card_activated(struct db *d, const char *pan)
{
	const char *params[] = { pan };
	PGresult *res = pg_run(d, "card activation", "DELETE FROM card_activations "
	    "WHERE pan = $1", 1, params, PGRES_COMMAND_OK);
	int done;

	if (res == NULL)
		return -1;
	done = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	return done;
}

static int
pg_card_siblings(struct db *d, const char *pan, struct card_brief *out, int max)
{
	struct pg_num b;
	const char *params[] = { pan, pg_num(&b, max) };
	PGresult *res = pg_run(d, "sibling cards", "SELECT o.pan, o.status FROM cards c "
	    "JOIN accounts own ON own.id = c.account_id JOIN accounts a "
	    "ON a.id = own.id OR a.customer_id = own.customer_id "
	    "JOIN cards o ON o.account_id = a.id "
	    "WHERE c.pan = $1 AND o.pan <> c.pan ORDER BY o.pan LIMIT $2", 2, params,
	    PGRES_TUPLES_OK);
	int n;

	if (res == NULL)
		return -1;
	for (n = 0; n < PQntuples(res) && n < max; n++) {
		pg_text(out[n].pan, sizeof out[n].pan, res, n, 0);
		pg_text(out[n].status, sizeof out[n].status, res, n, 1);
	}
	PQclear(res);
	return n;
}

static int
pg_card_mark_lost(struct db *d, const char *lost_pan, const char *pan,
    const char *kiosk_id, int64_t at)
{
	struct pg_num b;
	const char *upd[] = { lost_pan };
	const char *ins[] = { lost_pan, pan, kiosk_id, pg_num(&b, at) };

	if (pg_cmd(d, "card lost", "UPDATE cards SET status = 'lost' WHERE pan = $1", 1,
	    upd) < 0)
		return -1;
	return pg_cmd(d, "card lost", "INSERT INTO card_losses (pan, reported_with, "
	    "kiosk_id, at) VALUES ($1, $2, NULLIF($3, ''), $4)", 4, ins);
}

static int
pg_card_pin_reset(struct db *d, const char *pan, const char *kiosk_id,
    const char *staff_id, const char *kind, int64_t at)
{
	struct pg_num b1, b2;
	const char *upd[] = { pg_num(&b1, BANKD_PIN_TRIES), pan };
	const char *ins[] = { pan, kiosk_id, staff_id, pg_num(&b2, at), kind };

	if (pg_cmd(d, "PIN reset", "UPDATE cards SET status = 'active', tries_left = $1 "
	    "WHERE pan = $2", 2, upd) < 0)
		return -1;
	return pg_cmd(d, "PIN reset", "INSERT INTO card_pin_resets (pan, kiosk_id, "
	    "staff_id, at, kind) VALUES ($1, NULLIF($2, ''), $3, $4, $5)", 5, ins);
}

static int
pg_card_cancel(struct db *d, const char *pan, const char *kiosk_id, const char *staff_id,
    int64_t at)
{
	struct pg_num b;
	const char *upd[] = { pan };
	const char *ins[] = { pan, kiosk_id, staff_id, pg_num(&b, at) };

	if (pg_cmd(d, "card cancelled", "UPDATE cards SET status = 'cancelled' WHERE pan = $1",
	    1, upd) < 0)
		return -1;
	return pg_cmd(d, "card cancelled", "INSERT INTO card_cancellations (pan, kiosk_id, "
	    "staff_id, at) VALUES ($1, NULLIF($2, ''), $3, $4)", 4, ins);
}

static int
pg_demo_entries(struct db *d, int64_t account_id, const struct entry_row *rows, int n)
{
	struct pg_num id, amount, after, at;
	const char *del[] = { pg_num(&id, account_id) };

	if (pg_cmd(d, "demo ledger", "DELETE FROM ledger WHERE account_id = $1", 1, del) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *ins[] = { id.s, rows[i].kind, pg_num(&amount, rows[i].amount_fen),
		    pg_num(&after, rows[i].balance_after_fen), pg_num(&at, rows[i].at) };
		if (pg_cmd(d, "demo ledger", "INSERT INTO ledger (txid, account_id, kind, "
		    "amount_fen, balance_after_fen, at) VALUES (NULL, $1, $2, $3, $4, $5)", 5,
		    ins) < 0)
			return -1;
	}
	return 0;
}

const struct db_ops ledger_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.create = pg_create,
	.migrate = pg_migrate,
	.close = pg_close,
	.exec = pg_exec,
	.query_int = pg_query_int,
	.schema_version = pg_version,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.card_load = pg_card_load,
	.card_accounts = pg_card_accounts,
	.card_payees = pg_card_payees,
	.card_pin_hash = pg_card_pin_hash,
	.card_set_tries = pg_card_set_tries,
	.account_held = pg_account_held,
	.card_withdrawn = pg_card_withdrawn,
	.hold_load = pg_hold_load,
	.hold_insert = pg_hold_insert,
	.hold_set_state = pg_hold_set_state,
	.account_debit = pg_account_debit,
	.transfer_load = pg_transfer_load,
	.transfer_insert = pg_transfer_insert,
	.card_transferred = pg_card_transferred,
	.card_paid = pg_card_paid,
	.transfer_lock = pg_transfer_lock,
	.account_transfer = pg_account_transfer,
	.open_holds = pg_open_holds,
	.demo_add = pg_demo_add,
	.demo_payee = pg_demo_payee,
	.staff_load = pg_staff_load,
	.staff_set_tries = pg_staff_set_tries,
	.staff_add = pg_staff_add,
	.staff_call_add = pg_staff_call_add,
	.account_entries = pg_account_entries,
	.card_set_pin_hash = pg_card_set_pin_hash,
	.card_set_profile = pg_card_set_profile,
	.card_awaiting = pg_card_awaiting,
	.card_activated = pg_card_activated,
	.card_siblings = pg_card_siblings,
	.card_mark_lost = pg_card_mark_lost,
	.card_pin_reset = pg_card_pin_reset,
	.card_cancel = pg_card_cancel,
	.demo_entries = pg_demo_entries,
};
