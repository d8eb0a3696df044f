/*
 * rewrite - the MIME walk of the rewriter (see rewrite.h): lines,
 * boundaries, part headers, which entities are targets; every byte that is
 * not a target's text goes to the output as it came.
 *
 * Touches: its own buffers, ICU converters (rewrite_part.c) and the output
 * callback. Never fails on bad input: the plan says why the body stays.
 *
 * The body is cut into lines on the fly, as mime.c does: a line is looked
 * at whole only in a part's header block and when it starts with '-' while
 * a multipart is open (it may be a boundary; too long to be one, it is
 * content). The line break before a boundary belongs to the boundary: it is
 * held back and is never a target's text.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rewrite_int.h"
#include "xalloc.h"

static const char *const rewrite_status_names[REWRITE_STATUS_COUNT] = {
	"changed", "no-text", "signed", "malformed", "encoding", "limit", "output",
};

/* rewrite_status_name - the word logs and metrics use for a status */
const char *rewrite_status_name(enum rewrite_status st)
{
	return (unsigned)st < REWRITE_STATUS_COUNT ? rewrite_status_names[st] : "?";
}

/* rewrite_new - a rewriter, reusable for any number of passes */
struct rewrite *rewrite_new(void)
{
	struct rewrite *rw = xcalloc(1, sizeof(*rw));

	charset_init(&rw->cs, 64);
	vbuf_init(&rw->head, REWRITE_HEADER_MAX);
	vbuf_init(&rw->line, RW_LINE_MAX + 1);
	vbuf_init(&rw->conv, RW_CONV_MAX);
	return rw;
}

/* rewrite_plan_free - release what a plan holds; the struct may be reused */
void rewrite_plan_free(struct rewrite_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->top_ctype);
	free(plan->top_cte);
	plan->top_ctype = plan->top_cte = NULL;
}

/* rewrite_free - release everything */
void rewrite_free(struct rewrite *rw)
{
	if (rw == NULL)
		return;
	rw_part_free(&rw->part);
	rewrite_plan_free(&rw->plan);
	charset_free(&rw->cs);
	vbuf_free(&rw->head);
	vbuf_free(&rw->line);
	vbuf_free(&rw->conv);
	free(rw->enc);
	free(rw->obuf);
	free(rw);
}

/* rw_fail - the body stays as it is, and why (the first reason counts); parsing stops */
void rw_fail(struct rewrite *rw, enum rewrite_status st, const char *fmt, ...)
{
	va_list ap;

	if (rw->status != REWRITE_CHANGE)
		return;
	rw->status = st;
	va_start(ap, fmt);
	vsnprintf(rw->plan.why, sizeof(rw->plan.why), fmt, ap);
	va_end(ap);
	rw->state = RW_STOPPED;
}

/* rw_flush - hand the output buffer to the callback */
static void rw_flush(struct rewrite *rw)
{
	if (rw->olen == 0)
		return;
	if (rw->status == REWRITE_CHANGE && !rw->out(rw->arg, rw->obuf, rw->olen))
		rw_fail(rw, REWRITE_SKIP_OUTPUT, "the new body could not be written");
	rw->olen = 0;
}

/* rw_out - bytes of the new body (emit pass only) */
void rw_out(struct rewrite *rw, const char *p, size_t n)
{
	if (!rw->emit)
		return;
	while (n > 0) {
		size_t room = REWRITE_OUT_CHUNK - rw->olen, k = n < room ? n : room;

		memcpy(rw->obuf + rw->olen, p, k);
		rw->olen += k;
		p += k;
		n -= k;
		if (rw->olen == REWRITE_OUT_CHUNK)
			rw_flush(rw);
	}
}

/* rw_is - whether an entity is type/subtype (subtype NULL: any) */
static bool rw_is(const struct content *c, const char *type, const char *subtype)
{
	return content_is(c, type, subtype);
}

