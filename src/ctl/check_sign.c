/* The signature state of a configuration, as the kiosk finds it at start. */
#include "ctl/check.h"

#include <stdio.h>

#include "config/manifest.h"

void
check_signature(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d,
    char *line, size_t linesz)
{
	unsigned char pk[MANIFEST_PK_LEN];
	char err[256], id[17];

	switch (manifest_trusted_key(it_key, pk, err, sizeof err)) {
	case 0:
		snprintf(line, linesz, "signature: unsigned mode, no IT public key at %s: the "
		    "kiosk starts without verifying these files (for a demo only)", it_key);
		return;
	case 1:
		break;
	default:
		diag_add(d, it_key, 1, 1, "%s", err);
		return;
	}
	int n = manifest_verify(cfg, pk, d);
	manifest_key_id(pk, id);
	if (n >= 0)
		snprintf(line, linesz, "signature: %d files verified against IT key %s... (%s)",
		    n, id, it_key);
}
