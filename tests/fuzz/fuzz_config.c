/*
 * libFuzzer harness for the configuration readers (src/config): kiosk.yaml, a screen
 * layout and a voice file, each read by the loader the kiosk and kioskctl check use.
 * A first line "# layouts/NAME.yaml" or "# voice/LANG.yaml" (a YAML comment, so the
 * rest stays the file it was) says what the input is; anything else is a kiosk.yaml.
 * The seed corpus is the shipped files with that line added (CMakeLists.txt).
 * Whatever the bytes, the loaders must not crash, leak or read out of bounds, and a
 * file they refuse must come with at least one diagnostic.
 */
#include "config/setup.h"

#include "common/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[256];
/* The shipped kiosk.yaml: the languages and paths a layout or voice file is read with. */
static struct kiosk_config base;

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

static void
cleanup(void)
{
	config_free(&base);
	remove_tree(scratch);
}

static char *
in_scratch(const char *rel)
{
	struct strbuf b = {0};
	strbuf_addf(&b, "%s/%s", scratch, rel);
	return strbuf_take(&b);
}

static void
write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct diag_list d = {0};
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(scratch, sizeof scratch, "%s/fuzz-config-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL)
		abort();
	atexit(cleanup);
	/* Keys and the like are missing there: only the languages and paths matter. */
	config_load(KIOSK_SOURCE_DIR "/kiosk.yaml", &base, &d);
	diag_free(&d);
	if (base.nlanguages == 0)
		abort();
	return 0;
}

/* One directory with the input as its only file, where the loader looks for name. */
static char *
lone_file_dir(const char *dirname, const char *name, const uint8_t *data, size_t size)
{
	char *dir = in_scratch(dirname), *file;
	struct strbuf b = {0};

	remove_tree(dir);
	if (mkdir(dir, 0700) < 0)
		abort();
	strbuf_addf(&b, "%s/%s", dir, name);
	file = strbuf_take(&b);
	write_file(file, data, size);
	free(file);
	return dir;
}

/* The name after "# layouts/" or "# voice/" up to ".yaml", when it is a plain word. */
static int
header_name(const uint8_t *data, size_t size, const char *prefix, char *name, size_t len)
{
	size_t plen = strlen(prefix), n = 0;

	if (size < plen || memcmp(data, prefix, plen) != 0)
		return 0;
	for (size_t i = plen; i < size && data[i] != '\n'; i++) {
		if (n + 1 >= len || !((data[i] >= 'a' && data[i] <= 'z') || data[i] == '_' ||
		    data[i] == '.'))
			return 0;
		name[n++] = (char)data[i];
	}
	name[n] = '\0';
	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d = {0};
	char name[64];
	int r;

	if (header_name(data, size, "# layouts/", name, sizeof name)) {
		struct kiosk_config cfg = base;
		struct layout_set set = {0};
		cfg.layouts_dir = lone_file_dir("layouts", name, data, size);
		r = layouts_load(&cfg, &set, &d);
		layouts_free(&set);
		free(cfg.layouts_dir);
	} else if (header_name(data, size, "# voice/", name, sizeof name)) {
		struct kiosk_config cfg = base;
		struct voice_set set = {0};
		cfg.voice_dir = lone_file_dir("voice", name, data, size);
		r = voices_load(&cfg, &set, &d);
		voices_free(&set);
		free(cfg.voice_dir);
	} else {
		struct kiosk_config cfg;
		char *path = in_scratch("kiosk.yaml");
		write_file(path, data, size);
		r = config_load(path, &cfg, &d);
		config_free(&cfg);
		free(path);
	}
	if ((r == 0) != (d.count == 0))
		abort();
	diag_free(&d);
	return 0;
}
