/* The speech thread and its request slot.
 *
 * The caller's thread only touches the slot: the newest request, the ids it replaced before
 * they started, and a stop flag. The speech thread owns espeak-ng and the sink; it takes
 * the request, speaks it, and queues one end record per utterance (and, when asked,
 * progress records while it plays), ringing the pipe. Ids end in the order they were
 * given, which is what speech_busy relies on.
 *
 * Where the listener is: espeak-ng reports each word with its offset in the audio it
 * makes; the speech thread keeps these marks in frames of the utterance and compares them
 * with what the sink says it has played. That gives the progress records, the position in
 * the end record, and where a paused utterance resumes. The speech thread keeps the last
 * utterance that was stopped or paused for speech_resume. */
#include "speech/speech.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "speech/engine.h"
#include "speech/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPEECH_RATE_MIN 80
#define SPEECH_RATE_MAX 450
#define SPEECH_RATE_PCT_MIN 25
#define SPEECH_RATE_PCT_MAX 400
#define SPEECH_VOLUME_MAX 200
/* Progress is followed at this granularity at best: it is for the eye, and a device whose
 * position moves by periods must not make the thread spin. */
#define SPEECH_TICK_MIN_USEC 1000
#define SPEECH_RT_PRIORITY 10

struct voice_cfg {
	char *lang, *voice;
	int rate, volume;
};

struct request {
	unsigned id;
	int nparts;
	struct speech_part *parts; /* the whole utterance; strings owned */
	/* Where speaking starts: a resumed utterance starts inside a part (start_char is a
	 * 0-based character index). Positions are reported in the whole parts. */
	int start_part, start_char;
	unsigned resume_of; /* speech_resume: the paused id, until the speech thread takes it */
	int paused;         /* speech_pause came while it was queued (under lock) */
};

/* A word: where its audio starts in the utterance, and where it is in the text. */
struct word_mark {
	uint64_t frame;
	int part, pos;
};

struct playback {
	struct speech *sp;
	const struct request *req;
	int audio_started;
	int follow;          /* progress records or trace lines wanted */
	int part;            /* the part being synthesized */
	int char_offset;     /* added to espeak-ng's positions in this part */
	uint64_t part_start; /* frames of the utterance before this part */
	uint64_t frames;     /* frames the sink took */
	struct word_mark *marks;
	int nmarks, capmarks;
	int reported;        /* the last mark reported as progress, -1 for none */
};

struct speech {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int stop;
	struct sink_wait wait;
	int pipe[2];

	/* Under lock. */
	struct request *pending;
	struct request **dropped; /* replaced or stopped before they started */
	int ndropped, capdropped;
	unsigned current;
	int quit;
	int ready; /* 1 started, -1 failed */
	char start_err[512];
	struct speech_event *events;
	int nevents, capevents;

	/* The caller's thread. */
	unsigned next_id;
	int paused;
	unsigned paused_id; /* what speech_resume would resume */
	atomic_uint last_said, last_ended;
	atomic_int rate_pct, rate_wpm, volume_pct, progress;
	/* The utterance speech_pause paused while it played; the last one that played to its
	 * end (written by the speech thread). */
	atomic_uint pause_current, last_finished;

	/* Written by the speech thread; status_idx flips once at most (to the null sink). */
	char status[2][512];
	atomic_int status_idx;

	/* The speech thread, after start-up. */
	char *audio, *data_path;
	struct voice_cfg *voices;
	int nvoices;
	struct sink sink;
	int rate;
	/* The last utterance stopped or paused, and where it would resume. */
	struct request *resume_req;
	int resume_part, resume_char;
};

static atomic_int speech_running;

static void
request_free(struct request *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < r->nparts; i++) {
		free((char *)r->parts[i].lang);
		free((char *)r->parts[i].text);
	}
	free(r->parts);
	free(r);
}

