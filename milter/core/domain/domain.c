/*
 * domain - normalisation of one domain name: IDNA (libidn2, UTS #46
 * non-transitional), A-label and U-label forms, registrable part (libpsl).
 *
 * Touches: the struct it is given and short-lived heap memory inside
 * libidn2. Input is hostile: it is bounded (DOMAIN_INPUT_MAX), checked for
 * NUL bytes, bad UTF-8, empty and long labels before libidn2 sees it, and
 * every failure becomes a status (domain_status_text), never a crash.
 * Plain ASCII host names take a fast path that gives what libidn2 would.
 */
#include <config.h>

#include <string.h>

#include <idn2.h>

#include "domain.h"
#include "skeleton.h"
#include "utf8.h"

static const char *const domain_texts[DOMAIN_STATUS_COUNT] = {
	[DOMAIN_OK] = "ok",
	[DOMAIN_EMPTY] = "empty name",
	[DOMAIN_EMPTY_LABEL] = "empty label",
	[DOMAIN_NUL] = "NUL byte in name",
	[DOMAIN_BAD_UTF8] = "invalid UTF-8",
	[DOMAIN_BAD_CHAR] = "character not allowed in a host name",
	[DOMAIN_LABEL_TOO_LONG] = "label longer than 63 bytes",
	[DOMAIN_TOO_LONG] = "name longer than 253 bytes",
	[DOMAIN_TOO_MANY_LABELS] = "more than 126 labels",
	[DOMAIN_BAD_PUNYCODE] = "invalid punycode",
	[DOMAIN_BAD_IDNA] = "refused by IDNA2008 (UTS #46)",
	[DOMAIN_BAD_HYPHEN] = "hyphen at the start or end of a label, or in 3rd and 4th place",
	[DOMAIN_BAD_BIDI] = "breaks the right-to-left rules (RFC 5893)",
	[DOMAIN_LITERAL] = "address literal, not a domain name",
};

/* domain_status_text - a short explanation of a status, for people */
const char *domain_status_text(enum domain_status status)
{
	if ((unsigned)status >= DOMAIN_STATUS_COUNT)
		return "unknown status";
	return domain_texts[status];
}

/* domain_label - the label at index in a dotted name; its length, 0 if none */
size_t domain_label(const char *name, unsigned index, const char **label)
{
	const char *p = name, *dot;

	for (unsigned i = 0; i < index; i++) {
		if ((p = strchr(p, '.')) == NULL) {
			*label = NULL;
			return 0;
		}
		p++;
	}
	*label = p;
	dot = strchr(p, '.');
	return dot ? (size_t)(dot - p) : strlen(p);
}

/* domain_fail - record a status and empty results */
static enum domain_status domain_fail(struct domain *d, enum domain_status status)
{
	d->status = status;
	d->ascii[0] = d->unicode[0] = d->registrable[0] = '\0';
	d->ascii_len = d->unicode_len = 0;
	d->reg_label = d->labels;
	return status;
}

/* domain_ldh - letters, digits, hyphen and underscore: all a label may hold */
static bool domain_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* domain_label_ok - the hyphen rules of libidn2 on one ASCII label; xn-- excluded */
static bool domain_label_ok(const char *s, size_t n, bool *xn)
{
	*xn = n >= 4 && (s[0] | 0x20) == 'x' && (s[1] | 0x20) == 'n' && s[2] == '-' && s[3] == '-';
	if (s[0] == '-' || s[n - 1] == '-')
		return false;
	return *xn || n < 4 || s[2] != '-' || s[3] != '-';
}

/*
 * domain_scan - bounds and shape of the input before any conversion: labels
 * counted (ASCII dots), empty and long ASCII labels, UTF-8 checked. Sets
 * *fast when libidn2 would only lower-case it.
 */
static enum domain_status domain_scan(struct domain *d, const char *in, size_t len, bool *fast)
{
	size_t start = 0;
	bool ascii = true, xn;

