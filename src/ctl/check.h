/* kioskctl check: reads kiosk.yaml, its layouts and voice files and reports every problem. */
#ifndef CTL_CHECK_H
#define CTL_CHECK_H

#include <stdio.h>

#include "common/diag.h"
#include "config/config.h"
#include "config/layout.h"

/* argv[0] is "check"; then [--it-key FILE] (default KIOSK_IT_KEY) and the kiosk.yaml to
 * check (default ./kiosk.yaml).
 * Returns the exit status: 0 when all is well, 1 when problems were found, 2 on misuse. */
int ctl_check(int argc, char **argv);

/* check_speech.c: speech problems the kiosk survives by running screen-only, so that only
 * this check tells of them before deployment. A voice espeak-ng does not have is an error.
 * check_audio returns how many warnings it added to d (their messages start "warning: "):
 * an ALSA device that does not open is not an error, since a build machine has none. */
void check_voices(const struct kiosk_config *cfg, struct diag_list *d);
int check_audio(const struct kiosk_config *cfg, struct diag_list *d);

/* check_largeprint.c: the large print font (missing, or lines the kiosk skips) and a theme
 * that falls below 7:1 in the Linux console's colours. All warnings, since the kiosk
 * carries on with its bundled font and basic colours; returns how many it added to d. */
int check_large_print(const struct kiosk_config *cfg, struct diag_list *d);
/* Lines for stdout: whether a capital H at normal size and at each large print size is
 * tall enough at the declared viewing distance (EN 301 549 5.1.4), and the theme's
 * contrast. */
void report_large_print(const struct kiosk_config *cfg, FILE *out);

/* check_fkeys.c: items on F1..F8 whose key function_keys does not place, which the kiosk
 * lists with the other items. Warnings at the item's key; returns how many it added. */
int check_function_keys(const struct kiosk_config *cfg, const struct layout_set *set,
    struct diag_list *d);

/* check_keynames.c: texts naming a function's default key (describe_keys.yaml gives
 * each key's name) when keymap moved the function to another key. Warnings at each
 * text; returns how many it added. */
int check_key_names(const struct kiosk_config *cfg, const struct layout_set *set,
    struct diag_list *d);

/* check_sign.c: the signed manifest against IT's public key at it_key, as the kiosk
 * checks it at start. Each problem goes to d; the state for stdout to line: verified,
 * or unsigned mode where there is no key. */
void check_signature(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d,
    char *line, size_t linesz);

#endif
