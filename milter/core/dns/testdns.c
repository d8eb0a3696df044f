/*
 * testdns - read the offline zone file (format in testdns.h) into a sorted
 * table, and answer lookups from it as a name server would.
 *
 * Touches: the file named, read once (capped at TESTDNS_FILE_MAX). The text
 * is untrusted-ish (an admin's file, a test's file, a fuzzer's bytes):
 * every line is capped, every value checked, and the first problem stops
 * the parse with "file:line: why". Lookups are a binary search over
 * (name, type); a lookup never fails other than by the status it answers.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnsanswer.h"
#include "dnsname.h"
#include "lines.h"
#include "testdns.h"
#include "vbuf.h"
#include "xalloc.h"

#define TESTDNS_STRING_MAX 255		/* octets of one TXT character-string */

/* one record of the file */
struct testdns_rr {
	char *name;			/* lower case, no trailing dot */
	int type;
	enum resolver_status fail;	/* RESOLVER_OK, or the failure it stands for */
	uint32_t ttl;
	uint16_t pref;
	size_t line;			/* keeps the file's order within a set */
	size_t len;
	char *data;			/* text, or 4/16 address octets */
};

struct testdns {
	struct testdns_rr *rr;
	size_t n, alloc;
};

/* a line being read */
struct testdns_line {
	const char *p, *end;
	const char *origin;
	size_t lineno;
	char *err;
	size_t errlen;
};

/* testdns_error - "origin:line: why"; always -1 */
static int testdns_error(struct testdns_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int testdns_error(struct testdns_line *l, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%zu: %s", l->origin, l->lineno, why);
	return -1;
}

/* testdns_blank - past spaces and tabs */
static void testdns_blank(struct testdns_line *l)
{
	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t'))
		l->p++;
}

/* testdns_word - the next word (up to a blank or the end); its length */
static size_t testdns_word(struct testdns_line *l, const char **word)
{
	testdns_blank(l);
	*word = l->p;
	while (l->p < l->end && *l->p != ' ' && *l->p != '\t')
		l->p++;
	return (size_t)(l->p - *word);
}

/* testdns_digits - the word is n decimal digits (words are not NUL-terminated) */
static bool testdns_digits(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return n > 0;
}

/* testdns_is - the word is this keyword, any case */
static bool testdns_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

/* testdns_name - a DNS name, lower case, no trailing dot; NULL with err set */
static char *testdns_name(struct testdns_line *l, const char *w, size_t n, const char *what)
{
	char *name;

	if (n > 1 && w[n - 1] == '.')
		n--;
	if (!dnsname_ok(w, n)) {
		testdns_error(l, "%s \"%.*s\" is not a DNS name", what, (int)(n > 64 ? 64 : n), w);
		return NULL;
	}
	name = xstrndup(w, n);
	for (char *c = name; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	return name;
}

/* testdns_escape - one \ escape inside a quoted string: \" \\ \DDD */
static int testdns_escape(struct testdns_line *l, unsigned char *c)
{
	if (l->p + 1 >= l->end)
		return testdns_error(l, "a string ends in a backslash");
	if (isdigit((unsigned char)l->p[1])) {
		unsigned v = 0;

		for (int i = 1; i <= 3; i++) {
			if (l->p + i >= l->end || !isdigit((unsigned char)l->p[i]))
				return testdns_error(l, "\\DDD needs three digits");
			v = v * 10 + (unsigned)(l->p[i] - '0');
		}
		if (v > 255 || v == 0)
			return testdns_error(l, "\\%03u is not a byte a record may hold", v);
		*c = (unsigned char)v;
		l->p += 4;
		return 0;
	}
	*c = (unsigned char)l->p[1];
	l->p += 2;
	return 0;
}

/* testdns_txt - one or more quoted strings, joined into out */
static int testdns_txt(struct testdns_line *l, struct vbuf *out)
{
	size_t strings = 0;

	for (testdns_blank(l); l->p < l->end; testdns_blank(l)) {
		size_t len = 0;

		if (*l->p != '"')
			return testdns_error(l, "TXT data must be quoted strings");
		l->p++;
		while (l->p < l->end && *l->p != '"') {
			unsigned char c = (unsigned char)*l->p;

			if (c == '\\') {
				if (testdns_escape(l, &c) < 0)
					return -1;
			} else if (c == '\0') {
				return testdns_error(l, "NUL byte in a string");
			} else {
				l->p++;
			}
			if (++len > TESTDNS_STRING_MAX)
				return testdns_error(l, "a string over %d octets (split it in several)",
						     TESTDNS_STRING_MAX);
			vbuf_addc(out, (char)c);
		}
		if (l->p == l->end)
			return testdns_error(l, "unterminated string");
		l->p++;
		strings++;
	}
	if (strings == 0)
		return testdns_error(l, "TXT needs at least one quoted string");
	if (out->overflow)
		return testdns_error(l, "TXT data over %d octets", DNSANSWER_DATA_MAX - 1);
	return 0;
}

/* testdns_addr - an A or AAAA address into out */
static int testdns_addr(struct testdns_line *l, int type, struct vbuf *out)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN + 1];
	const char *w;
	size_t n = testdns_word(l, &w);
	int af = type == DNS_T_A ? AF_INET : AF_INET6;

	if (n == 0 || n >= sizeof(text))
		return testdns_error(l, "%s needs an address", dnsanswer_type_name(type));
	memcpy(text, w, n);
	text[n] = '\0';
	if (inet_pton(af, text, a) != 1)
		return testdns_error(l, "\"%s\" is not an %s address", text,
				     type == DNS_T_A ? "IPv4" : "IPv6");
	vbuf_add(out, a, type == DNS_T_A ? 4 : 16);
	return 0;
}

