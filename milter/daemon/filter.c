/*
 * filter - the libmilter callbacks: a thin layer that feeds each message to
 * the analysis (message.h) and applies its verdict.
 *
 * Touches: the MTA connection through libmilter, the current runtime (one
 * reference per message), the log. Per-connection state lives only in the
 * session set with smfi_setpriv. A failure never loses mail: at worst the
 * message passes untouched or is deferred (tempfail) and the log says why.
 *
 * Path of a message: negotiate -> connect (PeerList) -> helo (kept for SPF)
 * -> envfrom (skips, message_new) -> envrcpt* (DomainPolicies only) ->
 * header* -> eoh -> body* (until the analysis has enough, or to the end
 * while the body is kept for the warning banner) -> eom (verdict, the
 * recipients' policy, header edits, banner, action, log line).
 *
 * Every callback passes a gate (filter_enter): once vigie stops, none
 * starts, and filter_drain waits for those running to end, so that what
 * they use is not freed under them.
 */
#include <config.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "action.h"
#include "bodyedit.h"
#include "brands.h"
#include "conf.h"
#include "confvalue.h"
#include "detector.h"
#include "filter.h"
#include "hostlist.h"
#include "log.h"
#include "message.h"
#include "policy.h"
#include "runtime.h"
#include "session.h"
#include "spool.h"
#include "stats.h"
#include "verdict.h"
#include "xalloc.h"

#define FILTER_NEED (SMFIF_ADDHDRS | SMFIF_CHGHDRS)
#define FILTER_WANT (FILTER_NEED | SMFIF_QUARANTINE | SMFIF_SETSYMLIST)
#define FILTER_REGISTER (FILTER_WANT | SMFIF_CHGBODY)	/* the body only for the banner */
#define FILTER_NOSEND (SMFIP_NOHELO | SMFIP_NORCPT | SMFIP_NOUNKNOWN | SMFIP_NODATA)
#define FILTER_NOREPLY (SMFIP_NR_HELO | SMFIP_NR_HDR | SMFIP_NR_EOH)

/*
 * Set once before libmilter starts: the socket is TCP. Over TCP, Postfix's
 * macro packets for RCPT and DATA go unanswered when those steps are off,
 * and its next write then waits on our delayed ACK (about 40 ms a message,
 * measured). Keeping the DATA step gives it a reply to carry the ACK.
 */
static bool filter_tcp;

static atomic_uint filter_running;	/* callbacks under way */
static atomic_bool filter_closing;	/* set once: no callback starts any more */

/* filter_enter - a callback may run (and is counted), or vigie is stopping */
static bool filter_enter(void)
{
	atomic_fetch_add(&filter_running, 1);
	if (!atomic_load(&filter_closing))
		return true;
	atomic_fetch_sub(&filter_running, 1);
	return false;
}

/* filter_leave - a callback is done */
static void filter_leave(void)
{
	atomic_fetch_sub(&filter_running, 1);
}

/* filter_drain - close the gate, wait up to ms for running callbacks; false if some still run */
bool filter_drain(unsigned ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	atomic_store(&filter_closing, true);
	for (unsigned waited = 0; atomic_load(&filter_running) > 0; waited += 10) {
		if (waited >= ms)
			return false;
		nanosleep(&tick, NULL);
	}
	return true;
}

/* filter_session - the connection's state, created on first use */
static struct session *filter_session(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	if (s == NULL) {
		s = session_new();
		if (smfi_setpriv(ctx, s) != MI_SUCCESS) {
			session_free(s);
			stats_error(STATS_ERR_SESSION);
			return NULL;
		}
	}
	return s;
}

/*
 * filter_negotiate - ask for only what vigie uses, each flag guarded by
 * what the MTA offers: the header actions, quarantine, the macros it reads,
 * changing the body when the configuration writes warning banners;
 * no HELO, RCPT, unknown-command or (on unix sockets) DATA events; no
 * replies to HELO and headers; byte-exact header values; skipping the body.
 * RCPT is asked for only with DomainPolicies, HELO only when SPF can run
 * (SPFVerify is not never): SPF checks the HELO name when the envelope
 * sender is empty.
 */
