/* Reading per-language texts and checking their placeholders; shared by the layout and
 * voice readers. */
#ifndef CONFIG_TEXT_H
#define CONFIG_TEXT_H

#include "config/config.h"
#include "config/layout.h"
#include "config/schema.h"

/* "zh", "en", "yue", "pt-BR": what a kiosk.yaml or layout may name as a language. */
int lang_code_valid(const char *s);

/* Checks the {placeholders} of s (from node n, reported as path) against allowed
 * (NULL-terminated, may be NULL); owner names where they are used ("screen menu").
 * Returns the number of problems reported. */
int text_check_placeholders(struct yctx *c, const struct ynode *n, const char *path,
    const char *s, const char *const *allowed, const char *owner);
/* Whether s uses {name}. */
int text_has_placeholder(const char *s, const char *name);

/* Reads a text: a mapping language -> string or {show, say}. Needs an entry for every
 * language cfg offers; checks placeholders and the width of shown lines. */
int ltext_parse(struct yctx *c, const struct ynode *n, const char *path,
    const struct kiosk_config *cfg, const char *const *allowed, const char *owner,
    struct ltext *out);
void ltext_free(struct ltext *t);

#endif
