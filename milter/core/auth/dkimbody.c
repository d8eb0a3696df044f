/*
 * dkimbody - the body hash of every line-ending prefix of the body, against
 * one signature's bh=.
 *
 * Touches: the memory of one struct dkimbody (an OpenSSL digest context and
 * a 4 KB buffer). The tag parser reads at most DKIMBODY_TAGS_MAX tags and
 * refuses a tag given twice (RFC 6376 3.2). Hashing stops at the first
 * prefix that matches or after DKIMBODY_LINES_MAX line ends: one digest
 * copy and finalisation per line, for the few messages that need it.
 */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "base64.h"
#include "dkimbody.h"
#include "xalloc.h"

#define DKIMBODY_OUT 4096

struct dkimbody {
	struct dkimbody_tags t;
	EVP_MD_CTX *ctx;
	bool content;			/* the current line has canonical content */
	bool wsp;			/* relaxed: white space met, not yet written */
	bool cr;			/* a CR met, not yet known to end the line */
	size_t empty;			/* empty lines not yet written (trailing ones drop) */
	size_t bytes;			/* body bytes read */
	size_t lines;			/* line ends tried */
	bool matched;
	size_t matched_at;		/* body bytes read when a prefix matched */
	size_t nout;
	unsigned char out[DKIMBODY_OUT];	/* canonical bytes not yet hashed */
};

/* dkimbody_fws - folding white space */
static bool dkimbody_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* dkimbody_trim - [p, end) without folding white space at either end */
static void dkimbody_trim(const char **p, const char **end)
{
	while (*p < *end && dkimbody_fws(**p))
		(*p)++;
	while (*end > *p && dkimbody_fws((*end)[-1]))
		(*end)--;
}

/* dkimbody_bh - bh=: base64, folding white space inside allowed */
static void dkimbody_bh(struct dkimbody_tags *t, const char *v, size_t n)
{
	char out[BASE64_OUT_MAX(128)];
	struct base64 b;
	size_t len;

	t->bhlen = 0;
	if (n > 128)
		return;
	base64_init(&b);
	len = base64_decode(&b, v, n, out);
	len += base64_end(&b, out + len);
	if (b.garbage == 0 && len <= sizeof(t->bh)) {
		memcpy(t->bh, out, len);
		t->bhlen = len;
	}
}

/* dkimbody_d - d=, lower case, when it is a DNS name */
static void dkimbody_d(struct dkimbody_tags *t, const char *v, size_t n)
{
	t->d[0] = '\0';
	if (n == 0 || n > DNSNAME_MAX || !dnsname_ok(v, n))
		return;
	for (size_t i = 0; i < n; i++)
		t->d[i] = (char)tolower((unsigned char)v[i]);
	t->d[n] = '\0';
}

/* dkimbody_tag - one tag of the list into t */
static void dkimbody_tag(struct dkimbody_tags *t, const char *name, size_t nlen,
			 const char *v, size_t vlen)
{
	if (nlen == 1 && name[0] == 'd') {
		dkimbody_d(t, v, vlen);
	} else if (nlen == 1 && name[0] == 'a') {
		t->sha256 = (vlen == 10 && strncasecmp(v, "rsa-sha256", 10) == 0) ||
			    (vlen == 14 && strncasecmp(v, "ed25519-sha256", 14) == 0);
	} else if (nlen == 1 && name[0] == 'c') {
		const char *slash = memchr(v, '/', vlen);

		t->relaxed = slash != NULL && (size_t)(v + vlen - slash - 1) == 7 &&
			     strncasecmp(slash + 1, "relaxed", 7) == 0;
	} else if (nlen == 2 && name[0] == 'b' && name[1] == 'h') {
		dkimbody_bh(t, v, vlen);
	} else if (nlen == 1 && name[0] == 'l') {
		t->has_l = true;
	}
}

/* dkimbody_tags - the tags vigie reads of a DKIM-Signature value; false if unreadable */
bool dkimbody_tags(const char *value, size_t len, struct dkimbody_tags *t)
{
	const char *p = value, *end = value + len;
	char seen[DKIMBODY_TAGS_MAX][8];
	size_t nseen = 0;

	memset(t, 0, sizeof(*t));
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end, *eq = memchr(p, '=', (size_t)(stop - p));
		const char *n = p, *nend = eq ? eq : stop, *v = eq ? eq + 1 : stop, *vend = stop;

		p = semi ? semi + 1 : end;
		dkimbody_trim(&n, &nend);
		dkimbody_trim(&v, &vend);
		if (n == nend && eq == NULL)
			continue;	/* an empty tag-spec: "a=b;;c=d", or a trailing ';' */
		if (eq == NULL || n == nend || nend - n >= 8 || nseen == DKIMBODY_TAGS_MAX)
			return false;
		for (size_t i = 0; i < nseen; i++)
			if (strlen(seen[i]) == (size_t)(nend - n) && memcmp(seen[i], n, (size_t)(nend - n)) == 0)
				return false;	/* a tag given twice */
		memcpy(seen[nseen], n, (size_t)(nend - n));
		seen[nseen++][nend - n] = '\0';
		dkimbody_tag(t, n, (size_t)(nend - n), v, (size_t)(vend - v));
	}
	return true;
}

