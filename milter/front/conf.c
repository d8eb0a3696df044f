/*
 * conf - reading vigie.conf into a struct conf.
 *
 * Touches: reads the config file and the files its values name (datasets,
 * and checks that Brands, TestPublicKeys and TestDNS are readable); looks up the
 * host name for the default AuthservID. Never logs: every problem becomes
 * a "file:line: message" line in the caller's buffer, and a file with any
 * error gives no conf at all (the milter keeps the one it has).
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "confvalue.h"
#include "hostlist.h"
#include "lines.h"
#include "policy.h"
#include "xalloc.h"

#define CONF_DEFAULT_SOCKET "local:" CONF_RUNDIR "/vigie.sock"
/* UTF-8 here; reply.c folds it to ASCII for the wire */
#define CONF_DEFAULT_REPLY "Message refus\xc3\xa9 : usurpation probable de %b"

/* what a setter needs: the value, where it came from, where to say why */
struct conf_ctx {
	struct conf *c;
	const char *value;
	const char *origin;		/* file and line of the value */
	unsigned line;
	struct vbuf *errors;		/* for errors reported whole (datasets) */
	struct vbuf why;		/* what is wrong, for conf_line to report */
};

typedef bool (*conf_setter)(struct conf_ctx *x);

static const char *const conf_action_names[] = { "tag", "quarantine", "reject", NULL };
/* DKIMVerify and SPFVerify: enum message_dkim and enum message_spf list them alike */
static const char *const conf_verify_names[] = { "never", "brands", "always", NULL };
static const char *const conf_banner_names[] = { "none", "impersonation", "suspect", NULL };
static const char *const conf_lang_names[] = { "fr", "en", NULL };

