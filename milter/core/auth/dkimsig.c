/*
 * dkimsig - from libopendkim's verdict on one signature to vigie's: the RFC
 * 8601 result, a short reason, and d=, s=, a=, the start of b=, the key size.
 *
 * Touches: nothing but the structures given. A signature passes only when
 * libopendkim says PASSED and the body hash matched (PASSED alone survives a
 * tampered body). The mapping of libopendkim's errors:
 *   fail       signature or body hash mismatch, l= longer than the body
 *   policy     expired, dated in the future, RSA key under 1024 bits,
 *              rsa-sha1 (RFC 8301 forbids it)
 *   neutral    the signature cannot be processed: syntax, version, unknown
 *              algorithm or canonicalisation, i= outside d=, From unsigned;
 *              or the caller's filter set it aside ("not checked")
 *   temperror  the key could not be fetched now (DNS failure or timeout)
 *   permerror  no key, revoked key, unusable key record
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "dkimsig.h"

struct dkimsig_error {
	enum dkimcheck_result result;
	const char *reason;
};

/* libopendkim's DKIM_SIGERROR_* codes, which are small and dense */
static const struct dkimsig_error dkimsig_errors[] = {
	[DKIM_SIGERROR_VERSION] = { DKIMCHECK_NEUTRAL, "unsupported version" },
	[DKIM_SIGERROR_DOMAIN] = { DKIMCHECK_NEUTRAL, "i= not within d=" },
	[DKIM_SIGERROR_EXPIRED] = { DKIMCHECK_POLICY, "signature expired" },
	[DKIM_SIGERROR_FUTURE] = { DKIMCHECK_POLICY, "signature dated in the future" },
	[DKIM_SIGERROR_TIMESTAMPS] = { DKIMCHECK_NEUTRAL, "x= before t=" },
	[DKIM_SIGERROR_INVALID_HC] = { DKIMCHECK_NEUTRAL, "unknown canonicalization" },
	[DKIM_SIGERROR_INVALID_BC] = { DKIMCHECK_NEUTRAL, "unknown canonicalization" },
	[DKIM_SIGERROR_MISSING_A] = { DKIMCHECK_NEUTRAL, "bad syntax: no a=" },
	[DKIM_SIGERROR_INVALID_A] = { DKIMCHECK_NEUTRAL, "unknown algorithm" },
	[DKIM_SIGERROR_MISSING_H] = { DKIMCHECK_NEUTRAL, "bad syntax: no h=" },
	[DKIM_SIGERROR_INVALID_L] = { DKIMCHECK_NEUTRAL, "bad syntax: l=" },
	[DKIM_SIGERROR_INVALID_Q] = { DKIMCHECK_NEUTRAL, "unknown query method" },
	[DKIM_SIGERROR_INVALID_QO] = { DKIMCHECK_NEUTRAL, "unknown query method" },
	[DKIM_SIGERROR_MISSING_D] = { DKIMCHECK_NEUTRAL, "bad syntax: no d=" },
	[DKIM_SIGERROR_EMPTY_D] = { DKIMCHECK_NEUTRAL, "bad syntax: empty d=" },
	[DKIM_SIGERROR_MISSING_S] = { DKIMCHECK_NEUTRAL, "bad syntax: no s=" },
	[DKIM_SIGERROR_EMPTY_S] = { DKIMCHECK_NEUTRAL, "bad syntax: empty s=" },
	[DKIM_SIGERROR_MISSING_B] = { DKIMCHECK_NEUTRAL, "bad syntax: no b=" },
	[DKIM_SIGERROR_EMPTY_B] = { DKIMCHECK_NEUTRAL, "bad syntax: empty b=" },
	[DKIM_SIGERROR_CORRUPT_B] = { DKIMCHECK_NEUTRAL, "bad syntax: b=" },
	[DKIM_SIGERROR_NOKEY] = { DKIMCHECK_PERMERROR, "key not found" },
	[DKIM_SIGERROR_DNSSYNTAX] = { DKIMCHECK_PERMERROR, "bad key record" },
	[DKIM_SIGERROR_KEYFAIL] = { DKIMCHECK_TEMPERROR, "key lookup failed" },
	[DKIM_SIGERROR_MISSING_BH] = { DKIMCHECK_NEUTRAL, "bad syntax: no bh=" },
	[DKIM_SIGERROR_EMPTY_BH] = { DKIMCHECK_NEUTRAL, "bad syntax: empty bh=" },
	[DKIM_SIGERROR_CORRUPT_BH] = { DKIMCHECK_NEUTRAL, "bad syntax: bh=" },
	[DKIM_SIGERROR_BADSIG] = { DKIMCHECK_FAIL, "signature mismatch" },
	[DKIM_SIGERROR_SUBDOMAIN] = { DKIMCHECK_PERMERROR, "key forbids subdomains" },
	[DKIM_SIGERROR_MULTIREPLY] = { DKIMCHECK_PERMERROR, "multiple key records" },
	[DKIM_SIGERROR_EMPTY_H] = { DKIMCHECK_NEUTRAL, "bad syntax: empty h=" },
	[DKIM_SIGERROR_INVALID_H] = { DKIMCHECK_NEUTRAL, "From not signed" },
	[DKIM_SIGERROR_TOOLARGE_L] = { DKIMCHECK_FAIL, "l= longer than the body" },
	[DKIM_SIGERROR_MBSFAILED] = { DKIMCHECK_NEUTRAL, "required header not signed" },
	[DKIM_SIGERROR_KEYVERSION] = { DKIMCHECK_PERMERROR, "bad key version" },
	[DKIM_SIGERROR_KEYUNKNOWNHASH] = { DKIMCHECK_PERMERROR, "key hash unknown" },
	[DKIM_SIGERROR_KEYHASHMISMATCH] = { DKIMCHECK_PERMERROR, "key forbids this hash" },
	[DKIM_SIGERROR_NOTEMAILKEY] = { DKIMCHECK_PERMERROR, "key not for email" },
	[DKIM_SIGERROR_KEYTYPEMISSING] = { DKIMCHECK_PERMERROR, "key type missing" },
	[DKIM_SIGERROR_KEYTYPEUNKNOWN] = { DKIMCHECK_PERMERROR, "key type unknown" },
	[DKIM_SIGERROR_KEYREVOKED] = { DKIMCHECK_PERMERROR, "key revoked" },
	[DKIM_SIGERROR_KEYDECODE] = { DKIMCHECK_PERMERROR, "key cannot be decoded" },
	[DKIM_SIGERROR_MISSING_V] = { DKIMCHECK_NEUTRAL, "bad syntax: no v=" },
	[DKIM_SIGERROR_EMPTY_V] = { DKIMCHECK_NEUTRAL, "bad syntax: empty v=" },
	[DKIM_SIGERROR_KEYTOOSMALL] = { DKIMCHECK_POLICY, "key too small" },
	[DKIM_SIGERROR_CONDITIONAL] = { DKIMCHECK_NEUTRAL, "conditional signature" },
	[DKIM_SIGERROR_CONDLOOP] = { DKIMCHECK_NEUTRAL, "conditional signature" },
};

