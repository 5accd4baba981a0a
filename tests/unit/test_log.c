/*
 * Logging to stderr: with a time and the program's name on a terminal or in a file, and
 * with a syslog priority alone when systemd connected stderr to the journal, so that
 * journalctl shows warnings and errors as such.
 */
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* Logs one info and one warning with stderr on a new file, JOURNAL_STREAM naming that
 * file (or not), and returns what was written. */
static char *
logged(int journal)
{
	static char buf[1024];
	char path[] = "/tmp/test-log-XXXXXX", env[64];
	struct stat st;
	int saved = dup(STDERR_FILENO), fd = mkstemp(path);

	CHECK(fd >= 0 && saved >= 0 && fstat(fd, &st) == 0);
	snprintf(env, sizeof env, "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + (journal ? 0 : 1));
	setenv("JOURNAL_STREAM", env, 1);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	CHECK_EQ(log_open("test", NULL), 0);
	log_info("ready on %s", "socket");
	log_warnx("bank unavailable");
	log_close();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	unsetenv("JOURNAL_STREAM");
	return buf;
}

int
main(void)
{
	char *out = logged(1);
	CHECK(strcmp(out, "<6>ready on socket\n<4>bank unavailable\n") == 0);

	/* The variable is inherited by children whose stderr went elsewhere. */
	out = logged(0);
	CHECK(strstr(out, " test info: ready on socket\n") != NULL);
	CHECK(strstr(out, " test warning: bank unavailable\n") != NULL);
	CHECK(strchr(out, '<') == NULL);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
