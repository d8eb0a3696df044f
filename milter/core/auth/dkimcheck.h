/*
 * dkimcheck - DKIM verification of one message with libopendkim, fed exactly
 * as the message analysis is fed: header fields one by one (value as
 * received after the colon, folding kept, CRLF or bare LF), end of headers,
 * body chunks (CRLF or bare LF), end of message; then one result per
 * signature, with RFC 8601 result names.
 *
 * struct dkimcheck_lib is built once from the options (keys from a file, or
 * DNS through vigie's resolver) and shared by every thread. struct dkimcheck
 * is one message's verification and belongs to the thread handling it.
 *
 * Bounds: at most DKIMCHECK_MAX_SIGS signatures are verified per message (the
 * rest are counted, not verified); a DKIM-Signature field over
 * DKIMCHECK_SIGFIELD_MAX bytes is counted with them. Headers over
 * DKIMCHECK_HEADER_MAX bytes or DKIMCHECK_MAX_FIELDS fields leave every
 * signature "neutral". Key lookups of one message share its DNS budget
 * (dns.h: twice DNSTimeout with its other lookups); each lookup is bounded
 * by DNSTimeout. Keys come from the TestPublicKeys file when one is given,
 * else through the struct dns (live, or the TestDNS zone).
 */
#ifndef VIGIE_DKIMCHECK_H
#define VIGIE_DKIMCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "dnsname.h"

#define DKIMCHECK_MAX_SIGS 10
#define DKIMCHECK_SIGFIELD_MAX 8192
#define DKIMCHECK_HEADER_MAX (512u << 10)
#define DKIMCHECK_MAX_FIELDS 1000
#define DKIMCHECK_SELECTOR_MAX 127
#define DKIMCHECK_ALG_MAX 31
#define DKIMCHECK_B_PREFIX 8		/* characters of b= kept, as RFC 6008 asks */
#define DKIMCHECK_HFIELDS_MAX 1024	/* bytes of h= kept: what a signature covers */
/*
 * Body bytes with no space, tab or line feed between them (a CR counts)
 * that libopendkim is given: its relaxed canonicalization holds such a run
 * whole until it ends. Past it the body is not hashed further and every
 * signature is neutral ("body line over vigie's limits"); RFC 5322 lines
 * stop at 998.
 */
#define DKIMCHECK_RUN_MAX (64u << 10)

/* RFC 8601 section 2.7.1, in its order; NONE is "no signature" */
enum dkimcheck_result {
	DKIMCHECK_NONE,
	DKIMCHECK_PASS,
	DKIMCHECK_FAIL,
	DKIMCHECK_POLICY,
	DKIMCHECK_NEUTRAL,
	DKIMCHECK_TEMPERROR,
	DKIMCHECK_PERMERROR,
	DKIMCHECK_RESULT_COUNT
};

/*
 * One signature. Text from the signature is printable ASCII (anything else
 * becomes '?'), cut at the sizes below, domain and algorithm in lower case.
 */
struct dkimcheck_sig {
	enum dkimcheck_result result;
	const char *reason;		/* why it did not pass ("" on pass); static */
	char domain[DNSNAME_MAX + 1];		/* d= */
	char selector[DKIMCHECK_SELECTOR_MAX + 1];	/* s= */
	char algorithm[DKIMCHECK_ALG_MAX + 1];		/* a= */
	char b[DKIMCHECK_B_PREFIX + 1];			/* start of b=, for header.b */
	unsigned key_bits;		/* 0 when no key was used */
	bool testing;			/* the key says t=y (domain testing DKIM) */
	long long length;		/* l=: canonical body bytes signed; -1 when all */
	char hfields[DKIMCHECK_HFIELDS_MAX + 1];	/* h=, lower case, ':' between names */
	bool hfields_cut;		/* h= was longer: what it covers is not known */
	bool header_ok;			/* the signature over the header verified */
	bool body_changed;		/* the body hash did not match */
};

struct dkimcheck_opts {
	const char *test_keys_file;	/* keys from this file first */
	const struct dns *dns;		/* the others from there (dns.h); must outlive the lib */
	const char *nameservers;	/* no dns and no key file: a resolver of its own */
	unsigned dns_timeout;		/* seconds per key lookup; 0: 5 */
};

struct dkimcheck_lib;
struct dkimcheck;
struct dns;
struct dns_budget;

struct dkimcheck_lib *dkimcheck_lib_new(const struct dkimcheck_opts *opts,
					char *err, size_t errlen);
void dkimcheck_lib_free(struct dkimcheck_lib *lib);
struct keycache_stats;
void dkimcheck_lib_keycache(const struct dkimcheck_lib *lib, struct keycache_stats *st);

/*
 * A filter, called at the end of headers with each signature's d=, says
 * whether that signature can matter to the caller (say, aligned with From or
 * an authorised brand signer); the others are reported "neutral", not
 * checked, and cost no key lookup and no public-key operation.
 */
typedef bool (*dkimcheck_filter_fn)(void *ctx, const char *domain);

struct dkimcheck *dkimcheck_new(const struct dkimcheck_lib *lib);
void dkimcheck_filter(struct dkimcheck *v, dkimcheck_filter_fn fn, void *ctx);
void dkimcheck_domain(char *dst, size_t size, const char *d);
void dkimcheck_budget(struct dkimcheck *v, struct dns_budget *b);
void dkimcheck_header(struct dkimcheck *v, const char *name, const char *value);
/*
 * Before the end of headers: the DKIM-Signature values kept (pointers valid
 * until dkimcheck_eoh), and a second verification of the same message with
 * the first field of one name given another value (a mailing list's Subject
 * tag taken off); the body must then be fed to both.
 */
size_t dkimcheck_sigfields(const struct dkimcheck *v, const char **values, size_t max);
const char *dkimcheck_field(const struct dkimcheck *v, const char *name);
struct dkimcheck *dkimcheck_fork(const struct dkimcheck *v, const char *name, const char *value);
void dkimcheck_eoh(struct dkimcheck *v);
/* After the end of headers: the l= the body hash stops at, if every signature checked has one. */
bool dkimcheck_body_limit(const struct dkimcheck *v, unsigned long long *limit, bool *relaxed);
/* How many fields of a name the signature covers (h=, bottom up); UINT_MAX when unknown. */
unsigned dkimcheck_sig_covers(const struct dkimcheck_sig *s, const char *name);
bool dkimcheck_body(struct dkimcheck *v, const void *data, size_t len);
void dkimcheck_eom(struct dkimcheck *v);
size_t dkimcheck_count(const struct dkimcheck *v);
const struct dkimcheck_sig *dkimcheck_sig(const struct dkimcheck *v, size_t i);
const struct dkimcheck_sig *dkimcheck_sigs(const struct dkimcheck *v);
size_t dkimcheck_dropped(const struct dkimcheck *v);
void dkimcheck_free(struct dkimcheck *v);

const char *dkimcheck_result_name(enum dkimcheck_result result);
bool dkimcheck_result_lookup(const char *name, size_t len, enum dkimcheck_result *result);

#endif
