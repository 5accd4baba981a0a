/* kioskctl: the branch IT tool. One verb per file. */
#include "ctl/check.h"
#include "ctl/ctl.h"
#include "ctl/journal.h"
#include "ctl/keygen.h"
#include "kiosk/registry.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *help;
} verbs[] = {
	{ "check", ctl_check, "check [--it-key F] [kiosk.yaml]  validate the configuration, layouts, signature" },
	{ "sign", ctl_sign, "sign --key IT.key [kiosk.yaml]  sign what customers see" },
	{ "keygen", ctl_keygen, "keygen [--dir D] [--force] [NAME...]  make Ed25519 key pairs" },
	{ "preview", ctl_preview, "preview SCREEN [--config F] [--lang L] [--large-print N] [--size CxR] [--theme T] [--wav F] [--out F]  show and say a screen with sample values" },
	{ "device", ctl_device, "device [--socket S] [LINE...]  act as the kiosk's hardware" },
	{ "reload", ctl_reload, "reload [--socket S | --config kiosk.yaml]  reread the configuration" },
	{ "demo", ctl_demo, "demo [--config kiosk.yaml]  start the demo bank and the kiosk" },
	{ "journal", ctl_journal, "journal verify [FILE]      check the electronic journal" },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: kioskctl VERB [ARGS]\n");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(out, "  kioskctl %s\n", verbs[i].help);
}

int
main(int argc, char **argv)
{
	registry_init(); /* the services' screens, for every verb that reads layouts */
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "kioskctl: libsodium failed to start\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kioskctl: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
