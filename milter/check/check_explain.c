/*
 * check_explain - the --explain report of vigie-check: what was judged with
 * what (versions, brand pack, configuration), the message's key headers,
 * each finding with its weight and its share of the score, DKIM signature
 * by signature, the links judged, what the caps cut, the header edits the
 * milter would make, byte for byte, and the action the configuration takes.
 *
 * Touches: the output stream only. Everything printed that came from the
 * message is escaped (check_text) and cut at EXPLAIN_VALUE_MAX bytes. The
 * edits and the action come from the module the daemon carries out
 * (action.c), and each finding's points from verdict.c's own arithmetic,
 * so the report cannot drift from what the milter does.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "banner.h"
#include "brands.h"
#include "check_explain.h"
#include "check_mode.h"
#include "conf.h"
#include "detector.h"
#include "dns.h"
#include "edit.h"
#include "message.h"
#include "packfile.h"
#include "policy.h"
#include "rewrite.h"
#include "verdict.h"
#include "xalloc.h"

/* the header fields shown, first occurrence each */
static const char *const explain_keys[] = {
	"Return-Path", "From", "Sender", "Reply-To", "To", "Subject", "Date", "Message-ID",
};
#define EXPLAIN_KEYS (sizeof(explain_keys) / sizeof(explain_keys[0]))

static const char *const explain_sources[] = { "url", "bare", "email", "href", "area", "form" };

struct check_explain {
	const struct check_opts *o;
	char *key[EXPLAIN_KEYS];		/* first value of each, NULL: absent */
	size_t count[EXPLAIN_KEYS];		/* fields of each name */
	char *ar[EXPLAIN_AR_MAX];		/* Authentication-Results, as received */
	size_t nar;
	size_t dkim_sigs;			/* DKIM-Signature fields */
	char *envelope;				/* MAIL FROM as judged, NULL: unknown */
	const char *envelope_source;		/* where it came from */
	struct edit edit;			/* the milter's bookkeeping of forged fields */
	struct vbuf body;			/* the body, for the warning banner's plan */
};

/* check_explain_new - a report for one message, under the given options */
struct check_explain *check_explain_new(const struct check_opts *o)
{
	struct check_explain *x = xcalloc(1, sizeof(*x));

	x->o = o;
	edit_init(&x->edit);
	/* one byte over BannerMaxSize says the milter would keep the body as it is */
	vbuf_init(&x->body, o->conf->banner_max_size + 1);
	return x;
}

/* explain_keep - a value as shown: capped, leading blank dropped */
static char *explain_keep(const char *value)
{
	value += strspn(value, " \t");
	return xstrndup(value, strnlen(value, EXPLAIN_VALUE_MAX + 1));
}

/* check_explain_header - one field as the milter sees it */
void check_explain_header(struct check_explain *x, const char *name, const char *value)
{
	edit_header(&x->edit, name, value, x->o->conf->authserv_id);
	for (size_t i = 0; i < EXPLAIN_KEYS; i++)
		if (strcasecmp(name, explain_keys[i]) == 0) {
			if (x->count[i]++ == 0)
				x->key[i] = explain_keep(value);
			return;
		}
	if (strcasecmp(name, "Authentication-Results") == 0 && x->nar < EXPLAIN_AR_MAX)
		x->ar[x->nar++] = explain_keep(value);
	else if (strcasecmp(name, "DKIM-Signature") == 0)
		x->dkim_sigs++;
}

/* check_explain_envelope - the envelope sender judged, and where it came from */
void check_explain_envelope(struct check_explain *x, const char *sender, const char *source)
{
	free(x->envelope);
	x->envelope = explain_keep(sender);
	x->envelope_source = source;
}