/* testdns_target - the name of a PTR or MX record (MX: after its preference) */
static int testdns_target(struct testdns_line *l, int type, struct vbuf *out, uint16_t *pref)
{
	const char *w;
	size_t n;
	char *name;

	if (type == DNS_T_MX) {
		unsigned long v = 0;

		n = testdns_word(l, &w);
		if (n > 5 || !testdns_digits(w, n))
			return testdns_error(l, "MX needs a preference (0-65535), then a name");
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (unsigned long)(w[i] - '0');
		if (v > 65535)
			return testdns_error(l, "MX preference %lu over 65535", v);
		*pref = (uint16_t)v;
	}
	n = testdns_word(l, &w);
	if (n == 1 && w[0] == '.') {
		vbuf_addc(out, '.');	/* the root: a null MX (RFC 7505) */
		return 0;
	}
	if ((name = testdns_name(l, w, n, "target")) == NULL)
		return -1;
	vbuf_adds(out, name);
	free(name);
	return 0;
}

/* testdns_value - the record's value after its type; failures are words */
static int testdns_value(struct testdns_line *l, struct testdns_rr *r, struct vbuf *out)
{
	const char *save = l->p, *w;
	size_t n = testdns_word(l, &w);

	if (testdns_is(w, n, "SERVFAIL") || testdns_is(w, n, "TIMEOUT")) {
		r->fail = testdns_is(w, n, "SERVFAIL") ? RESOLVER_SERVFAIL : RESOLVER_TIMEOUT;
		return 0;
	}
	l->p = save;
	switch (r->type) {
	case DNS_T_TXT:
		return testdns_txt(l, out);
	case DNS_T_A:
	case DNS_T_AAAA:
		return testdns_addr(l, r->type, out);
	default:
		return testdns_target(l, r->type, out, &r->pref);
	}
}

/* testdns_record - "NAME [TTL] [IN] TYPE VALUE" into r */
static int testdns_record(struct testdns_line *l, struct testdns_rr *r)
{
	struct vbuf data = VBUF_INIT(DNSANSWER_DATA_MAX - 1);
	const char *w;
	size_t n = testdns_word(l, &w);

	if ((r->name = testdns_name(l, w, n, "name")) == NULL)
		return -1;
	r->ttl = TESTDNS_TTL_DEFAULT;
	n = testdns_word(l, &w);
	if (n <= 9 && testdns_digits(w, n)) {
		r->ttl = 0;
		for (size_t i = 0; i < n; i++)
			r->ttl = r->ttl * 10 + (uint32_t)(w[i] - '0');
		n = testdns_word(l, &w);
	}
	if (testdns_is(w, n, "IN"))
		n = testdns_word(l, &w);
	if (!dnsanswer_type_lookup(w, n, &r->type))
		return testdns_error(l, "type \"%.*s\": TXT, A, AAAA, MX or PTR expected",
				     (int)(n > 16 ? 16 : n), w);
	if (testdns_value(l, r, &data) < 0) {
		vbuf_free(&data);
		return -1;
	}
	testdns_blank(l);
	if (l->p < l->end) {
		vbuf_free(&data);
		return testdns_error(l, "unexpected text after the record");
	}
	if (r->fail == RESOLVER_OK && data.len == 0) {
		vbuf_free(&data);
		return testdns_error(l, "%s needs a value", dnsanswer_type_name(r->type));
	}
	r->len = data.len;
	r->data = data.data ? data.data : xstrdup("");
	return 0;
}

/* testdns_uncomment - the line without its comment and trailing blanks */
static void testdns_uncomment(struct testdns_line *l)
{
	bool quoted = false;

	for (const char *c = l->p; c < l->end; c++) {
		if (quoted && *c == '\\' && c + 1 < l->end)
			c++;
		else if (*c == '"')
			quoted = !quoted;
		else if (!quoted && *c == '#' && (c == l->p || c[-1] == ' ' || c[-1] == '\t')) {
			l->end = c;
			break;
		}
	}
	while (l->end > l->p && (l->end[-1] == ' ' || l->end[-1] == '\t' || l->end[-1] == '\r'))
		l->end--;
}

