/*
 * Reading a whole journal back: every record whose hash checks goes to the caller, and
 * each deleted, reordered, edited or torn record is reported once, at its line.
 */
#include "journal/journal-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *
journal_problem_to_str(enum journal_problem p)
{
	switch (p) {
	case JOURNAL_DELETED: return "deleted";
	case JOURNAL_REORDERED: return "reordered";
	case JOURNAL_EDITED: return "edited";
	case JOURNAL_TORN: return "torn";
	case JOURNAL_TORN_NOTED: return "note";
	}
	return "?";
}

struct entry {
	uint64_t seq;
	long line;
	int link_ok;       /* prev is the hash of the whole record before it in the file */
	int bad_before;    /* damaged lines between it and that record, already reported */
	int seqless_before; /* of those, lines without a readable sequence number */
};

struct reader {
	const struct journal_scan *scan;
	struct journal_summary *sum;
	struct entry *e;
	size_t n, cap;
	uint64_t *present;  /* every sequence number seen, whole records or not */
	size_t npresent, cappresent;
};

static void
report(struct reader *rd, long line, enum journal_problem p, const char *fmt, ...)
    JOURNAL_PRINTF(4, 5);

static void
report(struct reader *rd, long line, enum journal_problem p, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (p == JOURNAL_TORN_NOTED)
		rd->sum->noted++;
	else
		rd->sum->problems++;
	if (rd->scan != NULL && rd->scan->problem != NULL)
		rd->scan->problem(rd->scan->arg, line, p, what);
}

/* p with room for one more element; NULL (p untouched) when memory runs out. */
static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t ncap = *cap ? *cap * 2 : 256;
	void *q = realloc(p, ncap * size);
	if (q != NULL)
		*cap = ncap;
	return q;
}

static int
add_present(struct reader *rd, uint64_t seq)
{
	uint64_t *p = grow(rd->present, &rd->cappresent, rd->npresent, sizeof *p);

	if (p == NULL)
		return -1;
	rd->present = p;
	rd->present[rd->npresent++] = seq;
	if (seq > rd->sum->last_seq)
		rd->sum->last_seq = seq;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int
is_present(const struct reader *rd, uint64_t seq)
{
	return bsearch(&seq, rd->present, rd->npresent, sizeof seq, cmp_u64) != NULL;
}

/* Index of the first whole record (in file order) with this seq, via sorted order. */
static int
cmp_entry_seq(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static const struct entry *
first_with_seq(struct entry **sorted, size_t n, uint64_t seq)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sorted[mid]->seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo]->seq == seq ? sorted[lo] : NULL;
}

/*
 * The order of the whole records, once all are known: a sequence number lower than
 * one already seen is a reordered (or copied) record; a gap whose numbers appear
 * nowhere in the file is a deletion; a record that follows its predecessor by number
 * but not by hash means one of the two was replaced.
 */
static int
check_order(struct reader *rd)
{
	struct entry **sorted = NULL;
	const struct entry *top = NULL;   /* the record with the highest seq so far */
	const struct entry *before = NULL; /* the whole record before, in the file */

	if (rd->n > 0 && (sorted = calloc(rd->n, sizeof *sorted)) == NULL)
		return -1;
	for (size_t i = 0; i < rd->n; i++)
		sorted[i] = &rd->e[i];
	if (rd->n > 0)
		qsort(sorted, rd->n, sizeof *sorted, cmp_entry_seq);
	if (rd->npresent > 0)
		qsort(rd->present, rd->npresent, sizeof *rd->present, cmp_u64);

	for (size_t i = 0; i < rd->n; i++) {
		const struct entry *e = &rd->e[i];
		uint64_t expected = top != NULL ? top->seq + 1 : 1;

		if (top != NULL && e->seq <= top->seq) {
			const struct entry *first = first_with_seq(sorted, rd->n, e->seq);
			if (first != NULL && first != e)
				report(rd, e->line, JOURNAL_EDITED, "a second copy of record %llu "
				    "(first at line %ld)", (unsigned long long)e->seq, first->line);
			else
				report(rd, e->line, JOURNAL_REORDERED, "record %llu comes after "
				    "record %llu (line %ld)", (unsigned long long)e->seq,
				    (unsigned long long)top->seq, top->line);
			before = e;
			continue;
		}
		if (e->seq > expected) {
			uint64_t missing = 0, first = 0, last = 0;
			for (uint64_t s = expected; s < e->seq; s++) {
				if (is_present(rd, s))
					continue;
				if (missing++ == 0)
					first = s;
				last = s;
				if (missing > 1000000)
					break;
			}
			/* Damaged lines with no number stand for records already reported. */
			if (missing > (uint64_t)e->seqless_before) {
				if (missing == 1)
					report(rd, e->line, JOURNAL_DELETED, "record %llu is missing "
					    "before this one", (unsigned long long)first);
				else
					report(rd, e->line, JOURNAL_DELETED, "%llu records are missing "
					    "before this one (%llu to %llu)", (unsigned long long)missing,
					    (unsigned long long)first, (unsigned long long)last);
			}
		} else if (!e->link_ok && e->bad_before == 0 && before == top) {
			if (top == NULL)
				report(rd, e->line, JOURNAL_EDITED, "the first record does not start "
				    "the chain (prev is not zero)");
			else
				report(rd, e->line, JOURNAL_EDITED, "does not chain to record %llu "
				    "(line %ld): one of the two was replaced",
				    (unsigned long long)top->seq, top->line);
		}
		top = e;
		before = e;
	}
	free(sorted);
	return 0;
}

