/* The WAV sink ("wav:FILE"): one RIFF file, 16-bit mono PCM, for every utterance of the
 * session. Frames reach the file only once the clock says they were heard, so a stopped
 * utterance leaves exactly what a listener heard. The header's sizes are rewritten after
 * every utterance: a killed process still leaves a readable file. */
#include "speech/sink.h"

#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAV_AHEAD_USEC 40000
#define WAV_HEADER_SIZE 44

struct wav {
	FILE *f;
	char *path;
	struct sink_pace pace;
	int16_t *pending; /* queued frames not yet heard, oldest first */
	size_t npending, cap;
	uint64_t flushed;   /* frames of the current run already in the file */
	uint64_t data_size; /* bytes of samples in the file */
};

static void
put_le16(unsigned char *b, unsigned v)
{
	b[0] = (unsigned char)(v & 0xff);
	b[1] = (unsigned char)((v >> 8) & 0xff);
}

static void
put_le32(unsigned char *b, uint32_t v)
{
	put_le16(b, v & 0xffff);
	put_le16(b + 2, v >> 16);
}

static int
wav_fail(struct sink *s, const char *what)
{
	struct wav *w = s->priv;
	snprintf(s->error, sizeof s->error, "wav: %s %s: %s", what, w->path, strerror(errno));
	return -1;
}

static int
wav_write_header(struct sink *s)
{
	struct wav *w = s->priv;
	unsigned char h[WAV_HEADER_SIZE];
	uint32_t data = w->data_size > UINT32_MAX - 36 ? UINT32_MAX - 36 : (uint32_t)w->data_size;

	memcpy(h, "RIFF", 4);
	put_le32(h + 4, 36 + data);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le32(h + 16, 16);
	put_le16(h + 20, 1); /* PCM */
	put_le16(h + 22, 1); /* mono */
	put_le32(h + 24, (uint32_t)s->rate);
	put_le32(h + 28, (uint32_t)s->rate * 2);
	put_le16(h + 32, 2);
	put_le16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, data);
	if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, sizeof h, 1, w->f) != 1 ||
	    fseek(w->f, 0, SEEK_END) != 0 || fflush(w->f) != 0)
		return wav_fail(s, "cannot write");
	return 0;
}

/* Moves the frames heard by now from pending to the file. */
static int
wav_flush_heard(struct sink *s, int64_t now)
{
	struct wav *w = s->priv;
	uint64_t heard = sink_pace_played(&w->pace, now) - w->flushed;
	unsigned char buf[2048];
	size_t done = 0;

	if (heard > w->npending)
		heard = w->npending;
	while (done < heard) {
		size_t n = 0;
		for (; n < sizeof buf / 2 && done + n < heard; n++)
			put_le16(buf + 2 * n, (uint16_t)w->pending[done + n]);
		if (fwrite(buf, 2, n, w->f) != n)
			return wav_fail(s, "cannot write");
		done += n;
	}
	if (heard == 0)
		return 0;
	memmove(w->pending, w->pending + heard, (w->npending - heard) * sizeof *w->pending);
	w->npending -= heard;
	w->flushed += heard;
	w->data_size += heard * 2;
	return 0;
}

static int
wav_open(struct sink *s, const char *arg, char *err, size_t errlen)
{
	if (arg == NULL || arg[0] == '\0') {
		snprintf(err, errlen, "wav: no file name");
		return -1;
	}
	FILE *f = fopen(arg, "wb");
	if (f == NULL) {
		snprintf(err, errlen, "wav: cannot create %s: %s", arg, strerror(errno));
		return -1;
	}
	struct wav *w = xcalloc(1, sizeof *w);
	w->f = f;
	w->path = xstrdup(arg);
	sink_pace_init(&w->pace, s->rate, WAV_AHEAD_USEC);
	s->priv = w;
	if (wav_write_header(s) != 0) {
		snprintf(err, errlen, "%s", s->error);
		fclose(f);
		free(w->path);
		free(w);
		s->priv = NULL;
		return -1;
	}
	return 0;
}

static int
wav_write(struct sink *s, const int16_t *pcm, size_t frames, size_t *taken)
{
	struct wav *w = s->priv;

	*taken = 0;
	while (frames > 0) {
		size_t n = sink_pace_room(&w->pace, s->wait, frames);
		if (n == 0)
			return 1;
		if (wav_flush_heard(s, mono_usec()) != 0)
			return -1;
		if (w->npending + n > w->cap) {
			w->cap = w->npending + n;
			w->pending = xrealloc(w->pending, w->cap * sizeof *w->pending);
		}
		memcpy(w->pending + w->npending, pcm, n * sizeof *pcm);
		w->npending += n;
		sink_pace_queue(&w->pace, n);
		pcm += n;
		frames -= n;
		*taken += n;
	}
	return 0;
}

/* Ends the run: what was heard (everything when all is set) goes to the file, the rest is
 * forgotten. A write error is left in s->error. */
static long
wav_end_run(struct sink *s, int all)
{
	struct wav *w = s->priv;
	int64_t now = mono_usec();
	long unheard;

	if (all)
		now = w->pace.t0 + (int64_t)(w->pace.queued * 1000000 / (uint64_t)s->rate) + 1000000;
	int rc = wav_flush_heard(s, now);
	unheard = (long)sink_pace_drop(&w->pace, now);
	w->npending = 0;
	w->flushed = 0;
	if (rc == 0)
		wav_write_header(s);
	return unheard;
}

static uint64_t
wav_played(struct sink *s)
{
	struct wav *w = s->priv;
	return sink_pace_played(&w->pace, mono_usec());
}

static long
wav_drop(struct sink *s)
{
	return wav_end_run(s, 0);
}

static int
wav_finish(struct sink *s)
{
	struct wav *w = s->priv;

	if (w->pace.t0 != 0 && sink_pace_wait_heard(&w->pace, s->wait))
		return 1;
	wav_end_run(s, 1);
	return s->error[0] != '\0' ? -1 : 0;
}

static void
wav_close(struct sink *s)
{
	struct wav *w = s->priv;

	if (w == NULL)
		return;
	fclose(w->f);
	free(w->pending);
	free(w->path);
	free(w);
	s->priv = NULL;
}

const struct sink_ops sink_wav_ops = {
	.name = "wav",
	.open = wav_open,
	.write = wav_write,
	.played = wav_played,
	.drop = wav_drop,
	.finish = wav_finish,
	.close = wav_close,
};