static sfsistat filter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
				 unsigned long f2, unsigned long f3, unsigned long *pf0,
				 unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct session *s = filter_session(ctx);
	unsigned long steps;
	struct runtime *rt;
	bool banners, rcpt, helo;

	if (s == NULL)
		return SMFIS_REJECT;
	if ((f0 & FILTER_NEED) != FILTER_NEED) {
		log_error("the MTA does not let filters add and change headers"
			  " (actions offered 0x%lx): vigie is off for this connection", f0);
		session_free(s);
		smfi_setpriv(ctx, NULL);
		return SMFIS_REJECT;
	}
	/*
	 * the body is changed only where banners may be written; recipients
	 * only matter to DomainPolicies: without it, no RCPT step; HELO only
	 * while SPF can run
	 */
	rt = runtime_acquire();
	banners = rt != NULL && conf_may_banner(rt->conf);
	rcpt = rt != NULL && rt->conf->domain_policies != NULL;
	helo = rt != NULL && rt->conf->spf_verify != MESSAGE_SPF_NEVER;
	runtime_release(rt);
	s->actions = f0 & FILTER_WANT;
	if ((f0 & SMFIF_CHGBODY) && banners)
		s->actions |= SMFIF_CHGBODY;
	steps = f1 & (FILTER_NOSEND | FILTER_NOREPLY | SMFIP_SKIP | SMFIP_HDR_LEADSPC);
	if (filter_tcp)
		steps &= ~(unsigned long)SMFIP_NODATA;
	if (rcpt)
		steps &= ~(unsigned long)SMFIP_NORCPT;
	if (helo)
		steps &= ~(unsigned long)SMFIP_NOHELO;
	s->leadspc = (steps & SMFIP_HDR_LEADSPC) != 0;
	s->can_skip = (steps & SMFIP_SKIP) != 0;
	s->noreply = steps & FILTER_NOREPLY;
	if (s->actions & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT, "j {daemon_name} {client_addr}");
		smfi_setsymlist(ctx, SMFIM_ENVFROM, "{auth_authen} i");
		smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	*pf0 = s->actions;
	*pf1 = steps;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* filter_reply - the answer to a step that may have been negotiated reply-free */
static sfsistat filter_reply(const struct session *s, unsigned long flag)
{
	return (s->noreply & flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* filter_mta_name - the MTA's name (j), kept when it is a valid authserv-id */
static void filter_mta_name(struct session *s, const char *j)
{
	struct vbuf why = VBUF_INIT(256);

	s->mta_name[0] = '\0';
	if (j != NULL && strlen(j) < sizeof(s->mta_name) && confvalue_token(j, &why))
		snprintf(s->mta_name, sizeof(s->mta_name), "%s", j);
	vbuf_free(&why);
}

/* filter_authserv - the authserv-id of this connection: AuthservID, else the MTA's name */
static const char *filter_authserv(const struct session *s, const struct conf *c)
{
	return c->authserv_mta && s->mta_name[0] ? s->mta_name : c->authserv_id;
}

/* filter_connect - a new SMTP client; PeerList clients are let through untouched */
static sfsistat filter_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	struct session *s = filter_session(ctx);
	struct runtime *rt;
	bool peer;

	if (s == NULL)
		return SMFIS_TEMPFAIL;
	stats_connection();
	filter_mta_name(s, smfi_getsymval(ctx, "j"));
	session_set_addr(s, sa);
	/* an MTA that gives no socket address may still give the macro */
	if (s->addr_len == 0)
		session_set_addr_text(s, smfi_getsymval(ctx, "{client_addr}"));
	rt = runtime_acquire();
	peer = rt != NULL && s->addr_len > 0 &&
	       hostlist_match(rt->conf->peer_list, s->addr, s->addr_len);
	runtime_release(rt);
	if (peer) {
		log_info("%s: client in PeerList: connection not filtered", s->client);
		stats_peer();
		return SMFIS_ACCEPT;
	}
	return SMFIS_CONTINUE;
}

/* filter_helo - the client's HELO/EHLO name, kept for SPF (a null sender's identity) */
static sfsistat filter_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = filter_session(ctx);

	if (s == NULL)
		return SMFIS_CONTINUE;	/* SPF then goes without it */
	snprintf(s->helo, sizeof(s->helo), "%s", helo ? helo : "");
	/* no reply: the MTA sends MAIL at once, and both wait for one worker */
	return filter_reply(s, SMFIP_NR_HELO);
}

