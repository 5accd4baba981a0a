/* `kioskctl check`: exit status, the sorted file:line:column lines and the summary. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "ctl/check.h"
#include "test_config.h"

#define ALSA_FIXTURES KIOSK_SOURCE_DIR "/tests/unit/data/config"

/* What the check prints for the shipped kiosk.yaml before its summary line. */
#define LP_SHIPPED \
    "large print: normal size: capital H 8.8 mm (assumed 0.7 of a 12.5 mm row), needs " \
    "6.1 mm at 500 mm: meets EN 301 549 5.1.4 (x1.4)\n" \
    "large print: size 1: capital H 68.8 mm, needs 6.1 mm at 500 mm: meets EN 301 549 " \
    "5.1.4 (x11.3)\n" \
    "large print: size 2: capital H 137.5 mm, needs 6.1 mm at 500 mm: meets EN 301 549 " \
    "5.1.4 (x22.5)\n" \
    "large print: size 3: capital H 206.2 mm, needs 6.1 mm at 500 mm: meets EN 301 549 " \
    "5.1.4 (x33.8)\n" \
    "large print: theme white-on-black: contrast 21.0:1 (7:1 needed), 21.0:1 in the " \
    "Linux console's colours\n"
/* No IT public key on a build machine: the configuration is checked as unsigned. */
static const char *
with_ok_line(const char *before)
{
	static char buf[4096];

	snprintf(buf, sizeof buf, "%ssignature: unsigned mode, no IT public key at "
	    KIOSK_IT_KEY ": the kiosk starts without verifying these files (for a demo "
	    "only)\nkiosk.yaml: OK, %d screens, 2 languages\n", before, screen_count());
	return buf;
}

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
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
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
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
	CHECK_STR(err, "kiosk.yaml:37:11: warning: audio.output: cannot open ALSA device "
	    "\"default\": No such file or directory (ALSA: Unknown PCM default); the kiosk "
	    "will run screen-only\n");
	free(out);
	free(err);
}

/* EN 301 549 5.1.4 at a distance the print is too small for, and with the screen left
 * undeclared; a theme the Linux console cannot show at 7:1. */
static void
test_large_print_size(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "cell_height_mm: 12.5", "cell_height_mm: 4.75");
	tc_replace("kiosk.yaml", "viewing_distance_mm: 500 ", "viewing_distance_mm: 1500 ");
	tc_replace("kiosk.yaml", "theme: white-on-black ", "theme: black-on-yellow ");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(
	    "large print: normal size: capital H 3.3 mm (assumed 0.7 of a 4.75 mm row), needs "
	    "18.3 mm at 1500 mm: does not meet EN 301 549 5.1.4 (needs 5.5x more)\n"
	    "large print: size 1: capital H 26.1 mm, needs 18.3 mm at 1500 mm: meets "
	    "EN 301 549 5.1.4 (x1.4)\n"
	    "large print: size 2: capital H 52.2 mm, needs 18.3 mm at 1500 mm: meets "
	    "EN 301 549 5.1.4 (x2.9)\n"
	    "large print: size 3: capital H 78.4 mm, needs 18.3 mm at 1500 mm: meets "
	    "EN 301 549 5.1.4 (x4.3)\n"
	    "large print: theme black-on-yellow: contrast 19.6:1 (7:1 needed), 4.0:1 in the "
	    "Linux console's colours\n"));
	CHECK_STR(err, "kiosk.yaml:52:10: warning: large_print.theme: black-on-yellow is only "
	    "4.0:1 in the Linux console's colours (its yellow is brown): there the kiosk must "
	    "be able to change the palette (init_color) to show 19.6:1; themes that hold 7:1 "
	    "without it: white-on-black, yellow-on-black, black-on-white\n");
	free(out);
	free(err);

	/* Not even the largest size is enough. */
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "cell_height_mm: 12.5", "cell_height_mm: 1");
	tc_replace("kiosk.yaml", "viewing_distance_mm: 500 ", "viewing_distance_mm: 2000 ");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK(strstr(out, "large print: size 3: capital H 16.5 mm, needs 24.4 mm at 2000 mm: "
	    "does not meet EN 301 549 5.1.4 (needs 1.5x more)\n") != NULL);
	CHECK_STR(err, "");
	free(out);
	free(err);

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "  cell_height_mm: 12.5\n", "");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(
	    "large print: large_print.cell_height_mm not set in kiosk.yaml: cannot "
	    "tell whether print is large enough for EN 301 549 5.1.4\n"
	    "large print: theme white-on-black: contrast 21.0:1 (7:1 needed), 21.0:1 in the "
	    "Linux console's colours\n"));
	CHECK_STR(err, "");
	free(out);
	free(err);

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "  cell_height_mm: 12.5\n", "");
	tc_replace("kiosk.yaml", "  viewing_distance_mm: 500 ", "  # ");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK(strstr(out, "large print: large_print.cell_height_mm and "
	    "large_print.viewing_distance_mm not set in kiosk.yaml: cannot tell whether print "
	    "is large enough for EN 301 549 5.1.4\n") == out);
	free(out);
	free(err);
}