	*fast = true;
	d->labels = 1;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)in[i] : '.';

		if (c >= 0x80) {
			ascii = false;
			continue;
		}
		if (c != '.') {
			if (!domain_ldh((unsigned char)(c | (c >= 'A' && c <= 'Z' ? 0x20 : 0))))
				*fast = false;
			continue;
		}
		if (i == start)
			return DOMAIN_EMPTY_LABEL;
		if (ascii && i - start > DNSNAME_LABEL_MAX)
			return DOMAIN_LABEL_TOO_LONG;
		if (!ascii || !domain_label_ok(in + start, i - start, &xn) || xn)
			*fast = false;
		if (i < len && ++d->labels > DOMAIN_LABELS_MAX)
			return DOMAIN_TOO_MANY_LABELS;
		start = i + 1;
		ascii = true;
	}
	for (size_t i = 0; i < len;) {
		uint32_t c;

		if ((unsigned char)in[i] < 0x80) {
			i++;
			continue;
		}
		*fast = false;
		c = utf8_next(in, len, &i);
		if (c == UTF8_INVALID)
			return DOMAIN_BAD_UTF8;
		if (skeleton_is_ignorable(c))
			d->flags |= DOMAIN_F_IGNORABLE;
	}
	return DOMAIN_OK;
}

/* domain_idn2_status - a libidn2 error as a status */
static enum domain_status domain_idn2_status(int rc)
{
	switch (rc) {
	case IDN2_PUNYCODE_BAD_INPUT:
	case IDN2_PUNYCODE_OVERFLOW:
		return DOMAIN_BAD_PUNYCODE;
	case IDN2_PUNYCODE_BIG_OUTPUT:	/* encoding a U-label past 63 bytes */
	case IDN2_TOO_BIG_LABEL:
		return DOMAIN_LABEL_TOO_LONG;
	case IDN2_TOO_BIG_DOMAIN:
		return DOMAIN_TOO_LONG;
	case IDN2_ENCODING_ERROR:
	case IDN2_ICONV_FAIL:
		return DOMAIN_BAD_UTF8;
	case IDN2_HYPHEN_STARTEND:
	case IDN2_2HYPHEN:
		return DOMAIN_BAD_HYPHEN;
	case IDN2_BIDI:
		return DOMAIN_BAD_BIDI;
	default:
		return DOMAIN_BAD_IDNA;
	}
}

/* domain_check_ascii - what libidn2 let through must still be a host name */
static enum domain_status domain_check_ascii(struct domain *d)
{
	size_t start = 0;
	bool xn;

	d->labels = 1;
	for (size_t i = 0; i <= d->ascii_len; i++) {
		unsigned char c = i < d->ascii_len ? (unsigned char)d->ascii[i] : '.';

		if (c != '.') {
			if (!domain_ldh(c))
				return DOMAIN_BAD_CHAR;
			continue;
		}
		if (i == start)
			return DOMAIN_EMPTY_LABEL;
		if (i - start > DNSNAME_LABEL_MAX)
			return DOMAIN_LABEL_TOO_LONG;
		if (!domain_label_ok(d->ascii + start, i - start, &xn))
			return DOMAIN_BAD_HYPHEN;
		if (xn)
			d->flags |= DOMAIN_F_IDN;
		if (i < d->ascii_len && ++d->labels > DOMAIN_LABELS_MAX)
			return DOMAIN_TOO_MANY_LABELS;
		start = i + 1;
	}
	return DOMAIN_OK;
}

/*
 * domain_idna - the slow path: libidn2 both ways. An ASCII name (A-labels)
 * is lower-cased here, which is all UTS #46 mapping does to ASCII, and its
 * A-labels are checked against IDNA2008 directly (IDN2_NO_TR46): libidn2's
 * TR46 pass costs 4 times more and gave the same result on each of 214,163
 * dnstwist permutations. Other names get the full UTS #46 processing.
 */
static enum domain_status domain_idna(struct domain *d, const char *in, size_t len)
{
	char copy[DOMAIN_INPUT_MAX + 1];
	char *out = NULL, *u = NULL;
	enum domain_status st;
	bool ascii = true;
	size_t n;
	int rc;

