/* The kiosk frontend: the runtime context shared by the event loop, the state table and
 * the parts the states use (screen, speech, devices, bank). */
#ifndef KIOSK_KIOSK_H
#define KIOSK_KIOSK_H

#include <stdint.h>

#include "config/setup.h"
#include "kiosk/proto.h"
#include "kiosk/screen.h"

struct speech;
struct devices;
struct bank;
struct journal;
struct journal_record;
struct recovery;
struct lp_fonts;

#define VOLUME_LEVELS 8
#define VOLUME_DEFAULT 5
#define RATE_LEVELS 7
#define RATE_DEFAULT 3 /* the rates configured per language */

enum device_event {
	DEV_CARD_INSERT,
	DEV_CARD_TAKE,
	DEV_CASH_TAKE,
	DEV_RECEIPT_TAKE,
	DEV_HEADSET_IN,
	DEV_HEADSET_OUT,
};

/* Screens shown over the state's own, which stays as it was underneath. */
enum overlay {
	OVERLAY_NONE,
	OVERLAY_HELP,        /* HELP: this screen, the keys, the speech settings */
	OVERLAY_DESCRIBE,    /* describe-key mode: keys say what they do, nothing else */
	OVERLAY_ORIENTATION, /* a headset came in: where the keys and slots are */
};

/* A decoded answer from the adapter, with what it answers. */
struct bank_reply {
	int type; /* enum kproto_type; 0 when the link failed or timed out */
	int req_type;                            /* the request answered */
	int req_has_txid;                        /* it was about one withdrawal: */
	unsigned char req_txid[KPROTO_TXID_LEN];
	union {
		struct kproto_card_info card;
		struct kproto_pin_result pin;
		struct kproto_balance_info balance;
		struct kproto_withdraw_result withdraw;
		struct kproto_error error;
	} u;
};

struct kiosk;
typedef void (*bank_handler)(struct kiosk *, const struct bank_reply *);

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
struct state_def {
	const char *name;   /* in the log and the trace */
	enum screen_id screen;
	enum idle_kind idle;
	int holds_card;     /* CANCEL and timeouts here return the card */
	/* A menu item leads here (a goto naming this screen): what must happen first, such
	 * as asking the bank; NULL enters the state at once. */
	void (*start)(struct kiosk *);
	void (*enter)(struct kiosk *);
	void (*leave)(struct kiosk *);
	void (*key)(struct kiosk *, enum key_fn);
	void (*device)(struct kiosk *, enum device_event, const char *arg);
	/* The idle time ran out (after its warning); NULL ends the session. */
	void (*timeout)(struct kiosk *);
	/* What the state puts into its screen besides the layout: a message of its own
	 * after the title, and the field being typed. */
	enum message_id (*message)(const struct kiosk *);
	void (*input)(struct kiosk *, struct screen_input *);
};

/* What a drawing found, for the present step to keep. */
struct render_report {
	int cols, rows;   /* the terminal's size */
	int too_small;    /* smaller than the screens need: that is said instead */
	int cut_off;      /* normal print: the screen did not fit (a layout defect) */
	int off_key;      /* normal print: items drawn off their side key's row */
	int pages;        /* large print: the pages of the screen; 0 when not drawn so */
};
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
	int message_new;         /* set since the last screen was built: not the old one's */
	enum message_id notice;  /* the notice screen's message */
	const struct state_def *notice_next;
	int retain_on_leave;     /* notice of a lost card: keep it after the customer heard */
	int listened;            /* speech was on at some point: listening-length timeouts */
	int oriented;            /* the headset orientation was given (or skipped) */
	int headset_wait;        /* the headset was pulled out: waiting for it or a key */
};

struct kiosk {
	struct kiosk_setup *setup;
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
};

/* registry.c: every state the kiosk has, in one list. */
int state_count(void);
const struct state_def *state_at(int i);
const struct state_def *state_by_name(const char *name);
/* The state that shows screen id, or NULL. */
const struct state_def *state_by_screen(enum screen_id id);
/* A menu item's goto: the state showing that screen, through its start hook. */
void state_goto(struct kiosk *k, const char *screen);

