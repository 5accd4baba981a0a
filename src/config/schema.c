#include "config/schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
yerr(struct yctx *c, const struct ynode *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_add(c->d, c->file, n ? n->line : 0, n ? n->column : 0, "%s", msg);
	c->errors++;
}

void
ypath_key(char *out, size_t size, const char *path, const char *key)
{
	if (path[0] == '\0')
		snprintf(out, size, "%s", key);
	else
		snprintf(out, size, "%s.%s", path, key);
}

void
ypath_index(char *out, size_t size, const char *path, int index)
{
	snprintf(out, size, "%s%s%d", path, path[0] ? "." : "", index);
}

static int
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[64];

	if (la >= ARRAY_LEN(row) || lb >= ARRAY_LEN(row))
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
ysuggest(const char *s, const char *const *candidates)
{
	const char *best = NULL;
	int bestd = 3;

	for (; candidates != NULL && *candidates != NULL; candidates++) {
		int dist = edit_distance(s, *candidates);
		if (dist < bestd && (size_t)dist < strlen(*candidates)) {
			best = *candidates;
			bestd = dist;
		}
	}
	return best;
}

int
ymap_check(struct yctx *c, const struct ynode *n, const char *path,
    const char *const *known, const char *const *required)
{
	const struct ynode *first[YMAP_KNOWN_MAX] = {0}; /* per known key: where it was */
	char p[256];

	if (yexpect_mapping(c, n, path) == -1)
		return -1;
	for (int i = 0; i < n->npairs; i++) {
		const struct ynode *k = n->pairs[i].key;
		int at = 0;
		while (known[at] != NULL && strcmp(known[at], k->value) != 0)
			at++;
		ypath_key(p, sizeof p, path, k->value);
		if (known[at] == NULL) {
			const char *s = ysuggest(k->value, known);
			if (s != NULL)
				yerr(c, k, "%s: unknown key (did you mean \"%s\"?)", p, s);
			else
				yerr(c, k, "%s: unknown key", p);
			continue;
		}
		const struct ynode *dup = at < YMAP_KNOWN_MAX ? first[at] : NULL;
		for (int j = 0; at >= YMAP_KNOWN_MAX && dup == NULL && j < i; j++)
			if (strcmp(n->pairs[j].key->value, k->value) == 0)
				dup = n->pairs[j].key;
		if (dup != NULL)
			yerr(c, k, "%s: duplicate key (first at line %d)", p, dup->line);
		else if (at < YMAP_KNOWN_MAX)
			first[at] = k;
	}
	for (; required != NULL && *required != NULL; required++)
		if (ymap_get(n, *required) == NULL)
			yerr(c, n, "%s%smissing required key \"%s\"", YPATH(path), *required);
	return 0;
}

const struct ynode *
ymap_get(const struct ynode *map, const char *key)
{
	if (map == NULL || map->type != YNODE_MAPPING)
		return NULL;
	for (int i = 0; i < map->npairs; i++)
		if (strcmp(map->pairs[i].key->value, key) == 0)
			return map->pairs[i].value;
	return NULL;
}

int
yexpect_mapping(struct yctx *c, const struct ynode *n, const char *path)
{
	if (n->type == YNODE_MAPPING)
		return 0;
	yerr(c, n, "%s%sexpected a mapping, found %s", YPATH(path), ynode_type_str(n));
	return -1;
}

int
yexpect_sequence(struct yctx *c, const struct ynode *n, const char *path)
{
	if (n->type == YNODE_SEQUENCE)
		return 0;
	yerr(c, n, "%s%sexpected a list, found %s", YPATH(path), ynode_type_str(n));
	return -1;
}

int
yget_string(struct yctx *c, const struct ynode *n, const char *path, char **out)
{
	if (n->type != YNODE_SCALAR || ynode_is_null(n)) {
		yerr(c, n, "%s%sexpected a string, found %s", YPATH(path), ynode_type_str(n));
		return -1;
	}
	if (n->len == 0) {
		yerr(c, n, "%s%smust not be empty", YPATH(path));
		return -1;
	}
	free(*out);
	*out = xstrdup(n->value);
	return 0;
}

int
yget_int(struct yctx *c, const struct ynode *n, const char *path, long min, long max,
    long *out)
{
	char *end;
	long v;

	if (n->type != YNODE_SCALAR || ynode_is_null(n)) {
		yerr(c, n, "%s%sexpected a whole number, found %s", YPATH(path),
		    ynode_type_str(n));
		return -1;
	}
	errno = 0;
	v = strtol(n->value, &end, 10);
	if (!(isdigit((unsigned char)n->value[0]) || n->value[0] == '-') || *end != '\0' ||
	    errno == ERANGE) {
		yerr(c, n, "%s%sexpected a whole number, found \"%s\"", YPATH(path), n->value);
		return -1;
	}
	if (v < min || v > max) {
		yerr(c, n, "%s%s%ld is out of range (%ld..%ld)", YPATH(path), v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
yget_number(struct yctx *c, const struct ynode *n, const char *path, double min, double max,
    double *out)
{
	char *end;
	double v;

	if (n->type != YNODE_SCALAR || ynode_is_null(n)) {
		yerr(c, n, "%s%sexpected a number, found %s", YPATH(path), ynode_type_str(n));
		return -1;
	}
	/* strtod also takes 0x1p3, inf and nan, which no one means in kiosk.yaml. */
	errno = 0;
	v = strtod(n->value, &end);
	if (n->value[strspn(n->value, "0123456789.-+eE")] != '\0' ||
	    !(isdigit((unsigned char)n->value[0]) || n->value[0] == '-' || n->value[0] == '.') ||
	    end == n->value || *end != '\0' || errno == ERANGE) {
		yerr(c, n, "%s%sexpected a number, found \"%s\"", YPATH(path), n->value);
		return -1;
	}
	if (v < min || v > max) {
		yerr(c, n, "%s%s%s is out of range (%g..%g)", YPATH(path), n->value, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
yget_bool(struct yctx *c, const struct ynode *n, const char *path, int *out)
{
	/* YAML 1.1 also reads yes, no, on and off as booleans, and other readers of these
	 * files would disagree on them: only the two words the documentation names. */
	if (n->type == YNODE_SCALAR && n->plain &&
	    (strcmp(n->value, "true") == 0 || strcmp(n->value, "false") == 0)) {
		*out = n->value[0] == 't';
		return 0;
	}
	if (n->type == YNODE_SCALAR && !n->plain &&
	    (strcmp(n->value, "true") == 0 || strcmp(n->value, "false") == 0))
		yerr(c, n, "%s%sexpected true or false without quotes, found the text \"%s\"",
		    YPATH(path), n->value);
	else if (n->type == YNODE_SCALAR && !ynode_is_null(n))
		yerr(c, n, "%s%sexpected true or false, found \"%s\"", YPATH(path), n->value);
	else
		yerr(c, n, "%s%sexpected true or false, found %s", YPATH(path), ynode_type_str(n));
	return -1;
}
