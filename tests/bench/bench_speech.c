/*
 * bench-speech: how fast the kiosk starts speaking after a key and falls silent on one,
 * next to bare espeak-ng in this process. The real kiosk and kiosk-bankd run in a
 * temporary directory; the kiosk in a pseudo-terminal (80x24, TERM=xterm, LANG=C.UTF-8)
 * with speech on (headset-in on its device channel) and a trace, first with --audio none,
 * then with --audio wav:FILE. Keys go in through the terminal; times come from the trace.
 *
 *   key -> first audio   a key that changes the screen, to the audio-first line of the
 *                        new screen's speech: from the kiosk's key line, and from this
 *                        program's write() of the key (end to end)
 *   barge-in             the same keys, pressed 120-320 ms into the previous screen's
 *                        speech, to its speech-stop line (written once the sink dropped
 *                        its audio)
 *   cold start           kiosk exec to its first audio-first (headset-in sent as soon as
 *                        the device socket exists); and, in a fresh process, speech_start
 *                        + speech_say to the first samples
 *   idle                 context switches of all the kiosk's threads over 3 s with
 *                        nothing to say: every periodic wake-up adds one
 *   machine              how late this process wakes from a 1 ms sleep: the noise
 *                        floor of the machine, which every wake-up on a path pays
 *   floor                bare espeak-ng (synchronous, as the engine uses it) on the same
 *                        texts: espeak_Synth to the first samples in the callback; the
 *                        callback returning 1 to espeak_Synth returning; and, in a fresh
 *                        process, initialisation + voice + synthesis to the first samples
 *
 *   bench-speech [-n CYCLES] [--cold N] [--bin DIR] [--src DIR] [--tmp DIR] [--keep]
 *
 * docs/benchmarks.md says how to read the table.
 */
#define _GNU_SOURCE /* forkpty, nftw */
#include "common/trace.h"
#include "common/util.h"
#include "speech/speech.h"

#include <dirent.h>
#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef KIOSK_SOURCE_DIR
#define KIOSK_SOURCE_DIR "."
#endif

#define PAN "6222000000000033"
#define PIN "1357"
#define WAIT_MSEC 15000
#define IDLE_MSEC 3000
#define TARGET_OVER_FLOOR_MS 2.0
#define TARGET_BARGE_MS 2.0
#define TARGET_COLD_MS 100.0

static const char *config_text =
    "kiosk_id: BENCH-K01\n"
    "languages:\n  offered: [zh, en]\n  default: zh\n"
    "adapter:\n  socket: run/bankd.sock\n  public_key: keys/adapter.pub\n  timeout_ms: 3000\n"
    "kiosk_key: keys/kiosk.key\n"
    "layouts: %s/layouts\n"
    "voice: %s/voice\n"
    "devices:\n  socket: run/devices.sock\n"
    "timeouts:\n  idle: 120\n  warning: 20\n  pin: 120\n  take: 60\n"
    "audio:\n  output: none\n"
    "speech:\n"
    "  zh: { voice: cmn-latn-pinyin, rate: 175, volume: 100 }\n"
    "  en: { voice: en-us, rate: 175, volume: 100 }\n"
    "log: kiosk.log\n"
    "journal: journal\n"
    /* The bench presses the same key again faster than any hand: no filter. */
    "keypad:\n  double_strike_ms: 0\n"
    "demo: false\n";

static char dir[256];
static char bindir[PATH_MAX], srcdir[PATH_MAX];
static pid_t bank_pid = -1;

/* ---- small helpers ------------------------------------------------------------------ */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench-speech: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	if (bank_pid > 0)
		kill(bank_pid, SIGTERM);
	if (dir[0] != '\0')
		fprintf(stderr, "bench-speech: files kept in %s\n", dir);
	exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static char *
