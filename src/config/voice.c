#include "config/voice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/schema.h"
#include "config/text.h"
#include "config/yaml_tree.h"

static const char *const fields[] = { "item", "pin_digit", "digits_entered", "keys",
	"numbers", "money", "card", "date", "time", "private", "volume", "rate", "position",
	NULL };

static const char *const number_fields[] = { "style", "digits", "separator", "minus",
	"thousands", "places", "groups", "zero", "drop_one", "counting", NULL };
static const char *const number_required[] = { "style", "digits", "separator", "minus",
	NULL };
static const char *const digits_only[] = { "thousands", NULL };
static const char *const words_only[] = { "places", "groups", "zero", "drop_one", NULL };
static const char *const words_required[] = { "places", "groups", "zero", NULL };

static const char *const money_fields[] = { "yuan", "jiao", "fen", "zero", "whole", NULL };
static const char *const money_required[] = { "yuan", "fen", NULL };
static const char *const date_fields[] = { "say", "day", "months", NULL };
static const char *const date_required[] = { "say", NULL };
static const char *const time_fields[] = { "clock", "periods", "on_the_hour", "under_ten",
	"minutes", NULL };
static const char *const time_required[] = { "clock", "on_the_hour", "under_ten", "minutes",
	NULL };

static const char *const ph_item[] = { "label", "key", NULL };
static const char *const ph_count[] = { "count", NULL };
static const char *const ph_n[] = { "n", NULL };
static const char *const ph_card[] = { "digits", NULL };
static const char *const ph_level[] = { "level", "levels", NULL };
static const char *const ph_position[] = { "label", "n", "count", NULL };
static const char *const ph_date[] = { "year", "year_digits", "month", "month_name", "day",
	NULL };
static const char *const ph_day[] = { "day", NULL };
static const char *const ph_time[] = { "hour", "minute", "period", NULL };
static const char *const ph_hour[] = { "hour", NULL };
static const char *const ph_hour_minute[] = { "hour", "minute", NULL };

/* Key functions whose spoken name every voice file must give. */
static const enum key_fn required_keys[] = { KEYFN_ENTER, KEYFN_CLEAR, KEYFN_CANCEL,
	KEYFN_F1, KEYFN_F2, KEYFN_F3, KEYFN_F4, KEYFN_F5, KEYFN_F6, KEYFN_F7, KEYFN_F8 };

/* The key node of key in map, for messages about the key itself. */
static const struct ynode *
map_key(const struct ynode *map, const char *key)
{
	for (int i = 0; i < map->npairs; i++)
		if (strcmp(map->pairs[i].key->value, key) == 0)
			return map->pairs[i].key;
	return map;
}

/* Checks the placeholders of phrase s: only those of allowed, and every one of required. */
static void
check_phrase(struct yctx *c, const struct ynode *n, const char *path, const char *s,
    const char *const *allowed, const char *const *required)
{
	char owner[80];

	snprintf(owner, sizeof owner, "voice %s", path);
	text_check_placeholders(c, n, path, s, allowed, owner);
	for (const char *const *p = required; p != NULL && *p != NULL; p++)
		if (!text_has_placeholder(s, *p))
			yerr(c, n, "%s: must contain {%s}", path, *p);
}

static int
read_phrase(struct yctx *c, const struct ynode *n, const char *path,
    const char *const *allowed, const char *const *required, char **out)
{
	if (n == NULL || yget_string(c, n, path, out) == -1)
		return -1;
	check_phrase(c, n, path, *out, allowed, required);
	return 0;
}

/* A word of a rule: a string without placeholders; "" only when allow_empty. */
static int
read_word(struct yctx *c, const struct ynode *n, const char *path, int allow_empty, char **out)
{
	if (allow_empty && n->type == YNODE_SCALAR && !n->plain && n->len == 0) {
		free(*out);
		*out = xstrdup("");
		return 0;
	}
	if (yget_string(c, n, path, out) == -1)
		return -1;
	check_phrase(c, n, path, *out, NULL, NULL);
	return 0;
}

