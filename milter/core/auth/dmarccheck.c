/*
 * dmarccheck - DMARC with records fetched by vigie and read by libopendmarc.
 *
 * Touches: DNS through dns.h within the message's budget (one or two TXT
 * lookups); libopendmarc's global state, set once per process under
 * pthread_once (its copy of the public suffix list, read-only afterwards,
 * its lookups behind libopendmarc's own mutex). Each evaluation has its own
 * DMARC_POLICY_T: libopendmarc's store and parse functions touch nothing
 * else, and never the network when the record is handed to them.
 */
#include <config.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opendmarc/dmarc.h>

#include "dmarccheck.h"
#include "dns.h"
#include "dnsanswer.h"
#include "xalloc.h"

struct dmarccheck_lib {
	const struct dns *dns;
	const psl_ctx_t *psl;
};

static pthread_once_t dmarccheck_once = PTHREAD_ONCE_INIT;
static int dmarccheck_init_status = -1;	/* set once, read after pthread_once */

static const char *const dmarccheck_names[DMARCCHECK_RESULT_COUNT] = {
	[DMARCCHECK_NONE] = "none",
	[DMARCCHECK_PASS] = "pass",
	[DMARCCHECK_FAIL] = "fail",
	[DMARCCHECK_TEMPERROR] = "temperror",
	[DMARCCHECK_PERMERROR] = "permerror",
};

/* dmarccheck_result_name - the RFC 8601 name of a result */
const char *dmarccheck_result_name(enum dmarccheck_result r)
{
	return (unsigned)r < DMARCCHECK_RESULT_COUNT ? dmarccheck_names[r] : "none";
}

/* dmarccheck_result_lookup - a result from its name, any case */
bool dmarccheck_result_lookup(const char *name, size_t len, enum dmarccheck_result *r)
{
	for (int i = 0; i < DMARCCHECK_RESULT_COUNT; i++)
		if (strlen(dmarccheck_names[i]) == len &&
		    strncasecmp(dmarccheck_names[i], name, len) == 0) {
			*r = (enum dmarccheck_result)i;
			return true;
		}
	return false;
}

/* dmarccheck_policy_name - "none", "quarantine", "reject"; "" when absent */
const char *dmarccheck_policy_name(enum dmarccheck_policy p)
{
	switch (p) {
	case DMARCCHECK_P_NONE: return "none";
	case DMARCCHECK_P_QUARANTINE: return "quarantine";
	case DMARCCHECK_P_REJECT: return "reject";
	default: return "";
	}
}

/* dmarccheck_init - libopendmarc's public suffix list, once per process */
static void dmarccheck_init(void)
{
	OPENDMARC_LIB_T lib;

	memset(&lib, 0, sizeof(lib));
	lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	snprintf((char *)lib.tld_source_file, sizeof(lib.tld_source_file), "%s", VIGIE_PSL_TEXT);
	dmarccheck_init_status = opendmarc_policy_library_init(&lib);
}

/* dmarccheck_lib_new - DMARC for the whole process */
struct dmarccheck_lib *dmarccheck_lib_new(const struct dns *dns, const psl_ctx_t *psl,
					  char *err, size_t errlen)
{
	struct dmarccheck_lib *lib;

	pthread_once(&dmarccheck_once, dmarccheck_init);
	if (dmarccheck_init_status != DMARC_PARSE_OKAY) {
		snprintf(err, errlen, "%s: cannot load the public suffix list for DMARC"
			 " (Debian package publicsuffix)", VIGIE_PSL_TEXT);
		return NULL;
	}
	lib = xcalloc(1, sizeof(*lib));
	lib->dns = dns;
	lib->psl = psl;
	return lib;
}

/* dmarccheck_lib_free - release; NULL is fine */
void dmarccheck_lib_free(struct dmarccheck_lib *lib)
{
	free(lib);
}

/* dmarccheck_skip - not evaluated, and why */
void dmarccheck_skip(struct dmarccheck_out *out, const char *reason)
{
	memset(out, 0, sizeof(*out));
	out->result = DMARCCHECK_NONE;
	out->reason = reason;
	out->pct = 100;
}

