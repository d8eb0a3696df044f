/*
 * message_judge - the findings drawn at the end of a message from what was
 * gathered: the From count, DKIM and its alignment, the display name, the
 * addresses inside it, Reply-To, the links and the lure words; then the
 * verdict (verdict_compute_with).
 *
 * Touches: the message's verdict and reports only. The rules, their
 * strengths and why are in docs/vigie-scoring.7; in short:
 * - a brand's own domain in From is believed only when message_auth.c says
 *   so (DMARC pass, a pack signer, a trusted relay); then findings that
 *   merely restate that brand (its name in the display name, links whose
 *   text shows its domains) stay clean; brand-unauthenticated weighs what
 *   the brand's DMARC policy and the evidence say (message_auth_finding);
 * - a temperror or a verification turned off leaves authentication unknown:
 *   low strengths, never an impersonation on that alone;
 * - lure words weigh only next to a claim to be a brand, and how much
 *   depends on who makes the claim (display name, sender's domain, Subject,
 *   or a mere mention in the body).
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "brands.h"
#include "detector.h"
#include "message_int.h"
#include "utf8.h"

/* message_detail - a link's explanation, cut on a character boundary */
void message_detail(char *dst, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, REASON_DETAIL_MAX + 1, fmt, ap);
	va_end(ap);
	if (n > REASON_DETAIL_MAX)
		dst[REASON_DETAIL_MAX - utf8_partial_tail(dst, REASON_DETAIL_MAX)] = '\0';
}

/*
 * message_from_count - exactly one From field with exactly one address.
 * Two From fields are never a pass (clients show one, a signature covers
 * the other). A From that is missing or broken is always reported; it
 * weighs fully next to a claim to be a brand, lightly without one (mail
 * from robots and old software lacks a proper From too).
 */
static void message_from_count(struct message *m, const struct brand *claim)
{
	struct reason_list *rl = &m->v.reasons;
	size_t fields = m->hdr.seen[HEADER_FROM];
	int st = claim ? 100 : 40;

	if (fields == 0)
		reason_add(rl, REASON_BAD_FROM, WHERE_FROM, claim, st, "", "no From field");
	else if (fields > 1)
		return;		/* message_multiple_from */
	else if (m->from_addresses == 0)
		reason_add(rl, REASON_BAD_FROM, WHERE_FROM, claim, st, "", "no address in From");
	else if (m->from_addresses > 1)
		reason_add(rl, REASON_BAD_FROM, WHERE_FROM, claim, 100, "",
			   "%zu addresses in From: clients show one", m->from_addresses);
	else if (!m->from_usable || !m->from.parsed)
		reason_add(rl, REASON_BAD_FROM, WHERE_FROM, claim, st, m->from_address,
			   "the From address is not usable: %s",
			   !m->from.present ? "no domain" : !m->from.parsed ? "its domain is not a host name"
			   : "broken syntax");
}

/* message_multiple_from - two From fields or more: never a pass */
static void message_multiple_from(struct message *m)
{
	size_t fields = m->hdr.seen[HEADER_FROM];

	if (fields > 1)
		reason_add(&m->v.reasons, REASON_MULTIPLE_FROM, WHERE_FROM, m->from_any_owner, 100, "",
			   "%zu From fields: mail clients show one, a signature may cover another",
			   fields);
}

/* message_list_sender - a mailing list sends this on an author's behalf */
static bool message_list_sender(const struct message *m, const struct message_dkimsum *s)
{
	size_t il, rl;
	const char *r = m->from.registrable;
	bool via = false;

	if (!m->list_id[0] || !m->from.parsed || !r[0])
		return false;
	il = strlen(m->list_id);
	rl = strlen(r);
	if (!(il == rl && strcmp(m->list_id, r) == 0) &&
	    !(il > rl && m->list_id[il - rl - 1] == '.' && strcmp(m->list_id + il - rl, r) == 0))
		return false;
	for (const char *p = m->from_display; (p = strstr(p, "via")) != NULL; p += 3)
		if ((p == m->from_display || p[-1] == ' ') && (p[3] == ' ' || p[3] == '\0'))
			via = true;
	return via || m->arc || s->pass != NULL;
}

