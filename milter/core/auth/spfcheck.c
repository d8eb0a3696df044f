/*
 * spfcheck - SPF with libspf2 over a DNS layer of vigie's own.
 *
 * Touches: DNS through dns.h (the network, or the TestDNS zone), within
 * the message's budget; libspf2's message handlers, set once per process.
 *
 * Thread safety (libspf2 1.2.10, read in its source): one SPF_server_t is
 * built at spfcheck_lib_new and afterwards only read by the evaluations
 * (limits, default explanation, local policy, receiving domain); each
 * evaluation has its own SPF_request_t and SPF_response_t. libspf2's own
 * resolver layers (res_* state, a cache) are not used: its DNS questions
 * come to spfcheck_lookup, which finds the evaluation asking through a
 * thread-local pointer (the layer's hook is shared by every thread). The
 * warning, info and debug handlers, global, are silenced once under
 * pthread_once; the error handler aborts by libspf2's design and is reached
 * only on broken internal invariants, never on input (fuzz_spf).
 *
 * The RFC's limits are kept here, not by libspf2 (whose count of DNS terms
 * restarts at each include): each question is classed as the term's own
 * (include, redirect, a, mx, ptr, exists) or as an address of an mx or ptr
 * answer, counted, and refused past the limit; the result is then made
 * permerror. The obsolete SPF RR type (99) is answered "no data" without a
 * query, exp= is never fetched (vigie shows no explanation).
 */
#include <config.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>
#include <spf2/spf_dns.h>
#include <spf2/spf_dns_rr.h>

#include "dns.h"
#include "dnsanswer.h"
#include "spfcheck.h"
#include "xalloc.h"

struct spfcheck_lib {
	SPF_server_t *server;
	SPF_dns_server_t layer;		/* libspf2 asks it for every record */
	const struct dns *dns;
};

/* one evaluation, seen by the DNS layer */
struct spfcheck_eval {
	const struct dns *dns;
	struct dns_budget *budget;
	struct spfcheck_out *out;
	bool record_asked;		/* the check_host() record was fetched */
	bool over_terms, over_voids, toolong;
	const char *temp;		/* why a lookup failed for now, if one did */
	char pending[SPFCHECK_ADDRS_MAX][DNSNAME_MAX + 1];	/* names of an mx/ptr answer */
	size_t npending, next;
};

/* the evaluation this thread runs; libspf2's DNS callback has no context of its own */
static __thread struct spfcheck_eval *spfcheck_current;

static pthread_once_t spfcheck_once = PTHREAD_ONCE_INIT;

static const char *const spfcheck_names[SPFCHECK_RESULT_COUNT] = {
	[SPFCHECK_NONE] = "none",
	[SPFCHECK_NEUTRAL] = "neutral",
	[SPFCHECK_PASS] = "pass",
	[SPFCHECK_FAIL] = "fail",
	[SPFCHECK_SOFTFAIL] = "softfail",
	[SPFCHECK_TEMPERROR] = "temperror",
	[SPFCHECK_PERMERROR] = "permerror",
};

/* spfcheck_result_name - the RFC 8601 name of a result */
const char *spfcheck_result_name(enum spfcheck_result r)
{
	return (unsigned)r < SPFCHECK_RESULT_COUNT ? spfcheck_names[r] : "none";
}

/* spfcheck_result_lookup - a result from its name, any case */
bool spfcheck_result_lookup(const char *name, size_t len, enum spfcheck_result *r)
{
	for (int i = 0; i < SPFCHECK_RESULT_COUNT; i++)
		if (strlen(spfcheck_names[i]) == len && strncasecmp(spfcheck_names[i], name, len) == 0) {
			*r = (enum spfcheck_result)i;
			return true;
		}
	return false;
}

/* spfcheck_quiet - libspf2's warnings, info and debug go nowhere (once per process) */
static void spfcheck_quiet(void)
{
	SPF_warning_handler = NULL;
	SPF_info_handler = NULL;
	SPF_debug_handler = NULL;
}

