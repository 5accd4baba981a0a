/* `kioskctl check`: exit status, the sorted file:line:column lines and the summary. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "ctl/check.h"
#include "test_config.h"

#define ALSA_FIXTURES KIOSK_SOURCE_DIR "/tests/unit/data/config"

/* Runs ctl_check in the scratch directory with stdout and stderr captured. */
static int
run_check(int argc, char **argv, char **out, char **err)
{
	char cwd[512];
	int saved_out = dup(1), saved_err = dup(2);
	FILE *fo = tmpfile(), *fe = tmpfile();

	if (getcwd(cwd, sizeof cwd) == NULL || fo == NULL || fe == NULL ||
	    chdir(tc_path("")) == -1) {
		perror("run_check");
		exit(2);
	}
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	int rc = ctl_check(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	if (chdir(cwd) == -1)
		exit(2);

	FILE *fs[2] = { fo, fe };
	char **dst[2] = { out, err };
	for (int i = 0; i < 2; i++) {
		struct strbuf b = {0};
		char buf[1024];
		size_t n;
		strbuf_init(&b);
		rewind(fs[i]);
		while ((n = fread(buf, 1, sizeof buf, fs[i])) > 0)
			strbuf_addn(&b, buf, n);
		fclose(fs[i]);
		*dst[i] = strbuf_take(&b);
	}
	return rc;
}

static void
test_ok(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, "kiosk.yaml: OK, 19 screens, 2 languages\n");
	CHECK_STR(err, "");
	free(out);
	free(err);
}

static void
test_broken(void)
{
	char *argv[] = { "check", "kiosk.yaml", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_remove("var/keys/kiosk.key");
	tc_replace("kiosk.yaml", "  idle: 60 ", "  idle: 5  ");
	tc_replace("kiosk.yaml", "  default: zh", "  default: fr");
	tc_replace("layouts/menu.yaml", "goto: withdraw", "goto: withdrew");
	tc_replace("layouts/balance.yaml", "{available}", "{avail}");
	tc_replace("voice/en.yaml", "  CANCEL: Cancel\n", "");
	tc_remove("layouts/goodbye.yaml"); /* found last, reported at kiosk.yaml line 21 */
	CHECK(run_check(2, argv, &out, &err) == 1);
	CHECK_STR(out, "");
	/* Sorted by file, then line, then column, whatever order they were found in. */
	CHECK_STR(err,
	    "kiosk.yaml:10:12: languages.default: \"fr\" is not one of the offered languages "
	    "(zh, en)\n"
	    "kiosk.yaml:19:12: kiosk_key: file not found: var/keys/kiosk.key\n"
	    "kiosk.yaml:21:10: layouts: missing screen file goodbye.yaml in layouts\n"
	    "kiosk.yaml:30:9: timeouts.idle: 5 is out of range (10..600)\n"
	    "layouts/balance.yaml:4:11: lines.2.zh: unknown placeholder {avail}\n"
	    "layouts/menu.yaml:9:11: items.2.goto: no such screen \"withdrew\" "
	    "(did you mean \"withdraw\"?)\n"
	    "voice/en.yaml:6:3: keys: missing the spoken name of CANCEL\n");
	free(out);
	free(err);
}

/* Speech settings the kiosk would survive by running screen-only. Twice in one process, as
 * espeak-ng is set up once and kept. */
static void
test_speech(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "voice: cmn-latn-pinyin", "voice: cmn-latn-pinyn");
	CHECK(run_check(1, argv, &out, &err) == 1);
	CHECK_STR(out, "");
	CHECK_STR(err, "kiosk.yaml:42:16: speech.zh.voice: espeak-ng has no voice "
	    "\"cmn-latn-pinyn\" (did you mean \"cmn-latn-pinyin\"?)\n");
	free(out);
	free(err);

	/* No sound card: a warning, and the check still passes. */
	tc_setup(NULL);
	setenv("ALSA_CONFIG_PATH", ALSA_FIXTURES "/alsa-no-card.conf", 1);
	CHECK(run_check(1, argv, &out, &err) == 0);
	setenv("ALSA_CONFIG_PATH", ALSA_FIXTURES "/alsa-null.conf", 1);
	CHECK_STR(out, "kiosk.yaml: OK, 19 screens, 2 languages\n");
	CHECK_STR(err, "kiosk.yaml:37:11: warning: audio.output: cannot open ALSA device "
	    "\"default\": No such file or directory (ALSA: Unknown PCM default); the kiosk "
	    "will run screen-only\n");
	free(out);
	free(err);
}

static void
test_usage(void)
{
	char *argv[] = { "check", "a.yaml", "b.yaml", NULL };
	char *out, *err;

	tc_setup(NULL);
	CHECK(run_check(3, argv, &out, &err) == 2);
	CHECK_STR(err, "usage: kioskctl check [kiosk.yaml]\n");
	free(out);
	free(err);
}

int
main(void)
{
	/* The check opens the ALSA device: one that always opens, whatever this machine has. */
	setenv("ALSA_CONFIG_PATH", ALSA_FIXTURES "/alsa-null.conf", 1);
	test_ok();
	test_broken();
	test_speech();
	test_usage();
	tc_cleanup();
	if (test_failures > 0) {
		fprintf(stderr, "%d failure(s)\n", test_failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
