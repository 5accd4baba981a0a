/*
 * The electronic journal (src/journal): records written and read back, and each kind
 * of tampering found exactly where it is: a deleted, reordered, edited, copied or torn
 * record. With the path of kioskctl, also `kioskctl journal verify`.
 * usage: test_journal [KIOSKCTL]
 */
#include "journal/journal.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define NREC 10

static char dir[] = "/tmp/journal-test-XXXXXX";
static char path[128];

struct found {
	long line;
	enum journal_problem kind;
	char what[256];
};

static struct found problems[64];
static int nproblems;
static struct journal_record seen[64];
static int nseen;

static void
on_problem(void *arg, long line, enum journal_problem p, const char *what)
{
	(void)arg;
	if (nproblems < (int)(sizeof problems / sizeof problems[0])) {
		problems[nproblems].line = line;
		problems[nproblems].kind = p;
		snprintf(problems[nproblems].what, sizeof problems[nproblems].what, "%s", what);
	}
	nproblems++;
}

static void
on_record(void *arg, const struct journal_record *r, long line)
{
	(void)arg;
	(void)line;
	if (nseen < (int)(sizeof seen / sizeof seen[0]))
		seen[nseen] = *r;
	nseen++;
}

static const struct journal_scan scan = { on_record, on_problem, NULL };

/* Verifies file; the summary, with the problems and records in the globals. */
static struct journal_summary
verify(const char *file)
{
	struct journal_summary sum;
	char err[256];

	nproblems = nseen = 0;
	memset(&sum, 0, sizeof sum);
	CHECK_EQ(journal_verify_file(file, &scan, &sum, err, sizeof err), 0);
	return sum;
}

/* Exactly one problem, of this kind, at this line, saying this. */
static void
expect_one(enum journal_problem kind, long line, const char *says, int at)
{
	if (nproblems != 1 || problems[0].kind != kind || problems[0].line != line ||
	    strstr(problems[0].what, says) == NULL) {
		fprintf(stderr, "%s:%d: expected one %s at line %ld (\"%s\"), got %d:\n",
		    __FILE__, at, journal_problem_to_str(kind), line, says, nproblems);
		for (int i = 0; i < nproblems && i < 64; i++)
			fprintf(stderr, "  line %ld: %s: %s\n", problems[i].line,
			    journal_problem_to_str(problems[i].kind), problems[i].what);
		failures++;
	}
}
#define EXPECT_ONE(kind, line, says) expect_one(kind, line, says, __LINE__)

/* The journal's lines, for making damaged copies. */
static char *lines[64];
static int nlines;

static void
read_lines(const char *file)
{
	FILE *f = fopen(file, "r");
	char *l = NULL;
	size_t cap = 0;

	for (int i = 0; i < nlines; i++)
		free(lines[i]);
	nlines = 0;
	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (nlines < 64 && getline(&l, &cap, f) > 0)
		lines[nlines++] = strdup(l);
	free(l);
	fclose(f);
}

/* Writes the lines in the order given (1-based line numbers; 0 ends). */
static const char *
write_copy(const char *name, const int *order)
{
	static char p[160];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	for (; *order != 0; order++)
		fputs(lines[*order - 1], f);
	fclose(f);
	return p;
}

static void
append(struct journal *j, const char *event, const char *key, const char *value)
{
	struct journal_record r;

	journal_record_init(&r, event);
	if (key != NULL)
		journal_record_add(&r, key, value);
	CHECK_EQ(journal_append(j, &r), 0);
}

