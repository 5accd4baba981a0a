/*
 * A full disk under a PostgreSQL bank:
 *
 *   test_bankd_diskfull BANKD PG-SERVER
 *
 * In a mount namespace of its own, a small tmpfs holds the data directory of a
 * PostgreSQL server of its own (1 MB WAL segments, so that the WAL fits), one
 * kiosk-bankd serves eight simulated kiosks from it, and the tmpfs is filled to the last
 * byte while they withdraw, twice: once with room left in the WAL, so that PostgreSQL
 * refuses the statements that would grow a table, once with the WAL at the end of its
 * last segment, so that it PANICs. Either way the adapter answers ERROR for what did
 * not commit and acknowledges only what did: every approval has its hold, every
 * completion its debit. Once the space is free again (and the server restarted if it
 * died), the kiosks settle what they left open by txid, as the kiosk's recovery does;
 * every card's balance is then its start less the withdrawals its kiosk paid out, all
 * of them acknowledged completed, and no hold is left held.
 *
 * Mounting needs root: without it the test exits 77 (skipped) and says why.
 */
#define _GNU_SOURCE
#include "bankd/bankd.h"
#include "common/log.h"
#include "common/util.h"
#include "fleet_rig.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define PIN "2468"
#define NOTE 10000
#define KIOSKS 8
#define CARDS 64                 /* card c is used by kiosk c % KIOSKS alone */
#define START_FEN (1000 * NOTE)
#define ACKED_MAX 4096
#define REFUSALS 3               /* customers in a row not served: the kiosk gives up */
#define TMPFS_SIZE "48m"         /* the server's files take about 32 MB */
#define WAL_SEGMENT (1 << 20)    /* initdb --wal-segsize=1 */
#define WAL_ROOM (4 << 10)       /* WAL left in the last segment when the disk fills */

static const char *bankd, *pg_script;
static char dir[64], mnt[64], pgdir[96], kdir[128], akey[128], sock[128], logpath[128];
static char fill[128], db[256];
static unsigned char adapter_pk[KPROTO_PK_LEN];
static struct fleet_card cards[CARDS];
static int64_t paid[CARDS];      /* notes each card's kiosk paid out */

/* A withdrawal the bank approved, and whether it acknowledged its completion. */
struct acked {
	unsigned char txid[KPROTO_TXID_LEN];
	int completed;
};

struct kiosk {
	struct fleet_kiosk k;
	int n, session;
	struct acked acked[ACKED_MAX];
	int nacked;
	int approved, completed, refused, lost, conflicts;
	int64_t until;
};

static struct kiosk kiosks[KIOSKS];

static void
path_in(char *out, size_t outsz, const char *base, const char *name)
{
	if ((size_t)snprintf(out, outsz, "%s/%s", base, name) >= outsz)
		abort();
}

/* A request that got no acknowledgement: an ERROR answer, or no answer at all. The
 * kiosk ends the customer's session there, and settles on a new connection. */
static int
kiosk_failed(struct kiosk *kk)
{
	if (kk->k.up)
		kk->refused++;
	else
		kk->lost++;
	fleet_disconnect(&kk->k);
	return -1;
}

/* The pending withdrawal, the last one approved, was acknowledged completed. */
static void
kiosk_completed(struct kiosk *kk)
{
	if (kk->nacked > 0 &&
	    memcmp(kk->acked[kk->nacked - 1].txid, kk->k.pending, KPROTO_TXID_LEN) == 0)
		kk->acked[kk->nacked - 1].completed = 1;
	kk->completed++;
}

/* SETTLE of what the kiosk left open: 0 once settled, -1 if not (yet). */
static int
kiosk_settle(struct kiosk *kk)
{
	int was_complete = kk->k.pending_outcome == KPROTO_SETTLE_COMPLETE, rv;

	if (!kk->k.up && fleet_connect_wait(&kk->k) < 0)
		return kiosk_failed(kk);
	rv = fleet_settle(&kk->k);
	if (rv == -2) {
		/* The bank has no such hold, or settled it otherwise: it acknowledged
		 * something it had not committed. */
		fprintf(stderr, "%s: SETTLE refused: the bank and the kiosk disagree\n",
		    kk->k.id);
		kk->conflicts++;
		kk->k.pending_outcome = -1;
		return -1;
	}
	if (rv < 0)
		return kiosk_failed(kk);
	if (was_complete && rv == 1)
		kiosk_completed(kk);
	return 0;
}