path_in(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static void
run_wait(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("%s failed", argv[0]);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* ---- series of samples, in microseconds --------------------------------------------- */

struct series {
	double *v;
	int n, cap;
};

static void
series_add(struct series *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
	}
	s->v[s->n++] = v;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-th percentile (nearest rank), in milliseconds; -1 when empty. */
static double
pct_ms(struct series *s, int q)
{
	if (s->n == 0)
		return -1;
	qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_double);
	int rank = (s->n * q + 99) / 100;
	return s->v[rank > 0 ? rank - 1 : 0] / 1000.0;
}

/* ---- the trace ---------------------------------------------------------------------- */

struct tline {
	int64_t ts;
	char ev[24];
	char arg[32]; /* first word after the event: key function, state name */
	unsigned id;
	char *text;   /* speech-start only */
	char lang[16];
};

struct trace {
	char path[PATH_MAX];
	int fd;
	struct strbuf part; /* an unfinished line */
	struct tline *l;
	int n, cap;
};

static char *
unquote(const char *p)
{
	struct strbuf b = { 0 };

	strbuf_add(&b, "");
	if (*p != '"')
		return strbuf_take(&b);
	for (p++; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			strbuf_addc(&b, *p == 'n' ? '\n' : *p);
		} else {
			strbuf_addc(&b, *p);
		}
	}
	return strbuf_take(&b);
}

static void
trace_parse(struct trace *t, const char *line)
{
	struct tline l = { 0 };
	long long ts;
	int used = 0;

	if (sscanf(line, "%lld %23s %n", &ts, l.ev, &used) < 2)
		return;
	l.ts = ts;
	const char *rest = line + used;
	sscanf(rest, "%31s", l.arg);
	const char *p = strstr(rest, "id=");
	if (p != NULL)
		l.id = (unsigned)strtoul(p + 3, NULL, 10);
	if (strcmp(l.ev, "speech-start") == 0) {
		if ((p = strstr(rest, " lang=")) != NULL)
			sscanf(p + 6, "%15[^, ]", l.lang);
		if ((p = strstr(rest, " text=")) != NULL)
			l.text = unquote(p + 6);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->l = xrealloc(t->l, (size_t)t->cap * sizeof *t->l);
	}
	t->l[t->n++] = l;
}

static void
trace_read(struct trace *t)
{
	char buf[8192];
	ssize_t n;

	if (t->fd < 0 && (t->fd = open(t->path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((n = read(t->fd, buf, sizeof buf)) > 0) {
		strbuf_addn(&t->part, buf, (size_t)n);
		char *start = t->part.s, *nl;
		while ((nl = strchr(start, '\n')) != NULL) {
			*nl = '\0';
			trace_parse(t, start);
			start = nl + 1;
		}
		char *left = xstrdup(start);
		strbuf_reset(&t->part);
		strbuf_add(&t->part, left);
		free(left);
	}
}

static void
trace_free(struct trace *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->l[i].text);
	free(t->l);
	strbuf_free(&t->part);
	if (t->fd >= 0)
		close(t->fd);
	memset(t, 0, sizeof *t);
	t->fd = -1;
}

/* The first line at or after from with this event (and arg, id when given); -1. */
static int
trace_find(const struct trace *t, int from, const char *ev, const char *arg, unsigned id)
{
	for (int i = from; i < t->n; i++) {
		if (strcmp(t->l[i].ev, ev) != 0)
			continue;
		if (arg != NULL && strcmp(t->l[i].arg, arg) != 0)
			continue;
		if (id != 0 && t->l[i].id != id)
			continue;
		return i;
	}
	return -1;
}

/* ---- the kiosk in a pseudo-terminal --------------------------------------------------- */

struct kiosk {
	pid_t pid;
	int pty, dev;
	int64_t t_exec; /* usec, CLOCK_MONOTONIC */
	struct trace tr;
	const char *audio;
};

static void
kiosk_start(struct kiosk *k, const char *audio, const char *trace_name)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	memset(k, 0, sizeof *k);
	k->audio = audio;
	k->dev = -1;
	k->tr.fd = -1;
	snprintf(k->tr.path, sizeof k->tr.path, "%s", path_in(trace_name));
	unlink(k->tr.path);
	unlink(path_in("run/devices.sock"));
	char kiosk[PATH_MAX + 8];
	snprintf(kiosk, sizeof kiosk, "%s/kiosk", bindir);
	k->t_exec = mono_usec();
	k->pid = forkpty(&k->pty, NULL, NULL, &ws);
	if (k->pid < 0)
		fail("forkpty: %s", strerror(errno));
	if (k->pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
		setenv("TERM", "xterm", 1);
		setenv("LANG", "C.UTF-8", 1);
		execl(kiosk, "kiosk", "--config", "kiosk.yaml", "--trace", k->tr.path, "--audio",
		    audio, (char *)NULL);
		_exit(127);
	}
	fcntl(k->pty, F_SETFL, O_NONBLOCK);
}

/* Reads what the kiosk drew (a full pty would block it) and the trace; waits up to ms. */
static void
kiosk_pump(struct kiosk *k, int ms)
{
	struct pollfd p = { k->pty, POLLIN, 0 };
	char buf[16384];

	if (poll(&p, 1, ms) > 0)
		while (read(k->pty, buf, sizeof buf) > 0)
			;
	trace_read(&k->tr);
}

static void
kiosk_idle_pump(struct kiosk *k, int ms)
{
	int64_t end = mono_usec() + (int64_t)ms * 1000;

	while (mono_usec() < end)
		kiosk_pump(k, 2);
}

static int
kiosk_wait(struct kiosk *k, int from, const char *ev, const char *arg, unsigned id)
{
	int64_t end = mono_usec() + (int64_t)WAIT_MSEC * 1000;
	int i;

	while ((i = trace_find(&k->tr, from, ev, arg, id)) < 0) {
		if (mono_usec() > end)
			fail("%s: no \"%s %s\" (id %u) in %s within %d ms", k->audio, ev,
			    arg ? arg : "", id, k->tr.path, WAIT_MSEC);
		int status;
		if (waitpid(k->pid, &status, WNOHANG) == k->pid)
			fail("%s: the kiosk exited (see %s)", k->audio, path_in("kiosk.log"));
		kiosk_pump(k, 2);
	}
	return i;
}

static void
kiosk_connect(struct kiosk *k)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *sock = path_in("run/devices.sock");
	int64_t end = mono_usec() + (int64_t)WAIT_MSEC * 1000;

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			k->dev = fd;
			fcntl(fd, F_SETFL, O_NONBLOCK);
			return;
		}
		if (fd >= 0)
			close(fd);
		if (mono_usec() > end)
			fail("%s: no device socket %s", k->audio, sock);
		kiosk_pump(k, 0);
		usleep(200);
	}
}

