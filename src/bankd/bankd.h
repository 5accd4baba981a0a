/*
 * kiosk-bankd: the reference core-banking adapter. It answers the kiosk's signed
 * requests from a bank database: a SQLite file, or PostgreSQL for a fleet. Internals
 * shared by its files and unit tests.
 */
#ifndef BANKD_BANKD_H
#define BANKD_BANKD_H

#include "kiosk/proto.h"

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BANKD_ADAPTER_ID "kiosk-bankd"
#define BANKD_CURRENCY "CNY"
#define BANKD_NOTE_FEN 10000          /* ¥100 notes */
#define BANKD_DAILY_LIMIT_FEN 500000  /* ¥5,000 per card per calendar day */
#define BANKD_PIN_TRIES 3
#define BANKD_TRANSFER_LIMIT_FEN 5000000 /* ¥50,000 to payees per card per day, unless set */
#define BANKD_SCHEMA_VERSION 8       /* 2: holds.kiosk_id; 3: customers, savings, payees;
				      * 4: transfers, cards' transfer limit and threshold;
				      * 5: staff, staff_calls; 6: card_profiles;
				      * 7: card activations and losses; 8: PIN resets and
				      * unlocks, cancellations, the 'cancelled' card */

/* ---- db.c: the bank database -------------------------------------------------- */

/* An open bank database; its backend (ledger_backend.h) is chosen by the spec. */
struct db;

/*
 * spec names the bank: "postgresql://..." or "postgres://..." (a libpq URI) or a libpq
 * conninfo ("host=/run/pg dbname=bank", anything with a '=') for PostgreSQL, otherwise
 * the path of a SQLite file. 1 for PostgreSQL, 0 for SQLite.
 */
int db_spec_is_pg(const char *spec);
/*
 * Opens an existing bank read-write and checks it is usable: refuses with a clear err
 * a missing, read-only, locked, corrupt or foreign bank, an unreachable server, a
 * refused login, or a schema version this program does not know (an older PostgreSQL
 * schema wants --migrate; an older SQLite file is upgraded). Logs the holds still open
 * per kiosk: they stay held until the kiosk that made them settles them (SETTLE).
 */
int db_open(const char *spec, struct db **dbp, char *err, size_t errlen);
/* As db_open, for one more connection to a bank already opened: logs nothing. */
int db_connect(const char *spec, struct db **dbp, char *err, size_t errlen);
/* Replaces the bank at spec (file, or the tables in the database) by the demo bank. */
int db_init_demo(const char *spec, char *err, size_t errlen);
/* Creates the schema where there is none, or upgrades it to BANKD_SCHEMA_VERSION. */
int db_migrate(const char *spec, char *err, size_t errlen);
void db_close(struct db *db);
/* The file, or the PostgreSQL database and host (never a password), for logs. */
const char *db_name(const struct db *db);
/* Runs every statement of sql (no parameters); 0 or -1 with err. */
int db_exec(struct db *db, const char *sql, char *err, size_t errlen);
/* One integer from a one-row query (for tests and checks); 0 or -1. */
int db_query_int(struct db *db, const char *sql, int64_t *out);
/* The schema version stored in the bank; -1 if it cannot be read. */
int db_schema_version(struct db *db);

/* ---- ledger.c: money operations, each in one transaction --------------------------- */

enum ledger_status {
	LEDGER_OK = 0,
	LEDGER_REPEAT,       /* txid already in this state: nothing changed */
	LEDGER_UNKNOWN_TX,   /* no hold with this txid for this card */
	LEDGER_CONFLICT,     /* txid exists with another card/amount or in another state */
	LEDGER_ERROR,        /* the database failed (nothing changed); logged */
	LEDGER_UNKNOWN_PAYEE, /* the number fails Luhn or is no card of the bank */
	LEDGER_MONEY_LEFT,   /* a card not cancelled: money only it reaches */
};
const char *ledger_status_to_str(enum ledger_status s);

/* The clock the ledger dates holds and ledger rows with; tests replace it. */
void ledger_set_clock(time_t (*now)(void));

/* CARD_INFO for pan; KPROTO_CARD_UNKNOWN if there is no such card. */
enum ledger_status ledger_card_open(struct db *db, const char *pan,
    struct kproto_card_info *out);
