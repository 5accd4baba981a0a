/* Nothing silent: every screen the customer meets is heard as it is shown, in the
 * language it is shown in.
 *
 * The real state machine drives a real kiosk-bankd (as test_state.c does), ncurses draws
 * to /dev/null, a headset is in (so private values are spoken) and the real speech engine
 * speaks to the null sink. The trace is the transcript: what was heard on a screen is the
 * text of the speech-start records of its own speech and of what was said on it since
 * (a PIN star, an amount typed, the timeout warning). An utterance replaced before it
 * starts is never heard, so each step waits for its utterance to start before the next.
 *
 * (a) Every text drawn (blocks, items and their keys, the input, the warning) is in what
 *     was heard. Values the kiosk fills in are shown and said differently by design
 *     (¥500.00, 五百元, "500 yuan"): each one shown must be heard in its spoken form, and
 *     any other number as digits or in words. The rest is compared as Latin words of 2+
 *     letters (case-insensitive) and CJK characters, counted: a line left out of speech is
 *     missed even when its words occur elsewhere on the screen.
 * (b) Speech keeps to the screen's language. On a zh screen every part is zh, or en for a
 *     Latin run that the screen shows (ATM, PIN); zh parts hold no Latin letters. On an en
 *     screen nothing is zh and nothing holds a CJK character. Screens shown in every
 *     language (welcome, out of service, language) show each offered language and say
 *     each text in its own voice.
 *
 * The walk is the table of journeys below, run once per offered language; by its end every
 * state of the state table and every message must have been met in every language.
 * usage: test_silent KIOSK-BANKD SOURCE-DIR */
#include "kiosk/bank.h"
#include "kiosk/fraud.h"
#include "kiosk/journal_events.h"
#include "kiosk/kiosk.h"
#include "kiosk/present.h"
#include "kiosk/registry.h"
#include "kiosk/speak.h"
#include "kiosk/view.h"

#include "common/log.h"
#include "common/trace.h"
#include "common/util.h"
#include "config/setup.h"
#include "largeprint/largeprint.h"
#include "speech/speech.h"

#include <ctype.h>
#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "kiosk_rig.h"
#include "silent_check.h"

/*
 * The journeys, run in order once per offered language. A script is a list of steps:
 *   card:N        a card goes in (N 1-5: demo card N of the demo bank, else the PAN)
 *   lang          the key that chooses the language of this pass on the language screen
 *   1 ENTER ...   keys (a string of digits is typed one key at a time)
 *   wait:KEY      KEY, then the wait screen is let speak before the bank's answer is read
 *   take-card take-cash take-receipt headset-out headset-in   devices
 *   staff-card:ID staff-leave   a staff badge in the reader; the staff member done
 *   idle          speech is let end and the idle timer run out (a warning or a timeout)
 *   quiet         speech is let end
 *   bank-down     kiosk-bankd stops; bank-up: a fresh demo bank starts and is reconnected
 *   answered:KEY  KEY sends a money request whose own wait screen is said at once, then
 *                 the answer is read; unanswered:KEY: its deadline passes first
 *   resize:WxH    the terminal changes size (too small: the screen says so instead)
 *   notices       every message in turn on the notice screen, back to this screen after each
 *   last-page:KEY KEY until large print shows the last page of the screen
 *   cooled        speech is let end and the state's clock run until it stops (the
 *                 anti-fraud warning's cooling-off, a call for staff's wait)
 *   transfer:N    a transfer of N yuan to a new payee asks fraud_enter(), as the transfer
 *                 flow does; going on or back returns to the menu
 *   =STATE        the state must now be STATE; !MESSAGE: the screen must show MESSAGE;
 *                 ^SCREEN: the screen shown must be SCREEN (an overlay: help...)
 * Every step that shows something is checked. The demo bank: cards 1-3 active (PINs 1234,
 * 2580, 1357; card 3 holds ¥800), 4 blocked, 5 reported lost; 6222000000000090 awaits
 * activation (its letter's PIN 9517), 6222000000000108 is card 1's customer's second.
 * Card 3 is locked by wrong PINs on the way, unlocked with staff (its PIN 3860), then
 * its PIN reset (4826).
 */
