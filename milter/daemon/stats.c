/*
 * stats - process-wide counters of the daemon, rendered for Prometheus.
 *
 * Touches: nothing but its own memory. Counters are atomic_ulong added
 * with relaxed ordering from any thread: a scrape may see one message
 * half-counted (its verdict before its action), never a torn number. Brand
 * names are counted in a fixed table claimed lock-free by hash; a brand
 * past STATS_BRANDS_MAX is counted as "other". The labels set at start-up
 * and reload (build, brand pack) are copied under a mutex.
 */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "packfile.h"
#include "reason.h"
#include "stats.h"
#include "verdict.h"

#define STATS_NAME_MAX 128		/* bytes of a brand name kept */
#define STATS_LABEL_MAX 256		/* bytes of an info label kept */

/* upper bounds of the processing time buckets, in microseconds */
static const unsigned long stats_bounds_us[] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
	250000, 500000, 1000000, 2500000, 5000000, 10000000,
};
#define STATS_BUCKETS (sizeof(stats_bounds_us) / sizeof(stats_bounds_us[0]))

struct stats_brand {
	atomic_uint_least64_t hash;	/* 0: free */
	atomic_int ready;		/* name written */
	char name[STATS_NAME_MAX];
	atomic_ulong count;
};

static struct {
	atomic_ulong connections;
	atomic_ulong peer;
	atomic_ulong messages;
	atomic_ulong skipped[STATS_SKIP_COUNT];
	atomic_ulong policy[STATS_POLICY_COUNT];
	atomic_ulong aborted;
	atomic_ulong capped;
	atomic_ulong verdicts[VERDICT_IMPERSONATION + 1];
	atomic_ulong reasons[REASON_CODE_COUNT];
	atomic_ulong actions[STATS_ACTION_COUNT];
	atomic_ulong dkim[STATS_DKIM_COUNT];
	atomic_ulong spf[SPFCHECK_RESULT_COUNT];
	atomic_ulong dmarc[DMARCCHECK_RESULT_COUNT];
	atomic_ulong dns_queries;
	atomic_ulong errors[STATS_ERR_COUNT];
	atomic_ulong banners[STATS_BANNER_COUNT];
	atomic_ulong reloads_ok;
	atomic_ulong reloads_failed;
	atomic_ulong buckets[STATS_BUCKETS + 1];	/* the last one: +Inf */
	atomic_ulong time_us;
	atomic_ulong brand_other;
	struct stats_brand brands[STATS_BRANDS_MAX];
} stats;

static pthread_mutex_t stats_info_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char version[64];
	char libmilter[64];
	char origin[STATS_LABEL_MAX];
	char pack_version[PACKFILE_VERSION_MAX + 1];
	char sha256[65];
	bool verified;
	unsigned long generation;
	time_t started;
	time_t loaded;
	long long modified;		/* the pack file's mtime; 0: built in */
} stats_info;

static const char *const stats_skip_names[] = {
	"local", "internal", "originating", "authenticated", "policy",
};
static const char *const stats_policy_names[] = { "default", "domain", "mixed" };
static const char *const stats_action_names[] = {
	"tag", "quarantine", "reject", "tempfail",
};
static const char *const stats_error_names[] = {
	"session", "no_runtime", "header_strip", "header_add", "subject_tag",
	"reject_reply", "quarantine", "dns",
};
static const char *const stats_banner_names[] = {
	"added", "no-text", "signed", "malformed", "encoding", "limit", "output", "size",
	"store", "refused", "template",
};
static const char *const stats_dkim_names[] = {
	"none", "pass", "fail", "policy", "neutral", "temperror", "permerror",
};

#define STATS_ADD(counter) atomic_fetch_add_explicit(&(counter), 1, memory_order_relaxed)
#define STATS_GET(counter) atomic_load_explicit(&(counter), memory_order_relaxed)

/* stats_connection - an MTA connection opened */
void stats_connection(void)
{
	STATS_ADD(stats.connections);
}

/* stats_peer - a connection from PeerList, let through */
void stats_peer(void)
{
	STATS_ADD(stats.peer);
}

/* stats_message - a message began (MAIL FROM) */
void stats_message(void)
{
	STATS_ADD(stats.messages);
}

