/*
 * message_auth - whether From's brand domain is authenticated, as DMARC
 * (RFC 7489) defines it, and how much its absence weighs:
 * - DKIM: the signatures libopendkim verified, aligned with From (relaxed)
 *   or signed by one of the brand's authorised signers from the pack;
 * - SPF for the envelope sender (or HELO), run here at the end of the
 *   message (SPFVerify), unless a trusted relay's spf= stands for it;
 * - DMARC: the brand's record, read by libopendmarc with those results;
 * - a trusted relay's spf=, dmarc=, dkim= from the topmost block of
 *   Authentication-Results (fields above the relay's own Received field);
 * - a mailing list that changed the brand's signed mail in transit (a
 *   footer after the signed body, a tag in the Subject) and signs it itself.
 * Then the brand-unauthenticated finding, with the strengths of the verdict
 * table in vigie-scoring(7). message.c's readers render vigie's
 * Authentication-Results from what is concluded here.
 *
 * Touches: the message's state; DNS through dns.h at the end of the
 * message (SPF, DMARC), within the message's budget. Never fails: DNS
 * trouble is a temperror, which alone never makes an impersonation.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "align.h"
#include "brands.h"
#include "detector.h"
#include "message_int.h"

/* message_dom_aligned - d= is aligned with the address's domain, or signs for its brand */
bool message_dom_aligned(const struct message *m, const struct message_dom *d, const char *domain)
{
	if (!d->parsed)
		return false;
	if (align_check(detector_psl(m->det), domain, d->ascii, ALIGN_RELAXED))
		return true;
	return d->owner && brand_authorised_signer(d->owner, domain);
}

/* message_aligned - d= is aligned with From, or signs for From's brand */
bool message_aligned(const struct message *m, const char *domain)
{
	return message_dom_aligned(m, &m->from, domain);
}

/* message_list_aligned - d= is the mailing list's (its List-Id's domain) or the envelope's */
static bool message_list_aligned(const struct message *m, const char *domain)
{
	const psl_ctx_t *psl = detector_psl(m->det);

	if (!m->list_id[0])
		return false;
	return align_check(psl, domain, m->list_id, ALIGN_RELAXED) ||
	       (m->envelope.parsed && align_check(psl, domain, m->envelope.ascii, ALIGN_RELAXED));
}

/*
 * message_auth_dkim_wanted - DKIM's filter, the signatures that can change
 * the verdict: aligned with From, with a brand's domain in Sender
 * (message_claims.c), or a list's own signature
 */
bool message_auth_dkim_wanted(void *ctx, const char *domain)
{
	const struct message *m = ctx;

	return message_aligned(m, domain) || message_sender_aligned(m, domain) ||
	       (m->from.owner && message_list_aligned(m, domain));
}

/* message_is_trusted - an authserv-id the admin trusts, never our own */
static const char *message_is_trusted(const struct message *m, const char *id)
{
	if (m->trusted == NULL || authres_id_equal(id, m->authserv_id))
		return NULL;
	for (char *const *t = m->trusted; *t; t++)
		if (authres_id_equal(id, *t))
			return *t;
	return NULL;
}