static const struct voice_cfg *
voice_for(struct speech *sp, const char *lang)
{
	if (lang != NULL) {
		for (int i = 0; i < sp->nvoices; i++)
			if (strcmp(sp->voices[i].lang, lang) == 0)
				return &sp->voices[i];
		log_warnx("speech: no voice for language %s, using %s", lang, sp->voices[0].lang);
	}
	return &sp->voices[0];
}

static int
clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The text after its first chars characters (espeak-ng counts characters, not bytes). */
static const char *
utf8_skip(const char *s, int chars)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; chars > 0 && *u != '\0'; chars--) {
		u++;
		while ((*u & 0xc0) == 0x80)
			u++;
	}
	return (const char *)u;
}

/* Sinks */

static int
sink_open_spec(struct speech *sp, const char *spec, char *err, size_t errlen)
{
	static const struct sink_ops *const all[] = {
		&sink_null_ops, &sink_wav_ops, &sink_alsa_ops,
	};
	const char *colon = strchr(spec, ':');
	size_t len = colon != NULL ? (size_t)(colon - spec) : strlen(spec);

	memset(&sp->sink, 0, sizeof sp->sink);
	sp->sink.rate = sp->rate;
	sp->sink.wait = &sp->wait;
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		if (strlen(all[i]->name) != len || strncmp(all[i]->name, spec, len) != 0)
			continue;
		sp->sink.ops = all[i];
		return all[i]->open(&sp->sink, colon != NULL ? colon + 1 : NULL, err, errlen);
	}
	snprintf(err, errlen, "unknown audio output \"%s\" (none, wav:FILE, alsa, alsa:DEVICE)",
	    spec);
	return -1;
}

static void
set_status(struct speech *sp, int idx, const char *status, const char *why)
{
	if (why != NULL)
		snprintf(sp->status[idx], sizeof sp->status[idx], "%s (%s)", status, why);
	else
		snprintf(sp->status[idx], sizeof sp->status[idx], "%s", status);
	atomic_store(&sp->status_idx, idx);
}

/* A device that fails mid-session is replaced by the null sink: the kiosk goes on, silent,
 * and says so in its status rather than hang on a dead device. */
static void
sink_fail(struct speech *sp)
{
	char err[256];

	log_warnx("speech: %s; continuing without audio", sp->sink.error);
	snprintf(err, sizeof err, "%s", sp->sink.error);
	sp->sink.ops->close(&sp->sink);
	if (sink_open_spec(sp, "none", err, sizeof err) != 0)
		fatalx("speech: cannot open the null sink");
	set_status(sp, 1, "none", err);
}

/* Playback of one utterance, on the speech thread */

static void
report(struct speech *sp, const struct speech_event *ev)
{
	char bell = 1;

	pthread_mutex_lock(&sp->lock);
	if (sp->nevents == sp->capevents) {
		sp->capevents = sp->capevents ? sp->capevents * 2 : 16;
		sp->events = xrealloc(sp->events, (size_t)sp->capevents * sizeof *sp->events);
	}
	sp->events[sp->nevents++] = *ev;
	if (ev->kind == SPEECH_EVENT_END)
		atomic_store(&sp->last_ended, ev->id);
	/* A full pipe is already readable: nothing is lost. */
	if (write(sp->pipe[1], &bell, 1) < 0 && errno != EAGAIN)
		log_warn("speech: notify");
	pthread_mutex_unlock(&sp->lock);
}

/* The last mark whose first frame is among the first heard frames; -1 for none. */
static int
heard_mark(const struct playback *pb, int from, uint64_t heard)
{
	while (from + 1 < pb->nmarks && pb->marks[from + 1].frame < heard)
		from++;
	return from;
}

