/* kioskctl preview: one screen as a customer sees and hears it, filled with the demo
 * bank's sample customer. The kiosk's own present step builds, draws and says it, so the
 * preview cannot differ from the kiosk. */
#include "ctl/ctl.h"

#include "common/log.h"
#include "common/util.h"
#include "config/setup.h"
#include "kiosk/kiosk.h"
#include "kiosk/present.h"
#include "kiosk/registry.h"
#include "kiosk/speak.h"
#include "kiosk/view.h"
#include "largeprint/largeprint.h"
#include "speech/speech.h"

#include <curses.h>
#include <getopt.h>
#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

struct preview_opts {
	const char *config, *lang, *theme, *wav, *out, *screen;
	int size, cols, rows;
};

static int
usage(void)
{
	fprintf(stderr, "usage: kioskctl preview SCREEN [--config kiosk.yaml] [--lang L] "
	    "[--large-print SIZE] [--size COLSxROWS] [--theme NAME] [--wav FILE] "
	    "[--out FILE]\n");
	return 2;
}

/* The screens the layouts define, and the overlays, for an unknown name. */
static void
list_screens(const struct kiosk_setup *setup)
{
	fprintf(stderr, "kioskctl preview: screens:");
	for (int i = 0; i < screen_count(); i++)
		if (layout_screen_id(&setup->layouts, (enum screen_id)i) != NULL)
			fprintf(stderr, " %s", screen_to_str((enum screen_id)i));
	fputc('\n', stderr);
}

static int
parse(int argc, char **argv, struct preview_opts *o)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' }, { "lang", required_argument, NULL, 'l' },
		{ "large-print", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 's' }, { "theme", required_argument, NULL, 't' },
		{ "wav", required_argument, NULL, 'w' }, { "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	char end;
	int c;

	*o = (struct preview_opts){ .config = "kiosk.yaml" };
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'l': o->lang = optarg; break;
		case 't': o->theme = optarg; break;
		case 'w': o->wav = optarg; break;
		case 'o': o->out = optarg; break;
		case 'p':
			if (sscanf(optarg, "%d%c", &o->size, &end) != 1 || o->size < 1) {
				fprintf(stderr, "kioskctl preview: --large-print '%s': a size from 1 "
				    "up to what the screen offers (1 at 80x24)\n", optarg);
				return -1;
			}
			break;
		case 's':
			if (sscanf(optarg, "%dx%d%c", &o->cols, &o->rows, &end) != 2 ||
			    o->cols < CONFIG_MIN_COLS || o->rows < CONFIG_MIN_ROWS ||
			    o->cols > 1000 || o->rows > 500) {
				fprintf(stderr, "kioskctl preview: --size '%s': COLSxROWS from %dx%d "
				    "up to 1000x500\n", optarg, CONFIG_MIN_COLS, CONFIG_MIN_ROWS);
				return -1;
			}
			break;
		default: return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	o->screen = argv[optind];
	return 0;
}

/* Clearly fake values: the demo bank's first customer, as after a good PIN. */
static void
sample_session(struct kiosk *k)
{
	struct session *s = &k->s;
	snprintf(s->pan, sizeof s->pan, "6222000000000017");
	snprintf(s->card.holder, sizeof s->card.holder, "张伟 Zhang Wei");
	s->card.tries_left = 3;
	s->card_in = s->card_known = s->lang_chosen = s->pin_ok = 1;
	s->balance_fen = s->available_fen = 500000;
	s->daily_remaining_fen = 2000000;
	s->amount_fen = 50000;
	s->note_fen = 10000;
	s->message = s->notice = MSG_NONE;
}

/* The state and overlay that show the screen named. */
static int
choose_screen(struct kiosk *k, const char *name)
{
	enum screen_id id = screen_from_str(name);
	if (id == SCREEN_NONE || layout_screen_id(&k->setup->layouts, id) == NULL)
		return -1;
	k->overlay = id == SCREEN_HELP ? OVERLAY_HELP : id == SCREEN_DESCRIBE_KEYS ?
	    OVERLAY_DESCRIBE : id == SCREEN_ORIENTATION ? OVERLAY_ORIENTATION : OVERLAY_NONE;
	/* An overlay is previewed over the main menu. */
	k->state = state_by_screen(k->overlay == OVERLAY_NONE ? id : SCREEN_MENU);
	return k->state == NULL ? -1 : 0;
}