/* The font: a missing one is a warning at kiosk.yaml (the kiosk falls back to its
 * bundled font), a corrupt one a warning at each bad line of the font. */
static void
test_large_print_font(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "font: /usr/share/unifont/unifont.hex", "font: fonts/none.hex");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
	CHECK_STR(err, "kiosk.yaml:53:9: warning: large_print.font: fonts/none.hex: cannot open: "
	    "No such file or directory; the kiosk will draw large print with its bundled font "
	    "alone (ASCII and ¥; other characters at normal size)\n");
	free(out);
	free(err);

	/* Not set at all: the default path is named, at 0:0. */
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "  font: /usr/share/unifont/unifont.hex", "  #");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(err, "");
	free(out);
	free(err);

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "font: /usr/share/unifont/unifont.hex", "font: fonts/bad.hex");
	mkdir(tc_path("fonts"), 0755);
	tc_write("fonts/bad.hex",
	    "0041:0000000018242442427E424242420000\n"
	    "0042:00000000G8242442427E424242420000\n"
	    "0043:0000000018242442427E4242424200\n"
	    "0044:0000000018242442427E424242420000\n");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
	CHECK_STR(err,
	    "fonts/bad.hex:2:14: warning: 'G' is not a hex digit; the kiosk skips this line\n"
	    "fonts/bad.hex:3:6: warning: bitmap of 30 hex digits, expected 32 (8x16) or 64 "
	    "(16x16); the kiosk skips this line\n");
	free(out);
	free(err);

	/* A file with no glyph at all is no font: the kiosk falls back, as for a missing one. */
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "font: /usr/share/unifont/unifont.hex", "font: empty.hex");
	tc_write("empty.hex", "\n");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(err, "kiosk.yaml:53:9: warning: large_print.font: empty.hex: no glyph in the "
	    "file: not a Unifont .hex font; the kiosk will draw large print with its bundled "
	    "font alone (ASCII and ¥; other characters at normal size)\n");
	free(out);
	free(err);
}

/* Items on side keys kiosk.yaml does not place: warnings at the item's key, since the kiosk
 * lists those items with the others. A key placed wrongly is an error, and only that. */
static void
test_function_keys(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_replace("layouts/menu.yaml", "key: 1", "key: F3");
	tc_replace("layouts/menu.yaml", "key: 2", "key: F6");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
	CHECK_STR(err,
	    "layouts/menu.yaml:5:10: warning: the item on F3 is listed with the other items: "
	    "function_keys in kiosk.yaml does not say where F3 is\n"
	    "layouts/menu.yaml:8:10: warning: the item on F6 is listed with the other items: "
	    "function_keys in kiosk.yaml does not say where F6 is\n");
	free(out);
	free(err);

	/* F3 placed, F6 not; a hidden item's key is not accepted, so it needs no place. */
	tc_setup(NULL);
	tc_replace("layouts/menu.yaml", "key: 1", "key: F3");
	tc_replace("layouts/menu.yaml", "key: 2", "key: F6");
	tc_replace("kiosk.yaml", "demo: true\n", "demo: true\nfunction_keys:\n"
	    "  F3: { side: left, at_percent: 65 }\n");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
	CHECK_STR(err,
	    "layouts/menu.yaml:8:10: warning: the item on F6 is listed with the other items: "
	    "function_keys in kiosk.yaml does not say where F6 is\n");
	free(out);
	free(err);
	tc_replace("layouts/menu.yaml", "goto: withdraw\n", "goto: withdraw\n    hidden: true\n");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(err, "");
	free(out);
	free(err);

	/* A key level with a row normal print keeps for the demo's status lines. */
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "demo: true\n", "demo: true\nfunction_keys:\n"
	    "  F8: { side: right, at_percent: 95 }\n");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(err, "kiosk.yaml:82:7: warning: F8 at 95 % is level with row 24 of 24 on an "
	    "80x24 screen, where no item can be drawn (rows 2 to 21): its items are drawn off "
	    "the key\n");
	free(out);
	free(err);

	/* F6 named but refused: the error says what is wrong with it, no warning repeats it. */
	tc_setup(NULL);
	tc_replace("layouts/menu.yaml", "key: 2", "key: F6");
	tc_replace("kiosk.yaml", "demo: true\n", "demo: true\nfunction_keys:\n"
	    "  F6: { side: middle, at_percent: 50 }\n");
	CHECK(run_check(1, argv, &out, &err) == 1);
	CHECK_STR(out, "");
	CHECK_STR(err, "kiosk.yaml:82:15: function_keys.F6.side: expected left or right, found "
	    "\"middle\"\n");
	free(out);
	free(err);
}

