/* Spoken forms from the shipped voice files: numbers, money, card numbers, dates and
 * times, a table of cases per language; then the same functions on changed rules, to
 * show that the words and the rules come from the file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/setup.h"
#include "test_config.h"

struct ncase {
	long long n;
	const char *said;
};

struct scase {
	const char *in;
	const char *said;
};

struct tcase {
	int year, month, day, hour, minute;
	const char *said;
};

/* Places and levels: 第二项, 音量二, never 两. */
static const struct ncase zh_plain_numbers[] = {
	{ 2, "二" }, { 1, "一" }, { 8, "八" }, { 12, "十二" }, { 22, "二十二" },
};

static const struct ncase zh_numbers[] = {
	{ 0, "零" }, { 2, "两" }, { 3, "三" }, { 12, "十二" }, { 22, "二十二" }, { 200, "二百" }, { 10, "十" }, { 11, "十一" }, { 15, "十五" }, { 20, "二十" },
	{ 24, "二十四" }, { 100, "一百" }, { 101, "一百零一" }, { 110, "一百一十" },
	{ 1000, "一千" }, { 1001, "一千零一" }, { 1010, "一千零一十" }, { 1100, "一千一百" },
	{ 10010, "一万零一十" }, { 12345, "一万二千三百四十五" }, { 100000, "十万" },
	{ 110000, "十一万" }, { 100100, "十万零一百" }, { 1000000, "一百万" },
	{ 100000000, "一亿" }, { 100000001, "一亿零一" }, { 120003400, "一亿二千万三千四百" },
	{ 1000000000000LL, "一万亿" }, { 1000000000005LL, "一万亿零五" },
	{ 1200000000000LL, "一万二千亿" }, { -5, "负五" }, { -10, "负十" },
};

static const struct ncase en_numbers[] = {
	{ 0, "0" }, { 3, "3" }, { 999, "999" }, { 1000, "1,000" }, { 12345, "12,345" },
	{ 1000000, "1,000,000" }, { -5, "minus 5" }, { -1234, "minus 1,234" },
};

/* Amounts in fen. */
static const struct ncase zh_money[] = {
	{ 1234560, "一万二千三百四十五元六角" }, { 500000, "五千元" }, { 80000, "八百元" },
	{ 10005, "一百元零五分" }, { 1000, "十元" }, { 100000000, "一百万元" },
	{ 1001000, "一万零一十元" }, { 0, "零元" }, { 5, "五分" }, { 50, "五角" },
	{ 155, "一元五角五分" }, { 105, "一元零五分" }, { 200, "两元" },
	{ 202, "两元零两分" }, { 20, "两角" }, { 22200, "二百二十二元" }, { 1500, "十五元" },
	{ 10000000, "十万元" }, { 10010000, "十万零一百元" }, { 10000000100LL, "一亿零一元" },
	{ 100000000000005LL, "一万亿元零五分" }, { -250, "负两元五角" },
};

static const struct ncase en_money[] = {
	{ 1234560, "12,345 yuan 60 fen" }, { 500000, "5,000 yuan" }, { 100, "1 yuan" },
	{ 5, "5 fen" }, { 10005, "100 yuan 5 fen" }, { 0, "0 yuan" }, { 99, "99 fen" },
	{ -250, "minus 2 yuan 50 fen" },
};

static const struct scase zh_cards[] = {
	{ "6222020200010001", "尾号零零零一" }, { "**** 1234", "尾号一二三四" },
	{ "6222 0202 0001 9870", "尾号九八七零" }, { "12", "尾号一二" }, { "", "尾号" },
};

static const struct scase en_cards[] = {
	{ "6222020200010001", "card ending zero zero zero one" },
	{ "**** 5678", "card ending five six seven eight" },
};

static const struct tcase zh_times[] = {
	{ 2026, 11, 22, 14, 5, "二零二六年十一月二十二日 十四点零五分" },
	{ 2026, 11, 22, 14, 0, "二零二六年十一月二十二日 十四点整" },
	{ 2000, 1, 1, 0, 0, "二零零零年一月一日 零点整" },
	{ 2026, 10, 10, 10, 10, "二零二六年十月十日 十点十分" },
	{ 2031, 12, 31, 23, 59, "二零三一年十二月三十一日 二十三点五十九分" },
	{ 2026, 5, 9, 9, 30, "二零二六年五月九日 九点三十分" },
	{ 2022, 2, 2, 2, 2, "二零二二年二月二日 两点零二分" },
	{ 2022, 2, 22, 22, 22, "二零二二年二月二十二日 二十二点二十二分" },
};

static const struct tcase en_times[] = {
	{ 2026, 11, 22, 14, 5, "22 November 2026 2 oh 5 PM" },
	{ 2026, 11, 22, 14, 0, "22 November 2026 2 PM" },
	{ 2000, 1, 1, 0, 0, "1 January 2000 12 AM" },
	{ 2026, 6, 30, 12, 45, "30 June 2026 12 45 PM" },
	{ 2031, 12, 31, 23, 59, "31 December 2031 11 59 PM" },
	{ 2026, 5, 9, 9, 30, "9 May 2026 9 30 AM" },
};