/* One SGR sequence for a cell's attributes and colour pair. */
static void
sgr(FILE *f, attr_t a, short pair)
{
	short fg = -1, bg = -1;
	if (pair > 0)
		pair_content(pair, &fg, &bg);
	fprintf(f, "\033[0%s%s%s", a & A_BOLD ? ";1" : "", a & A_DIM ? ";2" : "",
	    a & (A_REVERSE | A_STANDOUT) ? ";7" : "");
	if (fg >= 0 && fg < 8)
		fprintf(f, ";%d", 30 + fg);
	if (bg >= 0 && bg < 8)
		fprintf(f, ";%d", 40 + bg);
	fputc('m', f);
}

/* What curses holds for the screen, as ANSI text: every cell with its colours. */
static void
dump_ansi(FILE *f)
{
	for (int y = 0; y < LINES; y++) {
		attr_t last = (attr_t)-1;
		short lastpair = -1;
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1] = {0};
			attr_t a;
			short pair;
			mvwin_wch(stdscr, y, x, &cc);
			getcchar(&cc, wch, &a, &pair, NULL);
			a &= A_BOLD | A_DIM | A_REVERSE | A_STANDOUT;
			if (a != last || pair != lastpair)
				sgr(f, a, pair);
			last = a;
			lastpair = pair;
			char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
			size_t n = wcstombs(mb, wch[0] ? wch : L" ", sizeof mb);
			fwrite(mb, 1, n == (size_t)-1 ? 0 : n, f);
			/* A wide character covers the next cell too. */
			if (wch[0] && wcwidth(wch[0]) == 2)
				x++;
		}
		fputs("\033[0m\n", f);
	}
}

/* The text the kiosk says for the model, one utterance segment a line. */
static void
print_speech(struct kiosk *k)
{
	struct speech_script sc = {0};
	screen_speech(&k->screen, &k->setup->voices, &sc);
	printf("spoken:\n");
	for (int i = 0; i < sc.n; i++) {
		/* A segment's lines under each other, after its language. */
		const char *p = sc.seg[i].text, *nl;
		printf("  [%s] ", sc.seg[i].lang);
		for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			printf("%.*s\n       ", (int)(nl - p), p);
		printf("%s\n", p);
	}
	speech_script_free(&sc);
}

/* The configured voices into a WAV file. */
static struct speech *
speech_to_wav(const struct kiosk_config *cfg, const char *wav)
{
	struct strbuf audio = {0};
	strbuf_addf(&audio, "wav:%s", wav);
	struct speech *sp = speak_start(cfg, audio.s);
	strbuf_free(&audio);
	/* The engine falls back to no sound when the file cannot be written. */
	if (sp != NULL && strncmp(speech_audio_status(sp), "wav:", 4) != 0) {
		fprintf(stderr, "kioskctl preview: --wav %s: %s\n", wav, speech_audio_status(sp));
		speech_shutdown(sp);
		sp = NULL;
	}
	return sp;
}

/* Until the screen has been said into the file. */
static void
wait_said(struct kiosk *k)
{
	struct speech_event ev;
	for (;;) {
		struct pollfd p = { .fd = speech_fd(k->speech), .events = POLLIN };
		poll(&p, 1, 1000);
		while (speech_next_event(k->speech, &ev))
			if (ev.kind == SPEECH_EVENT_END && ev.id == k->utterance)
				return;
	}
}

