/*
 * mimescan - the lines of a MIME body for the parser and the rewriter (see
 * mimescan.h).
 *
 * Touches: its own buffer and the sink it was given. Never fails: a line past
 * the cap is cut and says so.
 *
 * The body is cut into lines on the fly. A line is buffered only when it has
 * to be looked at whole: header lines, and lines starting with '-' while a
 * multipart is open (they may be boundaries, and are given up as content once
 * too long to be one). Everything else streams to the sink without a copy per
 * line, so a 5 MB line costs what 5 MB of short lines do.
 */
#include <config.h>

#include <string.h>

#include "mimescan.h"

/* mimescan_init - a scanner whose header lines are looked at up to line_max bytes */
void mimescan_init(struct mimescan *sc, size_t line_max, const struct mimescan_sink *sink)
{
	memset(sc, 0, sizeof(*sc));
	sc->sink = *sink;
	/* a line that may be a boundary is never cut */
	vbuf_init(&sc->line, line_max > MIMESCAN_BLINE_MAX ? line_max : MIMESCAN_BLINE_MAX);
}

/* mimescan_free - release the line buffer */
void mimescan_free(struct mimescan *sc)
{
	vbuf_free(&sc->line);
}

/* mimescan_reset - a new body: nothing open, nothing held */
void mimescan_reset(struct mimescan *sc)
{
	sc->nlevels = 0;
	sc->mode = MIMESCAN_START;
	sc->stopped = false;
	sc->headers = false;
	sc->field = false;
	vbuf_reset(&sc->line);
	sc->eol_len = 0;
	sc->held_cr = false;
	sc->eol_known = false;
	sc->crlf = false;
}

/* mimescan_stop - the reader wants no more: later bytes are ignored */
void mimescan_stop(struct mimescan *sc)
{
	sc->stopped = true;
}

/* mimescan_headers - a header section begins with the next line (on), or none does */
void mimescan_headers(struct mimescan *sc, bool on)
{
	sc->headers = on;
	sc->field = false;
}

/* mimescan_in_headers - whether the next line belongs to a header section */
bool mimescan_in_headers(const struct mimescan *sc)
{
	return sc->headers;
}

/* mimescan_push - a multipart opens with this boundary: its level, or -1 when too deep */
int mimescan_push(struct mimescan *sc, const char *boundary, size_t len)
{
	struct mimescan_level *lv;

	if (sc->nlevels == MIMESCAN_LEVELS_MAX || len > CONTENT_BOUNDARY_MAX)
		return -1;
	lv = &sc->level[sc->nlevels];
	memcpy(lv->boundary, boundary, len);
	lv->blen = len;
	lv->closed = false;
	return (int)sc->nlevels++;
}

/* mimescan_unclosed - whether a multipart open from level from on lacks its close delimiter */
bool mimescan_unclosed(const struct mimescan *sc, unsigned from)
{
	for (unsigned i = from; i < sc->nlevels; i++)
		if (!sc->level[i].closed)
			return true;
	return false;
}

/* mimescan_crlf - whether the body's first line break is known, and if it is CRLF */
bool mimescan_crlf(const struct mimescan *sc, bool *crlf)
{
	*crlf = sc->crlf;
	return sc->eol_known;
}

/*
 * mimescan_boundary - the open multipart whose boundary line this is (s
 * without its line break), innermost first, or -1; *close says it was the
 * close delimiter.
 */
int mimescan_boundary(const struct mimescan *sc, const char *s, size_t len, bool *close)
{
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return -1;
	for (int k = (int)sc->nlevels - 1; k >= 0; k--) {
		const struct mimescan_level *lv = &sc->level[k];
		size_t i;

		if (lv->closed || len - 2 < lv->blen || memcmp(s + 2, lv->boundary, lv->blen) != 0)
			continue;
		i = 2 + lv->blen;
		*close = i + 1 < len && s[i] == '-' && s[i + 1] == '-';
		if (*close)
			i += 2;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			return k;
	}
	return -1;
}

/* mimescan_content - body bytes to the sink */
static void mimescan_content(struct mimescan *sc, const char *p, size_t n)
{
	if (n)
		sc->sink.content(sc->sink.arg, p, n);
}