/*
 * One card session of up to BANK_TX_MAX withdrawals of ¥100, each paid out and then
 * completed: 0 when the bank answered everything, -1 at the first request it did not
 * acknowledge (left pending, to settle).
 */
static int
kiosk_session(struct kiosk *kk)
{
	int card = (kk->n + kk->session++ * KIOSKS) % CARDS;

	if (!kk->k.up && fleet_connect_wait(&kk->k) < 0)
		return kiosk_failed(kk);
	if (fleet_card_open(&kk->k, cards[card].pan, PIN) != KPROTO_PIN_OK)
		return kiosk_failed(kk);
	for (int i = 0; i < BANK_TX_MAX && kk->nacked < ACKED_MAX; i++) {
		int st = fleet_withdraw_auth(&kk->k, NOTE);
		if (st < 0)
			return kiosk_failed(kk);
		if (st != KPROTO_WD_APPROVED)
			break;                  /* the card's daily limit: the next card */
		memcpy(kk->acked[kk->nacked].txid, kk->k.pending, KPROTO_TXID_LEN);
		kk->acked[kk->nacked++].completed = 0;
		kk->approved++;
		paid[card] += NOTE;
		if (fleet_withdraw_end(&kk->k, 1) < 0)
			return kiosk_failed(kk);
		kiosk_completed(kk);
	}
	return fleet_card_close(&kk->k) == 0 ? 0 : kiosk_failed(kk);
}

/* Serves customers until REFUSALS of them in a row could not finish, settling what is
 * pending before each new one, as a kiosk does. */
static void *
kiosk_run(void *arg)
{
	struct kiosk *kk = arg;
	int in_a_row = 0;

	while (in_a_row < REFUSALS && kk->nacked < ACKED_MAX && mono_usec() < kk->until) {
		if (kk->k.pending_outcome >= 0)
			in_a_row += kiosk_settle(kk) < 0;
		else
			in_a_row = kiosk_session(kk) < 0 ? in_a_row + 1 : 0;
	}
	return NULL;
}

/* Runs every kiosk's thread for at most s seconds. */
static void
kiosks_run(int s)
{
	pthread_t t[KIOSKS];

	for (int i = 0; i < KIOSKS; i++) {
		kiosks[i].until = mono_usec() + (int64_t)s * 1000000;
		pthread_create(&t[i], NULL, kiosk_run, &kiosks[i]);
	}
	for (int i = 0; i < KIOSKS; i++)
		pthread_join(t[i], NULL);
}

/* Writes zeros into path until the file system has not one byte left; bytes written. */
static int64_t
disk_fill(const char *path)
{
	static char zeros[1 << 20];
	int64_t total = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t chunk = sizeof zeros;
	struct statvfs sv;

	CHECK(fd >= 0);
	/* Smaller and smaller writes once a big one no longer fits, down to one byte. */
	while (fd >= 0 && chunk > 0) {
		ssize_t n = write(fd, zeros, chunk);
		if (n > 0)
			total += n;
		else if (n == 0 || errno == ENOSPC)
			chunk /= 2;
		else if (errno != EINTR)
			break;
	}
	if (fd >= 0)
		close(fd);
	CHECK(statvfs(path, &sv) == 0 && sv.f_bavail == 0);
	return total;
}

/* The newest WAL segment file in pg_wal: its number (1 MB segments). */
static int64_t
wal_last_segment(void)
{
	char path[160];
	int64_t last = -1;
	struct dirent *e;
	DIR *d;

	path_in(path, sizeof path, pgdir, "data/pg_wal");
	CHECK((d = opendir(path)) != NULL);
	while (d != NULL && (e = readdir(d)) != NULL) {
		char log[9] = "", seg[9] = "";
		if (strlen(e->d_name) != 24 || strspn(e->d_name, "0123456789ABCDEF") != 24)
			continue;
		memcpy(log, e->d_name + 8, 8);
		memcpy(seg, e->d_name + 16, 8);
		/* 4096 segments of 1 MB to a "log" of 4 GB. */
		int64_t n = (int64_t)strtoll(log, NULL, 16) * 4096 + strtoll(seg, NULL, 16);
		last = n > last ? n : last;
	}
	if (d != NULL)
		closedir(d);
	return last;
}

/*
 * Writes WAL (logical messages, which touch no table) until only room bytes are left
 * in the last WAL segment there is, as on a busy server: the withdrawals after that
 * need a new segment, which a full disk cannot give.
 */
