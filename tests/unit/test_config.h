/* Helpers shared by the configuration tests: a scratch copy of the shipped configuration
 * to break one piece at a time, and exact comparison of the diagnostics it produces. */
#ifndef TEST_CONFIG_H
#define TEST_CONFIG_H

#include "common/diag.h"

extern int test_failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		test_failures++; \
	} \
} while (0)
#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) { \
		fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		test_failures++; \
	} \
} while (0)

/* A fresh directory holding kiosk.yaml (the test's own, when base is not NULL, else the
 * shipped one), copies of the shipped layouts/ and voice/, a valid key pair under
 * var/keys (kiosk.key, adapter.pub) and an empty var/run. Returns its path (static
 * buffer, valid until the next call). */
const char *tc_setup(const char *base_kiosk_yaml);
/* Removes the directory made by tc_setup. */
void tc_cleanup(void);
/* Path inside the scratch directory (static buffer, rotates among four). */
const char *tc_path(const char *rel);
void tc_write(const char *rel, const char *content);
void tc_remove(const char *rel);
/* Replaces the first occurrence of old by new in a scratch file; fails the test (and
 * says so) when old is not there. */
void tc_replace(const char *rel, const char *old, const char *new_text);

/* Compares the diagnostics, as "file:line:column: message" with the scratch directory
 * written as "T", against expected (NULL-terminated), in any order. Prints the
 * differences under the name of the case. Returns 0 when they are equal. */
int tc_expect(const char *name, const struct diag_list *d, const char *const *expected);
/* config_load_all on the scratch kiosk.yaml, then tc_expect. */
int tc_expect_all(const char *name, const char *const *expected);
/* One edit of a fixture: replace old by new_text in rel, or write new_text as the whole
 * file when old is NULL, or remove rel when both are NULL. */
void tc_edit(const char *rel, const char *old, const char *new_text);
/* Loads the fixture's kiosk.yaml with everything it names and frees it all: for inputs
 * that must not crash, whatever they report. */
void tc_load_and_free(void);

#define DIAGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_DIAGS ((const char *const[]){ NULL })

#endif
