/*
 * base64 - a streaming, forgiving base64 decoder (RFC 2045 section 6.8 and
 * the B encoding of RFC 2047).
 *
 * Input may be cut anywhere. Bytes outside the alphabet (line breaks, spaces,
 * garbage) are skipped and, except for white space, counted as garbage; '='
 * ends a quantum, and decoding resumes after it (encoders that pad every
 * line exist). A quantum left with one sextet is dropped. Decoding never
 * stops on bad input.
 *
 * Not OpenSSL's EVP_DecodeUpdate: it fails the whole call on any byte outside
 * the alphabet and on data after padding, so garbage would need a filtering
 * pass that already does this module's work.
 */
#ifndef VIGIE_BASE64_H
#define VIGIE_BASE64_H

#include <stddef.h>
#include <stdint.h>

struct base64 {
	uint32_t bits;		/* sextets of the quantum in progress */
	unsigned n;		/* how many (0..3) */
	size_t garbage;		/* bytes skipped that were not white space */
	size_t dropped;		/* quanta cut short and dropped */
};

/* Decoded output is at most 3/4 of the input, plus 2 bytes from a previous call. */
#define BASE64_OUT_MAX(len) ((len) / 4 * 3 + 3)

void base64_init(struct base64 *b);
size_t base64_decode(struct base64 *b, const char *in, size_t len, char *out);
size_t base64_end(struct base64 *b, char *out);

#endif
