/*
 * The adapter's socket and poll loop. Each connection is a kproto session with its
 * own card session; a bad frame or a failed handshake closes that connection only.
 */
/* ppoll and accept4: the kiosk runs on Linux only. */
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

struct serve_conn {
	int used;
	struct kproto_conn kc;
	struct bank_session s;
	int64_t accepted_usec;
};

static struct serve_conn *serve_conns;
static int serve_next_id = 1;
/* Frames are processed one at a time; one pair of buffers serves every connection. */
static struct kproto_buf serve_req, serve_resp;

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
	if (rc < 0 || listen(fd, 8) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
serve_close(struct serve_conn *c, const char *why)
{
	log_info("conn %d: closed (%s)", c->s.id, why);
	if (c->s.state != BANK_NO_CARD)
		bank_session_reset(&c->s);
	kproto_conn_close(&c->kc);
	c->used = 0;
}

static void
serve_accept(int lfd, const struct serve_config *cfg)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		struct serve_conn *c = NULL;
		for (int i = 0; i < BANKD_MAX_CONNS; i++)
			if (!serve_conns[i].used)
				c = &serve_conns[i];
		/* Refuse the newcomer rather than drop a customer's session in progress. */
		if (c == NULL) {
			log_warnx("refusing a connection: %d already open", BANKD_MAX_CONNS);
			close(fd);
			continue;
		}
		if (kproto_conn_init(&c->kc, fd, cfg->sk, cfg->kiosk_pk) != KPROTO_OK) {
			log_warnx("cannot set up a connection");
			close(fd);
			continue;
		}
		c->used = 1;
		c->accepted_usec = mono_usec();
		bank_session_init(&c->s, serve_next_id++);
		log_info("conn %d: accepted", c->s.id);
	}
}

static void
serve_handshake(struct serve_conn *c)
{
	char err[256] = "";
	int rv = kproto_server_handshake(&c->kc, BANKD_ADAPTER_ID, err, sizeof err);

	if (rv == KPROTO_AGAIN)
		return;
	/* Probes (a second adapter checking the socket is live) say nothing at all. */
	if (rv == KPROTO_E_EOF && c->kc.inlen == 0) {
		serve_close(c, "closed before the handshake");
		return;
	}
	if (rv != KPROTO_OK) {
		log_warnx("conn %d: handshake failed [%s]: %s", c->s.id, kproto_err_to_str(rv),
		    err);
		serve_close(c, "handshake failed");
		return;
	}
	log_info("conn %d: kiosk \"%s\" connected", c->s.id, c->kc.peer_id);
}

static void
serve_request(struct bank *bk, struct serve_conn *c)
{
	uint8_t type = 0, rtype = 0;
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
	bank_session_dispatch(bk, &c->s, type, &serve_req, &rtype, &serve_resp);
	rv = kproto_send(&c->kc, rtype, &serve_resp);
	kproto_buf_wipe(&serve_req);
	if (rv != KPROTO_OK) {
		log_warnx("conn %d: cannot send %s [%s]: %s", c->s.id, kproto_type_to_str(rtype),
		    kproto_err_to_str(rv), kproto_strerror(rv));
		serve_close(c, "send failed");
		return;
	}
	log_debug("conn %d: response %s", c->s.id, kproto_type_to_str(rtype));
}

int
serve_run(struct bank *bk, const struct serve_config *cfg, int lfd,
    volatile sig_atomic_t *quit)
{
	struct pollfd pfd[BANKD_MAX_CONNS + 1];
	struct serve_conn *map[BANKD_MAX_CONNS + 1];
	sigset_t block, orig;

	serve_conns = xcalloc(BANKD_MAX_CONNS, sizeof *serve_conns);
	for (int i = 0; i < BANKD_MAX_CONNS; i++)
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
		for (int i = 0; i < BANKD_MAX_CONNS; i++) {
			struct serve_conn *c = &serve_conns[i];
			if (!c->used)
				continue;
			/* Only the handshake has a deadline: a kiosk idle between
			 * customers is normal. */
			if (!kproto_conn_ready(&c->kc)) {
				int64_t left = (c->accepted_usec - now) / 1000 + BANKD_HANDSHAKE_MS;
				if (left <= 0) {
					log_warnx("conn %d: no HELLO within %d ms", c->s.id,
					    BANKD_HANDSHAKE_MS);
					serve_close(c, "handshake timeout");
					continue;
				}
				if (wait_ms < 0 || left < wait_ms)
					wait_ms = (int)left;
			}
			pfd[n].fd = c->kc.fd;
			pfd[n].events = POLLIN;
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
		for (int i = 1; i < n; i++) {
			struct serve_conn *c = map[i];
			if (pfd[i].revents == 0 || !c->used)
				continue;
			if (kproto_conn_ready(&c->kc))
				serve_request(bk, c);
			else
				serve_handshake(c);
		}
		if (pfd[0].revents & POLLIN)
			serve_accept(lfd, cfg);
	}

	for (int i = 0; i < BANKD_MAX_CONNS; i++)
		if (serve_conns[i].used)
			serve_close(&serve_conns[i], "shutting down");
	sigprocmask(SIG_SETMASK, &orig, NULL);
	free(serve_conns);
	serve_conns = NULL;
	close(lfd);
	if (unlink(cfg->socket_path) < 0 && errno != ENOENT)
		log_warn("%s", cfg->socket_path);
	return 0;
}
