/* Voice files, the text helpers and the contract table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/screens.h"
#include "config/setup.h"
#include "config/text.h"
#include "test_config.h"

static void
test_shipped(void)
{
	struct kiosk_setup s;
	struct diag_list d = {0};
	char *m;

	tc_setup(NULL);
	CHECK(config_load_all(tc_path("kiosk.yaml"), &s, &d) == 0);
	tc_expect("shipped voices", &d, NO_DIAGS);
	const struct voice_rules *en = voice_for(&s.voices, "en");
	const struct voice_rules *zh = voice_for(&s.voices, "zh");
	CHECK(en != NULL && zh != NULL && voice_for(&s.voices, "fr") == NULL);
	if (en == NULL || zh == NULL) {
		kiosk_setup_free(&s);
		diag_free(&d);
		return;
	}
	CHECK_STR(en->item, "{label}, press {key}");
	CHECK_STR(en->pin_digit, "star");
	CHECK_STR(zh->pin_digit, "星");
	CHECK_STR(voice_key_name(en, KEYFN_ENTER), "Enter");
	CHECK_STR(voice_key_name(en, KEYFN_F3), "F 3");
	CHECK_STR(voice_key_name(en, KEYFN_7), "7");
	CHECK_STR(voice_key_name(en, KEYFN_SPEECH), "SPEECH"); /* not named: its function name */
	CHECK_STR(voice_key_name(zh, KEYFN_CANCEL), "取消键");
	CHECK_STR(voice_key_name(NULL, KEYFN_CANCEL), "CANCEL");

	/* The spoken forms have their own tables in test_voice_forms.c. */
	m = voice_money(en, 12345);
	CHECK_STR(m, "123 yuan 45 fen");
	free(m);
	m = voice_money(en, 50000);
	CHECK_STR(m, "500 yuan");
	free(m);
	m = voice_money(zh, 205);
	CHECK_STR(m, "两元零五分");
	free(m);
	m = voice_money(zh, 0);
	CHECK_STR(m, "零元");
	free(m);
	m = voice_money(en, -250);
	CHECK_STR(m, "minus 2 yuan 50 fen");
	free(m);
	CHECK(zh->numbers.style == VOICE_NUMBERS_WORDS && en->numbers.style == VOICE_NUMBERS_DIGITS);
	CHECK(zh->time.clock == 24 && en->time.clock == 12);

	struct text_var vars[] = { { "label", "Balance" }, { "key", "1" } };
	m = text_fill(en->item, vars, 2);
	CHECK_STR(m, "Balance, press 1");
	free(m);
	kiosk_setup_free(&s);
	diag_free(&d);
}

struct vcase {
	const char *name;
	const char *file, *old, *new_text; /* old NULL: write new_text; both NULL: remove */
	const char *const *expected;
};