/* A list of min..max words into out (room for max); returns how many were read. */
static int
read_words(struct yctx *c, const struct ynode *n, const char *path, int min, int max,
    int allow_empty, char **out)
{
	char p[128];

	if (yexpect_sequence(c, n, path) == -1)
		return 0;
	if (n->nitems < min || n->nitems > max) {
		if (min == max)
			yerr(c, n, "%s: expected %d entries, found %d", path, min, n->nitems);
		else
			yerr(c, n, "%s: expected %d to %d entries, found %d", path, min, max,
			    n->nitems);
		return 0;
	}
	for (int i = 0; i < n->nitems; i++) {
		ypath_index(p, sizeof p, path, i + 1);
		read_word(c, n->items[i], p, allow_empty, &out[i]);
	}
	return n->nitems;
}

/* "{n} yuan", or { one: "1 yuan", other: "{n} yuan" }. */
static void
read_count_phrase(struct yctx *c, const struct ynode *n, const char *path,
    struct voice_count_phrase *out)
{
	static const char *const known[] = { "one", "other", NULL };
	char p[128];

	if (n->type != YNODE_MAPPING) {
		read_phrase(c, n, path, ph_n, ph_n, &out->other);
		return;
	}
	if (ymap_check(c, n, path, known, known + 1) == -1)
		return;
	const struct ynode *one = ymap_get(n, "one"), *other = ymap_get(n, "other");
	ypath_key(p, sizeof p, path, "one");
	if (one != NULL)
		read_phrase(c, one, p, ph_n, NULL, &out->one);
	ypath_key(p, sizeof p, path, "other");
	if (other != NULL)
		read_phrase(c, other, p, ph_n, ph_n, &out->other);
}

static void
read_keys(struct yctx *c, struct voice_rules *v, const struct ynode *n)
{
	const char *names[KEYFN_COUNT + 1];
	char p[64];

	for (int i = 0; i < KEYFN_COUNT; i++)
		names[i] = keyfn_to_str((enum key_fn)i);
	names[KEYFN_COUNT] = NULL;
	if (yexpect_mapping(c, n, "keys") == -1)
		return;
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key;
		enum key_fn fn = keyfn_from_str(k->value);
		ypath_key(p, sizeof p, "keys", k->value);
		if (fn == KEYFN_NONE) {
			const char *sug = ysuggest(k->value, names);
			if (sug != NULL)
				yerr(c, k, "%s: unknown key function (did you mean \"%s\"?)", p, sug);
			else
				yerr(c, k, "%s: unknown key function", p);
			continue;
		}
		if (KEYFN_IS_DIGIT(fn)) {
			yerr(c, k, "%s: digits are said as themselves; leave them out", p);
			continue;
		}
		if (v->keys[fn] != NULL) {
			yerr(c, k, "%s: duplicate key", p);
			continue;
		}
		if (yget_string(c, n->pairs[i].value, p, &v->keys[fn]) == 0)
			text_check_placeholders(c, n->pairs[i].value, p, v->keys[fn], NULL,
			    "a key name");
	}
	for (size_t i = 0; i < ARRAY_LEN(required_keys); i++) {
		const char *name = keyfn_to_str(required_keys[i]);
		if (v->keys[required_keys[i]] == NULL && ymap_get(n, name) == NULL)
			yerr(c, n, "keys: missing the spoken name of %s", name);
	}
}

/* counting: { 2: 两 } */
static void
read_counting(struct yctx *c, struct voice_numbers *nr, const struct ynode *n)
{
	char p[64];

	if (yexpect_mapping(c, n, "numbers.counting") == -1)
		return;
	if (n->npairs > VOICE_MAX_UNITS) {
		yerr(c, n, "numbers.counting: at most %d numbers, found %d", VOICE_MAX_UNITS,
		    n->npairs);
		return;
	}
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key;
		long num;
		ypath_key(p, sizeof p, "numbers.counting", k->value);
		if (yget_int(c, k, p, 0, 1000000, &num) == -1)
			continue;
		int dup = 0;
		for (int j = 0; j < nr->ncounting; j++)
			dup |= nr->counting_n[j] == num;
		if (dup) {
			yerr(c, k, "%s: duplicate number", p);
			continue;
		}
		if (read_word(c, n->pairs[i].value, p, 0, &nr->counting_word[nr->ncounting]) == 0)
			nr->counting_n[nr->ncounting++] = num;
	}
}

