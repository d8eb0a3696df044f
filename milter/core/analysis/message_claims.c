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
 * Every claim goes into the message's claims (struct message_claim,
 * message_claim_add), which the rules that need a claim read: reply-to,
 * lure, the corroboration of weak lookalikes (message_claim_find,
 * message_claim_surface).
 *
 * Names and local parts are read as their fields come; a reading that
 * finds something is kept (MESSAGE_READS_MAX, on the heap: most messages
 * keep none) and judged at the end, when authentication is known.
 *
 * Touches: the message's verdict, claim list and readings.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "address.h"
#include "brands.h"
#include "message_int.h"
#include "utf8.h"
#include "xalloc.h"

/* message_claims_keep - a reading that found something, kept for the end */
static struct message_read *message_claims_keep(struct message *m, enum message_surface s,
						enum reason_where where,
						const struct message_dom *dom, const char *text,
						const char *local)
{
	struct message_read *r;

	if (m->nreads == MESSAGE_READS_MAX)
		return NULL;
	m->reads = xreallocarray(m->reads, m->nreads + 1, sizeof(*m->reads));
	r = &m->reads[m->nreads++];
	memset(r, 0, sizeof(*r));
	r->surface = s;
	r->where = where;
	r->dom = dom;
	utf8_copy(r->text, sizeof(r->text), text);
	utf8_copy(r->local, sizeof(r->local), local);
	return r;
}

/* message_claims_name_read - a name beside an address (group, comment, Sender's) */
static void message_claims_name_read(struct message *m, const char *name, enum message_surface s,
				     enum reason_where where, const struct message_dom *dom,
				     const char *local)
{
	struct brands_claim c;
	struct message_read *r;

	if (name && name[0] && brands_claim_read(m->brands, name, strlen(name), true, &c) &&
	    (r = message_claims_keep(m, s, where, dom, name, local)) != NULL)
		r->claim = c;
}

/*
 * message_claims_local_read - a local part: an address written inside it
 * ("noreply@viamedis.fr"@evil.example, a@viamedis.fr@evil.example) goes
 * through the domain engine; else its words are read as a name
 */
static void message_claims_local_read(struct message *m, const char *local,
				      enum reason_where where, const struct message_dom *dom)
{
	size_t len = local ? strlen(local) : 0, pos = 0;
	struct address_span sp;
	struct brands_claim c;
	struct message_dom d = { 0 };
	struct message_read *r;

	if (len == 0)
		return;
	if (memchr(local, '@', len) && address_in_text(local, len, &pos, &sp)) {
		message_dom_check(m, local + sp.domain, sp.domain_len, where, &d, false);
		if ((d.owner || d.imitated) &&
		    (r = message_claims_keep(m, SURFACE_ADDRESS, where, dom, "", local)) != NULL) {
			r->inner = d;
			utf8_copy(r->text, sizeof(r->text) < sp.local_len + sp.domain_len + 2 ?
					    sizeof(r->text) : sp.local_len + sp.domain_len + 2,
					    local + sp.local);
		}
		return;
	}
	if (brands_claim_read(m->brands, local, len, true, &c) &&
	    (r = message_claims_keep(m, SURFACE_LOCAL, where, dom, local, local)) != NULL)
		r->claim = c;
}

/* message_claims_from - the first From field: its group name, comment and local part */
void message_claims_from(struct message *m, const struct address_list *l)
{
	message_claims_name_read(m, l->group, SURFACE_GROUP, WHERE_FROM, &m->from,
				 l->count ? l->item[0].local : "");
	if (l->count == 0)
		return;
	message_claims_name_read(m, l->item[0].comment, SURFACE_COMMENT, WHERE_FROM, &m->from,
				 l->item[0].local);
	if (l->total == 1)
		message_claims_local_read(m, l->item[0].local, WHERE_FROM, &m->from);
}

/* message_claims_sender - the first Sender field: its display name and local part */
void message_claims_sender(struct message *m, const struct address_list *l)
{
	if (m->sender_seen || l->count == 0)
		return;
	m->sender_seen = true;
	message_claims_name_read(m, l->item[0].display, SURFACE_SENDER_NAME, WHERE_SENDER,
				 &m->sender, l->item[0].local);
	message_claims_local_read(m, l->item[0].local, WHERE_SENDER, &m->sender);
}

