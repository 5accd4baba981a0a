/* Readers of kiosk.yaml's sections that live outside config.c, for read_root. */
#ifndef CONFIG_CONFIG_INT_H
#define CONFIG_CONFIG_INT_H

#include "config/config.h"
#include "config/schema.h"

/* function_keys.c: fills cfg->fkeys and cfg->where_fkeys from the function_keys node. */
void config_read_function_keys(struct yctx *c, struct kiosk_config *cfg,
    const struct ynode *n);

#endif
