/* Everything a kiosk reads at start-up: kiosk.yaml, its layouts and its voice files. */
#ifndef CONFIG_SETUP_H
#define CONFIG_SETUP_H

#include "common/diag.h"
#include "config/config.h"
#include "config/layout.h"
#include "config/voice.h"

struct kiosk_setup {
	struct kiosk_config cfg;
	struct layout_set layouts;
	struct voice_set voices;
};

/* Loads kiosk.yaml, then the layouts and voice files when kiosk.yaml told enough (the
 * directories and the languages) to read them. Returns 0 when d got no diagnostic.
 * kiosk_setup_free must be called either way. */
int config_load_all(const char *path, struct kiosk_setup *s, struct diag_list *d);
void kiosk_setup_free(struct kiosk_setup *s);

#endif
