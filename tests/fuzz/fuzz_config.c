/*
 * libFuzzer harness for the configuration readers (src/config): kiosk.yaml, a screen
 * layout and a voice file, each read by the loader the kiosk and kioskctl check use.
 * A first line "# layouts/NAME.yaml" or "# voice/LANG.yaml" (a YAML comment, so the
 * rest stays the file it was) says what the input is; anything else is a kiosk.yaml.
 * The seed corpus is the shipped files with that line added (CMakeLists.txt); they are
 * read in a scratch copy of the shipped configuration, with real keys (test_config.h).
 * Whatever the bytes, the loaders must not crash, leak or read out of bounds, and a
 * file they refuse must come with at least one diagnostic.
 */
#include "config/setup.h"

#include "common/util.h"
#include "test_config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The shipped kiosk.yaml: the languages and paths a layout or voice file is read with. */
static struct kiosk_config base;
static char *lone; /* the input's file in fz-layouts or fz-voice, removed before the next */

static void
cleanup(void)
{
	config_free(&base);
	free(lone);
	tc_cleanup();
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

	(void)argc;
	(void)argv;
	tc_setup(NULL);
	atexit(cleanup);
	if (mkdir(tc_path("fz-layouts"), 0700) < 0 || mkdir(tc_path("fz-voice"), 0700) < 0)
		abort();
	config_load(tc_path("kiosk.yaml"), &base, &d);
	diag_free(&d);
	if (base.nlanguages == 0)
		abort();
	return 0;
}

/* A directory with the input as its only file, named where the loader looks for it. */
static char *
lone_file_dir(const char *dirname, const char *name, const uint8_t *data, size_t size)
{
	struct strbuf b = {0};

	if (lone != NULL)
		unlink(lone);
	free(lone);
	strbuf_addf(&b, "%s/%s", tc_path(dirname), name);
	lone = strbuf_take(&b);
	write_file(lone, data, size);
	return xstrdup(tc_path(dirname));
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
		cfg.layouts_dir = lone_file_dir("fz-layouts", name, data, size);
		r = layouts_load(&cfg, &set, &d);
		layouts_free(&set);
		free(cfg.layouts_dir);
	} else if (header_name(data, size, "# voice/", name, sizeof name)) {
		struct kiosk_config cfg = base;
		struct voice_set set = {0};
		cfg.voice_dir = lone_file_dir("fz-voice", name, data, size);
		r = voices_load(&cfg, &set, &d);
		voices_free(&set);
		free(cfg.voice_dir);
	} else {
		struct kiosk_config cfg;
		write_file(tc_path("fz-kiosk.yaml"), data, size);
		r = config_load(tc_path("fz-kiosk.yaml"), &cfg, &d);
		config_free(&cfg);
	}
	if ((r == 0) != (d.count == 0))
		abort();
	diag_free(&d);
	return 0;
}
