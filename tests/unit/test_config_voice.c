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

	m = voice_money(en, 12345);
	CHECK_STR(m, "123 yuan 45 fen");
	free(m);
	m = voice_money(en, 50000);
	CHECK_STR(m, "500 yuan");
	free(m);
	m = voice_money(zh, 205);
	CHECK_STR(m, "2元5分");
	free(m);
	m = voice_money(zh, 0);
	CHECK_STR(m, "0元");
	free(m);
	m = voice_money(en, -250);
	CHECK_STR(m, "-2 yuan 50 fen");
	free(m);

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
	{ "missing field", "voice/en.yaml", "money_whole: \"{yuan} yuan\"\n", "", DIAGS(
	    "T/voice/en.yaml:2:1: missing required key \"money_whole\"") },
	{ "unknown field", "voice/en.yaml", "money:", "mony: x\nmoney:", DIAGS(
	    "T/voice/en.yaml:21:1: mony: unknown key (did you mean \"money\"?)") },
	{ "field of the wrong type", "voice/en.yaml", "pin_digit: star", "pin_digit: [star]", DIAGS(
	    "T/voice/en.yaml:3:12: pin_digit: expected a string, found a list") },
	{ "missing placeholder", "voice/en.yaml", "\"{label}, press {key}\"", "\"{label}, press\"",
	    DIAGS("T/voice/en.yaml:2:7: item: must contain {key}") },
	{ "unknown placeholder", "voice/zh.yaml", "\"{label}，请按{key}\"", "\"{lable}，请按{key}\"",
	    DIAGS("T/voice/zh.yaml:2:7: item: unknown placeholder {lable} (did you mean {label}?)",
	    "T/voice/zh.yaml:2:7: item: must contain {label}") },
	{ "placeholder of another field", "voice/en.yaml", "\"{yuan} yuan {fen} fen\"",
	    "\"{yuan} yuan {amount}\"", DIAGS(
	    "T/voice/en.yaml:21:8: money: placeholder {amount} cannot be used in voice money "
	    "(only {yuan} {fen})",
	    "T/voice/en.yaml:21:8: money: must contain {fen}") },
	{ "placeholder where none is allowed", "voice/en.yaml", "pin_digit: star",
	    "pin_digit: \"{count}\"", DIAGS(
	    "T/voice/en.yaml:3:12: pin_digit: unknown placeholder {count}") },
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
};

static void
test_cases(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct vcase *c = &cases[i];
		tc_setup(NULL);
		if (c->old != NULL)
			tc_replace(c->file, c->old, c->new_text);
		else if (c->new_text != NULL)
			tc_write(c->file, c->new_text);
		else
			tc_remove(c->file);
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
	for (int i = 0; i < SCREEN_COUNT; i++) {
		const struct screen_contract *c = screen_contract_get((enum screen_id)i);
		CHECK(c != NULL && c->id == (enum screen_id)i);
		CHECK(screen_from_str(screen_to_str((enum screen_id)i)) == (enum screen_id)i);
		/* Every goto names a screen of the table. */
		for (const char *const *g = c ? c->gotos : NULL; g && *g; g++)
			CHECK(screen_from_str(*g) != SCREEN_NONE);
	}
	for (int i = 0; i < MSG_COUNT; i++) {
		const struct message_contract *c = message_contract_get((enum message_id)i);
		CHECK(c != NULL && c->id == (enum message_id)i);
		CHECK(message_from_str(message_to_str((enum message_id)i)) == (enum message_id)i);
	}
	CHECK(screen_from_str("nope") == SCREEN_NONE && message_from_str("nope") == MSG_NONE);
	CHECK(screen_contract_get(SCREEN_COUNT) == NULL && message_contract_get(MSG_NONE) == NULL);
	CHECK_STR(screen_to_str(SCREEN_NONE), "none");
	CHECK_STR(screen_to_str(SCREEN_OTHER_AMOUNT), "other_amount");
	CHECK_STR(message_to_str(MSG_TERMINAL_TOO_SMALL), "terminal_too_small");
	CHECK(placeholder_known("balance") && placeholder_known("seconds"));
	CHECK(!placeholder_known("label") && !placeholder_known("nmae"));
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
