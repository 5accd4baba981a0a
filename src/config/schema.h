/* Checks shared by the readers of kiosk.yaml, layouts and voice files: key sets, types
 * and ranges, each problem reported with the position of the node at fault. Paths in
 * messages are dotted keys ("adapter.timeout_ms"), list entries counted from 1. */
#ifndef CONFIG_SCHEMA_H
#define CONFIG_SCHEMA_H

#include "common/diag.h"
#include "config/yaml_tree.h"

struct yctx {
	const char *file;
	struct diag_list *d;
	int errors;
};

void yerr(struct yctx *c, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "path: " for a non-empty path, "" otherwise, so that messages read well at top level. */
#define YPATH(p) ((p)[0] ? (p) : ""), ((p)[0] ? ": " : "")

/* Extends path with a key or a 1-based index into out. */
void ypath_key(char *out, size_t size, const char *path, const char *key);
void ypath_index(char *out, size_t size, const char *path, int index);

/* Reports unknown keys (with a suggestion), duplicate keys and missing required ones
 * (at the mapping), in one pass over the mapping when known has at most YMAP_KNOWN_MAX
 * names. Both lists are NULL-terminated; required may be NULL. Returns 0 when n is a mapping, -1
 * (reported) when it is not. */
#define YMAP_KNOWN_MAX 64
int ymap_check(struct yctx *c, const struct ynode *n, const char *path,
    const char *const *known, const char *const *required);
/* First value for key, NULL when absent. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);

int yexpect_mapping(struct yctx *c, const struct ynode *n, const char *path);
int yexpect_sequence(struct yctx *c, const struct ynode *n, const char *path);
/* A non-null scalar; *out gets a copy. */
int yget_string(struct yctx *c, const struct ynode *n, const char *path, char **out);
/* A whole number in [min, max]. */
int yget_int(struct yctx *c, const struct ynode *n, const char *path, long min, long max,
    long *out);
/* A decimal number in [min, max], such as 9.5 (no hex, inf or nan). */
int yget_number(struct yctx *c, const struct ynode *n, const char *path, double min,
    double max, double *out);
/* A plain true or false: nothing else, not even in quotes. */
int yget_bool(struct yctx *c, const struct ynode *n, const char *path, int *out);

/* The closest of candidates to s within a small edit distance, or NULL. */
const char *ysuggest(const char *s, const char *const *candidates);

#endif