static void
read_numbers(struct yctx *c, struct voice_numbers *nr, const struct ynode *n)
{
	const struct ynode *x;
	const char *style_name;
	char p[64];

	if (ymap_check(c, n, "numbers", number_fields, number_required) == -1)
		return;
	if ((x = ymap_get(n, "digits")) != NULL)
		read_words(c, x, "numbers.digits", 10, 10, 0, nr->digits);
	if ((x = ymap_get(n, "separator")) != NULL)
		read_word(c, x, "numbers.separator", 1, &nr->separator);
	if ((x = ymap_get(n, "minus")) != NULL)
		read_word(c, x, "numbers.minus", 0, &nr->minus);
	if ((x = ymap_get(n, "style")) == NULL)
		return;
	if (x->type == YNODE_SCALAR && strcmp(x->value, "digits") == 0) {
		nr->style = VOICE_NUMBERS_DIGITS;
	} else if (x->type == YNODE_SCALAR && strcmp(x->value, "words") == 0) {
		nr->style = VOICE_NUMBERS_WORDS;
	} else {
		if (x->type == YNODE_SCALAR)
			yerr(c, x, "numbers.style: expected digits or words, found \"%s\"",
			    x->value);
		else
			yerr(c, x, "numbers.style: expected digits or words, found %s",
			    ynode_type_str(x));
		return;
	}
	if ((x = ymap_get(n, "counting")) != NULL)
		read_counting(c, nr, x);
	style_name = nr->style == VOICE_NUMBERS_WORDS ? "words" : "digits";
	/* Fields of the other style would silently do nothing. */
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key;
		const char *const *other = nr->style == VOICE_NUMBERS_WORDS ? digits_only : words_only;
		if (str_in_list(k->value, other))
			yerr(c, k, "numbers.%s: not used with style: %s", k->value, style_name);
	}
	if (nr->style == VOICE_NUMBERS_DIGITS) {
		if ((x = ymap_get(n, "thousands")) != NULL)
			read_word(c, x, "numbers.thousands", 1, &nr->thousands);
		else
			yerr(c, n, "numbers: missing required key \"thousands\" (style: digits)");
		return;
	}
	for (const char *const *k = words_required; *k != NULL; k++)
		if (ymap_get(n, *k) == NULL)
			yerr(c, n, "numbers: missing required key \"%s\" (style: words)", *k);
	if ((x = ymap_get(n, "places")) != NULL)
		nr->nplaces = read_words(c, x, "numbers.places", 1, VOICE_MAX_UNITS, 1, nr->places);
	if ((x = ymap_get(n, "groups")) != NULL)
		nr->ngroups = read_words(c, x, "numbers.groups", 1, VOICE_MAX_UNITS, 1, nr->groups);
	if ((x = ymap_get(n, "zero")) != NULL)
		read_word(c, x, "numbers.zero", 1, &nr->zero);
	if ((x = ymap_get(n, "drop_one")) == NULL)
		return;
	nr->ndrop_one = read_words(c, x, "numbers.drop_one", 0, VOICE_MAX_UNITS, 0, nr->drop_one);
	for (int i = 0; i < nr->ndrop_one; i++) {
		int found = 0;
		for (int j = 0; j < nr->nplaces; j++)
			if (nr->drop_one[i] != NULL && nr->places[j] != NULL &&
			    strcmp(nr->drop_one[i], nr->places[j]) == 0)
				found = 1;
		ypath_index(p, sizeof p, "numbers.drop_one", i + 1);
		if (nr->drop_one[i] != NULL && !found && nr->nplaces > 0)
			yerr(c, x->items[i], "%s: \"%s\" is not one of numbers.places", p,
			    nr->drop_one[i]);
	}
}

static void
read_money(struct yctx *c, struct voice_money_rules *m, const struct ynode *n)
{
	const struct ynode *x;

	if (n->type != YNODE_MAPPING) {
		yerr(c, n, "money: expected a mapping (yuan, fen, ...), found %s",
		    ynode_type_str(n));
		return;
	}
	ymap_check(c, n, "money", money_fields, money_required);
	if ((x = ymap_get(n, "yuan")) != NULL)
		read_count_phrase(c, x, "money.yuan", &m->yuan);
	if ((x = ymap_get(n, "jiao")) != NULL)
		read_count_phrase(c, x, "money.jiao", &m->jiao);
	if ((x = ymap_get(n, "fen")) != NULL)
		read_count_phrase(c, x, "money.fen", &m->fen);
	if ((x = ymap_get(n, "zero")) != NULL)
		read_word(c, x, "money.zero", 0, &m->zero);
	if ((x = ymap_get(n, "whole")) != NULL)
		read_word(c, x, "money.whole", 0, &m->whole);
}