/* message_display_address - addresses written inside the display name */
static const struct brand *message_display_address(struct message *m, const struct brand *authentic)
{
	const char *t = m->from_display;
	size_t len = strlen(t), pos = 0, n = 0;
	struct address_span sp;
	const struct brand *claimed = NULL;

	while (n < MESSAGE_INNER_MAX && address_in_text(t, len, &pos, &sp)) {
		struct message_dom d = { 0 };
		char inner[2 * ADDRESS_PART_MAX + 2];
		const struct brand *b;

		n++;
		snprintf(inner, sizeof(inner), "%.*s@%.*s", (int)(sp.local_len < 300 ? sp.local_len : 300), t + sp.local,
			 (int)(sp.domain_len < 300 ? sp.domain_len : 300), t + sp.domain);
		message_dom_check(m, t + sp.domain, sp.domain_len, WHERE_FROM, &d, true);
		if (d.parsed && m->from.parsed && strcmp(d.registrable, m->from.registrable) == 0)
			continue;
		b = d.owner ? d.owner : d.imitated;
		if (b && b == authentic)
			continue;
		reason_add(&m->v.reasons, REASON_DISPLAY_ADDRESS, WHERE_FROM, b, b ? 100 : 30, inner,
			   "display name shows %s%s%s%s; the address is %s", inner,
			   b ? " (" : "", b ? brand_name(b) : "", b ? ")" : "",
			   m->from_address[0] ? m->from_address : "missing");
		if (claimed == NULL)
			claimed = b;
	}
	return claimed;
}

/* message_reply_to_rule - replies of a brand-claiming message go outside the brand */
static void message_reply_to_rule(struct message *m, const struct message_claim *c,
				  enum message_auth auth)
{
	const struct brand *b = c->brand;

	if (b == NULL || c->level < 2)
		return;
	for (size_t i = 0; i < m->nreply_to; i++) {
		const struct message_dom *r = &m->reply_to[i];

		if (!r->parsed || r == c->src || brand_authorised_signer(b, r->ascii))
			continue;	/* the brand's, or the look-alike that makes the claim */
		if (m->from.parsed && strcmp(r->registrable, m->from.registrable) == 0 &&
		    m->from.owner != b)
			continue;	/* replies go where the mail comes from: nothing new */
		reason_add(&m->v.reasons, REASON_REPLY_TO, WHERE_REPLY_TO, b,
			   auth == AUTH_PASS && m->from.owner == b ? 30 : c->level == 2 ? 60 : 100,
			   r->ascii, "replies go to %s, outside %s, which the message claims to be (%s)",
			   r->ascii, brand_name(b), c->by);
	}
}

/* message_own_site - a link to the From domain: its finding is From's, not counted twice */
bool message_own_site(const struct message *m, const struct message_dom *d)
{
	return m->from.parsed && d->parsed && m->from.imitated &&
	       strcmp(d->registrable, m->from.registrable) == 0;
}

/* message_links_rule - link-lookalike and link-mismatch */
static bool message_links_rule(struct message *m, const struct brand *authentic,
			       enum message_auth auth)
{
	bool any = false;

	for (size_t i = 0; i < m->nlinks; i++) {
		struct message_linkrec *r = &m->link[i];
		const struct message_host *h = &m->host[r->host];
		const struct message_dom *d = &h->dom;
		const struct brand *s = r->shows_brand;
		bool unsigned_part = m->unsigned_body && r->unsigned_part;	/* past l= */

		/* weak, only named, or the sender's own site: message_context.c */
		bool held = d->weak || r->mention || message_own_site(m, d);

		if (d->imitated && d->strength > 0 && !held) {
			int st = d->imitated == authentic && !unsigned_part ? d->strength * 3 / 10 :
				 d->strength;
			struct reason *x;

			r->out.finding = true;
			r->out.code = REASON_LINK_LOOKALIKE;
			message_detail(r->out.detail, "%s%s%s%s: %s", r->out.via[0] ? "behind " : "",
				       r->out.via, r->out.via[0] ? ", " : "", reason_code_name(d->code),
				       d->detail);
			x = reason_add(&m->v.reasons, REASON_LINK_LOOKALIKE, WHERE_LINK, d->imitated, st,
				       d->ascii, "%s", r->out.detail);
			any = any || (x && st >= 50);
			continue;
		}
		if (s == NULL || r->has_targets ||
		    (d->parsed && brand_authorised_signer(s, d->ascii)))
			continue;	/* a redirector: its targets are judged instead */
		if (s == authentic && !r->in_userinfo && !unsigned_part)
			continue;	/* the brand's own mail: an ESP's tracking redirector */
		int st = r->in_userinfo ? 100 :
			 ((auth == AUTH_UNKNOWN || auth == AUTH_WEAK) && s == m->from.owner) ? 40 : 100;

		r->out.finding = true;
		r->out.code = REASON_LINK_MISMATCH;
		if (r->in_userinfo)
			message_detail(r->out.detail, "the URL shows %s (%s) before '@' but leads to %s", r->shows_domain,
				 brand_name(s), d->ascii);
		else
			message_detail(r->out.detail, "link text shows %s (%s) but the link leads to %s", r->shows_domain,
				 brand_name(s), d->ascii);
		reason_add(&m->v.reasons, REASON_LINK_MISMATCH, WHERE_LINK, s, st, d->ascii, "%s",
			   r->out.detail);
		any = any || st >= 50;
	}
	return any;
}

