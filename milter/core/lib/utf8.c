/*
 * utf8 - strict UTF-8 decoding, repair of invalid input, character classes.
 *
 * Touches: only the buffers it is given. Never fails: invalid input is
 * repaired byte by byte (see utf8.h); a full output buffer keeps what fits.
 */
#include <config.h>

#include <string.h>

#include "utf8.h"

/* windows-1252 for 0x80..0x9f; the five holes become U+FFFD */
static const uint16_t utf8_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

/*
 * utf8_decode - one code point from s (len >= 1); returns the bytes used.
 * A byte that does not start a well-formed sequence (overlong, surrogate,
 * past U+10FFFF, cut short) gives UTF8_INVALID and a length of 1.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	uint32_t v;
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*cp = UTF8_INVALID;
		return 1;
	}
	if (len < n || p[1] < lo || p[1] > hi) {
		*cp = UTF8_INVALID;
		return 1;
	}
	v = (v << 6) | (p[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = UTF8_INVALID;
			return 1;
		}
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* utf8_encode - the UTF-8 form of cp (U+FFFD for what cannot be encoded) */
size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* utf8_valid_prefix - length of the longest well-formed prefix of s */
size_t utf8_valid_prefix(const char *s, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		/* ASCII runs dominate mail text: skip them eight bytes at a time */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp == UTF8_INVALID)
			break;
		i += n;
	}
	return i;
}

/*
 * utf8_partial_tail - how many bytes at the end of s are the start of a
 * sequence that more input could complete (0..3): a streaming caller keeps
 * them for the next chunk instead of repairing them now.
 */
size_t utf8_partial_tail(const char *s, size_t len)
{
	for (size_t k = 1; k <= 3 && k <= len; k++) {
		unsigned char c = (unsigned char)s[len - k];
		size_t need;

		if ((c & 0xc0) == 0x80)
			continue;
		if (c >= 0xf0 && c <= 0xf4)
			need = 4;
		else if (c >= 0xe0 && c <= 0xef)
			need = 3;
		else if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else
			return 0;
		if (need <= k)
			return 0;
		/* only a prefix that could still become well-formed is held back */
		char buf[4] = { 0 };
		uint32_t cp;

		memcpy(buf, s + len - k, k);
		for (size_t i = k; i < need; i++)
			buf[i] = (char)0x80;
		if (c == 0xe0 && k == 1)
			buf[1] = (char)0xa0;
		if (c == 0xf0 && k == 1)
			buf[1] = (char)0x90;
		return utf8_decode(buf, need, &cp) == need ? k : 0;
	}
	return 0;
}

/* utf8_cp1252 - the code point windows-1252 gives a byte */
uint32_t utf8_cp1252(unsigned char byte)
{
	if (byte >= 0x80 && byte < 0xa0)
		return utf8_c1[byte - 0x80];
	return byte;
}

/* utf8_repair - append s as well-formed UTF-8 (see utf8.h); false when cut at the cap */
bool utf8_repair(struct vbuf *out, const char *s, size_t len)
{
	size_t i = 0;
	bool ok = true;

	while (i < len) {
		size_t n = utf8_valid_prefix(s + i, len - i);
		char enc[4];

		if (n) {
			ok &= vbuf_add(out, s + i, n);
			i += n;
		}
		if (i < len) {
			ok &= vbuf_add(out, enc, utf8_encode(utf8_cp1252((unsigned char)s[i]), enc));
			i++;
		}
		if (!ok)
			break;
	}
	return ok;
}

/*
 * utf8_cut - after a buffer was cut at its cap, drop a sequence left
 * incomplete at its end (looking no further back than start).
 */
void utf8_cut(struct vbuf *b, size_t start)
{
	if (b->len > start)
		vbuf_truncate(b, b->len - utf8_partial_tail(b->data + start, b->len - start));
}

/* utf8_copy - a string (NULL: none) into dst of size bytes, cut to fit on a character boundary */
void utf8_copy(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1 - utf8_partial_tail(src, size - 1);
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* utf8_is_space - white space a reader sees as a word break (ASCII and Unicode Zs, line breaks) */
bool utf8_is_space(uint32_t cp)
{
	switch (cp) {
	case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	default:
		return cp >= 0x2000 && cp <= 0x200a;
	}
}
