/* Speech of the screen model. Only what the model holds is spoken, so the screen and
 * the headset say the same thing. */
#include "kiosk/kiosk.h"

#include "common/log.h"
#include "common/util.h"
#include "speech/speech.h"

#include <stdlib.h>

static void
say_script(struct kiosk *k, const struct speech_script *sc)
{
	if (k->speech == NULL || sc->n == 0)
		return;
	struct speech_part *parts = xcalloc((size_t)sc->n, sizeof *parts);
	for (int i = 0; i < sc->n; i++) {
		parts[i].lang = sc->seg[i].lang;
		parts[i].text = sc->seg[i].text;
	}
	k->utterance = speech_say_parts(k->speech, parts, sc->n);
	free(parts);
}

void
speak_screen(struct kiosk *k)
{
	if (!k->speech_on)
		return;
	struct speech_script sc = {0};
	screen_speech(&k->screen, &k->setup->voices, &sc);
	say_script(k, &sc);
	speech_script_free(&sc);
}

void
speak_text(struct kiosk *k, const char *lang, const char *text)
{
	if (!k->speech_on || k->speech == NULL)
		return;
	struct speech_script sc = {0};
	speech_script_add(&sc, lang, text);
	say_script(k, &sc);
	speech_script_free(&sc);
}

void
speak_stop(struct kiosk *k)
{
	if (k->speech != NULL && k->utterance != 0)
		speech_stop(k->speech);
}