/* dmarccheck_is_record - starts with "v=DMARC1", then ';', blanks or the end (RFC 7489 6.4) */
static bool dmarccheck_is_record(const char *r)
{
	size_t i = 0;

	/* "v" is an ABNF string (any case), "DMARC1" octets (this case) */
	if (r[i] != 'v' && r[i] != 'V')
		return false;
	i++;
	while (r[i] == ' ' || r[i] == '\t')
		i++;
	if (r[i++] != '=')
		return false;
	while (r[i] == ' ' || r[i] == '\t')
		i++;
	if (strncmp(r + i, "DMARC1", 6) != 0)
		return false;
	i += 6;
	return r[i] == '\0' || r[i] == ';' || r[i] == ' ' || r[i] == '\t';
}

/*
 * dmarccheck_record_pick - which of a name's TXT records is its DMARC
 * record: true with *which set when exactly one is; false when none or
 * several are (*which is then the count: 0 or 2)
 */
bool dmarccheck_record_pick(const char *const *records, size_t n, size_t *which)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++)
		if (dmarccheck_is_record(records[i]) && found++ == 0)
			*which = i;
	if (found == 1)
		return true;
	*which = found > 1 ? 2 : 0;
	return false;
}

/* the record found, and where */
enum dmarccheck_found {
	FOUND_ONE,
	FOUND_NONE,
	FOUND_SEVERAL,
	FOUND_TEMP
};

/* dmarccheck_fetch - the DMARC record of one domain into rec */
static enum dmarccheck_found dmarccheck_fetch(const struct dmarccheck_lib *lib,
					      struct dns_budget *b, const char *domain,
					      char *rec, size_t recsize)
{
	char name[DNSNAME_MAX + 8];
	const char *texts[DNSANSWER_RECORDS_MAX];
	struct dnsanswer *a;
	enum resolver_status st;
	enum dmarccheck_found f = FOUND_NONE;
	size_t which;

	if ((size_t)snprintf(name, sizeof(name), "_dmarc.%s", domain) >= sizeof(name))
		return FOUND_NONE;
	a = xmalloc(sizeof(*a));
	st = dns_lookup(lib->dns, b, name, DNS_T_TXT, a);
	if (st == RESOLVER_OK) {
		for (size_t i = 0; i < a->n; i++)
			texts[i] = dnsanswer_text(a, i);
		if (dmarccheck_record_pick(texts, a->n, &which)) {
			snprintf(rec, recsize, "%s", texts[which]);
			f = FOUND_ONE;
		} else {
			f = which > 1 ? FOUND_SEVERAL : FOUND_NONE;
		}
	} else if (st != RESOLVER_NXDOMAIN && st != RESOLVER_NODATA && st != RESOLVER_BADNAME) {
		f = FOUND_TEMP;
	}
	free(a);
	return f;
}

/* dmarccheck_dkim_outcome - a DKIM result as libopendmarc takes it */
static int dmarccheck_dkim_outcome(enum dkimcheck_result r)
{
	switch (r) {
	case DKIMCHECK_PASS: return DMARC_POLICY_DKIM_OUTCOME_PASS;
	case DKIMCHECK_TEMPERROR: return DMARC_POLICY_DKIM_OUTCOME_TMPFAIL;
	case DKIMCHECK_NONE: return DMARC_POLICY_DKIM_OUTCOME_NONE;
	default: return DMARC_POLICY_DKIM_OUTCOME_FAIL;
	}
}

/* dmarccheck_spf_outcome - an SPF result as libopendmarc takes it (as OpenDMARC maps it) */
static int dmarccheck_spf_outcome(enum spfcheck_result r)
{
	switch (r) {
	case SPFCHECK_PASS: return DMARC_POLICY_SPF_OUTCOME_PASS;
	case SPFCHECK_TEMPERROR: return DMARC_POLICY_SPF_OUTCOME_TMPFAIL;
	case SPFCHECK_FAIL:
	case SPFCHECK_SOFTFAIL:
	case SPFCHECK_NEUTRAL: return DMARC_POLICY_SPF_OUTCOME_FAIL;
	default: return DMARC_POLICY_SPF_OUTCOME_NONE;
	}
}

