/*
 * spfcheck - SPF (RFC 7208) for the envelope sender, or the HELO name when
 * the sender is empty, with libspf2 evaluating and vigie answering its DNS
 * (dns.h: Nameservers, DNSTimeout, the message's budget, or TestDNS).
 *
 * struct spfcheck_lib is built once and shared by every thread; each
 * evaluation is the caller's (a struct spfcheck_out on its stack). Limits of
 * RFC 7208 section 4.6.4, kept by vigie across includes and redirects
 * (libspf2 counts per record): at most SPFCHECK_TERMS_MAX terms that query
 * DNS, SPFCHECK_VOID_MAX void lookups, SPFCHECK_ADDRS_MAX addresses looked
 * up per mx or ptr; past them, permerror. exp= is never fetched. A loopback
 * client is not evaluated (libspf2 would pass it).
 */
#ifndef VIGIE_SPFCHECK_H
#define VIGIE_SPFCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "dnsname.h"

#define SPFCHECK_TERMS_MAX 10
#define SPFCHECK_VOID_MAX 2
#define SPFCHECK_ADDRS_MAX 10
#define SPFCHECK_LOCAL_MAX 64		/* octets of the MAIL FROM local part used */
#define SPFCHECK_IP_MAX 46		/* INET6_ADDRSTRLEN */

/* RFC 7208 section 2.6, with RFC 8601's names */
enum spfcheck_result {
	SPFCHECK_NONE,
	SPFCHECK_NEUTRAL,
	SPFCHECK_PASS,
	SPFCHECK_FAIL,
	SPFCHECK_SOFTFAIL,
	SPFCHECK_TEMPERROR,
	SPFCHECK_PERMERROR,
	SPFCHECK_RESULT_COUNT
};

enum spfcheck_identity {
	SPFCHECK_MAILFROM,		/* smtp.mailfrom */
	SPFCHECK_HELO			/* smtp.helo: the MAIL FROM was empty */
};

struct spfcheck_out {
	enum spfcheck_result result;
	bool evaluated;			/* false: not run, result none and reason says why */
	enum spfcheck_identity identity;
	char domain[DNSNAME_MAX + 1];	/* the domain checked, lower case; "" if none */
	char ip[SPFCHECK_IP_MAX];	/* the client address as used */
	const char *reason;		/* static text, "" when there is nothing to add */
	unsigned terms;			/* terms that queried DNS */
	unsigned voids;			/* of them, answered by no record */
	unsigned lookups;		/* DNS lookups made */
};

struct spfcheck_lib;
struct dns;
struct dns_budget;

struct spfcheck_lib *spfcheck_lib_new(const struct dns *dns, char *err, size_t errlen);
void spfcheck_lib_free(struct spfcheck_lib *lib);
/*
 * Evaluate: client_ip as text (IPv4, IPv6, IPv4-mapped IPv6), helo (may be
 * NULL), the MAIL FROM as local part and domain (A-labels; both "" for the
 * null sender; domain NULL when the envelope sender is not known: none).
 * Never fails: bad input is a result with a reason.
 */
void spfcheck_run(const struct spfcheck_lib *lib, struct dns_budget *budget,
		  const char *client_ip, const char *helo, const char *local,
		  const char *domain, struct spfcheck_out *out);
void spfcheck_none(struct spfcheck_out *out, const char *reason);
const char *spfcheck_result_name(enum spfcheck_result r);
bool spfcheck_result_lookup(const char *name, size_t len, enum spfcheck_result *r);

#endif
