/*
 * message - one message's analysis as it streams in: header fields are
 * parsed as they come (addresses, Subject, lists, incoming
 * Authentication-Results, the MIME fields) and their domains judged; at the
 * end of the header DKIM is started or dropped; body chunks go to the MIME
 * parser (up to MaxBodyScan), whose text feeds the links and the lexicon,
 * and to DKIM (until it needs no more). message_judge() draws the findings;
 * the readers at the end give them, and the Authentication-Results value
 * and the caps, to the front ends.
 *
 * Touches: the memory of the message (bounded by the caps of message.h and
 * of each parser: one copy of the header for DKIM, capped at 512 KB) and,
 * through DKIM, SPF and DMARC, DNS at the end of the message. Never fails:
 * hostile input gives findings or is counted in the caps.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brands.h"
#include "detector.h"
#include "lexicon.h"
#include "message_int.h"
#include "utf8.h"
#include "xalloc.h"

static void message_part_begin(void *arg, const struct mime_part *part);
static void message_part_text(void *arg, const struct mime_part *part, const char *s, size_t n);
static void message_part_end(void *arg, const struct mime_part *part);
static void message_body_text(void *arg, const char *s, size_t n);

/* message_new - an analysis with nothing seen */
struct message *message_new(const struct detector *det, const struct message_opts *opts)
{
	struct message *m = xcalloc(1, sizeof(*m));
	struct mime_sink ms = { message_part_begin, message_part_text, message_part_end, m };
	struct links_sink ls = { message_link_seen, message_body_text, m };
	const char *id = opts && opts->authserv_id ? opts->authserv_id : "localhost";

	m->det = det;
	m->brands = detector_brands(det);
	m->max_scan = opts ? opts->max_body_scan : MESSAGE_SCAN_DEFAULT;
	m->dkim_mode = opts ? opts->dkim : MESSAGE_DKIM_NEVER;
	m->spf_mode = opts ? opts->spf : MESSAGE_SPF_NEVER;
	dns_budget_init(&m->budget);
	dmarccheck_skip(&m->dmarc, "the message has not ended");
	for (size_t i = 0; id[i] && i < AUTHRES_ID_MAX; i++)
		m->authserv_id[i] = id[i];
	header_init(&m->hdr);
	address_list_init(&m->addrs);
	vbuf_init(&m->text, HEADER_TEXT_MAX);
	vbuf_init(&m->ctype, HEADER_VALUE_MAX);
	vbuf_init(&m->cte, HEADER_VALUE_MAX);
	m->mime = mime_new(MESSAGE_LINKSCAN_MAX, &ms);
	m->links = links_new(&ls);
	reason_list_init(&m->v.reasons);
	if (m->dkim_mode != MESSAGE_DKIM_NEVER && detector_dkim(det) != NULL)
		m->dk = dkimcheck_new(detector_dkim(det));
	m->scan_more = m->dkim_more = true;
	return m;
}

/* message_trust - the authserv-ids whose dkim=pass results are believed */
void message_trust(struct message *m, char *const *authserv_ids)
{
	m->trusted = authserv_ids;
}

/* message_observe - call o as the parsers go (tests, golden transcripts) */
void message_observe(struct message *m, const struct message_observer *o)
{
	m->obs = o;
}

/* message_seen - the observer's view of an address field just parsed */
static void message_seen(const struct message *m, const char *field)
{
	if (m->obs && m->obs->addresses)
		m->obs->addresses(m->obs->ctx, field, &m->addrs);
}

/* message_free - release everything */
void message_free(struct message *m)
{
	if (m == NULL)
		return;
	header_free(&m->hdr);
	address_list_free(&m->addrs);
	vbuf_free(&m->text);
	vbuf_free(&m->ctype);
	vbuf_free(&m->cte);
	mime_free(m->mime);
	links_free(m->links);
	dkimcheck_free(m->dk);
	free(m->weak);
	message_auth_free(m);
	free(m->host);
	free(m->link);
	free(m->reads);
	free(m);
}

