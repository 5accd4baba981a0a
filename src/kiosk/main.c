/* kiosk: the customer-facing frontend. */
#include "kiosk/states.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/keys.h"
#include "kiosk/loop.h"
#include "kiosk/registry.h"
#include "kiosk/reload.h"
#include "kiosk/render.h"
#include "kiosk/signed.h"
#include "kiosk/speak.h"
#include "largeprint/largeprint.h"
#include "speech/speech.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

struct options {
	const char *config, *audio, *devices, *trace, *log, *it_key;
	int demo, debug;
};

/* The terminal the kiosk was started from. Once the log takes over stderr (below), a
 * reason to stop would otherwise reach the log alone. */
static FILE *terminal;
static int logging; /* the log is a file of its own, not the terminal */

/* Says on the terminal, and in the log, why the kiosk does not start. */
static int __attribute__((format(printf, 1, 2)))
refuse(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(terminal, "kiosk: %s\n", msg);
	fflush(terminal);
	if (logging)
		log_warnx("%s", msg);
	return -1;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: kiosk [--config FILE] [--audio alsa|alsa:DEV|wav:FILE|none]\n"
	    "             [--devices SOCKET] [--trace FILE] [--log FILE] [--it-key FILE]\n"
	    "             [--demo] [--debug]\n"
	    "  --config FILE   kiosk configuration (default kiosk.yaml)\n"
	    "  --audio SPEC    where speech goes, overriding audio.output\n"
	    "  --devices PATH  device channel socket, overriding devices.socket\n"
	    "  --trace FILE    append one line per event (docs/trace.md)\n"
	    "  --log FILE      log file, overriding log\n"
	    "  --it-key FILE   branch IT's public key for the signed configuration\n"
	    "                  (default " KIOSK_IT_KEY "; none there: unsigned mode)\n"
	    "  --demo          keyboard shortcuts for the hardware, overriding demo\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "audio", required_argument, NULL, 'a' },
		{ "devices", required_argument, NULL, 'D' },
		{ "trace", required_argument, NULL, 't' },
		{ "log", required_argument, NULL, 'l' },
		{ "it-key", required_argument, NULL, 'k' },
		{ "demo", no_argument, NULL, 'd' },
		{ "debug", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*o = (struct options){ .config = "kiosk.yaml", .it_key = KIOSK_IT_KEY };
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'a': o->audio = optarg; break;
		case 'D': o->devices = optarg; break;
		case 't': o->trace = optarg; break;
		case 'l': o->log = optarg; break;
		case 'k': o->it_key = optarg; break;
		case 'd': o->demo = 1; break;
		case 'g': o->debug = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* ncursesw draws CJK only in a UTF-8 locale; a kiosk started from a bare service
 * environment (LANG unset) still gets one. */
static void
locale_setup(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 && setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		fprintf(stderr, "kiosk: no UTF-8 locale; Chinese text may not show\n");
}

static int
load_keys(struct kiosk *k)
{
	char err[256];
	k->kiosk_sk = sodium_malloc(KPROTO_SK_LEN);
	if (k->kiosk_sk == NULL)
		return refuse("cannot allocate protected memory for the key");
	/* Read as kioskctl check read them; they may have changed since. */
	if (kproto_key_load_secret(k->cfg->kiosk_key, k->kiosk_sk, err, sizeof err) != KPROTO_OK ||
	    kproto_key_load_public(k->cfg->adapter_public_key, k->adapter_pk, err,
	    sizeof err) != KPROTO_OK)
		return refuse("%s", err);
	return 0;
}

/* Large print's fonts. Without Unifont the bundled font draws Latin and digits and the
 * rest stays at normal size; large print then says so. */
static struct lp_fonts *
fonts_setup(struct kiosk *k)
{
	struct lp_fonts *fs = xcalloc(1, sizeof *fs);
	struct diag_list d = {0};
	k->lp_degraded = lp_fonts_default(fs, k->cfg->lp_font, &d) != 0;
	/* A corrupt line costs its glyph only, but branch IT should hear of it. */
	for (int i = 0; i < d.count; i++)
		log_warnx("large print: %s:%d:%d: %s", d.items[i].file, d.items[i].line,
		    d.items[i].column, d.items[i].message);
	if (k->lp_degraded)
		log_warnx("large print: using the bundled font alone");
	diag_free(&d);
	return fs;
}

/* The log, the trace, the keys, the devices, the journal, speech and the screen, in
 * that order. On failure the reason is on the terminal and what was opened is left for
 * kiosk_stop. */
static int
kiosk_start(struct kiosk *k, const struct options *o)
{
	char err[256];

	const char *logpath = o->log ? o->log : k->cfg->log_file;
	if (logpath == NULL && isatty(STDERR_FILENO))
		logpath = "/dev/null"; /* the terminal belongs to the customer's screen */
	if (log_open("kiosk", logpath) < 0)
		return refuse("cannot open log %s: %s", logpath, strerror(errno));
	logging = logpath != NULL;
	log_set_debug(o->debug);
	/* Libraries that print (espeak-ng, ALSA) must not scribble over the screen. */
	if (isatty(STDERR_FILENO)) {
		int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
		FILE *t = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (t == NULL)
			return refuse("cannot keep the terminal for errors: %s", strerror(errno));
		terminal = t;
		if (freopen(logpath, "a", stderr) == NULL)
			return refuse("cannot send stderr to %s: %s", logpath, strerror(errno));
	}
	if (o->trace != NULL && trace_open(o->trace) < 0)
		return refuse("cannot open trace %s: %s", o->trace, strerror(errno));
	/* Before anything reaches the customer: the configuration as branch IT signed it. */
	struct diag_list sd = {0};
	int signature = signed_check(k->cfg, o->it_key, &sd);
	k->signature = signature;
	k->it_key = o->it_key;
	if (signature < 0)
		diag_print(&sd, terminal);
	signed_report(signature, &sd, o->it_key, o->audio);
	diag_free(&sd);
	if (signature < 0)
		return refuse("the configuration is not as branch IT signed it (kioskctl check "
		    "%s): out of service", k->cfg->path);
	if (load_keys(k) < 0)
		return -1;
	k->devices = devices_open(o->devices ? o->devices : k->cfg->device_socket, err,
	    sizeof err);
	if (k->devices == NULL)
		return refuse("device channel: %s", err);
	log_info("kiosk %s starting", k->cfg->kiosk_id);
	/* Before the bank link: recovery needs the journal's open withdrawals. */
	if (kiosk_journal_open(k, err, sizeof err) < 0)
		return refuse("journal: %s", err);
	k->speech = speak_start(k->cfg, o->audio ? o->audio : k->cfg->audio);
	k->fonts = fonts_setup(k);
	k->bank = bank_new(k);
	if (render_init() < 0)
		return refuse("cannot start the terminal screen");
	return 0;
}

/* Frees whatever kiosk_start opened, however far it got. */
static void
kiosk_stop(struct kiosk *k, int served)
{
	if (served)
		render_end();
	speech_shutdown(k->speech);
	k->speech = NULL; /* session_reset below resets the customer's settings */
	devices_close(k->devices);
	bank_free(k->bank);
	kiosk_journal_close(k);
	if (served)
		session_reset(k);
	reload_forget(k);
	screen_free(&k->screen);
	speak_forget(k);
	if (k->fonts != NULL)
		lp_fonts_close(k->fonts);
	free(k->fonts);
	sodium_free(k->kiosk_sk);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct kiosk_setup *setup;
	struct diag_list diags = {0};
	struct kiosk k = {0};
	int served = 0;

	terminal = stderr;
	if (parse_options(argc, argv, &o) < 0)
		return 2;
	locale_setup();
	/* A core file would hold the session's memory: keys, and the PIN of the moment. */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sodium_init() < 0) {
		fprintf(stderr, "kiosk: libsodium failed to start\n");
		return 1;
	}
	/* The services' screens are part of the layout contract the configuration is read
	 * against. Every configuration error is printed before the screen is touched. */
	registry_init();
	setup = xcalloc(1, sizeof *setup);
	if (config_load_all(o.config, setup, &diags) != 0) {
		diag_print(&diags, stderr);
		fprintf(stderr, "kiosk: %d error%s in the configuration; nothing started\n",
		    diags.count, diags.count == 1 ? "" : "s");
		diag_free(&diags);
		kiosk_setup_free(setup);
		free(setup);
		return 1;
	}
	k.setup = setup;
	k.cfg = &setup->cfg;
	k.demo = o.demo || k.cfg->demo;
	if (kiosk_start(&k, &o) == 0) {
		served = 1;
		keys_init();
		session_reset(&k);
		bank_connect(k.bank);
		state_enter(&k, &state_welcome);
		kiosk_run(&k);
	}
	kiosk_stop(&k, served);
	/* A reload may have replaced the set main loaded. */
	kiosk_setup_free(k.setup);
	free(k.setup);
	if (served)
		log_info("kiosk stopped");
	trace_close();
	log_close();
	if (terminal != stderr)
		fclose(terminal);
	return served ? 0 : 1;
}
