/*
 * bench-fleet: what a fleet of kiosks gets from kiosk-bankd. For 1, 8, 32 and 128
 * simulated kiosks, each a real signed connection with its own registered key, against
 * one and two adapters on one PostgreSQL database and one adapter on SQLite:
 *
 *   money     withdrawal requests (WITHDRAW_AUTH, then COMPLETE or REVERSE) and
 *             transfers (to another kiosk's card, or to savings) per
 *             second and their p50/p99, timed only while every kiosk's card session is
 *             open; beside it pgbench's built-in TPC-B-like tps on the same server with
 *             as many clients, the floor a database round trip allows
 *   pins      PIN checks per second (CARD_OPEN, PIN_VERIFY, CARD_CLOSE in a loop),
 *             against bare crypto_pwhash_str_verify on every core, in the same run
 *   sessions  whole sessions per second: card in, PIN, balance, one withdrawal, card out
 *   mixed     the money requests' p50/p99 of half the kiosks, alone and then while the
 *             other half check PINs as fast as they are answered
 *
 *   bench-fleet [--kiosks LIST] [--seconds S] [--repeat N] [--pin-workers N]
 *               [--db-workers N]
 *               [--no-sqlite] [--keep]
 *
 * With --repeat the figures are the medians of the runs. docs/benchmarks.md says how to
 * read them.
 */
#include "bankd/bankd.h"
#include "common/log.h"
#include "common/util.h"
#include "../unit/fleet_rig.h"

#include <sys/stat.h>

#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PIN "2468"
#define NOTE 10000
#define NCARDS 512            /* kiosks take fresh cards each round: no daily limit */
#define KIOSKS_MAX 128
#define PAIRS BANK_TX_MAX     /* withdrawals a card session may authorise */
#define TRANSFERS BANK_TX_MAX /* and transfers it may send */
#define MONEY_PER_ROUND (2 * PAIRS + TRANSFERS)

enum phase { PH_MONEY, PH_PINS, PH_SESSIONS, PH_MIXED };

struct config {
	const char *name;
	int pg;
	int adapters;
};

struct figures {
	double money_rps, p50_ms, p99_ms, pgbench_tps, pins_ps, pin_floor_ps, sessions_ps;
	/* Half the kiosks' money requests alone, then beside the other half's PIN checks. */
	double half_p50_ms, half_p99_ms, mix_p50_ms, mix_p99_ms, mix_pins_ps;
	int errors;
};

static char dir[64], pgdir[64], kdir[128], akey[128], pg_spec[256], lite_spec[256];
static char sockets[2][128], logs[2][128];
static unsigned char adapter_pk[KPROTO_PK_LEN], *kiosk_sk[KIOSKS_MAX];
static struct fleet_card cards[NCARDS];
static int seconds = 3;
static char pin_workers[16];   /* the adapters' --pin-workers; empty: their default */
static char db_workers[16];    /* and --db-workers */

/* ---- the kiosks' threads ------------------------------------------------------------ */

struct sim {
	struct fleet_kiosk k;
	int n, nk, rounds;
	enum phase phase;
	int64_t *lat;              /* microseconds of each money request */
	size_t nlat;
	int count, errors;
	pthread_barrier_t *go, *done;  /* NULL: runs free until told to stop */
	int64_t until;                 /* mono_usec; atomic, the controller may move it */
};

static int
sim_money_pair(struct sim *s, int complete)
{
	int64_t t = mono_usec();

	if (fleet_withdraw_auth(&s->k, NOTE) != KPROTO_WD_APPROVED)
		return -1;
	s->lat[s->nlat++] = mono_usec() - t;
	t = mono_usec();
	if (fleet_withdraw_end(&s->k, complete) < 0)
		return -1;
	s->lat[s->nlat++] = mono_usec() - t;
	return 0;
}

