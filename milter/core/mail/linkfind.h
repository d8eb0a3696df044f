/*
 * linkfind - what in a run of text is a link, as mail clients that turn text
 * into links see it: URLs with a scheme ("https://", any case, also glued
 * after punctuation), "www." names, mailto:, addresses (the wide at signs
 * too), and bare domains with an optional path (a dot, and a last label of
 * two letters or more, non-ASCII, or xn--). Sentence punctuation after a link
 * is not part of it; a URL runs to the end of its piece of text.
 *
 * The caller cuts text into runs at ASCII breaks (linkfind_class); the
 * finder cuts runs further at non-ASCII white space and quotes (« » “ ”).
 */
#ifndef VIGIE_LINKFIND_H
#define VIGIE_LINKFIND_H

#include <stdbool.h>
#include <stddef.h>

#include "url.h"

enum link_source {
	LINK_URL,		/* a URL written in text */
	LINK_BARE,		/* a bare domain in text */
	LINK_EMAIL,		/* an address written in text (target: its domain) */
	LINK_HREF,		/* <a href> */
	LINK_AREA,		/* <area href> */
	LINK_FORM		/* <form action> */
};

#define LINKFIND_BREAK 0x01	/* ends a run of text that may hold a link */
#define LINKFIND_HINT 0x02	/* a link needs one: '.', ':', '@', or the lead byte of a wide dot or at */

extern const unsigned char linkfind_class[256];

typedef void linkfind_fn(void *ctx, enum link_source src, const char *s, size_t n);

void linkfind_run(const char *s, size_t n, linkfind_fn *fn, void *ctx);
bool linkfind_parse(struct url *u, enum link_source src, const char *s, size_t n);

#endif