/*
 * A PIN check in two steps, so that the slow hash can run off the event loop:
 * ledger_pin_hash gives the stored hash of a card that may still try (*checkable 1),
 * or fills out with LOCKED (*checkable 0); ledger_pin_record counts the try once the
 * PIN was compared (match), resetting the tries or locking the card at zero.
 */
enum ledger_status ledger_pin_hash(struct db *db, const char *pan, char *hash,
    size_t hashsz, int *checkable, struct kproto_pin_result *out);
enum ledger_status ledger_pin_record(struct db *db, const char *pan, int match,
    struct kproto_pin_result *out);
/* Both steps at once: checks pin against the stored hash, counts tries. */
enum ledger_status ledger_pin_verify(struct db *db, const char *pan, const char *pin,
    struct kproto_pin_result *out);
enum ledger_status ledger_balance(struct db *db, const char *pan,
    struct kproto_balance_info *out);
/* What the card may still withdraw today (completed and held withdrawals count). */
enum ledger_status ledger_daily_remaining(struct db *db, const char *pan, int64_t *out);
/*
 * Holds amount for txid if allowed, recording the kiosk that asked; out->status says
 * why not. Repeating an approved txid with the same kiosk, card and amount returns the
 * same approval (LEDGER_REPEAT) and holds nothing more.
 */
enum ledger_status ledger_withdraw_auth(struct db *db, const char *kiosk_id,
    const char *pan, const unsigned char txid[KPROTO_TXID_LEN], int64_t amount_fen,
    struct kproto_withdraw_result *out);
/* Turns the hold into a debit; LEDGER_REPEAT if already completed (no second debit). */
enum ledger_status ledger_withdraw_complete(struct db *db, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN]);
/* Releases the hold; LEDGER_REPEAT if already reversed, CONFLICT if completed. */
enum ledger_status ledger_withdraw_reverse(struct db *db, const char *pan,
    const unsigned char txid[KPROTO_TXID_LEN]);
/*
 * Recovery: completes or reverses (enum kproto_settle_outcome) a hold that kiosk_id
 * authorised, whatever the connection. LEDGER_REPEAT if it was already settled that
 * way (nothing moves), CONFLICT if the other way, UNKNOWN_TX if there is no such hold
 * or another kiosk made it. was (may be NULL) gets the hold's state before: "held",
 * "completed", "reversed", or "" when there is none.
 */
enum ledger_status ledger_settle(struct db *db, const char *kiosk_id,
    const unsigned char txid[KPROTO_TXID_LEN], int outcome, char *was, size_t wassz);
/* Logs how many holds are open, per kiosk. */
void ledger_log_open_holds(struct db *db);

/* ---- ledger_staff.c: staff badges and calls for staff ------------------------------ */

/*
 * A staff PIN check in two steps, as a card's: ledger_staff_hash gives the badge's
 * stored hash (*checkable 1) or fills out with UNKNOWN or LOCKED; ledger_staff_record
 * counts the try once compared: three wrong in a row lock the badge.
 */
enum ledger_status ledger_staff_hash(struct db *db, const char *id, char *hash,
    size_t hashsz, int *checkable, struct kproto_staff_result *out);
enum ledger_status ledger_staff_record(struct db *db, const char *id, int match,
    struct kproto_staff_result *out);
/* Records a call for staff: the kiosk, the reason and the time. */
enum ledger_status ledger_staff_call(struct db *db, const char *kiosk_id,
    const char *reason);
/* Inside a transaction (the demo bank): a staff member with pin. */
int ledger_staff_add(struct db *db, const char *id, const char *pin);

/* ---- ledger.c: what a customer holds, for transfers ------------------------------- */

#define LEDGER_ACCOUNTS_MAX 4
#define LEDGER_PAYEES_MAX 16

struct ledger_account {
	int64_t id;
	char kind[16];                        /* "current" (the card's own) or "savings" */
	int64_t balance_fen;
	int64_t available_fen;                /* less the holds still open on it */
	char currency[KPROTO_CURRENCY_MAX + 1];
};