/* mimescan_content_cr - content, but a CR at its end held: maybe the first half of a line break */
static void mimescan_content_cr(struct mimescan *sc, const char *p, size_t n)
{
	if (n && p[n - 1] == '\r') {
		n--;
		sc->held_cr = true;
	}
	mimescan_content(sc, p, n);
}

/* mimescan_hold - hold back a line break: it may belong to a boundary */
static void mimescan_hold(struct mimescan *sc, const char *eol, size_t len)
{
	memcpy(sc->eol, eol, len);
	sc->eol_len = len;
}

/* mimescan_release - the held line break turned out to be content */
void mimescan_release(struct mimescan *sc)
{
	if (sc->eol_len)
		mimescan_content(sc, sc->eol, sc->eol_len);
	sc->eol_len = 0;
}

/* mimescan_note_eol - learn the body's line breaks from its first one */
static void mimescan_note_eol(struct mimescan *sc, bool crlf)
{
	if (!sc->eol_known) {
		sc->eol_known = true;
		sc->crlf = crlf;
	}
}

/* mimescan_is_field_start - whether a header line starts a field ("name:") */
static bool mimescan_is_field_start(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (unsigned char)s[i] > ' ' && s[i] != ':' && s[i] != 0x7f)
		i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;		/* obsolete white space before the colon */
	return i > 0 && i < len && s[i] == ':' && (unsigned char)s[0] > ' ';
}

/* mimescan_head_kind - what a line of a header section is */
static enum mimescan_kind mimescan_head_kind(const struct mimescan *sc, const char *s, size_t len)
{
	if (len == 0)
		return MIMESCAN_END;
	if ((s[0] == ' ' || s[0] == '\t') && sc->field)
		return MIMESCAN_FOLD;
	return mimescan_is_field_start(s, len) ? MIMESCAN_FIELD : MIMESCAN_BODY;
}

/* mimescan_at_boundary - a boundary line of level k: the sink's, then the levels inside it close */
static void mimescan_at_boundary(struct mimescan *sc, struct mimescan_line *l, int k, bool close)
{
	l->kind = close ? MIMESCAN_CLOSE : MIMESCAN_BOUNDARY;
	l->level = (unsigned)k;
	l->in_headers = sc->headers;
	l->held = sc->eol;
	l->held_len = sc->eol_len;
	sc->headers = false;
	sc->sink.line(sc->sink.arg, l);
	sc->eol_len = 0;	/* the line break before a boundary is the boundary's */
	sc->nlevels = (unsigned)k + 1;
	if (close)
		sc->level[k].closed = true;
}

/* mimescan_line - a line looked at whole: s[0..len), its line break eol */
static void mimescan_line(struct mimescan *sc, const char *s, size_t len, size_t n,
			  const char *eol, size_t eol_len)
{
	struct mimescan_line l = { .s = s, .len = len, .n = n, .cut = sc->line.overflow };
	bool close;
	int k = sc->nlevels ? mimescan_boundary(sc, s, len, &close) : -1;

	if (k >= 0) {
		mimescan_at_boundary(sc, &l, k, close);
		return;
	}
	if (sc->headers) {
		l.kind = mimescan_head_kind(sc, s, len);
		/* a CR the end of the body cut from its LF does not end the section */
		if (l.kind == MIMESCAN_END && eol[eol_len - 1] != '\n')
			l.kind = MIMESCAN_FOLD;
		if (l.kind == MIMESCAN_FIELD)
			sc->field = true;
		else if (l.kind == MIMESCAN_END || l.kind == MIMESCAN_BODY)
			sc->headers = sc->field = false;
		sc->sink.line(sc->sink.arg, &l);
		if (l.kind != MIMESCAN_BODY || sc->stopped)
			return;
		/* not a header line: it is the first line of the body */
	} else {
		mimescan_release(sc);
	}
	mimescan_content(sc, s, len);
	mimescan_hold(sc, eol, eol_len);
}

