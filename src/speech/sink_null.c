/* The null sink: hears nothing, but takes as long as a sound card would. */
#include "speech/sink.h"

#include "common/util.h"

#include <stdlib.h>

#define NULL_AHEAD_USEC 40000

static int
null_open(struct sink *s, const char *arg, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	struct sink_pace *p = xmalloc(sizeof *p);
	sink_pace_init(p, s->rate, NULL_AHEAD_USEC);
	s->priv = p;
	return 0;
}

static int
null_write(struct sink *s, const int16_t *pcm, size_t frames, size_t *taken)
{
	(void)pcm;
	*taken = 0;
	while (*taken < frames) {
		size_t n = sink_pace_room(s->priv, s->wait, frames - *taken);
		if (n == 0)
			return 1;
		sink_pace_queue(s->priv, n);
		*taken += n;
	}
	return 0;
}

static uint64_t
null_played(struct sink *s)
{
	return sink_pace_played(s->priv, mono_usec());
}

static long
null_drop(struct sink *s)
{
	return (long)sink_pace_drop(s->priv, mono_usec());
}

static int
null_finish(struct sink *s)
{
	if (sink_pace_wait_heard(s->priv, s->wait))
		return 1;
	sink_pace_drop(s->priv, mono_usec());
	return 0;
}

static void
null_close(struct sink *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct sink_ops sink_null_ops = {
	.name = "none",
	.open = null_open,
	.write = null_write,
	.played = null_played,
	.drop = null_drop,
	.finish = null_finish,
	.close = null_close,
};
