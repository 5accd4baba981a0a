/*
 * kioskctl keygen [--dir DIR] [--force] [NAME...]
 *
 * Writes DIR/NAME.key (secret, 0600) and DIR/NAME.pub for each NAME, by default the
 * pair the demo needs: "kiosk" (pinned by the adapter) and "adapter" (pinned by the
 * kiosk, which also seals PINs to it).
 */
#include "ctl/keygen.h"

#include "kiosk/proto.h"

#include <sys/stat.h>

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define KEYGEN_DEFAULT_DIR "var/keys"
#define KEYGEN_MAX_NAMES 32

static void
keygen_usage(FILE *out)
{
	fprintf(out,
	    "usage: kioskctl keygen [--dir DIR] [--force] [NAME...]\n"
	    "  Writes DIR/NAME.key (Ed25519 secret key, mode 0600) and DIR/NAME.pub.\n"
	    "  --dir DIR   where to write (default %s, created with mode 0700)\n"
	    "  --force     replace existing key files\n"
	    "  NAME        default: kiosk adapter\n"
	    "  The kiosk pins adapter.pub; kiosk-bankd pins kiosk.pub.\n",
	    KEYGEN_DEFAULT_DIR);
}

/* mkdir -p; the last component gets 0700 because it will hold secret keys. */
static int
keygen_mkdir(const char *dir)
{
	char path[4096];
	struct stat st;
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof path) {
		fprintf(stderr, "kioskctl keygen: %s: bad directory\n", dir);
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "kioskctl keygen: %s: %s\n", path, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "kioskctl keygen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kioskctl keygen: %s: not a directory\n", path);
		return -1;
	}
	if ((st.st_mode & 077) != 0)
		fprintf(stderr, "kioskctl keygen: warning: %s is accessible by others "
		    "(mode %04o); the .key files themselves are 0600\n", path,
		    (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Without --force, refuse before writing anything so a run never half succeeds. */
static int
keygen_check_free(const char *dir, char **names, int n)
{
	static const char *exts[] = { "key", "pub" };
	char path[4096];
	struct stat st;
	int taken = 0;

	for (int i = 0; i < n; i++) {
		for (size_t e = 0; e < 2; e++) {
			snprintf(path, sizeof path, "%s/%s.%s", dir, names[i], exts[e]);
			if (lstat(path, &st) == 0) {
				fprintf(stderr, "kioskctl keygen: %s already exists\n", path);
				taken++;
			}
		}
	}
	if (taken > 0)
		fprintf(stderr, "kioskctl keygen: nothing written; use --force to replace "
		    "existing keys (anything that pinned the old public keys must be "
		    "updated)\n");
	return taken > 0 ? -1 : 0;
}

static void
keygen_report(const char *dir, const char *name)
{
	unsigned char pk[KPROTO_PK_LEN];
	char path[4096], err[512], hex[KPROTO_PK_LEN * 2 + 1];

	snprintf(path, sizeof path, "%s/%s.pub", dir, name);
	if (kproto_key_load_public(path, pk, err, sizeof err) != KPROTO_OK) {
		fprintf(stderr, "kioskctl keygen: %s\n", err);
		return;
	}
	sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
	printf("wrote %s/%s.key (secret key, mode 0600)\n", dir, name);
	printf("wrote %s/%s.pub (public key %.16s...)\n", dir, name, hex);
}

int
ctl_keygen(int argc, char **argv)
{
	static char *default_names[] = { "kiosk", "adapter" };
	char *names[KEYGEN_MAX_NAMES], err[512];
	const char *dir = KEYGEN_DEFAULT_DIR;
	int force = 0, n = 0, i, only_names = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!only_names && strcmp(a, "--") == 0)
			only_names = 1;
		else if (!only_names && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			keygen_usage(stdout);
			return 0;
		} else if (!only_names && (strcmp(a, "--force") == 0 || strcmp(a, "-f") == 0))
			force = 1;
		else if (!only_names && strcmp(a, "--dir") == 0) {
			if (++i >= argc) {
				fprintf(stderr, "kioskctl keygen: --dir needs a directory\n");
				return 2;
			}
			dir = argv[i];
		} else if (!only_names && strncmp(a, "--dir=", 6) == 0)
			dir = a + 6;
		else if (!only_names && a[0] == '-') {
			fprintf(stderr, "kioskctl keygen: unknown option %s\n", a);
			keygen_usage(stderr);
			return 2;
		} else if (n == KEYGEN_MAX_NAMES) {
			fprintf(stderr, "kioskctl keygen: too many names\n");
			return 2;
		} else
			names[n++] = argv[i];
	}
	if (n == 0) {
		names[0] = default_names[0];
		names[1] = default_names[1];
		n = 2;
	}
	for (i = 0; i < n; i++) {
		/* Names become file names: keep them to one plain path component. */
		if (names[i][0] == '\0' || names[i][0] == '.' || strchr(names[i], '/') != NULL) {
			fprintf(stderr, "kioskctl keygen: %s: bad key name\n", names[i]);
			return 2;
		}
		for (int j = 0; j < i; j++) {
			if (strcmp(names[i], names[j]) == 0) {
				fprintf(stderr, "kioskctl keygen: %s given twice\n", names[i]);
				return 2;
			}
		}
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "kioskctl keygen: libsodium failed to start\n");
		return 1;
	}
	if (keygen_mkdir(dir) < 0)
		return 1;
	if (!force && keygen_check_free(dir, names, n) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (kproto_keypair_generate_files(dir, names[i], force, err, sizeof err) !=
		    KPROTO_OK) {
			fprintf(stderr, "kioskctl keygen: %s\n", err);
			return 1;
		}
		keygen_report(dir, names[i]);
	}
	return 0;
}
