/*
 * message_context - lookalikes judged in context. A weak lookalike (one
 * plain edit of a brand's name, the name with a person's name or another
 * word: lookalike.h) is what ordinary names make too (amelie.fr,
 * kinesitherapie-amiel.fr, kalixa.com): in a message it weighs only when
 * something else in the same message backs it, a claim to be the same brand
 * by another surface (display name, Subject, Sender, link text, a strong
 * lookalike, the claims message_judge.c gathers), or a request for bank
 * details or credentials; it is then reported with what backs it. Alone it
 * is listed at strength 0: shown to whoever reads the findings, no weight.
 * A lookalike only named in the text (a bare domain, an address: what a
 * colleague quotes in a warning) is held likewise, backed by claims only.
 * A link to the sender's own site (the From domain's registrable part) adds
 * nothing to the From domain's finding.
 *
 * Touches: the message's verdict findings, link reports and claims.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "brands.h"
#include "message_int.h"

#define CONTEXT_WHY_MAX 160

/*
 * message_backing - what in the message backs a weak lookalike of b, in
 * words; false when nothing does. A body that merely names a brand backs
 * nothing (patients' documents name the Assurance Maladie); requests do,
 * except for a name only mentioned: a warning quotes the request too.
 */
static bool message_backing(const struct message *m, const struct message_claim *c,
			    const struct brand *b, bool mention, char *out, size_t outlen)
{
	const struct message_claim_item *it = message_claim_find(c, b, 2);
	const char *action = m->subject.action ? m->subject.action : m->body.action;

	if (it != NULL) {
		snprintf(out, outlen, "a claim to be %s (%s)", brand_name(b), it->by);
		return true;
	}
	if (action != NULL && !mention) {
		snprintf(out, outlen, "a request for bank details or credentials (\"%s\")", action);
		return true;
	}
	return false;
}

/* message_context_mark - the weak address domains of brand b are backed: they claim it now */
static void message_context_mark(struct message *m, const struct brand *b)
{
	struct message_dom *d[] = { &m->from, &m->sender, &m->envelope, &m->return_path };

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (d[i]->weak && d[i]->imitated == b)
			d[i]->corroborated = true;
	for (size_t i = 0; i < m->nreply_to; i++)
		if (m->reply_to[i].weak && m->reply_to[i].imitated == b)
			m->reply_to[i].corroborated = true;
}

/* message_context_addresses - the weak findings of the addresses, backed or listed alone */
static void message_context_addresses(struct message *m, const struct message_claim *c,
				      const struct brand *authentic)
{
	for (size_t i = 0; m->weak && i < m->weak->count; i++) {
		const struct reason *r = &m->weak->item[i];
		char why[CONTEXT_WHY_MAX];
		struct reason *x;

		if (r->brand && r->brand != authentic &&
		    message_backing(m, c, r->brand, false, why, sizeof(why))) {
			x = reason_add(&m->v.reasons, r->code, r->where, r->brand, r->strength,
				       r->subject, "%s; backed by %s", r->detail, why);
			message_context_mark(m, r->brand);
		} else {
			x = reason_add(&m->v.reasons, r->code, r->where, r->brand, 0, r->subject,
				       "%s; weak alone, nothing backs it", r->detail);
		}
		if (x)
			x->flags = r->flags;
	}
}

/* message_context_links - links to weak lookalikes, and to the sender's own site */
static void message_context_links(struct message *m, struct message_claim *c,
				  const struct brand *authentic)
{
	for (size_t i = 0; i < m->nlinks; i++) {
		struct message_linkrec *r = &m->link[i];
		const struct message_dom *d = &m->host[r->host].dom;
		char why[CONTEXT_WHY_MAX];
		struct reason *x;
		bool backed;

		if (d->imitated == NULL || d->strength <= 0)
			continue;
		if (message_own_site(m, d)) {
			message_detail(r->out.detail, "%s: %s; the From domain's own site, judged there",
				       reason_code_name(d->code), d->detail);
			continue;
		}
		if (!d->weak && !r->mention)
			continue;
		backed = d->imitated != authentic &&
			 message_backing(m, c, d->imitated, r->mention, why, sizeof(why));
		x = reason_add(&m->v.reasons, REASON_LINK_LOOKALIKE, WHERE_LINK, d->imitated,
			       backed ? d->strength : 0, d->ascii, "%s: %s; %s%s%s",
			       reason_code_name(d->code), d->detail, r->mention ? "named in the text, " : "",
			       backed ? "backed by " : "nothing backs it", backed ? why : "");
		if (x && d->weak)
			x->flags = REASON_F_WEAK;
		if (!backed)
			continue;
		r->out.finding = true;
		r->out.code = REASON_LINK_LOOKALIKE;
		message_detail(r->out.detail, "%s: %s; backed by %s", reason_code_name(d->code),
			       d->detail, why);
		message_claim_set(c, d->imitated, "links", 3, authentic);
	}
}

/* message_context - weak lookalikes weighed against the claims; backed ones claim their brand */
void message_context(struct message *m, struct message_claim *c, const struct brand *authentic)
{
	message_context_addresses(m, c, authentic);
	message_context_links(m, c, authentic);
	message_lookalike_claims(c, m, authentic, true);
}