/* state.c */
void state_enter(struct kiosk *k, const struct state_def *st);
void state_key(struct kiosk *k, enum key_fn fn);
/* The bank has answered everything: act on the keys that waited for it. */
void state_keys_resume(struct kiosk *k);
void state_device(struct kiosk *k, enum device_event ev, const char *arg);
/* A digit on the PIN screen or during its check: never named in the trace or the log. */
int key_is_secret(const struct kiosk *k, enum key_fn fn);
void state_tick(struct kiosk *k, int64_t now);
int64_t state_next_deadline(struct kiosk *k);
/* Ends the session from anywhere: reverses a hold, returns the card, tells why. */
void session_end(struct kiosk *k, enum message_id why);
void session_reset(struct kiosk *k);
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

/* controls.c: keys that mean the same on every screen (speech settings, focus, blanking).
 * Returns 1 when fn was one of them and is done. */
int controls_key(struct kiosk *k, enum key_fn fn);
void controls_volume_step(struct kiosk *k, int delta);
void controls_rate_step(struct kiosk *k, int delta);
/* The customer's settings back to the defaults, for the next one. */
void controls_reset(struct kiosk *k);
void controls_large_print(struct kiosk *k, int on);
/* How many large print sizes this terminal offers (1 up to that). */
int controls_text_sizes(const struct kiosk *k);
/* Large print turns pages with 0 on this screen (0 types and chooses nothing here). */
int controls_zero_pages(const struct kiosk *k);
/* 1 when fn turned the page of a long screen in large print. */
int controls_page_key(struct kiosk *k, enum key_fn fn);
/* Turns the large print page to the item's and redraws; 0 when it is already shown. */
int controls_page_to(struct kiosk *k, int item);

/* overlay.c: help, describe-key mode and the headset orientation. */
void overlay_open(struct kiosk *k, enum overlay o);
void overlay_close(struct kiosk *k);
/* The overlay is gone with its state (state_enter): nothing shown or said. */
void overlay_forget(struct kiosk *k);
/* A key while an overlay is shown; returns 1 when the overlay took it. */
int overlay_key(struct kiosk *k, enum key_fn fn);
/* The overlay's speech ended (played to the end when done). */
void overlay_speech_end(struct kiosk *k, int done);
/* The screen a state's layout or its overlay gives. */
enum screen_id overlay_screen(const struct kiosk *k);

/* view.c: builds the screen model from the layouts */
void view_build(struct kiosk *k);
/* The screen shown in place of the state's while the terminal is smaller than the
 * screens need: the terminal_too_small message in every offered language. */
void view_build_too_small(struct kiosk *k, struct screen *s);
/* Large print's page line for the model as it is now (after a warning came or went). */
void view_pages(struct kiosk *k);
/* Fills placeholders of text (shown or spoken form) with the session's values. */
char *view_fill(struct kiosk *k, const char *tmpl, const char *lang, int spoken);
/* An amount as shown, or as the voice of lang says it. */
char *view_money(struct kiosk *k, int64_t fen, const char *lang, int spoken);
const char *view_message_show(struct kiosk *k, enum message_id m);
/* The visible item of the current screen's layout bound to key fn, or NULL. */
const struct litem *layout_item_for_key(struct kiosk *k, enum key_fn fn);
/* Large print shows the state's screen as a simple menu: its simple items and "more". */
int view_simple(struct kiosk *k);
/* fn is the key of a choice the simple menu leaves under "more choices". */
int view_in_more_choices(struct kiosk *k, enum key_fn fn);
/* The same on another screen (an overlay's). */
const struct litem *layout_item_on(struct kiosk *k, enum screen_id id, enum key_fn fn);

/* speak.c */
void speak_screen(struct kiosk *k);
void speak_text(struct kiosk *k, const char *lang, const char *text);
/* The same even while speech is off: only for text that is never private. */
void speak_aloud(struct kiosk *k, const char *lang, const char *text);
/* A message, in the screen's language, or in every language on a screen shown in all of
 * them. */
