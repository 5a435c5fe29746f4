#include "gv_listen.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define GV_HANDSHAKE_BUF 1024u
#define GV_SOCKET_MODE 0660
#define GV_DIR_MODE 0750

typedef struct gv_conn {
	int fd;
	bool handshaken;
	gv_sandbox *sb;
} gv_conn;

struct gv_listen {
	int lfd;
	char *path;
	uint32_t max_conns, nconns;
	gv_conn *conns;          /* max_conns entries, nconns used */
	struct pollfd *pfds;     /* max_conns + 1 */
	int *ready;              /* max_conns: fds found readable by the last poll */
	uint32_t next_index;     /* sandbox numbers, from 1 */
	uint32_t rr;             /* round-robin start so one busy sandbox cannot starve others */
	uint8_t *rbuf;
	const gv_listen_ops *ops;
	void *ctx;
	gv_decode *dec;
	gv_listen_stats st;
};

static void gv_logf(gv_listen *l, bool warning, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void gv_logf(gv_listen *l, bool warning, const char *fmt, ...)
{
	if (!l->ops->log)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->ops->log(l->ctx, warning, msg);
}

static void gv_seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void gv_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* mkdir -p of the directory holding path. */
static int gv_make_parent(const char *path, char *err, size_t errlen)
{
	char *dir = strdup(path);
	if (!dir) {
		gv_seterr(err, errlen, "out of memory");
		return -1;
	}
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, GV_DIR_MODE) != 0 && errno != EEXIST) {
				gv_seterr(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
				free(dir);
				return -1;
			}
			*p = '/';
		}
		if (mkdir(dir, GV_DIR_MODE) != 0 && errno != EEXIST) {
			gv_seterr(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);
	return 0;
}

/* A leftover socket from a previous run is replaced; anything else at the path is an error
 * (we never delete a user's file). */