/* filter_skip_reason - why this message is not analysed (and its kind), or NULL */
static const char *filter_skip_reason(SMFICTX *ctx, const struct session *s,
				      const struct conf *conf, enum stats_skip *kind)
{
	const char *daemon = smfi_getsymval(ctx, "{daemon_name}");
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");

	*kind = STATS_SKIP_LOCAL;
	if (s->addr_len == 0)
		return "local submission (no client address)";
	*kind = STATS_SKIP_INTERNAL;
	if (hostlist_match(conf->internal_hosts, s->addr, s->addr_len))
		return "client in InternalHosts";
	*kind = STATS_SKIP_ORIGINATING;
	if (daemon != NULL && strcmp(daemon, "ORIGINATING") == 0)
		return "submission service ({daemon_name} ORIGINATING)";
	*kind = STATS_SKIP_AUTHENTICATED;
	if (conf->skip_authenticated && auth != NULL && auth[0] != '\0')
		return "authenticated client (SkipAuthenticated)";
	return NULL;
}

/* filter_envfrom - a new message: skip it, or start its analysis */
static sfsistat filter_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *s = filter_session(ctx);
	struct message_opts opts;
	enum stats_skip kind;
	struct timespec t0;
	const char *why;
	char sender[256];

	if (s == NULL)
		return SMFIS_TEMPFAIL;
	session_busy_start(&t0);
	session_end_message(s);
	stats_message();
	s->rt = runtime_acquire();
	if (s->rt == NULL) {
		stats_error(STATS_ERR_NO_RUNTIME);
		return SMFIS_TEMPFAIL;
	}
	why = filter_skip_reason(ctx, s, s->rt->conf, &kind);
	if (why != NULL) {
		log_info("%s: not checked: %s, sender %s", s->client, why,
			 log_safe(sender, sizeof(sender), argv[0]));
		stats_skipped(kind);
		session_end_message(s);
		return SMFIS_ACCEPT;
	}
	conf_message_opts(s->rt->conf, &opts);
	opts.authserv_id = filter_authserv(s, s->rt->conf);
	s->msg = message_new(s->rt->det, &opts);
	message_trust(s->msg, s->rt->conf->trusted_authserv_ids);
	message_client(s->msg, s->addr_len > 0 ? s->client : NULL, s->helo);
	message_envelope_from(s->msg, argv[0] ? argv[0] : "");
	if ((s->actions & SMFIF_CHGBODY) && conf_may_banner(s->rt->conf))
		s->spool = spool_new(s->rt->conf->banner_memory, s->rt->conf->banner_max_size,
				     s->rt->conf->banner_spool);
	if (s->rt->conf->domain_policies != NULL) {
		policy_merge_init(&s->policy, s->rt->conf->domain_policies);
		s->policy_on = true;
	}
	session_busy_add(s, &t0);
	return SMFIS_CONTINUE;
}

/* filter_envrcpt - a recipient (DomainPolicies only): its domain's policy merged in */
static sfsistat filter_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session *s = smfi_getpriv(ctx);

	if (s != NULL && s->msg != NULL && s->policy_on)
		policy_merge_rcpt(&s->policy, argv[0]);
	return SMFIS_CONTINUE;
}

/*
 * filter_policy_gate - once the recipients are all known (the first header
 * or the end of headers): if every recipient's policy says Analyse=no, the
 * analysis stops here and the message passes untouched. False then.
 */
static bool filter_policy_gate(struct session *s)
{
	struct vbuf text = VBUF_INIT(4096);
	bool analyse;

	if (!s->policy_on || s->policy_gated)
		return true;
	s->policy_gated = true;
	policy_merge_result(&s->policy, &analyse);
	if (analyse)
		return true;
	policy_merge_describe(&s->policy, &text);
	log_info("%s: not checked: every recipient's policy says Analyse=no (%s)", s->client,
		 vbuf_str(&text));
	vbuf_free(&text);
	stats_skipped(STATS_SKIP_POLICY);
	message_free(s->msg);
	s->msg = NULL;
	return false;
}

/* filter_spaced - a copy of a header value with one space in front */
static char *filter_spaced(const char *value)
{
	size_t n = strlen(value);
	char *v = xmalloc(n + 2);

	v[0] = ' ';
	memcpy(v + 1, value, n + 1);
	return v;
}