static const struct vcase cases[] = {
	{ "missing field", "voice/en.yaml", "card: \"card ending {digits}\"", "", DIAGS(
	    "T/voice/en.yaml:2:1: missing required key \"card\"") },
	{ "unknown field", "voice/en.yaml", "money:", "mony: x\nmoney:", DIAGS(
	    "T/voice/en.yaml:31:1: mony: unknown key (did you mean \"money\"?)") },
	{ "field of the wrong type", "voice/en.yaml", "pin_digit: star", "pin_digit: [star]", DIAGS(
	    "T/voice/en.yaml:3:12: pin_digit: expected a string, found a list") },
	{ "missing placeholder", "voice/en.yaml", "\"{label}, press {key}\"", "\"{label}, press\"",
	    DIAGS("T/voice/en.yaml:2:7: item: must contain {key}") },
	{ "unknown placeholder", "voice/zh.yaml", "\"{label}，请按{key}\"", "\"{lable}，请按{key}\"",
	    DIAGS("T/voice/zh.yaml:2:7: item: unknown placeholder {lable} (did you mean {label}?)",
	    "T/voice/zh.yaml:2:7: item: must contain {label}") },
	{ "placeholder of another field", "voice/en.yaml", "\"{n} yuan\"", "\"{amount} yuan\"",
	    DIAGS("T/voice/en.yaml:32:9: money.yuan: placeholder {amount} cannot be used in "
	    "voice money.yuan (only {n})",
	    "T/voice/en.yaml:32:9: money.yuan: must contain {n}") },
	{ "placeholder where none is allowed", "voice/en.yaml", "pin_digit: star",
	    "pin_digit: \"{count}\"", DIAGS(
	    "T/voice/en.yaml:3:12: pin_digit: placeholder {count} cannot be used in voice "
	    "pin_digit (it has none)") },
	{ "digit key", "voice/en.yaml", "  ENTER: Enter\n", "  ENTER: Enter\n  \"1\": one\n", DIAGS(
	    "T/voice/en.yaml:7:3: keys.1: digits are said as themselves; leave them out") },
	{ "unknown key function", "voice/en.yaml", "  ENTER: Enter\n", "  ENTER: Enter\n  ENTR: x\n",
	    DIAGS("T/voice/en.yaml:7:3: keys.ENTR: unknown key function (did you mean \"ENTER\"?)") },
	{ "missing key name", "voice/en.yaml", "  ENTER: Enter\n", "", DIAGS(
	    "T/voice/en.yaml:6:3: keys: missing the spoken name of ENTER") },
	{ "keys not a mapping", "voice/en.yaml", "keys: ", "keys: [a]\nold_keys: ", DIAGS(
	    "T/voice/en.yaml:5:7: keys: expected a mapping, found a list",
	    "T/voice/en.yaml:6:1: old_keys: unknown key") },
	{ "missing voice file", "voice/zh.yaml", NULL, NULL, DIAGS(
	    "T/kiosk.yaml:22:8: voice: missing voice file zh.yaml in T/voice") },
	{ "empty voice file", "voice/zh.yaml", NULL, "# nothing yet\n", DIAGS(
	    "T/voice/zh.yaml:1:1: the file is empty; expected the voice rules") },
	{ "voice file not a mapping", "voice/zh.yaml", NULL, "- a\n", DIAGS(
	    "T/voice/zh.yaml:1:1: expected a mapping, found a list") },
	/* numbers */
	{ "numbers missing a key", "voice/en.yaml", "  minus: minus\n", "", DIAGS(
	    "T/voice/en.yaml:24:3: numbers: missing required key \"minus\"") },
	{ "unknown number style", "voice/en.yaml", "style: digits", "style: roman", DIAGS(
	    "T/voice/en.yaml:24:10: numbers.style: expected digits or words, found \"roman\"") },
	{ "number style not a string", "voice/en.yaml", "style: digits", "style: [digits]", DIAGS(
	    "T/voice/en.yaml:24:10: numbers.style: expected digits or words, found a list") },
	{ "words field with digits", "voice/en.yaml", "  minus: minus\n",
	    "  minus: minus\n  places: [\"\", ten]\n", DIAGS(
	    "T/voice/en.yaml:29:3: numbers.places: not used with style: digits") },
	{ "digits style without thousands", "voice/en.yaml", "  thousands: \",\"", "", DIAGS(
	    "T/voice/en.yaml:24:3: numbers: missing required key \"thousands\" (style: digits)") },
	{ "digits field with words", "voice/zh.yaml", "  minus: 负\n",
	    "  minus: 负\n  thousands: \",\"\n", DIAGS(
	    "T/voice/zh.yaml:34:3: numbers.thousands: not used with style: words") },
	{ "words style without places", "voice/zh.yaml", "  places: [\"\", 十, 百, 千]", "", DIAGS(
	    "T/voice/zh.yaml:25:3: numbers: missing required key \"places\" (style: words)") },
	{ "nine digits", "voice/zh.yaml", "[零, 一, 二, 三, 四, 五, 六, 七, 八, 九]",
	    "[零, 一, 二, 三, 四, 五, 六, 七, 八]", DIAGS(
	    "T/voice/zh.yaml:26:11: numbers.digits: expected 10 entries, found 9") },
	{ "empty digit word", "voice/en.yaml", "[zero, one,", "[zero, \"\",", DIAGS(
	    "T/voice/en.yaml:26:18: numbers.digits.2: must not be empty") },
	{ "too many places", "voice/zh.yaml", "[\"\", 十, 百, 千]",
	    "[\"\", 十, 百, 千, a, b, c, d, e]", DIAGS(
	    "T/voice/zh.yaml:27:11: numbers.places: expected 1 to 8 entries, found 9") },
	{ "drop_one not a place", "voice/zh.yaml", "drop_one: [十]", "drop_one: [百, 拾]", DIAGS(
	    "T/voice/zh.yaml:30:17: numbers.drop_one.2: \"拾\" is not one of numbers.places") },
	{ "separator of the wrong type", "voice/en.yaml", "separator: \" \"", "separator: [\" \"]",
	    DIAGS("T/voice/en.yaml:27:14: numbers.separator: expected a string, found a list") },
	{ "placeholder in a number word", "voice/zh.yaml", "minus: 负", "minus: \"{n}负\"", DIAGS(
	    "T/voice/zh.yaml:33:10: numbers.minus: unknown placeholder {n}") },
	{ "counting not a mapping", "voice/zh.yaml", "{ 2: 两 }", "[两]", DIAGS(
	    "T/voice/zh.yaml:31:13: numbers.counting: expected a mapping, found a list") },
	{ "counting a word", "voice/zh.yaml", "{ 2: 两 }", "{ two: 两 }", DIAGS(
	    "T/voice/zh.yaml:31:15: numbers.counting.two: expected a whole number, found \"two\"") },
	{ "counting twice", "voice/zh.yaml", "{ 2: 两 }", "{ 2: 两, 2: 二 }", DIAGS(
	    "T/voice/zh.yaml:31:21: numbers.counting.2: duplicate number") },
	/* money */
	{ "money in the old format", "voice/en.yaml",
	    "money:\n  yuan: \"{n} yuan\"             # or { one: \"{n} yuan\", other: \"{n} yuan\" } "
	    "for a singular\n  fen: \"{n} fen\"\n",
	    "money: \"{yuan} yuan {fen} fen\"\nmoney_whole: \"{yuan} yuan\"\n", DIAGS(
	    "T/voice/en.yaml:31:8: money: expected a mapping (yuan, fen, ...), found a single value",
	    "T/voice/en.yaml:32:1: money_whole: unknown key") },
	{ "money missing fen", "voice/en.yaml", "  fen: \"{n} fen\"\n", "", DIAGS(
	    "T/voice/en.yaml:32:3: money: missing required key \"fen\"") },
	{ "unknown money key", "voice/zh.yaml", "  fen: \"{n}分\"\n",
	    "  fen: \"{n}分\"\n  cent: \"{n}\"\n", DIAGS(
	    "T/voice/zh.yaml:40:3: money.cent: unknown key (did you mean \"fen\"?)") },
	{ "money phrase without {n}", "voice/zh.yaml", "jiao: \"{n}角\"", "jiao: 角", DIAGS(
	    "T/voice/zh.yaml:38:9: money.jiao: must contain {n}") },
	{ "money phrase of the wrong type", "voice/zh.yaml", "jiao: \"{n}角\"", "jiao: [角]", DIAGS(
	    "T/voice/zh.yaml:38:9: money.jiao: expected a string, found a list") },
	{ "singular without other", "voice/en.yaml", "yuan: \"{n} yuan\"",
	    "yuan: { one: one yuan, many: \"{n} yuan\" }", DIAGS(
	    "T/voice/en.yaml:32:26: money.yuan.many: unknown key",
	    "T/voice/en.yaml:32:9: money.yuan: missing required key \"other\"") },
	{ "singular with a foreign placeholder", "voice/en.yaml", "yuan: \"{n} yuan\"",
	    "yuan: { one: \"{fen} yuan\", other: \"{n} yuan\" }", DIAGS(
	    "T/voice/en.yaml:32:16: money.yuan.one: unknown placeholder {fen}") },
	{ "empty whole", "voice/zh.yaml", "  # whole: 整", "  whole: \"\"", DIAGS(
	    "T/voice/zh.yaml:41:10: money.whole: must not be empty") },
	/* card, date, time */
	{ "card without digits", "voice/en.yaml", "\"card ending {digits}\"", "\"card ending\"",
	    DIAGS("T/voice/en.yaml:35:7: card: must contain {digits}") },
	{ "date not a mapping", "voice/zh.yaml", "date:\n  say: \"{year_digits}年{month}月{day}日\"   "
	    "# 二零二六年十一月二十二日\n  day: \"{month}月{day}日\"",
	    "date: \"{year_digits}年{month}月{day}日\"\n", DIAGS(
	    "T/voice/zh.yaml:45:7: date: expected a mapping, found a single value") },
	{ "date without a month", "voice/zh.yaml", "{year_digits}年{month}月{day}日",
	    "{year_digits}年{day}日", DIAGS(
	    "T/voice/zh.yaml:46:8: date.say: must contain {month} or {month_name}") },
	{ "date without a day", "voice/zh.yaml", "{year_digits}年{month}月{day}日",
	    "{year_digits}年{month}月{hour}日", DIAGS(
	    "T/voice/zh.yaml:46:8: date.say: unknown placeholder {hour}",
	    "T/voice/zh.yaml:46:8: date.say: must contain {day}") },
	{ "month names missing", "voice/zh.yaml", "{month}月", "{month_name}", DIAGS(
	    "T/voice/zh.yaml:46:8: date.say: {month_name} needs the month names in date.months") },
	{ "a day without the month", "voice/zh.yaml", "day: \"{month}月{day}日\"",
	    "day: \"{day}日\"", DIAGS(
	    "T/voice/zh.yaml:47:8: date.day: must contain {month} or {month_name}") },
	{ "eleven months", "voice/en.yaml", "    October, November, December]",
	    "    October, November]", DIAGS(
	    "T/voice/en.yaml:40:11: date.months: expected 12 entries, found 11") },
	{ "clock 13", "voice/en.yaml", "clock: 12", "clock: 13", DIAGS(
	    "T/voice/en.yaml:44:10: time.clock: expected 12 or 24, found 13") },
	{ "clock not a number", "voice/en.yaml", "clock: 12", "clock: twelve", DIAGS(
	    "T/voice/en.yaml:44:10: time.clock: expected a whole number, found \"twelve\"") },
	{ "periods with a 24-hour clock", "voice/zh.yaml", "  clock: 24\n",
	    "  clock: 24\n  periods: [上午, 下午]\n", DIAGS(
	    "T/voice/zh.yaml:51:3: time.periods: not used with clock: 24") },
	{ "12-hour clock without periods", "voice/en.yaml", "  periods: [AM, PM]", "", DIAGS(
	    "T/voice/en.yaml:44:3: time: missing required key \"periods\" (clock: 12)") },
	{ "three periods", "voice/en.yaml", "[AM, PM]", "[AM, PM, XM]", DIAGS(
	    "T/voice/en.yaml:45:12: time.periods: expected 2 entries, found 3") },
	{ "12-hour phrase without period", "voice/en.yaml", "\"{hour} {period}\"",
	    "\"{hour} o'clock\"", DIAGS(
	    "T/voice/en.yaml:46:16: time.on_the_hour: must contain {period} (clock: 12)") },
	{ "24-hour phrase with period", "voice/zh.yaml", "\"{hour}点{minute}分\"",
	    "\"{period}{hour}点{minute}分\"", DIAGS(
	    "T/voice/zh.yaml:53:12: time.minutes: {period} is only used with clock: 12") },
	{ "time phrase without minute", "voice/zh.yaml", "\"{hour}点零{minute}分\"",
	    "\"{hour}点零分\"", DIAGS(
	    "T/voice/zh.yaml:52:14: time.under_ten: must contain {minute}") },
	{ "time missing a phrase", "voice/zh.yaml", "  on_the_hour: \"{hour}点整\"\n", "", DIAGS(
	    "T/voice/zh.yaml:50:3: time: missing required key \"on_the_hour\"") },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct vcase *c = &cases[i];
		tc_setup(NULL);
		tc_edit(c->file, c->old, c->new_text);
		tc_expect_all(c->name, c->expected);
	}
}

