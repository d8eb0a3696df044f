/*
 * linkscan - a cheap scanner for URLs in decoded text, for the part of a
 * body past MaxBodyScan: padding (a 270 KB HTML comment, hidden text) must
 * not hide the link that follows it, and the text there is not parsed
 * further. It finds what starts with "http://", "https://" (any case) or
 * "www." and runs to a blank, a quote, '<', '>' or '`' (the end of an HTML
 * attribute or of a word), sentence punctuation after it trimmed. Nothing
 * else: no entities, no relative or "//host" links, no bare domains.
 *
 * Fed pieces cut anywhere: a start cut in two ("htt" | "ps://") is seen, a
 * URL running into the next piece is kept whole up to URL_MAX bytes (the
 * rest is dropped, the URL delivered cut). Linear in the text, one table
 * lookup per byte; memory is the struct.
 */
#ifndef VIGIE_LINKSCAN_H
#define VIGIE_LINKSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "url.h"

#define LINKSCAN_PARTIAL 8	/* bytes of a start ("https://") */

struct linkscan {
	char url[URL_MAX];	/* a URL running into the next piece */
	size_t len;
	bool open;		/* url holds a URL not yet ended */
	char partial[LINKSCAN_PARTIAL];	/* a start the last piece ended in ("htt") */
	size_t npartial;
	char last;		/* the last byte seen: what precedes the next piece */
	size_t found;		/* URLs delivered */
};

/* A URL found: valid during the call only. */
typedef void linkscan_fn(void *ctx, const char *url, size_t len);

void linkscan_init(struct linkscan *s);
void linkscan_feed(struct linkscan *s, const char *p, size_t n, linkscan_fn *fn, void *ctx);
void linkscan_end(struct linkscan *s, linkscan_fn *fn, void *ctx);

#endif