static void
read_date(struct yctx *c, struct voice_date_rules *dr, const struct ynode *n)
{
	const struct ynode *say, *months;

	if (ymap_check(c, n, "date", date_fields, date_required) == -1)
		return;
	if ((months = ymap_get(n, "months")) != NULL)
		read_words(c, months, "date.months", 12, 12, 0, dr->months);
	if ((say = ymap_get(n, "say")) == NULL ||
	    read_phrase(c, say, "date.say", ph_date, ph_day, &dr->say) == -1)
		return;
	if (!text_has_placeholder(dr->say, "month") && !text_has_placeholder(dr->say, "month_name"))
		yerr(c, say, "date.say: must contain {month} or {month_name}");
	if (!text_has_placeholder(dr->say, "year") && !text_has_placeholder(dr->say, "year_digits"))
		yerr(c, say, "date.say: must contain {year} or {year_digits}");
	if (text_has_placeholder(dr->say, "month_name") && months == NULL)
		yerr(c, say, "date.say: {month_name} needs the month names in date.months");
	const struct ynode *day = ymap_get(n, "day");
	if (day == NULL || read_phrase(c, day, "date.day", ph_date, ph_day, &dr->day) == -1)
		return;
	if (!text_has_placeholder(dr->day, "month") && !text_has_placeholder(dr->day, "month_name"))
		yerr(c, day, "date.day: must contain {month} or {month_name}");
	if (text_has_placeholder(dr->day, "month_name") && months == NULL)
		yerr(c, day, "date.day: {month_name} needs the month names in date.months");
}

static void
read_time_phrase(struct yctx *c, const struct ynode *n, const char *field, int clock,
    const char *const *required, char **out)
{
	char p[64];

	ypath_key(p, sizeof p, "time", field);
	if (read_phrase(c, n, p, ph_time, required, out) == -1 || clock == 0)
		return;
	if (clock == 12 && !text_has_placeholder(*out, "period"))
		yerr(c, n, "%s: must contain {period} (clock: 12)", p);
	if (clock == 24 && text_has_placeholder(*out, "period"))
		yerr(c, n, "%s: {period} is only used with clock: 12", p);
}

static void
read_time(struct yctx *c, struct voice_time_rules *t, const struct ynode *n)
{
	const struct ynode *x, *periods;
	long clock = 0;

	if (ymap_check(c, n, "time", time_fields, time_required) == -1)
		return;
	if ((x = ymap_get(n, "clock")) != NULL && yget_int(c, x, "time.clock", 12, 24, &clock) == 0 &&
	    clock != 12 && clock != 24) {
		yerr(c, x, "time.clock: expected 12 or 24, found %ld", clock);
		clock = 0;
	}
	t->clock = (int)clock;
	periods = ymap_get(n, "periods");
	if (clock == 12 && periods == NULL)
		yerr(c, n, "time: missing required key \"periods\" (clock: 12)");
	else if (clock == 24 && periods != NULL)
		yerr(c, map_key(n, "periods"), "time.periods: not used with clock: 24");
	else if (periods != NULL)
		read_words(c, periods, "time.periods", 2, 2, 0, t->periods);
	if ((x = ymap_get(n, "on_the_hour")) != NULL)
		read_time_phrase(c, x, "on_the_hour", t->clock, ph_hour, &t->on_the_hour);
	if ((x = ymap_get(n, "under_ten")) != NULL)
		read_time_phrase(c, x, "under_ten", t->clock, ph_hour_minute, &t->under_ten);
	if ((x = ymap_get(n, "minutes")) != NULL)
		read_time_phrase(c, x, "minutes", t->clock, ph_hour_minute, &t->minutes);
}

static void
free_words(char **w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i]);
}