/* A transfer of ¥1, to payee's card or to the card's savings. */
static int
sim_transfer(struct sim *s, const char *payee)
{
	int64_t t = mono_usec();

	if (fleet_transfer(&s->k, 100, payee) != KPROTO_XFER_APPROVED)
		return -1;
	s->lat[s->nlat++] = mono_usec() - t;
	return 0;
}

/* Rounds of: open a session (untimed), barrier, PAIRS withdrawals and TRANSFERS
 * transfers timed, barrier. */
static void
sim_money(struct sim *s)
{
	for (int r = 0; r < s->rounds; r++) {
		const char *pan = cards[(s->n + r * s->nk) % NCARDS].pan;
		/* The card of the next kiosk this round: transfers cross between kiosks. */
		const char *payee = cards[(s->n + 1 + r * s->nk) % NCARDS].pan;
		int ok = fleet_card_open(&s->k, pan, PIN) == KPROTO_PIN_OK;
		pthread_barrier_wait(s->go);
		/* Half completed, half reversed: both are money transactions. */
		for (int i = 0; ok && i < PAIRS; i++)
			ok = sim_money_pair(s, i % 2 == 0) == 0;
		for (int i = 0; ok && i < TRANSFERS; i++)
			ok = sim_transfer(s, i % 2 == 0 ? payee : NULL) == 0;
		pthread_barrier_wait(s->done);
		if (!ok || fleet_card_close(&s->k) < 0)
			s->errors++;
	}
}

static void
sim_loop(struct sim *s)
{
	struct kproto_buf b;
	int code;

	if (s->go != NULL)
		pthread_barrier_wait(s->go);
	for (int r = 0; mono_usec() < __atomic_load_n(&s->until, __ATOMIC_ACQUIRE); r++) {
		const char *pan = cards[(s->n + r * s->nk) % NCARDS].pan;
		if (fleet_card_open(&s->k, pan, PIN) != KPROTO_PIN_OK) {
			s->errors++;
			char err[256];
			if (!s->k.up && fleet_connect(&s->k, err, sizeof err) != KPROTO_OK)
				break;
			continue;
		}
		if (s->phase == PH_SESSIONS) {
			kproto_buf_init(&b);
			if (fleet_call(&s->k, KPROTO_MSG_BALANCE, &b, &code) !=
			    KPROTO_MSG_BALANCE_INFO || fleet_withdraw_auth(&s->k, NOTE) !=
			    KPROTO_WD_APPROVED || fleet_withdraw_end(&s->k, 1) < 0) {
				s->errors++;
				continue;
			}
		}
		if (fleet_card_close(&s->k) < 0)
			s->errors++;
		else if (mono_usec() <= __atomic_load_n(&s->until, __ATOMIC_ACQUIRE))
			s->count++;
	}
	if (s->done != NULL)
		pthread_barrier_wait(s->done);
}

static void *
sim_run(void *arg)
{
	struct sim *s = arg;

	if (s->phase == PH_MONEY)
		sim_money(s);
	else
		sim_loop(s);
	return NULL;
}

/* ---- the bare floors ---------------------------------------------------------------- */

static char floor_hash[crypto_pwhash_STRBYTES];
static int64_t floor_until;

static void *
floor_run(void *arg)
{
	long *n = arg;

	while (mono_usec() < floor_until)
		if (crypto_pwhash_str_verify(floor_hash, PIN, strlen(PIN)) == 0)
			(*n)++;
	return NULL;
}

/* Bare crypto_pwhash_str_verify per second on every core. */
static double
pin_floor(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), total = 0;
	pthread_t t[64];
	long n[64] = { 0 };

	if (ncpu > 64)
		ncpu = 64;
	floor_until = mono_usec() + (int64_t)seconds * 1000000;
	for (long i = 0; i < ncpu; i++)
		pthread_create(&t[i], NULL, floor_run, &n[i]);
	for (long i = 0; i < ncpu; i++) {
		pthread_join(t[i], NULL);
		total += n[i];
	}
	return (double)total / seconds;
}