/* stats_skipped - a message let through without analysis */
void stats_skipped(enum stats_skip why)
{
	if ((unsigned)why < STATS_SKIP_COUNT)
		STATS_ADD(stats.skipped[why]);
}

/* stats_aborted - a message abandoned by the MTA during its analysis */
void stats_aborted(void)
{
	STATS_ADD(stats.aborted);
}

/* stats_capped - an analysed message of which a cap left something out */
void stats_capped(void)
{
	STATS_ADD(stats.capped);
}

/* stats_hash - FNV-1a of a brand name, never 0 (0 marks a free slot) */
static uint64_t stats_hash(const char *s)
{
	uint64_t h = hash_fnv1a(HASH_FNV_OFFSET, s, strlen(s));

	return h ? h : 1;
}

/*
 * stats_brand_add - count a brand by name. The first thread to claim a
 * slot writes the name, then marks it ready; others count in it at once.
 */
static void stats_brand_add(const char *name)
{
	uint64_t h = stats_hash(name);

	for (size_t i = 0; i < STATS_BRANDS_MAX; i++) {
		struct stats_brand *b = &stats.brands[(h + i) % STATS_BRANDS_MAX];
		uint_least64_t seen = atomic_load_explicit(&b->hash, memory_order_acquire);

		if (seen == 0) {
			uint_least64_t expected = 0;

			if (atomic_compare_exchange_strong(&b->hash, &expected, h)) {
				snprintf(b->name, sizeof(b->name), "%s", name);
				atomic_store_explicit(&b->ready, 1, memory_order_release);
				STATS_ADD(b->count);
				return;
			}
			seen = expected;
		}
		if (seen == h) {
			STATS_ADD(b->count);
			return;
		}
	}
	STATS_ADD(stats.brand_other);
}

/* stats_time - one processing time into the histogram */
static void stats_time(double ms)
{
	unsigned long us = ms <= 0 ? 0 : (unsigned long)(ms * 1000.0 + 0.5);
	size_t i = 0;

	while (i < STATS_BUCKETS && us > stats_bounds_us[i])
		i++;
	STATS_ADD(stats.buckets[i]);
	atomic_fetch_add_explicit(&stats.time_us, us, memory_order_relaxed);
}

/*
 * stats_verdict - an analysed message: its verdict, the codes it carried
 * (each counted once per message), its brand, what was done, how long it took
 */
void stats_verdict(const struct verdict *v, const char *brand, enum stats_action action,
		   double ms)
{
	bool seen[REASON_CODE_COUNT] = { false };

	if ((unsigned)v->kind <= VERDICT_IMPERSONATION)
		STATS_ADD(stats.verdicts[v->kind]);
	for (size_t i = 0; i < v->reasons.count; i++) {
		unsigned c = (unsigned)v->reasons.item[i].code;

		if (c < REASON_CODE_COUNT && !seen[c]) {
			seen[c] = true;
			STATS_ADD(stats.reasons[c]);
		}
	}
	if (brand != NULL && brand[0] != '\0' && v->kind != VERDICT_CLEAN)
		stats_brand_add(brand);
	if ((unsigned)action < STATS_ACTION_COUNT)
		STATS_ADD(stats.actions[action]);
	stats_time(ms);
}

/* stats_dkim - one DKIM result (per signature, or "none" for an unsigned message) */
void stats_dkim(enum stats_dkim result)
{
	if ((unsigned)result < STATS_DKIM_COUNT)
		STATS_ADD(stats.dkim[result]);
	if (result == STATS_DKIM_TEMPERROR)
		STATS_ADD(stats.errors[STATS_ERR_DNS]);
}

/* stats_spf - one SPF result, per message SPF was evaluated for */
void stats_spf(enum spfcheck_result result)
{
	if ((unsigned)result < SPFCHECK_RESULT_COUNT)
		STATS_ADD(stats.spf[result]);
}

/* stats_dmarc - one DMARC result, per message DMARC was evaluated for */
void stats_dmarc(enum dmarccheck_result result)
{
	if ((unsigned)result < DMARCCHECK_RESULT_COUNT)
		STATS_ADD(stats.dmarc[result]);
}

