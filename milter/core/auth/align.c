/*
 * align - is a DKIM signing domain aligned with the From domain?
 *
 * Touches: nothing; reads the public suffix list it is given. A name that is
 * empty, too long or a public suffix itself has no organisational domain and
 * aligns only with the identical name. No psl context: strict only.
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "align.h"
#include "dnsname.h"

/* align_norm - lower case, no trailing dot; false if unusable */
static bool align_norm(char *dst, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (len > 0 && src[len - 1] == '.')
		len--;
	if (len == 0 || len > DNSNAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
		dst[i] = (char)tolower(c);
	}
	dst[len] = '\0';
	return true;
}

/* align_check - signer aligned with from under mode */
bool align_check(const psl_ctx_t *psl, const char *signer, const char *from,
		 enum align_mode mode)
{
	char d[DNSNAME_MAX + 1], f[DNSNAME_MAX + 1];
	const char *od, *of;

	if (!align_norm(d, signer) || !align_norm(f, from))
		return false;
	if (strcmp(d, f) == 0)
		return true;
	if (mode == ALIGN_STRICT || psl == NULL)
		return false;
	od = psl_registrable_domain(psl, d);
	of = psl_registrable_domain(psl, f);
	return od != NULL && of != NULL && strcmp(od, of) == 0;
}

/* align_mode_name - "relaxed" or "strict" */
const char *align_mode_name(enum align_mode mode)
{
	return mode == ALIGN_STRICT ? "strict" : "relaxed";
}
