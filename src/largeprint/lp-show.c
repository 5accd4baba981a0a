/* lp-show: prints text in large print, to look at the fonts and sizes in a terminal. */
#include "largeprint/largeprint.h"

#include "common/util.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr,
	    "usage: lp-show [-lnv] [-f font.hex] [-s size] [-t theme] [-w cols] text ...\n"
	    "  -f  Unifont .hex file (default " LP_UNIFONT_PATH ")\n"
	    "  -n  the bundled font only\n"
	    "  -s  size %d to %d (default: the largest this terminal offers)\n"
	    "  -t  colour with a theme's basic colours\n"
	    "  -w  wrap at this many columns (default: the terminal's width)\n"
	    "  -l  list the themes and their contrast ratios\n"
	    "  -v  timings and the characters drawn at normal size, on stderr\n",
	    LP_SIZE_MIN, LP_SIZE_MAX);
	exit(2);
}

static void
list_themes(void)
{
	for (int i = 0; i < lp_theme_count(); i++) {
		const struct lp_theme *t = lp_theme_at(i);
		printf("%-16s %5.1f:1  linux console %5.1f:1  xterm %5.1f:1\n", t->name,
		    lp_theme_contrast(t), lp_theme_contrast_on(t, &lp_palette_linux),
		    lp_theme_contrast_on(t, &lp_palette_xterm));
	}
}

int
main(int argc, char **argv)
{
	const char *font = LP_UNIFONT_PATH;
	const struct lp_theme *theme = NULL;
	int size = 0, cols = 0, rows = 24, bundled_only = 0, verbose = 0, c;
	struct winsize ws;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	while ((c = getopt(argc, argv, "f:lns:t:vw:")) != -1) {
		switch (c) {
		case 'f':
			font = optarg;
			break;
		case 'l':
			list_themes();
			return 0;
		case 'n':
			bundled_only = 1;
			break;
		case 's':
			size = atoi(optarg);
			if (size < LP_SIZE_MIN || size > LP_SIZE_MAX)
				usage();
			break;
		case 't':
			if ((theme = lp_theme_find(optarg)) == NULL) {
				fprintf(stderr, "lp-show: no theme %s; -l lists them\n", optarg);
				return 2;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			cols = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind == argc)
		usage();
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		if (cols <= 0)
			cols = ws.ws_col;
		rows = ws.ws_row;
	}
	if (cols <= 0)
		cols = 80;
	if (size == 0 && (size = lp_size_largest(cols, rows)) == 0)
		size = LP_SIZE_MIN;

	struct strbuf text;
	strbuf_init(&text);
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strbuf_addc(&text, ' ');
		strbuf_add(&text, argv[i]);
	}

	struct lp_fonts fonts = {0};
	struct diag_list diags = {0};
	int64_t t0 = mono_usec();
	if (bundled_only)
		fonts.font[fonts.count++] = lp_font_bundled();
	else if (lp_fonts_default(&fonts, font, &diags) != 0)
		fprintf(stderr, "lp-show: %s unusable, bundled font only\n", font);
	int64_t t1 = mono_usec();
	if (lp_fonts_need(&fonts, text.s) != 0)
		perror("lp-show: reading glyphs");
	int64_t t2 = mono_usec();
	diag_print(&diags, stderr);

	struct lp_lines lines;
	int nsmall = 0;
	lp_wrap(&fonts, text.s, size, cols, &lines);
	for (int i = 0; i < lines.count; i++) {
		struct lp_block b;
		lp_render(&fonts, lines.line[i], size, &b);
		for (int r = 0; r < b.rows; r++) {
			if (theme != NULL)
				printf("\033[%s3%d;4%dm%s\033[0m\n", theme->fg_bright ? "1;" : "",
				    (int)theme->fg8, (int)theme->bg8, b.line[r]);
			else
				printf("%s\n", b.line[r]);
		}
		for (int k = 0; k < b.nsmall && verbose; k++)
			fprintf(stderr, "lp-show: line %d column %d: U+%04X at normal size\n",
			    i + 1, b.small[k].col, (unsigned)b.small[k].cp);
		nsmall += b.nsmall;
		lp_block_free(&b);
	}
	if (verbose) {
		fprintf(stderr, "lp-show: size %d (%d rows a line, %d columns a Latin "
		    "character), %d line(s) at %d columns, %d character(s) at normal size\n",
		    size, lp_size_rows(size), lp_size_cols(size), lines.count, cols, nsmall);
		fprintf(stderr, "lp-show: fonts opened in %.1f ms, glyphs read in %.1f ms\n",
		    (double)(t1 - t0) / 1000, (double)(t2 - t1) / 1000);
	}
	lp_lines_free(&lines);
	lp_fonts_close(&fonts);
	diag_free(&diags);
	strbuf_free(&text);
	return 0;
}
