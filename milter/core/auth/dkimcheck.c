/*
 * dkimcheck - one DKIM_LIB for the process, one libopendkim handle per signed
 * message, and key lookups answered by vigie: from a key file in memory,
 * then through dns.h (the resolver or the TestDNS zone) within the
 * message's budget.
 *
 * Touches: the key file when the library is built; the network, through
 * dns.h, during dkimcheck_eom. Process-wide state: the key cache
 * (keycache.c) replaces OpenSSL's d2i_PUBKEY_bio for the whole process
 * (docs/security.md says why and what would break it); a thread-local
 * pointer set around dkim_eoh/dkim_eom tells it which cache to use. The
 * message reaches the key lookup callback through libopendkim's user
 * context. Header fields are
 * kept until the end of headers and libopendkim sees the message only if it
 * carries a DKIM-Signature, so unsigned mail costs a copy of its header;
 * of a signed message it sees only the fields some h= covers, From and the
 * signatures (the others change no hash: Received, ARC, X-...).
 * libopendkim holds a body run with no space or line end whole: a run past
 * DKIMCHECK_RUN_MAX ends the hashing, so a message's memory does not grow
 * with its body. Nothing here fails a message: bad input shows in the results.
 */
#include <config.h>

#include <opendkim/dkim.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkimcheck.h"
#include "dkimsig.h"
#include "dns.h"
#include "dnsanswer.h"
#include "keycache.h"
#include "keyfile.h"
#include "resolver.h"
#include "vbuf.h"
#include "xalloc.h"

#define DKIMCHECK_KEYNAME_MAX 320	/* selector, "._domainkey.", domain */
#define DKIMCHECK_BODY_PIECE 8192	/* body bytes converted at a time */
#define DKIMCHECK_HNAMES_MAX 64		/* names of h= tags tracked; past it every field goes */

struct dkimcheck_lib {
	DKIM_LIB *dkim;
	struct keyfile *keys;		/* keys from a file first, else dns */
	const struct dns *dns;		/* NULL: no key outside the file */
	struct dns *own_dns;		/* built from the options when none was given */
	struct keycache *keycache;	/* keys decoded once (keycache.h) */
};

/* a key lookup made for one signature */
struct dkimcheck_lookup {
	DKIM_SIGINFO *sig;
	char name[DKIMCHECK_KEYNAME_MAX + 1];
	int error;			/* DKIM_SIGERROR_* set on failure; 0: found or not found */
	bool asked;			/* the key source was asked (not a fault of the signature) */
	bool notfound;
	const char *reason;		/* set on failure */
};

struct dkimcheck {
	const struct dkimcheck_lib *lib;
	DKIM *dkim;			/* only once a signed message reaches its end of headers */
	struct vbuf fields;		/* "Name:value" fields, CRLF, each ended by a NUL */
	struct vbuf scratch;		/* body converted to CRLF */
	size_t nfields;
	size_t nsigfields;		/* DKIM-Signature fields kept */
	size_t dropped;			/* DKIM-Signature fields over the limits */
	bool overflow;			/* header limits reached */
	bool eoh, done;
	bool wants_body;
	bool prev_cr;			/* the body so far ends with CR */
	bool run_over;			/* a body run went past DKIMCHECK_RUN_MAX */
	size_t run;			/* bytes of the run the body so far ends with */
	struct dns_budget own_budget;	/* when the caller gives none */
	struct dns_budget *budget;	/* the message's DNS budget */
	dkimcheck_filter_fn filter;	/* NULL: every signature is checked */
	void *filter_ctx;
	struct dkimcheck_lookup lookup[DKIMCHECK_MAX_SIGS];
	size_t nlookups;
	struct dkimcheck_sig sig[DKIMCHECK_MAX_SIGS];
	size_t nsigs;
};

static const char *const dkimcheck_result_names[DKIMCHECK_RESULT_COUNT] = {
	[DKIMCHECK_NONE] = "none",
	[DKIMCHECK_PASS] = "pass",
	[DKIMCHECK_FAIL] = "fail",
	[DKIMCHECK_POLICY] = "policy",
	[DKIMCHECK_NEUTRAL] = "neutral",
	[DKIMCHECK_TEMPERROR] = "temperror",
	[DKIMCHECK_PERMERROR] = "permerror",
};