/* dmarccheck_policy - libopendmarc's p= or sp= letter as ours */
static enum dmarccheck_policy dmarccheck_policy(int letter)
{
	switch (letter) {
	case DMARC_RECORD_P_NONE: return DMARCCHECK_P_NONE;
	case DMARC_RECORD_P_QUARANTINE: return DMARCCHECK_P_QUARANTINE;
	case DMARC_RECORD_P_REJECT: return DMARCCHECK_P_REJECT;
	default: return DMARCCHECK_P_ABSENT;
	}
}

/* dmarccheck_feed - the message's identifiers into libopendmarc */
static void dmarccheck_feed(DMARC_POLICY_T *pctx, const struct dmarccheck_in *in)
{
	opendmarc_policy_store_from_domain(pctx, (u_char *)in->from_domain);
	for (size_t i = 0; i < in->nsigs; i++)
		if (in->sigs[i].domain && in->sigs[i].domain[0])
			opendmarc_policy_store_dkim(pctx, (u_char *)in->sigs[i].domain,
						    (u_char *)in->sigs[i].selector,
						    dmarccheck_dkim_outcome(in->sigs[i].result), NULL);
	if (in->spf != NULL && in->spf->evaluated && in->spf->domain[0])
		opendmarc_policy_store_spf(pctx, (u_char *)in->spf->domain,
					   dmarccheck_spf_outcome(in->spf->result),
					   in->spf->identity == SPFCHECK_HELO ?
					   DMARC_POLICY_SPF_ORIGIN_HELO : DMARC_POLICY_SPF_ORIGIN_MAILFROM,
					   NULL);
}

/* dmarccheck_read - what the record says and what it makes of the message */
static void dmarccheck_read(DMARC_POLICY_T *pctx, struct dmarccheck_out *out)
{
	int status = opendmarc_get_policy_to_enforce(pctx), p = 0, sp = 0, pct = 100;
	int adkim = 0, aspf = 0, dkim_al = 0, spf_al = 0;

	opendmarc_policy_fetch_p(pctx, &p);
	opendmarc_policy_fetch_sp(pctx, &sp);
	opendmarc_policy_fetch_pct(pctx, &pct);
	opendmarc_policy_fetch_adkim(pctx, &adkim);
	opendmarc_policy_fetch_aspf(pctx, &aspf);
	opendmarc_policy_fetch_alignment(pctx, &dkim_al, &spf_al);
	out->p = dmarccheck_policy(p);
	out->sp = dmarccheck_policy(sp);
	out->pct = pct < 0 || pct > 100 ? 100 : pct;
	out->adkim_strict = adkim == DMARC_RECORD_A_STRICT;
	out->aspf_strict = aspf == DMARC_RECORD_A_STRICT;
	out->dkim_aligned = dkim_al == DMARC_POLICY_DKIM_ALIGNMENT_PASS;
	out->spf_aligned = spf_al == DMARC_POLICY_SPF_ALIGNMENT_PASS;
	switch (status) {
	case DMARC_POLICY_PASS:
		out->result = DMARCCHECK_PASS;
		break;
	case DMARC_POLICY_REJECT:
	case DMARC_POLICY_QUARANTINE:
	case DMARC_POLICY_NONE:
		out->result = DMARCCHECK_FAIL;
		break;
	default:
		out->result = DMARCCHECK_NONE;
		break;
	}
	out->applied = out->from_org && out->sp != DMARCCHECK_P_ABSENT ? out->sp : out->p;
	if (out->pct < 100 && out->applied > DMARCCHECK_P_NONE)
		out->applied = (enum dmarccheck_policy)(out->applied - 1);
}

