/*
 * A fleet: many kiosks, each with its own registered key, through several kiosk-bankd
 * processes on one PostgreSQL database.
 *
 *   test_bankd_fleet keys BANKD CONNINFO
 *       kiosks registered in a keys directory, each served with its own key; one not
 *       registered, or signing with another's key, refused by name; two adapters on
 *       one database; one card at two kiosks through two adapters at once never
 *       passes its balance or its daily limit. A kiosk whose request waits for a row
 *       another transaction holds does not hold up the adapter's other kiosks. An
 *       adapter refuses to start, saying
 *       why, on a server it cannot reach, a role that may not log in, a database
 *       without the bank, a read-only one, or a schema newer than it knows.
 *   test_bankd_fleet load BANKD PG-SERVER
 *       32 kiosks x 20 card sessions of withdrawals sharing 16 cards through two
 *       adapters on a PostgreSQL server of its own (more asked than the cards' money
 *       and daily limits allow), killing one adapter (-9) and crashing the server
 *       while withdrawals are being paid out; the kiosks settle what they left open by
 *       txid, as the kiosk's recovery does. Money is conserved exactly, nothing is
 *       paid twice or lost, no hold stays open, no card passes its limits.
 */
#include "bankd/bankd.h"
#include "common/log.h"
#include "common/util.h"
#include "fleet_rig.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define PIN "2468"
#define NOTE 10000

static const char *bankd;
static char dir[64], kdir[128], adapter_key[128], adapter_pub[128];
static unsigned char adapter_pk[KPROTO_PK_LEN];

static void
path_in(char *out, size_t outsz, const char *name)
{
	if ((size_t)snprintf(out, outsz, "%s/%s", dir, name) >= outsz)
		abort();
}

static void
card_balance_sql(char *sql, size_t sqlsz, const char *pan)
{
	snprintf(sql, sqlsz, "SELECT a.balance_fen FROM accounts a JOIN cards c ON "
	    "c.account_id = a.id WHERE c.pan = '%.19s'", pan);
}

/* Makes kiosk name's key pair in dir; its secret key (sodium memory). */
static unsigned char *
kiosk_keys_make(const char *name)
{
	unsigned char *sk = sodium_malloc(KPROTO_SK_LEN);
	char err[512], path[256];

	CHECK(sk != NULL);
	CHECK_EQ(kproto_keypair_generate_files(dir, name, 1, err, sizeof err), KPROTO_OK);
	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	CHECK_EQ(kproto_key_load_secret(path, sk, err, sizeof err), KPROTO_OK);
	return sk;
}

/* kiosk-bankd --register-kiosk id with key name.pub; exit status, stderr in *out. */
static int
register_kiosk(const char *id, const char *name, char *out, size_t outsz)
{
	char pub[256], errpath[256];

	snprintf(pub, sizeof pub, "%s/%s.pub", dir, name);
	path_in(errpath, sizeof errpath, "register.err");
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execl(bankd, bankd, "--kiosk-keys", kdir, "--register-kiosk", id,
		    "--kiosk-key", pub, (char *)NULL);
		_exit(127);
	}
	int st = fleet_wait(pid, 10000);
	FILE *f = fopen(errpath, "r");
	size_t n = f != NULL ? fread(out, 1, outsz - 1, f) : 0;
	out[n] = '\0';
	if (f != NULL)
		fclose(f);
	return st;
}

static pid_t
adapter_start(const char *db, const char *sock, const char *log)
{
	char *argv[] = { (char *)bankd, "--db", (char *)db, "--socket", (char *)sock,
	    "--key", adapter_key, "--kiosk-keys", kdir, "--log", (char *)log,
	    "--max-conns", "64", "--pin-queue", "64", "--io-timeout", "5000", NULL };

	return fleet_spawn(argv);
}

static void
adapter_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	CHECK_EQ(fleet_wait(pid, 10000), 0);
}

static void
kiosk_init(struct fleet_kiosk *k, const char *id, const unsigned char *sk,
    const char *sock)
{
	memset(k, 0, sizeof *k);
	snprintf(k->id, sizeof k->id, "%s", id);
	k->sk = sk;
	k->adapter_pk = adapter_pk;
	k->socket = sock;
	k->pending_outcome = -1;
}