/* message_received_by - the host after "by" in a Received field, into host ("" if none) */
static void message_received_by(const char *v, size_t len, char *host, size_t size)
{
	size_t i = 0, n = 0;

	host[0] = '\0';
	for (; i + 4 <= len; i++)
		if ((i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t' || v[i - 1] == '\n' ||
		     v[i - 1] == ')') && strncasecmp(v + i, "by", 2) == 0 &&
		    (v[i + 2] == ' ' || v[i + 2] == '\t' || v[i + 2] == '\n' || v[i + 2] == '\r'))
			break;
	if (i + 4 > len)
		return;
	for (i += 3; i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'); i++)
		;
	while (i < len && n + 1 < size && v[i] != ' ' && v[i] != '\t' && v[i] != '\r' &&
	       v[i] != '\n' && v[i] != ';' && v[i] != '(')
		host[n++] = v[i++];
	host[n] = '\0';
}

/*
 * message_auth_received - a Received field: it ends the trusted block, if
 * one began; one written by a trusted relay ("by" its authserv-id) means
 * that relay's results, if any, came above it: what follows is from outside
 */
void message_auth_received(struct message *m, const char *value, size_t len)
{
	char host[DNSNAME_MAX + 1];
	const char *by;

	if (m->trust.block == TRUST_IN)
		m->trust.block = TRUST_AFTER;
	if (m->trusted == NULL || m->trust.passed != NULL)
		return;
	message_received_by(value, len, host, sizeof(host));
	if (host[0] && (by = message_is_trusted(m, host)) != NULL)
		m->trust.passed = by;
}

/* message_trusted_dkim - the dkim=pass results of a trusted field */
static void message_trusted_dkim(struct message *m, const struct authres *ar, const char *by)
{
	for (size_t i = 0; i < ar->ndkim && m->ntrusted < MESSAGE_TRUSTED_MAX; i++) {
		if (ar->dkim[i].result != DKIMCHECK_PASS || !ar->dkim[i].domain[0])
			continue;
		snprintf(m->trusted_pass[m->ntrusted], sizeof(m->trusted_pass[0]), "%s",
			 ar->dkim[i].domain);
		m->trusted_by[m->ntrusted++] = by;
	}
}

/*
 * message_auth_trusted - an incoming Authentication-Results: believed only
 * from a trusted relay, and only in the topmost block (RFC 8601 section 5:
 * what sits below the relay's own Received field came from outside)
 */
void message_auth_trusted(struct message *m, const char *value, size_t len)
{
	struct authres ar;
	const char *by;

	if (m->trusted == NULL || authres_parse(value, len, &ar) == AUTHRES_NOID ||
	    (by = message_is_trusted(m, ar.authserv_id)) == NULL)
		return;
	if (m->trust.block == TRUST_AFTER || m->trust.passed == by) {
		m->trust.ignored++;
		return;
	}
	m->trust.block = TRUST_IN;
	message_trusted_dkim(m, &ar, by);
	if (ar.has_spf && !m->trust.has_spf) {
		struct spfcheck_out *s = &m->trust.spf;

		spfcheck_none(s, "");
		s->evaluated = true;
		s->result = ar.spf;
		s->identity = ar.spf_helo ? SPFCHECK_HELO : SPFCHECK_MAILFROM;
		memcpy(s->domain, ar.spf_domain, sizeof(s->domain));
		m->trust.has_spf = true;
		m->trust.spf_by = by;
	}
	if (ar.has_dmarc && !m->trust.has_dmarc) {
		m->trust.has_dmarc = true;
		m->trust.dmarc = ar.dmarc;
		memcpy(m->trust.dmarc_from, ar.dmarc_from, sizeof(m->trust.dmarc_from));
		m->trust.dmarc_by = by;
	}
}

/* message_untag - a Subject without a leading "[list] " tag into out; false if none */
static bool message_untag(const char *value, char *out, size_t size)
{
	const char *p = value, *close;
	size_t lead;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '[' || (close = strchr(p, ']')) == NULL || close[1] != ' ' ||
	    memchr(p, '\n', (size_t)(close - p)) != NULL)
		return false;
	lead = (size_t)(p - value);
	if (lead + strlen(close + 2) >= size)
		return false;
	memcpy(out, value, lead);
	snprintf(out + lead, size - lead, "%s", close + 2);
	return true;
}

/*
 * message_auth_eoh - a message with a List-Id from a brand's domain: the
 * brand's signatures get their body checked for a list footer, and a second
 * verification runs with the Subject's list tag taken off
 */
