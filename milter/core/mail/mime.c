/*
 * mime - streaming MIME body parsing to decoded UTF-8 text (see mime.h).
 *
 * Touches: its own buffers and the sink it was given. Never fails: broken
 * structure is read the way mail clients read it and flagged in the stats.
 *
 * The body is cut into lines on the fly. A line is buffered only when it has
 * to be looked at whole: header lines, and lines starting with '-' while a
 * multipart is open (they may be boundaries, and are given up as content once
 * too long to be one). Everything else streams through the decoders without
 * a copy per line, so a 5 MB line costs what 5 MB of short lines do.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "utf8.h"
#include "xalloc.h"

/* The longest line that can still be a boundary: "--", boundary, "--", padding. */
#define MIME_BLINE_MAX (2 + CONTENT_BOUNDARY_MAX + 2 + 128)
#define MIME_DEC 4096		/* decoded bytes staged per step */
#define MIME_FLUSH 16384	/* text handed to the sink from this size on */
#define MIME_OUT_MAX (8 * MIME_DEC + MIME_FLUSH)

enum mime_state { MS_HEADERS, MS_BODY, MS_SKIP, MS_DONE };
enum mime_mode { MM_START, MM_LINE, MM_CONTENT };

struct mime_level {
	char boundary[CONTENT_BOUNDARY_MAX + 1];
	size_t blen;
	bool closed;		/* close delimiter seen: what follows is epilogue */
	bool digest;
	unsigned depth;		/* depth of the multipart entity */
};

struct mime {
	struct mime_sink sink;
	size_t max_scan;
	struct mime_stats st;
	struct charset cs;
	struct mime_level level[MIME_DEPTH_MAX];
	unsigned nlevels;

	enum mime_state state;
	enum mime_mode mode;
	struct content content;		/* the current entity */
	unsigned depth;
	unsigned nfields;
	bool deliver;			/* the current body goes to the sink */
	struct mime_part part;

	struct vbuf line;		/* a line being looked at whole */
	struct vbuf field;		/* a part header field being collected */
	char eol[2];			/* line break held back: it may belong to a boundary */
	size_t eol_len;
	bool held_cr;			/* content ended on '\r': maybe half a line break */

	struct base64 b64;
	struct qp qp;
	struct charset_stream cst;
	char dec[MIME_DEC + QP_WS_MAX + 8];
	struct vbuf out;
};

/* mime_new - a parser reading at most max_scan body bytes per message */
struct mime *mime_new(size_t max_scan, const struct mime_sink *sink)
{
	struct mime *m = xcalloc(1, sizeof(*m));

	m->sink = *sink;
	m->max_scan = max_scan;
	charset_init(&m->cs, MIME_PARTS_MAX);
	vbuf_init(&m->line, MIME_LINE_MAX);
	vbuf_init(&m->field, MIME_LINE_MAX);
	vbuf_init(&m->out, MIME_OUT_MAX);
	return m;
}

/* mime_free - release everything */
void mime_free(struct mime *m)
{
	if (m == NULL)
		return;
	charset_free(&m->cs);
	vbuf_free(&m->line);
	vbuf_free(&m->field);
	vbuf_free(&m->out);
	free(m);
}

/* mime_stats - what the parse saw */
const struct mime_stats *mime_stats(const struct mime *m)
{
	return &m->st;
}

/* mime_flush - hand the staged text to the sink */
static void mime_flush(struct mime *m)
{
	if (m->out.overflow)
		utf8_cut(&m->out, 0);
	if (m->out.len && m->sink.text)
		m->sink.text(m->sink.arg, &m->part, m->out.data, m->out.len);
	m->st.text += m->out.len;
	vbuf_reset(&m->out);
}

/*
 * mime_sync - hand the text staged so far to the sink now: what the body
 * held up to here is read as such (message.c switches readers at MaxBodyScan)
 */
void mime_sync(struct mime *m)
{
	if (m->state == MS_BODY)
		mime_flush(m);
}