/* rw_sealed - the name of a signed or encrypted type, or NULL */
static const char *rw_sealed(const struct content *c)
{
	if (rw_is(c, "multipart", "signed"))
		return "multipart/signed";
	if (rw_is(c, "multipart", "encrypted"))
		return "multipart/encrypted";
	if (rw_is(c, "application", "pkcs7-mime") || rw_is(c, "application", "x-pkcs7-mime"))
		return "application/pkcs7-mime";
	return NULL;
}

/* rw_readable - whether an entity is text a reader sees, or may hold it */
static bool rw_readable(const struct content *c)
{
	if (c->attachment)
		return false;
	return rw_is(c, "text", "plain") || rw_is(c, "text", "html") ||
	       rw_is(c, "multipart", NULL) || rw_sealed(c) != NULL;
}

/* rw_child_candidate - whether the entity begun in the innermost multipart may hold a target */
static bool rw_child_candidate(struct rewrite *rw, const struct content *c)
{
	struct rw_level *lv = &rw->level[rw->nlevels - 1];

	switch (lv->sel) {
	case RW_SEL_ALL:
		return rw_readable(c);
	case RW_SEL_FIRST:
		return lv->children == 1 && rw_readable(c);
	case RW_SEL_FIRST_READABLE:
		if (lv->chosen || !rw_readable(c))
			return false;
		lv->chosen = true;
		return true;
	default:
		return false;
	}
}

/* rw_push - a multipart entity opens a level */
static void rw_push(struct rewrite *rw, const struct content *c, bool candidate)
{
	struct rw_level *lv = &rw->level[rw->nlevels++];

	memset(lv, 0, sizeof(*lv));
	memcpy(lv->boundary, c->boundary, c->boundary_len);
	lv->blen = c->boundary_len;
	lv->digest = strcmp(c->subtype, "digest") == 0;
	if (!candidate)
		lv->sel = RW_SEL_NONE;
	else if (strcmp(c->subtype, "alternative") == 0)
		lv->sel = RW_SEL_ALL;
	else if (strcmp(c->subtype, "related") == 0)
		lv->sel = RW_SEL_FIRST;
	else
		lv->sel = RW_SEL_FIRST_READABLE;
}

/* rw_target_begin - the current entity gets the banner: check it, start its text */
static void rw_target_begin(struct rewrite *rw, const char *cte, size_t cte_len)
{
	const struct content *c = &rw->content;
	unsigned entity = rw->entities - 1;

	if (rw->emit) {
		const struct rewrite_target *t = rw->followed < rw->follow->ntargets ?
						 &rw->follow->target[rw->followed] : NULL;

		if (t == NULL || t->entity != entity) {
			rw_fail(rw, REWRITE_SKIP_OUTPUT, "the body changed between the passes");
			return;
		}
		rw->followed++;
		rw->target = true;
		rw->part.t = (struct rewrite_target *)t;
		rw_emit_head(rw, t);
		rw_part_begin(rw, cte, cte_len);
		return;
	}
	if (rw->plan.ntargets == REWRITE_TARGETS_MAX) {
		rw_fail(rw, REWRITE_SKIP_LIMIT, "more than %d text parts to warn in",
			REWRITE_TARGETS_MAX);
		return;
	}
	if (c->flags & (CONTENT_F_DUP | CONTENT_F_BAD_TYPE) || rw->head_cut) {
		rw_fail(rw, REWRITE_SKIP_MALFORMED, "text/%s part %u: %s", c->subtype, entity,
			rw->head_cut ? "header block without its empty line" :
			(c->flags & CONTENT_F_DUP) ? "a Content-* field or parameter given twice" :
			"a Content-Type that does not parse");
		return;
	}
	if (c->cte == CONTENT_CTE_UNKNOWN) {
		rw_fail(rw, REWRITE_SKIP_ENCODING, "text/%s part %u: unknown transfer encoding",
			c->subtype, entity);
		return;
	}
	struct rewrite_target *t = &rw->plan.target[rw->plan.ntargets++];

	memset(t, 0, sizeof(*t));
	t->entity = entity;
	t->html = strcmp(c->subtype, "html") == 0;
	t->cte_in = c->cte;
	snprintf(t->charset, sizeof(t->charset), "%s", c->charset);
	rw->target = true;
	rw->part.t = t;
	rw_part_begin(rw, cte, cte_len);
}

