/*
 * fuzz_spf - fuzz target for vigie's use of libspf2: the first line of the
 * input is the SPF record of fuzz.test (any bytes), the following lines
 * more zone records (includes, redirects, A, MX, PTR...). Evaluated for
 * several clients through vigie's DNS layer: libspf2 must neither crash nor
 * abort, and vigie's limits hold (at most 11 terms, 3 void lookups
 * counted; a lookup count the RFC's limits bound).
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "authzone.h"
#include "spfcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the record, then three clients and the HELO identity */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = { "192.0.2.10", "2001:db8::25", "198.51.100.1" };
	struct dns *dns = authzone_dns("fuzz.test", data, size);
	char err[256];
	struct spfcheck_lib *lib;

	if (dns == NULL)
		return 0;
	if ((lib = spfcheck_lib_new(dns, err, sizeof(err))) == NULL)
		__builtin_trap();
	for (size_t i = 0; i < 4; i++) {
		struct spfcheck_out out;
		struct dns_budget b;

		dns_budget_init(&b);
		if (i < 3)
			spfcheck_run(lib, &b, ips[i], "mx.fuzz.test", "bob.%{l}", "fuzz.test", &out);
		else
			spfcheck_run(lib, &b, ips[0], "fuzz.test", "", "", &out);
		if (out.result >= SPFCHECK_RESULT_COUNT || out.reason == NULL ||
		    out.terms > SPFCHECK_TERMS_MAX + 1 || out.voids > SPFCHECK_VOID_MAX + 1 ||
		    out.lookups > 1 + (SPFCHECK_TERMS_MAX + 1) * (SPFCHECK_ADDRS_MAX + 2))
			__builtin_trap();
	}
	spfcheck_lib_free(lib);
	dns_free(dns);
	return 0;
}