static void
progress_report(struct playback *pb, int idx)
{
	struct speech *sp = pb->sp;
	const struct word_mark *m = &pb->marks[idx];

	pb->reported = idx;
	trace_event("speech-word", "id=%u part=%d pos=%d", pb->req->id, m->part, m->pos);
	if (atomic_load(&sp->progress)) {
		struct speech_event ev = { .id = pb->req->id, .part = m->part, .position = m->pos,
			.kind = SPEECH_EVENT_PROGRESS };
		report(sp, &ev);
	}
}

/* Called while the sink waits: reports the word now heard, and asks to be called again
 * when the next known word should start to be heard. */
static void
progress_tick(void *arg)
{
	struct playback *pb = arg;
	struct speech *sp = pb->sp;
	uint64_t heard = sp->sink.ops->played(&sp->sink);
	int idx = heard_mark(pb, pb->reported, heard);
	int64_t now = mono_usec();

	if (idx != pb->reported)
		progress_report(pb, idx);
	if (idx + 1 >= pb->nmarks) {
		sp->wait.tick_at = 0; /* play_word sets it again */
		return;
	}
	uint64_t next = pb->marks[idx + 1].frame + 1;
	int64_t usec = next > heard ? (int64_t)((next - heard) * 1000000 / (uint64_t)sp->rate) : 0;
	sp->wait.tick_at = now + (usec > SPEECH_TICK_MIN_USEC ? usec : SPEECH_TICK_MIN_USEC);
}

static int
play_audio(void *arg, const int16_t *pcm, size_t frames)
{
	struct playback *pb = arg;
	struct speech *sp = pb->sp;

	if (atomic_load(&sp->stop))
		return 1;
	if (!pb->audio_started) {
		pb->audio_started = 1;
		trace_event("audio-first", "id=%u", pb->req->id);
	}
	size_t taken = 0;
	int rc = sp->sink.ops->write(&sp->sink, pcm, frames, &taken);
	if (rc < 0) {
		sink_fail(sp);
		pcm += taken;
		frames -= taken;
		pb->frames += taken;
		rc = sp->sink.ops->write(&sp->sink, pcm, frames, &taken);
	}
	pb->frames += taken;
	if (rc == 0 && pb->follow && sp->wait.tick_at != 0 && mono_usec() >= sp->wait.tick_at)
		progress_tick(pb);
	return rc != 0;
}

static void
play_word(void *arg, int text_pos, int audio_ms)
{
	struct playback *pb = arg;

	if (pb->nmarks == pb->capmarks) {
		pb->capmarks = pb->capmarks ? pb->capmarks * 2 : 64;
		pb->marks = xrealloc(pb->marks, (size_t)pb->capmarks * sizeof *pb->marks);
	}
	pb->marks[pb->nmarks++] = (struct word_mark){
		pb->part_start + (uint64_t)audio_ms * (uint64_t)pb->sp->rate / 1000, pb->part,
		text_pos + pb->char_offset };
	if (pb->follow && pb->sp->wait.tick_at == 0)
		pb->sp->wait.tick_at = mono_usec();
}

/* What the utterance says (or its languages), from where it starts. */
static char *
request_text(const struct request *r, int langs)
{
	struct strbuf b = { 0 };

	strbuf_add(&b, "");
	for (int i = r->start_part; i < r->nparts; i++) {
		if (i > r->start_part)
			strbuf_addc(&b, langs ? ',' : ' ');
		if (langs)
			strbuf_add(&b, r->parts[i].lang != NULL ? r->parts[i].lang :
			    "default");
		else
			strbuf_add(&b, i == r->start_part ?
			    utf8_skip(r->parts[i].text, r->start_char) : r->parts[i].text);
	}
	return strbuf_take(&b);
}

static void
trace_end(const struct request *req, int stopped)
{
	if (!trace_enabled())
		return;
	char *text = request_text(req, 0), *q = trace_quote(text);
	trace_event(stopped ? "speech-stop" : "speech-done", "id=%u text=%s", req->id, q);
	free(q);
	free(text);
}

