/*
 * Key files: one line of lowercase hex. NAME.key holds the 64-byte Ed25519 secret key
 * and must be private to its owner; NAME.pub holds the 32-byte public key.
 */
#include "proto-int.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Longest file we read: 128 hex characters, CR LF, and room to notice more. */
#define KEYFILE_MAX 256

/*
 * Reads path (at most KEYFILE_MAX bytes) into buf, strips one trailing newline (LF or
 * CR LF) and decodes exactly want bytes of hex into out.
 */
static int
keyfile_read_hex(const char *path, int fd, char *buf, unsigned char *out, size_t want,
    const char *what, char *err, size_t errlen)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, KEYFILE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kproto_seterr(err, errlen, KPROTO_E_KEY, "%s: %s", path,
			    strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == KEYFILE_MAX)
			return kproto_seterr(err, errlen, KPROTO_E_KEY,
			    "%s: too long for a %s file", path, what);
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0)
		return kproto_seterr(err, errlen, KPROTO_E_KEY, "%s: empty %s file", path,
		    what);
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		    (ch >= 'A' && ch <= 'F')))
			return kproto_seterr(err, errlen, KPROTO_E_KEY,
			    "%s: not hex (unexpected character at offset %zu)", path, i);
	}
	if (len != want * 2) {
		const char *hint = "";
		if (want == KPROTO_SK_LEN && len == KPROTO_PK_LEN * 2)
			hint = " (this looks like a public key: give the .key file)";
		else if (want == KPROTO_PK_LEN && len == KPROTO_SK_LEN * 2)
			hint = " (this looks like a secret key: give the .pub file)";
		return kproto_seterr(err, errlen, KPROTO_E_KEY,
		    "%s: wrong length: %zu hex characters, expected %zu for a %s%s", path, len,
		    want * 2, what, hint);
	}
	if (sodium_hex2bin(out, want, buf, len, NULL, NULL, NULL) != 0)
		return kproto_seterr(err, errlen, KPROTO_E_KEY, "%s: not hex", path);
	return KPROTO_OK;
}

