/*
 * mimescan - the lines of a MIME body, read once for both readers of MIME:
 * the parser (mime.c) and the rewriter (rewrite.c). It is fed the body in
 * chunks of any size (a line or a line break may be cut anywhere) and says
 * where a line ends, which lines are boundaries, and what each line of a
 * part's header section is; the reader decides what the parts are.
 *
 * Lines: a line ends at LF; its break is LF or CRLF; a CR not followed by LF
 * is content, except at the end of what is read of the body (the whole body,
 * or its first MaxBodyScan bytes), where a line looked at whole may end with
 * a CR as its break, or with no break.
 *
 * Boundaries: a boundary line is "--boundary", optionally "--" (the close
 * delimiter), then only white space, as RFC 2046 and CPython have it, for an
 * open multipart not yet closed, innermost first; a boundary of an enclosing
 * multipart also ends the inner ones. In a body only a line that starts with
 * '-' while a multipart is open can be one, and only up to
 * MIMESCAN_BLINE_MAX bytes: a longer line is content. The line break before
 * a boundary belongs to the boundary: it is held back and is not content.
 *
 * Header sections (the reader says when one begins): an empty line ends one;
 * a line starting with white space continues the field before it; a line
 * "name:" (white space allowed before the colon) starts a field; any other
 * line ends the section without its empty line and is the first line of the
 * body, as in CPython. A boundary line ends a section too.
 *
 * Memory: the boundary stack and one line buffer of the cap the reader
 * gives, at least MIMESCAN_BLINE_MAX (a longer header line is cut, and says
 * so). Lines that cannot matter stream through without a copy; time is
 * linear in the bytes.
 */
#ifndef VIGIE_MIMESCAN_H
#define VIGIE_MIMESCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "content.h"
#include "vbuf.h"

#define MIMESCAN_LEVELS_MAX 32	/* open multiparts */
/* The longest line that can still be a boundary: "--", boundary, "--", padding. */
#define MIMESCAN_BLINE_MAX (2 + CONTENT_BOUNDARY_MAX + 2 + 128)

enum mimescan_kind {
	MIMESCAN_BOUNDARY,	/* a boundary line: a part begins after it */
	MIMESCAN_CLOSE,		/* a close delimiter: what follows is epilogue */
	MIMESCAN_FIELD,		/* in a header section: a line that starts a field */
	MIMESCAN_FOLD,		/* in a header section: a line that continues a field */
	MIMESCAN_END,		/* in a header section: its empty line */
	MIMESCAN_BODY		/* the section ended without it: this line is body (then content) */
};

/* A line looked at whole. */
struct mimescan_line {
	enum mimescan_kind kind;
	const char *s;		/* the line, s[0..n) as it came (only its start when cut) */
	size_t len;		/* without its line break */
	size_t n;
	bool cut;		/* longer than the line cap */
	/* boundary lines */
	unsigned level;		/* the multipart it belongs to, 0 the outermost */
	bool in_headers;	/* it cut a header section short */
	const char *held;	/* the line break held before it */
	size_t held_len;
};

struct mimescan_sink {
	void (*content)(void *arg, const char *p, size_t n);	/* body bytes, never empty */
	void (*line)(void *arg, const struct mimescan_line *l);
	void *arg;
};

struct mimescan_level {
	char boundary[CONTENT_BOUNDARY_MAX + 1];
	size_t blen;
	bool closed;		/* close delimiter seen */
};

enum mimescan_mode { MIMESCAN_START, MIMESCAN_LINE, MIMESCAN_CONTENT };

struct mimescan {
	struct mimescan_sink sink;
	struct mimescan_level level[MIMESCAN_LEVELS_MAX];
	unsigned nlevels;
	enum mimescan_mode mode;
	bool stopped;
	bool headers;		/* in a header section */
	bool field;		/* a field of it is open */
	struct vbuf line;	/* a line being looked at whole */
	char eol[2];		/* line break held back: it may belong to a boundary */
	size_t eol_len;
	bool held_cr;		/* content ended on CR: maybe half a line break */
	bool eol_known, crlf;	/* the body's first line break */
};

void mimescan_init(struct mimescan *sc, size_t line_max, const struct mimescan_sink *sink);
void mimescan_free(struct mimescan *sc);
void mimescan_reset(struct mimescan *sc);
void mimescan_feed(struct mimescan *sc, const char *p, size_t n);
void mimescan_end(struct mimescan *sc);
void mimescan_release(struct mimescan *sc);
void mimescan_stop(struct mimescan *sc);
void mimescan_headers(struct mimescan *sc, bool on);
bool mimescan_in_headers(const struct mimescan *sc);
int mimescan_push(struct mimescan *sc, const char *boundary, size_t len);
bool mimescan_unclosed(const struct mimescan *sc, unsigned from);
int mimescan_boundary(const struct mimescan *sc, const char *s, size_t len, bool *close);
bool mimescan_crlf(const struct mimescan *sc, bool *crlf);

#endif
