/* kiosk.yaml: the shipped file loads; every kind of mistake is reported at its place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "config/config.h"
#include "config/setup.h"
#include "test_config.h"

/* Line numbers in the expectations below refer to this file. */
static const char base[] =
    "kiosk_id: T-01\n"					/* 1 */
    "languages:\n"					/* 2 */
    "  offered: [zh, en]\n"				/* 3 */
    "  default: zh\n"					/* 4 */
    "adapter:\n"					/* 5 */
    "  socket: var/run/bankd.sock\n"			/* 6 */
    "  public_key: var/keys/adapter.pub\n"		/* 7 */
    "  timeout_ms: 5000\n"				/* 8 */
    "kiosk_key: var/keys/kiosk.key\n"			/* 9 */
    "layouts: layouts\n"				/* 10 */
    "voice: voice\n"					/* 11 */
    "devices:\n"					/* 12 */
    "  socket: var/run/devices.sock\n"			/* 13 */
    "timeouts:\n"					/* 14 */
    "  idle: 60\n"					/* 15 */
    "  warning: 20\n"					/* 16 */
    "  pin: 90\n"					/* 17 */
    "  take: 30\n"					/* 18 */
    "audio:\n"						/* 19 */
    "  output: none\n"					/* 20 */
    "speech:\n"						/* 21 */
    "  zh: { voice: cmn-latn-pinyin, rate: 150, volume: 100 }\n" /* 22 */
    "  en: { voice: en-us, rate: 160, volume: 100 }\n"	/* 23 */
    "keymap:\n"						/* 24 */
    "  REPEAT: [\"*\", r]\n"				/* 25 */
    "log: var/kiosk.log\n"				/* 26 */
    "demo: false\n";					/* 27 */

static void
test_shipped(void)
{
	struct kiosk_setup s;
	struct diag_list d = {0};
	char want[600];

	tc_setup(NULL);
	CHECK(config_load_all(tc_path("kiosk.yaml"), &s, &d) == 0);
	tc_expect("shipped", &d, NO_DIAGS);
	const struct kiosk_config *c = &s.cfg;
	CHECK_STR(c->kiosk_id, "BR001-K01");
	CHECK(c->nlanguages == 2);
	CHECK_STR(c->languages[0], "zh");
	CHECK_STR(c->languages[1], "en");
	CHECK_STR(c->default_language, "zh");
	CHECK_STR(c->adapter_public_key, tc_path("var/keys/adapter.pub"));
	CHECK_STR(c->adapter_socket, tc_path("var/run/bankd.sock"));
	CHECK_STR(c->kiosk_key, tc_path("var/keys/kiosk.key"));
	CHECK(c->transfer_large_fen == 500000 && c->fraud_withdrawal_fen == 200000);
	CHECK(c->fraud_cooling_off == 15);
	CHECK_STR(c->layouts_dir, tc_path("layouts"));
	CHECK_STR(c->voice_dir, tc_path("voice"));
	CHECK_STR(c->device_socket, tc_path("var/run/devices.sock"));
	CHECK_STR(c->log_file, tc_path("var/kiosk.log"));
	snprintf(want, sizeof want, "%s", tc_path(""));
	want[strlen(want) - 1] = '\0';
	CHECK_STR(c->dir, want);
	CHECK(c->adapter_timeout_ms == 5000);
	CHECK(c->timeout_idle == 60 && c->timeout_warning == 20);
	CHECK(c->timeout_pin == 90 && c->timeout_take == 30);
	CHECK_STR(c->audio, "alsa");
	CHECK(c->demo == 1);
	CHECK(c->nspeech == 2);
	CHECK_STR(config_speech(c, "zh")->voice, "cmn-latn-pinyin");
	CHECK(config_speech(c, "zh")->rate == 150);
	CHECK_STR(config_speech(c, "en")->voice, "en-us");
	CHECK(config_speech(c, "fr") == NULL);
	CHECK(config_key_fn(c, "Escape") == KEYFN_CANCEL);
	CHECK(config_key_fn(c, "KP_Enter") == KEYFN_ENTER);
	CHECK(config_key_fn(c, "7") == KEYFN_7);
	CHECK(config_key_fn(c, "F12") == KEYFN_SPEECH);
	CHECK(config_key_fn(c, "q") == KEYFN_NONE);
	CHECK_STR(c->lp_theme, "white-on-black");
	CHECK_STR(c->lp_font, "/usr/share/unifont/unifont.hex");
	CHECK(c->lp_cell_height_mm == 12.5 && c->lp_viewing_distance_mm == 500);
	CHECK(s.layouts.nscreens == screen_count());
	CHECK(s.layouts.nmessages == message_count());
	CHECK(s.voices.n == 2);
	kiosk_setup_free(&s);
	diag_free(&d);
}

/* The shipped kiosk.yaml as it is in a fresh checkout: keys not generated yet. */
static void
test_shipped_without_keys(void)
{
	tc_setup(NULL);
	tc_remove("var/keys/adapter.pub");
	tc_remove("var/keys/kiosk.key");
	tc_expect_all("shipped without keys", DIAGS(
	    "T/kiosk.yaml:15:15: adapter.public_key: file not found: T/var/keys/adapter.pub",
	    "T/kiosk.yaml:19:12: kiosk_key: file not found: T/var/keys/kiosk.key"));
}

static void
test_base(void)
{
	struct kiosk_config c;
	struct diag_list d = {0};

	tc_setup(base);
	CHECK(config_load(tc_path("kiosk.yaml"), &c, &d) == 0);
	tc_expect("base", &d, NO_DIAGS);
	CHECK_STR(c.audio, "none");
	CHECK(c.demo == 0);
	/* REPEAT replaced: "*" and "r", no longer KP_Multiply. */
	CHECK(config_key_fn(&c, "r") == KEYFN_REPEAT);
	CHECK(config_key_fn(&c, "*") == KEYFN_REPEAT);
	CHECK(config_key_fn(&c, "KP_Multiply") == KEYFN_NONE);
	CHECK(c.where_layouts.line == 10 && c.where_layouts.column == 10);
	CHECK(c.where_voice.line == 11 && c.where_voice.column == 8);
	config_free(&c);
	diag_free(&d);
	tc_expect_all("base (all)", NO_DIAGS);
}