static const struct journey {
	const char *name;
	const char *script;
} journeys[] = {
	{ "withdrawal with a receipt",
	  "card:1 =language lang =pin ENTER !pin_too_short 12 CLEAR 3 ENTER !pin_too_short "
	  "CLEAR CLEAR 1234 wait:ENTER =menu TEXT_SIZE !text_size_off 1 =balance 1 =withdraw 6 =other_amount "
	  "ENTER !invalid_amount 150 ENTER !not_multiple 9900 ENTER !over_limit 3 CLEAR 300 "
	  "ENTER =confirm 2 =withdraw 3 =confirm 1 =take_card take-card =take_cash take-cash "
	  "=receipt 1 =take_receipt !receipt take-receipt =goodbye card:2 !card_back idle "
	  "=welcome" },
	{ "wrong PINs, then too little money",
	  "card:3 =language lang =pin 0000 ENTER !wrong_pin 0000 ENTER !wrong_pin 1357 ENTER "
	  "=menu 2 =withdraw 4 !insufficient_funds CANCEL =take_card !cancelled take-card "
	  "=goodbye idle =welcome" },
	{ "PIN locked: the card stays in for staff, or comes back",
	  "card:3 =language lang =pin 0000 ENTER 0000 ENTER 0000 ENTER =unlock !pin_locked "
	  "CANCEL =take_card !cancelled take-card =goodbye idle =welcome card:4 =language "
	  "lang =unlock !card_locked 1 =staff_called 1 =unlock CANCEL =take_card take-card "
	  "=goodbye idle =welcome" },
	{ "a locked card unlocked with staff: back, staff gone, a weak PIN, its new PIN; "
	  "then a cancel refused with money left",
	  "card:3 =language lang =unlock 1 =staff_called staff-card:0042 =staff_pin 8642 "
	  "wait:ENTER =unlock_staff 2 =unlock 1 =unlock_staff 1 =unlock_new 58 staff-leave "
	  "=unlock !unlock_stopped 1 =staff_called staff-card:0042 =staff_pin 8642 wait:ENTER "
	  "=unlock_staff 1 =unlock_new 1111 ENTER =unlock_again 1111 wait:ENTER =unlock_new "
	  "!pin_weak_repeated 3860 ENTER =unlock_again 3860 wait:ENTER =pin !card_unlocked "
	  "3860 wait:ENTER =menu 7 =card_cancel_staff 2 =menu 7 =card_cancel_staff "
	  "staff-leave =menu !card_cancel_stopped 7 =card_cancel 2 =menu 7 =card_cancel 1 "
	  "=staff_called staff-card:0042 =staff_pin 8642 wait:ENTER =card_cancel_staff wait:1 "
	  "=menu !card_cancel_money_left CANCEL CANCEL =take_card take-card =goodbye idle "
	  "=welcome" },
	{ "a forgotten PIN reset with staff: back, two that differ, staff gone, its new PIN",
	  "card:3 =language lang =pin CALL_STAFF =staff_called staff-card:0042 =staff_pin 8642 "
	  "wait:ENTER =pin_reset 2 =pin staff-leave staff-card:0042 =staff_pin 8642 wait:ENTER "
	  "=pin_reset 1 =pin_reset_new 4826 ENTER =pin_reset_again 4827 ENTER =pin_reset_new "
	  "!pin_mismatch staff-leave =pin !pin_reset_stopped staff-card:0042 =staff_pin 8642 "
	  "wait:ENTER =pin_reset 1 =pin_reset_new 4826 ENTER =pin_reset_again 4826 wait:ENTER "
	  "=pin !pin_reset_done 4826 wait:ENTER =menu CANCEL CANCEL =take_card take-card "
	  "=goodbye idle =welcome" },
	{ "a card reported lost",
	  "card:5 =language lang =notice !card_lost CANCEL =goodbye idle =welcome" },
	{ "a card the bank does not know",
	  "card:6222000000000099 =language lang =take_card !card_unknown take-card =goodbye "
	  "idle =welcome" },
	{ "warnings, the headset pulled out and every message",
	  "card:1 =language idle !timeout_warning REPEAT !more_time lang =pin idle "
	  "!timeout_warning CLEAR !more_time 1234 ENTER =menu resize:72x18 !terminal_too_small "
	  "resize:80x24 =menu headset-out !headset_out headset-in =menu headset-out quiet 2 "
	  "!headset_out ENTER !speech_off =menu headset-in =menu notices =menu CANCEL =take_card "
	  "!cancelled take-card =goodbye idle =welcome" },
	{ "walking away: the card is kept",
	  "card:1 =language lang =pin 1234 ENTER =menu idle !timeout_warning idle =take_card "
	  "!timed_out idle !timeout_warning idle =goodbye !card_retained idle =welcome" },
	{ "walking away: the cash is taken back",
	  "card:1 =language lang =pin 1234 ENTER =menu 2 =withdraw 1 =confirm 1 =take_card "
	  "take-card =take_cash idle !timeout_warning idle =goodbye !cash_retracted idle "
	  "=welcome" },
	{ "help, describe-key mode and the arrow keys, over a PIN half typed",
	  "card:1 =language HELP ^help ENTER ^language lang =pin 12 HELP ^help 1 4 5 "
	  "^describe_keys 7 CLEAR 2 F3 HELP NEXT BLANK CANCEL ^pin 34 ENTER =menu NEXT NEXT "
	  "PREVIOUS HELP ^help NEXT 5 ^describe_keys 1 2 ENTER ^menu NEXT ENTER =balance "
	  "CANCEL =take_card take-card =profile 2 =goodbye idle =welcome" },
	{ "large print from the card's preference: pages and the simple menu",
	  "card:2 =language lang =pin !more_next NEXT !more_next last-page:NEXT !more_last_next "
	  "25 NEXT 80 ENTER =menu !more last-page:0 !more_last 0 !more 2 "
	  "=withdraw !more_services 2 !in_more_choices 9 "
	  "=withdraw 0 !more 0 CANCEL =take_card take-card =goodbye idle =welcome" },
	{ "switching large print, its size and its colours",
	  "card:1 =language lang =pin 1234 ENTER =menu THEME !theme LARGE_PRINT !large_print_on "
	  "TEXT_SIZE !text_size THEME !theme LARGE_PRINT !large_print_off CANCEL =take_card "
	  "take-card =profile wait:1 =goodbye !profile_saved idle =welcome" },
	{ "the settings remembered, then forgotten from help",
	  "card:1 =language HELP ^help 8 !profile_forget_later CANCEL lang =pin 1234 ENTER "
	  "=menu HELP ^help 8 !profile_forgotten CANCEL =menu CANCEL =take_card take-card "
	  "=goodbye idle =welcome" },
	{ "a mini statement, line by line, printed",
	  "card:1 =language lang =pin 1234 ENTER =menu 4 =statement 3 =menu 4 =statement 1 "
	  "=statement_lines NEXT NEXT PREVIOUS REPEAT 1 !statement_printed take-receipt 2 "
	  "=menu 4 2 =statement_lines NEXT CANCEL =take_card !cancelled take-card =goodbye "
	  "idle =welcome" },
	{ "a PIN change: too short, weak, different, changed, then back",
	  "card:2 =language lang =pin 2580 ENTER =menu 5 =pin_change 12 ENTER !pin_too_short "
	  "CLEAR CLEAR 1111 ENTER =pin_change_again 1111 ENTER =pin_change !pin_weak_repeated "
	  "1234 ENTER 1234 ENTER !pin_weak_run 2580 ENTER 2580 ENTER !pin_weak_same 2468 ENTER "
	  "2469 ENTER !pin_mismatch 2468 ENTER 2468 ENTER =menu !pin_changed 5 1357 ENTER 1357 "
	  "ENTER =menu !pin_change_once CANCEL =take_card take-card =goodbye idle =welcome "
	  "card:2 =language lang =pin 2468 ENTER =menu 5 2580 ENTER 2580 ENTER =menu "
	  "!pin_changed CANCEL =take_card take-card =goodbye idle =welcome" },
	{ "a flagged customer's large withdrawal, in large print: the anti-fraud warning",
	  "card:2 =language lang =pin 2580 ENTER =menu 2 =withdraw 9 5 =fraud_warning "
	  "!fraud_wait 3 !fraud_wait ENTER !fraud_wait cooled !fraud_ready 1 =withdraw 9 5 "
	  "=fraud_warning cooled 3 =confirm 2 =withdraw 9 5 =fraud_warning 2 =staff_called 1 "
	  "=fraud_warning CANCEL =take_card take-card =goodbye idle =welcome" },
	{ "a large transfer to a new payee: the alert, then the warning",
	  "card:1 =language lang =pin 1234 ENTER =menu transfer:6000 =fraud_large 2 =menu "
	  "transfer:6000 =fraud_large 1 =fraud_warning !fraud_wait cooled 3 =menu CANCEL "
	  "=take_card take-card =goodbye idle =welcome" },
	{ "a transfer between one's own accounts, with its receipt",
	  "card:1 =language lang =pin 1234 ENTER =menu wait:3 =transfer 2 =transfer_amount "
	  "30000 ENTER !transfer_insufficient 1000 ENTER =transfer_confirm 2 =transfer_amount "
	  "1000 ENTER =transfer_confirm answered:1 =take_card !transfer_made take-card =receipt "
	  "1 =take_receipt !transfer_receipt take-receipt =goodbye idle =welcome" },
	{ "a transfer to a payee: saved ones, then a card typed",
	  "card:1 =language lang =pin 1234 ENTER =menu wait:3 =transfer 3 =transfer_payee 2 "
	  "=transfer_payee 3 =transfer 4 =transfer_card 6222 ENTER !transfer_card_short "
	  "000000000018 ENTER !transfer_card_wrong 6222000000000017 ENTER "
	  "!transfer_same_account 6222000000000066 wait:ENTER =transfer_card "
	  "!transfer_card_unknown 6222000000000033 wait:ENTER =transfer_amount 60000 ENTER "
	  "!transfer_over_limit CANCEL =take_card !cancelled take-card =goodbye idle =welcome "
	  "card:2 =language lang =pin 2580 ENTER =menu wait:3 =transfer 3 !transfer_no_payees "
	  "CANCEL =take_card take-card =goodbye idle =welcome" },
	{ "a transfer the bank never answers",
	  "card:1 =language lang =pin 1234 ENTER =menu wait:3 =transfer 1 =transfer_amount 100 "
	  "ENTER =transfer_confirm unanswered:1 =take_card !transfer_unknown take-card =goodbye "
	  "idle =welcome" },
	{ "a new card activated: the letter's PIN, then a weak PIN, two that differ, its own",
	  "card:6222000000000090 =language lang =notice !card_inactive ENTER =pin 9517 ENTER "
	  "=activate 1111 ENTER =activate_again 1111 ENTER =activate !pin_weak_repeated "
	  "3860 ENTER 3861 ENTER !pin_mismatch 3860 ENTER 3860 ENTER =menu !card_activated "
	  "CANCEL =take_card take-card =goodbye idle =welcome" },
	/* The demo bank's one card that can be cancelled is reported lost next: a fresh
	 * bank follows. */
	{ "a second card cancelled with staff, then kept when put in again",
	  "card:6222000000000108 =language lang =pin 2468 ENTER =menu staff-card:0042 "
	  "=staff_pin 8642 wait:ENTER =menu 7 =card_cancel_staff wait:1 =notice "
	  "!card_cancelled ENTER =goodbye idle =welcome card:6222000000000108 =language lang "
	  "=notice !card_cancelled_kept CANCEL =goodbye idle =welcome bank-down "
	  "=out_of_service bank-up =welcome" },
	{ "a lost card reported with another: the list, back, confirmed; then kept",
	  "card:1 =language lang =pin 1234 ENTER =menu wait:6 =card_lost 2 =card_lost 1 "
	  "=card_lost_confirm 2 =card_lost 1 =card_lost_confirm wait:1 =menu !card_lost_done "
	  "wait:6 =menu !card_lost_none CANCEL =take_card take-card =goodbye idle =welcome "
	  "card:6222000000000108 =language lang =notice !card_lost CANCEL =goodbye idle "
	  "=welcome" },
	/* Last: the demo bank is fresh for the next language's pass. */
	{ "calling staff, and staff at the kiosk: refused, assisting, locked out",
	  "card:1 =language lang =pin 1234 ENTER =menu CALL_STAFF =staff_called cooled idle "
	  "!timeout_warning 2 !more_time 1 =menu staff-card:9999 =staff_pin 1111 wait:ENTER "
	  "=menu !staff_unknown staff-card:0042 =staff_pin 1111 wait:ENTER =staff_pin "
	  "!staff_pin_wrong 8642 wait:ENTER =menu !staff_assisting HELP ^help CANCEL ^menu "
	  "staff-leave =menu staff-card:0042 =staff_pin 1111 wait:ENTER 2222 wait:ENTER 3333 "
	  "wait:ENTER =menu "
	  "!staff_locked CANCEL =take_card take-card =goodbye idle =welcome" },
	/* Last: its fresh demo bank unlocks the staff badge for the next language. */
	{ "the bank goes away, and comes back",
	  "card:1 =language lang =pin 1234 ENTER =menu bank-down =take_card !bank_unavailable "
	  "take-card =goodbye idle =out_of_service card:2 =take_card !bank_unavailable "
	  "take-card =goodbye idle =out_of_service bank-up =welcome" },
};

