/*
 * sockspec - parse a milter socket specification and connect to it.
 *
 * May touch: one socket per connect call (unix or TCP, loopback in tests),
 * and the resolver when a host is a name rather than a literal.
 * Fails with a message in err and no socket left open.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mtime.h"
#include "sockspec.h"

/* sockspec_fail - write an error message, return false */
static bool sockspec_fail(char *err, size_t errlen, const char *what, const char *spec)
{
	snprintf(err, errlen, "%s: %.200s", what, spec);
	return false;
}

/* sockspec_port - a decimal port 1..65535, nothing else */
static bool sockspec_port(const char *p, size_t len, unsigned *port)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = v;
	return true;
}

/* sockspec_host - copy a host, brackets removed; a colon makes it IPv6 */
static bool sockspec_host(struct sockspec *s, const char *h, size_t len)
{
	if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(s->host))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == ':' || c == '%' || c == '_'))
			return false;
	}
	memcpy(s->host, h, len);
	s->host[len] = '\0';
	if (memchr(s->host, ':', len) != NULL)
		s->family = AF_INET6;
	return true;
}

/* sockspec_inet - port@host, host:port, [v6]:port or a lone port */
static bool sockspec_inet(struct sockspec *s, const char *rest)
{
	const char *at = strchr(rest, '@');
	const char *colon;

	if (at != NULL)
		return sockspec_port(rest, (size_t)(at - rest), &s->port) &&
		       sockspec_host(s, at + 1, strlen(at + 1));
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');

		if (close == NULL || close[1] != ':')
			return false;
		return sockspec_host(s, rest, (size_t)(close - rest) + 1) &&
		       sockspec_port(close + 2, strlen(close + 2), &s->port);
	}
	colon = strrchr(rest, ':');
	if (colon == NULL) {
		/* libmilter binds "inet:port" to every address; a client uses loopback */
		snprintf(s->host, sizeof(s->host), "%s",
			 s->family == AF_INET6 ? "::1" : "127.0.0.1");
		return sockspec_port(rest, strlen(rest), &s->port);
	}
	if (memchr(rest, ':', (size_t)(colon - rest)) != NULL)
		return false;	/* an IPv6 literal in Postfix form needs brackets */
	return sockspec_host(s, rest, (size_t)(colon - rest)) &&
	       sockspec_port(colon + 1, strlen(colon + 1), &s->port);
}

/* sockspec_parse - fill s from spec; false and a reason in err if malformed */
bool sockspec_parse(struct sockspec *s, const char *spec, char *err, size_t errlen)
{
	const char *path = NULL;

	memset(s, 0, sizeof(*s));
	if (spec[0] == '/')
		path = spec;
	else if (strncmp(spec, "unix:", 5) == 0)
		path = spec + 5;
	else if (strncmp(spec, "local:", 6) == 0)
		path = spec + 6;
	if (path != NULL) {
		size_t len = strlen(path);

		if (len == 0 || len >= sizeof(s->path))
			return sockspec_fail(err, errlen, "unix socket path empty or too long", spec);
		s->family = AF_UNIX;
		memcpy(s->path, path, len + 1);
		return true;
	}
	if (strncmp(spec, "inet6:", 6) == 0) {
		s->family = AF_INET6;
		spec += 6;
	} else if (strncmp(spec, "inet:", 5) == 0) {
		s->family = AF_INET;
		spec += 5;
	} else {
		return sockspec_fail(err, errlen,
				     "socket must be unix:/path, inet:port@host, inet6:port@host or inet:host:port",
				     spec);
	}
	if (!sockspec_inet(s, spec))
		return sockspec_fail(err, errlen, "bad inet socket (port 1-65535, host literal or name)",
				     spec);
	return true;
}

/* sockspec_format - the spec back in libmilter syntax, for reports */
void sockspec_format(const struct sockspec *s, char *out, size_t outlen)
{
	if (s->family == AF_UNIX)
		snprintf(out, outlen, "unix:%s", s->path);
	else
		snprintf(out, outlen, "%s:%u@%s", s->family == AF_INET6 ? "inet6" : "inet",
			 s->port, s->host);
}

/* sockspec_wait_connected - finish a non-blocking TCP connect by the deadline */
static int sockspec_wait_connected(int fd, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	for (;;) {
		int n = poll(&pfd, 1, mtime_left_ms(deadline));

		if (n > 0)
			break;
		if (n == 0)
			return ETIMEDOUT;
		if (errno != EINTR)
			return errno;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return errno;
	return soerr;
}

/* sockspec_connect_unix - connect, retrying while the listen backlog is full */
static int sockspec_connect_unix(const struct sockspec *s, double deadline, int *fdp)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, s->path, strlen(s->path) + 1);
	for (;;) {
		struct timespec pause = { 0, 1000000 };

		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			*fdp = fd;
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			break;
		if (mtime_left_ms(deadline) == 0) {
			errno = ETIMEDOUT;
			break;
		}
		nanosleep(&pause, NULL);
	}
	int e = errno;

	close(fd);
	return e;
}

/* sockspec_connect_inet - try each address of host:port until one answers */
static int sockspec_connect_inet(const struct sockspec *s, double deadline, bool nodelay, int *fdp)
{
	struct addrinfo hints, *res, *ai;
	char port[8];
	int e = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", s->port);
	if (getaddrinfo(s->host, port, &hints, &res) != 0)
		return EHOSTUNREACH;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				ai->ai_protocol);
		int one = 1;

		if (fd < 0) {
			e = errno;
			continue;
		}
		if (nodelay)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			e = 0;
		else if (errno == EINPROGRESS)
			e = sockspec_wait_connected(fd, deadline);
		else
			e = errno;
		if (e == 0) {
			*fdp = fd;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return e;
}

/* sockspec_connect - a connected non-blocking socket, or -1 and a reason */
int sockspec_connect(const struct sockspec *s, int timeout_ms, bool nodelay,
		     char *err, size_t errlen)
{
	double deadline = mtime_now() + timeout_ms / 1000.0;
	int fd = -1;
	int e;

	if (s->family == AF_UNIX)
		e = sockspec_connect_unix(s, deadline, &fd);
	else
		e = sockspec_connect_inet(s, deadline, nodelay, &fd);
	if (e != 0) {
		char spec[400];

		sockspec_format(s, spec, sizeof(spec));
		snprintf(err, errlen, "connect %s: %s", spec, strerror(e));
		return -1;
	}
	return fd;
}