/* dkimcheck_result_name - the RFC 8601 name of a result */
const char *dkimcheck_result_name(enum dkimcheck_result result)
{
	if ((unsigned)result < DKIMCHECK_RESULT_COUNT)
		return dkimcheck_result_names[result];
	return "neutral";
}

/* dkimcheck_result_lookup - a result from its name, any case */
bool dkimcheck_result_lookup(const char *name, size_t len, enum dkimcheck_result *result)
{
	for (int i = 0; i < DKIMCHECK_RESULT_COUNT; i++)
		if (strlen(dkimcheck_result_names[i]) == len &&
		    strncasecmp(dkimcheck_result_names[i], name, len) == 0) {
			*result = (enum dkimcheck_result)i;
			return true;
		}
	return false;
}

/* dkimcheck_query_ok - q= lists dns/txt, the one method RFC 6376 defines */
static bool dkimcheck_query_ok(const char *q)
{
	while (*q != '\0') {
		size_t n = strcspn(q, ":");

		if (n == 7 && strncasecmp(q, "dns/txt", 7) == 0)
			return true;
		q += n;
		if (*q == ':')
			q++;
	}
	return false;
}

/* dkimcheck_earlier - a failed lookup of the same name in this message */
static const struct dkimcheck_lookup *dkimcheck_earlier(const struct dkimcheck *v,
							 const struct dkimcheck_lookup *lk)
{
	for (const struct dkimcheck_lookup *e = v->lookup; e < lk; e++)
		if (e->asked && (e->error != 0 || e->notfound) && strcasecmp(e->name, lk->name) == 0)
			return e;
	return NULL;
}

/* dkimcheck_dns - fetch a key record within the message's DNS budget */
static void dkimcheck_dns(struct dkimcheck *v, struct dkimcheck_lookup *lk, u_char *buf,
			  size_t buflen)
{
	struct dnsanswer *a = xmalloc(sizeof(*a));
	enum resolver_status st = dns_lookup(v->lib->dns, v->budget, lk->name, DNS_T_TXT, a);

	if (st == RESOLVER_OK)
		st = dnsanswer_first_text(a, (char *)buf, buflen);
	switch (st) {
	case RESOLVER_OK:
		if (a->n > 1) {
			lk->error = DKIM_SIGERROR_MULTIREPLY;
			lk->reason = "multiple key records";
		}
		break;
	case RESOLVER_NXDOMAIN:
	case RESOLVER_NODATA:
		lk->notfound = true;
		break;
	case RESOLVER_TOOLONG:
		lk->error = DKIM_SIGERROR_DNSSYNTAX;
		lk->reason = "key record too long";
		break;
	case RESOLVER_BADNAME:
		lk->error = DKIM_SIGERROR_DNSSYNTAX;
		lk->reason = "bad key name";
		break;
	case RESOLVER_TIMEOUT:
		lk->error = DKIM_SIGERROR_KEYFAIL;
		lk->reason = v->budget->spent ? "DNS time of the message spent" : "DNS timeout";
		break;
	default:
		/* server failure or unreachable, truncated or malformed reply */
		lk->error = DKIM_SIGERROR_KEYFAIL;
		lk->reason = resolver_status_text(st);
		break;
	}
	free(a);
}

/* dkimcheck_keyfile - the key record of name in the TestPublicKeys file, or NULL */
static const char *dkimcheck_keyfile(const struct dkimcheck_lib *lib, const char *name)
{
	return lib->keys != NULL ? keyfile_find(lib->keys, name) : NULL;
}

