/*
 * dmarccheck - DMARC (RFC 7489) for the From domain: its record, or its
 * organisational domain's, fetched through vigie's DNS (dns.h) and read,
 * with the DKIM and SPF results, by libopendmarc (so that the result is
 * OpenDMARC's: opendmarc_policy_store_dmarc, opendmarc_get_policy_to_enforce).
 *
 * Discovery (RFC 7489 section 6.6.3): TXT at _dmarc.<From domain>; records
 * not starting with "v=DMARC1" are dropped; none left: the same at the
 * organisational domain (public suffix list); two or more left: no DMARC
 * (result none, said so). A DNS failure is temperror; a record libopendmarc
 * cannot read is permerror.
 *
 * The policy vigie weighs (applied) is p, or sp when the record came from
 * the organisational domain for a subdomain and has one, then one step
 * lower (reject to quarantine, quarantine to none) when pct is under 100:
 * vigie applies no random sampling, and a domain that asks for a sample is
 * not sure all its mail is aligned. dmarccheck_lib_new loads libopendmarc's
 * copy of the public suffix list once per process.
 */
#ifndef VIGIE_DMARCCHECK_H
#define VIGIE_DMARCCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <libpsl.h>

#include "dkimcheck.h"
#include "dnsname.h"
#include "spfcheck.h"

#define DMARCCHECK_RECORD_SHOWN 160	/* bytes of the record kept for reports */

enum dmarccheck_result {
	DMARCCHECK_NONE,
	DMARCCHECK_PASS,
	DMARCCHECK_FAIL,
	DMARCCHECK_TEMPERROR,
	DMARCCHECK_PERMERROR,
	DMARCCHECK_RESULT_COUNT
};

enum dmarccheck_policy {
	DMARCCHECK_P_ABSENT,		/* no record, or not given */
	DMARCCHECK_P_NONE,
	DMARCCHECK_P_QUARANTINE,
	DMARCCHECK_P_REJECT
};

/* one DKIM signature as DMARC sees it */
struct dmarccheck_sig {
	const char *domain;
	const char *selector;
	enum dkimcheck_result result;
};

struct dmarccheck_in {
	const char *from_domain;		/* A-labels */
	const char *client_ip;			/* "" if unknown */
	const struct dmarccheck_sig *sigs;
	size_t nsigs;
	const struct spfcheck_out *spf;		/* NULL: SPF unknown */
};

struct dmarccheck_out {
	bool evaluated;			/* false: not run (no DNS, no From domain) */
	enum dmarccheck_result result;
	const char *reason;		/* static text; "" when nothing to add */
	char from_domain[DNSNAME_MAX + 1];	/* header.from */
	char record_domain[DNSNAME_MAX + 1];	/* where the record was found */
	bool from_org;			/* the record is the organisational domain's */
	enum dmarccheck_policy p, sp;	/* as published (sp: ABSENT when not given) */
	enum dmarccheck_policy applied;	/* what vigie weighs; see above */
	int pct;
	bool adkim_strict, aspf_strict;
	bool dkim_aligned, spf_aligned;	/* an aligned pass of each kind */
	char record[DMARCCHECK_RECORD_SHOWN + 1];	/* printable, cut */
};

struct dmarccheck_lib;
struct dns;
struct dns_budget;

struct dmarccheck_lib *dmarccheck_lib_new(const struct dns *dns, const psl_ctx_t *psl,
					  char *err, size_t errlen);
void dmarccheck_lib_free(struct dmarccheck_lib *lib);
void dmarccheck_run(const struct dmarccheck_lib *lib, struct dns_budget *budget,
		    const struct dmarccheck_in *in, struct dmarccheck_out *out);
void dmarccheck_skip(struct dmarccheck_out *out, const char *reason);
bool dmarccheck_record_pick(const char *const *records, size_t n, size_t *which);
const char *dmarccheck_result_name(enum dmarccheck_result r);
bool dmarccheck_result_lookup(const char *name, size_t len, enum dmarccheck_result *r);
const char *dmarccheck_policy_name(enum dmarccheck_policy p);

#endif