/* Defaults of the optional settings. */
static void
test_defaults(void)
{
	struct kiosk_config c;
	struct diag_list d = {0};

	tc_setup(base);
	tc_replace("kiosk.yaml", "  timeout_ms: 5000\n", "");
	tc_replace("kiosk.yaml", "timeouts:\n  idle: 60\n  warning: 20\n  pin: 90\n  take: 30\n", "");
	tc_replace("kiosk.yaml", "audio:\n  output: none\n", "");
	tc_replace("kiosk.yaml", "keymap:\n  REPEAT: [\"*\", r]\n", "");
	tc_replace("kiosk.yaml", "log: var/kiosk.log\n", "");
	tc_replace("kiosk.yaml", "demo: false\n", "");
	tc_replace("kiosk.yaml", ", rate: 160, volume: 100", "");
	CHECK(config_load(tc_path("kiosk.yaml"), &c, &d) == 0);
	tc_expect("defaults", &d, NO_DIAGS);
	CHECK(c.adapter_timeout_ms == 5000);
	CHECK(c.timeout_idle == 60 && c.timeout_warning == 20);
	CHECK(c.timeout_pin == 90 && c.timeout_take == 30);
	CHECK_STR(c.audio, "alsa");
	CHECK(c.log_file == NULL);
	CHECK(c.demo == 0);
	CHECK(config_speech(&c, "en")->rate == 160 && config_speech(&c, "en")->volume == 100);
	CHECK(config_key_fn(&c, "KP_Multiply") == KEYFN_REPEAT);
	CHECK_STR(c.lp_theme, "white-on-black");
	CHECK_STR(c.lp_font, "/usr/share/unifont/unifont.hex");
	CHECK(c.lp_cell_height_mm == 0 && c.lp_viewing_distance_mm == 0);
	CHECK(c.where_lp_theme.line == 0 && c.where_lp_font.line == 0);
	CHECK(c.where_fkeys.line == 0 && config_fkey(&c, "F1") == NULL);
	CHECK(c.transfer_large_fen == 500000);
	CHECK(c.fraud_cooling_off == 15 && c.fraud_withdrawal_fen == 200000);
	CHECK(c.staff_wait_max == 300);
	config_free(&c);
	diag_free(&d);
}

/* The base file with extra settings at its end, which load without a problem. */
static void
load_with(const char *name, const char *extra, struct kiosk_config *c)
{
	struct diag_list d = {0};
	char text[256];

	snprintf(text, sizeof text, "demo: false\n%s", extra);
	tc_setup(base);
	tc_replace("kiosk.yaml", "demo: false\n", text);
	CHECK(config_load(tc_path("kiosk.yaml"), c, &d) == 0);
	tc_expect(name, &d, NO_DIAGS);
	diag_free(&d);
}

/* transfer and fraud: the alert and warning thresholds in whole yuan, kept in fen, and
 * the cooling-off in seconds. */
static void
test_fraud(void)
{
	static const struct {
		const char *text;
		int64_t large_fen, withdrawal_fen;
		int cooling;
	} v[] = {
		{ "transfer:\nfraud:\n", 500000, 200000, 15 },
		{ "transfer: { large_amount: 1 }\n", 100, 200000, 15 },
		{ "fraud:\n  cooling_off: 5\n  withdrawal_warning: 1000000\n", 500000,
		    100000000, 5 },
		{ "transfer:\n  large_amount: 20000\nfraud: { cooling_off: 120 }\n", 2000000,
		    200000, 120 },
	};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		struct kiosk_config c;
		load_with("fraud", v[i].text, &c);
		CHECK(c.transfer_large_fen == v[i].large_fen);
		CHECK(c.fraud_withdrawal_fen == v[i].withdrawal_fen);
		CHECK(c.fraud_cooling_off == v[i].cooling);
		config_free(&c);
	}
}

/* keypad: the same key again within double_strike_ms is ignored (EN 301 549 5.8); a
 * window that suits a tremor unless kiosk.yaml says otherwise, 0 for none. */
static void
test_keypad(void)
{
	static const struct { const char *text; int ms; } v[] = {
		{ "", 500 },
		{ "keypad:\n  double_strike_ms: 0\n", 0 },
		{ "keypad:\n  double_strike_ms: 1000\n", 1000 },
		{ "keypad: { double_strike_ms: 250 }\n", 250 },
	};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		struct kiosk_config c;
		load_with("keypad", v[i].text, &c);
		CHECK(c.double_strike_ms == v[i].ms);
		config_free(&c);
	}
}

/* large_print: read into the fields the kiosk uses; the font taken from kiosk.yaml's
 * directory, and not looked for. */
static void
test_large_print(void)
{
	struct kiosk_config c;
	struct diag_list d = {0};

	tc_setup(base);
	tc_replace("kiosk.yaml", "demo: false\n", "demo: false\nlarge_print:\n"
	    "  theme: black-on-yellow\n"	/* 29 */
	    "  font: fonts/none.hex\n"		/* 30 */
	    "  cell_height_mm: 9.5\n"
	    "  viewing_distance_mm: 500\n");
	CHECK(config_load(tc_path("kiosk.yaml"), &c, &d) == 0);
	tc_expect("large_print", &d, NO_DIAGS);
	CHECK_STR(c.lp_theme, "black-on-yellow");
	CHECK_STR(c.lp_font, tc_path("fonts/none.hex"));
	CHECK(c.lp_cell_height_mm == 9.5);
	CHECK(c.lp_viewing_distance_mm == 500);
	CHECK(c.where_lp_theme.line == 29 && c.where_lp_theme.column == 10);
	CHECK(c.where_lp_font.line == 30 && c.where_lp_font.column == 9);
	config_free(&c);
	diag_free(&d);
}

/* The example of docs/configuration.md, after line 27 of base. */
#define FKEYS_EXAMPLE \
    "function_keys:\n"					/* 28 */ \
    "  F1: { side: left, at_percent: 35 }\n"		/* 29 */ \
    "  F2: { side: left, at_percent: 50 }\n" \
    "  F3: { side: left, at_percent: 65 }\n" \
    "  F4: { side: left, at_percent: 80 }\n" \
    "  F5: { side: right, at_percent: 35 }\n" \
    "  F6: { side: right, at_percent: 50 }\n" \
    "  F7: { side: right, at_percent: 65 }\n" \
    "  F8: { side: right, at_percent: 80 }\n"		/* 36 */

