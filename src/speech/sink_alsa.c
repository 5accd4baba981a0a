/* The ALSA sink ("alsa" or "alsa:DEVICE"): a small buffer (about 50 ms) so that a stop is
 * heard at once. Writes are non-blocking; while the device is full the thread sleeps on the
 * speech condvar for about the time a period takes to play, so a stop wakes it at once
 * (snd_pcm_wait would not), and a device that stops taking frames is reported instead of
 * hanging the speech thread. Nothing runs between utterances: the device is stopped. ALSA's own messages go to the log: the
 * kiosk's terminal is a full-screen UI and must never be written to. */
#include "speech/sink.h"

#include "common/log.h"
#include "common/util.h"

#include <alsa/asoundlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define ALSA_PERIOD_USEC 10000
#define ALSA_BUFFER_USEC 50000
/* Bounds of one sleep while the device is full. */
#define ALSA_WAIT_MIN_USEC 1000
#define ALSA_WAIT_MAX_USEC 10000
/* No progress for this long means the device is gone. */
#define ALSA_STALL_USEC 1000000

struct alsa {
	snd_pcm_t *pcm;
	char *device;
	snd_pcm_uframes_t period;
	uint64_t written; /* frames of the current run */
};

static void
alsa_log(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (err != 0)
		log_warnx("alsa: %s (%s:%d %s: %s)", msg, file, line, function, snd_strerror(err));
	else
		log_warnx("alsa: %s (%s:%d %s)", msg, file, line, function);
}

static int
alsa_fail(struct sink *s, const char *what, int err)
{
	struct alsa *a = s->priv;
	snprintf(s->error, sizeof s->error, "alsa: %s %s: %s", what, a->device, snd_strerror(err));
	return -1;
}