/* dkimcheck_key_lookup - libopendkim asks for the key of one signature */
static DKIM_CBSTAT dkimcheck_key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct dkimcheck *v = dkim_get_user_context(dkim);
	const char *q = (const char *)dkim_sig_gettagvalue(sig, false, (u_char *)"q");
	const struct dkimcheck_lookup *prior;
	struct dkimcheck_lookup *lk;
	const char *rec;
	int n;

	if (v == NULL || v->nlookups == DKIMCHECK_MAX_SIGS || buflen < 2)
		return DKIM_CBSTAT_ERROR;
	lk = &v->lookup[v->nlookups++];
	memset(lk, 0, sizeof(*lk));
	lk->sig = sig;
	n = snprintf(lk->name, sizeof(lk->name), "%s._domainkey.%s",
		     (const char *)dkim_sig_getselector(sig), (const char *)dkim_sig_getdomain(sig));
	if (q != NULL && !dkimcheck_query_ok(q)) {
		lk->error = DKIM_SIGERROR_INVALID_Q;
		lk->reason = "unknown query method";
	} else if (n < 0 || (size_t)n >= sizeof(lk->name)) {
		lk->error = DKIM_SIGERROR_DNSSYNTAX;
		lk->reason = "bad key name";
	} else if ((prior = dkimcheck_earlier(v, lk)) != NULL) {
		lk->asked = true;
		lk->error = prior->error;
		lk->notfound = prior->notfound;
		lk->reason = prior->reason;
	} else if ((rec = dkimcheck_keyfile(v->lib, lk->name)) != NULL) {
		lk->asked = true;
		snprintf((char *)buf, buflen, "%s", rec);
	} else if (v->lib->dns != NULL && dns_source(v->lib->dns) != DNS_NONE) {
		lk->asked = true;
		dkimcheck_dns(v, lk, buf, buflen);
	} else {
		lk->asked = true;
		lk->notfound = true;
	}
	if (lk->notfound)
		return DKIM_CBSTAT_NOTFOUND;
	if (lk->error == 0)
		return DKIM_CBSTAT_CONTINUE;
	/* CBSTAT_ERROR leaves the error we set; libopendkim goes on with the others */
	dkim_sig_seterror(sig, lk->error);
	return DKIM_CBSTAT_ERROR;
}

/* dkimcheck_prescreen - set aside rsa-sha1 (RFC 8301) and what the filter refuses */
static DKIM_CBSTAT dkimcheck_prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	const struct dkimcheck *v = dkim_get_user_context(dkim);

	for (int i = 0; i < nsigs; i++) {
		const char *d = (const char *)dkim_sig_getdomain(sigs[i]);
		dkim_alg_t alg = DKIM_SIGN_UNKNOWN;

		if (dkim_sig_getsignalg(sigs[i], &alg) == DKIM_STAT_OK && alg == DKIM_SIGN_RSASHA1)
			dkim_sig_ignore(sigs[i]);
		else if (v != NULL && v->filter != NULL && d != NULL && !v->filter(v->filter_ctx, d))
			dkim_sig_ignore(sigs[i]);
	}
	return DKIM_CBSTAT_CONTINUE;
}

/* dkimcheck_lib_new - the library for the whole process, from the options */
struct dkimcheck_lib *dkimcheck_lib_new(const struct dkimcheck_opts *opts, char *err, size_t errlen)
{
	struct dkimcheck_lib *lib = xcalloc(1, sizeof(*lib));
	u_int flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_DELAYSIGPROC;
	u_int minbits = 1024;

	if (opts->test_keys_file != NULL &&
	    (lib->keys = keyfile_load(opts->test_keys_file, err, errlen)) == NULL) {
		free(lib);
		return NULL;
	}
	lib->dns = opts->dns;
	if (lib->dns == NULL && lib->keys == NULL) {
		struct dns_opts dopts = { opts->nameservers, opts->dns_timeout, NULL, false };

		if ((lib->own_dns = dns_new(&dopts, err, errlen)) == NULL) {
			free(lib);
			return NULL;
		}
		lib->dns = lib->own_dns;
	}
	lib->keycache = keycache_new();
	lib->dkim = dkim_init(NULL, NULL);
	if (lib->dkim == NULL ||
	    dkim_options(lib->dkim, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof(flags)) != DKIM_STAT_OK ||
	    dkim_options(lib->dkim, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minbits, sizeof(minbits)) != DKIM_STAT_OK ||
	    dkim_set_key_lookup(lib->dkim, dkimcheck_key_lookup) != DKIM_STAT_OK ||
	    dkim_set_prescreen(lib->dkim, dkimcheck_prescreen) != DKIM_STAT_OK) {
		snprintf(err, errlen, "cannot set up libopendkim");
		dkimcheck_lib_free(lib);
		return NULL;
	}
	return lib;
}