/*
 * rw_entity - an entity's header fields are known (cte: its raw
 * Content-Transfer-Encoding value, or NULL): decide what its body is.
 */
static void rw_entity(struct rewrite *rw, const char *cte, size_t cte_len)
{
	const struct content *c = &rw->content;
	const char *sealed = rw_sealed(c);
	bool cand = rw->candidate;

	rw->target = false;
	rw->state = RW_BODY;
	if (cand && sealed != NULL) {
		rw_fail(rw, REWRITE_SKIP_SIGNED, "%s", sealed);
		return;
	}
	if (rw_is(c, "multipart", NULL)) {
		if (c->boundary_len == 0) {
			if (cand)
				rw_fail(rw, REWRITE_SKIP_MALFORMED, "multipart/%s without a usable boundary",
					c->subtype);
		} else if (rw->nlevels == REWRITE_DEPTH_MAX) {
			if (cand)
				rw_fail(rw, REWRITE_SKIP_LIMIT, "multiparts nested deeper than %d",
					REWRITE_DEPTH_MAX);
		} else {
			rw_push(rw, c, cand);
		}
		if (cand && rw->head_cut)
			rw_fail(rw, REWRITE_SKIP_MALFORMED, "multipart/%s: header block without its empty line",
				c->subtype);
		return;
	}
	if (cand && (rw_is(c, "text", "plain") || rw_is(c, "text", "html")))
		rw_target_begin(rw, cte, cte_len);
}

/* rw_target_end - the current target's text is complete */
static void rw_target_end(struct rewrite *rw)
{
	if (!rw->target)
		return;
	rw_part_end(rw);
	rw->target = false;
}

/* rw_content - bytes of the current entity's body */
static void rw_content(struct rewrite *rw, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (rw->target)
		rw_part_feed(rw, p, n);
	else
		rw_out(rw, p, n);
}

/* rw_release_eol - a held line break turned out to be content */
static void rw_release_eol(struct rewrite *rw)
{
	if (rw->eol_len)
		rw_content(rw, rw->eol, rw->eol_len);
	rw->eol_len = 0;
}

/* rw_field - one field of the header block (offset and length in head): the Content-* ones matter */
static void rw_field(struct rewrite *rw, size_t off, size_t len)
{
	const char *f = rw->head.data + off, *colon = memchr(f, ':', len);
	size_t nlen, vlen;

	if (colon == NULL)
		return;
	nlen = (size_t)(colon - f);
	while (nlen && (f[nlen - 1] == ' ' || f[nlen - 1] == '\t'))
		nlen--;
	vlen = len - (size_t)(colon + 1 - f);
	if (nlen == 12 && strncasecmp(f, "content-type", 12) == 0) {
		if (rw->ct_len == 0) {
			rw->ct_off = off;
			rw->ct_len = len;
		}
		content_type(&rw->content, colon + 1, vlen);
	} else if (nlen == 25 && strncasecmp(f, "content-transfer-encoding", 25) == 0) {
		if (rw->cte_len == 0) {
			rw->cte_off = off;
			rw->cte_len = len;
		}
		content_encoding(&rw->content, colon + 1, vlen);
	} else if (nlen == 19 && strncasecmp(f, "content-disposition", 19) == 0) {
		content_disposition(&rw->content, colon + 1, vlen);
	}
}