/* spfcheck_rr - a libspf2 answer from ours */
static SPF_dns_rr_t *spfcheck_rr(SPF_dns_server_t *srv, const char *domain, ns_type type,
				 SPF_dns_stat_t herrno, const struct dnsanswer *a)
{
	SPF_dns_rr_t *rr = SPF_dns_rr_new_init(srv, domain, type, a ? (int)a->ttl : 0, herrno);

	if (rr == NULL)
		abort();	/* as xmalloc: no safe verdict without memory */
	for (size_t i = 0; a != NULL && herrno == NETDB_SUCCESS && i < a->n; i++) {
		size_t len = type == ns_t_a ? sizeof(struct in_addr) :
			     type == ns_t_aaaa ? sizeof(struct in6_addr) : a->rr[i].len + 1;

		if (SPF_dns_rr_buf_realloc(rr, (int)i, len) != SPF_E_SUCCESS)
			abort();
		memcpy(rr->rr[i], a->data + a->rr[i].off, len);
		rr->num_rr = (int)i + 1;
	}
	return rr;
}

/* spfcheck_name - the name to ask: no trailing dot, cut from the left to 253 (RFC 7208 7.3) */
static bool spfcheck_name(const char *domain, char *out)
{
	size_t n = strlen(domain);

	if (n > 0 && domain[n - 1] == '.')
		n--;
	while (n > DNSNAME_MAX) {
		const char *dot = memchr(domain, '.', n);

		if (dot == NULL)
			return false;
		n -= (size_t)(dot + 1 - domain);
		domain = dot + 1;
	}
	memcpy(out, domain, n);
	out[n] = '\0';
	return dnsname_ok(out, n);
}

/*
 * spfcheck_classify - whether this question is a term's own (counted, and
 * refused past the limits) or an address of the last mx/ptr answer; false
 * when it must not be asked
 */
static bool spfcheck_classify(struct spfcheck_eval *e, const char *name, ns_type type, bool *term)
{
	*term = false;
	if ((type == ns_t_a || type == ns_t_aaaa) && e->next < e->npending &&
	    strcasecmp(name, e->pending[e->next]) == 0) {
		e->next++;
		return !e->over_terms && !e->over_voids;
	}
	e->npending = e->next = 0;
	if (type == ns_t_txt && !e->record_asked) {
		e->record_asked = true;
		return true;
	}
	*term = true;
	if (!e->over_terms && ++e->out->terms > SPFCHECK_TERMS_MAX)
		e->over_terms = true;
	return !e->over_terms && !e->over_voids;
}

/* spfcheck_remember - the names of an mx or ptr answer: their addresses come next */
static void spfcheck_remember(struct spfcheck_eval *e, ns_type type, const struct dnsanswer *a)
{
	if (type != ns_t_mx && type != ns_t_ptr)
		return;
	for (size_t i = 0; i < a->n && e->npending < SPFCHECK_ADDRS_MAX; i++)
		snprintf(e->pending[e->npending++], sizeof(e->pending[0]), "%s", dnsanswer_text(a, i));
}

/* spfcheck_lookup - libspf2 asks for records: answered by dns.h, counted */
static SPF_dns_rr_t *spfcheck_lookup(SPF_dns_server_t *srv, const char *domain, ns_type type,
				     int should_cache)
{
	struct spfcheck_eval *e = spfcheck_current;
	char name[DNSNAME_MAX + 1];
	struct dnsanswer *a;
	SPF_dns_stat_t herrno;
	enum resolver_status st;
	SPF_dns_rr_t *rr;
	bool term;

	/* RFC 7208 section 3.1: TXT only; the old SPF type is never asked */
	if (type == ns_t_spf || e == NULL)
		return spfcheck_rr(srv, domain, type, e == NULL ? TRY_AGAIN : NO_DATA, NULL);
	if (!spfcheck_classify(e, domain, type, &term))
		return spfcheck_rr(srv, domain, type, HOST_NOT_FOUND, NULL);
	if (!spfcheck_name(domain, name)) {
		/* a name no server could answer: a void lookup */
		if (term && !e->over_voids && ++e->out->voids > SPFCHECK_VOID_MAX)
			e->over_voids = true;
		return spfcheck_rr(srv, domain, type, HOST_NOT_FOUND, NULL);
	}
	a = xmalloc(sizeof(*a));
	e->out->lookups++;
	st = dns_lookup(e->dns, e->budget, name, type, a);
	switch (st) {
	case RESOLVER_OK:
		herrno = NETDB_SUCCESS;
		spfcheck_remember(e, type, a);
		break;
	case RESOLVER_NXDOMAIN:
	case RESOLVER_BADNAME:
		herrno = HOST_NOT_FOUND;
		break;
	case RESOLVER_NODATA:
		herrno = NO_DATA;
		break;
	case RESOLVER_TOOLONG:
		e->toolong = true;
		herrno = NO_RECOVERY;
		break;
	default:
		/* server failure, timeout, budget spent, truncated or malformed reply */
		if (e->temp == NULL)
			e->temp = e->budget->spent ? "DNS time of the message spent" : resolver_status_text(st);
		herrno = TRY_AGAIN;
		break;
	}
	if (term && (herrno == HOST_NOT_FOUND || herrno == NO_DATA) && !e->over_voids &&
	    ++e->out->voids > SPFCHECK_VOID_MAX)
		e->over_voids = true;
	rr = spfcheck_rr(srv, domain, type, herrno, a);
	free(a);
	return rr;
}