/* function_keys: every key placed; an item key that is a digit or no side key has none. */
static void
test_function_keys(void)
{
	struct kiosk_config c;
	struct diag_list d = {0};

	tc_setup(base);
	tc_replace("kiosk.yaml", "demo: false\n", "demo: false\n" FKEYS_EXAMPLE);
	CHECK(config_load(tc_path("kiosk.yaml"), &c, &d) == 0);
	tc_expect("function_keys", &d, NO_DIAGS);
	CHECK(c.where_fkeys.line == 29 && c.where_fkeys.column == 3);
	for (int i = 0; i < CONFIG_FKEYS; i++) {
		CHECK(c.fkeys[i].side == (i < 4 ? FKEY_LEFT : FKEY_RIGHT));
		CHECK(c.fkeys[i].at_percent == 35 + 15 * (i % 4));
		CHECK(c.fkeys[i].where.line == 29 + i && c.fkeys[i].where.column == 7);
	}
	const struct fkey_place *f3 = config_fkey(&c, "F3"), *f8 = config_fkey(&c, "F8");
	CHECK(f3 == &c.fkeys[2] && f3->side == FKEY_LEFT && f3->at_percent == 65);
	CHECK(f8 == &c.fkeys[7] && f8->side == FKEY_RIGHT && f8->at_percent == 80);
	CHECK(config_fkey(&c, "1") == NULL);
	CHECK(config_fkey(&c, "F9") == NULL);
	CHECK(config_fkey(&c, "F10") == NULL);
	CHECK(config_fkey(&c, "F") == NULL);
	CHECK(config_fkey(&c, "") == NULL);
	/* 35 % of 24 rows is 8.4, of 43 rows 15.05; 80 %: 19.2 and 34.4. */
	CHECK(config_fkey_row(config_fkey(&c, "F1"), 24) == 8);
	CHECK(config_fkey_row(config_fkey(&c, "F1"), 43) == 15);
	CHECK(config_fkey_row(config_fkey(&c, "F4"), 24) == 19);
	CHECK(config_fkey_row(config_fkey(&c, "F4"), 43) == 34);
	CHECK(config_fkey_row(&(struct fkey_place){ FKEY_LEFT, 0, {0, 0} }, 24) == 0);
	CHECK(config_fkey_row(&(struct fkey_place){ FKEY_LEFT, 100, {0, 0} }, 24) == 23);
	config_free(&c);
	diag_free(&d);

	/* Only some keys, on one side: the others stay with the rest of the items. */
	tc_setup(base);
	tc_replace("kiosk.yaml", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F2: { side: right, at_percent: 20 }\n"
	    "  F1: { side: right, at_percent: 10 }\n");
	CHECK(config_load(tc_path("kiosk.yaml"), &c, &d) == 0);
	tc_expect("function_keys, two", &d, NO_DIAGS);
	CHECK(config_fkey(&c, "F1") != NULL && config_fkey(&c, "F1")->at_percent == 10);
	CHECK(config_fkey(&c, "F2") != NULL && config_fkey(&c, "F2")->side == FKEY_RIGHT);
	CHECK(config_fkey(&c, "F3") == NULL && c.fkeys[2].where.line == 0);
	config_free(&c);
	diag_free(&d);

	/* Every entry commented out: present, but nothing placed. */
	tc_setup(base);
	tc_replace("kiosk.yaml", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "#  F1: { side: left, at_percent: 35 }\n");
	CHECK(config_load(tc_path("kiosk.yaml"), &c, &d) == 0);
	tc_expect("function_keys, empty", &d, NO_DIAGS);
	CHECK(c.where_fkeys.line == 28);
	for (int i = 0; i < CONFIG_FKEYS; i++)
		CHECK(c.fkeys[i].side == FKEY_NONE);
	config_free(&c);
	diag_free(&d);
}

struct kcase {
	const char *name;
	const char *old, *new_text; /* replaced in the base kiosk.yaml */
	const char *const *expected;
};

