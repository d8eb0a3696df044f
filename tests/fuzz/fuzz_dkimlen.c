/*
 * fuzz_dkimlen - fuzz target for the canonical body length against l=
 * (dkimlen.h): the first two bytes choose the canonicalization and the
 * limit, the rest is the body, fed whole and cut in two where the third
 * byte says. The byte found past the limit is the same either way and lies
 * in the body.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dkimlen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* past - the body in two pieces cut at cut; the index past the limit, size when none */
static size_t past(bool relaxed, unsigned long long limit, const char *p, size_t size, size_t cut)
{
	struct dkimlen d;
	size_t k;

	dkimlen_init(&d, relaxed, limit);
	if ((k = dkimlen_feed(&d, p, cut)) < cut)
		return k;
	k = dkimlen_feed(&d, p + cut, size - cut);
	if (k > size - cut || (k < size - cut) != d.passed)
		abort();
	return cut + k;
}

/* LLVMFuzzerTestOneInput - one body, whole and cut */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool relaxed;
	unsigned long long limit;
	size_t cut, whole, two;

	if (size < 3)
		return 0;
	relaxed = data[0] & 1;
	limit = data[1];
	cut = data[2];
	data += 3;
	size -= 3;
	if (cut > size)
		cut = size;
	whole = past(relaxed, limit, (const char *)data, size, size);
	two = past(relaxed, limit, (const char *)data, size, cut);
	if (whole > size || (whole != two && !(cut > 0 && whole + 1 == cut && two == cut)))
		abort();
	return 0;
}