/* dkimcheck_lib_free - release the library once no message uses it */
void dkimcheck_lib_free(struct dkimcheck_lib *lib)
{
	if (lib == NULL)
		return;
	if (lib->dkim != NULL)
		dkim_close(lib->dkim);
	keyfile_free(lib->keys);
	keycache_free(lib->keycache);
	dns_free(lib->own_dns);
	free(lib);
}

/* dkimcheck_lib_keycache - how the library's decoded-key cache has served */
void dkimcheck_lib_keycache(const struct dkimcheck_lib *lib, struct keycache_stats *st)
{
	keycache_stats(lib->keycache, st);
}

/* dkimcheck_new - the verification of one message */
struct dkimcheck *dkimcheck_new(const struct dkimcheck_lib *lib)
{
	struct dkimcheck *v = xcalloc(1, sizeof(*v));

	v->lib = lib;
	dns_budget_init(&v->own_budget);
	v->budget = &v->own_budget;
	vbuf_init(&v->fields, DKIMCHECK_HEADER_MAX);
	vbuf_init(&v->scratch, 2 * DKIMCHECK_BODY_PIECE);
	return v;
}

/* dkimcheck_domain - a filter's d= as a struct dkimcheck_sig reports it (dkimsig_copy) */
void dkimcheck_domain(char *dst, size_t size, const char *d)
{
	dkimsig_copy(dst, size, d, true);
}

/* dkimcheck_budget - the message's DNS budget, shared with its other lookups */
void dkimcheck_budget(struct dkimcheck *v, struct dns_budget *b)
{
	v->budget = b ? b : &v->own_budget;
}

/* dkimcheck_filter - check only the signatures fn accepts; before the end of headers */
void dkimcheck_filter(struct dkimcheck *v, dkimcheck_filter_fn fn, void *ctx)
{
	v->filter = fn;
	v->filter_ctx = ctx;
}

/* dkimcheck_crlf - append p to b, each bare LF made CRLF */
static void dkimcheck_crlf(struct vbuf *b, const char *p, size_t len, bool *prev_cr)
{
	const char *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL) {
			vbuf_add(b, p, (size_t)(end - p));
			*prev_cr = end[-1] == '\r';
			return;
		}
		bool cr = nl > p ? nl[-1] == '\r' : *prev_cr;

		vbuf_add(b, p, (size_t)(nl - p));
		vbuf_adds(b, cr ? "\n" : "\r\n");
		*prev_cr = false;
		p = nl + 1;
	}
}

/* dkimcheck_header - keep one field; value as received after the colon */
void dkimcheck_header(struct dkimcheck *v, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	bool sigfield = strcasecmp(name, "DKIM-Signature") == 0;
	bool cr = false;
	size_t lfs = 0;

	if (v->eoh)
		return;
	while (vlen > 0 && (value[vlen - 1] == '\n' || value[vlen - 1] == '\r'))
		vlen--;
	if (sigfield && (v->nsigfields == DKIMCHECK_MAX_SIGS || nlen + 1 + vlen > DKIMCHECK_SIGFIELD_MAX)) {
		v->dropped++;
		return;
	}
	for (const char *nl = value; (nl = memchr(nl, '\n', vlen - (size_t)(nl - value))) != NULL; nl++)
		lfs++;		/* each may become CRLF */
	if (v->overflow || ++v->nfields > DKIMCHECK_MAX_FIELDS ||
	    nlen + vlen + lfs + 2 > v->fields.cap - v->fields.len) {
		v->overflow = true;
		v->dropped += sigfield;
		return;
	}
	vbuf_add(&v->fields, name, nlen);
	vbuf_addc(&v->fields, ':');
	dkimcheck_crlf(&v->fields, value, vlen, &cr);
	vbuf_addc(&v->fields, '\0');
	if (sigfield)
		v->nsigfields++;
}

