/*
 * charset - conversion of MIME-labelled text to UTF-8, with a small cache of
 * ICU converters kept per message (or longer: reset keeps them open).
 *
 * ICU's ucnv, not iconv: ICU substitutes on bad input where glibc iconv
 * stops with EILSEQ and leaves resynchronisation (hard in stateful encodings)
 * to the caller; ICU's data is linked in, where glibc loads gconv modules with
 * dlopen at run time (not there in a chroot); its aliases follow the IANA and
 * MIME names. UTF-8, US-ASCII, an absent label and a label nobody knows take
 * the repair path of utf8.h (UTF-8 where well-formed, else windows-1252), as
 * does ISO-8859-1, which is read as windows-1252 like browsers and mail
 * clients do (WHATWG Encoding). Output is always well-formed UTF-8.
 *
 * Caps: labels longer than CHARSET_NAME_MAX are unknown; at most
 * CHARSET_CACHE_MAX converters stay open (the oldest is closed); once
 * max_opens converters were opened since the last reset, a label not in the
 * cache is read as unknown (this bounds the time an attacker can spend us by
 * cycling through charsets). A label ICU does not list costs an in-memory
 * alias look-up, nothing more.
 */
#ifndef VIGIE_CHARSET_H
#define VIGIE_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include <unicode/ucnv.h>

#include "vbuf.h"

#define CHARSET_NAME_MAX 40
#define CHARSET_CACHE_MAX 8
#define CHARSET_PIVOT 1024

struct charset_slot {
	char name[CHARSET_NAME_MAX + 1];	/* label, lowercased */
	UConverter *cnv;			/* NULL: label unknown to ICU */
};

struct charset {
	struct charset_slot slot[CHARSET_CACHE_MAX];
	unsigned used;
	unsigned next;			/* slot replaced when the cache is full */
	unsigned opens;			/* converters opened since the last reset */
	unsigned max_opens;
	UConverter *utf8;		/* target of streamed conversions */
};

/* One text stream converted to UTF-8 piece by piece (a MIME part). */
struct charset_stream {
	struct charset *cs;
	UConverter *cnv;		/* NULL: the repair path */
	char tail[4];			/* repair path: a sequence cut by the chunk end */
	size_t tail_len;
	UChar pivot[CHARSET_PIVOT];
	UChar *psrc, *ptgt;
};

void charset_init(struct charset *cs, unsigned max_opens);
void charset_reset(struct charset *cs);
void charset_free(struct charset *cs);
UConverter *charset_lookup(struct charset *cs, const char *name, size_t len, bool *known);
bool charset_convert(struct charset *cs, const char *name, size_t nlen,
		     const char *in, size_t len, struct vbuf *out, bool *known);

void charset_stream_begin(struct charset_stream *st, struct charset *cs,
			  const char *name, size_t nlen, bool *known);
bool charset_stream_feed(struct charset_stream *st, const char *in, size_t len,
			 struct vbuf *out);
bool charset_stream_end(struct charset_stream *st, struct vbuf *out);

#endif
