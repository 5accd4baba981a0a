/* A fleet for tests and bench-fleet: banks of made-up cards on either backend, real
 * kiosk-bankd processes, and simulated kiosks that speak the signed protocol as the
 * kiosk does (card session, withdrawals, transfers, settling by txid after a failure). */
#ifndef TESTS_FLEET_RIG_H
#define TESTS_FLEET_RIG_H

#include "kiosk/proto.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct fleet_card {
	char pan[KPROTO_PAN_MAX + 1];
	int64_t balance_fen;
};

/* Replaces the bank at spec by ncards made-up active cards, each with PIN pin. */
int fleet_bank_create(const char *spec, const struct fleet_card *cards, int ncards,
    const char *pin, char *err, size_t errlen);
/* One integer from a query on the bank at spec; -1 on failure (printed). */
int64_t fleet_bank_int(const char *spec, const char *sql);

/* Runs kiosk-bankd with argv (NULL-terminated, argv[0] the binary); its pid. */
pid_t fleet_spawn(char *const argv[]);
/* Exit status of pid within ms, or -1. */
int fleet_wait(pid_t pid, int ms);
/* tests/pg/pg-server CMD DIR [DATABASE]: its exit status (-1 if it took over 60 s). */
int fleet_pg_server(const char *script, const char *cmd, const char *pgdir, const char *db);
/*
 * Makes kiosk id's key pair in dir and registers its public half in the keys directory
 * kdir; the secret key (sodium memory, sodium_free it), or NULL with err.
 */
unsigned char *fleet_kiosk_register(const char *dir, const char *kdir, const char *id,
    char *err, size_t errlen);
/* Whether the file at path holds needle past its first from bytes. */
int fleet_file_has(const char *path, long from, const char *needle);
/* Whether the log at path holds needle within 5 s (the adapter logs after acting);
 * if not, says on stderr what is missing. */
int fleet_log_wait(const char *path, const char *needle);

struct fleet_kiosk {
	struct kproto_conn kc;
	int up;                               /* connected */
	char id[KPROTO_ID_MAX + 1];
	const unsigned char *sk;              /* the kiosk's secret key */
	const unsigned char *adapter_pk;
	const char *socket;
	unsigned char pending[KPROTO_TXID_LEN];  /* a withdrawal to settle */
	int pending_outcome;                  /* enum kproto_settle_outcome, -1: none */
};

/* Connects (one attempt, 2 s); 0 or a negative kproto status with err. */
int fleet_connect(struct fleet_kiosk *k, char *err, size_t errlen);
/* Connects, retrying while the adapter is not listening yet (at most 10 s); 0 or -1. */
int fleet_connect_wait(struct fleet_kiosk *k);
void fleet_disconnect(struct fleet_kiosk *k);
/*
 * One request and its answer: the answer's type, or a negative kproto status (the
 * connection is then closed). An ERROR answer is returned as KPROTO_MSG_ERROR with
 * *code set.
 */
int fleet_call(struct fleet_kiosk *k, uint8_t type, struct kproto_buf *b, int *code);
/* CARD_OPEN and PIN_VERIFY: the PIN_RESULT status, or -1 (ERROR, or the link failed). */
int fleet_card_open(struct fleet_kiosk *k, const char *pan, const char *pin);
int fleet_card_close(struct fleet_kiosk *k);
/*
 * WITHDRAW_AUTH of amount with a fresh txid kept in k->pending (outcome reverse: no
 * cash yet): the WITHDRAW_RESULT status, or -1 (left pending).
 */
int fleet_withdraw_auth(struct fleet_kiosk *k, int64_t amount_fen);
/*
 * Dispenses (the pending outcome becomes complete) and sends WITHDRAW_COMPLETE, or
 * sends WITHDRAW_REVERSE: 0 once answered OK (nothing pending), -1 (left pending).
 */
int fleet_withdraw_end(struct fleet_kiosk *k, int complete);
/*
 * TRANSFER of amount with a fresh txid from the current account to payee's card, or
 * (payee NULL) to the savings account: the TRANSFER_RESULT status, or -1.
 */
int fleet_transfer(struct fleet_kiosk *k, int64_t amount_fen, const char *payee);
/*
 * Settles k->pending by SETTLE on a connection with no card open, as the kiosk's
 * recovery does: 1 if the bank completed it (the cash counts), 0 if it is reversed or
 * was never held, -1 if not settled yet (try again), -2 on a conflict.
 */
int fleet_settle(struct fleet_kiosk *k);

/* Latency samples: p (0..100) of n sorted microseconds. */
double fleet_pct(int64_t *us, size_t n, int p);

#endif