/* explain_value - a header value on one line: folds as spaces, escaped, capped */
static void explain_value(FILE *out, const char *v)
{
	size_t n = strlen(v);
	char *flat = xstrndup(v, n);

	for (char *p = flat; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	check_text(out, flat, n > EXPLAIN_VALUE_MAX ? EXPLAIN_VALUE_MAX : n);
	if (n > EXPLAIN_VALUE_MAX)
		fputs("...", out);
	free(flat);
}

/* explain_dns_source - where the analysis's DNS answers come from, in words */
static const char *explain_dns_source(enum dns_source src)
{
	switch (src) {
	case DNS_ZONE:
		return "the TestDNS zone (no network)";
	case DNS_NONE:
		return "none: DKIM keys from the key file, no SPF or DMARC";
	default:
		return "the name servers (Nameservers, or resolv.conf)";
	}
}

/* explain_setup - versions, brand pack and configuration */
static void explain_setup(FILE *out, const struct check_opts *o, const struct detector *det)
{
	const struct packfile *pf = detector_pack(det);
	const struct conf *c = o->conf;
	const char *origin = brands_origin(detector_brands(det));

	fprintf(out, "== judged by\n  vigie-check %s (the milter's analysis, same code)\n",
		PACKAGE_VERSION);
	fputs("  brand pack: ", out);
	check_text(out, origin, strlen(origin));
	fprintf(out, ", version %s, sha256 %s, %s, %zu brands\n",
		pf->version[0] ? pf->version : "(none)", pf->sha256[0] ? pf->sha256 : "-",
		!o->brands && !c->brands ? "compiled in" :
		pf->verified ? "signature verified (BrandsKey)" : "signature not checked",
		brands_count(detector_brands(det)));
	fprintf(out, "  configuration: %s\n", c->path ? c->path : "built-in defaults (no --config)");
	fprintf(out, "    SuspectAction %s, ImpersonationAction %s, DKIMVerify %s, SPFVerify %s,"
		" AuthservID %s, MaxBodyScan %zu, SubjectTag %s, Banner %s\n",
		conf_action_name(c->policy.suspect_action), conf_action_name(c->policy.impersonation_action),
		conf_dkim_name(c->dkim_verify), conf_spf_name(c->spf_verify), c->authserv_id,
		c->max_body_scan, c->policy.subject_tag ? c->policy.subject_tag : "(none)",
		conf_banner_name(c->policy.banner));
	fprintf(out, "  DNS: %s\n", explain_dns_source(dns_source(detector_dns(det))));
}

/* explain_headers - the key fields of the message, sanitised */
static void explain_headers(FILE *out, const struct check_explain *x, const char *file,
			    size_t count)
{
	fputs("== message ", out);
	check_text(out, file, strlen(file));
	if (count > 1)
		fprintf(out, " #%zu", count);
	fputc('\n', out);
	for (size_t i = 0; i < EXPLAIN_KEYS; i++) {
		fprintf(out, "  %s: ", explain_keys[i]);
		if (x->key[i] != NULL)
			explain_value(out, x->key[i]);
		else
			fputs("(none)", out);
		if (x->count[i] > 1)
			fprintf(out, "  [%zu such fields: the first is shown]", x->count[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < x->nar; i++) {
		fputs("  Authentication-Results: ", out);
		explain_value(out, x->ar[i]);
		fputc('\n', out);
	}
	fprintf(out, "  DKIM-Signature: %zu field%s\n", x->dkim_sigs, x->dkim_sigs == 1 ? "" : "s");
	fputs("  envelope sender (MAIL FROM): ", out);
	if (x->envelope != NULL) {
		explain_value(out, x->envelope);
		fprintf(out, " (from %s)\n", x->envelope_source);
	} else {
		fputs("unknown (no Return-Path): not judged\n", out);
	}
}

/* explain_from - the From address as the analysis decoded it */
static void explain_from(FILE *out, const struct message *m)
{
	const struct message_from *f = message_from(m);

	fputs("  From, decoded: ", out);
	if (f->display[0]) {
		fputc('"', out);
		check_text(out, f->display, strlen(f->display));
		fputs("\" ", out);
	}
	fputc('<', out);
	check_text(out, f->address, strlen(f->address));
	fprintf(out, ">, domain %s", f->domain[0] ? f->domain : "(none)");
	if (f->fields != 1 || f->addresses != 1)
		fprintf(out, " (%zu From fields, %zu addresses in the first)", f->fields,
			f->addresses);
	fputc('\n', out);
}

/* explain_findings - each finding with its points and its share of the score */
static void explain_findings(FILE *out, const struct verdict *v)
{
	const struct verdict_policy *p = &verdict_policy_default;
	struct verdict_step st;
	double keep = 1.0;

	fprintf(out, "== verdict\n  %s, score %d (suspect from %d, impersonation from %d)",
		verdict_kind_name(v->kind), v->score, p->suspect, p->impersonation);
	if (v->brand)
		fprintf(out, ", brand %s", brand_name(v->brand));
	fprintf(out, "\n== findings (points = weight x strength / 100;"
		" score = 100 x (1 - product of (1 - points/100)))\n");
	if (v->reasons.count == 0)
		fputs("  (none)\n", out);
	for (size_t i = 0; i < v->reasons.count; i++) {
		const struct reason *r = &v->reasons.item[i];

		verdict_step(p, r, &keep, &st);
		fprintf(out, "  %zu. %s (%s): weight %d x strength %d = %d points; score %d -> %d (+%d)\n     ",
			i + 1, reason_code_name(r->code), reason_where_name(r->where), st.weight,
			st.strength, st.points, st.before, st.after, st.after - st.before);
		check_text(out, r->detail, strlen(r->detail));
		fputc('\n', out);
	}
	if (v->reasons.dropped > 0)
		fprintf(out, "  (%zu more findings past %d not listed, not scored)\n",
			v->reasons.dropped, REASON_LIST_MAX);
}

/* explain_dkim - each signature, its result and alignment */
static void explain_dkim(FILE *out, const struct check_explain *x, const struct message *m)
{
	fprintf(out, "== DKIM (DKIMVerify %s): %s\n", conf_dkim_name(x->o->conf->dkim_verify),
		message_dkim_evaluated(m) ? "verified" :
		"not verified for this message (From and Sender are no brand's domain)");
	if (message_dkim_evaluated(m) && message_sig_count(m) == 0)
		fputs("  no signature\n", out);
	for (size_t i = 0; i < message_sig_count(m); i++) {
		fputs("  ", out);
		check_sig_line(out, message_sig(m, i));
	}
}

/* explain_auth - SPF and DMARC, and what the client and envelope were */
static void explain_auth(FILE *out, const struct check_explain *x, const struct message *m)
{
	fprintf(out, "== SPF (SPFVerify %s): ", conf_spf_name(x->o->conf->spf_verify));
	check_spf_line(out, m);
	fprintf(out, "  client %s, HELO %s; DNS lookups for this message: %u\n",
		x->o->client_ip ? x->o->client_ip : "unknown (--client-ip)",
		x->o->helo ? x->o->helo : "unknown (--helo)", message_dns_queries(m));
	fputs("== DMARC: ", out);
	check_dmarc_line(out, m);
}

/* explain_links - the links judged and the caps */
static void explain_links(FILE *out, const struct message *m)
{
	struct vbuf caps = VBUF_INIT(4096);

	fprintf(out, "== links judged (%zu)\n", message_link_count(m));
	for (size_t i = 0; i < message_link_count(m); i++) {
		const struct message_link *l = message_link(m, i);

		fprintf(out, "  %s ", explain_sources[l->source % 6]);
		check_text(out, l->host, strlen(l->host));
		if (l->via[0]) {
			fputs(" (behind ", out);
			check_text(out, l->via, strlen(l->via));
			fputc(')', out);
		}
		if (l->shows[0]) {
			fputs(" (text shows ", out);
			check_text(out, l->shows, strlen(l->shows));
			fputc(')', out);
		}
		if (l->finding) {
			fprintf(out, ": %s: ", reason_code_name(l->code));
			check_text(out, l->detail, strlen(l->detail));
		}
		fputc('\n', out);
	}
	message_caps_text(m, &caps);
	fputs("== caps\n  ", out);
	if (caps.len)
		check_text(out, caps.data, caps.len);
	else
		fputs("nothing left out", out);
	fputc('\n', out);
	vbuf_free(&caps);
}

/* explain_raw - a value the milter writes, folds kept, anything else escaped */
static void explain_raw(FILE *out, const char *v)
{
	while (*v) {
		size_t n = strcspn(v, "\n");

		check_text(out, v, n);
		v += n;
		if (*v == '\n') {
			fputc('\n', out);
			v++;
			if (*v == '\t') {
				fputc('\t', out);
				v++;
			}
		}
	}
}

/* explain_edits - the header edits at end of message, as the milter makes them */
static void explain_edits(FILE *out, const struct action *a)
{
	fputs("== headers the milter changes\n", out);
	if (a->kind == ACTION_REJECT) {
		fputs("  none: the message is refused before any header is changed\n", out);
		return;
	}
	if (a->kind == ACTION_TEMPFAIL) {
		fputs("  none: too many forged X-Vigie-* or Authentication-Results fields to remove;"
		      " the milter defers the message (4xx)\n", out);
		return;
	}
	for (size_t i = 0; i < a->ndel; i++)
		fprintf(out, "  removed: %s #%u (incoming, claims to be vigie's)\n", a->del[i].name,
			a->del[i].index);
	for (size_t i = 0; i < a->nfields; i++) {
		fprintf(out, "  %s: %s: ", a->field[i].top ? "inserted at the top" : "added",
			a->field[i].name);
		explain_raw(out, vbuf_str(&a->field[i].value));
		fputc('\n', out);
	}
	if (!a->subject_tagging)
		return;
	switch (a->subject) {
	case EDIT_SUBJECT_CHANGE:
	case EDIT_SUBJECT_ADD:
		fprintf(out, "  %s: Subject: ", a->subject == EDIT_SUBJECT_ADD ? "added" : "changed");
		explain_raw(out, vbuf_str(&a->subject_value));
		fputc('\n', out);
		break;
	case EDIT_SUBJECT_KEEP:
		fputs("  Subject kept: already tagged (or too long to redo)\n", out);
		break;
	}
}

/* explain_action - what this configuration does with the verdict */
static void explain_action(FILE *out, const struct action *a, const struct verdict *v)
{
	if (a->kind == ACTION_TEMPFAIL) {
		fputs("== action: tempfail\n  the message is deferred (4xx): forged headers could"
		      " not all be removed\n", out);
		return;
	}
	fprintf(out, "== action: %s", action_kind_name(a->kind));
	if (v->kind != VERDICT_CLEAN)
		fprintf(out, " (%s %s)", v->kind == VERDICT_SUSPECT ? "SuspectAction" :
			"ImpersonationAction", conf_action_name(a->configured));
	fputc('\n', out);
	switch (a->kind) {
	case ACTION_TAG:
		fputs("  the headers above are added and the message is delivered\n", out);
		break;
	case ACTION_QUARANTINE:
		fputs("  the headers above are added and the MTA holds the message, reason \"", out);
		fputs(vbuf_str(&a->quarantine), out);
		fputs("\" (Postfix: hold queue; postqueue -p, postsuper -H ID)\n", out);
		break;
	case ACTION_REJECT:
		/* libmilter sends "%%" as "%" */
		fputs("  the message is refused: 550 5.7.1 ", out);
		for (const char *p = vbuf_str(&a->reply); *p; p++) {
			fputc(*p, out);
			if (p[0] == '%' && p[1] == '%')
				p++;
		}
		fputc('\n', out);
		break;
	case ACTION_TEMPFAIL:
		break;
	}
}

/*
 * check_explain_body - a body chunk, kept for the banner's plan when a
 * banner is possible at all (the milter keeps it then too)
 */
void check_explain_body(struct check_explain *x, const char *data, size_t len)
{
	if (conf_may_banner(x->o->conf))
		vbuf_add(&x->body, data, len);
}

/* explain_body - what the milter does to the body: the warning banner, or why not */
static void explain_body(FILE *out, const struct check_explain *x, const struct action *a)
{
	struct rewrite_plan plan;
	struct banner_field f[BANNER_FIELDS_MAX];
	struct vbuf said = VBUF_INIT(1024);
	size_t n;

	fputs("== body\n", out);
	if (a->kind == ACTION_REJECT || a->kind == ACTION_TEMPFAIL || !a->banner_due) {
		fprintf(out, "  unchanged (%s)\n", a->kind == ACTION_REJECT ? "the message is refused" :
			a->kind == ACTION_TEMPFAIL ? "the message is deferred" :
			a->banner_skip ? a->banner_skip : "a clean message");
		return;
	}
	if (!a->banner) {
		fprintf(out, "  unchanged: %s\n", a->banner_skip);
		return;
	}
	banner_plan(a, &x->edit, vbuf_str(&x->body), x->body.len, x->body.overflow, &plan);
	banner_describe(&plan, &said);
	fprintf(out, "  %s\n", vbuf_str(&said));
	if (plan.status != REWRITE_CHANGE)
		fputs("  the message keeps its text; it gets the headers (and the Subject tag) only\n", out);
	n = banner_fields(&plan, &x->edit, f);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %s: %s: ", f[i].change ? "changed" : "added", f[i].name);
		check_text(out, f[i].value, strlen(f[i].value));
		fputc('\n', out);
	}
	rewrite_plan_free(&plan);
	vbuf_free(&said);
}

/*
 * explain_policy - with DomainPolicies, the entry of each --rcpt domain and
 * the merged policy the milter applies; p gets the policy to act on
 */
static const struct conf_policy *explain_policy(FILE *out, const struct check_opts *o,
						bool *analyse)
{
	struct policy_merge m;
	struct vbuf text = VBUF_INIT(4096);
	const struct conf_policy *p;

	*analyse = true;
	if (o->conf->domain_policies == NULL) {
		if (o->nrcpts > 0)
			fputs("== policy: no DomainPolicies in this configuration: --rcpt changes nothing\n",
			      out);
		return &o->conf->policy;
	}
	policy_merge_init(&m, o->conf->domain_policies);
	for (size_t i = 0; i < o->nrcpts; i++)
		policy_merge_rcpt(&m, o->rcpts[i]);
	p = policy_merge_result(&m, analyse);
	fprintf(out, "== policy (DomainPolicies %s)\n", o->conf->domain_policies->path);
	if (o->nrcpts == 0)
		fputs("  no --rcpt: the default entry, as for a recipient no entry names\n", out);
	for (size_t i = 0; i < m.ndom; i++) {
		const struct policy_entry *e = m.dom[i].entry;

		fputs("  recipient domain ", out);
		check_text(out, m.dom[i].domain[0] ? m.dom[i].domain : "(none)",
			   strlen(m.dom[i].domain[0] ? m.dom[i].domain : "(none)"));
		if (e == &o->conf->domain_policies->base)
			fputs(": no entry, vigie.conf's own policy", out);
		else
			fprintf(out, ": entry %s (line %u)", e->key, e->line);
		fprintf(out, ": SuspectAction %s, ImpersonationAction %s, SubjectTag %s, Banner %s,"
			" Analyse %s\n", conf_action_name(e->policy.suspect_action),
			conf_action_name(e->policy.impersonation_action),
			e->policy.subject_tag ? e->policy.subject_tag : "(none)",
			conf_banner_name(e->policy.banner), e->analyse ? "yes" : "no");
	}
	if (m.more > 0)
		fprintf(out, "  (%zu more recipient domains not listed)\n", m.more);
	policy_merge_describe(&m, &text);
	fprintf(out, "  applied (%s): %s\n", m.mixed ? "recipients under different entries:"
		" the weakest action, the first Subject tag, the strongest Banner, analysed unless"
		" all say no" :
		"one entry for every recipient", vbuf_str(&text));
	vbuf_free(&text);
	return p;
}

/* check_explain_report - the whole report, after message_eom */
void check_explain_report(struct check_explain *x, const struct detector *det,
			  const struct message *m, const char *file, size_t count, FILE *out)
{
	const struct verdict *v = message_verdict(m);
	const struct conf_policy *p;
	struct action a;
	bool analyse;

	explain_setup(out, x->o, det);
	explain_headers(out, x, file, count);
	explain_from(out, m);
	explain_findings(out, v);
	explain_dkim(out, x, m);
	explain_auth(out, x, m);
	explain_links(out, m);
	p = explain_policy(out, x->o, &analyse);
	if (!analyse) {
		fputs("== action: none\n  the milter does not analyse this message: every"
		      " recipient's policy says Analyse=no; it passes untouched\n\n", out);
		return;
	}
	action_decide(&a, x->o->conf, p, &x->edit, m, false);
	explain_edits(out, &a);
	explain_body(out, x, &a);
	explain_action(out, &a, v);
	action_free(&a);
	fputc('\n', out);
}

/* check_explain_free - release; NULL is fine */
void check_explain_free(struct check_explain *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < EXPLAIN_KEYS; i++)
		free(x->key[i]);
	for (size_t i = 0; i < x->nar; i++)
		free(x->ar[i]);
	edit_reset(&x->edit);
	vbuf_free(&x->body);
	free(x->envelope);
	free(x);
}
