/* Mini statement: the customer chooses an account, the bank sends its last transactions,
 * and they are shown as a table and said a line at a time in words; the arrow keys go
 * through the lines, REPEAT says the line again, and it can be printed. */
#include "kiosk/states.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "kiosk/bank.h"
#include "kiosk/controls.h"
#include "kiosk/devices.h"
#include "kiosk/journal_events.h"
#include "kiosk/money.h"
#include "kiosk/present.h"
#include "kiosk/registry.h"
#include "kiosk/render.h"
#include "kiosk/view.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

/* The line being read is marked in the table, so that eyes can follow the ears. */
#define LINE_MARK "▶"

extern const struct state_def state_statement, state_statement_lines;

struct statement {
	struct kproto_statement_lines got;
	uint8_t account;  /* enum kproto_statement_account */
	int current;      /* the line said, 0 the newest */
	int printing;     /* filling the printed statement: no mark */
};

static const char *const kind_msg[] = {
	[KPROTO_ENTRY_WITHDRAWAL] = "entry_withdrawal",
	[KPROTO_ENTRY_TRANSFER_OUT] = "entry_transfer_out",
	[KPROTO_ENTRY_TRANSFER_IN] = "entry_transfer_in",
	[KPROTO_ENTRY_DEPOSIT] = "entry_deposit",
	[KPROTO_ENTRY_OTHER] = "entry_other",
};

/* The text of one of the service's messages in lang, as shown or as said. */
static const char *
msg_text(struct kiosk *k, const char *name, const char *lang, int spoken)
{
	const struct ltext *t = layout_message_id(&k->setup->layouts, message_from_str(name));
	const char *s = t == NULL ? NULL : spoken ? ltext_say(t, lang) : ltext_show(t, lang);
	return s ? s : "";
}

static const char *
kind_text(struct kiosk *k, uint8_t kind, const char *lang, int spoken)
{
	return msg_text(k, kind_msg[kind < ARRAY_LEN(kind_msg) ? kind : KPROTO_ENTRY_OTHER],
	    lang, spoken);
}

/* Columns in terminal cells (a Chinese character takes two). */
static int
cells(const char *s)
{
	wchar_t w[128];
	size_t n = mbstowcs(w, s, ARRAY_LEN(w) - 1);
	if (n == (size_t)-1)
		return (int)strlen(s);
	w[n] = L'\0';
	int c = wcswidth(w, n);
	return c < 0 ? (int)n : c;
}

/* s padded with spaces to width cells, on its right (left 0) or its left (1). */
static char *
pad(const char *s, int width, int right_align)
{
	int n = width - cells(s);
	struct strbuf b = {0};
	strbuf_init(&b);
	for (int i = 0; right_align && i < n; i++)
		strbuf_addc(&b, ' ');
	strbuf_add(&b, s);
	for (int i = 0; !right_align && i < n; i++)
		strbuf_addc(&b, ' ');
	return strbuf_take(&b);
}

/* Line i as shown, its columns as wide as the widest of the table's. */
static char *
line_shown(struct kiosk *k, const struct statement *st, int i, const char *lang)
{
	const struct kproto_statement_line *l = &st->got.line[i];
	int what_w = 0, amount_w = 0;
	char buf[64];

	for (int j = 0; j < st->got.count; j++) {
		int w = cells(kind_text(k, st->got.line[j].kind, lang, 0));
		money_show(st->got.line[j].amount_fen, buf, sizeof buf);
		what_w = w > what_w ? w : what_w;
		amount_w = cells(buf) > amount_w ? cells(buf) : amount_w;
	}
	time_t at = (time_t)l->at;
	struct tm tm;
	localtime_r(&at, &tm);
	char date[16], balance[64];
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	money_show(l->amount_fen, buf, sizeof buf);
	money_show(l->balance_after_fen, balance, sizeof balance);
	char *what = pad(kind_text(k, l->kind, lang, 0), what_w, 0);
	char *amount = pad(buf, amount_w, 1);
	struct text_var vars[] = { { "date", date }, { "what", what }, { "amount", amount },
		{ "balance", balance } };
	char *out = text_fill(msg_text(k, "statement_line", lang, 0), vars, 4);
	free(what);
	free(amount);
	return out;
}

