/* espeak-ng behind a few calls. espeak-ng keeps global state: only the speech thread may
 * call these, and only one engine exists per process. */
#ifndef SPEECH_ENGINE_H
#define SPEECH_ENGINE_H

#include <stddef.h>
#include <stdint.h>

struct engine_out {
	/* Each chunk of samples, in order; returning nonzero stops the synthesis. */
	int (*audio)(void *arg, const int16_t *pcm, size_t frames);
	/* A word starting at text_pos (1-based character index) is heard audio_ms after the
	 * first sample of this text. */
	void (*word)(void *arg, int text_pos, int audio_ms);
	void *arg;
};

/* Returns the sample rate, or -1 with a message in err. data_path NULL is the default.
 * The engine stays set up for the life of the process: a second call only checks that
 * data_path is the same. */
int engine_init(const char *data_path, char *err, size_t errlen);
/* Selects a voice (the first use of a name reads the voice list: do it at start-up). */
int engine_set_voice(const char *voice, int rate, int volume, char *err, size_t errlen);
/* Speaks UTF-8 text: 0 when done, 1 when out->audio stopped it, -1 on an error. */
int engine_speak(const char *text, const struct engine_out *out, char *err, size_t errlen);

#endif
