/* function_keys in kiosk.yaml: where the side keys F1..F8 sit beside the screen, so that
 * the renderers draw an item on one of them level with it. */
#include "config/config.h"

#include <string.h>

const struct fkey_place *
config_fkey(const struct kiosk_config *cfg, const char *key)
{
	if (key[0] != 'F' || key[1] < '1' || key[1] > '0' + CONFIG_FKEYS || key[2] != '\0')
		return NULL;
	const struct fkey_place *p = &cfg->fkeys[key[1] - '1'];
	return p->side == FKEY_NONE ? NULL : p;
}

int
config_fkey_row(const struct fkey_place *p, int rows)
{
	/* Rounded to the nearest row; a key at 100 % is level with the last row. */
	int row = (p->at_percent * rows + 50) / 100;
	return row >= rows ? rows - 1 : row;
}