static void
kiosk_device(struct kiosk *k, const char *line)
{
	char buf[256];
	int n = snprintf(buf, sizeof buf, "%s\n", line);

	if (write(k->dev, buf, (size_t)n) != n)
		fail("%s: cannot write to the device channel", k->audio);
	while (read(k->dev, buf, sizeof buf) > 0)
		; /* what the kiosk asks the hardware (eject-card ...) */
}

static void
kiosk_stop(struct kiosk *k)
{
	int status;

	kill(k->pid, SIGTERM);
	for (int i = 0; i < 500 && waitpid(k->pid, &status, WNOHANG) == 0; i++)
		kiosk_pump(k, 10);
	if (waitpid(k->pid, &status, WNOHANG) == 0) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, &status, 0);
	}
	close(k->pty);
	if (k->dev >= 0)
		close(k->dev);
	trace_free(&k->tr);
}

/* Context switches of every thread of pid. */
static long
switches(pid_t pid)
{
	char path[320], line[256];
	long total = 0;
	struct dirent *e;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/status", (int)pid, e->d_name);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			long v;
			if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
			    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
				total += v;
		}
		fclose(f);
	}
	closedir(d);
	return total;
}

/* ---- one run: a session of screen changes ------------------------------------------- */

struct text {
	char *text;
	char lang[16];
};

struct run {
	const char *audio;
	struct series first_key, first_write; /* key -> first audio */
	struct series stop_key, stop_write;   /* barge-in */
	/* Where the time goes: the terminal to the kiosk's key line, the kiosk's key line to
	 * the engine's speech-start, speech-start to the first samples. */
	struct series part_tty, part_kiosk, part_engine;
	long idle_switches;
	int screens, barge_ins;
};

static struct text *texts; /* what the measured screens said, for the floor */
static int ntexts;
static unsigned rng = 12345;

static int
delay_ms(void)
{
	rng = rng * 1103515245u + 12345u;
	return 120 + (int)((rng >> 16) % 201);
}