static int
alsa_setup(struct sink *s, const char **what)
{
	struct alsa *a = s->priv;
	snd_pcm_hw_params_t *hw;
	snd_pcm_sw_params_t *sw;
	unsigned rate = (unsigned)s->rate, period_us = ALSA_PERIOD_USEC, buffer_us = ALSA_BUFFER_USEC;
	snd_pcm_uframes_t buffer;
	int err, dir = 0;

	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_sw_params_alloca(&sw);
	*what = "cannot configure";
	if ((err = snd_pcm_hw_params_any(a->pcm, hw)) < 0 ||
	    (err = snd_pcm_hw_params_set_rate_resample(a->pcm, hw, 1)) < 0 ||
	    (err = snd_pcm_hw_params_set_access(a->pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0 ||
	    (err = snd_pcm_hw_params_set_format(a->pcm, hw, SND_PCM_FORMAT_S16)) < 0 ||
	    (err = snd_pcm_hw_params_set_channels(a->pcm, hw, 1)) < 0 ||
	    (err = snd_pcm_hw_params_set_rate_near(a->pcm, hw, &rate, &dir)) < 0 ||
	    (err = snd_pcm_hw_params_set_buffer_time_near(a->pcm, hw, &buffer_us, &dir)) < 0 ||
	    (err = snd_pcm_hw_params_set_period_time_near(a->pcm, hw, &period_us, &dir)) < 0 ||
	    (err = snd_pcm_hw_params(a->pcm, hw)) < 0)
		return err;
	if (rate != (unsigned)s->rate) {
		*what = "has no matching sample rate on";
		return -EINVAL;
	}
	snd_pcm_hw_params_get_period_size(hw, &a->period, &dir);
	snd_pcm_hw_params_get_buffer_size(hw, &buffer);
	/* Start as soon as one period is queued: the first word must not wait for a full
	 * buffer. */
	if ((err = snd_pcm_sw_params_current(a->pcm, sw)) < 0 ||
	    (err = snd_pcm_sw_params_set_start_threshold(a->pcm, sw, a->period)) < 0 ||
	    (err = snd_pcm_sw_params_set_avail_min(a->pcm, sw, a->period)) < 0 ||
	    (err = snd_pcm_sw_params(a->pcm, sw)) < 0)
		return err;
	if ((err = snd_pcm_prepare(a->pcm)) < 0)
		return err;
	log_info("alsa: %s: %u Hz, period %lu, buffer %lu frames", a->device, rate,
	    (unsigned long)a->period, (unsigned long)buffer);
	return 0;
}

static int
alsa_open(struct sink *s, const char *arg, char *err, size_t errlen)
{
	struct alsa *a = xcalloc(1, sizeof *a);
	const char *what = "cannot open";
	int rc;

	snd_lib_error_set_handler(alsa_log);
	a->device = xstrdup(arg != NULL && arg[0] != '\0' ? arg : "default");
	s->priv = a;
	rc = snd_pcm_open(&a->pcm, a->device, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (rc == 0)
		rc = alsa_setup(s, &what);
	if (rc < 0) {
		snprintf(err, errlen, "alsa: %s %s: %s", what, a->device, snd_strerror(rc));
		if (a->pcm != NULL)
			snd_pcm_close(a->pcm);
		free(a->device);
		free(a);
		s->priv = NULL;
		return -1;
	}
	return 0;
}

/* Recovers from an underrun or a suspend; anything else is a failure. */
static int
alsa_recover(struct sink *s, int err)
{
	struct alsa *a = s->priv;

	if (err == -EPIPE)
		log_debug("alsa: underrun on %s", a->device);
	if (err == -EPIPE || err == -ESTRPIPE || err == -EINTR) {
		if ((err = snd_pcm_recover(a->pcm, err, 1)) == 0)
			return 0;
	}
	return alsa_fail(s, "cannot write to", err);
}

/* How long the device takes to free about one period. */
static int64_t
alsa_wait_usec(struct sink *s)
{
	struct alsa *a = s->priv;
	snd_pcm_sframes_t avail = snd_pcm_avail_update(a->pcm);
	snd_pcm_uframes_t need = 1;

	if (avail >= 0 && (snd_pcm_uframes_t)avail < a->period)
		need = a->period - (snd_pcm_uframes_t)avail;
	int64_t usec = (int64_t)need * 1000000 / s->rate;
	return usec < ALSA_WAIT_MIN_USEC ? ALSA_WAIT_MIN_USEC :
	    usec > ALSA_WAIT_MAX_USEC ? ALSA_WAIT_MAX_USEC : usec;
}

static int
alsa_write(struct sink *s, const int16_t *pcm, size_t frames, size_t *taken)
{
	struct alsa *a = s->priv;
	int64_t progress = mono_usec();

	*taken = 0;
	while (frames > 0) {
		if (sink_stopped(s->wait))
			return 1;
		snd_pcm_uframes_t n = frames < a->period ? frames : a->period;
		snd_pcm_sframes_t r = snd_pcm_writei(a->pcm, pcm, n);
		if (r == -EAGAIN) {
			int64_t now = mono_usec();
			if (now - progress > ALSA_STALL_USEC)
				return alsa_fail(s, "no progress on", -EIO);
			if (sink_wait_until(s->wait, now + alsa_wait_usec(s)))
				return 1;
			continue;
		}
		if (r < 0) {
			if (alsa_recover(s, (int)r) != 0)
				return -1;
			continue;
		}
		pcm += r;
		frames -= (size_t)r;
		*taken += (size_t)r;
		a->written += (uint64_t)r;
		progress = mono_usec();
	}
	return 0;
}

static uint64_t
alsa_played(struct sink *s)
{
	struct alsa *a = s->priv;
	snd_pcm_sframes_t delay = 0;

	switch (snd_pcm_state(a->pcm)) {
	case SND_PCM_STATE_PREPARED:
		return 0; /* not started yet */
	case SND_PCM_STATE_RUNNING:
		if (snd_pcm_delay(a->pcm, &delay) < 0 || delay < 0)
			delay = 0;
		break;
	default:
		break; /* an underrun: everything written was heard */
	}
	return (uint64_t)delay < a->written ? a->written - (uint64_t)delay : 0;
}

static long
alsa_drop(struct sink *s)
{
	struct alsa *a = s->priv;
	snd_pcm_sframes_t delay = 0;
	int err;

	if (snd_pcm_delay(a->pcm, &delay) < 0 || delay < 0)
		delay = 0;
	a->written = 0;
	if ((err = snd_pcm_drop(a->pcm)) < 0 || (err = snd_pcm_prepare(a->pcm)) < 0)
		alsa_fail(s, "cannot reset", err);
	return (long)delay;
}

static int
alsa_finish(struct sink *s)
{
	struct alsa *a = s->priv;
	snd_pcm_sframes_t delay, last = -1;
	int64_t progress = mono_usec();
	int err;

	/* Less than the start threshold was written: start it by hand. */
	if (snd_pcm_state(a->pcm) == SND_PCM_STATE_PREPARED &&
	    snd_pcm_delay(a->pcm, &delay) == 0 && delay > 0 &&
	    (err = snd_pcm_start(a->pcm)) < 0)
		return alsa_fail(s, "cannot start", err);
	for (;;) {
		if (snd_pcm_state(a->pcm) != SND_PCM_STATE_RUNNING)
			break; /* an underrun: everything was heard */
		if ((err = snd_pcm_delay(a->pcm, &delay)) < 0) {
			if (err == -EPIPE)
				break;
			return alsa_fail(s, "cannot query", err);
		}
		if (delay <= 0)
			break;
		int64_t now = mono_usec();
		if (delay != last) {
			last = delay;
			progress = now;
		} else if (now - progress > ALSA_STALL_USEC) {
			return alsa_fail(s, "no progress on", -EIO);
		}
		int64_t left = (int64_t)delay * 1000000 / s->rate;
		if (sink_wait_until(s->wait, now + (left < ALSA_WAIT_MAX_USEC ? left :
		    ALSA_WAIT_MAX_USEC)))
			return 1;
	}
	a->written = 0;
	/* Stop cleanly rather than let the device run dry between utterances. */
	if ((err = snd_pcm_drop(a->pcm)) < 0 || (err = snd_pcm_prepare(a->pcm)) < 0)
		return alsa_fail(s, "cannot reset", err);
	return 0;
}

static void
alsa_close(struct sink *s)
{
	struct alsa *a = s->priv;

	if (a == NULL)
		return;
	snd_pcm_drop(a->pcm);
	snd_pcm_close(a->pcm);
	free(a->device);
	free(a);
	s->priv = NULL;
}

const struct sink_ops sink_alsa_ops = {
	.name = "alsa",
	.open = alsa_open,
	.write = alsa_write,
	.played = alsa_played,
	.drop = alsa_drop,
	.finish = alsa_finish,
	.close = alsa_close,
};