/* Messages no path of the kiosk shows today: they are checked on the notice screen only,
 * so their text is heard whenever a screen shows it. */
static const struct {
	enum message_id m;
	const char *why;
} notice_only[] = {
	{ MSG_SPEECH_ON, "not shown: turning speech on says the screen instead" },
	{ MSG_CONTINUE, "not used by any screen" },
	{ MSG_SCREEN_OFF, "drawn by the renderer over a blanked screen, whose model (and "
	  "speech) stays the screen's; said when BLANK turns it on (e2e_help)" },
	{ MSG_SCREEN_ON, "not shown: said when BLANK turns the screen back on" },
	{ MSG_LARGE_PRINT_FONT, "shown only when Unifont cannot be read (e2e_large_print)" },
	{ MSG_LARGE_PRINT_BADGE, "drawn big by the renderer beside the welcome screen's own "
	  "line saying the same (大字显示请按F9), which is spoken" },
};

/* The same for services' messages, whose ids are given as they register: by name. */
static const struct {
	const char *name;
	const char *why;
} notice_only_named[] = {
	{ "transfer_current", "words filled into {from} and {payee}: heard with every "
	  "transfer screen that shows them" },
	{ "transfer_savings", "words filled into {from} and {payee}: heard with every "
	  "transfer screen that shows them" },
	{ "transfer_no_savings", "the demo bank gives every customer a savings account; "
	  "a bank upgraded from schema 2 has customers without one" },
	{ "profile_not_saved", "the bank refuses a profile only for a card locked meanwhile "
	  "or on a database error" },
	{ "profile_not_forgotten", "the bank refuses to forget only for a card locked "
	  "meanwhile or on a database error" },
	{ "profile_headset", "shown only while no headset is in, where the walk's screens "
	  "are not heard; e2e_profile sees it shown and said aloud" },
	{ "statement_receipt", "printed, not shown: the screen shows statement_printed" },
	{ "statement_empty", "every account of the demo bank has its opening line" },
	{ "no_account", "every customer of the demo bank has both accounts" },
	{ "card_lost_gone", "a card listed is its customer's until the bank moves it, which "
	  "no kiosk does" },
	{ "staff_on_the_way", "at the foot of the wait screen, when CALL_STAFF is pressed "
	  "while the bank answers" },
	{ "staff_unavailable", "the bank lost between a staff badge and its PIN" },
};

