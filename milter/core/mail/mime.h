/*
 * mime - a streaming MIME body parser. It is fed the body in chunks of any
 * size (a boundary may be cut anywhere) after being told the message's own
 * Content-Type and Content-Transfer-Encoding, and it hands the decoded UTF-8
 * text of every text/plain and text/html part (attachments included: an HTML
 * attachment is a common phishing vehicle) to a sink, with the part's type.
 *
 * Structure: multipart of any subtype nested up to MIME_DEPTH_MAX (a deeper
 * entity is skipped), message/rfc822 and message/global read as nested
 * messages, at most MIME_PARTS_MAX entities (later ones are skipped);
 * preambles, epilogues and other types are skipped without decoding. Lines,
 * boundary lines and part header lines are read as mimescan.h says (RFC 2046,
 * as CPython reads them), as the rewriter reads them. A multipart without a
 * usable boundary is read as text/plain. Part headers: at most
 * MIME_FIELDS_MAX fields of MIME_LINE_MAX bytes.
 *
 * Decoding: base64 and quoted-printable (base64.h, qp.h: garbage never stops
 * them), then the charset to UTF-8 (charset.h). Text reaches the sink in
 * pieces that end on character boundaries; a line break before a boundary
 * belongs to the boundary and is not delivered.
 *
 * Bytes: at most max_scan body bytes are parsed (MaxBodyScan); the rest is
 * counted in unscanned, and mime_body returns false so the caller may stop
 * feeding. Time is linear in the bytes scanned; memory is fixed per parser.
 */
#ifndef VIGIE_MIME_H
#define VIGIE_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "base64.h"
#include "charset.h"
#include "content.h"
#include "qp.h"
#include "vbuf.h"

#define MIME_DEPTH_MAX 32
#define MIME_PARTS_MAX 500
#define MIME_FIELDS_MAX 100
#define MIME_LINE_MAX 8192

enum mime_kind {
	MIME_PLAIN,
	MIME_HTML
};

struct mime_part {
	enum mime_kind kind;
	unsigned index;		/* entity number: 0 is the message itself */
	unsigned depth;		/* 0 is the message itself */
	bool attachment;	/* Content-Disposition: attachment */
	const struct content *content;	/* type, charset...: valid during the callbacks only */
};

/* Any callback may be NULL. Text pieces are well-formed UTF-8, cut on character boundaries. */
struct mime_sink {
	void (*begin)(void *arg, const struct mime_part *part);
	void (*text)(void *arg, const struct mime_part *part, const char *utf8, size_t len);
	void (*end)(void *arg, const struct mime_part *part);
	void *arg;
};

#define MIME_F_DEPTH		0x001	/* an entity past MIME_DEPTH_MAX was skipped */
#define MIME_F_PARTS		0x002	/* entities past MIME_PARTS_MAX were skipped */
#define MIME_F_UNCLOSED		0x004	/* a multipart ended without its close delimiter */
#define MIME_F_NO_BOUNDARY	0x008	/* a multipart without a usable boundary, read as text */
#define MIME_F_BASE64		0x010	/* base64 with bytes outside the alphabet */
#define MIME_F_QP		0x020	/* quoted-printable with bad escapes */
#define MIME_F_CHARSET		0x040	/* a charset nobody knows */
#define MIME_F_HEADER		0x080	/* part header lines or fields past their caps */
#define MIME_F_CTE		0x100	/* an unknown transfer encoding, read as is */
#define MIME_F_SCAN_CAP		0x200	/* the body is longer than max_scan */
#define MIME_F_TEXT_CUT		0x400	/* decoded text past the output cap (cannot happen) */

struct mime_stats {
	size_t scanned;		/* body bytes parsed */
	size_t unscanned;	/* body bytes past max_scan */
	size_t text;		/* UTF-8 bytes delivered */
	unsigned parts;		/* entities seen, the message itself included */
	unsigned text_parts;	/* parts delivered to the sink */
	unsigned depth_max;
	unsigned flags;
};

struct mime;

struct mime *mime_new(size_t max_scan, const struct mime_sink *sink);
void mime_begin(struct mime *m, const char *ctype, size_t ctype_len,
		const char *cte, size_t cte_len);
bool mime_body(struct mime *m, const void *data, size_t len);
void mime_sync(struct mime *m);
void mime_end(struct mime *m);
const struct mime_stats *mime_stats(const struct mime *m);
void mime_free(struct mime *m);

#endif
