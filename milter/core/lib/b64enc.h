/*
 * b64enc - a streaming base64 encoder (RFC 2045 section 6.8): lines of
 * B64ENC_LINE characters separated by the encoder's line break, the last
 * one padded with '=' and not followed by a line break.
 */
#ifndef VIGIE_B64ENC_H
#define VIGIE_B64ENC_H

#include <stdbool.h>
#include <stddef.h>

#define B64ENC_LINE 76

struct b64enc {
	unsigned char q[3];	/* bytes of the quantum in progress */
	size_t nq;
	size_t col;		/* characters on the output line so far */
	const char *eol;
	size_t eol_len;
};

/* Output of one call is at most this many bytes. */
#define B64ENC_OUT_MAX(len) (((len) + 2) / 3 * 4 + ((len) / 57 + 2) * 2 + 8)

void b64enc_init(struct b64enc *b, bool crlf);
size_t b64enc_encode(struct b64enc *b, const char *in, size_t len, char *out);
size_t b64enc_end(struct b64enc *b, char *out);

#endif
