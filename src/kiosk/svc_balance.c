/* Balance: asked of the bank while the wait screen shows, then shown. */
#include "kiosk/states.h"

#include "kiosk/bank.h"
#include "kiosk/registry.h"
#include "kiosk/view.h"

extern const struct state_def state_balance;

static void
balance_done(struct kiosk *k, const struct bank_reply *r)
{
	if (r->type != KPROTO_MSG_BALANCE_INFO) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	k->s.balance_fen = r->u.balance.balance_fen;
	k->s.available_fen = r->u.balance.available_fen;
	state_enter(k, &state_balance);
}

static void
balance_start(struct kiosk *k)
{
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_BALANCE, NULL, balance_done);
}

static void
balance_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it != NULL && it->kind == LITEM_GOTO)
		state_goto(k, it->target);
	else if (fn == KEYFN_ENTER)
		state_enter(k, &state_menu);
}

static const char *const balance_gotos[] = { "menu", "withdraw", NULL };
static const char *const balance_placeholders[] = { "balance", "available", "name", NULL };

static const struct screen_contract balance_screen = {
	.name = "balance",
	.items = LITEM_BIT(LITEM_GOTO),
	.gotos = balance_gotos,
	.placeholders = balance_placeholders,
	.menu = 1,
};

const struct state_def state_balance = {
	.name = "balance",
	.contract = &balance_screen,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.start = balance_start,
	.key = balance_key,
};
