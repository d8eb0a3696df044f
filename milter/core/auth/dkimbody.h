/*
 * dkimbody - whether a DKIM signature's body hash (bh=) is that of a prefix
 * of the body received: the mark of a mailing list that appended a footer
 * to a signed message (the signed body is all there, text follows it).
 *
 * Built from a DKIM-Signature value (its own tag parser: c=, a=, bh=, l=,
 * d=; hostile text, every length checked), fed the body as the analysis is
 * (CRLF or bare LF, any split), it canonicalises the body as RFC 6376
 * section 3.4.3/3.4.4 says (simple or relaxed) and compares the hash of
 * each prefix that ends a line with bh=. Signatures it cannot judge
 * (l= present, not SHA-256, no usable bh=) are refused at creation.
 * At most DKIMBODY_LINES_MAX line ends are tried.
 */
#ifndef VIGIE_DKIMBODY_H
#define VIGIE_DKIMBODY_H

#include <stdbool.h>
#include <stddef.h>

#include "dnsname.h"

#define DKIMBODY_LINES_MAX 100000
#define DKIMBODY_TAGS_MAX 64		/* tags read from one signature */

struct dkimbody;

/* the tags of a DKIM-Signature value vigie reads itself */
struct dkimbody_tags {
	char d[DNSNAME_MAX + 1];	/* lower case; "" when missing or not a name */
	bool relaxed;			/* body canonicalisation */
	bool sha256;			/* a= is rsa-sha256 or ed25519-sha256 */
	bool has_l;			/* l= is there */
	unsigned char bh[32];		/* decoded bh= */
	size_t bhlen;
};

bool dkimbody_tags(const char *value, size_t len, struct dkimbody_tags *t);
struct dkimbody *dkimbody_new(const char *value);
const char *dkimbody_domain(const struct dkimbody *b);
void dkimbody_feed(struct dkimbody *b, const char *data, size_t len);
bool dkimbody_prefix(const struct dkimbody *b, size_t *signed_bytes);
void dkimbody_free(struct dkimbody *b);

#endif
