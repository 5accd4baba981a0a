#include "config/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

int
lang_code_valid(const char *s)
{
	size_t i = 0;

	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (s[i] == '\0')
		return 1;
	if (s[i] != '-')
		return 0;
	size_t start = ++i;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	    (s[i] >= '0' && s[i] <= '9'))
		i++;
	return s[i] == '\0' && i - start >= 2 && i < 8;
}

/* "{a} {b}" for messages. */
static void
list_placeholders(char *out, size_t size, const char *const *list)
{
	size_t len = 0;

	out[0] = '\0';
	for (; list != NULL && *list != NULL && len < size; list++)
		len += (size_t)snprintf(out + len, size - len, "%s{%s}", len ? " " : "", *list);
}

int
text_check_placeholders(struct yctx *c, const struct ynode *n, const char *path,
    const char *s, const char *const *allowed, const char *owner)
{
	int problems = 0;

	for (const char *p = s; (p = strchr(p, '{')) != NULL; ) {
		const char *end = strchr(p + 1, '}');
		if (end == NULL) {
			yerr(c, n, "%s: \"{\" without a closing \"}\"", path);
			return problems + 1;
		}
		char name[64];
		size_t len = (size_t)(end - p - 1);
		if (len >= sizeof name)
			len = sizeof name - 1;
		memcpy(name, p + 1, len);
		name[len] = '\0';
		p = end + 1;
		if (str_in_list(name, allowed))
			continue;
		problems++;
		if (!placeholder_known(name)) {
			const char *sug = ysuggest(name, allowed);
			if (sug != NULL)
				yerr(c, n, "%s: unknown placeholder {%s} (did you mean {%s}?)", path,
				    name, sug);
			else
				yerr(c, n, "%s: unknown placeholder {%s}", path, name);
		} else if (allowed == NULL || allowed[0] == NULL) {
			yerr(c, n, "%s: placeholder {%s} cannot be used in %s (it has none)",
			    path, name, owner);
		} else {
			char avail[256];
			list_placeholders(avail, sizeof avail, allowed);
			yerr(c, n, "%s: placeholder {%s} cannot be used in %s (only %s)", path, name,
			    owner, avail);
		}
	}
	return problems;
}

int
text_has_placeholder(const char *s, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = s; (p = strchr(p, '{')) != NULL; p++)
		if (strncmp(p + 1, name, len) == 0 && p[1 + len] == '}')
			return 1;
	return 0;
}

/* Decodes one UTF-8 sequence; invalid bytes count as one character each. */
static uint32_t
utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	uint32_t cp;
	int extra;

	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		extra = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		extra = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		extra = 3;
	} else {
		*sp += 1;
		return 0xfffd;
	}
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp += 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*sp += 1 + extra;
	return cp;
}

static int
cp_columns(uint32_t cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || cp == 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

int
text_columns(const char *s)
{
	int cols = 0;

	while (*s != '\0')
		cols += cp_columns(utf8_next(&s));
	return cols;
}

/* Width and control characters of a shown text, line by line. */
static void
check_shown(struct yctx *c, const struct ynode *n, const char *path, const char *s)
{
	int cols = 0, widest = 0;

	for (const char *p = s; *p != '\0'; ) {
		if (*p == '\n') {
			cols = 0;
			p++;
			continue;
		}
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			yerr(c, n, "%s: contains a control character (0x%02x)", path,
			    (unsigned char)*p);
			return;
		}
		cols += cp_columns(utf8_next(&p));
		if (cols > widest)
			widest = cols;
	}
	if (widest > LTEXT_MAX_COLUMNS)
		yerr(c, n, "%s: too wide for the screen: %d columns (at most %d)", path, widest,
		    LTEXT_MAX_COLUMNS);
}

