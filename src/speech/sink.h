/* Audio sinks: where the speech thread sends samples. Every sink behaves like a sound
 * card: write() returns only once the device has room, so an utterance takes its real
 * duration and a stop has something to cut short. Only the speech thread uses a sink. */
#ifndef SPEECH_SINK_H
#define SPEECH_SINK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* How a sink sleeps: a timed wait on the speech condvar that a stop wakes at once. While
 * an utterance plays, the speech thread also wants to run at tick_at (mono_usec; 0 for
 * never) to follow what is heard: every wait calls tick then, which sets the next
 * tick_at. Nothing ticks between utterances. */
struct sink_wait {
	pthread_mutex_t *lock;
	pthread_cond_t *cond; /* on CLOCK_MONOTONIC */
	atomic_int *stop;
	void (*tick)(void *arg);
	void *tick_arg;
	int64_t tick_at;
};

int sink_stopped(const struct sink_wait *w);
/* Sleeps until deadline (mono_usec) or a stop, ticking on the way; returns 1 when
 * stopped. */
int sink_wait_until(struct sink_wait *w, int64_t deadline);

struct sink;

struct sink_ops {
	const char *name;
	/* arg is what follows "name:" in the audio spec, or NULL. */
	int (*open)(struct sink *s, const char *arg, char *err, size_t errlen);
	/* Blocks while the device is full. Returns 0 when every frame was taken, 1 when a stop
	 * cut it short, -1 (with s->error set) when the device failed; *taken says how many
	 * frames the device took. */
	int (*write)(struct sink *s, const int16_t *pcm, size_t frames, size_t *taken);
	/* Frames of the current run heard by now. A run is what was written since the last
	 * drop or finish: one utterance. */
	uint64_t (*played)(struct sink *s);
	/* Discards what has not been heard yet and ends the run; returns how many frames
	 * that was. A failure is left in s->error. */
	long (*drop)(struct sink *s);
	/* Waits until everything written has been heard and ends the run: 0, 1 on a stop, -1
	 * on failure. */
	int (*finish)(struct sink *s);
	void (*close)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	void *priv;
	int rate; /* frames per second, mono S16 */
	struct sink_wait *wait;
	char error[256];
};

extern const struct sink_ops sink_null_ops;
extern const struct sink_ops sink_wav_ops;
extern const struct sink_ops sink_alsa_ops;

/* A clock that consumes frames in real time, keeping at most ahead_usec queued: the pacing
 * of the null and WAV sinks. */
struct sink_pace {
	int rate;
	int64_t ahead_usec;
	int64_t t0;      /* when frame 0 of the current run plays; 0 when idle */
	uint64_t queued; /* frames accepted in the current run */
};

void sink_pace_init(struct sink_pace *p, int rate, int64_t ahead_usec);
/* Frames of the current run heard by now. */
uint64_t sink_pace_played(const struct sink_pace *p, int64_t now);
/* Waits for room; returns how many frames (at most want) may be queued now, 0 on a stop. */
size_t sink_pace_room(struct sink_pace *p, struct sink_wait *w, size_t want);
void sink_pace_queue(struct sink_pace *p, size_t frames);
/* Ends the current run at now: returns the frames not heard by then, which are dropped. */
uint64_t sink_pace_drop(struct sink_pace *p, int64_t now);
/* Waits until every queued frame is heard: 0, or 1 on a stop. */
int sink_pace_wait_heard(const struct sink_pace *p, struct sink_wait *w);

#endif