static void
test_write_and_read(void)
{
	struct journal_summary sum;
	struct journal_record r;
	struct journal *j;
	char err[256], big[400];

	j = journal_open(path, &scan, &sum, err, sizeof err);
	CHECK(j != NULL);
	if (j == NULL) {
		fprintf(stderr, "journal_open: %s\n", err);
		exit(1);
	}
	CHECK_EQ(sum.records, 0);
	/* A second kiosk on the same file is refused. */
	CHECK(journal_open(path, NULL, &sum, err, sizeof err) == NULL);
	CHECK(strstr(err, "in use") != NULL);

	append(j, "start", "kiosk", "BR001-K01");
	append(j, "card-in", "pan", "622200******0017");
	append(j, "pin-refused", "tries", "2");
	append(j, "response", "why", "a \"quoted\" reason\nwith\ta\\b and 中文");
	append(j, "request", "type", "WITHDRAW_AUTH");
	append(j, "authorized", "txid", "00112233445566778899aabbccddeeff");
	append(j, "dispense", "amount", "50000");
	append(j, "cash-taken", "empty", "");
	append(j, "completed", NULL, NULL);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	append(j, "note", "long", big);

	/* Records with a bad event or key are refused whole. */
	journal_record_init(&r, "Bad Event");
	CHECK(journal_append(j, &r) < 0);
	/* Too long is refused too, never cut to a name that means something else. */
	journal_record_init(&r, "pin-reset-identity-checked");
	CHECK(journal_append(j, &r) < 0);
	journal_record_init(&r, "ok");
	CHECK(journal_record_add(&r, "bad key", "v") < 0);
	CHECK(journal_record_add(&r, "fine", "v") < 0);
	CHECK(journal_append(j, &r) < 0);
	CHECK(!journal_failed(j));
	journal_close(j);

	sum = verify(path);
	CHECK_EQ(nproblems, 0);
	CHECK_EQ(sum.records, NREC);
	CHECK_EQ(sum.last_seq, NREC);
	CHECK_EQ(sum.problems, 0);
	CHECK_EQ(nseen, NREC);
	CHECK_EQ(seen[0].seq, 1);
	CHECK(strcmp(seen[1].event, "card-in") == 0);
	CHECK(strcmp(journal_record_get(&seen[1], "pan"), "622200******0017") == 0);
	CHECK(strcmp(journal_record_get(&seen[3], "why"),
	    "a \"quoted\" reason\nwith\ta\\b and 中文") == 0);
	CHECK(strcmp(journal_record_get(&seen[7], "empty"), "") == 0);
	CHECK(journal_record_get(&seen[8], "txid") == NULL);
	CHECK_EQ(strlen(journal_record_get(&seen[9], "long")), JOURNAL_VALUE_MAX);
	CHECK(strlen(seen[4].time) == JOURNAL_TIME_LEN && seen[4].time[10] == 'T');

	/* The format of docs/journal.md: the first record chains to zeros. */
	read_lines(path);
	CHECK_EQ(nlines, NREC);
	CHECK(strncmp(lines[0], "1 ", 2) == 0);
	CHECK(strstr(lines[0], " start kiosk=BR001-K01 prev=0000000000000000") != NULL);
	CHECK(strstr(lines[3], "why=\"a \\\"quoted\\\" reason\\nwith\\ta\\\\b and 中文\"") !=
	    NULL);
	unsigned char h[JOURNAL_HASH_LEN], zero[JOURNAL_HASH_LEN] = {0};
	const char *cut = strstr(lines[0], " hash=");
	char hex[JOURNAL_HASH_LEN * 2 + 1];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, zero, sizeof zero);
	crypto_generichash_update(&st, (const unsigned char *)lines[0],
	    (size_t)(cut - lines[0]));
	crypto_generichash_final(&st, h, sizeof h);
	CHECK(cut != NULL && strncmp(cut + 6, sodium_bin2hex(hex, sizeof hex, h, sizeof h),
	    64) == 0);
}

