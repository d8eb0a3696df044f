/*
 * resolver - DNS lookups through nameservers vigie chooses, with a deadline.
 *
 * Built once from the Nameservers and DNSTimeout options, then shared by every
 * thread: a resolver is immutable and each query runs on its own resolver
 * state, so lookups from many threads at once need no lock.
 */
#ifndef VIGIE_RESOLVER_H
#define VIGIE_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#define RESOLVER_MAX_SERVERS 3		/* as resolv.conf's MAXNS */
#define RESOLVER_TIMEOUT_DEFAULT 5	/* seconds per lookup */
#define RESOLVER_TIMEOUT_MAX 60

enum resolver_status {
	RESOLVER_OK,		/* at least one record of the type asked */
	RESOLVER_NXDOMAIN,	/* the name does not exist */
	RESOLVER_NODATA,	/* the name exists, without a record of the type */
	RESOLVER_SERVFAIL,	/* every server failed or refused */
	RESOLVER_UNREACHABLE,	/* no server could be reached */
	RESOLVER_TIMEOUT,	/* no answer before the deadline */
	RESOLVER_TRUNCATED,	/* the answer did not fit a UDP reply and TCP failed */
	RESOLVER_BADREPLY,	/* malformed answer or record */
	RESOLVER_BADNAME,	/* not a name that can be asked */
	RESOLVER_TOOLONG	/* the records do not fit the caller's buffer */
};

struct resolver;
struct dnsanswer;

struct resolver *resolver_new(const char *nameservers, unsigned timeout,
			      char *err, size_t errlen);
void resolver_free(struct resolver *r);
unsigned resolver_timeout(const struct resolver *r);
size_t resolver_servers(const struct resolver *r);
/* the records of one type (dnsanswer.h) for name, before deadline_ms (0: none) */
enum resolver_status resolver_lookup(const struct resolver *r, const char *name, int type,
				     int64_t deadline_ms, struct dnsanswer *a);
enum resolver_status resolver_txt(const struct resolver *r, const char *name,
				  int64_t deadline_ms, char *out, size_t outsize,
				  unsigned *records);
/*
 * Read one DNS reply (wire format): its status, its first TXT record joined
 * into out (outsize > 0), the count of TXT records in *records (added to).
 * resolver_txt's own reader, public for the tests and the fuzz target.
 */
enum resolver_status resolver_reply(const unsigned char *ans, int len, char *out,
				    size_t outsize, unsigned *records);
const char *resolver_status_text(enum resolver_status status);
int64_t resolver_now_ms(void);

#endif
