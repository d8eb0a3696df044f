/*
 * policy - reading DomainPolicies, finding a recipient's entry, and merging
 * the entries of one message's recipients (the rule is in policy.h).
 *
 * Touches: the DomainPolicies file (read whole, capped at POLICY_FILE_MAX)
 * and the heap. Never logs: errors are "file:line: message" lines in the
 * caller's buffer, all of them, and a file with any error gives no table
 * (the daemon keeps the configuration it has). Recipient addresses come
 * from the network: each is cut to POLICY_DOMAIN_MAX, checked as a DNS
 * name, and one that is not a valid domain falls under the default entry.
 * A message keeps at most POLICY_DOMAINS_MAX distinct domains for its log
 * line, whatever its number of recipients; the merge itself needs no
 * memory per recipient.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "confvalue.h"
#include "dnsname.h"
#include "policy.h"
#include "xalloc.h"

/* policy_copy - a policy whose strings are its own */
static void policy_copy(struct conf_policy *dst, const struct conf_policy *src)
{
	*dst = *src;
	dst->subject_tag = src->subject_tag ? xstrdup(src->subject_tag) : NULL;
}

/* policy_key_ok - "*", "domain" or ".domain", in lower case ASCII */
static bool policy_key_ok(const char *key)
{
	if (strcmp(key, "*") == 0)
		return true;
	if (key[0] == '.')
		key++;
	for (const char *p = key; *p; p++)
		if (isupper((unsigned char)*p))
			return false;
	return dnsname_ok(key, strlen(key));
}

/* policy_setting - one Name=value of a line into e; false with why */
static bool policy_setting(struct policy_entry *e, const char *name, const char *value,
			   struct vbuf *why)
{
	if (strcasecmp(name, "SuspectAction") == 0)
		return conf_action_parse(value, &e->policy.suspect_action, why);
	if (strcasecmp(name, "ImpersonationAction") == 0)
		return conf_action_parse(value, &e->policy.impersonation_action, why);
	if (strcasecmp(name, "SubjectTag") == 0) {
		free(e->policy.subject_tag);
		e->policy.subject_tag = NULL;
		if (strcasecmp(value, "none") == 0)
			return true;
		if (!confvalue_text(value, CONF_TAG_MAX, why))
			return false;
		e->policy.subject_tag = xstrdup(value);
		return true;
	}
	if (strcasecmp(name, "Banner") == 0)
		return conf_banner_parse(value, &e->policy.banner, why);
	if (strcasecmp(name, "Analyse") == 0)
		return confvalue_bool(value, &e->analyse, why);
	vbuf_printf(why, "unknown setting '%.64s' (SuspectAction, ImpersonationAction,"
		    " SubjectTag, Banner, Analyse)", name);
	return false;
}

/*
 * policy_next - the next "Name=value" of s (advanced past it and its
 * comma); the value may be in double quotes to hold commas or blanks.
 * NULL at the end; false in *bad for a malformed one.
 */
static char *policy_next(char **s, char **value, bool *bad)
{
	char *p = *s + strspn(*s, " \t"), *name, *end;

	*bad = false;
	if (*p == '\0')
		return NULL;
	name = p;
	p += strcspn(p, "=,");
	if (*p != '=') {
		*bad = true;
		return NULL;
	}
	end = p;
	while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	p++;
	p += strspn(p, " \t");
	if (*p == '"') {
		*value = ++p;
		if ((p = strchr(p, '"')) == NULL) {
			*bad = true;
			return NULL;
		}
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p != '\0' && *p != ',') {
			*bad = true;
			return NULL;
		}
	} else {
		*value = p;
		p += strcspn(p, ",");
		end = p;
		while (end > *value && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (*p == ',')
			*p++ = '\0';
		*end = '\0';
	}
	if (*p == ',')
		p++;
	*s = p;
	if (*name == '\0' || **value == '\0')
		*bad = true;
	return *bad ? NULL : name;
}

/* policy_line - one line: blank, comment, or "key settings"; false on error */
static bool policy_line(struct policy_table *t, char *s, const char *origin, unsigned line,
			struct vbuf *errors)
{
	struct policy_entry e = { 0 };
	struct vbuf why = VBUF_INIT(1024);
	char *key, *rest, *name, *value;
	size_t found;
	bool bad, ok = true;

