/* At start: the configuration as branch IT signed it (docs/deploying.md), or no service.
 * Unsigned mode, without IT's public key, is for the demo and says so in the log. */
#ifndef KIOSK_SIGNED_H
#define KIOSK_SIGNED_H

#include "config/config.h"

struct diag_list;

/* 1 verified, 0 unsigned mode (no IT key at it_key), -1 refused: each reason in d. */
int signed_check(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d);

/* Logs the outcome of signed_check; for a refusal, shows and says out of service in
 * words of the kiosk's own (the layouts are what is not trusted), with speech to audio
 * ("alsa" unless the command line said otherwise: kiosk.yaml's is not trusted either),
 * until it has been said. */
void signed_report(int state, const struct diag_list *d, const char *it_key,
    const char *audio);

#endif
