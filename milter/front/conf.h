/*
 * conf - vigie.conf: OpenDKIM-style "Name value" lines, shared by the milter
 * and vigie-check --config.
 *
 * A struct conf is built whole, checked whole, then never changed: the
 * milter swaps in a new one on reload. Errors read "file:line: message",
 * one per line, all of them, so an admin fixes a file in one pass.
 */
#ifndef VIGIE_CONF_H
#define VIGIE_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "confvalue.h"
#include "message.h"
#include "vbuf.h"
#include "warning.h"

struct hostlist;
struct policy_table;

/* vigie's own directory for its socket and PID file (configure's --runstatedir) */
#define CONF_RUNDIR RUNSTATEDIR "/vigie"

#define CONF_FILE_MAX (1u << 20)	/* bytes of vigie.conf */
#define CONF_LINE_MAX 4096		/* bytes of one line */
#define CONF_REPLY_MAX 400		/* bytes of RejectReply */
#define CONF_TAG_MAX 64			/* bytes of SubjectTag */

/* Which verdicts get the warning banner in their text (Banner). */
enum conf_banner {
	CONF_BANNER_NONE,
	CONF_BANNER_IMPERSONATION,	/* impersonation only (the default) */
	CONF_BANNER_SUSPECT		/* suspect and impersonation */
};

/* vigie's own directory for bodies it rewrites (BannerSpool's default) */
#define CONF_SPOOLDIR LOCALSTATEDIR "/spool/vigie"

enum conf_action {
	CONF_ACTION_TAG,		/* headers only */
	CONF_ACTION_QUARANTINE,		/* headers, and hold the message */
	CONF_ACTION_REJECT		/* 550 5.7.1 RejectReply */
};

/*
 * What is done with a verdict. vigie.conf's own settings are the policy of
 * every message; a per-recipient-domain policy replaces them for its
 * domains.
 */
struct conf_policy {
	enum conf_action suspect_action;	/* SuspectAction */
	enum conf_action impersonation_action;	/* ImpersonationAction */
	char *subject_tag;			/* SubjectTag; NULL: off */
	enum conf_banner banner;		/* Banner */
};

struct conf {
	char *path;			/* file read; NULL: built-in defaults */
	char *basedir;			/* its directory, for relative paths */
	char *socket;			/* Socket */
	char *user;			/* UserID "user[:group]"; NULL: default */
	char *pidfile;			/* PidFile; NULL: default for the mode */
	unsigned umask;			/* UMask, applied to the socket */
	bool syslog;			/* Syslog */
	int syslog_facility;		/* SyslogFacility, a LOG_* value */
	char *log_file;			/* LogFile; NULL: none */
	char *authserv_id;		/* AuthservID; the host name by default */
	bool authserv_mta;		/* AuthservID unset: the MTA's name (j) when it gives one */
	char **trusted_authserv_ids;	/* TrustedAuthservIDs, NULL-terminated */
	struct hostlist *internal_hosts;	/* InternalHosts */
	struct hostlist *peer_list;	/* PeerList */
	bool skip_authenticated;	/* SkipAuthenticated */
	char *brands;			/* Brands; NULL: the built-in pack */
	char *brands_key;		/* BrandsKey: public key the pack must be signed with */
	char *nameservers;		/* Nameservers; NULL: resolv.conf */
	unsigned dns_timeout;		/* DNSTimeout, seconds */
	char *test_public_keys;		/* TestPublicKeys; NULL: DNS */
	char *test_dns;			/* TestDNS; NULL: DNS */
	enum message_dkim dkim_verify;	/* DKIMVerify */
	enum message_spf spf_verify;	/* SPFVerify */
	struct conf_policy policy;	/* SuspectAction, ImpersonationAction, SubjectTag */
	char *reject_reply;		/* RejectReply (UTF-8, %b = brand) */
	size_t max_body_scan;		/* MaxBodyScan, bytes */
	char *stats_socket;		/* StatsSocket; NULL: no metrics served */
	enum warning_lang banner_language;	/* BannerLanguage */
	struct warning_template *banner_template;	/* BannerTemplate; NULL: the built-in one */
	size_t banner_max_size;		/* BannerMaxSize: larger bodies keep their text */
	size_t banner_memory;		/* BannerMemory: body bytes held in memory, then spooled */
	char *banner_spool;		/* BannerSpool: where spooled bodies go */
	char *domain_policies_path;	/* DomainPolicies; NULL: vigie.conf's policy for all */
	struct policy_table *domain_policies;	/* read from it by conf_load */
};

/* conf_line_fn - one line (NUL-terminated, no newline); returns its number of errors */
typedef int conf_line_fn(void *ctx, char *line, unsigned lineno);

struct conf *conf_defaults(void);
int conf_lines(const char *text, size_t len, const char *origin, struct vbuf *errors,
	       conf_line_fn *fn, void *ctx);
int conf_parse(struct conf *c, const char *text, size_t len, const char *origin,
	       struct vbuf *errors);
struct conf *conf_load(const char *path, bool must_exist, struct vbuf *errors);
void conf_free(struct conf *c);
bool conf_set_socket(struct conf *c, const char *spec, struct vbuf *errors);
bool conf_action_parse(const char *v, enum conf_action *out, struct vbuf *why);
bool conf_banner_parse(const char *v, enum conf_banner *out, struct vbuf *why);
const char *conf_action_name(enum conf_action a);
const char *conf_banner_name(enum conf_banner b);
const struct warning_template *conf_template(const struct conf *c);
bool conf_may_banner(const struct conf *c);
const char *conf_dkim_name(enum message_dkim d);
const char *conf_spf_name(enum message_spf s);
const char *conf_facility_name(int facility);
void conf_message_opts(const struct conf *c, struct message_opts *opts);

#endif
