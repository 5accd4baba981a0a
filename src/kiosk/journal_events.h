/* The electronic journal (journal_events.c), one record per customer-visible event
 * (docs/journal.md). Never a PIN; card numbers masked. */
#ifndef KIOSK_JOURNAL_EVENTS_H
#define KIOSK_JOURNAL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct kiosk;
struct journal_record;

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

#endif