static void
test_tampering(void)
{
	struct journal_summary sum;

	read_lines(path);

	/* A record deleted from the middle, and the first one. */
	sum = verify(write_copy("deleted", (int[]){ 1, 2, 3, 4, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_DELETED, 5, "record 5 is missing");
	CHECK_EQ(sum.problems, 1);
	verify(write_copy("deleted2", (int[]){ 1, 2, 3, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_DELETED, 4, "2 records are missing before this one (4 to 5)");
	verify(write_copy("deleted-first", (int[]){ 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_DELETED, 1, "record 1 is missing");

	/* Two records swapped. */
	verify(write_copy("reordered", (int[]){ 1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_REORDERED, 5, "record 4 comes after record 5");

	/* A record copied further down. */
	verify(write_copy("copied", (int[]){ 1, 2, 3, 4, 5, 6, 7, 4, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_EDITED, 8, "a second copy of record 4");

	/* One byte of a value changed. */
	char *p = strstr(lines[2], "tries=2");
	CHECK(p != NULL);
	if (p != NULL)
		p[6] = '3';
	sum = verify(write_copy("edited", (int[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_EDITED, 3, "does not match its hash");
	CHECK_EQ(sum.records, NREC - 1);

	/* Not a record at all. */
	read_lines(path);
	free(lines[6]);
	lines[6] = strdup("7 somebody wrote this by hand\n");
	verify(write_copy("garbage", (int[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_EDITED, 7, "not a journal record");

	/* A record replaced by one that matches its own hash: the next does not chain. */
	read_lines(path);
	{
		char prev[65], body[256], hex[65];
		unsigned char pb[32], h[32];
		const char *pp = strstr(lines[5], " prev=");
		crypto_generichash_state st;
		CHECK(pp != NULL);
		memcpy(prev, pp + 6, 64);
		prev[64] = '\0';
		sodium_hex2bin(pb, sizeof pb, prev, 64, NULL, NULL, NULL);
		snprintf(body, sizeof body, "6 2026-01-01T00:00:00Z authorized txid=forged "
		    "prev=%s", prev);
		crypto_generichash_init(&st, NULL, 0, sizeof h);
		crypto_generichash_update(&st, pb, sizeof pb);
		crypto_generichash_update(&st, (const unsigned char *)body, strlen(body));
		crypto_generichash_final(&st, h, sizeof h);
		free(lines[5]);
		char line[400];
		snprintf(line, sizeof line, "%s hash=%s\n", body,
		    sodium_bin2hex(hex, sizeof hex, h, sizeof h));
		lines[5] = strdup(line);
	}
	verify(write_copy("replaced", (int[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0 }));
	EXPECT_ONE(JOURNAL_EDITED, 7, "does not chain to record 6 (line 6)");
}

/* A power cut in the middle of the last write: reported, noted, and the chain goes on. */
static void
test_torn(void)
{
	struct journal_summary sum;
	struct journal *j;
	char err[256], copy[160];
	FILE *f;

	read_lines(path);
	snprintf(copy, sizeof copy, "%s/torn", dir);
	f = fopen(copy, "w");
	for (int i = 0; i < NREC - 1; i++)
		fputs(lines[i], f);
	fwrite(lines[NREC - 1], 1, 40, f);
	fclose(f);

	sum = verify(copy);
	EXPECT_ONE(JOURNAL_TORN, NREC, "incomplete (40 bytes, no newline)");
	CHECK_EQ(sum.torn, 1);
	CHECK_EQ(sum.records, NREC - 1);

	j = journal_open(copy, &scan, &sum, err, sizeof err);
	CHECK(j != NULL);
	if (j == NULL)
		return;
	CHECK_EQ(sum.torn, 1);
	append(j, "start", "kiosk", "BR001-K01");
	journal_close(j);

	sum = verify(copy);
	CHECK_EQ(sum.problems, 0);
	CHECK_EQ(sum.noted, 1);
	CHECK_EQ(nproblems, 1);
	CHECK(nproblems == 1 && problems[0].kind == JOURNAL_TORN_NOTED &&
	    problems[0].line == NREC);
	CHECK_EQ(sum.records, NREC + 1);
	CHECK(nseen == NREC + 1 && strcmp(seen[NREC - 1].event, "torn") == 0 &&
	    strcmp(journal_record_get(&seen[NREC - 1], "line"), "10") == 0 &&
	    strcmp(journal_record_get(&seen[NREC - 1], "bytes"), "40") == 0);
	/* The note takes the place of the record that was cut short. */
	CHECK_EQ(seen[NREC - 1].seq, NREC);
	CHECK_EQ(seen[NREC].seq, NREC + 1);
}

/* Damage earlier in the journal does not stop the kiosk, nor spread to new records. */
static void
test_damaged_then_appended(void)
{
	struct journal_summary sum;
	struct journal *j;
	char err[256];
	const char *copy;

	read_lines(path);
	copy = write_copy("damaged", (int[]){ 1, 2, 4, 5, 6, 7, 8, 9, 10, 0 });
	j = journal_open(copy, &scan, &sum, err, sizeof err);
	CHECK(j != NULL);
	if (j == NULL)
		return;
	CHECK_EQ(sum.problems, 1);
	append(j, "start", "kiosk", "BR001-K01");
	append(j, "stop", NULL, NULL);
	journal_close(j);
	sum = verify(copy);
	EXPECT_ONE(JOURNAL_DELETED, 3, "record 3 is missing");
	CHECK_EQ(sum.records, NREC + 1);
	CHECK_EQ(sum.last_seq, NREC + 2);
}

/* A write that fails (here: the file may not grow) stops the journal for good. */
static void
test_write_fails(void)
{
	struct journal_summary sum;
	struct rlimit old, lim;
	struct journal *j;
	struct stat st;
	char err[256], copy[160];

	snprintf(copy, sizeof copy, "%s/full", dir);
	j = journal_open(copy, NULL, &sum, err, sizeof err);
	CHECK(j != NULL);
	if (j == NULL)
		return;
	append(j, "start", "kiosk", "BR001-K01");
	CHECK(stat(copy, &st) == 0);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 20;
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	struct journal_record r;
	journal_record_init(&r, "dispense");
	journal_record_add(&r, "amount", "50000");
	CHECK(journal_append(j, &r) < 0);
	CHECK(journal_failed(j));
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	journal_record_init(&r, "stop");
	CHECK(journal_append(j, &r) < 0);
	journal_close(j);
	/* What reached the file is a torn record, found as such. */
	verify(copy);
	EXPECT_ONE(JOURNAL_TORN, 2, "incomplete (20 bytes, no newline)");
}

/* `kioskctl journal verify`: OK with the count, or FILE:LINE: kind: what and status 1. */
static void
test_kioskctl(const char *kioskctl)
{
	char cmd[512], out[2048];
	FILE *p;
	size_t n;
	int status;

	snprintf(cmd, sizeof cmd, "%s journal verify %s 2>&1", kioskctl, path);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	status = pclose(p);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(strstr(out, ": OK, 10 records, last 10 hash ") != NULL);

	snprintf(cmd, sizeof cmd, "%s journal verify %s/reordered 2>&1", kioskctl, dir);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	status = pclose(p);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	char want[256];
	snprintf(want, sizeof want, "%s/reordered:5: reordered: record 4 comes after record 5",
	    dir);
	CHECK(strstr(out, want) != NULL);
	if (strstr(out, want) == NULL)
		fprintf(stderr, "kioskctl said:\n%s", out);

	snprintf(cmd, sizeof cmd, "%s journal verify %s/torn 2>&1", kioskctl, dir);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	status = pclose(p);
	/* A torn record already noted is reported as a note, not as a fault. */
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(strstr(out, "torn:10: note: a record cut short") != NULL);

	snprintf(cmd, sizeof cmd, "%s journal verify %s/missing 2>&1", kioskctl, dir);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	status = pclose(p);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK(strstr(out, "No such file") != NULL);
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/journal", dir);

	test_write_and_read();
	test_tampering();
	test_torn();
	test_damaged_then_appended();
	test_write_fails();
	if (argc > 1)
		test_kioskctl(argv[1]);

	for (int i = 0; i < nlines; i++)
		free(lines[i]);
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, dir);
		return 1;
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	printf("ok\n");
	return 0;
}
