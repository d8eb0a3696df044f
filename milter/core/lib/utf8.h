/*
 * utf8 - strict UTF-8 decoding, repair of invalid input, and the few
 * character classes the parsers share.
 *
 * Repair rule, used for every raw byte string the parsers turn into text:
 * well-formed UTF-8 is kept, and each byte that is not part of a well-formed
 * sequence is read as windows-1252 (what mail clients and browsers show for
 * unlabelled 8-bit text; "Viam\xe9dis" reads as "Viamédis"). The result is
 * always well-formed UTF-8.
 */
#ifndef VIGIE_UTF8_H
#define VIGIE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vbuf.h"

#define UTF8_INVALID 0xFFFFFFFFu	/* utf8_decode: not a well-formed sequence */
#define UTF8_REPLACEMENT 0xFFFDu

size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * utf8_next - the code point at s[*i] (*i < len), *i moved past it. A byte
 * that does not start a well-formed sequence gives UTF8_INVALID and moves
 * on by one byte: the rule of utf8_repair, so that every module of vigie
 * reads the same characters in the same bytes.
 */
static inline uint32_t utf8_next(const char *s, size_t len, size_t *i)
{
	uint32_t cp;

	*i += utf8_decode(s + *i, len - *i, &cp);
	return cp;
}
size_t utf8_encode(uint32_t cp, char out[4]);
size_t utf8_valid_prefix(const char *s, size_t len);
size_t utf8_partial_tail(const char *s, size_t len);
uint32_t utf8_cp1252(unsigned char byte);
bool utf8_repair(struct vbuf *out, const char *s, size_t len);
void utf8_cut(struct vbuf *b, size_t start);
void utf8_copy(char *dst, size_t size, const char *src);
bool utf8_is_space(uint32_t cp);

#endif