/*
 * message_dom_check - a domain through the domain engine: what it is, the
 * strongest lookalike finding; add: the findings go into the verdict, or,
 * when all of them are weak, into m->weak until the end of the message
 * decides whether anything corroborates them (message_context.c).
 */
void message_dom_check(struct message *m, const char *name, size_t len,
		       enum reason_where where, struct message_dom *d, bool add)
{
	struct domain dom;
	struct reason_list found;
	const struct brand *br;
	bool strong = false;

	d->present = len > 0;
	if (len == 0)
		return;
	reason_list_init(&found);
	br = detector_check_domain(m->det, name, len, where, &dom, &found);
	if (dom.status != DOMAIN_OK) {
		reason_subject_copy(d->ascii, sizeof(d->ascii), name, len);
		return;
	}
	d->parsed = true;
	memcpy(d->ascii, dom.ascii, dom.ascii_len + 1);
	utf8_copy(d->registrable, sizeof(d->registrable), dom.registrable);
	d->owner = brands_owner(m->brands, dom.ascii);
	d->strength = -1;
	for (size_t i = 0; i < found.count; i++) {
		const struct reason *r = &found.item[i];

		strong = strong || !(r->flags & REASON_F_WEAK);
		if (r->strength > d->strength) {
			d->imitated = r->brand ? r->brand : br;
			d->code = r->code;
			d->strength = r->strength;
			utf8_copy(d->detail, sizeof(d->detail), r->detail);
		}
	}
	d->weak = found.count > 0 && !strong;
	if (add && d->weak && m->weak == NULL) {
		m->weak = xmalloc(sizeof(*m->weak));
		reason_list_init(m->weak);
	}
	for (size_t i = 0; add && i < found.count; i++) {
		const struct reason *r = &found.item[i];
		struct reason *x = reason_add(d->weak ? m->weak : &m->v.reasons, r->code, r->where,
					      r->brand, r->strength, r->subject, "%s", r->detail);

		if (x)
			x->flags = r->flags;
	}
}

/* message_words_add - a phrase found in the text w holds the words of */
static void message_words_add(struct message_words *w, const struct lexicon_entry *e,
			      bool disguised)
{
	if (w->seen[e->id / 8] & (1u << (e->id % 8)))
		return;
	w->seen[e->id / 8] |= (unsigned char)(1u << (e->id % 8));
	switch (e->kind) {
	case LEXICON_BRAND:
		if (w->brand == NULL) {
			w->brand = e->brand;
			w->brand_disguised = disguised;
		} else if (w->brand == e->brand && !disguised) {
			w->brand_disguised = false;
		}
		break;
	case LEXICON_TERM:
		if (w->terms++ == 0)
			w->term = e->text;
		break;
	case LEXICON_ACTION:	/* a request presses too: counted in both */
	case LEXICON_THREAT:
		if (e->kind == LEXICON_ACTION && w->requests++ == 0)
			w->request = e->text;
		if (w->actions++ == 0)
			w->action = e->text;
		break;
	case LEXICON_NEGATION:	/* the lexicon's own business */
		break;
	}
}

/*
 * message_words_hit - the lexicon found a phrase in the text being scanned;
 * a request a negation denies counts for nothing (a later one may count);
 * past a signature's l= the body's words are also kept apart
 */
void message_words_hit(void *ctx, const struct lexicon_entry *e, unsigned flags)
{
	struct message *m = ctx;
	bool disguised = flags & LEXICON_HIT_DISGUISED;

	if (m->words == NULL || (flags & LEXICON_HIT_NEGATED))
		return;
	message_words_add(m->words, e, disguised);
	if (m->words == &m->body && m->unsigned_on)
		message_words_add(&m->body_unsigned, e, disguised);
}