/* spfcheck_exp - exp= is not fetched: an empty explanation */
static SPF_errcode_t spfcheck_exp(SPF_server_t *server, const char *domain, char **bufp,
				  size_t *buflenp)
{
	if (*bufp != NULL && *buflenp > 0)
		(*bufp)[0] = '\0';
	return SPF_E_SUCCESS;
}

/* spfcheck_lib_new - the SPF evaluator for the whole process */
struct spfcheck_lib *spfcheck_lib_new(const struct dns *dns, char *err, size_t errlen)
{
	struct spfcheck_lib *lib = xcalloc(1, sizeof(*lib));

	pthread_once(&spfcheck_once, spfcheck_quiet);
	lib->dns = dns;
	lib->layer.destroy = NULL;	/* ours: libspf2 must not free it */
	lib->layer.lookup = spfcheck_lookup;
	lib->layer.get_exp = spfcheck_exp;
	lib->layer.name = "vigie";
	lib->server = SPF_server_new_dns(&lib->layer, 0);
	if (lib->server == NULL) {
		snprintf(err, errlen, "cannot set up libspf2");
		free(lib);
		return NULL;
	}
	return lib;
}

/* spfcheck_lib_free - release once no evaluation runs */
void spfcheck_lib_free(struct spfcheck_lib *lib)
{
	if (lib == NULL)
		return;
	SPF_server_free(lib->server);
	free(lib);
}

/* spfcheck_none - a result of none that was not evaluated, and why */
void spfcheck_none(struct spfcheck_out *out, const char *reason)
{
	memset(out, 0, sizeof(*out));
	out->result = SPFCHECK_NONE;
	out->reason = reason;
}

/* spfcheck_client - the client address into the request; false if unusable */
static bool spfcheck_client(SPF_request_t *req, const char *ip, struct spfcheck_out *out)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (ip == NULL || strlen(ip) >= sizeof(out->ip))
		return false;
	if (inet_pton(AF_INET6, ip, &a6) == 1 && IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, a6.s6_addr + 12, 4);
		inet_ntop(AF_INET, &a4, out->ip, sizeof(out->ip));
	} else {
		snprintf(out->ip, sizeof(out->ip), "%s", ip);
	}
	if (inet_pton(AF_INET, out->ip, &a4) == 1) {
		if ((ntohl(a4.s_addr) >> 24) == 127)
			return false;
		return SPF_request_set_ipv4(req, a4) == SPF_E_SUCCESS;
	}
	if (inet_pton(AF_INET6, out->ip, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return false;
		return SPF_request_set_ipv6(req, a6) == SPF_E_SUCCESS;
	}
	return false;
}

/* spfcheck_domain_ok - a domain check_host() accepts: a multi-label name (RFC 7208 4.3) */
static bool spfcheck_domain_ok(const char *d)
{
	size_t n = d ? strlen(d) : 0;

	return n > 0 && dnsname_ok(d, n) && memchr(d, '.', n) != NULL;
}

