/*
 * dnsanswer - read a DNS reply into a struct dnsanswer, or fill one record
 * by record (the test zone).
 *
 * Touches: nothing but the structure given. A reply is hostile: glibc's
 * ns_initparse and ns_parserr check the section and record bounds, names
 * are expanded with ns_name_uncompress within the message, and every
 * rdata length is checked against what its type needs. Records of other
 * types (a CNAME chain the server followed) are skipped. Failures are
 * statuses, never crashes.
 */
#include <config.h>

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>
#include <strings.h>

#include "dnsanswer.h"
#include "dnsname.h"

/* dnsanswer_init - an answer of this type with nothing in it yet */
void dnsanswer_init(struct dnsanswer *a, int type)
{
	a->status = RESOLVER_NODATA;
	a->type = type;
	a->ttl = DNSANSWER_TTL_MAX;
	a->n = 0;
	a->used = 0;
	a->data[0] = '\0';
}

/* dnsanswer_add - one more record (text, or 4/16 address octets); false when full */
bool dnsanswer_add(struct dnsanswer *a, const void *rdata, size_t len, uint16_t pref,
		   uint32_t ttl)
{
	struct dnsanswer_rr *r;

	if (a->n == DNSANSWER_RECORDS_MAX || len >= sizeof(a->data) - a->used)
		return false;
	r = &a->rr[a->n++];
	r->off = (uint32_t)a->used;
	r->len = (uint32_t)len;
	r->pref = pref;
	memcpy(a->data + a->used, rdata, len);
	a->data[a->used + len] = '\0';
	a->used += len + 1;
	if (ttl < a->ttl)
		a->ttl = ttl;
	a->status = RESOLVER_OK;
	return true;
}

/* dnsanswer_txt - the character-strings of one TXT rdata, joined, into out */
static enum resolver_status dnsanswer_txt(const unsigned char *rd, size_t rdlen, char *out,
					  size_t outsize, size_t *outlen)
{
	size_t used = 0, i = 0;

	while (i < rdlen) {
		size_t n = rd[i++];

		if (n > rdlen - i || memchr(rd + i, '\0', n) != NULL)
			return RESOLVER_BADREPLY;
		if (n >= outsize - used)
			return RESOLVER_TOOLONG;
		memcpy(out + used, rd + i, n);
		used += n;
		i += n;
	}
	out[used] = '\0';
	*outlen = used;
	return RESOLVER_OK;
}

/* dnsanswer_name - a domain name inside rdata, expanded within the message */
static enum resolver_status dnsanswer_name(const unsigned char *msg, int len,
					   const unsigned char *at, const unsigned char *rdend,
					   char *out, size_t outsize, size_t *outlen)
{
	int used = ns_name_uncompress(msg, msg + len, at, out, outsize);

	/* the name must sit inside the record's own rdata */
	if (used < 0 || at + used > rdend)
		return RESOLVER_BADREPLY;
	*outlen = strlen(out);
	return RESOLVER_OK;
}

/* dnsanswer_record - one record of the type asked into a */
static enum resolver_status dnsanswer_record(struct dnsanswer *a, const unsigned char *msg,
					     int len, ns_rr *rr)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	size_t rdlen = ns_rr_rdlen(*rr), n = 0;
	char text[DNSANSWER_DATA_MAX];
	enum resolver_status st = RESOLVER_OK;
	uint16_t pref = 0;

	switch (a->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (rdlen != (a->type == DNS_T_A ? 4u : 16u))
			return RESOLVER_BADREPLY;
		memcpy(text, rd, rdlen);
		n = rdlen;
		break;
	case DNS_T_TXT:
		st = dnsanswer_txt(rd, rdlen, text, sizeof(text), &n);
		break;
	case DNS_T_MX:
		if (rdlen < 3)
			return RESOLVER_BADREPLY;
		pref = (uint16_t)(rd[0] << 8 | rd[1]);
		st = dnsanswer_name(msg, len, rd + 2, rd + rdlen, text, DNSNAME_MAX + 2, &n);
		break;
	case DNS_T_PTR:
		st = dnsanswer_name(msg, len, rd, rd + rdlen, text, DNSNAME_MAX + 2, &n);
		break;
	default:
		return RESOLVER_BADREPLY;
	}
	if (st != RESOLVER_OK)
		return st;
	return dnsanswer_add(a, text, n, pref, ns_rr_ttl(*rr)) ? RESOLVER_OK : RESOLVER_TOOLONG;
}