/* message_claims_reply_to - the local part of the i-th Reply-To address judged */
void message_claims_reply_to(struct message *m, size_t i, const struct address *a)
{
	if (i < MESSAGE_REPLY_TO_MAX)
		message_claims_local_read(m, a->local, WHERE_REPLY_TO, &m->reply_to[i]);
}

/*
 * message_claim_add - a claim of brand b, listed (once per brand, level and
 * surface); the strongest stands for the message. None for the brand the
 * message authentically comes from. The item listed, or NULL.
 */
struct message_claim_item *message_claim_add(struct message_claim *c, const struct brand *b,
					     enum message_surface s, enum reason_where where,
					     int level, int strength, const char *by,
					     const struct brand *authentic)
{
	struct message_claim_item *it = NULL;

	if (b == NULL || b == authentic || level <= 0)
		return NULL;
	for (size_t i = 0; i < c->n && it == NULL; i++)
		if (c->all[i].brand == b && c->all[i].level == level && c->all[i].surface == s &&
		    strcmp(c->all[i].by, by) == 0)
			it = &c->all[i];	/* listed already */
	if (it == NULL && c->n < MESSAGE_CLAIMS_MAX) {
		it = &c->all[c->n++];
		it->brand = b;
		it->by = by;
		it->level = level;
		it->surface = s;
		it->where = where;
		it->strength = strength;
		it->src = NULL;
	}
	if (level > c->level) {
		c->brand = b;
		c->by = by;
		c->level = level;
		c->src = NULL;
	}
	return it;
}

/* message_claim_set - a claim of no particular surface (message_claim_add's shorthand) */
void message_claim_set(struct message_claim *c, const struct brand *b, const char *by,
		       int level, const struct brand *authentic)
{
	message_claim_add(c, b, SURFACE_OTHER, WHERE_BODY, level, 100, by, authentic);
}

/* message_claim_src - the Reply-To making a claim, so that the reply-to rule skips it */
static void message_claim_src(struct message_claim *c, struct message_claim_item *it,
			      const struct message_dom *src)
{
	if (it == NULL)
		return;
	it->src = src;
	if (c->brand == it->brand && c->level == it->level && c->by == it->by)
		c->src = src;
}

/* message_claim_find - the strongest claim to be b at level or above, or NULL */
const struct message_claim_item *message_claim_find(const struct message_claim *c,
						    const struct brand *b, int level)
{
	const struct message_claim_item *best = NULL;

	for (size_t i = 0; i < c->n; i++)
		if (c->all[i].brand == b && c->all[i].level >= level &&
		    (best == NULL || c->all[i].level > best->level))
			best = &c->all[i];
	return best;
}

/* message_claim_surface - the strongest claim to be b from one of the surfaces, or NULL */
const struct message_claim_item *message_claim_surface(const struct message_claim *c,
						       const struct brand *b, unsigned surfaces)
{
	const struct message_claim_item *best = NULL;

	for (size_t i = 0; i < c->n; i++)
		if (c->all[i].brand == b && (surfaces & SURFACE_BIT(c->all[i].surface)) &&
		    (best == NULL || c->all[i].level > best->level))
			best = &c->all[i];
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
	return d->parsed && brand_authorised_signer(b, d->ascii);
}

/* message_claims_display - From's display name (names a list relays weigh 35: the author's) */
static void message_claims_display(struct message *m, struct message_claim *c,
				   const struct brand *authentic, bool list)
{
	struct brands_claim bc;
	size_t len = strlen(m->from_display);

	if (len == 0)
		return;
	message_words_scan(m, &m->display, m->from_display, len);
	if (!brands_claim_read(m->brands, m->from_display, len, true, &bc))
		return;
	if (bc.brand == m->from.owner && m->hdr.seen[HEADER_FROM] == 1)
		return;	/* its own domain: authenticated or brand-unauthenticated */
	if (list) {
		reason_add(&m->v.reasons, REASON_DISPLAY_NAME, WHERE_FROM, bc.brand, 35, m->from_display,
			   "display name names %s; the mailing list %s sends it for its author",
			   brand_name(bc.brand), m->list_id);
		message_claim_add(c, bc.brand, SURFACE_LIST, WHERE_FROM, 1, 35,
				  "display name, through a list", authentic);
		return;
	}
	if (bc.brand == authentic)
		return;
	/* a disguise seen in the whole name counts too, for the weight and message_claims_glue */
	bc.disguised = bc.disguised || (m->display.brand == bc.brand && m->display.brand_disguised);
	if (strcmp(bc.form, brand_name(bc.brand)) == 0)
		bc.form = NULL;
	reason_add(&m->v.reasons, REASON_DISPLAY_NAME, WHERE_FROM, bc.brand, bc.disguised ? 100 : 90,
		   m->from_display, "display name claims %s%s%s%s%s; the address is %s",
		   brand_name(bc.brand), bc.form ? " (as \"" : "", bc.form ? bc.form : "",
		   bc.form ? "\")" : "", message_claims_glue(&bc),
		   m->from_address[0] ? m->from_address : "missing");
	message_claim_add(c, bc.brand, SURFACE_DISPLAY, WHERE_FROM, 3, bc.disguised ? 100 : 90,
			  "display name", authentic);
}

