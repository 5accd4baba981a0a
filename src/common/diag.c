#include "common/diag.h"

#include "common/util.h"

#include <stdarg.h>
#include <stdlib.h>

void
diag_add(struct diag_list *l, const char *file, int line, int column, const char *fmt, ...)
{
	struct strbuf b = {0};
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	strbuf_add(&b, msg);
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, (size_t)l->cap * sizeof *l->items);
	}
	struct diag *d = &l->items[l->count++];
	d->file = xstrdup(file ? file : "?");
	d->line = line;
	d->column = column;
	d->message = strbuf_take(&b);
}

void
diag_print(const struct diag_list *l, FILE *out)
{
	for (int i = 0; i < l->count; i++) {
		const struct diag *d = &l->items[i];
		fprintf(out, "%s:%d:%d: %s\n", d->file, d->line, d->column, d->message);
	}
}

void
diag_free(struct diag_list *l)
{
	for (int i = 0; i < l->count; i++) {
		free(l->items[i].file);
		free(l->items[i].message);
	}
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}
