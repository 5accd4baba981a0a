/*
 * PIN hashes checked off the event loop. crypto_pwhash is slow on purpose (tens of
 * milliseconds and 64 MB each); on the loop, one customer's PIN would hold up every
 * other kiosk's request. A fixed set of worker threads takes jobs from a bounded
 * queue and hands them back through a pipe the loop polls. Jobs carry the PIN in
 * guarded memory, wiped as soon as it was compared.
 */
/* pipe2: the adapter runs on Linux only. */
#define _GNU_SOURCE
#include "bankd.h"

#include "common/log.h"

#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(sizeof ((struct pin_job *)0)->hash == crypto_pwhash_STRBYTES,
    "a job holds one PIN hash");
_Static_assert(sizeof ((struct pin_job *)0)->new_hash == crypto_pwhash_STRBYTES,
    "and a PIN change's new one");

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static struct pin_job *pool_todo, *pool_done;  /* FIFO lists */
static pthread_t *pool_threads;
static int pool_nthreads, pool_inflight, pool_max, pool_quit;
static int pool_pipe[2] = { -1, -1 };
static int pool_nice;

static void
job_append(struct pin_job **list, struct pin_job *j)
{
	j->next = NULL;
	while (*list != NULL)
		list = &(*list)->next;
	*list = j;
}

static void *
pool_worker(void *arg)
{
	(void)arg;
	/* A hash may wait for the requests of other kiosks, never the other way round:
	 * when both want the processors, the loop and the database workers go first.
	 * Alone, a worker still has a processor to itself. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), pool_nice) < 0)
		log_warn("PIN worker: cannot lower its priority");
	pthread_mutex_lock(&pool_lock);
	for (;;) {
		while (pool_todo == NULL && !pool_quit)
			pthread_cond_wait(&pool_cond, &pool_lock);
		if (pool_quit)
			break;
		struct pin_job *j = pool_todo;
		pool_todo = j->next;
		pthread_mutex_unlock(&pool_lock);

		/* A PIN change keeps the old hash: it is stored only where it is still the
		 * card's, once the loop has the job back. */
		if (j->change)
			j->status = ledger_pin_change_prepare(j->hash, j->pin, j->new_hash,
			    sizeof j->new_hash);
		else {
			j->match = crypto_pwhash_str_verify(j->hash, j->pin, strlen(j->pin)) == 0;
			sodium_memzero(j->hash, sizeof j->hash);
		}
		sodium_memzero(j->pin, KPROTO_PIN_MAX + 1);

		pthread_mutex_lock(&pool_lock);
		job_append(&pool_done, j);
		/* One byte per job; the loop reads them all and takes every finished job. */
		while (write(pool_pipe[1], "x", 1) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&pool_lock);
	return NULL;
}

int
pinpool_start(int workers, int queue, char *err, size_t errlen)
{
	if (pipe2(pool_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "PIN workers: pipe: %s", strerror(errno));
		return -1;
	}
	pool_threads = calloc((size_t)workers, sizeof *pool_threads);
	if (pool_threads == NULL) {
		snprintf(err, errlen, "PIN workers: out of memory");
		return -1;
	}
	pool_max = workers + queue;
	pool_nice = getpriority(PRIO_PROCESS, 0) + BANKD_PIN_NICE;
	if (pool_nice > 19)
		pool_nice = 19;
	/* Workers take no signals: a SIGTERM must reach the loop, asleep in ppoll. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (pool_nthreads = 0; pool_nthreads < workers; pool_nthreads++) {
		int rc = pthread_create(&pool_threads[pool_nthreads], NULL, pool_worker, NULL);
		if (rc != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			snprintf(err, errlen, "PIN workers: cannot start a thread: %s",
			    strerror(rc));
			pinpool_stop();
			return -1;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	log_info("%d PIN workers, at most %d PIN checks waiting", workers, queue);
	return pool_pipe[0];
}

struct pin_job *
pinpool_job_new(int conn_id, const char *pan)
{
	struct pin_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	if ((j->pin = sodium_malloc(KPROTO_PIN_MAX + 1)) == NULL) {
		free(j);
		return NULL;
	}
	j->conn_id = conn_id;
	snprintf(j->pan, sizeof j->pan, "%s", pan);
	return j;
}

void
pinpool_job_free(struct pin_job *j)
{
	if (j == NULL)
		return;
	sodium_free(j->pin);
	sodium_memzero(j->hash, sizeof j->hash);
	sodium_memzero(j->new_hash, sizeof j->new_hash);
	free(j);
}

int
pinpool_submit(struct pin_job *j)
{
	int ok;

	pthread_mutex_lock(&pool_lock);
	if ((ok = pool_threads != NULL && pool_inflight < pool_max)) {
		pool_inflight++;
		job_append(&pool_todo, j);
		pthread_cond_signal(&pool_cond);
	}
	pthread_mutex_unlock(&pool_lock);
	return ok ? 0 : -1;
}

struct pin_job *
pinpool_take(void)
{
	struct pin_job *j;
	char buf[64];

	while (read(pool_pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&pool_lock);
	if ((j = pool_done) != NULL) {
		pool_done = j->next;
		pool_inflight--;
	}
	pthread_mutex_unlock(&pool_lock);
	return j;
}

void
pinpool_stop(void)
{
	struct pin_job *j;

	pthread_mutex_lock(&pool_lock);
	pool_quit = 1;
	pthread_cond_broadcast(&pool_cond);
	pthread_mutex_unlock(&pool_lock);
	for (int i = 0; i < pool_nthreads; i++)
		pthread_join(pool_threads[i], NULL);
	/* Checks that never ran or were never recorded: at shutdown, no try is counted
	 * and no kiosk answered. */
	while ((j = pool_todo) != NULL) {
		pool_todo = j->next;
		pinpool_job_free(j);
	}
	while ((j = pool_done) != NULL) {
		pool_done = j->next;
		pinpool_job_free(j);
	}
	free(pool_threads);
	pool_threads = NULL;
	pool_nthreads = pool_inflight = pool_quit = 0;
	for (int i = 0; i < 2; i++) {
		if (pool_pipe[i] >= 0)
			close(pool_pipe[i]);
		pool_pipe[i] = -1;
	}
}
