/*
 * b64enc - streaming base64 encoding.
 *
 * Touches: only the buffers it is given; out must hold B64ENC_OUT_MAX(len)
 * bytes. Cannot fail.
 */
#include <config.h>

#include <string.h>

#include "b64enc.h"

static const char b64enc_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64enc_init - an encoder at the start of a stream writing CRLF or LF line breaks */
void b64enc_init(struct b64enc *b, bool crlf)
{
	memset(b, 0, sizeof(*b));
	b->eol = crlf ? "\r\n" : "\n";
	b->eol_len = crlf ? 2 : 1;
}

/* b64enc_quantum - n (1..3) bytes as four characters, a line break first if the line is full */
static size_t b64enc_quantum(struct b64enc *b, const unsigned char *q, size_t n, char *out)
{
	size_t o = 0;
	unsigned v = (unsigned)q[0] << 16 | (n > 1 ? (unsigned)q[1] << 8 : 0) | (n > 2 ? q[2] : 0);

	if (b->col >= B64ENC_LINE) {
		memcpy(out, b->eol, b->eol_len);
		o = b->eol_len;
		b->col = 0;
	}
	out[o++] = b64enc_alphabet[v >> 18 & 63];
	out[o++] = b64enc_alphabet[v >> 12 & 63];
	out[o++] = n > 1 ? b64enc_alphabet[v >> 6 & 63] : '=';
	out[o++] = n > 2 ? b64enc_alphabet[v & 63] : '=';
	b->col += 4;
	return o;
}

/* b64enc_encode - encode the next piece; returns the bytes written to out */
size_t b64enc_encode(struct b64enc *b, const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, i = 0;

	while (b->nq > 0 && b->nq < 3 && i < len)
		b->q[b->nq++] = p[i++];
	if (b->nq == 3) {
		o += b64enc_quantum(b, b->q, 3, out);
		b->nq = 0;
	}
	for (; i + 3 <= len; i += 3)
		o += b64enc_quantum(b, p + i, 3, out + o);
	while (i < len)
		b->q[b->nq++] = p[i++];
	return o;
}

/* b64enc_end - the last, padded quantum; no line break after it */
size_t b64enc_end(struct b64enc *b, char *out)
{
	size_t o = 0;

	if (b->nq > 0)
		o = b64enc_quantum(b, b->q, b->nq, out);
	b->nq = 0;
	return o;
}