/* dkimsig_copy - printable ASCII only, '?' for the rest, cut to fit */
void dkimsig_copy(char *dst, size_t size, const char *src, bool lower)
{
	size_t n = 0;

	if (src != NULL)
		for (; src[n] != '\0' && n + 1 < size; n++) {
			unsigned char c = (unsigned char)src[n];

			if (c < 0x21 || c > 0x7e)
				c = '?';
			dst[n] = (char)(lower ? tolower(c) : c);
		}
	dst[n] = '\0';
}

/* dkimsig_b - the first characters of b=, base64 only */
static void dkimsig_b(char *dst, size_t size, const char *b)
{
	size_t n = 0;

	for (; b != NULL && *b != '\0' && n + 1 < size; b++)
		if (isalnum((unsigned char)*b) || *b == '+' || *b == '/' || *b == '=')
			dst[n++] = *b;
	dst[n] = '\0';
}

/* dkimsig_length - the value of l=, -1 when there is none (libopendkim checked its syntax) */
long long dkimsig_length(const char *l)
{
	long long v = 0;

	if (l == NULL)
		return -1;
	while (*l == ' ' || *l == '\t' || *l == '\r' || *l == '\n')
		l++;
	for (; *l >= '0' && *l <= '9'; l++) {
		if (v > (1LL << 50))
			return 1LL << 50;	/* more than any message: all of it */
		v = v * 10 + (*l - '0');
	}
	return v;
}