/* filter_header - one header field, noted for the edits and fed to the analysis */
static sfsistat filter_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = smfi_getpriv(ctx);
	struct timespec t0;

	if (s == NULL || s->msg == NULL || !filter_policy_gate(s))
		return s ? filter_reply(s, SMFIP_NR_HDR) : SMFIS_CONTINUE;
	session_busy_start(&t0);
	edit_header(&s->edit, name, value, filter_authserv(s, s->rt->conf));
	if (s->leadspc) {
		message_header(s->msg, name, value);
	} else {
		/* the MTA ate the space after the colon: put it back */
		char *v = filter_spaced(value);

		message_header(s->msg, name, v);
		free(v);
	}
	session_busy_add(s, &t0);
	return filter_reply(s, SMFIP_NR_HDR);
}

/* filter_eoh - end of the header block */
static sfsistat filter_eoh(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);
	struct timespec t0;

	if (s == NULL || s->msg == NULL || !filter_policy_gate(s))
		return s ? filter_reply(s, SMFIP_NR_EOH) : SMFIS_CONTINUE;
	session_busy_start(&t0);
	message_eoh(s->msg);
	session_busy_add(s, &t0);
	return filter_reply(s, SMFIP_NR_EOH);
}

/* filter_body - a body chunk, until the analysis has enough and no banner may need the body */
static sfsistat filter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session *s = smfi_getpriv(ctx);
	struct timespec t0;
	bool kept, more;

	if (s == NULL || s->msg == NULL)
		return (s && s->can_skip) ? SMFIS_SKIP : SMFIS_CONTINUE;
	session_busy_start(&t0);
	if (!s->body_done && !message_body(s->msg, chunk, len))
		s->body_done = true;
	/* past MaxBodyScan the analysis stops, the kept body goes on */
	kept = s->spool != NULL && spool_add(s->spool, chunk, len) == SPOOL_OK;
	more = !s->body_done || kept;
	session_busy_add(s, &t0);
	return (!more && s->can_skip) ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* filter_add - add one header field of the action; false if the MTA refused */
static bool filter_add(SMFICTX *ctx, const struct session *s, const struct action_field *f)
{
	/* with SMFIP_HDR_LEADSPC the MTA adds no space after the colon: we do */
	char *spaced = s->leadspc ? filter_spaced(vbuf_str(&f->value)) : NULL;
	char *v = spaced ? spaced : (char *)vbuf_str(&f->value);
	int rc = f->top ? smfi_insheader(ctx, 0, (char *)f->name, v)
			: smfi_addheader(ctx, (char *)f->name, v);

	free(spaced);
	if (rc != MI_SUCCESS) {
		log_error("%s: could not add %s header", s->qid, f->name);
		stats_error(STATS_ERR_HEADER);
	}
	return rc == MI_SUCCESS;
}

/* filter_strip - delete the forged fields; false if the MTA refused one */
static bool filter_strip(SMFICTX *ctx, const struct action *a)
{
	bool ok = true;

	for (size_t i = 0; i < a->ndel; i++)
		if (smfi_chgheader(ctx, a->del[i].name, (int)a->del[i].index, NULL) != MI_SUCCESS)
			ok = false;
	return ok;
}

/* filter_tag_subject - the action's Subject change, if any */
static void filter_tag_subject(SMFICTX *ctx, const struct session *s, const struct action *a)
{
	int rc = MI_SUCCESS;

	if (!a->subject_tagging)
		return;
	switch (a->subject) {
	case EDIT_SUBJECT_CHANGE:
		rc = smfi_chgheader(ctx, "Subject", 1, (char *)vbuf_str(&a->subject_value));
		break;
	case EDIT_SUBJECT_ADD:
		rc = smfi_addheader(ctx, "Subject", (char *)vbuf_str(&a->subject_value));
		break;
	case EDIT_SUBJECT_KEEP:
		break;
	}
	if (rc != MI_SUCCESS) {
		log_error("%s: could not tag the Subject", s->qid);
		stats_error(STATS_ERR_SUBJECT);
	}
}

/*
 * filter_caps - " caps=\"...\"" when the analysis hit a cap (what it left
 * unread could hide what it looks for), else nothing
 */