#define LANGS_MAX 4
#define VISIT_MAX 64
#define SPEECH_WAIT_USEC (10 * 1000000LL)

static struct kiosk_rig rig;

/* The transcript: what the trace says of each utterance, by id. */
struct utterance {
	int started, ended;
	char *langs, *text;
};
static struct utterance *utts;
static unsigned nutts;
static int trace_rd = -1;
static struct strbuf trace_buf;

/* What was heard on the screen being checked. */
struct visit {
	struct heard h[VISIT_MAX];
	int n;
};

struct walk {
	struct kiosk *k;
	const char *lang;       /* chosen in this pass */
	const char *journey;
	char step[64];
	int notices;            /* in the notice pass */
	unsigned last_id;       /* the last utterance taken into a visit */
	struct visit visit;
	int screens;            /* screens checked */
};

/* 1 met on a real path, 2 only in the notice pass */
#define STATES_MAX 64
static int seen_state[STATES_MAX][LANGS_MAX];
static int seen_screen[SCREENS_MAX][LANGS_MAX];
static int seen_msg[MESSAGES_MAX][LANGS_MAX];

static void fail(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Its place in the registry: a row of seen_state. */
static int
state_index(const struct state_def *st)
{
	for (int i = 0; i < state_count() && i < STATES_MAX; i++)
		if (state_at(i) == st)
			return i;
	fprintf(stderr, "state %s is not in the registry, or past STATES_MAX\n", st->name);
	exit(1);
}

/* A failed check, with where the walk was. */
static void
fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "[%s] %s, step %s: ", w->lang, w->journey, w->step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

/* ---- the transcript ---------------------------------------------------------------- */

static struct utterance *
utt(unsigned id)
{
	if (id >= nutts) {
		unsigned n = id + 64;
		utts = xrealloc(utts, n * sizeof *utts);
		memset(utts + nutts, 0, (n - nutts) * sizeof *utts);
		nutts = n;
	}
	return &utts[id];
}

/* A trace value: up to the next space, or a quoted string with \" \\ \n escapes. */
static char *
trace_value(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	if (p == NULL)
		return NULL;
	p += strlen(key);
	if (*p != '"')
		return xstrndup(p, strcspn(p, " "));
	struct strbuf b = {0};
	strbuf_init(&b);
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			strbuf_addc(&b, *p == 'n' ? '\n' : *p);
		} else
			strbuf_addc(&b, *p);
	}
	return strbuf_take(&b);
}

static void
transcript_line(const char *line)
{
	const char *ev = strchr(line, ' ');
	if (ev == NULL)
		return;
	ev++;
	int start = strncmp(ev, "speech-start ", 13) == 0;
	if (!start && strncmp(ev, "speech-stop ", 12) != 0 && strncmp(ev, "speech-done ", 12) != 0)
		return;
	char *id = trace_value(ev, " id=");
	if (id == NULL)
		return;
	struct utterance *u = utt((unsigned)strtoul(id, NULL, 10));
	free(id);
	if (start) {
		free(u->langs);
		free(u->text);
		u->started = 1;
		u->langs = trace_value(ev, " lang=");
		u->text = trace_value(ev, " text=");
	} else
		u->ended = 1;
}

static void
transcript_read(void)
{
	char buf[8192];
	ssize_t n;
	while ((n = read(trace_rd, buf, sizeof buf)) > 0) {
		strbuf_addn(&trace_buf, buf, (size_t)n);
		char *nl;
		while ((nl = memchr(trace_buf.s, '\n', trace_buf.len)) != NULL) {
			*nl = '\0';
			transcript_line(trace_buf.s);
			size_t rest = trace_buf.len - (size_t)(nl + 1 - trace_buf.s);
			memmove(trace_buf.s, nl + 1, rest);
			trace_buf.len = rest;
			trace_buf.s[rest] = '\0';
		}
	}
}

