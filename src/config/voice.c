#include "config/voice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/schema.h"
#include "config/text.h"
#include "config/yaml_tree.h"

static const char *const fields[] = { "item", "pin_digit", "digits_entered", "keys", "money",
	"money_whole", NULL };

static const char *const ph_item[] = { "label", "key", NULL };
static const char *const ph_count[] = { "count", NULL };
static const char *const ph_money[] = { "yuan", "fen", NULL };
static const char *const ph_yuan[] = { "yuan", NULL };

/* Key functions whose spoken name every voice file must give. */
static const enum key_fn required_keys[] = { KEYFN_ENTER, KEYFN_CLEAR, KEYFN_CANCEL,
	KEYFN_F1, KEYFN_F2, KEYFN_F3, KEYFN_F4, KEYFN_F5, KEYFN_F6, KEYFN_F7, KEYFN_F8 };

static void
read_phrase(struct yctx *c, const struct ynode *root, const char *field,
    const char *const *placeholders, char **out)
{
	const struct ynode *v = ymap_get(root, field);
	char owner[64];

	if (v == NULL || yget_string(c, v, field, out) == -1)
		return;
	snprintf(owner, sizeof owner, "voice %s", field);
	text_check_placeholders(c, v, field, *out, placeholders, owner);
	for (const char *const *p = placeholders; p != NULL && *p != NULL; p++)
		if (!text_has_placeholder(*out, *p))
			yerr(c, v, "%s: must contain {%s}", field, *p);
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

static void
voice_rules_free(struct voice_rules *v)
{
	free(v->file);
	free(v->item);
	free(v->pin_digit);
	free(v->digits_entered);
	free(v->money);
	free(v->money_whole);
	for (int i = 0; i < KEYFN_COUNT; i++)
		free(v->keys[i]);
	memset(v, 0, sizeof *v);
}

static void
read_voice(struct yctx *c, struct voice_rules *v, const struct ynode *root)
{
	const struct ynode *keys;

	if (ymap_check(c, root, "", fields, fields) == -1)
		return;
	read_phrase(c, root, "item", ph_item, &v->item);
	read_phrase(c, root, "pin_digit", NULL, &v->pin_digit);
	read_phrase(c, root, "digits_entered", ph_count, &v->digits_entered);
	read_phrase(c, root, "money", ph_money, &v->money);
	read_phrase(c, root, "money_whole", ph_yuan, &v->money_whole);
	if ((keys = ymap_get(root, "keys")) != NULL)
		read_keys(c, v, keys);
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

char *
voice_money(const struct voice_rules *v, long long fen)
{
	char yuan[32], rest[8];
	const char *sign = fen < 0 ? "-" : "";
	unsigned long long abs = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;

	snprintf(yuan, sizeof yuan, "%s%llu", sign, abs / 100);
	snprintf(rest, sizeof rest, "%llu", abs % 100);
	struct text_var vars[] = { { "yuan", yuan }, { "fen", rest } };
	const char *tmpl = abs % 100 == 0 ? v->money_whole : v->money;
	if (tmpl == NULL)
		tmpl = abs % 100 == 0 ? "{yuan}" : "{yuan}.{fen}";
	return text_fill(tmpl, vars, 2);
}