/* dkimbody_flush - hash the canonical bytes waiting */
static void dkimbody_flush(struct dkimbody *b)
{
	if (b->nout > 0)
		EVP_DigestUpdate(b->ctx, b->out, b->nout);
	b->nout = 0;
}

/* dkimbody_put - canonical bytes to hash */
static void dkimbody_put(struct dkimbody *b, const void *p, size_t n)
{
	if (b->nout + n > sizeof(b->out))
		dkimbody_flush(b);
	memcpy(b->out + b->nout, p, n);
	b->nout += n;
}

/* dkimbody_try - does the canonical body so far hash to bh=? */
static bool dkimbody_try(struct dkimbody *b)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok;

	if (c == NULL)
		abort();
	dkimbody_flush(b);
	ok = EVP_MD_CTX_copy_ex(c, b->ctx) == 1 && EVP_DigestFinal_ex(c, md, &mdlen) == 1 &&
	     mdlen == b->t.bhlen && memcmp(md, b->t.bh, mdlen) == 0;
	EVP_MD_CTX_free(c);
	return ok;
}

/* dkimbody_content - one canonical content byte of the current line */
static void dkimbody_content(struct dkimbody *b, char c)
{
	if (!b->content) {
		/* empty lines before content are body, not trailing: write them now */
		for (; b->empty > 0; b->empty--)
			dkimbody_put(b, "\r\n", 2);
		b->content = true;
	}
	dkimbody_put(b, &c, 1);
}

/* dkimbody_eol - a line ends: a prefix to try when it had content */
static void dkimbody_eol(struct dkimbody *b)
{
	if (b->content) {
		dkimbody_put(b, "\r\n", 2);
		if (++b->lines <= DKIMBODY_LINES_MAX && dkimbody_try(b)) {
			b->matched = true;
			b->matched_at = b->bytes;
		}
	} else {
		b->empty++;
	}
	b->content = b->wsp = false;
}

/* dkimbody_char - one byte of a line (not its end) through the canonicalisation */
static void dkimbody_char(struct dkimbody *b, char c)
{
	if (b->t.relaxed && (c == ' ' || c == '\t')) {
		b->wsp = true;
		return;
	}
	if (b->wsp)
		dkimbody_content(b, ' ');
	b->wsp = false;
	dkimbody_content(b, c);
}

/* dkimbody_byte - one body byte: CRLF and bare LF end a line, a CR alone is content */
static void dkimbody_byte(struct dkimbody *b, char c)
{
	if (b->cr) {
		b->cr = false;
		if (c == '\n') {
			dkimbody_eol(b);
			return;
		}
		dkimbody_char(b, '\r');
	}
	if (c == '\r')
		b->cr = true;
	else if (c == '\n')
		dkimbody_eol(b);
	else
		dkimbody_char(b, c);
}

/* dkimbody_new - the check for one signature value; NULL when it cannot be judged */
struct dkimbody *dkimbody_new(const char *value)
{
	struct dkimbody *b;
	struct dkimbody_tags t;

	if (!dkimbody_tags(value, strlen(value), &t) || !t.sha256 || t.has_l || t.bhlen != 32)
		return NULL;
	b = xcalloc(1, sizeof(*b));
	b->t = t;
	if ((b->ctx = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(b->ctx, EVP_sha256(), NULL) != 1)
		abort();
	/* an empty signed body: simple hashes one CRLF, relaxed nothing */
	if (!t.relaxed)
		dkimbody_put(b, "\r\n", 2);
	b->matched = dkimbody_try(b);
	if (!t.relaxed) {
		/* start again: the CRLF stood only for the empty body */
		EVP_DigestInit_ex(b->ctx, EVP_sha256(), NULL);
		b->nout = 0;
	}
	return b;
}

/* dkimbody_domain - the signature's d= ("" when unusable) */
const char *dkimbody_domain(const struct dkimbody *b)
{
	return b->t.d;
}

/* dkimbody_feed - body bytes, CRLF or bare LF, any split */
void dkimbody_feed(struct dkimbody *b, const char *data, size_t len)
{
	for (size_t i = 0; i < len && !b->matched; i++) {
		b->bytes++;
		dkimbody_byte(b, data[i]);
	}
}

/* dkimbody_prefix - whether bh= is a prefix's hash; the prefix's length in bytes */
bool dkimbody_prefix(const struct dkimbody *b, size_t *signed_bytes)
{
	if (signed_bytes)
		*signed_bytes = b->matched_at;
	return b->matched;
}

/* dkimbody_free - release; NULL is fine */
void dkimbody_free(struct dkimbody *b)
{
	if (b == NULL)
		return;
	EVP_MD_CTX_free(b->ctx);
	free(b);
}
