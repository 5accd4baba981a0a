/*
 * Where the ledger keeps its rows: one op table per database (ledger_sqlite.c,
 * ledger_pg.c). The money rules (ledger.c) and the demo bank (db.c) call only these
 * ops, so a backend holds SQL and nothing that decides about money. Only the backends
 * include their database's header.
 */
#ifndef BANKD_LEDGER_BACKEND_H
#define BANKD_LEDGER_BACKEND_H

#include "bankd.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct card_row {
	int64_t account_id;
	int64_t balance_fen;
	char status[16];
	int tries_left;
	char lang[KPROTO_LANG_MAX + 1];
	int large_print;
	int speech;
	char holder[KPROTO_HOLDER_MAX + 1];
	char currency[KPROTO_CURRENCY_MAX + 1];
	int fraud_protect;                    /* the bank protects its customer from scams */
	int64_t transfer_limit_fen;           /* to payees per calendar day */
	int64_t large_threshold_fen;          /* alert above; 0 none set */
	/* Remembered settings (card_profiles): volume 0 when the card has none. */
	int volume, rate, text_size;
	char theme[KPROTO_THEME_MAX + 1];
};

/* A TRANSFER as asked and as answered, kept under its txid. */
struct transfer_row {
	char pan[KPROTO_PAN_MAX + 1];
	int64_t amount_fen;
	int from_kind;                        /* enum kproto_account_kind */
	int to_kind;                          /* an own account's kind, or -1 */
	char to_pan[KPROTO_PAN_MAX + 1];      /* a payee's card, or "" */
	int status;                           /* enum kproto_transfer_status */
	int64_t available_after_fen;
	int64_t created;
	char kiosk_id[KPROTO_ID_MAX + 1];
};

struct hold_row {
	char pan[KPROTO_PAN_MAX + 1];
	int64_t amount_fen;
	char state[16];
	int has_kiosk;                        /* NULL in holds from schema version 1 */
	char kiosk_id[KPROTO_ID_MAX + 1];
};

/* An account of the customer a card belongs to. */
struct account_row {
	int64_t id;
	char kind[16];                        /* "current" or "savings" */
	int64_t balance_fen;
	char currency[KPROTO_CURRENCY_MAX + 1];
};

/* A card of the demo bank, with its customer and the customer's two accounts. */
struct demo_card {
	const char *pan;
	const char *pin;
	const char *holder;
	int64_t balance_fen;                  /* the current account, the card's own */
	int64_t savings_fen;
	int fraud_protect;
	const char *status;
	int tries_left;
	const char *lang;
	int large_print;
	int speech;
	int64_t large_threshold_fen;          /* 0 none */
	const char *owner_pan;                /* another card of the same account, or NULL */
	int awaiting;                         /* awaits activation with pin */
};

/* Another card of a card's customer. */
struct card_brief {
	char pan[KPROTO_PAN_MAX + 1];
	char status[16];
};

/* A row of an account's ledger. kind: 'opening', 'withdrawal', 'deposit',
 * 'transfer_out', 'transfer_in', or another word the statement calls "other". */
struct entry_row {
	char kind[16];
	int64_t amount_fen;                   /* negative for money out */
	int64_t balance_after_fen;
	int64_t at;                           /* unix seconds */
};

/*
 * Unless said otherwise an op returns 0, or -1 after logging what the database said.
 * Lookups return 1 found, 0 not found, -1 error. Row ops run inside begin..commit;
 * lock asks for the row to stay locked until then (SELECT ... FOR UPDATE), so that two
 * adapters on one database judge a card one after the other. Warning: commit must
 * return 0 only when the database said the transaction committed.
 */
