/*
 * fuzz_domain - fuzz target for the domain engine's parsers of hostile
 * input: domain_parse and lookalike matching (each line of the input as a
 * From domain or a link host, in turn; the whole input as one name too),
 * free-text folding and name claims (all of it). So the golden list of
 * names (tests/golden/domains.txt) is a seed as it is. The brand pack
 * parser has its own target (fuzz_brands.c).
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
#include "domain.h"
#include "skeleton.h"
#include "utf8.h"

/* fuzz_ascii - text a header may show: printable ASCII, at most max bytes */
static void fuzz_ascii(const char *s, size_t max, bool spaces)
{
	size_t n = strlen(s);

	if (n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < (spaces ? 0x20 : 0x21) || (unsigned char)s[i] >= 0x7f)
			abort();
}

/* fuzz_domain - a parsed name keeps what domain.h promises */
static void fuzz_domain(const struct domain *d)
{
	if (d->status >= DOMAIN_STATUS_COUNT)
		abort();
	if (d->status != DOMAIN_OK)
		return;
	fuzz_ascii(d->ascii, DNSNAME_MAX, false);
	if (d->ascii_len != strlen(d->ascii) || d->unicode_len != strlen(d->unicode) ||
	    d->labels == 0 || d->labels > DOMAIN_LABELS_MAX || d->reg_label > d->labels)
		abort();
	fuzz_ascii(d->registrable, DNSNAME_MAX, false);
	if (utf8_valid_prefix(d->unicode, d->unicode_len) != d->unicode_len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one input through every parser */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct detector *det;
	struct reason_list l;
	struct domain d;
	struct vbuf fold = VBUF_INIT(4096);
	char err[256];

	if (det == NULL && (det = detector_new(NULL, err, sizeof(err))) == NULL)
		abort();
	reason_list_init(&l);
	for (size_t pos = 0, n = 0; pos < size && n < 64; n++) {
		const char *line = (const char *)data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;

		detector_check_domain(det, line, len, n % 2 ? WHERE_LINK : WHERE_FROM, &d, &l);
		fuzz_domain(&d);
		pos += len + 1;
	}
	detector_check_domain(det, (const char *)data, size, WHERE_LINK, &d, &l);
	fuzz_domain(&d);
	if (l.count > REASON_LIST_MAX)
		abort();
	for (size_t i = 0; i < l.count; i++)
		fuzz_ascii(l.item[i].subject, REASON_SUBJECT_MAX, true);
	skeleton_fold_text(detector_skeleton(det), (const char *)data, size, &fold);
	vbuf_free(&fold);
	brands_name_claim(detector_brands(det), (const char *)data, size);
	return 0;
}