void speak_message(struct kiosk *k, enum message_id m);
void speak_stop(struct kiosk *k);
enum voice_level { VOICE_VOLUME, VOICE_RATE };
void speak_level(struct kiosk *k, enum voice_level what, int level, int levels);
/* -1 when there is no last sentence: the screen is to be said instead. */
int speak_last_sentence(struct kiosk *k);
void speak_forget(struct kiosk *k);

/* journal_events.c: the electronic journal, one record per customer-visible event
 * (docs/journal.md). Never a PIN; card numbers masked. */
/* Opens cfg->journal, feeds its records to recovery and journals the start. */
int kiosk_journal_open(struct kiosk *k, char *err, size_t errlen);
void kiosk_journal_close(struct kiosk *k);
/*
 * Appends event with key, value pairs (a NULL key ends them). 0 once the record is on
 * disk (or when the kiosk runs without a journal), -1 if it could not be written:
 * whatever it was to record must then not happen.
 */
int kiosk_journal(struct kiosk *k, const char *event, ...) __attribute__((sentinel));
/* One withdrawal's event: txid=HEX and, when amount_fen >= 0, amount=FEN. */
int kiosk_journal_tx(struct kiosk *k, const char *event, const unsigned char *txid,
    int64_t amount_fen);
int kiosk_journal_record(struct kiosk *k, struct journal_record *r);
/* 0 once a write failed: the kiosk then stops serving. */
int kiosk_journal_ok(const struct kiosk *k);

/*
 * present.c: handlers mark what changed; the present step serves the outputs once, right
 * after the key (or device line, bank answer, timer) that changed it: the model rebuilt,
 * then speech asked for, then the screen drawn, so the first word never waits for
 * curses. Of the PRESENT_SAY_* a later mark replaces an earlier, as speech does.
 */
#define PRESENT_SCREEN        0x001u /* the model rebuilt and drawn */
#define PRESENT_DRAW          0x002u /* drawn again as it is (focus, highlight, blanking) */
#define PRESENT_RESIZED       0x004u /* the terminal changed size: said again when it
                                      * became too small, or big enough again */
#define PRESENT_SPEECH        0x010u /* a state's screen said as it is shown (the wait
                                      * screen only once the wait lasts) */
#define PRESENT_SAY_SCREEN    0x020u /* the screen said again, now */
#define PRESENT_SAY_WARNING   0x040u /* the warning at its foot */
#define PRESENT_SAY_ALOUD     0x080u /* the same through the loudspeaker: no private value */
#define PRESENT_SAY_INPUT     0x100u /* the field being typed */
#define PRESENT_SAY_MORE      0x200u /* large print's page line */
#define PRESENT_SAY_MASK      0x3f0u
void kiosk_dirty(struct kiosk *k, unsigned what);
void kiosk_present(struct kiosk *k);

/* loop.c */
void kiosk_run(struct kiosk *k);
void kiosk_demo_key(struct kiosk *k, int ch);

/* render_large.c: -1 when large print cannot be drawn here (no font, too small); else
 * *pages is how many pages the screen takes. */
int render_large(struct kiosk *k, int *pages);
/* How many pages the screen model takes in large print on this terminal. */
int render_large_pages(struct kiosk *k);
/* The page an item is drawn on in large print, or -1. */
int render_large_page_of(struct kiosk *k, int item);
/* The welcome screen's big "large print" hint, in normal print, from row to last_row. */
int render_large_badge(struct kiosk *k, int row, int last_row);

/* render.c */
int render_init(void);
void render_end(void);
/* The terminal's size now. */
void render_size(int *cols, int *rows);
struct render_report render_draw(struct kiosk *k);

/* keys.c */
void keys_init(void);
/* Reads one key: 0 when none is waiting. *fn is KEYFN_NONE for a key with no function,
 * *demo a demo shortcut letter, *resized set for a terminal resize. */
int keys_read(struct kiosk *k, enum key_fn *fn, int *demo, int *resized);
/* 1 when fn is the same key again within keypad.double_strike_ms: to be ignored, speech
 * included (the press it repeats stopped it; what plays now answers that press). */
int keys_double_strike(struct kiosk *k, enum key_fn fn, int64_t now);

/* money.c */
void money_show(int64_t fen, char *out, size_t outsz);

#endif
