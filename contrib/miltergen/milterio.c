/*
 * milterio - build, send and receive milter packets with deadlines.
 *
 * May touch: the one socket it is given (non-blocking), and the heap.
 * Fails by status (timeout, closed, protocol, io) with a reason in io->err;
 * a reply whose length is 0 or over the cap is refused before its data is
 * read, so a hostile peer cannot make us allocate or wait without bound.
 */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "milterio.h"
#include "mtime.h"
#include "xalloc.h"

#define MILTERIO_OUT_CAP (16u << 20)	/* flushed long before; a bug if reached */

/* milterio_fail - record why, return the status */
static int milterio_fail(struct milterio *io, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(io->err, sizeof(io->err), fmt, ap);
	va_end(ap);
	return status;
}

/* milterio_init - wrap a connected non-blocking socket */
void milterio_init(struct milterio *io, int fd, size_t max_reply)
{
	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->max_reply = max_reply;
	vbuf_init(&io->out, MILTERIO_OUT_CAP);
	vbuf_init(&io->in, max_reply);
	io->ralloc = 65536;
	io->rbuf = xmalloc(io->ralloc);
}

/* milterio_add - append to the packet being built */
void milterio_add(struct milterio *io, const void *p, size_t n)
{
	if (!vbuf_add(&io->out, p, n))
		abort();	/* MILTERIO_OUT_CAP exceeded: callers flush far earlier */
}

/* milterio_begin - start a packet: room for the length, then the command */
void milterio_begin(struct milterio *io, char cmd)
{
	static const char zero[4];

	io->pkt = io->out.len;
	milterio_add(io, zero, 4);
	milterio_add(io, &cmd, 1);
}

/* milterio_addstr - append a string with its NUL, as the protocol wants */
void milterio_addstr(struct milterio *io, const char *s)
{
	milterio_add(io, s, strlen(s) + 1);
}

/* milterio_add32 - append a 32-bit number in network order */
void milterio_add32(struct milterio *io, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	milterio_add(io, b, 4);
}

/* milterio_add16 - append a 16-bit number in network order */
void milterio_add16(struct milterio *io, uint16_t v)
{
	unsigned char b[2] = { v >> 8, v };

	milterio_add(io, b, 2);
}

/* milterio_end - fill in the packet length */
void milterio_end(struct milterio *io)
{
	size_t len = io->out.len - io->pkt - 4;
	unsigned char *p = (unsigned char *)io->out.data + io->pkt;

	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
}

/* milterio_wait - poll for events by the deadline; 0 ready, else a status */
static int milterio_wait(struct milterio *io, short events, double deadline)
{
	struct pollfd pfd = { .fd = io->fd, .events = events };

	for (;;) {
		int n = poll(&pfd, 1, mtime_left_ms(deadline));

		if (n > 0)
			return 0;
		if (n == 0)
			return MILTERIO_TIMEOUT;
		if (errno != EINTR)
			return milterio_fail(io, MILTERIO_IO, "poll: %s", strerror(errno));
	}
}

/* milterio_flush - write every pending command by the deadline */
int milterio_flush(struct milterio *io, double deadline)
{
	size_t done = 0;

	while (done < io->out.len) {
		ssize_t n = send(io->fd, io->out.data + done, io->out.len - done, MSG_NOSIGNAL);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (milterio_wait(io, POLLOUT, deadline) == MILTERIO_TIMEOUT)
				return milterio_fail(io, MILTERIO_TIMEOUT,
						     "milter stopped reading (write timed out)");
			continue;
		}
		if (errno == EPIPE || errno == ECONNRESET)
			return milterio_fail(io, MILTERIO_CLOSED, "milter closed the connection");
		return milterio_fail(io, MILTERIO_IO, "write: %s", strerror(errno));
	}
	vbuf_reset(&io->out);
	return MILTERIO_OK;
}

/* milterio_need - have at least n unconsumed bytes, reading by the deadline */
static int milterio_need(struct milterio *io, size_t n, double deadline)
{
	if (io->rlen - io->rpos >= n)
		return MILTERIO_OK;
	memmove(io->rbuf, io->rbuf + io->rpos, io->rlen - io->rpos);
	io->rlen -= io->rpos;
	io->rpos = 0;
	if (n > io->ralloc) {
		io->ralloc = n;
		io->rbuf = xrealloc(io->rbuf, io->ralloc);
	}
	while (io->rlen < n) {
		ssize_t r;
		int st;

		/* a reply is rarely there already: wait first, saving a failed read */
		if ((st = milterio_wait(io, POLLIN, deadline)) != 0)
			return st == MILTERIO_TIMEOUT ? milterio_fail(io, st, "no reply before the timeout")
						      : st;
		/* Linux drops quick-ack mode after a while: arm it for every read */
		if (io->quickack) {
			int one = 1;

			(void)setsockopt(io->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		}
		r = recv(io->fd, io->rbuf + io->rlen, io->ralloc - io->rlen, 0);

		if (r > 0) {
			io->rlen += (size_t)r;
			continue;
		}
		if (r == 0)
			return milterio_fail(io, MILTERIO_CLOSED,
					     io->rlen ? "milter closed the connection mid-reply"
						      : "milter closed the connection");
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		if (errno == ECONNRESET)
			return milterio_fail(io, MILTERIO_CLOSED, "milter reset the connection");
		return milterio_fail(io, MILTERIO_IO, "read: %s", strerror(errno));
	}
	return MILTERIO_OK;
}

/* milterio_read - flush, then read one reply into io->cmd and io->in */
int milterio_read(struct milterio *io, double deadline)
{
	const unsigned char *p;
	uint32_t len;
	int st;

	if ((st = milterio_flush(io, deadline)) != MILTERIO_OK)
		return st;
	if ((st = milterio_need(io, 4, deadline)) != MILTERIO_OK)
		return st;
	p = (const unsigned char *)io->rbuf + io->rpos;
	len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (len == 0)
		return milterio_fail(io, MILTERIO_PROTOCOL, "reply with length 0");
	if (len - 1 > io->max_reply)
		return milterio_fail(io, MILTERIO_PROTOCOL,
				     "reply of %lu bytes over the %zu-byte cap",
				     (unsigned long)len, io->max_reply);
	if ((st = milterio_need(io, 4 + (size_t)len, deadline)) != MILTERIO_OK)
		return st;
	p = (const unsigned char *)io->rbuf + io->rpos;
	io->cmd = (char)p[4];
	vbuf_reset(&io->in);
	vbuf_add(&io->in, p + 5, len - 1);
	io->rpos += 4 + (size_t)len;
	return MILTERIO_OK;
}

/* milterio_drain - flush, then count the bytes that come until EOF or the deadline */
size_t milterio_drain(struct milterio *io, double deadline)
{
	size_t n = io->rlen - io->rpos;
	char sink[4096];

	if (milterio_flush(io, deadline) != MILTERIO_OK)
		return n;
	while (milterio_wait(io, POLLIN, deadline) == 0) {
		ssize_t r = recv(io->fd, sink, sizeof(sink), 0);

		if (r > 0)
			n += (size_t)r;
		else if (r == 0 || (errno != EINTR && errno != EAGAIN))
			break;
	}
	io->rpos = io->rlen = 0;
	return n;
}

/* milterio_close - close the socket and free the buffers */
void milterio_close(struct milterio *io)
{
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
	vbuf_free(&io->out);
	vbuf_free(&io->in);
	free(io->rbuf);
	io->rbuf = NULL;
}