void message_auth_eoh(struct message *m)
{
	const char *values[DKIMCHECK_MAX_SIGS];
	const char *subject;
	char untagged[HEADER_VALUE_MAX + 1];
	size_t n;

	if (m->dk == NULL)
		return;
	dkimcheck_budget(m->dk, &m->budget);
	if (!m->list_id[0] || m->from.owner == NULL)
		return;
	n = dkimcheck_sigfields(m->dk, values, DKIMCHECK_MAX_SIGS);
	for (size_t i = 0; i < n && m->nbodycheck < MESSAGE_BODYCHECK_MAX; i++) {
		struct dkimbody *b = dkimbody_new(values[i]);

		if (b != NULL && message_aligned(m, dkimbody_domain(b)))
			m->bodycheck[m->nbodycheck++] = b;
		else
			dkimbody_free(b);
	}
	subject = dkimcheck_field(m->dk, "Subject");
	if (subject != NULL && message_untag(subject, untagged, sizeof(untagged))) {
		m->dk_untagged = dkimcheck_fork(m->dk, "Subject", untagged);
		dkimcheck_eoh(m->dk_untagged);
	}
	m->auth_body_more = m->nbodycheck > 0 || m->dk_untagged != NULL;
}

/* message_auth_body - a body chunk for the list checks; false once they need no more */
bool message_auth_body(struct message *m, const void *data, size_t len)
{
	bool more = false;

	for (size_t i = 0; i < m->nbodycheck; i++) {
		dkimbody_feed(m->bodycheck[i], data, len);
		more = more || !dkimbody_prefix(m->bodycheck[i], NULL);
	}
	if (m->dk_untagged != NULL)
		more = dkimcheck_body(m->dk_untagged, data, len) || more;
	return more;
}

/* message_trusted_for - the trusted relay that saw d= pass, or NULL */
static const char *message_trusted_for(const struct message *m, const char *domain)
{
	for (size_t i = 0; i < m->ntrusted; i++)
		if (strcmp(m->trusted_pass[i], domain) == 0)
			return m->trusted_by[i];
	return NULL;
}

/* message_dkim_sum - the signatures for the reports and what they say of From */
static void message_dkim_sum(struct message *m, struct message_dkimsum *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; m->dk && i < dkimcheck_count(m->dk) && i < DKIMCHECK_MAX_SIGS; i++) {
		const struct dkimcheck_sig *sig = dkimcheck_sig(m->dk, i);
		struct message_sig *ms = &m->sig[m->nsigs++];

		ms->sig = sig;
		ms->aligned = message_aligned(m, sig->domain);
		ms->checked = !(sig->result == DKIMCHECK_NEUTRAL && sig->reason &&
				strcmp(sig->reason, "not checked") == 0);
		if (sig->result != DKIMCHECK_PASS)
			ms->trusted = message_trusted_for(m, sig->domain);
		if (!ms->aligned) {
			s->other = s->other ? s->other : sig;
			continue;
		}
		if (sig->result == DKIMCHECK_PASS && !sig->testing)
			s->pass = s->pass ? s->pass : sig;
		else if (sig->result == DKIMCHECK_PASS)
			s->testing = s->testing ? s->testing : sig;
		else if (ms->trusted && s->trusted == NULL) {
			s->trusted = ms->trusted;
			s->trusted_domain = sig->domain;
		} else if (sig->result == DKIMCHECK_TEMPERROR)
			s->temperror = s->temperror ? s->temperror : sig;
		else
			s->bad = s->bad ? s->bad : sig;
	}
	s->count = m->nsigs;
	/* a trusted relay may vouch for a signature we no longer see */
	for (size_t i = 0; s->trusted == NULL && i < m->ntrusted; i++)
		if (message_aligned(m, m->trusted_pass[i])) {
			s->trusted = m->trusted_by[i];
			s->trusted_domain = m->trusted_pass[i];
		}
}