/* Presses a key while utterance `playing` plays and waits for the next utterance's first
 * audio; returns its id. measure: the key changes the screen; record the figures. */
static unsigned
press(struct kiosk *k, struct run *r, const char *bytes, const char *fn, int measure,
    unsigned playing)
{
	int from = k->tr.n;
	int64_t tw = mono_usec();

	if (write(k->pty, bytes, strlen(bytes)) != (ssize_t)strlen(bytes))
		fail("%s: cannot write to the terminal", k->audio);
	int ik = kiosk_wait(k, from, "key", fn, 0);
	int is = kiosk_wait(k, ik, "speech-start", NULL, 0);
	unsigned id = k->tr.l[is].id;
	int ia = kiosk_wait(k, is, "audio-first", NULL, id);
	if (!measure)
		return id;
	int st = trace_find(&k->tr, ik, "state", NULL, 0);
	if (st < 0 || st > is)
		fail("%s: key %s did not change the screen", k->audio, fn);
	const struct tline *key = &k->tr.l[ik], *first = &k->tr.l[ia];
	series_add(&r->first_key, (double)(first->ts - key->ts));
	series_add(&r->first_write, (double)(first->ts - tw));
	series_add(&r->part_tty, (double)(key->ts - tw));
	series_add(&r->part_kiosk, (double)(k->tr.l[is].ts - key->ts));
	series_add(&r->part_engine, (double)(first->ts - k->tr.l[is].ts));
	r->screens++;
	texts = xrealloc(texts, (size_t)(ntexts + 1) * sizeof *texts);
	texts[ntexts].text = xstrdup(k->tr.l[is].text != NULL ? k->tr.l[is].text : "");
	snprintf(texts[ntexts].lang, sizeof texts[ntexts].lang, "%s", k->tr.l[is].lang);
	ntexts++;
	if (playing != 0) {
		int sp = trace_find(&k->tr, 0, "speech-stop", NULL, playing);
		if (sp >= 0) {
			series_add(&r->stop_key, (double)(k->tr.l[sp].ts - key->ts));
			series_add(&r->stop_write, (double)(k->tr.l[sp].ts - tw));
			r->barge_ins++;
		}
	}
	return id;
}

/* Unmeasured keys (PIN digits, amount digits): each says a word. */
static unsigned
type_keys(struct kiosk *k, struct run *r, const char *digits, const char *fn)
{
	unsigned id = 0;
	char key[2] = { 0, 0 }, name[2] = { 0, 0 };

	for (const char *d = digits; *d != '\0'; d++) {
		key[0] = name[0] = *d;
		id = press(k, r, key, fn != NULL ? fn : name, 0, 0);
		kiosk_idle_pump(k, 60);
	}
	return id;
}

/* The first utterance after the state line for state; returns its id once it is heard. */
static unsigned
screen_heard(struct kiosk *k, int from, const char *state)
{
	int st = kiosk_wait(k, from, "state", state, 0);
	int is = kiosk_wait(k, st, "speech-start", NULL, 0);
	unsigned id = k->tr.l[is].id;
	kiosk_wait(k, is, "audio-first", NULL, id);
	return id;
}