static void
setup(void)
{
	char err[512];

	snprintf(dir, sizeof dir, "/tmp/fleet-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	path_in(kdir, sizeof kdir, "kiosks");
	path_in(adapter_key, sizeof adapter_key, "adapter.key");
	path_in(adapter_pub, sizeof adapter_pub, "adapter.pub");
	CHECK_EQ(kproto_keypair_generate_files(dir, "adapter", 1, err, sizeof err), KPROTO_OK);
	CHECK_EQ(kproto_key_load_public(adapter_pub, adapter_pk, err, sizeof err), KPROTO_OK);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (failures == 0 && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	else if (failures != 0)
		fprintf(stderr, "logs kept in %s\n", dir);
}

/* ---- keys: registered kiosks, two adapters, one card at two kiosks ---------------- */

struct rush {
	struct fleet_kiosk k;
	const char *pan;
	int64_t paid;               /* what this kiosk dispensed */
	int failed;
	pthread_barrier_t *start;
};

/* A withdrawal asked on a thread of its own: it may wait for the database. */
struct waiter {
	struct fleet_kiosk *k;
	int status;
	int done;
};

static void *
waiter_run(void *arg)
{
	struct waiter *w = arg;

	w->status = fleet_withdraw_auth(w->k, NOTE);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Kiosk a's withdrawal waits for its card's row, which another transaction holds;
 * meanwhile kiosk b, on the same adapter, asks for its balance and is answered. Only
 * then is the row let go, and a's withdrawal approved. (Served one request at a time,
 * b would wait for a's lock timeout, 2 s, and a's withdrawal would fail.)
 */
static void
test_no_wait(const char *db, struct fleet_kiosk *a, struct fleet_kiosk *b,
    const struct fleet_card *ca, const struct fleet_card *cb)
{
	struct waiter w = { a, 0, 0 };
	struct kproto_buf buf;
	struct db *holder;
	pthread_t t;
	char err[1024], sql[256];
	int code = 0;

	CHECK_EQ(fleet_card_open(a, ca->pan, PIN), KPROTO_PIN_OK);
	CHECK_EQ(fleet_card_open(b, cb->pan, PIN), KPROTO_PIN_OK);
	CHECK_EQ(db_open(db, &holder, err, sizeof err), 0);
	snprintf(sql, sizeof sql, "BEGIN; SELECT 1 FROM cards WHERE pan = '%.19s' FOR UPDATE",
	    ca->pan);
	CHECK_EQ(db_exec(holder, sql, err, sizeof err), 0);
	CHECK_EQ(pthread_create(&t, NULL, waiter_run, &w), 0);
	int64_t until = mono_usec() + 10000000;
	while (fleet_bank_int(db, "SELECT count(*) FROM pg_locks WHERE NOT granted") < 1 &&
	    mono_usec() < until)
		poll(NULL, 0, 5);
	CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));

	kproto_buf_init(&buf);
	CHECK_EQ(fleet_call(b, KPROTO_MSG_BALANCE, &buf, &code), KPROTO_MSG_BALANCE_INFO);
	CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(db_exec(holder, "ROLLBACK", err, sizeof err), 0);
	pthread_join(t, NULL);
	CHECK_EQ(w.status, KPROTO_WD_APPROVED);
	CHECK_EQ(fleet_withdraw_end(a, 0), 0);
	db_close(holder);
	CHECK_EQ(fleet_card_close(a), 0);
	CHECK_EQ(fleet_card_close(b), 0);
}

/* Withdraws ¥100 at a time from r->pan until the bank says no. */
static void *
rush_run(void *arg)
{
	struct rush *r = arg;

	pthread_barrier_wait(r->start);
	for (int session = 0; session < 60; session++) {
		if (fleet_card_open(&r->k, r->pan, PIN) != KPROTO_PIN_OK) {
			r->failed++;
			return NULL;
		}
		for (int i = 0; i < BANK_TX_MAX; i++) {
			int st = fleet_withdraw_auth(&r->k, NOTE);
			if (st == KPROTO_WD_INSUFFICIENT || st == KPROTO_WD_OVER_LIMIT) {
				fleet_card_close(&r->k);
				return NULL;
			}
			if (st != KPROTO_WD_APPROVED || fleet_withdraw_end(&r->k, 1) < 0) {
				r->failed++;
				return NULL;
			}
			r->paid += NOTE;
		}
		if (fleet_card_close(&r->k) < 0)
			r->failed++;
	}
	return NULL;
}

