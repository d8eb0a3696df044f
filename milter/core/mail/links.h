/*
 * links - the links of a message, found while its decoded text streams by
 * (the text sink of mime.h feeds it): for each, the target URL, the host it
 * leads to (url.h), and for HTML anchors the visible text and the first
 * domain-like name shown in it, so the analysis can send every host through
 * the domain engine and compare what is shown with where it leads.
 *
 * Plain text (and the visible text of HTML outside anchors): URLs with a
 * scheme, "www." names, mailto:, addresses, and bare domains (clients such
 * as Gmail turn "viamedis-secure.fr/login" into a link). HTML: <a href>
 * (also SVG's xlink:href), <area href> (text: its alt), <form action>, with
 * <base href> applied to relative targets. An anchor's text includes the alt
 * of images inside it. Inline tags do not break words ("<b>viamedis</b>.fr"
 * reads viamedis.fr); block tags and <br> do.
 *
 * The visible text (plain parts as they are, HTML without markup, images'
 * alt text) is also handed to the sink for the analysis's own reading
 * (brand names, lure vocabulary).
 *
 * Caps: LINKS_MAX links delivered per message; a link equal to one already
 * delivered (same source, host and shown name) is counted as a duplicate,
 * not delivered again, so a newsletter's hundred tracking links cannot push
 * a lookalike out. A run of text without a break is looked at in windows of
 * LINKS_TOKEN_MAX bytes. Linear time; memory fixed per parser.
 */
#ifndef VIGIE_LINKS_H
#define VIGIE_LINKS_H

#include <stdbool.h>
#include <stddef.h>

#include "linkfind.h"
#include "url.h"

#define LINKS_MAX 256
#define LINK_TEXT_MAX 256
#define LINKS_TOKEN_MAX 8192

#define LINK_F_HTML	0x01	/* found in an HTML part */
#define LINK_F_TEXT_CUT	0x02	/* the visible text was longer than LINK_TEXT_MAX */
#define LINK_F_BASE	0x04	/* a relative target resolved against <base href> */
#define LINK_F_IMAGE	0x08	/* the anchor shows an image (its alt is in the text) */

struct link {
	enum link_source source;
	unsigned flags;
	const char *url;		/* as written, entities decoded (cut at URL_MAX) */
	size_t url_len;
	const struct url *target;	/* host, scheme, userinfo, port, URL_F_* flags */
	const char *text;		/* visible text, white space collapsed; "" for text links */
	size_t text_len;
	const char *text_host;		/* first domain-like name in the text, or NULL */
	size_t text_host_len;
};

/* A link and its strings are valid during the callback only: copy what must be kept. */
struct links_sink {
	void (*link)(void *arg, const struct link *link);
	void (*text)(void *arg, const char *utf8, size_t len);	/* may be NULL */
	void *arg;
};

struct links_stats {
	size_t delivered;
	size_t duplicates;
	size_t dropped;		/* past LINKS_MAX */
};

struct links;

struct links *links_new(const struct links_sink *sink);
void links_reset(struct links *l);
void links_begin(struct links *l, bool html);
void links_text(struct links *l, const char *utf8, size_t len);
void links_end(struct links *l);
const struct links_stats *links_stats(const struct links *l);
void links_free(struct links *l);
bool links_text_host(const char *text, size_t len, struct url *host);

#endif
