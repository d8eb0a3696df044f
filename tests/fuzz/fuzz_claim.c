/*
 * fuzz_claim - fuzz target for the readers of names and free text a sender
 * writes: brands_claim_read (each line of the input as a display name or a
 * local part, glued names allowed or not; the whole input too) and the
 * lexicon (the input as a body, cut at every 1..16 bytes in turn). A claim
 * names one of its brand's forms; a hit's flags are the documented ones;
 * both readings of a text agree on a whole-word claim.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brands.h"
#include "detector.h"
#include "lexicon.h"

/* fuzz_claim_check - a claim keeps what brands.h promises */
static void fuzz_claim_check(const struct brands_claim *c, bool found)
{
	bool form = false;

	if (!found) {
		if (c->brand || c->form)
			abort();
		return;
	}
	if (c->brand == NULL || c->form == NULL || c->glue > BRANDS_GLUE_WORD)
		abort();
	for (size_t i = 0; i < brand_form_count(c->brand); i++)
		form = form || strcmp(brand_form(c->brand, i), c->form) == 0;
	if (!form)
		abort();
}

/* fuzz_claim_text - one text read both ways */
static void fuzz_claim_text(const struct brands *b, const char *s, size_t n)
{
	struct brands_claim glued, whole;
	bool g = brands_claim_read(b, s, n, true, &glued);
	bool w = brands_claim_read(b, s, n, false, &whole);

	fuzz_claim_check(&glued, g);
	fuzz_claim_check(&whole, w);
	if (w && (!g || glued.glue != BRANDS_GLUE_NONE || glued.brand != whole.brand))
		abort();	/* whole words are read first, the same way */
}

/* fuzz_hit - the lexicon's callback: flags as documented */
static void fuzz_hit(void *ctx, const struct lexicon_entry *e, unsigned flags)
{
	(void)ctx;
	if ((flags & ~(unsigned)(LEXICON_HIT_DISGUISED | LEXICON_HIT_NEGATED)) ||
	    e->kind > LEXICON_NEGATION || e->words == 0 ||
	    ((flags & LEXICON_HIT_NEGATED) && e->kind != LEXICON_ACTION) ||
	    (e->kind == LEXICON_BRAND) != (e->brand != NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one input through both readers */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct detector *det;
	const struct brands *b;
	struct lexicon_scan s;
	char err[256];

	if (det == NULL && (det = detector_new(NULL, err, sizeof(err))) == NULL)
		abort();
	b = detector_brands(det);
	for (size_t pos = 0, n = 0; pos < size && n < 64; n++) {
		const char *line = (const char *)data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;

		fuzz_claim_text(b, line, len);
		pos += len + 1;
	}
	fuzz_claim_text(b, (const char *)data, size);
	lexicon_scan_init(&s, detector_lexicon(det), fuzz_hit, NULL);
	for (size_t pos = 0, cut = 1; pos < size; pos += cut, cut = cut % 16 + 1)
		lexicon_scan_text(&s, (const char *)data + pos, size - pos < cut ? size - pos : cut);
	lexicon_scan_break(&s);
	return 0;
}