struct ledger_payee {
	char pan[KPROTO_PAN_MAX + 1];
	char holder[KPROTO_HOLDER_MAX + 1];   /* whole; to be masked before a kiosk shows it */
};

/* The accounts of pan's customer, the card's own current account first; *n of them. */
enum ledger_status ledger_accounts(struct db *db, const char *pan,
    struct ledger_account out[LEDGER_ACCOUNTS_MAX], int *n);
/* The payees saved for pan, in the customer's order; *n of them. */
enum ledger_status ledger_payees(struct db *db, const char *pan,
    struct ledger_payee out[LEDGER_PAYEES_MAX], int *n);
/* *flagged 1 if the bank protects pan's customer from fraud (slower, warned transfers). */
enum ledger_status ledger_fraud_flag(struct db *db, const char *pan, int *flagged);

/* ---- ledger_transfer.c: transfers ------------------------------------------------ */

/*
 * The name a kiosk may show for a payee, from the holder's name as printed: a Chinese
 * name keeps its first and last character ("李秀英 Li Xiuying" -> "李*英", "张伟" ->
 * "张*"); a Latin one keeps the first letter of each word but the last, which stays
 * whole ("Zhang Wei" -> "Z*** Wei"). docs/protocol.md has the rule.
 */
void ledger_name_mask(const char *holder, char *out, size_t outsz);
/* TRANSFER_CHOICES for pan: its accounts, saved payees (masked), limits and flag. */
enum ledger_status ledger_transfer_choices(struct db *db, const char *pan,
    struct kproto_transfer_choices *out);
/* PAYEE_INFO for payee_pan as seen from pan; LEDGER_UNKNOWN_PAYEE if the bank has no
 * such card or the number fails the Luhn check. */
enum ledger_status ledger_payee_lookup(struct db *db, const char *pan, const char *payee_pan,
    struct kproto_payee *out);
/*
 * Carries out req for pan in one transaction: both legs (transfer_out and transfer_in
 * ledger rows) or neither, and the answer recorded under the txid, refusals too.
 * LEDGER_OK with out filled; LEDGER_REPEAT with the first answer for a txid already
 * answered for the same card and request (nothing moves); LEDGER_CONFLICT for a txid
 * already used otherwise.
 */
enum ledger_status ledger_transfer(struct db *db, const char *kiosk_id, const char *pan,
    const struct kproto_transfer *req, struct kproto_transfer_result *out);
/* ---- ledger.c: statements and PIN changes ---------------------------------------- */

/*
 * The last KPROTO_STATEMENT_LINES ledger entries of the account (enum
 * kproto_statement_account) of pan's customer, newest first; *found 0 (and no lines)
 * if the customer has no such account.
 */
enum ledger_status ledger_statement(struct db *db, const char *pan, int account,
    struct kproto_statement_lines *out, int *found);
/*
 * The accessibility profile of pan: p's settings remembered (language, large print and
 * speech in the card's row, the others in card_profiles), or with p NULL forgotten,
 * every preference back to none. LEDGER_CONFLICT if the card may not be used.
 */
enum ledger_status ledger_profile_store(struct db *db, const char *pan,
    const struct kproto_profile *p);
/*
 * Hashes pin for the cards table into hash (hashsz at least crypto_pwhash_STRBYTES)
 * at the one cost every PIN hash of the bank has; 0, or -1 out of memory. Warning:
 * never lower the cost, it is what stands between a stolen bank file and the PINs.
 */
int ledger_pin_hash_make(char *hash, size_t hashsz, const char *pin);
/*
 * The rules for a new PIN: which one refuses pin (KPROTO_PIN_WEAK_REPEATED, _RUN,
 * _SAME, in that order) or KPROTO_PIN_CHANGED. old_hash is the hash of the PIN it
 * replaces; comparing with it is slow (crypto_pwhash), so it comes last.
 */
int ledger_pin_weakness(const char *pin, const char *old_hash);
/*
 * The slow half of a PIN change, safe on a PIN worker: ledger_pin_weakness, and for a
 * PIN that passes, its hash into new_hash. The status, or -1 if hashing failed.
 */
int ledger_pin_change_prepare(const char *old_hash, const char *pin, char *new_hash,
    size_t new_hashsz);
