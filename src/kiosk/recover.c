/*
 * Settling withdrawals that a crash or an outage left open. Only the kiosk knows
 * whether cash left the machine, so it decides, from its journal:
 *
 *   a txid with a WITHDRAW_AUTH request or an authorization, and no completed,
 *   reversed, refused or settled record  -> open
 *   open, with a dispense record and no cash-retracted record -> SETTLE complete
 *   open otherwise                                            -> SETTLE reverse
 *
 * The dispense record is written before the dispenser is asked (svc_withdraw.c), so no
 * cash leaves without the journal saying so.
 */
#include "kiosk/recover.h"

#include "common/log.h"
#include "common/util.h"
#include "journal/journal.h"
#include "kiosk/bank.h"
#include "kiosk/journal_events.h"
#include "kiosk/kiosk.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pending {
	unsigned char txid[KPROTO_TXID_LEN];
	int64_t amount_fen;          /* -1 when not known */
	int dispensed;               /* a dispense record */
	int retracted;               /* the cash was taken back */
};

struct recovery {
	struct pending *p;
	int n, cap;
	int busy;                    /* a SETTLE is in flight */
	int pause;                   /* the bank failed to answer one: wait for the next round */
	uint8_t busy_outcome;
};

void
kiosk_fault(const char *point)
{
	const char *f = getenv("KIOSK_FAULT");

	if (f != NULL && strcmp(f, point) == 0) {
		log_warnx("test hook KIOSK_FAULT: dying at %s", point);
		_exit(137);
	}
}

static struct recovery *
recovery_get(struct kiosk *k)
{
	if (k->recovery == NULL)
		k->recovery = xcalloc(1, sizeof *k->recovery);
	return k->recovery;
}

static struct pending *
pending_find(struct recovery *rc, const unsigned char *txid)
{
	for (int i = 0; i < rc->n; i++)
		if (memcmp(rc->p[i].txid, txid, KPROTO_TXID_LEN) == 0)
			return &rc->p[i];
	return NULL;
}

static struct pending *
pending_open(struct recovery *rc, const unsigned char *txid, const char *amount)
{
	struct pending *p = pending_find(rc, txid);

	if (p == NULL) {
		if (rc->n == rc->cap) {
			rc->cap = rc->cap ? rc->cap * 2 : 8;
			rc->p = xrealloc(rc->p, (size_t)rc->cap * sizeof *rc->p);
		}
		p = &rc->p[rc->n++];
		memset(p, 0, sizeof *p);
		memcpy(p->txid, txid, KPROTO_TXID_LEN);
		p->amount_fen = -1;
	}
	if (amount != NULL)
		p->amount_fen = strtoll(amount, NULL, 10);
	return p;
}

static void
pending_close(struct recovery *rc, const unsigned char *txid)
{
	struct pending *p = pending_find(rc, txid);

	if (p != NULL)
		*p = rc->p[--rc->n];
}

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

void
recover_apply(struct kiosk *k, const struct journal_record *r)
{
	const char *hex = journal_record_get(r, "txid");
	const char *type = journal_record_get(r, "type");
	const char *amount = journal_record_get(r, "amount");
	unsigned char txid[KPROTO_TXID_LEN];
	size_t len = 0;
	struct recovery *rc;
	struct pending *p;

	if (hex == NULL || sodium_hex2bin(txid, sizeof txid, hex, strlen(hex), NULL, &len,
	    NULL) != 0 || len != sizeof txid)
		return;
	rc = recovery_get(k);
	if ((is(r->event, "request") && is(type, "WITHDRAW_AUTH")) ||
	    is(r->event, "authorized"))
		pending_open(rc, txid, amount);
	else if (is(r->event, "dispense"))
		pending_open(rc, txid, amount)->dispensed = 1;
	else if (is(r->event, "cash-retracted") && (p = pending_find(rc, txid)) != NULL)
		p->retracted = 1;
	else if (is(r->event, "completed") || is(r->event, "reversed"))
		pending_close(rc, txid);
	else if (is(r->event, "settled") && !is(journal_record_get(r, "result"), "error"))
		pending_close(rc, txid);
	else if (is(r->event, "response") && is(type, "WITHDRAW_RESULT") &&
	    !is(journal_record_get(r, "status"), kproto_withdraw_status_to_str(
	    KPROTO_WD_APPROVED)))
		pending_close(rc, txid); /* refused: nothing was held */
}

int
recover_pending(const struct kiosk *k)
{
	return k->recovery != NULL ? k->recovery->n : 0;
}

void
recover_loaded(struct kiosk *k)
{
	int n = recover_pending(k);
	char num[16];

	if (n == 0)
		return;
	log_warnx("recovery: %d withdrawal%s left open by the last run, to settle with the "
	    "bank", n, n == 1 ? "" : "s");
	snprintf(num, sizeof num, "%d", n);
	kiosk_journal(k, "recovery", "open", num, NULL);
}

