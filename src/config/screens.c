#include "config/screens.h"

#include <stddef.h>
#include <string.h>

#include "common/util.h"

/* The core screens and messages; a service registers its own from its state file
 * (src/kiosk/registry.c). Don't forget docs/configuration.md when this changes. */

static const char *const ph_pin[] = { "tries", NULL };
static const char *const ph_menu[] = { "name", NULL };
static const char *const ph_withdraw[] = { "note", "max", NULL };
static const char *const ph_other_amount[] = { "note", "max", "amount", NULL };
static const char *const ph_amount[] = { "amount", NULL };

static const char *const goto_withdraw[] = { "other_amount", NULL };

static const char *const choices_confirm[] = { "confirm", "change", NULL };
static const char *const choices_receipt[] = { "yes", "no", NULL };
static const char *const choices_help[] = { "louder", "quieter", "faster", "slower",
	"describe_keys", "repeat", "call_staff", NULL };
static const char *const ph_help[] = { "screen_help", "volume", "volume_max", "speed",
	"speed_max", NULL };

/* What describe-key mode says for a key: an item of the screen underneath ("item"), a
 * digit with no item ("digit"), a key with nothing to do there ("unused"), or one of the
 * functions that mean the same on every screen. ENTER and CANCEL end the mode. */
static const char *const keys_describe[] = { "item", "digit", "unused", "CLEAR",
	"REPEAT", "HELP", "VOLUME_UP", "VOLUME_DOWN", "SPEECH", "PAUSE", "RATE_UP",
	"RATE_DOWN", "NEXT", "PREVIOUS", "BLANK", "LARGE_PRINT", "TEXT_SIZE", "THEME",
	"CALL_STAFF", NULL };
static const char *const ph_describe[] = { "key", "label", NULL };

#define GOTO LITEM_BIT(LITEM_GOTO)
#define AMOUNT LITEM_BIT(LITEM_AMOUNT)
#define CHOICE LITEM_BIT(LITEM_CHOICE)

static struct screen_contract screens[SCREENS_MAX] = {
	{ SCREEN_WELCOME, "welcome", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_LANGUAGE, "language", CHOICE, NULL, NULL, 1, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_PIN, "pin", 0, NULL, NULL, 0, ph_pin, 0, NULL, NULL, 0 },
	{ SCREEN_MENU, "menu", GOTO, NULL, NULL, 0, ph_menu, 0, NULL, NULL, 0 },
	{ SCREEN_WITHDRAW, "withdraw", AMOUNT | GOTO, goto_withdraw, NULL, 0, ph_withdraw, 0,
	    NULL, NULL, 1 },
	{ SCREEN_OTHER_AMOUNT, "other_amount", 0, NULL, NULL, 0, ph_other_amount, 0, NULL,
	    NULL, 0 },
	{ SCREEN_CONFIRM, "confirm", CHOICE, NULL, choices_confirm, 0, ph_amount, 0, NULL,
	    NULL, 0 },
	{ SCREEN_WAIT, "wait", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_TAKE_CARD, "take_card", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_TAKE_CASH, "take_cash", 0, NULL, NULL, 0, ph_amount, 0, NULL, NULL, 0 },
	{ SCREEN_RECEIPT, "receipt", CHOICE, NULL, choices_receipt, 0, NULL, 0, NULL,
	    NULL, 0 },
	{ SCREEN_TAKE_RECEIPT, "take_receipt", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_GOODBYE, "goodbye", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_NOTICE, "notice", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_OUT_OF_SERVICE, "out_of_service", 0, NULL, NULL, 0, NULL, 0, NULL, NULL, 0 },
	{ SCREEN_HELP, "help", CHOICE, NULL, choices_help, 0, ph_help, 1, NULL, NULL, 0 },
	{ SCREEN_DESCRIBE_KEYS, "describe_keys", 0, NULL, NULL, 0, NULL, 1, keys_describe,
	    ph_describe, 0 },
	{ SCREEN_ORIENTATION, "orientation", 0, NULL, NULL, 0, NULL, 1, NULL, NULL, 0 },
};

static const char *const ph_tries[] = { "tries", NULL };
static const char *const ph_available[] = { "available", NULL };
static const char *const ph_max[] = { "max", NULL };
static const char *const ph_note[] = { "note", NULL };
static const char *const ph_seconds[] = { "seconds", NULL };
static const char *const ph_size[] = { "width", "height", NULL };
static const char *const ph_pages[] = { "page", "pages", NULL };
static const char *const ph_text_size[] = { "size", "sizes", NULL };
static const char *const ph_theme[] = { "theme", "themes", NULL };
static const char *const ph_receipt[] = { "amount", "balance", "card", "kiosk", "date", "time",
	NULL };

