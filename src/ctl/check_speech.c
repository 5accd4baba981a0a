/* kioskctl check, the speech part: what the kiosk would otherwise meet only when it starts.
 * It asks espeak-ng and ALSA themselves, with the calls the kiosk makes, so that the check
 * accepts exactly what the kiosk accepts. Nothing is synthesized and no audio output is
 * set up: the check is silent. */
#include "ctl/check.h"

#include <alsa/asoundlib.h>
#include <ctype.h>
#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "config/schema.h"

#define HINT_MAX 6 /* voices named in one hint */

static char alsa_said[200];

/* ALSA writes its own lines to stderr; keep the first, which names the cause. */
static void
alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
	va_list ap;

	(void)file, (void)line, (void)function, (void)err;
	if (alsa_said[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(alsa_said, sizeof alsa_said, fmt, ap);
	va_end(ap);
}

/* espeak-ng is set up once per process and kept, as in src/speech/engine.c: 1.51 hangs in
 * espeak_ng_Terminate once it has been set up a second time. */
static int
espeak_ready(char *err, size_t errlen)
{
	static int state; /* 0: not tried, 1: ready, -1: failed (why says why) */
	static char why[256];
	espeak_ng_ERROR_CONTEXT ctx = NULL;
	espeak_ng_STATUS st;

	if (state == 0) {
		espeak_ng_InitializePath(NULL);
		st = espeak_ng_Initialize(&ctx);
		espeak_ng_ClearErrorContext(&ctx);
		state = st == ENS_OK ? 1 : -1;
		if (st != ENS_OK)
			espeak_ng_GetStatusCodeMessage(st, why, sizeof why);
	}
	snprintf(err, errlen, "%s", why);
	return state == 1 ? 0 : -1;
}

/* The name kiosk.yaml gives a voice: its file without the folder, in lower case
 * (espeak-ng compares it case-insensitively): sit/cmn-Latn-pinyin is cmn-latn-pinyin. */
static char *
voice_short_name(const espeak_VOICE *v)
{
	const char *slash = strrchr(v->identifier, '/');
	char *s = xstrdup(slash != NULL ? slash + 1 : v->identifier);

	for (char *p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* How well v speaks the language in the first n bytes of want: espeak-ng's priority
 * (lower is better), or -1. With prefix, "en" also matches en-gb and en-us. */
static int
voice_priority(const espeak_VOICE *v, const char *want, size_t n, int prefix)
{
	int best = -1;

	/* languages: a priority byte, then a language name, ...; a 0 byte ends the list. */
	for (const char *p = v->languages; *p != '\0'; p += strlen(p) + 1) {
		int prio = (unsigned char)*p++;
		if (strncasecmp(p, want, n) == 0 && (p[n] == '\0' || (prefix && p[n] == '-')) &&
		    (best < 0 || prio < best))
			best = prio;
	}
	return best;
}

/* The installed voices with the names kiosk.yaml would give them. */
struct voice_list {
	const espeak_VOICE **all;
	char **names;
	size_t n;
};

/* Joins the names of the voices that speak the language in the first n bytes of want,
 * best first, into out; returns how many there are. */
static int
voices_for(const struct voice_list *vl, const char *want, size_t n, int prefix, char *out,
    size_t size)
{
	size_t *pick = xcalloc(vl->n + 1, sizeof *pick), npick = 0, len = 0;
	int *prio = xcalloc(vl->n + 1, sizeof *prio);

	for (size_t i = 0; i < vl->n; i++) {
		int p = voice_priority(vl->all[i], want, n, prefix);
		if (p < 0)
			continue;
		size_t j = npick++;
		for (; j > 0 && prio[j - 1] > p; j--) {
			pick[j] = pick[j - 1];
			prio[j] = prio[j - 1];
		}
		pick[j] = i;
		prio[j] = p;
	}
	out[0] = '\0';
	for (size_t i = 0; i < npick && i < HINT_MAX && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "",
		    vl->names[pick[i]]);
	if (npick > HINT_MAX && len < size)
		snprintf(out + len, size - len, " and %zu more", npick - HINT_MAX);
	free(pick);
	free(prio);
	return (int)npick;
}

/* What to tell branch IT about a voice espeak-ng does not have. */
static void
voice_hint(const char *voice, char *out, size_t size)
{
	struct voice_list vl = { espeak_ListVoices(NULL), NULL, 0 };
	size_t base = strcspn(voice, "+"), lang = strcspn(voice, "-+");
	char list[300], *want = xstrndup(voice, base);
	const char *close;

	while (vl.all[vl.n] != NULL)
		vl.n++;
	vl.names = xcalloc(vl.n + 1, sizeof *vl.names);
	for (size_t i = 0; i < vl.n; i++)
		vl.names[i] = voice_short_name(vl.all[i]);
	/* espeak-ng --voices lists languages such as en-gb first, but the kiosk selects a
	 * voice by its name, and en-gb is not one. */
	if (voices_for(&vl, voice, base, 0, list, sizeof list) > 0)
		snprintf(out, size, "\"%s\" is a language; its voices: %s", want, list);
	else if ((close = ysuggest(want, (const char *const *)vl.names)) != NULL)
		snprintf(out, size, "did you mean \"%s\"?", close);
	else if (voices_for(&vl, voice, lang, 1, list, sizeof list) > 0)
		snprintf(out, size, "voices for %.*s: %s", (int)lang, voice, list);
	else
		snprintf(out, size, "espeak-ng --voices lists the voices: a name is the part of "
		    "File after the /");
	for (size_t i = 0; i < vl.n; i++)
		free(vl.names[i]);
	free(vl.names);
	free(want);
}

/* 1 when something at w was already reported: a malformed name need not be looked up. */
static int
reported_at(const struct diag_list *d, const char *file, struct config_where w)
{
	for (int i = 0; i < d->count; i++)
		if (d->items[i].line == w.line && d->items[i].column == w.column &&
		    strcmp(d->items[i].file, file) == 0)
			return 1;
	return 0;
}

void
check_voices(const struct kiosk_config *cfg, struct diag_list *d)
{
	char err[256], hint[400];

	if (cfg->nspeech == 0)
		return;
	if (espeak_ready(err, sizeof err) != 0) {
		struct config_where w = cfg->speech[0].where_voice;
		diag_add(d, cfg->path, w.line, w.column,
		    "speech: espeak-ng cannot load its data: %s; the kiosk would run screen-only",
		    err);
		return;
	}
	for (int i = 0; i < cfg->nspeech; i++) {
		const struct speech_lang *sl = &cfg->speech[i];
		if (reported_at(d, cfg->path, sl->where_voice))
			continue;
		if (sl->voice[0] != '\0' && espeak_ng_SetVoiceByName(sl->voice) == ENS_OK)
			continue;
		voice_hint(sl->voice, hint, sizeof hint);
		diag_add(d, cfg->path, sl->where_voice.line, sl->where_voice.column,
		    "speech.%s.voice: espeak-ng has no voice \"%s\" (%s)", sl->lang, sl->voice,
		    hint);
	}
}

int
check_audio(const struct kiosk_config *cfg, struct diag_list *d)
{
	const struct config_where w = cfg->where_audio;
	const char *what = w.line > 0 ? "audio.output" : "audio.output (alsa when not set)";
	snd_pcm_t *pcm;
	int rc;

	if (strcmp(cfg->audio, "alsa") != 0 && strncmp(cfg->audio, "alsa:", 5) != 0)
		return 0; /* wav:FILE is checked with the rest of kiosk.yaml */
	const char *dev = cfg->audio[4] == ':' ? cfg->audio + 5 : "default";
	alsa_said[0] = '\0';
	snd_lib_error_set_handler(alsa_quiet);
	rc = snd_pcm_open(&pcm, dev, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
	if (rc == 0)
		snd_pcm_close(pcm);
	snd_lib_error_set_handler(NULL);
	snd_config_update_free_global();
	if (rc == 0)
		return 0;
	/* A kiosk that is running holds its device: that is no reason to worry. */
	if (rc == -EBUSY)
		diag_add(d, cfg->path, w.line, w.column, "warning: %s: ALSA device \"%s\" is "
		    "busy: another program, perhaps a running kiosk, has it open", what, dev);
	else
		diag_add(d, cfg->path, w.line, w.column, "warning: %s: cannot open ALSA device "
		    "\"%s\": %s%s%s%s; the kiosk will run screen-only", what, dev, snd_strerror(rc),
		    alsa_said[0] ? " (ALSA: " : "", alsa_said, alsa_said[0] ? ")" : "");
	return 1;
}
