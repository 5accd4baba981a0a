/*
 * The kiosks an adapter serves: one public key per kiosk id in a keys directory
 * (DIR/ID.pub), so that one adapter serves a fleet and each kiosk proves itself with
 * its own key. The directory and its files belong to root or the adapter's user and
 * nobody else may write them: whoever can add a file there can sign as a kiosk.
 */
#include "bankd.h"

#include "common/log.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
kiosks_id_valid(const char *id)
{
	size_t len = strlen(id);

	/* The id names a file: no '/', no "..", no hidden file. */
	if (len == 0 || len > KPROTO_ID_MAX || id[0] == '.')
		return 0;
	for (const char *p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* Owned by root or by us, writable by nobody else; what names path in err. */
static int
kiosks_owner_check(const char *path, const struct stat *st, const char *what, char *err,
    size_t errlen)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen, "%s: %s owned by uid %u, not by root or the adapter's "
		    "user (uid %u)", path, what, (unsigned)st->st_uid, (unsigned)geteuid());
		return -1;
	}
	if ((st->st_mode & 022) != 0) {
		snprintf(err, errlen, "%s: permissions %04o: a kiosk key %s must not be "
		    "writable by group or others (chmod go-w %s)", path,
		    (unsigned)(st->st_mode & 07777), what, path);
		return -1;
	}
	return 0;
}

int
kiosks_dir_check(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(err, errlen, "%s: kiosk keys directory: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: kiosk keys directory: not a directory", dir);
		return -1;
	}
	return kiosks_owner_check(dir, &st, "directory", err, errlen);
}

static int
kiosks_path(const char *dir, const char *id, char *path, size_t pathsz, char *err,
    size_t errlen)
{
	if (!kiosks_id_valid(id)) {
		snprintf(err, errlen, "kiosk id \"%.*s\": expected 1 to %d letters, digits, "
		    "'-', '_' or '.', not starting with '.'", KPROTO_ID_MAX, id, KPROTO_ID_MAX);
		return -1;
	}
	if ((size_t)snprintf(path, pathsz, "%s/%s.pub", dir, id) >= pathsz) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return 0;
}

int
kiosks_key(const char *dir, const char *id, unsigned char pk[KPROTO_PK_LEN], char *err,
    size_t errlen)
{
	char path[4096];
	struct stat st;

	if (kiosks_path(dir, id, path, sizeof path, err, errlen) < 0 ||
	    kiosks_dir_check(dir, err, errlen) < 0)
		return -1;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT) {
			snprintf(err, errlen, "no %s", path);
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (kiosks_owner_check(path, &st, "file", err, errlen) < 0)
		return -1;
	if (kproto_key_load_public(path, pk, err, errlen) != KPROTO_OK)
		return -1;
	return 1;
}

/* Writes DIR/ID.pub through a temporary file and rename: never half a key. */
static int
kiosks_write(const char *dir, const char *path, const unsigned char *pk, char *err,
    size_t errlen)
{
	char tmp[4096], hex[KPROTO_PK_LEN * 2 + 2];
	int fd;

	sodium_bin2hex(hex, sizeof hex, pk, KPROTO_PK_LEN);
	strcat(hex, "\n");
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.register.XXXXXX", dir) >= sizeof tmp) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "%s: cannot create a file: %s", dir, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex) ||
	    fsync(fd) < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
kiosks_register(const char *dir, const char *id, const char *pub_path, char *err,
    size_t errlen)
{
	unsigned char pk[KPROTO_PK_LEN], old[KPROTO_PK_LEN];
	char path[4096], why[1024];

	if (kiosks_path(dir, id, path, sizeof path, err, errlen) < 0)
		return -1;
	if (kproto_key_load_public(pub_path, pk, err, errlen) != KPROTO_OK)
		return -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
		return -1;
	}
	int found = kiosks_key(dir, id, old, why, sizeof why);
	if (found < 0) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	/* A kiosk replaced or re-keyed is unregistered first, on purpose: a typo in the id
	 * must not silently take over another kiosk's name. */
	if (found == 1 && sodium_memcmp(old, pk, sizeof pk) != 0) {
		snprintf(err, errlen, "kiosk \"%s\" is already registered with another key "
		    "(%s); remove that file first to replace it", id, path);
		return -1;
	}
	if (found == 1) {
		log_info("kiosk \"%s\" is already registered with this key (%s)", id, path);
		return 0;
	}
	if (kiosks_write(dir, path, pk, err, errlen) < 0)
		return -1;
	log_info("kiosk \"%s\" registered: %s", id, path);
	return 0;
}