static void
wal_use_up(int64_t room)
{
	int64_t target = (wal_last_segment() + 1) * WAL_SEGMENT - room, at = 0;
	char sql[256];

	for (int i = 0; i < 64 && at >= 0 && at < target; i++) {
		int64_t n = target - at > 65536 ? 65536 : target - at;
		snprintf(sql, sizeof sql, "SELECT (pg_logical_emit_message(false, 'diskfull', "
		    "repeat('x', %lld)) - '0/0'::pg_lsn)::bigint", (long long)n);
		at = fleet_bank_int(db, sql);
	}
	CHECK(at >= target - WAL_SEGMENT && at < target + 1024);
}

/* Whether the postmaster of the server in pgdir is alive. */
static int
pg_alive(void)
{
	char path[160];
	long pid = 0;
	FILE *f;

	path_in(path, sizeof path, pgdir, "data/postmaster.pid");
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/* Whether the server accepts connections (pg_isready). */
static int
pg_ready(void)
{
	const char *bin = getenv("KIOSK_PG_BIN");
	char prog[256];

	snprintf(prog, sizeof prog, "%s/pg_isready", bin != NULL ? bin :
	    "/usr/lib/postgresql/15/bin");
	char *argv[] = { prog, "-q", "-h", pgdir, "-U", "bank", NULL };
	return fleet_wait(fleet_spawn(argv), 10000) == 0;
}

/* After the space is back: waits for the server to recover by itself, or restarts it
 * once it has died; 1 if it had to be restarted. */
static int
pg_back(void)
{
	int64_t end = mono_usec() + 30000000;

	while (mono_usec() < end) {
		if (pg_ready())
			return 0;
		if (!pg_alive()) {
			CHECK_EQ(fleet_pg_server(pg_script, "restart", pgdir, NULL), 0);
			CHECK(pg_ready());
			return 1;
		}
		poll(NULL, 0, 100);
	}
	CHECK(!"the server neither came back nor died");
	return 0;
}

/* How many of the kiosk's acknowledged completions the bank has, in sql's terms
 * (holds completed, or the ledger's debits). */
static int64_t
kiosk_count_in_bank(const struct kiosk *kk, const char *sql)
{
	static char q[ACKED_MAX * 36 + 256];
	size_t n = (size_t)snprintf(q, sizeof q, "%s IN (''", sql);

	for (int i = 0; i < kk->nacked; i++) {
		char hex[KPROTO_TXID_LEN * 2 + 1];
		if (!kk->acked[i].completed)
			continue;
		sodium_bin2hex(hex, sizeof hex, kk->acked[i].txid, KPROTO_TXID_LEN);
		n += (size_t)snprintf(q + n, sizeof q - n, ", '%s'", hex);
	}
	snprintf(q + n, sizeof q - n, ")");
	return fleet_bank_int(db, q);
}

static pid_t
adapter_start(void)
{
	char *argv[] = { (char *)bankd, "--db", db, "--socket", sock, "--key", akey,
	    "--kiosk-keys", kdir, "--log", logpath, "--io-timeout", "5000", NULL };

	return fleet_spawn(argv);
}

/* A private mount namespace with a tmpfs at mnt; exits 77 if this may not mount. */
static void
tmpfs_mount(void)
{
	const char *what = "unshare(CLONE_NEWNS)";

	snprintf(mnt, sizeof mnt, "/tmp/kiosk-diskfull-XXXXXX");
	if (unshare(CLONE_NEWNS) == 0) {
		what = "mount --make-rprivate /";
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
			what = "mkdtemp";
			if (mkdtemp(mnt) != NULL) {
				what = "mount -t tmpfs";
				if (mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV,
				    "size=" TMPFS_SIZE ",mode=0755") == 0)
					return;
				rmdir(mnt);
			}
		}
	}
	if (errno == EPERM || errno == EACCES) {
		printf("SKIP: a small file system of its own is needed to fill it: %s: %s "
		    "(run as root)\n", what, strerror(errno));
		exit(77);
	}
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

static void
tmpfs_unmount(void)
{
	CHECK(umount2(mnt, MNT_DETACH) == 0);
	CHECK(rmdir(mnt) == 0);
}