static void
run_session(struct run *r, const char *audio, const char *trace_name, int cycles)
{
	struct kiosk k;
	unsigned id;

	r->audio = audio;
	kiosk_start(&k, audio, trace_name);
	kiosk_connect(&k);
	kiosk_device(&k, "headset-in");
	kiosk_wait(&k, 0, "audio-first", NULL, 0);

	int from = k.tr.n;
	kiosk_device(&k, "card-insert " PAN);
	id = screen_heard(&k, from, "language");
	kiosk_idle_pump(&k, delay_ms());
	id = press(&k, r, "2", "2", 1, id); /* English: the PIN screen */
	kiosk_idle_pump(&k, delay_ms());
	type_keys(&k, r, PIN, "digit");
	from = k.tr.n;
	if (write(k.pty, "\r", 1) != 1)
		fail("cannot write to the terminal");
	id = screen_heard(&k, from, "menu");
	kiosk_idle_pump(&k, delay_ms());
	id = press(&k, r, "2", "2", 1, id); /* withdraw */
	for (int c = 0; c < cycles; c++) {
		static const struct {
			const char *bytes, *fn;
		} keys[] = {
			{ "1", "1" },         /* 100 yuan: confirm */
			{ "2", "2" },         /* change the amount: withdraw */
			{ "6", "6" },         /* other amount */
			{ "\r", "ENTER" },    /* nothing typed: the same screen, with a message */
			{ NULL, NULL },       /* 1 0 0 typed, not measured */
			{ "\r", "ENTER" },    /* confirm */
			{ "2", "2" },         /* withdraw */
		};
		for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
			kiosk_idle_pump(&k, delay_ms());
			if (keys[i].bytes == NULL)
				id = type_keys(&k, r, "100", NULL);
			else
				id = press(&k, r, keys[i].bytes, keys[i].fn, 1, id);
		}
	}
	/* Idle: the withdraw screen said to its end, nothing else to do. */
	int64_t end = mono_usec() + 60 * 1000000LL;
	while (trace_find(&k.tr, 0, "speech-done", NULL, id) < 0 &&
	    trace_find(&k.tr, 0, "speech-stop", NULL, id) < 0) {
		if (mono_usec() > end)
			fail("%s: the last screen's speech did not end", audio);
		kiosk_pump(&k, 20);
	}
	kiosk_idle_pump(&k, 500);
	long before = switches(k.pid);
	sleep_ms(IDLE_MSEC);
	r->idle_switches = switches(k.pid) - before;
	kiosk_stop(&k);
}

/* Kiosk exec to first audio, headset-in sent as soon as the device socket takes it. */
static void
run_cold(struct series *s, const char *audio, int n)
{
	for (int i = 0; i < n; i++) {
		struct kiosk k;
		kiosk_start(&k, audio, "trace-cold");
		kiosk_connect(&k);
		kiosk_device(&k, "headset-in");
		int ia = kiosk_wait(&k, 0, "audio-first", NULL, 0);
		series_add(s, (double)(k.tr.l[ia].ts - k.t_exec));
		kiosk_stop(&k);
	}
}

/* ---- in fresh processes: engine and bare espeak-ng cold starts ------------------------ */

static const char *cold_text = "欢迎使用";

static int64_t floor_first, floor_stop_at;
static int floor_chunks, floor_stop_chunk;

static int
floor_cb(short *wav, int numsamples, espeak_EVENT *events)
{
	(void)wav;
	(void)events;
	if (numsamples <= 0)
		return 0;
	if (floor_first == 0)
		floor_first = now_ns();
	if (++floor_chunks >= floor_stop_chunk) {
		floor_stop_at = now_ns();
		return 1;
	}
	return 0;
}

static void
floor_setup(void)
{
	espeak_ng_InitializePath(NULL);
	if (espeak_ng_Initialize(NULL) != ENS_OK ||
	    espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 20, NULL) != ENS_OK)
		fail("espeak-ng does not start");
	espeak_SetSynthCallback(floor_cb);
}

/* Synthesizes text; returns ns from the call to the first samples, or, with stop_chunk,
 * from the callback's 1 to espeak_Synth returning. */
static int64_t
floor_synth(const char *text, int stop_chunk)
{
	floor_first = floor_stop_at = 0;
	floor_chunks = 0;
	floor_stop_chunk = stop_chunk > 0 ? stop_chunk : 1;
	int64_t t0 = now_ns();
	espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
	int64_t t1 = now_ns();
	if (stop_chunk > 0)
		return floor_stop_at != 0 ? t1 - floor_stop_at : -1;
	return floor_first != 0 ? floor_first - t0 : -1;
}

static void
child_floor_cold(int out)
{
	int64_t t0 = now_ns();
	floor_setup();
	if (espeak_ng_SetVoiceByName("cmn-latn-pinyin") != ENS_OK)
		_exit(1);
	int64_t ns = floor_synth(cold_text, 0);
	ns = ns >= 0 ? floor_first - t0 : -1;
	if (write(out, &ns, sizeof ns) != sizeof ns)
		_exit(1);
	_exit(0);
}