/*
 * Stores new_hash as pan's PIN hash if it still is old_hash and the card may still be
 * used, in one transaction; LEDGER_CONFLICT if the PIN changed or the card was locked
 * meanwhile. Tries and lock state stay as they are.
 */
enum ledger_status ledger_pin_store(struct db *db, const char *pan, const char *old_hash,
    const char *new_hash);

/* As ledger_pin_store, for a card awaiting activation: it is active once stored. */
enum ledger_status ledger_card_activate(struct db *db, const char *pan,
    const char *old_hash, const char *new_hash);

/* ---- ledger_cards.c: card services ------------------------------------------------ */

/* The other cards of pan's customer by their last four digits, and their whole
 * numbers in pans (which stay in the adapter), in the same order. */
enum ledger_status ledger_card_list(struct db *db, const char *pan,
    struct kproto_card_list_info *out, char pans[KPROTO_CARDS_MAX][KPROTO_PAN_MAX + 1]);
/* Marks lost_pan lost, reported with pan at kiosk_id; LEDGER_CONFLICT if it is not
 * a card of pan's customer, LEDGER_REPEAT if it was lost already. */
enum ledger_status ledger_card_report_lost(struct db *db, const char *kiosk_id,
    const char *pan, const char *lost_pan);
/*
 * Staff-opened services. A card a member of staff may give a new PIN: with unlock, a
 * card locked by wrong PINs; without, one in use (not awaiting activation, whose PIN
 * is its letter's). ledger_card_reset_hash gives its stored hash to judge the new PIN
 * by; LEDGER_CONFLICT for a card in another state.
 */
enum ledger_status ledger_card_reset_hash(struct db *db, const char *pan, int unlock,
    char *hash, size_t hashsz);
/*
 * In one transaction: new_hash stored where old_hash still is, the card active with
 * its full tries (an unlocked card awaiting activation is activated: the PIN is its
 * customer's own now), and the reset recorded with the kiosk and the staff member.
 * LEDGER_CONFLICT if the card's state or PIN changed meanwhile.
 */
enum ledger_status ledger_card_pin_reset(struct db *db, const char *kiosk_id,
    const char *staff_id, const char *pan, int unlock, const char *old_hash,
    const char *new_hash);
/*
 * Cancels pan, in use, recording the kiosk and the staff member; LEDGER_MONEY_LEFT
 * (nothing changed) while an account it reaches, and no other card in use does, holds
 * money or an open hold; LEDGER_REPEAT if it was cancelled already; LEDGER_CONFLICT
 * for a card locked, lost or unknown.
 */
enum ledger_status ledger_card_cancel(struct db *db, const char *kiosk_id,
    const char *staff_id, const char *pan);

/* ---- pinpool.c: PIN hashes checked off the event loop ---------------------------- */

#define BANKD_PIN_WORKERS_MAX 64
#define BANKD_PIN_QUEUE_PER_WORKER 4  /* default --pin-queue, per worker */
#define BANKD_PIN_QUEUE_MAX 4096
#define BANKD_PIN_NICE 10             /* PIN workers' niceness above the adapter's */

struct pin_job {
	int conn_id;                          /* whose PIN_VERIFY this answers */
	char pan[KPROTO_PAN_MAX + 1];
	char *pin;                            /* guarded memory, wiped once compared */
	char hash[128];                       /* crypto_pwhash_STRBYTES */
	int match;                            /* the verdict */
	struct pin_job *next;

	int change;                           /* a PIN_CHANGE: hash holds the old PIN's */
	char staff_id[KPROTO_STAFF_ID_MAX + 1]; /* a STAFF_AUTH: this badge's PIN */
	int status;                           /* its ledger_pin_change_prepare verdict */
	char new_hash[128];                   /* and with KPROTO_PIN_CHANGED, the new hash */
};

/*
 * Starts workers threads that take at most workers + queue checks at once; returns
 * the fd the loop polls for finished checks, or -1 with err.
 */