/* rw_head_fields - read the fields of the header block head[0..end) */
static void rw_head_fields(struct rewrite *rw, size_t end)
{
	const char *h = rw->head.data;
	size_t start = 0, i = 0;

	while (i < end) {
		const char *nl = memchr(h + i, '\n', end - i);
		size_t next = nl ? (size_t)(nl - h) + 1 : end;

		/* a field runs until a line that does not start with white space */
		if (i > start && h[i] != ' ' && h[i] != '\t') {
			rw_field(rw, start, i - start);
			start = i;
		}
		i = next;
	}
	if (end > start)
		rw_field(rw, start, end - start);
}

/*
 * rw_head_done - the header block head[0..end) is complete: the entity
 * begins. A target writes its block itself (rw_emit_head); any other entity's
 * goes out as it came.
 */
static void rw_head_done(struct rewrite *rw, size_t end)
{
	const char *cte = NULL;
	size_t cte_len = 0;

	vbuf_truncate(&rw->head, end);
	rw_head_fields(rw, end);
	rw->candidate = rw_child_candidate(rw, &rw->content);
	if (rw->cte_len) {
		const char *f = rw->head.data + rw->cte_off, *colon = memchr(f, ':', rw->cte_len);

		cte = colon + 1;
		cte_len = rw->cte_len - (size_t)(colon + 1 - f);
	}
	rw_entity(rw, cte, cte_len);
	if (!rw->target)
		rw_out(rw, rw->head.data, end);
}

/* rw_is_field_start - whether a header line starts a field ("name:") */
static bool rw_is_field_start(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (unsigned char)s[i] > ' ' && s[i] != ':' && s[i] != 0x7f)
		i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i > 0 && i < len && s[i] == ':' && (unsigned char)s[0] > ' ';
}

/*
 * rw_boundary - the open multipart whose boundary line this is, innermost
 * first, or -1; *close says it was the close delimiter (as mime.c reads them).
 */