static const struct kcase cases[] = {
	{ "syntax error", "  offered: [zh, en]\n", "  offered: [zh, en\n", DIAGS(
	    "T/kiosk.yaml:4:10: syntax error: did not find expected ',' or ']' "
	    "(while parsing a flow sequence at line 3 column 12)") },
	{ "tab indentation", "  default: zh\n", "\tdefault: zh\n", DIAGS(
	    "T/kiosk.yaml:4:1: syntax error: found character that cannot start any token "
	    "(while scanning for the next token at line 4 column 1)") },
	{ "unknown key", "demo: false\n", "demo: false\ntimout: 5\n", DIAGS(
	    "T/kiosk.yaml:28:1: timout: unknown key (did you mean \"timeouts\"?)") },
	{ "unknown nested key", "  timeout_ms: 5000\n", "  timeout_ms: 5000\n  retries: 3\n", DIAGS(
	    "T/kiosk.yaml:9:3: adapter.retries: unknown key") },
	{ "duplicate key", "demo: false\n", "demo: false\nkiosk_id: X\n", DIAGS(
	    "T/kiosk.yaml:28:1: kiosk_id: duplicate key (first at line 1)") },
	{ "mapping for a string", "kiosk_id: T-01\n", "kiosk_id: { a: 1 }\n", DIAGS(
	    "T/kiosk.yaml:1:11: kiosk_id: expected a string, found a mapping") },
	{ "list for a mapping", "audio:\n  output: none\n", "audio: [none]\n", DIAGS(
	    "T/kiosk.yaml:19:8: audio: expected a mapping, found a list") },
	{ "empty string value", "kiosk_key: var/keys/kiosk.key\n", "kiosk_key:\n", DIAGS(
	    "T/kiosk.yaml:9:11: kiosk_key: expected a string, found nothing") },
	{ "bad kiosk id", "kiosk_id: T-01\n", "kiosk_id: \"T 01\"\n", DIAGS(
	    "T/kiosk.yaml:1:11: kiosk_id: use at most 32 letters, digits, \"-\" or \"_\", "
	    "not \"T 01\"") },
	{ "not a number", "  idle: 60\n", "  idle: 1m\n", DIAGS(
	    "T/kiosk.yaml:15:9: timeouts.idle: expected a whole number, found \"1m\"") },
	{ "mapping for a number", "  timeout_ms: 5000\n", "  timeout_ms: { ms: 5 }\n", DIAGS(
	    "T/kiosk.yaml:8:15: adapter.timeout_ms: expected a whole number, found a mapping") },
	{ "fraction", "  timeout_ms: 5000\n", "  timeout_ms: 50.5\n", DIAGS(
	    "T/kiosk.yaml:8:15: adapter.timeout_ms: expected a whole number, found \"50.5\"") },
	{ "timeout out of range", "  timeout_ms: 5000\n", "  timeout_ms: 50\n", DIAGS(
	    "T/kiosk.yaml:8:15: adapter.timeout_ms: 50 is out of range (100..60000)") },
	{ "idle out of range", "  idle: 60\n", "  idle: 601\n", DIAGS(
	    "T/kiosk.yaml:15:9: timeouts.idle: 601 is out of range (10..600)") },
	{ "huge number", "  idle: 60\n", "  idle: 99999999999999999999999\n", DIAGS(
	    "T/kiosk.yaml:15:9: timeouts.idle: expected a whole number, "
	    "found \"99999999999999999999999\"") },
	{ "warning not below idle", "  idle: 60\n", "  idle: 20\n", DIAGS(
	    "T/kiosk.yaml:16:12: timeouts.warning: 20 must be less than timeouts.idle (20)") },
	{ "warning not below take", "  warning: 20\n", "  warning: 30\n", DIAGS(
	    "T/kiosk.yaml:16:12: timeouts.warning: 30 must be less than timeouts.take (30)") },
	{ "warning zero", "  warning: 20\n", "  warning: 0\n", DIAGS(
	    "T/kiosk.yaml:16:12: timeouts.warning: 0 is out of range (1..600)") },
	{ "rate out of range", "rate: 160", "rate: 1000", DIAGS(
	    "T/kiosk.yaml:23:29: speech.en.rate: 1000 is out of range (80..450)") },
	{ "volume out of range", "rate: 150, volume: 100", "rate: 150, volume: -1", DIAGS(
	    "T/kiosk.yaml:22:52: speech.zh.volume: -1 is out of range (0..200)") },
	{ "missing required", "kiosk_id: T-01\n", "", DIAGS(
	    "T/kiosk.yaml:1:1: missing required key \"kiosk_id\"") },
	{ "missing nested required", "  public_key: var/keys/adapter.pub\n", "", DIAGS(
	    "T/kiosk.yaml:6:3: adapter: missing required key \"public_key\"") },
	{ "missing key file", "kiosk_key: var/keys/kiosk.key\n", "kiosk_key: var/keys/nope.key\n",
	    DIAGS("T/kiosk.yaml:9:12: kiosk_key: file not found: T/var/keys/nope.key") },
	{ "key file is a directory", "  public_key: var/keys/adapter.pub\n",
	    "  public_key: var/keys\n", DIAGS(
	    "T/kiosk.yaml:7:15: adapter.public_key: not a regular file: T/var/keys") },
	{ "missing layouts dir", "layouts: layouts\n", "layouts: screens\n", DIAGS(
	    "T/kiosk.yaml:10:10: layouts: directory not found: T/screens") },
	{ "voice dir is a file", "voice: voice\n", "voice: kiosk.yaml\n", DIAGS(
	    "T/kiosk.yaml:11:8: voice: not a directory: T/kiosk.yaml") },
	{ "default not offered", "  default: zh\n", "  default: fr\n", DIAGS(
	    "T/kiosk.yaml:4:12: languages.default: \"fr\" is not one of the offered "
	    "languages (zh, en)") },
	{ "no language offered", "  offered: [zh, en]\n", "  offered: []\n", DIAGS(
	    "T/kiosk.yaml:3:12: languages.offered: name at least one language",
	    "T/kiosk.yaml:4:12: languages.default: \"zh\" is not one of the offered "
	    "languages ()") },
	{ "language offered twice", "  offered: [zh, en]\n", "  offered: [zh, en, zh]\n", DIAGS(
	    "T/kiosk.yaml:3:21: languages.offered.3: \"zh\" is offered twice") },
	{ "bad language code", "  offered: [zh, en]\n", "  offered: [zh, EN]\n", DIAGS(
	    "T/kiosk.yaml:3:17: languages.offered.2: \"EN\" is not a language code "
	    "(like zh or en)",
	    /* and so the layouts' English choice is no longer an offered language */
	    "T/layouts/language.yaml:8:13: items.2.choice: \"en\" is not an offered "
	    "language (zh)") },
	{ "speech missing a language", "  en: { voice: en-us, rate: 160, volume: 100 }\n", "",
	    DIAGS("T/kiosk.yaml:22:3: speech: missing settings for language \"en\"") },
	{ "speech missing voice", "{ voice: en-us, rate: 160, volume: 100 }",
	    "{ rate: 160, volume: 100 }", DIAGS(
	    "T/kiosk.yaml:23:7: speech.en: missing required key \"voice\"") },
	{ "speech bad voice name", "voice: en-us,", "voice: \"en us\",", DIAGS(
	    "T/kiosk.yaml:23:16: speech.en.voice: \"en us\" is not an espeak-ng voice name") },
	{ "speech for a language not offered is still checked", "speech:\n",
	    "speech:\n  fr: { voice: fr, rate: 10 }\n", DIAGS(
	    "T/kiosk.yaml:22:26: speech.fr.rate: 10 is out of range (80..450)") },
	{ "keymap unknown function", "  REPEAT: [\"*\", r]\n", "  CANSEL: [Escape]\n", DIAGS(
	    "T/kiosk.yaml:25:3: keymap.CANSEL: unknown key function (did you mean \"CANCEL\"?)") },
	{ "keymap unknown key", "  REPEAT: [\"*\", r]\n", "  CANCEL: [Esc]\n", DIAGS(
	    "T/kiosk.yaml:25:12: keymap.CANCEL: unknown key name \"Esc\"") },
	{ "keymap duplicate binding with a default", "  REPEAT: [\"*\", r]\n",
	    "  CANCEL: [Backspace]\n", DIAGS(
	    "T/kiosk.yaml:25:12: keymap.CANCEL: key \"Backspace\" is already bound to CLEAR "
	    "by default; rebind that function too") },
	{ "keymap duplicate binding", "  REPEAT: [\"*\", r]\n",
	    "  CANCEL: [Escape, q]\n  CLEAR: [q]\n", DIAGS(
	    "T/kiosk.yaml:26:11: keymap.CLEAR: key \"q\" is already bound to CANCEL") },
	{ "keymap swap is fine", "  REPEAT: [\"*\", r]\n",
	    "  CANCEL: Backspace\n  CLEAR: [Escape]\n", NO_DIAGS },
	{ "keymap key listed twice", "  REPEAT: [\"*\", r]\n", "  REPEAT: [r, r]\n", DIAGS(
	    "T/kiosk.yaml:25:15: keymap.REPEAT: key \"r\" is listed twice") },
	{ "keymap empty list", "  REPEAT: [\"*\", r]\n", "  CANCEL: []\n", DIAGS(
	    "T/kiosk.yaml:25:11: keymap.CANCEL: needs at least one key") },
	{ "keymap left empty", "  REPEAT: [\"*\", r]\n", "", NO_DIAGS },
	{ "keymap mapping value", "  REPEAT: [\"*\", r]\n", "  CANCEL: { a: b }\n", DIAGS(
	    "T/kiosk.yaml:25:11: keymap.CANCEL: expected a list of key names, found a mapping") },
	{ "audio bad", "  output: none\n", "  output: pulse\n", DIAGS(
	    "T/kiosk.yaml:20:11: audio.output: expected alsa, alsa:DEVICE, wav:FILE or none, "
	    "found \"pulse\"") },
	{ "audio alsa device", "  output: none\n", "  output: \"alsa:hw:1,0\"\n", NO_DIAGS },
	{ "audio wav in a missing dir", "  output: none\n", "  output: wav:out/speech.wav\n",
	    DIAGS("T/kiosk.yaml:20:11: audio.output: directory not found for the WAV file: T/out") },
	{ "demo not a boolean", "demo: false\n", "demo: maybe\n", DIAGS(
	    "T/kiosk.yaml:27:7: demo: expected true or false, found \"maybe\"") },
	/* Only the words docs/configuration.md names, not YAML 1.1's yes, no, on, off. */
	{ "demo yes", "demo: false\n", "demo: yes\n", DIAGS(
	    "T/kiosk.yaml:27:7: demo: expected true or false, found \"yes\"") },
	{ "demo off", "demo: false\n", "demo: off\n", DIAGS(
	    "T/kiosk.yaml:27:7: demo: expected true or false, found \"off\"") },
	{ "demo capitalised", "demo: false\n", "demo: True\n", DIAGS(
	    "T/kiosk.yaml:27:7: demo: expected true or false, found \"True\"") },
	{ "demo quoted", "demo: false\n", "demo: \"true\"\n", DIAGS(
	    "T/kiosk.yaml:27:7: demo: expected true or false without quotes, found the text "
	    "\"true\"") },
	{ "blank_screen quoted", "demo: false\n", "demo: false\nblank_screen: 'false'\n", DIAGS(
	    "T/kiosk.yaml:28:15: blank_screen: expected true or false without quotes, found "
	    "the text \"false\"") },
	{ "blank_screen a list", "demo: false\n", "demo: false\nblank_screen: [true]\n", DIAGS(
	    "T/kiosk.yaml:28:15: blank_screen: expected true or false, found a list") },
	{ "large_print unknown theme", "demo: false\n",
	    "demo: false\nlarge_print:\n  theme: white-on-blak\n", DIAGS(
	    "T/kiosk.yaml:29:10: large_print.theme: unknown theme \"white-on-blak\" (did you "
	    "mean \"white-on-black\"?); the themes are white-on-black, black-on-yellow, "
	    "yellow-on-black, black-on-white") },
	{ "large_print theme nothing like one", "demo: false\n",
	    "demo: false\nlarge_print:\n  theme: pink\n", DIAGS(
	    "T/kiosk.yaml:29:10: large_print.theme: unknown theme \"pink\"; the themes are "
	    "white-on-black, black-on-yellow, yellow-on-black, black-on-white") },
	{ "large_print cell height zero", "demo: false\n",
	    "demo: false\nlarge_print:\n  cell_height_mm: 0\n", DIAGS(
	    "T/kiosk.yaml:29:19: large_print.cell_height_mm: 0 is out of range (1..50)") },
	{ "large_print cell height too large", "demo: false\n",
	    "demo: false\nlarge_print:\n  cell_height_mm: 50.5\n", DIAGS(
	    "T/kiosk.yaml:29:19: large_print.cell_height_mm: 50.5 is out of range (1..50)") },
	{ "large_print cell height negative", "demo: false\n",
	    "demo: false\nlarge_print:\n  cell_height_mm: -9.5\n", DIAGS(
	    "T/kiosk.yaml:29:19: large_print.cell_height_mm: -9.5 is out of range (1..50)") },
	{ "large_print cell height inf", "demo: false\n",
	    "demo: false\nlarge_print:\n  cell_height_mm: inf\n", DIAGS(
	    "T/kiosk.yaml:29:19: large_print.cell_height_mm: expected a number, found \"inf\"") },
	{ "large_print cell height with a unit", "demo: false\n",
	    "demo: false\nlarge_print:\n  cell_height_mm: 9.5mm\n", DIAGS(
	    "T/kiosk.yaml:29:19: large_print.cell_height_mm: expected a number, "
	    "found \"9.5mm\"") },
	{ "large_print distance too short", "demo: false\n",
	    "demo: false\nlarge_print:\n  viewing_distance_mm: 150\n", DIAGS(
	    "T/kiosk.yaml:29:24: large_print.viewing_distance_mm: 150 is out of range "
	    "(200..2000)") },
	{ "large_print distance hex", "demo: false\n",
	    "demo: false\nlarge_print:\n  viewing_distance_mm: 0x1f4\n", DIAGS(
	    "T/kiosk.yaml:29:24: large_print.viewing_distance_mm: expected a number, "
	    "found \"0x1f4\"") },
	{ "large_print distance a list", "demo: false\n",
	    "demo: false\nlarge_print:\n  viewing_distance_mm: [500]\n", DIAGS(
	    "T/kiosk.yaml:29:24: large_print.viewing_distance_mm: expected a number, "
	    "found a list") },
	{ "large_print unknown key", "demo: false\n",
	    "demo: false\nlarge_print:\n  them: white-on-black\n", DIAGS(
	    "T/kiosk.yaml:29:3: large_print.them: unknown key (did you mean \"theme\"?)") },
	/* The kiosk falls back to its bundled font; kioskctl check warns. */
	{ "large_print missing font is fine", "demo: false\n",
	    "demo: false\nlarge_print:\n  font: fonts/none.hex\n", NO_DIAGS },
	{ "large_print left empty", "demo: false\n", "demo: false\nlarge_print:\n", NO_DIAGS },
	{ "function_keys bad side", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: middle, at_percent: 35 }\n", DIAGS(
	    "T/kiosk.yaml:29:15: function_keys.F1.side: expected left or right, "
	    "found \"middle\"") },
	{ "function_keys side a list", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: [left], at_percent: 35 }\n", DIAGS(
	    "T/kiosk.yaml:29:15: function_keys.F1.side: expected left or right, found a list") },
	{ "function_keys above the screen", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 101 }\n", DIAGS(
	    "T/kiosk.yaml:29:33: function_keys.F1.at_percent: 101 is out of range (0..100)") },
	{ "function_keys below the screen", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: -1 }\n", DIAGS(
	    "T/kiosk.yaml:29:33: function_keys.F1.at_percent: -1 is out of range (0..100)") },
	{ "function_keys at a word", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F5: { side: right, at_percent: high }\n", DIAGS(
	    "T/kiosk.yaml:29:34: function_keys.F5.at_percent: expected a whole number, "
	    "found \"high\"") },
	{ "function_keys at a fraction", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 35.5 }\n", DIAGS(
	    "T/kiosk.yaml:29:33: function_keys.F1.at_percent: expected a whole number, "
	    "found \"35.5\"") },
	{ "function_keys F9", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 35 }\n"
	    "  F9: { side: left, at_percent: 50 }\n", DIAGS(
	    "T/kiosk.yaml:30:3: function_keys.F9: unknown key (did you mean \"F1\"?)") },
	{ "function_keys lower case", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  f3: { side: left, at_percent: 35 }\n", DIAGS(
	    "T/kiosk.yaml:29:3: function_keys.f3: unknown key (did you mean \"F3\"?)") },
	{ "function_keys F10", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F10: { side: left, at_percent: 35 }\n", DIAGS(
	    "T/kiosk.yaml:29:3: function_keys.F10: unknown key (did you mean \"F1\"?)") },
	{ "function_keys missing side", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { at_percent: 35 }\n", DIAGS(
	    "T/kiosk.yaml:29:7: function_keys.F1: missing required key \"side\"") },
	{ "function_keys missing at_percent", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1:\n    side: left\n", DIAGS(
	    "T/kiosk.yaml:30:5: function_keys.F1: missing required key \"at_percent\"") },
	{ "function_keys unknown entry key", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 35, height: 5 }\n", DIAGS(
	    "T/kiosk.yaml:29:37: function_keys.F1.height: unknown key") },
	{ "function_keys entry not a mapping", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: left\n", DIAGS(
	    "T/kiosk.yaml:29:7: function_keys.F1: expected a mapping, found a single value") },
	{ "function_keys a list", "demo: false\n", "demo: false\nfunction_keys: [F1, F2]\n",
	    DIAGS("T/kiosk.yaml:28:16: function_keys: expected a mapping, found a list") },
	{ "function_keys duplicate", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 35 }\n"
	    "  F1: { side: left, at_percent: 50 }\n", DIAGS(
	    "T/kiosk.yaml:30:3: function_keys.F1: duplicate key (first at line 29)") },
	/* 50 % and 52 % of 24 rows are 12 and 12.48: both the 13th row. */
	{ "function_keys on one row", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 50 }\n"
	    "  F5: { side: right, at_percent: 50 }\n"
	    "  F2: { side: left, at_percent: 52 }\n", DIAGS(
	    "T/kiosk.yaml:31:33: function_keys.F2.at_percent: F2 and F1 are both level with "
	    "row 13 of a 24-row screen; keys on one side must be at least a row apart") },
	/* 48 % is row 12 (11.52 rounded), 47 % row 11: one row apart is enough. */
	{ "function_keys a row apart", "demo: false\n", "demo: false\nfunction_keys:\n"
	    "  F1: { side: left, at_percent: 48 }\n"
	    "  F2: { side: left, at_percent: 47 }\n", NO_DIAGS },
	/* Files and sockets the kiosk makes: their directories must be there. */
	{ "log in a missing directory", "log: var/kiosk.log\n", "log: gone/kiosk.log\n", DIAGS(
	    "T/kiosk.yaml:26:6: log: directory not found: T/gone") },
	{ "log a directory", "log: var/kiosk.log\n", "log: var\n", DIAGS(
	    "T/kiosk.yaml:26:6: log: T/var is a directory; name a file in it") },
	{ "log in a file", "log: var/kiosk.log\n", "log: kiosk.yaml/kiosk.log\n", DIAGS(
	    "T/kiosk.yaml:26:6: log: not a directory: T/kiosk.yaml") },
	{ "journal in a missing directory", "demo: false\n",
	    "demo: false\njournal: gone/journal\n", DIAGS(
	    "T/kiosk.yaml:28:10: journal: directory not found: T/gone") },
	{ "journal a directory", "demo: false\n", "demo: false\njournal: layouts\n", DIAGS(
	    "T/kiosk.yaml:28:10: journal: T/layouts is a directory; name a file in it") },
	{ "device socket in a missing directory", "  socket: var/run/devices.sock\n",
	    "  socket: var/gone/devices.sock\n", DIAGS(
	    "T/kiosk.yaml:13:11: devices.socket: directory not found: T/var/gone") },
	{ "keypad double strike too long", "demo: false\n",
	    "demo: false\nkeypad:\n  double_strike_ms: 1001\n", DIAGS(
	    "T/kiosk.yaml:29:21: keypad.double_strike_ms: 1001 is out of range (0..1000)") },
	{ "keypad double strike negative", "demo: false\n",
	    "demo: false\nkeypad:\n  double_strike_ms: -1\n", DIAGS(
	    "T/kiosk.yaml:29:21: keypad.double_strike_ms: -1 is out of range (0..1000)") },
	{ "keypad double strike in seconds", "demo: false\n",
	    "demo: false\nkeypad:\n  double_strike_ms: 0.5s\n", DIAGS(
	    "T/kiosk.yaml:29:21: keypad.double_strike_ms: expected a whole number, "
	    "found \"0.5s\"") },
	{ "keypad double strike a mapping", "demo: false\n",
	    "demo: false\nkeypad:\n  double_strike_ms: { ms: 500 }\n", DIAGS(
	    "T/kiosk.yaml:29:21: keypad.double_strike_ms: expected a whole number, "
	    "found a mapping") },
	{ "keypad unknown key", "demo: false\n",
	    "demo: false\nkeypad:\n  double_strike: 500\n", DIAGS(
	    "T/kiosk.yaml:29:3: keypad.double_strike: unknown key") },
	{ "keypad a list", "demo: false\n", "demo: false\nkeypad: [500]\n", DIAGS(
	    "T/kiosk.yaml:28:9: keypad: expected a mapping, found a list") },
	{ "keypad left empty", "demo: false\n", "demo: false\nkeypad:\n", NO_DIAGS },
	/* Fraud protection: amounts in whole yuan, the cooling-off in seconds. */
	{ "large amount zero", "demo: false\n",
	    "demo: false\ntransfer:\n  large_amount: 0\n", DIAGS(
	    "T/kiosk.yaml:29:17: transfer.large_amount: 0 is out of range (1..1000000)") },
	{ "large amount in fen", "demo: false\n",
	    "demo: false\ntransfer:\n  large_amount: 5000.00\n", DIAGS(
	    "T/kiosk.yaml:29:17: transfer.large_amount: expected a whole number, "
	    "found \"5000.00\"") },
	{ "large amount with a sign", "demo: false\n",
	    "demo: false\ntransfer:\n  large_amount: ¥5000\n", DIAGS(
	    "T/kiosk.yaml:29:17: transfer.large_amount: expected a whole number, "
	    "found \"¥5000\"") },
	{ "transfer unknown key", "demo: false\n",
	    "demo: false\ntransfer:\n  large_amout: 5000\n", DIAGS(
	    "T/kiosk.yaml:29:3: transfer.large_amout: unknown key (did you mean "
	    "\"large_amount\"?)") },
	{ "cooling off too short", "demo: false\n",
	    "demo: false\nfraud:\n  cooling_off: 4\n", DIAGS(
	    "T/kiosk.yaml:29:16: fraud.cooling_off: 4 is out of range (5..120)") },
	{ "cooling off too long", "demo: false\n",
	    "demo: false\nfraud:\n  cooling_off: 121\n", DIAGS(
	    "T/kiosk.yaml:29:16: fraud.cooling_off: 121 is out of range (5..120)") },
	{ "cooling off with a unit", "demo: false\n",
	    "demo: false\nfraud:\n  cooling_off: 15s\n", DIAGS(
	    "T/kiosk.yaml:29:16: fraud.cooling_off: expected a whole number, found \"15s\"") },
	{ "withdrawal warning negative", "demo: false\n",
	    "demo: false\nfraud:\n  withdrawal_warning: -2000\n", DIAGS(
	    "T/kiosk.yaml:29:23: fraud.withdrawal_warning: -2000 is out of range "
	    "(1..1000000)") },
	{ "withdrawal warning too large", "demo: false\n",
	    "demo: false\nfraud:\n  withdrawal_warning: 1000001\n", DIAGS(
	    "T/kiosk.yaml:29:23: fraud.withdrawal_warning: 1000001 is out of range "
	    "(1..1000000)") },
	{ "fraud a list", "demo: false\n", "demo: false\nfraud: [15]\n", DIAGS(
	    "T/kiosk.yaml:28:8: fraud: expected a mapping, found a list") },
	{ "fraud misspelt", "demo: false\n", "demo: false\nfruad:\n  cooling_off: 15\n",
	    DIAGS("T/kiosk.yaml:28:1: fruad: unknown key (did you mean \"fraud\"?)") },
	{ "staff wait too long", "demo: false\n",
	    "demo: false\nstaff:\n  wait_max: 1801\n", DIAGS(
	    "T/kiosk.yaml:29:13: staff.wait_max: 1801 is out of range (1..1800)") },
	{ "staff unknown key", "demo: false\n", "demo: false\nstaff:\n  wait_mx: 300\n", DIAGS(
	    "T/kiosk.yaml:29:3: staff.wait_mx: unknown key (did you mean \"wait_max\"?)") },
	{ "every error of a file at once", "  idle: 60\n  warning: 20\n",
	    "  idle: x\n  warning: 20\n  speed: 1\n", DIAGS(
	    "T/kiosk.yaml:15:9: timeouts.idle: expected a whole number, found \"x\"",
	    "T/kiosk.yaml:17:3: timeouts.speed: unknown key") },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct kcase *k = &cases[i];
		tc_setup(base);
		tc_replace("kiosk.yaml", k->old, k->new_text);
		tc_expect_all(k->name, k->expected);
	}

	/* A socket path longer than sun_path holds. */
	char name[200], line[300], want[800];
	memset(name, 'a', 150);
	name[150] = '\0';
	tc_setup(base);
	snprintf(line, sizeof line, "  socket: var/run/%s\n", name);
	tc_replace("kiosk.yaml", "  socket: var/run/devices.sock\n", line);
	snprintf(want, sizeof want, "T/kiosk.yaml:13:11: devices.socket: path too long for a "
	    "socket (%zu bytes, at most 107): T/var/run/%s", strlen(tc_path("var/run/")) + 150,
	    name);
	tc_expect_all("socket path too long", DIAGS(want));
}