int pinpool_start(int workers, int queue, char *err, size_t errlen);
struct pin_job *pinpool_job_new(int conn_id, const char *pan);
void pinpool_job_free(struct pin_job *j);
/* Queues j (the pool owns it then); -1 when the pool is full: the kiosk is told busy. */
int pinpool_submit(struct pin_job *j);
/* A finished check, or NULL; the caller frees it. */
struct pin_job *pinpool_take(void);
void pinpool_stop(void);

/* ---- session.c: one kiosk connection's card session and permission table ---------- */

enum bank_state {
	BANK_NO_CARD = 0,    /* after the handshake and after CARD_CLOSE */
	BANK_CARD,           /* CARD_OPEN answered ok; PIN not verified */
	BANK_CARD_REFUSED,   /* card locked, lost, cancelled or unknown: only CARD_CLOSE
			      * (and with staff, a locked card's CARD_UNLOCK) */
	BANK_AUTHED,         /* PIN verified */
	BANK_ACTIVATING,     /* a new card's letter PIN verified: only its own PIN next */
};
const char *bank_state_to_str(enum bank_state s);

#define BANK_TX_MAX 8        /* withdrawals authorised, transfers asked, per card session */

struct bank_tx {
	unsigned char txid[KPROTO_TXID_LEN];
	int settled;         /* completed or reversed in this session */
};

struct bank_session {
	int id;                               /* connection number, for logs */
	char kiosk_id[KPROTO_ID_MAX + 1];     /* from the handshake; kept across cards */
	enum bank_state state;
	char pan[KPROTO_PAN_MAX + 1];
	char pan_masked[KPROTO_PAN_MAX + 1];
	uint8_t card_status;                  /* from CARD_OPEN */
	struct bank_tx tx[BANK_TX_MAX];
	int ntx;
	unsigned char xfer[BANK_TX_MAX][KPROTO_TXID_LEN]; /* transfers asked for */
	int nxfer;
	int pin_pending;                      /* a PIN check is with the pool */
	int pin_changed;                      /* since the PIN was verified */
	/* The customer's other cards as the last CARD_LIST_INFO listed them. */
	char cards[KPROTO_CARDS_MAX][KPROTO_PAN_MAX + 1];
	int ncards;
	/* Staff-assisted mode: the staff member whose badge and PIN the adapter verified
	 * (STAFF_AUTH), "" when none. Requests whose permission row says needs_staff are
	 * refused without one; CARD_CLOSE and STAFF_LEAVE end the mode. */
	char staff_id[KPROTO_STAFF_ID_MAX + 1];
};

struct bank {
	struct db *db;
	const unsigned char *sk;              /* adapter secret key, opens sealed PINs */
	int pin_pool;                         /* PIN checks go to pinpool.c (else inline) */
};

void bank_session_init(struct bank_session *s, int id);
/*
 * The kiosk id the handshake proved (kproto_conn's peer_id): holds are recorded with
 * it, and SETTLE reaches only holds with the same one. Until it is called the id is
 * empty, which still matches only holds recorded with an empty id.
 */
void bank_session_set_kiosk(struct bank_session *s, const char *kiosk_id);
/* Leaves the card session (logs holds left open). */
void bank_session_reset(struct bank_session *s);
/*
 * Answers one verified request: fills *resp_type and resp. Every request gets an
 * answer; ERROR for one not permitted in this state, malformed or failed.
 */
void bank_session_dispatch(struct bank *bk, struct bank_session *s, uint8_t type,
    struct kproto_buf *req, uint8_t *resp_type, struct kproto_buf *resp);
/*
 * With bk->pin_pool, a PIN_VERIFY or PIN_CHANGE is answered later: dispatch leaves
 * *resp_type 0 and s->pin_pending set, and the answer is made by
 * bank_session_pin_done once the pool returned the job (s NULL when the connection
 * closed meanwhile: the try still counts, the PIN change is not made).
 */
void bank_session_pin_done(struct bank *bk, struct bank_session *s, struct pin_job *j,
    uint8_t *resp_type, struct kproto_buf *resp);
/* 1 if the permission table allows request type only in staff-assisted mode. */
int bank_request_needs_staff(uint8_t type);

/* ---- dbpool.c: requests answered off the event loop ---------------------------- */

#define BANKD_DB_WORKERS_MAX 64

