#include "config/layout.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/schema.h"
#include "config/text.h"
#include "config/yaml_tree.h"

#define AMOUNT_MAX 1000000L

/* What the layouts directory holds, known before any file is read so that a goto can be
 * checked against screens whatever order the files come in. */
struct dir_listing {
	char **names; /* file names ending in .yaml, sorted */
	int n;
	int present[SCREENS_MAX];
	int messages;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls > lx && strcmp(s + ls - lx, suffix) == 0;
}

/* dir/name, without doubling a trailing slash. */
static char *
dir_file(const char *dir, const char *name)
{
	struct strbuf b = {0};
	size_t len = strlen(dir);

	strbuf_add(&b, dir);
	if (len > 0 && dir[len - 1] != '/')
		strbuf_addc(&b, '/');
	strbuf_add(&b, name);
	return strbuf_take(&b);
}

static int
list_dir(const struct kiosk_config *cfg, struct dir_listing *l, struct diag_list *d)
{
	DIR *dir = opendir(cfg->layouts_dir);
	struct dirent *de;

	memset(l, 0, sizeof *l);
	if (dir == NULL) {
		diag_add(d, cfg->path, cfg->where_layouts.line, cfg->where_layouts.column,
		    "layouts: cannot open directory %s: %s", cfg->layouts_dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (ends_with(de->d_name, ".yml")) {
			char *file = dir_file(cfg->layouts_dir, de->d_name);
			diag_add(d, file, 1, 1, "layout files end in .yaml, not .yml");
			free(file);
			continue;
		}
		if (!ends_with(de->d_name, ".yaml"))
			continue;
		l->names = xrealloc(l->names, (size_t)(l->n + 1) * sizeof *l->names);
		l->names[l->n++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (l->n > 1)
		qsort(l->names, (size_t)l->n, sizeof *l->names, cmp_str);
	for (int i = 0; i < l->n; i++) {
		char *base = xstrndup(l->names[i], strlen(l->names[i]) - 5);
		enum screen_id id = screen_from_str(base);
		if (id != SCREEN_NONE)
			l->present[id] = 1;
		else if (strcmp(base, "messages") == 0)
			l->messages = 1;
		free(base);
	}
	return 0;
}

static void
listing_free(struct dir_listing *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

/* "a, b, c" */
static void
join(char *out, size_t size, const char *const *list)
{
	size_t len = 0;

	out[0] = '\0';
	for (; list != NULL && *list != NULL && len < size; list++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "", *list);
}

static const char *const kind_names[] = { "goto", "amount", "choice" };

static void
kinds_allowed(char *out, size_t size, unsigned kinds)
{
	const char *list[4];
	int n = 0;

	for (int k = 0; k < 3; k++)
		if (kinds & LITEM_BIT(k))
			list[n++] = kind_names[k];
	list[n] = NULL;
	join(out, size, list);
}

static int
item_key_valid(const char *s)
{
	if (s[0] >= '0' && s[0] <= '9' && s[1] == '\0')
		return 1;
	return config_fkey_index(s) >= 0;
}

struct screen_ctx {
	struct yctx *c;
	const struct kiosk_config *cfg;
	const struct screen_contract *sc;
	const struct dir_listing *listing;
	char owner[64];
};

static void
read_goto(struct screen_ctx *s, const struct ynode *v, const char *path, struct litem *it)
{
	char list[256];

	if (yget_string(s->c, v, path, &it->target) == -1)
		return;
	enum screen_id id = screen_from_str(it->target);
	if (id == SCREEN_NONE) {
		const char *names[SCREENS_MAX + 1];
		int n = screen_count();
		for (int i = 0; i < n; i++)
			names[i] = screen_to_str((enum screen_id)i);
		names[n] = NULL;
		const char *sug = ysuggest(it->target, names);
		if (sug != NULL)
			yerr(s->c, v, "%s: no such screen \"%s\" (did you mean \"%s\"?)", path,
			    it->target, sug);
		else
			yerr(s->c, v, "%s: no such screen \"%s\"", path, it->target);
		return;
	}
	/* The menu offers every service that asks to be offered, besides its own list. */
	int menu = s->sc->id == SCREEN_MENU && screen_contract_get(id)->menu;
	if (!menu && !str_in_list(it->target, s->sc->gotos)) {
		const char *names[SCREENS_MAX + 1];
		int n = 0;
		for (const char *const *g = s->sc->gotos; g != NULL && *g != NULL; g++)
			names[n++] = *g;
		for (int i = 0; s->sc->id == SCREEN_MENU && i < screen_count(); i++)
			if (screen_contract_get((enum screen_id)i)->menu)
				names[n++] = screen_to_str((enum screen_id)i);
		names[n] = NULL;
		qsort(names, (size_t)n, sizeof *names, cmp_str);
		join(list, sizeof list, names);
		yerr(s->c, v, "%s: %s cannot go to \"%s\" (only to %s)", path, s->owner,
		    it->target, list);
	} else if (!s->listing->present[id]) {
		yerr(s->c, v, "%s: screen \"%s\" has no layout file (%s.yaml)", path, it->target,
		    it->target);
	}
}

static void
read_choice(struct screen_ctx *s, const struct ynode *v, const char *path, struct litem *it)
{
	char list[256];

	if (yget_string(s->c, v, path, &it->target) == -1)
		return;
	if (s->sc->choices_are_languages) {
		if (!config_offers(s->cfg, it->target)) {
			join(list, sizeof list, (const char *const *)s->cfg->languages);
			yerr(s->c, v, "%s: \"%s\" is not an offered language (%s)", path,
			    it->target, list);
		}
		return;
	}
	if (str_in_list(it->target, s->sc->choices))
		return;
	join(list, sizeof list, s->sc->choices);
	yerr(s->c, v, "%s: unknown choice \"%s\" (%s has %s)", path, it->target, s->owner, list);
}

static int
read_item(struct screen_ctx *s, const struct ynode *n, const char *path, struct litem *it)
{
	static const char *const known[] = { "key", "goto", "amount", "choice", "label",
		"hidden", "simple", NULL };
	static const char *const required[] = { "key", "label", NULL };
	struct yctx *c = s->c;
	const struct ynode *v, *kind_node = NULL;
	char p[256], list[64];
	int before = c->errors, nkinds = 0;

	memset(it, 0, sizeof *it);
	it->line = n->line;
	it->column = n->column;
	if (ymap_check(c, n, path, known, required) == -1)
		return -1;
	if ((v = ymap_get(n, "key")) != NULL) {
		ypath_key(p, sizeof p, path, "key");
		it->where_key = (struct config_where){ v->line, v->column };
		if (v->type != YNODE_SCALAR || ynode_is_null(v))
			yerr(c, v, "%s: expected a key (0 to 9 or F1 to F8), found %s", p,
			    ynode_type_str(v));
		else if (!item_key_valid(v->value))
			yerr(c, v, "%s: \"%s\" is not an item key (0 to 9 or F1 to F8)", p, v->value);
		else
			snprintf(it->key, sizeof it->key, "%s", v->value);
	}
	for (int k = 0; k < 3; k++) {
		const struct ynode *kv = ymap_get(n, kind_names[k]);
		if (kv == NULL)
			continue;
		if (nkinds++ > 0) {
			yerr(c, kv, "%s: use only one of goto, amount and choice", path);
			continue;
		}
		kind_node = kv;
		it->kind = (enum litem_kind)k;
	}
	if (nkinds == 0) {
		yerr(c, n, "%s: needs one of goto, amount or choice", path);
	} else if (!(s->sc->items & LITEM_BIT(it->kind))) {
		kinds_allowed(list, sizeof list, s->sc->items);
		yerr(c, kind_node, "%s.%s: %s cannot have %s items (only %s)", path,
		    kind_names[it->kind], s->owner, kind_names[it->kind], list);
	} else {
		ypath_key(p, sizeof p, path, kind_names[it->kind]);
		if (it->kind == LITEM_GOTO)
			read_goto(s, kind_node, p, it);
		else if (it->kind == LITEM_CHOICE)
			read_choice(s, kind_node, p, it);
		else
			yget_int(c, kind_node, p, 1, AMOUNT_MAX, &it->amount);
	}
	if ((v = ymap_get(n, "label")) != NULL) {
		ypath_key(p, sizeof p, path, "label");
		ltext_parse(c, v, p, s->cfg, s->sc->placeholders, s->owner, &it->label);
	}
	if ((v = ymap_get(n, "hidden")) != NULL) {
		ypath_key(p, sizeof p, path, "hidden");
		yget_bool(c, v, p, &it->hidden);
	}
	if ((v = ymap_get(n, "simple")) != NULL) {
		ypath_key(p, sizeof p, path, "simple");
		yget_bool(c, v, p, &it->simple);
	}
	return c->errors == before ? 0 : -1;
}

static void
check_required_choices(struct screen_ctx *s, const struct lscreen *scr, const struct ynode *at)
{
	const char *const *need = s->sc->choices;
	int n = 0;

	if (s->sc->choices_are_languages) {
		need = (const char *const *)s->cfg->languages;
		n = s->cfg->nlanguages;
	} else {
		while (need != NULL && need[n] != NULL)
			n++;
	}
	for (int i = 0; i < n; i++) {
		const struct litem *found = NULL;
		for (int j = 0; j < scr->nitems && found == NULL; j++)
			if (scr->items[j].kind == LITEM_CHOICE && scr->items[j].target != NULL &&
			    strcmp(scr->items[j].target, need[i]) == 0)
				found = &scr->items[j];
		if (found == NULL && s->sc->choices_are_languages)
			yerr(s->c, at, "items: missing the choice for language \"%s\"", need[i]);
		else if (found == NULL)
			yerr(s->c, at, "items: missing the \"%s\" choice", need[i]);
		else if (found->hidden)
			yerr(s->c, at, "items: the \"%s\" choice cannot be hidden", need[i]);
	}
}

static void
read_items(struct screen_ctx *s, struct lscreen *scr, const struct ynode *n)
{
	struct yctx *c = s->c;
	char p[64];

	if (s->sc->items == 0) {
		yerr(c, n, "items: %s has no items", s->owner);
		return;
	}
	if (yexpect_sequence(c, n, "items") == -1)
		return;
	scr->items = xcalloc((size_t)n->nitems + 1, sizeof *scr->items);
	for (int i = 0; i < n->nitems; i++) {
		struct litem *it = &scr->items[scr->nitems];
		ypath_index(p, sizeof p, "items", i + 1);
		read_item(s, n->items[i], p, it);
		scr->nitems++;
		if (it->hidden || it->key[0] == '\0')
			continue;
		for (int j = 0; j < scr->nitems - 1; j++) {
			if (!scr->items[j].hidden && strcmp(scr->items[j].key, it->key) == 0) {
				const struct ynode *k = ymap_get(n->items[i], "key");
				yerr(c, k, "%s.key: key %s is already used by item %d", p, it->key,
				    j + 1);
				break;
			}
		}
		for (int j = 0; it->kind == LITEM_CHOICE && it->target && j < scr->nitems - 1; j++) {
			const struct litem *o = &scr->items[j];
			if (o->kind == LITEM_CHOICE && o->target && strcmp(o->target, it->target) == 0) {
				yerr(c, ymap_get(n->items[i], "choice"),
				    "%s.choice: \"%s\" is already item %d", p, it->target, j + 1);
				break;
			}
		}
	}
}

/* keys: of describe_keys.yaml, one text per name of the screen's contract, all of them. */
static void
read_key_texts(struct screen_ctx *s, struct lscreen *scr, const struct ynode *n)
{
	struct yctx *c = s->c;
	char p[64];

	if (ymap_check(c, n, "keys", s->sc->keys, s->sc->keys) == -1)
		return;
	scr->keys = xcalloc((size_t)n->npairs + 1, sizeof *scr->keys);
	for (int i = 0; i < n->npairs; i++) {
		const char *name = n->pairs[i].key->value;
		if (lscreen_key_text(scr, name) != NULL)
			continue; /* reported as a duplicate key */
		if (!str_in_list(name, s->sc->keys))
			continue;
		struct lkeytext *kt = &scr->keys[scr->nkeys++];
		kt->name = xstrdup(name);
		ypath_key(p, sizeof p, "keys", name);
		ltext_parse(c, n->pairs[i].value, p, s->cfg, s->sc->keys_placeholders, s->owner,
		    &kt->text);
	}
}

/* Large print's simple menu adds "more services" on LITEM_MORE_KEY: no item may have it. */
static void
check_more_key(struct screen_ctx *s, const struct lscreen *scr, const struct ynode *n)
{
	int simple = 0;
	for (int i = 0; i < scr->nitems; i++)
		simple |= scr->items[i].simple && !scr->items[i].hidden;
	for (int i = 0; simple && i < scr->nitems && i < n->nitems; i++)
		if (!scr->items[i].hidden && strcmp(scr->items[i].key, LITEM_MORE_KEY) == 0)
			yerr(s->c, ymap_get(n->items[i], "key"), "items.%d.key: key %s is for "
			    "\"more services\" on a screen with simple items", i + 1,
			    LITEM_MORE_KEY);
}

static void
read_screen(struct screen_ctx *s, struct lscreen *scr, const struct ynode *root)
{
	/* Every screen says what it is for on the help screen; overlays are not helped. */
	static const char *const known_screen[] = { "title", "lines", "items", "prompt",
		"help", NULL };
	static const char *const known_overlay[] = { "title", "lines", "items", "prompt",
		NULL };
	static const char *const known_keys[] = { "title", "lines", "items", "prompt", "keys",
		NULL };
	static const char *const required_screen[] = { "title", "help", NULL };
	static const char *const required_overlay[] = { "title", NULL };
	static const char *const required_keys[] = { "title", "keys", NULL };
	const char *const *known = s->sc->keys ? known_keys : s->sc->overlay ?
	    known_overlay : known_screen;
	const char *const *required = s->sc->keys ? required_keys : s->sc->overlay ?
	    required_overlay : required_screen;
	struct yctx *c = s->c;
	const struct ynode *v;
	char p[64];

	if (ymap_check(c, root, "", known, required) == -1)
		return;
	if ((v = ymap_get(root, "title")) != NULL)
		ltext_parse(c, v, "title", s->cfg, s->sc->placeholders, s->owner, &scr->title);
	if ((v = ymap_get(root, "lines")) != NULL && yexpect_sequence(c, v, "lines") == 0) {
		scr->lines = xcalloc((size_t)v->nitems + 1, sizeof *scr->lines);
		for (int i = 0; i < v->nitems; i++) {
			ypath_index(p, sizeof p, "lines", i + 1);
			ltext_parse(c, v->items[i], p, s->cfg, s->sc->placeholders, s->owner,
			    &scr->lines[scr->nlines++]);
		}
	}
	if ((v = ymap_get(root, "items")) != NULL) {
		read_items(s, scr, v);
		check_more_key(s, scr, v);
	}
	if (s->sc->items != 0 && (s->sc->choices != NULL || s->sc->choices_are_languages))
		check_required_choices(s, scr, v ? v : root);
	if ((v = ymap_get(root, "prompt")) != NULL)
		ltext_parse(c, v, "prompt", s->cfg, s->sc->placeholders, s->owner, &scr->prompt);
	if ((v = ymap_get(root, "help")) != NULL && !s->sc->overlay)
		ltext_parse(c, v, "help", s->cfg, s->sc->placeholders, s->owner, &scr->help);
	if ((v = ymap_get(root, "keys")) != NULL && s->sc->keys != NULL)
		read_key_texts(s, scr, v);
}

static void
read_messages(struct yctx *c, const struct kiosk_config *cfg, struct layout_set *set,
    const struct ynode *root)
{
	const char *names[MESSAGES_MAX + 1];
	char owner[64];
	int nm = message_count();

	for (int i = 0; i < nm; i++)
		names[i] = message_to_str((enum message_id)i);
	names[nm] = NULL;
	if (yexpect_mapping(c, root, "") == -1)
		return;
	set->messages = xcalloc((size_t)root->npairs + 1, sizeof *set->messages);
	for (int i = 0; i < root->npairs; i++) {
		const struct ynode *k = root->pairs[i].key;
		enum message_id id = message_from_str(k->value);
		if (id == MSG_NONE) {
			const char *sug = ysuggest(k->value, names);
			if (sug != NULL)
				yerr(c, k, "%s: unknown message (did you mean \"%s\"?)", k->value, sug);
			else
				yerr(c, k, "%s: unknown message", k->value);
			continue;
		}
		if (layout_message_id(set, id) != NULL) {
			yerr(c, k, "%s: duplicate message", k->value);
			continue;
		}
		struct lmessage *m = &set->messages[set->nmessages++];
		m->id = xstrdup(k->value);
		m->msg = id;
		snprintf(owner, sizeof owner, "message %s", k->value);
		ltext_parse(c, root->pairs[i].value, k->value, cfg,
		    message_contract_get(id)->placeholders, owner, &m->text);
	}
	for (int i = 0; i < nm; i++)
		if (layout_message_id(set, (enum message_id)i) == NULL &&
		    ymap_get(root, names[i]) == NULL)
			yerr(c, root, "missing message \"%s\"", names[i]);
}

static void
report_unknown_screen(struct diag_list *d, const char *path, const char *base)
{
	const char *names[SCREENS_MAX + 2];
	int n = screen_count();

	for (int j = 0; j < n; j++)
		names[j] = screen_to_str((enum screen_id)j);
	names[n] = "messages";
	names[n + 1] = NULL;
	const char *sug = ysuggest(base, names);
	if (sug != NULL)
		diag_add(d, path, 1, 1, "unknown screen \"%s\" (did you mean \"%s\"?)", base, sug);
	else
		diag_add(d, path, 1, 1, "unknown screen \"%s\"", base);
}

/* One file of the layouts directory: a screen or messages.yaml. */
static void
load_file(const struct kiosk_config *cfg, const struct dir_listing *l, const char *name,
    struct layout_set *set, struct diag_list *d)
{
	char *path = dir_file(cfg->layouts_dir, name);
	char *base = xstrndup(name, strlen(name) - 5);
	enum screen_id id = screen_from_str(base);
	struct yctx c = { .file = path, .d = d };
	struct ydoc doc;
	int r;

	if (id == SCREEN_NONE && strcmp(base, "messages") != 0) {
		report_unknown_screen(d, path, base);
		free(base);
		free(path);
		return;
	}
	r = ydoc_load(&doc, path, d);
	if (r == -2) {
		diag_add(d, path, 0, 0, "cannot read: %s", strerror(errno));
	} else if (r == 0 && doc.root == NULL) {
		diag_add(d, path, 1, 1, "the file is empty; expected %s",
		    id == SCREEN_NONE ? "the messages" : "a screen layout");
	} else if (r == 0 && id == SCREEN_NONE) {
		read_messages(&c, cfg, set, doc.root);
	} else if (r == 0) {
		struct screen_ctx s = { .c = &c, .cfg = cfg, .sc = screen_contract_get(id),
			.listing = l };
		struct lscreen *scr = &set->screens[set->nscreens++];
		snprintf(s.owner, sizeof s.owner, "screen %s", base);
		scr->id = id;
		scr->name = xstrdup(base);
		scr->file = xstrdup(path);
		read_screen(&s, scr, doc.root);
	}
	ydoc_free(&doc);
	free(base);
	free(path);
}

int
layouts_load(const struct kiosk_config *cfg, struct layout_set *set, struct diag_list *d)
{
	struct dir_listing l;
	int before = d->count;

	memset(set, 0, sizeof *set);
	if (cfg->layouts_dir == NULL || list_dir(cfg, &l, d) == -1)
		return -1;
	set->screens = xcalloc((size_t)screen_count() + 1, sizeof *set->screens);
	for (int i = 0; i < l.n; i++)
		load_file(cfg, &l, l.names[i], set, d);
	for (int i = 0; i < screen_count(); i++)
		if (!l.present[i])
			diag_add(d, cfg->path, cfg->where_layouts.line, cfg->where_layouts.column,
			    "layouts: missing screen file %s.yaml in %s",
			    screen_to_str((enum screen_id)i), cfg->layouts_dir);
	if (!l.messages)
		diag_add(d, cfg->path, cfg->where_layouts.line, cfg->where_layouts.column,
		    "layouts: missing messages.yaml in %s", cfg->layouts_dir);
	listing_free(&l);
	return d->count == before ? 0 : -1;
}

static void
lscreen_free(struct lscreen *s)
{
	free(s->name);
	free(s->file);
	ltext_free(&s->title);
	for (int i = 0; i < s->nlines; i++)
		ltext_free(&s->lines[i]);
	free(s->lines);
	for (int i = 0; i < s->nitems; i++) {
		free(s->items[i].target);
		ltext_free(&s->items[i].label);
	}
	free(s->items);
	ltext_free(&s->prompt);
	ltext_free(&s->help);
	for (int i = 0; i < s->nkeys; i++) {
		free(s->keys[i].name);
		ltext_free(&s->keys[i].text);
	}
	free(s->keys);
}

void
layouts_free(struct layout_set *set)
{
	for (int i = 0; i < set->nscreens; i++)
		lscreen_free(&set->screens[i]);
	free(set->screens);
	for (int i = 0; i < set->nmessages; i++) {
		free(set->messages[i].id);
		ltext_free(&set->messages[i].text);
	}
	free(set->messages);
	memset(set, 0, sizeof *set);
}

const struct lscreen *
layout_screen(const struct layout_set *set, const char *name)
{
	for (int i = 0; i < set->nscreens; i++)
		if (strcmp(set->screens[i].name, name) == 0)
			return &set->screens[i];
	return NULL;
}

const struct lscreen *
layout_screen_id(const struct layout_set *set, enum screen_id id)
{
	for (int i = 0; i < set->nscreens; i++)
		if (set->screens[i].id == id)
			return &set->screens[i];
	return NULL;
}

const struct ltext *
lscreen_key_text(const struct lscreen *s, const char *name)
{
	for (int i = 0; s != NULL && i < s->nkeys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return &s->keys[i].text;
	return NULL;
}

const struct ltext *
layout_message(const struct layout_set *set, const char *id)
{
	for (int i = 0; i < set->nmessages; i++)
		if (strcmp(set->messages[i].id, id) == 0)
			return &set->messages[i].text;
	return NULL;
}

const struct ltext *
layout_message_id(const struct layout_set *set, enum message_id id)
{
	for (int i = 0; i < set->nmessages; i++)
		if (set->messages[i].msg == id)
			return &set->messages[i].text;
	return NULL;
}