/* Speaks req to its end or until stopped. Fills in ev's part and position and returns 1
 * when it was cut short; *rpart and *rchar say where a resume would start. */
static int
play(struct speech *sp, const struct request *req, struct speech_event *ev, int *rpart,
    int *rchar)
{
	struct playback pb = { .sp = sp, .req = req, .reported = -1 };
	const struct engine_out out = { play_audio, play_word, &pb };
	char err[512];
	int rc = 0;
	uint64_t unheard = 0;

	pb.follow = atomic_load(&sp->progress) || trace_enabled();
	if (trace_enabled()) {
		char *langs = request_text(req, 1), *text = request_text(req, 0);
		char *q = trace_quote(text);
		trace_event("speech-start", "id=%u lang=%s text=%s", req->id, langs, q);
		free(q);
		free(text);
		free(langs);
	}
	if (pb.follow) {
		sp->wait.tick = progress_tick;
		sp->wait.tick_arg = &pb;
		sp->wait.tick_at = 0;
	}
	for (int part = req->start_part; part < req->nparts && rc == 0; part++) {
		const struct voice_cfg *v = voice_for(sp, req->parts[part].lang);
		int wpm = atomic_load(&sp->rate_wpm);
		int rate = wpm > 0 ? wpm : v->rate * atomic_load(&sp->rate_pct) / 100;
		int volume = v->volume * atomic_load(&sp->volume_pct) / 100;
		const char *text = req->parts[part].text;

		pb.part = part;
		pb.char_offset = 0;
		if (part == req->start_part && req->start_char > 0) {
			text = utf8_skip(text, req->start_char);
			pb.char_offset = req->start_char;
		}
		pb.part_start = pb.frames;
		if (engine_set_voice(v->voice, clamp(rate, SPEECH_RATE_MIN, SPEECH_RATE_MAX),
		    clamp(volume, 0, SPEECH_VOLUME_MAX), err, sizeof err) != 0) {
			log_warnx("speech: %s", err);
			continue;
		}
		rc = engine_speak(text, &out, err, sizeof err);
		if (rc < 0) {
			log_warnx("speech: utterance %u: %s", req->id, err);
			rc = 0;
		}
	}
	if (rc == 0 && (rc = sp->sink.ops->finish(&sp->sink)) < 0) {
		sink_fail(sp);
		rc = 0;
	}
	if (rc != 0) {
		long n = sp->sink.ops->drop(&sp->sink);
		unheard = n > 0 ? (uint64_t)n : 0;
		if (sp->sink.error[0] != '\0')
			sink_fail(sp);
	}
	sp->wait.tick = NULL;
	sp->wait.tick_arg = NULL;
	sp->wait.tick_at = 0;

	int idx = rc != 0 ? heard_mark(&pb, -1, pb.frames > unheard ? pb.frames - unheard : 0) :
	    pb.nmarks - 1;
	/* Played to the end: the last word was heard, whether or not a tick saw it. */
	if (rc == 0 && pb.follow && idx > pb.reported)
		progress_report(&pb, idx);
	ev->part = idx >= 0 ? pb.marks[idx].part : req->start_part;
	ev->position = idx >= 0 ? pb.marks[idx].pos : 0;
	*rpart = idx >= 0 ? pb.marks[idx].part : req->start_part;
	*rchar = idx >= 0 ? pb.marks[idx].pos - 1 : req->start_char;
	free(pb.marks);
	return rc != 0;
}

/* A speech_resume request takes over the paused utterance, from where it was heard. One
 * that finds nothing to resume says nothing. */
static void
resume_take(struct speech *sp, struct request *r)
{
	struct request *from = sp->resume_req;

	if (r->resume_of == 0)
		return;
	if (from != NULL && from->id == r->resume_of) {
		free(r->parts);
		r->parts = from->parts;
		r->nparts = from->nparts;
		r->start_part = sp->resume_part;
		r->start_char = sp->resume_char;
		from->parts = NULL;
		from->nparts = 0;
		request_free(from);
		sp->resume_req = NULL;
	}
	r->resume_of = 0;
}