/* dkimcheck_named - the value of a kept field ("Name:value", len bytes) called name, or NULL */
static const char *dkimcheck_named(const char *field, size_t len, const char *name, size_t nlen)
{
	if (len > nlen && field[nlen] == ':' && strncasecmp(field, name, nlen) == 0)
		return field + nlen + 1;
	return NULL;
}

/* dkimcheck_sigfields - the DKIM-Signature values kept, until the end of headers */
size_t dkimcheck_sigfields(const struct dkimcheck *v, const char **values, size_t max)
{
	size_t n = 0;

	for (size_t off = 0; off < v->fields.len && n < max && !v->eoh;) {
		const char *field = v->fields.data + off;
		size_t len = strlen(field);
		const char *value = dkimcheck_named(field, len, "DKIM-Signature", 14);

		if (value != NULL && *value != '\0')	/* an empty one is no signature */
			values[n++] = value;
		off += len + 1;
	}
	return n;
}

/* dkimcheck_field - the value of the first field called name, until the end of headers */
const char *dkimcheck_field(const struct dkimcheck *v, const char *name)
{
	size_t nlen = strlen(name);

	for (size_t off = 0; off < v->fields.len && !v->eoh;) {
		const char *field = v->fields.data + off;
		size_t len = strlen(field);
		const char *value = dkimcheck_named(field, len, name, nlen);

		if (value != NULL)
			return value;
		off += len + 1;
	}
	return NULL;
}

/* dkimcheck_fork - the same verification, the first field called name given value */
struct dkimcheck *dkimcheck_fork(const struct dkimcheck *v, const char *name, const char *value)
{
	struct dkimcheck *f = dkimcheck_new(v->lib);
	size_t nlen = strlen(name);
	bool done = false;

	f->filter = v->filter;
	f->filter_ctx = v->filter_ctx;
	f->budget = v->budget == &v->own_budget ? &f->own_budget : v->budget;
	f->overflow = v->overflow;
	f->dropped = v->dropped;
	for (size_t off = 0; off < v->fields.len && !v->eoh;) {
		const char *field = v->fields.data + off;
		size_t len = strlen(field);

		if (!done && dkimcheck_named(field, len, name, nlen) != NULL) {
			done = true;
			vbuf_add(&f->fields, field, nlen + 1);
			dkimcheck_crlf(&f->fields, value, strlen(value), &(bool){ false });
		} else {
			vbuf_add(&f->fields, field, len);
		}
		vbuf_addc(&f->fields, '\0');
		off += len + 1;
	}
	f->nfields = v->nfields;
	f->nsigfields = v->nsigfields;
	return f;
}

/* the field names some signature covers (pointers into the kept fields) */
struct dkimcheck_hset {
	struct {
		const char *p;
		size_t len;
	} name[DKIMCHECK_HNAMES_MAX];
	size_t n;
	bool all;		/* too many names to track: give every field */
	size_t most;		/* the most names one h= tag lists */
};

/* dkimcheck_fws - past folding white space */
static const char *dkimcheck_fws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* dkimcheck_hname - add one name of an h= list, [p, end) with its white space */
static void dkimcheck_hname(struct dkimcheck_hset *set, const char *p, const char *end)
{
	p = dkimcheck_fws(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
			   end[-1] == '\n'))
		end--;
	if (p == end)
		return;
	for (size_t i = 0; i < set->n; i++)
		if (set->name[i].len == (size_t)(end - p) &&
		    strncasecmp(set->name[i].p, p, set->name[i].len) == 0)
			return;
	if (set->n == DKIMCHECK_HNAMES_MAX) {
		set->all = true;
		return;
	}
	set->name[set->n].p = p;
	set->name[set->n++].len = (size_t)(end - p);
}

