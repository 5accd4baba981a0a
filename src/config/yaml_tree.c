#include "config/yaml_tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "common/util.h"

struct frame {
	struct ynode *node;
	struct ynode *key; /* mapping: the key waiting for its value */
};

struct builder {
	struct ydoc *doc;
	struct diag_list *d;
	struct frame stack[YTREE_MAX_DEPTH];
	int depth;
	int failed;
};

static void
ynode_free(struct ynode *n)
{
	if (n == NULL)
		return;
	free(n->value);
	for (int i = 0; i < n->nitems; i++)
		ynode_free(n->items[i]);
	free(n->items);
	for (int i = 0; i < n->npairs; i++) {
		ynode_free(n->pairs[i].key);
		ynode_free(n->pairs[i].value);
	}
	free(n->pairs);
	free(n);
}

static struct ynode *
ynode_new(enum ynode_type type, const yaml_mark_t *mark)
{
	struct ynode *n = xcalloc(1, sizeof *n);
	n->type = type;
	n->line = (int)mark->line + 1;
	n->column = (int)mark->column + 1;
	return n;
}

/* Hangs n under the innermost open node; the tree owns it from here on. */
static void
attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0) {
		if (b->doc->root == NULL)
			b->doc->root = n;
		else
			ynode_free(n);
		return;
	}
	struct frame *f = &b->stack[b->depth - 1];
	struct ynode *p = f->node;
	/* Lists and mappings grow by doubling, so that a long one is read in linear time. */
	if (p->type == YNODE_SEQUENCE) {
		if (p->nitems == p->capitems) {
			p->capitems = p->capitems ? p->capitems * 2 : 8;
			p->items = xrealloc(p->items, (size_t)p->capitems * sizeof *p->items);
		}
		p->items[p->nitems++] = n;
		return;
	}
	if (f->key == NULL) {
		if (n->type != YNODE_SCALAR) {
			diag_add(b->d, b->doc->file, n->line, n->column,
			    "a key must be a plain name, not %s", ynode_type_str(n));
			b->failed = 1;
		}
		f->key = n;
		return;
	}
	if (p->npairs == p->cappairs) {
		p->cappairs = p->cappairs ? p->cappairs * 2 : 8;
		p->pairs = xrealloc(p->pairs, (size_t)p->cappairs * sizeof *p->pairs);
	}
	p->pairs[p->npairs].key = f->key;
	p->pairs[p->npairs].value = n;
	p->npairs++;
	f->key = NULL;
}

static int
open_node(struct builder *b, enum ynode_type type, const yaml_mark_t *mark)
{
	struct ynode *n = ynode_new(type, mark);
	if (b->depth == YTREE_MAX_DEPTH) {
		diag_add(b->d, b->doc->file, n->line, n->column,
		    "nested too deeply (more than %d levels)", YTREE_MAX_DEPTH);
		ynode_free(n);
		return -1;
	}
	attach(b, n);
	b->stack[b->depth].node = n;
	b->stack[b->depth].key = NULL;
	b->depth++;
	return 0;
}

static void
add_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n = ynode_new(YNODE_SCALAR, &ev->start_mark);
	n->len = ev->data.scalar.length;
	n->value = xstrndup((const char *)ev->data.scalar.value, n->len);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (strlen(n->value) != n->len) {
		diag_add(b->d, b->doc->file, n->line, n->column,
		    "text contains a NUL character");
		b->failed = 1;
	}
	attach(b, n);
}

static void
syntax_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "cannot be parsed";

	if (p->error == YAML_READER_ERROR) {
		/* The reader has no mark of its own; the scanner's is the nearest. */
		if (p->problem_value != -1)
			diag_add(b->d, b->doc->file, (int)p->mark.line + 1,
			    (int)p->mark.column + 1, "invalid text: %s (byte 0x%02x at offset %zu)",
			    problem, p->problem_value & 0xff, p->problem_offset);
		else
			diag_add(b->d, b->doc->file, (int)p->mark.line + 1,
			    (int)p->mark.column + 1, "invalid text: %s (at offset %zu)",
			    problem, p->problem_offset);
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		diag_add(b->d, b->doc->file, 0, 0, "out of memory while reading");
		return;
	}
	if (p->context != NULL)
		diag_add(b->d, b->doc->file, (int)p->problem_mark.line + 1,
		    (int)p->problem_mark.column + 1, "syntax error: %s (%s at line %d column %d)",
		    problem, p->context, (int)p->context_mark.line + 1,
		    (int)p->context_mark.column + 1);
	else
		diag_add(b->d, b->doc->file, (int)p->problem_mark.line + 1,
		    (int)p->problem_mark.column + 1, "syntax error: %s", problem);
}

static void
close_frames(struct builder *b)
{
	/* Nodes are already attached to their parents or the root: only drop the keys
	 * still waiting for a value. */
	while (b->depth > 0) {
		struct frame *f = &b->stack[--b->depth];
		ynode_free(f->key);
		f->key = NULL;
	}
}

int
ydoc_load(struct ydoc *doc, const char *path, struct diag_list *d)
{
	struct builder b = { .doc = doc, .d = d };
	yaml_parser_t parser;
	yaml_event_t ev;
	int documents = 0, done = 0;

	memset(doc, 0, sizeof *doc);
	doc->file = xstrdup(path);
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return -2;
	/* A directory opens, and only its first read fails, with no reason libyaml keeps. */
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		errno = EISDIR;
		return -2;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		diag_add(d, path, 0, 0, "out of memory while reading");
		return -1;
	}
	yaml_parser_set_input_file(&parser, fp);

	while (!done && !b.failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&b, &parser);
			b.failed = 1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				diag_add(d, path, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1,
				    "only one document is allowed in a file");
				b.failed = 1;
			}
			break;
		case YAML_SCALAR_EVENT:
			add_scalar(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (open_node(&b, YNODE_SEQUENCE, &ev.start_mark) == -1)
				b.failed = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			if (open_node(&b, YNODE_MAPPING, &ev.start_mark) == -1)
				b.failed = 1;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth > 0) {
				struct frame *f = &b.stack[--b.depth];
				ynode_free(f->key); /* never set for a well-formed stream */
				f->key = NULL;
			}
			break;
		case YAML_ALIAS_EVENT:
			diag_add(d, path, (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1,
			    "aliases (*%s) are not supported: write the value out in full",
			    (const char *)ev.data.alias.anchor);
			b.failed = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	close_frames(&b);
	yaml_parser_delete(&parser);
	fclose(fp);
	if (b.failed) {
		ynode_free(doc->root);
		doc->root = NULL;
		return -1;
	}
	return 0;
}

void
ydoc_free(struct ydoc *doc)
{
	ynode_free(doc->root);
	free(doc->file);
	memset(doc, 0, sizeof *doc);
}

const char *
ynode_type_str(const struct ynode *n)
{
	if (n == NULL)
		return "nothing";
	switch (n->type) {
	case YNODE_SCALAR:
		return ynode_is_null(n) ? "nothing" : "a single value";
	case YNODE_SEQUENCE:
		return "a list";
	case YNODE_MAPPING:
		return "a mapping";
	}
	return "?";
}

int
ynode_is_null(const struct ynode *n)
{
	if (n->type != YNODE_SCALAR || !n->plain)
		return 0;
	return n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
	    strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}
