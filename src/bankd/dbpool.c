/*
 * Requests answered off the event loop, each worker with a database connection of its
 * own. A money request is a transaction of several statements, each a round trip to
 * the database; on the loop, every kiosk waited for every other kiosk's round trips,
 * and the database served one of them at a time. The loop still reads, verifies, signs
 * and writes every frame; a worker runs the request against its copy of the card
 * session and hands both back through a pipe the loop polls, as pinpool.c does.
 */
/* pipe2: the adapter runs on Linux only. */
#define _GNU_SOURCE
#include "bankd.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dbpool_worker {
	pthread_t thread;
	struct bank bk;                       /* the adapter's, with this worker's db */
	int started;
};

static pthread_mutex_t dbp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dbp_cond = PTHREAD_COND_INITIALIZER;
static struct db_job *dbp_todo, *dbp_todo_tail, *dbp_done, *dbp_done_tail;
static struct dbpool_worker *dbp_workers;
static int dbp_nworkers, dbp_quit;
static int dbp_pipe[2] = { -1, -1 };

static void
dbp_append(struct db_job **head, struct db_job **tail, struct db_job *j)
{
	j->next = NULL;
	if (*tail != NULL)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

static struct db_job *
dbp_pop(struct db_job **head, struct db_job **tail)
{
	struct db_job *j = *head;

	if (j != NULL && (*head = j->next) == NULL)
		*tail = NULL;
	return j;
}

static void
dbp_run(struct bank *bk, struct db_job *j)
{
	struct bank_session *s = j->has_session ? &j->s : NULL;

	kproto_buf_init(&j->resp);
	if (j->pin != NULL) {
		bank_session_pin_done(bk, s, j->pin, &j->rtype, &j->resp);
		pinpool_job_free(j->pin);
		j->pin = NULL;
	} else {
		bank_session_dispatch(bk, s, j->type, &j->req, &j->rtype, &j->resp);
		/* The request may carry a sealed PIN; nothing of it outlives its answer. */
		kproto_buf_wipe(&j->req);
	}
}

static void *
dbp_worker(void *arg)
{
	struct dbpool_worker *w = arg;

	pthread_mutex_lock(&dbp_lock);
	for (;;) {
		while (dbp_todo == NULL && !dbp_quit)
			pthread_cond_wait(&dbp_cond, &dbp_lock);
		if (dbp_quit)
			break;
		struct db_job *j = dbp_pop(&dbp_todo, &dbp_todo_tail);
		pthread_mutex_unlock(&dbp_lock);

		dbp_run(&w->bk, j);

		pthread_mutex_lock(&dbp_lock);
		dbp_append(&dbp_done, &dbp_done_tail, j);
		while (write(dbp_pipe[1], "x", 1) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&dbp_lock);
	return NULL;
}

int
dbpool_start(const struct bank *bk, const char *spec, int workers, char *err,
    size_t errlen)
{
	if (pipe2(dbp_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "database workers: pipe: %s", strerror(errno));
		return -1;
	}
	if ((dbp_workers = calloc((size_t)workers, sizeof *dbp_workers)) == NULL) {
		snprintf(err, errlen, "database workers: out of memory");
		dbpool_stop();
		return -1;
	}
	dbp_nworkers = workers;
	/* The first worker takes the connection opened and checked at start; the others
	 * open their own, so a bad spec or server was refused before any of them. */
	for (int i = 0; i < workers; i++) {
		dbp_workers[i].bk = *bk;
		if (i > 0 && db_connect(spec, &dbp_workers[i].bk.db, err, errlen) < 0) {
			dbp_workers[i].bk.db = NULL;
			dbpool_stop();
			return -1;
		}
	}
	/* Workers take no signals: a SIGTERM must reach the loop, asleep in ppoll. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < workers; i++) {
		int rc = pthread_create(&dbp_workers[i].thread, NULL, dbp_worker,
		    &dbp_workers[i]);
		if (rc != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			snprintf(err, errlen, "database workers: cannot start a thread: %s",
			    strerror(rc));
			dbpool_stop();
			return -1;
		}
		dbp_workers[i].started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	log_info(workers == 1 ? "%d database worker, with a connection of its own" :
	    "%d database workers, each with a connection of its own", workers);
	return dbp_pipe[0];
}

struct db_job *
dbpool_job_new(int conn_id, const struct bank_session *s)
{
	struct db_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->conn_id = conn_id;
	if (s != NULL) {
		j->s = *s;
		j->has_session = 1;
	}
	return j;
}

void
dbpool_job_free(struct db_job *j)
{
	if (j == NULL)
		return;
	pinpool_job_free(j->pin);
	kproto_buf_wipe(&j->req);
	kproto_buf_wipe(&j->resp);
	free(j);
}

void
dbpool_submit(struct db_job *j)
{
	pthread_mutex_lock(&dbp_lock);
	dbp_append(&dbp_todo, &dbp_todo_tail, j);
	pthread_cond_signal(&dbp_cond);
	pthread_mutex_unlock(&dbp_lock);
}

struct db_job *
dbpool_take(void)
{
	struct db_job *j;
	char buf[64];

	while (read(dbp_pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&dbp_lock);
	j = dbp_pop(&dbp_done, &dbp_done_tail);
	pthread_mutex_unlock(&dbp_lock);
	return j;
}

void
dbpool_stop(void)
{
	struct db_job *j;

	pthread_mutex_lock(&dbp_lock);
	dbp_quit = 1;
	pthread_cond_broadcast(&dbp_cond);
	pthread_mutex_unlock(&dbp_lock);
	for (int i = 0; i < dbp_nworkers; i++)
		if (dbp_workers[i].started)
			pthread_join(dbp_workers[i].thread, NULL);
	/* Requests never run were never answered; the kiosks are closed with the loop. */
	while ((j = dbp_pop(&dbp_todo, &dbp_todo_tail)) != NULL)
		dbpool_job_free(j);
	while ((j = dbp_pop(&dbp_done, &dbp_done_tail)) != NULL)
		dbpool_job_free(j);
	/* The first worker's connection is the caller's, closed by it. */
	for (int i = 1; i < dbp_nworkers; i++)
		if (dbp_workers[i].bk.db != NULL)
			db_close(dbp_workers[i].bk.db);
	free(dbp_workers);
	dbp_workers = NULL;
	dbp_nworkers = dbp_quit = 0;
	for (int i = 0; i < 2; i++) {
		if (dbp_pipe[i] >= 0)
			close(dbp_pipe[i]);
		dbp_pipe[i] = -1;
	}
}
