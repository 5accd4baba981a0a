/*
 * kioskctl journal verify [FILE]: reads the electronic journal and reports every
 * deleted, reordered, edited or torn record as FILE:LINE: kind: what. Without FILE,
 * the journal named by ./kiosk.yaml.
 */
#include "ctl/journal.h"

#include "common/diag.h"
#include "config/config.h"
#include "journal/journal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct verify_out {
	const char *path;
};

static void
print_problem(void *arg, long line, enum journal_problem p, const char *what)
{
	const struct verify_out *o = arg;

	/* A torn record the kiosk has already noted is history, not a fault. */
	fprintf(p == JOURNAL_TORN_NOTED ? stdout : stderr, "%s:%ld: %s: %s\n", o->path, line,
	    journal_problem_to_str(p), what);
}

static int
usage(void)
{
	fprintf(stderr, "usage: kioskctl journal verify [FILE]\n");
	return 2;
}

int
ctl_journal(int argc, char **argv)
{
	struct journal_summary sum;
	struct kiosk_config cfg = {0};
	struct diag_list d = {0};
	char err[512], hex[JOURNAL_HASH_LEN * 2 + 1];
	const char *path;
	int rv;

	if (argc < 2 || argc > 3 || strcmp(argv[1], "verify") != 0 ||
	    (argc == 3 && argv[2][0] == '-'))
		return usage();
	if (argc == 3)
		path = argv[2];
	else {
		/* kiosk.yaml need not be valid as a whole to say where its journal is. */
		config_load("kiosk.yaml", &cfg, &d);
		diag_free(&d);
		path = cfg.journal != NULL ? cfg.journal : "var/journal";
	}
	struct verify_out o = { path };
	struct journal_scan scan = { NULL, print_problem, &o };
	if (journal_verify_file(path, &scan, &sum, err, sizeof err) < 0) {
		fprintf(stderr, "kioskctl journal: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	if (sum.problems > 0) {
		fprintf(stderr, "%s: %d problem%s in %llu records\n", path, sum.problems,
		    sum.problems == 1 ? "" : "s", (unsigned long long)sum.records);
		rv = 1;
	} else {
		/* The last hash, kept elsewhere, is what shows a journal cut short. */
		printf("%s: OK, %llu records, last %llu hash %s\n", path,
		    (unsigned long long)sum.records, (unsigned long long)sum.last_seq,
		    sodium_bin2hex(hex, sizeof hex, sum.last_hash, JOURNAL_HASH_LEN));
		rv = 0;
	}
	config_free(&cfg);
	return rv;
}