/* ncursesw draws CJK only in a UTF-8 locale. */
static void
locale_utf8(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

static int
settings(struct kiosk *k, const struct preview_opts *o, struct lp_fonts *fonts)
{
	const struct kiosk_config *cfg = k->cfg;
	snprintf(k->lang, sizeof k->lang, "%s", o->lang ? o->lang : cfg->default_language);
	if (!config_offers(cfg, k->lang)) {
		fprintf(stderr, "kioskctl preview: --lang %s: %s offers", k->lang, cfg->path);
		for (int i = 0; i < cfg->nlanguages; i++)
			fprintf(stderr, " %s", cfg->languages[i]);
		fputc('\n', stderr);
		return -1;
	}
	for (k->lp_theme = 0; o->theme != NULL && k->lp_theme < lp_theme_count(); k->lp_theme++)
		if (strcmp(lp_theme_at(k->lp_theme)->name, o->theme) == 0)
			break;
	if (o->theme != NULL && k->lp_theme == lp_theme_count()) {
		fprintf(stderr, "kioskctl preview: --theme %s: the themes are", o->theme);
		for (int i = 0; i < lp_theme_count(); i++)
			fprintf(stderr, " %s", lp_theme_at(i)->name);
		fputc('\n', stderr);
		return -1;
	}
	if (o->size > 0) {
		struct diag_list d = {0};
		lp_fonts_default(fonts, cfg->lp_font, &d);
		diag_free(&d);
		k->fonts = fonts;
		k->large = 1;
		k->lp_size = o->size;
	}
	return 0;
}

int
ctl_preview(int argc, char **argv)
{
	struct preview_opts o;
	struct kiosk_setup setup;
	struct diag_list d = {0};
	struct kiosk k = {0};
	struct lp_fonts fonts = {0};
	int rc = 1;

	if (parse(argc, argv, &o) < 0)
		return usage();
	locale_utf8();
	/* What the kiosk's parts log (a screen cut off at this size) is for IT to read. */
	log_open("kioskctl", NULL);
	if (config_load_all(o.config, &setup, &d) != 0) {
		diag_print(&d, stderr);
		diag_free(&d);
		kiosk_setup_free(&setup);
		return 1;
	}
	diag_free(&d);
	k.setup = &setup;
	k.cfg = &setup.cfg;
	k.demo = k.cfg->demo; /* the demo's status lines take rows, as in the kiosk */
	k.speech_on = k.headset = 1; /* as heard on the headset, private values included */
	k.volume_level = VOLUME_DEFAULT;
	k.rate_level = RATE_DEFAULT;
	k.focus = k.heard_item = -1;
	k.warning = k.setting = MSG_NONE;
	sample_session(&k);
	if (choose_screen(&k, o.screen) < 0) {
		fprintf(stderr, "kioskctl preview: unknown screen '%s'\n", o.screen);
		list_screens(&setup);
		rc = 2;
		goto out;
	}
	if (settings(&k, &o, &fonts) < 0) {
		rc = 2;
		goto out;
	}
	if (o.wav != NULL && (k.speech = speech_to_wav(k.cfg, o.wav)) == NULL)
		goto out;

	int tty = o.out == NULL && isatty(STDOUT_FILENO);
	FILE *out = o.out ? fopen(o.out, "w") : stdout;
	FILE *null_out = fopen("/dev/null", "w"), *null_in = fopen("/dev/null", "r");
	if (out == NULL || null_out == NULL || null_in == NULL) {
		fprintf(stderr, "kioskctl preview: cannot open %s\n", o.out ? o.out : "/dev/null");
		goto files;
	}
	/* To a file: curses draws into memory at the size asked for, read back cell by
	 * cell; in a terminal it draws there. */
	SCREEN *term = tty ? newterm(NULL, stdout, stdin) : newterm("xterm", null_out, null_in);
	if (term == NULL) {
		fprintf(stderr, "kioskctl preview: cannot start curses\n");
		goto files;
	}
	curs_set(0);
	noecho();
	if (o.cols > 0)
		resizeterm(o.rows, o.cols);
	else if (!tty)
		resizeterm(CONFIG_MIN_ROWS, CONFIG_MIN_COLS);
	render_size(&k.drawn.cols, &k.drawn.rows);
	if (k.large && o.size > view_text_sizes(&k)) {
		endwin();
		delscreen(term);
		fprintf(stderr, "kioskctl preview: --large-print %d: %dx%d offers sizes 1 to %d\n",
		    o.size, COLS, LINES, view_text_sizes(&k));
		rc = 2;
		goto files;
	}
	kiosk_dirty(&k, PRESENT_SCREEN | PRESENT_SPEECH);
	kiosk_present(&k);
	if (tty)
		getch();
	else
		dump_ansi(out);
	endwin();
	delscreen(term);
	print_speech(&k);
	if (k.speech != NULL) {
		/* The wait screen's speech is put off in the kiosk: here it is said at once. */
		if (k.utterance == 0)
			speak_screen(&k);
		wait_said(&k);
	}
	rc = 0;
files:
	if (out != NULL && out != stdout)
		fclose(out);
	if (null_out)
		fclose(null_out);
	if (null_in)
		fclose(null_in);
out:
	speech_shutdown(k.speech);
	speak_forget(&k);
	screen_free(&k.screen);
	if (k.fonts != NULL)
		lp_fonts_close(k.fonts);
	kiosk_setup_free(&setup);
	return rc;
}