static void
test_text_fill(void)
{
	struct text_var vars[] = { { "a", "1" }, { "bb", "22" }, { "n", NULL } };
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "{a}", "1" },
		{ "x{a}y{bb}z{a}", "x1y22z1" },
		{ "{c} stays", "{c} stays" },
		{ "{n}!", "!" },
		{ "open { brace", "open { brace" },
		{ "{a", "{a" },
		{ "}{a}{", "}1{" },
		{ "{}", "{}" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char *s = text_fill(t[i].in, vars, 3);
		CHECK_STR(s, t[i].out);
		free(s);
	}
}

static void
test_helpers(void)
{
	CHECK(lang_code_valid("zh") && lang_code_valid("en") && lang_code_valid("yue"));
	CHECK(lang_code_valid("pt-BR") && lang_code_valid("zh-Hans"));
	CHECK(!lang_code_valid("") && !lang_code_valid("e") && !lang_code_valid("EN"));
	CHECK(!lang_code_valid("engl") && !lang_code_valid("zh-") && !lang_code_valid("zh-x"));
	CHECK(!lang_code_valid("zh-Hansxx"));
	CHECK(text_has_placeholder("a {b} c", "b") && !text_has_placeholder("a {bc} c", "b"));
	CHECK(text_columns("") == 0 && text_columns("\xff") == 1);
}