/* message_spf_wanted - SPFVerify says SPF runs for this message */
static bool message_spf_wanted(const struct message *m)
{
	switch (m->spf_mode) {
	case MESSAGE_SPF_ALWAYS:
		return true;
	case MESSAGE_SPF_BRANDS:
		return m->from_any_owner != NULL || m->sender.owner != NULL;
	default:
		return false;
	}
}

/* message_spf_run - SPF for the envelope sender (or the Return-Path, or HELO) */
static void message_spf_run(struct message *m)
{
	const struct message_dom *d = m->envelope_given ? &m->envelope : &m->return_path;
	const char *local = m->envelope_given ? m->envelope_local : m->return_path_local;

	if (m->trust.has_spf || !message_spf_wanted(m))
		return;
	m->spf_attempted = true;
	if (detector_spf(m->det) == NULL) {
		spfcheck_none(&m->spf, "SPF is not set up");
		return;
	}
	/* neither MAIL FROM nor a Return-Path: vigie-check given no --mail-from */
	spfcheck_run(detector_spf(m->det), &m->budget, m->client_ip[0] ? m->client_ip : NULL,
		     m->helo[0] ? m->helo : NULL, local,
		     d->present ? d->ascii : m->envelope_given ? "" : NULL, &m->spf);
}

/* message_dmarc_run - DMARC, when DKIM was verified and SPF is known (or never asked) */
static void message_dmarc_run(struct message *m)
{
	struct dmarccheck_sig sigs[DKIMCHECK_MAX_SIGS + MESSAGE_TRUSTED_MAX];
	struct dmarccheck_in in = { m->from.ascii, m->client_ip, sigs, 0, m->auth.spf };
	size_t n = 0;

	if (!m->dkim_evaluated) {
		dmarccheck_skip(&m->dmarc, "DKIM not verified for this message (DKIMVerify)");
		return;
	}
	if (!m->from.parsed) {
		dmarccheck_skip(&m->dmarc, "no usable From domain");
		return;
	}
	if (!(m->spf_attempted || m->trust.has_spf || m->spf_mode == MESSAGE_SPF_NEVER)) {
		dmarccheck_skip(&m->dmarc, "SPF not checked for this message (SPFVerify)");
		return;
	}
	if (detector_dmarc(m->det) == NULL) {
		dmarccheck_skip(&m->dmarc, "DMARC is not set up");
		return;
	}
	for (size_t i = 0; i < m->nsigs; i++)
		if (m->sig[i].checked) {
			sigs[n].domain = m->sig[i].sig->domain;
			sigs[n].selector = m->sig[i].sig->selector;
			sigs[n++].result = m->sig[i].trusted ? DKIMCHECK_PASS : m->sig[i].sig->result;
		}
	for (size_t i = 0; i < m->ntrusted; i++) {
		sigs[n].domain = m->trusted_pass[i];
		sigs[n].selector = "";
		sigs[n++].result = DKIMCHECK_PASS;
	}
	in.nsigs = n;
	dmarccheck_run(detector_dmarc(m->det), &m->budget, &in, &m->dmarc);
}

/* message_list_explained - a failing brand signature, failing only where lists change mail */
static bool message_list_explained(struct message *m, size_t i, bool *footer, bool *tag)
{
	const struct dkimcheck_sig *sig = m->sig[i].sig, *alt = NULL;
	size_t at;

	if (!sig->header_ok && m->dk_untagged != NULL)
		for (size_t k = 0; k < dkimcheck_count(m->dk_untagged); k++) {
			const struct dkimcheck_sig *x = dkimcheck_sig(m->dk_untagged, k);

			if (strcmp(x->domain, sig->domain) == 0 && strcmp(x->selector, sig->selector) == 0 &&
			    strcmp(x->b, sig->b) == 0 && x->header_ok)
				alt = x;
		}
	if (!sig->header_ok && alt == NULL)
		return false;
	*tag = *tag || alt != NULL;
	if (!(alt ? alt->body_changed : sig->body_changed))
		return true;
	for (size_t k = 0; k < m->nbodycheck; k++)
		if (strcmp(dkimbody_domain(m->bodycheck[k]), sig->domain) == 0 &&
		    dkimbody_prefix(m->bodycheck[k], &at)) {
			*footer = true;
			return true;
		}
	return false;
}