/* A function moved off its default key: the texts that still name that key. */
static void
test_key_names(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "keymap: {}", "keymap: { CALL_STAFF: [End] }");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(out, with_ok_line(LP_SHIPPED));
	CHECK(strstr(err, "layouts/describe_keys.yaml:28:21: warning: this zh text names "
	    "插入键, the default key of CALL_STAFF, but keymap in kiosk.yaml gives CALL_STAFF "
	    "End: name that key here\n") != NULL);
	CHECK(strstr(err, "layouts/describe_keys.yaml:28:37: warning: this en text names "
	    "Insert, the default key of CALL_STAFF") != NULL);
	/* The notices that offer a member of staff, in both languages. */
	CHECK(strstr(err, "layouts/messages.yaml:16:7: warning: this en text names Insert")
	    != NULL);
	CHECK(strstr(err, "layouts/messages.yaml:15:7: warning: this zh text names 插入键")
	    != NULL);
	free(out);
	free(err);

	/* Still on its default key too, or another function moved: nothing to say. */
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "keymap: {}", "keymap: { CALL_STAFF: [Insert, End] }");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(err, "");
	free(out);
	free(err);
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "keymap: {}", "keymap: { THEME: [End] }");
	CHECK(run_check(1, argv, &out, &err) == 0);
	CHECK_STR(err, "layouts/describe_keys.yaml:27:16: warning: this zh text names 主页键, "
	    "the default key of THEME, but keymap in kiosk.yaml gives THEME End: name that "
	    "key here\nlayouts/describe_keys.yaml:27:32: warning: this en text names Home, the "
	    "default key of THEME, but keymap in kiosk.yaml gives THEME End: name that key "
	    "here\n");
	free(out);
	free(err);
}

/* The double-strike window, as branch IT may mistype it. */
static void
test_keypad(void)
{
	char *argv[] = { "check", NULL };
	char *out, *err;

	tc_setup(NULL);
	tc_replace("kiosk.yaml", "  double_strike_ms: 500\n", "  double_strike_ms: 0.5\n");
	CHECK(run_check(1, argv, &out, &err) == 1);
	CHECK_STR(err, "kiosk.yaml:86:21: keypad.double_strike_ms: expected a whole number, "
	    "found \"0.5\"\n");
	free(out);
	free(err);
	tc_setup(NULL);
	tc_replace("kiosk.yaml", "  double_strike_ms: 500\n", "  double_strike_ms: 5000\n");
	CHECK(run_check(1, argv, &out, &err) == 1);
	CHECK_STR(err, "kiosk.yaml:86:21: keypad.double_strike_ms: 5000 is out of range "
	    "(0..1000)\n");
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
	CHECK_STR(err, "usage: kioskctl check [--it-key FILE] [kiosk.yaml]\n");
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
	test_large_print_size();
	test_large_print_font();
	test_function_keys();
	test_key_names();
	test_keypad();
	test_usage();
	tc_cleanup();
	if (test_failures > 0) {
		fprintf(stderr, "%d failure(s)\n", test_failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
