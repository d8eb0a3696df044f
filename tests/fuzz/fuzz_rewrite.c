/*
 * fuzz_rewrite - the MIME rewriter over any body: the first byte chooses
 * the chunk size and the banner, the next two lines are the message's own
 * Content-Type and Content-Transfer-Encoding ("-" for none), the rest is
 * the body. Promises checked: the plan pass ends; a plan that changes the
 * body is followed by an emit pass that ends without error, whatever the
 * chunks, giving the same bytes each time; a second pass over that output
 * (with the new MIME fields) finds a banner in every target, replaces each,
 * and gives the same bytes again (never two banners).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "invariant.h"
#include "rewrite.h"
#include "vbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fz_text[] = REWRITE_TEXT_BEGIN "\nATTENTION : viam\xc3\xa9" "dis.fr imite"
	" viamedis.fr \xc2\xab\xc2\xa0\xd1\x96\xc2\xa0\xc2\xbb\n" REWRITE_TEXT_END "\n\n";
static const char fz_ascii[] = REWRITE_TEXT_BEGIN "\nWARNING\n" REWRITE_TEXT_END "\n\n";
static const char fz_html[] = "\n" REWRITE_HTML_BEGIN "\n<div role=\"alert\">ATTENTION &#233;"
	"</div>\n" REWRITE_HTML_END "\n";

/* fz_out - emit output into a vbuf */
static bool fz_out(void *arg, const char *p, size_t n)
{
	invariant(vbuf_add(arg, p, n));
	return true;
}

/* fz_feed - a body in chunks of chunk bytes */
static void fz_feed(struct rewrite *rw, const char *p, size_t n, size_t chunk)
{
	for (size_t i = 0; i < n; i += chunk)
		rewrite_body(rw, p + i, n - i < chunk ? n - i : chunk);
}

/* fz_emit - the emit pass of plan over body */
static void fz_emit(struct rewrite *rw, const struct rewrite_banner *b,
		    const struct rewrite_top *top, const struct rewrite_plan *plan,
		    const char *body, size_t n, size_t chunk, struct vbuf *out)
{
	vbuf_reset(out);
	rewrite_emit_begin(rw, b, top, plan, fz_out, out);
	fz_feed(rw, body, n, chunk);
	invariant(rewrite_end(rw, NULL) == REWRITE_CHANGE);
}

/* fz_field - a header line, "-" meaning none */
static char *fz_field(const char *s, size_t n)
{
	return n == 1 && s[0] == '-' ? NULL : strndup(s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 3, 64, 4096 };
	static struct rewrite *rw;
	const char *s = (const char *)data + 1, *nl1, *nl2, *body;
	struct rewrite_banner b = { (data[0] & 4) ? fz_ascii : fz_text,
				    (data[0] & 4) ? sizeof(fz_ascii) - 1 : sizeof(fz_text) - 1,
				    fz_html, sizeof(fz_html) - 1 };
	struct rewrite_plan plan, again;
	struct rewrite_top top = { 0 }, top2;
	struct vbuf out = VBUF_INIT((size_t)64 << 20), out2 = VBUF_INIT((size_t)64 << 20);
	size_t n, chunk;

	if (size < 3)
		return 0;
	if (rw == NULL)
		rw = rewrite_new();
	size--;
	if ((nl1 = memchr(s, '\n', size)) == NULL ||
	    (nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - s))) == NULL)
		return 0;
	top.ctype = fz_field(s, (size_t)(nl1 - s));
	top.cte = fz_field(nl1 + 1, (size_t)(nl2 - nl1 - 1));
	top.nctype = top.ctype != NULL;
	top.ncte = top.cte != NULL;
	body = nl2 + 1;
	n = size - (size_t)(body - s);
	chunk = chunks[data[0] & 3];
	rewrite_plan_begin(rw, &b, &top);
	fz_feed(rw, body, n, chunk);
	rewrite_end(rw, &plan);
	if (plan.status == REWRITE_CHANGE) {
		fz_emit(rw, &b, &top, &plan, body, n, chunk, &out);
		fz_emit(rw, &b, &top, &plan, body, n, chunks[(data[0] + 1) & 3], &out2);
		invariant(out.len == out2.len && memcmp(out.data, out2.data, out.len) == 0);
		/* a second pass over the new body, with its new fields, finds every banner */
		top2 = top;
		if (plan.top_ctype) {
			top2.ctype = plan.top_ctype;
			top2.nctype = 1;
		}
		if (plan.top_cte) {
			top2.cte = plan.top_cte;
			top2.ncte = 1;
		}
		rewrite_plan_begin(rw, &b, &top2);
		fz_feed(rw, out.data, out.len, 4096);
		rewrite_end(rw, &again);
		invariant(again.status == REWRITE_CHANGE);
		invariant(again.ntargets == plan.ntargets && again.replaced == again.ntargets);
		fz_emit(rw, &b, &top2, &again, out.data, out.len, 4096, &out2);
		invariant(out.len == out2.len && memcmp(out.data, out2.data, out.len) == 0);
		rewrite_plan_free(&again);
	}
	rewrite_plan_free(&plan);
	vbuf_free(&out);
	vbuf_free(&out2);
	free((char *)top.ctype);
	free((char *)top.cte);
	return 0;
}
