/*
 * fuzz_linkscan - fuzz target for the cheap URL scanner used past
 * MaxBodyScan (linkscan.h): the input as text, whole and cut in three at
 * places its first bytes choose. Every URL is at most URL_MAX bytes and
 * holds no delimiter; cut or whole, the same URLs come out (URLs shorter
 * than URL_MAX: a longer one is cut where the pieces fall).
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linkscan.h"

struct fuzz_seen {
	size_t n;
	uint64_t sum;
	bool longest;		/* a URL reached URL_MAX */
};

/* fuzz_url - one URL: what linkscan.h promises */
static void fuzz_url(void *ctx, const char *u, size_t len)
{
	struct fuzz_seen *s = ctx;

	if (len == 0 || len > URL_MAX)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)u[i] <= ' ' || u[i] == '"' || u[i] == '<' || u[i] == '>')
			abort();
	s->longest |= len == URL_MAX;
	s->n++;
	for (size_t i = 0; i < len; i++)
		s->sum = s->sum * 31 + (unsigned char)u[i];
	s->sum += 7;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the text whole, then in three pieces */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct linkscan s;
	struct fuzz_seen whole = { 0, 0, false }, cut = { 0, 0, false };
	const char *p = (const char *)data;
	size_t a = size ? data[0] % (size + 1) : 0, b = size > 1 ? data[1] % (size + 1) : 0;

	if (a > b) {
		size_t t = a;

		a = b;
		b = t;
	}
	linkscan_init(&s);
	linkscan_feed(&s, p, size, fuzz_url, &whole);
	linkscan_end(&s, fuzz_url, &whole);
	linkscan_init(&s);
	linkscan_feed(&s, p, a, fuzz_url, &cut);
	linkscan_feed(&s, p + a, b - a, fuzz_url, &cut);
	linkscan_feed(&s, p + b, size - b, fuzz_url, &cut);
	linkscan_end(&s, fuzz_url, &cut);
	if (s.found != cut.n)
		abort();
	if (!whole.longest && !cut.longest && (whole.n != cut.n || whole.sum != cut.sum))
		abort();
	return 0;
}
