/*
 * detector - what every check needs, loaded once: public suffix list,
 * confusable keys, brand pack. Shared read-only by every thread.
 *
 * Touches: reads the public suffix list (libpsl's, and its text for
 * libopendmarc), the brand pack file, the DKIM test key file and the
 * TestDNS zone (or resolv.conf) at detector_new(); afterwards only DNS
 * lookups (DKIM keys, SPF, DMARC) reach the network. Failures to load come back as a
 * message in err; a missing system suffix list falls back to libpsl's
 * built-in copy.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brands.h"
#include "detector.h"
#include "dkimcheck.h"
#include "dmarccheck.h"
#include "dns.h"
#include "domain.h"
#include "lexicon.h"
#include "lookalike.h"
#include "packfile.h"
#include "skeleton.h"
#include "spfcheck.h"
#include "xalloc.h"

extern const char brands_builtin_text[];
extern const size_t brands_builtin_len;

struct detector {
	struct detector_opts opts;	/* strings below are copies */
	psl_ctx_t *psl;
	struct skeleton *sk;
	struct brands *brands;
	struct lexicon *lexicon;
	struct dns *dns;		/* NULL with no_dkim */
	struct dkimcheck_lib *dkim;	/* the same */
	struct spfcheck_lib *spf;
	struct dmarccheck_lib *dmarc;
	struct packfile pack;		/* identity of the pack (its text is freed) */
};

/* detector_dup - a copy of an optional string */
static char *detector_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* detector_load_psl - the suffix list: configured file, system list, or built-in */
static psl_ctx_t *detector_load_psl(char *err, size_t errlen)
{
	psl_ctx_t *psl;

#ifdef VIGIE_PSL_FILE
	if ((psl = psl_load_file(VIGIE_PSL_FILE)) == NULL)
		snprintf(err, errlen, "%s: cannot load the public suffix list", VIGIE_PSL_FILE);
	return psl;
#else
	(void)err;
	(void)errlen;
	if ((psl = psl_latest(NULL)) == NULL)
		psl = (psl_ctx_t *)psl_builtin();
	return psl;
#endif
}

/*
 * detector_auth - DNS, then DKIM, SPF and DMARC over it. Test keys without
 * TestDNS mean offline: no lookup at all (SPF none, DMARC not evaluated).
 */
static bool detector_auth(struct detector *det, char *err, size_t errlen)
{
	struct dns_opts dopts = {
		.nameservers = det->opts.nameservers,
		.timeout = det->opts.dns_timeout,
		.zone_file = det->opts.test_dns_file,
		.offline = det->opts.test_keys_file != NULL && det->opts.test_dns_file == NULL,
	};
	struct dkimcheck_opts dk = { .test_keys_file = det->opts.test_keys_file };

	if ((det->dns = dns_new(&dopts, err, errlen)) == NULL)
		return false;
	dk.dns = det->dns;
	return (det->dkim = dkimcheck_lib_new(&dk, err, errlen)) != NULL &&
	       (det->spf = spfcheck_lib_new(det->dns, err, errlen)) != NULL &&
	       (det->dmarc = dmarccheck_lib_new(det->dns, det->psl, err, errlen)) != NULL;
}

/* detector_new - load everything; NULL with a message in err */
struct detector *detector_new(const struct detector_opts *opts, char *err, size_t errlen)
{
	struct detector *det = xcalloc(1, sizeof(*det));

