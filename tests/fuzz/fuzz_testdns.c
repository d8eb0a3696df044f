/*
 * fuzz_testdns - fuzz target for the TestDNS zone file parser: any bytes as
 * a zone. A refused file names itself and a line; an accepted one answers
 * every name of its first lines, for every type, with answers within the
 * limits of struct dnsanswer (addresses of 4 and 16 octets, text
 * NUL-terminated inside the data).
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsanswer.h"
#include "testdns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - the invariants of one answer */
static void check(const struct dnsanswer *a, int type)
{
	if (a->status > RESOLVER_TOOLONG || (a->status == RESOLVER_OK) != (a->n > 0) ||
	    a->n > DNSANSWER_RECORDS_MAX || a->used > DNSANSWER_DATA_MAX)
		__builtin_trap();
	for (size_t i = 0; i < a->n; i++) {
		const struct dnsanswer_rr *r = &a->rr[i];

		if (r->off + r->len >= a->used || a->data[r->off + r->len] != '\0')
			__builtin_trap();
		if ((type == DNS_T_A && r->len != 4) || (type == DNS_T_AAAA && r->len != 16))
			__builtin_trap();
		if (type != DNS_T_A && type != DNS_T_AAAA && strlen(dnsanswer_text(a, i)) != r->len)
			__builtin_trap();
	}
}

/* LLVMFuzzerTestOneInput - parse; look up the first word of the first lines */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR };
	static struct dnsanswer a;
	char err[512] = "";
	struct testdns *z = testdns_parse((const char *)data, size, "fuzz", err, sizeof(err));
	const char *p = (const char *)data, *end = p + size;

	if (z == NULL) {
		if (strncmp(err, "fuzz:", 5) != 0)
			__builtin_trap();
		return 0;
	}
	for (int line = 0; line < 8 && p < end; line++) {
		char name[300];
		size_t n = 0;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && n < sizeof(name) - 1)
			name[n++] = *p++;
		name[n] = '\0';
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			testdns_lookup(z, name, types[t], &a);
			check(&a, types[t]);
		}
		while (p < end && *p != '\n')
			p++;
		p++;
	}
	testdns_free(z);
	return 0;
}