/* Line i as said in words; amount and balance only to a headset (private). */
static char *
line_said(struct kiosk *k, const struct statement *st, int i, const char *lang,
    const char *private)
{
	const struct kproto_statement_line *l = &st->got.line[i];
	const struct voice_rules *v = voice_for(&k->setup->voices, lang);
	time_t at = (time_t)l->at;
	struct tm tm;
	localtime_r(&at, &tm);
	char *date = voice_day(v, &tm);
	/* Which way the money went is said by what it was: no "minus". */
	int64_t fen = l->amount_fen == INT64_MIN ? INT64_MAX :
	    l->amount_fen < 0 ? -l->amount_fen : l->amount_fen;
	char *amount = private ? xstrdup(private) : view_money(k, fen, lang, 1);
	char *balance = private ? xstrdup(private) :
	    view_money(k, l->balance_after_fen, lang, 1);
	struct text_var vars[] = { { "date", date }, { "what", (char *)kind_text(k, l->kind,
		lang, 1) }, { "amount", amount }, { "balance", balance } };
	char *out = text_fill(msg_text(k, "statement_line", lang, 1), vars, 4);
	free(date);
	free(amount);
	free(balance);
	return out;
}

static void
statement_fill(struct kiosk *k, struct fill *f)
{
	struct statement *st = SVC_DATA(k, struct statement);
	fill_add(f, "account", xstrdup(msg_text(k, st->account == KPROTO_STATEMENT_SAVINGS ?
	    "account_savings" : "account_current", f->lang, f->spoken)));
	fill_number(f, "count", st->got.count, f->voice, 0);
	if (st->got.count == 0)
		return;
	/* Said: the line being read. Shown: the table, that line marked. */
	if (f->spoken) {
		fill_add(f, "lines", line_said(k, st, st->current, f->lang, f->private));
		return;
	}
	struct strbuf b = {0};
	strbuf_init(&b);
	for (int i = 0; i < st->got.count; i++) {
		char *line = line_shown(k, st, i, f->lang);
		strbuf_addf(&b, "%s%s%s", i ? "\n" : "", st->printing ? "" :
		    i == st->current ? LINE_MARK " " : "  ", line);
		free(line);
	}
	fill_add(f, "lines", strbuf_take(&b));
}