/*
 * One request of one connection, or the answer to a PIN check the pool finished (pin
 * set): run on a worker against the connection's card session, copied in (s) and
 * copied back by the loop with the answer. A connection has one job at a time.
 */
struct db_job {
	int conn_id;
	int has_session;                      /* 0: the connection closed (a PIN's try) */
	struct bank_session s;
	uint8_t type;                         /* the request */
	struct kproto_buf req;
	struct pin_job *pin;                  /* or a finished PIN check, the job owns it */
	uint8_t rtype;                        /* the answer; 0: a PIN check was queued */
	struct kproto_buf resp;
	struct db_job *next;
};

/*
 * Starts workers threads, each serving requests with bk's key and PIN pool and a
 * database connection of its own: the first takes bk->db (the loop must not use it
 * any more), the others connect to spec. The fd the loop polls for answers, or -1
 * with err.
 */
int dbpool_start(const struct bank *bk, const char *spec, int workers, char *err,
    size_t errlen);
/* A job for conn_id with a copy of s (NULL: the connection closed); NULL if no memory. */
struct db_job *dbpool_job_new(int conn_id, const struct bank_session *s);
void dbpool_job_free(struct db_job *j);
/* Queues j; the pool owns it until dbpool_take hands it back. At most one per
 * connection is queued, so the queue is bounded by the connections. */
void dbpool_submit(struct db_job *j);
/* A finished job, or NULL; the caller frees it. */
struct db_job *dbpool_take(void);
/* Stops the workers and closes the connections they opened. */
void dbpool_stop(void);

/* ---- kiosks.c: the kiosks' public keys, one file DIR/ID.pub per kiosk ---------- */

/* 1 if id may name a kiosk (and its key file): letters, digits, '-', '_', '.'. */
int kiosks_id_valid(const char *id);
/* 0 if dir is a directory owned by root or the adapter's user, writable by no other. */
int kiosks_dir_check(const char *dir, char *err, size_t errlen);
/*
 * The key registered for kiosk id: 1 with pk filled, 0 if none is (err says which file
 * is missing), -1 with err for a bad id, a directory or file others may write, or a
 * file that is not a public key.
 */
int kiosks_key(const char *dir, const char *id, unsigned char pk[KPROTO_PK_LEN],
    char *err, size_t errlen);
/*
 * Registers the public key in pub_path as kiosk id's: writes DIR/ID.pub (creating dir
 * 0755 if missing). Refuses an id already registered with another key.
 */
int kiosks_register(const char *dir, const char *id, const char *pub_path, char *err,
    size_t errlen);

/* ---- serve.c: the socket and the poll loop -------------------------------------- */

#define BANKD_MAX_CONNS 16            /* default --max-conns */
#define BANKD_MAX_CONNS_LIMIT 256
#define BANKD_IO_TIMEOUT_MS 5000      /* default --io-timeout */
#define BANKD_ALLOW_UIDS_MAX 16

struct serve_config {
	const char *socket_path;
	const unsigned char *sk;              /* adapter secret key (64) */
	const unsigned char *kiosk_pk;        /* the one kiosk key (32), or NULL */
	const char *kiosk_keys;               /* directory of ID.pub, or NULL */
	const uid_t *allow_uids;              /* peers' uids let in (SO_PEERCRED) */
	int nallow_uids;
	int max_conns;                        /* connections open at once */
	int io_timeout_ms;                    /* for the handshake, and for a frame once
					       * its first byte arrived */
	int pin_fd;                           /* pinpool_start's, or -1 (ignored by poll) */
	int db_fd;                            /* dbpool_start's */
};

/* Creates the socket (0600, replacing a stale one); -1 with err if it cannot. */
int serve_listen(const char *path, char *err, size_t errlen);
/*
 * 1 if the process on the other end of fd runs as one of the uids in allow, 0 if not,
 * -1 if the kernel cannot say (errno set). *uid and *pid get the peer's, for logs.
 */
int serve_peer_allowed(int fd, const uid_t *allow, int nallow, uid_t *uid, pid_t *pid);
/* Serves until *quit is set by a signal; closes and unlinks the socket. */
int serve_run(const struct serve_config *cfg, int listen_fd, volatile sig_atomic_t *quit);

#endif