/* Kiosk a through adapter 1 and kiosk b through adapter 2 empty one card together. */
static int64_t
rush(const char *pan, struct fleet_kiosk *a, struct fleet_kiosk *b)
{
	pthread_barrier_t start;
	struct rush r[2] = { { .k = *a, .pan = pan }, { .k = *b, .pan = pan } };
	pthread_t t[2];

	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++) {
		r[i].start = &start;
		pthread_create(&t[i], NULL, rush_run, &r[i]);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(r[i].failed, 0);
		/* Both kiosks were served: the card was shared, not taken by one. */
		CHECK(r[i].paid > 0);
	}
	*a = r[0].k;
	*b = r[1].k;
	pthread_barrier_destroy(&start);
	return r[0].paid + r[1].paid;
}

/* An adapter given a bank it cannot use stops at start: exit 1, why in its log, no
 * socket. */
static void
refuses_start(const char *db, const char *why)
{
	char sock[128], log[128];
	struct stat st;

	path_in(sock, sizeof sock, "refused.sock");
	path_in(log, sizeof log, "refused.log");
	unlink(log);
	CHECK_EQ(fleet_wait(adapter_start(db, sock, log), 15000), 1);
	CHECK(fleet_log_wait(log, why));
	CHECK(lstat(sock, &st) < 0);
}

/* No server there, a database without the bank, a role that may not log in, a server
 * that only reads, a schema from a newer adapter. */
static void
refusals(const char *conninfo, const char *db)
{
	char spec[512], err[512];
	struct db *admin = NULL;

	refuses_start("host=/nonexistent-pg-dir user=bank dbname=fleet",
	    "cannot connect to the PostgreSQL database: ");
	snprintf(spec, sizeof spec, "%s dbname=postgres", conninfo);
	refuses_start(spec, "no kiosk bank in this database (create its schema");
	CHECK(db_open(db, &admin, err, sizeof err) == 0);
	if (admin == NULL)
		return;
	CHECK(db_exec(admin, "DROP ROLE IF EXISTS fleet_retired; CREATE ROLE fleet_retired "
	    "NOLOGIN", err, sizeof err) == 0);
	snprintf(spec, sizeof spec, "%s dbname=fleet user=fleet_retired", conninfo);
	refuses_start(spec, "role \"fleet_retired\" is not permitted to log in");
	CHECK(db_exec(admin, "DROP ROLE fleet_retired; ALTER DATABASE fleet SET "
	    "default_transaction_read_only = on", err, sizeof err) == 0);
	refuses_start(db, "the database is read-only (a standby server, or "
	    "default_transaction_read_only is on)");
	CHECK(db_exec(admin, "ALTER DATABASE fleet RESET default_transaction_read_only; "
	    "UPDATE schema_version SET version = version + 1", err, sizeof err) == 0);
	refuses_start(db, "is newer than this kiosk-bankd knows");
	CHECK(db_exec(admin, "UPDATE schema_version SET version = version - 1", err,
	    sizeof err) == 0);
	db_close(admin);
}

