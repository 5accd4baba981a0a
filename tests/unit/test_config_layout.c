/* Layout files against the contract of src/config/screens.c. Line numbers in the
 * expectations refer to the shipped layout files, which the tests copy and then break. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/setup.h"
#include "test_config.h"

static void
test_shipped_content(void)
{
	struct kiosk_setup s;
	struct diag_list d = {0};

	tc_setup(NULL);
	CHECK(config_load_all(tc_path("kiosk.yaml"), &s, &d) == 0);
	tc_expect("shipped layouts", &d, NO_DIAGS);

	/* Every screen of the contract, and nothing else. */
	CHECK(s.layouts.nscreens == screen_count());
	for (int i = 0; i < screen_count(); i++) {
		const struct lscreen *ls = layout_screen_id(&s.layouts, (enum screen_id)i);
		CHECK(ls != NULL);
		if (ls == NULL)
			continue;
		CHECK_STR(ls->name, screen_to_str((enum screen_id)i));
		CHECK(ltext_show(&ls->title, "zh") != NULL && ltext_show(&ls->title, "en") != NULL);
	}
	CHECK(layout_screen(&s.layouts, "nope") == NULL);

	const struct lscreen *w = layout_screen(&s.layouts, "withdraw");
	CHECK(w != NULL && w->nitems == 6);
	if (w != NULL && w->nitems == 6) {
		CHECK_STR(w->items[2].key, "3");
		CHECK(w->items[2].kind == LITEM_AMOUNT && w->items[2].amount == 500);
		CHECK_STR(ltext_show(&w->items[2].label, "en"), "¥500");
		CHECK_STR(ltext_say(&w->items[2].label, "en"), "500 yuan");
		CHECK_STR(ltext_say(&w->items[2].label, "zh"), "500元");
		CHECK(w->items[5].kind == LITEM_GOTO);
		CHECK_STR(w->items[5].target, "other_amount");
		CHECK(ltext_show(&w->items[2].label, "fr") == NULL);
	}
	const struct lscreen *m = layout_screen(&s.layouts, "menu");
	CHECK(m != NULL && m->nitems == 7 && m->nlines == 1 && m->prompt.n == 2);
	if (m != NULL && m->nitems == 7) {
		CHECK_STR(m->items[0].key, "1");
		CHECK_STR(m->items[0].target, "balance");
		CHECK_STR(ltext_show(&m->items[1].label, "zh"), "取款");
		/* No say: given: speech says what is shown. */
		CHECK_STR(ltext_say(&m->items[1].label, "en"), "Withdraw cash");
		CHECK(m->items[0].line == 5 && m->items[0].column == 5);
	}
	const struct lscreen *n = layout_screen(&s.layouts, "notice");
	CHECK(n != NULL && n->nitems == 0 && n->prompt.n == 0);

	CHECK(s.layouts.nmessages == message_count());
	const struct ltext *t = layout_message(&s.layouts, "wrong_pin");
	CHECK(t != NULL && layout_message_id(&s.layouts, MSG_WRONG_PIN) == t);
	CHECK(layout_message(&s.layouts, "nope") == NULL);
	if (t != NULL) {
		struct text_var vars[] = { { "tries", "2" } };
		char *filled = text_fill(ltext_show(t, "en"), vars, 1);
		CHECK_STR(filled, "Wrong PIN. You can try 2 more times.\n"
		    "Please enter your PIN again, then press ENTER.");
		free(filled);
	}
	t = layout_message(&s.layouts, "receipt");
	CHECK(t != NULL && strcmp(ltext_show(t, "en"), ltext_say(t, "en")) != 0);
	kiosk_setup_free(&s);
	diag_free(&d);
}