/* stats_dns - the DNS lookups one message cost */
void stats_dns(unsigned queries)
{
	atomic_fetch_add_explicit(&stats.dns_queries, queries, memory_order_relaxed);
}

/* stats_dkim_lookup - the result of an RFC 8601 name ("pass", "temperror"...) */
bool stats_dkim_lookup(const char *name, enum stats_dkim *out)
{
	for (unsigned i = 0; i < STATS_DKIM_COUNT; i++)
		if (name != NULL && strcmp(name, stats_dkim_names[i]) == 0) {
			*out = (enum stats_dkim)i;
			return true;
		}
	return false;
}

/* stats_error - something went wrong on the path of a message */
void stats_error(enum stats_error e)
{
	if ((unsigned)e < STATS_ERR_COUNT)
		STATS_ADD(stats.errors[e]);
}

/* stats_banner - a message's warning banner added, or its body kept for this reason */
void stats_banner(enum stats_banner b)
{
	if ((unsigned)b < STATS_BANNER_COUNT)
		STATS_ADD(stats.banners[b]);
}

/* stats_banner_name - the result's label value, also in the log line */
const char *stats_banner_name(enum stats_banner b)
{
	return (unsigned)b < STATS_BANNER_COUNT ? stats_banner_names[b] : "?";
}

/* stats_policy - how a message's recipients fell under DomainPolicies */
void stats_policy(enum stats_policy kind)
{
	if ((unsigned)kind < STATS_POLICY_COUNT)
		STATS_ADD(stats.policy[kind]);
}

/* stats_reload - a SIGUSR1 reload, done or refused */
void stats_reload(bool ok)
{
	STATS_ADD(*(ok ? &stats.reloads_ok : &stats.reloads_failed));
}

/* stats_build - what was built, once at start-up */
void stats_build(const char *version, const char *libmilter)
{
	pthread_mutex_lock(&stats_info_lock);
	snprintf(stats_info.version, sizeof(stats_info.version), "%s", version);
	snprintf(stats_info.libmilter, sizeof(stats_info.libmilter), "%s", libmilter);
	stats_info.started = time(NULL);
	pthread_mutex_unlock(&stats_info_lock);
}

/*
 * stats_pack - the brand pack and configuration in force, at start-up and
 * reload; modified: when the pack file last changed (0: the built-in pack)
 */
void stats_pack(const char *origin, const struct packfile *pack, unsigned long generation,
		long long modified)
{
	pthread_mutex_lock(&stats_info_lock);
	snprintf(stats_info.origin, sizeof(stats_info.origin), "%s", origin);
	snprintf(stats_info.pack_version, sizeof(stats_info.pack_version), "%s",
		 pack ? pack->version : "");
	snprintf(stats_info.sha256, sizeof(stats_info.sha256), "%s", pack ? pack->sha256 : "");
	stats_info.verified = pack && pack->verified;
	stats_info.generation = generation;
	stats_info.loaded = time(NULL);
	stats_info.modified = modified;
	pthread_mutex_unlock(&stats_info_lock);
}

/* stats_label - a label value escaped as the exposition format wants */
static void stats_label(struct vbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			vbuf_printf(out, "\\%c", *s);
		else if (*s == '\n')
			vbuf_adds(out, "\\n");
		else
			vbuf_addc(out, *s);
	}
}

