/*
 * rewrite - puts a warning block (the banner) at the top of the text a
 * reader sees, in a message body streamed in chunks, and streams the new
 * body out in chunks: neither the body nor its new form is ever held whole.
 *
 * Two passes over the same bytes. The plan pass reads the body and decides:
 * which parts get the banner, where, how each is decoded and encoded back,
 * or why the body must stay as it is. The emit pass reads the body again and
 * writes the new one through a callback. Both passes make the same
 * decisions from the same bytes; the emit pass follows the plan.
 *
 * Parts that get the banner ("targets"): the text/plain and text/html parts
 * a reader sees as the message text: the message itself when it is text;
 * every text alternative of multipart/alternative; the root (first part) of
 * multipart/related; the first readable part of multipart/mixed and any
 * other multipart. Never a part with Content-Disposition: attachment,
 * message/rfc822 (a forward is shown as it was), text/calendar or other
 * types, and nothing at all when the text is inside multipart/signed,
 * multipart/encrypted or application/pkcs7-mime (the signature would
 * break): those messages keep their body.
 *
 * A target is decoded (base64, quoted-printable, 7bit/8bit/binary), and
 * converted to UTF-8 (ICU) when the banner does not fit its charset; the
 * banner goes at the start of plain text and right after <body> in HTML
 * (after </head>, or <html>, or at the start when there is none). It is then
 * encoded back: base64 stays base64, quoted-printable stays
 * quoted-printable, 7bit becomes quoted-printable when the text is no longer
 * ASCII, and any identity encoding becomes quoted-printable when a line
 * would reach 998 octets. The part's charset and Content-Transfer-Encoding
 * fields say what was done; for the message itself the new values are in
 * the plan, for the caller to set. Every other byte, boundary and header
 * field is written as it came.
 *
 * A banner already at that place (a message that went through another
 * vigie, or one that forges vigie's markers) is replaced, so a message
 * never carries two and a forged one never stands.
 *
 * The body stays as it is (the plan says why) when the structure is one
 * vigie will not rewrite: a multipart without boundary, a target's header
 * block without its empty line or with two Content-Type or
 * Content-Transfer-Encoding fields, a target whose encoding or charset
 * cannot be decoded and encoded back faithfully (unknown transfer encoding,
 * base64 with bytes outside the alphabet, bytes invalid in the charset that
 * must be converted, an unknown charset with 8-bit text), or past a cap
 * (nesting, parts, header block size, targets). A multipart whose close
 * delimiter is missing is read the way mail clients read it.
 *
 * Memory is fixed per rewriter (a header block, one line, one target's
 * scan window, the output buffer), whatever the size of the body.
 */
#ifndef VIGIE_REWRITE_H
#define VIGIE_REWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "content.h"

#define REWRITE_DEPTH_MAX 32		/* nested multiparts */
#define REWRITE_PARTS_MAX 1000		/* entities in the body */
#define REWRITE_TARGETS_MAX 16		/* parts that get the banner */
#define REWRITE_HEADER_MAX 65536	/* bytes of one part's header block */
#define REWRITE_SCAN_MAX (256u << 10)	/* decoded bytes of a target searched for <body> */
#define REWRITE_BANNER_MAX 32768	/* bytes of a banner, and of one replaced */
#define REWRITE_OUT_CHUNK 65536		/* bytes handed to the output callback at a time */

/*
 * The markers that frame a banner, so that a later pass finds it: the text
 * banner is a first line REWRITE_TEXT_BEGIN, the text, a line
 * REWRITE_TEXT_END and an empty line; the HTML banner sits between two
 * comments.
 */
#define REWRITE_TEXT_BEGIN "-- vigie -------------------------------------------------------------------"
#define REWRITE_TEXT_END "----------------------------------------------------------------------------"
#define REWRITE_HTML_BEGIN "<!-- vigie:banner -->"
#define REWRITE_HTML_END "<!-- /vigie:banner -->"

enum rewrite_status {
	REWRITE_CHANGE,			/* the banner goes into the targets */
	REWRITE_SKIP_NO_TEXT,		/* no text part a reader sees */
	REWRITE_SKIP_SIGNED,		/* the text is signed or encrypted */
	REWRITE_SKIP_MALFORMED,		/* a structure vigie will not rewrite */
	REWRITE_SKIP_ENCODING,		/* a target cannot be decoded and encoded back faithfully */
	REWRITE_SKIP_LIMIT,		/* past a cap */
	REWRITE_SKIP_OUTPUT,		/* emit pass: the output callback failed */
	REWRITE_STATUS_COUNT
};

/* The banner in both forms, each with "\n" line ends (written with the body's own). */
struct rewrite_banner {
	const char *text;		/* UTF-8, REWRITE_TEXT_BEGIN ... REWRITE_TEXT_END "\n\n" */
	size_t text_len;
	const char *html;		/* ASCII, REWRITE_HTML_BEGIN ... REWRITE_HTML_END */
	size_t html_len;
};

/* The message's own Content-Type and Content-Transfer-Encoding fields. */
struct rewrite_top {
	const char *ctype;		/* first value, as received; NULL: absent */
	const char *cte;
	unsigned nctype;		/* fields of that name */
	unsigned ncte;
};

/* One part that gets the banner. */
struct rewrite_target {
	unsigned entity;		/* 0: the message itself, then in order of appearance */
	bool html;			/* text/html, else text/plain */
	bool to_utf8;			/* the text is converted (or relabelled) to UTF-8 */
	bool crlf;			/* the text's own line breaks are CRLF */
	enum content_cte cte_in;	/* never CONTENT_CTE_UNKNOWN */
	enum content_cte cte_out;	/* CONTENT_CTE_IDENTITY: the part's own 7bit/8bit/binary kept */
	size_t insert_at;		/* offset in the decoded (converted) text */
	size_t drop;			/* bytes of an earlier banner removed there */
	char charset[CHARSET_NAME_MAX + 1];	/* as labelled ("" when none) */
};

struct rewrite_plan {
	enum rewrite_status status;
	char why[200];			/* ASCII, why the body stays (status != REWRITE_CHANGE) */
	size_t ntargets;
	struct rewrite_target target[REWRITE_TARGETS_MAX];
	unsigned nplain, nhtml;		/* targets of each kind */
	unsigned replaced;		/* earlier banners replaced */
	bool crlf;			/* the body's line breaks (its first one), CRLF or LF */
	/* the message's own fields after the change; NULL: unchanged */
	char *top_ctype;		/* a whole new Content-Type value */
	char *top_cte;			/* "quoted-printable", ... */
};

/* Output: false stops the emit pass (REWRITE_SKIP_OUTPUT). */
typedef bool (*rewrite_out_fn)(void *arg, const char *data, size_t len);

struct rewrite;

struct rewrite *rewrite_new(void);
void rewrite_free(struct rewrite *rw);
void rewrite_plan_begin(struct rewrite *rw, const struct rewrite_banner *b,
			const struct rewrite_top *top);
void rewrite_emit_begin(struct rewrite *rw, const struct rewrite_banner *b,
			const struct rewrite_top *top, const struct rewrite_plan *plan,
			rewrite_out_fn out, void *arg);
bool rewrite_body(struct rewrite *rw, const void *data, size_t len);
enum rewrite_status rewrite_end(struct rewrite *rw, struct rewrite_plan *plan);
void rewrite_plan_free(struct rewrite_plan *plan);
const char *rewrite_status_name(enum rewrite_status st);

#endif