struct db_ops {
	const char *name;
	/* Connects and checks: usable, writable, schema at BANKD_SCHEMA_VERSION. */
	int (*open)(struct db *db, const char *spec, char *err, size_t errlen);
	/* Replaces whatever bank is there by an empty one at the current schema version,
	 * inside a transaction left open for the demo rows. */
	int (*create)(struct db *db, const char *spec, char *err, size_t errlen);
	/* Creates the schema, or upgrades it to the current version. */
	int (*migrate)(struct db *db, const char *spec, char *err, size_t errlen);
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, char *err, size_t errlen);
	int (*query_int)(struct db *db, const char *sql, int64_t *out);
	int (*schema_version)(struct db *db, int *out);

	int (*begin)(struct db *db);
	int (*commit)(struct db *db);
	void (*rollback)(struct db *db);

	int (*card_load)(struct db *db, const char *pan, int lock, struct card_row *r);
	/* The accounts of the card's customer, its own (current) first; how many (at most
	 * max), or -1. A card of no customer has its own account alone. */
	int (*card_accounts)(struct db *db, const char *pan, struct account_row *out,
	    int max);
	/* The card's saved payees in their order, with their holders; how many, or -1. */
	int (*card_payees)(struct db *db, const char *pan, struct ledger_payee *out,
	    int max);
	int (*card_pin_hash)(struct db *db, const char *pan, char *hash, size_t hashsz);
	int (*card_set_tries)(struct db *db, const char *pan, int tries);
	/* Sum of the holds still open on every card of the account. */
	int (*account_held)(struct db *db, int64_t account_id, int64_t *out);
	/* Sum of pan's holds held or completed, created in [from, to). */
	int (*card_withdrawn)(struct db *db, const char *pan, int64_t from, int64_t to,
	    int64_t *out);
	int (*hold_load)(struct db *db, const char *txhex, int lock, struct hold_row *h);
	int (*hold_insert)(struct db *db, const char *txhex, const char *pan,
	    int64_t amount_fen, int64_t created, const char *kiosk_id);
	/* Moves a 'held' hold to state; -1 if no held row moved. */
	int (*hold_set_state)(struct db *db, const char *txhex, const char *state,
	    int64_t settled);
	/* Debits the account and writes its ledger row (kind 'withdrawal'). */
	int (*account_debit)(struct db *db, int64_t account_id, const char *txhex,
	    int64_t amount_fen, int64_t balance_after_fen, int64_t at);
	/* The recorded transfer with this txid. */
	int (*transfer_load)(struct db *db, const char *txhex, struct transfer_row *t);
	int (*transfer_insert)(struct db *db, const char *txhex, const struct transfer_row *t);
	/* Sum of pan's approved transfers to payees created in [from, to). */
	int (*card_transferred)(struct db *db, const char *pan, int64_t from, int64_t to,
	    int64_t *out);
	/* 1 if pan has an approved transfer to payee_pan, 0 if not, -1. */
	int (*card_paid)(struct db *db, const char *pan, const char *payee_pan);
	/* Locks pan's card row, then accounts a and b in the order of their ids, so that
	 * two transfers between the same accounts never wait on each other in a circle. */
	int (*transfer_lock)(struct db *db, const char *pan, int64_t a, int64_t b);
	/* Both legs: debits from, credits to, and writes a ledger row each (kinds
	 * 'transfer_out' and 'transfer_in', with the balance after). */
	int (*account_transfer)(struct db *db, int64_t from, int64_t to, const char *txhex,
	    int64_t amount_fen, int64_t at);
	/* Calls fn once per kiosk with open holds; kiosk_id NULL for holds of none. */
	int (*open_holds)(struct db *db, void (*fn)(void *arg, const char *kiosk_id,
	    int64_t n, int64_t fen), void *arg);
	/* Inserts a demo customer, its accounts with their opening ledger rows, its card. */
	int (*demo_add)(struct db *db, const struct demo_card *c, const char *pin_hash,
	    int64_t at);
	/* Saves payee_pan as pan's payee, listed at position. */
	int (*demo_payee)(struct db *db, const char *pan, const char *payee_pan, int position);
	/* Staff: a badge's PIN hash and tries left (0: locked), locked for update with lock;
	 * 1 found, 0 none, -1 error. Its tries, a demo staff member, a call recorded. */
	int (*staff_load)(struct db *db, const char *id, int lock, int *tries_left,
	    char *hash, size_t hashsz);
	int (*staff_set_tries)(struct db *db, const char *id, int tries);
	int (*staff_add)(struct db *db, const char *id, const char *pin_hash);
	int (*staff_call_add)(struct db *db, const char *kiosk_id, const char *reason,
	    int64_t at);

	/* The last max ledger rows of the account, newest first (by date, then the row
	 * written last first); how many, or -1. */
	int (*account_entries)(struct db *db, int64_t account_id, struct entry_row *out,
	    int max);
	/* Sets pan's PIN hash to new_hash where it still is old_hash: 1 set, 0 it was
	 * not old_hash any more, -1 error. */
	int (*card_set_pin_hash)(struct db *db, const char *pan, const char *old_hash,
	    const char *new_hash);
	/* Remembers p's settings for pan, or with p NULL forgets every preference. */
	int (*card_set_profile)(struct db *db, const char *pan,
	    const struct kproto_profile *p);
	/* 1 if pan awaits activation, 0 if not, -1. */
	int (*card_awaiting)(struct db *db, const char *pan);
	/* pan no longer awaits activation: 1 it did, 0 it did not, -1. */
	int (*card_activated)(struct db *db, const char *pan);
	/* The other cards of pan's customer (of its account, or of its customer's
	 * accounts), by number; how many (at most max), or -1. */
	int (*card_siblings)(struct db *db, const char *pan, struct card_brief *out,
	    int max);
	/* Marks lost_pan lost and records that it was reported with pan at kiosk_id. */
	int (*card_mark_lost)(struct db *db, const char *lost_pan, const char *pan,
	    const char *kiosk_id, int64_t at);
	/* pan active again with its full tries once a member of staff gave it a new PIN,
	 * and the reset (kind 'unlock' or 'reset') recorded. */
	int (*card_pin_reset)(struct db *db, const char *pan, const char *kiosk_id,
	    const char *staff_id, const char *kind, int64_t at);
	/* pan cancelled, and the cancellation recorded. */
	int (*card_cancel)(struct db *db, const char *pan, const char *kiosk_id,
	    const char *staff_id, int64_t at);
	/* Replaces the ledger rows of the account by the n rows of the demo's history. */
	int (*demo_entries)(struct db *db, int64_t account_id, const struct entry_row *rows,
	    int n);
};

struct db {
	const struct db_ops *ops;
	void *priv;
	char name[256];                       /* for messages: the file, or host/dbname */
};

/* ledger.c, for ledger_transfer.c: the ledger's clock and calendar day. */
time_t ledger_clock(void);
/* Today's calendar day (local time) as [*from, *to) in unix seconds. */
void ledger_today(int64_t *from, int64_t *to);
/* 1 if the card's row lets it be used: active, with tries left. */
int ledger_card_may_try(const struct card_row *r);
/* 1 if CARD_INFO calls the card locked: neither lost nor cancelled, and no try left
 * (an 'active' row with none only comes from a hand edit). Staff may unlock it. */
int ledger_card_locked(const struct card_row *r);
/* Inside a transaction: pan's accounts, its own first, with what is available on
 * each; how many, or -1. */
int ledger_accounts_read(struct db *db, const char *pan,
    struct ledger_account out[LEDGER_ACCOUNTS_MAX]);

extern const struct db_ops ledger_sqlite_ops;
extern const struct db_ops ledger_pg_ops;

#endif
