/*
 * banner - what both front ends do around the rewriter (see banner.h).
 *
 * Touches: nothing but what it is given.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "action.h"
#include "banner.h"
#include "edit.h"

/* banner_of - the action's warning, as the rewriter takes it */
void banner_of(const struct action *a, struct rewrite_banner *b)
{
	b->text = vbuf_str(&a->banner_text);
	b->text_len = a->banner_text.len;
	b->html = vbuf_str(&a->banner_html);
	b->html_len = a->banner_html.len;
}

/* banner_top - the message's own MIME fields for the rewriter; false (and why) if too long to use */
bool banner_top(const struct edit *e, struct rewrite_top *top, const char **why)
{
	memset(top, 0, sizeof(*top));
	if (e->ctype.overflow || e->cte.overflow) {
		*why = "a Content-Type or Content-Transfer-Encoding field too long to rewrite";
		return false;
	}
	top->ctype = e->nctype ? vbuf_str(&e->ctype) : NULL;
	top->cte = e->ncte ? vbuf_str(&e->cte) : NULL;
	top->nctype = e->nctype;
	top->ncte = e->ncte;
	return true;
}

/* banner_trim - a value without the white space it starts with */
static const char *banner_trim(const char *v)
{
	return v + strspn(v, " \t\r\n");
}

/*
 * banner_fields - the header fields of the message itself that a plan
 * changes: Content-Type (charset), Content-Transfer-Encoding, and
 * MIME-Version when the message had none. Returns how many.
 */
size_t banner_fields(const struct rewrite_plan *p, const struct edit *e,
		     struct banner_field out[BANNER_FIELDS_MAX])
{
	size_t n = 0;

	if (p->status != REWRITE_CHANGE || (p->top_ctype == NULL && p->top_cte == NULL))
		return 0;
	if (p->top_ctype != NULL)
		out[n++] = (struct banner_field){ "Content-Type", banner_trim(p->top_ctype),
						  e->nctype > 0 };
	if (p->top_cte != NULL)
		out[n++] = (struct banner_field){ "Content-Transfer-Encoding", p->top_cte,
						  e->ncte > 0 };
	if (!e->mime_version)
		out[n++] = (struct banner_field){ "MIME-Version", "1.0", false };
	return n;
}

/* banner_describe - "warning added to 2 parts (text/plain, text/html)", or why the body stays */
void banner_describe(const struct rewrite_plan *p, struct vbuf *out)
{
	struct vbuf kinds = VBUF_INIT(REWRITE_TARGETS_MAX * 16);

	if (p->status != REWRITE_CHANGE) {
		vbuf_printf(out, "body unchanged: %s (%s)", rewrite_status_name(p->status), p->why);
		vbuf_free(&kinds);
		return;
	}
	for (size_t i = 0; i < p->ntargets; i++)
		vbuf_printf(&kinds, "%s%s", i ? ", " : "", p->target[i].html ? "text/html" : "text/plain");
	vbuf_printf(out, "warning added to %zu part%s (%s)", p->ntargets,
		    p->ntargets == 1 ? "" : "s", vbuf_str(&kinds));
	vbuf_free(&kinds);
	if (p->replaced)
		vbuf_printf(out, ", %u earlier banner%s replaced", p->replaced,
			    p->replaced == 1 ? "" : "s");
}

/*
 * banner_plan - the plan pass over a body held whole (vigie-check, tests),
 * after the checks the milter makes first (too_big: over BannerMaxSize).
 * False when no plan was made: plan->why then says why the body stays.
 */
bool banner_plan(const struct action *a, const struct edit *e, const char *body, size_t len,
		 bool too_big, struct rewrite_plan *plan)
{
	struct rewrite_banner b;
	struct rewrite_top top;
	struct rewrite *rw;
	const char *why = NULL;

	memset(plan, 0, sizeof(*plan));
	plan->status = REWRITE_SKIP_LIMIT;
	if (too_big) {
		snprintf(plan->why, sizeof(plan->why), "the body is over BannerMaxSize");
		return false;
	}
	if (!banner_top(e, &top, &why)) {
		plan->status = REWRITE_SKIP_MALFORMED;
		snprintf(plan->why, sizeof(plan->why), "%s", why);
		return false;
	}
	banner_of(a, &b);
	rw = rewrite_new();
	rewrite_plan_begin(rw, &b, &top);
	rewrite_body(rw, body, len);
	rewrite_end(rw, plan);
	rewrite_free(rw);
	return true;
}
