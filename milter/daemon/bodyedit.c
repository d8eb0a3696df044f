/*
 * bodyedit - the action's warning banner written into the message (see
 * bodyedit.h).
 *
 * Touches: the MTA's copy of the message through libmilter (body and MIME
 * fields, only once the plan says the body can be rewritten), the kept
 * body. Nothing is changed until the plan pass has read the whole body and
 * found it safe to rewrite; a body that cannot be rewritten is left as it
 * came, and why is said. Once the MTA has been handed part of a new body, a
 * failure can no longer leave the message whole: the result is
 * STATS_BANNER_OUTPUT and the caller defers the message (tempfail).
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "banner.h"
#include "bodyedit.h"
#include "rewrite.h"
#include "session.h"
#include "spool.h"
#include "xalloc.h"

/* bodyedit_feed - spool_read's reader: the kept body into the rewriter */
static bool bodyedit_feed(void *arg, const char *data, size_t len)
{
	rewrite_body(arg, data, len);
	return true;
}

/* bodyedit_out - the rewriter's output: the next piece of the new body for the MTA */
static bool bodyedit_out(void *arg, const char *data, size_t len)
{
	return smfi_replacebody(arg, (unsigned char *)data, (int)len) == MI_SUCCESS;
}

/* bodyedit_status - the counter of a rewriter's outcome */
static enum stats_banner bodyedit_status(enum rewrite_status st)
{
	/* stats.h lists the rewriter's outcomes in rewrite.h's order */
	return st < REWRITE_STATUS_COUNT ? (enum stats_banner)st : STATS_BANNER_OUTPUT;
}

/* bodyedit_kept - why the body could be kept whole: the store's state */
static enum stats_banner bodyedit_kept(const struct session *s, struct vbuf *why)
{
	if (s->spool == NULL) {
		vbuf_adds(why, "the body was not kept (Banner was none when the message began)");
		return STATS_BANNER_STORE;
	}
	switch (spool_state(s->spool)) {
	case SPOOL_TOO_BIG:
		vbuf_printf(why, "the body is over BannerMaxSize (%zu bytes kept)",
			    spool_size(s->spool));
		return STATS_BANNER_SIZE;
	case SPOOL_ERROR:
		vbuf_printf(why, "the body could not be kept in BannerSpool: %s",
			    strerror(spool_errno(s->spool)));
		return STATS_BANNER_STORE;
	default:
		return STATS_BANNER_ADDED;
	}
}

/* bodyedit_fields - the message's own MIME fields as the plan says; false if the MTA refused one */
static bool bodyedit_fields(SMFICTX *ctx, const struct session *s, const struct rewrite_plan *p)
{
	struct banner_field f[BANNER_FIELDS_MAX];
	size_t n = banner_fields(p, &s->edit, f);
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		/* with SMFIP_HDR_LEADSPC the MTA adds no space after the colon: we do */
		size_t len = strlen(f[i].value);
		char *v = xmalloc(len + 2), *value = s->leadspc ? v : v + 1;
		int rc;

		v[0] = ' ';
		memcpy(v + 1, f[i].value, len + 1);
		if (f[i].change)
			rc = smfi_chgheader(ctx, (char *)f[i].name, 1, value);
		else
			rc = smfi_addheader(ctx, (char *)f[i].name, value);
		ok &= rc == MI_SUCCESS;
		free(v);
	}
	return ok;
}

/*
 * bodyedit_apply - write the action's warning into the message: the plan
 * pass, then (if the body can take it) the MIME fields and the new body.
 * Returns what became of the banner, with why when it is not added.
 */
enum stats_banner bodyedit_apply(SMFICTX *ctx, struct session *s, const struct action *a,
				 struct vbuf *why)
{
	struct rewrite_banner b;
	struct rewrite_top top;
	struct rewrite_plan plan;
	struct rewrite *rw;
	enum stats_banner res;
	const char *bad = NULL;

	if (!a->banner) {
		vbuf_adds(why, a->banner_skip ? a->banner_skip : "no warning");
		return STATS_BANNER_TEMPLATE;
	}
	if (!(s->actions & SMFIF_CHGBODY)) {
		vbuf_adds(why, "the MTA does not let filters change the body");
		return STATS_BANNER_REFUSED;
	}
	if ((res = bodyedit_kept(s, why)) != STATS_BANNER_ADDED)
		return res;
	if (!banner_top(&s->edit, &top, &bad)) {
		vbuf_adds(why, bad);
		return STATS_BANNER_MALFORMED;
	}
	banner_of(a, &b);
	rw = rewrite_new();
	rewrite_plan_begin(rw, &b, &top);
	if (!spool_read(s->spool, bodyedit_feed, rw)) {
		rewrite_end(rw, &plan);
		rewrite_plan_free(&plan);
		rewrite_free(rw);
		vbuf_printf(why, "the kept body could not be read: %s", strerror(spool_errno(s->spool)));
		return STATS_BANNER_STORE;
	}
	rewrite_end(rw, &plan);
	res = bodyedit_status(plan.status);
	if (plan.status != REWRITE_CHANGE) {
		vbuf_adds(why, plan.why);
	} else if (!bodyedit_fields(ctx, s, &plan)) {
		vbuf_adds(why, "the MTA refused a Content-Type, Content-Transfer-Encoding or"
			  " MIME-Version change");
		res = STATS_BANNER_OUTPUT;
	} else {
		rewrite_emit_begin(rw, &b, &top, &plan, bodyedit_out, ctx);
		if (!spool_read(s->spool, bodyedit_feed, rw) || rewrite_end(rw, NULL) != REWRITE_CHANGE) {
			vbuf_adds(why, "the new body could not be handed to the MTA");
			res = STATS_BANNER_OUTPUT;
		} else {
			banner_describe(&plan, why);
		}
	}
	rewrite_plan_free(&plan);
	rewrite_free(rw);
	return res;
}
