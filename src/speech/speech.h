/* The speech engine: one thread owns espeak-ng and plays utterances to an audio sink.
 *
 * Call every function from one thread (the UI's event loop). Nothing here blocks on audio:
 * speech_say and speech_stop return at once, and the end of each utterance is reported
 * through speech_fd(), which the caller polls.
 *
 * Never pass a PIN digit, a key or any other secret as text: it reaches the headset, and
 * the trace (--trace) records it. The trace gets, from the speech thread:
 *   speech-start id=N lang=L[,L...] text="..."   synthesis begins (text: what is said)
 *   audio-first id=N                              its first samples reach the sink
 *   speech-word id=N part=P pos=C                 the listener now hears the word at
 *                                                 character C of part P (as in progress
 *                                                 records)
 *   speech-done id=N text="..."  or  speech-stop id=N text="..."  (also for a pause),
 *                                                 written once the sink dropped its audio
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

enum speech_event_kind {
	SPEECH_EVENT_END,      /* an utterance ended: one per id, in the order of the ids */
	SPEECH_EVENT_PROGRESS, /* the word being heard changed (see speech_set_progress) */
};

/* speech_event.stopped of an end record. */
#define SPEECH_DONE 0    /* played to the end */
#define SPEECH_STOPPED 1 /* speech_stop, or replaced by a newer speech_say */
#define SPEECH_PAUSED 2  /* speech_pause: speech_resume says the rest */

/* One record: the end of an utterance or, when asked for, the progress of one. */
struct speech_event {
	unsigned id;  /* as returned by speech_say */
	int stopped;  /* end: SPEECH_DONE, SPEECH_STOPPED or SPEECH_PAUSED; progress: 0 */
	/* End: where playback was when it ended, so that a caller can resume or repeat the
	 * last part: part is the index into the parts of speech_say_parts (0 for speech_say)
	 * and position the 1-based character (not byte) index in that part's text of the word
	 * last heard; 0 when nothing of the utterance was heard. When finished: the last part
	 * and its last word. Progress: the word the listener hears now, the same way.
	 * Positions are taken from espeak-ng's word events and mapped to the samples the
	 * sink has played, not to the synthesis, which runs ahead. */
	int part;
	int position;
	enum speech_event_kind kind;
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

/* Readable while records wait (an utterance ended, or progress); drain it with
 * speech_next_event.
 * Non-blocking; owned by sp (do not close it). */
int speech_fd(const struct speech *sp);

/* Takes the next record; returns 1 and fills ev, or 0 when none is left. */
int speech_next_event(struct speech *sp, struct speech_event *ev);

/* Progress records (kind SPEECH_EVENT_PROGRESS), for highlighting the item being heard:
 * one each time the listener starts hearing another word, only while an utterance plays
 * (nothing wakes anyone while all is quiet), and never after that utterance's end record.
 * Off by default: a caller that reads every record as an end must not get them. */
void speech_set_progress(struct speech *sp, int on);

/* Pause: what is playing stops at once, as with speech_stop (the sink drops what it
 * holds), and its end record says SPEECH_PAUSED; the engine keeps the utterance and the
 * word that was being heard. A paused utterance is not busy (speech_busy is 0): a caller
 * keeps its idle timer stopped while speech_paused says 1. If the last utterance had
 * already been stopped (a key's speech_stop came first), it becomes paused as it is,
 * without a second end record; one not started yet is paused at its beginning. Returns
 * 1 when paused (also when it already was), 0 when there is nothing to pause: nothing
 * was said, or the last utterance played to its end. */
int speech_pause(struct speech *sp);

/* 1 from speech_pause until speech_resume or the next speech_say / speech_say_parts;
 * speech_stop leaves it as it is (a key press stops speech before it is known to be the
 * resume key). 0 again if the utterance turned out to have finished as it was paused. */
int speech_paused(const struct speech *sp);

/* Says the rest of the paused utterance as a new one, from the start of the word that was
 * being heard (not of its sentence: the listener chose where to stop, and a sentence can
 * be long), and returns its id; 0 when not paused. Its records count parts and positions
 * in the paused utterance's parts, so a caller maps them to the screen as before; its
 * trace lines show the text actually said. */
unsigned speech_resume(struct speech *sp);

/* The sentence that holds the word at (part, position) of an utterance, as in an end
 * record: for "repeat the last sentence". A sentence ends after 。！？; after . ! ? that
 * are followed by a space or the end of the part, except a . before a lower-case letter
 * (so "3.50" and "e.g. the" stay whole); at a newline; and at the end of a part (the
 * kiosk's parts are whole lines of the screen).
 * position 0 (nothing of that part heard) means the sentence before that part; nothing
 * heard at all means the first sentence. Returns the sentence without surrounding spaces
 * (malloc'd; free it) and its language in *lang (the part's lang pointer), or NULL when
 * the parts hold nothing to say. A pure function: no engine needed. */
char *speech_last_sentence(const struct speech_part *parts, int nparts, int part,
    int position, const char **lang);

/* Customer adjustments on top of each voice's configured rate and volume, in percent
 * (rate clamped to 25..400, volume to 0..200; 100 is as configured; the rate that results
 * is kept within 80..450 words per minute, the volume within espeak-ng's 0..200). They
 * apply from the next utterance; reset them at the end of a session. */
void speech_set_rate_percent(struct speech *sp, int percent);
void speech_set_volume_percent(struct speech *sp, int percent);

/* One speech rate for every voice, in words per minute (clamped to 80..450), in place of
 * the configured rates and speech_set_rate_percent; 0 goes back to those. Only the speed
 * changes: espeak-ng keeps the voice's pitch at every rate. For a rate control of seven
 * steps: 80, 115, 150, 200, 260, 330, 400. From the next utterance; set 0 at the end of a
 * session. */
void speech_set_rate_wpm(struct speech *sp, int wpm);

/* Stops speech, joins the thread, closes the sink and frees sp. NULL is allowed. */
void speech_shutdown(struct speech *sp);

#endif