/* message_words_scan - one short text (subject, display name) through the lexicon */
void message_words_scan(struct message *m, struct message_words *w, const char *s, size_t len)
{
	struct lexicon_scan sc;
	struct message_words *saved = m->words;

	m->words = w;
	lexicon_scan_init(&sc, detector_lexicon(m->det), message_words_hit, m);
	lexicon_scan_text(&sc, s, len);
	lexicon_scan_break(&sc);
	m->words = saved;
}

/* message_first - the first address of a list that has a domain */
static const struct address *message_first(const struct address_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->item[i].domain[0])
			return &l->item[i];
	return NULL;
}

/* message_from_field - one From field: the first is the author, the others are counted */
static void message_from_field(struct message *m, const char *value, size_t len)
{
	struct address_list *l = &m->addrs;

	bool first = m->hdr.seen[HEADER_FROM] == 1;

	address_parse(l, &m->hdr, value, len);
	message_seen(m, "From");
	if (l->total > l->count)
		m->caps.addresses_dropped += l->total - l->count;
	for (size_t i = 0; i < l->count && i < MESSAGE_FROM_JUDGED; i++) {
		const struct address *a = &l->item[i];
		struct message_dom d = { 0 };

		if (!a->domain[0] || (a->flags & ADDRESS_F_LITERAL))
			continue;
		if (first && i == 0) {
			message_dom_check(m, a->domain, strlen(a->domain), WHERE_FROM, &m->from, true);
			if (m->from_any_owner == NULL)
				m->from_any_owner = m->from.owner;
			continue;
		}
		message_dom_check(m, a->domain, strlen(a->domain), WHERE_FROM, &d, true);
		if (m->from_any_owner == NULL)
			m->from_any_owner = d.owner;
	}
	if (!first)
		return;
	m->from_addresses = l->total;
	message_claims_from(m, l);
	if (l->count == 0)
		return;
	const struct address *a = &l->item[0];

	m->from_usable = l->total == 1 && address_usable(a) && !(l->lflags & ADDRESS_L_GROUP);
	utf8_copy(m->from_display, sizeof(m->from_display), a->display);
	m->from_display_flags = a->flags;
	if (a->local[0] || a->domain[0]) {
		size_t n = strlen(a->local);

		utf8_copy(m->from_address, sizeof(m->from_address), a->local);
		if (a->domain[0] && n + 1 < sizeof(m->from_address)) {
			m->from_address[n] = '@';
			utf8_copy(m->from_address + n + 1, sizeof(m->from_address) - n - 1, a->domain);
		}
	}
}

/*
 * message_addr_field - Sender, Return-Path, MAIL FROM: the domain of its
 * first address (and its local part into local, when given, for SPF)
 */
static void message_addr_field(struct message *m, const char *field, const char *value,
			       size_t len, bool envelope, enum reason_where where,
			       struct message_dom *d, char *local)
{
	const struct address *a;

	if (envelope)
		address_envelope(&m->addrs, &m->hdr, value, len);
	else
		address_parse(&m->addrs, &m->hdr, value, len);
	message_seen(m, field);
	if (d->present || (a = message_first(&m->addrs)) == NULL || (a->flags & ADDRESS_F_LITERAL))
		return;
	if (local != NULL)
		utf8_copy(local, SPFCHECK_LOCAL_MAX + 1, a->local);
	message_dom_check(m, a->domain, strlen(a->domain), where, d, true);
}

/* message_reply_to - every address of Reply-To, up to MESSAGE_REPLY_TO_MAX in all */
static void message_reply_to(struct message *m, const char *value, size_t len)
{
	struct address_list *l = &m->addrs;

	address_parse(l, &m->hdr, value, len);
	message_seen(m, "Reply-To");
	for (size_t i = 0; i < l->count; i++) {
		const struct address *a = &l->item[i];

		if (!a->domain[0] || (a->flags & ADDRESS_F_LITERAL))
			continue;
		if (m->nreply_to == MESSAGE_REPLY_TO_MAX) {
			m->caps.addresses_dropped++;
			continue;
		}
		message_claims_reply_to(m, m->nreply_to, a);
		message_dom_check(m, a->domain, strlen(a->domain), WHERE_REPLY_TO,
				  &m->reply_to[m->nreply_to++], true);
	}
	if (l->total > l->count)
		m->caps.addresses_dropped += l->total - l->count;
}