	s += strspn(s, " \t");
	if (*s == '#' || *s == '\0' || *s == '\r')
		return true;
	s[strcspn(s, "\r")] = '\0';
	key = s;
	rest = s + strcspn(s, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	if (!policy_key_ok(key)) {
		confvalue_error(errors, origin, line, "'%.64s' is not a domain, .domain or *"
				" (lower case, A-labels for international names)", key);
		return false;
	}
	if (hmap_get(&t->index, key, strlen(key), &found)) {
		confvalue_error(errors, origin, line, "%s is already set on line %u", key,
				t->entry[found].line);
		return false;
	}
	policy_copy(&e.policy, &t->base.policy);
	e.analyse = true;
	e.line = line;
	while ((name = policy_next(&rest, &value, &bad)) != NULL) {
		vbuf_reset(&why);
		if (!policy_setting(&e, name, value, &why)) {
			confvalue_error(errors, origin, line, "%s: %s", name, vbuf_str(&why));
			ok = false;
		}
	}
	vbuf_free(&why);
	if (bad) {
		confvalue_error(errors, origin, line, "settings are Name=value, comma-separated"
				" (quote a value that holds a comma)");
		ok = false;
	}
	if (ok && t->count >= POLICY_ENTRIES_MAX) {
		confvalue_error(errors, origin, line, "more than %d entries", POLICY_ENTRIES_MAX);
		ok = false;
	}
	if (!ok) {
		free(e.policy.subject_tag);
		return false;
	}
	e.key = xstrdup(key);
	t->entry = xreallocarray(t->entry, t->count + 1, sizeof(*t->entry));
	t->entry[t->count] = e;
	t->any_banner |= e.policy.banner != CONF_BANNER_NONE;
	/* the key string stays put when the array moves: the index may point to it */
	hmap_put(&t->index, t->entry[t->count].key, strlen(key), t->count);
	t->count++;
	return true;
}

/* What policy_parse_line needs besides the line. */
struct policy_parsing {
	struct policy_table *t;
	const char *origin;
	struct vbuf *errors;
};

/* policy_parse_line - conf_lines' callback for a DomainPolicies file */
static int policy_parse_line(void *ctx, char *line, unsigned lineno)
{
	struct policy_parsing *p = ctx;

	return !policy_line(p->t, line, p->origin, lineno, p->errors);
}

/*
 * policy_table_parse - the entries of text over base (vigie.conf's own
 * policy); NULL with every error in errors ("origin:line: message")
 */
struct policy_table *policy_table_parse(const char *text, size_t len, const char *origin,
					const struct conf_policy *base, struct vbuf *errors)
{
	struct policy_table *t = xcalloc(1, sizeof(*t));
	struct policy_parsing p = { t, origin, errors };

	t->path = xstrdup(origin);
	t->base.key = xstrdup("*");
	policy_copy(&t->base.policy, base);
	t->base.analyse = true;
	if (conf_lines(text, len, origin, errors, policy_parse_line, &p) > 0) {
		policy_table_free(t);
		return NULL;
	}
	return t;
}

/* policy_table_load - the DomainPolicies file at path; NULL with errors */
struct policy_table *policy_table_load(const char *path, const struct conf_policy *base,
				       struct vbuf *errors)
{
	struct vbuf text = VBUF_INIT(POLICY_FILE_MAX);
	enum vbuf_read st = vbuf_read_file(&text, path);
	struct policy_table *t = NULL;

	if (st == VBUF_READ_OK)
		t = policy_table_parse(text.data ? text.data : "", text.len, path, base, errors);
	else
		vbuf_printf(errors, "%s: %s\n", path,
			    st == VBUF_READ_BIG ? "larger than 4 MiB" : strerror(errno));
	vbuf_free(&text);
	return t;
}

/* policy_table_free - release a table; NULL is fine */
void policy_table_free(struct policy_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->count; i++) {
		free(t->entry[i].key);
		free(t->entry[i].policy.subject_tag);
	}
	free(t->entry);
	hmap_free(&t->index);
	free(t->base.key);
	free(t->base.policy.subject_tag);
	free(t->path);
	free(t);
}

/* policy_find - the entry of an exact key, or NULL */
static const struct policy_entry *policy_find(const struct policy_table *t, const char *key,
					      size_t len)
{
	size_t i;

	return hmap_get(&t->index, key, len, &i) ? &t->entry[i] : NULL;
}

/*
 * policy_lookup - the entry for a recipient domain (lower case; "" for
 * none): the domain itself, then ".parent" for each parent, then "*",
 * then vigie.conf's own policy
 */
const struct policy_entry *policy_lookup(const struct policy_table *t, const char *domain)
{
	const struct policy_entry *e;
	size_t len = strlen(domain);
	char dotted[POLICY_DOMAIN_MAX + 2];

	if (len > 0 && len <= POLICY_DOMAIN_MAX) {
		if ((e = policy_find(t, domain, len)) != NULL)
			return e;
		dotted[0] = '.';
		memcpy(dotted + 1, domain, len + 1);
		for (const char *p = dotted; p != NULL; p = strchr(p + 1, '.')) {
			if ((e = policy_find(t, p, strlen(p))) != NULL)
				return e;
		}
	}
	if ((e = policy_find(t, "*", 1)) != NULL)
		return e;
	return &t->base;
}

