/* Transfer, first half: where the money goes. The bank lists the card's own accounts,
 * its saved payees and its limits (TRANSFER_OPTIONS) while the wait screen shows; the
 * customer picks an own account, walks through the saved payees one at a time, or types
 * the number of another card of this bank, which is checked (Luhn) before the bank is
 * asked for its masked holder (PAYEE_LOOKUP). The amount comes next
 * (svc_transfer_send.c). */
#include "kiosk/svc_transfer.h"

#include "common/log.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/entry.h"
#include "kiosk/journal_events.h"
#include "kiosk/present.h"
#include "kiosk/registry.h"
#include "kiosk/states.h"
#include "kiosk/view.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

extern const struct state_def state_transfer_payee;

enum message_id
xfer_msg(const char *name)
{
	enum message_id m = message_from_str(name);
	if (m == MSG_NONE)
		log_warnx("transfer: no message %s", name);
	return m;
}

void
xfer_tell(struct kiosk *k, const struct state_def *st, const char *name)
{
	if (name != NULL)
		kiosk_set_message(k, xfer_msg(name));
	state_enter(k, st);
}

void
xfer_journal(struct kiosk *k, const char *event)
{
	struct xfer *x = XFER(k);
	char to[KPROTO_PAN_MAX + 1];
	char amount[24];

	if (x->payee.pan[0] != '\0')
		kproto_pan_mask(x->payee.pan, to, sizeof to);
	else
		snprintf(to, sizeof to, "%s", kproto_account_kind_to_str(x->to));
	snprintf(amount, sizeof amount, "%lld", (long long)x->amount_fen);
	kiosk_journal(k, event, "from", kproto_account_kind_to_str(x->from), "to", to,
	    x->amount_fen > 0 ? "amount" : NULL, amount, NULL);
}

/* "李*英, **** 0025" shown; "李*英, 尾号零零二五" said. A Chinese name is not said by
 * another language's voice, which cannot read it: the card's last digits are. */
static char *
payee_text(const struct xfer_payee *p, const struct fill *f)
{
	char buf[KPROTO_PAYEE_NAME_MAX + 64];
	int chinese = strcmp(f->lang, "zh") == 0;

	if (f->voice != NULL) {
		char *card = voice_card(f->voice, p->pan);
		if (!chinese && (unsigned char)p->name[0] >= 0x80)
			snprintf(buf, sizeof buf, "%s", card);
		else
			snprintf(buf, sizeof buf, "%s, %s", p->name, card);
		free(card);
	} else
		snprintf(buf, sizeof buf, "%s, **** %s", p->name,
		    p->pan + (strlen(p->pan) > 4 ? strlen(p->pan) - 4 : 0));
	return xstrdup(buf);
}

/* An own account's name, in the words of the screen's language. */
static char *
account_text(struct kiosk *k, const struct fill *f, uint8_t kind)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, xfer_msg(
	    kind == KPROTO_ACCOUNT_SAVINGS ? "transfer_savings" : "transfer_current"));
	const char *s = t == NULL ? NULL : f->spoken ? ltext_say(t, f->lang) :
	    ltext_show(t, f->lang);
	return xstrdup(s != NULL ? s : kproto_account_kind_to_str(kind));
}

void
xfer_fill(struct kiosk *k, struct fill *f)
{
	struct xfer *x = XFER(k);
	const struct xfer_payee *p = k->state == &state_transfer_payee && x->npayees > 0 ?
	    &x->payees[x->payee_at] : x->payee.pan[0] ? &x->payee : NULL;

	fill_private(f, "transfer_left", view_money(k, x->remaining_fen, f->lang, f->spoken));
	fill_add(f, "from", account_text(k, f, x->from));
	/* An own account is no secret; a payee's name and card are. */
	if (p != NULL)
		fill_private(f, "payee", payee_text(p, f));
	else
		fill_add(f, "payee", account_text(k, f, x->to));
	fill_number(f, "payee_n", x->payee_at + 1, f->voice, 1);
	fill_number(f, "payees", x->npayees, f->voice, 0);
}

/* A payee as the bank gave it; a name too long is cut where a character begins. */
static void
payee_keep(struct xfer_payee *dst, const struct kproto_payee *src)
{
	size_t n = strlen(src->name);

	if (n > XFER_NAME_MAX)
		for (n = XFER_NAME_MAX; n > 0 && ((unsigned char)src->name[n] & 0xC0) == 0x80;
		    n--)
			;
	snprintf(dst->pan, sizeof dst->pan, "%s", src->pan);
	snprintf(dst->name, sizeof dst->name, "%.*s", (int)n, src->name);
	dst->paid_before = src->paid_before;
}

