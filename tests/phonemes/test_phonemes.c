/* What espeak-ng makes of every Mandarin prompt.
 *
 * For every zh text of every layout and of messages.yaml (title, lines, items as spoken,
 * prompt, messages), with the placeholders filled by the spoken forms of voice/zh.yaml,
 * and for the phrases of voice/zh.yaml itself: split the text into runs
 * (speech_runs_split), run `espeak-ng -q -x -v VOICE` on each run with the voice of its
 * language, print the phonemes, and check that
 *   - zh runs come out as Mandarin: no language switch such as "(en)", and every word
 *     is Mandarin syllables, each with its tone number (55, 35, 214, 51, ...), made of
 *     phonemes of espeak-ng's Mandarin inventory only;
 *   - en runs come out as English: no language switch and no tone numbers.
 * Also checks that kiosk.yaml speaks zh with cmn-latn-pinyin.
 *
 *   test_phonemes [--zh-voice VOICE] [--expect-not-mandarin]
 * --zh-voice replaces the zh voice of kiosk.yaml; with --expect-not-mandarin the test
 * passes only when some zh run is not Mandarin: run with the stock `cmn` voice, which
 * reads most characters through English rules, it shows that the check catches it.
 * Exit status: 0 passed, 1 failed, 77 espeak-ng is not installed (skipped).
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "config/setup.h"
#include "speech/runs.h"
#include "test_config.h"

#define ZH_VOICE "cmn-latn-pinyin"

/* One syllable of espeak-ng's Mandarin: phonemes of its inventory (as used by
 * cmn-latn-pinyin for every character from U+4E00 to U+9FA5), a tone number, and maybe
 * a nasal coda. Stress marks are removed before matching. */
#define MANDARIN_WORD \
	"^([][&.:;@AENSXaefghijklmnoprstuwyz-]+(55|35|214|21|51|11|22|33|44)[nN]?)+$"

static regex_t mandarin_word;
static int not_mandarin, not_english, nruns;

/* Runs espeak-ng with args; returns what it printed (stdout and stderr), NULL when it
 * could not run or failed. */
static char *
espeak(char *const argv[])
{
	int fd[2];
	struct strbuf b = {0};
	char buf[4096];
	ssize_t n;
	int status;

	if (pipe(fd) == -1)
		return NULL;
	pid_t pid = fork();
	if (pid == -1)
		return NULL;
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execvp("espeak-ng", argv);
		_exit(127);
	}
	close(fd[1]);
	strbuf_init(&b);
	while ((n = read(fd[0], buf, sizeof buf)) > 0 || (n == -1 && errno == EINTR))
		if (n > 0)
			strbuf_addn(&b, buf, (size_t)n);
	close(fd[0]);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "espeak-ng %s failed: %s\n", argv[1], b.s);
		strbuf_free(&b);
		return NULL;
	}
	return strbuf_take(&b);
}

static char *
espeak_phonemes(const char *voice, const char *text)
{
	char *argv[] = { "espeak-ng", "-q", "-x", "-v", (char *)voice, "--", (char *)text, NULL };

	return espeak(argv);
}

/* Splits espeak-ng's -x output into words: pauses (_, _|, _!, _:) and spaces separate
 * them. Calls fn on each word with stress marks removed; returns the first complaint. */
static const char *
each_word(const char *ph, const char *(*fn)(const char *word))
{
	static char word[512];
	size_t len = 0;

	for (const char *p = ph; ; p++) {
		int end = *p == '\0' || *p == ' ' || *p == '\n' || *p == '\t' || *p == '_';
		if (!end) {
			if (*p != '\'' && *p != ',' && len + 1 < sizeof word)
				word[len++] = *p;
			continue;
		}
		if (*p == '_')
			while (p[1] == '|' || p[1] == '!' || p[1] == ':')
				p++;
		if (len > 0) {
			word[len] = '\0';
			const char *why = fn(word);
			if (why != NULL)
				return why;
		}
		len = 0;
		if (*p == '\0')
			return NULL;
	}
}

static const char *
check_mandarin_word(const char *w)
{
	static char why[600];

	if (regexec(&mandarin_word, w, 0, NULL, 0) == 0)
		return NULL;
	snprintf(why, sizeof why, "\"%s\" is not Mandarin syllables with tones", w);
	return why;
}

