/*
 * detector - everything a check needs, loaded once: the brand pack and its
 * index, the public suffix list, the confusable data, vigie's DNS (the
 * name servers, the TestDNS zone, or none when test keys are given without
 * it), the DKIM, SPF and DMARC libraries over it, and the lexicon of brand
 * names and lure words for free text. Immutable once built and shared by every thread; the
 * milter builds a new one on reload and frees the old one when the last
 * message using it is done.
 */
#ifndef VIGIE_DETECTOR_H
#define VIGIE_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include <libpsl.h>

#include "reason.h"

struct brand;
struct brands;
struct dkimcheck_lib;
struct dmarccheck_lib;
struct dns;
struct spfcheck_lib;
struct domain;
struct lexicon;
struct packfile;
struct skeleton;

struct detector_opts {
	const char *brands_file;	/* brand pack; NULL: the built-in one */
	const char *brands_key_file;	/* BrandsKey: brands_file must carry a valid
					   brands_file.sig by this public key */
	const char *test_keys_file;	/* DKIM keys from this file first */
	const char *test_dns_file;	/* TestDNS: every record from this file, no network */
	const char *nameservers;	/* "addr[:port],..."; NULL: resolv.conf */
	unsigned dns_timeout;		/* seconds per DNS lookup */
	bool no_dkim;			/* build no DNS, DKIM, SPF, DMARC (vigie-check --domain) */
};

struct detector *detector_new(const struct detector_opts *opts, char *err, size_t errlen);
void detector_free(struct detector *det);
const struct brands *detector_brands(const struct detector *det);
const struct skeleton *detector_skeleton(const struct detector *det);
const psl_ctx_t *detector_psl(const struct detector *det);
const struct detector_opts *detector_opts(const struct detector *det);
/* what identifies the pack loaded: SHA-256, "# version:", signature checked */
const struct packfile *detector_pack(const struct detector *det);
const struct dkimcheck_lib *detector_dkim(const struct detector *det);
const struct spfcheck_lib *detector_spf(const struct detector *det);
const struct dmarccheck_lib *detector_dmarc(const struct detector *det);
const struct dns *detector_dns(const struct detector *det);
const struct lexicon *detector_lexicon(const struct detector *det);

/*
 * Parse name[0..len) into out (may be NULL) and add lookalike findings to
 * reasons (may be NULL). Returns the brand the domain belongs to (no finding
 * unless it was written deceptively) or imitates (with findings), or NULL;
 * an unparsable name returns NULL with out->status saying why.
 */
const struct brand *detector_check_domain(const struct detector *det,
					  const char *name, size_t len,
					  enum reason_where where,
					  struct domain *out,
					  struct reason_list *reasons);

#endif