static void
check_numbers(const char *what, const struct voice_rules *v, const struct ncase *t, size_t n,
    char *(*fn)(const struct voice_rules *, long long))
{
	for (size_t i = 0; i < n; i++) {
		char *s = fn(v, t[i].n);
		if (strcmp(s, t[i].said) != 0) {
			fprintf(stderr, "%s %s %lld: \"%s\", expected \"%s\"\n", v->lang, what,
			    t[i].n, s, t[i].said);
			test_failures++;
		}
		free(s);
	}
}

static void
check_cards(const struct voice_rules *v, const struct scase *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *s = voice_card(v, t[i].in);
		if (strcmp(s, t[i].said) != 0) {
			fprintf(stderr, "%s card \"%s\": \"%s\", expected \"%s\"\n", v->lang,
			    t[i].in, s, t[i].said);
			test_failures++;
		}
		free(s);
	}
}

static void
check_times(const struct voice_rules *v, const struct tcase *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tm tm = { .tm_year = t[i].year - 1900, .tm_mon = t[i].month - 1,
			.tm_mday = t[i].day, .tm_hour = t[i].hour, .tm_min = t[i].minute };
		char *d = voice_date(v, &tm), *h = voice_time(v, &tm);
		char both[256];
		snprintf(both, sizeof both, "%s %s", d, h);
		if (strcmp(both, t[i].said) != 0) {
			fprintf(stderr, "%s %04d-%02d-%02d %02d:%02d: \"%s\", expected \"%s\"\n",
			    v->lang, t[i].year, t[i].month, t[i].day, t[i].hour, t[i].minute,
			    both, t[i].said);
			test_failures++;
		}
		free(d);
		free(h);
	}
}

/* Loads the scratch configuration, which must have no problem. */
static int
load(struct kiosk_setup *s, const char *name)
{
	struct diag_list d = {0};
	int r = config_load_all(tc_path("kiosk.yaml"), s, &d);

	tc_expect(name, &d, NO_DIAGS);
	diag_free(&d);
	return r;
}

static void
test_shipped(void)
{
	struct kiosk_setup s;

	tc_setup(NULL);
	if (load(&s, "shipped voices") == 0) {
		const struct voice_rules *zh = voice_for(&s.voices, "zh");
		const struct voice_rules *en = voice_for(&s.voices, "en");
		check_numbers("number", zh, zh_numbers, ARRAY_LEN(zh_numbers), voice_number);
		check_numbers("number", en, en_numbers, ARRAY_LEN(en_numbers), voice_number);
		check_numbers("plain number", zh, zh_plain_numbers, ARRAY_LEN(zh_plain_numbers),
		    voice_number_plain);
		check_numbers("money", zh, zh_money, ARRAY_LEN(zh_money), voice_money);
		check_numbers("money", en, en_money, ARRAY_LEN(en_money), voice_money);
		check_cards(zh, zh_cards, ARRAY_LEN(zh_cards));
		check_cards(en, en_cards, ARRAY_LEN(en_cards));
		check_times(zh, zh_times, ARRAY_LEN(zh_times));
		check_times(en, en_times, ARRAY_LEN(en_times));

		char *x = voice_digits(zh, "a1-0 9");
		CHECK_STR(x, "一零九");
		free(x);
		x = voice_digits(en, "2026");
		CHECK_STR(x, "two zero two six");
		free(x);
		/* A statement's day, without the year; 二 stays 二 in a date. */
		struct tm day = { .tm_year = 126, .tm_mon = 11, .tm_mday = 1 };
		x = voice_day(zh, &day);
		CHECK_STR(x, "十二月一日");
		free(x);
		x = voice_day(en, &day);
		CHECK_STR(x, "1 December");
		free(x);
		day.tm_mon = 1;
		day.tm_mday = 2;
		x = voice_day(zh, &day);
		CHECK_STR(x, "二月二日");
		free(x);
		/* Whatever the number, something is said and nothing overflows. */
		x = voice_number(zh, LLONG_MIN);
		CHECK(strncmp(x, "负九百二十二", strlen("负九百二十二")) == 0);
		free(x);
		x = voice_number(en, LLONG_MIN);
		CHECK_STR(x, "minus 9,223,372,036,854,775,808");
		free(x);
		x = voice_money(zh, LLONG_MAX);
		CHECK(strstr(x, "元") != NULL && strstr(x, "分") != NULL);
		free(x);
	}
	kiosk_setup_free(&s);
}

