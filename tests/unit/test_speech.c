/* The speech engine against real espeak-ng, through the WAV and null sinks.
 * Usage: test_speech TEST WORKFILE-PREFIX; the tests are listed in main() and in
 * tests/unit/speech.cmake. */
#include "speech/speech.h"

#include "common/log.h"
#include "speech/engine.h"
#include "common/trace.h"
#include "common/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
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

/* Waits for the next end record, skipping progress records; 0 on timeout. */
static int
wait_end(struct speech *sp, int timeout_ms, struct speech_event *ev)
{
	int64_t deadline = mono_usec() + (int64_t)timeout_ms * 1000;

	for (;;) {
		while (speech_next_event(sp, ev))
			if (ev->kind == SPEECH_EVENT_END)
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
		/* How fast is bench-speech's to measure; a timed check here fails under load. */
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
	CHECK(t_first - t_say < 2000000, "first audio %lld us after speech_say (hung?)",
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
	int64_t worst = 0;
	int stopped = 0;
	for (int i = 0; i < 20; i++) {
		unsigned b = speech_say(sp, i % 2 ? "zh" : "en", long_text);
		/* The null device takes audio as fast as it comes: stop during synthesis. */
		if (i >= 10)
			sleep_ms(2);
		int64_t t0 = mono_usec();
		speech_stop(sp);
		CHECK(wait_end(sp, 5000, &ev) && ev.id == b, "no end for %u", b);
		int64_t lat = mono_usec() - t0;
		worst = lat > worst ? lat : worst;
		stopped += ev.stopped == SPEECH_STOPPED;
	}
	fprintf(out, "alsa:null: %d of 20 stopped, speech_stop to the end record %lld us at "
	    "worst\n", stopped, (long long)worst);
	CHECK(stopped >= 10, "only %d of 20 utterances were stopped", stopped);
	CHECK(worst < 1000000, "a stop took %lld us (hung?)", (long long)worst);
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

/* Pause and resume */

static const char *mid_text =
    "Please insert your card with the chip facing up, then follow the spoken instructions.";

static size_t
wav_frames(const char *path)
{
	struct wav_file w;
	size_t n = 0;

	if (wav_read(path, &w))
		n = w.frames;
	free(w.pcm);
	return n;
}

/* The text of the trace line "speech-start id=ID ...", unquoted enough for ASCII text. */
static char *
trace_start_text(const char *trace_path, unsigned id)
{
	char *trace = slurp(trace_path), want[64], *text = NULL;

	snprintf(want, sizeof want, " speech-start id=%u ", id);
	const char *p = strstr(trace, want), *q;
	if (p != NULL && (p = strstr(p, "text=\"")) != NULL && (q = strchr(p + 6, '"')) != NULL)
		text = xstrndup(p + 6, (size_t)(q - p - 6));
	free(trace);
	return text;
}

static void
test_pause(const char *prefix)
{
	char path[512], audio[600], tpath[512], err[512];
	struct speech_event ev;

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	snprintf(tpath, sizeof tpath, "%s.trace", prefix);
	unlink(tpath);
	CHECK(trace_open(tpath) == 0, "cannot open %s", tpath);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	CHECK(!speech_paused(sp) && speech_pause(sp) == 0 && speech_resume(sp) == 0,
	    "pause or resume before anything was said");

	/* The whole sentence once, for its length. */
	unsigned id = speech_say(sp, "en", mid_text);
	CHECK(wait_end(sp, 15000, &ev) && ev.id == id && ev.stopped == SPEECH_DONE,
	    "utterance %u did not finish", id);
	size_t full = wav_frames(path);
	CHECK(speech_pause(sp) == 0 && !speech_paused(sp) && speech_resume(sp) == 0,
	    "a finished utterance cannot be paused");

	/* Paused after 1.5 s: the end record says so and where, nothing plays meanwhile. */
	id = speech_say(sp, "en", mid_text);
	sleep_ms(1500);
	CHECK(speech_pause(sp) == 1, "speech_pause while playing returned 0");
	CHECK(speech_paused(sp), "not paused after speech_pause");
	CHECK(wait_end(sp, 1000, &ev) && ev.id == id && ev.kind == SPEECH_EVENT_END,
	    "no end record for the paused utterance");
	CHECK(ev.stopped == SPEECH_PAUSED, "end record stopped=%d, expected %d (paused)",
	    ev.stopped, SPEECH_PAUSED);
	int pos = ev.position;
	CHECK(ev.part == 0 && pos > 1 && pos < (int)strlen(mid_text) && mid_text[pos - 2] == ' ',
	    "paused at part %d position %d: not the start of a word", ev.part, pos);
	CHECK(!speech_busy(sp), "busy while paused");
	speech_stop(sp);
	CHECK(speech_paused(sp), "speech_stop ended the pause");
	CHECK(speech_pause(sp) == 1, "pausing twice");
	size_t f1 = wav_frames(path);
	sleep_ms(300);
	CHECK(wav_frames(path) == f1, "audio was written while paused");
	double heard = (double)(f1 - full) / 22050;
	CHECK(heard > 1.35 && heard < 1.6, "%.3f s heard before a pause at 1.5 s", heard);

	unsigned id2 = speech_resume(sp);
	CHECK(id2 != 0 && id2 != id, "speech_resume returned %u", id2);
	CHECK(!speech_paused(sp), "still paused after speech_resume");
	CHECK(wait_end(sp, 15000, &ev) && ev.id == id2 && ev.stopped == SPEECH_DONE,
	    "the resumed utterance did not finish");
	CHECK(ev.part == 0 && ev.position > pos, "resumed utterance ended at %d/%d", ev.part,
	    ev.position);
	size_t f2 = wav_frames(path);
	/* First part and the rest make the sentence once, give or take the word heard again. */
	double again = (double)(f2 - f1) / 22050 + heard - (double)full / 22050;
	fprintf(out, "sentence %.2f s; paused at %.2f s (position %d); heard again %.3f s\n",
	    (double)full / 22050, heard, pos, again);
	CHECK(again > -0.25 && again < 0.8, "the pause and resume played %.3f s more than the "
	    "sentence", again);
	char *said = trace_start_text(tpath, id2);
	CHECK(said != NULL && strcmp(said, mid_text + pos - 1) == 0,
	    "resumed with \"%s\", expected \"%s\"", said ? said : "(none)", mid_text + pos - 1);
	free(said);

	/* A key stopped it first, then came the pause key: still resumable. */
	unsigned id3 = speech_say(sp, "en", mid_text);
	sleep_ms(800);
	speech_stop(sp);
	CHECK(wait_end(sp, 1000, &ev) && ev.id == id3 && ev.stopped == SPEECH_STOPPED,
	    "not stopped");
	int pos3 = ev.position;
	CHECK(speech_pause(sp) == 1 && speech_paused(sp), "a stopped utterance cannot be paused");
	CHECK(!speech_next_event(sp, &ev), "a second end record for a stopped utterance");
	unsigned id4 = speech_resume(sp);
	sleep_ms(300);
	speech_stop(sp);
	CHECK(wait_end(sp, 1000, &ev) && ev.id == id4 && ev.stopped == SPEECH_STOPPED,
	    "the resumed utterance did not stop");
	said = trace_start_text(tpath, id4);
	CHECK(pos3 > 1 && said != NULL && strcmp(said, mid_text + pos3 - 1) == 0,
	    "resumed with \"%s\", position %d", said ? said : "(none)", pos3);
	free(said);

	/* Paused, paused again and resumed before the thread saw it: the rest, once. */
	unsigned id5 = speech_say(sp, "en", mid_text);
	sleep_ms(600);
	speech_pause(sp);
	unsigned id6 = speech_resume(sp);
	speech_pause(sp);
	unsigned id7 = speech_resume(sp);
	const unsigned ids[] = { id5, id6, id7 };
	const int how[] = { SPEECH_PAUSED, SPEECH_PAUSED, SPEECH_DONE };
	for (int i = 0; i < 3; i++) {
		CHECK(wait_end(sp, 15000, &ev) && ev.id == ids[i] && ev.stopped == how[i],
		    "record %d: id %u stopped %d, expected %u stopped %d", i, ev.id, ev.stopped,
		    ids[i], how[i]);
	}

	/* Something new ends the pause. */
	speech_say(sp, "en", mid_text);
	sleep_ms(300);
	speech_pause(sp);
	CHECK(wait_end(sp, 1000, &ev) && ev.stopped == SPEECH_PAUSED, "not paused");
	unsigned hello = speech_say(sp, "en", "Hello.");
	CHECK(!speech_paused(sp) && speech_resume(sp) == 0, "paused after a new utterance");
	CHECK(wait_end(sp, 5000, &ev) && ev.id == hello && ev.stopped == SPEECH_DONE,
	    "the new utterance did not finish");
	speech_shutdown(sp);
	trace_close();
}

/* The last sentence */

static void
test_sentence(const char *prefix)
{
	(void)prefix;
	static const struct speech_part en[] = {
		{ "en", "Main menu\nHello, Zhang Wei. Your balance is 3.50 yuan! Choose a "
		    "service, e.g. balance. Press 1?" },
		{ "zh", "查询余额，请按1。取款，请按2！退卡请按取消键" },
		{ "en", "  .  " },
	};
	static const struct {
		int part, position;
		const char *want, *lang;
	} cases[] = {
		{ 0, 1, "Main menu", "en" },
		{ 0, 6, "Main menu", "en" },
		{ 0, 11, "Hello, Zhang Wei.", "en" },
		{ 0, 24, "Hello, Zhang Wei.", "en" },
		{ 0, 29, "Your balance is 3.50 yuan!", "en" },
		{ 0, 45, "Your balance is 3.50 yuan!", "en" }, /* "3.50" */
		{ 0, 56, "Choose a service, e.g. balance.", "en" },
		{ 0, 75, "Choose a service, e.g. balance.", "en" }, /* "e.g." */
		{ 0, 90, "Press 1?", "en" },
		{ 0, 999, "Press 1?", "en" },
		{ 1, 1, "查询余额，请按1。", "zh" },
		{ 1, 8, "查询余额，请按1。", "zh" },
		{ 1, 10, "取款，请按2！", "zh" },
		{ 1, 17, "退卡请按取消键", "zh" },
		{ 1, 0, "Press 1?", "en" },   /* nothing of part 1 heard */
		{ 2, 3, "退卡请按取消键", "zh" }, /* nothing to say there: the one before */
		{ 2, 0, "退卡请按取消键", "zh" },
		{ 0, 0, "Main menu", "en" },  /* nothing heard at all */
		{ -1, 5, "Main menu", "en" }, /* out of range: clamped */
		{ 7, 9, "退卡请按取消键", "zh" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *lang = NULL;
		char *got = speech_last_sentence(en, 3, cases[i].part, cases[i].position, &lang);
		CHECK(got != NULL && strcmp(got, cases[i].want) == 0 && lang != NULL &&
		    strcmp(lang, cases[i].lang) == 0,
		    "part %d position %d: \"%s\" (%s), expected \"%s\" (%s)", cases[i].part,
		    cases[i].position, got ? got : "(null)", lang ? lang : "(null)", cases[i].want,
		    cases[i].lang);
		free(got);
	}
	static const struct speech_part quiet[] = { { "en", " ... \n " }, { "zh", "。" } };
	const char *lang = "x";
	char *got = speech_last_sentence(quiet, 2, 1, 1, &lang);
	CHECK(got == NULL && lang == NULL, "nothing to say gave \"%s\"", got);
	free(got);
	got = speech_last_sentence(NULL, 0, 0, 0, &lang);
	CHECK(got == NULL, "no parts gave \"%s\"", got);
	free(got);
	static const struct speech_part one[] = { { "en", "Are you sure?! Yes.\r\nNo" } };
	got = speech_last_sentence(one, 1, 0, 1, &lang);
	CHECK(got != NULL && strcmp(got, "Are you sure?!") == 0, "\"%s\"", got);
	free(got);
	got = speech_last_sentence(one, 1, 0, 22, &lang);
	CHECK(got != NULL && strcmp(got, "No") == 0, "\"%s\"", got);
	free(got);
}

/* Rate and volume */

/* The voice's pitch: the median over voiced blocks of the autocorrelation peak. */
static double
pitch_hz(const struct wav_file *w, size_t from, size_t to)
{
	const size_t block = 1024;
	const size_t lag_min = w->rate / 400, lag_max = w->rate / 60;
	double f[4096];
	size_t n = 0;

	for (size_t s = from; s + block + lag_max < to && n < ARRAY_LEN(f); s += block) {
		double energy = 0, best = 0;
		size_t best_lag = 0;
		for (size_t i = 0; i < block; i++)
			energy += (double)w->pcm[s + i] * w->pcm[s + i];
		if (energy / (double)block < 1e6)
			continue;
		for (size_t lag = lag_min; lag < lag_max; lag++) {
			double c = 0;
			for (size_t i = 0; i < block; i++)
				c += (double)w->pcm[s + i] * w->pcm[s + i + lag];
			if (c > best) {
				best = c;
				best_lag = lag;
			}
		}
		if (best_lag > 0 && best > 0.5 * energy)
			f[n++] = (double)w->rate / (double)best_lag;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && f[j - 1] > f[j]; j--) {
			double t = f[j];
			f[j] = f[j - 1];
			f[j - 1] = t;
		}
	return n > 0 ? f[n / 2] : 0;
}

struct heard {
	double secs, pitch, rms;
};

static struct heard
say_measure(struct speech *sp, const char *path, const char *lang, const char *text)
{
	struct speech_event ev;
	struct wav_file w;
	struct heard h = { 0, 0, 0 };
	size_t before = wav_frames(path);
	unsigned id = speech_say(sp, lang, text);

	CHECK(wait_end(sp, 20000, &ev) && ev.id == id && ev.stopped == SPEECH_DONE,
	    "\"%s\" did not finish", text);
	if (!wav_read(path, &w))
		return h;
	h.secs = wav_seconds(&w, before, w.frames);
	h.pitch = pitch_hz(&w, before, w.frames);
	double sum = 0;
	for (size_t i = before; i < w.frames; i++)
		sum += (double)w.pcm[i] * w.pcm[i];
	h.rms = w.frames > before ? sqrt(sum / (double)(w.frames - before)) : 0;
	free(w.pcm);
	return h;
}

static void
test_rate(const char *prefix)
{
	char path[512], audio[600], err[512];
	const char *text = "Please enter your PIN, then press ENTER.";

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	struct heard normal = say_measure(sp, path, "en", text);
	speech_set_rate_wpm(sp, 80);
	struct heard slow = say_measure(sp, path, "en", text);
	speech_set_rate_wpm(sp, 400);
	struct heard fast = say_measure(sp, path, "en", text);
	speech_set_rate_wpm(sp, 0);
	speech_set_rate_percent(sp, 25); /* 175 wpm configured: 44, kept at 80 */
	struct heard pct = say_measure(sp, path, "en", text);
	speech_set_rate_percent(sp, 100);
	speech_set_rate_wpm(sp, 400);
	struct heard zh_fast = say_measure(sp, path, "zh", "请输入密码");
	speech_set_rate_wpm(sp, 80);
	struct heard zh_slow = say_measure(sp, path, "zh", "请输入密码");
	speech_set_rate_wpm(sp, 0);
	struct heard back = say_measure(sp, path, "en", text);
	speech_shutdown(sp);

	fprintf(out, "175 wpm %.2f s %.0f Hz; 80 wpm %.2f s %.0f Hz; 400 wpm %.2f s %.0f Hz; "
	    "25%% %.2f s; back %.2f s; zh 80 wpm %.2f s %.0f Hz, 400 wpm %.2f s %.0f Hz\n",
	    normal.secs, normal.pitch, slow.secs, slow.pitch, fast.secs, fast.pitch, pct.secs,
	    back.secs, zh_slow.secs, zh_slow.pitch, zh_fast.secs, zh_fast.pitch);
	CHECK(fast.secs > 0 && slow.secs / fast.secs > 3, "80 wpm %.2f s, 400 wpm %.2f s",
	    slow.secs, fast.secs);
	CHECK(zh_fast.secs > 0 && zh_slow.secs / zh_fast.secs > 3, "zh: 80 wpm %.2f s, "
	    "400 wpm %.2f s", zh_slow.secs, zh_fast.secs);
	CHECK(slow.secs > normal.secs * 1.7 && fast.secs < normal.secs * 0.6,
	    "175 wpm %.2f s, 80 wpm %.2f s, 400 wpm %.2f s", normal.secs, slow.secs, fast.secs);
	CHECK(fabs(pct.secs - slow.secs) < 0.1 * slow.secs, "25%% took %.2f s, 80 wpm %.2f s",
	    pct.secs, slow.secs);
	CHECK(fabs(back.secs - normal.secs) < 0.05 * normal.secs, "back to %.2f s, was %.2f s",
	    back.secs, normal.secs);
	/* Pitch unchanged: a speed-up by resampling would double it. */
	CHECK(slow.pitch > 0 && fabs(fast.pitch / slow.pitch - 1) < 0.2 &&
	    fabs(normal.pitch / slow.pitch - 1) < 0.2, "pitch %.0f Hz at 80 wpm, %.0f at 175, "
	    "%.0f at 400", slow.pitch, normal.pitch, fast.pitch);
	CHECK(zh_slow.pitch > 0 && fabs(zh_fast.pitch / zh_slow.pitch - 1) < 0.2,
	    "zh pitch %.0f Hz at 80 wpm, %.0f at 400", zh_slow.pitch, zh_fast.pitch);
}

static void
test_volume(const char *prefix)
{
	char path[512], audio[600], err[512];
	const int steps[] = { 20, 40, 60, 80, 100, 130, 160, 200 };
	double last = 0;

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	struct speech *sp = start(audio, err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		speech_set_volume_percent(sp, steps[i]);
		struct heard h = say_measure(sp, path, "en", "Hello.");
		fprintf(out, "volume %d%%: rms %.0f\n", steps[i], h.rms);
		CHECK(h.rms > last * 1.1, "volume %d%%: rms %.0f, the step below %.0f", steps[i],
		    h.rms, last);
		last = h.rms;
	}
	speech_shutdown(sp);
}

/* Progress records */

struct record {
	struct speech_event ev;
	int64_t at;
};

/* Collects records until the end record of id (included); returns how many. */
static int
collect(struct speech *sp, unsigned id, struct record *r, int max, int timeout_ms)
{
	int n = 0;
	int64_t deadline = mono_usec() + (int64_t)timeout_ms * 1000;

	while (n < max) {
		struct speech_event ev;
		if (speech_next_event(sp, &ev)) {
			r[n++] = (struct record){ ev, mono_usec() };
			if (ev.kind == SPEECH_EVENT_END && ev.id == id)
				break;
			continue;
		}
		int64_t left = (deadline - mono_usec()) / 1000;
		if (left <= 0)
			break;
		struct pollfd p = { speech_fd(sp), POLLIN, 0 };
		poll(&p, 1, (int)left);
	}
	return n;
}

static int
words_in(const char *text)
{
	int n = 0;
	for (const char *p = text; *p; p++)
		n += *p != ' ' && (p == text || p[-1] == ' ');
	return n;
}

/* Waits for a trace line holding needle; its timestamp, or -1 after 5 s. */
static long long
trace_wait(const char *path, const char *needle)
{
	int64_t end = mono_usec() + 5000000;

	while (mono_usec() < end) {
		char *trace = slurp(path);
		const char *p = strstr(trace, needle);
		if (p != NULL) {
			while (p > trace && p[-1] != '\n')
				p--;
			long long ts = strtoll(p, NULL, 10);
			free(trace);
			return ts;
		}
		free(trace);
		sleep_ms(1);
	}
	CHECK(0, "no trace line %s", needle);
	return -1;
}

struct word_times {
	int pos[64], ms[64];
	int n;
};

static int
discard_audio(void *arg, const int16_t *pcm, size_t frames)
{
	(void)arg;
	(void)pcm;
	(void)frames;
	return 0;
}

static void
note_word(void *arg, int text_pos, int audio_ms)
{
	struct word_times *wt = arg;

	if (wt->n < 64) {
		wt->pos[wt->n] = text_pos;
		wt->ms[wt->n++] = audio_ms;
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
test_progress(const char *prefix)
{
	char tpath[512], err[512], want[128];
	struct record r[256];
	struct speech_event ev;

	snprintf(tpath, sizeof tpath, "%s.trace", prefix);
	unlink(tpath);
	CHECK(trace_open(tpath) == 0, "cannot open %s", tpath);
	struct speech *sp = start("none", err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;

	/* Off by default: only the end record. */
	unsigned id = speech_say(sp, "en", "Hello there.");
	int n = collect(sp, id, r, 256, 5000);
	CHECK(n == 1 && r[0].ev.kind == SPEECH_EVENT_END, "%d records with progress off", n);

	speech_set_progress(sp, 1);
	int64_t t0 = mono_usec();
	id = speech_say(sp, "en", mid_text);
	unsigned timed_id = id;
	n = collect(sp, id, r, 256, 15000);
	struct record timed[64];
	int ntimed = n - 1 < 64 ? n - 1 : 64;
	memcpy(timed, r, (size_t)(ntimed > 0 ? ntimed : 0) * sizeof *r);
	CHECK(n > 1 && r[n - 1].ev.kind == SPEECH_EVENT_END && r[n - 1].ev.stopped == SPEECH_DONE,
	    "no end record");
	int last = 0, nprog = n - 1;
	for (int i = 0; i < nprog; i++) {
		const struct speech_event *e = &r[i].ev;
		CHECK(e->kind == SPEECH_EVENT_PROGRESS && e->id == id && e->part == 0 &&
		    e->stopped == 0, "record %d: kind %d id %u part %d", i, e->kind, e->id, e->part);
		CHECK(e->position > last, "record %d: position %d after %d", i, e->position, last);
		CHECK(e->position >= 1 && (e->position == 1 || mid_text[e->position - 2] == ' '),
		    "record %d: position %d is not a word", i, e->position);
		last = e->position;
	}
	CHECK(nprog >= words_in(mid_text) - 1, "%d progress records for %d words", nprog,
	    words_in(mid_text));
	CHECK(r[n - 1].ev.position == last, "end at %d, last progress %d", r[n - 1].ev.position,
	    last);
	/* They follow the audio heard, not the synthesis (done in a few milliseconds). */
	double first = (double)(r[0].at - t0) / 1e6, final = (double)(r[nprog - 1].at - t0) / 1e6;
	double end = (double)(r[n - 1].at - t0) / 1e6;
	fprintf(out, "%d progress records from %.3f s to %.3f s, end at %.3f s\n", nprog, first,
	    final, end);
	/* Spread over the playing time, not bunched at the start: a load that slows the
	 * machine only stretches this (how soon the first word comes is bench-speech's). */
	CHECK(final > 0.6 * end, "last word reported at %.3f s of %.3f s", final, end);
	sleep_ms(300);
	CHECK(!speech_next_event(sp, &ev), "a record after the end: kind %d", ev.kind);

	/* Several parts: the part index follows, positions count within each part. */
	const struct speech_part parts[] = {
		{ "zh", "请输入" }, { "en", "PIN code" }, { "zh", "然后按确认键" },
	};
	id = speech_say_parts(sp, parts, 3);
	n = collect(sp, id, r, 256, 15000);
	int lp = 0, lpos = 0, seen = 0;
	for (int i = 0; i < n - 1; i++) {
		const struct speech_event *e = &r[i].ev;
		CHECK(e->part > lp || (e->part == lp && e->position > lpos),
		    "record %d: part %d position %d after %d/%d", i, e->part, e->position, lp, lpos);
		lp = e->part;
		lpos = e->position;
		seen |= 1 << e->part;
	}
	CHECK(seen == 7, "progress seen in parts %#x", (unsigned)seen);
	CHECK(n > 0 && r[n - 1].ev.kind == SPEECH_EVENT_END && r[n - 1].ev.part == 2,
	    "end record part %d", n > 0 ? r[n - 1].ev.part : -1);

	/* Stopped: the records stop with it. */
	id = speech_say(sp, "en", mid_text);
	sleep_ms(900);
	speech_stop(sp);
	n = collect(sp, id, r, 256, 2000);
	CHECK(n >= 2 && r[n - 1].ev.kind == SPEECH_EVENT_END && r[n - 1].ev.stopped,
	    "%d records, no stopped end", n);
	CHECK(n >= 2 && r[n - 2].ev.kind == SPEECH_EVENT_PROGRESS &&
	    r[n - 1].ev.position >= r[n - 2].ev.position &&
	    r[n - 1].ev.position < (int)strlen(mid_text) / 2,
	    "stopped at %d, last progress %d", r[n - 1].ev.position,
	    n >= 2 ? r[n - 2].ev.position : -1);
	sleep_ms(200);
	CHECK(!speech_next_event(sp, &ev), "a record after the stop: kind %d", ev.kind);
	speech_shutdown(sp);
	trace_close();

	char *trace = slurp(tpath);
	snprintf(want, sizeof want, "speech-word id=%u part=0 pos=1\n", id);
	CHECK(strstr(trace, want) != NULL, "trace lacks %s", want);
	const char *from = trace;
	snprintf(want, sizeof want, "audio-first id=%u\n", timed_id);
	long long audio_first = trace_find(trace, &from, want);
	free(trace);

	/* Each word is reported once it is heard: not before its offset in the audio, as
	 * espeak-ng gives it for the same text (the engine stays set up after shutdown), from
	 * the first sample. Reports made at synthesis would come 20-60 ms early. */
	struct word_times wt = { 0 };
	const struct engine_out wout = { discard_audio, note_word, &wt };
	CHECK(engine_set_voice("en-us", 175, 100, err, sizeof err) == 0, "%s", err);
	CHECK(engine_speak(mid_text, &wout, err, sizeof err) == 0, "%s", err);
	int early = 0, matched = 0;
	int64_t late[64];
	for (int i = 0; i < ntimed; i++) {
		int ms = -1;
		for (int j = 0; j < wt.n; j++)
			if (wt.pos[j] == timed[i].ev.position)
				ms = wt.ms[j];
		if (ms < 0 || audio_first <= 0)
			continue;
		int64_t at = timed[i].at - audio_first, due = (int64_t)ms * 1000;
		early += at < due - 5000;
		late[matched++] = at - due;
		if (at < due - 5000)
			fprintf(out, "position %d reported at %lld ms, heard from %d ms\n",
			    timed[i].ev.position, (long long)at / 1000, ms);
	}
	qsort(late, (size_t)matched, sizeof *late, cmp_i64);
	fprintf(out, "%d words matched; reported after they were heard by %lld ms (median)\n",
	    matched, matched ? (long long)late[matched / 2] / 1000 : -1LL);
	CHECK(matched >= ntimed - 1 && matched > 5, "%d of %d words matched", matched, ntimed);
	CHECK(early == 0, "%d words reported before they were heard", early);
	CHECK(matched > 0 && late[matched / 2] < 500000, "reported %lld us late (median)",
	    matched ? (long long)late[matched / 2] : -1LL);

	/* Stopped 15 ms before a word is heard, when it has been synthesized and queued: the
	 * end record names the word before it, the last one heard. Ids start again at 1. */
	unlink(tpath);
	CHECK(trace_open(tpath) == 0, "cannot open %s", tpath);
	sp = start("none", err, sizeof err);
	CHECK(sp != NULL, "speech_start: %s", err);
	if (sp == NULL)
		return;
	for (int k = 3; k < wt.n && k <= 9; k += 3) {
		id = speech_say(sp, "en", mid_text);
		snprintf(want, sizeof want, "audio-first id=%u\n", id);
		long long af = trace_wait(tpath, want);
		struct timespec ts;
		int64_t at = (int64_t)af + (int64_t)wt.ms[k] * 1000 - 15000;
		ts.tv_sec = (time_t)(at / 1000000);
		ts.tv_nsec = (long)(at % 1000000) * 1000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		speech_stop(sp);
		CHECK(wait_end(sp, 1000, &ev) && ev.id == id && ev.stopped, "not stopped");
		snprintf(want, sizeof want, "speech-stop id=%u ", id);
		double heard_ms = (double)(trace_wait(tpath, want) - af) / 1000;
		int expect = -1, close = 0;
		for (int j = 0; j < wt.n; j++) {
			if (wt.ms[j] <= heard_ms)
				expect = j;
			close |= fabs(wt.ms[j] - heard_ms) < 3;
		}
		fprintf(out, "stopped %.1f ms into the audio, %.1f ms before word %d: position %d\n",
		    heard_ms, wt.ms[k] - heard_ms, k, ev.position);
		CHECK(close || (expect >= 0 && ev.position == wt.pos[expect]),
		    "stopped %.1f ms into the audio: position %d, heard up to %d", heard_ms,
		    ev.position, expect >= 0 ? wt.pos[expect] : 0);
	}
	speech_shutdown(sp);
	trace_close();
}

/* Nothing wakes while idle */

/* Context switches of every thread but the calling one: a thread that sleeps in a
 * timed wait or a poll loop adds one per wake-up. */
static long
other_threads_switches(void)
{
	char path[300], line[256];
	long total = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	CHECK(d != NULL, "cannot read /proc/self/task");
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atol(e->d_name) == (long)getpid())
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
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

static void
idle_check(struct speech *sp, const char *what)
{
	struct speech_event ev;

	sleep_ms(100);
	long before = other_threads_switches();
	sleep_ms(1000);
	long after = other_threads_switches();
	int records = 0;
	while (speech_next_event(sp, &ev))
		records++;
	fprintf(out, "%s: %ld wake-ups and %d records in 1 s of idle\n", what, after - before,
	    records);
	CHECK(after - before == 0, "%s: the speech thread woke %ld times while idle", what,
	    after - before);
	CHECK(records == 0, "%s: %d records while idle", what, records);
}

static void
test_idle(const char *prefix)
{
	char path[512], audio[600], tpath[512], err[512];
	struct speech_event ev;
	const char *sinks[] = { "none", audio, "alsa:null" };

	snprintf(path, sizeof path, "%s.wav", prefix);
	snprintf(audio, sizeof audio, "wav:%s", path);
	snprintf(tpath, sizeof tpath, "%s.trace", prefix);
	unlink(tpath);
	CHECK(trace_open(tpath) == 0, "cannot open %s", tpath);
	for (size_t i = 0; i < ARRAY_LEN(sinks); i++) {
		struct speech *sp = start(sinks[i], err, sizeof err);
		CHECK(sp != NULL, "speech_start: %s", err);
		if (sp == NULL)
			return;
		speech_set_progress(sp, 1);
		idle_check(sp, sinks[i]);
		unsigned id = speech_say(sp, "en", "Hello.");
		struct record r[64];
		int n = collect(sp, id, r, 64, 5000);
		CHECK(n > 1 && r[n - 1].ev.kind == SPEECH_EVENT_END, "%s: no end", sinks[i]);
		idle_check(sp, sinks[i]);
		/* alsa-lib's null device has no clock: it has played everything at once. */
		if (strncmp(sinks[i], "alsa", 4) != 0) {
			speech_say(sp, "en", mid_text);
			sleep_ms(300);
			speech_pause(sp);
			CHECK(wait_end(sp, 1000, &ev) && ev.stopped == SPEECH_PAUSED,
			    "%s: not paused", sinks[i]);
			idle_check(sp, sinks[i]);
		}
		speech_shutdown(sp);
	}
	trace_close();
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
		{ "pause", test_pause },
		{ "sentence", test_sentence },
		{ "rate", test_rate },
		{ "volume", test_volume },
		{ "progress", test_progress },
		{ "idle", test_idle },
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
