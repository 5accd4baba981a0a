/* Reload between customers: SIGHUP or the device channel's "reload" line rereads, checks
 * and verifies the configuration; the new set takes effect at the next welcome screen
 * (docs/deploying.md, "Reload"). */
#ifndef KIOSK_RELOAD_H
#define KIOSK_RELOAD_H

struct kiosk;

/* Reads kiosk.yaml, its layouts and voice files anew and verifies them as at start. A
 * refused set is logged by name and dropped; an accepted one waits for the welcome
 * screen, or takes effect at once when the kiosk stands idle at it. */
void kiosk_reload(struct kiosk *k);

/* At the welcome screen: the set waiting, if any, replaces the running one. */
void reload_apply(struct kiosk *k);

/* Frees a set still waiting, at stop. */
void reload_forget(struct kiosk *k);

#endif