static void
test_contract(void)
{
	for (int i = 0; i < screen_count(); i++) {
		const struct screen_contract *c = screen_contract_get((enum screen_id)i);
		CHECK(c != NULL && c->id == (enum screen_id)i);
		CHECK(screen_from_str(screen_to_str((enum screen_id)i)) == (enum screen_id)i);
		/* Every goto names a screen of the table. */
		for (const char *const *g = c ? c->gotos : NULL; g && *g; g++)
			CHECK(screen_from_str(*g) != SCREEN_NONE);
	}
	for (int i = 0; i < message_count(); i++) {
		const struct message_contract *c = message_contract_get((enum message_id)i);
		CHECK(c != NULL && c->id == (enum message_id)i);
		CHECK(message_from_str(message_to_str((enum message_id)i)) == (enum message_id)i);
	}
	CHECK(screen_from_str("nope") == SCREEN_NONE && message_from_str("nope") == MSG_NONE);
	CHECK(screen_contract_get(screen_count()) == NULL && message_contract_get(MSG_NONE) == NULL);
	CHECK_STR(screen_to_str(SCREEN_NONE), "none");
	CHECK_STR(screen_to_str(SCREEN_OTHER_AMOUNT), "other_amount");
	CHECK_STR(message_to_str(MSG_TERMINAL_TOO_SMALL), "terminal_too_small");
	CHECK(placeholder_known("balance") && placeholder_known("seconds"));
	CHECK(!placeholder_known("levels") && !placeholder_known("nmae"));
	CHECK(screen_contract_get(SCREEN_LANGUAGE)->choices_are_languages);
	CHECK(screen_contract_get(SCREEN_WITHDRAW)->items ==
	    (LITEM_BIT(LITEM_AMOUNT) | LITEM_BIT(LITEM_GOTO)));
}

int
main(void)
{
	test_shipped();
	test_cases();
	test_text_fill();
	test_helpers();
	test_contract();
	tc_cleanup();
	if (test_failures > 0) {
		fprintf(stderr, "%d failure(s)\n", test_failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
