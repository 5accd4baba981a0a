/* Reporting a card lost: with another of their cards in the reader and its PIN
 * checked, the customer hears their other cards one at a time, by the last four digits
 * the bank gives (CARD_LIST), picks the lost one, confirms, and the bank marks it lost
 * (CARD_REPORT_LOST, by its place in the list). When that card is put in again the
 * machine keeps it, as any lost card. */
#include "kiosk/states.h"

#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/registry.h"
#include "kiosk/view.h"

#include <stdio.h>
#include <string.h>

extern const struct state_def state_card_lost, state_card_lost_confirm;

/* The cards that may still be reported, with their places in the bank's list. */
struct card_lost {
	struct kproto_card_brief card[KPROTO_CARDS_MAX];
	uint8_t index[KPROTO_CARDS_MAX];
	int n, at;
};
#define LOST(k) SVC_DATA(k, struct card_lost)

static void
lost_tell(struct kiosk *k, const char *name, const struct state_def *next)
{
	kiosk_set_message(k, message_from_str(name));
	state_enter(k, next);
}

static void
list_done(struct kiosk *k, const struct bank_reply *r)
{
	struct kproto_card_list_info cl;
	struct card_lost *c = LOST(k);

	if (r->type != KPROTO_MSG_CARD_LIST_INFO || r->payload == NULL ||
	    kproto_card_list_info_unpack(r->payload, &cl) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	/* One lost already needs nothing more. */
	for (int i = 0; i < cl.count; i++)
		if (cl.card[i].status != KPROTO_CARD_LOST) {
			c->card[c->n] = cl.card[i];
			c->index[c->n++] = (uint8_t)i;
		}
	if (c->n == 0)
		lost_tell(k, "card_lost_none", &state_menu);
	else
		state_enter(k, &state_card_lost);
}

static void
lost_start(struct kiosk *k)
{
	memset(LOST(k), 0, sizeof(struct card_lost));
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_CARD_LIST, NULL, list_done);
}

static void
list_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	struct card_lost *c = LOST(k);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "choose") == 0)
		state_enter(k, &state_card_lost_confirm);
	else if (strcmp(it->target, "next") == 0) {
		c->at = (c->at + 1) % c->n;
		state_enter(k, &state_card_lost);
	} else if (strcmp(it->target, "back") == 0)
		state_enter(k, &state_menu);
}

static void
report_done(struct kiosk *k, const struct bank_reply *r)
{
	struct card_lost *c = LOST(k);

	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_NO_CARD) {
		lost_tell(k, "card_lost_gone", &state_menu);
		return;
	}
	if (r->type != KPROTO_MSG_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	kiosk_journal(k, "card-reported-lost", "last4", c->card[c->at].last4, NULL);
	lost_tell(k, "card_lost_done", &state_menu);
}

static void
confirm_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	struct card_lost *c = LOST(k);
	struct kproto_card_report_lost m = { .index = c->index[c->at] };
	struct kproto_buf b;

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "back") == 0) {
		state_enter(k, &state_card_lost);
		return;
	}
	if (strcmp(it->target, "report") != 0)
		return;
	if (kproto_card_report_lost_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_CARD_REPORT_LOST, &b, report_done);
}

/* "**** 0108" shown, "card ending zero one zero eight" said: to a headset only. */
static void
lost_fill(struct kiosk *k, struct fill *f)
{
	struct card_lost *c = LOST(k);
	const char *last4 = c->n > 0 ? c->card[c->at].last4 : "";
	char shown[16];

	snprintf(shown, sizeof shown, "**** %s", last4);
	fill_private(f, "card_last4", f->voice != NULL ? voice_card(f->voice, last4) :
	    xstrdup(shown));
	fill_number(f, "card_n", c->at + 1, f->voice, 1);
	fill_number(f, "cards", c->n, f->voice, 0);
}

static const char *const list_choices[] = { "choose", "next", "back", NULL };
static const char *const confirm_choices[] = { "report", "back", NULL };
static const char *const ph_list[] = { "card_last4", "card_n", "cards", NULL };
static const char *const ph_card[] = { "card_last4", NULL };

static const struct screen_contract list_screen = {
	.name = "card_lost",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = list_choices,
	.placeholders = ph_list,
	.menu = 1,
};

static const struct screen_contract confirm_screen = {
	.name = "card_lost_confirm",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = confirm_choices,
	.placeholders = ph_card,
};

static const struct message_contract lost_messages[] = {
	{ .name = "card_lost_none" },
	{ .name = "card_lost_gone" },
	{ .name = "card_lost_done", .placeholders = ph_card },
	{ .name = NULL },
};

const struct state_def state_card_lost = {
	.name = "card_lost",
	.contract = &list_screen,
	.messages = lost_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.start = lost_start,
	.key = list_key,
	.fill = lost_fill,
};

const struct state_def state_card_lost_confirm = {
	.name = "card_lost_confirm",
	.contract = &confirm_screen,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = confirm_key,
	.fill = lost_fill,
};