static void
test_secret_key_mode(void)
{
	tc_setup(base);
	chmod(tc_path("var/keys/kiosk.key"), 0644);
	tc_expect_all("readable secret key", DIAGS(
	    "T/kiosk.yaml:9:12: kiosk_key: T/var/keys/kiosk.key can be read by other users; "
	    "make it private (chmod 600)"));
}

/* Left out, the journal is var/journal, reported where the settings start. */
static void
test_default_journal(void)
{
	tc_setup(base);
	mkdir(tc_path("var/journal"), 0700);
	tc_expect_all("default journal a directory", DIAGS(
	    "T/kiosk.yaml:1:1: journal: T/var/journal is a directory; name a file in it"));
}

/* Keys are read as the kiosk reads them at start: what it refuses, the check refuses. */
static void
test_key_contents(void)
{
	char key[300];
	FILE *f;

	tc_setup(base);
	f = fopen(tc_path("var/keys/kiosk.key"), "r");
	CHECK(f != NULL && fgets(key, sizeof key, f) != NULL);
	if (f != NULL)
		fclose(f);
	key[100] = '\0';
	tc_edit("var/keys/kiosk.key", NULL, key);
	chmod(tc_path("var/keys/kiosk.key"), 0600);
	tc_expect_all("secret key cut short", DIAGS(
	    "T/kiosk.yaml:9:12: kiosk_key: T/var/keys/kiosk.key: wrong length: 100 hex "
	    "characters, expected 128 for a secret key"));

	tc_setup(base);
	tc_edit("var/keys/adapter.pub", NULL, "-----BEGIN PUBLIC KEY-----\n");
	tc_expect_all("garbage public key", DIAGS(
	    "T/kiosk.yaml:7:15: adapter.public_key: T/var/keys/adapter.pub: not hex "
	    "(unexpected character at offset 0)"));

	tc_setup(base);
	tc_edit("var/keys/adapter.pub", NULL, "");
	tc_expect_all("empty public key", DIAGS(
	    "T/kiosk.yaml:7:15: adapter.public_key: T/var/keys/adapter.pub: empty public key "
	    "file"));
}