/* A damaged line waiting to see whether the next record notes it as torn. */
struct damaged {
	int pending;
	long line;
	int has_seq;
	const char *why;
};

static void
damaged_flush(struct reader *rd, struct damaged *d, int *bad, int *seqless)
{
	if (!d->pending)
		return;
	report(rd, d->line, JOURNAL_EDITED, "%s", d->why);
	(*bad)++;
	if (!d->has_seq)
		(*seqless)++;
	d->pending = 0;
}

int
journal_read(int fd, const struct journal_scan *scan, struct journal_summary *sum)
{
	struct reader rd = { .scan = scan, .sum = sum };
	struct damaged dmg = {0};
	unsigned char last[JOURNAL_HASH_LEN] = {0};
	struct journal_record r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int bad = 0, seqless = 0, rv = -1, nfd;
	FILE *f;

	memset(sum, 0, sizeof *sum);
	if ((nfd = dup(fd)) < 0)
		return -1;
	if (lseek(nfd, 0, SEEK_SET) < 0 || (f = fdopen(nfd, "r")) == NULL) {
		close(nfd);
		return -1;
	}
	while ((got = getline(&line, &cap, f)) > 0) {
		size_t len = (size_t)got;
		long ln = ++sum->lines;
		int has_seq;
		const char *why;

		if (line[len - 1] != '\n') {
			/* Only the last line can lack its newline: a write cut short. */
			damaged_flush(&rd, &dmg, &bad, &seqless);
			sum->torn = 1;
			sum->torn_line = ln;
			sum->torn_bytes = len;
			report(&rd, ln, JOURNAL_TORN, "the last record is incomplete (%zu bytes, "
			    "no newline): a write cut short", len);
			break;
		}
		len--;
		if (journal_record_parse(line, len, &r, &has_seq, &why) < 0) {
			damaged_flush(&rd, &dmg, &bad, &seqless);
			dmg = (struct damaged){ 1, ln, has_seq, why };
			if (has_seq && add_present(&rd, r.seq) < 0)
				goto out;
			continue;
		}
		if (dmg.pending) {
			const char *tl = journal_record_get(&r, "line");
			if (strcmp(r.event, "torn") == 0 && tl != NULL && atol(tl) == dmg.line) {
				report(&rd, dmg.line, JOURNAL_TORN_NOTED, "a record cut short (power "
				    "cut), noted by record %llu", (unsigned long long)r.seq);
				dmg.pending = 0;
			} else
				damaged_flush(&rd, &dmg, &bad, &seqless);
		}
		struct entry *e = grow(rd.e, &rd.cap, rd.n, sizeof *e);
		if (e == NULL)
			goto out;
		rd.e = e;
		if (add_present(&rd, r.seq) < 0)
			goto out;
		rd.e[rd.n++] = (struct entry){ r.seq, ln,
			memcmp(r.prev, last, JOURNAL_HASH_LEN) == 0, bad, seqless };
		memcpy(last, r.hash, JOURNAL_HASH_LEN);
		bad = seqless = 0;
		sum->records++;
		if (scan != NULL && scan->record != NULL)
			scan->record(scan->arg, &r, ln);
	}
	if (ferror(f))
		goto out;
	damaged_flush(&rd, &dmg, &bad, &seqless);
	memcpy(sum->last_hash, last, JOURNAL_HASH_LEN);
	rv = check_order(&rd);
out:
	free(line);
	free(rd.e);
	free(rd.present);
	fclose(f);
	return rv;
}

int
journal_verify_file(const char *path, const struct journal_scan *scan,
    struct journal_summary *sum, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(sum, 0, sizeof *sum);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rv = journal_read(fd, scan, sum);
	if (rv < 0)
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
	close(fd);
	return rv;
}