static int gv_remove_stale(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : (gv_seterr(err, errlen, "%s: %s", path, strerror(errno)), -1);
	if (!S_ISSOCK(st.st_mode)) {
		gv_seterr(err, errlen, "%s: exists and is not a socket", path);
		return -1;
	}
	if (unlink(path) != 0) {
		gv_seterr(err, errlen, "%s: cannot remove stale socket: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int gv_bind_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		gv_seterr(err, errlen, "socket(AF_UNIX, SOCK_SEQPACKET): %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		gv_seterr(err, errlen, "%s: bind: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* Before listen() nobody can connect, so the mode is final before the first client. */
	if (chmod(path, GV_SOCKET_MODE) != 0 || listen(fd, 128) != 0) {
		gv_seterr(err, errlen, "%s: chmod/listen: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

gv_listen *gv_listen_open(const char *path, uint32_t max_sandboxes, const gv_listen_ops *ops,
                          void *ctx, gv_decode *dec, char *err, size_t errlen)
{
	if (!path || !*path) {
		gv_seterr(err, errlen, "empty socket path");
		return NULL;
	}
	if (strlen(path) > GV_LISTEN_MAX_PATH) {
		gv_seterr(err, errlen, "%s: socket path longer than %u bytes (runsc cannot connect)", path,
		          GV_LISTEN_MAX_PATH);
		return NULL;
	}
	if (max_sandboxes == 0)
		max_sandboxes = 1;
	gv_listen *l = calloc(1, sizeof(*l));
	if (!l) {
		gv_seterr(err, errlen, "out of memory");
		return NULL;
	}
	l->lfd = -1;
	l->max_conns = max_sandboxes;
	l->ops = ops;
	l->ctx = ctx;
	l->dec = dec;
	l->next_index = 1;
	l->path = strdup(path);
	l->conns = calloc(max_sandboxes, sizeof(*l->conns));
	l->pfds = calloc((size_t)max_sandboxes + 1, sizeof(*l->pfds));
	l->ready = calloc(max_sandboxes, sizeof(*l->ready));
	l->rbuf = malloc(GV_LISTEN_RECV_BUF);
	if (!l->path || !l->conns || !l->pfds || !l->ready || !l->rbuf) {
		gv_seterr(err, errlen, "out of memory");
		gv_listen_close(l);
		return NULL;
	}
	if (gv_make_parent(path, err, errlen) != 0 || gv_remove_stale(path, err, errlen) != 0) {
		gv_listen_close(l);
		return NULL;
	}
	l->lfd = gv_bind_listen(path, err, errlen);
	if (l->lfd < 0) {
		free(l->path);
		l->path = NULL; /* nothing of ours to unlink */
		gv_listen_close(l);
		return NULL;
	}
	return l;
}

static void gv_drop_conn(gv_listen *l, uint32_t i)
{
	gv_conn *c = &l->conns[i];
	if (c->handshaken && l->ops->closed)
		l->ops->closed(l->ctx, c->sb);
	close(c->fd);
	gv_sandbox_free(c->sb);
	l->conns[i] = l->conns[--l->nconns];
	l->st.closed++;
}

void gv_listen_close(gv_listen *l)
{
	if (!l)
		return;
	while (l->nconns)
		gv_drop_conn(l, l->nconns - 1);
	if (l->lfd >= 0) {
		close(l->lfd);
		if (l->path)
			unlink(l->path);
	}
	free(l->path);
	free(l->conns);
	free(l->pfds);
	free(l->ready);
	free(l->rbuf);
	free(l);
}

/* Reads the sink's Handshake and answers 08 01. Returns 1 done, 0 not yet readable, -1 failed. */
static int gv_handshake(gv_listen *l, gv_conn *c)
{
	uint8_t buf[GV_HANDSHAKE_BUF];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	uint32_t version = 0;
	if (!gv_decode_handshake(l->dec, buf, (size_t)n, &version) || version < 1) {
		gv_logf(l, true, "sandbox %u: handshake refused (version %u, %zd bytes)", c->sb->index,
		        version, n);
		return -1;
	}
	static const uint8_t reply[2] = {0x08, 0x01}; /* Handshake{version: 1} */
	if (send(c->fd, reply, sizeof(reply), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(reply)) {
		gv_logf(l, true, "sandbox %u: handshake reply failed: %s", c->sb->index, strerror(errno));
		return -1;
	}
	c->handshaken = true;
	gv_logf(l, false, "sandbox %u connected (remote version %u)", c->sb->index, version);
	return 1;
}

static void gv_accept_all(gv_listen *l)
{
	for (;;) {
		int fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/* EAGAIN: done. Anything else (EMFILE ...) repeats on the next poll: say so at
			 * powers of two so the log stays readable. */
			int e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ECONNABORTED)
				return;
			uint64_t n = ++l->st.accept_errors;
			if ((n & (n - 1)) == 0)
				gv_logf(l, true, "accept on %s failed (%llu times): %s", l->path,
				        (unsigned long long)n, strerror(e));
			return;
		}
		if (l->nconns == l->max_conns) {
			gv_logf(l, true, "refusing a sandbox: %u sandboxes already connected", l->max_conns);
			close(fd);
			l->st.refused++;
			continue;
		}
		int rcv = (int)GV_LISTEN_RECV_BUF;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)); /* best effort */
		gv_conn *c = &l->conns[l->nconns];
		c->fd = fd;
		c->handshaken = false;
		c->sb = gv_sandbox_new(l->next_index);
		if (!c->sb) {
			close(fd);
			l->st.refused++;
			continue;
		}
		l->next_index++;
		l->nconns++;
		l->st.accepted++;
		/* runsc sends its handshake right after connect and then blocks: answer now. */
		if (gv_handshake(l, c) < 0) {
			l->st.handshake_failures++;
			gv_drop_conn(l, l->nconns - 1);
		}
	}
}

/* Reads up to budget datagrams from connection i. Returns datagrams delivered; *gone is set
 * when the connection ended (EOF or error) and was removed. */
static uint32_t gv_read_conn(gv_listen *l, uint32_t i, uint32_t budget, bool *gone)
{
	gv_conn *c = &l->conns[i];
	uint32_t n = 0;
	*gone = false;
	if (!c->handshaken) {
		int r = gv_handshake(l, c);
		if (r < 0) {
			l->st.handshake_failures++;
			gv_drop_conn(l, i);
			*gone = true;
		}
		return 0;
	}
	while (n < budget) {
		struct iovec iov = {.iov_base = l->rbuf, .iov_len = GV_LISTEN_RECV_BUF};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t r = recvmsg(c->fd, &mh, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			gv_logf(l, true, "sandbox %u: receive failed: %s", c->sb->index, strerror(errno));
			r = 0;
		}
		if (r == 0) {
			gv_logf(l, false, "sandbox %u disconnected", c->sb->index);
			gv_drop_conn(l, i);
			*gone = true;
			break;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			l->st.truncated++;
			gv_logf(l, true, "sandbox %u: datagram larger than %u bytes dropped as corrupt",
			        c->sb->index, GV_LISTEN_RECV_BUF);
			continue;
		}
		l->ops->datagram(l->ctx, c->sb, l->rbuf, (size_t)r);
		n++;
	}
	return n;
}

int gv_listen_poll(gv_listen *l, int timeout_ms, uint32_t max_datagrams, char *err, size_t errlen)
{
	l->pfds[0] = (struct pollfd){.fd = l->lfd, .events = POLLIN};
	for (uint32_t i = 0; i < l->nconns; i++)
		l->pfds[i + 1] = (struct pollfd){.fd = l->conns[i].fd, .events = POLLIN};
	uint32_t nfds = l->nconns + 1;
	int pr = poll(l->pfds, nfds, timeout_ms);
	if (pr < 0) {
		if (errno == EINTR)
			return 0;
		gv_seterr(err, errlen, "poll: %s", strerror(errno));
		return -1;
	}
	if (pr == 0)
		return 0;
	/* Connections first (their indexes match pfds), then new ones. */
	uint32_t delivered = 0, nconns = l->nconns;
	int *readable = l->ready;
	uint32_t nread = 0;
	for (uint32_t i = 0; i < nconns; i++)
		if (l->pfds[i + 1].revents)
			readable[nread++] = l->conns[i].fd;
	uint32_t start = nread ? l->rr % nread : 0;
	l->rr++;
	for (uint32_t k = 0; k < nread && delivered < max_datagrams; k++) {
		int fd = readable[(start + k) % nread];
		/* Look the fd up again: removals reorder the connection array. */
		for (uint32_t i = 0; i < l->nconns; i++) {
			if (l->conns[i].fd != fd)
				continue;
			bool gone;
			uint32_t share = (max_datagrams - delivered + (nread - k) - 1) / (nread - k);
			delivered += gv_read_conn(l, i, share ? share : 1, &gone);
			break;
		}
	}
	if (l->pfds[0].revents & POLLIN)
		gv_accept_all(l);
	return (int)delivered;
}

uint32_t gv_listen_connections(const gv_listen *l)
{
	return l->nconns;
}

const gv_listen_stats *gv_listen_get_stats(const gv_listen *l)
{
	return &l->st;
}

const char *gv_listen_path(const gv_listen *l)
{
	return l->path;
}