static void
child_engine_cold(int out, int i)
{
	static const struct speech_voice voices[] = {
		{ "zh", "cmn-latn-pinyin", 175, 100 },
		{ "en", "en-us", 175, 100 },
	};
	char tpath[PATH_MAX], err[256], buf[4096];
	int64_t ns = -1;

	snprintf(tpath, sizeof tpath, "%s/trace-engine-%d", dir, i);
	int64_t t0 = now_ns();
	if (trace_open(tpath) != 0)
		_exit(1);
	struct speech_options o = { "none", voices, 2, NULL };
	struct speech *sp = speech_start(&o, err, sizeof err);
	if (sp == NULL)
		_exit(1);
	speech_say(sp, "zh", cold_text);
	int64_t end = mono_usec() + 5000000;
	while (ns < 0 && mono_usec() < end) {
		int fd = open(tpath, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		char *p = strstr(buf, " audio-first ");
		if (p != NULL) {
			while (p > buf && p[-1] != '\n')
				p--;
			ns = strtoll(p, NULL, 10) * 1000 - t0;
		}
		if (ns < 0)
			usleep(100);
	}
	speech_shutdown(sp);
	trace_close();
	if (write(out, &ns, sizeof ns) != sizeof ns)
		_exit(1);
	_exit(0);
}

static void
run_children(struct series *s, int n, int engine)
{
	for (int i = 0; i < n; i++) {
		int p[2];
		int64_t ns = -1;
		int status;
		if (pipe(p) != 0)
			fail("pipe: %s", strerror(errno));
		pid_t pid = fork();
		if (pid < 0)
			fail("fork: %s", strerror(errno));
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 2); /* the engine logs to stderr */
			close(p[0]);
			if (engine)
				child_engine_cold(p[1], i);
			else
				child_floor_cold(p[1]);
		}
		close(p[1]);
		if (read(p[0], &ns, sizeof ns) != sizeof ns || ns < 0)
			fail("a %s cold start failed", engine ? "speech engine" : "bare espeak-ng");
		close(p[0]);
		waitpid(pid, &status, 0);
		series_add(s, (double)ns / 1000.0);
	}
}

/* How late a 1 ms sleep ends, n times: what the machine adds to any wake-up. */
static void
run_lateness(struct series *s, int n)
{
	for (int i = 0; i < n; i++) {
		struct timespec d = { 0, 1000000 };
		int64_t t0 = now_ns();
		nanosleep(&d, NULL);
		series_add(s, (double)(now_ns() - t0 - 1000000) / 1000.0);
	}
}

/* ---- the table ------------------------------------------------------------------------- */

static void
row_info(const char *name, struct series *s)
{
	printf("| %-44s | %4d | %8.3f | %8.3f | %-17s | %6s | %-13s | %-4s |\n", name, s->n,
	    pct_ms(s, 50), pct_ms(s, 95), "", "", "", "");
}

static int all_pass = 1;

/* One row: kiosk p50/p95, the floor's, the ratio of the p95s, and the target on the
 * kiosk's p95: at most limit_ms, plus the floor's p95 when over_floor is set. */