/* Keeps what the bank listed: accounts, payees, the limits. */
static void
options_keep(struct xfer *x, const struct kproto_transfer_choices *c)
{
	for (int i = 0; i < c->naccounts; i++)
		if (c->accounts[i].kind < KPROTO_ACCOUNTS_MAX) {
			x->has_account[c->accounts[i].kind] = 1;
			x->available_fen[c->accounts[i].kind] = c->accounts[i].available_fen;
		}
	x->npayees = c->npayees < KPROTO_PAYEES_MAX ? c->npayees : KPROTO_PAYEES_MAX;
	for (int i = 0; i < x->npayees; i++)
		payee_keep(&x->payees[i], &c->payees[i]);
	x->remaining_fen = c->transfer_remaining_fen;
	x->large_fen = c->large_threshold_fen;
	x->flagged = c->fraud_protect;
}

static void
options_done(struct kiosk *k, const struct bank_reply *r)
{
	struct kproto_transfer_choices c;

	if (r->type != KPROTO_MSG_TRANSFER_CHOICES ||
	    kproto_transfer_choices_unpack(r->payload, &c) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	options_keep(XFER(k), &c);
	sodium_memzero(&c, sizeof c);
	state_enter(k, &state_transfer);
}

static void
transfer_start(struct kiosk *k)
{
	memset(XFER(k), 0, sizeof(struct xfer));
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_TRANSFER_OPTIONS, NULL, options_done);
}

/* Between the card's own accounts: both must exist. */
static void
own_choose(struct kiosk *k, uint8_t from, uint8_t to)
{
	struct xfer *x = XFER(k);

	if (!x->has_account[from] || !x->has_account[to]) {
		xfer_tell(k, &state_transfer, "transfer_no_savings");
		return;
	}
	memset(&x->payee, 0, sizeof x->payee);
	x->from = from;
	x->to = to;
	xfer_journal(k, "transfer-to");
	state_enter(k, &state_transfer_amount);
}

static void
transfer_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	struct xfer *x = XFER(k);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "to_savings") == 0)
		own_choose(k, KPROTO_ACCOUNT_CURRENT, KPROTO_ACCOUNT_SAVINGS);
	else if (strcmp(it->target, "to_current") == 0)
		own_choose(k, KPROTO_ACCOUNT_SAVINGS, KPROTO_ACCOUNT_CURRENT);
	else if (strcmp(it->target, "payee") == 0) {
		if (x->npayees == 0) {
			xfer_tell(k, &state_transfer, "transfer_no_payees");
			return;
		}
		x->payee_at = 0;
		state_enter(k, &state_transfer_payee);
	} else if (strcmp(it->target, "card") == 0)
		state_enter(k, &state_transfer_card);
}

/* A payee is chosen: the money leaves the current account (the card's own). */
static void
payee_set(struct kiosk *k, const struct xfer_payee *p)
{
	struct xfer *x = XFER(k);

	x->payee = *p;
	x->from = KPROTO_ACCOUNT_CURRENT;
	xfer_journal(k, "transfer-to");
	state_enter(k, &state_transfer_amount);
}

static void
payee_key(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	struct xfer *x = XFER(k);

	if (it == NULL || it->kind != LITEM_CHOICE)
		return;
	if (strcmp(it->target, "choose") == 0)
		payee_set(k, &x->payees[x->payee_at]);
	else if (strcmp(it->target, "next") == 0) {
		x->payee_at = (x->payee_at + 1) % x->npayees;
		state_enter(k, &state_transfer_payee);
	} else if (strcmp(it->target, "back") == 0)
		state_enter(k, &state_transfer);
}

static void
card_enter(struct kiosk *k)
{
	struct xfer *x = XFER(k);

	memset(&x->payee, 0, sizeof x->payee);
	sodium_memzero(x->typed, sizeof x->typed);
	x->ntyped = 0;
}

static void
lookup_done(struct kiosk *k, const struct bank_reply *r)
{
	struct kproto_payee p;
	struct xfer_payee kept;

	if (r->type == KPROTO_MSG_ERROR && r->u.error.code == KPROTO_ERROR_UNKNOWN_PAYEE) {
		xfer_tell(k, &state_transfer_card, "transfer_card_unknown");
		return;
	}
	/* The answer is about the number asked for, or about nothing this customer typed. */
	if (r->type != KPROTO_MSG_PAYEE_INFO ||
	    kproto_payee_info_unpack(r->payload, &p) != KPROTO_OK ||
	    strcmp(p.pan, XFER(k)->typed) != 0) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	payee_keep(&kept, &p);
	payee_set(k, &kept);
}

