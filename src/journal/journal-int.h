/* Internals shared by the journal's files. */
#ifndef JOURNAL_JOURNAL_INT_H
#define JOURNAL_JOURNAL_INT_H

#include "journal/journal.h"

#define JOURNAL_HEX_LEN (JOURNAL_HASH_LEN * 2)
/* " prev=" HEX " hash=" HEX ends every record. */
#define JOURNAL_TAIL_LEN (6 + JOURNAL_HEX_LEN + 6 + JOURNAL_HEX_LEN)
#define JOURNAL_HASH_PART_LEN (6 + JOURNAL_HEX_LEN)

/* record.c */
/* 1 if s is an event name ([a-z0-9-]) or, with underscore, a key ([a-z0-9_-]). */
int journal_name_valid(const char *s, int underscore);
/* BLAKE2b-256(prev || body). */
void journal_chain_hash(unsigned char out[JOURNAL_HASH_LEN],
    const unsigned char prev[JOURNAL_HASH_LEN], const char *body, size_t len);
/* The whole line of r with its newline; fills r->hash. -1 if it does not fit. */
int journal_record_format(struct journal_record *r, char *buf, size_t bufsz, size_t *len);
/*
 * Parses one line without its newline. 0: a whole record whose hash checks; -1 with
 * *why otherwise. *has_seq tells whether the line at least starts with a number.
 */
int journal_record_parse(const char *line, size_t len, struct journal_record *r,
    int *has_seq, const char **why);

/* verify.c: reads fd from its start; 0, or -1 with errno when it cannot be read. */
int journal_read(int fd, const struct journal_scan *scan, struct journal_summary *sum);

#endif