	if (opts) {
		det->opts = *opts;
		det->opts.brands_file = detector_dup(opts->brands_file);
		det->opts.brands_key_file = detector_dup(opts->brands_key_file);
		det->opts.test_keys_file = detector_dup(opts->test_keys_file);
		det->opts.test_dns_file = detector_dup(opts->test_dns_file);
		det->opts.nameservers = detector_dup(opts->nameservers);
	}
	if ((det->psl = detector_load_psl(err, errlen)) == NULL ||
	    (det->sk = skeleton_new(err, errlen)) == NULL) {
		detector_free(det);
		return NULL;
	}
	if (det->opts.brands_file) {
		/* read once: the bytes verified are the bytes parsed */
		if (packfile_read(&det->pack, det->opts.brands_file, det->opts.brands_key_file,
				  err, errlen))
			det->brands = brands_parse(det->pack.text, det->pack.len,
						   det->opts.brands_file, det->sk, det->psl,
						   err, errlen);
		packfile_drop_text(&det->pack);
	} else {
		/* compiled in: trusted as the program is, BrandsKey or not */
		packfile_identify(&det->pack, brands_builtin_text, brands_builtin_len);
		det->brands = brands_builtin(det->sk, det->psl, err, errlen);
	}
	if (det->brands == NULL) {
		detector_free(det);
		return NULL;
	}
	det->lexicon = lexicon_new(det->brands, det->sk);
	if (!det->opts.no_dkim && !detector_auth(det, err, errlen)) {
		detector_free(det);
		return NULL;
	}
	return det;
}

/* detector_free - release everything; the brand pack goes before its key maker */
void detector_free(struct detector *det)
{
	if (det == NULL)
		return;
	dmarccheck_lib_free(det->dmarc);
	spfcheck_lib_free(det->spf);
	dkimcheck_lib_free(det->dkim);
	dns_free(det->dns);
	lexicon_free(det->lexicon);
	brands_free(det->brands);
	skeleton_free(det->sk);
	if (det->psl)
		psl_free(det->psl);
	free((char *)det->opts.brands_file);
	free((char *)det->opts.brands_key_file);
	packfile_drop_text(&det->pack);
	free((char *)det->opts.test_keys_file);
	free((char *)det->opts.test_dns_file);
	free((char *)det->opts.nameservers);
	free(det);
}

/* detector_brands - the brand pack */
const struct brands *detector_brands(const struct detector *det)
{
	return det->brands;
}

/* detector_skeleton - the confusable key maker (for display names and text) */
const struct skeleton *detector_skeleton(const struct detector *det)
{
	return det->sk;
}

/* detector_pack - the identity of the brand pack loaded */
const struct packfile *detector_pack(const struct detector *det)
{
	return &det->pack;
}

/* detector_psl - the public suffix list (for DMARC-style alignment) */
const psl_ctx_t *detector_psl(const struct detector *det)
{
	return det->psl;
}

/* detector_opts - the options it was built with */
const struct detector_opts *detector_opts(const struct detector *det)
{
	return &det->opts;
}

/* detector_dkim - the DKIM library the messages share (NULL with no_dkim) */
const struct dkimcheck_lib *detector_dkim(const struct detector *det)
{
	return det->dkim;
}

/* detector_spf - SPF over vigie's DNS (NULL with no_dkim) */
const struct spfcheck_lib *detector_spf(const struct detector *det)
{
	return det->spf;
}

/* detector_dmarc - DMARC over vigie's DNS (NULL with no_dkim) */
const struct dmarccheck_lib *detector_dmarc(const struct detector *det)
{
	return det->dmarc;
}

/* detector_dns - where DNS answers come from (NULL with no_dkim) */
const struct dns *detector_dns(const struct detector *det)
{
	return det->dns;
}

/* detector_lexicon - brand names and lure words for free text */
const struct lexicon *detector_lexicon(const struct detector *det)
{
	return det->lexicon;
}

/* detector_check_domain - parse a domain and look for brand lookalikes */
const struct brand *detector_check_domain(const struct detector *det,
					  const char *name, size_t len,
					  enum reason_where where,
					  struct domain *out,
					  struct reason_list *reasons)
{
	struct domain local;
	struct reason_list sink;

	if (out == NULL)
		out = &local;
	if (reasons == NULL) {
		reason_list_init(&sink);
		reasons = &sink;
	}
	if (domain_parse(out, name, len, det->psl) != DOMAIN_OK)
		return NULL;
	return lookalike_check(det->brands, out, where, reasons);
}
