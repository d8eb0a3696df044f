/*
 * qpenc - streaming quoted-printable encoding.
 *
 * Touches: only the buffers it is given; out must hold QPENC_OUT_MAX(len)
 * bytes. Cannot fail.
 */
#include <config.h>

#include <string.h>

#include "qpenc.h"

static const char qpenc_hex[] = "0123456789ABCDEF";

/* The class of each byte: written as it is (printable ASCII but '='), space or tab, other. */
enum { QPENC_OTHER, QPENC_LIT, QPENC_WS };
#define QPENC_C1(c) ((c) >= 33 && (c) <= 126 && (c) != '=' ? QPENC_LIT : \
		     (c) == ' ' || (c) == '\t' ? QPENC_WS : QPENC_OTHER)
#define QPENC_C4(c) QPENC_C1(c), QPENC_C1((c) + 1), QPENC_C1((c) + 2), QPENC_C1((c) + 3)
#define QPENC_C16(c) QPENC_C4(c), QPENC_C4((c) + 4), QPENC_C4((c) + 8), QPENC_C4((c) + 12)
#define QPENC_C64(c) QPENC_C16(c), QPENC_C16((c) + 16), QPENC_C16((c) + 32), QPENC_C16((c) + 48)
static const unsigned char qpenc_class[256] = {
	QPENC_C64(0), QPENC_C64(64), QPENC_C64(128), QPENC_C64(192)
};

/* qpenc_literal - bytes written as they are (printable ASCII but '=') */
static bool qpenc_literal(unsigned char c)
{
	return qpenc_class[c] == QPENC_LIT;
}

/* qpenc_init - an encoder at the start of a stream writing CRLF or LF line breaks */
void qpenc_init(struct qpenc *q, bool crlf)
{
	memset(q, 0, sizeof(*q));
	q->eol = crlf ? "\r\n" : "\n";
	q->eol_len = crlf ? 2 : 1;
}

/*
 * qpenc_put - one encoded token of n characters, after a soft break if the
 * line is full; a '-' starting a line is escaped (it could be read as a
 * MIME boundary)
 */
static size_t qpenc_put(struct qpenc *q, const char *tok, size_t n, char *out)
{
	size_t o = 0;

	/* keep room for the '=' of a soft break on every line */
	if (q->col + n > QPENC_LINE - 1) {
		out[o++] = '=';
		memcpy(out + o, q->eol, q->eol_len);
		o += q->eol_len;
		q->col = 0;
	}
	if (q->col == 0 && n == 1 && tok[0] == '-') {
		tok = "=2D";
		n = 3;
	}
	memcpy(out + o, tok, n);
	q->col += n;
	return o + n;
}

/* qpenc_escape - a byte as =XX */
static size_t qpenc_escape(struct qpenc *q, unsigned char c, char *out)
{
	char tok[3] = { '=', qpenc_hex[c >> 4], qpenc_hex[c & 15] };

	return qpenc_put(q, tok, 3, out);
}

/* qpenc_ws - write the held space or tab: literal, or escaped at the end of a line */
static size_t qpenc_ws(struct qpenc *q, bool line_end, char *out)
{
	char c = q->ws;

	if (c == 0)
		return 0;
	q->ws = 0;
	return line_end ? qpenc_escape(q, (unsigned char)c, out) : qpenc_put(q, &c, 1, out);
}

/* qpenc_hard_break - a line break of the text: the held space or tab escaped, then the break */
static size_t qpenc_hard_break(struct qpenc *q, char *out)
{
	size_t o = qpenc_ws(q, true, out);

	memcpy(out + o, q->eol, q->eol_len);
	q->col = 0;
	return o + q->eol_len;
}

/* qpenc_byte - one input byte that is not the LF of a CRLF */
static size_t qpenc_byte(struct qpenc *q, unsigned char c, char *out)
{
	size_t o = 0;

	if (c == '\r' && q->eol_len == 2) {
		q->cr = true;		/* held: a CRLF is a hard break */
		return 0;
	}
	if (c == '\n' && q->eol_len == 1)
		return qpenc_hard_break(q, out);
	if (c == ' ' || c == '\t') {
		o += qpenc_ws(q, false, out);
		q->ws = (char)c;
		return o;
	}
	o += qpenc_ws(q, false, out + o);
	if (qpenc_literal(c)) {
		char lit = (char)c;

		return o + qpenc_put(q, &lit, 1, out + o);
	}
	return o + qpenc_escape(q, c, out + o);
}

/*
 * qpenc_run - the fast path: a run of literal bytes, and of spaces and tabs
 * followed by one, that fits on the line, copied at once (nothing held, not
 * a '-' starting a line); its length
 */
static size_t qpenc_run(struct qpenc *q, const char *in, size_t len, char *out)
{
	size_t k = 0, lim;

	if (q->cr || q->ws || q->col >= QPENC_LINE - 1 || (q->col == 0 && in[0] == '-'))
		return 0;
	lim = QPENC_LINE - 1 - q->col;
	if (lim > len)
		lim = len;
	while (k < lim) {
		unsigned char t = qpenc_class[(unsigned char)in[k]];

		if (t == QPENC_LIT)
			k++;
		/* a space or tab inside the run: a literal byte follows on this line */
		else if (t == QPENC_WS && k + 1 < lim &&
			 qpenc_class[(unsigned char)in[k + 1]] == QPENC_LIT)
			k += 2;
		else
			break;
	}
	memcpy(out, in, k);
	q->col += k;
	return k;
}

/* qpenc_encode - encode the next piece; returns the bytes written to out */
size_t qpenc_encode(struct qpenc *q, const char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c;
		size_t run = qpenc_run(q, in + i, len - i, out + o);

		if (run > 0) {
			o += run;
			i += run - 1;
			continue;
		}
		c = (unsigned char)in[i];

		if (q->cr) {
			q->cr = false;
			if (c == '\n') {
				o += qpenc_hard_break(q, out + o);
				continue;
			}
			o += qpenc_ws(q, false, out + o);
			o += qpenc_escape(q, '\r', out + o);
		}
		o += qpenc_byte(q, c, out + o);
	}
	return o;
}

/* qpenc_end - the end of the stream: what is held, escaped; no line break added */
size_t qpenc_end(struct qpenc *q, char *out)
{
	size_t o = 0;

	if (q->cr) {
		q->cr = false;
		o += qpenc_ws(q, false, out);
		o += qpenc_escape(q, '\r', out + o);
	}
	o += qpenc_ws(q, true, out + o);
	return o;
}
