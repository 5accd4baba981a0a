/* The checks every C unit test uses: a failed check is reported with its place and
 * counted, and the test goes on so that one run shows every failure. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		failures++; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		fprintf(stderr, "%s:%d: %s is %lld, expected %s (%lld)\n", __FILE__, \
		    __LINE__, #a, a_, #b, b_); \
		failures++; \
	} \
} while (0)

#endif