/* dkimcheck_hlist - the names of every h= tag of one DKIM-Signature value */
static void dkimcheck_hlist(struct dkimcheck_hset *set, const char *value)
{
	const char *end = value + strlen(value);

	for (const char *p = value; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *tag_end = semi ? semi : end;
		const char *q = dkimcheck_fws(p, tag_end);

		if (q < tag_end && (*q == 'h' || *q == 'H') &&
		    (q = dkimcheck_fws(q + 1, tag_end)) < tag_end &&
		    *q == '=') {
			size_t names = 0;

			for (const char *n = q + 1; n <= tag_end; names++) {
				const char *colon = memchr(n, ':', (size_t)(tag_end - n));
				const char *stop = colon ? colon : tag_end;

				if (!set->all)
					dkimcheck_hname(set, n, stop);
				n = stop + 1;
			}
			if (names > set->most)
				set->most = names;
		}
		p = tag_end + 1;
	}
}

/*
 * dkimcheck_wanted - whether libopendkim needs a field: the signatures, From
 * (it reads the sender there) and what some h= covers. Any other field
 * changes no hash: not giving it saves its parsing and copying.
 */
static bool dkimcheck_wanted(const struct dkimcheck_hset *set, const char *field)
{
	const char *colon = strchr(field, ':');
	size_t n = colon ? (size_t)(colon - field) : 0;

	if (set->all || n == 0 || field[n - 1] == ' ' || field[n - 1] == '\t')
		return true;
	if ((n == 14 && strncasecmp(field, "DKIM-Signature", 14) == 0) ||
	    (n == 4 && strncasecmp(field, "From", 4) == 0))
		return true;
	for (size_t i = 0; i < set->n; i++)
		if (set->name[i].len == n && strncasecmp(set->name[i].p, field, n) == 0)
			return true;
	return false;
}

/* dkimcheck_covered - the names the kept signatures cover */
static void dkimcheck_covered(const struct dkimcheck *v, struct dkimcheck_hset *set)
{
	set->n = 0;
	set->all = false;
	set->most = 0;
	for (size_t off = 0; off < v->fields.len;) {
		const char *field = v->fields.data + off;
		size_t len = strlen(field);
		const char *value = dkimcheck_named(field, len, "DKIM-Signature", 14);

		if (value != NULL)	/* an empty one lists nothing */
			dkimcheck_hlist(set, value);
		off += len + 1;
	}
}

/*
 * dkimcheck_pad - as many fields as the longest h= lists names, counting the
 * given ones. libopendkim 2.11 picks a signature's fields into an array of
 * one slot per field it was given and, once every field is picked, writes
 * one slot further for each name h= still lists (dkim_canon_selecthdrs): a
 * signature naming every field and one more corrupts the heap. The padding
 * fields are named "Vigie Pad", which no h= can name (libopendkim takes the
 * white space out of tag values), so they change no hash. h= is cut at
 * DKIM_MAXHEADER bytes there, so it never names more than half that.
 */
static void dkimcheck_pad(DKIM *dkim, size_t given, size_t names)
{
	static const char pad[] = "Vigie Pad: -";

	if (names > DKIM_MAXHEADER / 2 + 1)
		names = DKIM_MAXHEADER / 2 + 1;
	for (; given < names; given++)
		if (dkim_header(dkim, (u_char *)pad, sizeof(pad) - 1) != DKIM_STAT_OK)
			return;
}

/* dkimcheck_eoh - end of headers: hand a signed message to libopendkim */
void dkimcheck_eoh(struct dkimcheck *v)
{
	struct dkimcheck_hset set;
	size_t given = 0;
	DKIM_STAT st;

	if (v->eoh)
		return;
	v->eoh = true;
	if (v->nsigfields == 0)
		return;
	v->dkim = dkim_verify(v->lib->dkim, (const u_char *)"vigie", NULL, &st);
	if (v->dkim == NULL)
		return;
	dkim_set_user_context(v->dkim, v);
	dkimcheck_covered(v, &set);
	for (size_t off = 0; off < v->fields.len;) {
		char *field = v->fields.data + off;
		size_t len = strlen(field);

		if (len > 0 && dkimcheck_wanted(&set, field) &&
		    dkim_header(v->dkim, (u_char *)field, len) == DKIM_STAT_OK)
			given++;
		off += len + 1;
	}
	dkimcheck_pad(v->dkim, given, set.most);
	vbuf_free(&v->fields);
	keycache_enter(v->lib->keycache);
	st = dkim_eoh(v->dkim);
	keycache_leave();
	v->wants_body = st == DKIM_STAT_OK;
}