/*
 * message_list_relay - a mailing list relays the brand's mail: the list's
 * own signature passes (aligned with its List-Id or the envelope) and every
 * brand signature that fails does so only by a footer after the signed body
 * or a tag in the Subject
 */
static void message_list_relay(struct message *m)
{
	struct message_authsum *a = &m->auth;
	bool footer = false, tag = false, explained = false;

	if (!m->list_id[0] || m->from.owner == NULL)
		return;
	for (size_t i = 0; i < m->nsigs && !a->list_signer[0]; i++) {
		const struct dkimcheck_sig *sig = m->sig[i].sig;

		if (sig->result == DKIMCHECK_PASS && !m->sig[i].aligned &&
		    message_list_aligned(m, sig->domain))
			snprintf(a->list_signer, sizeof(a->list_signer), "%s", sig->domain);
	}
	if (!a->list_signer[0])
		return;
	for (size_t i = 0; i < m->nsigs; i++) {
		if (!m->sig[i].aligned)
			continue;
		if (!message_list_explained(m, i, &footer, &tag))
			return;
		explained = true;
	}
	if (!explained)
		return;
	a->list = true;
	a->list_change = footer && tag ? "a footer and a Subject tag" : footer ? "a footer" :
			 "a Subject tag";
}

/* message_spf_aligned - the SPF result used passes for a domain aligned with From */
static bool message_spf_aligned(const struct message *m)
{
	const struct spfcheck_out *spf = m->auth.spf;

	if (spf == NULL || spf->result != SPFCHECK_PASS)
		return false;
	/* DMARC's own alignment (aspf=) when a record was read */
	if (m->dmarc.evaluated && (m->dmarc.result == DMARCCHECK_PASS || m->dmarc.result == DMARCCHECK_FAIL))
		return m->dmarc.spf_aligned;
	return m->from.parsed && align_check(detector_psl(m->det), spf->domain, m->from.ascii,
					      ALIGN_RELAXED);
}

/* message_spf_temp - SPF could not be had for a domain that could have aligned */
static bool message_spf_temp(const struct message *m)
{
	const struct spfcheck_out *spf = m->auth.spf;

	return spf != NULL && spf->result == SPFCHECK_TEMPERROR && m->from.parsed &&
	       align_check(detector_psl(m->det), spf->domain, m->from.ascii, ALIGN_RELAXED);
}

/* message_policy_enforced - the brand's DMARC policy asks receivers to act on failure */
static bool message_policy_enforced(const struct message *m)
{
	if (!m->dmarc.evaluated)
		return true;	/* no DMARC evaluated: as strict as a brand can be */
	return (m->dmarc.result == DMARCCHECK_PASS || m->dmarc.result == DMARCCHECK_FAIL) &&
	       m->dmarc.applied >= DMARCCHECK_P_QUARANTINE;
}

/* message_auth_state - the row of the verdict table the message falls in */
static enum message_auth message_auth_state(const struct message *m)
{
	const struct message_authsum *a = &m->auth;

	if (m->from_any_owner == NULL)
		return AUTH_NONE;
	if (m->hdr.seen[HEADER_FROM] != 1 || m->from_addresses != 1 || m->from.owner == NULL)
		return AUTH_FAIL;
	if (a->dkim.pass || a->dkim.trusted || a->spf_pass_aligned || a->dmarc_trusted_pass)
		return AUTH_PASS;
	if (!m->dkim_evaluated)
		return AUTH_UNKNOWN;
	if (a->list)
		return AUTH_WEAK;
	if ((a->dkim.temperror && !a->dkim.bad) ||
	    (message_spf_temp(m) && !(a->dkim.bad && a->dkim.bad->result == DKIMCHECK_FAIL)))
		return AUTH_UNKNOWN;
	return message_policy_enforced(m) ? AUTH_FAIL : AUTH_WEAK;
}

