/* The kiosk's runtime context: struct kiosk, which every part of the frontend is handed,
 * and the customer's session in it. Each part declares its functions in its own header
 * beside its source (state.h, present.h, view.h, speak.h, render.h, ...). */
#ifndef KIOSK_KIOSK_H
#define KIOSK_KIOSK_H

#include <stddef.h>
#include <stdint.h>

#include "config/setup.h"
#include "kiosk/fraud.h"
#include "kiosk/overlay.h"
#include "kiosk/profile.h"
#include "kiosk/proto.h"
#include "kiosk/render.h"
#include "kiosk/screen.h"

struct speech;
struct speech_part;
struct devices;
struct bank;
struct journal;
struct recovery;
struct lp_fonts;
struct state_def;
struct fill;

#define VOLUME_LEVELS 8
#define VOLUME_DEFAULT 5
#define RATE_LEVELS 7
#define RATE_DEFAULT 3 /* the rates configured per language */

/* The customer's session: reset for every card. */
struct session {
	int card_in;             /* card is in the reader */
	char pan[KPROTO_PAN_MAX + 1];
	int card_known;          /* CARD_INFO arrived */
	struct kproto_card_info card;
	int lang_chosen;
	int pin_ok;
	char *pin;               /* sodium_malloc'd while entered */
	int pin_len;
	int64_t note_fen, daily_remaining_fen, available_fen, balance_fen;
	int64_t amount_fen;      /* the withdrawal under way */
	unsigned char txid[KPROTO_TXID_LEN];
	int hold;                /* funds authorized and held, not yet completed or reversed */
	unsigned hold_link;      /* bank_link_id() the hold was authorized on */
	int cash_out;            /* dispensed and not yet taken */
	char entry[8];           /* other amount being typed */
	int entry_len;
	/* What the screen shows besides its layout (a notice, the receipt): set before
	 * state_enter for the state entered, or for the state's screen as it is shown
	 * again; part of every redraw until the state changes (MSG_NONE for none). */
	enum message_id message;
	int message_new;         /* set since a screen was last marked: not the old one's */
	enum message_id notice;  /* the notice screen's message */
	const struct state_def *notice_next;
	int retain_on_leave;     /* notice of a lost card: keep it after the customer heard */
	int listened;            /* speech was on at some point: listening-length timeouts */
	int oriented;            /* the headset orientation was given (or skipped) */
	int headset_wait;        /* the headset was pulled out: waiting for it or a key */
	/* The receipt offered once the card is back: a service's own, set when its money
	 * moved, or the withdrawal's (MSG_RECEIPT). */
	enum message_id receipt;
	/* The service under way keeps what it needs here (SVC_DATA): zeroed with the rest
	 * of the session, so a service keeps nothing from one customer to the next. */
	_Alignas(max_align_t) unsigned char svc[2048];
	void (*fill)(struct kiosk *, struct fill *); /* its placeholders (state_def.fill) */
	struct fraud_run fraud;  /* the alert and warning before money leaves (svc_fraud.c) */
	/* Staff (staff.c): the staff member verified by the adapter ("" for none), a badge
	 * waiting for its PIN, and a call for staff under way. */
	char staff_id[KPROTO_STAFF_ID_MAX + 1];
	char staff_badge[KPROTO_STAFF_ID_MAX + 1];
	char staff_reason[KPROTO_STAFF_REASON_MAX + 1]; /* "" when no call is waiting */
	int64_t staff_called_at;  /* mono_usec() of the call */
	int staff_waiting;        /* the call holds the timeouts (until staff.wait_max) */
	const struct state_def *staff_back; /* where the call or the badge came from */
	struct profile_run profile; /* the card's remembered settings (svc_profile.c) */
};
#define SVC_DATA(k, type) ((type *)(void *)((k)->s.svc + 0 * sizeof(struct { \
	_Static_assert(sizeof(type) <= sizeof((k)->s.svc), #type " fits the session"); \
	int fits; })))

struct kiosk {
	struct kiosk_setup *setup; /* the running configuration (owned) */
	struct kiosk_setup *reload_next; /* a reloaded one waiting for the welcome screen */
	const char *it_key;      /* IT's public key for the signed configuration */
	int signature;           /* signed_check at start: 1 verified, 0 unsigned mode */
	const struct kiosk_config *cfg;
	const struct state_def *state;
	struct session s;
	char lang[8];            /* language of the screens now */
	int speech_on;
	int headset;
	int demo;
	const char *demo_status; /* last thing the hardware was asked, for the demo line */
	struct speech *speech;
	unsigned utterance;      /* id of what is being said now, 0 when quiet */
	struct speech_part *said; /* the parts of the last utterance (owned copies) */
	int nsaid;
	unsigned said_id;        /* its utterance id */
	int heard_part, heard_pos; /* where its listener was when it ended */
	int *said_item;          /* per part of the last utterance: its item, or -1 */
	int heard_item;          /* the item being heard now, highlighted; -1 for none */
	int focus;               /* the item the arrow keys moved to; -1 for none */
	enum overlay overlay;
	char *described_show, *described_say; /* describe-key mode: the last key's text */
	int blank;               /* speech mode: the screen is blanked for privacy */
	/* Large print: on for this customer, its size and theme (index of lp_theme_at), the
	 * page shown of a screen too long for one, and how many pages it has. */
	int large, lp_size, lp_theme, lp_page, lp_pages;
	int simple_all;          /* large print: all items of this screen, not the simple ones */
	enum message_id setting; /* the setting last switched on this screen, or MSG_NONE */
	struct lp_fonts *fonts;  /* NULL when no font could be read: normal print only */
	int lp_degraded;         /* Unifont missing: the bundled font alone */
	int lp_font_notice;      /* large print came on in this state without Unifont */
	int64_t last_repeat;     /* REPEAT twice within a moment: the last sentence only */
	enum key_fn last_key;    /* the double-strike filter: the last key and when */
	int64_t last_key_at;
	int rate_level;          /* 1..RATE_LEVELS; reset for every customer */
	struct devices *devices;
	struct bank *bank;
	struct journal *journal;   /* the electronic journal; NULL when none (unit tests) */
	struct recovery *recovery; /* withdrawals left to settle (recover.c) */
	struct screen screen;
	unsigned char *kiosk_sk; /* sodium_malloc'd */
	unsigned char adapter_pk[KPROTO_PK_LEN];
	/* Idle timer: counts from the last key, screen or end of speech. */
	int64_t idle_since;
	int warned;
	/* At the foot of the screen until the next key or state: the timeout warning, the
	 * headset's, a note about a key (MSG_NONE for none). */
	enum message_id warning;
	/* Keys pressed while the bank answers are acted on, in order, once it has. */
	struct queued_key {
		enum key_fn fn;
		int secret; /* pressed during PIN entry or its check */
	} keyq[16];
	int nkeyq;
	int64_t speak_at;        /* deferred speech of the wait screen, 0 when none */
	int volume_level;        /* 1..VOLUME_LEVELS, reset for every customer */
	struct render_report drawn; /* what the last drawing found, kept by the present step */
	char layout_warned[32];  /* the screen last logged as cut off or off its keys */
	unsigned present;        /* PRESENT_*: what changed since the outputs were served */
	int quit;
	const char *stop_why;    /* the stop record's why: terminal, SIGTERM, SIGINT, quit */
};

#endif
