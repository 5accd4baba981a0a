/*
 * The adapter's socket and poll loop. Each connection is a kproto session with its
 * own card session; a bad frame, a failed or slow handshake, a frame left half sent or
 * a peer running as a uid not allowed closes that connection only. When the table is
 * full, a newcomer pushes out the least advanced connection that has not finished its
 * handshake, never an established session. Answers never block the loop: each
 * connection queues what the socket does not take at once, is written to as it drains,
 * and is dropped when a kiosk that does not read lets its queue overflow or stall.
 * Requests run on the database workers (dbpool.c), one at a time per connection, so a
 * kiosk waiting for the database holds up no other.
 */
/* ppoll, accept4 and SO_PEERCRED: the kiosk runs on Linux only. */
#define _GNU_SOURCE
#include "bankd.h"

#include "common/log.h"
#include "common/util.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* New connections taken per turn of the loop, so an accept storm cannot starve the
 * connections already open of their turn to read. */
#define SERVE_ACCEPT_BATCH 4
/* Lines about connections that never completed a handshake (refused, accepted,
 * dropped, closed) logged per second; the rest are counted, then summed up. */
#define SERVE_NOISY_PER_SEC 50
/* Answers queued for one kiosk that is not reading them: hundreds of frames. */
#define SERVE_OUT_MAX (64 * 1024)

struct serve_conn {
	int used;
	struct kproto_conn kc;
	struct bank_session s;
	uid_t uid;
	pid_t pid;
	int64_t accepted_usec;
	int64_t active_usec;      /* last time the socket had something for us */
	int64_t frame_usec;       /* first byte of the frame being read, 0 if none */
	unsigned char *out;       /* answers the socket did not take yet */
	size_t outlen, outoff;    /* queued bytes, and how many of them are written */
	int64_t out_usec;         /* when the socket last took bytes while some waited */
	unsigned char pk[KPROTO_PK_LEN];      /* the key registered for this kiosk */
	int busy;                 /* a request is with a database worker: s is its */
	struct pin_job *pin_done; /* a PIN check finished while busy, answered after */
	char claimed[KPROTO_ID_MAX + 1];      /* the id its HELLO gave, before verifying */
};

static struct serve_conn *serve_conns;
static int serve_nconns;
static int serve_next_id = 1;
/* Frames are read one at a time; one buffer serves every connection. */
static struct kproto_buf serve_req;
static int64_t serve_noisy_sec;
static int serve_noisy_count, serve_noisy_dropped;

