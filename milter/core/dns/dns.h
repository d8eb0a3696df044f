/*
 * dns - where vigie's DNS answers come from, and what one message may spend
 * on them. One struct dns is built from the options and shared by every
 * thread (immutable): the live resolver (Nameservers, DNSTimeout), the
 * offline zone of TestDNS (testdns.h), or no DNS at all (TestPublicKeys
 * without TestDNS: DKIM keys from their file, no other lookup).
 *
 * Each message owns a struct dns_budget: every lookup of the message (DKIM
 * keys, SPF, DMARC) is bounded by DNSTimeout and all of them together by
 * DNS_BUDGET_TIMEOUTS x DNSTimeout from the first; once a lookup has timed
 * out, the others of the message fail at once (the server is not
 * answering: waiting again would only delay the mail).
 */
#ifndef VIGIE_DNS_H
#define VIGIE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolver.h"

#define DNS_BUDGET_TIMEOUTS 2		/* DNS time per message, in DNSTimeouts */

enum dns_source {
	DNS_LIVE,		/* name servers */
	DNS_ZONE,		/* the TestDNS file */
	DNS_NONE		/* offline without a zone: no lookup */
};

struct dns_opts {
	const char *nameservers;	/* "addr[:port],..."; NULL: resolv.conf */
	unsigned timeout;		/* DNSTimeout, seconds; 0: 5 */
	const char *zone_file;		/* TestDNS: answers from this file */
	bool offline;			/* no zone and no lookups (test keys only) */
};

/* one message's DNS: its deadline and what it asked */
struct dns_budget {
	int64_t deadline;		/* monotonic ms; 0 until the first lookup */
	unsigned queries;		/* lookups made (the zone's included) */
	unsigned failures;		/* lookups that timed out or failed */
	bool down;			/* a lookup timed out: the others fail at once */
	bool spent;			/* a lookup was cut short by the budget */
};

struct dns;
struct dnsanswer;
struct testdns;

struct dns *dns_new(const struct dns_opts *o, char *err, size_t errlen);
/* a DNS answered by a zone already parsed (tests, fuzz targets); takes z */
struct dns *dns_new_zone(struct testdns *z);
void dns_free(struct dns *d);
enum dns_source dns_source(const struct dns *d);
void dns_budget_init(struct dns_budget *b);
enum resolver_status dns_lookup(const struct dns *d, struct dns_budget *b, const char *name,
				int type, struct dnsanswer *a);

#endif
