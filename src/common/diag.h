/* Diagnostics for configuration: every error is kept with its file:line:column so that
 * branch IT sees all of them at once, not only the first. */
#ifndef COMMON_DIAG_H
#define COMMON_DIAG_H

#include <stdio.h>

struct diag {
	char *file;
	int line, column; /* 1-based; 0 when the error concerns the whole file */
	char *message;
};

struct diag_list {
	struct diag *items;
	int count, cap;
};

void diag_add(struct diag_list *l, const char *file, int line, int column,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Prints "file:line:column: message", one per line. */
void diag_print(const struct diag_list *l, FILE *out);
void diag_free(struct diag_list *l);

#endif
