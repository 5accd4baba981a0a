/* The kiosk's side of the signed bank link: one connection to the adapter, requests
 * answered in order, each with a deadline. */
#ifndef KIOSK_BANK_H
#define KIOSK_BANK_H

#include <stdint.h>

#include "kiosk/proto.h"

struct kiosk;

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
	/* An answer of a type decoded by the service that asked (anything but those
	 * above): its payload, valid only while the handler runs. */
	struct kproto_buf *payload;
};

struct kiosk;
typedef void (*bank_handler)(struct kiosk *, const struct bank_reply *);

struct bank *bank_new(struct kiosk *k);
void bank_free(struct bank *b);
/* Tries to connect now; 0 when the link is up. */
int bank_connect(struct bank *b);
int bank_is_up(const struct bank *b);
/* Changes with every new connection: a hold is completed on the one that authorized it. */
unsigned bank_link_id(const struct bank *b);
/* The socket to poll for POLLIN, -1 while down. */
int bank_fd(const struct bank *b);
/* Queues a request; h gets the answer. A request that cannot be answered (link down,
 * deadline passed) brings the link down: kiosk_bank_down() tells the state machine. */
void bank_call(struct bank *b, uint8_t type, const struct kproto_buf *payload, bank_handler h);
/* The same for a money request of a service: the journal records txid with the
 * request and its answer. */
void bank_call_txid(struct bank *b, uint8_t type, const struct kproto_buf *payload,
    const unsigned char txid[KPROTO_TXID_LEN], bank_handler h);
int bank_busy(const struct bank *b);
void bank_readable(struct bank *b);
/* When bank_tick next has work (a deadline or a reconnect), 0 for never. */
int64_t bank_deadline(const struct bank *b);
void bank_tick(struct bank *b, int64_t now);

#endif
