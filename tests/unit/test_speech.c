/* The speech engine against real espeak-ng, through the WAV and null sinks.
 * Usage: test_speech wav|bargein|replace|trace|errors|alsa|fail WORKFILE-PREFIX */
#include "speech/speech.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static FILE *out;
static int failures;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(out, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(out, __VA_ARGS__);                              \
			fputc('\n', out);                                       \
			failures++;                                             \
		}                                                               \
	} while (0)

static const struct speech_voice voices[] = {
	{ "en", "en-us", 175, 100 },
	{ "zh", "cmn-latn-pinyin", 175, 100 },
};

static const char *long_text =
    "Welcome to the self service banking terminal. Please insert your card with the chip "
    "facing up, then follow the spoken instructions. Press the key marked with a raised dot "
    "to hear the layout of the keypad again at any time.";

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static struct speech *
start(const char *audio, char *err, size_t errlen)
{
	struct speech_options o = { audio, voices, (int)ARRAY_LEN(voices), NULL };
	return speech_start(&o, err, errlen);
}

/* Waits for the next end record; 0 on timeout. */
static int
wait_end(struct speech *sp, int timeout_ms, struct speech_event *ev)
{
	int64_t deadline = mono_usec() + (int64_t)timeout_ms * 1000;

	for (;;) {
		if (speech_next_event(sp, ev))
			return 1;
		int64_t left = (deadline - mono_usec()) / 1000;
		if (left <= 0)
			return 0;
		struct pollfd p = { speech_fd(sp), POLLIN, 0 };
		poll(&p, 1, (int)left);
	}
}

struct wav_file {
	long size;
	unsigned rate;
	int16_t *pcm;
	size_t frames;
};

static uint32_t
le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static unsigned
le16(const unsigned char *b)
{
	return (unsigned)b[0] | (unsigned)b[1] << 8;
}

/* Reads a WAV and checks that its header describes the file exactly. */
static int
wav_read(const char *path, struct wav_file *w)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[44];
	int ok = 1;

	memset(w, 0, sizeof *w);
	CHECK(f != NULL, "cannot open %s", path);
	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	w->size = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (fread(h, sizeof h, 1, f) != 1) {
		CHECK(0, "%s: short header (%ld bytes)", path, w->size);
		fclose(f);
		return 0;
	}
	ok &= memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVEfmt ", 8) == 0 &&
	    memcmp(h + 36, "data", 4) == 0;
	CHECK(ok, "%s: not a canonical RIFF/WAVE file", path);
	CHECK(le32(h + 4) == (uint32_t)(w->size - 8), "%s: RIFF size %u, file %ld", path,
	    (unsigned)le32(h + 4), w->size);
	CHECK(le32(h + 40) == (uint32_t)(w->size - 44), "%s: data size %u, file %ld", path,
	    (unsigned)le32(h + 40), w->size);
	CHECK(le32(h + 16) == 16 && le16(h + 20) == 1 && le16(h + 22) == 1 && le16(h + 34) == 16,
	    "%s: not 16-bit mono PCM", path);
	w->rate = le32(h + 24);
	CHECK(w->rate >= 8000 && le32(h + 28) == w->rate * 2, "%s: rate %u", path, w->rate);
	w->frames = (size_t)(w->size - 44) / 2;
	w->pcm = xcalloc(w->frames + 1, sizeof *w->pcm);
	for (size_t i = 0; i < w->frames; i++) {
		unsigned char b[2];
		if (fread(b, 2, 1, f) != 1)
			break;
		w->pcm[i] = (int16_t)le16(b);
	}
	fclose(f);
	return ok && w->rate > 0;
}

static double
wav_seconds(const struct wav_file *w, size_t from, size_t to)
{
	return w->rate ? (double)(to - from) / w->rate : 0;
}