/* conf_set_str - replace a string option */
static void conf_set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* conf_readable - a file option must name a file vigie can read now */
static bool conf_readable(struct conf_ctx *x, char **field)
{
	char *path = confvalue_path(x->value, x->c->basedir);

	if (access(path, R_OK) != 0) {
		vbuf_printf(&x->why, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return false;
	}
	free(*field);
	*field = path;
	return true;
}

static bool conf_socket(struct conf_ctx *x)
{
	if (!confvalue_socket(x->value, &x->why))
		return false;
	conf_set_str(&x->c->socket, x->value);
	return true;
}

static bool conf_user(struct conf_ctx *x)
{
	if (!confvalue_user(x->value, &x->why))
		return false;
	conf_set_str(&x->c->user, x->value);
	return true;
}

static bool conf_pidfile(struct conf_ctx *x)
{
	free(x->c->pidfile);
	x->c->pidfile = confvalue_path(x->value, x->c->basedir);
	return true;
}

static bool conf_umask(struct conf_ctx *x)
{
	return confvalue_octal(x->value, 0777, &x->c->umask, &x->why);
}

static bool conf_syslog(struct conf_ctx *x)
{
	return confvalue_bool(x->value, &x->c->syslog, &x->why);
}

static bool conf_facility(struct conf_ctx *x)
{
	return confvalue_facility(x->value, &x->c->syslog_facility, &x->why);
}

/* conf_logfile - a file vigie appends its log lines to, or "none" */
static bool conf_logfile(struct conf_ctx *x)
{
	free(x->c->log_file);
	x->c->log_file = NULL;
	if (strcasecmp(x->value, "none") == 0)
		return true;
	x->c->log_file = confvalue_path(x->value, x->c->basedir);
	return true;
}

/* conf_authserv - a name, or HOSTNAME; either way the MTA's own name is no longer used */
static bool conf_authserv(struct conf_ctx *x)
{
	if (!confvalue_token(x->value, &x->why))
		return false;
	if (strcmp(x->value, "HOSTNAME") != 0)
		conf_set_str(&x->c->authserv_id, x->value);
	x->c->authserv_mta = false;
	return true;
}

static bool conf_trusted(struct conf_ctx *x)
{
	char **list = confvalue_tokens(x->value, &x->why);

	if (list == NULL)
		return false;
	confvalue_strv_free(x->c->trusted_authserv_ids);
	x->c->trusted_authserv_ids = list;
	return true;
}

/* conf_hosts - a host list option: "none" empties it */
static bool conf_hosts(struct conf_ctx *x, const char *what, struct hostlist **field)
{
	struct hostlist *hl = hostlist_new();

	if (strcasecmp(x->value, "none") != 0 &&
	    hostlist_parse(hl, x->value, x->c->basedir, what, x->origin, x->line,
			   x->errors) > 0) {
		hostlist_free(hl);
		return false;
	}
	hostlist_free(*field);
	*field = hl;
	return true;
}

static bool conf_internal(struct conf_ctx *x)
{
	return conf_hosts(x, "InternalHosts", &x->c->internal_hosts);
}

static bool conf_peers(struct conf_ctx *x)
{
	return conf_hosts(x, "PeerList", &x->c->peer_list);
}

static bool conf_skipauth(struct conf_ctx *x)
{
	return confvalue_bool(x->value, &x->c->skip_authenticated, &x->why);
}

static bool conf_brands(struct conf_ctx *x)
{
	return conf_readable(x, &x->c->brands);
}

static bool conf_brandskey(struct conf_ctx *x)
{
	return conf_readable(x, &x->c->brands_key);
}

static bool conf_nameservers(struct conf_ctx *x)
{
	if (!confvalue_nameservers(x->value, &x->why))
		return false;
	conf_set_str(&x->c->nameservers, x->value);
	return true;
}

static bool conf_dnstimeout(struct conf_ctx *x)
{
	return confvalue_uint(x->value, 1, 60, &x->c->dns_timeout, &x->why);
}

static bool conf_testkeys(struct conf_ctx *x)
{
	return conf_readable(x, &x->c->test_public_keys);
}

static bool conf_testdns(struct conf_ctx *x)
{
	return conf_readable(x, &x->c->test_dns);
}

static bool conf_spf(struct conf_ctx *x)
{
	int i;

	if (!confvalue_keyword(x->value, conf_verify_names, &i, &x->why))
		return false;
	x->c->spf_verify = (enum message_spf)i;
	return true;
}

static bool conf_dkim(struct conf_ctx *x)
{
	int i;

	/* "never" is the library's own setting, not one the milter offers */
	if (!confvalue_keyword(x->value, conf_verify_names + 1, &i, &x->why))
		return false;
	x->c->dkim_verify = (enum message_dkim)(i + 1);
	return true;
}

/* conf_action_parse - one of tag, quarantine, reject (vigie.conf and DomainPolicies) */
bool conf_action_parse(const char *v, enum conf_action *out, struct vbuf *why)
{
	int i;

	if (!confvalue_keyword(v, conf_action_names, &i, why))
		return false;
	*out = (enum conf_action)i;
	return true;
}

static bool conf_suspect(struct conf_ctx *x)
{
	return conf_action_parse(x->value, &x->c->policy.suspect_action, &x->why);
}

static bool conf_impersonation(struct conf_ctx *x)
{
	return conf_action_parse(x->value, &x->c->policy.impersonation_action, &x->why);
}

static bool conf_reply(struct conf_ctx *x)
{
	if (!confvalue_reply(x->value, CONF_REPLY_MAX, &x->why))
		return false;
	conf_set_str(&x->c->reject_reply, x->value);
	return true;
}

static bool conf_tag(struct conf_ctx *x)
{
	/* UTF-8 welcome: edit.c encodes it for the header (RFC 2047) */
	if (!confvalue_text(x->value, CONF_TAG_MAX, &x->why))
		return false;
	conf_set_str(&x->c->policy.subject_tag, x->value);
	return true;
}

static bool conf_maxbody(struct conf_ctx *x)
{
	return confvalue_size(x->value, (size_t)64 << 20, &x->c->max_body_scan, &x->why);
}

/* conf_stats - where metrics are served, or "none" */
static bool conf_stats(struct conf_ctx *x)
{
	free(x->c->stats_socket);
	x->c->stats_socket = NULL;
	if (strcasecmp(x->value, "none") == 0)
		return true;
	if (!confvalue_socket(x->value, &x->why))
		return false;
	x->c->stats_socket = xstrdup(x->value);
	return true;
}

/* conf_banner_parse - which verdicts get the warning in their text (vigie.conf and DomainPolicies) */
bool conf_banner_parse(const char *v, enum conf_banner *out, struct vbuf *why)
{
	int i;

	if (!confvalue_keyword(v, conf_banner_names, &i, why))
		return false;
	*out = (enum conf_banner)i;
	return true;
}

static bool conf_banner(struct conf_ctx *x)
{
	return conf_banner_parse(x->value, &x->c->policy.banner, &x->why);
}

static bool conf_bannerlang(struct conf_ctx *x)
{
	int i;

	if (!confvalue_keyword(x->value, conf_lang_names, &i, &x->why))
		return false;
	x->c->banner_language = (enum warning_lang)i;
	return true;
}

/* conf_bannertpl - a template file, parsed now: its errors are the file's */
static bool conf_bannertpl(struct conf_ctx *x)
{
	char *path = confvalue_path(x->value, x->c->basedir);
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	struct warning_template *t = warning_template_load(path, &errors);

	free(path);
	if (t == NULL) {
		char *save = NULL;

		for (char *l = strtok_r(errors.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			confvalue_error(x->errors, x->origin, x->line, "BannerTemplate: %s", l);
		vbuf_free(&errors);
		return false;
	}
	vbuf_free(&errors);
	warning_template_free(x->c->banner_template);
	x->c->banner_template = t;
	return true;
}

static bool conf_bannermax(struct conf_ctx *x)
{
	return confvalue_size(x->value, (size_t)1 << 30, &x->c->banner_max_size, &x->why);
}

static bool conf_bannermem(struct conf_ctx *x)
{
	return confvalue_size(x->value, (size_t)64 << 20, &x->c->banner_memory, &x->why);
}

static bool conf_bannerspool(struct conf_ctx *x)
{
	free(x->c->banner_spool);
	x->c->banner_spool = confvalue_path(x->value, x->c->basedir);
	return true;
}

/* conf_policies - the DomainPolicies file, read once the whole of vigie.conf is */
static bool conf_policies(struct conf_ctx *x)
{
	return conf_readable(x, &x->c->domain_policies_path);
}

/* every option; the order is the order of vigie.conf(5) */
static const struct conf_option {
	const char *name;
	conf_setter set;
} conf_options[] = {
	{ "Socket", conf_socket },
	{ "UserID", conf_user },
	{ "PidFile", conf_pidfile },
	{ "UMask", conf_umask },
	{ "Syslog", conf_syslog },
	{ "SyslogFacility", conf_facility },
	{ "LogFile", conf_logfile },
	{ "AuthservID", conf_authserv },
	{ "TrustedAuthservIDs", conf_trusted },
	{ "InternalHosts", conf_internal },
	{ "PeerList", conf_peers },
	{ "SkipAuthenticated", conf_skipauth },
	{ "Brands", conf_brands },
	{ "BrandsKey", conf_brandskey },
	{ "Nameservers", conf_nameservers },
	{ "DNSTimeout", conf_dnstimeout },
	{ "TestPublicKeys", conf_testkeys },
	{ "TestDNS", conf_testdns },
	{ "DKIMVerify", conf_dkim },
	{ "SPFVerify", conf_spf },
	{ "SuspectAction", conf_suspect },
	{ "ImpersonationAction", conf_impersonation },
	{ "RejectReply", conf_reply },
	{ "SubjectTag", conf_tag },
	{ "DomainPolicies", conf_policies },
	{ "MaxBodyScan", conf_maxbody },
	{ "StatsSocket", conf_stats },
	{ "Banner", conf_banner },
	{ "BannerLanguage", conf_bannerlang },
	{ "BannerTemplate", conf_bannertpl },
	{ "BannerMaxSize", conf_bannermax },
	{ "BannerMemory", conf_bannermem },
	{ "BannerSpool", conf_bannerspool },
};

#define CONF_OPTION_COUNT (sizeof(conf_options) / sizeof(conf_options[0]))

/* conf_hostname - the host name, for the default AuthservID */
static char *conf_hostname(void)
{
	char name[256];
	struct vbuf why = VBUF_INIT(512);
	bool ok;

	if (gethostname(name, sizeof(name)) != 0)
		return xstrdup("localhost");
	name[sizeof(name) - 1] = '\0';
	ok = confvalue_token(name, &why);
	vbuf_free(&why);
	return xstrdup(ok ? name : "localhost");
}

/* conf_defaults - the built-in configuration, what vigie runs with no file */
struct conf *conf_defaults(void)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	struct vbuf ignored = VBUF_INIT(256);

	c->socket = xstrdup(CONF_DEFAULT_SOCKET);
	c->umask = 0;
	c->syslog = true;
	c->syslog_facility = LOG_MAIL;
	c->authserv_id = conf_hostname();
	c->authserv_mta = true;
	c->trusted_authserv_ids = xcalloc(1, sizeof(char *));
	c->internal_hosts = hostlist_new();
	hostlist_add(c->internal_hosts, "127.0.0.1", &ignored);
	hostlist_add(c->internal_hosts, "::1", &ignored);
	vbuf_free(&ignored);
	c->peer_list = hostlist_new();
	c->skip_authenticated = true;
	c->dns_timeout = 5;
	c->dkim_verify = MESSAGE_DKIM_BRANDS;
	c->spf_verify = MESSAGE_SPF_BRANDS;
	c->policy.suspect_action = CONF_ACTION_TAG;
	c->policy.impersonation_action = CONF_ACTION_TAG;
	c->reject_reply = xstrdup(CONF_DEFAULT_REPLY);
	c->max_body_scan = 256 * 1024;
	c->policy.banner = CONF_BANNER_IMPERSONATION;
	c->banner_language = WARNING_FR;
	c->banner_max_size = (size_t)32 << 20;
	c->banner_memory = (size_t)256 << 10;
	c->banner_spool = xstrdup(CONF_SPOOLDIR);
	return c;
}

/* conf_find - the option of a name, any case */
static int conf_find(const char *name, size_t len)
{
	for (size_t i = 0; i < CONF_OPTION_COUNT; i++)
		if (strlen(conf_options[i].name) == len &&
		    strncasecmp(conf_options[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* conf_line - one line: blank, comment, or "Name value"; returns 1 on error */
static int conf_line(struct conf *c, char *s, const char *origin, unsigned line,
		     unsigned *seen, struct vbuf *errors)
{
	struct conf_ctx x = { c, NULL, origin, line, errors, VBUF_INIT(1024) };
	size_t nlen;
	char *end;
	int i, bad = 0;

	s += strspn(s, " \t");
	/* a comment starts a line or follows a blank */
	for (char *h = strchr(s, '#'); h != NULL; h = strchr(h + 1, '#'))
		if (h == s || h[-1] == ' ' || h[-1] == '\t') {
			*h = '\0';
			break;
		}
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	if (*s == '\0')
		return 0;
	nlen = strcspn(s, " \t");
	if ((i = conf_find(s, nlen)) < 0) {
		s[nlen] = '\0';
		confvalue_error(errors, origin, line, "unknown option '%.64s'", s);
		return 1;
	}
	x.value = s + nlen + strspn(s + nlen, " \t");
	if (*x.value == '\0') {
		confvalue_error(errors, origin, line, "%s needs a value", conf_options[i].name);
		bad = 1;
	} else if (seen[i] != 0) {
		confvalue_error(errors, origin, line, "%s is already set on line %u",
				conf_options[i].name, seen[i]);
		bad = 1;
	} else if (!conf_options[i].set(&x)) {
		/* an empty why: the setter reported its errors itself */
		if (x.why.len > 0)
			confvalue_error(errors, origin, line, "%s: %s", conf_options[i].name,
					vbuf_str(&x.why));
		bad = 1;
	}
	seen[i] = line;
	vbuf_free(&x.why);
	return bad;
}

/*
 * conf_lines - each line of a file in vigie.conf's syntax (a UTF-8 byte
 * order mark skipped) given to fn as a NUL-terminated string; a line over
 * CONF_LINE_MAX or holding a NUL is an error of its own. Returns the number
 * of errors, fn's included.
 */
int conf_lines(const char *text, size_t len, const char *origin, struct vbuf *errors,
	       conf_line_fn *fn, void *ctx)
{
	char buf[CONF_LINE_MAX + 1];
	struct lines it;
	const char *s;
	size_t n;
	int bad = 0;

	lines_init(&it, text, len, true);
	while (lines_next(&it, &s, &n)) {
		if (n > CONF_LINE_MAX) {
			confvalue_error(errors, origin, it.no, "line longer than %d bytes", CONF_LINE_MAX);
			bad++;
		} else if (memchr(s, '\0', n) != NULL) {
			confvalue_error(errors, origin, it.no, "NUL byte in line");
			bad++;
		} else {
			memcpy(buf, s, n);
			buf[n] = '\0';
			bad += fn(ctx, buf, it.no);
		}
	}
	return bad;
}

/* What conf_parse_line needs besides the line. */
struct conf_parsing {
	struct conf *c;
	const char *origin;
	struct vbuf *errors;
	unsigned seen[CONF_OPTION_COUNT];	/* line of each option, 0: not yet */
};

/* conf_parse_line - conf_lines' callback for vigie.conf */
static int conf_parse_line(void *ctx, char *line, unsigned lineno)
{
	struct conf_parsing *p = ctx;

	return conf_line(p->c, line, p->origin, lineno, p->seen, p->errors);
}

/*
 * conf_parse - apply the lines of text to c; returns the number of errors,
 * each appended to errors as "origin:line: message".
 */
int conf_parse(struct conf *c, const char *text, size_t len, const char *origin,
	       struct vbuf *errors)
{
	struct conf_parsing p = { c, origin, errors, { 0 } };

	return conf_lines(text, len, origin, errors, conf_parse_line, &p);
}

/* conf_read - the whole file, capped; NULL with errno set on failure */
static char *conf_read(const char *path, size_t *lenp, bool *toolong)
{
	struct vbuf b = VBUF_INIT(CONF_FILE_MAX);
	enum vbuf_read st = vbuf_read_file(&b, path);

	*toolong = st == VBUF_READ_BIG;
	if (st != VBUF_READ_OK) {
		vbuf_free(&b);
		if (st != VBUF_READ_OPEN)
			errno = st == VBUF_READ_BIG ? EFBIG : EIO;
		return NULL;
	}
	*lenp = b.len;
	return b.data ? b.data : xstrdup("");
}

/*
 * conf_dirname - the absolute directory of a path: relative paths in the
 * file are taken from there, also after the daemon has done chdir("/").
 */
static char *conf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct vbuf b = VBUF_INIT(8192);
	char cwd[4096];

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		vbuf_printf(&b, "%s/", cwd);
	if (slash == NULL)
		vbuf_adds(&b, ".");
	else if (slash == path)
		vbuf_adds(&b, "/");
	else
		vbuf_add(&b, path, (size_t)(slash - path));
	return b.data;
}

/*
 * conf_load - the configuration in path over the built-in defaults. A missing
 * file gives the defaults unless must_exist. NULL if anything is wrong.
 */
struct conf *conf_load(const char *path, bool must_exist, struct vbuf *errors)
{
	struct conf *c = conf_defaults();
	size_t len = 0;
	bool toolong;
	char *text = conf_read(path, &len, &toolong);
	int bad;

	if (text == NULL) {
		if (errno == ENOENT && !must_exist)
			return c;
		vbuf_printf(errors, "%s: %s\n", path,
			    toolong ? "larger than 1 MiB" : strerror(errno));
		conf_free(c);
		return NULL;
	}
	c->path = xstrdup(path);
	c->basedir = conf_dirname(path);
	bad = conf_parse(c, text, len, path, errors);
	free(text);
	/* its entries start from vigie.conf's own actions, wherever they are set */
	if (bad == 0 && c->domain_policies_path != NULL &&
	    (c->domain_policies = policy_table_load(c->domain_policies_path, &c->policy,
						    errors)) == NULL)
		bad = 1;
	if (bad > 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* conf_set_socket - the -p override, checked like the option */
bool conf_set_socket(struct conf *c, const char *spec, struct vbuf *errors)
{
	struct vbuf why = VBUF_INIT(512);
	bool ok = confvalue_socket(spec, &why);

	if (ok)
		conf_set_str(&c->socket, spec);
	else
		vbuf_printf(errors, "-p: %s\n", vbuf_str(&why));
	vbuf_free(&why);
	return ok;
}

/* conf_free - release a configuration; NULL is fine */
void conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->basedir);
	free(c->socket);
	free(c->user);
	free(c->pidfile);
	free(c->authserv_id);
	free(c->log_file);
	confvalue_strv_free(c->trusted_authserv_ids);
	hostlist_free(c->internal_hosts);
	hostlist_free(c->peer_list);
	free(c->brands);
	free(c->brands_key);
	free(c->nameservers);
	free(c->test_public_keys);
	free(c->test_dns);
	free(c->reject_reply);
	free(c->policy.subject_tag);
	free(c->stats_socket);
	warning_template_free(c->banner_template);
	free(c->banner_spool);
	free(c->domain_policies_path);
	policy_table_free(c->domain_policies);
	free(c);
}

/* conf_action_name - "tag", "quarantine" or "reject" */
const char *conf_action_name(enum conf_action a)
{
	return (unsigned)a <= CONF_ACTION_REJECT ? conf_action_names[a] : "?";
}

/* conf_banner_name - "none", "impersonation" or "suspect" */
const char *conf_banner_name(enum conf_banner b)
{
	return (unsigned)b <= CONF_BANNER_SUSPECT ? conf_banner_names[b] : "?";
}

/* conf_template - the banner's template: BannerTemplate's, or the built-in one of BannerLanguage */
const struct warning_template *conf_template(const struct conf *c)
{
	return c->banner_template ? c->banner_template : warning_builtin(c->banner_language);
}

/*
 * conf_may_banner - whether some message may get the warning banner under
 * this configuration (then the milter asks to change bodies, and keeps them)
 */
bool conf_may_banner(const struct conf *c)
{
	return c->policy.banner != CONF_BANNER_NONE ||
	       (c->domain_policies != NULL && c->domain_policies->any_banner);
}

/* conf_dkim_name - "never", "brands" or "always" */
const char *conf_dkim_name(enum message_dkim d)
{
	return (unsigned)d <= MESSAGE_DKIM_ALWAYS ? conf_verify_names[d] : "?";
}

/* conf_spf_name - "never", "brands" or "always" */
const char *conf_spf_name(enum message_spf s)
{
	return (unsigned)s <= MESSAGE_SPF_ALWAYS ? conf_verify_names[s] : "?";
}

/* conf_message_opts - what the message analysis takes from the configuration */
void conf_message_opts(const struct conf *c, struct message_opts *opts)
{
	opts->max_body_scan = c->max_body_scan;
	opts->dkim = c->dkim_verify;
	opts->authserv_id = c->authserv_id;
	opts->spf = c->spf_verify;
}