static struct message_contract messages[MESSAGES_MAX] = {
	{ MSG_WRONG_PIN, "wrong_pin", ph_tries },
	{ MSG_PIN_TOO_SHORT, "pin_too_short", NULL },
	{ MSG_PIN_LOCKED, "pin_locked", NULL },
	{ MSG_CARD_LOCKED, "card_locked", NULL },
	{ MSG_CARD_LOST, "card_lost", NULL },
	{ MSG_CARD_UNKNOWN, "card_unknown", NULL },
	{ MSG_INSUFFICIENT_FUNDS, "insufficient_funds", ph_available },
	{ MSG_OVER_LIMIT, "over_limit", ph_max },
	{ MSG_NOT_MULTIPLE, "not_multiple", ph_note },
	{ MSG_INVALID_AMOUNT, "invalid_amount", NULL },
	{ MSG_CANCELLED, "cancelled", NULL },
	{ MSG_TIMEOUT_WARNING, "timeout_warning", ph_seconds },
	{ MSG_TIMED_OUT, "timed_out", NULL },
	{ MSG_BANK_UNAVAILABLE, "bank_unavailable", NULL },
	{ MSG_CARD_RETAINED, "card_retained", NULL },
	{ MSG_CASH_RETRACTED, "cash_retracted", NULL },
	{ MSG_SPEECH_ON, "speech_on", NULL },
	{ MSG_SPEECH_OFF, "speech_off", NULL },
	{ MSG_TERMINAL_TOO_SMALL, "terminal_too_small", ph_size },
	{ MSG_RECEIPT, "receipt", ph_receipt },
	{ MSG_CONTINUE, "continue", NULL },
	{ MSG_HEADSET_OUT, "headset_out", NULL },
	{ MSG_SCREEN_OFF, "screen_off", NULL },
	{ MSG_SCREEN_ON, "screen_on", NULL },
	{ MSG_MORE_PAGES, "more", ph_pages },
	{ MSG_MORE_PAGES_NEXT, "more_next", ph_pages },
	{ MSG_LARGE_PRINT_FONT, "large_print_font", NULL },
	{ MSG_MORE_SERVICES, "more_services", NULL },
	{ MSG_LARGE_PRINT_BADGE, "large_print_badge", NULL },
	{ MSG_MORE_PAGES_LAST, "more_last", ph_pages },
	{ MSG_MORE_PAGES_LAST_NEXT, "more_last_next", ph_pages },
	{ MSG_TEXT_SIZE_OFF, "text_size_off", NULL },
	{ MSG_LARGE_PRINT_ON, "large_print_on", NULL },
	{ MSG_LARGE_PRINT_OFF, "large_print_off", NULL },
	{ MSG_TEXT_SIZE, "text_size", ph_text_size },
	{ MSG_THEME, "theme", ph_theme },
	{ MSG_MORE_TIME, "more_time", NULL },
	{ MSG_CARD_BACK, "card_back", NULL },
	{ MSG_IN_MORE_CHOICES, "in_more_choices", NULL },
};

static int nscreens = SCREEN_CORE_COUNT, nmessages = MSG_CORE_COUNT;

int
screen_count(void)
{
	return nscreens;
}

int
message_count(void)
{
	return nmessages;
}

enum screen_id
screen_register(const struct screen_contract *c)
{
	enum screen_id id = screen_from_str(c->name);
	if (id != SCREEN_NONE)
		return id >= SCREEN_CORE_COUNT && screens[id].items == c->items &&
		    screens[id].gotos == c->gotos ? id : SCREEN_NONE;
	if (nscreens == SCREENS_MAX)
		return SCREEN_NONE;
	id = (enum screen_id)nscreens++;
	screens[id] = *c;
	screens[id].id = id;
	return id;
}

enum message_id
message_register(const struct message_contract *c)
{
	enum message_id id = message_from_str(c->name);
	if (id != MSG_NONE)
		return id >= MSG_CORE_COUNT ? id : MSG_NONE;
	if (nmessages == MESSAGES_MAX)
		return MSG_NONE;
	id = (enum message_id)nmessages++;
	messages[id] = *c;
	messages[id].id = id;
	return id;
}

const char *
screen_to_str(enum screen_id id)
{
	if (id < 0 || id >= nscreens)
		return "none";
	return screens[id].name;
}

enum screen_id
screen_from_str(const char *name)
{
	for (int i = 0; i < nscreens; i++)
		if (strcmp(screens[i].name, name) == 0)
			return (enum screen_id)i;
	return SCREEN_NONE;
}

const struct screen_contract *
screen_contract_get(enum screen_id id)
{
	if (id < 0 || id >= nscreens)
		return NULL;
	return &screens[id];
}

const char *
message_to_str(enum message_id id)
{
	if (id < 0 || id >= nmessages)
		return "none";
	return messages[id].name;
}

enum message_id
message_from_str(const char *name)
{
	for (int i = 0; i < nmessages; i++)
		if (strcmp(messages[i].name, name) == 0)
			return (enum message_id)i;
	return MSG_NONE;
}

const struct message_contract *
message_contract_get(enum message_id id)
{
	if (id < 0 || id >= nmessages)
		return NULL;
	return &messages[id];
}

int
placeholder_known(const char *name)
{
	for (int i = 0; i < nscreens; i++)
		if (str_in_list(name, screens[i].placeholders) ||
		    str_in_list(name, screens[i].keys_placeholders))
			return 1;
	for (int i = 0; i < nmessages; i++)
		if (str_in_list(name, messages[i].placeholders))
			return 1;
	return 0;
}