/* mimescan_line_done - split the buffered line from its line break */
static void mimescan_line_done(struct mimescan *sc)
{
	const char *s = vbuf_str(&sc->line), *eol;
	size_t n = sc->line.len, len = n, eol_len;

	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;		/* CRLF, or a CR ending what is read of the body */
	eol = s + len;
	eol_len = n - len;
	if (sc->line.overflow) {
		/* the line break did not fit: LF, after a CR when one was kept */
		eol = eol_len ? "\r\n" : "\n";
		eol_len = eol_len ? 2 : 1;
	}
	sc->mode = MIMESCAN_START;
	mimescan_line(sc, s, len, n, eol, eol_len);
	vbuf_reset(&sc->line);
}

/* mimescan_feed_line - buffer a line to look at it whole; returns the bytes used */
static size_t mimescan_feed_line(struct mimescan *sc, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;

	if (!sc->headers && sc->line.len + take > MIMESCAN_BLINE_MAX) {
		/* too long for a boundary: it was content all along */
		mimescan_release(sc);
		mimescan_content_cr(sc, sc->line.data, sc->line.len);
		vbuf_reset(&sc->line);
		sc->mode = MIMESCAN_CONTENT;
		return 0;
	}
	vbuf_add(&sc->line, p, take);
	if (nl) {
		if (!sc->line.overflow)
			mimescan_note_eol(sc, sc->line.len > 1 &&
					  sc->line.data[sc->line.len - 2] == '\r');
		mimescan_line_done(sc);
	}
	return take;
}

/* mimescan_feed_content - stream content up to a line start that may matter; returns the bytes used */
static size_t mimescan_feed_content(struct mimescan *sc, const char *p, size_t n)
{
	const char *nl;
	size_t k;

	if (sc->held_cr) {
		sc->held_cr = false;
		if (p[0] == '\n') {
			/* a CRLF split between two reads: the same line break as whole */
			mimescan_note_eol(sc, true);
			mimescan_hold(sc, "\r\n", 2);
			sc->mode = MIMESCAN_START;
			return 1;
		}
		mimescan_content(sc, "\r", 1);
	}
	nl = memchr(p, '\n', n);
	if (nl == NULL) {
		mimescan_content_cr(sc, p, n);
		return n;
	}
	mimescan_note_eol(sc, nl > p && nl[-1] == '\r');
	/*
	 * Lines that cannot be boundaries (no multipart open, or not starting
	 * with '-') go through in one run; only the last line break is held.
	 */
	while (nl + 1 < p + n && (sc->nlevels == 0 || nl[1] != '-')) {
		const char *next = memchr(nl + 1, '\n', (size_t)(p + n - nl - 1));

		if (next == NULL)
			break;
		nl = next;
	}
	k = (size_t)(nl - p);
	if (k && p[k - 1] == '\r') {
		mimescan_content(sc, p, k - 1);
		mimescan_hold(sc, "\r\n", 2);
	} else {
		mimescan_content(sc, p, k);
		mimescan_hold(sc, "\n", 1);
	}
	sc->mode = MIMESCAN_START;
	return k + 1;
}

/* mimescan_feed - the next n bytes of the body */
void mimescan_feed(struct mimescan *sc, const char *p, size_t n)
{
	while (n && !sc->stopped) {
		size_t used;

		switch (sc->mode) {
		case MIMESCAN_START:
			if (sc->headers || (sc->nlevels && p[0] == '-')) {
				sc->mode = MIMESCAN_LINE;
			} else {
				mimescan_release(sc);
				sc->mode = MIMESCAN_CONTENT;
			}
			continue;
		case MIMESCAN_LINE:
			used = mimescan_feed_line(sc, p, n);
			break;
		default:
			used = mimescan_feed_content(sc, p, n);
			break;
		}
		p += used;
		n -= used;
	}
}

/*
 * mimescan_end - the body is complete: its last line (without a line
 * break), and a CR held at its end. A held line break stays held: the reader
 * drops it or releases it.
 */
void mimescan_end(struct mimescan *sc)
{
	if (sc->stopped)
		return;
	if (sc->mode == MIMESCAN_LINE && sc->line.len)
		mimescan_line_done(sc);
	if (sc->stopped)
		return;
	if (sc->held_cr) {
		sc->held_cr = false;
		mimescan_content(sc, "\r", 1);
	}
}