/* Reports the end of req and keeps it when it could be resumed; takes req. */
static void
end_utterance(struct speech *sp, struct request *req, struct speech_event *ev, int rpart,
    int rchar)
{
	ev->id = req->id;
	ev->kind = SPEECH_EVENT_END;
	if (ev->stopped && (req->paused || atomic_load(&sp->pause_current) == req->id))
		ev->stopped = SPEECH_PAUSED;
	trace_end(req, ev->stopped != SPEECH_DONE);
	log_debug("speech: utterance %u %s (part %d, position %d)", req->id,
	    ev->stopped == SPEECH_DONE ? "done" : ev->stopped == SPEECH_PAUSED ? "paused" :
	    "stopped", ev->part, ev->position);
	request_free(sp->resume_req);
	sp->resume_req = NULL;
	if (ev->stopped == SPEECH_DONE) {
		atomic_store(&sp->last_finished, req->id);
		request_free(req);
	} else {
		sp->resume_req = req;
		sp->resume_part = rpart;
		sp->resume_char = rchar;
	}
	report(sp, ev);
}

/* The speech thread */

static int
thread_setup(struct speech *sp, char *err, size_t errlen)
{
	char aerr[400];

	if ((sp->rate = engine_init(sp->data_path, err, errlen)) <= 0)
		return -1;
	/* Every voice is loaded once here, so that no key press waits for the voice list. */
	for (int i = 0; i < sp->nvoices; i++) {
		const struct voice_cfg *v = &sp->voices[i];
		char verr[400];
		if (engine_set_voice(v->voice, v->rate, v->volume, verr, sizeof verr) != 0) {
			snprintf(err, errlen, "language %s: %s", v->lang, verr);
			return -1;
		}
	}
	/* The first language is the likeliest first utterance: leave its voice set. */
	if (sp->nvoices > 1 && engine_set_voice(sp->voices[0].voice, sp->voices[0].rate,
	    sp->voices[0].volume, err, errlen) != 0)
		return -1;
	if (sink_open_spec(sp, sp->audio, aerr, sizeof aerr) != 0) {
		log_warnx("speech: %s; continuing without audio", aerr);
		if (sink_open_spec(sp, "none", err, errlen) != 0)
			return -1;
		set_status(sp, 0, "none", aerr);
	} else {
		set_status(sp, 0, sp->audio, NULL);
	}
	log_info("speech: espeak-ng at %d Hz, %d voices, audio %s", sp->rate, sp->nvoices,
	    sp->status[0]);
	return 0;
}

/* Audio first: a stop or a new screen must not wait for the UI's drawing or anything
 * else on a busy machine. Real-time priority when the process may have it (root, or
 * RLIMIT_RTPRIO, e.g. LimitRTPRIO= in a systemd unit); otherwise the thread runs as it
 * is. The thread sleeps almost all the time: synthesis is paced by the sink. */
static void
thread_priority(void)
{
	struct sched_param sp = { .sched_priority = SPEECH_RT_PRIORITY };
	int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

	if (err != 0)
		log_debug("speech: no real-time priority (%s); running at normal priority",
		    strerror(err));
	else
		log_info("speech: thread at real-time priority %d", SPEECH_RT_PRIORITY);
}