static void filter_caps(const struct session *s, char *out, size_t size)
{
	struct vbuf text = VBUF_INIT(1024);
	char safe[512];

	out[0] = '\0';
	if (!message_caps_hit(s->msg))
		return;
	message_caps_text(s->msg, &text);
	snprintf(out, size, " caps=\"%s\"", log_safe(safe, sizeof(safe), vbuf_str(&text)));
	vbuf_free(&text);
}

/* filter_log - the one line per message an admin greps for (banner: " banner=..." or "") */
static void filter_log(const struct session *s, const struct verdict *v,
		       const char *action, unsigned stripped, const char *banner)
{
	char from[256], brand[128], extra[32] = "", caps[600];
	struct vbuf codes = VBUF_INIT(512);
	bool seen[REASON_CODE_COUNT] = { false };

	/* each code once: a domain judged as envelope and From is one sign */
	for (size_t i = 0; i < v->reasons.count; i++) {
		unsigned c = (unsigned)v->reasons.item[i].code;

		if (c < REASON_CODE_COUNT && !seen[c]) {
			seen[c] = true;
			vbuf_printf(&codes, "%s%s", codes.len ? "," : "",
				    reason_code_name(v->reasons.item[i].code));
		}
	}
	if (v->reasons.dropped > 0)
		vbuf_printf(&codes, ",+%zu", v->reasons.dropped);
	log_safe(brand, sizeof(brand), v->brand ? brand_ascii_name(v->brand) : "-");
	log_safe(from, sizeof(from), message_from_domain(s->msg));
	if (stripped > 0)
		snprintf(extra, sizeof(extra), " stripped=%u", stripped);
	filter_caps(s, caps, sizeof(caps));
	log_info("%s: verdict=%s score=%d brand=\"%s\" from=%s reasons=%s action=%s%s"
		 " client=%s%s time=%.2fms%s",
		 s->qid, verdict_kind_name(v->kind), v->score, brand, from[0] ? from : "-",
		 codes.len ? vbuf_str(&codes) : "-", action, banner, s->client, extra,
		 session_busy_ms(s), caps);
	vbuf_free(&codes);
}

/* filter_count - the message's verdict, DKIM, SPF and DMARC results, caps and action in the metrics */
static void filter_count(const struct session *s, const struct verdict *v,
			 enum stats_action action)
{
	const struct spfcheck_out *spf = message_spf(s->msg);
	const struct dmarccheck_out *dmarc = message_dmarc(s->msg);
	enum stats_dkim r;

	if (message_dkim_evaluated(s->msg)) {
		for (size_t i = 0; i < message_sig_count(s->msg); i++) {
			const struct message_sig *sig = message_sig(s->msg, i);

			if (sig->checked &&
			    stats_dkim_lookup(dkimcheck_result_name(sig->sig->result), &r))
				stats_dkim(r);
		}
		if (message_sig_count(s->msg) == 0)
			stats_dkim(STATS_DKIM_NONE);
	}
	if (spf != NULL && spf->evaluated)
		stats_spf(spf->result);
	if (dmarc->evaluated)
		stats_dmarc(dmarc->result);
	stats_dns(message_dns_queries(s->msg));
	if (message_caps_hit(s->msg))
		stats_capped();
	stats_verdict(v, v->brand ? brand_ascii_name(v->brand) : NULL, action,
		      session_busy_ms(s));
}

/* filter_reject - refuse the message with 550 5.7.1 and the action's reply */
static sfsistat filter_reject(SMFICTX *ctx, struct session *s, const struct verdict *v,
			      const struct action *a)
{
	if (smfi_setreply(ctx, "550", "5.7.1",
			  a->reply.data ? (char *)vbuf_str(&a->reply) : "rejected") != MI_SUCCESS) {
		log_error("%s: could not set the reject reply text", s->qid);
		stats_error(STATS_ERR_REPLY);
	}
	filter_log(s, v, "reject", 0, "");
	filter_count(s, v, STATS_ACTION_REJECT);
	return SMFIS_REJECT;
}

/* filter_defer - forged fields of ours could not all be removed: 4xx */
static sfsistat filter_defer(struct session *s, const struct verdict *v)
{
	/* a forged verdict might survive: better late than spoofed */
	log_error("%s: could not remove every incoming X-Vigie-* or"
		  " Authentication-Results (%s) field: message deferred",
		  s->qid, filter_authserv(s, s->rt->conf));
	stats_error(STATS_ERR_STRIP);
	filter_count(s, v, STATS_ACTION_TEMPFAIL);
	return SMFIS_TEMPFAIL;
}

