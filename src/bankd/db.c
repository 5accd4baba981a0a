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
 * language, large print, speech, large-transaction alert threshold (0: none). */
static const struct demo_card db_demo[] = {
	{ "6222000000000017", "1234", "张伟 Zhang Wei", 500000, 2000000, 0,
	    "active", 3, "zh", 0, 0, 0 },
	/* 78: the bank protects her from scams, and alerts above ¥2,000. */
	{ "6222000000000025", "2580", "李秀英 Li Xiuying", 1234560, 8600000, 1,
	    "active", 3, "zh", 1, 0, 200000 },
	{ "6222000000000033", "1357", "王芳 Wang Fang", 80000, 320000, 0,
	    "active", 3, "zh", 0, 1, 0 },
	{ "6222000000000041", "4321", "赵强 Zhao Qiang", 300000, 1000000, 0,
	    "locked", 0, "zh", 0, 0, 0 },
	{ "6222000000000058", "1111", "刘洋 Liu Yang", 150000, 500000, 0,
	    "lost", 3, "zh", 0, 0, 0 },
};

/* Saved payees: 张伟 sends money to his mother 李秀英 and to his wife 王芳. */
static const struct {
	const char *pan, *payee_pan;
} db_demo_payees[] = {
	{ "6222000000000017", "6222000000000025" },
	{ "6222000000000017", "6222000000000033" },
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
db_open(const char *spec, struct db **dbp, char *err, size_t errlen)
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
	ledger_log_open_holds(db);
	*dbp = db;
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

int
db_init_demo(const char *spec, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct db *db = db_new(spec);
	int rv = -1;

	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* One transaction: the demo bank appears whole or not at all. */
	if (db->ops->create(db, spec, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < sizeof db_demo / sizeof db_demo[0]; i++) {
		if (crypto_pwhash_str(hash, db_demo[i].pin, strlen(db_demo[i].pin),
		    crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
			snprintf(err, errlen, "PIN hashing failed (out of memory?)");
			goto out;
		}
		if (db->ops->demo_add(db, &db_demo[i], hash, (int64_t)time(NULL)) < 0)
			goto write_failed;
	}
	for (size_t i = 0; i < sizeof db_demo_payees / sizeof db_demo_payees[0]; i++)
		if (db->ops->demo_payee(db, db_demo_payees[i].pan, db_demo_payees[i].payee_pan,
		    (int)i + 1) < 0)
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
