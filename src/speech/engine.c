/* espeak-ng in synchronous mode: espeak_Synth returns once the text is synthesized, and
 * the callback sees every chunk as it is made. The callback is where a stop takes effect:
 * returning 1 ends the synthesis at once, whereas espeak_Cancel does not interrupt it. */
#include "speech/engine.h"

#include "common/util.h"

#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>

/* Samples per callback: short chunks keep word events close to the audio they mark. */
#define ENGINE_CHUNK_MSEC 20

static const struct engine_out *engine_cur;
static int engine_stopped;
static char engine_voice[128];
/* espeak-ng 1.51 hangs in espeak_ng_Terminate once it has been initialised a second time, so
 * the engine is set up once per process and kept; a later speech thread reuses it. */
static int engine_rate;
static char *engine_path;

static void
status_message(espeak_ng_STATUS status, const char *what, char *err, size_t errlen)
{
	char msg[256];

	espeak_ng_GetStatusCodeMessage(status, msg, sizeof msg);
	snprintf(err, errlen, "%s: %s", what, msg);
}

static int
synth_cb(short *wav, int numsamples, espeak_EVENT *events)
{
	const struct engine_out *out = engine_cur;

	if (out == NULL || engine_stopped)
		return 1;
	for (espeak_EVENT *e = events; e != NULL && e->type != espeakEVENT_LIST_TERMINATED; e++) {
		/* 1.51 also reports an empty word at position 0 near the end: skip it. */
		if (e->type == espeakEVENT_WORD && e->text_position > 0 && e->length > 0 &&
		    out->word != NULL)
			out->word(out->arg, e->text_position, e->audio_position);
	}
	if (wav != NULL && numsamples > 0 && out->audio(out->arg, wav, (size_t)numsamples) != 0)
		engine_stopped = 1;
	return engine_stopped;
}

int
engine_init(const char *data_path, char *err, size_t errlen)
{
	espeak_ng_ERROR_CONTEXT ctx = NULL;
	espeak_ng_STATUS st;
	char what[300];

	if (engine_rate > 0) {
		const char *was = engine_path != NULL ? engine_path : "";
		if (strcmp(was, data_path != NULL ? data_path : "") != 0) {
			snprintf(err, errlen, "espeak-ng: cannot use data from %s: already set up "
			    "with %s", data_path != NULL ? data_path : "the default path",
			    engine_path != NULL ? engine_path : "the default path");
			return -1;
		}
		return engine_rate;
	}
	/* espeak-ng falls back to its default data when the path is not a directory: a
	 * configured path that is wrong must be an error instead. */
	struct stat sb;
	if (data_path != NULL) {
		int bad = stat(data_path, &sb) != 0 ? errno : S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
		if (bad != 0) {
			snprintf(err, errlen, "espeak-ng: data directory %s: %s", data_path,
			    strerror(bad));
			return -1;
		}
	}
	espeak_ng_InitializePath(data_path);
	if ((st = espeak_ng_Initialize(&ctx)) != ENS_OK) {
		snprintf(what, sizeof what, "espeak-ng: cannot load its data (%s)",
		    data_path != NULL ? data_path : "default path");
		status_message(st, what, err, errlen);
		espeak_ng_ClearErrorContext(&ctx);
		return -1;
	}
	espeak_ng_ClearErrorContext(&ctx);
	if ((st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, ENGINE_CHUNK_MSEC, NULL)) !=
	    ENS_OK) {
		status_message(st, "espeak-ng: cannot set up output", err, errlen);
		return -1;
	}
	espeak_SetSynthCallback(synth_cb);
	engine_voice[0] = '\0';
	engine_path = data_path != NULL ? xstrdup(data_path) : NULL;
	engine_rate = espeak_ng_GetSampleRate();
	return engine_rate;
}

int
engine_set_voice(const char *voice, int rate, int volume, char *err, size_t errlen)
{
	espeak_ng_STATUS st;
	char what[300];

	/* Loading a voice reads its files again: skip it when the voice is already set. */
	if (strcmp(engine_voice, voice) != 0) {
		engine_voice[0] = '\0';
		if ((st = espeak_ng_SetVoiceByName(voice)) != ENS_OK) {
			snprintf(what, sizeof what, "espeak-ng: voice %s", voice);
			status_message(st, what, err, errlen);
			return -1;
		}
		snprintf(engine_voice, sizeof engine_voice, "%s", voice);
	}
	if ((st = espeak_ng_SetParameter(espeakRATE, rate, 0)) != ENS_OK ||
	    (st = espeak_ng_SetParameter(espeakVOLUME, volume, 0)) != ENS_OK) {
		snprintf(what, sizeof what, "espeak-ng: voice %s: rate %d volume %d", voice, rate,
		    volume);
		status_message(st, what, err, errlen);
		return -1;
	}
	return 0;
}

int
engine_speak(const char *text, const struct engine_out *out, char *err, size_t errlen)
{
	espeak_ERROR rc;

	engine_cur = out;
	engine_stopped = 0;
	rc = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL,
	    NULL);
	engine_cur = NULL;
	if (engine_stopped)
		return 1;
	if (rc != EE_OK) {
		snprintf(err, errlen, "espeak-ng: synthesis failed (%d)", (int)rc);
		return -1;
	}
	return 0;
}
