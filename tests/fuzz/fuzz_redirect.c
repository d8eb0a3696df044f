/*
 * fuzz_redirect - fuzz target for the redirector decoding (redirect.h):
 * the input as one URL. Every target reported is a URL by redirect_is_url,
 * at most URL_MAX bytes, at depth 1 or 2, at most REDIRECT_TARGETS_MAX of
 * them; the same input gives the same targets twice.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redirect.h"
#include "url.h"

struct fuzz_seen {
	size_t n;
	uint64_t sum;
};

/* fuzz_target - one target: what redirect.h promises */
static void fuzz_target(void *ctx, const char *t, size_t len, unsigned depth)
{
	struct fuzz_seen *s = ctx;

	if (len == 0 || len > URL_MAX || depth < 1 || depth > REDIRECT_DEPTH ||
	    !redirect_is_url(t, len))
		abort();
	s->n++;
	for (size_t i = 0; i < len; i++)
		s->sum = s->sum * 31 + (unsigned char)t[i] + depth;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the input as a URL, twice */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_seen a = { 0, 0 }, b = { 0, 0 };
	size_t na = redirect_targets((const char *)data, size, fuzz_target, &a);
	size_t nb = redirect_targets((const char *)data, size, fuzz_target, &b);

	if (na != a.n || na > REDIRECT_TARGETS_MAX || na != nb || a.sum != b.sum)
		abort();
	return 0;
}
