/* function_keys in kiosk.yaml: where the side keys F1..F8 sit beside the screen, so that
 * the renderers draw an item on one of them level with it. */
#include "config/config.h"

#include <string.h>

#include "config/config-int.h"

static const char *const fkey_names[] = { "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8",
	NULL };

int
config_fkey_index(const char *key)
{
	if (key[0] != 'F' || key[1] < '1' || key[1] > '0' + CONFIG_FKEYS || key[2] != '\0')
		return -1;
	return key[1] - '1';
}

const struct fkey_place *
config_fkey(const struct kiosk_config *cfg, const char *key)
{
	int i = config_fkey_index(key);
	if (i < 0)
		return NULL;
	const struct fkey_place *p = &cfg->fkeys[i];
	return p->side == FKEY_NONE ? NULL : p;
}

int
config_fkey_row(const struct fkey_place *p, int rows)
{
	/* Rounded to the nearest row; a key at 100 % is level with the last row. */
	int row = (p->at_percent * rows + 50) / 100;
	return row >= rows ? rows - 1 : row;
}

static int
read_side(struct yctx *c, const struct ynode *n, const char *path, enum fkey_side *out)
{
	if (n->type == YNODE_SCALAR && strcmp(n->value, "left") == 0)
		*out = FKEY_LEFT;
	else if (n->type == YNODE_SCALAR && strcmp(n->value, "right") == 0)
		*out = FKEY_RIGHT;
	else if (n->type == YNODE_SCALAR && !ynode_is_null(n))
		yerr(c, n, "%s: expected left or right, found \"%s\"", path, n->value);
	else
		yerr(c, n, "%s: expected left or right, found %s", path, ynode_type_str(n));
	return *out == FKEY_NONE ? -1 : 0;
}

/* One entry, F3: { side: left, at_percent: 65 }. p is placed only when all of it is right. */
static int
read_place(struct yctx *c, struct fkey_place *p, const struct ynode *n, const char *path)
{
	static const char *const known[] = { "side", "at_percent", NULL };
	enum fkey_side side = FKEY_NONE;
	const struct ynode *v;
	int before = c->errors;
	char sub[64];
	long at = 0;

	if (ymap_check(c, n, path, known, known) == -1)
		return -1;
	if ((v = ymap_get(n, "side")) != NULL) {
		ypath_key(sub, sizeof sub, path, "side");
		read_side(c, v, sub, &side);
	}
	if ((v = ymap_get(n, "at_percent")) != NULL) {
		ypath_key(sub, sizeof sub, path, "at_percent");
		yget_int(c, v, sub, 0, 100, &at);
	}
	if (c->errors != before)
		return -1;
	p->side = side;
	p->at_percent = (int)at;
	return 0;
}

/* Two keys level with one row would put two items on it: the later one is refused. */
static void
check_apart(struct yctx *c, struct kiosk_config *cfg, int i, const struct ynode *at,
    const char *path)
{
	struct fkey_place *p = &cfg->fkeys[i];
	/* Rows are fewest on the smallest screen. Rounding can still join two keys on some
	 * other height; the renderer then draws the second a row lower and logs it. */
	int row = config_fkey_row(p, CONFIG_MIN_ROWS);

	for (int j = 0; j < CONFIG_FKEYS; j++) {
		const struct fkey_place *o = &cfg->fkeys[j];
		if (j == i || o->side != p->side || config_fkey_row(o, CONFIG_MIN_ROWS) != row)
			continue;
		yerr(c, at, "%s.at_percent: %s and %s are both level with row %d of a %d-row "
		    "screen; keys on one side must be at least a row apart", path, fkey_names[i],
		    fkey_names[j], row + 1, CONFIG_MIN_ROWS);
		p->side = FKEY_NONE;
		return;
	}
}

void
config_read_function_keys(struct yctx *c, struct kiosk_config *cfg, const struct ynode *n)
{
	char path[64];

	cfg->where_fkeys = (struct config_where){ n->line, n->column };
	if (ynode_is_null(n))
		return; /* "function_keys:" with every entry commented out */
	if (ymap_check(c, n, "function_keys", fkey_names, NULL) == -1)
		return;
	/* In file order, so that a clash is reported at the second of the two keys. */
	for (int k = 0; k < n->npairs; k++) {
		const struct ynode *key = n->pairs[k].key, *v = n->pairs[k].value;
		int i = config_fkey_index(key->value);
		if (i < 0 || ymap_get(n, key->value) != v)
			continue; /* unknown or a duplicate: reported by ymap_check */
		cfg->fkeys[i].where = (struct config_where){ v->line, v->column };
		ypath_key(path, sizeof path, "function_keys", key->value);
		if (read_place(c, &cfg->fkeys[i], v, path) == 0)
			check_apart(c, cfg, i, ymap_get(v, "at_percent"), path);
	}
}