/* What the event loop does with speech records. */
static void
speech_drain(struct kiosk *k)
{
	struct speech_event ev;
	while (speech_next_event(k->speech, &ev))
		if (ev.kind == SPEECH_EVENT_END)
			kiosk_speech_event(k, ev.id, ev.stopped, ev.part, ev.position);
	kiosk_present(k);
}

static void
speech_poll(struct kiosk *k, int ms)
{
	struct pollfd p = { .fd = speech_fd(k->speech), .events = POLLIN };
	if (poll(&p, 1, ms) > 0)
		speech_drain(k);
}

/* Until the trace says utterance id started: 1, or 0 when it never will. */
static int
wait_started(struct walk *w, unsigned id)
{
	int64_t until = mono_usec() + SPEECH_WAIT_USEC;
	for (;;) {
		transcript_read();
		struct utterance *u = utt(id);
		if (u->started)
			return 1;
		if (u->ended || mono_usec() > until) {
			fail(w, "utterance %u %s", id,
			    u->ended ? "ended before it started" : "never started");
			return 0;
		}
		speech_poll(w->k, 10);
	}
}

/* Lets what is being said end, as if the customer had listened to it all. */
static void
quiet(struct walk *w)
{
	struct kiosk *k = w->k;
	unsigned id = k->utterance;
	if (id == 0)
		return;
	speak_stop(k);
	int64_t until = mono_usec() + SPEECH_WAIT_USEC;
	while (k->utterance == id && mono_usec() < until)
		speech_poll(k, 50);
	if (k->utterance == id)
		fail(w, "utterance %u did not end", id);
}

/* ---- screens ----------------------------------------------------------------- */

static void
visit_clear(struct visit *v)
{
	for (int i = 0; i < v->n; i++)
		heard_free(&v->h[i]);
	v->n = 0;
}

static int
lang_index(const struct kiosk *k, const char *lang)
{
	for (int i = 0; i < k->cfg->nlanguages && i < LANGS_MAX; i++)
		if (strcmp(k->cfg->languages[i], lang) == 0)
			return i;
	return -1;
}

static void
mark_seen(struct walk *w, const struct screen *s, int too_small)
{
	struct kiosk *k = w->k;
	int mark = w->notices ? 2 : 1;
	for (int i = 0; i < s->nblocks; i++) {
		int l = lang_index(k, s->blocks[i].text.lang);
		if (l < 0)
			continue;
		int st = state_index(k->state);
		if (!too_small && !seen_state[st][l])
			seen_state[st][l] = 1;
		if (!too_small && screen_from_str(s->name) != SCREEN_NONE)
			seen_screen[screen_from_str(s->name)][l] = 1;
		/* Describe-key mode shows the key's text as its message. */
		if (s->blocks[i].part != SCREEN_MESSAGE || k->overlay == OVERLAY_DESCRIBE)
			continue;
		enum message_id m = silent_message_of(k, s->blocks[i].text.lang,
		    s->blocks[i].text.show);
		if (m == MSG_NONE)
			fail(w, "a message the layouts do not have: %s", s->blocks[i].text.show);
		else if (seen_msg[m][l] == 0 || seen_msg[m][l] > mark)
			seen_msg[m][l] = mark;
	}
	/* The warning, large print's page line and its "more choices" item are messages. */
	const struct screen_text *also[SCREEN_MAX_ITEMS + 2];
	int nalso = 0;
	also[nalso++] = &s->warning;
	also[nalso++] = &s->more;
	for (int i = 0; i < s->nitems; i++)
		also[nalso++] = &s->items[i].label;
	for (int i = 0; i < nalso; i++) {
		if (also[i]->show == NULL)
			continue;
		int l = lang_index(k, also[i]->lang);
		enum message_id m = silent_message_of(k, also[i]->lang, also[i]->show);
		if (l >= 0 && m != MSG_NONE && (seen_msg[m][l] == 0 || seen_msg[m][l] > mark))
			seen_msg[m][l] = mark;
	}
}

/* The screen as drawn: the state's, or the one shown instead while the terminal is too
 * small (freed with screen_free). */
static const struct screen *
drawn_screen(struct kiosk *k, struct screen *small)
{
	if (!k->drawn.too_small)
		return &k->screen;
	view_build_too_small(k, small);
	return small;
}

/* The screen as drawn against what was heard on it. */
static void
check_screen(struct walk *w)
{
	struct kiosk *k = w->k;
	struct screen small = {0};
	const struct screen *s = drawn_screen(k, &small);
	struct strbuf report = {0};

	strbuf_init(&report);
	w->screens++;
	if (!k->speech_on && k->headset)
		strbuf_add(&report, "    speech is off with a headset in\n");
	/* Nothing cut off at 80x24 either: every text fits the rows of normal print. */
	if (k->drawn.cut_off && !k->large)
		strbuf_add(&report, "    normal print cut the screen off at the bottom\n");
	if (silent_check_screen(k, s, w->visit.h, w->visit.n, &report) > 0 || report.len > 0) {
		fprintf(stderr, "[%s] %s, step %s: screen %s (%s) in state %s is not heard as "
		    "shown:\n%s", w->lang, w->journey, w->step, s->name,
		    s->lang[0] ? s->lang : "all", k->state->name, report.s);
		for (int i = 0; i < w->visit.n; i++)
			fprintf(stderr, "    heard id=%u lang=%s: \"%s\"\n", w->visit.h[i].id,
			    w->visit.h[i].langs, w->visit.h[i].text);
		failures++;
	}
	mark_seen(w, s, k->drawn.too_small);
	screen_free(&small);
	strbuf_free(&report);
}