/* The number is checked here first: one that cannot be a card is never sent. */
static void
card_submit(struct kiosk *k)
{
	struct xfer *x = XFER(k);
	struct kproto_payee_lookup m;
	struct kproto_buf b;
	const char *why = NULL;

	if (x->ntyped < XFER_CARD_DIGITS_MIN)
		why = "transfer_card_short";
	else if (!kproto_pan_luhn(x->typed))
		why = "transfer_card_wrong";
	else if (strcmp(x->typed, k->s.pan) == 0)
		why = "transfer_same_account";
	if (why != NULL) {
		/* Too short: go on typing; otherwise the number starts again. */
		kiosk_set_message(k, xfer_msg(why));
		if (strcmp(why, "transfer_card_short") == 0)
			kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
		else
			state_enter(k, &state_transfer_card);
		return;
	}
	memset(&m, 0, sizeof m);
	snprintf(m.pan, sizeof m.pan, "%s", x->typed);
	if (kproto_payee_lookup_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_PAYEE_LOOKUP, &b, lookup_done);
}

static void
card_key(struct kiosk *k, enum key_fn fn)
{
	struct xfer *x = XFER(k);

	if (fn == KEYFN_ENTER)
		card_submit(k);
	else
		kiosk_dirty(k, entry_key(x->typed, &x->ntyped, KPROTO_PAN_MAX, 1, fn));
}

/* The digits typed, in groups of four: shown so, and read back so through a headset; the
 * loudspeaker only says how many there are. */
static void
card_input(struct kiosk *k, struct screen_input *in)
{
	struct xfer *x = XFER(k);
	const struct voice_rules *v = voice_for(&k->setup->voices, k->lang);
	struct strbuf show = {0}, say = {0};

	strbuf_init(&show);
	strbuf_init(&say);
	for (int i = 0; i < x->ntyped; i += 4) {
		char group[5];
		snprintf(group, sizeof group, "%.4s", x->typed + i);
		strbuf_addf(&show, "%s%s", i ? " " : "", group);
		if (v != NULL && k->headset) {
			char *words = voice_digits(v, group);
			strbuf_addf(&say, "%s%s", i ? ", " : "", words);
			free(words);
		}
	}
	if (v != NULL && !k->headset && x->ntyped > 0) {
		char count[16];
		snprintf(count, sizeof count, "%d", x->ntyped);
		struct text_var vars[] = { { "count", count } };
		char *said = text_fill(v->digits_entered, vars, 1);
		strbuf_add(&say, said);
		free(said);
	}
	in->active = 1;
	in->len = x->ntyped;
	in->show = strbuf_take(&show);
	in->say = strbuf_take(&say);
}

static const char *const transfer_choices[] = { "to_savings", "to_current", "payee", "card",
	NULL };
static const char *const payee_choices[] = { "choose", "next", "back", NULL };
static const char *const ph_transfer[] = { "transfer_left", NULL };
static const char *const ph_payee[] = { "payee", "payee_n", "payees", NULL };

static const struct screen_contract contract_transfer = {
	.name = "transfer",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = transfer_choices,
	.placeholders = ph_transfer,
	.menu = 1,
};

static const struct screen_contract contract_payee = {
	.name = "transfer_payee",
	.items = LITEM_BIT(LITEM_CHOICE),
	.choices = payee_choices,
	.placeholders = ph_payee,
};

static const struct screen_contract contract_card = {
	.name = "transfer_card",
};

static const char *const ph_available[] = { "available", NULL };
static const char *const ph_left[] = { "transfer_left", NULL };
static const char *const ph_made[] = { "amount", "available", "from", "payee", NULL };
static const char *const ph_receipt[] = { "amount", "available", "card", "kiosk", "date",
	"time", "from", "payee", NULL };

/* Every message of the service, registered with the first of its states. */
static const struct message_contract transfer_messages[] = {
	{ .name = "transfer_current" },
	{ .name = "transfer_savings" },
	{ .name = "transfer_no_savings" },
	{ .name = "transfer_no_payees" },
	{ .name = "transfer_card_short" },
	{ .name = "transfer_card_wrong" },
	{ .name = "transfer_card_unknown" },
	{ .name = "transfer_same_account" },
	{ .name = "transfer_insufficient", .placeholders = ph_available },
	{ .name = "transfer_over_limit", .placeholders = ph_left },
	{ .name = "transfer_unknown" },
	{ .name = "transfer_made", .placeholders = ph_made },
	{ .name = "transfer_receipt", .placeholders = ph_receipt },
	{ .name = NULL },
};

const struct state_def state_transfer = {
	.name = "transfer",
	.contract = &contract_transfer,
	.messages = transfer_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.start = transfer_start,
	.key = transfer_key,
	.fill = xfer_fill,
};

const struct state_def state_transfer_payee = {
	.name = "transfer_payee",
	.contract = &contract_payee,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = payee_key,
	.fill = xfer_fill,
};

const struct state_def state_transfer_card = {
	.name = "transfer_card",
	.contract = &contract_card,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.enter = card_enter,
	.key = card_key,
	.input = card_input,
	.fill = xfer_fill,
};