/* pgbench's TPC-B-like tps with clients clients on the same server; 0 if it failed. */
static double
pgbench_tps(int clients)
{
	char cmd[512], line[512];
	double tps = 0;

	snprintf(cmd, sizeof cmd, "%s/pgbench -h %s -U bank -n -c %d -j %d -T %d pgbench "
	    "2>/dev/null", getenv("KIOSK_PG_BIN") ? getenv("KIOSK_PG_BIN") :
	    "/usr/lib/postgresql/15/bin", pgdir, clients, clients < 2 ? 1 : 2, seconds);
	FILE *p = popen(cmd, "r");
	while (p != NULL && fgets(line, sizeof line, p) != NULL)
		if (strncmp(line, "tps = ", 6) == 0)
			tps = atof(line + 6);
	if (p != NULL)
		pclose(p);
	return tps;
}

/* ---- one configuration ---------------------------------------------------------------- */

/*
 * Adapters sharing this machine share its processors: each gets its part of the
 * workers one adapter would have alone (an option given names each adapter's).
 */
static pid_t
adapter_start(const char *spec, int i, int adapters)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char pins[24], dbs[24];

	if (cpus < 1)
		cpus = 1;
	snprintf(pins, sizeof pins, "%ld", cpus / adapters > 0 ? cpus / adapters : 1);
	snprintf(dbs, sizeof dbs, "%ld", 2 * cpus / adapters > 0 ? 2 * cpus / adapters : 1);
	char *argv[20] = { BENCH_BANKD, "--db", (char *)spec, "--socket", sockets[i], "--key",
	    akey, "--kiosk-keys", kdir, "--log", logs[i], "--max-conns", "256",
	    "--pin-queue", "512" };
	int n = 15;

	argv[n++] = "--pin-workers";
	argv[n++] = pin_workers[0] != '\0' ? pin_workers : pins;
	/* SQLite takes one writer at a time: the adapter's default, one. */
	if (db_workers[0] != '\0' || db_spec_is_pg(spec)) {
		argv[n++] = "--db-workers";
		argv[n++] = db_workers[0] != '\0' ? db_workers : dbs;
	}
	argv[n] = NULL;

	return fleet_spawn(argv);
}

/*
 * Runs phase with nk kiosks; fills f. PH_MIXED: the first half of the kiosks run the
 * money rounds while the others check PINs in a loop, from before the first round to
 * the end of the last.
 */