static void
test_keys(const char *conninfo)
{
	char db[512], s1[128], s2[128], log1[128], log2[128], out[2048], sql[256];
	struct fleet_card cards[] = { { "6299000000000011", 30 * NOTE },
	    { "6299000000000012", 1000 * NOTE } };
	struct fleet_kiosk a, b, c, fake;
	unsigned char *ska, *skb, *skc;
	char err[512];

	setup();
	snprintf(db, sizeof db, "%s dbname=fleet", conninfo);
	path_in(s1, sizeof s1, "bankd1.sock");
	path_in(s2, sizeof s2, "bankd2.sock");
	path_in(log1, sizeof log1, "bankd1.log");
	path_in(log2, sizeof log2, "bankd2.log");
	ska = kiosk_keys_make("kiosk-a");
	skb = kiosk_keys_make("kiosk-b");
	skc = kiosk_keys_make("kiosk-c");

	/* Registering: each kiosk its key; a name taken, or not a name, is refused. */
	CHECK_EQ(register_kiosk("kiosk-a", "kiosk-a", out, sizeof out), 0);
	CHECK_EQ(register_kiosk("kiosk-b", "kiosk-b", out, sizeof out), 0);
	CHECK_EQ(register_kiosk("kiosk-a", "kiosk-a", out, sizeof out), 0);
	CHECK_EQ(register_kiosk("kiosk-a", "kiosk-b", out, sizeof out), 1);
	CHECK(strstr(out, "kiosk \"kiosk-a\" is already registered with another key") != NULL);
	CHECK_EQ(register_kiosk("../kiosk-a", "kiosk-c", out, sizeof out), 1);
	CHECK(strstr(out, "kiosk id \"../kiosk-a\": expected") != NULL);
	struct stat st;
	char apath[256];
	snprintf(apath, sizeof apath, "%s/kiosk-a.pub", kdir);
	CHECK(stat(apath, &st) == 0 && (st.st_mode & 0777) == 0644);

	CHECK_EQ(fleet_bank_create(db, cards, 2, PIN, err, sizeof err), 0);
	pid_t p1 = adapter_start(db, s1, log1), p2 = adapter_start(db, s2, log2);
	CHECK(fleet_log_wait(log1, "kiosks' keys from"));

	/* Two kiosks, two keys, one adapter. */
	kiosk_init(&a, "kiosk-a", ska, s1);
	kiosk_init(&b, "kiosk-b", skb, s1);
	CHECK_EQ(fleet_connect_wait(&a), 0);
	CHECK_EQ(fleet_connect_wait(&b), 0);
	CHECK_EQ(fleet_card_open(&a, cards[0].pan, PIN), KPROTO_PIN_OK);
	CHECK_EQ(fleet_card_open(&b, cards[1].pan, PIN), KPROTO_PIN_OK);
	CHECK_EQ(fleet_card_close(&a), 0);
	CHECK_EQ(fleet_card_close(&b), 0);
	CHECK(fleet_log_wait(log1, "kiosk \"kiosk-a\" connected"));
	CHECK(fleet_log_wait(log1, "kiosk \"kiosk-b\" connected"));
	test_no_wait(db, &a, &b, &cards[0], &cards[1]);

	/* A kiosk nobody registered, and one signing with another kiosk's key. */
	kiosk_init(&c, "kiosk-c", skc, s1);
	CHECK(fleet_connect(&c, err, sizeof err) != KPROTO_OK || fleet_card_open(&c,
	    cards[0].pan, PIN) < 0);
	fleet_disconnect(&c);
	CHECK(fleet_log_wait(log1, "kiosk \"kiosk-c\" refused: not registered: no "));
	kiosk_init(&fake, "kiosk-a", skb, s1);
	CHECK(fleet_connect(&fake, err, sizeof err) != KPROTO_OK || fleet_card_open(&fake,
	    cards[0].pan, PIN) < 0);
	fleet_disconnect(&fake);
	CHECK(fleet_log_wait(log1, "handshake failed [BADSIG]"));
	snprintf(out, sizeof out, "(kiosk \"kiosk-a\", key %s/kiosk-a.pub)", kdir);
	CHECK(fleet_log_wait(log1, out));

	/* Registered while the adapter runs: served from its next connection. */
	CHECK_EQ(register_kiosk("kiosk-c", "kiosk-c", out, sizeof out), 0);
	CHECK_EQ(fleet_connect_wait(&c), 0);
	CHECK_EQ(fleet_card_open(&c, cards[0].pan, PIN), KPROTO_PIN_OK);
	CHECK_EQ(fleet_card_close(&c), 0);
	fleet_disconnect(&c);

	/* Keys others could write are no keys at all. */
	chmod(kdir, 0777);
	CHECK(fleet_connect(&c, err, sizeof err) != KPROTO_OK || fleet_card_open(&c,
	    cards[0].pan, PIN) < 0);
	fleet_disconnect(&c);
	CHECK(fleet_log_wait(log1, "must not be writable by group or others"));
	chmod(kdir, 0755);

	/* The same card at two kiosks through two adapters at once. */
	fleet_disconnect(&b);
	b.socket = s2;
	CHECK_EQ(fleet_connect_wait(&b), 0);
	CHECK_EQ(rush(cards[0].pan, &a, &b), cards[0].balance_fen);
	CHECK_EQ(rush(cards[1].pan, &a, &b), BANKD_DAILY_LIMIT_FEN);
	CHECK(fleet_log_wait(log2, "kiosk \"kiosk-b\" connected"));
	for (int i = 0; i < 2; i++) {
		card_balance_sql(sql, sizeof sql, cards[i].pan);
		CHECK_EQ(fleet_bank_int(db, sql), i == 0 ? 0 :
		    cards[1].balance_fen - BANKD_DAILY_LIMIT_FEN);
	}
	CHECK_EQ(fleet_bank_int(db, "SELECT count(*) FROM holds WHERE state = 'held'"), 0);

	fleet_disconnect(&a);
	fleet_disconnect(&b);
	adapter_stop(p1);
	adapter_stop(p2);
	sodium_free(ska);
	sodium_free(skb);
	sodium_free(skc);
	refusals(conninfo, db);
	teardown();
}

