/* The speech engine: one thread owns espeak-ng and plays utterances to an audio sink.
 *
 * Call every function from one thread (the UI's event loop). Nothing here blocks on audio:
 * speech_say and speech_stop return at once, and the end of each utterance is reported
 * through speech_fd(), which the caller polls.
 *
 * Never pass a PIN digit, a key or any other secret as text: it reaches the headset, and
 * the trace (--trace) records it. The trace gets, from the speech thread:
 *   speech-start id=N lang=L[,L...] text="..."   synthesis begins
 *   audio-first id=N                              its first samples reach the sink
 *   speech-done id=N text="..."  or  speech-stop id=N text="..."
 * An utterance replaced before it started gets only speech-stop.
 *
 * espeak-ng allows one engine per process: only one struct speech may exist at a time, and
 * espeak-ng stays set up after speech_shutdown (a later speech_start must use the same
 * data_path). */
#ifndef SPEECH_SPEECH_H
#define SPEECH_SPEECH_H

#include <stddef.h>

/* How one language is spoken. */
struct speech_voice {
	const char *lang;  /* the name callers use in speech_say, e.g. "en", "zh" */
	const char *voice; /* espeak-ng voice name, e.g. "en-gb", "cmn-latn-pinyin" */
	int rate;          /* words per minute, 80..450 */
	int volume;        /* 0..200, 100 is espeak-ng's normal */
};

struct speech_options {
	/* "none", "wav:FILE", "alsa" (the default device) or "alsa:DEVICE"; NULL is "none". */
	const char *audio;
	const struct speech_voice *voices; /* the first one is used for an unknown lang */
	int nvoices;                       /* at least 1 */
	const char *data_path;             /* espeak-ng data directory; NULL for the default */
};

/* One record per utterance, in the order they ended. */
struct speech_event {
	unsigned id;  /* as returned by speech_say */
	int stopped;  /* 1: stopped (speech_stop or a newer speech_say); 0: played to the end */
	/* Where playback was when it ended, so that a caller can resume or repeat the last
	 * part: part is the index into the parts of speech_say_parts (0 for speech_say) and
	 * position the 1-based character (not byte) index in that part's text of the word
	 * last heard; 0 when nothing of it was heard. When finished: the last part and its
	 * last word. */
	int part;
	int position;
};

/* One run of text in one language; see speech_say_parts. */
struct speech_part {
	const char *lang;
	const char *text; /* UTF-8 */
};

struct speech;

/* Starts the speech thread, sets up espeak-ng and loads every voice once (so that no key
 * press pays for reading the voice list). Returns NULL and a message in err when espeak-ng
 * or a voice cannot be set up. An audio device that cannot be opened is not fatal: it is
 * logged, the null sink is used instead and speech_audio_status() says why. The strings in
 * opts are copied. */
struct speech *speech_start(const struct speech_options *opts, char *err, size_t errlen);

/* The sink in use, e.g. "alsa:default", "wav:/tmp/x.wav", "none", or
 * "none (alsa: cannot open nosuchdevice: ...)" after a fallback, at start-up or when the
 * device failed later. The string stays valid until speech_shutdown. */
const char *speech_audio_status(const struct speech *sp);

/* Stops what is playing, replaces anything queued and speaks text in lang (a
 * speech_voice.lang; unknown or NULL means the first voice). Returns the utterance id (never
 * 0) at once; its end is reported through speech_fd. */
unsigned speech_say(struct speech *sp, const char *lang, const char *text);

/* The same for an utterance made of runs in different languages, spoken one after the
 * other as one utterance (one id, one end event). Use it for Latin runs inside Chinese
 * text: the pinyin voice would read them as pinyin. nparts may be 0 (ends at once). */
unsigned speech_say_parts(struct speech *sp, const struct speech_part *parts, int nparts);

/* Barge-in: returns at once; what is playing stops, the sink drops what it holds, and
 * what is queued is dropped (reported as stopped). Harmless when nothing plays. */
void speech_stop(struct speech *sp);

/* 1 while an utterance is queued or playing, until its end record is queued. */
int speech_busy(const struct speech *sp);

/* Readable when an utterance ended (finished or stopped); drain it with speech_next_event.
 * Non-blocking; owned by sp (do not close it). */
int speech_fd(const struct speech *sp);

/* Takes the next end record; returns 1 and fills ev, or 0 when none is left. */
int speech_next_event(struct speech *sp, struct speech_event *ev);

/* Customer adjustments on top of each voice's configured rate and volume, in percent
 * (rate clamped to 50..200, volume to 0..200; 100 is as configured). They apply from the
 * next utterance; reset them to 100 at the end of a session. */
void speech_set_rate_percent(struct speech *sp, int percent);
void speech_set_volume_percent(struct speech *sp, int percent);

/* Stops speech, joins the thread, closes the sink and frees sp. NULL is allowed. */
void speech_shutdown(struct speech *sp);

#endif
