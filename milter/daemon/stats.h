/*
 * stats - the daemon's counters, and their rendering in the Prometheus text
 * exposition format (served by metrics.c when StatsSocket is set).
 *
 * Counting is a few relaxed C11 atomic additions per message: no lock, no
 * allocation, nothing that can fail. The counters live for the process
 * (they survive reloads). Only the labels that change at reload (brand
 * pack, configuration generation) sit under a lock, taken at reload and
 * when rendering, never on the path of a message.
 */
#ifndef VIGIE_STATS_H
#define VIGIE_STATS_H

#include <stdbool.h>

#include "dmarccheck.h"
#include "spfcheck.h"
#include "vbuf.h"

struct verdict;
struct packfile;

enum stats_skip {
	STATS_SKIP_LOCAL,		/* no client address: sendmail(1), pickup */
	STATS_SKIP_INTERNAL,		/* InternalHosts */
	STATS_SKIP_ORIGINATING,		/* {daemon_name} ORIGINATING */
	STATS_SKIP_AUTHENTICATED,	/* SkipAuthenticated */
	STATS_SKIP_POLICY,		/* every recipient's DomainPolicies entry: Analyse=no */
	STATS_SKIP_COUNT
};

enum stats_action {
	STATS_ACTION_TAG,
	STATS_ACTION_QUARANTINE,
	STATS_ACTION_REJECT,
	STATS_ACTION_TEMPFAIL,		/* deferred: forged headers not all removed */
	STATS_ACTION_COUNT
};

/* how a message's recipients fell under DomainPolicies */
enum stats_policy {
	STATS_POLICY_DEFAULT,		/* all under the default ("*" or vigie.conf's) */
	STATS_POLICY_DOMAIN,		/* all under one domain entry */
	STATS_POLICY_MIXED,		/* under several entries: merged (policy.h) */
	STATS_POLICY_COUNT
};

enum stats_error {
	STATS_ERR_SESSION,		/* no state for a connection: tempfail */
	STATS_ERR_NO_RUNTIME,		/* no configuration yet: tempfail */
	STATS_ERR_STRIP,		/* forged header not removed: deferred */
	STATS_ERR_HEADER,		/* the MTA refused a header we add */
	STATS_ERR_SUBJECT,		/* the MTA refused the tagged Subject */
	STATS_ERR_REPLY,		/* the MTA refused the reject text */
	STATS_ERR_QUARANTINE,		/* the MTA cannot quarantine: tagged only */
	STATS_ERR_DNS,			/* DKIM key lookup failed (temperror) */
	STATS_ERR_COUNT
};

/*
 * What became of the warning banner of a message that called for one: added,
 * or the body kept, by reason (the rewriter's first, rewrite.h's order).
 */
enum stats_banner {
	STATS_BANNER_ADDED,
	STATS_BANNER_NO_TEXT,		/* no text part a reader sees */
	STATS_BANNER_SIGNED,		/* signed or encrypted */
	STATS_BANNER_MALFORMED,		/* a MIME structure vigie will not rewrite */
	STATS_BANNER_ENCODING,		/* a text part not decodable and encodable faithfully */
	STATS_BANNER_LIMIT,		/* past a cap of the rewriter */
	STATS_BANNER_OUTPUT,		/* the new body could not be handed over: deferred */
	STATS_BANNER_SIZE,		/* over BannerMaxSize */
	STATS_BANNER_STORE,		/* the body could not be kept (BannerSpool) */
	STATS_BANNER_REFUSED,		/* the MTA does not let filters change the body */
	STATS_BANNER_TEMPLATE,		/* the warning would be over its size cap */
	STATS_BANNER_COUNT
};

/* DKIM results as RFC 8601 names them */
enum stats_dkim {
	STATS_DKIM_NONE,
	STATS_DKIM_PASS,
	STATS_DKIM_FAIL,
	STATS_DKIM_POLICY,
	STATS_DKIM_NEUTRAL,
	STATS_DKIM_TEMPERROR,
	STATS_DKIM_PERMERROR,
	STATS_DKIM_COUNT
};

#define STATS_BRANDS_MAX 256		/* brands counted by name; then "other" */
#define STATS_OUT_MAX (256u << 10)	/* bytes of one rendering */

void stats_connection(void);
void stats_peer(void);
void stats_message(void);
void stats_skipped(enum stats_skip why);
void stats_aborted(void);
void stats_capped(void);
void stats_verdict(const struct verdict *v, const char *brand, enum stats_action action,
		   double ms);
void stats_dkim(enum stats_dkim result);
void stats_spf(enum spfcheck_result result);
void stats_dmarc(enum dmarccheck_result result);
void stats_dns(unsigned queries);
bool stats_dkim_lookup(const char *name, enum stats_dkim *out);
void stats_error(enum stats_error e);
void stats_banner(enum stats_banner b);
const char *stats_banner_name(enum stats_banner b);
void stats_policy(enum stats_policy kind);
void stats_reload(bool ok);
void stats_build(const char *version, const char *libmilter);
void stats_pack(const char *origin, const struct packfile *pack, unsigned long generation,
		long long modified);
void stats_render(struct vbuf *out);

#endif