static const char *
check_english_word(const char *w)
{
	static char why[600];

	for (const char *p = w; *p != '\0'; p++) {
		if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9') {
			snprintf(why, sizeof why, "\"%s\" carries a tone number", w);
			return why;
		}
	}
	return NULL;
}

static const char *
check_mandarin(const char *text, const char *ph)
{
	for (const char *p = text; *p != '\0'; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			return "Latin letters in a zh run would be read as pinyin";
	if (strchr(ph, '(') != NULL)
		return "espeak-ng switched language (English rules)";
	if (strspn(ph, " \t\n_|!:") == strlen(ph))
		return "no phonemes";
	return each_word(ph, check_mandarin_word);
}

static const char *
check_english(const char *ph)
{
	if (strchr(ph, '(') != NULL)
		return "espeak-ng switched language";
	if (strspn(ph, " \t\n_|!:") == strlen(ph))
		return "no phonemes";
	return each_word(ph, check_english_word);
}

static void
trim_newlines(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
}

/* Splits one spoken zh text into runs, speaks each and checks it. */
static void
check_text(const char *where, const char *text, const char *zh_voice, const char *en_voice)
{
	struct speech_runs r;

	printf("%s: %s\n", where, text);
	speech_runs_split(text, "zh", "en", &r);
	for (int i = 0; i < r.n; i++) {
		int zh = strcmp(r.parts[i].lang, "zh") == 0;
		char *ph = espeak_phonemes(zh ? zh_voice : en_voice, r.parts[i].text);
		const char *why;
		nruns++;
		if (ph == NULL) {
			printf("  %s [%s]\n    FAILED: espeak-ng did not run\n", r.parts[i].lang,
			    r.parts[i].text);
			test_failures++;
			continue;
		}
		trim_newlines(ph);
		printf("  %s [%s]\n    %s\n", r.parts[i].lang, r.parts[i].text, ph);
		why = zh ? check_mandarin(r.parts[i].text, ph) : check_english(ph);
		if (why != NULL) {
			printf("    FAILED: %s: %s\n", zh ? "not Mandarin" : "not English", why);
			fprintf(stderr, "%s: %s run \"%s\" is %s: %s\n    %s\n", where,
			    r.parts[i].lang, r.parts[i].text, zh ? "not Mandarin" : "not English",
			    why, ph);
			if (zh)
				not_mandarin++;
			else
				not_english++;
		}
		free(ph);
	}
	speech_runs_free(&r);
}

struct sample {
	struct text_var vars[14];
	char *owned[14];
	int n;
};

static void
sample_add(struct sample *s, const char *name, char *value)
{
	s->vars[s->n].name = name;
	s->vars[s->n].value = value;
	s->owned[s->n++] = value;
}

/* Spoken sample values of every placeholder, as the kiosk fills them for speech. */
static void
sample_fill(struct sample *s, const struct voice_rules *v, const struct kiosk_config *cfg)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 14, .tm_min = 5 };

	memset(s, 0, sizeof *s);
	sample_add(s, "name", xstrdup("张伟"));
	sample_add(s, "tries", voice_number(v, 2));
	sample_add(s, "seconds", voice_number(v, cfg->timeout_warning));
	sample_add(s, "width", voice_number(v, 72));
	sample_add(s, "height", voice_number(v, 20));
	sample_add(s, "balance", voice_money(v, 1234560));
	sample_add(s, "available", voice_money(v, 1001000));
	sample_add(s, "amount", voice_money(v, 10005));
	sample_add(s, "note", voice_money(v, 10000));
	sample_add(s, "max", voice_money(v, 500000));
	sample_add(s, "card", voice_card(v, "6222020200010001"));
	sample_add(s, "kiosk", xstrdup(cfg->kiosk_id));
	sample_add(s, "date", voice_date(v, &tm));
	sample_add(s, "time", voice_time(v, &tm));
}

static void
sample_free(struct sample *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->owned[i]);
}

