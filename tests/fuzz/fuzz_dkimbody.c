/*
 * fuzz_dkimbody - fuzz target for the mailing-list footer check: the first
 * line of the input is a DKIM-Signature value (its tag parser is vigie's),
 * the rest a body fed in two chunks (the split from the first byte). No
 * crash; a prefix found lies within the body.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkimbody.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the signature, then the body */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl;
	size_t first, body, cut, at = 0;
	struct dkimbody_tags t;
	struct dkimbody *b;
	char *sig;

	if (size < 1)
		return 0;
	nl = memchr(data + 1, '\n', size - 1);
	first = nl ? (size_t)(nl - data - 1) : size - 1;
	sig = xstrndup((const char *)data + 1, first);
	(void)dkimbody_tags(sig, strlen(sig), &t);
	if (strlen(t.d) > DNSNAME_MAX || t.bhlen > sizeof(t.bh))
		__builtin_trap();
	b = dkimbody_new(sig);
	free(sig);
	if (b == NULL)
		return 0;
	body = nl ? size - (size_t)(nl - data) - 1 : 0;
	cut = body ? data[0] % (body + 1) : 0;
	if (nl != NULL) {
		dkimbody_feed(b, (const char *)nl + 1, cut);
		dkimbody_feed(b, (const char *)nl + 1 + cut, body - cut);
	}
	if (dkimbody_prefix(b, &at) && at > body)
		__builtin_trap();
	dkimbody_free(b);
	return 0;
}
