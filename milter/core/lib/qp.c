/*
 * qp - streaming quoted-printable decoding.
 *
 * Touches: only the buffers it is given; out must hold QP_OUT_MAX(len)
 * bytes. Never fails: bad escapes are kept as text.
 */
#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "qp.h"

enum { QP_TEXT, QP_EQ, QP_HEX, QP_WS, QP_CR };

/* qp_hexval - value of a hex digit, or -1 */
static int qp_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* qp_init - a decoder at the start of a stream */
void qp_init(struct qp *q)
{
	memset(q, 0, sizeof(*q));
}

/* qp_held - write back what the state held as literal text: '=', a digit, white space */
static size_t qp_held(struct qp *q, char *out)
{
	size_t o = 0;

	if (q->state == QP_TEXT)
		return 0;
	out[o++] = '=';
	if (q->state == QP_HEX)
		out[o++] = q->hex;
	if (q->state == QP_WS) {
		memcpy(out + o, q->wsbuf, q->ws);
		o += q->ws;
	}
	q->bad++;
	q->state = QP_TEXT;
	q->ws = 0;
	return o;
}

/*
 * qp_escape - one byte after '=' (or in what follows it); writes to out what
 * turns out to be text. False when c itself is text to be read again.
 */
static bool qp_escape(struct qp *q, unsigned char c, char *out, size_t *o)
{
	switch (q->state) {
	case QP_EQ:
		if (qp_hexval(c) >= 0) {
			q->hex = (char)c;
			q->state = QP_HEX;
		} else if (c == ' ' || c == '\t') {
			q->wsbuf[0] = (char)c;
			q->ws = 1;
			q->state = QP_WS;
		} else if (c == '\r' || c == '\n') {
			q->state = c == '\r' ? QP_CR : QP_TEXT;
		} else {
			*o += qp_held(q, out + *o);
			return false;
		}
		return true;
	case QP_HEX:
		if (qp_hexval(c) < 0) {
			*o += qp_held(q, out + *o);
			return false;
		}
		out[(*o)++] = (char)(qp_hexval((unsigned char)q->hex) << 4 | qp_hexval(c));
		q->state = QP_TEXT;
		return true;
	case QP_WS:
		if ((c == ' ' || c == '\t') && q->ws < QP_WS_MAX) {
			q->wsbuf[q->ws++] = (char)c;
		} else if (c == '\r' || c == '\n') {
			q->ws = 0;
			q->state = c == '\r' ? QP_CR : QP_TEXT;
		} else {
			*o += qp_held(q, out + *o);
			return false;
		}
		return true;
	default:
		/* "=\r\n" is a soft break; a bare "=\r" is taken as one too */
		q->state = QP_TEXT;
		return c == '\n';
	}
}

/* qp_decode - decode the next piece; returns the bytes written to out */
size_t qp_decode(struct qp *q, const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, i = 0;

	while (i < len) {
		if (q->state != QP_TEXT) {
			i += qp_escape(q, p[i], out, &o);
			continue;
		}
		const unsigned char *eq = memchr(p + i, '=', len - i);
		size_t run = eq ? (size_t)(eq - (p + i)) : len - i;

		memcpy(out + o, p + i, run);
		o += run;
		i += run;
		if (eq) {
			q->state = QP_EQ;
			i++;
		}
	}
	return o;
}

/* qp_end - the end of the stream: a dangling '=' is kept as text */
size_t qp_end(struct qp *q, char *out)
{
	if (q->state == QP_CR) {
		q->state = QP_TEXT;
		return 0;
	}
	return qp_held(q, out);
}