static void
voice_rules_free(struct voice_rules *v)
{
	struct voice_numbers *nr = &v->numbers;
	struct voice_money_rules *m = &v->money;

	free(v->file);
	free(v->item);
	free(v->pin_digit);
	free(v->digits_entered);
	for (int i = 0; i < KEYFN_COUNT; i++)
		free(v->keys[i]);
	free_words(nr->digits, 10);
	free(nr->separator);
	free(nr->minus);
	free(nr->thousands);
	free_words(nr->places, VOICE_MAX_UNITS);
	free_words(nr->groups, VOICE_MAX_UNITS);
	free(nr->zero);
	free_words(nr->drop_one, VOICE_MAX_UNITS);
	free_words(nr->counting_word, VOICE_MAX_UNITS);
	free(m->yuan.one);
	free(m->yuan.other);
	free(m->jiao.one);
	free(m->jiao.other);
	free(m->fen.one);
	free(m->fen.other);
	free(m->zero);
	free(m->whole);
	free(v->card);
	free(v->private_value);
	free(v->volume);
	free(v->rate);
	free(v->position);
	free(v->date.say);
	free(v->date.day);
	free_words(v->date.months, 12);
	free_words(v->time.periods, 2);
	free(v->time.on_the_hour);
	free(v->time.under_ten);
	free(v->time.minutes);
	memset(v, 0, sizeof *v);
}

static void
read_voice(struct yctx *c, struct voice_rules *v, const struct ynode *root)
{
	const struct ynode *x;

	if (ymap_check(c, root, "", fields, fields) == -1)
		return;
	read_phrase(c, ymap_get(root, "item"), "item", ph_item, ph_item, &v->item);
	read_phrase(c, ymap_get(root, "pin_digit"), "pin_digit", NULL, NULL, &v->pin_digit);
	read_phrase(c, ymap_get(root, "digits_entered"), "digits_entered", ph_count, ph_count,
	    &v->digits_entered);
	read_phrase(c, ymap_get(root, "card"), "card", ph_card, ph_card, &v->card);
	read_phrase(c, ymap_get(root, "private"), "private", NULL, NULL, &v->private_value);
	read_phrase(c, ymap_get(root, "volume"), "volume", ph_level, ph_level, &v->volume);
	read_phrase(c, ymap_get(root, "rate"), "rate", ph_level, ph_level, &v->rate);
	read_phrase(c, ymap_get(root, "position"), "position", ph_position, ph_position,
	    &v->position);
	if ((x = ymap_get(root, "keys")) != NULL)
		read_keys(c, v, x);
	if ((x = ymap_get(root, "numbers")) != NULL)
		read_numbers(c, &v->numbers, x);
	if ((x = ymap_get(root, "money")) != NULL)
		read_money(c, &v->money, x);
	if ((x = ymap_get(root, "date")) != NULL)
		read_date(c, &v->date, x);
	if ((x = ymap_get(root, "time")) != NULL)
		read_time(c, &v->time, x);
}

int
voices_load(const struct kiosk_config *cfg, struct voice_set *set, struct diag_list *d)
{
	int before = d->count;

	memset(set, 0, sizeof *set);
	if (cfg->voice_dir == NULL)
		return -1;
	set->v = xcalloc((size_t)cfg->nlanguages + 1, sizeof *set->v);
	for (int i = 0; i < cfg->nlanguages; i++) {
		const char *lang = cfg->languages[i];
		struct strbuf b = {0};
		size_t len = strlen(cfg->voice_dir);
		strbuf_add(&b, cfg->voice_dir);
		if (len > 0 && cfg->voice_dir[len - 1] != '/')
			strbuf_addc(&b, '/');
		strbuf_addf(&b, "%s.yaml", lang);
		char *file = strbuf_take(&b);
		struct yctx c = { .file = file, .d = d };
		struct ydoc doc;

		int r = ydoc_load(&doc, file, d);
		if (r == -2 && errno == ENOENT) {
			diag_add(d, cfg->path, cfg->where_voice.line, cfg->where_voice.column,
			    "voice: missing voice file %s.yaml in %s", lang, cfg->voice_dir);
		} else if (r == -2) {
			diag_add(d, file, 0, 0, "cannot read: %s", strerror(errno));
		} else if (r == 0 && doc.root == NULL) {
			diag_add(d, file, 1, 1, "the file is empty; expected the voice rules");
		} else if (r == 0) {
			struct voice_rules *v = &set->v[set->n++];
			snprintf(v->lang, sizeof v->lang, "%s", lang);
			v->file = xstrdup(file);
			read_voice(&c, v, doc.root);
		}
		ydoc_free(&doc);
		free(file);
	}
	return d->count == before ? 0 : -1;
}