/* ---- load: 32 kiosks x 20 sessions, an adapter killed, the server crashed ---------- */

#define LOAD_KIOSKS 32
#define LOAD_SESSIONS 20
#define LOAD_CARDS 16

static struct fleet_card load_cards[LOAD_CARDS];
/* Cash the kiosks' dispensers paid out, per card: what the bank must have debited. */
static int64_t load_paid[LOAD_CARDS];
static int load_sessions_done, load_recoveries, load_conflicts, load_stuck;
/*
 * A fault strikes while cash is being dispensed: the controller arms it (1: a kiosk of
 * adapter 2, 2: any kiosk), the next kiosk with an approved withdrawal takes the slot
 * and waits there until the fault was done. So every run tests settling by txid.
 */
static int fault_want, fault_slot;

struct loader {
	struct fleet_kiosk k;
	int n;
	int64_t end_us;           /* give up (and fail) past this */
};

/* Settles what the last connection left open, reconnecting as long as it takes. */
static void
loader_recover(struct loader *l)
{
	while (l->k.pending_outcome >= 0 || !l->k.up) {
		if (mono_usec() > l->end_us) {
			__atomic_add_fetch(&load_stuck, 1, __ATOMIC_RELAXED);
			return;
		}
		if (!l->k.up && fleet_connect_wait(&l->k) < 0)
			continue;
		if (l->k.pending_outcome < 0)
			return;
		int rv = fleet_settle(&l->k);
		if (rv == -2) {
			fprintf(stderr, "%s: SETTLE refused: the bank and the kiosk disagree\n",
			    l->k.id);
			__atomic_add_fetch(&load_conflicts, 1, __ATOMIC_RELAXED);
			l->k.pending_outcome = -1;
		}
		if (rv >= 0)
			__atomic_add_fetch(&load_recoveries, 1, __ATOMIC_RELAXED);
		else {
			/* The bank is not back yet: a new connection, a little later. */
			fleet_disconnect(&l->k);
			poll(NULL, 0, 50);
		}
	}
}

/* One customer: card in, PIN, two withdrawals (one in five cancelled), card out. */
static void
loader_session(struct loader *l, int s)
{
	int card = (l->n * 7 + s) % LOAD_CARDS;

	if (fleet_card_open(&l->k, load_cards[card].pan, PIN) != KPROTO_PIN_OK) {
		fleet_disconnect(&l->k);
		return;
	}
	for (int i = 0; i < 2; i++) {
		int64_t fen = NOTE;
		int st = fleet_withdraw_auth(&l->k, fen);
		if (st < 0)
			break;
		if (st != KPROTO_WD_APPROVED)
			continue;
		int complete = (l->n + s + i) % 5 != 0, want = 0, free_slot = 0;
		want = __atomic_load_n(&fault_want, __ATOMIC_ACQUIRE);
		if ((want == 2 || (want == 1 && l->n % 2 == 1)) &&
		    __atomic_compare_exchange_n(&fault_slot, &free_slot, 1, 0, __ATOMIC_ACQ_REL,
		    __ATOMIC_ACQUIRE)) {
			while (__atomic_load_n(&fault_slot, __ATOMIC_ACQUIRE) == 1)
				poll(NULL, 0, 5);
		}
		/* The notes leave the machine before the bank is told. */
		if (complete)
			__atomic_add_fetch(&load_paid[card], fen, __ATOMIC_RELAXED);
		if (fleet_withdraw_end(&l->k, complete) < 0)
			break;
	}
	if (!l->k.up || l->k.pending_outcome >= 0 || fleet_card_close(&l->k) < 0)
		fleet_disconnect(&l->k);
}