int
serve_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket", path);
			return -1;
		}
		/* A socket somebody still answers on is not stale: do not steal it. */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(fd);
			snprintf(err, errlen, "%s: another adapter is already listening there",
			    path);
			return -1;
		}
		if (fd >= 0)
			close(fd);
		if (unlink(path) < 0) {
			snprintf(err, errlen, "%s: cannot remove stale socket: %s", path,
			    strerror(errno));
			return -1;
		}
		log_info("removed stale socket %s", path);
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* The umask makes the socket 0600 from the start, with no window after bind. */
	old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (rc < 0 || listen(fd, 16) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
serve_peer_allowed(int fd, const uid_t *allow, int nallow, uid_t *uid, pid_t *pid)
{
	struct ucred cr;
	socklen_t len = sizeof cr;

	*uid = (uid_t)-1;
	*pid = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return -1;
	if (len != sizeof cr) {
		errno = EINVAL;
		return -1;
	}
	*uid = cr.uid;
	*pid = cr.pid;
	for (int i = 0; i < nallow; i++)
		if (allow[i] == cr.uid)
			return 1;
	return 0;
}

/*
 * 1 if a warning about a refused or dropped connection may be logged now: a flood
 * must not fill the disk with the same line. The count of lines held back is logged
 * once the next second begins.
 */
static int
serve_noisy_ok(void)
{
	int64_t sec = mono_usec() / 1000000;

	if (sec != serve_noisy_sec) {
		if (serve_noisy_dropped > 0)
			log_warnx("%d more lines about connections without a handshake not "
			    "logged", serve_noisy_dropped);
		serve_noisy_sec = sec;
		serve_noisy_count = 0;
		serve_noisy_dropped = 0;
	}
	if (serve_noisy_count < SERVE_NOISY_PER_SEC) {
		serve_noisy_count++;
		return 1;
	}
	serve_noisy_dropped++;
	return 0;
}

/* The connection id's slot, if it is still open. */
static struct serve_conn *
serve_find(int id)
{
	for (int i = 0; i < serve_nconns; i++)
		if (serve_conns[i].used && serve_conns[i].s.id == id)
			return &serve_conns[i];
	return NULL;
}

/*
 * Has a PIN check the pool finished recorded and answered by a database worker, for
 * the connection c (NULL: closed, the try still counts); -1 if out of memory.
 */
static int
serve_pin_submit(struct serve_conn *c, int conn_id, struct pin_job *pj)
{
	struct db_job *j = dbpool_job_new(conn_id, c != NULL ? &c->s : NULL);

	if (j == NULL) {
		log_warnx("conn %d: out of memory for a PIN check's answer", conn_id);
		pinpool_job_free(pj);
		return -1;
	}
	j->pin = pj;
	if (c != NULL)
		c->busy = 1;
	dbpool_submit(j);
	return 0;
}

static void
serve_close(struct serve_conn *c, const char *why)
{
	if (kproto_conn_ready(&c->kc) || serve_noisy_ok())
		log_info("conn %d: closed (%s)", c->s.id, why);
	/* A worker holds the session of a busy connection: the job's return ends it. */
	if (!c->busy && c->s.state != BANK_NO_CARD)
		bank_session_reset(&c->s);
	if (c->pin_done != NULL)
		serve_pin_submit(NULL, c->s.id, c->pin_done);
	c->pin_done = NULL;
	c->busy = 0;
	kproto_conn_close(&c->kc);
	free(c->out);
	c->out = NULL;
	c->outlen = c->outoff = 0;
	c->used = 0;
}

/*
 * How far an unauthenticated connection got: one that has said nothing is dropped
 * before one half way through a frame, which goes before one whose signed HELLO was
 * answered. Established sessions are never candidates.
 */
static int
serve_progress(const struct serve_conn *c)
{
	if (c->kc.state == KPROTO_CONN_REPLY_SENT)
		return 2;
	return c->kc.inlen > 0 ? 1 : 0;
}

/* Frees a slot for a newcomer; NULL if every slot holds an established session. */
static struct serve_conn *
serve_make_room(void)
{
	struct serve_conn *victim = NULL;

	for (int i = 0; i < serve_nconns; i++) {
		struct serve_conn *c = &serve_conns[i];
		if (!c->used || kproto_conn_ready(&c->kc))
			continue;
		if (victim == NULL || serve_progress(c) < serve_progress(victim) ||
		    (serve_progress(c) == serve_progress(victim) &&
		    c->active_usec < victim->active_usec))
			victim = c;
	}
	if (victim == NULL)
		return NULL;
	if (serve_noisy_ok())
		log_warnx("conn %d: dropped to make room: %d connections open, and it is the "
		    "oldest idle one without a handshake (uid %u)", victim->s.id, serve_nconns,
		    (unsigned)victim->uid);
	serve_close(victim, "connection limit");
	return victim;
}

static void
serve_accept(int lfd, const struct serve_config *cfg)
{
	for (int taken = 0; taken < SERVE_ACCEPT_BATCH; taken++) {
		struct serve_conn *c = NULL;
		uid_t uid;
		pid_t pid;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		/* The socket's mode is the first fence; the peer's uid is the second, checked
		 * before a single byte of the peer is read. */
		int ok = serve_peer_allowed(fd, cfg->allow_uids, cfg->nallow_uids, &uid, &pid);
		if (ok < 0) {
			log_warn("refusing a connection: cannot read its credentials");
			close(fd);
			continue;
		}
		if (ok == 0) {
			if (serve_noisy_ok())
				log_warnx("refusing a connection from uid %u (pid %ld): not an "
				    "allowed uid (--allow-uid)", (unsigned)uid, (long)pid);
			close(fd);
			continue;
		}
		for (int i = 0; i < serve_nconns && c == NULL; i++)
			if (!serve_conns[i].used)
				c = &serve_conns[i];
		if (c == NULL && (c = serve_make_room()) == NULL) {
			/* Every slot holds a session that completed the handshake: refuse the
			 * newcomer rather than cut a customer off. */
			if (serve_noisy_ok())
				log_warnx("refusing a connection from uid %u (pid %ld): %d sessions "
				    "open", (unsigned)uid, (long)pid, serve_nconns);
			close(fd);
			continue;
		}
		/* With a keys directory the key is chosen once the HELLO names its kiosk. */
		memset(c->pk, 0, sizeof c->pk);
		c->claimed[0] = '\0';
		if (kproto_conn_init(&c->kc, fd, cfg->sk, cfg->kiosk_pk != NULL ?
		    cfg->kiosk_pk : c->pk) != KPROTO_OK) {
			log_warnx("cannot set up a connection");
			close(fd);
			continue;
		}
		c->used = 1;
		c->uid = uid;
		c->pid = pid;
		c->accepted_usec = c->active_usec = mono_usec();
		c->frame_usec = 0;
		bank_session_init(&c->s, serve_next_id++);
		if (serve_noisy_ok())
			log_info("conn %d: accepted (uid %u, pid %ld)", c->s.id, (unsigned)uid,
			    (long)pid);
	}
}

/*
 * With a keys directory, which key verifies a HELLO depends on the kiosk id inside it:
 * the frame is read whole first (never past its end, as libkproto reads), the id is
 * taken from it unverified, and that kiosk's registered key is pinned before libkproto
 * verifies the same bytes. 1 to go on with the handshake, 0 to wait for more, -1 if
 * the connection was closed: a kiosk not registered, or a keys file others may write.
 */
static int
serve_hello_key(struct serve_conn *c, const struct serve_config *cfg)
{
	struct kproto_header h;
	struct kproto_buf b;
	size_t need = KPROTO_HEADER_LEN;
	char err[1024];

	if (cfg->kiosk_keys == NULL || c->kc.state != KPROTO_CONN_NEW)
		return 1;
	for (;;) {
		/* A bad header or an early end is libkproto's to reject, by name. */
		if (c->kc.inlen >= KPROTO_HEADER_LEN) {
			if (kproto_header_decode(c->kc.in, c->kc.inlen, &h) != KPROTO_OK)
				return 1;
			need = KPROTO_HEADER_LEN + h.length + KPROTO_SIG_LEN;
		}
		if (c->kc.inlen == need)
			break;
		ssize_t n = read(c->kc.fd, c->kc.in + c->kc.inlen, need - c->kc.inlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return 1;
		c->kc.inlen += (size_t)n;
	}
	if (h.type != KPROTO_MSG_HELLO ||
	    kproto_buf_set(&b, c->kc.in + KPROTO_HEADER_LEN, h.length) != KPROTO_OK ||
	    kproto_get_str(&b, KPROTO_TAG_KIOSK_ID, c->claimed, sizeof c->claimed) !=
	    KPROTO_OK)
		return 1;
	if (!kiosks_id_valid(c->claimed)) {
		if (serve_noisy_ok())
			log_warnx("conn %d: refused: the HELLO's kiosk id cannot name a "
			    "registered kiosk", c->s.id);
		serve_close(c, "kiosk refused");
		return -1;
	}
	int found = kiosks_key(cfg->kiosk_keys, c->claimed, c->pk, err, sizeof err);
	if (found == 1) {
		c->kc.peer_pk = c->pk;
		return 1;
	}
	/* The one --kiosk-key, when given too, speaks for every kiosk not registered. */
	if (found == 0 && cfg->kiosk_pk != NULL)
		return 1;
	/* The id was checked to be a plain name: it cannot forge a log line. */
	if (serve_noisy_ok())
		log_warnx("conn %d: kiosk \"%s\" refused: %s%s", c->s.id, c->claimed,
		    found == 0 ? "not registered: " : "", err);
	serve_close(c, "kiosk refused");
	return -1;
}

static void
serve_handshake(struct serve_conn *c, const struct serve_config *cfg)
{
	char err[256] = "";
	int rv;

	if (serve_hello_key(c, cfg) <= 0)
		return;
	rv = kproto_server_handshake(&c->kc, BANKD_ADAPTER_ID, err, sizeof err);

	if (rv == KPROTO_AGAIN) {
		if (c->kc.state == KPROTO_CONN_REPLY_SENT && c->kc.inlen == 0)
			log_debug("conn %d: HELLO from \"%s\" answered, waiting for HELLO_CONFIRM",
			    c->s.id, c->kc.peer_id);
		return;
	}
	/* Probes (a second adapter checking the socket is live) say nothing at all; a
	 * peer that sent a HELLO and left without confirming it is worth a warning. */
	if (rv == KPROTO_E_EOF && c->kc.peer_id[0] == '\0') {
		serve_close(c, "closed before the handshake");
		return;
	}
	if (rv != KPROTO_OK && c->claimed[0] != '\0' && c->kc.peer_pk == c->pk) {
		log_warnx("conn %d: handshake failed [%s]: %s (kiosk \"%s\", key %s/%s.pub)",
		    c->s.id, kproto_err_to_str(rv), err, c->claimed, cfg->kiosk_keys,
		    c->claimed);
		serve_close(c, "handshake failed");
		return;
	}
	if (rv != KPROTO_OK) {
		log_warnx("conn %d: handshake failed [%s]: %s", c->s.id, kproto_err_to_str(rv),
		    err);
		serve_close(c, "handshake failed");
		return;
	}
	log_info("conn %d: kiosk \"%s\" connected", c->s.id, c->kc.peer_id);
	/* Holds remember their kiosk: only it may settle them after a crash. */
	bank_session_set_kiosk(&c->s, c->kc.peer_id);
}

/* Writes what the socket takes now; -1 (connection closed) if the kiosk went away. */
static int
serve_flush(struct serve_conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->kc.fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0) {
			log_warnx("conn %d: cannot send: %s", c->s.id, strerror(errno));
			serve_close(c, "send failed");
			return -1;
		}
		c->outoff += (size_t)n;
		c->out_usec = mono_usec();
	}
	c->outlen = c->outoff = 0;
	return 0;
}