/* The parts the kiosk passed are what the engine started saying. */
static void
check_trace_matches(struct walk *w, const struct heard *h)
{
	struct strbuf langs = {0}, text = {0};
	strbuf_init(&langs);
	strbuf_init(&text);
	for (int i = 0; i < h->nparts; i++) {
		if (i > 0) {
			strbuf_addc(&langs, ',');
			strbuf_addc(&text, ' ');
		}
		strbuf_add(&langs, h->parts[i].lang);
		strbuf_add(&text, h->parts[i].text);
	}
	if (strcmp(langs.s, h->langs) != 0 || strcmp(text.s, h->text) != 0)
		fail(w, "utterance %u: the kiosk said lang=%s \"%s\", the trace has lang=%s "
		    "\"%s\"", h->id, langs.s, text.s, h->langs, h->text);
	strbuf_free(&langs);
	strbuf_free(&text);
}

/*
 * After each step: takes what the kiosk started saying into the screen's visit (its own
 * speech starts a new visit, anything else adds to it), waits until it is heard and checks
 * the screen. need_screen: the step must have made the kiosk say the screen (a new state,
 * a headset plugged in).
 */
static void
settle(struct walk *w, int need_screen)
{
	struct kiosk *k = w->k;
	unsigned id = k->utterance;
	int screen = 0;
	if (id != 0 && id > w->last_id) {
		struct heard h = { .id = id, .screen = k->said_id == id, .headset = k->headset };
		screen = h.screen;
		w->last_id = id;
		if (h.screen)
			for (int i = 0; i < k->nsaid; i++)
				heard_add_part(&h, k->said[i].lang, k->said[i].text,
				    strlen(k->said[i].text));
		if (wait_started(w, id)) {
			struct utterance *u = utt(id);
			h.langs = xstrdup(u->langs);
			h.text = xstrdup(u->text);
			if (h.nparts == 0)
				heard_parts_from_trace(&h);
			else
				check_trace_matches(w, &h);
			if (h.screen)
				visit_clear(&w->visit);
			if (w->visit.n < VISIT_MAX)
				w->visit.h[w->visit.n++] = h;
			else
				heard_free(&h);
		} else
			heard_free(&h);
	}
	if (need_screen && !screen)
		fail(w, "the kiosk did not say the %s screen", k->state->name);
	check_screen(w);
}

/* ---- the walk ------------------------------------------------------------------- */

/* Lets the bank answer everything asked so far. */
static void
pump(struct walk *w)
{
	struct kiosk *k = w->k;
	while (bank_busy(k->bank)) {
		struct pollfd p = { .fd = bank_fd(k->bank), .events = POLLIN };
		if (p.fd < 0 || poll(&p, 1, 5000) <= 0) {
			fail(w, "the bank did not answer");
			return;
		}
		bank_readable(k->bank);
	}
	/* As the event loop does once a turn. */
	kiosk_present(k);
}

static int
screen_shows(struct walk *w, enum message_id m)
{
	struct screen small = {0};
	const struct screen *s = drawn_screen(w->k, &small);
	int found = 0;
	for (int i = 0; i < s->nblocks; i++)
		found |= s->blocks[i].part == SCREEN_MESSAGE &&
		    silent_message_of(w->k, s->blocks[i].text.lang, s->blocks[i].text.show) == m;
	found |= s->warning.show != NULL &&
	    silent_message_of(w->k, s->warning.lang, s->warning.show) == m;
	found |= s->more.show != NULL &&
	    silent_message_of(w->k, s->more.lang, s->more.show) == m;
	for (int i = 0; i < s->nitems; i++)
		found |= silent_message_of(w->k, s->items[i].label.lang,
		    s->items[i].label.show) == m;
	screen_free(&small);
	return found;
}

static void
expect(struct walk *w, int ok, const char *what)
{
	if (ok)
		return;
	fail(w, "expected %s, but the kiosk is in %s showing \"%s\"", what,
	    w->k->state->name, w->k->screen.nblocks ? w->k->screen.blocks[0].text.show : "");
}

/* The key of the language screen's choice for the language of this pass. */
static enum key_fn
language_key_of(struct walk *w)
{
	const struct lscreen *ls = layout_screen_id(&w->k->setup->layouts, SCREEN_LANGUAGE);
	for (int i = 0; ls != NULL && i < ls->nitems; i++)
		if (ls->items[i].kind == LITEM_CHOICE && strcmp(ls->items[i].target, w->lang) == 0)
			return keyfn_from_str(ls->items[i].key);
	return KEYFN_NONE;
}

/* Every message on the notice screen, in the language of the screen it is called from
 * (a session with a card in, so every value is filled), back to that screen after each. */
static void
notices(struct walk *w)
{
	struct kiosk *k = w->k;
	const struct state_def *back = k->state;
	for (int m = 0; m < message_count(); m++) {
		if (layout_message_id(&k->setup->layouts, (enum message_id)m) == NULL)
			continue;
		snprintf(w->step, sizeof w->step, "notice:%s", message_to_str((enum message_id)m));
		w->notices = 1;
		kiosk_notice(k, (enum message_id)m, back);
		pump(w);
		settle(w, 1);
		expect(w, screen_shows(w, (enum message_id)m), "the message shown");
		w->notices = 0;
		state_key(k, KEYFN_ENTER);
		pump(w);
		settle(w, 1);
		expect(w, k->state == back, "the screen the notices were called from");
	}
}

static void
bank_down(struct walk *w)
{
	struct kiosk *k = w->k;
	rig_stop_bank(&rig);
	struct pollfd p = { .fd = bank_fd(k->bank), .events = POLLIN };
	if (p.fd >= 0 && poll(&p, 1, 5000) > 0)
		bank_readable(k->bank);
	expect(w, !bank_is_up(k->bank), "the bank link down");
}

static void
bank_up(struct walk *w)
{
	struct kiosk *k = w->k;
	rig_start_bank(&rig);
	for (int i = 0; i < 20 && !bank_is_up(k->bank); i++) {
		int64_t at = bank_deadline(k->bank), now = mono_usec();
		bank_tick(k->bank, at > now ? at : now);
	}
	expect(w, bank_is_up(k->bank), "the bank link up");
	pump(w);
}

static void
to_menu(struct kiosk *k)
{
	state_enter(k, state_by_name("menu"));
}