static void *
loader_run(void *arg)
{
	struct loader *l = arg;

	for (int s = 0; s < LOAD_SESSIONS; s++) {
		loader_recover(l);
		if (l->k.up)
			loader_session(l, s);
		__atomic_add_fetch(&load_sessions_done, 1, __ATOMIC_RELAXED);
	}
	loader_recover(l);
	fleet_disconnect(&l->k);
	return NULL;
}

/* Waits until n sessions are done, then until a kiosk of those want says is paying
 * out; 1 if one is (it waits for fault_release), 0 if none came within 10 s. */
static int
fault_arm(int n, int want)
{
	int64_t end;

	while (__atomic_load_n(&load_sessions_done, __ATOMIC_RELAXED) < n)
		poll(NULL, 0, 10);
	__atomic_store_n(&fault_slot, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&fault_want, want, __ATOMIC_RELEASE);
	end = mono_usec() + 10000000;
	while (__atomic_load_n(&fault_slot, __ATOMIC_ACQUIRE) != 1 && mono_usec() < end)
		poll(NULL, 0, 2);
	__atomic_store_n(&fault_want, 0, __ATOMIC_RELEASE);
	return __atomic_load_n(&fault_slot, __ATOMIC_ACQUIRE) == 1;
}

static void
fault_release(void)
{
	__atomic_store_n(&fault_slot, 2, __ATOMIC_RELEASE);
}

/* pg-server cmd, which must succeed. */
static void
pg_server(const char *script, const char *cmd, const char *pgdir, const char *db)
{
	CHECK_EQ(fleet_pg_server(script, cmd, pgdir, db), 0);
}