/* filter_quarantine - hold the message; false if the MTA cannot */
static bool filter_quarantine(SMFICTX *ctx, const struct session *s, const struct action *a)
{
	if ((s->actions & SMFIF_QUARANTINE) &&
	    smfi_quarantine(ctx, (char *)vbuf_str(&a->quarantine)) == MI_SUCCESS)
		return true;
	log_warning("%s: the MTA cannot quarantine: message tagged only", s->qid);
	stats_error(STATS_ERR_QUARANTINE);
	return false;
}

/* filter_apply - carry out a tag or quarantine action; the action logged */
static enum action_kind filter_apply(SMFICTX *ctx, struct session *s, const struct action *a)
{
	for (size_t i = 0; i < a->nfields; i++)
		filter_add(ctx, s, &a->field[i]);
	filter_tag_subject(ctx, s, a);
	if (a->kind == ACTION_QUARANTINE && !filter_quarantine(ctx, s, a))
		return ACTION_TAG;
	return a->kind;
}

/*
 * filter_banner - write the action's warning into the body when the policy
 * calls for one; its part of the log line goes to word. False when a new body
 * was begun and could not be finished: the message must be deferred.
 */
static bool filter_banner(SMFICTX *ctx, struct session *s, const struct action *a,
			  char *word, size_t size)
{
	struct vbuf why = VBUF_INIT(1024);
	enum stats_banner res;
	char safe[600];

	word[0] = '\0';
	if (!a->banner_due)
		return true;
	res = bodyedit_apply(ctx, s, a, &why);
	stats_banner(res);
	snprintf(word, size, " banner=%s", stats_banner_name(res));
	log_safe(safe, sizeof(safe), vbuf_str(&why));
	/* where the warning went, or why not: before the message's own line */
	if (res == STATS_BANNER_ADDED)
		log_info("%s: %s", s->qid, safe);
	else if (res == STATS_BANNER_OUTPUT)
		log_error("%s: warning banner: %s: message deferred", s->qid, safe);
	else
		log_info("%s: body kept without the warning banner: %s", s->qid, safe);
	vbuf_free(&why);
	return res != STATS_BANNER_OUTPUT;
}

/*
 * filter_policy - the policy for this message: its recipients' merged
 * (logged per recipient domain, counted), or vigie.conf's own
 */
static const struct conf_policy *filter_policy(struct session *s)
{
	struct vbuf text = VBUF_INIT(4096);
	const struct conf_policy *p;
	const struct policy_entry *dflt;
	bool analyse;

	if (!s->policy_on)
		return &s->rt->conf->policy;
	p = policy_merge_result(&s->policy, &analyse);
	policy_merge_describe(&s->policy, &text);
	log_info("%s: policy: recipients=%zu %s", s->qid, s->policy.rcpts, vbuf_str(&text));
	vbuf_free(&text);
	dflt = policy_lookup(s->policy.table, "");
	stats_policy(s->policy.mixed ? STATS_POLICY_MIXED :
		     s->policy.first == dflt ? STATS_POLICY_DEFAULT : STATS_POLICY_DOMAIN);
	return p;
}

