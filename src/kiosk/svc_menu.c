/* The menu of services once the PIN is verified: each item names the screen of a
 * service, and the registry finds the state that shows it. */
#include "kiosk/states.h"

#include "kiosk/registry.h"
#include "kiosk/view.h"

static void
menu_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it != NULL && it->kind == LITEM_GOTO)
		state_goto(k, it->target);
}

const struct state_def state_menu = {
	.name = "menu",
	.screen = SCREEN_MENU,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = menu_key,
};