static int
read_entry(struct yctx *c, const struct ynode *v, const char *path, const char *const *allowed,
    const char *owner, struct ltext_entry *e)
{
	static const char *const known[] = { "show", "say", NULL };
	static const char *const required[] = { "show", NULL };
	char p[256];
	int before = c->errors;

	e->line = v->line;
	e->column = v->column;
	if (v->type == YNODE_SCALAR) {
		if (yget_string(c, v, path, &e->show) == -1)
			return -1;
		check_shown(c, v, path, e->show);
		text_check_placeholders(c, v, path, e->show, allowed, owner);
		return c->errors == before ? 0 : -1;
	}
	if (v->type != YNODE_MAPPING) {
		yerr(c, v, "%s: expected a string or { show: ..., say: ... }, found %s", path,
		    ynode_type_str(v));
		return -1;
	}
	ymap_check(c, v, path, known, required);
	const struct ynode *show = ymap_get(v, "show"), *say = ymap_get(v, "say");
	if (show != NULL) {
		ypath_key(p, sizeof p, path, "show");
		if (yget_string(c, show, p, &e->show) == 0) {
			check_shown(c, show, p, e->show);
			text_check_placeholders(c, show, p, e->show, allowed, owner);
		}
	}
	if (say != NULL) {
		ypath_key(p, sizeof p, path, "say");
		if (yget_string(c, say, p, &e->say) == 0)
			text_check_placeholders(c, say, p, e->say, allowed, owner);
	}
	return c->errors == before ? 0 : -1;
}

int
ltext_parse(struct yctx *c, const struct ynode *n, const char *path,
    const struct kiosk_config *cfg, const char *const *allowed, const char *owner,
    struct ltext *out)
{
	char p[256];
	int before = c->errors;

	memset(out, 0, sizeof *out);
	out->line = n->line;
	out->column = n->column;
	if (n->type != YNODE_MAPPING) {
		yerr(c, n, "%s: expected a text in each language, e.g. { zh: 你好, en: Hello }, "
		    "found %s", path, ynode_type_str(n));
		return -1;
	}
	out->v = xcalloc((size_t)n->npairs + 1, sizeof *out->v);
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key, *v = n->pairs[i].value;
		ypath_key(p, sizeof p, path, k->value);
		if (!lang_code_valid(k->value)) {
			yerr(c, k, "%s: \"%s\" is not a language code (like zh or en)", p, k->value);
			continue;
		}
		if (ltext_show(out, k->value) != NULL) {
			yerr(c, k, "%s: duplicate language", p);
			continue;
		}
		struct ltext_entry *e = &out->v[out->n];
		memset(e, 0, sizeof *e);
		if (read_entry(c, v, p, allowed, owner, e) == -1 || e->show == NULL) {
			free(e->show);
			free(e->say);
			continue;
		}
		snprintf(e->lang, sizeof e->lang, "%s", k->value);
		if (e->say == NULL)
			e->say = xstrdup(e->show);
		out->n++;
	}
	for (int i = 0; cfg != NULL && i < cfg->nlanguages; i++) {
		if (ymap_get(n, cfg->languages[i]) == NULL)
			yerr(c, n, "%s: missing text for language \"%s\"", path, cfg->languages[i]);
	}
	return c->errors == before ? 0 : -1;
}

void
ltext_free(struct ltext *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->v[i].show);
		free(t->v[i].say);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

static const struct ltext_entry *
ltext_entry(const struct ltext *t, const char *lang)
{
	if (t == NULL || lang == NULL)
		return NULL;
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->v[i].lang, lang) == 0)
			return &t->v[i];
	return NULL;
}

const char *
ltext_show(const struct ltext *t, const char *lang)
{
	const struct ltext_entry *e = ltext_entry(t, lang);
	return e ? e->show : NULL;
}

const char *
ltext_say(const struct ltext *t, const char *lang)
{
	const struct ltext_entry *e = ltext_entry(t, lang);
	if (e == NULL)
		return NULL;
	return e->say ? e->say : e->show;
}

char *
text_fill(const char *tmpl, const struct text_var *vars, int nvars)
{
	struct strbuf b = {0};
	const char *p = tmpl;

	strbuf_init(&b);
	while (*p != '\0') {
		const char *open = strchr(p, '{');
		if (open == NULL) {
			strbuf_add(&b, p);
			break;
		}
		strbuf_addn(&b, p, (size_t)(open - p));
		const char *close = strchr(open + 1, '}');
		if (close == NULL) {
			strbuf_add(&b, open);
			break;
		}
		size_t len = (size_t)(close - open - 1);
		int found = 0;
		for (int i = 0; i < nvars; i++) {
			if (strlen(vars[i].name) == len && strncmp(vars[i].name, open + 1, len) == 0) {
				strbuf_add(&b, vars[i].value ? vars[i].value : "");
				found = 1;
				break;
			}
		}
		if (!found)
			strbuf_addn(&b, open, len + 2);
		p = close + 1;
	}
	return strbuf_take(&b);
}