void
voices_free(struct voice_set *set)
{
	for (int i = 0; i < set->n; i++)
		voice_rules_free(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof *set);
}

const struct voice_rules *
voice_for(const struct voice_set *set, const char *lang)
{
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->v[i].lang, lang) == 0)
			return &set->v[i];
	return NULL;
}

const char *
voice_key_name(const struct voice_rules *v, enum key_fn fn)
{
	if (v != NULL && fn >= 0 && fn < KEYFN_COUNT && !KEYFN_IS_DIGIT(fn) && v->keys[fn])
		return v->keys[fn];
	return keyfn_to_str(fn);
}

/*
 * Spoken forms.
 */

/* Adds word w to b after sep, unless w is empty; at is where the current phrase began. */
static void
add_word(struct strbuf *b, size_t at, const char *sep, const char *w)
{
	if (w == NULL || w[0] == '\0')
		return;
	if (b->len > at && sep != NULL)
		strbuf_add(b, sep);
	strbuf_add(b, w);
}

static int
numbers_complete(const struct voice_numbers *nr)
{
	for (int i = 0; i < 10; i++)
		if (nr->digits[i] == NULL)
			return 0;
	if (nr->separator == NULL || nr->minus == NULL)
		return 0;
	if (nr->style == VOICE_NUMBERS_DIGITS)
		return nr->thousands != NULL;
	if (nr->nplaces < 1 || nr->ngroups < 1 || nr->zero == NULL)
		return 0;
	for (int i = 0; i < nr->nplaces; i++)
		if (nr->places[i] == NULL)
			return 0;
	for (int i = 0; i < nr->ngroups; i++)
		if (nr->groups[i] == NULL)
			return 0;
	return 1;
}

static int
drops_one(const struct voice_numbers *nr, const char *place)
{
	for (int i = 0; i < nr->ndrop_one; i++)
		if (nr->drop_one[i] != NULL && strcmp(nr->drop_one[i], place) == 0)
			return 1;
	return 0;
}

static void
spell_digits(struct strbuf *b, size_t at, const struct voice_numbers *nr, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (nr->digits[*s - '0'] != NULL)
			add_word(b, at, nr->separator, nr->digits[*s - '0']);
		else
			strbuf_addc(b, *s);
	}
}

/* n in words when it has at most nplaces * ngroups digits. A run of zeros before a
 * digit inside the number is said once as the zero word; zeros that end the number or a
 * group are not said. At the start of a number (at_start) 1 is not said before the place
 * units of drop_one. */
static void
words_groups(struct strbuf *b, size_t at, const struct voice_numbers *nr,
    unsigned long long n, int at_start)
{
	char d[32];
	int len = snprintf(d, sizeof d, "%llu", n);
	int pending_zero = 0, said = 0, group_said = 0;

	for (int i = 0; i < len; i++) {
		int pos = len - 1 - i, digit = d[i] - '0';
		int place = pos % nr->nplaces, group = pos / nr->nplaces;
		if (digit == 0) {
			pending_zero = said;
		} else {
			if (pending_zero)
				add_word(b, at, nr->separator, nr->zero);
			pending_zero = 0;
			if (!(digit == 1 && at_start && !said && drops_one(nr, nr->places[place])))
				add_word(b, at, nr->separator, nr->digits[digit]);
			add_word(b, at, nr->separator, nr->places[place]);
			said = group_said = 1;
		}
		if (place == 0 && group_said) {
			/* Zeros closing a group are not said: 一亿二千万三千四百. */
			add_word(b, at, nr->separator, nr->groups[group]);
			group_said = pending_zero = 0;
		}
	}
}

/* n > 0 in words; numbers beyond the largest group stack it (一万亿). */
static void
words_number(struct strbuf *b, size_t at, const struct voice_numbers *nr,
    unsigned long long n, int at_start)
{
	int per_group = nr->nplaces, ndigits = 0;
	unsigned long long top = 1;

	for (unsigned long long x = n; x > 0; x /= 10)
		ndigits++;
	if (ndigits <= per_group * nr->ngroups) {
		words_groups(b, at, nr, n, at_start);
		return;
	}
	if (nr->ngroups == 1) {
		/* No group unit to stack: say it digit by digit rather than wrongly. */
		char d[32];
		snprintf(d, sizeof d, "%llu", n);
		spell_digits(b, at, nr, d);
		return;
	}
	/* ndigits > per_group * ngroups, so this power of ten fits. */
	for (int i = 0; i < per_group * (nr->ngroups - 1); i++)
		top *= 10;
	words_number(b, at, nr, n / top, at_start);
	add_word(b, at, nr->separator, nr->groups[nr->ngroups - 1]);
	if (n % top == 0)
		return;
	if (n % top < top / 10)
		add_word(b, at, nr->separator, nr->zero);
	words_groups(b, at, nr, n % top, 0);
}