/*
 * policy_rcpt_domain - the domain of an RCPT TO argument ("<user@Example.ORG>"),
 * lower case, no trailing dot; false (out "") when it has none or it is
 * not a valid domain name (an address literal, UTF-8, garbage)
 */
bool policy_rcpt_domain(const char *rcpt, char *out, size_t outlen)
{
	const char *at, *end;
	size_t n;

	if (outlen > 0)
		out[0] = '\0';
	if (rcpt == NULL || outlen == 0 || (at = strrchr(rcpt, '@')) == NULL)
		return false;
	at++;
	end = at + strcspn(at, ">");
	while (end > at && end[-1] == '.')
		end--;
	n = (size_t)(end - at);
	if (n == 0 || n >= outlen || n > POLICY_DOMAIN_MAX || !dnsname_ok(at, n))
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)at[i]);
	out[n] = '\0';
	return true;
}

/* policy_merge_init - a message with no recipient yet, under table t */
void policy_merge_init(struct policy_merge *m, const struct policy_table *t)
{
	memset(m, 0, sizeof(*m));
	m->table = t;
}

/* policy_weaker - the action that loses mail for fewer people */
static enum conf_action policy_weaker(enum conf_action a, enum conf_action b)
{
	return a < b ? a : b;
}

/* policy_merge_rcpt - one more recipient (an RCPT TO argument, untrusted) */
void policy_merge_rcpt(struct policy_merge *m, const char *rcpt)
{
	char domain[POLICY_DOMAIN_MAX + 1];
	const struct policy_entry *e;
	size_t i;

	policy_rcpt_domain(rcpt, domain, sizeof(domain));
	e = policy_lookup(m->table, domain);
	if (m->rcpts++ == 0) {
		m->first = e;
		m->applied = e->policy;
		m->analyse = e->analyse;
	} else {
		if (e != m->first)
			m->mixed = true;
		m->applied.suspect_action = policy_weaker(m->applied.suspect_action,
							  e->policy.suspect_action);
		m->applied.impersonation_action = policy_weaker(m->applied.impersonation_action,
								e->policy.impersonation_action);
		if (m->applied.subject_tag == NULL)
			m->applied.subject_tag = e->policy.subject_tag;
		/* one body for all: warned if any recipient's policy warns */
		if (e->policy.banner > m->applied.banner)
			m->applied.banner = e->policy.banner;
		m->analyse = m->analyse || e->analyse;
	}
	for (i = 0; i < m->ndom; i++)
		if (strcmp(m->dom[i].domain, domain) == 0)
			return;
	if (m->ndom < POLICY_DOMAINS_MAX) {
		memcpy(m->dom[m->ndom].domain, domain, strlen(domain) + 1);
		m->dom[m->ndom++].entry = e;
	} else {
		m->more++;
	}
}

/*
 * policy_merge_result - the policy to apply; with no recipient (vigie-check
 * without --rcpt), the default entry's. analyse: whether to analyse at all.
 * The strings belong to the table.
 */
const struct conf_policy *policy_merge_result(struct policy_merge *m, bool *analyse)
{
	if (m->rcpts == 0) {
		const struct policy_entry *e = policy_lookup(m->table, "");

		m->applied = e->policy;
		m->analyse = e->analyse;
		m->first = e;
	}
	*analyse = m->analyse;
	return &m->applied;
}

/* policy_merge_describe - "a.fr:a.fr,b.fr:* -> suspect=tag impersonation=tag tag=yes" for the log */
void policy_merge_describe(const struct policy_merge *m, struct vbuf *out)
{
	for (size_t i = 0; i < m->ndom; i++)
		vbuf_printf(out, "%s%s:%s", i ? "," : "", m->dom[i].domain[0] ? m->dom[i].domain : "-",
			    m->dom[i].entry == &m->table->base ? "vigie.conf" : m->dom[i].entry->key);
	if (m->ndom == 0)
		vbuf_adds(out, "-");
	if (m->more > 0)
		vbuf_printf(out, ",+%zu", m->more);
	vbuf_printf(out, " -> suspect=%s impersonation=%s subject-tag=%s banner=%s analyse=%s",
		    conf_action_name(m->applied.suspect_action),
		    conf_action_name(m->applied.impersonation_action),
		    m->applied.subject_tag ? "yes" : "no", conf_banner_name(m->applied.banner),
		    m->analyse ? "yes" : "no");
}