/* testdns_line - one line: blank, comment or record */
static int testdns_line(struct testdns *z, struct testdns_line *l)
{
	struct testdns_rr r;

	if (l->end - l->p > TESTDNS_LINE_MAX)
		return testdns_error(l, "line over %d bytes", TESTDNS_LINE_MAX);
	if (memchr(l->p, '\0', (size_t)(l->end - l->p)) != NULL)
		return testdns_error(l, "NUL byte in the line");
	testdns_uncomment(l);
	testdns_blank(l);
	if (l->p == l->end)
		return 0;
	if (z->n == TESTDNS_RECORDS_MAX)
		return testdns_error(l, "more than %d records", TESTDNS_RECORDS_MAX);
	memset(&r, 0, sizeof(r));
	r.fail = RESOLVER_OK;
	r.line = l->lineno;
	if (testdns_record(l, &r) < 0) {
		free(r.name);
		free(r.data);
		return -1;
	}
	if (z->n == z->alloc) {
		z->alloc = z->alloc ? 2 * z->alloc : 64;
		z->rr = xreallocarray(z->rr, z->alloc, sizeof(*z->rr));
	}
	z->rr[z->n++] = r;
	return 0;
}

/* testdns_cmp - order by name, type, then the file's order */
static int testdns_cmp(const void *a, const void *b)
{
	const struct testdns_rr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* testdns_parse - the records of text; NULL with "origin:line: why" in err */
struct testdns *testdns_parse(const char *text, size_t len, const char *origin,
			      char *err, size_t errlen)
{
	struct testdns *z = xcalloc(1, sizeof(*z));
	struct testdns_line l = { text, text, origin, 0, err, errlen };
	struct lines it;
	size_t n;

	lines_init(&it, text, len, true);
	while (lines_next(&it, &l.p, &n)) {
		l.end = l.p + n;
		l.lineno = it.no;
		if (testdns_line(z, &l) < 0) {
			testdns_free(z);
			return NULL;
		}
	}
	if (z->n > 0)
		qsort(z->rr, z->n, sizeof(*z->rr), testdns_cmp);
	return z;
}

/* testdns_load - the zone in path; NULL with the reason in err */
struct testdns *testdns_load(const char *path, char *err, size_t errlen)
{
	struct vbuf b = VBUF_INIT(TESTDNS_FILE_MAX);
	enum vbuf_read st = vbuf_read_file(&b, path);
	struct testdns *z;

	if (st != VBUF_READ_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 st == VBUF_READ_BIG ? "larger than 16 MB" : strerror(errno));
		vbuf_free(&b);
		return NULL;
	}
	z = testdns_parse(b.data ? b.data : "", b.len, path, err, errlen);
	vbuf_free(&b);
	return z;
}

/* testdns_free - release the table; NULL is fine */
void testdns_free(struct testdns *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->n; i++) {
		free(z->rr[i].name);
		free(z->rr[i].data);
	}
	free(z->rr);
	free(z);
}

/* testdns_count - records loaded */
size_t testdns_count(const struct testdns *z)
{
	return z->n;
}

/* testdns_first - the first record of name (any type), or z->n */
static size_t testdns_first(const struct testdns *z, const char *name)
{
	size_t lo = 0, hi = z->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(z->rr[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < z->n && strcmp(z->rr[lo].name, name) == 0 ? lo : z->n;
}

/* testdns_lookup - the records of name and type, as a name server would answer */
enum resolver_status testdns_lookup(const struct testdns *z, const char *name, int type,
				    struct dnsanswer *a)
{
	char key[DNSNAME_MAX + 2];
	size_t n = strlen(name), i;

	dnsanswer_init(a, type);
	if (n > 1 && name[n - 1] == '.')
		n--;
	if (!dnsname_ok(name, n))
		return a->status = RESOLVER_BADNAME;
	for (size_t k = 0; k < n; k++)
		key[k] = (char)tolower((unsigned char)name[k]);
	key[n] = '\0';
	if ((i = testdns_first(z, key)) == z->n)
		return a->status = RESOLVER_NXDOMAIN;
	for (; i < z->n && strcmp(z->rr[i].name, key) == 0; i++) {
		const struct testdns_rr *r = &z->rr[i];

		if (r->type != type)
			continue;
		if (r->fail != RESOLVER_OK) {
			dnsanswer_init(a, type);
			return a->status = r->fail;
		}
		if (!dnsanswer_add(a, r->data, r->len, r->pref, r->ttl)) {
			dnsanswer_init(a, type);
			return a->status = RESOLVER_TOOLONG;
		}
	}
	return a->status;
}