/* Clashes are found through a table with one slot per key name: every name the keymap
 * accepts has a slot of its own, so that checking stays linear in the keymap's length. */
static void
test_keyname_index(void)
{
	static const char *const named[] = { "Enter", "Backspace", "Escape", "Tab", "Space",
		"Delete", "Insert", "Home", "End", "PageUp", "PageDown", "Up", "Down", "Left",
		"Right", "KP_Enter", "KP_Plus", "KP_Minus", "KP_Multiply", "KP_Divide",
		"KP_Decimal" };
	char names[KEYNAME_COUNT + 1][16];
	int seen[KEYNAME_COUNT] = {0}, n = 0;

	for (int ch = 33; ch < 127; ch++)
		snprintf(names[n++], sizeof names[0], "%c", ch);
	for (int f = 1; f <= 12; f++)
		snprintf(names[n++], sizeof names[0], "F%d", f);
	for (int digit = 0; digit <= 9; digit++)
		snprintf(names[n++], sizeof names[0], "KP_%d", digit);
	for (size_t i = 0; i < ARRAY_LEN(named) && n <= KEYNAME_COUNT; i++)
		snprintf(names[n++], sizeof names[0], "%s", named[i]);
	CHECK(n == KEYNAME_COUNT);
	for (int j = 0; j < n && j < KEYNAME_COUNT; j++) {
		int i = keyname_index(names[j]);
		CHECK(i >= 0 && i < KEYNAME_COUNT && keyname_valid(names[j]));
		if (i >= 0 && i < KEYNAME_COUNT) {
			CHECK(!seen[i]);
			seen[i] = 1;
		}
	}
	static const char *const bad[] = { "", " ", "F0", "F13", "F01", "F+1", "F 1", "KP_",
		"KP_10", "enter", "\x7f", "ab" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		CHECK(keyname_index(bad[i]) == -1);
		CHECK(!keyname_valid(bad[i]));
	}
}

