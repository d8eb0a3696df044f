/*
 * authres - the Authentication-Results header field (RFC 8601).
 *
 * Rendering: vigie's own value from its DKIM, SPF and DMARC results, ASCII, folded with
 * "\n\t" under 78 columns (counting the field name), values quoted where RFC
 * 2045 tokens cannot carry them, text from signatures already sanitised.
 *
 * Parsing: an incoming value, hostile, read enough to tell its authserv-id
 * (so that fields claiming vigie's own can be removed), the dkim= results
 * with their header.d, the first spf= (smtp.mailfrom or smtp.helo) and the
 * first dmarc= (header.from), for a relay the admin trusts
 * (TrustedAuthservIDs).
 * Comments, quoting, odd spacing and garbage are survived: the parse goes on
 * after the next ';' and says it skipped something.
 */
#ifndef VIGIE_AUTHRES_H
#define VIGIE_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

#include "dkimcheck.h"
#include "dmarccheck.h"
#include "spfcheck.h"
#include "vbuf.h"

#define AUTHRES_ID_MAX 255		/* longer authserv-ids are nobody's */
#define AUTHRES_MAX_DKIM 16		/* dkim= results kept per field; the rest counted */
#define AUTHRES_INPUT_MAX 65536		/* bytes of an incoming value read */
#define AUTHRES_VALUE_MAX 8192		/* a rendered value never exceeds this */
#define AUTHRES_NAME_COLUMNS 24		/* "Authentication-Results: " */
#define AUTHRES_FOLD_AT 78

/* one dkim= result read from an incoming field */
struct authres_dkim {
	enum dkimcheck_result result;
	char domain[DNSNAME_MAX + 1];		/* header.d, or after '@' in header.i */
	char selector[DKIMCHECK_SELECTOR_MAX + 1];	/* header.s */
	char b[DKIMCHECK_B_PREFIX * 4 + 1];		/* header.b */
};

struct authres {
	char authserv_id[AUTHRES_ID_MAX + 1];	/* lower case, no trailing dot */
	bool none;				/* "; none": nothing was checked */
	bool malformed;				/* something was skipped */
	size_t ndkim;
	size_t dropped;				/* dkim= results past AUTHRES_MAX_DKIM */
	struct authres_dkim dkim[AUTHRES_MAX_DKIM];
	bool has_spf;				/* an spf= result was read */
	enum spfcheck_result spf;
	bool spf_helo;				/* for smtp.helo, not smtp.mailfrom */
	char spf_domain[DNSNAME_MAX + 1];	/* its domain ("" if none given) */
	bool has_dmarc;				/* a dmarc= result was read */
	enum dmarccheck_result dmarc;
	char dmarc_from[DNSNAME_MAX + 1];	/* header.from */
};

enum authres_status {
	AUTHRES_OK,		/* read in full */
	AUTHRES_MALFORMED,	/* authserv-id read; some results skipped */
	AUTHRES_NOID		/* no usable authserv-id: nobody's field */
};

/* what vigie writes: DKIM when dkim (none when no signature), SPF and DMARC when given */
struct authres_results {
	bool dkim;
	const struct dkimcheck_sig *sigs;
	size_t nsigs;
	const struct spfcheck_out *spf;		/* NULL: no spf= */
	const struct dmarccheck_out *dmarc;	/* NULL: no dmarc= */
};

bool authres_render(struct vbuf *out, const char *authserv_id,
		    const struct dkimcheck_sig *sigs, size_t nsigs);
bool authres_render_all(struct vbuf *out, const char *authserv_id,
			const struct authres_results *r);
enum authres_status authres_parse(const char *value, size_t len, struct authres *ar);
bool authres_is_from(const char *value, size_t len, const char *authserv_id);
bool authres_id_equal(const char *a, const char *b);

#endif