static void
check_ltext(const char *where, const struct ltext *t, const struct sample *s,
    const char *zh_voice, const char *en_voice)
{
	const char *say = ltext_say(t, "zh");

	if (t->n == 0 || say == NULL)
		return;
	char *filled = text_fill(say, s->vars, s->n);
	check_text(where, filled, zh_voice, en_voice);
	free(filled);
}

static void
check_layouts(const struct kiosk_setup *k, const struct voice_rules *v, const struct sample *s,
    const char *zh_voice, const char *en_voice)
{
	char where[128];

	for (int i = 0; i < k->layouts.nscreens; i++) {
		const struct lscreen *ls = &k->layouts.screens[i];
		snprintf(where, sizeof where, "%s title", ls->name);
		check_ltext(where, &ls->title, s, zh_voice, en_voice);
		for (int j = 0; j < ls->nlines; j++) {
			snprintf(where, sizeof where, "%s line %d", ls->name, j + 1);
			check_ltext(where, &ls->lines[j], s, zh_voice, en_voice);
		}
		for (int j = 0; j < ls->nitems; j++) {
			const struct litem *it = &ls->items[j];
			const char *label = ltext_say(&it->label, "zh");
			if (label == NULL)
				continue;
			/* As the item is spoken: "取款，请按一". */
			struct text_var vars[] = {
				{ "label", label },
				{ "key", voice_key_name(v, keyfn_from_str(it->key)) },
			};
			char *said = text_fill(v->item, vars, 2);
			char *filled = text_fill(said, s->vars, s->n);
			snprintf(where, sizeof where, "%s item %d", ls->name, j + 1);
			check_text(where, filled, zh_voice, en_voice);
			free(said);
			free(filled);
		}
		snprintf(where, sizeof where, "%s prompt", ls->name);
		check_ltext(where, &ls->prompt, s, zh_voice, en_voice);
	}
	for (int i = 0; i < k->layouts.nmessages; i++) {
		snprintf(where, sizeof where, "message %s", k->layouts.messages[i].id);
		check_ltext(where, &k->layouts.messages[i].text, s, zh_voice, en_voice);
	}
}

/* The voice file's own phrases and spoken forms. */
static void
check_voice(const struct voice_rules *v, const char *zh_voice, const char *en_voice)
{
	static const long long amounts[] = { 0, 5, 20, 10005, 80000, 1234560, 100000000 };
	char where[64], *s;

	check_text("voice pin_digit", v->pin_digit, zh_voice, en_voice);
	struct text_var count[] = { { "count", NULL } };
	count[0].value = s = voice_number(v, 6);
	char *said = text_fill(v->digits_entered, count, 1);
	check_text("voice digits_entered", said, zh_voice, en_voice);
	free(said);
	free(s);
	for (int i = 0; i < KEYFN_COUNT; i++) {
		if (v->keys[i] == NULL)
			continue;
		snprintf(where, sizeof where, "voice keys.%s", keyfn_to_str((enum key_fn)i));
		check_text(where, v->keys[i], zh_voice, en_voice);
	}
	for (size_t i = 0; i < ARRAY_LEN(amounts); i++) {
		s = voice_money(v, amounts[i]);
		snprintf(where, sizeof where, "voice money %lld fen", amounts[i]);
		check_text(where, s, zh_voice, en_voice);
		free(s);
	}
	for (int h = 0; h < 24; h += 7) {
		struct tm tm = { .tm_year = 126 + h, .tm_mon = h / 2, .tm_mday = 1 + h,
			.tm_hour = h, .tm_min = h * 2 };
		s = voice_date(v, &tm);
		check_text("voice date", s, zh_voice, en_voice);
		free(s);
		s = voice_time(v, &tm);
		check_text("voice time", s, zh_voice, en_voice);
		free(s);
	}
	s = voice_card(v, "**** 9870");
	check_text("voice card", s, zh_voice, en_voice);
	free(s);
}

/* Texts with Latin words inside, as a bank may write them, and the holder's Latin name. */
static void
check_mixed(const struct kiosk_config *cfg, const char *zh_voice, const char *en_voice)
{
	static const char *const texts[] = {
		"请在ATM上输入PIN，然后按ENTER键。",
		"Zhang Wei，您好",
		"如需帮助，请按F1键。",
		"您的银行卡支持UnionPay和VISA。",
	};
	char buf[128];

	for (size_t i = 0; i < ARRAY_LEN(texts); i++)
		check_text("sample", texts[i], zh_voice, en_voice);
	snprintf(buf, sizeof buf, "机号：%s", cfg->kiosk_id);
	check_text("sample kiosk", buf, zh_voice, en_voice);
}

