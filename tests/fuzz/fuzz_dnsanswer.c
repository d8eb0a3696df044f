/*
 * fuzz_dnsanswer - fuzz target for the DNS reply reader behind SPF, DMARC
 * and DKIM lookups (dnsanswer_parse): any bytes as a reply from a name
 * server the attacker runs, the first byte picking the type asked. Every
 * answer stays within struct dnsanswer: a status the enum knows, records
 * NUL-terminated inside the data, addresses of 4 and 16 octets, names that
 * fit a DNS name.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "dnsanswer.h"
#include "dnsname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the bytes after the first as a reply */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR };
	static struct dnsanswer a;
	int type;
	enum resolver_status st;

	if (size < 1 || size - 1 > 65535)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	st = dnsanswer_parse(&a, type, data + 1, (int)(size - 1));
	if (st != a.status || st > RESOLVER_TOOLONG || (st == RESOLVER_OK) != (a.n > 0) ||
	    a.n > DNSANSWER_RECORDS_MAX || a.used > DNSANSWER_DATA_MAX)
		__builtin_trap();
	for (size_t i = 0; i < a.n; i++) {
		const struct dnsanswer_rr *r = &a.rr[i];

		if (r->off + r->len >= a.used || a.data[r->off + r->len] != '\0')
			__builtin_trap();
		if ((type == DNS_T_A && r->len != 4) || (type == DNS_T_AAAA && r->len != 16))
			__builtin_trap();
		if ((type == DNS_T_MX || type == DNS_T_PTR) && r->len > DNSNAME_MAX + 1)
			__builtin_trap();
	}
	return 0;
}