/* mime_convert - decoded bytes through the charset converter into the staged text */
static void mime_convert(struct mime *m, const char *p, size_t n)
{
	if (!charset_stream_feed(&m->cst, p, n, &m->out))
		m->st.flags |= MIME_F_TEXT_CUT;
	if (m->out.len >= MIME_FLUSH)
		mime_flush(m);
}

/* mime_decode - body bytes of a delivered part through its transfer decoding */
static void mime_decode(struct mime *m, const char *p, size_t n)
{
	while (n) {
		size_t take = n, got;

		switch (m->content.cte) {
		case CONTENT_CTE_BASE64:
			if (take > MIME_DEC)
				take = MIME_DEC;	/* output is 3/4 of it */
			got = base64_decode(&m->b64, p, take, m->dec);
			mime_convert(m, m->dec, got);
			break;
		case CONTENT_CTE_QP:
			if (take > MIME_DEC)
				take = MIME_DEC;
			got = qp_decode(&m->qp, p, take, m->dec);
			mime_convert(m, m->dec, got);
			break;
		default:
			if (take > MIME_DEC)
				take = MIME_DEC;
			mime_convert(m, p, take);
			break;
		}
		p += take;
		n -= take;
	}
}

/* mime_content - bytes of the current body (decoded if delivered, else ignored) */
static void mime_content(struct mime *m, const char *p, size_t n)
{
	if (m->deliver && n)
		mime_decode(m, p, n);
}

/* mime_release_eol - a held line break turned out to be content */
static void mime_release_eol(struct mime *m)
{
	if (m->eol_len)
		mime_content(m, m->eol, m->eol_len);
	m->eol_len = 0;
}

/* mime_part_end - the current body ends: flush decoders, tell the sink */
static void mime_part_end(struct mime *m)
{
	char tail[QP_WS_MAX + 8];
	size_t n;

	m->eol_len = 0;
	m->held_cr = false;
	if (!m->deliver)
		return;
	if (m->content.cte == CONTENT_CTE_BASE64) {
		n = base64_end(&m->b64, tail);
		mime_convert(m, tail, n);
		if (m->b64.garbage)
			m->st.flags |= MIME_F_BASE64;
	} else if (m->content.cte == CONTENT_CTE_QP) {
		n = qp_end(&m->qp, tail);
		mime_convert(m, tail, n);
		if (m->qp.bad)
			m->st.flags |= MIME_F_QP;
	}
	if (!charset_stream_end(&m->cst, &m->out))
		m->st.flags |= MIME_F_TEXT_CUT;
	mime_flush(m);
	if (m->sink.end)
		m->sink.end(m->sink.arg, &m->part);
	m->deliver = false;
}

/* mime_deliver - start handing the current body to the sink as text of this kind */
static void mime_deliver(struct mime *m, enum mime_kind kind)
{
	bool known;
	const char *cs = m->content.charset;

	m->deliver = true;
	m->st.text_parts++;
	base64_init(&m->b64);
	qp_init(&m->qp);
	charset_stream_begin(&m->cst, &m->cs, cs, strlen(cs), &known);
	if (!known)
		m->st.flags |= MIME_F_CHARSET;
	m->part.kind = kind;
	m->part.depth = m->depth;
	m->part.attachment = m->content.attachment;
	m->part.content = &m->content;
	if (m->sink.begin)
		m->sink.begin(m->sink.arg, &m->part);
}

/* mime_text_kind - whether a type is text vigie reads, and as what */
static bool mime_text_kind(const struct content *c, enum mime_kind *kind)
{
	if (strcmp(c->type, "text") != 0)
		return false;
	if (strcmp(c->subtype, "plain") == 0) {
		*kind = MIME_PLAIN;
		return true;
	}
	/* text/x-amp-html: the AMP part Gmail shows */
	if (strcmp(c->subtype, "html") == 0 || strcmp(c->subtype, "x-amp-html") == 0) {
		*kind = MIME_HTML;
		return true;
	}
	return false;
}

