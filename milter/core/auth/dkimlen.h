/*
 * dkimlen - where the signed part of a body ends when a DKIM signature says
 * l=. l= counts bytes of the canonicalized body (RFC 6376 section 3.4.3
 * simple, 3.4.4 relaxed), the analysis reads raw ones: fed the body as the
 * MTA sends it (CRLF line ends, a bare LF read as one), in pieces cut
 * anywhere, dkimlen counts canonical bytes and says at which raw byte they
 * pass the limit. Bytes held back by canonicalization (white space at the
 * end of a line, empty lines that may end the body) count only once
 * something follows them, so passing the limit means the canonical body is
 * longer than l=: there is content the signature does not cover, from that
 * byte on.
 *
 * Constant memory, linear time; a byte is looked at once.
 */
#ifndef VIGIE_DKIMLEN_H
#define VIGIE_DKIMLEN_H

#include <stdbool.h>
#include <stddef.h>

struct dkimlen {
	bool relaxed;
	unsigned long long limit;	/* l= */
	unsigned long long canon;	/* canonical bytes so far */
	unsigned long long empty;	/* empty lines held back */
	bool wsp;			/* relaxed: white space held back in the line */
	bool content;			/* the line holds canonical content */
	bool cr;			/* the last byte was a CR, not yet known to end a line */
	bool passed;			/* the count went past the limit */
};

void dkimlen_init(struct dkimlen *d, bool relaxed, unsigned long long limit);
size_t dkimlen_feed(struct dkimlen *d, const char *p, size_t n);

#endif