/* filter_eom - the verdict, and the action it calls for */
static sfsistat filter_eom(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);
	const struct verdict *v;
	struct action a;
	enum action_kind done;
	struct timespec t0;
	char banner[64];
	sfsistat rc;

	if (s == NULL || s->msg == NULL)
		return SMFIS_CONTINUE;
	session_busy_start(&t0);
	log_safe(s->qid, sizeof(s->qid), smfi_getsymval(ctx, "i"));
	if (s->qid[0] == '\0')
		snprintf(s->qid, sizeof(s->qid), "NOQUEUE");
	message_eom(s->msg);
	v = message_verdict(s->msg);
	action_decide(&a, s->rt->conf, filter_policy(s), &s->edit, s->msg, s->leadspc);
	if (a.kind == ACTION_REJECT) {
		session_busy_add(s, &t0);
		rc = filter_reject(ctx, s, v, &a);
	} else if (a.kind == ACTION_TEMPFAIL || !filter_strip(ctx, &a)) {
		session_busy_add(s, &t0);
		rc = filter_defer(s, v);
	} else if (!filter_banner(ctx, s, &a, banner, sizeof(banner))) {
		session_busy_add(s, &t0);
		filter_log(s, v, "tempfail", (unsigned)a.ndel, banner);
		filter_count(s, v, STATS_ACTION_TEMPFAIL);
		rc = SMFIS_TEMPFAIL;
	} else {
		done = filter_apply(ctx, s, &a);
		session_busy_add(s, &t0);
		filter_log(s, v, action_kind_name(done), (unsigned)a.ndel, banner);
		filter_count(s, v, done == ACTION_QUARANTINE ? STATS_ACTION_QUARANTINE
							  : STATS_ACTION_TAG);
		rc = SMFIS_CONTINUE;
	}
	action_free(&a);
	session_end_message(s);
	return rc;
}

/* filter_abort - the message was abandoned; the connection goes on */
static sfsistat filter_abort(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	if (s != NULL) {
		if (s->msg != NULL)
			stats_aborted();
		session_end_message(s);
	}
	return SMFIS_CONTINUE;
}

/* filter_close - the connection is gone */
static sfsistat filter_close(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);

	session_free(s);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

/*
 * The entry points libmilter calls: each callback behind the gate. While
 * vigie stops, message steps answer tempfail (nothing passes unchecked).
 */
#define FILTER_GATED(name, closed, params, args) \
	static sfsistat name##_gated params \
	{ \
		sfsistat rc = (closed); \
		if (filter_enter()) { \
			rc = name args; \
			filter_leave(); \
		} \
		return rc; \
	}

FILTER_GATED(filter_negotiate, SMFIS_REJECT,
	     (SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
	      unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
	      unsigned long *pf3),
	     (ctx, f0, f1, f2, f3, pf0, pf1, pf2, pf3))
FILTER_GATED(filter_connect, SMFIS_TEMPFAIL, (SMFICTX *ctx, char *host, _SOCK_ADDR *sa),
	     (ctx, host, sa))
FILTER_GATED(filter_helo, SMFIS_TEMPFAIL, (SMFICTX *ctx, char *helo), (ctx, helo))
FILTER_GATED(filter_envfrom, SMFIS_TEMPFAIL, (SMFICTX *ctx, char **argv), (ctx, argv))
FILTER_GATED(filter_envrcpt, SMFIS_TEMPFAIL, (SMFICTX *ctx, char **argv), (ctx, argv))
FILTER_GATED(filter_header, SMFIS_TEMPFAIL, (SMFICTX *ctx, char *name, char *value),
	     (ctx, name, value))
FILTER_GATED(filter_eoh, SMFIS_TEMPFAIL, (SMFICTX *ctx), (ctx))
FILTER_GATED(filter_body, SMFIS_TEMPFAIL, (SMFICTX *ctx, unsigned char *chunk, size_t len),
	     (ctx, chunk, len))
FILTER_GATED(filter_eom, SMFIS_TEMPFAIL, (SMFICTX *ctx), (ctx))
FILTER_GATED(filter_abort, SMFIS_CONTINUE, (SMFICTX *ctx), (ctx))
FILTER_GATED(filter_close, SMFIS_CONTINUE, (SMFICTX *ctx), (ctx))

/* filter_register - hand the callbacks to libmilter; tcp: the socket is inet/inet6 */
bool filter_register(bool tcp)
{
	struct smfiDesc desc = {
		.xxfi_name = "vigie",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = FILTER_REGISTER,
		.xxfi_connect = filter_connect_gated,
		.xxfi_helo = filter_helo_gated,
		.xxfi_envfrom = filter_envfrom_gated,
		.xxfi_envrcpt = filter_envrcpt_gated,
		.xxfi_header = filter_header_gated,
		.xxfi_eoh = filter_eoh_gated,
		.xxfi_body = filter_body_gated,
		.xxfi_eom = filter_eom_gated,
		.xxfi_abort = filter_abort_gated,
		.xxfi_close = filter_close_gated,
		.xxfi_negotiate = filter_negotiate_gated,
	};

	filter_tcp = tcp;
	return smfi_register(desc) == MI_SUCCESS;
}
