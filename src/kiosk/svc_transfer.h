/* The transfer service's own part of the session (k->s.svc), shared by its two files:
 * svc_transfer.c chooses where the money goes, svc_transfer_send.c how much, the
 * fraud warning, the confirmation, the TRANSFER and its result. */
#ifndef KIOSK_SVC_TRANSFER_H
#define KIOSK_SVC_TRANSFER_H

#include <stdint.h>

#include "kiosk/kiosk.h"
#include "kiosk/proto.h"

struct fill;
struct state_def;

#define XFER_CARD_DIGITS_MIN 16
/* Masked names are short ("李*英", "M*** A*** Lee"): all the saved payees the protocol
 * allows fit the session's service area with room for a longer one. */
#define XFER_NAME_MAX 64

struct xfer_payee {
	char pan[KPROTO_PAN_MAX + 1];
	char name[XFER_NAME_MAX + 1]; /* masked by the bank; cut on a character boundary */
	uint8_t paid_before;
};

struct xfer {
	int64_t available_fen[KPROTO_ACCOUNTS_MAX]; /* by enum kproto_account_kind */
	int has_account[KPROTO_ACCOUNTS_MAX];
	struct xfer_payee payees[KPROTO_PAYEES_MAX];
	int npayees;
	int payee_at;                /* the saved payee shown */
	int64_t remaining_fen;       /* today's transfer limit left */
	int64_t large_fen;           /* the card's large-transaction threshold, 0 none */
	int flagged;                 /* the bank protects this customer from fraud */
	/* Where the money goes: an own account (pan empty) or a card of this bank. */
	uint8_t from, to;
	struct xfer_payee payee;
	char typed[KPROTO_PAN_MAX + 1]; /* the card number being typed */
	int ntyped;
	char entry[8];               /* the amount being typed, whole yuan */
	int nentry;
	int64_t amount_fen;
	unsigned char txid[KPROTO_TXID_LEN];
	int in_flight;               /* TRANSFER sent, no answer yet */
};

#define XFER(k) SVC_DATA(k, struct xfer)

/* svc_transfer_send.c: the amount screen, once the payee is known. */
extern const struct state_def state_transfer_amount;
/* svc_transfer.c: where the money goes (a refused TRANSFER comes back here). */
extern const struct state_def state_transfer, state_transfer_card;

/* A message of the service's own, by its name in layouts/messages.yaml. */
enum message_id xfer_msg(const char *name);
/* Shows st again, or enters it, with message name (NULL: none). */
void xfer_tell(struct kiosk *k, const struct state_def *st, const char *name);
/* A journal record of the transfer chosen: from, to (a card masked), amount once known. */
void xfer_journal(struct kiosk *k, const char *event);
/* The placeholders every transfer screen may show: where from, where to, what is left. */
void xfer_fill(struct kiosk *k, struct fill *f);

#endif
