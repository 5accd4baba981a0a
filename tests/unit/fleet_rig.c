/* The fleet rig (fleet_rig.h): made-up banks, adapters and simulated kiosks. */
#include "fleet_rig.h"

#include "bankd/ledger_backend.h"
#include "common/util.h"

#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLEET_TIMEOUT_MS 5000   /* the kiosk's own deadline for an answer */

int
fleet_bank_create(const char *spec, const struct fleet_card *cards, int ncards,
    const char *pin, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	struct db *db = calloc(1, sizeof *db);
	int rv = -1;

	if (db == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	db->ops = db_spec_is_pg(spec) ? &ledger_pg_ops : &ledger_sqlite_ops;
	snprintf(db->name, sizeof db->name, "%s", spec);
	/* The migrations make the schema, then the bank is emptied and refilled. */
	if (db->ops->create(db, spec, err, errlen) < 0)
		goto out;
	/* One hash for every card: each check still costs what a customer's does. */
	if (crypto_pwhash_str(hash, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		snprintf(err, errlen, "PIN hashing failed");
		goto out;
	}
	for (int i = 0; i < ncards; i++) {
		struct demo_card c = {
			.pan = cards[i].pan, .pin = pin, .holder = "Fleet Test",
			.balance_fen = cards[i].balance_fen, .status = "active",
			.tries_left = BANKD_PIN_TRIES, .lang = "en",
		};
		if (db->ops->demo_add(db, &c, hash, (int64_t)time(NULL)) < 0) {
			snprintf(err, errlen, "%s: cannot add card %s", spec, c.pan);
			goto out;
		}
	}
	if (db->ops->commit(db) < 0) {
		snprintf(err, errlen, "%s: cannot commit the bank", spec);
		goto out;
	}
	rv = 0;
out:
	db_close(db);
	return rv;
}

int64_t
fleet_bank_int(const char *spec, const char *sql)
{
	struct db *db;
	char err[1024];
	int64_t v = -1;

	if (db_open(spec, &db, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (db_query_int(db, sql, &v) < 0) {
		fprintf(stderr, "query failed: %s\n", sql);
		v = -1;
	}
	db_close(db);
	return v;
}

pid_t
fleet_spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

int
fleet_wait(pid_t pid, int ms)
{
	int64_t end = mono_usec() + (int64_t)ms * 1000;
	int st;

	do {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		poll(NULL, 0, 10);
	} while (mono_usec() < end);
	return -1;
}

int
fleet_pg_server(const char *script, const char *cmd, const char *pgdir, const char *db)
{
	char *argv[] = { (char *)script, (char *)cmd, (char *)pgdir, (char *)db, NULL };

	return fleet_wait(fleet_spawn(argv), 60000);
}

unsigned char *
fleet_kiosk_register(const char *dir, const char *kdir, const char *id, char *err,
    size_t errlen)
{
	unsigned char *sk = sodium_malloc(KPROTO_SK_LEN);
	char path[512];

	if (sk == NULL) {
		snprintf(err, errlen, "out of secure memory");
		return NULL;
	}
	snprintf(path, sizeof path, "%s/%s.pub", dir, id);
	if (kproto_keypair_generate_files(dir, id, 1, err, errlen) != KPROTO_OK ||
	    kiosks_register(kdir, id, path, err, errlen) < 0)
		goto fail;
	snprintf(path, sizeof path, "%s/%s.key", dir, id);
	if (kproto_key_load_secret(path, sk, err, errlen) != KPROTO_OK)
		goto fail;
	return sk;
fail:
	sodium_free(sk);
	return NULL;
}

int
fleet_file_has(const char *path, long from, const char *needle)
{
	static char text[1 << 22];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL && fseek(f, from, SEEK_SET) == 0)
		n = fread(text, 1, sizeof text - 1, f);
	if (f != NULL)
		fclose(f);
	text[n] = '\0';
	return strstr(text, needle) != NULL;
}

int
fleet_log_wait(const char *path, const char *needle)
{
	int64_t end = mono_usec() + 5000000;

	while (mono_usec() < end) {
		if (fleet_file_has(path, 0, needle))
			return 1;
		poll(NULL, 0, 20);
	}
	fprintf(stderr, "%s lacks \"%s\"\n", path, needle);
	return 0;
}

int
fleet_connect(struct fleet_kiosk *k, char *err, size_t errlen)
{
	int rv = kproto_client_connect(&k->kc, k->socket, k->sk, k->adapter_pk, k->id, 2000,
	    err, errlen);

	k->up = rv == KPROTO_OK;
	return rv;
}

int
fleet_connect_wait(struct fleet_kiosk *k)
{
	int64_t end = mono_usec() + 10000000;
	char err[512] = "";
	int rv;

	do {
		if ((rv = fleet_connect(k, err, sizeof err)) == KPROTO_OK)
			return 0;
		poll(NULL, 0, 20);
	} while (rv == KPROTO_E_IO && mono_usec() < end);
	return -1;
}

void
fleet_disconnect(struct fleet_kiosk *k)
{
	if (k->up)
		kproto_conn_close(&k->kc);
	k->up = 0;
}

int
fleet_call(struct fleet_kiosk *k, uint8_t type, struct kproto_buf *b, int *code)
{
	struct kproto_error e;
	uint8_t rtype = 0;
	int rv;

	*code = 0;
	if (!k->up)
		return KPROTO_E_CLOSED;
	rv = kproto_request(&k->kc, type, b, &rtype, b, FLEET_TIMEOUT_MS);
	if (rv != KPROTO_OK) {
		fleet_disconnect(k);
		return rv;
	}
	if (rtype == KPROTO_MSG_ERROR) {
		*code = kproto_error_unpack(b, &e) == KPROTO_OK ? e.code : -1;
		return KPROTO_MSG_ERROR;
	}
	return rtype;
}

int
fleet_card_open(struct fleet_kiosk *k, const char *pan, const char *pin)
{
	struct kproto_card_open co;
	struct kproto_card_info ci;
	struct kproto_pin_verify pv;
	struct kproto_pin_result pr;
	struct kproto_buf b;
	int code;

	snprintf(co.pan, sizeof co.pan, "%s", pan);
	if (kproto_card_open_pack(&b, &co) != KPROTO_OK ||
	    fleet_call(k, KPROTO_MSG_CARD_OPEN, &b, &code) != KPROTO_MSG_CARD_INFO ||
	    kproto_card_info_unpack(&b, &ci) != KPROTO_OK || ci.status != KPROTO_CARD_OK)
		return -1;
	if (kproto_pin_seal(pin, k->adapter_pk, pv.sealed, sizeof pv.sealed,
	    &pv.sealed_len) != KPROTO_OK || kproto_pin_verify_pack(&b, &pv) != KPROTO_OK ||
	    fleet_call(k, KPROTO_MSG_PIN_VERIFY, &b, &code) != KPROTO_MSG_PIN_RESULT ||
	    kproto_pin_result_unpack(&b, &pr) != KPROTO_OK)
		return -1;
	return pr.status;
}

int
fleet_card_close(struct fleet_kiosk *k)
{
	struct kproto_buf b;
	int code;

	kproto_buf_init(&b);
	return fleet_call(k, KPROTO_MSG_CARD_CLOSE, &b, &code) == KPROTO_MSG_OK ? 0 : -1;
}

int
fleet_withdraw_auth(struct fleet_kiosk *k, int64_t amount_fen)
{
	struct kproto_withdraw_auth wa = { .amount_fen = amount_fen };
	struct kproto_withdraw_result wr;
	struct kproto_buf b;
	int code;

	/* Written down before it is sent, as the kiosk journals it: a crash from here on
	 * leaves a hold that only SETTLE can release. */
	randombytes_buf(wa.txid, sizeof wa.txid);
	memcpy(k->pending, wa.txid, sizeof wa.txid);
	k->pending_outcome = KPROTO_SETTLE_REVERSE;
	if (kproto_withdraw_auth_pack(&b, &wa) != KPROTO_OK ||
	    fleet_call(k, KPROTO_MSG_WITHDRAW_AUTH, &b, &code) != KPROTO_MSG_WITHDRAW_RESULT ||
	    kproto_withdraw_result_unpack(&b, &wr) != KPROTO_OK)
		return -1;
	if (wr.status != KPROTO_WD_APPROVED)
		k->pending_outcome = -1;
	return wr.status;
}

int
fleet_withdraw_end(struct fleet_kiosk *k, int complete)
{
	struct kproto_withdraw_txid wt;
	struct kproto_buf b;
	int code;

	if (complete)
		k->pending_outcome = KPROTO_SETTLE_COMPLETE;
	memcpy(wt.txid, k->pending, sizeof wt.txid);
	if (kproto_withdraw_txid_pack(&b, &wt) != KPROTO_OK ||
	    fleet_call(k, complete ? KPROTO_MSG_WITHDRAW_COMPLETE : KPROTO_MSG_WITHDRAW_REVERSE,
	    &b, &code) != KPROTO_MSG_OK)
		return -1;
	k->pending_outcome = -1;
	return 0;
}

int
fleet_transfer(struct fleet_kiosk *k, int64_t amount_fen, const char *payee)
{
	struct kproto_transfer t = { .amount_fen = amount_fen,
	    .from_kind = KPROTO_ACCOUNT_CURRENT, .to_kind = KPROTO_ACCOUNT_SAVINGS };
	struct kproto_transfer_result tr;
	struct kproto_buf b;
	int code;

	randombytes_buf(t.txid, sizeof t.txid);
	if (payee != NULL)
		snprintf(t.pan, sizeof t.pan, "%s", payee);
	if (kproto_transfer_pack(&b, &t) != KPROTO_OK ||
	    fleet_call(k, KPROTO_MSG_TRANSFER, &b, &code) != KPROTO_MSG_TRANSFER_RESULT ||
	    kproto_transfer_result_unpack(&b, &tr) != KPROTO_OK)
		return -1;
	return tr.status;
}

int
fleet_settle(struct fleet_kiosk *k)
{
	struct kproto_settle m = { .outcome = (uint8_t)k->pending_outcome };
	struct kproto_buf b;
	int code, rtype;

	memcpy(m.txid, k->pending, sizeof m.txid);
	if (kproto_settle_pack(&b, &m) != KPROTO_OK)
		return -1;
	rtype = fleet_call(k, KPROTO_MSG_SETTLE, &b, &code);
	if (rtype == KPROTO_MSG_OK) {
		k->pending_outcome = -1;
		return m.outcome == KPROTO_SETTLE_COMPLETE;
	}
	/* A reversal the bank never held: the AUTH was lost before it committed. */
	if (rtype == KPROTO_MSG_ERROR && code == KPROTO_ERROR_UNKNOWN_TX &&
	    m.outcome == KPROTO_SETTLE_REVERSE) {
		k->pending_outcome = -1;
		return 0;
	}
	if (rtype == KPROTO_MSG_ERROR && code != KPROTO_ERROR_INTERNAL)
		return -2;
	return -1;
}

static int
fleet_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

double
fleet_pct(int64_t *us, size_t n, int p)
{
	if (n == 0)
		return 0;
	qsort(us, n, sizeof *us, fleet_cmp);
	size_t i = n * (size_t)p / 100;
	return (double)us[i >= n ? n - 1 : i];
}