static void
step(struct walk *w, const char *tok)
{
	struct kiosk *k = w->k;
	const struct state_def *before = k->state;
	int need_screen = 0;

	snprintf(w->step, sizeof w->step, "%s", tok);
	if (tok[0] == '=') {
		expect(w, strcmp(k->state->name, tok + 1) == 0, tok);
		return;
	}
	if (tok[0] == '^') {
		expect(w, strcmp(k->screen.name, tok + 1) == 0, tok);
		return;
	}
	if (tok[0] == '!') {
		enum message_id m = message_from_str(tok + 1);
		expect(w, m != MSG_NONE && screen_shows(w, m), tok);
		return;
	}
	if (isdigit((unsigned char)tok[0]) && tok[1] != '\0') {
		for (const char *p = tok; *p; p++) {
			char one[2] = { *p, '\0' };
			step(w, one);
		}
		return;
	}
	if (strcmp(tok, "notices") == 0) {
		notices(w);
		return;
	}
	if (strncmp(tok, "last-page:", 10) == 0) {
		for (int n = 0; n < 64 && k->lp_page < k->lp_pages - 1; n++)
			step(w, tok + 10);
		expect(w, k->lp_pages > 1 && k->lp_page == k->lp_pages - 1, tok);
		return;
	}
	if (strncmp(tok, "card:", 5) == 0) {
		char pan[32];
		static const char *const demo_pans[] = { "6222000000000017",
		    "6222000000000025", "6222000000000033", "6222000000000041",
		    "6222000000000058" };
		if (strlen(tok + 5) == 1 && tok[5] >= '1' && tok[5] <= '5')
			snprintf(pan, sizeof pan, "%s", demo_pans[tok[5] - '1']);
		else
			snprintf(pan, sizeof pan, "%s", tok + 5);
		state_device(k, DEV_CARD_INSERT, pan);
	} else if (strcmp(tok, "take-card") == 0) {
		state_device(k, DEV_CARD_TAKE, "");
	} else if (strcmp(tok, "take-cash") == 0) {
		state_device(k, DEV_CASH_TAKE, "");
	} else if (strcmp(tok, "take-receipt") == 0) {
		state_device(k, DEV_RECEIPT_TAKE, "");
	} else if (strcmp(tok, "headset-out") == 0) {
		state_device(k, DEV_HEADSET_OUT, "");
	} else if (strncmp(tok, "staff-card:", 11) == 0) {
		state_device(k, DEV_STAFF_CARD, tok + 11);
	} else if (strcmp(tok, "staff-leave") == 0) {
		state_device(k, DEV_STAFF_LEAVE, "");
	} else if (strcmp(tok, "headset-in") == 0) {
		state_device(k, DEV_HEADSET_IN, "");
		need_screen = 1; /* plugging in says the screen */
	} else if (strncmp(tok, "resize:", 7) == 0) {
		int cols = 0, rows = 0;
		if (sscanf(tok + 7, "%dx%d", &cols, &rows) != 2) {
			fail(w, "a bad step");
			return;
		}
		resizeterm(rows, cols);
		kiosk_dirty(k, PRESENT_RESIZED);
		need_screen = 1; /* the screen changed: speech follows */
	} else if (strcmp(tok, "quiet") == 0) {
		quiet(w);
	} else if (strcmp(tok, "idle") == 0) {
		quiet(w);
		int64_t at = state_next_deadline(k);
		expect(w, at != 0, "an idle timer running");
		if (at != 0)
			state_tick(k, at);
	} else if (strcmp(tok, "cooled") == 0) {
		for (int n = 0; n < 600 && k->state->clock != NULL && k->state->clock(k) != 0;
		    n++) {
			quiet(w);
			state_tick(k, k->state->clock(k));
			kiosk_present(k);
		}
		expect(w, k->state->clock != NULL && k->state->clock(k) == 0, tok);
	} else if (strncmp(tok, "transfer:", 9) == 0) {
		struct fraud_ask a = { .new_payee = 1, .amount_fen = atoll(tok + 9) * 100 };
		fraud_enter(k, &a, to_menu, to_menu);
	} else if (strcmp(tok, "bank-down") == 0) {
		bank_down(w);
	} else if (strcmp(tok, "bank-up") == 0) {
		bank_up(w);
	} else if (strncmp(tok, "answered:", 9) == 0 || strncmp(tok, "unanswered:", 11) == 0) {
		/* A money request's own wait screen is said at once, then the answer is read,
		 * or its deadline passes first. */
		state_key(k, keyfn_from_str(strchr(tok, ':') + 1));
		kiosk_present(k);
		settle(w, 1);
		before = k->state;
		if (tok[0] == 'u')
			bank_tick(k->bank, bank_deadline(k->bank));
	} else if (strcmp(tok, "lang") == 0) {
		state_key(k, language_key_of(w));
	} else if (strncmp(tok, "wait:", 5) == 0) {
		/* The bank's answer waits in the socket while the wait screen speaks. */
		state_key(k, keyfn_from_str(tok + 5));
		kiosk_present(k);
		expect(w, strcmp(k->state->name, "wait") == 0 && k->speak_at != 0, "the wait screen");
		if (k->speak_at != 0)
			state_tick(k, k->speak_at);
		kiosk_present(k);
		settle(w, 1);
		before = k->state;
	} else {
		enum key_fn fn = keyfn_from_str(tok);
		if (fn == KEYFN_NONE) {
			fail(w, "an unknown step");
			return;
		}
		state_key(k, fn);
	}
	pump(w);
	/* A new state is said at once; only the wait screen waits a moment first. */
	settle(w, need_screen || (k->state != before && strcmp(k->state->name, "wait") != 0));
}

