/* kioskctl check, the side keys: an item on F1..F8 is drawn level with its key only when
 * function_keys in kiosk.yaml says where that key is. The kiosk lists the item with the
 * others otherwise, which works, so this is a warning. */
#include "ctl/check.h"

/* Normal print on the smallest screen (80x24) keeps row 1 for the kiosk's id and the
 * last one (three in the demo) for warnings and status lines: a key level with those
 * has its items drawn beside the wrong row (src/kiosk/render.c). */

int
check_function_keys(const struct kiosk_config *cfg, const struct layout_set *set,
    struct diag_list *d)
{
	int n = 0;
	int last = CONFIG_MIN_ROWS - (cfg->demo ? 4 : 2);

	for (int i = 0; i < CONFIG_FKEYS; i++) {
		const struct fkey_place *p = &cfg->fkeys[i];
		int row = p->side == FKEY_NONE ? 1 : config_fkey_row(p, CONFIG_MIN_ROWS);
		if (row >= 1 && row <= last)
			continue;
		diag_add(d, cfg->path, p->where.line, p->where.column, "warning: F%d at %d %% is "
		    "level with row %d of %d on an 80x24 screen, where no item can be drawn (rows "
		    "2 to %d): its items are drawn off the key", i + 1, p->at_percent, row + 1,
		    CONFIG_MIN_ROWS, last + 1);
		n++;
	}
	for (int i = 0; i < set->nscreens; i++) {
		const struct lscreen *s = &set->screens[i];
		for (int j = 0; j < s->nitems; j++) {
			const struct litem *it = &s->items[j];
			if (it->hidden || it->key[0] != 'F' || config_fkey(cfg, it->key) != NULL)
				continue;
			/* A key named in function_keys but refused there is reported as an error. */
			if (cfg->fkeys[config_fkey_index(it->key)].where.line > 0)
				continue;
			diag_add(d, s->file, it->where_key.line, it->where_key.column, "warning: the "
			    "item on %s is listed with the other items: function_keys in %s does not "
			    "say where %s is", it->key, cfg->path, it->key);
			n++;
		}
	}
	return n;
}