/* dkimsig_hfields - h= as "from:subject:...": lower case, white space dropped */
static void dkimsig_hfields(struct dkimcheck_sig *out, const char *h)
{
	size_t n = 0;

	for (; h != NULL && *h != '\0'; h++) {
		char c = *h;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (n == DKIMCHECK_HFIELDS_MAX) {
			out->hfields_cut = true;
			break;
		}
		out->hfields[n++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	out->hfields[n] = '\0';
}

/* dkimsig_flags - the result when libopendkim reported no error */
static void dkimsig_flags(DKIM_SIGINFO *sig, struct dkimcheck_sig *out)
{
	unsigned flags = dkim_sig_getflags(sig);
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;

	(void)dkim_sig_getsignalg(sig, &alg);
	if (flags & DKIM_SIGFLAG_IGNORE) {
		if (alg == DKIM_SIGN_RSASHA1) {
			out->result = DKIMCHECK_POLICY;
			out->reason = "rsa-sha1 not accepted";
		} else {
			out->result = DKIMCHECK_NEUTRAL;
			out->reason = "not checked";
		}
	} else if (!(flags & DKIM_SIGFLAG_PROCESSED)) {
		out->result = DKIMCHECK_TEMPERROR;
		out->reason = "not verified";
	} else if (!(flags & DKIM_SIGFLAG_PASSED)) {
		out->result = DKIMCHECK_FAIL;
		out->reason = "signature mismatch";
	} else if (dkim_sig_getbh(sig) != DKIM_SIGBH_MATCH) {
		out->result = DKIMCHECK_FAIL;
		out->reason = "body hash mismatch";
	} else {
		out->result = DKIMCHECK_PASS;
		out->reason = "";
	}
}

/* dkimsig_fill - the whole account of one signature */
void dkimsig_fill(DKIM_SIGINFO *sig, const char *lookup_reason, struct dkimcheck_sig *out)
{
	int err = dkim_sig_geterror(sig);
	unsigned flags = dkim_sig_getflags(sig);
	unsigned bits = 0;
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;

	memset(out, 0, sizeof(*out));
	dkimsig_copy(out->domain, sizeof(out->domain), (const char *)dkim_sig_getdomain(sig), true);
	dkimsig_copy(out->selector, sizeof(out->selector),
		     (const char *)dkim_sig_getselector(sig), false);
	dkimsig_copy(out->algorithm, sizeof(out->algorithm),
		     (const char *)dkim_sig_gettagvalue(sig, false, (u_char *)"a"), true);
	dkimsig_b(out->b, sizeof(out->b), (const char *)dkim_sig_gettagvalue(sig, false, (u_char *)"b"));
	out->testing = (flags & DKIM_SIGFLAG_TESTKEY) != 0;
	out->length = dkimsig_length((const char *)dkim_sig_gettagvalue(sig, false, (u_char *)"l"));
	dkimsig_hfields(out, (const char *)dkim_sig_gettagvalue(sig, false, (u_char *)"h"));
	out->header_ok = (flags & DKIM_SIGFLAG_PROCESSED) && (flags & DKIM_SIGFLAG_PASSED);
	out->body_changed = dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH;

	if (err == DKIM_SIGERROR_OK || err == DKIM_SIGERROR_UNKNOWN) {
		dkimsig_flags(sig, out);
	} else if (err > 0 && (size_t)err < sizeof(dkimsig_errors) / sizeof(dkimsig_errors[0]) &&
		   dkimsig_errors[err].reason != NULL) {
		out->result = dkimsig_errors[err].result;
		out->reason = dkimsig_errors[err].reason;
	} else {
		out->result = DKIMCHECK_NEUTRAL;
		out->reason = "unverifiable";
	}
	/* libopendkim says BADSIG for a good signature over a changed body */
	if (out->result == DKIMCHECK_FAIL && dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH)
		out->reason = "body hash mismatch";
	/* the lookup knows better why a key could not be had */
	if (lookup_reason != NULL && out->result != DKIMCHECK_PASS)
		out->reason = lookup_reason;

	(void)dkim_sig_getsignalg(sig, &alg);
	if (alg == DKIM_SIGN_ED25519SHA256 && (flags & DKIM_SIGFLAG_PROCESSED) &&
	    (err == DKIM_SIGERROR_OK || err == DKIM_SIGERROR_BADSIG))
		out->key_bits = 256;
	else if (dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK)
		out->key_bits = bits;
}
