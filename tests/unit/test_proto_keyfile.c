/* Key files: generation, loading, and the error for each way a file can be wrong. */
#include "kiosk/proto.h"

#include <sys/stat.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define CHECK_MSG(err, needle) do { \
	if (strstr((err), (needle)) == NULL) { \
		fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, \
		    (err), (needle)); \
		failures++; \
	} \
} while (0)

static char dir[64];

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static const char *
path_of(const char *name)
{
	static char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

int
main(void)
{
	unsigned char *sk, pk[KPROTO_PK_LEN], pk_before[KPROTO_PK_LEN];
	char err[512], hex[200];
	struct stat st;

	if (sodium_init() < 0)
		return 1;
	strcpy(dir, "/tmp/kproto-keyfile-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	sk = sodium_malloc(KPROTO_SK_LEN);

	CHECK_EQ(kproto_keypair_generate_files(dir, "kiosk", 0, err, sizeof err), KPROTO_OK);
	CHECK(stat(path_of("kiosk.key"), &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(path_of("kiosk.pub"), &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(stat(path_of("kiosk.key"), &st) == 0 && st.st_size == 129);
	CHECK(stat(path_of("kiosk.pub"), &st) == 0 && st.st_size == 65);
	CHECK_EQ(kproto_key_load_secret(path_of("kiosk.key"), sk, err, sizeof err), KPROTO_OK);
	CHECK_EQ(kproto_key_load_public(path_of("kiosk.pub"), pk, err, sizeof err), KPROTO_OK);
	CHECK(memcmp(pk, sk + 32, KPROTO_PK_LEN) == 0);

	/* No silent overwrite; --force replaces the pair. */
	memcpy(pk_before, pk, sizeof pk);
	err[0] = '\0';
	CHECK_EQ(kproto_keypair_generate_files(dir, "kiosk", 0, err, sizeof err), KPROTO_E_KEY);
	CHECK_MSG(err, "already exists");
	CHECK_EQ(kproto_keypair_generate_files(dir, "kiosk", 1, err, sizeof err), KPROTO_OK);
	CHECK_EQ(kproto_key_load_public(path_of("kiosk.pub"), pk, err, sizeof err), KPROTO_OK);
	CHECK(memcmp(pk, pk_before, sizeof pk) != 0);
	CHECK_EQ(kproto_keypair_generate_files(dir, "../evil", 0, err, sizeof err),
	    KPROTO_E_INVAL);
	CHECK_EQ(kproto_keypair_generate_files("/nonexistent-dir", "x", 0, err, sizeof err),
	    KPROTO_E_KEY);

	/* A secret key others can read is refused, and the message says how to fix it. */
	chmod(path_of("kiosk.key"), 0640);
	CHECK_EQ(kproto_key_load_secret(path_of("kiosk.key"), sk, err, sizeof err),
	    KPROTO_E_KEY);
	CHECK_MSG(err, "too open");
	CHECK_MSG(err, "kiosk.key");
	chmod(path_of("kiosk.key"), 0604);
	CHECK_EQ(kproto_key_load_secret(path_of("kiosk.key"), sk, err, sizeof err),
	    KPROTO_E_KEY);
	chmod(path_of("kiosk.key"), 0600);
	CHECK_EQ(kproto_key_load_secret(path_of("kiosk.key"), sk, err, sizeof err), KPROTO_OK);

	CHECK_EQ(kproto_key_load_secret(path_of("none.key"), sk, err, sizeof err), KPROTO_E_KEY);
	CHECK_MSG(err, "missing");
	CHECK_MSG(err, "none.key");
	CHECK_EQ(kproto_key_load_public(path_of("none.pub"), pk, err, sizeof err), KPROTO_E_KEY);
	CHECK_MSG(err, "missing");

	write_file("bad.pub", "zz not hex at all\n", 0644);
	CHECK_EQ(kproto_key_load_public(path_of("bad.pub"), pk, err, sizeof err), KPROTO_E_KEY);
	CHECK_MSG(err, "not hex");
	write_file("short.pub", "abcdef\n", 0644);
	CHECK_EQ(kproto_key_load_public(path_of("short.pub"), pk, err, sizeof err),
	    KPROTO_E_KEY);
	CHECK_MSG(err, "wrong length");
	write_file("empty.pub", "", 0644);
	CHECK_EQ(kproto_key_load_public(path_of("empty.pub"), pk, err, sizeof err),
	    KPROTO_E_KEY);
	CHECK_MSG(err, "empty");

	/* A public key where the secret key belongs, and the other way round. */
	write_file("swap.key", "", 0600);
	FILE *f = fopen(path_of("kiosk.pub"), "r");
	CHECK(f != NULL && fgets(hex, sizeof hex, f) != NULL);
	if (f != NULL)
		fclose(f);
	write_file("swap.key", hex, 0600);
	CHECK_EQ(kproto_key_load_secret(path_of("swap.key"), sk, err, sizeof err),
	    KPROTO_E_KEY);
	CHECK_MSG(err, "looks like a public key");
	CHECK_EQ(kproto_key_load_public(path_of("kiosk.key"), pk, err, sizeof err),
	    KPROTO_E_KEY);
	CHECK_MSG(err, "looks like a secret key");

	/* Halves of two different keys. */
	f = fopen(path_of("kiosk.key"), "r");
	CHECK(f != NULL && fgets(hex, sizeof hex, f) != NULL);
	if (f != NULL)
		fclose(f);
	hex[127] = hex[127] == '0' ? '1' : '0';
	write_file("mixed.key", hex, 0600);
	CHECK_EQ(kproto_key_load_secret(path_of("mixed.key"), sk, err, sizeof err),
	    KPROTO_E_KEY);
	CHECK_MSG(err, "inconsistent");
	CHECK(sodium_is_zero(sk, KPROTO_SK_LEN));

	/* CR LF line end is accepted (a file edited on another system). */
	f = fopen(path_of("kiosk.pub"), "r");
	CHECK(f != NULL && fgets(hex, sizeof hex, f) != NULL);
	if (f != NULL)
		fclose(f);
	hex[64] = '\0';
	strcat(hex, "\r\n");
	write_file("crlf.pub", hex, 0644);
	CHECK_EQ(kproto_key_load_public(path_of("crlf.pub"), pk, err, sizeof err), KPROTO_OK);

	sodium_free(sk);
	const char *names[] = { "kiosk.key", "kiosk.pub", "bad.pub", "short.pub", "empty.pub",
	    "swap.key", "mixed.key", "crlf.pub" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(path_of(names[i]));
	rmdir(dir);
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
