/*
 * The kiosk's side of the electronic journal: opening it at start-up (its records
 * feed recovery), and one helper for every record written. What is journaled, and
 * where, is in docs/journal.md; no PIN ever, card numbers masked.
 */
#include "kiosk/journal_events.h"

#include "common/log.h"
#include "journal/journal.h"
#include "kiosk/kiosk.h"
#include "kiosk/recover.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
journal_seen(void *arg, const struct journal_record *r, long line)
{
	(void)line;
	recover_apply(arg, r);
}

static void
journal_problem(void *arg, long line, enum journal_problem p, const char *what)
{
	struct kiosk *k = arg;

	if (p == JOURNAL_TORN_NOTED)
		log_info("journal: %s:%ld: %s", k->cfg->journal, line, what);
	else if (p == JOURNAL_TORN)
		log_warnx("journal: %s:%ld: %s; noted in the journal, which goes on after it",
		    k->cfg->journal, line, what);
	else
		/* The journal is evidence: damage is for staff to look into, and the kiosk
		 * still serves (kioskctl journal verify lists it). */
		log_warnx("journal: ERROR: %s:%ld: %s: %s", k->cfg->journal, line,
		    journal_problem_to_str(p), what);
}

int
kiosk_journal_open(struct kiosk *k, char *err, size_t errlen)
{
	struct journal_scan scan = { journal_seen, journal_problem, k };
	struct journal_summary sum;

	k->journal = journal_open(k->cfg->journal, &scan, &sum, err, errlen);
	if (k->journal == NULL)
		return -1;
	log_info("journal: %s: %llu records%s", k->cfg->journal,
	    (unsigned long long)sum.records, sum.problems > 0 ? ", damaged (see above)" : "");
	if (kiosk_journal(k, "start", "kiosk", k->cfg->kiosk_id, NULL) < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", k->cfg->journal, strerror(errno));
		journal_close(k->journal);
		k->journal = NULL;
		return -1;
	}
	recover_loaded(k);
	return 0;
}

void
kiosk_journal_close(struct kiosk *k)
{
	if (k->journal != NULL) {
		if (k->stop_why != NULL)
			kiosk_journal(k, "stop", "why", k->stop_why, NULL);
		else
			kiosk_journal(k, "stop", NULL);
		journal_close(k->journal);
		k->journal = NULL;
	}
	recover_free(k);
}

int
kiosk_journal_record(struct kiosk *k, struct journal_record *r)
{
	/* In staff-assisted mode every record names the staff member who was there. */
	if (k->s.staff_id[0] != '\0')
		journal_record_add(r, "staff", k->s.staff_id);
	if (k->journal != NULL && journal_append(k->journal, r) < 0) {
		log_warn("journal: ERROR: cannot write the %s record; no cash until the journal "
		    "works again", r->event);
		return -1;
	}
	/* Only what is on disk counts: a dispense not journaled does not happen. */
	recover_apply(k, r);
	return 0;
}

int
kiosk_journal(struct kiosk *k, const char *event, ...)
{
	struct journal_record r;
	const char *key;
	va_list ap;

	journal_record_init(&r, event);
	va_start(ap, event);
	while ((key = va_arg(ap, const char *)) != NULL)
		journal_record_add(&r, key, va_arg(ap, const char *));
	va_end(ap);
	return kiosk_journal_record(k, &r);
}

int
kiosk_journal_tx(struct kiosk *k, const char *event, const unsigned char *txid,
    int64_t amount_fen)
{
	struct journal_record r;
	char hex[KPROTO_TXID_LEN * 2 + 1];

	journal_record_init(&r, event);
	journal_record_add(&r, "txid", sodium_bin2hex(hex, sizeof hex, txid, KPROTO_TXID_LEN));
	if (amount_fen >= 0)
		journal_record_addf(&r, "amount", "%lld", (long long)amount_fen);
	return kiosk_journal_record(k, &r);
}

int
kiosk_journal_ok(const struct kiosk *k)
{
	return k->journal == NULL || !journal_failed(k->journal);
}