/* Share of frames in [from, to) that are clearly not silence. */
static double
loud_share(const struct wav_file *w, size_t from, size_t to)
{
	size_t loud = 0;

	for (size_t i = from; i < to; i++)
		loud += w->pcm[i] > 1000 || w->pcm[i] < -1000;
	return to > from ? (double)loud / (double)(to - from) : 0;
}

/* Speaks one sentence to the end and checks what the file gained. */
static void
say_and_check(struct speech *sp, const char *path, const char *lang, const char *text,
    size_t *frames)
{
	struct speech_event ev;
	struct wav_file w;
	int64_t t0 = mono_usec();
	unsigned id = speech_say(sp, lang, text);

	CHECK(id != 0, "id 0");
	CHECK(speech_busy(sp), "not busy right after speech_say");
	CHECK(wait_end(sp, 10000, &ev), "no end event for \"%s\"", text);
	double elapsed = (double)(mono_usec() - t0) / 1e6;
	CHECK(ev.id == id && !ev.stopped, "event id %u stopped %d, expected %u finished", ev.id,
	    ev.stopped, id);
	CHECK(!speech_busy(sp), "still busy after the end event");
	if (!wav_read(path, &w))
		return;
	double secs = wav_seconds(&w, *frames, w.frames);
	double loud = loud_share(&w, *frames, w.frames);
	fprintf(out, "%s: %.2f s of audio in %.2f s, %.0f%% loud\n", lang, secs, elapsed,
	    loud * 100);
	CHECK(secs > 0.5 && secs < 10, "%s: %.2f s of audio", lang, secs);
	CHECK(loud > 0.1, "%s: only %.1f%% of samples are not silent", lang, loud * 100);
	/* The sink plays in real time: the utterance lasts as long as its audio. */
	CHECK(elapsed > secs - 0.05 && elapsed < secs + 0.5, "%s: %.2f s of audio took %.2f s",
	    lang, secs, elapsed);
	*frames = w.frames;
	free(w.pcm);
}

static void
test_wav(const char *prefix)
{
	char path[512], audio[600], err[512];
	size_t frames = 0;

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	CHECK(strcmp(speech_audio_status(sp), audio) == 0, "status %s", speech_audio_status(sp));
	say_and_check(sp, path, "en", "Please enter your PIN.", &frames);
	say_and_check(sp, path, "zh", "请输入密码。", &frames);
	speech_shutdown(sp);
}

static void
test_bargein(const char *prefix)
{
	char path[512], audio[600], err[512];
	struct speech_event ev;
	struct wav_file w;
	const int waits[] = { 200, 137, 251, 173, 309 };
	int64_t worst = 0, total = 0, heard_ms = 0;

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	for (size_t i = 0; i < ARRAY_LEN(waits); i++) {
		unsigned id = speech_say(sp, "en", long_text);
		sleep_ms(waits[i]);
		CHECK(speech_busy(sp), "not busy while the long sentence plays");
		int64_t t0 = mono_usec();
		speech_stop(sp);
		int64_t call = mono_usec() - t0;
		struct pollfd p = { speech_fd(sp), POLLIN, 0 };
		CHECK(poll(&p, 1, 2000) == 1, "no end record after speech_stop");
		int64_t lat = mono_usec() - t0;
		CHECK(speech_next_event(sp, &ev), "pipe readable but no record");
		CHECK(ev.id == id && ev.stopped == 1, "event id %u stopped %d, expected %u stopped",
		    ev.id, ev.stopped, id);
		/* "The" is heard first; nothing near the end of the text can have been. */
		CHECK(ev.part == 0 && ev.position >= 1 && ev.position < (int)strlen(long_text) / 4,
		    "stopped at part %d position %d", ev.part, ev.position);
		CHECK(!speech_next_event(sp, &ev), "a second record");
		CHECK(call < 1000, "speech_stop took %lld us", (long long)call);
		CHECK(lat < 20000, "stop took %lld us to be reported", (long long)lat);
		fprintf(out, "stop after %d ms: call %lld us, end record after %lld us, position %d\n",
		    waits[i], (long long)call, (long long)lat, ev.position);
		worst = lat > worst ? lat : worst;
		total += lat;
		heard_ms += waits[i];
	}
	fprintf(out, "stop latency: mean %lld us, worst %lld us\n",
	    (long long)(total / (int64_t)ARRAY_LEN(waits)), (long long)worst);
	speech_shutdown(sp);
	if (!wav_read(path, &w))
		return;
	/* Only what was heard before each stop is in the file: about the sum of the waits,
	 * a small fraction of five full sentences (each well over 10 s). */
	double secs = wav_seconds(&w, 0, w.frames);
	fprintf(out, "file holds %.3f s for %.3f s of playing\n", secs, (double)heard_ms / 1000);
	CHECK(secs < (double)heard_ms / 1000 + 0.05, "file holds %.3f s, played %.3f s", secs,
	    (double)heard_ms / 1000);
	CHECK(secs > (double)heard_ms / 1000 - 0.15, "file holds %.3f s, played %.3f s", secs,
	    (double)heard_ms / 1000);
	CHECK(loud_share(&w, 0, w.frames) > 0.1, "the heard part is silent");
	free(w.pcm);
}

