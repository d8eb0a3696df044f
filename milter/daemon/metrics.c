/*
 * metrics - the StatsSocket listener: one thread, poll(2), at most
 * METRICS_CONN_MAX connections, each with a request head capped at
 * METRICS_REQUEST_MAX bytes and METRICS_TIMEOUT_MS to finish; HTTP/1.0,
 * one request per connection, then close.
 *
 * Touches: its own socket (a unix socket file is prepared as the milter's
 * is: stale one removed, live one refused; removed at stop), the counters
 * of stats.c (read only). Any network error ends that connection only;
 * nothing here can stop or slow the milter.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "sock.h"
#include "stats.h"
#include "xalloc.h"

struct metrics_conn {
	int fd;				/* -1: free */
	char in[METRICS_REQUEST_MAX];
	size_t inlen;
	struct vbuf out;
	size_t sent;
	long long deadline;		/* monotonic ms */
	bool writing;
};

struct metrics {
	int fd;				/* the listener */
	int wake[2];			/* written to at stop */
	char *path;			/* unix socket file, removed at stop */
	pthread_t thread;
	bool running;
	long long accept_after;		/* accept failed (no fd left): wait till then */
	struct metrics_conn conn[METRICS_CONN_MAX];
};

#define METRICS_ACCEPT_PAUSE_MS 250

