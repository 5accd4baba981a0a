/*
 * The kiosk's electronic journal: an append-only text file, one record per line, each
 * record chained to the one before by a BLAKE2b-256 hash (docs/journal.md).
 *
 *   SEQ TIME EVENT [key=value ...] prev=HEX hash=HEX
 *
 * hash = BLAKE2b-256(prev as 32 bytes || the line up to, not including, " hash=").
 * The first record's prev is 32 zero bytes. Every record is written with one write()
 * and made durable with fsync() before journal_append returns, so a caller that acts
 * only after journaling never does something the journal does not show.
 *
 * Never put a PIN, a key or a whole card number into a record: values are written as
 * given (card numbers masked with kproto_pan_mask). Call sodium_init() first.
 */
#ifndef JOURNAL_JOURNAL_H
#define JOURNAL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define JOURNAL_WUR __attribute__((warn_unused_result))
#define JOURNAL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define JOURNAL_WUR
#define JOURNAL_PRINTF(a, b)
#endif

#define JOURNAL_HASH_LEN 32      /* BLAKE2b-256 */
#define JOURNAL_LINE_MAX 2048    /* a longer line is not a record */
#define JOURNAL_FIELDS_MAX 12
#define JOURNAL_NAME_MAX 23      /* events and keys: [a-z0-9_-], 1..23 bytes */
#define JOURNAL_VALUE_MAX 255
#define JOURNAL_TIME_LEN 20      /* 2026-11-22T10:14:57Z */

struct journal_field {
	char key[JOURNAL_NAME_MAX + 1];
	char value[JOURNAL_VALUE_MAX + 1];
};

struct journal_record {
	uint64_t seq;
	char time[JOURNAL_TIME_LEN + 1];
	char event[JOURNAL_NAME_MAX + 1];
	int nfields;
	struct journal_field fields[JOURNAL_FIELDS_MAX];
	unsigned char prev[JOURNAL_HASH_LEN];
	unsigned char hash[JOURNAL_HASH_LEN];
};

/* Starts a record to append (event: [a-z0-9-]). */
void journal_record_init(struct journal_record *r, const char *event);
/*
 * Adds key=value. A value may hold any byte but NUL (it is quoted when needed); one
 * longer than JOURNAL_VALUE_MAX is cut. -1 for a bad key or a full record: the record
 * is then refused by journal_append, so a caller cannot lose a field unnoticed.
 */
int journal_record_add(struct journal_record *r, const char *key, const char *value);
int journal_record_addf(struct journal_record *r, const char *key, const char *fmt, ...)
    JOURNAL_PRINTF(3, 4);
/* The value of key, or NULL. */
const char *journal_record_get(const struct journal_record *r, const char *key);

/* What reading a journal can find wrong, by line. */
enum journal_problem {
	JOURNAL_DELETED,     /* records missing from the chain */
	JOURNAL_REORDERED,   /* a record after one that should follow it */
	JOURNAL_EDITED,      /* a record that does not match its hash or its place */
	JOURNAL_TORN,        /* the last line is an incomplete record (a write cut short) */
	JOURNAL_TORN_NOTED,  /* a torn record the kiosk has noted since: not a problem */
};
const char *journal_problem_to_str(enum journal_problem p);

/* Callbacks for a reading pass; either may be NULL. */
struct journal_scan {
	/* Every whole record whose hash checks, in file order (even in a damaged journal). */
	void (*record)(void *arg, const struct journal_record *r, long line);
	/* Every problem, and every torn record already noted. */
	void (*problem)(void *arg, long line, enum journal_problem p, const char *what);
	void *arg;
};

struct journal_summary {
	uint64_t records;        /* whole records whose hash checks */
	long lines;
	int problems;            /* deleted, reordered, edited or torn; not the noted */
	int noted;               /* torn records already noted by a torn record */
	int torn;                /* the last line is an incomplete record */
	long torn_line;
	size_t torn_bytes;
	uint64_t last_seq;       /* highest sequence number in the file, 0 if none */
	unsigned char last_hash[JOURNAL_HASH_LEN]; /* of the last whole record in the file */
};

/*
 * Reads and checks a whole journal. Returns 0 when it could be read (problems, if
 * any, are in sum and were reported to scan->problem), -1 with err otherwise.
 */
int journal_verify_file(const char *path, const struct journal_scan *scan,
    struct journal_summary *sum, char *err, size_t errlen) JOURNAL_WUR;

struct journal;

/*
 * Opens path for appending, creating it (mode 0600) if needed, and takes an exclusive
 * lock on it (a second kiosk on the same file is refused). Reads it first like
 * journal_verify_file: problems are reported but do not stop the journal. A torn last
 * record is closed with a newline and a "torn" record noting it (line=, bytes=), so
 * the chain goes on from the last whole record. NULL with err if the file cannot be
 * opened, read or locked.
 */
struct journal *journal_open(const char *path, const struct journal_scan *scan,
    struct journal_summary *sum, char *err, size_t errlen);
/*
 * Fills r's seq, time, prev and hash, writes it with one write() and fsync()s. -1 if
 * the record is refused or the write failed; after a failed write every later append
 * fails too (journal_failed), because the file may end in a torn record.
 */
int journal_append(struct journal *j, struct journal_record *r) JOURNAL_WUR;
int journal_failed(const struct journal *j);
const char *journal_path(const struct journal *j);
void journal_close(struct journal *j);

#endif