/* How add_number says a number. */
#define NUM_GROUP	0x1	/* the digits style separates thousands (not in years) */
#define NUM_COUNT	0x2	/* it counts something: the counting words apply */

static void
add_number(struct strbuf *b, const struct voice_rules *v, long long n, int how)
{
	const struct voice_numbers *nr = &v->numbers;
	unsigned long long abs = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	size_t at = b->len;
	char d[32];

	if (!numbers_complete(nr)) {
		strbuf_addf(b, "%lld", n);
		return;
	}
	for (int i = 0; (how & NUM_COUNT) && i < nr->ncounting; i++) {
		if (nr->counting_n[i] == n && nr->counting_word[i] != NULL) {
			strbuf_add(b, nr->counting_word[i]);
			return;
		}
	}
	if (n < 0)
		add_word(b, at, nr->separator, nr->minus);
	if (nr->style == VOICE_NUMBERS_WORDS) {
		if (abs == 0)
			add_word(b, at, nr->separator, nr->digits[0]);
		else
			words_number(b, at, nr, abs, 1);
		return;
	}
	if (b->len > at)
		strbuf_add(b, nr->separator);
	int len = snprintf(d, sizeof d, "%llu", abs);
	for (int i = 0; i < len; i++) {
		if ((how & NUM_GROUP) && i > 0 && (len - i) % 3 == 0)
			strbuf_add(b, nr->thousands);
		strbuf_addc(b, d[i]);
	}
}

static char *
number_text(const struct voice_rules *v, long long n, int how)
{
	struct strbuf b = {0};

	strbuf_init(&b);
	if (v == NULL)
		strbuf_addf(&b, "%lld", n);
	else
		add_number(&b, v, n, how);
	return strbuf_take(&b);
}

char *
voice_number(const struct voice_rules *v, long long n)
{
	return number_text(v, n, NUM_GROUP | NUM_COUNT);
}

char *
voice_number_plain(const struct voice_rules *v, long long n)
{
	return number_text(v, n, NUM_GROUP);
}

char *
voice_digits(const struct voice_rules *v, const char *s)
{
	static const struct voice_numbers none;
	struct strbuf b = {0};

	strbuf_init(&b);
	spell_digits(&b, 0, v != NULL ? &v->numbers : &none, s);
	return strbuf_take(&b);
}

/* Fills tmpl's {n} with n as spoken. */
static char *
fill_count(const struct voice_rules *v, const struct voice_count_phrase *p, long long n)
{
	const char *tmpl = n == 1 && p->one != NULL ? p->one : p->other;
	char *num = voice_number(v, n);
	struct text_var vars[] = { { "n", num } };
	char *out = text_fill(tmpl, vars, 1);

	free(num);
	return out;
}

static void
add_count(struct strbuf *b, size_t at, const struct voice_rules *v,
    const struct voice_count_phrase *p, long long n)
{
	char *s = fill_count(v, p, n);

	add_word(b, at, v->numbers.separator, s);
	free(s);
}

char *
voice_money(const struct voice_rules *v, long long fen)
{
	unsigned long long abs = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
	long long yuan = (long long)(abs / 100), cents = (long long)(abs % 100);
	struct strbuf b = {0};

	strbuf_init(&b);
	if (v == NULL || v->money.yuan.other == NULL || v->money.fen.other == NULL ||
	    !numbers_complete(&v->numbers)) {
		strbuf_addf(&b, "%s%lld", fen < 0 ? "-" : "", yuan);
		if (cents != 0)
			strbuf_addf(&b, ".%02lld", cents);
		return strbuf_take(&b);
	}
	const struct voice_money_rules *m = &v->money;
	const char *sep = v->numbers.separator;
	if (fen < 0)
		add_word(&b, 0, sep, v->numbers.minus);
	if (yuan > 0 || cents == 0)
		add_count(&b, 0, v, &m->yuan, yuan);
	if (m->jiao.other != NULL && cents / 10 > 0)
		add_count(&b, 0, v, &m->jiao, cents / 10);
	long long rest = m->jiao.other != NULL ? cents % 10 : cents;
	if (rest > 0) {
		/* 一百元零五分: a zero where the tens of fen would be. */
		if (yuan > 0 && cents < 10)
			add_word(&b, 0, sep, m->zero);
		add_count(&b, 0, v, &m->fen, rest);
	}
	if (cents == 0 && yuan > 0)
		add_word(&b, 0, sep, m->whole);
	return strbuf_take(&b);
}