/* dnsanswer_fail - no record kept, and why: a reply is read whole or not at all */
static enum resolver_status dnsanswer_fail(struct dnsanswer *a, enum resolver_status st)
{
	dnsanswer_init(a, a->type);
	return a->status = st;
}

/* dnsanswer_parse - a reply in wire format: its status and its records of type */
enum resolver_status dnsanswer_parse(struct dnsanswer *a, int type, const unsigned char *msg,
				     int len)
{
	ns_msg m;
	ns_rr rr;
	int count;

	dnsanswer_init(a, type);
	if (len <= 0 || ns_initparse(msg, len, &m) < 0)
		return a->status = RESOLVER_BADREPLY;
	if (ns_msg_getflag(m, ns_f_tc))
		return a->status = RESOLVER_TRUNCATED;
	switch (ns_msg_getflag(m, ns_f_rcode)) {
	case ns_r_noerror:
		break;
	case ns_r_nxdomain:
		return a->status = RESOLVER_NXDOMAIN;
	default:
		return a->status = RESOLVER_SERVFAIL;
	}
	count = ns_msg_count(m, ns_s_an);
	for (int i = 0; i < count; i++) {
		enum resolver_status st;

		if (ns_parserr(&m, ns_s_an, i, &rr) < 0)
			return dnsanswer_fail(a, RESOLVER_BADREPLY);
		/* a CNAME chain is followed by the server: the target's records come along */
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;
		if ((st = dnsanswer_record(a, msg, len, &rr)) != RESOLVER_OK)
			return dnsanswer_fail(a, st);
	}
	return a->status;
}

/* dnsanswer_text - record i as text (TXT, MX, PTR), NULL past the end */
const char *dnsanswer_text(const struct dnsanswer *a, size_t i)
{
	return i < a->n ? a->data + a->rr[i].off : NULL;
}

/* dnsanswer_first_text - the first record as text into out; TOOLONG if it does not fit */
enum resolver_status dnsanswer_first_text(const struct dnsanswer *a, char *out, size_t outsize)
{
	if (a->status != RESOLVER_OK)
		return a->status;
	if (a->rr[0].len >= outsize)
		return RESOLVER_TOOLONG;
	memcpy(out, dnsanswer_text(a, 0), a->rr[0].len + 1);
	return RESOLVER_OK;
}

/* dnsanswer_addr - record i as address octets (A: 4, AAAA: 16), NULL past the end */
const unsigned char *dnsanswer_addr(const struct dnsanswer *a, size_t i)
{
	return i < a->n ? (const unsigned char *)a->data + a->rr[i].off : NULL;
}

static const struct {
	const char *name;
	int type;
} dnsanswer_types[] = {
	{ "A", DNS_T_A }, { "AAAA", DNS_T_AAAA }, { "MX", DNS_T_MX }, { "TXT", DNS_T_TXT },
	{ "PTR", DNS_T_PTR },
};

/* dnsanswer_type_name - "A", "TXT"...; "?" for a type vigie never asks */
const char *dnsanswer_type_name(int type)
{
	for (size_t i = 0; i < sizeof(dnsanswer_types) / sizeof(dnsanswer_types[0]); i++)
		if (dnsanswer_types[i].type == type)
			return dnsanswer_types[i].name;
	return "?";
}

/* dnsanswer_type_lookup - a type from its name, any case */
bool dnsanswer_type_lookup(const char *name, size_t len, int *type)
{
	for (size_t i = 0; i < sizeof(dnsanswer_types) / sizeof(dnsanswer_types[0]); i++)
		if (strlen(dnsanswer_types[i].name) == len &&
		    strncasecmp(dnsanswer_types[i].name, name, len) == 0) {
			*type = dnsanswer_types[i].type;
			return true;
		}
	return false;
}