int
main(int argc, char **argv)
{
	const char *zh_voice = NULL, *en_voice = NULL;
	int expect_not_mandarin = 0;
	struct kiosk_setup k;
	struct diag_list d = {0};
	struct sample s;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--zh-voice") == 0 && i + 1 < argc) {
			zh_voice = argv[++i];
		} else if (strcmp(argv[i], "--expect-not-mandarin") == 0) {
			expect_not_mandarin = 1;
		} else {
			fprintf(stderr, "usage: test_phonemes [--zh-voice VOICE] "
			    "[--expect-not-mandarin]\n");
			return 2;
		}
	}
	char *version_argv[] = { "espeak-ng", "--version", NULL };
	char *version = espeak(version_argv);
	if (version == NULL) {
		fprintf(stderr, "espeak-ng is not installed: skipped\n");
		return 77;
	}
	free(version);
	if (regcomp(&mandarin_word, MANDARIN_WORD, REG_EXTENDED | REG_NOSUB) != 0) {
		fprintf(stderr, "bad pattern\n");
		return 2;
	}

	/* The checks themselves: English phonemes are not Mandarin, and the other way. */
	CHECK(check_mandarin("卡", "kh'A21_|") == NULL);
	CHECK(check_mandarin("card", "k'A@d") != NULL);
	CHECK(check_mandarin("余额", ";'y35_| (en)E33tu:11(cmn)_|") != NULL);
	CHECK(check_mandarin("PIN", "ph'i55n_|") != NULL);
	CHECK(check_mandarin("。", "") != NULL);
	CHECK(check_english("k'A@d 'EndIN") == NULL);
	CHECK(check_english("ts.'a51N_|") != NULL);

	tc_setup(NULL);
	CHECK(config_load_all(tc_path("kiosk.yaml"), &k, &d) == 0);
	tc_expect("shipped configuration", &d, NO_DIAGS);
	diag_free(&d);
	const struct speech_lang *zh = config_speech(&k.cfg, "zh");
	const struct speech_lang *en = config_speech(&k.cfg, "en");
	const struct voice_rules *v = voice_for(&k.voices, "zh");
	CHECK(zh != NULL && en != NULL && v != NULL);
	if (zh == NULL || en == NULL || v == NULL) {
		kiosk_setup_free(&k);
		tc_cleanup();
		return 1;
	}
	/* The stock cmn voice of espeak-ng 1.51 misreads most characters. */
	if (zh->voice == NULL || strcasecmp(zh->voice, ZH_VOICE) != 0) {
		fprintf(stderr, "kiosk.yaml: speech.zh.voice is \"%s\", expected %s\n",
		    zh->voice ? zh->voice : "(none)", ZH_VOICE);
		test_failures++;
	}
	if (zh_voice == NULL)
		zh_voice = zh->voice;
	en_voice = en->voice;
	printf("zh voice %s, en voice %s\n", zh_voice, en_voice);

	sample_fill(&s, v, &k.cfg);
	check_layouts(&k, v, &s, zh_voice, en_voice);
	check_voice(v, zh_voice, en_voice);
	check_mixed(&k.cfg, zh_voice, en_voice);
	sample_free(&s);
	kiosk_setup_free(&k);
	tc_cleanup();
	regfree(&mandarin_word);

	printf("%d runs: %d not Mandarin, %d not English\n", nruns, not_mandarin, not_english);
	if (expect_not_mandarin) {
		/* Only the Mandarin check is on trial: the rest must still hold. */
		if (not_mandarin == 0) {
			fprintf(stderr, "voice %s: every zh run passed as Mandarin; the check "
			    "would not catch it\n", zh_voice);
			test_failures++;
		}
		return test_failures > 0 || not_english > 0 ? 1 : 0;
	}
	return test_failures > 0 || not_mandarin > 0 || not_english > 0 ? 1 : 0;
}