/* spfcheck_identity - which identity is checked, into out and the request; false: none */
static bool spfcheck_identity(SPF_request_t *req, const char *helo, const char *local,
			      const char *domain, struct spfcheck_out *out)
{
	char sender[SPFCHECK_LOCAL_MAX + DNSNAME_MAX + 2];
	bool helo_ok = spfcheck_domain_ok(helo);

	if (domain == NULL) {
		out->reason = "no envelope sender given";
		return false;
	}
	if (domain[0] != '\0') {
		if (!spfcheck_domain_ok(domain)) {
			out->reason = "the MAIL FROM domain is not a domain name";
			return false;
		}
		out->identity = SPFCHECK_MAILFROM;
		snprintf(out->domain, sizeof(out->domain), "%s", domain);
		snprintf(sender, sizeof(sender), "%.*s@%s", SPFCHECK_LOCAL_MAX,
			 local && local[0] ? local : "postmaster", domain);
		SPF_request_set_env_from(req, sender);
		if (helo_ok)
			SPF_request_set_helo_dom(req, helo);
		return true;
	}
	if (!helo_ok) {
		out->reason = helo == NULL || helo[0] == '\0' ?
			      "empty MAIL FROM and no HELO name" :
			      "empty MAIL FROM and a HELO that is not a domain name";
		return false;
	}
	out->identity = SPFCHECK_HELO;
	snprintf(out->domain, sizeof(out->domain), "%s", helo);
	SPF_request_set_helo_dom(req, helo);
	return true;
}

/*
 * spfcheck_map - libspf2's result as ours. Debian's libspf2 1.2.10 leaves
 * the result unset (INVALID) when the first record cannot be fetched for
 * now (TRY_AGAIN) as when it cannot be compiled: temp tells them apart.
 */
static enum spfcheck_result spfcheck_map(SPF_result_t r, bool temp)
{
	switch (r) {
	case SPF_RESULT_NEUTRAL: return SPFCHECK_NEUTRAL;
	case SPF_RESULT_PASS: return SPFCHECK_PASS;
	case SPF_RESULT_FAIL: return SPFCHECK_FAIL;
	case SPF_RESULT_SOFTFAIL: return SPFCHECK_SOFTFAIL;
	case SPF_RESULT_NONE: return SPFCHECK_NONE;
	case SPF_RESULT_TEMPERROR: return SPFCHECK_TEMPERROR;
	default: return temp ? SPFCHECK_TEMPERROR : SPFCHECK_PERMERROR;
	}
}

/* spfcheck_conclude - the result, with vigie's limits over libspf2's answer */
static void spfcheck_conclude(const struct spfcheck_eval *e, SPF_response_t *resp,
			      struct spfcheck_out *out)
{
	out->evaluated = true;
	out->result = resp ? spfcheck_map(SPF_response_result(resp), e->temp != NULL)
			   : SPFCHECK_TEMPERROR;
	out->reason = "";
	if (e->over_terms) {
		out->result = SPFCHECK_PERMERROR;
		out->reason = "more than 10 DNS-querying terms";
	} else if (e->over_voids) {
		out->result = SPFCHECK_PERMERROR;
		out->reason = "more than 2 void lookups";
	} else if (e->toolong) {
		out->result = SPFCHECK_PERMERROR;
		out->reason = "a DNS answer over vigie's limits";
	} else if (out->result == SPFCHECK_TEMPERROR) {
		out->reason = e->temp ? e->temp : "temporary failure";
	} else if (out->result == SPFCHECK_PERMERROR) {
		out->reason = resp && SPF_response_errcode(resp) != SPF_E_SUCCESS ?
			      SPF_strerror(SPF_response_errcode(resp)) : "malformed SPF record";
	}
}

/* spfcheck_run - SPF for one message; see spfcheck.h */
void spfcheck_run(const struct spfcheck_lib *lib, struct dns_budget *budget,
		  const char *client_ip, const char *helo, const char *local,
		  const char *domain, struct spfcheck_out *out)
{
	struct spfcheck_eval e;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;

	spfcheck_none(out, "");
	if (lib == NULL || dns_source(lib->dns) == DNS_NONE) {
		out->reason = "no DNS to ask (test keys without test DNS)";
		return;
	}
	if ((req = SPF_request_new(lib->server)) == NULL)
		abort();
	if (!spfcheck_client(req, client_ip, out)) {
		out->reason = out->ip[0] ? "loopback or unusable client address" : "no client address";
		SPF_request_free(req);
		return;
	}
	if (!spfcheck_identity(req, helo, local, domain, out)) {
		SPF_request_free(req);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.dns = lib->dns;
	e.budget = budget;
	e.out = out;
	spfcheck_current = &e;
	(void)SPF_request_query_mailfrom(req, &resp);
	spfcheck_current = NULL;
	spfcheck_conclude(&e, resp, out);
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
}
