#include "test_config.h"

#include <dirent.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "config/setup.h"
#include "kiosk/proto.h"

int test_failures;

static char scratch[256];

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf b = {0};
	char buf[4096];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	strbuf_init(&b);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_addn(&b, buf, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return strbuf_take(&b);
}

static void
write_all(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	size_t len = strlen(content);

	if (fd == -1 || write(fd, content, len) != (ssize_t)len) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
}

static void
copy_dir(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;
	char src[512], dst[512];

	if (d == NULL || mkdir(to, 0755) == -1) {
		fprintf(stderr, "cannot copy %s to %s: %s\n", from, to, strerror(errno));
		exit(2);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(src, sizeof src, "%s/%s", from, de->d_name);
		snprintf(dst, sizeof dst, "%s/%s", to, de->d_name);
		char *content = read_all(src, NULL);
		write_all(dst, content, 0644);
		free(content);
	}
	closedir(d);
}

static void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char p[512];

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", path, de->d_name);
		remove_tree(p);
	}
	closedir(d);
	rmdir(path);
}

/* A real key pair, made once: the check reads keys as the kiosk does. */
static void
write_keys(void)
{
	static char sk_hex[KPROTO_SK_LEN * 2 + 2], pk_hex[KPROTO_PK_LEN * 2 + 2];

	if (sk_hex[0] == '\0') {
		unsigned char pk[KPROTO_PK_LEN], sk[KPROTO_SK_LEN];
		if (sodium_init() < 0 || crypto_sign_keypair(pk, sk) != 0) {
			fprintf(stderr, "cannot make a key pair\n");
			exit(2);
		}
		sodium_bin2hex(sk_hex, sizeof sk_hex, sk, sizeof sk);
		sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
		strcat(sk_hex, "\n");
		strcat(pk_hex, "\n");
	}
	write_all(tc_path("var/keys/adapter.pub"), pk_hex, 0644);
	write_all(tc_path("var/keys/kiosk.key"), sk_hex, 0600);
}

void
tc_cleanup(void)
{
	if (scratch[0] != '\0')
		remove_tree(scratch);
	scratch[0] = '\0';
}

const char *
tc_setup(const char *base)
{
	const char *tmp = getenv("TMPDIR");

	tc_cleanup();
	snprintf(scratch, sizeof scratch, "%s/kconfig-test-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		exit(2);
	}
	copy_dir(KIOSK_SOURCE_DIR "/layouts", tc_path("layouts"));
	copy_dir(KIOSK_SOURCE_DIR "/voice", tc_path("voice"));
	if (base != NULL) {
		tc_write("kiosk.yaml", base);
	} else {
		char *k = read_all(KIOSK_SOURCE_DIR "/kiosk.yaml", NULL);
		tc_write("kiosk.yaml", k);
		free(k);
	}
	mkdir(tc_path("var"), 0755);
	mkdir(tc_path("var/keys"), 0700);
	mkdir(tc_path("var/run"), 0700);
	write_keys();
	return scratch;
}

const char *
tc_path(const char *rel)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof bufs[0], "%s/%s", scratch, rel);
	return b;
}

void
tc_write(const char *rel, const char *content)
{
	write_all(tc_path(rel), content, 0644);
}

void
tc_remove(const char *rel)
{
	if (unlink(tc_path(rel)) == -1) {
		fprintf(stderr, "cannot remove %s: %s\n", rel, strerror(errno));
		exit(2);
	}
}

void
tc_replace(const char *rel, const char *old, const char *new_text)
{
	char *s = read_all(tc_path(rel), NULL);
	char *at = strstr(s, old);

	if (at == NULL) {
		fprintf(stderr, "test setup: \"%s\" not found in %s\n", old, rel);
		test_failures++;
		free(s);
		return;
	}
	struct strbuf b = {0};
	strbuf_addn(&b, s, (size_t)(at - s));
	strbuf_add(&b, new_text);
	strbuf_add(&b, at + strlen(old));
	tc_write(rel, b.s);
	strbuf_free(&b);
	free(s);
}

/* The line as check prints it, with the scratch directory replaced by "T". */
static char *
format_diag(const struct diag *d)
{
	struct strbuf b = {0}, out = {0};
	size_t sl = strlen(scratch);

	strbuf_addf(&b, "%s:%d:%d: %s", d->file, d->line, d->column, d->message);
	strbuf_init(&out);
	for (const char *p = b.s; *p != '\0'; ) {
		if (sl > 0 && strncmp(p, scratch, sl) == 0) {
			strbuf_addc(&out, 'T');
			p += sl;
		} else {
			strbuf_addc(&out, *p++);
		}
	}
	strbuf_free(&b);
	return strbuf_take(&out);
}

int
tc_expect(const char *name, const struct diag_list *d, const char *const *expected)
{
	int nexp = 0, bad = 0;

	while (expected[nexp] != NULL)
		nexp++;
	char **got = xcalloc((size_t)d->count + 1, sizeof *got);
	int *used = xcalloc((size_t)nexp + 1, sizeof *used);
	for (int i = 0; i < d->count; i++)
		got[i] = format_diag(&d->items[i]);
	for (int i = 0; i < d->count; i++) {
		int found = 0;
		for (int j = 0; j < nexp && !found; j++) {
			if (!used[j] && strcmp(got[i], expected[j]) == 0) {
				used[j] = 1;
				found = 1;
			}
		}
		if (!found) {
			fprintf(stderr, "%s: unexpected: %s\n", name, got[i]);
			bad = 1;
		}
	}
	for (int j = 0; j < nexp; j++) {
		if (!used[j]) {
			fprintf(stderr, "%s: missing:    %s\n", name, expected[j]);
			bad = 1;
		}
	}
	for (int i = 0; i < d->count; i++)
		free(got[i]);
	free(got);
	free(used);
	if (bad)
		test_failures++;
	return bad ? -1 : 0;
}

int
tc_expect_all(const char *name, const char *const *expected)
{
	struct diag_list d = {0};
	struct kiosk_setup s;

	int r = config_load_all(tc_path("kiosk.yaml"), &s, &d);
	int bad = tc_expect(name, &d, expected);
	if ((r == 0) != (d.count == 0)) {
		fprintf(stderr, "%s: config_load_all returned %d with %d diagnostics\n", name, r,
		    d.count);
		test_failures++;
		bad = -1;
	}
	kiosk_setup_free(&s);
	diag_free(&d);
	return bad;
}

void
tc_edit(const char *rel, const char *old, const char *new_text)
{
	if (old != NULL)
		tc_replace(rel, old, new_text);
	else if (new_text != NULL)
		tc_write(rel, new_text);
	else
		tc_remove(rel);
}

void
tc_load_and_free(void)
{
	struct kiosk_setup k;
	struct diag_list d = {0};

	config_load_all(tc_path("kiosk.yaml"), &k, &d);
	kiosk_setup_free(&k);
	diag_free(&d);
}