static void
row(const char *name, struct series *s, struct series *floor, double limit_ms,
    int over_floor)
{
	double p50 = pct_ms(s, 50), p95 = pct_ms(s, 95);
	double f50 = floor ? pct_ms(floor, 50) : -1, f95 = floor ? pct_ms(floor, 95) : -1;
	char fl[32] = "", ratio[16] = "", target[32];
	double limit = limit_ms + (over_floor && f95 >= 0 ? f95 : 0);
	int pass = s->n > 0 && p95 <= limit;

	if (floor != NULL) {
		if (f95 < 0.01)
			snprintf(fl, sizeof fl, "%.4f / %.4f", f50, f95);
		else
			snprintf(fl, sizeof fl, "%.3f / %.3f", f50, f95);
		if (f95 > 0)
			snprintf(ratio, sizeof ratio, "%.1f", p95 / f95);
	}
	if (over_floor)
		snprintf(target, sizeof target, "<= floor+%.0f", limit_ms);
	else
		snprintf(target, sizeof target, "<= %.0f", limit_ms);
	all_pass &= pass;
	printf("| %-44s | %4d | %8.3f | %8.3f | %-17s | %6s | %-13s | %-4s |\n", name, s->n, p50,
	    p95, fl, ratio, target, pass ? "pass" : "FAIL");
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-speech [-n CYCLES] [--cold N] [--bin DIR] [--src DIR] "
	    "[--tmp DIR] [--keep]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cycles", required_argument, NULL, 'n' },
		{ "cold", required_argument, NULL, 'c' },
		{ "bin", required_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 's' },
		{ "keep", no_argument, NULL, 'k' },
		{ "tmp", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int cycles = 20, cold = 10, keep = 0, ch;
	const char *tmpdir = NULL;
	char self[PATH_MAX];

	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	self[len > 0 ? len : 0] = '\0';
	char *slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(bindir, sizeof bindir, "%s", self);
	snprintf(srcdir, sizeof srcdir, "%s", KIOSK_SOURCE_DIR);
	while ((ch = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n': cycles = atoi(optarg); break;
		case 'c': cold = atoi(optarg); break;
		case 'b': snprintf(bindir, sizeof bindir, "%s", optarg); break;
		case 's': snprintf(srcdir, sizeof srcdir, "%s", optarg); break;
		case 'k': keep = 1; break;
		case 't': tmpdir = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || cycles < 1 || cold < 1)
		usage();
	signal(SIGPIPE, SIG_IGN);

	/* tmpfs when there is one: the trace and the WAV file are written on the measured
	 * path, and a disk shared with other work stalls writes for milliseconds. */
	struct stat sb;
	snprintf(dir, sizeof dir, "%s/bench-speech-XXXXXX",
	    tmpdir != NULL ? tmpdir : stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ?
	    "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		fail("mkdtemp: %s", strerror(errno));
	mkdir(path_in("run"), 0700);
	char keygen[PATH_MAX + 16], bankd[PATH_MAX + 16];
	snprintf(keygen, sizeof keygen, "%s/kioskctl", bindir);
	snprintf(bankd, sizeof bankd, "%s/kiosk-bankd", bindir);
	run_wait((char *[]){ keygen, "keygen", "--dir", path_in("keys"), NULL });
	run_wait((char *[]){ bankd, "--db", path_in("bank.db"), "--init-demo", NULL });
	FILE *f = fopen(path_in("kiosk.yaml"), "w");
	if (f == NULL)
		fail("cannot write %s", path_in("kiosk.yaml"));
	fprintf(f, config_text, srcdir, srcdir);
	fclose(f);

	/* Fresh processes first: this one has not set espeak-ng up yet. */
	struct series floor_cold = { 0 }, engine_cold = { 0 }, lateness = { 0 };
	run_lateness(&lateness, 3000);
	run_children(&floor_cold, cold, 0);
	run_children(&engine_cold, cold, 1);

	bank_pid = fork();
	if (bank_pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl(bankd, "kiosk-bankd", "--db", path_in("bank.db"), "--socket",
		    path_in("run/bankd.sock"), "--key", path_in("keys/adapter.key"), "--kiosk-key",
		    path_in("keys/kiosk.pub"), "--log", path_in("bankd.log"), (char *)NULL);
		_exit(127);
	}
	for (int i = 0; access(path_in("run/bankd.sock"), F_OK) != 0; i++) {
		if (i > 5000)
			fail("kiosk-bankd did not start");
		sleep_ms(1);
	}

	char wav[PATH_MAX + 8];
	snprintf(wav, sizeof wav, "wav:%s", path_in("speech.wav"));
	struct run runs[2] = { { 0 }, { 0 } };
	struct series cold_none = { 0 }, cold_wav = { 0 };
	run_cold(&cold_none, "none", cold);
	run_cold(&cold_wav, wav, cold);
	run_session(&runs[0], "none", "trace-none", cycles);
	run_session(&runs[1], wav, "trace-wav", cycles);
	kill(bank_pid, SIGTERM);
	waitpid(bank_pid, NULL, 0);
	bank_pid = -1;

	/* The floor: the same texts, in this process, voices loaded beforehand as the
	 * engine does at start-up. */
	struct series floor_first_s = { 0 }, floor_stop_s = { 0 };
	floor_setup();
	const char *voice_now = "";
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < ntexts; i++) {
			const char *voice = strcmp(texts[i].lang, "en") == 0 ? "en-us" :
			    "cmn-latn-pinyin";
			if (strcmp(voice, voice_now) != 0) {
				if (espeak_ng_SetVoiceByName(voice) != ENS_OK)
					fail("espeak-ng: no voice %s", voice);
				voice_now = voice;
				espeak_ng_SetParameter(espeakRATE, 175, 0);
				espeak_ng_SetParameter(espeakVOLUME, 100, 0);
			}
			int64_t ns = floor_synth(texts[i].text, pass == 0 ? 0 : 5);
			if (ns < 0)
				fail("espeak-ng said nothing for \"%s\"", texts[i].text);
			series_add(pass == 0 ? &floor_first_s : &floor_stop_s, (double)ns / 1000.0);
		}
	}

	printf("bench-speech: %d cycles; %d screen changes and %d barge-ins with --audio none, "
	    "%d and %d with --audio wav; %d cold starts each\n\n", cycles, runs[0].screens,
	    runs[0].barge_ins, runs[1].screens, runs[1].barge_ins, cold);
	printf("| %-44s | %4s | %8s | %8s | %-17s | %6s | %-13s | %-4s |\n", "metric (ms)", "n",
	    "p50", "p95", "floor p50 / p95", "ratio", "target (p95)", "");
	printf("|%s|------|----------|----------|-------------------|--------|---------------|"
	    "------|\n", "----------------------------------------------");
	const char *sink_names[] = { "none", "wav" };
	char name[96];
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "key -> first audio, %s, from key line", sink_names[i]);
		row(name, &runs[i].first_key, &floor_first_s, TARGET_OVER_FLOOR_MS, 1);
		snprintf(name, sizeof name, "key -> first audio, %s, from pty write", sink_names[i]);
		row(name, &runs[i].first_write, &floor_first_s, TARGET_OVER_FLOOR_MS, 1);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "  of which pty write -> key line, %s", sink_names[i]);
		row_info(name, &runs[i].part_tty);
		snprintf(name, sizeof name, "  of which key line -> speech-start, %s",
		    sink_names[i]);
		row_info(name, &runs[i].part_kiosk);
		snprintf(name, sizeof name, "  of which speech-start -> first audio, %s",
		    sink_names[i]);
		row_info(name, &runs[i].part_engine);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "barge-in -> audio stopped, %s, pty write",
		    sink_names[i]);
		row(name, &runs[i].stop_write, &floor_stop_s, TARGET_BARGE_MS, 0);
		snprintf(name, sizeof name, "barge-in -> audio stopped, %s, key line",
		    sink_names[i]);
		row(name, &runs[i].stop_key, &floor_stop_s, TARGET_BARGE_MS, 0);
	}
	row("cold start: kiosk exec -> first audio, none", &cold_none, &floor_cold,
	    TARGET_COLD_MS, 0);
	row("cold start: kiosk exec -> first audio, wav", &cold_wav, &floor_cold, TARGET_COLD_MS,
	    0);
	row("cold start: speech_start+say -> first audio", &engine_cold, &floor_cold,
	    TARGET_COLD_MS, 0);
	row_info("machine: lateness of a 1 ms sleep", &lateness);
	for (int i = 0; i < 2; i++) {
		int pass = runs[i].idle_switches == 0;
		all_pass &= pass;
		snprintf(name, sizeof name, "idle: kiosk wake-ups in %d s, %s", IDLE_MSEC / 1000,
		    sink_names[i]);
		printf("| %-44s | %4d | %8ld | %8s | %-17s | %6s | %-13s | %-4s |\n", name, 1,
		    runs[i].idle_switches, "", "", "", "0", pass ? "pass" : "FAIL");
	}
	printf("\nfloor: bare espeak-ng in this process on the same %d texts: espeak_Synth to the "
	    "first samples (key rows), the callback's 1 to espeak_Synth returning (barge-in "
	    "rows); in fresh processes, set-up + voice + synthesis to the first samples "
	    "(cold rows). ratio: the kiosk's p95 over the floor's.\n", ntexts);

	for (int i = 0; i < ntexts; i++)
		free(texts[i].text);
	free(texts);
	if (keep)
		printf("files kept in %s\n", dir);
	else
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return all_pass ? 0 : 1;
}
