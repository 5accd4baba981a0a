/*
 * kiosk-bankd: the reference core-banking adapter.
 *
 *   kiosk-bankd --db FILE --init-demo
 *   kiosk-bankd --db FILE --socket PATH [--key FILE] [--kiosk-key FILE]
 *               [--log FILE] [--debug]
 */
#include "bankd.h"

#include "common/log.h"

#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_KEY "var/keys/adapter.key"
#define DEFAULT_KIOSK_KEY "var/keys/kiosk.pub"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	quit = sig;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: kiosk-bankd --db FILE --init-demo\n"
	    "       kiosk-bankd --db FILE --socket PATH [--key FILE] [--kiosk-key FILE]\n"
	    "                   [--log FILE] [--debug]\n"
	    "\n"
	    "The reference core-banking adapter: answers the kiosk's signed requests\n"
	    "from a SQLite bank file.\n"
	    "\n"
	    "  --db FILE         the bank file (SQLite)\n"
	    "  --init-demo       create (or recreate) the demo bank in FILE and exit\n"
	    "  --socket PATH     Unix socket to serve on (created with mode 0600)\n"
	    "  --key FILE        the adapter's secret key (default %s)\n"
	    "  --kiosk-key FILE  the kiosk's public key to accept (default %s)\n"
	    "  --log FILE        append the log to FILE instead of stderr\n"
	    "  --debug           log every frame\n"
	    "  --help            this text\n"
	    "\n"
	    "Keys are made with: kioskctl keygen\n", DEFAULT_KEY, DEFAULT_KIOSK_KEY);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "init-demo", no_argument, NULL, 'I' },
		{ "socket", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "kiosk-key", required_argument, NULL, 'K' },
		{ "log", required_argument, NULL, 'l' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_path = NULL, *socket_path = NULL, *log_path = NULL;
	const char *key_path = DEFAULT_KEY, *kiosk_key_path = DEFAULT_KIOSK_KEY;
	unsigned char kiosk_pk[KPROTO_PK_LEN], *sk;
	struct sigaction sa;
	struct bank bk;
	char err[1024];
	int ch, init_demo = 0, debug = 0, lfd;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_path = optarg; break;
		case 'I': init_demo = 1; break;
		case 's': socket_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 'K': kiosk_key_path = optarg; break;
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
	if (optind < argc || db_path == NULL || (!init_demo && socket_path == NULL)) {
		fprintf(stderr, "kiosk-bankd: %s\n", optind < argc ? "unexpected argument" :
		    db_path == NULL ? "--db FILE is required" : "--socket PATH is required");
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

	/* Guarded, locked memory: the key that signs for the bank never reaches swap. */
	if ((sk = sodium_malloc(KPROTO_SK_LEN)) == NULL)
		fatalx("out of secure memory");
	if (kproto_key_load_secret(key_path, sk, err, sizeof err) != KPROTO_OK)
		fatalx("adapter key: %s", err);
	if (kproto_key_load_public(kiosk_key_path, kiosk_pk, err, sizeof err) != KPROTO_OK)
		fatalx("kiosk key: %s", err);
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

	if ((lfd = serve_listen(socket_path, err, sizeof err)) < 0)
		fatalx("%s", err);
	log_info("serving %s on %s", db_path, socket_path);

	struct serve_config cfg = {
		.socket_path = socket_path,
		.sk = sk,
		.kiosk_pk = kiosk_pk,
	};
	serve_run(&bk, &cfg, lfd, &quit);
	log_info("stopped by signal %d", (int)quit);

	db_close(bk.db);
	sodium_free(sk);
	log_close();
	return 0;
}