/* Every shown line of the shipped texts fits an 80-column screen with room to spare. */
static void
test_shipped_widths(void)
{
	struct kiosk_setup s;
	struct diag_list d = {0};

	tc_setup(NULL);
	config_load_all(tc_path("kiosk.yaml"), &s, &d);
	CHECK(text_columns("Hello") == 5);
	CHECK(text_columns("取款") == 4);
	CHECK(text_columns("¥500，好") == 8);
	for (int i = 0; i < s.layouts.nmessages; i++)
		for (int j = 0; j < s.layouts.messages[i].text.n; j++) {
			char *copy = xstrdup(s.layouts.messages[i].text.v[j].show);
			for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
				CHECK(text_columns(line) <= LTEXT_MAX_COLUMNS);
			free(copy);
		}
	kiosk_setup_free(&s);
	diag_free(&d);
}

struct lcase {
	const char *name;
	const char *file;		/* under the scratch directory; NULL: none changed */
	const char *old, *new_text;	/* new_text NULL: delete the file */
	const char *const *expected;
};

static const struct lcase cases[] = {
	{ "missing language", "layouts/menu.yaml", "title: { zh: 主菜单, en: Main menu }",
	    "title: { zh: 主菜单 }", DIAGS(
	    "T/layouts/menu.yaml:1:8: title: missing text for language \"en\"") },
	{ "missing language in an item label", "layouts/menu.yaml", "{ zh: 查询余额, en: Balance }",
	    "{ en: Balance }", DIAGS(
	    "T/layouts/menu.yaml:7:12: items.1.label: missing text for language \"zh\"") },
	{ "extra language is kept quiet", "layouts/menu.yaml", "en: Main menu }",
	    "en: Main menu, fr: Menu principal }", NO_DIAGS },
	{ "bad language code", "layouts/menu.yaml", "en: Main menu }", "en: Main menu, EN: x }",
	    DIAGS("T/layouts/menu.yaml:1:34: title.EN: \"EN\" is not a language code "
	    "(like zh or en)") },
	{ "unknown placeholder", "layouts/menu.yaml", "\"Hello, {name}\"", "\"Hello, {nmae}\"",
	    DIAGS("T/layouts/menu.yaml:3:28: lines.1.en: unknown placeholder {nmae} "
	    "(did you mean {name}?)") },
	{ "placeholder not on this screen", "layouts/menu.yaml", "en: Main menu }",
	    "en: \"Main menu {balance}\" }", DIAGS(
	    "T/layouts/menu.yaml:1:23: title.en: placeholder {balance} cannot be used in "
	    "screen menu (only {name})") },
	{ "placeholder on a screen without any", "layouts/welcome.yaml", "en: Welcome }",
	    "en: \"Welcome {name}\" }", DIAGS(
	    "T/layouts/welcome.yaml:2:24: title.en: placeholder {name} cannot be used in "
	    "screen welcome (it has none)") },
	{ "placeholder in a message", "layouts/messages.yaml", "You can try {tries} more",
	    "You can take {max} more", DIAGS(
	    "T/layouts/messages.yaml:4:7: wrong_pin.en: placeholder {max} cannot be used in "
	    "message wrong_pin (only {tries})") },
	{ "unterminated placeholder", "layouts/menu.yaml", "\"Hello, {name}\"", "\"Hello, {name\"",
	    DIAGS("T/layouts/menu.yaml:3:28: lines.1.en: \"{\" without a closing \"}\"") },
	{ "placeholder in say", "layouts/withdraw.yaml", "say: 500 yuan", "say: \"{amount} yuan\"",
	    DIAGS("T/layouts/withdraw.yaml:23:30: items.3.label.en.say: placeholder {amount} "
	    "cannot be used in screen withdraw (only {note} {max})") },
	{ "goto a missing screen file", "layouts/balance.yaml", NULL, NULL, DIAGS(
	    "T/kiosk.yaml:21:10: layouts: missing screen file balance.yaml in T/layouts",
	    "T/layouts/menu.yaml:6:11: items.1.goto: screen \"balance\" has no layout file "
	    "(balance.yaml)") },
	{ "goto an unknown screen", "layouts/menu.yaml", "goto: balance", "goto: balanse", DIAGS(
	    "T/layouts/menu.yaml:6:11: items.1.goto: no such screen \"balanse\" "
	    "(did you mean \"balance\"?)") },
	{ "goto not allowed", "layouts/menu.yaml", "goto: withdraw", "goto: pin", DIAGS(
	    "T/layouts/menu.yaml:9:11: items.2.goto: screen menu cannot go to \"pin\" "
	    "(only to balance, card_cancel, card_lost, pin_change, statement, transfer, withdraw)") },
	{ "bad key name", "layouts/menu.yaml", "key: 2", "key: 12", DIAGS(
	    "T/layouts/menu.yaml:8:10: items.2.key: \"12\" is not an item key (0 to 9 or F1 to F8)") },
	{ "F9 is not an item key", "layouts/menu.yaml", "key: 2", "key: F9", DIAGS(
	    "T/layouts/menu.yaml:8:10: items.2.key: \"F9\" is not an item key (0 to 9 or F1 to F8)") },
	{ "F8 is", "layouts/menu.yaml", "key: 2", "key: F8", NO_DIAGS },
	{ "key of the wrong type", "layouts/menu.yaml", "key: 2", "key: [2]", DIAGS(
	    "T/layouts/menu.yaml:8:10: items.2.key: expected a key (0 to 9 or F1 to F8), "
	    "found a list") },
	{ "duplicate key", "layouts/menu.yaml", "key: 2", "key: 1", DIAGS(
	    "T/layouts/menu.yaml:8:10: items.2.key: key 1 is already used by item 1") },
	{ "duplicate key of a hidden item is fine", "layouts/withdraw.yaml",
	    "  - key: 6\n",
	    "  - key: 1\n    hidden: true\n    amount: 50\n    label: { zh: ¥50, en: ¥50 }\n"
	    "  - key: 6\n", NO_DIAGS },
	{ "simple yes", "layouts/withdraw.yaml", "simple: true", "simple: yes", DIAGS(
	    "T/layouts/withdraw.yaml:9:13: items.1.simple: expected true or false, "
	    "found \"yes\"") },
	{ "hidden quoted", "layouts/withdraw.yaml", "simple: true", "hidden: \"false\"", DIAGS(
	    "T/layouts/withdraw.yaml:9:13: items.1.hidden: expected true or false without "
	    "quotes, found the text \"false\"") },
	{ "missing required choice", "layouts/receipt.yaml",
	    "  - key: 2\n    choice: no\n    label: { zh: 不需要, en: No receipt }\n", "", DIAGS(
	    "T/layouts/receipt.yaml:5:3: items: missing the \"no\" choice") },
	{ "hidden required choice", "layouts/confirm.yaml", "    choice: change\n",
	    "    choice: change\n    hidden: true\n", DIAGS(
	    "T/layouts/confirm.yaml:5:3: items: the \"change\" choice cannot be hidden") },
	{ "unknown choice", "layouts/confirm.yaml", "choice: confirm", "choice: ok", DIAGS(
	    "T/layouts/confirm.yaml:6:13: items.1.choice: unknown choice \"ok\" "
	    "(screen confirm has confirm, change)",
	    "T/layouts/confirm.yaml:5:3: items: missing the \"confirm\" choice") },
	{ "choice twice", "layouts/confirm.yaml", "choice: change", "choice: confirm", DIAGS(
	    "T/layouts/confirm.yaml:9:13: items.2.choice: \"confirm\" is already item 1",
	    "T/layouts/confirm.yaml:5:3: items: missing the \"change\" choice") },
	{ "language not offered", "layouts/language.yaml", "choice: en", "choice: fr", DIAGS(
	    "T/layouts/language.yaml:8:13: items.2.choice: \"fr\" is not an offered language "
	    "(zh, en)",
	    "T/layouts/language.yaml:4:3: items: missing the choice for language \"en\"") },
	{ "no items where choices are required", "layouts/receipt.yaml", "items:", "other:",
	    DIAGS("T/layouts/receipt.yaml:4:1: other: unknown key",
	    "T/layouts/receipt.yaml:1:1: items: missing the \"yes\" choice",
	    "T/layouts/receipt.yaml:1:1: items: missing the \"no\" choice") },
	{ "item kind not allowed", "layouts/menu.yaml", "goto: balance", "amount: 100", DIAGS(
	    "T/layouts/menu.yaml:6:13: items.1.amount: screen menu cannot have amount items "
	    "(only goto)") },
	{ "items on a screen without items", "layouts/goodbye.yaml", "lines:",
	    "items: []\nlines:", DIAGS(
	    "T/layouts/goodbye.yaml:2:8: items: screen goodbye has no items") },
	{ "item without a kind", "layouts/menu.yaml", "    goto: balance\n", "", DIAGS(
	    "T/layouts/menu.yaml:5:5: items.1: needs one of goto, amount or choice") },
	{ "item with two kinds", "layouts/withdraw.yaml", "    amount: 100\n",
	    "    amount: 100\n    goto: other_amount\n", DIAGS(
	    "T/layouts/withdraw.yaml:8:13: items.1: use only one of goto, amount and choice") },
	{ "amount zero", "layouts/withdraw.yaml", "amount: 100", "amount: 0", DIAGS(
	    "T/layouts/withdraw.yaml:8:13: items.1.amount: 0 is out of range (1..1000000)") },
	{ "amount with fen", "layouts/withdraw.yaml", "amount: 100", "amount: 100.50", DIAGS(
	    "T/layouts/withdraw.yaml:8:13: items.1.amount: expected a whole number, "
	    "found \"100.50\"") },
	{ "unknown item key", "layouts/menu.yaml", "    goto: balance\n",
	    "    goto: balance\n    colour: red\n", DIAGS(
	    "T/layouts/menu.yaml:7:5: items.1.colour: unknown key") },
	{ "title not a text", "layouts/menu.yaml", "title: { zh: 主菜单, en: Main menu }",
	    "title: Main menu", DIAGS(
	    "T/layouts/menu.yaml:1:8: title: expected a text in each language, e.g. "
	    "{ zh: 你好, en: Hello }, found a single value") },
	{ "missing title", "layouts/menu.yaml", "title: { zh: 主菜单, en: Main menu }\n", "", DIAGS(
	    "T/layouts/menu.yaml:1:1: missing required key \"title\"") },
	{ "show/say without show", "layouts/withdraw.yaml", "{ show: ¥100, say: 100 yuan }",
	    "{ say: 100 yuan }", DIAGS(
	    "T/layouts/withdraw.yaml:12:11: items.1.label.en: missing required key \"show\"") },
	{ "show/say unknown key", "layouts/withdraw.yaml", "{ show: ¥100, say: 100 yuan }",
	    "{ show: ¥100, sey: 100 yuan }", DIAGS(
	    "T/layouts/withdraw.yaml:12:25: items.1.label.en.sey: unknown key "
	    "(did you mean \"say\"?)") },
	{ "empty text", "layouts/menu.yaml", "en: Main menu }", "en: \"\" }", DIAGS(
	    "T/layouts/menu.yaml:1:23: title.en: must not be empty") },
	{ "too wide", "layouts/menu.yaml", "en: Main menu }",
	    "en: Main menu main menu main menu main menu main menu main menu main menu main menu }", DIAGS(
	    "T/layouts/menu.yaml:1:23: title.en: too wide for the screen: 79 columns "
	    "(at most 70)") },
	{ "too wide in CJK", "layouts/menu.yaml", "zh: 主菜单,",
	    "zh: 主菜单主菜单主菜单主菜单主菜单主菜单主菜单主菜单主菜单主菜单主菜单主菜单,", DIAGS(
	    "T/layouts/menu.yaml:1:14: title.zh: too wide for the screen: 72 columns "
	    "(at most 70)") },
	{ "missing required message", "layouts/messages.yaml",
	    "continue:\n  zh: 请按确认键继续\n  en: Press ENTER to continue\n", "", DIAGS(
	    "T/layouts/messages.yaml:2:1: missing message \"continue\"") },
	{ "unknown message", "layouts/messages.yaml", "continue:", "continu:", DIAGS(
	    "T/layouts/messages.yaml:71:1: continu: unknown message (did you mean \"continue\"?)",
	    "T/layouts/messages.yaml:2:1: missing message \"continue\"") },
	{ "message missing a language", "layouts/messages.yaml", "  en: Speech is on.\n", "", DIAGS(
	    "T/layouts/messages.yaml:51:3: speech_on: missing text for language \"en\"") },
	{ "unknown screen file", "layouts/faq.yaml", NULL, "title: { zh: 帮助, en: Help }\n", DIAGS(
	    "T/layouts/faq.yaml:1:1: unknown screen \"faq\"") },
	{ "simple items and key 9", "layouts/withdraw.yaml", "  - key: 6\n", "  - key: 9\n",
	    DIAGS("T/layouts/withdraw.yaml:35:10: items.6.key: key 9 is for \"more services\" "
	    "on a screen with simple items") },
	{ "screen without help", "layouts/menu.yaml", "help:", "hint:", DIAGS(
	    "T/layouts/menu.yaml:28:1: hint: unknown key",
	    "T/layouts/menu.yaml:1:1: missing required key \"help\"") },
	{ "help on an overlay", "layouts/help.yaml", "title:", "help: { zh: 帮助, en: Help }\ntitle:",
	    DIAGS("T/layouts/help.yaml:6:1: help: unknown key") },
	{ "help without a choice", "layouts/help.yaml", "choice: describe_keys", "choice: keys",
	    DIAGS("T/layouts/help.yaml:27:13: items.5.choice: unknown choice \"keys\" (screen help "
	    "has louder, quieter, faster, slower, describe_keys, repeat, call_staff, "
	    "forget_settings)",
	    "T/layouts/help.yaml:14:3: items: missing the \"describe_keys\" choice") },
	{ "describe_keys missing a key", "layouts/describe_keys.yaml", "  BLANK:", "  BLANC:",
	    DIAGS("T/layouts/describe_keys.yaml:24:3: keys.BLANC: unknown key (did you mean "
	    "\"BLANK\"?)", "T/layouts/describe_keys.yaml:10:3: keys: missing required key "
	    "\"BLANK\"") },
	{ "describe_keys placeholder", "layouts/describe_keys.yaml", "{key}: {label}\" }",
	    "{key}: {lable}\" }", DIAGS("T/layouts/describe_keys.yaml:10:36: keys.item.en: unknown "
	    "placeholder {lable} (did you mean {label}?)") },
	{ "misspelt screen file", "layouts/mneu.yaml", NULL, "title: { zh: 帮助, en: Help }\n", DIAGS(
	    "T/layouts/mneu.yaml:1:1: unknown screen \"mneu\" (did you mean \"menu\"?)") },
	{ ".yml file", "layouts/menu.yml", NULL, "title: { zh: 帮助, en: Help }\n", DIAGS(
	    "T/layouts/menu.yml:1:1: layout files end in .yaml, not .yml") },
	{ "other files are ignored", "layouts/README.txt", NULL, "notes\n", NO_DIAGS },
	{ "missing messages file", "layouts/messages.yaml", NULL, NULL, DIAGS(
	    "T/kiosk.yaml:21:10: layouts: missing messages.yaml in T/layouts") },
	{ "empty layout file", "layouts/wait.yaml", NULL, "", DIAGS(
	    "T/layouts/wait.yaml:1:1: the file is empty; expected a screen layout") },
	{ "syntax error in a layout", "layouts/wait.yaml", NULL, "title: { zh: 请稍候, en: [\n", DIAGS(
	    "T/layouts/wait.yaml:2:1: syntax error: did not find expected node content "
	    "(while parsing a flow node at line 2 column 1)") },
};