/*
 * message_lure - bank-details or credential words next to a claim to be a
 * brand. Phishing piles up pressure (requests, deadlines, threats); a
 * colleague names the data or warns about it: actions in the Subject count
 * double, and a weak claim needs more of them.
 */
static void message_lure(struct message *m, const struct message_claim *c, enum message_auth auth)
{
	unsigned terms = m->subject.terms + m->body.terms;
	unsigned actions = m->subject.actions + m->body.actions;
	unsigned pressure = 2 * m->subject.actions + m->body.actions;
	bool in_subject = m->subject.terms + m->subject.actions > 0;
	const char *word;
	int st = 0;

	if (terms + actions == 0 || c->brand == NULL)
		return;
	if (c->level >= 3)
		st = 100;
	else if (c->level == 2 && auth == AUTH_UNKNOWN)
		st = 40;
	else if (c->level == 2)
		st = pressure >= 2 ? 95 : pressure == 1 ? 45 : m->subject.terms ? 35 : 0;
	else if (pressure >= 3)
		st = 60;
	if (st == 0)
		return;
	word = m->subject.action ? m->subject.action : m->subject.term ? m->subject.term :
	       m->body.action ? m->body.action : m->body.term;
	reason_add(&m->v.reasons, REASON_LURE, in_subject ? WHERE_SUBJECT : WHERE_BODY, c->brand, st,
		   "", "%s (\"%s\"%s) in a message that claims to be %s (%s)",
		   actions ? "a request for bank details or credentials" :
		   "bank-details or credential words", word,
		   terms + actions > 1 ? ", and more" : "", brand_name(c->brand), c->by);
}

/* message_from_report - the From address for the readers */
static void message_from_report(struct message *m)
{
	m->from_out.display = m->from_display;
	m->from_out.address = m->from_address;
	m->from_out.domain = m->from.parsed ? m->from.ascii : "";
	m->from_out.fields = m->hdr.seen[HEADER_FROM];
	m->from_out.addresses = m->from_addresses;
}

/* message_unauth_strength - the strength of From's brand-unauthenticated finding */
static int message_unauth_strength(const struct message *m)
{
	for (size_t i = 0; i < m->v.reasons.count; i++)
		if (m->v.reasons.item[i].code == REASON_BRAND_UNAUTHENTICATED &&
		    m->v.reasons.item[i].where == WHERE_FROM)
			return m->v.reasons.item[i].strength;
	return 100;
}

/*
 * message_claims_gather - the claims the findings drawn so far make, and
 * the Subject's and the body's; the header names' are message_claims.c's,
 * the address lookalikes' message_lookalike_claims' (once corroborated).
 */