/* A keymap of 50,000 keys: every repeat is reported at its place, once. */
static void
test_long_keymap(void)
{
	enum { N = 50000 };
	struct strbuf b = {0}, want = {0};
	struct kiosk_config c;
	struct diag_list d = {0};

	strbuf_add(&b, "  CANCEL: [Escape, Delete");
	for (int i = 0; i < N; i++)
		strbuf_add(&b, ", Right");
	strbuf_add(&b, "]\n");
	tc_setup(base);
	tc_replace("kiosk.yaml", "  REPEAT: [\"*\", r]\n", b.s);
	config_load(tc_path("kiosk.yaml"), &c, &d);
	CHECK(d.count == N - 1);
	/* "  CANCEL: [Escape, Delete, " is 27 columns; each ", Right" 7 more. */
	for (int i = 0; i < d.count; i++) {
		strbuf_reset(&want);
		strbuf_addf(&want, "keymap.CANCEL: key \"Right\" is listed twice");
		if (d.items[i].line != 25 || d.items[i].column != 28 + 7 * (i + 1) ||
		    strcmp(d.items[i].message, want.s) != 0) {
			fprintf(stderr, "long keymap: %d:%d: %s\n", d.items[i].line,
			    d.items[i].column, d.items[i].message);
			test_failures++;
			break;
		}
	}
	CHECK(config_key_fn(&c, "Right") == KEYFN_CANCEL);
	CHECK(config_key_fn(&c, "Delete") == KEYFN_CANCEL);
	CHECK(config_key_fn(&c, "*") == KEYFN_REPEAT);
	config_free(&c);
	diag_free(&d);
	strbuf_free(&b);
	strbuf_free(&want);
}