/*
 * Queues the answer the session made (resp_type 0: none yet, a PIN being checked) as
 * one signed frame, and writes what the socket takes.
 */
static void
serve_answer(struct serve_conn *c, const struct serve_config *cfg, uint8_t rtype,
    const struct kproto_buf *resp)
{
	size_t len;
	int rv;

	if (rtype == 0)
		return;
	rv = kproto_frame_encode(c->kc.out, sizeof c->kc.out, &len, rtype, c->kc.send_seq,
	    c->kc.session, resp->data, resp->len, cfg->sk);
	if (rv != KPROTO_OK) {
		log_warnx("conn %d: cannot frame %s: %s", c->s.id, kproto_type_to_str(rtype),
		    kproto_strerror(rv));
		serve_close(c, "send failed");
		return;
	}
	if (c->outlen - c->outoff + len > SERVE_OUT_MAX) {
		log_warnx("conn %d: kiosk \"%s\" does not read its answers (%zu bytes waiting)",
		    c->s.id, c->kc.peer_id, c->outlen - c->outoff);
		serve_close(c, "answers not read");
		return;
	}
	if (c->out == NULL)
		c->out = xmalloc(SERVE_OUT_MAX);
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (c->outlen == 0)
		c->out_usec = mono_usec();
	memcpy(c->out + c->outlen, c->kc.out, len);
	c->outlen += len;
	c->kc.send_seq++;
	if (serve_flush(c) == 0)
		log_debug("conn %d: response %s%s", c->s.id, kproto_type_to_str(rtype),
		    c->outlen > 0 ? " (queued)" : "");
}