static void
test_load(const char *pg_script)
{
	static struct loader ld[LOAD_KIOSKS];
	static unsigned char *sk[LOAD_KIOSKS];
	char pgdir[64], db[256], sock[2][128], log[2][128], out[1024], sql[256], id[32];
	int64_t total = 0;
	pthread_t t[LOAD_KIOSKS];
	char err[512];
	pid_t p[2];

	setup();
	/* The server's own directory, outside ours, which its user may not enter. */
	snprintf(pgdir, sizeof pgdir, "/tmp/kiosk-fleet-pg-%ld", (long)getpid());
	pg_server(pg_script, "start", pgdir, "bank");
	snprintf(db, sizeof db, "host=%s user=bank dbname=bank", pgdir);
	for (int i = 0; i < LOAD_CARDS; i++) {
		snprintf(load_cards[i].pan, sizeof load_cards[i].pan, "62990000000001%02d", i);
		/* Half the cards run out of money, half reach the daily limit first. */
		load_cards[i].balance_fen = i % 2 == 0 ? 30 * NOTE : 10000 * NOTE;
		total += load_cards[i].balance_fen;
	}
	CHECK_EQ(fleet_bank_create(db, load_cards, LOAD_CARDS, PIN, err, sizeof err), 0);
	for (int i = 0; i < LOAD_KIOSKS; i++) {
		snprintf(id, sizeof id, "kiosk-%02d", i);
		sk[i] = kiosk_keys_make(id);
		CHECK_EQ(register_kiosk(id, id, out, sizeof out), 0);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(out, sizeof out, "bankd%d.sock", i + 1);
		path_in(sock[i], sizeof sock[i], out);
		snprintf(out, sizeof out, "bankd%d.log", i + 1);
		path_in(log[i], sizeof log[i], out);
		p[i] = adapter_start(db, sock[i], log[i]);
	}

	int64_t t0 = mono_usec();
	for (int i = 0; i < LOAD_KIOSKS; i++) {
		snprintf(id, sizeof id, "kiosk-%02d", i);
		kiosk_init(&ld[i].k, id, sk[i], sock[i % 2]);
		ld[i].n = i;
		ld[i].end_us = t0 + 150 * 1000000LL;
		pthread_create(&t[i], NULL, loader_run, &ld[i]);
	}
	/* A fifth of the way: adapter 2 dies at once, and is started again. */
	CHECK(fault_arm(LOAD_KIOSKS * LOAD_SESSIONS / 5, 1));
	kill(p[1], SIGKILL);
	CHECK_EQ(fleet_wait(p[1], 5000), 128 + SIGKILL);
	fault_release();
	p[1] = adapter_start(db, sock[1], log[1]);
	/* Two fifths: the database server crashes and comes back under both adapters. */
	CHECK(fault_arm(LOAD_KIOSKS * LOAD_SESSIONS * 2 / 5, 2));
	pg_server(pg_script, "crash", pgdir, NULL);
	fault_release();
	poll(NULL, 0, 300);
	pg_server(pg_script, "restart", pgdir, NULL);
	for (int i = 0; i < LOAD_KIOSKS; i++)
		pthread_join(t[i], NULL);
	printf("%d kiosks x %d sessions in %.1f s, %d withdrawals settled after a failure\n",
	    LOAD_KIOSKS, LOAD_SESSIONS, (double)(mono_usec() - t0) / 1e6,
	    load_recoveries);
	CHECK_EQ(load_stuck, 0);
	CHECK_EQ(load_conflicts, 0);
	/* Both faults struck with cash being paid out: at least those two were settled. */
	CHECK(load_recoveries >= 2);
	CHECK(fleet_file_has(log[0], 0, "PostgreSQL"));

	/* Every hold settled; each card paid exactly what its kiosks dispensed. */
	CHECK_EQ(fleet_bank_int(db, "SELECT count(*) FROM holds WHERE state = 'held'"), 0);
	int64_t paid = 0;
	int full = 0;
	for (int i = 0; i < LOAD_CARDS; i++) {
		card_balance_sql(sql, sizeof sql, load_cards[i].pan);
		int64_t left = fleet_bank_int(db, sql);
		CHECK_EQ(load_cards[i].balance_fen - left, load_paid[i]);
		CHECK(load_paid[i] <= BANKD_DAILY_LIMIT_FEN);
		CHECK(left >= 0);
		paid += load_paid[i];
		full += left == 0 || load_paid[i] == BANKD_DAILY_LIMIT_FEN;
	}
	printf("paid out %lld fen; %d of %d cards emptied or at the daily limit\n",
	    (long long)paid, full, LOAD_CARDS);
	CHECK(paid > 0);
	CHECK_EQ(fleet_bank_int(db, "SELECT sum(balance_fen) FROM accounts") +
	    fleet_bank_int(db, "SELECT coalesce(sum(amount_fen), 0) FROM holds WHERE "
	    "state = 'completed'"), total);
	/* One debit per completed withdrawal: nothing paid twice. */
	CHECK_EQ(fleet_bank_int(db, "SELECT count(*) FROM ledger WHERE kind = 'withdrawal'"),
	    fleet_bank_int(db, "SELECT count(*) FROM holds WHERE state = 'completed'"));

	for (int i = 0; i < 2; i++)
		adapter_stop(p[i]);
	pg_server(pg_script, "stop", pgdir, NULL);
	for (int i = 0; i < LOAD_KIOSKS; i++)
		sodium_free(sk[i]);
	teardown();
}

int
main(int argc, char **argv)
{
	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: test_bankd_fleet keys BANKD CONNINFO | "
		    "load BANKD PG-SERVER\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The bank's own lines (open holds) are not this test's output. */
	log_open("test_bankd_fleet", "/dev/null");
	bankd = argv[2];
	if (strcmp(argv[1], "keys") == 0)
		test_keys(argv[3]);
	else if (strcmp(argv[1], "load") == 0)
		test_load(argv[3]);
	if (failures == 0)
		printf("ok\n");
	return failures == 0 ? 0 : 1;
}
