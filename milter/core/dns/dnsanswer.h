/*
 * dnsanswer - one DNS answer as vigie keeps it: how the lookup went and the
 * records of the type asked, in a fixed-size structure that never grows:
 * TXT records with their character-strings joined, A and AAAA addresses
 * (4 and 16 octets), MX exchanges (with their preference) and PTR names in
 * text form, the smallest TTL.
 *
 * Filled from a reply in wire format (dnsanswer_parse: hostile bytes, every
 * length checked) or by the offline test zone (testdns.h). Records past
 * DNSANSWER_RECORDS_MAX or DNSANSWER_DATA_MAX make the answer TOOLONG:
 * a set cut short could hide a second SPF or DMARC record.
 */
#ifndef VIGIE_DNSANSWER_H
#define VIGIE_DNSANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolver.h"

#define DNSANSWER_RECORDS_MAX 64
#define DNSANSWER_DATA_MAX 16384	/* bytes of record data, each record NUL-terminated */
#define DNSANSWER_TTL_MAX 86400u	/* longer TTLs are read as a day */

/* the types vigie asks for (RFC 1035, RFC 3596) */
enum dnsanswer_type {
	DNS_T_A = 1,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28
};

struct dnsanswer_rr {
	uint32_t off;			/* into data */
	uint32_t len;			/* bytes, without the NUL */
	uint16_t pref;			/* MX preference */
};

struct dnsanswer {
	enum resolver_status status;
	int type;
	uint32_t ttl;			/* smallest TTL of the records kept */
	size_t n;			/* records kept */
	size_t used;			/* bytes of data used */
	struct dnsanswer_rr rr[DNSANSWER_RECORDS_MAX];
	char data[DNSANSWER_DATA_MAX];
};

void dnsanswer_init(struct dnsanswer *a, int type);
bool dnsanswer_add(struct dnsanswer *a, const void *rdata, size_t len, uint16_t pref,
		   uint32_t ttl);
enum resolver_status dnsanswer_parse(struct dnsanswer *a, int type, const unsigned char *msg,
				     int len);
const char *dnsanswer_text(const struct dnsanswer *a, size_t i);
enum resolver_status dnsanswer_first_text(const struct dnsanswer *a, char *out, size_t outsize);
const unsigned char *dnsanswer_addr(const struct dnsanswer *a, size_t i);
const char *dnsanswer_type_name(int type);
bool dnsanswer_type_lookup(const char *name, size_t len, int *type);

#endif