static int
keyfile_open(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return kproto_seterr(err, errlen, -1, "%s: missing (no such file)", path);
		return kproto_seterr(err, errlen, -1, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		kproto_seterr(err, errlen, -1, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	return fd;
}

int
kproto_key_load_secret(const char *path, unsigned char *sk, char *err, size_t errlen)
{
	unsigned char pk[KPROTO_PK_LEN], *check;
	struct stat st;
	char *buf;
	int fd, rv;

	if ((fd = keyfile_open(path, &st, err, errlen)) < 0)
		return KPROTO_E_KEY;
	buf = sodium_malloc(KEYFILE_MAX);
	check = sodium_malloc(KPROTO_SK_LEN);
	if (buf == NULL || check == NULL) {
		close(fd);
		sodium_free(buf);
		sodium_free(check);
		return kproto_seterr(err, errlen, KPROTO_E_NOMEM, "%s: out of secure memory",
		    path);
	}
	rv = keyfile_read_hex(path, fd, buf, sk, KPROTO_SK_LEN, "secret key", err, errlen);
	close(fd);
	/* Checked after the contents so that a .pub given by mistake is named as such.
	 * Anyone else who can read the key can sign as its owner. */
	if (rv == KPROTO_OK && (st.st_mode & 077) != 0)
		rv = kproto_seterr(err, errlen, KPROTO_E_KEY,
		    "%s: permissions %04o are too open: a secret key must not be accessible "
		    "by group or others (chmod 600 %s)", path, (unsigned)(st.st_mode & 07777),
		    path);
	if (rv == KPROTO_OK) {
		/* The second half must be the public key of the first: catches a file
		 * pieced together from two keys. */
		if (crypto_sign_seed_keypair(pk, check, sk) != 0 ||
		    sodium_memcmp(pk, sk + 32, KPROTO_PK_LEN) != 0)
			rv = kproto_seterr(err, errlen, KPROTO_E_KEY,
			    "%s: inconsistent secret key (public half does not match)", path);
	}
	if (rv != KPROTO_OK)
		sodium_memzero(sk, KPROTO_SK_LEN);
	sodium_free(buf);
	sodium_free(check);
	return rv;
}

int
kproto_key_load_public(const char *path, unsigned char *pk, char *err, size_t errlen)
{
	unsigned char x25519[32];
	char buf[KEYFILE_MAX];
	struct stat st;
	int fd, rv;

	if ((fd = keyfile_open(path, &st, err, errlen)) < 0)
		return KPROTO_E_KEY;
	rv = keyfile_read_hex(path, fd, buf, pk, KPROTO_PK_LEN, "public key", err, errlen);
	close(fd);
	if (rv != KPROTO_OK)
		return rv;
	/* A key that is not a curve point would only fail later, at PIN sealing. */
	if (crypto_sign_ed25519_pk_to_curve25519(x25519, pk) != 0)
		return kproto_seterr(err, errlen, KPROTO_E_KEY,
		    "%s: not a valid Ed25519 public key", path);
	return KPROTO_OK;
}

static int
keyfile_name_valid(const char *name)
{
	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	}
	return 1;
}

/* Writes text to path through a temporary file and rename, so a crash or a full disk
 * never leaves half a key behind. */
static int
keyfile_write(const char *dir, const char *path, const char *text, size_t len,
    mode_t mode, char *err, size_t errlen)
{
	char tmp[4096];
	size_t off = 0;
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.kproto-key.XXXXXX", dir) >= sizeof tmp)
		return kproto_seterr(err, errlen, KPROTO_E_INVAL, "%s: path too long", dir);
	if ((fd = mkstemp(tmp)) < 0)
		return kproto_seterr(err, errlen, KPROTO_E_KEY, "%s: cannot create file: %s",
		    dir, strerror(errno));
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	return KPROTO_OK;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return kproto_seterr(err, errlen, KPROTO_E_KEY, "%s: %s", path, strerror(saved));
}

int
kproto_keypair_generate_files(const char *dir, const char *name, int force, char *err,
    size_t errlen)
{
	char keypath[4096], pubpath[4096], pubhex[KPROTO_PK_LEN * 2 + 2];
	unsigned char pk[KPROTO_PK_LEN], *sk;
	struct stat st;
	char *skhex;
	int rv;

	if (!keyfile_name_valid(name))
		return kproto_seterr(err, errlen, KPROTO_E_INVAL,
		    "%s: bad key name (letters, digits, '-', '_', '.'; not starting with '.')",
		    name);
	if ((size_t)snprintf(keypath, sizeof keypath, "%s/%s.key", dir, name) >=
	    sizeof keypath ||
	    (size_t)snprintf(pubpath, sizeof pubpath, "%s/%s.pub", dir, name) >=
	    sizeof pubpath)
		return kproto_seterr(err, errlen, KPROTO_E_INVAL, "%s: path too long", dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return kproto_seterr(err, errlen, KPROTO_E_KEY, "%s: not a directory", dir);
	if (!force) {
		if (lstat(keypath, &st) == 0)
			return kproto_seterr(err, errlen, KPROTO_E_KEY,
			    "%s: already exists (use --force to replace it)", keypath);
		if (lstat(pubpath, &st) == 0)
			return kproto_seterr(err, errlen, KPROTO_E_KEY,
			    "%s: already exists (use --force to replace it)", pubpath);
	}

	sk = sodium_malloc(KPROTO_SK_LEN);
	skhex = sodium_malloc(KPROTO_SK_LEN * 2 + 2);
	if (sk == NULL || skhex == NULL) {
		sodium_free(sk);
		sodium_free(skhex);
		return kproto_seterr(err, errlen, KPROTO_E_NOMEM, "out of secure memory");
	}
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(skhex, KPROTO_SK_LEN * 2 + 1, sk, KPROTO_SK_LEN);
	strcat(skhex, "\n");
	sodium_bin2hex(pubhex, KPROTO_PK_LEN * 2 + 1, pk, KPROTO_PK_LEN);
	strcat(pubhex, "\n");

	rv = keyfile_write(dir, keypath, skhex, KPROTO_SK_LEN * 2 + 1, 0600, err, errlen);
	if (rv == KPROTO_OK)
		rv = keyfile_write(dir, pubpath, pubhex, KPROTO_PK_LEN * 2 + 1, 0644, err,
		    errlen);
	sodium_free(sk);
	sodium_free(skhex);
	return rv;
}