static void *
speech_main(void *arg)
{
	struct speech *sp = arg;
	char err[512] = "";
	int rc;

	thread_priority();
	rc = thread_setup(sp, err, sizeof err);

	pthread_mutex_lock(&sp->lock);
	sp->ready = rc == 0 ? 1 : -1;
	snprintf(sp->start_err, sizeof sp->start_err, "%s", err);
	pthread_cond_broadcast(&sp->cond);
	if (rc != 0) {
		pthread_mutex_unlock(&sp->lock);
		return NULL;
	}
	for (;;) {
		/* Idle: no timeout, nothing wakes this thread but a request. */
		while (!sp->quit && sp->pending == NULL && sp->ndropped == 0)
			pthread_cond_wait(&sp->cond, &sp->lock);
		if (sp->quit)
			break;
		int ndropped = sp->ndropped;
		struct request **dropped = NULL;
		if (ndropped > 0) {
			dropped = xmalloc((size_t)ndropped * sizeof *dropped);
			memcpy(dropped, sp->dropped, (size_t)ndropped * sizeof *dropped);
			sp->ndropped = 0;
		}
		struct request *req = sp->pending;
		sp->pending = NULL;
		if (req != NULL) {
			sp->current = req->id;
			atomic_store(&sp->stop, 0);
		}
		pthread_mutex_unlock(&sp->lock);

		for (int i = 0; i < ndropped; i++) {
			struct request *d = dropped[i];
			resume_take(sp, d);
			struct speech_event ev = { .stopped = SPEECH_STOPPED, .part = d->start_part };
			end_utterance(sp, d, &ev, d->start_part, d->start_char);
		}
		free(dropped);
		if (req != NULL) {
			struct speech_event ev = { 0 };
			int rpart, rchar;
			resume_take(sp, req);
			ev.stopped = play(sp, req, &ev, &rpart, &rchar) ? SPEECH_STOPPED : SPEECH_DONE;
			end_utterance(sp, req, &ev, rpart, rchar);
		}

		pthread_mutex_lock(&sp->lock);
		sp->current = 0;
	}
	pthread_mutex_unlock(&sp->lock);
	request_free(sp->resume_req);
	sp->resume_req = NULL;
	sp->sink.ops->close(&sp->sink);
	return NULL;
}

/* The caller's side */

static void
speech_free(struct speech *sp)
{
	for (int i = 0; i < sp->nvoices; i++) {
		free(sp->voices[i].lang);
		free(sp->voices[i].voice);
	}
	free(sp->voices);
	free(sp->audio);
	free(sp->data_path);
	request_free(sp->pending);
	for (int i = 0; i < sp->ndropped; i++)
		request_free(sp->dropped[i]);
	free(sp->dropped);
	free(sp->events);
	if (sp->pipe[0] >= 0)
		close(sp->pipe[0]);
	if (sp->pipe[1] >= 0)
		close(sp->pipe[1]);
	pthread_cond_destroy(&sp->cond);
	pthread_mutex_destroy(&sp->lock);
	free(sp);
}

static int
options_check(const struct speech_options *o, char *err, size_t errlen)
{
	if (o->nvoices < 1 || o->voices == NULL) {
		snprintf(err, errlen, "speech: no voice configured");
		return -1;
	}
	for (int i = 0; i < o->nvoices; i++) {
		const struct speech_voice *v = &o->voices[i];
		if (v->lang == NULL || v->voice == NULL) {
			snprintf(err, errlen, "speech: voice %d has no language or name", i + 1);
			return -1;
		}
		if (v->rate < SPEECH_RATE_MIN || v->rate > SPEECH_RATE_MAX) {
			snprintf(err, errlen, "speech: language %s: rate %d is not in %d..%d",
			    v->lang, v->rate, SPEECH_RATE_MIN, SPEECH_RATE_MAX);
			return -1;
		}
		if (v->volume < 0 || v->volume > SPEECH_VOLUME_MAX) {
			snprintf(err, errlen, "speech: language %s: volume %d is not in 0..%d",
			    v->lang, v->volume, SPEECH_VOLUME_MAX);
			return -1;
		}
	}
	return 0;
}

