/*
 * testdns - an offline DNS for tests and vigie-check (--test-dns FILE,
 * TestDNS): TXT, A, AAAA, MX and PTR records read from a small zone-like
 * file, so that DKIM keys, SPF and DMARC records all come from one file and
 * nothing reaches the network.
 *
 * The format (vigie-check(1), vigie.conf(5)), one record per line:
 *
 *	NAME [TTL] [IN] TYPE VALUE
 *
 *	viamedis.fr            TXT  "v=spf1 ip4:192.0.2.0/24 -all"
 *	_dmarc.viamedis.fr     TXT  "v=DMARC1; p=reject"
 *	s1._domainkey.viamedis.fr 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIB..."
 *	mail.viamedis.fr       A    192.0.2.10
 *	viamedis.fr            MX   10 mail.viamedis.fr
 *	10.2.0.192.in-addr.arpa PTR mail.viamedis.fr
 *	_dmarc.almerys.com     TXT  SERVFAIL
 *
 * NAME: a DNS name, any case, trailing dot optional. TXT: one or more
 * quoted strings (\" \\ and \DDD escapes; at most 255 octets each), joined
 * as DNS joins them. MX: preference and exchange. The word SERVFAIL or
 * TIMEOUT as the value makes lookups of that name and type fail so (a test
 * aid). A name absent answers NXDOMAIN; a name present without the type
 * asked answers no data. '#' starts a comment (outside quotes, at the start
 * of a line or after a blank). Blank lines are skipped; CRLF is fine.
 *
 * Parsed once, immutable, shared by every thread. Errors name the file and
 * line of the first problem.
 */
#ifndef VIGIE_TESTDNS_H
#define VIGIE_TESTDNS_H

#include <stddef.h>

#include "resolver.h"

#define TESTDNS_FILE_MAX (16u << 20)	/* bytes of the file */
#define TESTDNS_LINE_MAX 65536		/* bytes of one line */
#define TESTDNS_RECORDS_MAX 200000
#define TESTDNS_TTL_DEFAULT 3600

struct testdns;
struct dnsanswer;

struct testdns *testdns_parse(const char *text, size_t len, const char *origin,
			      char *err, size_t errlen);
struct testdns *testdns_load(const char *path, char *err, size_t errlen);
void testdns_free(struct testdns *z);
size_t testdns_count(const struct testdns *z);
enum resolver_status testdns_lookup(const struct testdns *z, const char *name, int type,
				    struct dnsanswer *a);

#endif
