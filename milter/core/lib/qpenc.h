/*
 * qpenc - a streaming quoted-printable encoder (RFC 2045 section 6.7), the
 * inverse of qp.h for text vigie writes back into a message.
 *
 * Input may be cut anywhere. The encoder's line break (CRLF, or LF for a
 * stream that uses bare LF) is a hard line break; any other CR or LF byte, '=', control and
 * 8-bit bytes are escaped (=XX); a space or tab before a line break or at
 * the end is escaped too, so that no transport may strip it, and so is a
 * '-' starting a line, so that no line of the output can be taken for a
 * MIME boundary ("--boundary"). Output lines
 * hold at most QPENC_LINE characters, soft break ('=') included: decoding
 * the output (qp.h) gives the input back byte for byte.
 */
#ifndef VIGIE_QPENC_H
#define VIGIE_QPENC_H

#include <stdbool.h>
#include <stddef.h>

#define QPENC_LINE 76

struct qpenc {
	size_t col;		/* characters on the output line so far */
	bool cr;		/* a CR not yet written: CRLF may follow */
	char ws;		/* a space or tab not yet written (0: none) */
	const char *eol;	/* the line break written: "\r\n" or "\n" */
	size_t eol_len;
};

/* Output of one call is at most this many bytes. */
#define QPENC_OUT_MAX(len) ((len) * 4 + 16)

void qpenc_init(struct qpenc *q, bool crlf);
size_t qpenc_encode(struct qpenc *q, const char *in, size_t len, char *out);
size_t qpenc_end(struct qpenc *q, char *out);

#endif