static void
run_phase(const struct config *c, int nk, enum phase phase, struct figures *f)
{
	static struct sim sims[KIOSKS_MAX];
	pthread_barrier_t go, done;
	pthread_t t[KIOSKS_MAX];
	int mixed = phase == PH_MIXED, nm = mixed ? nk / 2 : nk;
	int money = phase == PH_MONEY || mixed;
	int rounds = money ? 1600 / (MONEY_PER_ROUND * nm) : 1;

	if (rounds < 2)
		rounds = 2;
	pthread_barrier_init(&go, NULL, (unsigned)nm + 1);
	pthread_barrier_init(&done, NULL, (unsigned)nm + 1);
	for (int i = 0; i < nk; i++) {
		struct sim *s = &sims[i];
		char id[32], err[256];
		memset(s, 0, sizeof *s);
		snprintf(id, sizeof id, "bench-%03d", i);
		snprintf(s->k.id, sizeof s->k.id, "%s", id);
		s->k.sk = kiosk_sk[i];
		s->k.adapter_pk = adapter_pk;
		s->k.socket = sockets[i % c->adapters];
		s->k.pending_outcome = -1;
		s->n = i;
		s->nk = nk;
		s->rounds = rounds;
		s->phase = !mixed ? phase : i < nm ? PH_MONEY : PH_PINS;
		s->lat = calloc((size_t)rounds * MONEY_PER_ROUND, sizeof *s->lat);
		s->go = i < nm ? &go : NULL;
		s->done = i < nm ? &done : NULL;
		s->until = INT64_MAX;
		int64_t end = mono_usec() + 10000000;
		while (fleet_connect(&s->k, err, sizeof err) != KPROTO_OK && mono_usec() < end)
			poll(NULL, 0, 20);
		if (!s->k.up)
			fprintf(stderr, "bench-fleet: %s: %s\n", id, err);
	}
	int64_t busy = 0, start = mono_usec(), stop = 0;
	for (int i = 0; i < nk; i++)
		pthread_create(&t[i], NULL, sim_run, &sims[i]);
	if (money) {
		/* The PIN checkers are at it before the first round: the money kiosks'
		 * own PIN checks, untimed, queue behind theirs. */
		for (int r = 0; r < rounds; r++) {
			pthread_barrier_wait(&go);
			int64_t t0 = mono_usec();
			pthread_barrier_wait(&done);
			busy += mono_usec() - t0;
		}
		stop = mono_usec();
		for (int i = nm; i < nk; i++)
			__atomic_store_n(&sims[i].until, stop, __ATOMIC_RELEASE);
	} else {
		int64_t until = mono_usec() + (int64_t)seconds * 1000000;
		for (int i = 0; i < nk; i++)
			sims[i].until = until;
		pthread_barrier_wait(&go);
		pthread_barrier_wait(&done);
	}
	size_t nlat = 0;
	int64_t *all = calloc((size_t)rounds * MONEY_PER_ROUND * (size_t)nk + 1, sizeof *all);
	int count = 0;
	for (int i = 0; i < nk; i++) {
		pthread_join(t[i], NULL);
		memcpy(all + nlat, sims[i].lat, sims[i].nlat * sizeof *all);
		nlat += sims[i].nlat;
		count += sims[i].count;
		f->errors += sims[i].errors;
		fleet_disconnect(&sims[i].k);
		free(sims[i].lat);
	}
	if (phase == PH_MONEY) {
		f->money_rps = busy > 0 ? (double)nlat * 1e6 / (double)busy : 0;
		f->p50_ms = fleet_pct(all, nlat, 50) / 1000.0;
		f->p99_ms = fleet_pct(all, nlat, 99) / 1000.0;
	} else if (mixed) {
		f->mix_p50_ms = fleet_pct(all, nlat, 50) / 1000.0;
		f->mix_p99_ms = fleet_pct(all, nlat, 99) / 1000.0;
		f->mix_pins_ps = (double)count * 1e6 / (double)(stop - start);
	} else if (phase == PH_PINS)
		f->pins_ps = (double)count / seconds;
	else
		f->sessions_ps = (double)count / seconds;
	free(all);
	pthread_barrier_destroy(&go);
	pthread_barrier_destroy(&done);
}

static void
run_config(const struct config *c, int nk, struct figures *f)
{
	const char *spec = c->pg ? pg_spec : lite_spec;
	char err[512];
	pid_t pid[2];

	memset(f, 0, sizeof *f);
	if (fleet_bank_create(spec, cards, NCARDS, PIN, err, sizeof err) < 0) {
		fprintf(stderr, "bench-fleet: %s\n", err);
		exit(1);
	}
	for (int i = 0; i < c->adapters; i++)
		pid[i] = adapter_start(spec, i, c->adapters);
	run_phase(c, nk, PH_MONEY, f);
	run_phase(c, nk, PH_PINS, f);
	f->pin_floor_ps = pin_floor();
	run_phase(c, nk, PH_SESSIONS, f);
	if (nk >= 2) {
		struct figures half = { 0 };
		run_phase(c, nk / 2, PH_MONEY, &half);
		f->half_p50_ms = half.p50_ms;
		f->half_p99_ms = half.p99_ms;
		f->errors += half.errors;
		run_phase(c, nk, PH_MIXED, f);
	}
	for (int i = 0; i < c->adapters; i++) {
		kill(pid[i], SIGTERM);
		fleet_wait(pid[i], 10000);
	}
	if (c->pg)
		f->pgbench_tps = pgbench_tps(nk);
}

/* ---- set-up and the table ------------------------------------------------------------ */