	for (size_t i = 0; i < len; i++) {
		char c = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] | 0x20) : in[i];

		if (!domain_ldh((unsigned char)c) && c != '.')
			ascii = false;
		copy[i] = c;
	}
	copy[len] = '\0';
	rc = idn2_lookup_u8((const uint8_t *)copy, (uint8_t **)&out,
			    ascii ? IDN2_NO_TR46 : IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
		return domain_idn2_status(rc);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '.')	/* an ideographic full stop at the end */
		n--;
	if (n == 0 || n > DNSNAME_MAX) {
		idn2_free(out);
		return n == 0 ? DOMAIN_EMPTY : DOMAIN_TOO_LONG;
	}
	memcpy(d->ascii, out, n);
	d->ascii[n] = '\0';
	d->ascii_len = n;
	idn2_free(out);
	if ((st = domain_check_ascii(d)) != DOMAIN_OK)
		return st;
	if (!(d->flags & DOMAIN_F_IDN)) {
		memcpy(d->unicode, d->ascii, n + 1);
		d->unicode_len = n;
		return DOMAIN_OK;
	}
	rc = idn2_to_unicode_8z8z(d->ascii, &u, 0);
	if (rc != IDN2_OK)
		return domain_idn2_status(rc);
	n = strlen(u);
	if (n > DOMAIN_UNICODE_MAX) {
		idn2_free(u);
		return DOMAIN_TOO_LONG;
	}
	memcpy(d->unicode, u, n + 1);
	d->unicode_len = n;
	idn2_free(u);
	return DOMAIN_OK;
}

/* domain_mapped - whether UTS #46 changed more than the case of ASCII letters */
static bool domain_mapped(const struct domain *d, const char *in, size_t len)
{
	if (len != d->unicode_len)
		return true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if (c != (unsigned char)d->unicode[i])
			return true;
	}
	return false;
}

/* domain_registrable - the registrable part and the label it starts at */
static void domain_registrable(struct domain *d, const psl_ctx_t *psl)
{
	const char *reg = psl ? psl_registrable_domain(psl, d->ascii) : NULL;

	d->registrable[0] = '\0';
	d->reg_label = d->labels;
	if (reg == NULL || reg < d->ascii || reg >= d->ascii + d->ascii_len)
		return;
	memcpy(d->registrable, reg, d->ascii_len - (size_t)(reg - d->ascii) + 1);
	d->reg_label = 0;
	for (const char *p = d->ascii; p < reg; p++)
		if (*p == '.')
			d->reg_label++;
}

/*
 * domain_parse - normalise in[0..len) into d; returns d->status. psl may be
 * NULL (then no registrable part is known).
 */
enum domain_status domain_parse(struct domain *d, const char *in, size_t len,
				const psl_ctx_t *psl)
{
	enum domain_status st;
	bool fast;

	d->flags = 0;
	d->labels = 0;
	if (len == 0)
		return domain_fail(d, DOMAIN_EMPTY);
	if (len > DOMAIN_INPUT_MAX)
		return domain_fail(d, DOMAIN_TOO_LONG);
	if (memchr(in, '\0', len))
		return domain_fail(d, DOMAIN_NUL);
	if (in[len - 1] == '.')
		len--;
	if (len == 0)
		return domain_fail(d, DOMAIN_EMPTY);
	if (in[0] == '[')
		return domain_fail(d, DOMAIN_LITERAL);
	if ((st = domain_scan(d, in, len, &fast)) != DOMAIN_OK)
		return domain_fail(d, st);
	if (fast) {
		if (len > DNSNAME_MAX)
			return domain_fail(d, DOMAIN_TOO_LONG);
		for (size_t i = 0; i < len; i++) {
			char c = in[i];

			d->ascii[i] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
		}
		d->ascii[len] = '\0';
		d->ascii_len = d->unicode_len = len;
		memcpy(d->unicode, d->ascii, len + 1);
	} else {
		unsigned flags = d->flags;

		if ((st = domain_idna(d, in, len)) != DOMAIN_OK)
			return domain_fail(d, st);
		d->flags |= flags;
		for (size_t i = 0; i < len; i++) {
			if ((unsigned char)in[i] >= 0x80) {
				if (domain_mapped(d, in, len))
					d->flags |= DOMAIN_F_MAPPED;
				break;
			}
		}
	}
	domain_registrable(d, psl);
	d->status = DOMAIN_OK;
	return DOMAIN_OK;
}
