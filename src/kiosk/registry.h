/* The registry (registry.c): every state the kiosk has, in one list. */
#ifndef KIOSK_REGISTRY_H
#define KIOSK_REGISTRY_H

#include "kiosk/state.h"

/* Registers the services' screens and messages with the layout contract: before any
 * configuration is read. Safe to call again. */
void registry_init(void);
int state_count(void);
const struct state_def *state_at(int i);
const struct state_def *state_by_name(const char *name);
/* The state that shows screen id, or NULL. */
const struct state_def *state_by_screen(enum screen_id id);
/* A menu item's goto: the state showing that screen, through its start hook. */
void state_goto(struct kiosk *k, const char *screen);

#endif
