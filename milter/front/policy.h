/*
 * policy - DomainPolicies: what is done with a verdict, per recipient
 * domain (a shared relay serves members who each want their own actions),
 * and the one rule that decides for a message whose recipients fall under
 * different policies.
 *
 * The file, in the style of OpenDKIM's datasets: one entry a line, a key
 * then settings.
 *
 *     # key              settings (Name=value, comma-separated)
 *     *                  ImpersonationAction=quarantine
 *     cabinet-martin.fr  ImpersonationAction=reject, SubjectTag="[USURPATION ?]"
 *     labo.example       Banner=suspect
 *     .ordre.example     Analyse=no
 *
 * A key is a domain (that domain only), ".domain" (its subdomains and
 * itself) or "*" (every other recipient). A setting a line leaves out
 * keeps vigie.conf's value. A message's recipients are merged so that no
 * recipient loses mail another recipient's policy would keep: the weakest
 * action of all of them (reject only when every one rejects, quarantine
 * only when every one quarantines or rejects), the Subject tag of the first
 * recipient that has one, the warning banner if any recipient's policy
 * calls for it (the strongest Banner: the body is one for all), and
 * analysis skipped only when every recipient's policy says Analyse=no.
 */
#ifndef VIGIE_POLICY_H
#define VIGIE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "hmap.h"
#include "vbuf.h"

#define POLICY_FILE_MAX (4u << 20)	/* bytes of a DomainPolicies file */
#define POLICY_ENTRIES_MAX 100000	/* entries of one file */
#define POLICY_DOMAINS_MAX 16		/* distinct recipient domains a message keeps for its log line */
#define POLICY_DOMAIN_MAX 253		/* bytes of a domain (DNSNAME_MAX) */

struct policy_entry {
	char *key;			/* "example.org", ".example.org" or "*" */
	unsigned line;			/* where the file sets it */
	struct conf_policy policy;	/* vigie.conf's values for what the line leaves out */
	bool analyse;			/* Analyse */
};

struct policy_table {
	char *path;
	struct policy_entry *entry;
	size_t count;
	struct hmap index;		/* key -> entry */
	struct policy_entry base;	/* vigie.conf's own, when no "*" */
	bool any_banner;		/* some entry gives the warning banner */
};

/* one recipient domain of a message and the entry it fell under */
struct policy_rcpt {
	char domain[POLICY_DOMAIN_MAX + 1];	/* "" : no domain (or not a valid one) */
	const struct policy_entry *entry;
};

/* the policies of one message's recipients, merged as they come */
struct policy_merge {
	const struct policy_table *table;
	size_t rcpts;			/* recipients seen */
	struct policy_rcpt dom[POLICY_DOMAINS_MAX];	/* distinct domains, first ones */
	size_t ndom;
	size_t more;			/* recipients of domains past the list */
	const struct policy_entry *first;	/* the entry of the first recipient */
	bool mixed;			/* recipients under more than one entry */
	struct conf_policy applied;	/* the merge so far (tag borrowed from an entry) */
	bool analyse;
};

struct policy_table *policy_table_parse(const char *text, size_t len, const char *origin,
					const struct conf_policy *base, struct vbuf *errors);
struct policy_table *policy_table_load(const char *path, const struct conf_policy *base,
				       struct vbuf *errors);
void policy_table_free(struct policy_table *t);
const struct policy_entry *policy_lookup(const struct policy_table *t, const char *domain);
bool policy_rcpt_domain(const char *rcpt, char *out, size_t outlen);

void policy_merge_init(struct policy_merge *m, const struct policy_table *t);
void policy_merge_rcpt(struct policy_merge *m, const char *rcpt);
const struct conf_policy *policy_merge_result(struct policy_merge *m, bool *analyse);
void policy_merge_describe(const struct policy_merge *m, struct vbuf *out);

#endif