struct speech *
speech_start(const struct speech_options *opts, char *err, size_t errlen)
{
	struct speech *sp;
	pthread_condattr_t ca;
	int expected = 0;

	if (options_check(opts, err, errlen) != 0)
		return NULL;
	if (!atomic_compare_exchange_strong(&speech_running, &expected, 1)) {
		snprintf(err, errlen, "speech: already started (espeak-ng allows one engine)");
		return NULL;
	}
	sp = xcalloc(1, sizeof *sp);
	sp->pipe[0] = sp->pipe[1] = -1;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	/* The speech thread may run at real-time priority: a caller holding the lock is
	 * raised to it rather than left behind other work (priority inversion). */
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&sp->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sp->cond, &ca);
	pthread_condattr_destroy(&ca);
	sp->wait = (struct sink_wait){ &sp->lock, &sp->cond, &sp->stop, NULL, NULL, 0 };
	atomic_init(&sp->rate_pct, 100);
	atomic_init(&sp->rate_wpm, 0);
	atomic_init(&sp->volume_pct, 100);
	atomic_init(&sp->progress, 0);
	atomic_init(&sp->pause_current, 0);
	atomic_init(&sp->last_finished, 0);
	sp->audio = xstrdup(opts->audio != NULL ? opts->audio : "none");
	sp->data_path = opts->data_path != NULL ? xstrdup(opts->data_path) : NULL;
	sp->nvoices = opts->nvoices;
	sp->voices = xcalloc((size_t)sp->nvoices, sizeof *sp->voices);
	for (int i = 0; i < sp->nvoices; i++) {
		sp->voices[i] = (struct voice_cfg){ xstrdup(opts->voices[i].lang),
			xstrdup(opts->voices[i].voice), opts->voices[i].rate,
			opts->voices[i].volume };
	}
	if (pipe(sp->pipe) != 0) {
		snprintf(err, errlen, "speech: pipe: %s", strerror(errno));
		goto fail;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(sp->pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(sp->pipe[i], F_SETFL, O_NONBLOCK);
	}
	if ((errno = pthread_create(&sp->thread, NULL, speech_main, sp)) != 0) {
		snprintf(err, errlen, "speech: thread: %s", strerror(errno));
		goto fail;
	}
	pthread_mutex_lock(&sp->lock);
	while (sp->ready == 0)
		pthread_cond_wait(&sp->cond, &sp->lock);
	pthread_mutex_unlock(&sp->lock);
	if (sp->ready < 0) {
		pthread_join(sp->thread, NULL);
		snprintf(err, errlen, "%s", sp->start_err);
		goto fail;
	}
	return sp;
fail:
	speech_free(sp);
	atomic_store(&speech_running, 0);
	return NULL;
}

const char *
speech_audio_status(const struct speech *sp)
{
	return sp->status[atomic_load(&sp->status_idx)];
}

/* Under lock: the queued request will never start; its id still gets its end record. */
static void
drop_pending(struct speech *sp)
{
	if (sp->pending == NULL)
		return;
	if (sp->ndropped == sp->capdropped) {
		sp->capdropped = sp->capdropped ? sp->capdropped * 2 : 8;
		sp->dropped = xrealloc(sp->dropped, (size_t)sp->capdropped * sizeof *sp->dropped);
	}
	sp->dropped[sp->ndropped++] = sp->pending;
	sp->pending = NULL;
}

/* Hands r to the speech thread in place of anything queued; returns its new id. */
static unsigned
request_publish(struct speech *sp, struct request *r)
{
	if (++sp->next_id == 0)
		sp->next_id = 1;
	/* Once r is published the speech thread owns it and may free it at any time. */
	unsigned id = r->id = sp->next_id;

	sp->paused = 0;
	pthread_mutex_lock(&sp->lock);
	drop_pending(sp);
	sp->pending = r;
	if (sp->current != 0)
		atomic_store(&sp->stop, 1);
	atomic_store(&sp->last_said, id);
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	return id;
}

