/*
 * The signed manifest: signed files verify; a changed, extra or missing file, a manifest
 * signed by another key, cut short, altered, or naming a path outside the configuration
 * is refused by name; IT's public key must be root's. Then the real kioskctl sign and
 * check on the same cases.
 * Usage: test_manifest PATH-TO-kioskctl
 */
#include "test_config.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "config/config.h"
#include "config/manifest.h"
#include "kiosk/proto.h"

static unsigned char it_sk[MANIFEST_SK_LEN], it_pk[MANIFEST_PK_LEN];
static unsigned char other_sk[MANIFEST_SK_LEN], other_pk[MANIFEST_PK_LEN];
static const char *kioskctl;

/* Signs the scratch configuration with sk and returns its number of files. */
static int
sign(const unsigned char *sk)
{
	struct kiosk_config cfg;
	struct diag_list d = {0};
	char err[256] = "";

	config_load(tc_path("kiosk.yaml"), &cfg, &d);
	int n = manifest_sign(&cfg, sk, err, sizeof err);
	if (n < 0)
		fprintf(stderr, "sign: %s\n", err);
	config_free(&cfg);
	diag_free(&d);
	return n;
}

/* Verifies the scratch configuration against IT's key; its problems must be expected. */
static int
verify(const char *name, const char *const *expected)
{
	struct kiosk_config cfg;
	struct diag_list d = {0}, vd = {0};

	config_load(tc_path("kiosk.yaml"), &cfg, &d);
	int n = manifest_verify(&cfg, it_pk, &vd);
	CHECK(tc_expect(name, &vd, expected) == 0);
	config_free(&cfg);
	diag_free(&d);
	diag_free(&vd);
	return n;
}

static void
test_verified(void)
{
	tc_setup(NULL);
	int n = sign(it_sk);
	CHECK(n == 1 + 38 + 2); /* kiosk.yaml, the shipped layouts, zh and en */
	CHECK(verify("verified", NO_DIAGS) == n);
	tc_cleanup();
}

static void
test_files_changed(void)
{
	tc_setup(NULL);
	CHECK(sign(it_sk) > 0);
	tc_replace("layouts/pin.yaml", "PIN", "PIN and then tell it to the person beside you");
	tc_write("voice/fr.yaml", "language: fr\n");
	tc_remove("layouts/wait.yaml");
	CHECK(verify("changed", DIAGS(
	    "T/layouts/pin.yaml:1:1: changed since it was signed (T/kiosk.manifest:22): refused",
	    "T/voice/fr.yaml:1:1: an extra file, not in the signed manifest T/kiosk.manifest: "
	    "refused",
	    "T/kiosk.manifest:39:1: layouts/wait.yaml: signed but missing: refused")) == -1);

	/* kiosk.yaml itself is signed too. */
	tc_setup(NULL);
	CHECK(sign(it_sk) > 0);
	tc_replace("kiosk.yaml", "idle: 60", "idle: 61");
	CHECK(verify("kiosk.yaml", DIAGS("T/kiosk.yaml:1:1: changed since it was signed "
	    "(T/kiosk.manifest:3): refused")) == -1);
	tc_cleanup();
}

static void
test_manifest_itself(void)
{
	char *m;
	size_t len;

	tc_setup(NULL);
	CHECK(verify("unsigned", DIAGS("T/kiosk.manifest:1:1: missing: these files are not "
	    "signed (kioskctl sign)")) == -1);

	CHECK(sign(other_sk) > 0);
	char want[256], have[17], trusted[17];
	manifest_key_id(other_pk, have);
	manifest_key_id(it_pk, trusted);
	snprintf(want, sizeof want, "T/kiosk.manifest:1:1: signed by another key (%s...), "
	    "not branch IT's (%s...): refused", have, trusted);
	CHECK(verify("other key", DIAGS(want)) == -1);

	/* Cut short anywhere: the signature line is gone or incomplete. */
	CHECK(sign(it_sk) > 0);
	FILE *f = fopen(tc_path("kiosk.manifest"), "r");
	m = xmalloc(65536);
	len = fread(m, 1, 65535, f);
	fclose(f);
	CHECK(truncate(tc_path("kiosk.manifest"), (off_t)(len - 40)) == 0);
	CHECK(verify("cut short", DIAGS("T/kiosk.manifest:1:1: cut short or not signed: its "
	    "last line must be its signature (kioskctl sign)")) == -1);
	CHECK(truncate(tc_path("kiosk.manifest"), (off_t)(len / 2)) == 0);
	CHECK(verify("cut in half", DIAGS("T/kiosk.manifest:1:1: cut short or not signed: its "
	    "last line must be its signature (kioskctl sign)")) == -1);

	/* A hash edited to match an edited file: the signature no longer matches. */
	m[len] = '\0';
	char *h = strstr(m, " layouts/pin.yaml") - 64;
	h[0] = h[0] == 'a' ? 'b' : 'a';
	tc_write("kiosk.manifest", m);
	CHECK(verify("altered", DIAGS("T/kiosk.manifest:1:1: its signature does not match its "
	    "contents: changed after it was signed, refused")) == -1);
	free(m);

	/* Signed by IT's own key, yet naming a path elsewhere: refused before it is read. */
	struct strbuf b = {0};
	unsigned char sig[crypto_sign_BYTES];
	char hex[129];
	strbuf_add(&b, "kiosk-manifest 1\nsigner ");
	strbuf_add(&b, sodium_bin2hex(hex, sizeof hex, it_pk, sizeof it_pk));
	strbuf_add(&b, "\nsha256 ");
	strbuf_add(&b, "0000000000000000000000000000000000000000000000000000000000000000");
	strbuf_add(&b, " layouts/../../../etc/passwd\n");
	crypto_sign_detached(sig, NULL, (const unsigned char *)b.s, b.len, it_sk);
	strbuf_addf(&b, "signature %s\n", sodium_bin2hex(hex, sizeof hex, sig, sizeof sig));
	tc_write("kiosk.manifest", b.s);
	strbuf_free(&b);
	struct kiosk_config cfg;
	struct diag_list d = {0}, vd = {0};
	config_load(tc_path("kiosk.yaml"), &cfg, &d);
	CHECK(manifest_verify(&cfg, it_pk, &vd) == -1);
	int outside = 0, extra = 0;
	for (int i = 0; i < vd.count; i++) {
		outside += strstr(vd.items[i].message, "layouts/../../../etc/passwd: a path "
		    "outside the configuration") != NULL && vd.items[i].line == 3;
		extra += strstr(vd.items[i].message, "an extra file") != NULL;
	}
	CHECK(outside == 1);
	CHECK(extra == 1 + 38 + 2); /* nothing else was signed */
	config_free(&cfg);
	diag_free(&d);
	diag_free(&vd);
	tc_cleanup();
}

