/*
 * kiosk-bankd: the reference core-banking adapter.
 *
 *   kiosk-bankd --db BANK --init-demo | --migrate
 *   kiosk-bankd --kiosk-keys DIR --register-kiosk ID --kiosk-key FILE
 *   kiosk-bankd --db BANK --socket PATH [--key FILE] [--kiosk-key FILE]
 *               [--kiosk-keys DIR]
 *               [--allow-uid UID[,UID...]] [--max-conns N] [--io-timeout MS]
 *               [--pin-workers N] [--pin-queue N] [--db-workers N]
 *               [--log FILE] [--debug]
 */
#include "bankd.h"

#include "common/log.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_KEY "var/keys/adapter.key"
#define DEFAULT_KIOSK_KEY "var/keys/kiosk.pub"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	quit = sig;
}

/* One PIN worker per processor: a hash keeps one core busy for its whole time. */
static long
default_pin_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > BANKD_PIN_WORKERS_MAX ? BANKD_PIN_WORKERS_MAX : n;
}

/*
 * PostgreSQL: two connections per processor, as a money request spends most of its
 * time waiting for round trips to the server (more only add the server's switching
 * between them: docs/benchmarks.md). A SQLite file takes one writer at a time, so one
 * connection serves it best.
 */
static long
default_db_workers(const char *spec)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (spec == NULL || !db_spec_is_pg(spec))
		return 1;
	n = n < 1 ? 2 : 2 * n;
	return n > BANKD_DB_WORKERS_MAX ? BANKD_DB_WORKERS_MAX : n;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: kiosk-bankd --db BANK --init-demo | --migrate\n"
	    "       kiosk-bankd --kiosk-keys DIR --register-kiosk ID --kiosk-key FILE\n"
	    "       kiosk-bankd --db BANK --socket PATH [--key FILE] [--kiosk-key FILE]\n"
	    "                   [--kiosk-keys DIR]\n"
	    "                   [--allow-uid UID[,UID...]] [--max-conns N] [--io-timeout MS]\n"
	    "                   [--pin-workers N] [--pin-queue N] [--db-workers N]\n"
	    "                   [--log FILE] [--debug]\n"
	    "\n"
	    "The reference core-banking adapter: answers the kiosk's signed requests\n"
	    "from a bank database, a SQLite file or PostgreSQL.\n"
	    "\n"
	    "  --db BANK         the bank: a SQLite file (one kiosk), or a PostgreSQL\n"
	    "                    database shared by a fleet, as a URI postgresql://...\n"
	    "                    or a libpq conninfo such as \"host=/run/pg dbname=bank\"\n"
	    "  --init-demo       replace the bank by the demo bank and exit\n"
	    "  --migrate         create the bank's schema, or upgrade it to this version,\n"
	    "                    and exit (PostgreSQL refuses to start on an older one)\n"
	    "  --socket PATH     Unix socket to serve on (created with mode 0600)\n"
	    "  --key FILE        the adapter's secret key (default %s)\n"
	    "  --kiosk-key FILE  the kiosk's public key to accept (default %s, unless\n"
	    "                    --kiosk-keys is given)\n"
	    "  --kiosk-keys DIR  a fleet: accept each kiosk whose key is registered in\n"
	    "                    DIR/ID.pub, checked by its own key (DIR owned by root or\n"
	    "                    this user, writable by nobody else)\n"
	    "  --register-kiosk ID  register the public key --kiosk-key FILE as kiosk ID's\n"
	    "                    in --kiosk-keys DIR and exit; served from the kiosk's next\n"
	    "                    connection, without a restart\n"
	    "  --allow-uid LIST  user ids whose processes may connect, comma-separated\n"
	    "                    (default: the adapter's own uid); others are closed at once\n"
	    "  --max-conns N     connections open at once (default %d); when full, a new\n"
	    "                    one replaces the oldest that has not finished its handshake\n"
	    "  --io-timeout MS   time allowed for the handshake, and for a frame once begun\n"
	    "                    (default %d)\n"
	    "  --pin-workers N   threads that check PINs, off the loop that serves every\n"
	    "                    kiosk (default: one per processor, here %ld)\n"
	    "  --pin-queue N     PIN checks waiting for a worker at most; beyond, the kiosk\n"
	    "                    is told the adapter is busy (default %d per worker)\n"
	    "  --db-workers N    threads that run requests, each with its own database\n"
	    "                    connection (default: PostgreSQL two per processor,\n"
	    "                    here %ld; a SQLite file one)\n"
	    "  --log FILE        append the log to FILE instead of stderr\n"
	    "  --debug           log every frame\n"
	    "  --help            this text\n"
	    "\n"
	    "Keys are made with: kioskctl keygen\n", DEFAULT_KEY, DEFAULT_KIOSK_KEY,
	    BANKD_MAX_CONNS, BANKD_IO_TIMEOUT_MS, default_pin_workers(),
	    BANKD_PIN_QUEUE_PER_WORKER, default_db_workers("postgresql://"));
}

