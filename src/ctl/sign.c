/* kioskctl sign: signs kiosk.yaml, its layouts and voice files with branch IT's key, once
 * the configuration reads without an error, so that a kiosk verifying the manifest runs
 * exactly what was checked and signed. */
#include "ctl/ctl.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/diag.h"
#include "config/manifest.h"
#include "config/setup.h"
#include "kiosk/proto.h"

static int
usage(void)
{
	fprintf(stderr, "usage: kioskctl sign --key IT.key [kiosk.yaml]\n"
	    "  Writes kiosk.manifest beside kiosk.yaml: the SHA-256 of kiosk.yaml and of\n"
	    "  every layout and voice file, signed with branch IT's Ed25519 key (made by\n"
	    "  kioskctl keygen NAME). The kiosk verifies it with the public key at\n"
	    "  " KIOSK_IT_KEY ".\n");
	return 2;
}

int
ctl_sign(int argc, char **argv)
{
	const char *path = "kiosk.yaml", *keyfile = NULL;
	struct diag_list d = {0};
	struct kiosk_setup s;
	char err[256], id[17];
	int rv = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (argv[i][0] != '-' && i == argc - 1)
			path = argv[i];
		else
			return usage();
	}
	if (keyfile == NULL)
		return usage();
	unsigned char *sk = sodium_malloc(KPROTO_SK_LEN);
	if (sk == NULL || kproto_key_load_secret(keyfile, sk, err, sizeof err) != KPROTO_OK) {
		fprintf(stderr, "kioskctl sign: %s\n", sk == NULL ? "out of protected memory" : err);
		sodium_free(sk);
		return 1;
	}
	if (config_load_all(path, &s, &d) != 0) {
		diag_print(&d, stderr);
		fprintf(stderr, "kioskctl sign: %s has errors (kioskctl check %s): not signed\n",
		    path, path);
		goto out;
	}
	int n = manifest_sign(&s.cfg, sk, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "kioskctl sign: %s: not signed\n", err);
		goto out;
	}
	char *mpath = manifest_path(&s.cfg);
	manifest_key_id(sk + 32, id);
	printf("%s: %d files signed with key %s...\n", mpath, n, id);
	free(mpath);
	rv = 0;
out:
	sodium_free(sk);
	kiosk_setup_free(&s);
	diag_free(&d);
	return rv;
}