/* stats_head - the HELP and TYPE lines of a metric */
static void stats_head(struct vbuf *out, const char *name, const char *type, const char *help)
{
	vbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* stats_family - a counter with one label, a sample per value */
static void stats_family(struct vbuf *out, const char *name, const char *help,
			 const char *label, const char *const *values,
			 const atomic_ulong *counts, size_t n)
{
	stats_head(out, name, "counter", help);
	for (size_t i = 0; i < n; i++)
		vbuf_printf(out, "%s{%s=\"%s\"} %lu\n", name, label, values[i],
			    STATS_GET(counts[i]));
}

/* stats_single - a counter without labels */
static void stats_single(struct vbuf *out, const char *name, const char *help,
			 const atomic_ulong *count)
{
	stats_head(out, name, "counter", help);
	vbuf_printf(out, "%s %lu\n", name, STATS_GET(*count));
}

/* stats_render_info - build, brand pack and process gauges */
static void stats_render_info(struct vbuf *out)
{
	pthread_mutex_lock(&stats_info_lock);
	stats_head(out, "vigie_build_info", "gauge", "Version of vigie and of libmilter.");
	vbuf_adds(out, "vigie_build_info{version=\"");
	stats_label(out, stats_info.version);
	vbuf_adds(out, "\",libmilter=\"");
	stats_label(out, stats_info.libmilter);
	vbuf_adds(out, "\"} 1\n");
	stats_head(out, "vigie_brand_pack_info", "gauge",
		   "Brand pack in force: file, version comment, SHA-256, signature checked.");
	vbuf_adds(out, "vigie_brand_pack_info{origin=\"");
	stats_label(out, stats_info.origin);
	vbuf_adds(out, "\",version=\"");
	stats_label(out, stats_info.pack_version);
	vbuf_printf(out, "\",sha256=\"%s\",signed=\"%s\"} 1\n", stats_info.sha256,
		    stats_info.verified ? "yes" : "no");
	stats_head(out, "vigie_brand_pack_modified_timestamp_seconds", "gauge",
		   "When the brand pack file in force last changed (an update installed it); 0: built in.");
	vbuf_printf(out, "vigie_brand_pack_modified_timestamp_seconds %lld\n", stats_info.modified);
	stats_head(out, "vigie_config_generation", "gauge",
		   "Configuration in force: 1 at start-up, +1 per successful reload.");
	vbuf_printf(out, "vigie_config_generation %lu\n", stats_info.generation);
	stats_head(out, "vigie_config_loaded_timestamp_seconds", "gauge",
		   "When the configuration in force was loaded.");
	vbuf_printf(out, "vigie_config_loaded_timestamp_seconds %lld\n",
		    (long long)stats_info.loaded);
	stats_head(out, "vigie_start_time_seconds", "gauge", "When vigie started.");
	vbuf_printf(out, "vigie_start_time_seconds %lld\n", (long long)stats_info.started);
	pthread_mutex_unlock(&stats_info_lock);
}

/* stats_render_brands - non-clean messages per brand, in slot order */
static void stats_render_brands(struct vbuf *out)
{
	stats_head(out, "vigie_brand_messages_total", "counter",
		   "Suspect or impersonation messages, by the brand they claim.");
	for (size_t i = 0; i < STATS_BRANDS_MAX; i++) {
		struct stats_brand *b = &stats.brands[i];

		if (!atomic_load_explicit(&b->ready, memory_order_acquire))
			continue;
		vbuf_adds(out, "vigie_brand_messages_total{brand=\"");
		stats_label(out, b->name);
		vbuf_printf(out, "\"} %lu\n", STATS_GET(b->count));
	}
	vbuf_printf(out, "vigie_brand_messages_total{brand=\"other\"} %lu\n",
		    STATS_GET(stats.brand_other));
}

/* stats_render_time - the processing time histogram, cumulative buckets */
static void stats_render_time(struct vbuf *out)
{
	unsigned long total = 0;

	stats_head(out, "vigie_processing_seconds", "histogram",
		   "Time vigie spent on each analysed message (its callbacks, not the MTA's).");
	for (size_t i = 0; i <= STATS_BUCKETS; i++) {
		total += STATS_GET(stats.buckets[i]);
		if (i < STATS_BUCKETS)
			vbuf_printf(out, "vigie_processing_seconds_bucket{le=\"%g\"} %lu\n",
				    stats_bounds_us[i] / 1e6, total);
		else
			vbuf_printf(out, "vigie_processing_seconds_bucket{le=\"+Inf\"} %lu\n",
				    total);
	}
	vbuf_printf(out, "vigie_processing_seconds_sum %.6f\n",
		    STATS_GET(stats.time_us) / 1e6);
	vbuf_printf(out, "vigie_processing_seconds_count %lu\n", total);
}

/* stats_render - every metric, in the Prometheus text format (version 0.0.4) */
void stats_render(struct vbuf *out)
{
	static const char *const verdicts[] = { "clean", "suspect", "impersonation" };
	const char *codes[REASON_CODE_COUNT];
	const char *spf[SPFCHECK_RESULT_COUNT], *dmarc[DMARCCHECK_RESULT_COUNT];

	for (unsigned i = 0; i < REASON_CODE_COUNT; i++)
		codes[i] = reason_code_name((enum reason_code)i);
	for (unsigned i = 0; i < SPFCHECK_RESULT_COUNT; i++)
		spf[i] = spfcheck_result_name((enum spfcheck_result)i);
	for (unsigned i = 0; i < DMARCCHECK_RESULT_COUNT; i++)
		dmarc[i] = dmarccheck_result_name((enum dmarccheck_result)i);
	stats_render_info(out);
	stats_single(out, "vigie_connections_total", "MTA connections opened.",
		     &stats.connections);
	stats_single(out, "vigie_peer_connections_total",
		     "Connections from PeerList clients, let through without any work.",
		     &stats.peer);
	stats_single(out, "vigie_messages_total", "Messages begun (MAIL FROM) outside PeerList.",
		     &stats.messages);
	stats_family(out, "vigie_messages_skipped_total",
		     "Messages let through without analysis, by reason.", "reason",
		     stats_skip_names, stats.skipped, STATS_SKIP_COUNT);
	stats_family(out, "vigie_policy_messages_total",
		     "Messages under DomainPolicies, by how their recipients fell: all under the"
		     " default, all under one domain entry, or mixed (merged).", "recipients",
		     stats_policy_names, stats.policy, STATS_POLICY_COUNT);
	stats_single(out, "vigie_messages_aborted_total",
		     "Messages abandoned by the MTA before their end.", &stats.aborted);
	stats_single(out, "vigie_messages_capped_total",
		     "Analysed messages of which a cap left part out (headers, body, links, signatures).",
		     &stats.capped);
	stats_family(out, "vigie_verdicts_total", "Analysed messages, by verdict.", "verdict",
		     verdicts, stats.verdicts, VERDICT_IMPERSONATION + 1);
	stats_family(out, "vigie_reasons_total",
		     "Analysed messages with at least one finding of this reason code.", "code",
		     codes, stats.reasons, REASON_CODE_COUNT);
	stats_render_brands(out);
	stats_family(out, "vigie_dkim_results_total",
		     "DKIM results: one per signature verified, none for an unsigned message.",
		     "result", stats_dkim_names, stats.dkim, STATS_DKIM_COUNT);
	stats_family(out, "vigie_spf_results_total",
		     "SPF results: one per message SPF was evaluated for (SPFVerify).",
		     "result", spf, stats.spf, SPFCHECK_RESULT_COUNT);
	stats_family(out, "vigie_dmarc_results_total",
		     "DMARC results: one per message DMARC was evaluated for.",
		     "result", dmarc, stats.dmarc, DMARCCHECK_RESULT_COUNT);
	stats_single(out, "vigie_dns_queries_total",
		     "DNS lookups made for analysed messages (DKIM keys, SPF, DMARC).",
		     &stats.dns_queries);
	stats_family(out, "vigie_actions_total",
		     "What was done with analysed messages (tag: headers only).", "action",
		     stats_action_names, stats.actions, STATS_ACTION_COUNT);
	stats_family(out, "vigie_banners_total",
		     "Flagged messages whose policy calls for the warning banner: added, or the"
		     " body kept, by reason.", "result", stats_banner_names, stats.banners,
		     STATS_BANNER_COUNT);
	stats_render_time(out);
	stats_family(out, "vigie_errors_total", "Failures on the path of a message, by kind.",
		     "kind", stats_error_names, stats.errors, STATS_ERR_COUNT);
	stats_head(out, "vigie_reloads_total", "counter",
		   "SIGUSR1 reloads, by result (failed: the previous configuration kept).");
	vbuf_printf(out, "vigie_reloads_total{result=\"ok\"} %lu\n",
		    STATS_GET(stats.reloads_ok));
	vbuf_printf(out, "vigie_reloads_total{result=\"failed\"} %lu\n",
		    STATS_GET(stats.reloads_failed));
}