/*
 * dkimcheck_body_limit - after the end of headers, the largest l= of the
 * signatures still checked, with its body canonicalization; false when one
 * of them has no l= (it covers the whole body) or none is checked
 */
bool dkimcheck_body_limit(const struct dkimcheck *v, unsigned long long *limit, bool *relaxed)
{
	DKIM_SIGINFO **sigs = NULL;
	int nsigs = 0;
	bool any = false;

	if (v->dkim == NULL || !v->wants_body ||
	    dkim_getsiglist(v->dkim, &sigs, &nsigs) != DKIM_STAT_OK || sigs == NULL)
		return false;
	for (int i = 0; i < nsigs; i++) {
		long long n;
		dkim_canon_t hc = DKIM_CANON_UNKNOWN, bc = DKIM_CANON_UNKNOWN;

		if (dkim_sig_getflags(sigs[i]) & DKIM_SIGFLAG_IGNORE)
			continue;
		n = dkimsig_length((const char *)dkim_sig_gettagvalue(sigs[i], false, (u_char *)"l"));
		if (n < 0)
			return false;
		(void)dkim_sig_getcanons(sigs[i], &hc, &bc);
		if (!any || (unsigned long long)n > *limit) {
			*limit = (unsigned long long)n;
			*relaxed = bc == DKIM_CANON_RELAXED;
		}
		any = true;
	}
	return any;
}

/* dkimcheck_sig_covers - fields named name a signature covers: as often as h= lists it */
unsigned dkimcheck_sig_covers(const struct dkimcheck_sig *s, const char *name)
{
	size_t nl = strlen(name);
	unsigned n = 0;

	if (s->hfields_cut)
		return UINT_MAX;
	for (const char *p = s->hfields; *p;) {
		size_t len = strcspn(p, ":");

		if (len == nl && strncasecmp(p, name, nl) == 0)
			n++;
		p += len;
		if (*p == ':')
			p++;
	}
	return n;
}

/* dkimcheck_bare_lf - whether p holds a LF not preceded by CR */
static bool dkimcheck_bare_lf(const char *p, size_t len, bool prev_cr)
{
	const char *end = p + len, *nl;

	for (; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1)
		if (nl > p ? nl[-1] != '\r' : !prev_cr)
			return true;
	return false;
}

/* dkimcheck_sep - a byte that ends what libopendkim holds of a body run */
static bool dkimcheck_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * dkimcheck_run_ok - follow the run of non-space bytes through p; false if
 * one goes past DKIMCHECK_RUN_MAX. Reads the chunk backwards to its last
 * space (a few bytes, usually); forwards only when a long run could hide
 * inside it.
 */
static bool dkimcheck_run_ok(struct dkimcheck *v, const char *p, size_t len)
{
	size_t i = len, r;

	while (i > 0 && !dkimcheck_sep(p[i - 1]))
		i--;
	if (i == 0) {
		v->run += len;
		return v->run <= DKIMCHECK_RUN_MAX;
	}
	if (v->run + i > DKIMCHECK_RUN_MAX) {
		r = v->run;
		for (size_t j = 0; j < i; j++) {
			r = dkimcheck_sep(p[j]) ? 0 : r + 1;
			if (r > DKIMCHECK_RUN_MAX)
				return false;
		}
	}
	v->run = len - i;
	return v->run <= DKIMCHECK_RUN_MAX;
}