static void
serve_request(struct serve_conn *c)
{
	struct db_job *j;
	uint8_t type = 0;
	int rv = kproto_recv(&c->kc, &type, &serve_req);

	if (rv == KPROTO_AGAIN)
		return;
	if (rv == KPROTO_E_EOF) {
		serve_close(c, "kiosk disconnected");
		return;
	}
	if (rv != KPROTO_OK) {
		log_warnx("conn %d: bad frame [%s]: %s", c->s.id, kproto_err_to_str(rv),
		    kproto_strerror(rv));
		serve_close(c, "bad frame");
		return;
	}
	log_debug("conn %d: request %s (%u bytes)", c->s.id, kproto_type_to_str(type),
	    (unsigned)serve_req.len);
	if ((j = dbpool_job_new(c->s.id, &c->s)) == NULL) {
		kproto_buf_wipe(&serve_req);
		log_warnx("conn %d: out of memory for a request", c->s.id);
		serve_close(c, "out of memory");
		return;
	}
	j->type = type;
	j->req = serve_req;
	kproto_buf_wipe(&serve_req);
	c->busy = 1;
	dbpool_submit(j);
}

/*
 * Answers every request the database workers finished. The answer leaves only once
 * the ledger's COMMIT returned: whatever the kiosk is told was done is on disk.
 */