static void
test_replace(const char *prefix)
{
	char path[512], audio[600], err[512];
	struct speech_event ev;

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;

	unsigned a = speech_say(sp, "en", long_text);
	sleep_ms(300);
	unsigned b = speech_say(sp, "en", "Cancelled.");
	CHECK(b != a, "same id twice");
	CHECK(wait_end(sp, 1000, &ev), "no end record for the replaced utterance");
	CHECK(ev.id == a && ev.stopped, "first record: id %u stopped %d, expected %u stopped",
	    ev.id, ev.stopped, a);
	CHECK(wait_end(sp, 5000, &ev), "no end record for the new utterance");
	CHECK(ev.id == b && !ev.stopped, "second record: id %u stopped %d, expected %u finished",
	    ev.id, ev.stopped, b);

	/* Two requests in a row while one plays: every id ends, in order, and the last wins. */
	unsigned c = speech_say(sp, "en", long_text);
	sleep_ms(200);
	unsigned d = speech_say(sp, "zh", "取消");
	unsigned e = speech_say(sp, "en", "Goodbye.");
	const unsigned want[] = { c, d, e };
	const int want_stopped[] = { 1, 1, 0 };
	for (int i = 0; i < 3; i++) {
		CHECK(wait_end(sp, 5000, &ev), "no end record %d", i);
		CHECK(ev.id == want[i] && ev.stopped == want_stopped[i],
		    "record %d: id %u stopped %d, expected %u stopped %d", i, ev.id, ev.stopped,
		    want[i], want_stopped[i]);
	}
	CHECK(!speech_busy(sp), "busy after the last record");
	CHECK(!speech_next_event(sp, &ev), "an extra record for %u", ev.id);
	speech_shutdown(sp);

	struct wav_file w;
	if (!wav_read(path, &w))
		return;
	/* 0.3 s + 0.2 s of the long sentence, and two short words. */
	double secs = wav_seconds(&w, 0, w.frames);
	fprintf(out, "file holds %.2f s\n", secs);
	CHECK(secs > 0.8 && secs < 3, "file holds %.2f s", secs);
	free(w.pcm);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf b = { 0 };
	char buf[4096];
	size_t n;

	strbuf_add(&b, "");
	if (f == NULL)
		return strbuf_take(&b);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_addn(&b, buf, n);
	fclose(f);
	return strbuf_take(&b);
}

/* Finds needle after *from, moves *from past it; returns the line's timestamp or -1. */
static long long
trace_find(const char *trace, const char **from, const char *needle)
{
	const char *p = strstr(*from, needle);

	CHECK(p != NULL, "trace lacks (in order) %s", needle);
	if (p == NULL)
		return -1;
	const char *line = p;
	while (line > trace && line[-1] != '\n')
		line--;
	*from = p + strlen(needle);
	return strtoll(line, NULL, 10);
}