static void message_claims_gather(struct message *m, struct message_claim *c,
				  enum message_auth auth, const struct brand *authentic,
				  const struct brand *inner, bool bad_links)
{
	message_claim_add(c, inner, SURFACE_ADDRESS, WHERE_FROM, 3, 100,
			  "address in the display name", authentic);
	if (auth == AUTH_FAIL || auth == AUTH_WEAK)
		message_claim_add(c, m->from_any_owner, SURFACE_BRAND_DOMAIN, WHERE_FROM, 3,
				  message_unauth_strength(m), "From domain, unauthenticated", NULL);
	if (m->body.brand_disguised)
		message_claim_add(c, m->body.brand, SURFACE_BODY, WHERE_BODY, 3, 100,
				  "body, in disguised letters", authentic);
	if (m->subject.brand_disguised)
		message_claim_add(c, m->subject.brand, SURFACE_SUBJECT, WHERE_SUBJECT, 3, 100,
				  "Subject, in disguised letters", authentic);
	message_claim_add(c, m->subject_claim, SURFACE_SUBJECT, WHERE_SUBJECT, 2, 100, "Subject",
			  authentic);
	if (auth == AUTH_UNKNOWN)
		message_claim_add(c, m->from.owner, SURFACE_BRAND_DOMAIN, WHERE_FROM, 2, 30,
				  "From domain, authentication unknown", NULL);
	message_claim_add(c, m->body.brand, SURFACE_BODY, WHERE_BODY, 1, 100, "body", authentic);
	for (size_t i = 0; bad_links && i < m->v.reasons.count; i++) {
		const struct reason *r = &m->v.reasons.item[i];

		if ((r->code == REASON_LINK_LOOKALIKE || r->code == REASON_LINK_MISMATCH) &&
		    r->brand && r->strength >= 50) {
			message_claim_add(c, r->brand, SURFACE_LINKS, WHERE_LINK, 3, r->strength, "links",
					  authentic);
			break;
		}
	}
}

/*
 * message_lookalike_claims - the address domains that imitate a brand claim
 * it; a weak lookalike only once corroborated (message_context.c), when
 * called again with corroborated set: the others are listed already
 */
void message_lookalike_claims(struct message_claim *c, const struct message *m,
			      const struct brand *authentic, bool corroborated)
{
	const struct message_dom *d[] = { &m->from, &m->sender, &m->envelope, &m->return_path };
	static const enum reason_where where[] = { WHERE_FROM, WHERE_SENDER, WHERE_ENVELOPE,
						   WHERE_ENVELOPE };
	static const char *const by[] = { "From domain look-alike", "Sender domain look-alike",
					  "envelope domain look-alike", "Return-Path look-alike" };

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (corroborated ? d[i]->weak && d[i]->corroborated : !d[i]->weak)
			message_claim_add(c, d[i]->imitated, SURFACE_LOOKALIKE, where[i], 3,
					  d[i]->strength, by[i], authentic);
	for (size_t i = 0; i < m->nreply_to; i++) {
		int before = c->level;
		struct message_claim_item *it;

		if (corroborated ? !(m->reply_to[i].weak && m->reply_to[i].corroborated) :
				   m->reply_to[i].weak)
			continue;
		it = message_claim_add(c, m->reply_to[i].imitated, SURFACE_LOOKALIKE, WHERE_REPLY_TO,
				       3, m->reply_to[i].strength, "Reply-To look-alike", authentic);
		if (it)
			it->src = &m->reply_to[i];
		if (c->level != before)
			c->src = &m->reply_to[i];
	}
}

/* message_judge - every finding, then the verdict */
void message_judge(struct message *m)
{
	const struct message_dkimsum *s = &m->auth.dkim;
	struct message_claim c;
	const struct brand *authentic, *inner;
	enum message_auth auth;
	bool list, bad_links;

	memset(&c, 0, sizeof(c));
	message_from_report(m);
	message_multiple_from(m);
	auth = m->auth.state;
	authentic = auth == AUTH_PASS ? m->from.owner : NULL;
	message_auth_finding(m);
	list = message_list_sender(m, s);
	message_claims_headers(m, &c, authentic, list);
	message_claims_body(m, &c, authentic);
	inner = message_display_address(m, authentic);
	message_unsigned_body(m, authentic);
	bad_links = message_links_rule(m, authentic, auth);
	message_claims_gather(m, &c, auth, authentic, inner, bad_links);
	/* strong address lookalikes claim now; weak ones once the context backs them */
	message_lookalike_claims(&c, m, authentic, false);
	message_context(m, &c, authentic);
	message_from_count(m, c.brand);
	message_reply_to_rule(m, &c, auth);
	message_lure(m, &c, auth);
	message_unsigned(m, authentic);
	verdict_compute(&m->v);
	if (m->v.kind == VERDICT_CLEAN)
		m->v.brand = NULL;	/* findings too weak to say a brand is imitated */
}
