/*
 * Socket I/O for a connection: incremental frame reads on a non-blocking fd, whole
 * frame writes bounded by a timeout, and the client's connect to the adapter socket.
 */
#include "proto-int.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t
kproto_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
kproto_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : kproto_now_ms() + timeout_ms;
}

int
kproto_conn_poll(int fd, short events, int64_t deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int wait = -1;
		if (deadline_ms >= 0) {
			int64_t left = deadline_ms - kproto_now_ms();
			if (left <= 0)
				return KPROTO_E_TIMEOUT;
			wait = left > 60000 ? 60000 : (int)left;
		}
		int n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return KPROTO_E_IO;
		/* POLLHUP/POLLERR too: the next read or write reports what happened. */
		if (n > 0)
			return KPROTO_OK;
	}
}

int
kproto_conn_init(struct kproto_conn *c, int fd, const unsigned char *my_sk,
    const unsigned char *peer_pk)
{
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->my_sk = my_sk;
	c->peer_pk = peer_pk;
	c->io_timeout_ms = KPROTO_IO_TIMEOUT_MS;
	/* Non-blocking: kproto_recv runs inside the kiosk's single event loop. */
	if (fd < 0 || my_sk == NULL || peer_pk == NULL)
		return KPROTO_E_INVAL;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		c->sys_errno = errno;
		return KPROTO_E_IO;
	}
	return KPROTO_OK;
}

void
kproto_conn_close(struct kproto_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	sodium_memzero(c, sizeof *c);
	c->fd = -1;
	c->state = KPROTO_CONN_FAILED;
}

int
kproto_conn_ready(const struct kproto_conn *c)
{
	return c->state == KPROTO_CONN_READY;
}

static int
conn_fail(struct kproto_conn *c, int code)
{
	c->state = KPROTO_CONN_FAILED;
	return code;
}

int
kproto_conn_read_frame(struct kproto_conn *c, struct kproto_header *h,
    struct kproto_buf *payload)
{
	struct kproto_header hh;
	const unsigned char *p;
	int rv;

	if (c->fd < 0 || c->state == KPROTO_CONN_FAILED)
		return KPROTO_E_CLOSED;
	for (;;) {
		size_t need = KPROTO_HEADER_LEN;

		/* The header is checked as it arrives so a huge length is never waited for. */
		if (c->inlen > 0) {
			rv = kproto_header_decode(c->in, c->inlen, &hh);
			if (rv < 0)
				return conn_fail(c, rv);
			if (rv == KPROTO_OK)
				need += (size_t)hh.length + KPROTO_SIG_LEN;
		}
		if (c->inlen == need)
			break;
		/* Never read past this frame: the rest stays in the socket and keeps the fd
		 * readable, so poll alone tells the caller when to come back. */
		ssize_t n = read(c->fd, c->in + c->inlen, need - c->inlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return KPROTO_AGAIN;
			c->sys_errno = errno;
			return conn_fail(c, KPROTO_E_IO);
		}
		if (n == 0)
			return conn_fail(c, c->inlen == 0 ? KPROTO_E_EOF : KPROTO_E_TRUNCATED);
		c->inlen += (size_t)n;
	}
	rv = kproto_frame_verify(c->in, c->inlen, c->peer_pk, h, &p);
	c->inlen = 0;
	if (rv != KPROTO_OK)
		return conn_fail(c, rv);
	if ((rv = kproto_buf_set(payload, p, h->length)) != KPROTO_OK)
		return conn_fail(c, rv);
	return KPROTO_OK;
}

int
kproto_conn_write_frame(struct kproto_conn *c, uint8_t type, uint64_t seq,
    const struct kproto_buf *payload)
{
	size_t len, off = 0;
	int rv;

	if (c->fd < 0 || c->state == KPROTO_CONN_FAILED)
		return KPROTO_E_CLOSED;
	rv = kproto_frame_encode(c->out, sizeof c->out, &len, type, seq, c->session,
	    payload->data, payload->len, c->my_sk);
	if (rv != KPROTO_OK)
		return rv;

	int64_t deadline = kproto_deadline(c->io_timeout_ms);
	while (off < len) {
		/* MSG_NOSIGNAL: a peer that went away is an error to return, not a SIGPIPE. */
		ssize_t n = send(c->fd, c->out + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(c->fd, c->out + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				rv = kproto_conn_poll(c->fd, POLLOUT, deadline);
				if (rv != KPROTO_OK) {
					c->sys_errno = errno;
					return conn_fail(c, rv);
				}
				continue;
			}
			c->sys_errno = errno;
			return conn_fail(c, errno == EPIPE || errno == ECONNRESET ?
			    KPROTO_E_EOF : KPROTO_E_IO);
		}
		off += (size_t)n;
	}
	return KPROTO_OK;
}

/* Non-blocking connect to a Unix socket within deadline. */
static int
conn_connect_unix(const char *path, int64_t deadline, int *fdp, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd, rv;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return kproto_seterr(err, errlen, KPROTO_E_INVAL, "%s: socket path too long",
		    path);
	memcpy(sun.sun_path, path, strlen(path) + 1);

	/* Non-blocking even for connect, so a wedged adapter cannot hold the kiosk past
	 * its timeout. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return kproto_seterr(err, errlen, KPROTO_E_IO, "socket: %s", strerror(errno));
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EINPROGRESS) {
			int soerr = 0;
			socklen_t sl = sizeof soerr;
			if ((rv = kproto_conn_poll(fd, POLLOUT, deadline)) != KPROTO_OK)
				goto timeout;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
				soerr = errno;
			if (soerr == 0)
				break;
			errno = soerr;
		} else if (errno == EAGAIN) {
			/* A Unix socket says EAGAIN when the listen backlog is full: retry. */
			if (deadline >= 0 && kproto_now_ms() >= deadline)
				goto timeout;
			poll(NULL, 0, 10);
			continue;
		}
		rv = kproto_seterr(err, errlen, KPROTO_E_IO,
		    "connect %s: %s (is the adapter running?)", path, strerror(errno));
		close(fd);
		return rv;
	}
	*fdp = fd;
	return KPROTO_OK;
timeout:
	close(fd);
	return kproto_seterr(err, errlen, KPROTO_E_TIMEOUT, "connect %s: timed out", path);
}

int
kproto_client_connect(struct kproto_conn *c, const char *socket_path,
    const unsigned char *my_sk, const unsigned char *peer_pk, const char *kiosk_id,
    int timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = kproto_deadline(timeout_ms);
	int fd = -1, rv;

	c->fd = -1;
	c->state = KPROTO_CONN_FAILED;
	if ((rv = conn_connect_unix(socket_path, deadline, &fd, err, errlen)) != KPROTO_OK)
		return rv;
	if ((rv = kproto_conn_init(c, fd, my_sk, peer_pk)) != KPROTO_OK) {
		kproto_seterr(err, errlen, rv, "%s: %s", socket_path, kproto_strerror(rv));
		kproto_conn_close(c);
		return rv;
	}
	int left = 0;
	if (deadline >= 0) {
		int64_t l = deadline - kproto_now_ms();
		left = l > 0 ? (int)l : 0;
	} else
		left = -1;
	rv = kproto_client_handshake(c, kiosk_id, left, err, errlen);
	if (rv != KPROTO_OK)
		kproto_conn_close(c);
	return rv;
}
