/* The layout contract: the screens and notices the kiosk knows, the items each screen may
 * carry and the placeholders the kiosk fills in. Layout files are checked against it;
 * the kiosk uses the same ids and names. */
#ifndef CONFIG_SCREENS_H
#define CONFIG_SCREENS_H

enum screen_id {
	SCREEN_NONE = -1,
	SCREEN_WELCOME = 0,
	SCREEN_LANGUAGE,
	SCREEN_PIN,
	SCREEN_MENU,
	SCREEN_WITHDRAW,
	SCREEN_OTHER_AMOUNT,
	SCREEN_CONFIRM,
	SCREEN_WAIT,
	SCREEN_TAKE_CARD,
	SCREEN_TAKE_CASH,
	SCREEN_RECEIPT,
	SCREEN_TAKE_RECEIPT,
	SCREEN_GOODBYE,
	SCREEN_NOTICE,
	SCREEN_OUT_OF_SERVICE,
	/* Overlays: shown over any screen, which stays as it was underneath. */
	SCREEN_HELP,
	SCREEN_DESCRIBE_KEYS,
	SCREEN_ORIENTATION,
	SCREEN_CORE_COUNT
	/* Services register their own screens after these (screen_register). */
};
#define SCREENS_MAX 64

enum message_id {
	MSG_NONE = -1,
	MSG_WRONG_PIN = 0,	/* {tries} */
	MSG_PIN_TOO_SHORT,
	MSG_PIN_LOCKED,
	MSG_CARD_LOCKED,
	MSG_CARD_LOST,
	MSG_CARD_UNKNOWN,
	MSG_INSUFFICIENT_FUNDS,	/* {available} */
	MSG_OVER_LIMIT,		/* {max} */
	MSG_NOT_MULTIPLE,	/* {note} */
	MSG_INVALID_AMOUNT,
	MSG_CANCELLED,
	MSG_TIMEOUT_WARNING,	/* {seconds} */
	MSG_TIMED_OUT,
	MSG_BANK_UNAVAILABLE,
	MSG_CARD_RETAINED,
	MSG_CASH_RETRACTED,
	MSG_SPEECH_ON,
	MSG_SPEECH_OFF,
	MSG_TERMINAL_TOO_SMALL,	/* {width} {height} */
	MSG_RECEIPT,		/* {amount} {balance} {card} {kiosk} {date} {time} */
	MSG_CONTINUE,
	MSG_HEADSET_OUT,
	MSG_SCREEN_OFF,
	MSG_SCREEN_ON,
	MSG_MORE_PAGES,		/* {page} {pages} */
	MSG_MORE_PAGES_NEXT,	/* the same where 0 is typed: the down arrow turns the page */
	MSG_LARGE_PRINT_FONT,	/* large print without Unifont */
	MSG_MORE_SERVICES,	/* large print's simple menu: the item that shows the rest */
	MSG_LARGE_PRINT_BADGE,	/* drawn big on the welcome screen: how to get large print */
	MSG_MORE_PAGES_LAST,	/* {page} {pages}: the last page, where 0 goes back to the first */
	MSG_MORE_PAGES_LAST_NEXT, /* the same where 0 is typed: the down arrow */
	MSG_TEXT_SIZE_OFF,	/* TEXT_SIZE with large print off: what it is for */
	MSG_LARGE_PRINT_ON,	/* the customer switched large print on, or off */
	MSG_LARGE_PRINT_OFF,
	MSG_TEXT_SIZE,		/* {size} {sizes}: TEXT_SIZE chose the next size */
	MSG_THEME,		/* {theme} {themes}: THEME chose the next colours */
	MSG_MORE_TIME,		/* a key after the timeout warning: the time starts again */
	MSG_CARD_BACK,		/* a card put in before this visit ended: given straight back */
	MSG_IN_MORE_CHOICES,	/* the simple menu: a key of a choice under "more choices" */
	MSG_CORE_COUNT
	/* Services register their own messages after these (message_register); they find
	 * their ids by name. */
};
#define MESSAGES_MAX 160

enum litem_kind {
	LITEM_GOTO,	/* goto: another screen */
	LITEM_AMOUNT,	/* amount: fast cash, whole yuan */
	LITEM_CHOICE	/* choice: a fixed answer the screen's code knows */
};
#define LITEM_BIT(k) (1u << (k))

struct screen_contract {
	enum screen_id id;
	const char *name;		/* file name without .yaml */
	unsigned items;			/* LITEM_BIT() of each kind allowed; 0: no items */
	const char *const *gotos;	/* screens a goto may name; NULL-terminated or NULL */
	const char *const *choices;	/* choices that must all be present; NULL-terminated or NULL */
	int choices_are_languages;	/* one choice per offered language, all required */
	const char *const *placeholders; /* allowed in every text of the screen */
	int overlay;			/* shown over another screen; has no help: of its own */
	const char *const *keys;	/* names its keys: mapping must have, NULL: no keys: */
	const char *const *keys_placeholders;
	int menu;			/* a service the main menu may offer (goto) */
};

struct message_contract {
	enum message_id id;
	const char *name;
	const char *const *placeholders;
};

/* How many screens there are: the core ones and those registered. */
int screen_count(void);
int message_count(void);
/* Adds a service's screen (its id field is ignored) and returns the id it gets: the
 * same id again for a name already registered with the same contract, SCREEN_NONE when
 * the name is a core screen's or the table is full. */
enum screen_id screen_register(const struct screen_contract *c);
/* The same for a service's message. */
enum message_id message_register(const struct message_contract *c);

const char *screen_to_str(enum screen_id id);
enum screen_id screen_from_str(const char *name);
const struct screen_contract *screen_contract_get(enum screen_id id);

const char *message_to_str(enum message_id id);
enum message_id message_from_str(const char *name);
const struct message_contract *message_contract_get(enum message_id id);

/* Whether name is a placeholder of any screen or message. */
int placeholder_known(const char *name);

#endif
