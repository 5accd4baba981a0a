/*
 * kiosk.manifest: one line per file, sorted, then the signature of every byte above it.
 *
 *   kiosk-manifest 1
 *   signer <public key, 64 hex>
 *   sha256 <64 hex> kiosk.yaml
 *   sha256 <64 hex> layouts/menu.yaml
 *   sha256 <64 hex> voice/zh.yaml
 *   signature <Ed25519 signature, 128 hex>
 *
 * Names are roles, not paths: "layouts/X" is X in the layouts directory kiosk.yaml
 * names, wherever that is, so the packaged configuration can sign the shipped layouts
 * in /usr/share/kiosk. A name with any other shape is refused before a file is opened.
 */
#include "config/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/util.h"
#include "kiosk/proto.h"

#define MANIFEST_MAGIC "kiosk-manifest 1"
#define MANIFEST_MAX (1024 * 1024)
#define HASH_LEN crypto_hash_sha256_BYTES

struct entry {
	char *name;  /* "kiosk.yaml", "layouts/menu.yaml" */
	char *file;  /* where it is on disk */
	unsigned char hash[HASH_LEN];
	int line;    /* in the manifest; 0 for a file found on disk */
	int matched;
};

struct entries {
	struct entry *v;
	int n;
};

static void
entries_add(struct entries *es, const char *name, const char *file, int line)
{
	es->v = xrealloc(es->v, (size_t)(es->n + 1) * sizeof *es->v);
	es->v[es->n++] = (struct entry){ .name = xstrdup(name), .file = xstrdup(file),
		.line = line };
}

static void
entries_free(struct entries *es)
{
	for (int i = 0; i < es->n; i++) {
		free(es->v[i].name);
		free(es->v[i].file);
	}
	free(es->v);
	es->v = NULL;
	es->n = 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static char *
config_base(const struct kiosk_config *cfg)
{
	char *copy = xstrdup(cfg->path);
	char *base = xstrdup(basename(copy));
	free(copy);
	return base;
}

char *
manifest_path(const struct kiosk_config *cfg)
{
	return path_relative_to(cfg->path, MANIFEST_NAME);
}

static char *
join(const char *dir, const char *name)
{
	struct strbuf b = {0};
	strbuf_addf(&b, "%s/%s", dir, name);
	return strbuf_take(&b);
}

/* Every entry of dir but dot files (which no loader reads) under role/. */
static int
list_dir(const char *role, const char *dir, struct entries *es, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *name = join(role, de->d_name), *file = join(dir, de->d_name);
		entries_add(es, name, file, 0);
		free(name);
		free(file);
	}
	closedir(d);
	return 0;
}

/* What is there now: kiosk.yaml, the layouts and the voice files, sorted by name. */
static int
list_files(const struct kiosk_config *cfg, struct entries *es, char *err, size_t errlen)
{
	char *base = config_base(cfg);
	entries_add(es, base, cfg->path, 0);
	free(base);
	if (list_dir("layouts", cfg->layouts_dir, es, err, errlen) < 0 ||
	    list_dir("voice", cfg->voice_dir, es, err, errlen) < 0)
		return -1;
	if (es->n > 1)
		qsort(es->v, (size_t)es->n, sizeof *es->v, entry_cmp);
	return 0;
}

static int
hash_file(const char *path, unsigned char out[HASH_LEN], char *err, size_t errlen)
{
	crypto_hash_sha256_state st;
	unsigned char buf[16384];
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s", fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	crypto_hash_sha256_final(&st, out);
	return 0;
}

static void
add_hex(struct strbuf *b, const unsigned char *bin, size_t len)
{
	char hex[2 * 64 + 1];
	strbuf_add(b, sodium_bin2hex(hex, sizeof hex, bin, len));
}

void
manifest_key_id(const unsigned char pk[MANIFEST_PK_LEN], char out[17])
{
	sodium_bin2hex(out, 17, pk, 8);
}