char *
voice_card(const struct voice_rules *v, const char *pan)
{
	char last[VOICE_CARD_DIGITS + 1];
	size_t n = 0, len = strlen(pan);

	/* The last digits, right to left, skipping masks and spaces. */
	last[VOICE_CARD_DIGITS] = '\0';
	for (size_t i = len; i > 0 && n < VOICE_CARD_DIGITS; i--)
		if (pan[i - 1] >= '0' && pan[i - 1] <= '9')
			last[VOICE_CARD_DIGITS - ++n] = pan[i - 1];
	char *digits = voice_digits(v, last + VOICE_CARD_DIGITS - n);
	if (v == NULL || v->card == NULL)
		return digits;
	struct text_var vars[] = { { "digits", digits } };
	char *out = text_fill(v->card, vars, 1);
	free(digits);
	return out;
}

/* tmpl filled with the date of tm; NULL tmpl: the date as digits. */
static char *
date_fill(const struct voice_rules *v, const char *tmpl, const struct tm *tm)
{
	int year = tm->tm_year + 1900, month = tm->tm_mon + 1;
	char buf[32];

	if (v == NULL || tmpl == NULL) {
		snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, tm->tm_mday);
		return xstrdup(buf);
	}
	char *year_num = number_text(v, year, 0);
	snprintf(buf, sizeof buf, "%d", year);
	char *year_digits = voice_digits(v, buf);
	char *month_num = number_text(v, month, NUM_GROUP);
	char *day = number_text(v, tm->tm_mday, NUM_GROUP);
	const char *name = month >= 1 && month <= 12 && v->date.months[month - 1] != NULL ?
	    v->date.months[month - 1] : month_num;
	struct text_var vars[] = {
		{ "year", year_num }, { "year_digits", year_digits }, { "month", month_num },
		{ "month_name", name }, { "day", day },
	};
	char *out = text_fill(tmpl, vars, (int)ARRAY_LEN(vars));
	free(year_num);
	free(year_digits);
	free(month_num);
	free(day);
	return out;
}

char *
voice_date(const struct voice_rules *v, const struct tm *tm)
{
	return date_fill(v, v ? v->date.say : NULL, tm);
}

char *
voice_day(const struct voice_rules *v, const struct tm *tm)
{
	/* A file without date.day says the whole date: longer, never wrong. */
	return date_fill(v, v == NULL ? NULL : v->date.day ? v->date.day : v->date.say, tm);
}

char *
voice_time(const struct voice_rules *v, const struct tm *tm)
{
	const struct voice_time_rules *t = v != NULL ? &v->time : NULL;
	int hour = tm->tm_hour, minute = tm->tm_min;
	const char *period = "";
	char buf[16];

	if (t == NULL || t->on_the_hour == NULL || t->under_ten == NULL || t->minutes == NULL ||
	    (t->clock == 12 && (t->periods[0] == NULL || t->periods[1] == NULL))) {
		snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
		return xstrdup(buf);
	}
	if (t->clock == 12) {
		period = hour < 12 ? t->periods[0] : t->periods[1];
		hour = hour % 12 == 0 ? 12 : hour % 12;
	}
	/* 两点零二分: the hour counts, the minute is a plain number. */
	char *h = number_text(v, hour, NUM_GROUP | NUM_COUNT);
	char *m = number_text(v, minute, NUM_GROUP);
	struct text_var vars[] = { { "hour", h }, { "minute", m }, { "period", period } };
	const char *tmpl = minute == 0 ? t->on_the_hour : minute < 10 ? t->under_ten : t->minutes;
	char *out = text_fill(tmpl, vars, (int)ARRAY_LEN(vars));
	free(h);
	free(m);
	return out;
}
