/* kioskctl check, the side keys: an item on F1..F8 is drawn level with its key only when
 * function_keys in kiosk.yaml says where that key is. The kiosk lists the item with the
 * others otherwise, which works, so this is a warning. */
#include "ctl/check.h"

int
check_function_keys(const struct kiosk_config *cfg, const struct layout_set *set,
    struct diag_list *d)
{
	int n = 0;

	for (int i = 0; i < set->nscreens; i++) {
		const struct lscreen *s = &set->screens[i];
		for (int j = 0; j < s->nitems; j++) {
			const struct litem *it = &s->items[j];
			if (it->hidden || it->key[0] != 'F' || config_fkey(cfg, it->key) != NULL)
				continue;
			/* A key named in function_keys but refused there is reported as an error. */
			if (cfg->fkeys[it->key[1] - '1'].where.line > 0)
				continue;
			diag_add(d, s->file, it->where_key.line, it->where_key.column, "warning: the "
			    "item on %s is listed with the other items: function_keys in %s does not "
			    "say where %s is", it->key, cfg->path, it->key);
			n++;
		}
	}
	return n;
}
