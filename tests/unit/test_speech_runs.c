/* speech_runs_split: Latin runs inside Chinese text, a table of cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "speech/runs.h"
#include "check.h"

/* Expected runs written as "lang:text|lang:text"; "" for none. */
static const struct {
	const char *in, *runs;
} cases[] = {
	{ "", "" },
	{ "请输入密码，按确认键结束", "zh:请输入密码，按确认键结束" },
	{ "请按ENTER键", "zh:请按|en:ENTER|zh:键" },
	{ "请在ATM上输入PIN", "zh:请在|en:ATM|zh:上输入|en:PIN" },
	{ "请按 ENTER 键", "zh:请按|en:ENTER|zh:键" },
	{ "请按F1", "zh:请按|en:F1" },
	{ "Zhang Wei，您好", "en:Zhang Wei|zh:，您好" },
	{ "您好，Zhang Wei。", "zh:您好，|en:Zhang Wei" },
	{ "持卡人：Zhang Wei, Li Na。", "zh:持卡人：|en:Zhang Wei, Li Na" },
	{ "A，B", "en:A|en:B" },
	{ "José，您好", "en:José|zh:，您好" },
	{ "ＡＴＭ机", "en:ATM|zh:机" },
	{ "e-mail地址", "en:e-mail|zh:地址" },
	{ "机号BR001-K01", "zh:机号|en:BR001-K01" },
	{ "按“ENTER”键", "zh:按“|en:ENTER|zh:”键" },
	/* Digits: Mandarin unless Latin words stand on both sides. */
	{ "您还可以再试3次", "zh:您还可以再试3次" },
	{ "2026年11月22日", "zh:2026年11月22日" },
	{ "１２３元", "zh:123元" },
	{ "123", "zh:123" },
	{ "ATM 123 取款", "en:ATM|zh:123 取款" },
	{ "PIN 1234", "en:PIN 1234" },
	{ "Model 3 Plus 手机", "en:Model 3 Plus|zh:手机" },
	{ "屏幕太小（80x24）。", "zh:屏幕太小（|en:80x24" },
	{ "余额12,345.60元", "zh:余额12,345.60元" },
	/* Symbols are said; punctuation and spaces alone are not. */
	{ "按+键", "zh:按+键" },
	{ "+", "zh:+" },
	{ "。", "" },
	{ "  \n\t ", "" },
	{ "...", "" },
	/* Whitespace and newlines. */
	{ "第一行。\n第二行", "zh:第一行。 第二行" },
	{ "  前后有空格  ", "zh:前后有空格" },
	{ "Press ENTER\nto continue", "en:Press ENTER to continue" },
	{ "密码\n\nPIN\n", "zh:密码|en:PIN" },
	/* Broken UTF-8 is passed on, not lost. */
	{ "\xff中", "zh:\xff中" },
	{ "中\xe4", "zh:中\xe4" },
};

static char *
describe(const struct speech_runs *r)
{
	struct strbuf b = {0};

	strbuf_init(&b);
	for (int i = 0; i < r->n; i++)
		strbuf_addf(&b, "%s%s:%s", i ? "|" : "", r->parts[i].lang, r->parts[i].text);
	return strbuf_take(&b);
}

int
main(void)
{
	static const char zh[] = "zh", en[] = "en";
	struct speech_runs r;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int n = speech_runs_split(cases[i].in, zh, en, &r);
		char *got = describe(&r);
		if (strcmp(got, cases[i].runs) != 0) {
			fprintf(stderr, "\"%s\": got \"%s\", expected \"%s\"\n", cases[i].in, got,
			    cases[i].runs);
			failures++;
		}
		CHECK_EQ(n, r.n);
		/* The lang pointers are the caller's, so they can be compared to voices. */
		for (int k = 0; k < r.n; k++)
			CHECK(r.parts[k].lang == zh || r.parts[k].lang == en);
		free(got);
		speech_runs_free(&r);
		CHECK(r.n == 0 && r.parts == NULL);
	}
	CHECK_EQ(speech_runs_split(NULL, zh, en, &r), 0);
	speech_runs_free(&r);
	if (failures > 0) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
