/* A YAML file as a small tree of scalars, sequences and mappings, each node with the
 * 1-based line and column where it starts. Aliases, several documents and nesting deeper
 * than YTREE_MAX_DEPTH are reported as errors rather than followed. */
#ifndef CONFIG_YAML_TREE_H
#define CONFIG_YAML_TREE_H

#include <stddef.h>

#include "common/diag.h"

#define YTREE_MAX_DEPTH 32

enum ynode_type { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING };

struct ynode;

struct ypair {
	struct ynode *key, *value;
};

struct ynode {
	enum ynode_type type;
	int line, column;
	char *value;		/* scalar text, NUL-terminated */
	size_t len;
	int plain;		/* unquoted scalar: may be null, a number or a boolean */
	struct ynode **items;	/* sequence */
	int nitems, capitems;
	struct ypair *pairs;	/* mapping, in file order */
	int npairs, cappairs;
};

struct ydoc {
	char *file;
	struct ynode *root;	/* NULL for an empty file or when the file could not be read */
};

/* Reads path. Errors go to d with file as their file name; on an error the tree is
 * dropped (root NULL). Returns 0 when the file was read without error, -1 otherwise,
 * -2 when the file could not be opened or is a directory (errno kept, EISDIR for a
 * directory; nothing added to d). */
int ydoc_load(struct ydoc *doc, const char *path, struct diag_list *d);
void ydoc_free(struct ydoc *doc);

const char *ynode_type_str(const struct ynode *n);
/* A plain "", "~" or "null". */
int ynode_is_null(const struct ynode *n);

#endif