/* mime_entity - an entity's headers are complete: decide what its body is */
static void mime_entity(struct mime *m)
{
	struct content *c = &m->content;
	enum mime_kind kind;

	m->state = MS_SKIP;
	if (c->cte == CONTENT_CTE_UNKNOWN)
		m->st.flags |= MIME_F_CTE;
	if (strcmp(c->type, "multipart") == 0) {
		if (c->boundary_len == 0) {
			m->st.flags |= MIME_F_NO_BOUNDARY;
			m->state = MS_BODY;
			mime_deliver(m, MIME_PLAIN);
		} else if (m->nlevels == MIME_DEPTH_MAX || m->depth + 1 >= MIME_DEPTH_MAX) {
			m->st.flags |= MIME_F_DEPTH;
		} else {
			struct mime_level *lv = &m->level[m->nlevels++];

			memcpy(lv->boundary, c->boundary, c->boundary_len);
			lv->blen = c->boundary_len;
			lv->closed = false;
			lv->digest = strcmp(c->subtype, "digest") == 0;
			lv->depth = m->depth;
		}
		return;
	}
	if (strcmp(c->type, "message") == 0 &&
	    (strcmp(c->subtype, "rfc822") == 0 || strcmp(c->subtype, "global") == 0) &&
	    (c->cte == CONTENT_CTE_IDENTITY || c->cte == CONTENT_CTE_UNKNOWN)) {
		if (m->depth + 1 >= MIME_DEPTH_MAX || m->st.parts >= MIME_PARTS_MAX) {
			m->st.flags |= m->depth + 1 >= MIME_DEPTH_MAX ? MIME_F_DEPTH : MIME_F_PARTS;
			return;
		}
		/* the body is a message: its own headers come next */
		m->depth++;
		m->st.parts++;
		m->part.index = m->st.parts - 1;
		if (m->depth > m->st.depth_max)
			m->st.depth_max = m->depth;
		content_init(c, false);
		m->nfields = 0;
		m->state = MS_HEADERS;
		return;
	}
	if (mime_text_kind(c, &kind)) {
		m->state = MS_BODY;
		mime_deliver(m, kind);
	}
}

/* mime_field - a complete part header field: the Content-* ones matter */
static void mime_field(struct mime *m)
{
	const char *f = vbuf_str(&m->field), *colon = memchr(f, ':', m->field.len);
	size_t nlen, vlen;

	if (colon == NULL)
		return;
	nlen = (size_t)(colon - f);
	while (nlen && (f[nlen - 1] == ' ' || f[nlen - 1] == '\t'))
		nlen--;
	vlen = m->field.len - (size_t)(colon + 1 - f);
	if (++m->nfields > MIME_FIELDS_MAX) {
		m->st.flags |= MIME_F_HEADER;
		return;
	}
	if (nlen == 12 && strncasecmp(f, "content-type", 12) == 0)
		content_type(&m->content, colon + 1, vlen);
	else if (nlen == 25 && strncasecmp(f, "content-transfer-encoding", 25) == 0)
		content_encoding(&m->content, colon + 1, vlen);
	else if (nlen == 19 && strncasecmp(f, "content-disposition", 19) == 0)
		content_disposition(&m->content, colon + 1, vlen);
}

/* mime_is_field_start - whether a header line starts a field ("name:") */
static bool mime_is_field_start(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (unsigned char)s[i] > ' ' && s[i] != ':' && s[i] != 0x7f)
		i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;		/* obsolete white space before the colon */
	return i > 0 && i < len && s[i] == ':' && (unsigned char)s[0] > ' ';
}

/*
 * mime_header_line - one line of an entity's header section; false when it
 * is not a header line, which ends the section and is itself body.
 */
static bool mime_header_line(struct mime *m, const char *s, size_t len)
{
	if (len == 0) {
		mime_field(m);
		vbuf_reset(&m->field);
		mime_entity(m);
		return true;
	}
	if ((s[0] == ' ' || s[0] == '\t') && m->field.len) {
		if (!vbuf_add(&m->field, s, len))
			m->st.flags |= MIME_F_HEADER;
		return true;
	}
	if (!mime_is_field_start(s, len)) {
		mime_field(m);
		vbuf_reset(&m->field);
		mime_entity(m);
		return false;
	}
	mime_field(m);
	vbuf_reset(&m->field);
	if (!vbuf_add(&m->field, s, len))
		m->st.flags |= MIME_F_HEADER;
	return true;
}

