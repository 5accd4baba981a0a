#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static FILE *log_file;
static const char *log_prog = "kiosk";
static int log_debug_on;
/* stderr goes to the systemd journal: a <priority> prefix instead of time and name. */
static int log_journal;
/* The speech thread logs too; one lock keeps lines whole. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* systemd names the journal stream it connected in JOURNAL_STREAM=DEV:INODE; a stderr
 * redirected elsewhere by a child keeps the variable but not the inode. */
static int
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int
log_open(const char *progname, const char *path)
{
	log_prog = progname;
	if (path == NULL) {
		log_file = stderr;
		log_journal = stderr_is_journal();
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

/* Syslog priorities (sd-daemon(3)): 7 debug, 6 info, 4 warning, 2 critical. */
static void
log_vwrite(int prio, const char *level, const char *fmt, va_list ap, const char *err)
{
	FILE *f = log_file ? log_file : stderr;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	pthread_mutex_lock(&log_lock);
	if (log_journal && f == stderr)
		fprintf(f, "<%d>", prio);
	else
		fprintf(f, "%s %s %s: ", stamp, log_prog, level);
	vfprintf(f, fmt, ap);
	if (err != NULL)
		fprintf(f, ": %s", err);
	fputc('\n', f);
	fflush(f);
	pthread_mutex_unlock(&log_lock);
}

#define LOG_BODY(prio, level, err)                  \
	do {                                        \
		va_list ap;                         \
		va_start(ap, fmt);                  \
		log_vwrite(prio, level, fmt, ap, err); \
		va_end(ap);                         \
	} while (0)

void
log_debug(const char *fmt, ...)
{
	if (log_debug_on)
		LOG_BODY(7, "debug", NULL);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(6, "info", NULL);
}

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(4, "warning", err);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(4, "warning", NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(2, "fatal", err);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(2, "fatal", NULL);
	exit(1);
}