/* dkimcheck_body - one body chunk; false once DKIM needs no more body */
bool dkimcheck_body(struct dkimcheck *v, const void *data, size_t len)
{
	const char *p = data;

	if (!v->eoh)
		dkimcheck_eoh(v);
	if (!v->wants_body || v->done || len == 0)
		return v->wants_body && !v->done;
	if (!dkimcheck_run_ok(v, p, len)) {
		/* past the cap: the body is not hashed whole, no signature passes */
		v->run_over = true;
		v->wants_body = false;
		return false;
	}
	if (!dkimcheck_bare_lf(p, len, v->prev_cr)) {
		/* libopendkim reads the body and never writes it */
		(void)dkim_body(v->dkim, (u_char *)(uintptr_t)p, len);
		v->prev_cr = p[len - 1] == '\r';
	} else {
		while (len > 0) {
			size_t n = len < DKIMCHECK_BODY_PIECE ? len : DKIMCHECK_BODY_PIECE;

			vbuf_reset(&v->scratch);
			dkimcheck_crlf(&v->scratch, p, n, &v->prev_cr);
			(void)dkim_body(v->dkim, (u_char *)v->scratch.data, v->scratch.len);
			p += n;
			len -= n;
		}
	}
	/* every signature has l= and got its bytes: the rest cannot change a thing */
	if (dkim_minbody(v->dkim) == 0)
		v->wants_body = false;
	return v->wants_body;
}

/* dkimcheck_reason - why the key lookup of sig failed, if it did */
static const char *dkimcheck_reason(const struct dkimcheck *v, DKIM_SIGINFO *sig)
{
	for (size_t i = 0; i < v->nlookups; i++)
		if (v->lookup[i].sig == sig)
			return v->lookup[i].reason;
	return NULL;
}

/* dkimcheck_eom - end of message: verify and keep one result per signature */
void dkimcheck_eom(struct dkimcheck *v)
{
	DKIM_SIGINFO **sigs = NULL;
	int nsigs = 0;

	if (v->done)
		return;
	if (!v->eoh)
		dkimcheck_eoh(v);
	v->done = true;
	vbuf_free(&v->scratch);
	if (v->dkim == NULL)
		return;
	keycache_enter(v->lib->keycache);
	(void)dkim_eom(v->dkim, NULL);
	keycache_leave();
	if (dkim_getsiglist(v->dkim, &sigs, &nsigs) != DKIM_STAT_OK || sigs == NULL)
		nsigs = 0;
	for (int i = 0; i < nsigs && v->nsigs < DKIMCHECK_MAX_SIGS; i++) {
		struct dkimcheck_sig *s = &v->sig[v->nsigs++];

		dkimsig_fill(sigs[i], dkimcheck_reason(v, sigs[i]), s);
		if (v->overflow) {
			s->result = DKIMCHECK_NEUTRAL;
			s->reason = "header over vigie's limits";
		} else if (v->run_over) {
			s->result = DKIMCHECK_NEUTRAL;
			s->reason = "body line over vigie's limits";
		}
	}
	dkim_free(v->dkim);
	v->dkim = NULL;
}

/* dkimcheck_count - signatures verified (at most DKIMCHECK_MAX_SIGS) */
size_t dkimcheck_count(const struct dkimcheck *v)
{
	return v->nsigs;
}

/* dkimcheck_sig - the result of signature i, in the order of the header */
const struct dkimcheck_sig *dkimcheck_sig(const struct dkimcheck *v, size_t i)
{
	return i < v->nsigs ? &v->sig[i] : NULL;
}

/* dkimcheck_sigs - all the results, dkimcheck_count() of them, for authres_render() */
const struct dkimcheck_sig *dkimcheck_sigs(const struct dkimcheck *v)
{
	return v->sig;
}

/* dkimcheck_dropped - signatures not verified: past the count or size limit */
size_t dkimcheck_dropped(const struct dkimcheck *v)
{
	return v->dropped;
}

/* dkimcheck_free - release one message's verification */
void dkimcheck_free(struct dkimcheck *v)
{
	if (v == NULL)
		return;
	if (v->dkim != NULL)
		dkim_free(v->dkim);
	vbuf_free(&v->fields);
	vbuf_free(&v->scratch);
	free(v);
}
