/* The state machine: what a state is (struct state_def), entering one, and what every
 * state shares: keys, devices, the idle timer, messages and warnings, the session's end. */
#ifndef KIOSK_STATE_H
#define KIOSK_STATE_H

#include <stdint.h>

#include "kiosk/devices.h"
#include "kiosk/kiosk.h"

/* Timers each state may run while the customer is idle. */
enum idle_kind {
	IDLE_NONE,  /* waits for ever (welcome) */
	IDLE_MENU,  /* timeouts.idle */
	IDLE_PIN,   /* timeouts.pin */
	IDLE_TAKE,  /* timeouts.take */
	IDLE_SHORT, /* goodbye and notices that end a session: a few seconds */
};

/*
 * One state of the kiosk: each state's file exports one of these, and the registry
 * (registry.c) lists them. Every hook may be NULL.
 */
struct fill;

struct state_def {
	const char *name;   /* in the log and the trace */
	enum screen_id screen; /* a core screen; a service's own is .contract instead */
	/* A service's own screen: its layout contract, registered at start (registry_init)
	 * so that kioskctl check and the layouts know it; state_screen() gives its id. */
	const struct screen_contract *contract;
	/* The service's own messages, ended by one without a name; registered likewise, and
	 * found by name (message_from_str). Their texts are in layouts/messages.yaml. */
	const struct message_contract *messages;
	enum idle_kind idle;
	int holds_card;     /* CANCEL and timeouts here return the card */
	int pin_entry;      /* a PIN is typed here: its digits are never named (key_is_secret) */
	/* A menu item leads here (a goto naming this screen): what must happen first, such
	 * as asking the bank; NULL enters the state at once. */
	void (*start)(struct kiosk *);
	void (*enter)(struct kiosk *);
	void (*leave)(struct kiosk *);
	void (*key)(struct kiosk *, enum key_fn);
	void (*device)(struct kiosk *, enum device_event, const char *arg);
	/* The idle time ran out (after its warning); NULL ends the session. */
	void (*timeout)(struct kiosk *);
	/* A clock of the state's own, such as a countdown shown and said: when it next
	 * needs a turn (0: none now), and that turn. While it runs the idle timer waits. */
	int64_t (*clock)(struct kiosk *);
	void (*clock_tick)(struct kiosk *, int64_t now);
	/* What the state puts into its screen besides the layout: a message of its own
	 * after the title, and the field being typed. */
	enum message_id (*message)(const struct kiosk *);
	void (*input)(struct kiosk *, struct screen_input *);
	/* The values of the service's own placeholders (fill_add / fill_private, view.h):
	 * from the first of its states entered until the next card, so also on the shared
	 * screens it passes through (wait, receipt, notices). */
	void (*fill)(struct kiosk *, struct fill *);
	/* A key that means the same on every screen (controls.c), taken by the state first;
	 * returns 1 when it took it: the statement's arrows and REPEAT go through its lines. */
	int (*control)(struct kiosk *, enum key_fn);
	/* Staff-assisted mode ends in this state (staff-leave, CANCEL: staff.h): cancel
	 * what needed the staff member, leaving nothing half done (a service's request not
	 * sent, or its answer ignored once staff_present() is 0), and enter where the
	 * customer goes on. NULL: nothing here needs staff, the state stays. */
	void (*staff_leave)(struct kiosk *);
	/* Staff-assisted mode opens while this is the customer's screen, or staff are
	 * called from it with staff here: enter the staff member's own screen of the
	 * service, such as the unlock of a locked card. NULL: the customer's screen comes
	 * back (and a call pages staff). */
	void (*staff_come)(struct kiosk *);
	/* Why a customer calls staff from here (a reason code of docs/devices.md); NULL:
	 * from the message shown (staff.c). */
	const char *staff_reason;
};

/* The screen a state shows (registry.c). */
enum screen_id state_screen(const struct state_def *st);
void state_enter(struct kiosk *k, const struct state_def *st);
void state_key(struct kiosk *k, enum key_fn fn);
/* The bank has answered everything: act on the keys that waited for it. */
void state_keys_resume(struct kiosk *k);
void state_device(struct kiosk *k, enum device_event ev, const char *arg);
/* A digit on a screen where a PIN is typed or during its check: never named in the
 * trace or the log. */
int key_is_secret(const struct kiosk *k, enum key_fn fn);
void state_tick(struct kiosk *k, int64_t now);
int64_t state_next_deadline(struct kiosk *k);
/* Ends the session from anywhere: reverses a hold, returns the card, tells why. */
void session_end(struct kiosk *k, enum message_id why);
void session_reset(struct kiosk *k);
/* Closes the card's session at the bank, once. */
void session_close(struct kiosk *k);
/* m is what the next screen built shows: the state entered next, or this one's screen
 * shown again; it stays on that state's screen, through every redraw, until it is left. */
void kiosk_set_message(struct kiosk *k, enum message_id m);
/* m at the foot of the screen, shown and said now, gone at the next key or state. */
void kiosk_warn(struct kiosk *k, enum message_id m);
void kiosk_notice(struct kiosk *k, enum message_id m, const struct state_def *next);
void kiosk_speech_toggle(struct kiosk *k, int on);
void kiosk_speech_event(struct kiosk *k, unsigned id, int stopped, int part, int position);
/* The listener now hears part of utterance id: highlights the item it belongs to. */
void kiosk_speech_progress(struct kiosk *k, unsigned id, int part);
void kiosk_bank_down(struct kiosk *k);
void kiosk_bank_up(struct kiosk *k);

#endif
