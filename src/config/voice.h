/* voice/LANG.yaml: how speech phrases items, PIN digits, keys, numbers, money, card
 * numbers, dates and times in one language. The file holds the words and the rules
 * (docs/configuration.md, "Voice files"); the functions below only apply them. */
#ifndef CONFIG_VOICE_H
#define CONFIG_VOICE_H

#include <time.h>

#include "common/diag.h"
#include "config/config.h"
#include "config/keyfn.h"

/* How whole numbers are said. */
enum voice_number_style {
	VOICE_NUMBERS_DIGITS,	/* as digits with a thousands separator: "12,345" */
	VOICE_NUMBERS_WORDS,	/* in words from place and group units: "一万二千三百四十五" */
};

#define VOICE_MAX_UNITS 8	/* place units, group units */

struct voice_numbers {
	enum voice_number_style style;
	char *digits[10];	/* words for 0..9, for numbers said digit by digit */
	char *separator;	/* between words, and between digits said one by one; may be "" */
	char *minus;		/* before a negative number */
	char *thousands;	/* digits style: between groups of three digits; may be "" */
	/* Words style. */
	char *places[VOICE_MAX_UNITS];	/* units inside a group, ones first: "", 十, 百, 千 */
	int nplaces;			/* digits per group */
	char *groups[VOICE_MAX_UNITS];	/* group units, ones first: "", 万, 亿 */
	int ngroups;
	char *zero;		/* said once for a run of zeros inside a number; may be "" */
	char *drop_one[VOICE_MAX_UNITS]; /* at the start, 1 is not said before these: 十 */
	int ndrop_one;
	/* Whole numbers said another way when they count something: 2 as 两 (两次, 两元). */
	long counting_n[VOICE_MAX_UNITS];
	char *counting_word[VOICE_MAX_UNITS];
	int ncounting;
};

/* A phrase with {n}; one, when set, is used instead of other when n is 1. */
struct voice_count_phrase {
	char *one;
	char *other;
};

struct voice_money_rules {
	struct voice_count_phrase yuan, jiao, fen; /* jiao.other NULL: fen said as 1..99 */
	char *zero;		/* between yuan and fen when there are no jiao; NULL: nothing */
	char *whole;		/* after an amount of whole yuan; NULL: nothing */
};

struct voice_date_rules {
	char *say;		/* "{year_digits}年{month}月{day}日", "{day} {month_name} {year}" */
	char *day;		/* within the year, no year said: "{month}月{day}日"; may be NULL */
	char *months[12];	/* month names; all NULL when the file gives none */
};

struct voice_time_rules {
	int clock;		/* 12 or 24 */
	char *periods[2];	/* clock 12: before noon, after noon ("AM", "PM") */
	char *on_the_hour;	/* minute 0: "{hour}点整" */
	char *under_ten;	/* minutes 1..9: "{hour}点零{minute}分" */
	char *minutes;		/* minutes 10..59: "{hour}点{minute}分" */
};

struct voice_rules {
	char lang[8];
	char *file;
	char *item;		/* "{label}, press {key}" */
	char *pin_digit;	/* said for every PIN digit, whatever it is */
	char *digits_entered;	/* "{count} digits entered" */
	char *keys[KEYFN_COUNT]; /* spoken key names; NULL for digits and functions not named */
	struct voice_numbers numbers;
	struct voice_money_rules money;
	char *card;		/* "card ending {digits}" */
	char *private_value;	/* said instead of a balance, name or card number when no
				 * headset is in: the speaker can be heard by others */
	char *volume;		/* "volume {level} of {levels}" */
	char *rate;		/* "speed {level} of {levels}" */
	char *position;		/* the item in focus: "{label}, {n} of {count}" */
	struct voice_date_rules date;
	struct voice_time_rules time;
};

struct voice_set {
	struct voice_rules *v;
	int n;
};

/* Reads voice/LANG.yaml for every offered language. Returns 0 when no diagnostic was
 * added; the set must be freed either way. */
int voices_load(const struct kiosk_config *cfg, struct voice_set *set, struct diag_list *d);
void voices_free(struct voice_set *set);

/* NULL when lang has no voice file loaded. */
const struct voice_rules *voice_for(const struct voice_set *set, const char *lang);
/* Spoken name of a key function: digits as themselves, else the file's name, else
 * keyfn_to_str(). Never NULL. */
const char *voice_key_name(const struct voice_rules *v, enum key_fn fn);

/*
 * Spoken forms. Each returns a new string the caller frees, never NULL. They follow the
 * rules of a file that loaded without errors; with rules missing (v NULL, or a file that
 * failed to load) they fall back to plain digits so that something is still said.
 */

/* A whole number that counts something: "12,345" (digits style), "一万二千三百四十五"
 * (words style), with the file's counting words ("两" for 2 in Mandarin). Use it for
 * every count that is spoken: tries left, seconds. Dates and minutes are not counts:
 * voice_date and voice_time say them without the counting words (二月, 十四点零二分). */
char *voice_number(const struct voice_rules *v, long long n);
/* A number that names a place or a level rather than counting: without the counting
 * words (第二项, 音量二). */
char *voice_number_plain(const struct voice_rules *v, long long n);
/* The characters of s that are digits, said one by one with the digit words: "零零零一",
 * "zero zero zero one". Other characters are skipped. */
char *voice_digits(const struct voice_rules *v, const char *s);
/* An amount in fen: "一万二千三百四十五元六角", "12,345 yuan 60 fen". */
char *voice_money(const struct voice_rules *v, long long fen);
/* A card by the last VOICE_CARD_DIGITS digits of pan, said one by one in the card
 * phrase: "尾号零零零一". Non-digits in pan are skipped, so a masked "**** 0001" works;
 * a pan with fewer digits gives all it has. Never pass a PIN. */
#define VOICE_CARD_DIGITS 4
char *voice_card(const struct voice_rules *v, const char *pan);
/* The date of tm (tm_year, tm_mon, tm_mday): "二零二六年十一月二十二日". */
char *voice_date(const struct voice_rules *v, const struct tm *tm);
/* The day of tm within its year, without the year (a statement's lines):
 * "十二月一日", "1 December"; date.say when the file has no date.day. */
char *voice_day(const struct voice_rules *v, const struct tm *tm);
/* The time of tm (tm_hour, tm_min): "十四点零五分", "2 oh 5 PM". */
char *voice_time(const struct voice_rules *v, const struct tm *tm);

#endif
