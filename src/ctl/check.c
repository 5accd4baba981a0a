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
	const char *path = "kiosk.yaml", *it_key = KIOSK_IT_KEY;
	struct diag_list d = {0};
	struct kiosk_setup s;
	char signature[512] = "";
	int warnings = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--it-key") == 0 && i + 1 < argc) {
			it_key = argv[++i];
		} else if (argv[i][0] != '-' && i == argc - 1) {
			path = argv[i];
		} else {
			fprintf(stderr, "usage: kioskctl check [--it-key FILE] [kiosk.yaml]\n");
			return 2;
		}
	}
	config_load_all(path, &s, &d);
	/* Without speech settings kiosk.yaml was not read far enough to check them. */
	if (s.cfg.nspeech > 0) {
		check_voices(&s.cfg, &d);
		warnings = check_audio(&s.cfg, &d);
		warnings += check_large_print(&s.cfg, &d);
	}
	warnings += check_function_keys(&s.cfg, &s.layouts, &d);
	warnings += check_key_names(&s.cfg, &s.layouts, &d);
	/* Only a configuration that reads can be matched against its manifest. */
	if (d.count == warnings)
		check_signature(&s.cfg, it_key, &d, signature, sizeof signature);
	print_sorted(&d, stderr);
	if (d.count > warnings) {
		kiosk_setup_free(&s);
		diag_free(&d);
		return 1;
	}
	report_large_print(&s.cfg, stdout);
	printf("%s\n", signature);
	printf("%s: OK, %d screens, %d languages\n", path, s.layouts.nscreens, s.cfg.nlanguages);
	kiosk_setup_free(&s);
	diag_free(&d);
	return 0;
}
