#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE *log_file;
static const char *log_prog = "kiosk";
static int log_debug_on;
/* The speech thread logs too; one lock keeps lines whole. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int
log_open(const char *progname, const char *path)
{
	log_prog = progname;
	if (path == NULL) {
		log_file = stderr;
		return 0;
	}
	FILE *f = fopen(path, "a");
	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return 0;
}

void
log_set_debug(int on)
{
	log_debug_on = on;
}

void
log_close(void)
{
	if (log_file != NULL && log_file != stderr)
		fclose(log_file);
	log_file = NULL;
}

static void
log_vwrite(const char *level, const char *fmt, va_list ap, const char *err)
{
	FILE *f = log_file ? log_file : stderr;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	pthread_mutex_lock(&log_lock);
	fprintf(f, "%s %s %s: ", stamp, log_prog, level);
	vfprintf(f, fmt, ap);
	if (err != NULL)
		fprintf(f, ": %s", err);
	fputc('\n', f);
	fflush(f);
	pthread_mutex_unlock(&log_lock);
}

#define LOG_BODY(level, err)                 \
	do {                                 \
		va_list ap;                  \
		va_start(ap, fmt);           \
		log_vwrite(level, fmt, ap, err); \
		va_end(ap);                  \
	} while (0)

void
log_debug(const char *fmt, ...)
{
	if (log_debug_on)
		LOG_BODY("debug", NULL);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY("info", NULL);
}

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY("warning", err);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY("warning", NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY("fatal", err);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY("fatal", NULL);
	exit(1);
}
