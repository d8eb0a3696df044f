/*
 * message_unsigned - content outside a passing signature (unsigned-content).
 * A DKIM signature authenticates only what it covers: the body up to its
 * l= (when it has one) and the header fields its h= lists, bottom up, as
 * often as it lists them. When From is a brand's domain authenticated by
 * an aligned signature, what lies outside every passing aligned signature
 * is anyone's content, not the brand's: the body past l= (its words and
 * links were kept apart while it was read, message.c), a Subject, Reply-To
 * or Sender field that h= leaves out or that comes more often than h= lists
 * it (the reader sees the topmost, the signature covers the bottom ones).
 *
 * Strengths: a request for bank details or credentials there, or a Subject
 * outside h= that asks for them, 100; a Reply-To outside the brand 100 (40
 * with a List-Id: a list may add its own); links outside the brand past l=
 * 50 (20 with a List-Id: a list's footer); a Sender outside the brand 30;
 * anything else past l= or outside h= 10 (said, never a verdict on its own).
 * Links past l= also lose the discount links of authentic brand mail get
 * (message_judge.c).
 *
 * Touches: the message's verdict findings.
 */
#include <config.h>

#include <string.h>

#include "brands.h"
#include "message_int.h"

/* What the passing aligned signatures cover between them. */
struct message_cover {
	bool any;		/* one such signature at least */
	bool body_all;		/* one of them has no l= */
	long long length;	/* else the largest l= */
};

/* message_counts - a signature that vouches for From: aligned, passing, not t=y */
static bool message_counts(const struct message_sig *ms)
{
	return ms->aligned && ms->sig->result == DKIMCHECK_PASS && !ms->sig->testing;
}

/* message_cover - what the passing aligned signatures cover */
static void message_cover(const struct message *m, struct message_cover *cv)
{
	memset(cv, 0, sizeof(*cv));
	cv->length = -1;
	for (size_t i = 0; i < m->nsigs; i++) {
		const struct dkimcheck_sig *s = m->sig[i].sig;

		if (!message_counts(&m->sig[i]))
			continue;
		cv->any = true;
		if (s->length < 0)
			cv->body_all = true;
		else if (s->length > cv->length)
			cv->length = s->length;
	}
}

/* message_covered - how many fields of a name the passing aligned signatures cover */
static unsigned message_covered(const struct message *m, const char *name)
{
	unsigned best = 0;

	for (size_t i = 0; i < m->nsigs; i++) {
		unsigned n;

		if (message_counts(&m->sig[i]) && (n = dkimcheck_sig_covers(m->sig[i].sig, name)) > best)
			best = n;
	}
	return best;
}

/*
 * message_unsigned_body - whether the body went on past the l= of the
 * signature that authenticates From's brand; the links rule needs it
 */
void message_unsigned_body(struct message *m, const struct brand *authentic)
{
	struct message_cover cv;

	m->unsigned_body = false;
	if (authentic == NULL)
		return;		/* no signature authenticates From's brand: nothing to cover */
	message_cover(m, &cv);
	m->unsigned_body = cv.any && !cv.body_all && m->dlen_on && m->dlen.passed && m->unsigned_on;
}

/* message_outside - a link host that is not the brand's */
static bool message_outside(const struct message_host *h, const struct brand *b)
{
	return h->ip || !h->dom.parsed || !brand_authorised_signer(b, h->dom.ascii);
}

/* message_unsigned_body_rule - what the body holds past l= */
static void message_unsigned_body_rule(struct message *m, const struct brand *b, long long l)
{
	const struct message_words *w = &m->body_unsigned;
	const char *word = w->action ? w->action : w->term, *host = NULL;

	for (size_t i = 0; i < m->nlinks && host == NULL; i++)
		if (m->link[i].unsigned_part && message_outside(&m->host[m->link[i].host], b))
			host = m->host[m->link[i].host].dom.ascii;
	if (word)
		reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_BODY, b, 100, "",
			   "the body goes on past the signature's l=%lld with %s (\"%s\"): no signature of %s vouches for it",
			   l, w->actions ? "a request for bank details or credentials" :
			   "bank-details or credential words", word, brand_name(b));
	else if (host)
		reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_BODY, b,
			   m->list_id[0] ? 20 : 50, host,
			   "the body goes on past the signature's l=%lld with a link to %s, outside %s",
			   l, host, brand_name(b));
	else
		reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_BODY, b, 10, "",
			   "the body goes on past the signature's l=%lld: text no signature of %s vouches for",
			   l, brand_name(b));
}

/* message_unsigned_subject - the Subject shown, outside h= */
static void message_unsigned_subject(struct message *m, const struct brand *b)
{
	size_t n = m->hdr.seen[HEADER_SUBJECT];
	unsigned c = message_covered(m, "subject");
	const char *word = m->subject.action ? m->subject.action : m->subject.term;

	if (n == 0 || c >= n)
		return;
	if (word)
		reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_SUBJECT, b, 100, "",
			   "the Subject shown is outside the signature (h= covers %u of %zu Subject fields) and asks for %s (\"%s\")",
			   c, n, m->subject.actions ? "bank details or credentials" :
			   "bank-details or credential words", word);
	else
		reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_SUBJECT, b, 10, "",
			   "the Subject shown is outside the signature (h= covers %u of %zu Subject fields)",
			   c, n);
}

/* message_unsigned_reply_to - Reply-To outside h=, leading outside the brand */
static void message_unsigned_reply_to(struct message *m, const struct brand *b)
{
	size_t n = m->hdr.seen[HEADER_REPLY_TO];
	unsigned c = message_covered(m, "reply-to");

	if (n == 0 || c >= n)
		return;
	for (size_t i = 0; i < m->nreply_to; i++) {
		const struct message_dom *r = &m->reply_to[i];

		if (!r->parsed || brand_authorised_signer(b, r->ascii))
			continue;
		reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_REPLY_TO, b,
			   m->list_id[0] ? 40 : 100, r->ascii,
			   "replies go to %s, outside %s, in a Reply-To outside the signature (h= covers %u of %zu)",
			   r->ascii, brand_name(b), c, n);
	}
}

/* message_unsigned_sender - a Sender outside h=, outside the brand */
static void message_unsigned_sender(struct message *m, const struct brand *b)
{
	size_t n = m->hdr.seen[HEADER_SENDER];
	unsigned c = message_covered(m, "sender");

	if (n == 0 || c >= n || !m->sender.parsed || brand_authorised_signer(b, m->sender.ascii))
		return;
	reason_add(&m->v.reasons, REASON_UNSIGNED_CONTENT, WHERE_SENDER, b, 30, m->sender.ascii,
		   "Sender %s, outside %s, is outside the signature (h= covers %u of %zu)",
		   m->sender.ascii, brand_name(b), c, n);
}

/* message_unsigned - unsigned-content of brand mail that a signature authenticates */
void message_unsigned(struct message *m, const struct brand *authentic)
{
	struct message_cover cv;

	if (authentic == NULL)
		return;
	message_cover(m, &cv);
	if (!cv.any)
		return;		/* a trusted relay's word: what it covered is not known */
	if (m->unsigned_body)
		message_unsigned_body_rule(m, authentic, cv.length);
	message_unsigned_subject(m, authentic);
	message_unsigned_reply_to(m, authentic);
	message_unsigned_sender(m, authentic);
}