unsigned
speech_say_parts(struct speech *sp, const struct speech_part *parts, int nparts)
{
	struct request *r = xcalloc(1, sizeof *r);

	r->nparts = nparts > 0 ? nparts : 0;
	r->parts = xcalloc((size_t)r->nparts + 1, sizeof *r->parts);
	for (int i = 0; i < r->nparts; i++) {
		r->parts[i].lang = parts[i].lang != NULL ? xstrdup(parts[i].lang) : NULL;
		r->parts[i].text = xstrdup(parts[i].text != NULL ? parts[i].text : "");
	}
	return request_publish(sp, r);
}

unsigned
speech_say(struct speech *sp, const char *lang, const char *text)
{
	const struct speech_part part = { lang, text };

	return speech_say_parts(sp, &part, 1);
}

void
speech_stop(struct speech *sp)
{
	pthread_mutex_lock(&sp->lock);
	drop_pending(sp);
	if (sp->current != 0)
		atomic_store(&sp->stop, 1);
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
}

int
speech_busy(const struct speech *sp)
{
	return atomic_load(&sp->last_said) != atomic_load(&sp->last_ended);
}

int
speech_fd(const struct speech *sp)
{
	return sp->pipe[0];
}

int
speech_next_event(struct speech *sp, struct speech_event *ev)
{
	int got = 0;
	char buf[64];

	pthread_mutex_lock(&sp->lock);
	if (sp->nevents > 0) {
		*ev = sp->events[0];
		memmove(sp->events, sp->events + 1, (size_t)(sp->nevents - 1) * sizeof *sp->events);
		sp->nevents--;
		got = 1;
	}
	/* The pipe is readable exactly while records wait. */
	if (sp->nevents == 0)
		while (read(sp->pipe[0], buf, sizeof buf) > 0)
			;
	pthread_mutex_unlock(&sp->lock);
	return got;
}

int
speech_paused(const struct speech *sp)
{
	return sp->paused && atomic_load(&sp->last_finished) != sp->paused_id;
}

int
speech_pause(struct speech *sp)
{
	unsigned last = atomic_load(&sp->last_said);

	if (speech_paused(sp))
		return 1;
	if (last == 0 || atomic_load(&sp->last_finished) == last)
		return 0;
	sp->paused = 1;
	sp->paused_id = last;
	/* Marked before the stop, so that the speech thread reports it as paused. */
	pthread_mutex_lock(&sp->lock);
	if (sp->pending != NULL && sp->pending->id == last)
		sp->pending->paused = 1;
	else
		atomic_store(&sp->pause_current, last);
	drop_pending(sp);
	if (sp->current != 0)
		atomic_store(&sp->stop, 1);
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	return 1;
}

unsigned
speech_resume(struct speech *sp)
{
	if (!speech_paused(sp))
		return 0;
	struct request *r = xcalloc(1, sizeof *r);
	r->resume_of = sp->paused_id;
	return request_publish(sp, r);
}

void
speech_set_progress(struct speech *sp, int on)
{
	atomic_store(&sp->progress, on != 0);
}

void
speech_set_rate_percent(struct speech *sp, int percent)
{
	atomic_store(&sp->rate_pct, clamp(percent, SPEECH_RATE_PCT_MIN, SPEECH_RATE_PCT_MAX));
}

void
speech_set_rate_wpm(struct speech *sp, int wpm)
{
	atomic_store(&sp->rate_wpm, wpm <= 0 ? 0 : clamp(wpm, SPEECH_RATE_MIN, SPEECH_RATE_MAX));
}

void
speech_set_volume_percent(struct speech *sp, int percent)
{
	atomic_store(&sp->volume_pct, clamp(percent, 0, 200));
}

void
speech_shutdown(struct speech *sp)
{
	if (sp == NULL)
		return;
	pthread_mutex_lock(&sp->lock);
	sp->quit = 1;
	atomic_store(&sp->stop, 1);
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	pthread_join(sp->thread, NULL);
	speech_free(sp);
	atomic_store(&speech_running, 0);
}