int
manifest_sign(const struct kiosk_config *cfg, const unsigned char *sk, char *err,
    size_t errlen)
{
	struct entries es = {0};
	struct strbuf b = {0};
	unsigned char sig[crypto_sign_BYTES];
	char *path = manifest_path(cfg), *tmp = NULL;
	int rv = -1;

	if (list_files(cfg, &es, err, errlen) < 0)
		goto out;
	strbuf_add(&b, MANIFEST_MAGIC "\nsigner ");
	/* The public half of an Ed25519 secret key is its second 32 bytes. */
	add_hex(&b, sk + 32, MANIFEST_PK_LEN);
	strbuf_addc(&b, '\n');
	for (int i = 0; i < es.n; i++) {
		char why[128];
		if (hash_file(es.v[i].file, es.v[i].hash, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", es.v[i].file, why);
			goto out;
		}
		strbuf_add(&b, "sha256 ");
		add_hex(&b, es.v[i].hash, HASH_LEN);
		strbuf_addf(&b, " %s\n", es.v[i].name);
	}
	crypto_sign_detached(sig, NULL, (const unsigned char *)b.s, b.len, sk);
	strbuf_add(&b, "signature ");
	add_hex(&b, sig, sizeof sig);
	strbuf_addc(&b, '\n');

	/* Written aside and renamed: a kiosk reloading meanwhile sees the old or the new. */
	struct strbuf t = {0};
	strbuf_addf(&t, "%s.tmp", path);
	tmp = strbuf_take(&t);
	FILE *f = fopen(tmp, "w");
	if (f == NULL || fwrite(b.s, 1, b.len, f) != b.len || fsync(fileno(f)) < 0 ||
	    fclose(f) != 0 || chmod(tmp, 0644) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rv = es.n;
out:
	strbuf_free(&b);
	entries_free(&es);
	free(tmp);
	free(path);
	return rv;
}

static char *
read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL) {
		snprintf(err, errlen, "%s", errno == ENOENT ?
		    "missing: these files are not signed (kioskctl sign)" : strerror(errno));
		return NULL;
	}
	buf = xmalloc(MANIFEST_MAX + 1);
	*len = fread(buf, 1, MANIFEST_MAX + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || *len > MANIFEST_MAX) {
		snprintf(err, errlen, "%s", bad ? "cannot be read" : "larger than 1 MiB");
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

static int
hex_field(const char *s, size_t hexlen, unsigned char *out)
{
	size_t got;
	return sodium_hex2bin(out, hexlen / 2, s, hexlen, NULL, &got, NULL) == 0 &&
	    got == hexlen / 2;
}

/* A name of the shape list_files() makes: the config's own, or one plain name under
 * layouts/ or voice/. */
static int
name_allowed(const char *name, const char *base)
{
	const char *rest = NULL;

	if (strcmp(name, base) == 0)
		return 1;
	if (strncmp(name, "layouts/", 8) == 0)
		rest = name + 8;
	else if (strncmp(name, "voice/", 6) == 0)
		rest = name + 6;
	if (rest == NULL || *rest == '\0' || *rest == '.' || strchr(rest, '/') != NULL)
		return 0;
	for (const char *p = rest; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The signed body's lines into es; problems into d. */
static void
parse_body(const struct kiosk_config *cfg, const char *mpath, char *body,
    struct entries *es, struct diag_list *d)
{
	char *base = config_base(cfg), *save = NULL;
	int line = 0;

	for (char *l = strtok_r(body, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		unsigned char hash[HASH_LEN];
		line++;
		if (line == 1) {
			if (strcmp(l, MANIFEST_MAGIC) != 0)
				diag_add(d, mpath, 1, 1, "not a kiosk manifest of version 1");
			continue;
		}
		if (strncmp(l, "signer ", 7) == 0)
			continue;
		if (strncmp(l, "sha256 ", 7) != 0 || strlen(l) < 7 + 2 * HASH_LEN + 2 ||
		    l[7 + 2 * HASH_LEN] != ' ' || !hex_field(l + 7, 2 * HASH_LEN, hash)) {
			diag_add(d, mpath, line, 1, "not a line of the manifest");
			continue;
		}
		const char *name = l + 7 + 2 * HASH_LEN + 1;
		if (!name_allowed(name, base)) {
			diag_add(d, mpath, line, 8 + 2 * HASH_LEN, "%s: a path outside the "
			    "configuration, its layouts and its voice files: refused", name);
			continue;
		}
		entries_add(es, name, name, line);
		memcpy(es->v[es->n - 1].hash, hash, HASH_LEN);
	}
	free(base);
}

static struct entry *
find(struct entries *es, const char *name)
{
	for (int i = 0; i < es->n; i++)
		if (strcmp(es->v[i].name, name) == 0)
			return &es->v[i];
	return NULL;
}

/* The signature line ends the manifest; the key it checks against is pk. Returns the
 * length of the signed body, or -1 after adding why to d. */
static long
check_signature(const char *mpath, const char *buf, size_t len,
    const unsigned char pk[MANIFEST_PK_LEN], struct diag_list *d)
{
	unsigned char sig[crypto_sign_BYTES], signer[MANIFEST_PK_LEN];
	const char *sl = NULL;
	char have[17], want[17];

	/* The last line, which must be whole. */
	if (len > 0 && buf[len - 1] == '\n') {
		sl = buf + len - 1;
		while (sl > buf && sl[-1] != '\n')
			sl--;
	}
	if (sl == NULL || strncmp(sl, "signature ", 10) != 0 ||
	    (size_t)(buf + len - 1 - (sl + 10)) != 2 * sizeof sig ||
	    !hex_field(sl + 10, 2 * sizeof sig, sig)) {
		diag_add(d, mpath, 1, 1, "cut short or not signed: its last line must be its "
		    "signature (kioskctl sign)");
		return -1;
	}
	long body = (long)(sl - buf);
	if (crypto_sign_verify_detached(sig, (const unsigned char *)buf,
	    (unsigned long long)body, pk) == 0)
		return body;
	manifest_key_id(pk, want);
	const char *s = strstr(buf, "\nsigner ");
	if (s != NULL && s < sl && hex_field(s + 8, 2 * MANIFEST_PK_LEN, signer) &&
	    sodium_memcmp(signer, pk, MANIFEST_PK_LEN) != 0) {
		manifest_key_id(signer, have);
		diag_add(d, mpath, 1, 1, "signed by another key (%s...), not branch IT's "
		    "(%s...): refused", have, want);
	} else {
		diag_add(d, mpath, 1, 1, "its signature does not match its contents: changed "
		    "after it was signed, refused");
	}
	return -1;
}

int
manifest_verify(const struct kiosk_config *cfg, const unsigned char pk[MANIFEST_PK_LEN],
    struct diag_list *d)
{
	struct entries signed_ = {0}, there = {0};
	char *mpath = manifest_path(cfg), err[256];
	int before = d->count, verified = 0;
	size_t len = 0;
	char *buf = read_all(mpath, &len, err, sizeof err);

	if (buf == NULL) {
		diag_add(d, mpath, 1, 1, "%s", err);
		goto out;
	}
	long body = check_signature(mpath, buf, len, pk, d);
	if (body < 0)
		goto out;
	buf[body] = '\0';
	/* Only what the signature covers is parsed. */
	parse_body(cfg, mpath, buf, &signed_, d);
	if (list_files(cfg, &there, err, sizeof err) < 0) {
		diag_add(d, cfg->path, 1, 1, "%s", err);
		goto out;
	}
	for (int i = 0; i < there.n; i++) {
		struct entry *f = &there.v[i], *s = find(&signed_, f->name);
		if (s == NULL) {
			diag_add(d, f->file, 1, 1, "an extra file, not in the signed manifest %s: "
			    "refused", mpath);
			continue;
		}
		s->matched = 1;
		if (hash_file(f->file, f->hash, err, sizeof err) < 0)
			diag_add(d, f->file, 1, 1, "cannot be verified: %s", err);
		else if (sodium_memcmp(f->hash, s->hash, HASH_LEN) != 0)
			diag_add(d, f->file, 1, 1, "changed since it was signed (%s:%d): refused",
			    mpath, s->line);
		else
			verified++;
	}
	for (int i = 0; i < signed_.n; i++)
		if (!signed_.v[i].matched)
			diag_add(d, mpath, signed_.v[i].line, 1, "%s: signed but missing: refused",
			    signed_.v[i].name);
out:
	free(buf);
	free(mpath);
	entries_free(&signed_);
	entries_free(&there);
	return d->count == before ? verified : -1;
}

int
manifest_trusted_key(const char *path, unsigned char pk[MANIFEST_PK_LEN], char *err,
    size_t errlen)
{
	struct stat st;
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	int rv = -1;

	if (lstat(path, &st) < 0 && errno == ENOENT) {
		rv = 0;
	} else if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if (st.st_uid != 0 || (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s: must be owned by root and writable by root alone",
		    path);
	} else if (stat(dir, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s: its directory %s must be owned by root and writable "
		    "by root alone", path, dir);
	} else if (kproto_key_load_public(path, pk, err, errlen) == KPROTO_OK) {
		rv = 1;
	}
	free(copy);
	return rv;
}

int
manifest_check(const struct kiosk_config *cfg, const char *it_key, struct diag_list *d,
    int *nfiles, char id[17])
{
	unsigned char pk[MANIFEST_PK_LEN];
	char err[256];

	switch (manifest_trusted_key(it_key, pk, err, sizeof err)) {
	case 0:
		return 0;
	case 1:
		manifest_key_id(pk, id);
		*nfiles = manifest_verify(cfg, pk, d);
		return *nfiles >= 0 ? 1 : -1;
	default:
		diag_add(d, it_key, 1, 1, "%s", err);
		return -1;
	}
}
