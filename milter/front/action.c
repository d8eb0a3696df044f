/*
 * action - one decision for a finished message, shared by the daemon and
 * vigie-check --explain, so that what the report says is what the milter
 * does.
 *
 * Touches: the heap only. The order is the milter's: a rejected message gets
 * no edit; a message whose forged fields could not all be tracked is
 * deferred; otherwise the forged fields go (each name from its last index
 * down, see edit.c), Authentication-Results goes on top, X-Vigie-Verdict and
 * X-Vigie-Reasons are appended, and a flagged message's Subject is tagged;
 * the policy's Banner says whether its text gets the warning (warning.h),
 * which the front end then writes into the body (banner.h).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "brands.h"
#include "message.h"
#include "reply.h"
#include "rewrite.h"
#include "verdict.h"
#include "warning.h"
#include "xalloc.h"

/* action_kind_name - tag, quarantine, reject or tempfail */
const char *action_kind_name(enum action_kind kind)
{
	switch (kind) {
	case ACTION_TAG: return "tag";
	case ACTION_QUARANTINE: return "quarantine";
	case ACTION_REJECT: return "reject";
	case ACTION_TEMPFAIL: return "tempfail";
	}
	return "tag";
}

/* action_configured - the policy's action for a verdict */
static enum conf_action action_configured(const struct conf_policy *p, enum verdict_kind kind)
{
	switch (kind) {
	case VERDICT_SUSPECT:
		return p->suspect_action;
	case VERDICT_IMPERSONATION:
		return p->impersonation_action;
	default:
		return CONF_ACTION_TAG;
	}
}

/* action_note_delete - edit_strip's callback: record one deletion */
static bool action_note_delete(void *ctx, const char *name, unsigned index)
{
	struct action *a = ctx;

	/* grow by doubling: a->ndel is a power of two (or 0) when full; edit.h caps the count */
	if ((a->ndel & (a->ndel - 1)) == 0)
		a->del = xreallocarray(a->del, a->ndel ? a->ndel * 2 : 1, sizeof(*a->del));
	a->del[a->ndel].name = xstrdup(name);
	a->del[a->ndel].index = index;
	a->ndel++;
	return true;
}

/* action_add - one more field to add, with an empty value */
static struct action_field *action_add(struct action *a, const char *name, bool top)
{
	struct action_field *f = &a->field[a->nfields++];

	f->name = name;
	f->top = top;
	vbuf_init(&f->value, ACTION_VALUE_MAX);
	return f;
}

/* action_banner - whether the text gets the warning under policy p, and its words */
static void action_banner(struct action *a, const struct conf *c, const struct conf_policy *p,
			  const struct message *m)
{
	const struct verdict *v = message_verdict(m);
	struct warning_facts *f;

	vbuf_init(&a->banner_text, REWRITE_BANNER_MAX + 1);
	vbuf_init(&a->banner_html, REWRITE_BANNER_MAX + 1);
	if (v->kind == VERDICT_CLEAN)
		return;
	if (p->banner == CONF_BANNER_NONE) {
		a->banner_skip = "Banner none";
		return;
	}
	if (v->kind == VERDICT_SUSPECT && p->banner != CONF_BANNER_SUSPECT) {
		a->banner_skip = "a suspect message (Banner impersonation)";
		return;
	}
	a->banner_due = true;
	f = xmalloc(sizeof(*f));
	warning_facts(f, c->banner_language, m);
	a->banner = warning_render(conf_template(c), f, &a->banner_text, &a->banner_html);
	if (!a->banner)
		a->banner_skip = "the warning would be over its size cap";
	free(f);
}

/*
 * action_decide - what to do with message m (after message_eom) under
 * configuration c and policy p (c's own, or its recipients'), given the
 * fields edit e tracked; leadspc: the MTA keeps header values byte-exact
 * and adds no space after the colon
 */
void action_decide(struct action *a, const struct conf *c, const struct conf_policy *p,
		   const struct edit *e, const struct message *m, bool leadspc)
{
	const struct verdict *v = message_verdict(m);
	const char *brand = v->brand ? brand_ascii_name(v->brand) : NULL;
	struct action_field *verdict, *reasons;
	struct vbuf ar = VBUF_INIT(ACTION_VALUE_MAX);
	bool failed;

	memset(a, 0, sizeof(*a));
	vbuf_init(&a->subject_value, EDIT_SUBJECT_MAX + 256);
	vbuf_init(&a->quarantine, 256);
	a->configured = action_configured(p, v->kind);
	a->kind = a->configured == CONF_ACTION_REJECT ? ACTION_REJECT :
		  a->configured == CONF_ACTION_QUARANTINE ? ACTION_QUARANTINE : ACTION_TAG;
	if (a->kind == ACTION_REJECT) {
		reply_text(c->reject_reply, brand, &a->reply);
		return;
	}
	if (e->overflow) {
		/* a forged verdict might survive: better late than spoofed */
		a->kind = ACTION_TEMPFAIL;
		return;
	}
	edit_strip(e, action_note_delete, a, &failed);
	/* RFC 8601 wants it on top, where SpamAssassin's AuthRes plugin looks */
	if (message_authres(m, &ar) && ar.len > 0)
		vbuf_adds(&action_add(a, "Authentication-Results", true)->value, vbuf_str(&ar));
	vbuf_free(&ar);
	verdict = action_add(a, "X-Vigie-Verdict", false);
	reasons = action_add(a, "X-Vigie-Reasons", false);
	verdict_headers(v, &verdict->value, &reasons->value);
	if (reasons->value.len == 0) {
		vbuf_free(&reasons->value);
		a->nfields--;
	}
	a->subject_tagging = p->subject_tag != NULL && v->kind != VERDICT_CLEAN;
	a->subject = EDIT_SUBJECT_KEEP;
	if (a->subject_tagging)
		a->subject = edit_subject(e, p->subject_tag, leadspc, &a->subject_value);
	if (a->kind == ACTION_QUARANTINE)
		vbuf_printf(&a->quarantine, "vigie: %s score=%d", verdict_kind_name(v->kind),
			    v->score);
	action_banner(a, c, p, m);
}

/* action_free - release what action_decide made; the struct may be reused */
void action_free(struct action *a)
{
	for (size_t i = 0; i < a->ndel; i++)
		free(a->del[i].name);
	free(a->del);
	for (size_t i = 0; i < a->nfields; i++)
		vbuf_free(&a->field[i].value);
	vbuf_free(&a->subject_value);
	vbuf_free(&a->quarantine);
	vbuf_free(&a->reply);
	vbuf_free(&a->banner_text);
	vbuf_free(&a->banner_html);
	memset(a, 0, sizeof(*a));
}
