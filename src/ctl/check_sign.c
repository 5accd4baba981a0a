/* The signature state of a configuration, as the kiosk finds it at start. */
#include "ctl/check.h"

#include <stdio.h>

#include "config/manifest.h"

void
check_signature(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d,
    char *line, size_t linesz)
{
	char id[17];
	int n;

	switch (manifest_check(cfg, it_key, d, &n, id)) {
	case 0:
		snprintf(line, linesz, "signature: unsigned mode, no IT public key at %s: the "
		    "kiosk starts without verifying these files (for a demo only)", it_key);
		break;
	case 1:
		snprintf(line, linesz, "signature: %d files verified against IT key %s... (%s)",
		    n, id, it_key);
		break;
	default:
		break;
	}
}