/* Without rules (no file, or one that failed to load) digits are still said. */
static void
test_fallback(void)
{
	struct voice_rules empty;
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 14, .tm_min = 5 };
	const struct voice_rules *vs[] = { NULL, &empty };

	memset(&empty, 0, sizeof empty);
	for (size_t i = 0; i < ARRAY_LEN(vs); i++) {
		char *s = voice_number(vs[i], -12345);
		CHECK_STR(s, "-12345");
		free(s);
		s = voice_money(vs[i], 1234560);
		CHECK_STR(s, "12345.60");
		free(s);
		s = voice_money(vs[i], -500);
		CHECK_STR(s, "-5");
		free(s);
		s = voice_card(vs[i], "6222020200010001");
		CHECK_STR(s, "0001");
		free(s);
		s = voice_date(vs[i], &tm);
		CHECK_STR(s, "2026-11-22");
		free(s);
		s = voice_day(vs[i], &tm);
		CHECK_STR(s, "2026-11-22");
		free(s);
		s = voice_time(vs[i], &tm);
		CHECK_STR(s, "14:05");
		free(s);
	}
}

/* A changed rule file changes what is said: the code has no words of its own. */
struct variant {
	const char *name, *file, *old, *new_text;
	const char *lang;
	long long n;			/* an amount in fen, or a number when !money */
	int money;
	const char *said;
};

static const struct variant variants[] = {
	{ "whole amounts", "voice/zh.yaml", "  # whole: 整", "  whole: 整", "zh", 500000, 1,
	    "五千元整" },
	{ "whole amounts, not with fen", "voice/zh.yaml", "  # whole: 整", "  whole: 整", "zh",
	    500050, 1, "五千元五角" },
	{ "no drop_one", "voice/zh.yaml", "  drop_one: [十]", "  drop_one: []", "zh", 1000, 1,
	    "一十元" },
	{ "no money zero", "voice/zh.yaml", "  zero: 零\n  # whole", "  # whole", "zh", 10005, 1,
	    "一百元五分" },
	{ "no jiao", "voice/zh.yaml", "  jiao: \"{n}角\"\n", "", "zh", 1234560, 1,
	    "一万二千三百四十五元六十分" },
	{ "no counting words", "voice/zh.yaml", "  counting: { 2: 两 }", "", "zh", 200, 1, "二元" },
	{ "counting words", "voice/zh.yaml", "{ 2: 两 }", "{ 2: 两, 1: 单 }", "zh", 2, 0, "两" },
	{ "counting words for counts only", "voice/zh.yaml", "{ 2: 两 }", "{ 2: 两, 1: 单 }",
	    "zh", 11, 0, "十一" },
	{ "number zero not said", "voice/zh.yaml", "  zero: 零                     #",
	    "  zero: \"\"                    #", "zh", 10010, 0, "一万一十" },
	{ "groups of a thousand", "voice/zh.yaml",
	    "  places: [\"\", 十, 百, 千]", "  places: [\"\", 十, 百]", "zh", 12345, 0,
	    "十二万三百四十五" },
	{ "a singular", "voice/en.yaml", "  yuan: \"{n} yuan\"",
	    "  yuan: { one: one yuan, other: \"{n} yuan\" }", "en", 100, 1, "one yuan" },
	{ "a singular, not for 2", "voice/en.yaml", "  yuan: \"{n} yuan\"",
	    "  yuan: { one: one yuan, other: \"{n} yuans\" }", "en", 200, 1, "2 yuans" },
	{ "no thousands separator", "voice/en.yaml", "  thousands: \",\"", "  thousands: \"\"",
	    "en", 1234567, 0, "1234567" },
};

static void
test_variants(void)
{
	for (size_t i = 0; i < ARRAY_LEN(variants); i++) {
		const struct variant *c = &variants[i];
		struct kiosk_setup s;
		tc_setup(NULL);
		tc_replace(c->file, c->old, c->new_text);
		if (load(&s, c->name) == 0) {
			const struct voice_rules *v = voice_for(&s.voices, c->lang);
			char *said = c->money ? voice_money(v, c->n) : voice_number(v, c->n);
			if (strcmp(said, c->said) != 0) {
				fprintf(stderr, "%s: \"%s\", expected \"%s\"\n", c->name, said,
				    c->said);
				test_failures++;
			}
			free(said);
		}
		kiosk_setup_free(&s);
	}

	/* A 24-hour English clock and a date in numbers. */
	struct kiosk_setup s;
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 14, .tm_min = 5 };
	tc_setup(NULL);
	tc_replace("voice/en.yaml", "  clock: 12\n  periods: [AM, PM]            # before noon, from noon\n",
	    "  clock: 24\n");
	tc_replace("voice/en.yaml", " {period}\"", "\"");
	tc_replace("voice/en.yaml", " {period}\"", "\"");
	tc_replace("voice/en.yaml", " {period}\"", "\"");
	tc_replace("voice/en.yaml", "{day} {month_name} {year}", "{year_digits}, {month}, {day}");
	if (load(&s, "24-hour English") == 0) {
		const struct voice_rules *en = voice_for(&s.voices, "en");
		char *t = voice_time(en, &tm), *d = voice_date(en, &tm);
		CHECK_STR(t, "14 oh 5");
		CHECK_STR(d, "two zero two six, 11, 22");
		free(t);
		free(d);
	}
	kiosk_setup_free(&s);
}

int
main(void)
{
	test_shipped();
	test_fallback();
	test_variants();
	tc_cleanup();
	if (test_failures > 0) {
		fprintf(stderr, "%d failure(s)\n", test_failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
