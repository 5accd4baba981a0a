#include "config/setup.h"

#include <string.h>
#include <sys/stat.h>

static int
is_dir(const char *path)
{
	struct stat st;
	return path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
config_load_all(const char *path, struct kiosk_setup *s, struct diag_list *d)
{
	int before = d->count;

	memset(s, 0, sizeof *s);
	config_load(path, &s->cfg, d);
	/* Without languages every text would be reported as missing them: say nothing then. */
	if (s->cfg.nlanguages > 0 && is_dir(s->cfg.layouts_dir))
		layouts_load(&s->cfg, &s->layouts, d);
	if (s->cfg.nlanguages > 0 && is_dir(s->cfg.voice_dir))
		voices_load(&s->cfg, &s->voices, d);
	return d->count == before ? 0 : -1;
}

void
kiosk_setup_free(struct kiosk_setup *s)
{
	layouts_free(&s->layouts);
	voices_free(&s->voices);
	config_free(&s->cfg);
}
