/*
 * base64 - streaming, forgiving base64 decoding.
 *
 * Touches: only the buffers it is given; out must hold BASE64_OUT_MAX(len)
 * bytes. Never fails (see base64.h for what happens to bad input).
 */
#include <config.h>

#include <string.h>

#include "base64.h"

#define B64_SKIP 0x40	/* white space */
#define B64_JUNK 0x41	/* anything else outside the alphabet */
#define B64_PAD 0x42

static const unsigned char base64_map[256] = {
#define J B64_JUNK
	J, J, J, J, J, J, J, J, J, B64_SKIP, B64_SKIP, B64_SKIP, B64_SKIP, B64_SKIP, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	B64_SKIP, J, J, J, J, J, J, J, J, J, J, 62, J, J, J, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, J, J, J, B64_PAD, J, J,
	J, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, J, J, J, J, J,
	J, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
#undef J
};

/* base64_init - a decoder at the start of a stream */
void base64_init(struct base64 *b)
{
	memset(b, 0, sizeof(*b));
}

/* base64_flush - the bytes a cut-short quantum still gives (2 or 3 sextets) */
static size_t base64_flush(struct base64 *b, char *out)
{
	size_t n = 0;

	if (b->n == 2) {
		out[n++] = (char)(b->bits >> 4);
	} else if (b->n == 3) {
		out[n++] = (char)(b->bits >> 10);
		out[n++] = (char)(b->bits >> 2);
	} else if (b->n == 1) {
		b->dropped++;
	}
	b->bits = 0;
	b->n = 0;
	return n;
}

/* base64_decode - decode the next piece; returns the bytes written to out */
size_t base64_decode(struct base64 *b, const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	uint32_t bits = b->bits;
	unsigned n = b->n;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned v = base64_map[p[i]];

		if (v < 64) {
			bits = (bits << 6) | v;
			if (++n == 4) {
				out[o++] = (char)(bits >> 16);
				out[o++] = (char)(bits >> 8);
				out[o++] = (char)bits;
				bits = 0;
				n = 0;
			}
			continue;
		}
		if (v == B64_PAD) {
			b->bits = bits;
			b->n = n;
			o += base64_flush(b, out + o);
			bits = 0;
			n = 0;
		} else if (v == B64_JUNK) {
			b->garbage++;
		}
	}
	b->bits = bits;
	b->n = n;
	return o;
}

/* base64_end - the end of the stream: what a quantum without padding gives */
size_t base64_end(struct base64 *b, char *out)
{
	return base64_flush(b, out);
}
