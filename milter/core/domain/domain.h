/*
 * domain - a domain name as received, made comparable: trailing dot and case
 * removed, UTS #46 / IDNA2008 (non-transitional) applied through libidn2, both
 * the A-label and the U-label forms, and the registrable part (public suffix
 * list, through libpsl). Anything that is not a usable host name gets a
 * status saying why; nothing is ever guessed.
 */
#ifndef VIGIE_DOMAIN_H
#define VIGIE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <libpsl.h>

#include "dnsname.h"

#define DOMAIN_LABELS_MAX 126	/* labels in one name; 127 or more is refused */
#define DOMAIN_UNICODE_MAX 1024	/* bytes of the U-label form */
#define DOMAIN_INPUT_MAX 1024	/* bytes of input looked at; longer is refused */

enum domain_status {
	DOMAIN_OK,
	DOMAIN_EMPTY,		/* nothing, or only a dot */
	DOMAIN_EMPTY_LABEL,	/* "a..b", ".a" */
	DOMAIN_NUL,		/* a NUL byte */
	DOMAIN_BAD_UTF8,	/* not UTF-8 */
	DOMAIN_BAD_CHAR,	/* a character no host name holds (space, @, /...) */
	DOMAIN_LABEL_TOO_LONG,	/* a label over 63 bytes */
	DOMAIN_TOO_LONG,	/* over 253 bytes */
	DOMAIN_TOO_MANY_LABELS,	/* 127 labels or more */
	DOMAIN_BAD_PUNYCODE,	/* an xn-- label that does not decode */
	DOMAIN_BAD_IDNA,	/* IDNA2008 / UTS #46 refuses a code point or label */
	DOMAIN_BAD_HYPHEN,	/* hyphen first, last, or in 3rd and 4th place */
	DOMAIN_BAD_BIDI,	/* right-to-left rules of RFC 5893 broken */
	DOMAIN_LITERAL,		/* an address literal, [192.0.2.1] */
	DOMAIN_STATUS_COUNT
};

#define DOMAIN_F_IDN 0x1	/* holds at least one A-label */
#define DOMAIN_F_MAPPED 0x2	/* UTS #46 changed non-ASCII input (width, case, NFC) */
#define DOMAIN_F_IGNORABLE 0x4	/* input held invisible code points, now removed */

struct domain {
	enum domain_status status;
	unsigned flags;			/* DOMAIN_F_* */
	unsigned labels;		/* labels in the name */
	unsigned reg_label;		/* first label of the registrable part; labels if none */
	size_t ascii_len;
	size_t unicode_len;
	char ascii[DNSNAME_MAX + 1];	/* lower-case A-labels, no trailing dot */
	char unicode[DOMAIN_UNICODE_MAX + 1];	/* U-labels, UTF-8 */
	char registrable[DNSNAME_MAX + 1];	/* A-labels; "" when the name is a public suffix */
};

enum domain_status domain_parse(struct domain *d, const char *in, size_t len,
				const psl_ctx_t *psl);
const char *domain_status_text(enum domain_status status);
size_t domain_label(const char *name, unsigned index, const char **label);

#endif