/* message_claims_address - local@domain of a reading, for the explanations */
static void message_claims_address(const struct message_read *r, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", r->local, r->dom->present ? "@" : "", r->dom->ascii);
}

/*
 * message_claims_reading - what a reading kept as the fields came gives:
 * display-name for a name beside the address (a group's, a comment,
 * Sender's display name), address-claim for a local part or an address
 * it holds; nothing when the address is the brand's own.
 */
static void message_claims_reading(struct message *m, struct message_claim *c,
				   struct message_read *r, const struct brand *authentic)
{
	static const char *const what[] = {
		[SURFACE_GROUP] = "the group name in From",
		[SURFACE_COMMENT] = "a comment in From",
		[SURFACE_SENDER_NAME] = "Sender's display name",
		[SURFACE_LOCAL] = "local part",
		[SURFACE_ADDRESS] = "address in a local part",
	};
	const struct message_dom *in = &r->inner;
	const struct brand *b = r->surface == SURFACE_ADDRESS ? (in->owner ? in->owner : in->imitated) :
				r->claim.brand;
	char address[ADDRESS_PART_MAX + DNSNAME_MAX + 2];
	struct message_claim_item *k;
	int st;

	if (b == NULL || b == authentic || message_claims_own(b, r->dom))
		return;
	message_claims_address(r, address, sizeof(address));
	if (r->surface == SURFACE_ADDRESS) {
		st = 100;
		reason_add(&m->v.reasons, REASON_ADDRESS_CLAIM, r->where, b, st, r->text,
			   "the local part of %s holds the address %s (%s %s)", address, r->text,
			   in->owner ? "a domain of" : "a look-alike of", brand_name(b));
	} else if (r->surface == SURFACE_LOCAL) {
		st = r->where == WHERE_REPLY_TO ? 80 : 90;
		reason_add(&m->v.reasons, REASON_ADDRESS_CLAIM, r->where, b, st, address,
			   "the local part of %s names %s%s", address, brand_name(b),
			   message_claims_glue(&r->claim));
	} else {
		st = r->claim.disguised ? 100 : 90;
		reason_add(&m->v.reasons, REASON_DISPLAY_NAME, r->where, b, st, r->text,
			   "%s claims %s%s; the address is %s", what[r->surface], brand_name(b),
			   message_claims_glue(&r->claim), r->dom->present ? address : "missing");
	}
	k = message_claim_add(c, b, r->surface, r->where, 3, st, what[r->surface], authentic);
	if (r->where == WHERE_REPLY_TO)
		message_claim_src(c, k, r->dom);	/* the reply-to rule would only say it again */
}

/* message_sender_aligned - d= is aligned with a brand's domain in Sender, or signs for its brand */
bool message_sender_aligned(const struct message *m, const char *domain)
{
	return m->sender.owner != NULL && message_dom_aligned(m, &m->sender, domain);
}

/*
 * message_claims_sender_domain - Sender is a brand's domain (Outlook shows
 * "Brand on behalf of ..."): believed, as in From, only when a signature
 * aligned with it passes, or a trusted relay saw one pass.
 */
