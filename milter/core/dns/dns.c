/*
 * dns - one way to ask for records, whatever answers them: the resolver,
 * the TestDNS zone, or nothing; and the per-message budget.
 *
 * Touches: the network through resolver.c (DNS_LIVE), the zone file at
 * dns_new (DNS_ZONE). No state changes after dns_new: the budget is the
 * caller's, one per message, used by one thread at a time.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "dns.h"
#include "dnsanswer.h"
#include "testdns.h"
#include "xalloc.h"

struct dns {
	enum dns_source source;
	struct resolver *resolver;	/* DNS_LIVE */
	struct testdns *zone;		/* DNS_ZONE */
};

/* dns_new - the DNS the options describe; NULL with the reason in err */
struct dns *dns_new(const struct dns_opts *o, char *err, size_t errlen)
{
	struct dns *d = xcalloc(1, sizeof(*d));

	if (o->zone_file != NULL) {
		d->source = DNS_ZONE;
		d->zone = testdns_load(o->zone_file, err, errlen);
	} else if (o->offline) {
		d->source = DNS_NONE;
		return d;
	} else {
		d->source = DNS_LIVE;
		d->resolver = resolver_new(o->nameservers, o->timeout, err, errlen);
	}
	if (d->zone == NULL && d->resolver == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

/* dns_new_zone - a DNS over a parsed zone, which it takes */
struct dns *dns_new_zone(struct testdns *z)
{
	struct dns *d = xcalloc(1, sizeof(*d));

	d->source = DNS_ZONE;
	d->zone = z;
	return d;
}

/* dns_free - release; NULL is fine */
void dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	if (d->resolver != NULL)
		resolver_free(d->resolver);
	testdns_free(d->zone);
	free(d);
}

/* dns_source - where the answers come from */
enum dns_source dns_source(const struct dns *d)
{
	return d->source;
}

/* dns_budget_init - a message that has asked nothing yet */
void dns_budget_init(struct dns_budget *b)
{
	b->deadline = 0;
	b->queries = 0;
	b->failures = 0;
	b->down = false;
	b->spent = false;
}

/* dns_live - one lookup on the network within the message's budget */
static enum resolver_status dns_live(const struct dns *d, struct dns_budget *b, const char *name,
				     int type, struct dnsanswer *a)
{
	int64_t now = resolver_now_ms(), timeout = (int64_t)resolver_timeout(d->resolver) * 1000;
	enum resolver_status st;

	if (b->deadline == 0)
		b->deadline = now + timeout * DNS_BUDGET_TIMEOUTS;
	if (b->down || now >= b->deadline) {
		b->spent = b->spent || !b->down;
		dnsanswer_init(a, type);
		return a->status = RESOLVER_TIMEOUT;
	}
	b->queries++;
	st = resolver_lookup(d->resolver, name, type, b->deadline, a);
	if (st == RESOLVER_TIMEOUT) {
		b->down = true;
		b->spent = now + timeout > b->deadline;
	}
	return st;
}

/* dns_lookup - the records of name and type, within the message's budget */
enum resolver_status dns_lookup(const struct dns *d, struct dns_budget *b, const char *name,
				int type, struct dnsanswer *a)
{
	enum resolver_status st;

	switch (d->source) {
	case DNS_LIVE:
		st = dns_live(d, b, name, type, a);
		break;
	case DNS_ZONE:
		b->queries++;
		st = testdns_lookup(d->zone, name, type, a);
		break;
	default:
		dnsanswer_init(a, type);
		st = a->status = RESOLVER_UNREACHABLE;
		break;
	}
	if (st != RESOLVER_OK && st != RESOLVER_NXDOMAIN && st != RESOLVER_NODATA)
		b->failures++;
	return st;
}
