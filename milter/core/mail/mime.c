/*
 * mime - streaming MIME body parsing to decoded UTF-8 text (see mime.h).
 *
 * Touches: its own buffers and the sink it was given. Never fails: broken
 * structure is read the way mail clients read it and flagged in the stats.
 *
 * Lines, boundaries and part header lines are mimescan's (the rewriter reads
 * them the same way); content streams through the decoders without a copy
 * per line.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "mimescan.h"
#include "utf8.h"
#include "xalloc.h"

#define MIME_DEC 4096		/* decoded bytes staged per step */
#define MIME_FLUSH 16384	/* text handed to the sink from this size on */
#define MIME_OUT_MAX (8 * MIME_DEC + MIME_FLUSH)

_Static_assert(MIME_DEPTH_MAX == MIMESCAN_LEVELS_MAX, "one nesting cap");

/* While the scanner reads a header section, the state is MS_SKIP. */
enum mime_state { MS_BODY, MS_SKIP, MS_DONE };

/* What mime keeps of an open multipart (its boundary is the scanner's, same level). */
struct mime_level {
	bool digest;
	unsigned depth;		/* depth of the multipart entity */
};

struct mime {
	struct mime_sink sink;
	size_t max_scan;
	struct mime_stats st;
	struct charset cs;
	struct mimescan scan;
	struct mime_level level[MIME_DEPTH_MAX];

	enum mime_state state;
	struct content content;		/* the current entity */
	unsigned depth;
	unsigned nfields;
	bool deliver;			/* the current body goes to the sink */
	struct mime_part part;

	struct vbuf field;		/* a part header field being collected */

	struct base64 b64;
	struct qp qp;
	struct charset_stream cst;
	char dec[MIME_DEC + QP_WS_MAX + 8];
	struct vbuf out;
};

static void mime_scan_content(void *arg, const char *p, size_t n);
static void mime_scan_line(void *arg, const struct mimescan_line *l);

/* mime_new - a parser reading at most max_scan body bytes per message */
struct mime *mime_new(size_t max_scan, const struct mime_sink *sink)
{
	struct mime *m = xcalloc(1, sizeof(*m));
	struct mimescan_sink scan = { mime_scan_content, mime_scan_line, m };

	m->sink = *sink;
	m->max_scan = max_scan;
	charset_init(&m->cs, MIME_PARTS_MAX);
	mimescan_init(&m->scan, MIME_LINE_MAX, &scan);
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
	mimescan_free(&m->scan);
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

/* mime_scan_content - bytes of the current body (decoded if delivered, else ignored) */
static void mime_scan_content(void *arg, const char *p, size_t n)
{
	struct mime *m = arg;

	if (m->deliver)
		mime_decode(m, p, n);
}

/* mime_part_end - the current body ends: flush decoders, tell the sink */
static void mime_part_end(struct mime *m)
{
	char tail[QP_WS_MAX + 8];
	size_t n;

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
	int k;

	m->state = MS_SKIP;
	if (c->cte == CONTENT_CTE_UNKNOWN)
		m->st.flags |= MIME_F_CTE;
	if (strcmp(c->type, "multipart") == 0) {
		if (c->boundary_len == 0) {
			m->st.flags |= MIME_F_NO_BOUNDARY;
			m->state = MS_BODY;
			mime_deliver(m, MIME_PLAIN);
		} else if (m->depth + 1 >= MIME_DEPTH_MAX ||
			   (k = mimescan_push(&m->scan, c->boundary, c->boundary_len)) < 0) {
			m->st.flags |= MIME_F_DEPTH;
		} else {
			m->level[k].digest = strcmp(c->subtype, "digest") == 0;
			m->level[k].depth = m->depth;
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
		mimescan_headers(&m->scan, true);
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
	if (memchr(vbuf_str(&m->field), ':', m->field.len) == NULL)
		return;
	if (++m->nfields > MIME_FIELDS_MAX) {
		m->st.flags |= MIME_F_HEADER;
		return;
	}
	content_field(&m->content, m->field.data, m->field.len);
}

/* mime_head_end - a part's header section ended: its last field, then what its body is */
static void mime_head_end(struct mime *m)
{
	mime_field(m);
	vbuf_reset(&m->field);
	mime_entity(m);
}

/* mime_at_boundary - a boundary line: end what is open inside its multipart, start what follows */
static void mime_at_boundary(struct mime *m, const struct mimescan_line *l)
{
	const struct mime_level *lv = &m->level[l->level];

	if (l->in_headers)
		mime_head_end(m);	/* headers cut short: an empty body */
	mime_part_end(m);
	if (mimescan_unclosed(&m->scan, l->level + 1))
		m->st.flags |= MIME_F_UNCLOSED;
	m->state = MS_SKIP;
	mimescan_headers(&m->scan, false);	/* nor those of a message/rfc822 cut short */
	if (l->kind == MIMESCAN_CLOSE)
		return;
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
	mimescan_headers(&m->scan, true);
}

/* mime_scan_line - a line the scanner looked at whole: a boundary, or a line of part headers */
static void mime_scan_line(void *arg, const struct mimescan_line *l)
{
	struct mime *m = arg;

	if (l->cut)
		m->st.flags |= MIME_F_HEADER;
	switch (l->kind) {
	case MIMESCAN_BOUNDARY:
	case MIMESCAN_CLOSE:
		mime_at_boundary(m, l);
		break;
	case MIMESCAN_FIELD:
		mime_field(m);
		vbuf_reset(&m->field);
		/* fall through */
	case MIMESCAN_FOLD:
		if (!vbuf_add(&m->field, l->s, l->len))
			m->st.flags |= MIME_F_HEADER;
		break;
	default:		/* the section's end, or its first body line */
		mime_head_end(m);
		break;
	}
}

/* mime_begin - a new message whose own Content-Type and -Transfer-Encoding are these (NULL: absent) */
void mime_begin(struct mime *m, const char *ctype, size_t ctype_len,
		const char *cte, size_t cte_len)
{
	memset(&m->st, 0, sizeof(m->st));
	charset_reset(&m->cs);
	mimescan_reset(&m->scan);
	vbuf_reset(&m->field);
	vbuf_reset(&m->out);
	m->depth = 0;
	m->nfields = 0;
	m->deliver = false;
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
		mimescan_feed(&m->scan, data, len);
		return true;
	}
	m->st.scanned += room;
	m->st.unscanned += len - room;
	mimescan_feed(&m->scan, data, room);
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
	mimescan_end(&m->scan);	/* the last line, a held CR; a held line break is dropped */
	if (mimescan_in_headers(&m->scan))
		mime_head_end(m);
	mime_part_end(m);
	if (mimescan_unclosed(&m->scan, 0))
		m->st.flags |= MIME_F_UNCLOSED;
	m->state = MS_DONE;
}
