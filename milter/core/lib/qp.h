/*
 * qp - a streaming quoted-printable decoder (RFC 2045 section 6.7).
 *
 * Input may be cut anywhere. "=XX" (either case) gives the byte; '=' before
 * the end of a line, after optional white space, is a soft break; any other
 * '=' is kept as written with what follows it ("=zz" stays "=zz") and
 * counted as a bad escape. Line breaks are kept as they come.
 */
#ifndef VIGIE_QP_H
#define VIGIE_QP_H

#include <stddef.h>

#define QP_WS_MAX 76	/* white space held after '=' while a soft break is possible */

struct qp {
	int state;
	char hex;		/* first hex digit of an escape */
	size_t ws;		/* white space held after '=' */
	char wsbuf[QP_WS_MAX];
	size_t bad;		/* bad escapes kept as text */
};

/* Output of one call is at most the input plus what the state held. */
#define QP_OUT_MAX(len) ((len) + QP_WS_MAX + 4)

void qp_init(struct qp *q);
size_t qp_decode(struct qp *q, const char *in, size_t len, char *out);
size_t qp_end(struct qp *q, char *out);

#endif
