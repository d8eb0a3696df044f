/*
 * fuzz_dmarc - fuzz target for DMARC: the first line of the input is the
 * TXT record of _dmarc.fuzz.test (any bytes), the following lines more
 * zone records (the organisational domain's, a second record). Read by
 * libopendmarc with DKIM and SPF results of every kind, for the domain and
 * a subdomain: no crash, a result and policy the enums know, at most two
 * lookups, pct within 0..100.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "authzone.h"
#include "dmarccheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the record, read with each kind of result */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static psl_ctx_t *psl;
	struct dns *dns = authzone_dns("_dmarc.fuzz.test", data, size);
	char err[256];
	struct dmarccheck_lib *lib;

	if (psl == NULL)
		psl = psl_latest(NULL);
	if (dns == NULL)
		return 0;
	if ((lib = dmarccheck_lib_new(dns, psl, err, sizeof(err))) == NULL)
		__builtin_trap();
	for (int k = 0; k < DKIMCHECK_RESULT_COUNT; k++) {
		struct dmarccheck_sig sig = { k % 2 ? "fuzz.test" : "mail.fuzz.test", "s1",
					      (enum dkimcheck_result)k };
		struct spfcheck_out spf;
		struct dmarccheck_in in = { k % 3 ? "fuzz.test" : "a.b.fuzz.test", "192.0.2.1",
					    &sig, 1, &spf };
		struct dmarccheck_out out;
		struct dns_budget b;

		spfcheck_none(&spf, "");
		spf.evaluated = true;
		spf.result = (enum spfcheck_result)(k % SPFCHECK_RESULT_COUNT);
		snprintf(spf.domain, sizeof(spf.domain), "bounce.fuzz.test");
		dns_budget_init(&b);
		dmarccheck_run(lib, &b, &in, &out);
		if (!out.evaluated || out.result >= DMARCCHECK_RESULT_COUNT || out.reason == NULL ||
		    out.applied > DMARCCHECK_P_REJECT || out.p > DMARCCHECK_P_REJECT ||
		    out.pct < 0 || out.pct > 100 || b.queries > 2 || strlen(out.record) > DMARCCHECK_RECORD_SHOWN)
			__builtin_trap();
	}
	dmarccheck_lib_free(lib);
	dns_free(dns);
	return 0;
}