static void
run(struct walk *w, const struct journey *j)
{
	char *script = xstrdup(j->script), *save = NULL;
	w->journey = j->name;
	for (char *tok = strtok_r(script, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		step(w, tok);
	free(script);
}

/* Messages that are words of other texts (a statement's title and lines), checked there
 * and on the notice screen; shown alone on no path, but their words may be an item's. */
static const char *const message_parts[] = { "account_current", "account_savings",
	"entry_withdrawal", "entry_transfer_out", "entry_transfer_in", "entry_deposit",
	"entry_other", "statement_line", NULL };

static int
notice_only_why(enum message_id m, const char **why)
{
	for (size_t i = 0; i < ARRAY_LEN(notice_only); i++)
		if (notice_only[i].m == m) {
			*why = notice_only[i].why;
			return 1;
		}
	for (size_t i = 0; i < ARRAY_LEN(notice_only_named); i++)
		if (strcmp(notice_only_named[i].name, message_to_str(m)) == 0) {
			*why = notice_only_named[i].why;
			return 1;
		}
	return 0;
}

/* Every state and every message, in every language. */
static void
check_coverage(const struct kiosk *k, int screens)
{
	int nl = k->cfg->nlanguages < LANGS_MAX ? k->cfg->nlanguages : LANGS_MAX;
	int states = 0, real = 0, noticed = 0;
	for (int s = 0; s < state_count(); s++)
		for (int l = 0; l < nl; l++) {
			if (seen_state[s][l]) {
				states++;
				continue;
			}
			fprintf(stderr, "state %s was never met in %s: add a journey that reaches it\n",
			    state_at(s)->name, k->cfg->languages[l]);
			failures++;
		}
	for (int sc = 0; sc < screen_count(); sc++)
		for (int l = 0; l < nl; l++)
			if (!seen_screen[sc][l]) {
				fprintf(stderr, "screen %s was never shown in %s: add a journey that "
				    "shows it\n", screen_to_str((enum screen_id)sc),
				    k->cfg->languages[l]);
				failures++;
			}
	for (int m = 0; m < message_count(); m++)
		for (int l = 0; l < nl; l++) {
			const char *why = NULL, *name = message_to_str((enum message_id)m);
			int listed = notice_only_why((enum message_id)m, &why);
			if (seen_msg[m][l] && str_in_list(name, message_parts)) {
				seen_msg[m][l] == 1 ? real++ : noticed++;
				continue;
			}
			if (seen_msg[m][l] == 1) {
				real++;
				if (listed) {
					fprintf(stderr, "message %s is shown on a real path now: take it "
					    "off notice_only\n", name);
					failures++;
				}
			} else if (seen_msg[m][l] == 2) {
				noticed++;
				if (!listed) {
					fprintf(stderr, "message %s (%s) was only met on the notice screen: "
					    "add a journey that shows it, or list it in notice_only with "
					    "the reason\n", name, k->cfg->languages[l]);
					failures++;
				}
			} else {
				fprintf(stderr, "message %s was never shown in %s\n", name,
				    k->cfg->languages[l]);
				failures++;
			}
		}
	printf("nothing silent: %d screens checked; %d states x %d languages met (%d of %d); "
	    "%d messages x %d languages: %d on a real path, %d on the notice screen only\n",
	    screens, state_count(), nl, states, state_count() * nl, message_count(), nl, real, noticed);
}

static struct speech *
speech_setup(const struct kiosk_config *cfg)
{
	struct speech_voice voices[LANGS_MAX];
	int n = 0;
	char err[256];
	for (int i = 0; i < cfg->nspeech && n < LANGS_MAX; i++, n++)
		voices[n] = (struct speech_voice){ cfg->speech[i].lang, cfg->speech[i].voice,
			cfg->speech[i].rate, cfg->speech[i].volume };
	struct speech_options so = { .audio = "none", .voices = voices, .nvoices = n };
	struct speech *sp = speech_start(&so, err, sizeof err);
	if (sp == NULL)
		fprintf(stderr, "speech: %s\n", err);
	return sp;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_silent KIOSK-BANKD SOURCE-DIR\n");
		return 2;
	}
	if (rig_open(&rig, "silent", argv[1], argv[2]) != 0)
		return 1;
	struct kiosk *k = &rig.k;
	struct walk w = { .k = k, .journey = "start" };
	char *tracepath = rig_path(&rig, "trace");
	if (trace_open(tracepath) < 0 || (trace_rd = open(tracepath, O_RDONLY)) < 0) {
		fprintf(stderr, "cannot open the trace %s\n", tracepath);
		return 1;
	}
	free(tracepath);
	strbuf_init(&trace_buf);
	rig_start_bank(&rig);
	k->speech = speech_setup(k->cfg);
	if (k->speech == NULL)
		return 1;
	/* Large print's fonts, as the kiosk opens them: its pages are part of the model. */
	struct lp_fonts fonts = {0};
	struct diag_list fd = {0};
	CHECK(lp_fonts_default(&fonts, k->cfg->lp_font, &fd) == 0);
	diag_free(&fd);
	k->fonts = &fonts;
	k->bank = bank_new(k);
	session_reset(k);
	bank_connect(k->bank);
	state_enter(k, state_by_name("welcome"));
	kiosk_present(k);

	/* The headset goes in at the welcome screen and stays in. */
	w.lang = k->cfg->default_language;
	step(&w, "headset-in");
	for (int l = 0; l < k->cfg->nlanguages && l < LANGS_MAX; l++) {
		w.lang = k->cfg->languages[l];
		for (size_t j = 0; j < ARRAY_LEN(journeys); j++)
			run(&w, &journeys[j]);
	}
	check_coverage(k, w.screens);

	visit_clear(&w.visit);
	speech_shutdown(k->speech);
	k->speech = NULL;
	bank_free(k->bank);
	kiosk_journal_close(k);
	session_reset(k);
	screen_free(&k->screen);
	speak_forget(k);
	lp_fonts_close(&fonts);
	trace_close();
	close(trace_rd);
	strbuf_free(&trace_buf);
	for (unsigned i = 0; i < nutts; i++) {
		free(utts[i].langs);
		free(utts[i].text);
	}
	free(utts);
	rig_close(&rig, failures);
	if (failures)
		return 1;
	printf("nothing silent: all checks passed\n");
	return 0;
}