static void
serve_requests_done(const struct serve_config *cfg)
{
	struct db_job *j;

	while ((j = dbpool_take()) != NULL) {
		struct serve_conn *c = serve_find(j->conn_id);

		if (c != NULL && c->busy) {
			c->s = j->s;
			c->busy = 0;
			serve_answer(c, cfg, j->rtype, &j->resp);
			/* Its PIN check came back before the request that queued it. */
			if (c->used && c->pin_done != NULL && c->s.pin_pending) {
				serve_pin_submit(c, c->s.id, c->pin_done);
				c->pin_done = NULL;
			}
		} else if (j->has_session && j->s.state != BANK_NO_CARD) {
			/* The kiosk left while its request ran. */
			bank_session_reset(&j->s);
		}
		dbpool_job_free(j);
	}
}

/* Has every PIN check the pool finished answered; a closed connection's still counts. */
static void
serve_pins_done(void)
{
	struct pin_job *j;

	while ((j = pinpool_take()) != NULL) {
		struct serve_conn *c = serve_find(j->conn_id);

		if (c != NULL && c->busy && c->pin_done == NULL)
			c->pin_done = j;
		else if (c != NULL && c->s.pin_pending && !c->busy)
			serve_pin_submit(c, c->s.id, j);
		else
			serve_pin_submit(NULL, j->conn_id, j);
	}
}

/* The kiosk has not read its answers for longer than it has been sending a frame. */
static int
serve_out_stalled(const struct serve_conn *c)
{
	return c->outlen > 0 && (c->frame_usec == 0 || c->out_usec < c->frame_usec);
}

/*
 * When c is dropped unless it made progress (mono usec), or 0 if never: an established
 * session between frames has no deadline, as a kiosk idle between customers is normal.
 */
static int64_t
serve_deadline(const struct serve_conn *c, const struct serve_config *cfg)
{
	int64_t t = (int64_t)cfg->io_timeout_ms * 1000;

	if (!kproto_conn_ready(&c->kc))
		return c->accepted_usec + t;
	if (serve_out_stalled(c))
		return c->out_usec + t;
	if (c->frame_usec != 0)
		return c->frame_usec + t;
	return 0;
}

static void
serve_expire(struct serve_conn *c, const struct serve_config *cfg)
{
	if (!kproto_conn_ready(&c->kc)) {
		log_warnx("conn %d: handshake not completed within %d ms (%s, %zu bytes of a "
		    "frame)", c->s.id, cfg->io_timeout_ms, c->kc.state == KPROTO_CONN_NEW ?
		    "no HELLO" : "no HELLO_CONFIRM", c->kc.inlen);
		serve_close(c, "handshake timeout");
	} else if (serve_out_stalled(c)) {
		log_warnx("conn %d: kiosk \"%s\" read none of its answers for %d ms (%zu "
		    "bytes waiting)", c->s.id, c->kc.peer_id, cfg->io_timeout_ms,
		    c->outlen - c->outoff);
		serve_close(c, "answers not read");
	} else {
		log_warnx("conn %d: frame not completed within %d ms (%zu bytes received)",
		    c->s.id, cfg->io_timeout_ms, c->kc.inlen);
		serve_close(c, "frame timeout");
	}
}