/* metrics_now - monotonic milliseconds */
static long long metrics_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* metrics_unix - bind a unix socket at path with the UMask applied */
static int metrics_unix(const char *path, unsigned umask_bits, struct vbuf *why)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old;
	int rc;

	if (fd < 0) {
		vbuf_printf(why, "socket: %s", strerror(errno));
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	old = umask((mode_t)umask_bits);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0) {
		vbuf_printf(why, "cannot bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* metrics_inet - bind inet:PORT[@HOST] or inet6:PORT[@HOST] */
static int metrics_inet(const char *spec, struct vbuf *why)
{
	bool v6 = strncmp(spec, "inet6:", 6) == 0;
	const char *port = spec + (v6 ? 6 : 5), *at = strchr(port, '@');
	char *p = xstrndup(port, at ? (size_t)(at - port) : strlen(port));
	struct addrinfo hints = { .ai_family = v6 ? AF_INET6 : AF_INET,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int fd = -1, one = 1, rc;

	rc = getaddrinfo(at ? at + 1 : NULL, p, &hints, &ai);
	free(p);
	if (rc != 0) {
		vbuf_printf(why, "%s: %s", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (v6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			vbuf_printf(why, "cannot bind %s: %s", spec, strerror(errno));
			close(fd);
			fd = -1;
		}
	} else {
		vbuf_printf(why, "socket: %s", strerror(errno));
	}
	freeaddrinfo(ai);
	return fd;
}

/*
 * metrics_open - bind and listen on spec (Socket's syntax), as root: a unix
 * socket gets the UMask and goes to the account vigie will run as.
 */
struct metrics *metrics_open(const char *spec, unsigned umask_bits, const struct privs *p,
			     struct vbuf *why, struct vbuf *note)
{
	const char *path = sock_path(spec);
	struct metrics *m;
	int fd;

	if (path != NULL) {
		if (!sock_prepare(spec, p, why, note))
			return NULL;
		fd = metrics_unix(path, umask_bits, why);
	} else {
		fd = metrics_inet(spec, why);
	}
	if (fd < 0)
		return NULL;
	if (listen(fd, 16) != 0) {
		vbuf_printf(why, "cannot listen on %s: %s", spec, strerror(errno));
		close(fd);
		if (path != NULL)
			unlink(path);
		return NULL;
	}
	if (path != NULL && p->change && chown(path, p->uid, p->gid) != 0)
		vbuf_printf(note, "cannot give %s to %s: %s", path, p->user, strerror(errno));
	m = xcalloc(1, sizeof(*m));
	m->fd = fd;
	m->wake[0] = m->wake[1] = -1;
	m->path = path ? xstrdup(path) : NULL;
	for (size_t i = 0; i < METRICS_CONN_MAX; i++)
		m->conn[i].fd = -1;
	return m;
}

/* metrics_target - the path of a request target, without its query */
static size_t metrics_target(const char *t, size_t len)
{
	size_t n = 0;

	while (n < len && t[n] != '?' && t[n] != '#')
		n++;
	return n;
}

/* metrics_parse - what a request head asks for, once it is complete */
enum metrics_req metrics_parse(const char *req, size_t len)
{
	const char *sp1, *sp2, *eol;
	size_t mlen, tlen;
	bool head;

	if (memmem(req, len, "\r\n\r\n", 4) == NULL && memmem(req, len, "\n\n", 2) == NULL)
		return METRICS_REQ_INCOMPLETE;
	eol = memchr(req, '\n', len);
	sp1 = memchr(req, ' ', (size_t)(eol - req));
	if (sp1 == NULL)
		return METRICS_REQ_BAD;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (sp2 == NULL || eol - sp2 < 9 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || sp1[1] != '/')
		return METRICS_REQ_BAD;
	mlen = (size_t)(sp1 - req);
	head = mlen == 4 && memcmp(req, "HEAD", 4) == 0;
	if (!head && !(mlen == 3 && memcmp(req, "GET", 3) == 0))
		return METRICS_REQ_METHOD;
	tlen = metrics_target(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (tlen == 8 && memcmp(sp1 + 1, "/metrics", 8) == 0)
		return head ? METRICS_REQ_METRICS_HEAD : METRICS_REQ_METRICS;
	if (tlen == 1)
		return METRICS_REQ_INDEX;
	return METRICS_REQ_NOT_FOUND;
}

/* metrics_reply - a whole HTTP/1.0 response; body NULL: headers only (HEAD) */
static void metrics_reply(struct vbuf *out, const char *status, const char *type,
			  const char *body, size_t len, bool with_body, const char *extra)
{
	vbuf_printf(out, "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		    "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
		    status, type, len, extra ? extra : "");
	if (with_body && body != NULL)
		vbuf_add(out, body, len);
}

/* metrics_response - the response to a request (too_long: the head never ended) */
void metrics_response(enum metrics_req r, bool too_long, struct vbuf *out)
{
	static const char text[] = "text/plain; charset=utf-8";
	struct vbuf body = VBUF_INIT(STATS_OUT_MAX);

	vbuf_init(out, STATS_OUT_MAX + 1024);
	if (too_long) {
		metrics_reply(out, "431 Request Header Fields Too Large", text,
			      "request too long\n", 17, true, NULL);
		return;
	}
	switch (r) {
	case METRICS_REQ_METRICS:
	case METRICS_REQ_METRICS_HEAD:
		stats_render(&body);
		metrics_reply(out, "200 OK", "text/plain; version=0.0.4; charset=utf-8",
			      vbuf_str(&body), body.len, r == METRICS_REQ_METRICS, NULL);
		break;
	case METRICS_REQ_INDEX:
		metrics_reply(out, "200 OK", text, "vigie: metrics at /metrics\n", 27, true, NULL);
		break;
	case METRICS_REQ_NOT_FOUND:
		metrics_reply(out, "404 Not Found", text, "not found: try /metrics\n", 24, true,
			      NULL);
		break;
	case METRICS_REQ_METHOD:
		metrics_reply(out, "405 Method Not Allowed", text, "GET or HEAD only\n", 17, true,
			      "Allow: GET, HEAD\r\n");
		break;
	default:
		metrics_reply(out, "400 Bad Request", text, "bad request\n", 12, true, NULL);
		break;
	}
	vbuf_free(&body);
}

/* metrics_close_conn - end a connection, free its slot */
static void metrics_close_conn(struct metrics_conn *c)
{
	close(c->fd);
	c->fd = -1;
	vbuf_free(&c->out);
	c->inlen = 0;
	c->sent = 0;
	c->writing = false;
}

/* metrics_write - send what the socket takes; false once done or failed */
static bool metrics_write(struct metrics_conn *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		c->sent += (size_t)n;
	}
	shutdown(c->fd, SHUT_WR);
	return false;
}

/* metrics_read - take request bytes; false once the connection should end */
static bool metrics_read(struct metrics_conn *c)
{
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, MSG_DONTWAIT);
	enum metrics_req r;

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0)
		return false;
	c->inlen += (size_t)n;
	r = metrics_parse(c->in, c->inlen);
	if (r == METRICS_REQ_INCOMPLETE && c->inlen < sizeof(c->in))
		return true;
	metrics_response(r, r == METRICS_REQ_INCOMPLETE, &c->out);
	c->writing = true;
	return metrics_write(c);
}

/* metrics_accept - take waiting connections into free slots */
static void metrics_accept(struct metrics *m, long long now)
{
	for (size_t i = 0; i < METRICS_CONN_MAX; i++) {
		struct metrics_conn *c = &m->conn[i];
		int fd;

		if (c->fd >= 0)
			continue;
		fd = accept4(m->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/* out of descriptors: the listener stays readable, so do not spin */
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				m->accept_after = now + METRICS_ACCEPT_PAUSE_MS;
			return;
		}
		c->fd = fd;
		c->inlen = 0;
		c->sent = 0;
		c->writing = false;
		vbuf_init(&c->out, 0);
		c->deadline = now + METRICS_TIMEOUT_MS;
	}
}

/* metrics_poll_set - what to wait for; returns the poll timeout in ms */
static int metrics_poll_set(struct metrics *m, struct pollfd *pfd, long long now)
{
	long long next = -1;
	bool room = false;

	pfd[0] = (struct pollfd){ .fd = m->wake[0], .events = POLLIN };
	for (size_t i = 0; i < METRICS_CONN_MAX; i++) {
		struct metrics_conn *c = &m->conn[i];

		pfd[2 + i] = (struct pollfd){ .fd = c->fd,
					      .events = c->writing ? POLLOUT : POLLIN };
		if (c->fd < 0)
			room = true;
		else if (next < 0 || c->deadline < next)
			next = c->deadline;
	}
	/* with every slot taken, new connections wait in the backlog */
	if (room && now < m->accept_after) {
		room = false;
		if (next < 0 || m->accept_after < next)
			next = m->accept_after;
	}
	pfd[1] = (struct pollfd){ .fd = room ? m->fd : -1, .events = POLLIN };
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

/* metrics_loop - the thread: serve until the wake pipe says stop */
static void *metrics_loop(void *arg)
{
	struct metrics *m = arg;
	struct pollfd pfd[2 + METRICS_CONN_MAX];

	for (;;) {
		long long now = metrics_now();
		int timeout = metrics_poll_set(m, pfd, now);

		if (poll(pfd, 2 + METRICS_CONN_MAX, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents != 0)
			break;
		now = metrics_now();
		for (size_t i = 0; i < METRICS_CONN_MAX; i++) {
			struct metrics_conn *c = &m->conn[i];
			bool keep = true;

			if (c->fd < 0)
				continue;
			if (pfd[2 + i].revents & (POLLERR | POLLNVAL))
				keep = false;
			else if (pfd[2 + i].revents != 0)
				keep = c->writing ? metrics_write(c) : metrics_read(c);
			if (!keep || now >= c->deadline)
				metrics_close_conn(c);
		}
		if (pfd[1].revents & POLLIN)
			metrics_accept(m, now);
	}
	for (size_t i = 0; i < METRICS_CONN_MAX; i++)
		if (m->conn[i].fd >= 0)
			metrics_close_conn(&m->conn[i]);
	return NULL;
}

/* metrics_start - the serving thread (signals must be blocked already) */
bool metrics_start(struct metrics *m)
{
	if (pipe2(m->wake, O_CLOEXEC) != 0)
		return false;
	m->running = pthread_create(&m->thread, NULL, metrics_loop, m) == 0;
	return m->running;
}

/* metrics_stop - stop the thread, close the socket, remove its file; NULL is fine */
void metrics_stop(struct metrics *m)
{
	if (m == NULL)
		return;
	if (m->running) {
		if (write(m->wake[1], "", 1) != 1)
			pthread_cancel(m->thread);
		pthread_join(m->thread, NULL);
	}
	if (m->wake[0] >= 0)
		close(m->wake[0]);
	if (m->wake[1] >= 0)
		close(m->wake[1]);
	close(m->fd);
	if (m->path != NULL)
		unlink(m->path);
	free(m->path);
	free(m);
}
