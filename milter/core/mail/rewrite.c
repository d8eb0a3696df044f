/*
 * rewrite - the MIME walk of the rewriter (see rewrite.h): lines,
 * boundaries, part headers, which entities are targets; every byte that is
 * not a target's text goes to the output as it came.
 *
 * Touches: its own buffers, ICU converters (rewrite_part.c) and the output
 * callback. Never fails on bad input: the plan says why the body stays.
 *
 * Lines, boundaries and header lines are mimescan's, as for mime.c: the
 * line break before a boundary belongs to the boundary and is never a
 * target's text.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rewrite_int.h"
#include "xalloc.h"

_Static_assert(REWRITE_DEPTH_MAX == MIMESCAN_LEVELS_MAX, "one nesting cap");

static void rw_scan_content(void *arg, const char *p, size_t n);
static void rw_scan_line(void *arg, const struct mimescan_line *l);

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
	struct mimescan_sink scan = { rw_scan_content, rw_scan_line, rw };

	charset_init(&rw->cs, 64);
	vbuf_init(&rw->head, REWRITE_HEADER_MAX);
	mimescan_init(&rw->scan, REWRITE_HEADER_MAX, &scan);
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
	mimescan_free(&rw->scan);
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
	mimescan_stop(&rw->scan);
}

/* rw_stopped - whether the pass has stopped: rw_fail gave the first reason */
static bool rw_stopped(const struct rewrite *rw)
{
	return rw->status != REWRITE_CHANGE;
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

/* rw_crlf - whether the body's line breaks are CRLF (the emit pass has it from the plan) */
bool rw_crlf(const struct rewrite *rw)
{
	bool crlf;

	if (rw->emit)
		return rw->follow->crlf;
	return mimescan_crlf(&rw->scan, &crlf) ? crlf : true;
}

/* rw_out_eol - a line break of the body's kind (emit pass only) */
void rw_out_eol(struct rewrite *rw)
{
	bool crlf = rw_crlf(rw);

	rw_out(rw, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
}

/* rw_sealed - the name of a signed or encrypted type, or NULL */
static const char *rw_sealed(const struct content *c)
{
	if (content_is(c, "multipart", "signed"))
		return "multipart/signed";
	if (content_is(c, "multipart", "encrypted"))
		return "multipart/encrypted";
	if (content_is(c, "application", "pkcs7-mime") ||
	    content_is(c, "application", "x-pkcs7-mime"))
		return "application/pkcs7-mime";
	return NULL;
}

/* rw_readable - whether an entity is text a reader sees, or may hold it */
static bool rw_readable(const struct content *c)
{
	if (c->attachment)
		return false;
	return content_is(c, "text", "plain") || content_is(c, "text", "html") ||
	       content_is(c, "multipart", NULL) || rw_sealed(c) != NULL;
}

/* rw_child_candidate - whether the entity begun in the innermost multipart may hold a target */
static bool rw_child_candidate(struct rewrite *rw, const struct content *c)
{
	struct rw_level *lv = &rw->level[rw->scan.nlevels - 1];

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

/* rw_push - a multipart entity opens a level; false when too deep */
static bool rw_push(struct rewrite *rw, const struct content *c, bool candidate)
{
	int k = mimescan_push(&rw->scan, c->boundary, c->boundary_len);
	struct rw_level *lv;

	if (k < 0)
		return false;
	lv = &rw->level[k];
	memset(lv, 0, sizeof(*lv));
	lv->digest = strcmp(c->subtype, "digest") == 0;
	if (!candidate)
		lv->sel = RW_SEL_NONE;
	else if (strcmp(c->subtype, "alternative") == 0)
		lv->sel = RW_SEL_ALL;
	else if (strcmp(c->subtype, "related") == 0)
		lv->sel = RW_SEL_FIRST;
	else
		lv->sel = RW_SEL_FIRST_READABLE;
	return true;
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
	if (cand && sealed != NULL) {
		rw_fail(rw, REWRITE_SKIP_SIGNED, "%s", sealed);
		return;
	}
	if (content_is(c, "multipart", NULL)) {
		if (c->boundary_len == 0) {
			if (cand)
				rw_fail(rw, REWRITE_SKIP_MALFORMED, "multipart/%s without a usable boundary",
					c->subtype);
		} else if (!rw_push(rw, c, cand)) {
			if (cand)
				rw_fail(rw, REWRITE_SKIP_LIMIT, "multiparts nested deeper than %d",
					REWRITE_DEPTH_MAX);
		}
		if (cand && rw->head_cut)
			rw_fail(rw, REWRITE_SKIP_MALFORMED, "multipart/%s: header block without its empty line",
				c->subtype);
		return;
	}
	if (cand && (content_is(c, "text", "plain") || content_is(c, "text", "html")))
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

/* rw_scan_content - bytes of the current entity's body */
static void rw_scan_content(void *arg, const char *p, size_t n)
{
	struct rewrite *rw = arg;

	if (rw->target)
		rw_part_feed(rw, p, n);
	else
		rw_out(rw, p, n);
}

/* rw_field - one field of the header block (offset and length in head): the Content-* ones matter */
static void rw_field(struct rewrite *rw, size_t off, size_t len)
{
	switch (content_field(&rw->content, rw->head.data + off, len)) {
	case CONTENT_FIELD_TYPE:
		if (rw->ct_len == 0) {
			rw->ct_off = off;
			rw->ct_len = len;
		}
		break;
	case CONTENT_FIELD_CTE:
		if (rw->cte_len == 0) {
			rw->cte_off = off;
			rw->cte_len = len;
		}
		break;
	default:
		break;
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
 * rw_head_done - the header block in head is complete: the entity begins.
 * A target writes its block itself (rw_emit_head); any other entity's goes
 * out as it came.
 */
static void rw_head_done(struct rewrite *rw)
{
	const char *cte = NULL;
	size_t cte_len = 0;

	rw_head_fields(rw, rw->head.len);
	rw->candidate = rw_child_candidate(rw, &rw->content);
	if (rw->cte_len) {
		const char *f = rw->head.data + rw->cte_off, *colon = memchr(f, ':', rw->cte_len);

		cte = colon + 1;
		cte_len = rw->cte_len - (size_t)(colon + 1 - f);
	}
	rw_entity(rw, cte, cte_len);
	if (!rw->target)
		rw_out(rw, rw->head.data, rw->head.len);
}

/* rw_new_part - a boundary of level k opened a part: its header block comes */
static void rw_new_part(struct rewrite *rw, unsigned k)
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
	rw->head_cut = false;
	rw->ct_len = rw->cte_len = 0;
	mimescan_headers(&rw->scan, true);
}

/* rw_at_boundary - a boundary line: its line break and itself go out as they came */
static void rw_at_boundary(struct rewrite *rw, const struct mimescan_line *l)
{
	bool was_target;

	if (l->in_headers) {
		/* a header block cut short: the part has no body */
		rw->head_cut = true;
		rw_head_done(rw);
		if (rw_stopped(rw))
			return;
	}
	was_target = rw->target;
	rw_target_end(rw);
	if (rw_stopped(rw))
		return;
	/*
	 * The line break before the boundary is the boundary's. A target that
	 * had none (an empty body right after its header block) now has text:
	 * it gets one, or the banner's last line break would become the
	 * boundary's on the next reading.
	 */
	if (was_target && l->held_len == 0)
		rw_out_eol(rw);
	rw_out(rw, l->held, l->held_len);
	rw_out(rw, l->s, l->n);
	if (l->kind == MIMESCAN_BOUNDARY)
		rw_new_part(rw, l->level);
}

/* rw_scan_line - a line the scanner looked at whole: a boundary, or a line of a part's header block */
static void rw_scan_line(void *arg, const struct mimescan_line *l)
{
	struct rewrite *rw = arg;
	bool boundary = l->kind == MIMESCAN_BOUNDARY || l->kind == MIMESCAN_CLOSE;

	if ((!boundary || l->in_headers) && (l->cut || rw->head.len + l->n > REWRITE_HEADER_MAX)) {
		rw_fail(rw, REWRITE_SKIP_LIMIT, "a part's header block over %u bytes",
			REWRITE_HEADER_MAX);
		return;
	}
	switch (l->kind) {
	case MIMESCAN_BOUNDARY:
	case MIMESCAN_CLOSE:
		rw_at_boundary(rw, l);
		break;
	case MIMESCAN_BODY:
		/* the header block ended without its empty line: the line is body */
		rw->head_cut = true;
		rw_head_done(rw);
		break;
	case MIMESCAN_END:
		vbuf_add(&rw->head, l->s, l->n);
		rw_head_done(rw);
		break;
	default:
		vbuf_add(&rw->head, l->s, l->n);
		break;
	}
}

/* rewrite_body - the next chunk of the body; false once the pass has stopped */
bool rewrite_body(struct rewrite *rw, const void *data, size_t len)
{
	mimescan_feed(&rw->scan, data, len);
	return !rw_stopped(rw);
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
	mimescan_reset(&rw->scan);
	rw->entities = 1;
	rw->followed = 0;
	vbuf_reset(&rw->head);
	rw->olen = 0;
	rw->head_cut = false;
	content_init(&rw->content, false);
	if (top->ctype)
		content_type(&rw->content, top->ctype, strlen(top->ctype));
	if (top->cte)
		content_encoding(&rw->content, top->cte, strlen(top->cte));
	rw->candidate = rw_readable(&rw->content);
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
	unsigned entities = rw->entities;

	if (rw_stopped(rw))
		return;
	mimescan_end(&rw->scan);	/* the last line, a held CR */
	if (rw_stopped(rw))
		return;
	/* a part that the last line (a boundary without its line break) begins is not read */
	if (mimescan_in_headers(&rw->scan) && rw->entities == entities) {
		/* the body ends inside a header block: it never got its empty line */
		rw->head_cut = true;
		rw_head_done(rw);
		if (rw_stopped(rw))
			return;
	}
	mimescan_release(&rw->scan);
	rw_target_end(rw);
}

/* rw_plan_done - the plan pass is over: counts, and the message's own fields */
static void rw_plan_done(struct rewrite *rw)
{
	struct rewrite_plan *p = &rw->plan;

	if (rw->status == REWRITE_CHANGE && p->ntargets == 0)
		rw_fail(rw, REWRITE_SKIP_NO_TEXT, "no text part a reader sees");
	p->status = rw->status;
	p->crlf = rw_crlf(rw);
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
			p->top_cte = xstrdup(rw_cte_name(t->cte_out));
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
