/* The clock behind the null and WAV sinks: frames are heard at the sample rate, starting
 * when the first one is queued, and at most ahead_usec of audio waits ahead of the clock,
 * as in a sound card's buffer. */
#include "speech/sink.h"

#include "common/util.h"

#include <time.h>

int
sink_stopped(const struct sink_wait *w)
{
	return atomic_load(w->stop);
}

int
sink_wait_until(struct sink_wait *w, int64_t deadline)
{
	for (;;) {
		int64_t until = deadline;
		int stopped;

		if (w->tick_at != 0 && w->tick_at < until)
			until = w->tick_at;
		struct timespec ts = {
			.tv_sec = (time_t)(until / 1000000),
			.tv_nsec = (long)(until % 1000000) * 1000,
		};
		pthread_mutex_lock(w->lock);
		while (!(stopped = atomic_load(w->stop)) && mono_usec() < until)
			pthread_cond_timedwait(w->cond, w->lock, &ts);
		pthread_mutex_unlock(w->lock);
		if (stopped)
			return 1;
		/* Not under the lock: the tick queues records, which takes it. */
		if (w->tick_at != 0 && mono_usec() >= w->tick_at && w->tick != NULL)
			w->tick(w->tick_arg);
		if (mono_usec() >= deadline)
			return 0;
	}
}

static int64_t
frames_to_usec(const struct sink_pace *p, uint64_t frames)
{
	return (int64_t)(frames * 1000000 / (uint64_t)p->rate);
}

void
sink_pace_init(struct sink_pace *p, int rate, int64_t ahead_usec)
{
	p->rate = rate;
	p->ahead_usec = ahead_usec;
	p->t0 = 0;
	p->queued = 0;
}

uint64_t
sink_pace_played(const struct sink_pace *p, int64_t now)
{
	if (p->t0 == 0 || now <= p->t0)
		return 0;
	uint64_t heard = (uint64_t)(now - p->t0) * (uint64_t)p->rate / 1000000;
	return heard < p->queued ? heard : p->queued;
}

size_t
sink_pace_room(struct sink_pace *p, struct sink_wait *w, size_t want)
{
	uint64_t max = (uint64_t)(p->ahead_usec * p->rate / 1000000);
	/* Wake for a quarter of the buffer at a time, not for every frame. */
	uint64_t step = want < max / 4 ? want : max / 4;

	for (;;) {
		if (sink_stopped(w))
			return 0;
		int64_t now = mono_usec();
		if (p->t0 == 0)
			p->t0 = now;
		uint64_t played = sink_pace_played(p, now);
		/* An underrun: the clock went past the last frame; what comes next plays now. */
		if (played == p->queued && now > p->t0 + frames_to_usec(p, p->queued))
			p->t0 = now - frames_to_usec(p, p->queued);
		uint64_t ahead = p->queued - played;
		if (ahead + step <= max) {
			uint64_t room = max - ahead;
			return room < want ? (size_t)room : want;
		}
		if (sink_wait_until(w, p->t0 + frames_to_usec(p, p->queued + step - max)))
			return 0;
	}
}

void
sink_pace_queue(struct sink_pace *p, size_t frames)
{
	p->queued += frames;
}

uint64_t
sink_pace_drop(struct sink_pace *p, int64_t now)
{
	uint64_t unheard = p->queued - sink_pace_played(p, now);
	p->t0 = 0;
	p->queued = 0;
	return unheard;
}

int
sink_pace_wait_heard(const struct sink_pace *p, struct sink_wait *w)
{
	if (p->t0 == 0)
		return sink_stopped(w);
	return sink_wait_until(w, p->t0 + frames_to_usec(p, p->queued));
}