/* message_subject - the first Subject, decoded: brand claim and lure words */
static void message_subject(struct message *m, const char *value, size_t len)
{
	if (m->subject_seen)
		return;
	m->subject_seen = true;
	unsigned flags;

	vbuf_reset(&m->text);
	flags = header_decode(&m->hdr, value, len, &m->text);
	if (m->obs && m->obs->subject)
		m->obs->subject(m->obs->ctx, vbuf_str(&m->text), m->text.len, flags);
	struct brands_claim c;

	if (brands_claim_read(m->brands, vbuf_str(&m->text), m->text.len, true, &c))
		m->subject_claim = c.brand;
	message_words_scan(m, &m->subject, vbuf_str(&m->text), m->text.len);
}

/* message_list_id - the first List-Id: the id between < and > */
static void message_list_id(struct message *m, const char *value, size_t len)
{
	const char *lt, *gt;

	if (m->list_id[0])
		return;
	lt = memchr(value, '<', len);
	if (lt == NULL)
		return;
	gt = memchr(lt, '>', len - (size_t)(lt - value));
	if (gt == NULL || gt - lt - 1 > MESSAGE_LISTID_MAX || gt == lt + 1)
		return;
	reason_subject_copy(m->list_id, sizeof(m->list_id), lt + 1, (size_t)(gt - lt - 1));
	for (char *p = m->list_id; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* message_envelope_from - the SMTP MAIL FROM address ("<a@b>" or bare, "<>" the null sender) */
void message_envelope_from(struct message *m, const char *addr)
{
	if (addr == NULL || m->envelope.present)
		return;
	m->envelope_given = true;
	message_addr_field(m, "envelope", addr, strlen(addr), true, WHERE_ENVELOPE, &m->envelope,
			   m->envelope_local);
}

/* message_client - the SMTP client's address (text) and HELO name, for SPF */
void message_client(struct message *m, const char *ip, const char *helo)
{
	if (ip != NULL)
		utf8_copy(m->client_ip, sizeof(m->client_ip), ip);
	if (helo != NULL)
		reason_subject_copy(m->helo, sizeof(m->helo), helo, strlen(helo));
}

/* message_header - one field: value as received after the colon, folding kept */
void message_header(struct message *m, const char *name, const char *value)
{
	size_t len = strlen(value);
	enum header_id id = header_id(name, strlen(name));

	if (m->eoh_done)
		return;
	if (m->dk)
		dkimcheck_header(m->dk, name, value);
	if (id == HEADER_OTHER && strcasecmp(name, "ARC-Seal") == 0)
		m->arc = true;
	if (id == HEADER_OTHER && strcasecmp(name, "Received") == 0)
		message_auth_received(m, value, strlen(value));
	if (!header_admit(&m->hdr, id, value, &len))
		return;
	switch (id) {
	case HEADER_FROM:
		message_from_field(m, value, len);
		break;
	case HEADER_SENDER:
		message_addr_field(m, "Sender", value, len, false, WHERE_SENDER, &m->sender, NULL);
		message_claims_sender(m, &m->addrs);
		break;
	case HEADER_REPLY_TO:
		message_reply_to(m, value, len);
		break;
	case HEADER_RETURN_PATH:
		message_addr_field(m, "Return-Path", value, len, true, WHERE_ENVELOPE,
				   &m->return_path, m->return_path_local);
		break;
	case HEADER_SUBJECT:
		message_subject(m, value, len);
		break;
	case HEADER_LIST_ID:
		message_list_id(m, value, len);
		break;
	case HEADER_AUTHENTICATION_RESULTS:
		message_auth_trusted(m, value, len);
		break;
	case HEADER_ARC_AUTHENTICATION_RESULTS:
		m->arc = true;
		break;
	case HEADER_CONTENT_TYPE:
		if (m->hdr.seen[id] == 1)
			vbuf_add(&m->ctype, value, len);
		break;
	case HEADER_CONTENT_TRANSFER_ENCODING:
		if (m->hdr.seen[id] == 1)
			vbuf_add(&m->cte, value, len);
		break;
	default:
		break;
	}
}

/* message_eoh - end of the header: DKIM starts or is dropped, the body parser starts */
void message_eoh(struct message *m)
{
	if (m->eoh_done)
		return;
	m->eoh_done = true;
	if (m->dk && m->dkim_mode == MESSAGE_DKIM_BRANDS && m->from_any_owner == NULL &&
	    m->sender.owner == NULL) {
		dkimcheck_free(m->dk);
		m->dk = NULL;
	}
	if (m->dk) {
		unsigned long long limit;
		bool relaxed;

		m->dkim_evaluated = true;
		/* the signatures that can change the verdict: aligned ones, a list's own */
		dkimcheck_filter(m->dk, message_auth_dkim_wanted, m);
		message_auth_eoh(m);
		dkimcheck_eoh(m->dk);
		if (dkimcheck_body_limit(m->dk, &limit, &relaxed)) {
			dkimlen_init(&m->dlen, relaxed, limit);
			m->dlen_on = true;
		}
	}
	m->dkim_more = m->dk != NULL;
	mime_begin(m->mime, m->hdr.seen[HEADER_CONTENT_TYPE] ? vbuf_str(&m->ctype) : NULL,
		   m->ctype.len,
		   m->hdr.seen[HEADER_CONTENT_TRANSFER_ENCODING] ? vbuf_str(&m->cte) : NULL,
		   m->cte.len);
	m->words = &m->body;
	lexicon_scan_init(&m->scan, detector_lexicon(m->det), message_words_hit, m);
}

/* message_deep - MaxBodyScan reached: the text is complete, links only from now on */
static void message_deep(struct message *m)
{
	m->deep = true;
	links_deep(m->links);
	lexicon_scan_break(&m->scan);
}

/*
 * message_scan - a chunk to the MIME parser: all of it is parsed up to
 * MaxBodyScan, past it only for links (the chunk is split where the cap
 * falls); false once the link scan can give nothing more
 */
static bool message_scan(struct message *m, const char *p, size_t len)
{
	bool more;

	if (!m->deep && len > m->max_scan - m->scanned) {
		size_t head = m->max_scan - m->scanned;

		if (head)
			(void)mime_body(m->mime, p, head);
		mime_sync(m->mime);
		m->scanned += head;
		p += head;
		len -= head;
		message_deep(m);
	}
	if (m->deep)
		m->caps.body_unscanned += len;
	m->scanned += len;
	more = mime_body(m->mime, p, len);
	if (m->deep && links_full(m->links))
		more = false;
	return more;
}

/*
 * message_unsigned_on - the body read from here on is past the l= of the
 * aligned signatures: its words and links are kept apart, for
 * message_unsigned.c to judge as content no signature vouches for
 */
static void message_unsigned_on(struct message *m)
{
	mime_sync(m->mime);
	lexicon_scan_break(&m->scan);
	m->unsigned_on = true;
}

/* message_split - a chunk, split where the signed part of the body ends (l=) */
static bool message_split(struct message *m, const char *p, size_t len)
{
	size_t k;

	if (!m->dlen_on || m->unsigned_on || (k = dkimlen_feed(&m->dlen, p, len)) == len)
		return message_scan(m, p, len);
	if (k > 0)
		(void)message_scan(m, p, k);
	message_unsigned_on(m);
	return message_scan(m, p + k, len - k);
}

/* message_body - a chunk; false once neither the scan nor DKIM needs more */
bool message_body(struct message *m, const void *data, size_t len)
{
	if (m->eom_done)
		return false;
	if (!m->eoh_done)
		message_eoh(m);
	if (len == 0)
		return m->scan_more || m->dkim_more || m->auth_body_more;
	if (m->scan_more) {
		m->scan_more = message_split(m, data, len);
	} else {
		m->caps.body_unscanned += len;
		m->caps.body_unlinked += len;
	}
	if (m->dkim_more)
		m->dkim_more = dkimcheck_body(m->dk, data, len);
	if (m->auth_body_more)
		m->auth_body_more = message_auth_body(m, data, len);
	return m->scan_more || m->dkim_more || m->auth_body_more;
}

/* message_part_begin - mime's sink: a text part starts; the links read it */
static void message_part_begin(void *arg, const struct mime_part *part)
{
	struct message *m = arg;

	if (m->obs && m->obs->part)
		m->obs->part(m->obs->ctx, part);
	links_begin(m->links, part->kind == MIME_HTML);
}

/* message_part_text - mime's sink: decoded UTF-8 text of the part */
static void message_part_text(void *arg, const struct mime_part *part, const char *s, size_t n)
{
	struct message *m = arg;

	if (m->obs && m->obs->text)
		m->obs->text(m->obs->ctx, part, s, n);
	links_text(m->links, s, n);
}

/* message_part_end - mime's sink: no link and no phrase spans two parts */
static void message_part_end(void *arg, const struct mime_part *part)
{
	struct message *m = arg;

	links_end(m->links);
	lexicon_scan_break(&m->scan);
}

/* message_body_text - visible text (links' sink): the lexicon reads it */
static void message_body_text(void *arg, const char *s, size_t n)
{
	struct message *m = arg;

	lexicon_scan_text(&m->scan, s, n);
}

/* message_eom - the end: everything is decided */
void message_eom(struct message *m)
{
	const struct mime_stats *ms;
	const struct links_stats *ls;

	if (m->eom_done)
		return;
	if (!m->eoh_done)
		message_eoh(m);
	m->eom_done = true;
	mime_end(m->mime);
	lexicon_scan_break(&m->scan);
	m->words = NULL;
	if (m->dk)
		dkimcheck_eom(m->dk);
	ms = mime_stats(m->mime);
	ls = links_stats(m->links);
	if (m->obs && m->obs->end)
		m->obs->end(m->obs->ctx, ms, ls, &m->hdr);
	m->caps.header_skipped = m->hdr.skipped;
	m->caps.header_truncated = m->hdr.truncated;
	m->caps.body_unlinked += ms->unscanned;
	m->caps.mime_flags = ms->flags & (MIME_F_DEPTH | MIME_F_PARTS | MIME_F_HEADER | MIME_F_SCAN_CAP);
	m->caps.links_unjudged += ls->dropped + ls->deep_dropped;
	if (m->dk)
		m->caps.dkim_unverified = dkimcheck_dropped(m->dk);
	message_auth_eom(m);
	message_judge(m);
	m->caps.reasons_dropped = m->v.reasons.dropped;
}

/* message_verdict - the verdict, once message_eom was called */
const struct verdict *message_verdict(const struct message *m)
{
	return &m->v;
}

/* message_from_domain - the From domain as an A-label, "" if none */
const char *message_from_domain(const struct message *m)
{
	return m->from.parsed ? m->from.ascii : "";
}

/* message_from - the From address for reports */
const struct message_from *message_from(const struct message *m)
{
	return &m->from_out;
}

/* message_sig_count - DKIM signatures reported */
size_t message_sig_count(const struct message *m)
{
	return m->nsigs;
}

/* message_sig - the i-th signature */
const struct message_sig *message_sig(const struct message *m, size_t i)
{
	return i < m->nsigs ? &m->sig[i] : NULL;
}

/* message_link_count - links judged */
size_t message_link_count(const struct message *m)
{
	return m->nlinks;
}

/* message_link - the i-th link judged */
const struct message_link *message_link(const struct message *m, size_t i)
{
	return i < m->nlinks ? &m->link[i].out : NULL;
}

/* message_caps - what the caps left out */
const struct message_caps *message_caps(const struct message *m)
{
	return &m->caps;
}

/* message_dkim_evaluated - whether DKIM was run on this message */
bool message_dkim_evaluated(const struct message *m)
{
	return m->dkim_evaluated;
}

/* message_detector - the detector the message was judged with (brands, suffix list) */
const struct detector *message_detector(const struct message *m)
{
	return m->det;
}

/* message_authres - our Authentication-Results value, when something was checked */
bool message_authres(const struct message *m, struct vbuf *value)
{
	struct dkimcheck_sig sigs[DKIMCHECK_MAX_SIGS];
	struct authres_results r = { m->dkim_evaluated, sigs, 0, NULL, NULL };

	if (!m->eom_done)
		return false;
	for (size_t i = 0; i < m->nsigs; i++)
		if (m->sig[i].checked)
			sigs[r.nsigs++] = *m->sig[i].sig;
	/* signatures set aside unverified: nothing to say of DKIM */
	if (r.nsigs == 0 && m->nsigs > 0)
		r.dkim = false;
	if (m->spf_attempted && m->spf.evaluated)
		r.spf = &m->spf;
	if (m->dmarc.evaluated)
		r.dmarc = &m->dmarc;
	if (!r.dkim && r.spf == NULL && r.dmarc == NULL)
		return false;
	return authres_render_all(value, m->authserv_id, &r);
}

/* message_caps_hit - whether any cap left something out */
bool message_caps_hit(const struct message *m)
{
	const struct message_caps *c = &m->caps;

	return c->header_skipped || c->header_truncated || c->addresses_dropped ||
	       c->body_unscanned || c->body_unlinked || c->mime_flags || c->links_unjudged ||
	       c->dkim_unverified ||
	       c->reasons_dropped;
}

/* message_caps_text - what the caps left out, in one line ("" when nothing) */
void message_caps_text(const struct message *m, struct vbuf *out)
{
	const struct message_caps *c = &m->caps;
	const char *sep = "";

#define CAPS_ITEM(cond, ...) \
	do { if (cond) { vbuf_adds(out, sep); vbuf_printf(out, __VA_ARGS__); sep = "; "; } } while (0)
	CAPS_ITEM(c->header_skipped, "%zu header fields past the count caps not analysed",
		  c->header_skipped);
	CAPS_ITEM(c->header_truncated, "%zu header values analysed in part", c->header_truncated);
	CAPS_ITEM(c->addresses_dropped, "%zu addresses not judged", c->addresses_dropped);
	CAPS_ITEM(c->body_unscanned,
		  "body scanned up to %zu bytes (MaxBodyScan), %zu more read for links only",
		  m->max_scan, c->body_unscanned - c->body_unlinked);
	CAPS_ITEM(c->body_unlinked || (c->mime_flags & MIME_F_SCAN_CAP),
		  "%zu body bytes not read at all (past %u MB or the link caps)", c->body_unlinked,
		  MESSAGE_LINKSCAN_MAX >> 20);
	CAPS_ITEM(c->mime_flags & MIME_F_DEPTH, "MIME parts nested deeper than %d skipped",
		  MIME_DEPTH_MAX);
	CAPS_ITEM(c->mime_flags & MIME_F_PARTS, "MIME parts past %d skipped", MIME_PARTS_MAX);
	CAPS_ITEM(c->mime_flags & MIME_F_HEADER, "MIME part header lines past their caps skipped");
	CAPS_ITEM(c->links_unjudged, "%zu links not judged (past %d links or %d hosts)",
		  c->links_unjudged, MESSAGE_LINKS_MAX, MESSAGE_HOSTS_MAX);
	CAPS_ITEM(c->dkim_unverified, "%zu DKIM signatures not verified (past %d or too large)",
		  c->dkim_unverified, DKIMCHECK_MAX_SIGS);
	CAPS_ITEM(c->reasons_dropped, "%zu findings past %d not listed", c->reasons_dropped,
		  REASON_LIST_MAX);
#undef CAPS_ITEM
}
