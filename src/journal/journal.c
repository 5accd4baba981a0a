/*
 * The journal file: opened (read and checked first, a torn end noted), locked, and
 * appended to one record at a time, each with one write() and an fsync().
 */
#include "journal/journal-int.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct journal {
	int fd;
	char *path;
	uint64_t last_seq;
	unsigned char last_hash[JOURNAL_HASH_LEN];
	int failed;
};

static void
now_utc(char out[JOURNAL_TIME_LEN + 1])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, JOURNAL_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, JOURNAL_TIME_LEN + 1, "1970-01-01T00:00:00Z");
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return fsync(fd);
}

/* A new file's name must survive a power cut too. */
static void
sync_dir(const char *path)
{
	char *dir = strdup(path);
	char *slash = dir != NULL ? strrchr(dir, '/') : NULL;
	int fd;

	if (dir == NULL)
		return;
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	fd = open(slash != NULL ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Fills in the chain fields and formats r; one buffer holds an optional prefix. */
static int
journal_format(struct journal *j, struct journal_record *r, char *buf, size_t bufsz,
    size_t *len)
{
	if (r->nfields < 0 || !journal_name_valid(r->event, 0))
		return -1;
	r->seq = j->last_seq + 1;
	now_utc(r->time);
	memcpy(r->prev, j->last_hash, JOURNAL_HASH_LEN);
	return journal_record_format(r, buf, bufsz, len);
}

struct journal *
journal_open(const char *path, const struct journal_scan *scan,
    struct journal_summary *sum, char *err, size_t errlen)
{
	struct journal *j;
	struct stat st;
	int fd, created = 0;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		created = 1;
	else if (errno == EEXIST)
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errlen, "%s: %s", path, errno == EWOULDBLOCK ?
		    "in use by another kiosk process" : strerror(errno));
		close(fd);
		return NULL;
	}
	if (created)
		sync_dir(path);
	if (journal_read(fd, scan, sum) < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	j = calloc(1, sizeof *j);
	if (j == NULL || (j->path = strdup(path)) == NULL) {
		free(j);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	j->fd = fd;
	j->last_seq = sum->last_seq;
	memcpy(j->last_hash, sum->last_hash, JOURNAL_HASH_LEN);

	if (sum->torn) {
		/* The newline that ends the torn line and the record that notes it go in
		 * one write, so the file never ends in a damaged line that has one. */
		struct journal_record r;
		char buf[JOURNAL_LINE_MAX + 2];
		size_t len;

		journal_record_init(&r, "torn");
		journal_record_addf(&r, "line", "%ld", sum->torn_line);
		journal_record_addf(&r, "bytes", "%zu", sum->torn_bytes);
		buf[0] = '\n';
		if (journal_format(j, &r, buf + 1, sizeof buf - 1, &len) < 0 ||
		    write_all(fd, buf, len + 1) < 0) {
			snprintf(err, errlen, "%s: cannot note the torn record: %s", path,
			    strerror(errno));
			journal_close(j);
			return NULL;
		}
		j->last_seq = r.seq;
		memcpy(j->last_hash, r.hash, JOURNAL_HASH_LEN);
	}
	return j;
}

int
journal_append(struct journal *j, struct journal_record *r)
{
	char buf[JOURNAL_LINE_MAX + 1];
	size_t len;

	if (j == NULL || j->failed)
		return -1;
	if (journal_format(j, r, buf, sizeof buf, &len) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (write_all(j->fd, buf, len) < 0) {
		/* Part of the line may be in the file: nothing more may follow it. */
		j->failed = 1;
		return -1;
	}
	j->last_seq = r->seq;
	memcpy(j->last_hash, r->hash, JOURNAL_HASH_LEN);
	return 0;
}

int
journal_failed(const struct journal *j)
{
	return j == NULL || j->failed;
}

const char *
journal_path(const struct journal *j)
{
	return j != NULL ? j->path : "";
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j->path);
	free(j);
}