/* Files that are not a kiosk.yaml at all. */
static void
test_not_a_config(void)
{
	const struct {
		const char *name, *content;
		const char *const *expected;
	} files[] = {
		{ "empty", "", DIAGS("T/kiosk.yaml:1:1: the file is empty; expected the kiosk settings") },
		{ "comment only", "# nothing\n", DIAGS(
		    "T/kiosk.yaml:1:1: the file is empty; expected the kiosk settings") },
		{ "scalar", "hello\n", DIAGS("T/kiosk.yaml:1:1: expected a mapping, found a single value") },
		{ "list", "- a\n- b\n", DIAGS("T/kiosk.yaml:1:1: expected a mapping, found a list") },
		{ "two documents", "kiosk_id: a\n---\nkiosk_id: b\n", DIAGS(
		    "T/kiosk.yaml:2:1: only one document is allowed in a file") },
		{ "alias", "kiosk_id: &id x\nlog: *id\n", DIAGS(
		    "T/kiosk.yaml:2:6: aliases (*id) are not supported: write the value out in full") },
		{ "binary", "\xff\xfegarbage", DIAGS(
		    "T/kiosk.yaml:1:1: invalid text: incomplete UTF-16 character (at offset 8)") },
		{ "bad UTF-8", "kiosk_id: \xc3\x28x\n", DIAGS(
		    "T/kiosk.yaml:1:1: invalid text: invalid trailing UTF-8 octet "
		    "(byte 0x28 at offset 11)") },
		{ "complex key", "? [a, b]\n: c\n", DIAGS(
		    "T/kiosk.yaml:1:3: a key must be a plain name, not a list") },
		{ "NUL escape", "kiosk_id: \"a\\0b\"\n", DIAGS(
		    "T/kiosk.yaml:1:11: text contains a NUL character") },
	};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		tc_setup(files[i].content);
		tc_expect_all(files[i].name, files[i].expected);
	}

	struct strbuf deep = {0};
	for (int i = 0; i < 1000; i++)
		strbuf_add(&deep, "[");
	tc_setup(deep.s);
	tc_expect_all("deep nesting", DIAGS(
	    "T/kiosk.yaml:1:33: nested too deeply (more than 32 levels)"));
	strbuf_free(&deep);

	struct kiosk_setup s;
	struct diag_list d = {0};
	tc_setup(base);
	config_load_all(tc_path("missing.yaml"), &s, &d);
	tc_expect("missing kiosk.yaml", &d, DIAGS(
	    "T/missing.yaml:0:0: cannot read: No such file or directory"));
	kiosk_setup_free(&s);
	diag_free(&d);
}

/* A directory where a YAML file is expected is named as such, not as invalid text. */
static void
test_directory_for_a_file(void)
{
	struct kiosk_setup s;
	struct diag_list d = {0};

	tc_setup(base);
	mkdir(tc_path("dir.yaml"), 0755);
	config_load_all(tc_path("dir.yaml"), &s, &d);
	tc_expect("kiosk.yaml a directory", &d, DIAGS(
	    "T/dir.yaml:0:0: cannot read: Is a directory"));
	kiosk_setup_free(&s);
	diag_free(&d);

	tc_setup(base);
	tc_remove("layouts/menu.yaml");
	mkdir(tc_path("layouts/menu.yaml"), 0755);
	tc_expect_all("layout a directory", DIAGS(
	    "T/layouts/menu.yaml:0:0: cannot read: Is a directory"));

	tc_setup(base);
	tc_remove("voice/en.yaml");
	mkdir(tc_path("voice/en.yaml"), 0755);
	tc_expect_all("voice file a directory", DIAGS(
	    "T/voice/en.yaml:0:0: cannot read: Is a directory"));
}

/* Never crash, whatever the bytes: every prefix of the shipped file, and byte flips. */
static void
test_mangled(void)
{
	FILE *f = fopen(KIOSK_SOURCE_DIR "/kiosk.yaml", "rb");
	char buf[8192];
	size_t len;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	tc_setup(base);
	for (size_t cut = 0; cut < len; cut += 7) {
		char *s = xstrndup(buf, cut);
		tc_write("kiosk.yaml", s);
		free(s);
		tc_load_and_free();
	}
	srand(12345);
	static const char junk[] = "{}[]:-,&*!|>'\"%@`#\n \t\\\x01\xc3\xe4";
	for (int round = 0; round < 300; round++) {
		char *s = xstrdup(buf);
		for (int j = 0; j < 4; j++)
			s[(size_t)rand() % len] = junk[(size_t)rand() % (sizeof junk - 1)];
		tc_write("kiosk.yaml", s);
		free(s);
		tc_load_and_free();
	}
}

int
main(void)
{
	test_shipped();
	test_shipped_without_keys();
	test_base();
	test_defaults();
	test_large_print();
	test_keypad();
	test_fraud();
	test_function_keys();
	test_cases();
	test_secret_key_mode();
	test_key_contents();
	test_default_journal();
	test_keyname_index();
	test_long_keymap();
	test_not_a_config();
	test_directory_for_a_file();
	test_mangled();
	tc_cleanup();
	if (test_failures > 0) {
		fprintf(stderr, "%d failure(s)\n", test_failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