/* A decimal number in [min, max], nothing else; -1 if it is not one. */
static long long
parse_number(const char *s, long long min, long long max)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < (unsigned long long)min ||
	    v > (unsigned long long)max)
		return -1;
	return (long long)v;
}

/* Appends the uids of "UID[,UID...]" to uids; -1 with err if one is not a uid. */
static int
parse_uids(const char *arg, uid_t *uids, int *n, char *err, size_t errlen)
{
	char buf[256], *save = NULL;

	if (strlen(arg) >= sizeof buf || arg[0] == '\0') {
		snprintf(err, errlen, "--allow-uid: expected UID[,UID...]");
		return -1;
	}
	/* strtok_r would skip empty fields silently; "1,,2" is a typo to report. */
	if (arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,") != NULL) {
		snprintf(err, errlen, "--allow-uid: empty uid in \"%s\"", arg);
		return -1;
	}
	memcpy(buf, arg, strlen(arg) + 1);
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		/* (uid_t)-1 means "no uid" to the kernel, so it cannot be allowed. */
		long long v = parse_number(t, 0, (long long)(uid_t)-1 - 1);
		if (v < 0) {
			snprintf(err, errlen, "--allow-uid: \"%s\" is not a numeric uid", t);
			return -1;
		}
		if (*n >= BANKD_ALLOW_UIDS_MAX) {
			snprintf(err, errlen, "--allow-uid: at most %d uids",
			    BANKD_ALLOW_UIDS_MAX);
			return -1;
		}
		uids[(*n)++] = (uid_t)v;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "init-demo", no_argument, NULL, 'I' },
		{ "migrate", no_argument, NULL, 'M' },
		{ "socket", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "kiosk-key", required_argument, NULL, 'K' },
		{ "kiosk-keys", required_argument, NULL, 'R' },
		{ "register-kiosk", required_argument, NULL, 'r' },
		{ "allow-uid", required_argument, NULL, 'u' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "io-timeout", required_argument, NULL, 't' },
		{ "pin-workers", required_argument, NULL, 'w' },
		{ "pin-queue", required_argument, NULL, 'q' },
		{ "db-workers", required_argument, NULL, 'W' },
		{ "log", required_argument, NULL, 'l' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_path = NULL, *socket_path = NULL, *log_path = NULL;
	const char *key_path = DEFAULT_KEY, *kiosk_key_path = NULL;
	const char *kiosk_keys = NULL, *register_id = NULL;
	unsigned char kiosk_pk[KPROTO_PK_LEN], *sk;
	uid_t allow_uids[BANKD_ALLOW_UIDS_MAX];
	int nallow = 0;
	long long max_conns = BANKD_MAX_CONNS, io_timeout = BANKD_IO_TIMEOUT_MS;
	long long pin_workers = default_pin_workers(), pin_queue = -1, db_workers = -1;
	struct sigaction sa;
	struct bank bk = { 0 };
	char err[1024];
	int ch, init_demo = 0, migrate = 0, debug = 0, lfd;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_path = optarg; break;
		case 'I': init_demo = 1; break;
		case 'M': migrate = 1; break;
		case 's': socket_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 'K': kiosk_key_path = optarg; break;
		case 'R': kiosk_keys = optarg; break;
		case 'r': register_id = optarg; break;
		case 'u':
			if (parse_uids(optarg, allow_uids, &nallow, err, sizeof err) < 0) {
				fprintf(stderr, "kiosk-bankd: %s\n", err);
				return 2;
			}
			break;
		case 'm':
			if ((max_conns = parse_number(optarg, 2, BANKD_MAX_CONNS_LIMIT)) < 0) {
				fprintf(stderr, "kiosk-bankd: --max-conns: expected 2 to %d\n",
				    BANKD_MAX_CONNS_LIMIT);
				return 2;
			}
			break;
		case 't':
			if ((io_timeout = parse_number(optarg, 10, 600000)) < 0) {
				fprintf(stderr, "kiosk-bankd: --io-timeout: expected 10 to 600000 "
				    "ms\n");
				return 2;
			}
			break;
		case 'w':
			if ((pin_workers = parse_number(optarg, 1, BANKD_PIN_WORKERS_MAX)) < 0) {
				fprintf(stderr, "kiosk-bankd: --pin-workers: expected 1 to %d\n",
				    BANKD_PIN_WORKERS_MAX);
				return 2;
			}
			break;
		case 'q':
			if ((pin_queue = parse_number(optarg, 0, BANKD_PIN_QUEUE_MAX)) < 0) {
				fprintf(stderr, "kiosk-bankd: --pin-queue: expected 0 to %d\n",
				    BANKD_PIN_QUEUE_MAX);
				return 2;
			}
			break;
		case 'W':
			if ((db_workers = parse_number(optarg, 1, BANKD_DB_WORKERS_MAX)) < 0) {
				fprintf(stderr, "kiosk-bankd: --db-workers: expected 1 to %d\n",
				    BANKD_DB_WORKERS_MAX);
				return 2;
			}
			break;
		case 'l': log_path = optarg; break;
		case 'D': debug = 1; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (register_id != NULL) {
		if (optind < argc || kiosk_keys == NULL || kiosk_key_path == NULL) {
			fprintf(stderr, "kiosk-bankd: --register-kiosk ID needs --kiosk-keys DIR "
			    "and --kiosk-key FILE\n");
			return 2;
		}
		if (kiosks_register(kiosk_keys, register_id, kiosk_key_path, err,
		    sizeof err) < 0) {
			fprintf(stderr, "kiosk-bankd: %s\n", err);
			return 1;
		}
		return 0;
	}
	/* A fleet's adapter takes the keys directory alone, unless told a key too. */
	if (kiosk_key_path == NULL && kiosk_keys == NULL)
		kiosk_key_path = DEFAULT_KIOSK_KEY;
	if (optind < argc || db_path == NULL || (init_demo && migrate) ||
	    (!init_demo && !migrate && socket_path == NULL)) {
		fprintf(stderr, "kiosk-bankd: %s\n", optind < argc ? "unexpected argument" :
		    db_path == NULL ? "--db BANK is required" : init_demo && migrate ?
		    "--init-demo and --migrate do not go together" :
		    "--socket PATH is required");
		usage(stderr);
		return 2;
	}
	if (log_open("kiosk-bankd", log_path) < 0) {
		fprintf(stderr, "kiosk-bankd: %s: cannot open the log\n", log_path);
		return 1;
	}
	log_set_debug(debug);
	if (sodium_init() < 0)
		fatalx("libsodium failed to start");

	if (init_demo) {
		if (db_init_demo(db_path, err, sizeof err) < 0)
			fatalx("%s", err);
		log_close();
		return 0;
	}
	if (migrate) {
		if (db_migrate(db_path, err, sizeof err) < 0)
			fatalx("%s", err);
		log_close();
		return 0;
	}

	/* Guarded, locked memory: the key that signs for the bank never reaches swap. */
	if ((sk = sodium_malloc(KPROTO_SK_LEN)) == NULL)
		fatalx("out of secure memory");
	if (kproto_key_load_secret(key_path, sk, err, sizeof err) != KPROTO_OK)
		fatalx("adapter key: %s", err);
	if (kiosk_key_path != NULL &&
	    kproto_key_load_public(kiosk_key_path, kiosk_pk, err, sizeof err) != KPROTO_OK)
		fatalx("kiosk key: %s", err);
	if (kiosk_keys != NULL && kiosks_dir_check(kiosk_keys, err, sizeof err) < 0)
		fatalx("%s", err);
	if (db_open(db_path, &bk.db, err, sizeof err) < 0)
		fatalx("%s", err);
	bk.sk = sk;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A kiosk that vanishes mid-answer is a closed connection, not a dead adapter. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (pin_queue < 0)
		pin_queue = pin_workers * BANKD_PIN_QUEUE_PER_WORKER;
	int pin_fd = pinpool_start((int)pin_workers, (int)pin_queue, err, sizeof err);
	if (pin_fd < 0)
		fatalx("%s", err);
	bk.pin_pool = 1;
	if (db_workers < 0)
		db_workers = default_db_workers(db_path);
	int db_fd = dbpool_start(&bk, db_path, (int)db_workers, err, sizeof err);
	if (db_fd < 0)
		fatalx("%s", err);
	if ((lfd = serve_listen(socket_path, err, sizeof err)) < 0)
		fatalx("%s", err);
	/* The kiosk normally runs as the adapter's own user. */
	if (nallow == 0)
		allow_uids[nallow++] = geteuid();
	char uids[BANKD_ALLOW_UIDS_MAX * 12] = "";
	for (int i = 0; i < nallow; i++)
		snprintf(uids + strlen(uids), sizeof uids - strlen(uids), "%s%u", i ? "," : "",
		    (unsigned)allow_uids[i]);
	log_info("serving %s on %s (uids %s, at most %lld connections)", db_name(bk.db),
	    socket_path, uids, max_conns);
	if (kiosk_keys != NULL)
		log_info("kiosks' keys from %s%s", kiosk_keys, kiosk_key_path != NULL ?
		    ", others' by --kiosk-key" : "");
	struct serve_config cfg = {
		.socket_path = socket_path,
		.sk = sk,
		.kiosk_pk = kiosk_key_path != NULL ? kiosk_pk : NULL,
		.kiosk_keys = kiosk_keys,
		.allow_uids = allow_uids,
		.nallow_uids = nallow,
		.max_conns = (int)max_conns,
		.io_timeout_ms = (int)io_timeout,
		.pin_fd = pin_fd,
		.db_fd = db_fd,
	};
	serve_run(&cfg, lfd, &quit);
	log_info("stopped by signal %d", (int)quit);
	/* Workers may still hand PIN checks to the pool: they stop first. */
	dbpool_stop();
	pinpool_stop();

	db_close(bk.db);
	sodium_free(sk);
	log_close();
	return 0;
}
