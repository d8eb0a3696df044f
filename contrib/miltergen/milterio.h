/*
 * milterio - milter protocol packets on one socket, MTA side.
 *
 * A packet is a 4-byte big-endian length, a command byte and data. Commands
 * are gathered in an output buffer and written when a reply is awaited (as
 * Postfix's buffered stream does), so commands that expect no reply travel
 * together. Every wait has a deadline; every reply is checked against a size
 * cap before any of it is buffered.
 */
#ifndef VIGIE_BENCH_MILTERIO_H
#define VIGIE_BENCH_MILTERIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vbuf.h"

#define MILTERIO_FLUSH_AT (256u << 10)	/* callers write out once this much is pending */

enum milterio_status {
	MILTERIO_OK = 0,
	MILTERIO_TIMEOUT,	/* no (complete) reply by the deadline */
	MILTERIO_CLOSED,	/* the milter closed the connection */
	MILTERIO_PROTOCOL,	/* a reply that breaks the protocol */
	MILTERIO_IO,		/* any other socket error */
};

struct milterio {
	int fd;
	struct vbuf out;	/* commands not yet written */
	size_t pkt;		/* offset of the packet being built */
	char *rbuf;		/* bytes read, not yet consumed */
	size_t rpos, rlen, ralloc;
	size_t max_reply;	/* largest reply data accepted */
	bool quickack;		/* re-arm TCP_QUICKACK before each read */
	char cmd;		/* code of the last reply */
	struct vbuf in;		/* data of the last reply, NUL-terminated */
	char err[256];		/* what went wrong, for the report */
};

void milterio_init(struct milterio *io, int fd, size_t max_reply);
void milterio_begin(struct milterio *io, char cmd);
void milterio_add(struct milterio *io, const void *p, size_t n);
void milterio_addstr(struct milterio *io, const char *s);
void milterio_add32(struct milterio *io, uint32_t v);
void milterio_add16(struct milterio *io, uint16_t v);
void milterio_end(struct milterio *io);
int milterio_flush(struct milterio *io, double deadline);
int milterio_read(struct milterio *io, double deadline);
size_t milterio_drain(struct milterio *io, double deadline);
void milterio_close(struct milterio *io);

#endif