static uint8_t
pending_outcome(const struct pending *p, const char **because)
{
	if (p->dispensed && !p->retracted) {
		*because = "dispensed";
		return KPROTO_SETTLE_COMPLETE;
	}
	*because = p->retracted ? "cash-retracted" : "not-dispensed";
	return KPROTO_SETTLE_REVERSE;
}

static void recover_next(struct kiosk *k);

static void
settle_answer(struct kiosk *k, const struct bank_reply *r)
{
	struct recovery *rc = k->recovery;
	const char *result = "ok", *outcome;
	char hex[KPROTO_TXID_LEN * 2 + 1];

	if (rc == NULL)
		return;
	rc->busy = 0;
	outcome = kproto_settle_outcome_to_str(rc->busy_outcome);
	sodium_bin2hex(hex, sizeof hex, r->req_txid, KPROTO_TXID_LEN);
	if (r->type == KPROTO_MSG_ERROR) {
		switch (r->u.error.code) {
		case KPROTO_ERROR_UNKNOWN_TX:
			result = "unknown";
			break;
		case KPROTO_ERROR_NOT_PERMITTED:
			result = "refused";
			break;
		default:
			result = "error";
		}
	}
	kiosk_journal(k, "settled", "txid", hex, "outcome", outcome, "result", result, NULL);
	if (strcmp(result, "ok") == 0)
		log_info("recovery: withdrawal %.8s settled (%s)", hex, outcome);
	else if (strcmp(result, "unknown") == 0 && rc->busy_outcome == KPROTO_SETTLE_REVERSE)
		/* Never authorized (the request was lost with the crash): nothing held. */
		log_info("recovery: withdrawal %.8s was never held at the bank", hex);
	else if (strcmp(result, "error") == 0) {
		log_warnx("recovery: the bank could not settle withdrawal %.8s; trying again "
		    "later", hex);
		rc->pause = 1;
		return;
	} else {
		/* The bank and the machine disagree: staff must compare the journal with the
		 * dispenser's counters. */
		log_warnx("recovery: CONFLICT: the bank %s to %s withdrawal %.8s (%s); left to "
		    "branch staff", strcmp(result, "unknown") == 0 ? "has no hold" : "refuses",
		    outcome, hex, r->u.error.message);
		kiosk_journal(k, "error", "what", "settlement refused by the bank", "txid", hex,
		    NULL);
	}
	recover_next(k);
}

static void
recover_next(struct kiosk *k)
{
	struct recovery *rc = k->recovery;
	struct kproto_settle m;
	struct kproto_buf b;
	char hex[KPROTO_TXID_LEN * 2 + 1];
	const char *because;

	/* The adapter takes SETTLE only with no card open; the customer comes first. */
	if (rc == NULL || rc->busy || rc->pause || rc->n == 0 || k->bank == NULL ||
	    !bank_is_up(k->bank) || k->s.pan[0] != '\0')
		return;
	struct pending *p = NULL;
	for (int i = 0; i < rc->n && p == NULL; i++)
		if (!k->s.hold || memcmp(rc->p[i].txid, k->s.txid, KPROTO_TXID_LEN) != 0)
			p = &rc->p[i];
	if (p == NULL)
		return;
	memcpy(m.txid, p->txid, sizeof m.txid);
	m.outcome = pending_outcome(p, &because);
	sodium_bin2hex(hex, sizeof hex, p->txid, KPROTO_TXID_LEN);
	log_info("recovery: withdrawal %.8s: %s, so %s", hex, because,
	    kproto_settle_outcome_to_str(m.outcome));
	kiosk_journal(k, "recover", "txid", hex, "outcome",
	    kproto_settle_outcome_to_str(m.outcome), "because", because, NULL);
	if (kproto_settle_pack(&b, &m) != KPROTO_OK)
		fatalx("recovery: cannot pack a settlement");
	rc->busy = 1;
	rc->busy_outcome = m.outcome;
	bank_call(k->bank, KPROTO_MSG_SETTLE, &b, settle_answer);
}

void
recover_run(struct kiosk *k)
{
	/* A new round: what the bank could not settle last time is tried again. */
	if (k->recovery != NULL)
		k->recovery->pause = 0;
	recover_next(k);
}

void
recover_link_down(struct kiosk *k)
{
	if (k->recovery != NULL) {
		k->recovery->busy = 0;
		k->recovery->pause = 0;
	}
}

void
recover_free(struct kiosk *k)
{
	if (k->recovery == NULL)
		return;
	free(k->recovery->p);
	free(k->recovery);
	k->recovery = NULL;
}