/* message_auth_eom - the end: the second verification, SPF, DMARC, the conclusion */
void message_auth_eom(struct message *m)
{
	struct message_authsum *a = &m->auth;

	if (m->dk_untagged != NULL)
		dkimcheck_eom(m->dk_untagged);
	message_dkim_sum(m, &a->dkim);
	message_spf_run(m);
	a->spf = m->trust.has_spf ? &m->trust.spf : m->spf_attempted ? &m->spf : NULL;
	a->spf_by = m->trust.has_spf ? m->trust.spf_by : NULL;
	message_dmarc_run(m);
	a->spf_pass_aligned = message_spf_aligned(m);
	a->dmarc_trusted_pass = m->trust.has_dmarc && m->trust.dmarc == DMARCCHECK_PASS &&
				m->from.parsed && strcmp(m->trust.dmarc_from, m->from.ascii) == 0;
	message_list_relay(m);
	a->state = message_auth_state(m);
}

/* message_policy_text - what the brand publishes, for a finding's detail */
static const char *message_policy_text(const struct message *m, char *buf, size_t size)
{
	const struct dmarccheck_out *d = &m->dmarc;

	switch (d->result) {
	case DMARCCHECK_PASS:
	case DMARCCHECK_FAIL:
		snprintf(buf, size, "DMARC p=%s%s", dmarccheck_policy_name(d->applied),
			 d->applied != (d->from_org && d->sp ? d->sp : d->p) ? " (pct under 100)" : "");
		return buf;
	case DMARCCHECK_TEMPERROR:
		return "a DMARC record that could not be fetched";
	case DMARCCHECK_PERMERROR:
		return "a DMARC record that cannot be read";
	default:
		return d->reason && strstr(d->reason, "several") ? "several DMARC records" :
		       "no DMARC record";
	}
}

/* message_finding_fail - under an enforced policy, or none known: as strong as ever */
static void message_finding_fail(struct message *m, const struct brand *b, const char *d)
{
	const struct message_dkimsum *s = &m->auth.dkim;
	struct reason_list *rl = &m->v.reasons;
	const char *bn = brand_name(b);
	char pol[96], tail[128] = "";

	if (m->dmarc.evaluated)
		snprintf(tail, sizeof(tail), "; %s publishes %s", bn,
			 message_policy_text(m, pol, sizeof(pol)));
	if (s->bad)
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b,
			   message_bad_strength(s->bad), d,
			   "the DKIM signature of %s does not pass (%s: %s)%s", s->bad->domain,
			   dkimcheck_result_name(s->bad->result), s->bad->reason, tail);
	else if (s->testing)
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 55, d,
			   "the signature of %s passes with a key in testing mode (t=y), which RFC 6376 treats as unsigned%s",
			   s->testing->domain, tail);
	else if (s->other)
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 95, d,
			   "no DKIM signature of %s: signed only by %s, which does not sign for it%s",
			   bn, s->other->domain, tail);
	else
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 90, d,
			   "no DKIM signature: a domain of %s without authentication%s", bn, tail);
}

/*
 * message_finding_weak - the brand publishes p=none or no usable record (it
 * may send unaligned mail), or a list changed its mail: suspect at most
 * alone; 75 when the mail carries a sign of forgery (SPF fail, an aligned
 * signature that does not verify), so that any other finding makes an
 * impersonation
 */