/* dmarccheck_shown - the record, printable and cut, for reports */
static void dmarccheck_shown(char *dst, const char *rec)
{
	size_t n = 0;

	for (; rec[n] != '\0' && n < DMARCCHECK_RECORD_SHOWN; n++)
		dst[n] = (unsigned char)rec[n] >= 0x20 && (unsigned char)rec[n] < 0x7f ? rec[n] : '?';
	dst[n] = '\0';
}

/* dmarccheck_evaluate - one record read with the message's results */
static void dmarccheck_evaluate(const struct dmarccheck_in *in, const char *rec,
				struct dmarccheck_out *out)
{
	bool v6 = in->client_ip && strchr(in->client_ip, ':') != NULL;
	DMARC_POLICY_T *pctx = opendmarc_policy_connect_init(
		(u_char *)(in->client_ip && in->client_ip[0] ? in->client_ip : "0.0.0.0"), v6);
	int status;

	if (pctx == NULL)
		abort();	/* as xmalloc */
	dmarccheck_feed(pctx, in);
	status = opendmarc_policy_store_dmarc(pctx, (u_char *)rec, (u_char *)in->from_domain,
					      out->from_org ? (u_char *)out->record_domain : NULL);
	if (status == DMARC_PARSE_OKAY) {
		dmarccheck_read(pctx, out);
	} else {
		out->result = DMARCCHECK_PERMERROR;
		out->reason = status == DMARC_PARSE_ERROR_NO_REQUIRED_P ? "record without p=" :
			      status == DMARC_PARSE_ERROR_BAD_VERSION ? "record of another version" :
			      "a tag of the record has a bad value";
	}
	opendmarc_policy_connect_shutdown(pctx);
}

/* dmarccheck_discover - the record for the From domain, or its organisational domain's */
static enum dmarccheck_found dmarccheck_discover(const struct dmarccheck_lib *lib,
						 struct dns_budget *b, struct dmarccheck_out *out,
						 char *rec, size_t recsize)
{
	const char *org = lib->psl ? psl_registrable_domain(lib->psl, out->from_domain) : NULL;
	enum dmarccheck_found f;

	snprintf(out->record_domain, sizeof(out->record_domain), "%s", out->from_domain);
	f = dmarccheck_fetch(lib, b, out->from_domain, rec, recsize);
	if (f != FOUND_NONE || org == NULL || strcmp(org, out->from_domain) == 0)
		return f;
	out->from_org = true;
	snprintf(out->record_domain, sizeof(out->record_domain), "%s", org);
	return dmarccheck_fetch(lib, b, org, rec, recsize);
}

/* dmarccheck_run - DMARC for one message */
void dmarccheck_run(const struct dmarccheck_lib *lib, struct dns_budget *budget,
		    const struct dmarccheck_in *in, struct dmarccheck_out *out)
{
	char *rec;
	size_t n = in->from_domain ? strlen(in->from_domain) : 0;

	dmarccheck_skip(out, "");
	if (lib == NULL || dns_source(lib->dns) == DNS_NONE) {
		out->reason = "no DNS to ask (test keys without test DNS)";
		return;
	}
	if (n == 0 || !dnsname_ok(in->from_domain, n)) {
		out->reason = "no usable From domain";
		return;
	}
	out->evaluated = true;
	for (size_t i = 0; i < n; i++)
		out->from_domain[i] = (char)tolower((unsigned char)in->from_domain[i]);
	rec = xmalloc(DNSANSWER_DATA_MAX);
	switch (dmarccheck_discover(lib, budget, out, rec, DNSANSWER_DATA_MAX)) {
	case FOUND_ONE:
		dmarccheck_shown(out->record, rec);
		dmarccheck_evaluate(in, rec, out);
		break;
	case FOUND_SEVERAL:
		out->reason = "several DMARC records: none applies (RFC 7489 6.6.3)";
		break;
	case FOUND_TEMP:
		out->result = DMARCCHECK_TEMPERROR;
		out->reason = budget->spent ? "DNS time of the message spent" :
			      "the DMARC record could not be fetched";
		break;
	case FOUND_NONE:
		out->record_domain[0] = '\0';
		out->from_org = false;
		out->reason = "no DMARC record";
		break;
	}
	free(rec);
}
