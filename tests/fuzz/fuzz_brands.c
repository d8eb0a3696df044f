/*
 * fuzz_brands - fuzz target for the brand pack parser (vigie-brands(5)):
 * any bytes as a pack. A pack that loads holds at most BRANDS_MAX brands,
 * each named in valid UTF-8 with a printable ASCII form (X-Vigie-Verdict
 * quotes it); a pack that does not load says why. The loaded pack then
 * answers the questions a message asks of it (owner of a domain, name
 * claim in a display name).
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brands.h"
#include "detector.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_check_brand - a brand's names are what headers and logs may show */
static void fuzz_check_brand(const struct brand *br)
{
	const char *name = brand_name(br), *ascii = brand_ascii_name(br);

	if (name == NULL || ascii == NULL || name[0] == '\0' ||
	    utf8_valid_prefix(name, strlen(name)) != strlen(name))
		abort();
	for (const char *p = ascii; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
}

/* LLVMFuzzerTestOneInput - parse a pack; query what loaded */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct detector *det;
	static const char *const domains[] = {
		"viamedis.fr", "xn--viamdis-eya.fr", "mail.almerys.com", "example.org", "fr", ""
	};
	char err[256] = "";
	struct brands *b;

	if (det == NULL && (det = detector_new(NULL, err, sizeof(err))) == NULL)
		abort();
	b = brands_parse((const char *)data, size, "fuzz", detector_skeleton(det),
			 detector_psl(det), err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	if (b == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (brands_count(b) > BRANDS_MAX)
		abort();
	for (size_t i = 0; i < brands_count(b); i++)
		fuzz_check_brand(brands_at(b, i));
	for (size_t i = 0; i < sizeof(domains) / sizeof(*domains); i++) {
		const struct brand *br = brands_owner(b, domains[i]);

		if (br != NULL)
			fuzz_check_brand(br);
		brands_allowed(b, domains[i]);
	}
	brands_name_claim(b, (const char *)data, size);
	brands_free(b);
	return 0;
}