static void
statement_done(struct kiosk *k, const struct bank_reply *r)
{
	struct statement *st = SVC_DATA(k, struct statement);

	if (r->type == KPROTO_MSG_ERROR && r->req_type == KPROTO_MSG_STATEMENT &&
	    r->u.error.code == KPROTO_ERROR_NO_ACCOUNT) {
		kiosk_set_message(k, message_from_str("no_account"));
		state_enter(k, &state_statement);
		return;
	}
	if (r->type != KPROTO_MSG_STATEMENT_LINES || r->payload == NULL ||
	    kproto_statement_lines_unpack(r->payload, &st->got) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	st->current = 0;
	/* Nothing to read: said where another account can be chosen. */
	if (st->got.count == 0) {
		kiosk_set_message(k, message_from_str("statement_empty"));
		state_enter(k, &state_statement);
		return;
	}
	state_enter(k, &state_statement_lines);
}

/* From the menu: the service area may hold another service's values of this visit. */
static void
statement_start(struct kiosk *k)
{
	memset(SVC_DATA(k, struct statement), 0, sizeof(struct statement));
	state_enter(k, &state_statement);
}

/* The choice on key fn, or NULL: a goto (back to the menu) is followed here. */
static const struct litem *
choice_of(struct kiosk *k, enum key_fn fn)
{
	const struct litem *it = layout_item_for_key(k, fn);
	if (it != NULL && it->kind == LITEM_GOTO) {
		state_goto(k, it->target);
		return NULL;
	}
	return it;
}

static void
statement_key(struct kiosk *k, enum key_fn fn)
{
	struct statement *st = SVC_DATA(k, struct statement);
	const struct litem *it = choice_of(k, fn);
	if (it == NULL)
		return;
	struct kproto_statement m = { .account = strcmp(it->target, "savings") == 0 ?
	    KPROTO_STATEMENT_SAVINGS : KPROTO_STATEMENT_CURRENT };
	struct kproto_buf b;
	memset(&st->got, 0, sizeof st->got);
	st->account = m.account;
	if (kproto_statement_pack(&b, &m) != KPROTO_OK) {
		session_end(k, MSG_BANK_UNAVAILABLE);
		return;
	}
	state_enter(k, &state_wait);
	bank_call(k->bank, KPROTO_MSG_STATEMENT, &b, statement_done);
}

/* The statement to the receipt printer, as the withdrawal's receipt goes. */
static void
statement_print(struct kiosk *k)
{
	struct statement *st = SVC_DATA(k, struct statement);
	st->printing = 1;
	char *text = view_fill(k, msg_text(k, "statement_receipt", k->lang, 0), k->lang, 0);
	st->printing = 0;
	devices_print_receipt(k, text);
	kiosk_journal(k, "statement-printed", "account",
	    kproto_statement_account_to_str(st->account), NULL);
	free(text);
}

static void
lines_key(struct kiosk *k, enum key_fn fn)
{
	if (choice_of(k, fn) == NULL)
		return;
	statement_print(k);
	kiosk_set_message(k, message_from_str("statement_printed"));
	kiosk_dirty(k, PRESENT_SCREEN | PRESENT_SPEECH);
}

/* The line being read, with its place: "1 December, withdrawal, 200 yuan, balance 600
 * yuan, 2 of 10". */
static void
line_say(struct kiosk *k)
{
	struct statement *st = SVC_DATA(k, struct statement);
	const struct voice_rules *v = voice_for(&k->setup->voices, k->lang);
	char *said = line_said(k, st, st->current, k->lang, v != NULL && !k->headset ?
	    v->private_value : NULL);
	trace_event("statement-line", "%d of %d", st->current + 1, st->got.count);
	controls_say_position(k, k->lang, said, st->current + 1, st->got.count);
	free(said);
}

/* Large print shows the page with the line being read, as it does an item in focus. */
static void
lines_page_follow(struct kiosk *k)
{
	if (!k->large)
		return;
	/* The model with the mark moved, to find its page; it is drawn as it is. */
	view_build(k);
	int page = render_large_page_of_text(k, LINE_MARK);
	if (page < 0 || page == k->lp_page)
		return;
	k->lp_page = page;
	trace_event("page", "%d of %d", k->lp_page + 1, k->lp_pages);
}

/* NEXT and PREVIOUS go through the lines, round, as through a menu's items; REPEAT says
 * the line again. The table's mark follows. */
static int
lines_control(struct kiosk *k, enum key_fn fn)
{
	struct statement *st = SVC_DATA(k, struct statement);
	if (st->got.count == 0 ||
	    (fn != KEYFN_NEXT && fn != KEYFN_PREVIOUS && fn != KEYFN_REPEAT))
		return 0;
	if (fn != KEYFN_REPEAT) {
		int step = fn == KEYFN_NEXT ? 1 : -1;
		st->current = (st->current + step + st->got.count) % st->got.count;
		kiosk_dirty(k, PRESENT_SCREEN);
		lines_page_follow(k);
	}
	line_say(k);
	return 1;
}

/* The printed statement taken from the slot: nothing more to say. */
static void
lines_device(struct kiosk *k, enum device_event ev, const char *arg)
{
	(void)k;
	(void)arg;
	if (ev != DEV_RECEIPT_TAKE)
		log_warnx("device: %s not expected on the statement", device_event_to_str(ev));
}

static const char *const statement_gotos[] = { "menu", NULL };
static const char *const statement_choices[] = { "current", "savings", NULL };
static const char *const lines_choices[] = { "print", NULL };
static const char *const lines_placeholders[] = { "account", "count", "lines", NULL };
static const char *const ph_line[] = { "date", "what", "amount", "balance", NULL };
static const char *const ph_receipt[] = { "kiosk", "date", "time", "card", "account",
	"lines", NULL };

static const struct screen_contract statement_screen = {
	.name = "statement",
	.items = LITEM_BIT(LITEM_CHOICE) | LITEM_BIT(LITEM_GOTO),
	.gotos = statement_gotos,
	.choices = statement_choices,
	.menu = 1,
};

static const struct screen_contract lines_screen = {
	.name = "statement_lines",
	.items = LITEM_BIT(LITEM_CHOICE) | LITEM_BIT(LITEM_GOTO),
	.gotos = statement_gotos,
	.choices = lines_choices,
	.placeholders = lines_placeholders,
};

static const struct message_contract statement_messages[] = {
	{ .name = "account_current" },
	{ .name = "account_savings" },
	{ .name = "entry_withdrawal" },
	{ .name = "entry_transfer_out" },
	{ .name = "entry_transfer_in" },
	{ .name = "entry_deposit" },
	{ .name = "entry_other" },
	{ .name = "statement_line", .placeholders = ph_line },
	{ .name = "statement_empty" },
	{ .name = "no_account" },
	{ .name = "statement_printed" },
	{ .name = "statement_receipt", .placeholders = ph_receipt },
	{ .name = NULL },
};

const struct state_def state_statement = {
	.name = "statement",
	.contract = &statement_screen,
	.messages = statement_messages,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.start = statement_start,
	.key = statement_key,
};

const struct state_def state_statement_lines = {
	.name = "statement_lines",
	.contract = &lines_screen,
	.idle = IDLE_MENU,
	.holds_card = 1,
	.key = lines_key,
	.control = lines_control,
	.device = lines_device,
	.fill = statement_fill,
};