int rw_boundary(const struct rewrite *rw, const char *s, size_t len, bool *close)
{
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return -1;
	for (int k = (int)rw->nlevels - 1; k >= 0; k--) {
		const struct rw_level *lv = &rw->level[k];
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

/* rw_new_part - a boundary of level k opened a part: its header block comes */
static void rw_new_part(struct rewrite *rw, int k)
{
	struct rw_level *lv = &rw->level[k];

	if (rw->entities >= REWRITE_PARTS_MAX) {
		rw_fail(rw, REWRITE_SKIP_LIMIT, "more than %d MIME parts", REWRITE_PARTS_MAX);
		return;
	}
	rw->entities++;
	lv->children++;
	content_init(&rw->content, lv->digest);
	vbuf_reset(&rw->head);
	rw->head_line = 0;
	rw->head_cut = false;
	rw->ct_len = rw->cte_len = 0;
	rw->state = RW_HEADERS;
}

/* rw_at_boundary - a boundary line of level k (s: the line with its line break) */
static void rw_at_boundary(struct rewrite *rw, int k, bool close, const char *s, size_t n)
{
	bool was_target;

	if (rw->state == RW_HEADERS) {
		/* a header block cut short: the part has no body */
		rw_head_done(rw, rw->head.len);
		if (rw->state == RW_STOPPED)
			return;
	}
	was_target = rw->target;
	rw_target_end(rw);
	if (rw->state == RW_STOPPED)
		return;
	/*
	 * The line break before the boundary is the boundary's. A target that
	 * had none (an empty body right after its header block) now has text:
	 * it gets one, or the banner's last line break would become the
	 * boundary's on the next reading.
	 */
	if (was_target && rw->eol_len == 0)
		rw_out(rw, rw->crlf ? "\r\n" : "\n", rw->crlf ? 2 : 1);
	rw_out(rw, rw->eol, rw->eol_len);
	rw->eol_len = 0;
	rw_out(rw, s, n);
	rw->nlevels = (unsigned)k + 1;
	rw->state = RW_BODY;
	if (close)
		rw->level[k].closed = true;
	else
		rw_new_part(rw, k);
}

/* rw_note_eol - learn the body's line breaks from its first one */
static void rw_note_eol(struct rewrite *rw, const char *nl, const char *start)
{
	if (!rw->crlf_known) {
		rw->crlf_known = true;
		rw->crlf = nl > start && nl[-1] == '\r';
	}
}

/* rw_head_line - one complete line of a header block, now at head[head_line..] */
static void rw_head_line(struct rewrite *rw)
{
	const char *s = rw->head.data + rw->head_line;
	size_t n = rw->head.len - rw->head_line, len = n;
	bool close;
	int k;

	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;
	k = rw_boundary(rw, s, len, &close);
	if (k >= 0) {
		/* the line is not the header block's, which ends without its empty line */
		char *copy = xmalloc(n);

		memcpy(copy, s, n);
		vbuf_truncate(&rw->head, rw->head_line);
		rw->head_cut = true;
		rw_at_boundary(rw, k, close, copy, n);
		free(copy);
		return;
	}
	if (len == 0) {
		rw_head_done(rw, rw->head.len);
		return;
	}
	if ((s[0] == ' ' || s[0] == '\t') && rw->head_line > 0) {
		rw->head_line = rw->head.len;
		return;
	}
	if (!rw_is_field_start(s, len)) {
		/* not a field: the header block ended without its empty line; this is body */
		char *copy = xmalloc(n);

		memcpy(copy, s, n);
		vbuf_truncate(&rw->head, rw->head_line);
		rw->head_cut = true;
		rw_head_done(rw, rw->head.len);
		if (rw->state != RW_STOPPED)
			rw_content(rw, copy, n);
		free(copy);
		return;
	}
	rw->head_line = rw->head.len;
}

/* rw_feed_head - bytes of a header block; returns the bytes used */
static size_t rw_feed_head(struct rewrite *rw, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;

	if (!vbuf_add(&rw->head, p, take)) {
		rw_fail(rw, REWRITE_SKIP_LIMIT, "a part's header block over %u bytes",
			REWRITE_HEADER_MAX);
		return n;
	}
	if (nl) {
		rw_note_eol(rw, rw->head.data + rw->head.len - 1, rw->head.data + rw->head_line);
		rw_head_line(rw);
		rw->mode = RW_START;
	}
	return take;
}

/* rw_line_done - a buffered body line (line break included) is complete */
static void rw_line_done(struct rewrite *rw)
{
	const char *s = rw->line.data;
	size_t n = rw->line.len, len = n;
	const char *eol = "";
	size_t eol_len = 0;
	bool close;
	int k;

	if (len && s[len - 1] == '\n') {
		len--;
		eol = "\n";
		eol_len = 1;
		if (len && s[len - 1] == '\r') {
			len--;
			eol = "\r\n";
			eol_len = 2;
		}
	}
	k = rw_boundary(rw, s, len, &close);
	if (k >= 0) {
		rw_at_boundary(rw, k, close, s, n);
	} else {
		rw_release_eol(rw);
		rw_content(rw, s, len);
		memcpy(rw->eol, eol, eol_len);
		rw->eol_len = eol_len;
	}
	vbuf_reset(&rw->line);
	rw->mode = RW_START;
}

/* rw_feed_line - buffer a body line that may be a boundary; returns the bytes used */
static size_t rw_feed_line(struct rewrite *rw, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;

	if (rw->line.len + take > RW_LINE_MAX) {
		/* too long for a boundary: it was content all along */
		rw_release_eol(rw);
		rw_content(rw, rw->line.data, rw->line.len);
		vbuf_reset(&rw->line);
		rw->mode = RW_CONTENT;
		return 0;
	}
	vbuf_add(&rw->line, p, take);
	if (nl) {
		rw_note_eol(rw, rw->line.data + rw->line.len - 1, rw->line.data);
		rw_line_done(rw);
	}
	return take;
}

/* rw_feed_content - stream content up to a line start that may matter; returns the bytes used */
static size_t rw_feed_content(struct rewrite *rw, const char *p, size_t n)
{
	const char *nl;
	size_t k;

	if (rw->held_cr) {
		rw->held_cr = false;
		if (p[0] == '\n') {
			memcpy(rw->eol, "\r\n", 2);
			rw->eol_len = 2;
			rw->mode = RW_START;
			return 1;
		}
		rw_content(rw, "\r", 1);
	}
	nl = memchr(p, '\n', n);
	if (nl == NULL) {
		k = n;
		if (p[n - 1] == '\r') {
			k--;
			rw->held_cr = true;	/* maybe the first half of a line break */
		}
		rw_content(rw, p, k);
		return n;
	}
	rw_note_eol(rw, nl, p);
	/* lines that cannot be boundaries go through in one run; only the last break is held */
	while (nl + 1 < p + n && (rw->nlevels == 0 || nl[1] != '-')) {
		const char *next = memchr(nl + 1, '\n', (size_t)(p + n - nl - 1));

		if (next == NULL)
			break;
		nl = next;
	}
	k = (size_t)(nl - p);
	if (k && p[k - 1] == '\r') {
		rw_content(rw, p, k - 1);
		memcpy(rw->eol, "\r\n", 2);
		rw->eol_len = 2;
	} else {
		rw_content(rw, p, k);
		rw->eol[0] = '\n';
		rw->eol_len = 1;
	}
	rw->mode = RW_START;
	return k + 1;
}

/* rewrite_body - the next chunk of the body; false once the pass has stopped */
bool rewrite_body(struct rewrite *rw, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0 && rw->state != RW_STOPPED) {
		size_t used;

		switch (rw->mode) {
		case RW_START:
			if (rw->state == RW_HEADERS) {
				rw->mode = RW_LINE;
			} else if (rw->nlevels && p[0] == '-') {
				rw->mode = RW_LINE;
			} else {
				rw_release_eol(rw);
				rw->mode = RW_CONTENT;
			}
			continue;
		case RW_LINE:
			used = rw->state == RW_HEADERS ? rw_feed_head(rw, p, len)
						       : rw_feed_line(rw, p, len);
			break;
		default:
			used = rw_feed_content(rw, p, len);
			break;
		}
		p += used;
		len -= used;
	}
	return rw->state != RW_STOPPED;
}

/* rw_begin - a pass starts: the message itself is entity 0 */
static void rw_begin(struct rewrite *rw, const struct rewrite_banner *b,
		     const struct rewrite_top *top)
{
	rw_part_free(&rw->part);
	rewrite_plan_free(&rw->plan);
	memset(&rw->plan, 0, sizeof(rw->plan));
	rw->banner = *b;
	rw->top = *top;
	rw->status = REWRITE_CHANGE;
	charset_reset(&rw->cs);
	rw->nlevels = 0;
	rw->mode = RW_START;
	rw->entities = 1;
	rw->followed = 0;
	/* the emit pass writes its lines with the body's breaks, known from the plan pass */
	rw->crlf = rw->emit ? rw->follow->crlf : true;
	rw->crlf_known = rw->emit;
	vbuf_reset(&rw->head);
	vbuf_reset(&rw->line);
	rw->eol_len = 0;
	rw->held_cr = false;
	rw->olen = 0;
	rw->head_cut = false;
	content_init(&rw->content, false);
	if (top->ctype)
		content_type(&rw->content, top->ctype, strlen(top->ctype));
	if (top->cte)
		content_encoding(&rw->content, top->cte, strlen(top->cte));
	rw->candidate = rw_readable(&rw->content);
	rw->state = RW_BODY;
	if (top->nctype > 1 || top->ncte > 1) {
		rw_fail(rw, REWRITE_SKIP_MALFORMED, "the message has %u Content-Type and %u"
			" Content-Transfer-Encoding fields", top->nctype, top->ncte);
		return;
	}
	rw_entity(rw, top->cte, top->cte ? strlen(top->cte) : 0);
}

/* rewrite_plan_begin - the plan pass over a body, for this banner and these fields */
void rewrite_plan_begin(struct rewrite *rw, const struct rewrite_banner *b,
			const struct rewrite_top *top)
{
	rw->emit = false;
	rw->follow = NULL;
	rw->out = NULL;
	rw->arg = NULL;
	rw_begin(rw, b, top);
}

/* rewrite_emit_begin - the emit pass over the same body, following plan, writing to out */
void rewrite_emit_begin(struct rewrite *rw, const struct rewrite_banner *b,
			const struct rewrite_top *top, const struct rewrite_plan *plan,
			rewrite_out_fn out, void *arg)
{
	rw->emit = true;
	rw->follow = plan;
	rw->out = out;
	rw->arg = arg;
	/* the emit pass's buffers, made once per rewriter */
	if (rw->obuf == NULL) {
		rw->obuf = xmalloc(REWRITE_OUT_CHUNK);
		rw->enc = xmalloc(QPENC_OUT_MAX(RW_CONV_MAX));
	}
	rw_begin(rw, b, top);
}

/* rw_finish - the body is complete: close what is open */
static void rw_finish(struct rewrite *rw)
{
	if (rw->state == RW_STOPPED)
		return;
	if (rw->state == RW_HEADERS) {
		/* the body ends inside a header block: it never got its empty line */
		rw->head_cut = true;
		rw_head_done(rw, rw->head.len);
	} else if (rw->mode == RW_LINE && rw->line.len) {
		rw_line_done(rw);	/* a last line without its line break */
	}
	if (rw->state == RW_STOPPED)
		return;
	if (rw->held_cr) {
		rw->held_cr = false;
		rw_content(rw, "\r", 1);
	}
	rw_release_eol(rw);
	rw_target_end(rw);
}

/* rw_plan_done - the plan pass is over: counts, and the message's own fields */
static void rw_plan_done(struct rewrite *rw)
{
	struct rewrite_plan *p = &rw->plan;

	if (rw->status == REWRITE_CHANGE && p->ntargets == 0)
		rw_fail(rw, REWRITE_SKIP_NO_TEXT, "no text part a reader sees");
	p->status = rw->status;
	p->crlf = rw->crlf;
	if (p->status != REWRITE_CHANGE)
		return;
	for (size_t i = 0; i < p->ntargets; i++) {
		const struct rewrite_target *t = &p->target[i];

		if (t->html)
			p->nhtml++;
		else
			p->nplain++;
		if (t->drop)
			p->replaced++;
		if (t->entity != 0)
			continue;
		if (t->to_utf8) {
			struct vbuf v = VBUF_INIT(REWRITE_HEADER_MAX);

			if (rw->top.ctype == NULL)
				vbuf_adds(&v, "text/plain; charset=utf-8");
			else
				rw_set_charset(rw->top.ctype, strlen(rw->top.ctype), &v);
			p->top_ctype = v.data;
		}
		if (t->cte_out != t->cte_in)
			p->top_cte = xstrdup(t->cte_out == CONTENT_CTE_BASE64 ? "base64" :
					     "quoted-printable");
	}
}

/* rewrite_end - the body is complete; the plan pass fills plan; returns the outcome */
enum rewrite_status rewrite_end(struct rewrite *rw, struct rewrite_plan *plan)
{
	rw_finish(rw);
	if (rw->emit) {
		rw_flush(rw);
		if (rw->status == REWRITE_CHANGE && rw->followed != rw->follow->ntargets)
			rw_fail(rw, REWRITE_SKIP_OUTPUT, "the body changed between the passes");
		rw_part_free(&rw->part);
		return rw->status;
	}
	rw_plan_done(rw);
	rw_part_free(&rw->part);
	if (plan != NULL) {
		*plan = rw->plan;
		memset(&rw->plan, 0, sizeof(rw->plan));
		return plan->status;
	}
	return rw->plan.status;
}