static void
setup(void)
{
	char err[512], id[32], path[160];

	snprintf(dir, sizeof dir, "/tmp/diskfull-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	path_in(kdir, sizeof kdir, dir, "kiosks");
	path_in(akey, sizeof akey, dir, "adapter.key");
	path_in(sock, sizeof sock, dir, "bankd.sock");
	path_in(logpath, sizeof logpath, dir, "bankd.log");
	path_in(path, sizeof path, dir, "adapter.pub");
	CHECK_EQ(kproto_keypair_generate_files(dir, "adapter", 1, err, sizeof err), KPROTO_OK);
	CHECK_EQ(kproto_key_load_public(path, adapter_pk, err, sizeof err), KPROTO_OK);
	for (int i = 0; i < KIOSKS; i++) {
		struct kiosk *kk = &kiosks[i];
		snprintf(id, sizeof id, "kiosk-%02d", i);
		memset(kk, 0, sizeof *kk);
		snprintf(kk->k.id, sizeof kk->k.id, "%s", id);
		kk->k.sk = fleet_kiosk_register(dir, kdir, id, err, sizeof err);
		CHECK(kk->k.sk != NULL);
		kk->k.adapter_pk = adapter_pk;
		kk->k.socket = sock;
		kk->k.pending_outcome = -1;
		kk->n = i;
	}
	for (int i = 0; i < CARDS; i++) {
		snprintf(cards[i].pan, sizeof cards[i].pan, "62990000000002%02d", i);
		cards[i].balance_fen = START_FEN;
	}
}

struct totals {
	int approved, completed, refused, lost;
};

/* What the kiosks were told so far, all together. */
static struct totals
kiosks_totals(void)
{
	struct totals t = { 0 };

	for (int i = 0; i < KIOSKS; i++) {
		t.approved += kiosks[i].approved;
		t.completed += kiosks[i].completed;
		t.refused += kiosks[i].refused;
		t.lost += kiosks[i].lost;
	}
	return t;
}

static long
log_size(void)
{
	struct stat st;

	return stat(logpath, &st) == 0 ? (long)st.st_size : 0;
}

/* Every approval was held and every completion debited; each card paid out exactly
 * what the bank acknowledged completed; no hold is left held. */
static void
bank_check(void)
{
	struct totals t = kiosks_totals();
	int64_t total_paid = 0;
	char sql[256];

	CHECK_EQ(fleet_bank_int(db, "SELECT count(*) FROM holds WHERE state = 'held'"), 0);
	CHECK_EQ(t.completed, t.approved);
	CHECK_EQ(fleet_bank_int(db, "SELECT count(*) FROM holds WHERE state = 'completed'"),
	    t.completed);
	CHECK_EQ(fleet_bank_int(db, "SELECT count(*) FROM ledger WHERE kind = 'withdrawal'"),
	    t.completed);
	for (int i = 0; i < KIOSKS; i++) {
		int acked = 0;
		for (int j = 0; j < kiosks[i].nacked; j++)
			acked += kiosks[i].acked[j].completed;
		CHECK_EQ(kiosk_count_in_bank(&kiosks[i], "SELECT count(*) FROM holds WHERE "
		    "state = 'completed' AND txid"), acked);
		CHECK_EQ(kiosk_count_in_bank(&kiosks[i], "SELECT count(*) FROM ledger WHERE "
		    "kind = 'withdrawal' AND txid"), acked);
	}
	for (int i = 0; i < CARDS; i++) {
		snprintf(sql, sizeof sql, "SELECT a.balance_fen FROM accounts a JOIN cards c ON "
		    "c.account_id = a.id WHERE c.pan = '%.19s'", cards[i].pan);
		CHECK_EQ(fleet_bank_int(db, sql), START_FEN - paid[i]);
		total_paid += paid[i];
	}
	CHECK_EQ(total_paid, (int64_t)t.completed * NOTE);
}

/*
 * The disk fills to the last byte under the kiosks, who go on until the bank stops
 * acknowledging; then the space comes back, the server too if it died, and the kiosks
 * settle what they left open. Whether the server crashed.
 */
static int
diskfull_round(const char *what)
{
	struct totals before = kiosks_totals(), full, after;
	long log_from = log_size();
	int64_t t0, filled;
	int crashed, alive, restarted;

	filled = disk_fill(fill);
	t0 = mono_usec();
	kiosks_run(30);
	full = kiosks_totals();
	crashed = fleet_file_has(logpath, log_from, "lost the connection to the database");
	alive = pg_alive();
	printf("%s: disk full (%lld bytes written to fill it), %.1f s: %d withdrawals "
	    "approved and %d completed (acknowledged), %d requests answered ERROR, %d "
	    "unanswered; the server %s\n", what, (long long)filled,
	    (double)(mono_usec() - t0) / 1e6, full.approved - before.approved,
	    full.completed - before.completed, full.refused - before.refused,
	    full.lost - before.lost, !crashed ? "refused statements and stayed up" :
	    alive ? "crashed and restarted itself" : "crashed and stayed down");
	/* The disk was full for the bank: it said no, and said it with an answer. */
	CHECK(full.refused - before.refused >= KIOSKS * REFUSALS);
	CHECK_EQ(full.lost, 0);
	CHECK(fleet_file_has(logpath, log_from, "failed: bank database error"));
	if (!crashed)
		CHECK(fleet_file_has(logpath, log_from, "No space left on device"));

	CHECK(unlink(fill) == 0);
	restarted = pg_back();
	for (int i = 0; i < KIOSKS; i++) {
		struct kiosk *kk = &kiosks[i];
		kk->until = mono_usec() + 60000000;
		while (kk->k.pending_outcome >= 0 && mono_usec() < kk->until)
			if (kiosk_settle(kk) < 0)
				poll(NULL, 0, 100);
		CHECK_EQ(kk->k.pending_outcome, -1);
		CHECK_EQ(kk->conflicts, 0);
	}
	after = kiosks_totals();
	printf("%s: space freed, the server %s; %d withdrawals completed by SETTLE\n", what,
	    restarted ? "restarted" : "up", after.completed - full.completed);
	bank_check();
	/* And the bank serves again, through the same adapter. */
	for (int i = 0; i < KIOSKS; i++)
		CHECK_EQ(kiosk_session(&kiosks[i]), 0);
	return crashed;
}

static void
test_diskfull(void)
{
	char err[512];
	pid_t adapter;

	setup();
	path_in(pgdir, sizeof pgdir, mnt, "pg");
	path_in(fill, sizeof fill, mnt, "fill");
	setenv("KIOSK_PG_INITDB_OPTS", "--wal-segsize=1", 1);
	CHECK_EQ(fleet_pg_server(pg_script, "start", pgdir, "bank"), 0);
	snprintf(db, sizeof db, "host=%s user=bank dbname=bank", pgdir);
	CHECK_EQ(fleet_bank_create(db, cards, CARDS, PIN, err, sizeof err), 0);
	adapter = adapter_start();
	CHECK(fleet_log_wait(logpath, "kiosks' keys from"));

	/* A fresh WAL segment, then a customer per kiosk: a megabyte of WAL left, far
	 * more than the tables' last pages hold. */
	CHECK_EQ(fleet_bank_int(db, "SELECT (pg_switch_wal() IS NOT NULL)::int"), 1);
	for (int i = 0; i < KIOSKS; i++)
		CHECK_EQ(kiosk_session(&kiosks[i]), 0);
	CHECK_EQ(kiosks_totals().completed, KIOSKS * BANK_TX_MAX);
	/* So PostgreSQL cannot extend a table: it refuses the statement. */
	CHECK(!diskfull_round("tables full"));

	/* The WAL near the end of its last segment: PostgreSQL cannot write its WAL, and
	 * PANICs. */
	wal_use_up(WAL_ROOM);
	CHECK(diskfull_round("WAL full"));

	for (int i = 0; i < KIOSKS; i++) {
		fleet_disconnect(&kiosks[i].k);
		sodium_free((void *)kiosks[i].k.sk);
	}
	kill(adapter, SIGTERM);
	CHECK_EQ(fleet_wait(adapter, 10000), 0);
	CHECK_EQ(fleet_pg_server(pg_script, "stop", pgdir, NULL), 0);
}

int
main(int argc, char **argv)
{
	char cmd[128];

	if (argc != 3 || sodium_init() < 0) {
		fprintf(stderr, "usage: test_bankd_diskfull BANKD PG-SERVER\n");
		return 2;
	}
	/* Before any thread: a process with threads may not leave its mount namespace. */
	tmpfs_mount();
	signal(SIGPIPE, SIG_IGN);
	log_open("test_bankd_diskfull", "/dev/null");
	bankd = argv[1];
	pg_script = argv[2];
	test_diskfull();
	tmpfs_unmount();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (failures == 0 && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	else if (failures != 0)
		fprintf(stderr, "adapter's log kept in %s\n", dir);
	if (failures == 0)
		printf("ok\n");
	return failures == 0 ? 0 : 1;
}
