/* Speech of the screen model. Only what the model holds is spoken, so the screen and
 * the headset say the same thing. */
#include "kiosk/speak.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/view.h"
#include "speech/runs.h"
#include "speech/speech.h"

#include <stdlib.h>
#include <string.h>

/* Latin words inside other languages' text (ATM, PIN, ENTER) go to the English voice:
 * the Mandarin pinyin voice would read them as pinyin. */
#define LATIN_LANG "en"

/* remember: this is the screen's speech, which REPEAT twice takes its last sentence
 * from; short words (a PIN digit, a volume level) are not. */
static void
say_script(struct kiosk *k, const struct speech_script *sc, int remember)
{
	if (k->speech == NULL || sc->n == 0)
		return;
	int split = config_offers(k->cfg, LATIN_LANG);
	struct speech_runs *runs = xcalloc((size_t)sc->n, sizeof *runs);
	struct speech_part *parts = NULL;
	int *items = NULL; /* per part: the item it says */
	int n = 0;

	for (int i = 0; i < sc->n; i++) {
		const struct speech_segment *seg = &sc->seg[i];
		if (!split || strcmp(seg->lang, LATIN_LANG) == 0) {
			parts = xrealloc(parts, (size_t)(n + 1) * sizeof *parts);
			items = xrealloc(items, (size_t)(n + 1) * sizeof *items);
			items[n] = seg->item;
			parts[n++] = (struct speech_part){ seg->lang, seg->text };
			continue;
		}
		speech_runs_split(seg->text, seg->lang, LATIN_LANG, &runs[i]);
		parts = xrealloc(parts, (size_t)(n + runs[i].n + 1) * sizeof *parts);
		items = xrealloc(items, (size_t)(n + runs[i].n + 1) * sizeof *items);
		for (int j = 0; j < runs[i].n; j++) {
			items[n] = seg->item;
			parts[n++] = runs[i].parts[j];
		}
	}
	k->utterance = speech_say_parts(k->speech, parts, n);
	if (remember) {
		speak_forget(k);
		k->said = xcalloc((size_t)n + 1, sizeof *k->said);
		for (int i = 0; i < n; i++)
			k->said[i] = (struct speech_part){ xstrdup(parts[i].lang),
				xstrdup(parts[i].text) };
		k->nsaid = n;
		k->said_item = items;
		items = NULL;
		k->said_id = k->utterance;
		k->heard_part = k->heard_pos = 0;
		k->heard_item = -1;
	}
	for (int i = 0; i < sc->n; i++)
		speech_runs_free(&runs[i]);
	free(runs);
	free(parts);
	free(items);
}

struct speech *
speak_start(const struct kiosk_config *cfg, const char *audio)
{
	struct speech_voice voices[8];
	int n = 0;
	char err[256];

	for (int i = 0; i < cfg->nspeech && n < 8; i++, n++)
		voices[n] = (struct speech_voice){ cfg->speech[i].lang, cfg->speech[i].voice,
			cfg->speech[i].rate, cfg->speech[i].volume };
	struct speech_options so = { .audio = audio, .voices = voices, .nvoices = n };
	struct speech *sp = speech_start(&so, err, sizeof err);
	if (sp == NULL) {
		/* The screen still serves sighted customers; the log says why speech is off,
		 * and where to look: most often a voice in kiosk.yaml that espeak-ng lacks. */
		log_warnx("speech: unavailable, screen only: %s (speech settings of %s; "
		    "kioskctl check %s names the problem)", err, cfg->path, cfg->path);
		return NULL;
	}
	log_info("speech: audio %s", speech_audio_status(sp));
	/* The screen highlights the item being heard. */
	speech_set_progress(sp, 1);
	return sp;
}

void
speak_screen(struct kiosk *k)
{
	if (!k->speech_on)
		return;
	struct speech_script sc = {0};
	if (k->drawn.too_small) {
		/* What is drawn instead of the state's screen, and why keys do nothing. */
		struct screen s = {0};
		view_build_too_small(k, &s);
		screen_speech(&s, &k->setup->voices, &sc);
		screen_free(&s);
	} else
		screen_speech(&k->screen, &k->setup->voices, &sc);
	say_script(k, &sc, 1);
	speech_script_free(&sc);
}

void
speak_text(struct kiosk *k, const char *lang, const char *text)
{
	if (k->speech_on)
		speak_aloud(k, lang, text);
}

void
speak_aloud(struct kiosk *k, const char *lang, const char *text)
{
	if (k->speech == NULL)
		return;
	struct speech_script sc = {0};
	speech_script_add(&sc, lang, text);
	say_script(k, &sc, 0);
	speech_script_free(&sc);
}

static void
speech_script_add_filled(struct kiosk *k, struct speech_script *sc, const struct ltext *t,
    const char *lang)
{
	char *say = view_fill(k, ltext_say(t, lang), lang, 1);
	speech_script_add(sc, lang, say);
	free(say);
}

void
speak_message(struct kiosk *k, enum message_id m)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, m);
	if (!k->speech_on || t == NULL)
		return;
	struct speech_script sc = {0};
	if (k->screen.lang[0] != '\0')
		speech_script_add_filled(k, &sc, t, k->lang);
	else
		for (int i = 0; i < k->cfg->nlanguages; i++)
			speech_script_add_filled(k, &sc, t, k->cfg->languages[i]);
	say_script(k, &sc, 0);
	speech_script_free(&sc);
}

/* "volume 5 of 8": a setting as the voice file says it, in the screen's language. */
void
speak_level(struct kiosk *k, enum voice_level what, int level, int levels)
{
	const struct voice_rules *v = voice_for(&k->setup->voices, k->lang);
	if (v == NULL)
		return;
	char *l = voice_number_plain(v, level), *ls = voice_number(v, levels);
	struct text_var vars[] = { { "level", l }, { "levels", ls } };
	char *said = text_fill(what == VOICE_VOLUME ? v->volume : v->rate, vars, 2);
	speak_text(k, k->lang, said);
	free(said);
	free(l);
	free(ls);
}

void
speak_forget(struct kiosk *k)
{
	for (int i = 0; i < k->nsaid; i++) {
		free((char *)k->said[i].lang);
		free((char *)k->said[i].text);
	}
	free(k->said);
	free(k->said_item);
	k->said = NULL;
	k->said_item = NULL;
	k->nsaid = 0;
}

/* REPEAT pressed twice: only the sentence the listener was in when speech stopped. */
int
speak_last_sentence(struct kiosk *k)
{
	const char *lang = NULL;
	char *s = k->nsaid ? speech_last_sentence(k->said, k->nsaid, k->heard_part,
	    k->heard_pos, &lang) : NULL;
	if (s == NULL)
		return -1;
	speak_text(k, lang, s);
	free(s);
	return 0;
}

void
speak_stop(struct kiosk *k)
{
	if (k->speech != NULL && k->utterance != 0)
		speech_stop(k->speech);
}