static void
test_trusted_key(void)
{
	unsigned char pk[MANIFEST_PK_LEN];
	char err[256];

	tc_setup(NULL);
	CHECK(mkdir(tc_path("it"), 0755) == 0);
	CHECK(manifest_trusted_key(tc_path("it/it.pub"), pk, err, sizeof err) == 0);
	char hex[65];
	tc_write("it/it.pub", sodium_bin2hex(hex, sizeof hex, it_pk, sizeof it_pk));
	chmod(tc_path("it/it.pub"), 0644);
	CHECK(manifest_trusted_key(tc_path("it/it.pub"), pk, err, sizeof err) == 1);
	CHECK(memcmp(pk, it_pk, sizeof pk) == 0);
	chmod(tc_path("it/it.pub"), 0664);
	CHECK(manifest_trusted_key(tc_path("it/it.pub"), pk, err, sizeof err) == -1);
	CHECK(strstr(err, "must be owned by root and writable by root alone") != NULL);
	chmod(tc_path("it/it.pub"), 0644);
	chmod(tc_path("it"), 0777);
	CHECK(manifest_trusted_key(tc_path("it/it.pub"), pk, err, sizeof err) == -1);
	CHECK(strstr(err, "its directory") != NULL);
	chmod(tc_path("it"), 0755);
	if (geteuid() == 0) {
		CHECK(chown(tc_path("it/it.pub"), 65534, 65534) == 0);
		CHECK(manifest_trusted_key(tc_path("it/it.pub"), pk, err, sizeof err) == -1);
	}
	tc_cleanup();
}

/* Runs kioskctl with args in the scratch directory; its exit status, and its output in
 * out (malloc'd). */
static int
run(const char *args, char **out)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cd %s && %s %s >out.txt 2>&1", tc_path(""), kioskctl, args);
	int st = system(cmd);
	FILE *f = fopen(tc_path("out.txt"), "r");
	*out = xcalloc(1, 8192);
	if (f != NULL) {
		size_t n = fread(*out, 1, 8191, f);
		(*out)[n] = '\0';
		fclose(f);
	}
	unlink(tc_path("out.txt"));
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_kioskctl(void)
{
	char *out;

	tc_setup(NULL);
	/* check's own keys must be real for the check to pass (it checks them). */
	CHECK(kproto_keypair_generate_files(tc_path("var/keys"), "kiosk", 1, NULL, 0) == KPROTO_OK);
	CHECK(kproto_keypair_generate_files(tc_path("var/keys"), "adapter", 1, NULL, 0) == KPROTO_OK);
	CHECK(mkdir(tc_path("it"), 0755) == 0);
	CHECK(kproto_keypair_generate_files(tc_path("it"), "it", 0, NULL, 0) == KPROTO_OK);
	setenv("ALSA_CONFIG_PATH", KIOSK_SOURCE_DIR "/tests/unit/data/config/alsa-null.conf", 1);

	CHECK(run("check --it-key it/it.pub kiosk.yaml", &out) == 1);
	CHECK(strstr(out, "kiosk.manifest:1:1: missing: these files are not signed") != NULL);
	free(out);
	CHECK(run("sign kiosk.yaml", &out) == 2);
	free(out);
	CHECK(run("sign --key it/it.key kiosk.yaml", &out) == 0);
	CHECK(strstr(out, "kiosk.manifest: 41 files signed with key ") != NULL);
	free(out);
	CHECK(run("check --it-key it/it.pub kiosk.yaml", &out) == 0);
	CHECK(strstr(out, "signature: 41 files verified against IT key ") != NULL);
	free(out);
	tc_replace("layouts/menu.yaml", "Balance", "Balance enquiry");
	CHECK(run("check --it-key it/it.pub kiosk.yaml", &out) == 1);
	CHECK(strstr(out, "layouts/menu.yaml:1:1: changed since it was signed") != NULL);
	free(out);

	/* A configuration with errors is not signed. */
	tc_replace("kiosk.yaml", "idle: 60", "idle: 6");
	CHECK(run("sign --key it/it.key kiosk.yaml", &out) == 1);
	CHECK(strstr(out, "not signed") != NULL);
	free(out);
	tc_cleanup();
}

int
main(int argc, char **argv)
{
	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: test_manifest PATH-TO-kioskctl\n");
		return 2;
	}
	kioskctl = argv[1];
	crypto_sign_keypair(it_pk, it_sk);
	crypto_sign_keypair(other_pk, other_sk);
	test_verified();
	test_files_changed();
	test_manifest_itself();
	test_trusted_key();
	test_kioskctl();
	if (test_failures)
		fprintf(stderr, "%d check(s) failed\n", test_failures);
	return test_failures ? 1 : 0;
}