static void message_finding_weak(struct message *m, const struct brand *b, const char *d)
{
	const struct message_authsum *a = &m->auth;
	const struct dkimcheck_sig *bad = a->dkim.bad;
	struct reason_list *rl = &m->v.reasons;
	const char *bn = brand_name(b);
	char pol[96];

	if (a->list) {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 50, d,
			   "mail of %s changed by the mailing list %s (%s added; the list signs as %s)",
			   bn, m->list_id, a->list_change, a->list_signer);
	} else if (a->spf && a->spf->result == SPFCHECK_FAIL) {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 75, d,
			   "a domain of %s not authenticated, and SPF fails for %s; %s publishes %s",
			   bn, a->spf->domain, bn, message_policy_text(m, pol, sizeof(pol)));
	} else if (bad && bad->result == DKIMCHECK_FAIL) {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 75, d,
			   "the DKIM signature of %s does not pass (%s); %s publishes %s", bad->domain,
			   bad->reason, bn, message_policy_text(m, pol, sizeof(pol)));
	} else {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 50, d,
			   "a domain of %s without aligned DKIM or SPF pass (%s%s%s); %s publishes %s,"
			   " so it may send such mail", bn,
			   a->dkim.other ? "signed by " : "SPF ",
			   a->dkim.other ? a->dkim.other->domain :
			   a->spf ? spfcheck_result_name(a->spf->result) : "not checked",
			   a->dkim.other || !a->spf || !a->spf->domain[0] ? "" : " for the sender",
			   bn, message_policy_text(m, pol, sizeof(pol)));
	}
}

/* message_auth_finding - brand-unauthenticated, with the strength its row gives */
void message_auth_finding(struct message *m)
{
	const struct message_authsum *a = &m->auth;
	const struct brand *b = m->from.owner ? m->from.owner : m->from_any_owner;
	const char *d = m->from.parsed ? m->from.ascii : "";
	struct reason_list *rl = &m->v.reasons;

	if (a->state == AUTH_PASS || a->state == AUTH_NONE || !m->dkim_evaluated)
		return;
	if (m->hdr.seen[HEADER_FROM] != 1 || m->from_addresses != 1) {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 100, d,
			   "a domain of %s in a From that is not one address: no signature can vouch for it",
			   brand_name(b));
	} else if (a->state == AUTH_UNKNOWN && a->dkim.temperror && !a->dkim.bad) {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 30, d,
			   "the DKIM key of %s could not be fetched (temperror: %s): authentication unknown",
			   a->dkim.temperror->domain, a->dkim.temperror->reason);
	} else if (a->state == AUTH_UNKNOWN) {
		reason_add(rl, REASON_BRAND_UNAUTHENTICATED, WHERE_FROM, b, 30, d,
			   "SPF for %s could not be evaluated (temperror: %s): authentication unknown",
			   a->spf->domain, a->spf->reason);
	} else if (a->state == AUTH_WEAK) {
		message_finding_weak(m, b, d);
	} else {
		message_finding_fail(m, b, d);
	}
}

/* message_auth_free - what message_auth allocated */
void message_auth_free(struct message *m)
{
	dkimcheck_free(m->dk_untagged);
	for (size_t i = 0; i < m->nbodycheck; i++)
		dkimbody_free(m->bodycheck[i]);
}

/* message_spf - SPF as vigie evaluated it, or NULL */
const struct spfcheck_out *message_spf(const struct message *m)
{
	return m->spf_attempted ? &m->spf : NULL;
}

/* message_dmarc - DMARC (evaluated false: not, and why), after message_eom */
const struct dmarccheck_out *message_dmarc(const struct message *m)
{
	return &m->dmarc;
}

/* message_spf_used - the SPF result the verdict used, and the trusted relay it came from */
const struct spfcheck_out *message_spf_used(const struct message *m, const char **by)
{
	*by = m->auth.spf_by;
	return m->auth.spf;
}

/* message_trusted_dmarc - the trusted relay whose dmarc= was read, and its result */
const char *message_trusted_dmarc(const struct message *m, enum dmarccheck_result *result)
{
	*result = m->trust.dmarc;
	return m->trust.has_dmarc ? m->trust.dmarc_by : NULL;
}

/* message_dns_queries - DNS lookups of the message */
unsigned message_dns_queries(const struct message *m)
{
	return m->budget.queries;
}