static void
run_case(const struct lcase *c)
{
	tc_setup(NULL);
	tc_edit(c->file, c->old, c->new_text);
	tc_expect_all(c->name, c->expected);
}

/* One broken layout does not hide the problems of the others. */
static void
test_all_reported(void)
{
	tc_setup(NULL);
	tc_write("layouts/wait.yaml", "title: [\n");
	tc_replace("layouts/menu.yaml", "key: 2", "key: 1");
	tc_replace("layouts/messages.yaml", "  en: Speech is off.\n", "");
	tc_expect_all("all reported", DIAGS(
	    "T/layouts/wait.yaml:2:1: syntax error: did not find expected node content "
	    "(while parsing a flow node at line 2 column 1)",
	    "T/layouts/menu.yaml:8:10: items.2.key: key 1 is already used by item 1",
	    "T/layouts/messages.yaml:54:3: speech_off: missing text for language \"en\""));
}

/* A kiosk.yaml that offers one language only needs that language in the layouts. */
static void
test_one_language(void)
{
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "offered: [zh, en]", "offered: [en]");
	tc_replace("kiosk.yaml", "default: zh", "default: en");
	tc_replace("layouts/menu.yaml", "{ zh: 查询余额, en: Balance }", "{ en: Balance }");
	tc_expect_all("one language", DIAGS(
	    "T/layouts/language.yaml:5:13: items.1.choice: \"zh\" is not an offered language (en)"));
}