static void message_claims_sender_domain(struct message *m, struct message_claim *c,
					 const struct brand *authentic)
{
	const struct brand *b = m->sender.owner;
	const struct dkimcheck_sig *bad = NULL, *temp = NULL, *other = NULL;
	const char *d = m->sender.ascii;
	int st;

	if (b == NULL || b == authentic || b == m->from.owner || !m->dkim_evaluated)
		return;
	for (size_t i = 0; i < m->nsigs; i++) {
		const struct dkimcheck_sig *sig = m->sig[i].sig;

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
		message_claim_add(c, b, SURFACE_BRAND_DOMAIN, WHERE_SENDER, 2, 30,
				  "Sender domain, authentication unknown", authentic);
		return;
	}
	st = bad ? message_bad_strength(bad) :
	     other ? 95 : 90;
	if (bad)
		reason_add(&m->v.reasons, REASON_BRAND_UNAUTHENTICATED, WHERE_SENDER, b, st, d,
			   "Sender is a domain of %s; its DKIM signature does not pass (%s: %s)",
			   brand_name(b), dkimcheck_result_name(bad->result), bad->reason);
	else
		reason_add(&m->v.reasons, REASON_BRAND_UNAUTHENTICATED, WHERE_SENDER, b, st, d,
			   "Sender is a domain of %s that no DKIM signature vouches for%s%s",
			   brand_name(b), other ? ": signed only by " : "", other ? other->domain : "");
	message_claim_add(c, b, SURFACE_BRAND_DOMAIN, WHERE_SENDER, 3, st,
			  "Sender domain, unauthenticated", authentic);
}

/* message_claims_quoted - the body shows an address of the brand's own domain (a forward's "De :") */
static bool message_claims_quoted(const struct message *m, const struct brand *b)
{
	for (size_t i = 0; i < m->nlinks; i++)
		if (m->link[i].out.source == LINK_EMAIL && m->host[m->link[i].host].dom.owner == b)
			return true;
	return false;
}

/*
 * message_claims_body - a brand named in the body (text, HTML after its
 * character references, alt and link text) by a sender with no tie to it,
 * with a request for bank details or credentials, or a form to fill in:
 * body-claim. Naming a brand is no claim (colleagues write "les paiements
 * Viamedis"); asking in its name for what a phisher wants is one. A body
 * that shows the brand's own address (a colleague forwarding its notice,
 * "De : Assurance Maladie <...@info.ameli.fr>") asks in the brand's words,
 * not the sender's: reported, weakly, unless a form is there to fill in.
 */
void message_claims_body(struct message *m, struct message_claim *c, const struct brand *authentic)
{
	const struct brand *b = m->body.brand;
	unsigned requests = m->body.requests + m->subject.requests;
	const char *request = m->body.request ? m->body.request : m->subject.request;
	const char *from = m->from.parsed ? m->from.ascii : "unknown";
	bool forward;
	int st;

	if (b == NULL || b == authentic || message_claims_own(b, &m->from) ||
	    (requests == 0 && m->forms == 0))
		return;
	if (m->forms) {
		reason_add(&m->v.reasons, REASON_BODY_CLAIM, WHERE_BODY, b, 100, "",
			   "the body names %s and holds a form to fill in; the sender (%s) has no tie to %s",
			   brand_name(b), from, brand_name(b));
		message_claim_add(c, b, SURFACE_BODY, WHERE_BODY, 2, 100, "body, with a form", authentic);
		return;
	}
	forward = message_claims_quoted(m, b);
	st = forward ? 40 : requests >= 2 ? 90 : 70;
	reason_add(&m->v.reasons, REASON_BODY_CLAIM, WHERE_BODY, b, st, "",
		   "the body names %s and asks for bank details or credentials (\"%s\"%s); the sender (%s) has no tie to %s%s",
		   brand_name(b), request, requests > 1 ? ", and more" : "", from, brand_name(b),
		   forward ? ", but the body shows the brand's own address: a forward" : "");
	if (!forward)
		message_claim_add(c, b, SURFACE_BODY, WHERE_BODY, 2, st, "body, with a request",
				  authentic);
}

/*
 * message_claims_headers - every header surface but the Subject and the
 * domains: the findings they give and their claims. list: a mailing list
 * relays the author's name (message_judge's rule).
 */
void message_claims_headers(struct message *m, struct message_claim *c,
			    const struct brand *authentic, bool list)
{
	message_claims_display(m, c, authentic, list);
	for (size_t i = 0; i < m->nreads; i++) {
		struct message_read *r = &m->reads[i];

		if (list && r->where == WHERE_FROM && r->surface != SURFACE_LOCAL &&
		    r->surface != SURFACE_ADDRESS)
			continue;	/* names a list relays are its author's */
		if (r->where == WHERE_FROM && m->from_addresses != 1 &&
		    (r->surface == SURFACE_LOCAL || r->surface == SURFACE_ADDRESS))
			continue;
		message_claims_reading(m, c, r, authentic);
	}
	message_claims_sender_domain(m, c, authentic);
}