int
serve_run(const struct serve_config *cfg, int lfd, volatile sig_atomic_t *quit)
{
	struct pollfd *pfd;
	struct serve_conn **map;
	sigset_t block, orig;

	serve_nconns = cfg->max_conns;
	serve_conns = xcalloc((size_t)serve_nconns, sizeof *serve_conns);
	pfd = xcalloc((size_t)serve_nconns + 3, sizeof *pfd);
	map = xcalloc((size_t)serve_nconns + 3, sizeof *map);
	for (int i = 0; i < serve_nconns; i++)
		serve_conns[i].kc.fd = -1;
	/* Signals arrive only inside ppoll, so a SIGTERM is never missed between the
	 * check of *quit and going to sleep. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);

	while (!*quit) {
		int n = 0, wait_ms = -1;
		int64_t now = mono_usec();

		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		map[n++] = NULL;
		pfd[n].fd = cfg->pin_fd;
		pfd[n].events = POLLIN;
		map[n++] = NULL;
		pfd[n].fd = cfg->db_fd;
		pfd[n].events = POLLIN;
		map[n++] = NULL;
		for (int i = 0; i < serve_nconns; i++) {
			struct serve_conn *c = &serve_conns[i];
			if (!c->used)
				continue;
			int64_t deadline = serve_deadline(c, cfg);
			if (deadline != 0 && deadline <= now) {
				serve_expire(c, cfg);
				continue;
			}
			if (deadline != 0) {
				int left = (int)((deadline - now + 999) / 1000);
				if (wait_ms < 0 || left < wait_ms)
					wait_ms = left;
			}
			/* One request at a time: the next is read once this one was answered. */
			int waiting = c->s.pin_pending || c->busy;
			short ev = (waiting ? 0 : POLLIN) | (c->outlen > 0 ? POLLOUT : 0);
			if (ev == 0)
				continue;
			pfd[n].fd = c->kc.fd;
			pfd[n].events = ev;
			map[n++] = c;
		}

		struct timespec ts = { wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L };
		int rc = ppoll(pfd, (nfds_t)n, wait_ms < 0 ? NULL : &ts, &orig);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			break;
		}
		now = mono_usec();
		/* Requests first: a PIN check they queued may be back already. */
		if (pfd[2].revents & POLLIN)
			serve_requests_done(cfg);
		if (pfd[1].revents & POLLIN)
			serve_pins_done();
		for (int i = 3; i < n; i++) {
			struct serve_conn *c = map[i];
			if (pfd[i].revents == 0 || !c->used)
				continue;
			c->active_usec = now;
			if ((pfd[i].revents & POLLOUT) && serve_flush(c) < 0)
				continue;
			if (!(pfd[i].revents & ~POLLOUT) || c->s.pin_pending || c->busy)
				continue;
			if (kproto_conn_ready(&c->kc))
				serve_request(c);
			else
				serve_handshake(c, cfg);
			/* A frame's clock starts at its first byte and stops at its last. */
			if (!c->used || c->kc.inlen == 0)
				c->frame_usec = 0;
			else if (c->frame_usec == 0)
				c->frame_usec = now;
		}
		if (pfd[0].revents & POLLIN)
			serve_accept(lfd, cfg);
	}

	for (int i = 0; i < serve_nconns; i++)
		if (serve_conns[i].used)
			serve_close(&serve_conns[i], "shutting down");
	sigprocmask(SIG_SETMASK, &orig, NULL);
	free(serve_conns);
	free(pfd);
	free(map);
	serve_conns = NULL;
	serve_nconns = 0;
	close(lfd);
	if (unlink(cfg->socket_path) < 0 && errno != ENOENT)
		log_warn("%s", cfg->socket_path);
	return 0;
}