/* Never crash on a mangled layout or voice file: prefixes and byte flips. */
static void
test_mangled(void)
{
	static const char *const files[] = { "layouts/withdraw.yaml", "layouts/messages.yaml",
		"voice/zh.yaml" };
	static const char junk[] = "{}[]:-,&*!|>'\"%@`#\n \t\\\x01\xc3\xe4";

	srand(4242);
	for (size_t f = 0; f < ARRAY_LEN(files); f++) {
		char src[512];
		snprintf(src, sizeof src, "%s/%s", KIOSK_SOURCE_DIR, files[f]);
		FILE *fp = fopen(src, "rb");
		char buf[16384];
		CHECK(fp != NULL);
		if (fp == NULL)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
		buf[len] = '\0';
		tc_setup(NULL);
		for (int round = 0; round < 200; round++) {
			char *s = round < 100 ? xstrndup(buf, len * (size_t)round / 100) : xstrdup(buf);
			for (int j = 0; round >= 100 && j < 3; j++)
				s[(size_t)rand() % len] = junk[(size_t)rand() % (sizeof junk - 1)];
			tc_write(files[f], s);
			free(s);
			tc_load_and_free();
		}
	}
}

/* A service's screen joins the contract once, after the core screens, and can neither
 * take a core screen's name nor change a contract already registered. */
static void
test_service_contract(void)
{
	enum screen_id id = screen_from_str("balance");
	CHECK(id >= SCREEN_CORE_COUNT && id < screen_count());
	struct screen_contract c = *screen_contract_get(id);
	CHECK(c.menu);
	int n = screen_count();
	CHECK(screen_register(&c) == id && screen_count() == n);
	c.items = 0;
	CHECK(screen_register(&c) == SCREEN_NONE);
	c = *screen_contract_get(SCREEN_MENU);
	CHECK(screen_register(&c) == SCREEN_NONE && screen_count() == n);
	struct message_contract m = { .name = "wrong_pin" };
	CHECK(message_register(&m) == MSG_NONE);
}

int
main(void)
{
	test_service_contract();
	test_shipped_content();
	test_shipped_widths();
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_case(&cases[i]);
	test_all_reported();
	test_one_language();
	test_mangled();
	tc_cleanup();
	if (test_failures > 0) {
		fprintf(stderr, "%d failure(s)\n", test_failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
