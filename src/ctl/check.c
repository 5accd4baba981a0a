#include "ctl/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/util.h"
#include "config/setup.h"

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = *(const struct diag *const *)a, *y = *(const struct diag *const *)b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x < y ? -1 : x > y; /* keep the order they were found in */
}

static void
print_sorted(const struct diag_list *d, FILE *out)
{
	const struct diag **v = xcalloc((size_t)d->count + 1, sizeof *v);

	for (int i = 0; i < d->count; i++)
		v[i] = &d->items[i];
	qsort(v, (size_t)d->count, sizeof *v, diag_cmp);
	for (int i = 0; i < d->count; i++)
		fprintf(out, "%s:%d:%d: %s\n", v[i]->file, v[i]->line, v[i]->column,
		    v[i]->message);
	free(v);
}

int
ctl_check(int argc, char **argv)
{
	const char *path = "kiosk.yaml";
	struct diag_list d = {0};
	struct kiosk_setup s;
	int warnings = 0;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: kioskctl check [kiosk.yaml]\n");
		return 2;
	}
	if (argc == 2)
		path = argv[1];
	config_load_all(path, &s, &d);
	/* Without speech settings kiosk.yaml was not read far enough to check them. */
	if (s.cfg.nspeech > 0) {
		check_voices(&s.cfg, &d);
		warnings = check_audio(&s.cfg, &d);
		warnings += check_large_print(&s.cfg, &d);
	}
	warnings += check_function_keys(&s.cfg, &s.layouts, &d);
	print_sorted(&d, stderr);
	if (d.count > warnings) {
		kiosk_setup_free(&s);
		diag_free(&d);
		return 1;
	}
	report_large_print(&s.cfg, stdout);
	printf("%s: OK, %d screens, %d languages\n", path, s.layouts.nscreens, s.cfg.nlanguages);
	kiosk_setup_free(&s);
	diag_free(&d);
	return 0;
}