static void
test_trace(const char *prefix)
{
	char path[512], err[512];
	struct speech_event ev;
	const char *from;

	snprintf(path, sizeof path, "%s.trace", prefix);
	unlink(path);
	CHECK(trace_open(path) == 0, "cannot open %s", path);
	struct speech *sp = start("none", err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	CHECK(strcmp(speech_audio_status(sp), "none") == 0, "status %s", speech_audio_status(sp));

	int64_t t_say = mono_usec();
	unsigned a = speech_say(sp, "en", "Balance \"42\".");
	CHECK(wait_end(sp, 5000, &ev) && ev.id == a && !ev.stopped, "utterance %u did not finish",
	    a);
	const struct speech_part parts[] = { { "zh", "请取走" }, { "en", "card" } };
	unsigned b = speech_say_parts(sp, parts, 2);
	CHECK(wait_end(sp, 5000, &ev) && ev.id == b && !ev.stopped, "utterance %u did not finish",
	    b);
	CHECK(ev.part == 1 && ev.position == 1, "finished at part %d position %d", ev.part,
	    ev.position);
	unsigned c = speech_say(sp, "en", long_text);
	sleep_ms(100);
	speech_stop(sp);
	CHECK(wait_end(sp, 1000, &ev) && ev.id == c && ev.stopped, "utterance %u did not stop", c);
	speech_shutdown(sp);
	trace_close();

	char *trace = slurp(path), want[1024], *q;
	from = trace;
	snprintf(want, sizeof want, "speech-start id=%u lang=en text=\"Balance \\\"42\\\".\"", a);
	long long t_start = trace_find(trace, &from, want);
	snprintf(want, sizeof want, "audio-first id=%u\n", a);
	long long t_first = trace_find(trace, &from, want);
	snprintf(want, sizeof want, "speech-done id=%u text=\"Balance \\\"42\\\".\"\n", a);
	trace_find(trace, &from, want);
	if (t_start > 0 && t_first > 0)
		fprintf(out, "speech_say to speech-start %lld us, to audio-first %lld us\n",
		    t_start - (long long)t_say, t_first - (long long)t_say);
	CHECK(t_first - t_say < 50000, "first audio %lld us after speech_say",
	    t_first - (long long)t_say);

	snprintf(want, sizeof want, "speech-start id=%u lang=zh,en text=\"请取走 card\"", b);
	trace_find(trace, &from, want);
	snprintf(want, sizeof want, "audio-first id=%u\n", b);
	trace_find(trace, &from, want);
	snprintf(want, sizeof want, "speech-done id=%u text=\"请取走 card\"\n", b);
	trace_find(trace, &from, want);

	q = trace_quote(long_text);
	snprintf(want, sizeof want, "speech-start id=%u lang=en text=%s\n", c, q);
	trace_find(trace, &from, want);
	snprintf(want, sizeof want, "audio-first id=%u\n", c);
	trace_find(trace, &from, want);
	snprintf(want, sizeof want, "speech-stop id=%u text=%s\n", c, q);
	trace_find(trace, &from, want);
	free(q);
	free(trace);
}

/* Quiet stderr: the kiosk's terminal is a full-screen UI; nothing may be printed on it. */
static void
stderr_to_file(const char *path)
{
	fflush(stderr);
	out = fdopen(dup(2), "w");
	setvbuf(out, NULL, _IONBF, 0);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

static void
stderr_check_empty(const char *path)
{
	fflush(stderr);
	char *text = slurp(path);
	CHECK(text[0] == '\0', "printed to the terminal: %s", text);
	free(text);
}

static void
test_errors(const char *prefix)
{
	char logpath[512], errpath[512], err[512];
	struct speech_event ev;
	struct speech *sp;

	/* Nothing may reach the terminal: the kiosk's terminal is a full-screen UI. */
	snprintf(errpath, sizeof errpath, "%s.stderr", prefix);
	snprintf(logpath, sizeof logpath, "%s.log", prefix);
	unlink(logpath);
	stderr_to_file(errpath);
	CHECK(log_open("test_speech", logpath) == 0, "cannot open %s", logpath);

	/* First, while espeak-ng is not set up yet: missing data is an error, not an exit
	 * and not a silent fallback to the default data. */
	struct speech_options o = { "none", voices, 1, "/nonexistent-espeak-data" };
	sp = speech_start(&o, err, sizeof err);
	CHECK(sp == NULL && strstr(err, "/nonexistent-espeak-data") != NULL,
	    "missing data directory: %s", sp == NULL ? err : "started");
	fprintf(out, "missing data: %s\n", err);
	speech_shutdown(sp);
	char empty[600];
	snprintf(empty, sizeof empty, "%s.data", prefix);
	mkdir(empty, 0700);
	o.data_path = empty;
	sp = speech_start(&o, err, sizeof err);
	CHECK(sp == NULL && strstr(err, empty) != NULL, "empty data directory: %s",
	    sp == NULL ? err : "started");
	fprintf(out, "empty data: %s\n", err);
	speech_shutdown(sp);
	rmdir(empty);

	sp = start("alsa:nosuchdevice", err, sizeof err);
	CHECK(sp != NULL, "a missing sound device must not be fatal: %s", err);
	if (sp != NULL) {
		const char *st = speech_audio_status(sp);
		fprintf(out, "status: %s\n", st);
		CHECK(strncmp(st, "none (", 6) == 0 && strstr(st, "nosuchdevice") != NULL,
		    "status %s", st);
		int64_t t0 = mono_usec();
		unsigned id = speech_say(sp, "en", "Hello.");
		CHECK(wait_end(sp, 5000, &ev) && ev.id == id && !ev.stopped, "no end record");
		/* The null sink still takes the audio's real time. */
		CHECK(mono_usec() - t0 > 200000, "\"Hello.\" took %lld us",
		    (long long)(mono_usec() - t0));

		char err2[256] = "";
		struct speech *sp2 = start("none", err2, sizeof err2);
		CHECK(sp2 == NULL && strstr(err2, "already") != NULL,
		    "a second engine in one process: %s", err2);
		speech_shutdown(sp2);
		speech_shutdown(sp);
	}

	sp = start("wav:/nonexistent-dir/x.wav", err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp != NULL) {
		const char *st = speech_audio_status(sp);
		CHECK(strncmp(st, "none (", 6) == 0 && strstr(st, "/nonexistent-dir/x.wav") != NULL,
		    "status %s", st);
		speech_shutdown(sp);
	}

	sp = start("speaker", err, sizeof err);
	CHECK(sp != NULL && strstr(speech_audio_status(sp), "speaker") != NULL, "status %s",
	    sp != NULL ? speech_audio_status(sp) : err);
	speech_shutdown(sp);

	const struct speech_voice bad[] = { voices[0], { "xx", "nosuchvoice", 175, 100 } };
	o = (struct speech_options){ "none", bad, 2, NULL };
	sp = speech_start(&o, err, sizeof err);
	CHECK(sp == NULL && strstr(err, "nosuchvoice") != NULL && strstr(err, "xx") != NULL,
	    "missing voice: %s", sp == NULL ? err : "started");
	fprintf(out, "missing voice: %s\n", err);
	speech_shutdown(sp);

	/* Works again after a failed start. */
	sp = start("none", err, sizeof err);
	CHECK(sp != NULL, "speech_start after a failure: %s", err);
	if (sp != NULL) {
		unsigned id = speech_say(sp, "zh", "好");
		CHECK(wait_end(sp, 5000, &ev) && ev.id == id && !ev.stopped, "no end record");
		speech_shutdown(sp);
	}


	log_close();
	stderr_check_empty(errpath);
	char *text = slurp(logpath);
	CHECK(strstr(text, "nosuchdevice") != NULL, "the log does not name the device");
	free(text);
}

/* The ALSA sink through alsa-lib's "null" device (no sound card needed; it has no clock,
 * so this checks set-up, writes, stop and finish, not pacing). */
static void
test_alsa(const char *prefix)
{
	char errpath[512], logpath[512], err[512];
	struct speech_event ev;

	snprintf(errpath, sizeof errpath, "%s.stderr", prefix);
	snprintf(logpath, sizeof logpath, "%s.log", prefix);
	stderr_to_file(errpath);
	CHECK(log_open("test_speech", logpath) == 0, "cannot open %s", logpath);
	struct speech *sp = start("alsa:null", err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	CHECK(strcmp(speech_audio_status(sp), "alsa:null") == 0, "status %s",
	    speech_audio_status(sp));
	unsigned a = speech_say(sp, "en", "Hello.");
	CHECK(wait_end(sp, 5000, &ev) && ev.id == a && !ev.stopped, "no end for %u", a);
	for (int i = 0; i < 20; i++) {
		unsigned b = speech_say(sp, i % 2 ? "zh" : "en", long_text);
		speech_stop(sp);
		CHECK(wait_end(sp, 5000, &ev) && ev.id == b, "no end for %u", b);
	}
	CHECK(strcmp(speech_audio_status(sp), "alsa:null") == 0, "status %s",
	    speech_audio_status(sp));
	speech_shutdown(sp);
	log_close();
	stderr_check_empty(errpath);
}

/* A sink that fails mid-session (here: the WAV file hits its size limit) is replaced by the
 * null sink; speech goes on in real time and the status says why. */
static void
test_fail(const char *prefix)
{
	char path[512], audio[600], err[512];
	struct speech_event ev;
	struct rlimit rl = { 20000, 20000 };

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	signal(SIGXFSZ, SIG_IGN);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit");
	int64_t t0 = mono_usec();
	unsigned a = speech_say(sp, "en", "Please take your card. Goodbye.");
	CHECK(wait_end(sp, 10000, &ev) && ev.id == a && !ev.stopped, "no end for %u", a);
	double secs = (double)(mono_usec() - t0) / 1e6;
	const char *st = speech_audio_status(sp);
	fprintf(out, "took %.2f s; status %s\n", secs, st);
	CHECK(strncmp(st, "none (wav: ", 11) == 0 && strstr(st, path) != NULL, "status %s", st);
	/* 20 kB is under half a second at 22050 Hz; the sentence lasts about two. */
	CHECK(secs > 1.2, "only %.2f s: the null sink did not take over in real time", secs);
	unsigned b = speech_say(sp, "en", "Hello.");
	CHECK(wait_end(sp, 5000, &ev) && ev.id == b && !ev.stopped, "no end for %u", b);
	speech_shutdown(sp);
	rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	setrlimit(RLIMIT_FSIZE, &rl);
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && sb.st_size <= 20000, "file size %lld",
	    (long long)sb.st_size);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(const char *);
	} tests[] = {
		{ "wav", test_wav },
		{ "bargein", test_bargein },
		{ "replace", test_replace },
		{ "trace", test_trace },
		{ "errors", test_errors },
		{ "alsa", test_alsa },
		{ "fail", test_fail },
	};

	out = stderr;
	if (argc != 3) {
		fprintf(stderr, "usage: test_speech TEST PREFIX (see tests/unit/speech.cmake)\n");
		return 2;
	}
	for (size_t i = 0; i < ARRAY_LEN(tests); i++) {
		if (strcmp(argv[1], tests[i].name) != 0)
			continue;
		tests[i].fn(argv[2]);
		fprintf(out, "%s: %s\n", argv[1], failures ? "FAILED" : "ok");
		return failures ? 1 : 0;
	}
	fprintf(stderr, "test_speech: no test %s\n", argv[1]);
	return 2;
}