/*
 * mime_boundary - the open multipart whose boundary line this is, innermost
 * first, or -1; *close says it was the close delimiter.
 */
static int mime_boundary(const struct mime *m, const char *s, size_t len, bool *close)
{
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return -1;
	for (int k = (int)m->nlevels - 1; k >= 0; k--) {
		const struct mime_level *lv = &m->level[k];
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

/* mime_at_boundary - a boundary of level k: end what is open inside it, start what follows */
static void mime_at_boundary(struct mime *m, int k, bool close)
{
	struct mime_level *lv = &m->level[k];

	if (m->state == MS_HEADERS)
		mime_header_line(m, "", 0);	/* headers cut short: an empty body */
	mime_part_end(m);
	for (unsigned i = (unsigned)k + 1; i < m->nlevels; i++)
		if (!m->level[i].closed)
			m->st.flags |= MIME_F_UNCLOSED;
	m->nlevels = (unsigned)k + 1;
	m->state = MS_SKIP;
	if (close) {
		lv->closed = true;
		return;
	}
	if (m->st.parts >= MIME_PARTS_MAX) {
		m->st.flags |= MIME_F_PARTS;
		return;
	}
	m->st.parts++;
	m->part.index = m->st.parts - 1;
	m->depth = lv->depth + 1;
	if (m->depth > m->st.depth_max)
		m->st.depth_max = m->depth;
	content_init(&m->content, lv->digest);
	m->nfields = 0;
	vbuf_reset(&m->field);
	m->state = MS_HEADERS;
}

/* mime_line - a line looked at whole (without its line break eol) */
static void mime_line(struct mime *m, const char *s, size_t len, const char *eol, size_t eol_len)
{
	bool close;
	int k = m->nlevels ? mime_boundary(m, s, len, &close) : -1;

	if (k >= 0) {
		m->eol_len = 0;		/* the line break before a boundary is the boundary's */
		mime_at_boundary(m, k, close);
		return;
	}
	if (m->state == MS_HEADERS) {
		if (mime_header_line(m, s, len))
			return;
		/* not a header line: it is the first line of the body */
	} else {
		mime_release_eol(m);
	}
	mime_content(m, s, len);
	memcpy(m->eol, eol, eol_len);
	m->eol_len = eol_len;
}

/* mime_line_end - split a buffered line from its line break */
static void mime_line_done(struct mime *m)
{
	size_t len = m->line.len;
	const char *s = vbuf_str(&m->line), *eol = "\n";
	size_t eol_len = 1;

	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r') {
		len--;
		eol = "\r\n";
		eol_len = 2;
	}
	mime_line(m, s, len, eol, eol_len);
	vbuf_reset(&m->line);
	m->mode = MM_START;
}

/* mime_feed_line - buffer a line to look at it whole; returns the bytes used */
static size_t mime_feed_line(struct mime *m, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;

	if (m->state != MS_HEADERS && m->line.len + take > MIME_BLINE_MAX) {
		/* too long for a boundary: it was content all along */
		mime_release_eol(m);
		mime_content(m, m->line.data, m->line.len);
		vbuf_reset(&m->line);
		m->mode = MM_CONTENT;
		return 0;
	}
	if (!vbuf_add(&m->line, p, take))
		m->st.flags |= MIME_F_HEADER;
	if (nl)
		mime_line_done(m);
	return take;
}

/* mime_feed_content - stream content up to the end of the line; returns the bytes used */
static size_t mime_feed_content(struct mime *m, const char *p, size_t n)
{
	const char *nl;
	size_t k;

	if (m->held_cr) {
		m->held_cr = false;
		if (p[0] == '\n') {
			memcpy(m->eol, "\r\n", 2);
			m->eol_len = 2;
			m->mode = MM_START;
			return 1;
		}
		mime_content(m, "\r", 1);
	}
	nl = memchr(p, '\n', n);
	if (nl == NULL) {
		k = n;
		if (p[n - 1] == '\r') {
			k--;
			m->held_cr = true;	/* maybe the first half of a line break */
		}
		mime_content(m, p, k);
		return n;
	}
	/*
	 * Lines that cannot be boundaries (no multipart open, or not starting
	 * with '-') go through in one run; only the last line break is held.
	 */
	while (nl + 1 < p + n && (m->nlevels == 0 || nl[1] != '-')) {
		const char *next = memchr(nl + 1, '\n', (size_t)(p + n - nl - 1));

		if (next == NULL)
			break;
		nl = next;
	}
	k = (size_t)(nl - p);
	if (k && p[k - 1] == '\r') {
		mime_content(m, p, k - 1);
		memcpy(m->eol, "\r\n", 2);
		m->eol_len = 2;
	} else {
		mime_content(m, p, k);
		m->eol[0] = '\n';
		m->eol_len = 1;
	}
	m->mode = MM_START;
	return k + 1;
}

/* mime_feed - parse n body bytes */
static void mime_feed(struct mime *m, const char *p, size_t n)
{
	while (n) {
		size_t used;

		switch (m->mode) {
		case MM_START:
			if (m->state == MS_HEADERS || (m->nlevels && p[0] == '-')) {
				m->mode = MM_LINE;
			} else {
				mime_release_eol(m);
				m->mode = MM_CONTENT;
			}
			continue;
		case MM_LINE:
			used = mime_feed_line(m, p, n);
			break;
		default:
			used = mime_feed_content(m, p, n);
			break;
		}
		p += used;
		n -= used;
	}
}

/* mime_begin - a new message whose own Content-Type and -Transfer-Encoding are these (NULL: absent) */
void mime_begin(struct mime *m, const char *ctype, size_t ctype_len,
		const char *cte, size_t cte_len)
{
	memset(&m->st, 0, sizeof(m->st));
	charset_reset(&m->cs);
	vbuf_reset(&m->line);
	vbuf_reset(&m->field);
	vbuf_reset(&m->out);
	m->nlevels = 0;
	m->depth = 0;
	m->nfields = 0;
	m->deliver = false;
	m->mode = MM_START;
	m->eol_len = 0;
	m->held_cr = false;
	memset(&m->part, 0, sizeof(m->part));
	m->st.parts = 1;
	content_init(&m->content, false);
	if (ctype)
		content_type(&m->content, ctype, ctype_len);
	if (cte)
		content_encoding(&m->content, cte, cte_len);
	mime_entity(m);
}

/* mime_body - the next chunk of the body; false once max_scan is reached */
bool mime_body(struct mime *m, const void *data, size_t len)
{
	size_t room;

	if (m->state == MS_DONE) {
		m->st.unscanned += len;
		if (len)
			m->st.flags |= MIME_F_SCAN_CAP;
		return false;
	}
	room = m->max_scan - m->st.scanned;
	if (len < room) {
		m->st.scanned += len;
		mime_feed(m, data, len);
		return true;
	}
	m->st.scanned += room;
	m->st.unscanned += len - room;
	mime_feed(m, data, room);
	mime_end(m);
	if (m->st.unscanned)
		m->st.flags |= MIME_F_SCAN_CAP;
	m->state = MS_DONE;
	return false;
}

/* mime_end - the body is complete (or cut at max_scan): close what is open */
void mime_end(struct mime *m)
{
	if (m->state == MS_DONE)
		return;
	if (m->mode == MM_LINE && m->line.len)
		mime_line_done(m);	/* a last line without its line break */
	if (m->held_cr) {
		m->held_cr = false;
		mime_content(m, "\r", 1);
	}
	if (m->state == MS_HEADERS)
		mime_header_line(m, "", 0);
	mime_part_end(m);
	for (unsigned i = 0; i < m->nlevels; i++)
		if (!m->level[i].closed)
			m->st.flags |= MIME_F_UNCLOSED;
	m->nlevels = 0;
	m->state = MS_DONE;
}
