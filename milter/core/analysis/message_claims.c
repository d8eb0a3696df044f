/*
 * message_claims - claims to be a brand, read wherever a reader sees them
 * in the header: From's display name, the name of a group in From, a
 * comment beside the name, Sender's display name, the local parts of From,
 * Sender and Reply-To ("viamedis.support@", "kalixia2024@"), an address a
 * quoted local part holds ("noreply@viamedis.fr"@evil.example), and a
 * brand's own domain in Sender, held to the rule From's is held to (a
 * signature of that domain, or of a signer of the brand, must pass). All
 * names are read by brands_claim_read: the same folding everywhere.
 *
 * Every claim goes into the message's list (message_claim_add), which the
 * rules that need a claim read: reply-to, lure, the corroboration of weak
 * lookalikes (message_claim_find).
 *
 * Touches: the message's verdict and claim list; copies of the names and
 * local parts, made as the fields come (bounded by the address caps).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "address.h"
#include "align.h"
#include "brands.h"
#include "detector.h"
#include "message_int.h"

/* message_claims_copy - a string into a fixed buffer, cut to fit */
static void message_claims_copy(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* message_claims_from - the first From field: its local part, group name and comment */
void message_claims_from(struct message *m, const struct address_list *l)
{
	message_claims_copy(m->from_group, sizeof(m->from_group), l->group);
	if (l->count == 0)
		return;
	message_claims_copy(m->from_local, sizeof(m->from_local), l->item[0].local);
	message_claims_copy(m->from_comment, sizeof(m->from_comment), l->item[0].comment);
}

/* message_claims_sender - the first Sender field: its display name and local part */
void message_claims_sender(struct message *m, const struct address_list *l)
{
	if (m->sender_seen || l->count == 0)
		return;
	m->sender_seen = true;
	message_claims_copy(m->sender_display, sizeof(m->sender_display), l->item[0].display);
	message_claims_copy(m->sender_local, sizeof(m->sender_local), l->item[0].local);
}

/* message_claims_reply_to - the local part of the i-th Reply-To address judged */
void message_claims_reply_to(struct message *m, size_t i, const struct address *a)
{
	if (i < MESSAGE_REPLY_TO_MAX)
		message_claims_copy(m->reply_to_local[i], sizeof(m->reply_to_local[i]), a->local);
}

/*
 * message_claim_add - a claim of brand b; none for the brand the message
 * authentically comes from. Past the list's cap, a claim replaces the
 * weakest one if it is stronger. The claim kept, or NULL.
 */
struct message_claim *message_claim_add(struct message *m, const struct brand *b,
				       enum message_surface s, enum reason_where where, int level,
				       int strength, const char *by, const struct brand *authentic)
{
	struct message_claim *c;

	if (b == NULL || b == authentic || level <= 0)
		return NULL;
	if (m->nclaims < MESSAGE_CLAIMS_MAX) {
		c = &m->claim[m->nclaims++];
	} else {
		c = &m->claim[0];
		for (size_t i = 1; i < m->nclaims; i++)
			if (m->claim[i].level < c->level)
				c = &m->claim[i];
		if (c->level >= level)
			return NULL;
	}
	c->brand = b;
	c->by = by;
	c->level = level;
	c->src = NULL;
	c->surface = s;
	c->where = where;
	c->strength = strength;
	return c;
}

/* message_claim_best - the strongest claim, the first of equals; NULL if none */
const struct message_claim *message_claim_best(const struct message *m)
{
	const struct message_claim *best = NULL;

	for (size_t i = 0; i < m->nclaims; i++)
		if (best == NULL || m->claim[i].level > best->level)
			best = &m->claim[i];
	return best;
}

/* message_claim_find - the strongest claim of brand b from one of the surfaces, or NULL */
const struct message_claim *message_claim_find(const struct message *m, const struct brand *b,
					       unsigned surfaces)
{
	const struct message_claim *best = NULL;

	for (size_t i = 0; i < m->nclaims; i++) {
		const struct message_claim *c = &m->claim[i];

		if (c->brand == b && (surfaces & SURFACE_BIT(c->surface)) &&
		    (best == NULL || c->level > best->level))
			best = c;
	}
	return best;
}

/* message_claims_glue - how a name was written, for the explanation */
static const char *message_claims_glue(const struct brands_claim *c)
{
	if (c->disguised)
		return ", written with hidden or look-alike characters";
	if (c->glue == BRANDS_GLUE_SPLIT)
		return ", glued to other letters or digits";
	if (c->glue == BRANDS_GLUE_WORD)
		return ", glued to other words";
	return "";
}

/* message_claims_own - whether the address's domain is the brand's or signs for it */
static bool message_claims_own(const struct brand *b, const struct message_dom *d)
{
	return d->parsed && (brand_owns(b, d->ascii) || brand_authorised_signer(b, d->ascii));
}

/* message_claims_display - From's display name (names a list relays weigh 35: the author's) */
static void message_claims_display(struct message *m, const struct brand *authentic, bool list)
{
	struct brands_claim c;
	size_t len = strlen(m->from_display);
	bool disguised;

	if (len == 0)
		return;
	message_words_scan(m, &m->display, m->from_display, len);
	if (!brands_claim_read(m->brands, m->from_display, len, true, &c))
		return;
	if (c.brand == m->from.owner && m->hdr.seen[HEADER_FROM] == 1)
		return;	/* its own domain: authenticated or brand-unauthenticated */
	if (list) {
		reason_add(&m->v.reasons, REASON_DISPLAY_NAME, WHERE_FROM, c.brand, 35, m->from_display,
			   "display name names %s; the mailing list %s sends it for its author",
			   brand_name(c.brand), m->list_id);
		message_claim_add(m, c.brand, SURFACE_LIST, WHERE_FROM, 1, 35,
				  "display name, through a list", authentic);
		return;
	}
	if (c.brand == authentic)
		return;
	disguised = c.disguised || (m->display.brand == c.brand && m->display.brand_disguised);
	if (strcmp(c.form, brand_name(c.brand)) == 0)
		c.form = NULL;
	reason_add(&m->v.reasons, REASON_DISPLAY_NAME, WHERE_FROM, c.brand, disguised ? 100 : 90,
		   m->from_display, "display name claims %s%s%s%s%s; the address is %s",
		   brand_name(c.brand), c.form ? " (as \"" : "", c.form ? c.form : "",
		   c.form ? "\")" : "", disguised ? ", written with hidden or look-alike characters" :
		   message_claims_glue(&c), m->from_address[0] ? m->from_address : "missing");
	message_claim_add(m, c.brand, SURFACE_DISPLAY, WHERE_FROM, 3, disguised ? 100 : 90,
			  "display name", authentic);
}

/*
 * message_claims_name - a name shown beside the address (a group's name, a
 * comment, Sender's display name): display-name, as From's display name
 * would give, unless the address is the brand's own.
 */
static void message_claims_name(struct message *m, const char *name, enum message_surface s,
				enum reason_where where, const struct message_dom *dom,
				const char *address, const struct brand *authentic)
{
	static const char *const what[] = {
		[SURFACE_GROUP] = "the group name in From",
		[SURFACE_COMMENT] = "a comment in From",
		[SURFACE_SENDER_NAME] = "Sender's display name",
	};
	struct brands_claim c;
	int st;

	if (!name[0] || !brands_claim_read(m->brands, name, strlen(name), true, &c))
		return;
	if (c.brand == authentic || message_claims_own(c.brand, dom))
		return;
	st = c.disguised ? 100 : 90;
	reason_add(&m->v.reasons, REASON_DISPLAY_NAME, where, c.brand, st, name,
		   "%s claims %s%s; the address is %s", what[s], brand_name(c.brand),
		   message_claims_glue(&c), address[0] ? address : "missing");
	message_claim_add(m, c.brand, s, where, 3, st, what[s], authentic);
}

/*
 * message_claims_inner - an address written inside a local part
 * ("noreply@viamedis.fr"@evil.example, a@viamedis.fr@evil.example): a
 * brand's domain or a lookalike of one there is a claim of the brand.
 */
static bool message_claims_inner(struct message *m, const char *local, enum reason_where where,
				 const struct message_dom *dom, const char *address,
				 const struct brand *authentic)
{
	size_t len = strlen(local), pos = 0;
	struct address_span sp;
	struct message_dom d = { 0 };
	const struct brand *b;
	char inner[ADDRESS_PART_MAX + 1];

	if (memchr(local, '@', len) == NULL || !address_in_text(local, len, &pos, &sp))
		return false;
	message_dom_check(m, local + sp.domain, sp.domain_len, where, &d, false);
	b = d.owner ? d.owner : d.imitated;
	if (b == NULL || b == authentic || message_claims_own(b, dom))
		return false;
	snprintf(inner, sizeof(inner), "%.*s", (int)(sp.local_len + 1 + sp.domain_len), local + sp.local);
	reason_add(&m->v.reasons, REASON_ADDRESS_CLAIM, where, b, 100, inner,
		   "the local part of %s holds the address %s (%s %s)", address, inner,
		   d.owner ? "a domain of" : "a look-alike of", brand_name(b));
	message_claim_add(m, b, SURFACE_ADDRESS, where, 3, 100, "address in a local part",
			  authentic);
	return true;
}

/*
 * message_claims_local - a brand's name as the local part of an address
 * (webmail lists show it when there is no display name): address-claim,
 * unless the domain is the brand's own.
 */
static void message_claims_local(struct message *m, const char *local, enum reason_where where,
				 const struct message_dom *dom, const struct brand *authentic)
{
	struct brands_claim c;
	struct message_claim *k;
	char address[ADDRESS_PART_MAX + DNSNAME_MAX + 2];
	int st;

	if (!local[0])
		return;
	snprintf(address, sizeof(address), "%s@%s", local, dom->ascii);
	if (message_claims_inner(m, local, where, dom, address, authentic))
		return;
	if (!brands_claim_read(m->brands, local, strlen(local), true, &c))
		return;
	if (c.brand == authentic || message_claims_own(c.brand, dom))
		return;
	st = where == WHERE_REPLY_TO ? 80 : 90;
	reason_add(&m->v.reasons, REASON_ADDRESS_CLAIM, where, c.brand, st, address,
		   "the local part of %s names %s%s", address, brand_name(c.brand),
		   message_claims_glue(&c));
	k = message_claim_add(m, c.brand, SURFACE_LOCAL, where, 3, st, "local part", authentic);
	if (k && where == WHERE_REPLY_TO)
		k->src = dom;	/* the reply-to rule would only say it again */
}

/* message_sender_aligned - d= is aligned with a brand's domain in Sender, or signs for its brand */
bool message_sender_aligned(const struct message *m, const char *domain)
{
	const struct message_dom *s = &m->sender;

	if (!s->parsed || s->owner == NULL)
		return false;
	return align_check(detector_psl(m->det), domain, s->ascii, ALIGN_RELAXED) ||
	       brand_authorised_signer(s->owner, domain);
}

/*
 * message_claims_sender_domain - Sender is a brand's domain (Outlook shows
 * "Brand on behalf of ..."): believed, as in From, only when a signature
 * aligned with it passes, or a trusted relay saw one pass.
 */
static void message_claims_sender_domain(struct message *m, const struct brand *authentic)
{
	const struct brand *b = m->sender.owner;
	const struct dkimcheck_sig *bad = NULL, *temp = NULL, *other = NULL;
	const char *d = m->sender.ascii;
	int st;

	if (b == NULL || b == authentic || b == m->from.owner || !m->dkim_evaluated)
		return;
	for (size_t i = 0; m->dk && i < dkimcheck_count(m->dk) && i < DKIMCHECK_MAX_SIGS; i++) {
		const struct dkimcheck_sig *sig = dkimcheck_sig(m->dk, i);

		if (!message_sender_aligned(m, sig->domain))
			other = other ? other : sig;
		else if (sig->result == DKIMCHECK_PASS && !sig->testing)
			return;
		else if (sig->result == DKIMCHECK_TEMPERROR)
			temp = temp ? temp : sig;
		else
			bad = bad ? bad : sig;
	}
	for (size_t i = 0; i < m->ntrusted; i++)
		if (message_sender_aligned(m, m->trusted_pass[i]))
			return;
	if (temp && !bad) {
		reason_add(&m->v.reasons, REASON_BRAND_UNAUTHENTICATED, WHERE_SENDER, b, 30, d,
			   "Sender is a domain of %s whose DKIM key could not be fetched (temperror: %s)",
			   brand_name(b), temp->reason);
		message_claim_add(m, b, SURFACE_BRAND_DOMAIN, WHERE_SENDER, 2, 30,
				  "Sender domain, authentication unknown", authentic);
		return;
	}
	st = bad ? (bad->result == DKIMCHECK_FAIL ? 100 : bad->result == DKIMCHECK_POLICY ? 75 : 95) :
	     other ? 95 : 90;
	if (bad)
		reason_add(&m->v.reasons, REASON_BRAND_UNAUTHENTICATED, WHERE_SENDER, b, st, d,
			   "Sender is a domain of %s; its DKIM signature does not pass (%s: %s)",
			   brand_name(b), dkimcheck_result_name(bad->result), bad->reason);
	else
		reason_add(&m->v.reasons, REASON_BRAND_UNAUTHENTICATED, WHERE_SENDER, b, st, d,
			   "Sender is a domain of %s that no DKIM signature vouches for%s%s",
			   brand_name(b), other ? ": signed only by " : "", other ? other->domain : "");
	message_claim_add(m, b, SURFACE_BRAND_DOMAIN, WHERE_SENDER, 3, st,
			  "Sender domain, unauthenticated", authentic);
}

/*
 * message_claims_body - a brand named in the body (text, HTML after its
 * character references, alt and link text) by a sender with no tie to it,
 * with a request for bank details or credentials, or a form to fill in:
 * body-claim. Naming a brand is no claim (colleagues write "les paiements
 * Viamedis"); asking in its name for what a phisher wants is one.
 */
void message_claims_body(struct message *m, const struct brand *authentic)
{
	const struct brand *b = m->body.brand;
	unsigned requests = m->body.requests + m->subject.requests;
	const char *request = m->body.request ? m->body.request : m->subject.request;
	int st;

	if (b == NULL || b == authentic || message_claims_own(b, &m->from) ||
	    (requests == 0 && m->forms == 0))
		return;
	st = m->forms ? 100 : requests >= 2 ? 90 : 70;
	if (m->forms)
		reason_add(&m->v.reasons, REASON_BODY_CLAIM, WHERE_BODY, b, st, "",
			   "the body names %s and holds a form to fill in; the sender (%s) has no tie to %s",
			   brand_name(b), m->from.parsed ? m->from.ascii : "unknown", brand_name(b));
	else
		reason_add(&m->v.reasons, REASON_BODY_CLAIM, WHERE_BODY, b, st, "",
			   "the body names %s and asks for bank details or credentials (\"%s\"%s); the sender (%s) has no tie to %s",
			   brand_name(b), request, requests > 1 ? ", and more" : "",
			   m->from.parsed ? m->from.ascii : "unknown", brand_name(b));
	message_claim_add(m, b, SURFACE_BODY, WHERE_BODY, 2, st, "body, with a request", authentic);
}

/*
 * message_claims_headers - every header surface but the Subject and the
 * domains: the findings they give and their claims. list: a mailing list
 * relays the author's name (message_judge's rule).
 */
void message_claims_headers(struct message *m, const struct brand *authentic, bool list)
{
	char sender[ADDRESS_PART_MAX + DNSNAME_MAX + 2];

	message_claims_display(m, authentic, list);
	if (!list) {
		message_claims_name(m, m->from_group, SURFACE_GROUP, WHERE_FROM, &m->from,
				    m->from_address, authentic);
		message_claims_name(m, m->from_comment, SURFACE_COMMENT, WHERE_FROM, &m->from,
				    m->from_address, authentic);
	}
	snprintf(sender, sizeof(sender), "%s%s%s", m->sender_local, m->sender.present ? "@" : "",
		 m->sender.ascii);
	message_claims_name(m, m->sender_display, SURFACE_SENDER_NAME, WHERE_SENDER, &m->sender,
			    sender, authentic);
	if (m->from_addresses == 1)
		message_claims_local(m, m->from_local, WHERE_FROM, &m->from, authentic);
	if (m->sender.present)
		message_claims_local(m, m->sender_local, WHERE_SENDER, &m->sender, authentic);
	for (size_t i = 0; i < m->nreply_to; i++)
		message_claims_local(m, m->reply_to_local[i], WHERE_REPLY_TO, &m->reply_to[i],
				     authentic);
	message_claims_sender_domain(m, authentic);
}