static void
run_cmd(const char *fmt, const char *a, const char *b)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, fmt, a, b);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-fleet: failed: %s\n", cmd);
		exit(1);
	}
}

/* The i-th made-up card number, with a right check digit: a payee must pass Luhn. */
static void
pan_make(char *out, size_t outsz, int i)
{
	for (int d = 0; d <= 9; d++) {
		snprintf(out, outsz, "6299%011d%d", i, d);
		if (kproto_pan_luhn(out))
			return;
	}
}

static void
setup(void)
{
	char err[512], path[256], id[32];

	snprintf(dir, sizeof dir, "/tmp/bench-fleet-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(kdir, sizeof kdir, "%s/kiosks", dir);
	snprintf(akey, sizeof akey, "%s/adapter.key", dir);
	snprintf(path, sizeof path, "%s/adapter.pub", dir);
	if (kproto_keypair_generate_files(dir, "adapter", 1, err, sizeof err) != KPROTO_OK ||
	    kproto_key_load_public(path, adapter_pk, err, sizeof err) != KPROTO_OK) {
		fprintf(stderr, "bench-fleet: %s\n", err);
		exit(1);
	}
	for (int i = 0; i < KIOSKS_MAX; i++) {
		snprintf(id, sizeof id, "bench-%03d", i);
		if ((kiosk_sk[i] = fleet_kiosk_register(dir, kdir, id, err, sizeof err)) == NULL) {
			fprintf(stderr, "bench-fleet: %s\n", err);
			exit(1);
		}
	}
	for (int i = 0; i < 2; i++) {
		snprintf(sockets[i], sizeof sockets[i], "%s/bankd%d.sock", dir, i + 1);
		snprintf(logs[i], sizeof logs[i], "%s/bankd%d.log", dir, i + 1);
	}
	for (int i = 0; i < NCARDS; i++) {
		pan_make(cards[i].pan, sizeof cards[i].pan, i);
		cards[i].balance_fen = 100000000;
	}
	snprintf(lite_spec, sizeof lite_spec, "%s/bank.db", dir);
	/* 128 pgbench clients and the adapters: more than PostgreSQL's default 100. */
	snprintf(pgdir, sizeof pgdir, "/tmp/kiosk-bench-pg-%ld", (long)getpid());
	setenv("KIOSK_PG_OPTS", "-c max_connections=300", 1);
	run_cmd("%s start %s bank pgbench >/dev/null", BENCH_PG_SERVER, pgdir);
	snprintf(pg_spec, sizeof pg_spec, "host=%s user=bank dbname=bank", pgdir);
	run_cmd("%s/pgbench -h %s -U bank -i -q -s 10 pgbench >/dev/null 2>&1",
	    getenv("KIOSK_PG_BIN") ? getenv("KIOSK_PG_BIN") : "/usr/lib/postgresql/15/bin",
	    pgdir);
	if (crypto_pwhash_str(floor_hash, PIN, strlen(PIN), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of field over n runs. */
static double
median(struct figures *runs, int n, size_t off)
{
	double v[16];

	for (int i = 0; i < n; i++)
		v[i] = *(double *)((char *)&runs[i] + off);
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

#define MED(field) median(runs, repeat, offsetof(struct figures, field))

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kiosks", required_argument, NULL, 'k' },
		{ "seconds", required_argument, NULL, 's' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "no-sqlite", no_argument, NULL, 'n' },
		{ "keep", no_argument, NULL, 'K' },
		{ "pin-workers", required_argument, NULL, 'w' },
		{ "db-workers", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct config configs[] = {
		{ "PostgreSQL, 1 adapter", 1, 1 },
		{ "PostgreSQL, 2 adapters", 1, 2 },
		{ "SQLite, 1 adapter", 0, 1 },
	};
	int kiosks[8] = { 1, 8, 32, 128 }, nkiosks = 4, repeat = 1, sqlite = 1, keep = 0, ch;
	/* The second table's rows, printed once the first is complete. */
	char mixed[3 * 8][160];
	int nmixed = 0;
	char list[128];

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			snprintf(list, sizeof list, "%s", optarg);
			nkiosks = 0;
			for (char *t = strtok(list, ","); t != NULL && nkiosks < 8;
			    t = strtok(NULL, ",")) {
				int v = atoi(t);
				if (v < 1 || v > KIOSKS_MAX) {
					fprintf(stderr, "bench-fleet: --kiosks: 1 to %d each\n",
					    KIOSKS_MAX);
					return 2;
				}
				kiosks[nkiosks++] = v;
			}
			break;
		case 's': seconds = atoi(optarg) > 0 ? atoi(optarg) : 3; break;
		case 'r': repeat = atoi(optarg) > 0 && atoi(optarg) <= 15 ? atoi(optarg) : 1;
			break;
		case 'n': sqlite = 0; break;
		case 'K': keep = 1; break;
		case 'w': snprintf(pin_workers, sizeof pin_workers, "%d", atoi(optarg)); break;
		case 'W': snprintf(db_workers, sizeof db_workers, "%d", atoi(optarg)); break;
		default:
			fprintf(stderr, "usage: bench-fleet [--kiosks LIST] [--seconds S] "
			    "[--repeat N] [--pin-workers N] [--db-workers N] [--no-sqlite] "
			    "[--keep]\n");
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	log_open("bench-fleet", "/dev/null");
	setup();
	printf("%-24s %6s %9s %7s %7s %9s %6s %7s %7s %5s %7s %4s\n", "adapters", "kiosks",
	    "money/s", "p50 ms", "p99 ms", "pgbench", "ratio", "PINs/s", "floor", "%",
	    "sess/s", "err");
	for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
		if (!configs[c].pg && !sqlite)
			continue;
		for (int k = 0; k < nkiosks; k++) {
			struct figures runs[16];
			int errors = 0;
			for (int r = 0; r < repeat; r++) {
				run_config(&configs[c], kiosks[k], &runs[r]);
				errors += runs[r].errors;
			}
			double tps = MED(pgbench_tps), money = MED(money_rps);
			char tpss[16] = "-", ratio[16] = "-";
			if (tps > 0) {
				snprintf(tpss, sizeof tpss, "%.0f", tps);
				snprintf(ratio, sizeof ratio, "%.2f", money / tps);
			}
			printf("%-24s %6d %9.0f %7.2f %7.2f %9s %6s %7.1f %7.1f %5.0f %7.1f %4d\n",
			    configs[c].name, kiosks[k], money, MED(p50_ms), MED(p99_ms), tpss,
			    ratio, MED(pins_ps), MED(pin_floor_ps),
			    100.0 * MED(pins_ps) / MED(pin_floor_ps), MED(sessions_ps), errors);
			fflush(stdout);
			if (kiosks[k] >= 2)
				snprintf(mixed[nmixed++], sizeof mixed[0],
				    "%-24s %6d %6d %9.2f %9.2f %9.2f %9.2f %7.1f",
				    configs[c].name, kiosks[k] / 2, kiosks[k] - kiosks[k] / 2,
				    MED(half_p50_ms), MED(half_p99_ms), MED(mix_p50_ms),
				    MED(mix_p99_ms), MED(mix_pins_ps));
		}
	}
	printf("\nmoney requests of half the kiosks, alone and while the others check PINs:\n"
	    "%-24s %6s %6s %9s %9s %9s %9s %7s\n", "adapters", "money", "PINs",
	    "alone p50", "alone p99", "+PIN p50", "+PIN p99", "PINs/s");
	for (int i = 0; i < nmixed; i++)
		printf("%s\n", mixed[i]);
	run_cmd("%s stop %s", BENCH_PG_SERVER, pgdir);
	if (keep)
		printf("adapters' logs kept in %s\n", dir);
	else
		run_cmd("rm -rf %s%s", dir, "");
	return 0;
}
