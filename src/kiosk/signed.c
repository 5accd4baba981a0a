/* Signed screens at start: kiosk.manifest against IT's public key. */
#include "kiosk/signed.h"

#include <curses.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "config/manifest.h"
#include "kiosk/render.h"
#include "speech/speech.h"

/* Long enough to be said in both languages at the slowest rate. */
#define SAY_WAIT_MS 30000

static const char *const out_of_service[][2] = {
	{ "zh", "暂停服务。本机暂时无法使用，请到柜台办理。" },
	{ "en", "Out of service. This machine cannot serve you now. Please ask at the "
	    "counter." },
};

int
signed_check(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d)
{
	char id[17];
	int n;

	return manifest_check(cfg, it_key, d, &n, id);
}

static void
show(void)
{
	int rows = LINES, cols = COLS;

	clear();
	for (int i = 0; i < 2; i++) {
		const char *text = out_of_service[i][1];
		/* Each language on its own rows, centred as far as its width allows. */
		int width = (int)strlen(text) > cols ? cols : (int)strlen(text);
		mvaddstr(rows / 2 - 2 + 2 * i, (cols - width) / 2 > 0 ? (cols - width) / 2 : 0,
		    text);
	}
	refresh();
}

static void
say(const char *audio)
{
	static const struct speech_voice voices[] = {
		{ "zh", "cmn-latn-pinyin", 150, 100 }, { "en", "en-us", 160, 100 },
	};
	struct speech_options so = { .audio = audio, .voices = voices, .nvoices = 2 };
	struct speech_part parts[2];
	struct speech_event ev;
	char err[256];

	struct speech *sp = speech_start(&so, err, sizeof err);
	if (sp == NULL) {
		log_warnx("speech: unavailable: %s", err);
		return;
	}
	for (int i = 0; i < 2; i++)
		parts[i] = (struct speech_part){ out_of_service[i][0], out_of_service[i][1] };
	unsigned id = speech_say_parts(sp, parts, 2);
	int64_t end = mono_usec() + SAY_WAIT_MS * 1000LL;
	for (int done = 0; !done && mono_usec() < end;) {
		struct pollfd p = { .fd = speech_fd(sp), .events = POLLIN };
		poll(&p, 1, (int)((end - mono_usec()) / 1000) + 1);
		while (speech_next_event(sp, &ev))
			done |= ev.kind == SPEECH_EVENT_END && ev.id == id;
	}
	speech_shutdown(sp);
}

void
signed_report(int state, const struct diag_list *d, const char *it_key, const char *audio)
{
	if (state > 0) {
		log_info("configuration verified against IT's public key %s", it_key);
		return;
	}
	if (state == 0) {
		log_warnx("unsigned mode: no IT public key at %s; kiosk.yaml, layouts and voice "
		    "files are not verified (for a demo only)", it_key);
		return;
	}
	for (int i = 0; i < d->count; i++)
		log_warnx("signature: %s:%d:%d: %s", d->items[i].file, d->items[i].line,
		    d->items[i].column, d->items[i].message);
	if (trace_enabled()) {
		struct strbuf b = {0};
		strbuf_addf(&b, "%s %s", out_of_service[0][1], out_of_service[1][1]);
		char *q = trace_quote(b.s);
		trace_event("screen", "out_of_service lang=all show=%s", q);
		free(q);
		strbuf_free(&b);
	}
	if (render_init() == 0) {
		show();
		say(audio != NULL ? audio : "alsa");
		render_end();
	} else {
		say(audio != NULL ? audio : "alsa");
	}
}
