/*
 * confvalue - parsers of vigie.conf values.
 *
 * Touches: the user and group databases (UserID must name accounts that
 * exist); nothing else. Every parser is strict: trailing garbage, signs,
 * overflow and empty values are errors, never silently truncated.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "confvalue.h"
#include "dnsname.h"
#include "utf8.h"
#include "xalloc.h"

/* confvalue_bool - booleans by first letter, as OpenDKIM reads them */
bool confvalue_bool(const char *v, bool *out, struct vbuf *why)
{
	if (strchr("TtYy1", v[0]) != NULL)
		*out = true;
	else if (strchr("FfNn0", v[0]) != NULL)
		*out = false;
	else {
		vbuf_printf(why, "'%s' is not a boolean (yes/no, true/false, 1/0)", v);
		return false;
	}
	return true;
}

/* confvalue_digits - a decimal or octal number with no sign and no overflow */
static bool confvalue_digits(const char *v, unsigned base, uintmax_t max,
			     uintmax_t *out, const char **end)
{
	uintmax_t n = 0;
	const char *p = v;

	for (; *p >= '0' && *p < (char)('0' + base); p++) {
		n = n * base + (uintmax_t)(*p - '0');
		if (n > max)
			return false;
	}
	*out = n;
	*end = p;
	return p != v;
}

/* confvalue_uint - a decimal integer within min..max */
bool confvalue_uint(const char *v, unsigned min, unsigned max, unsigned *out,
		    struct vbuf *why)
{
	uintmax_t n;
	const char *end;

	if (!confvalue_digits(v, 10, max, &n, &end) || *end != '\0' || n < min) {
		vbuf_printf(why, "'%s' is not a whole number from %u to %u", v, min, max);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

/* confvalue_octal - an octal permission mask such as 007 */
bool confvalue_octal(const char *v, unsigned max, unsigned *out, struct vbuf *why)
{
	uintmax_t n;
	const char *end;

	if (!confvalue_digits(v, 8, max, &n, &end) || *end != '\0') {
		vbuf_printf(why, "'%s' is not an octal mask from 000 to %03o", v, max);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

/* confvalue_size - bytes, with an optional k or m suffix (1024-based) */
bool confvalue_size(const char *v, size_t max, size_t *out, struct vbuf *why)
{
	uintmax_t n, mult = 1;
	const char *end;

	if (confvalue_digits(v, 10, max, &n, &end)) {
		if (*end == 'k' || *end == 'K')
			mult = 1024, end++;
		else if (*end == 'm' || *end == 'M')
			mult = 1024 * 1024, end++;
		if (*end == '\0' && n <= max / mult) {
			*out = (size_t)(n * mult);
			return true;
		}
	}
	vbuf_printf(why, "'%s' is not a size from 0 to %zu bytes (suffix k or m allowed)",
		    v, max);
	return false;
}

/* confvalue_keyword - one of a NULL-terminated list of words, any case */
bool confvalue_keyword(const char *v, const char *const *names, int *out,
		       struct vbuf *why)
{
	for (int i = 0; names[i] != NULL; i++) {
		if (strcasecmp(v, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	vbuf_printf(why, "'%s' is not one of:", v);
	for (int i = 0; names[i] != NULL; i++)
		vbuf_printf(why, " %s", names[i]);
	return false;
}

static const struct {
	const char *name;
	int value;
} confvalue_facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* confvalue_facility - a syslog facility name, with or without "log_" */
bool confvalue_facility(const char *v, int *out, struct vbuf *why)
{
	const char *name = strncasecmp(v, "log_", 4) == 0 ? v + 4 : v;

	for (size_t i = 0; i < sizeof(confvalue_facilities) / sizeof(confvalue_facilities[0]); i++) {
		if (strcasecmp(name, confvalue_facilities[i].name) == 0) {
			*out = confvalue_facilities[i].value;
			return true;
		}
	}
	vbuf_printf(why, "'%s' is not a syslog facility (mail, daemon, user, local0..local7)", v);
	return false;
}

/* confvalue_port - a TCP port number, 1..65535 */
static bool confvalue_port(const char *s, size_t len)
{
	unsigned n = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		n = n * 10 + (unsigned)(s[i] - '0');
	}
	return n >= 1 && n <= 65535;
}

/* confvalue_hostname - letters, digits, dots and hyphens, as libmilter resolves */
static bool confvalue_hostname(const char *s)
{
	if (*s == '\0' || strlen(s) > DNSNAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-')
			return false;
	return true;
}

/* confvalue_socket - local:/path, unix:/path, inet:port[@host], inet6:port[@host] */
bool confvalue_socket(const char *v, struct vbuf *why)
{
	const char *path = NULL, *port = NULL;
	int family = 0;

	if (strncmp(v, "local:", 6) == 0 || strncmp(v, "unix:", 5) == 0)
		path = strchr(v, ':') + 1;
	else if (v[0] == '/')
		path = v;
	else if (strncmp(v, "inet:", 5) == 0)
		port = v + 5, family = AF_INET;
	else if (strncmp(v, "inet6:", 6) == 0)
		port = v + 6, family = AF_INET6;
	if (path != NULL) {
		if (path[0] != '/') {
			vbuf_printf(why, "'%s': the socket path must be absolute", v);
			return false;
		}
		if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			vbuf_printf(why, "'%s': socket path longer than %zu bytes", v,
				    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
			return false;
		}
		return true;
	}
	if (port != NULL) {
		const char *at = strchr(port, '@');
		size_t plen = at ? (size_t)(at - port) : strlen(port);
		unsigned char probe[16];

		if (!confvalue_port(port, plen)) {
			vbuf_printf(why, "'%s': bad port (write inet:PORT@HOST, PORT 1..65535)", v);
			return false;
		}
		if (at == NULL || inet_pton(family, at + 1, probe) == 1 ||
		    (family == AF_INET && confvalue_hostname(at + 1)))
			return true;
		vbuf_printf(why, "'%s': bad host after '@' (an %s address%s)", v,
			    family == AF_INET ? "IPv4" : "IPv6",
			    family == AF_INET ? " or host name" : "");
		return false;
	}
	vbuf_printf(why, "'%s' is not a socket (local:/path, inet:port@host, inet6:port@host)", v);
	return false;
}

/* confvalue_user - "user" or "user:group", both existing accounts */
bool confvalue_user(const char *v, struct vbuf *why)
{
	char name[256];
	const char *colon = strchr(v, ':');
	size_t len = colon ? (size_t)(colon - v) : strlen(v);
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[16384];

	if (len == 0 || len >= sizeof(name) || (colon && colon[1] == '\0')) {
		vbuf_printf(why, "'%s' is not user or user:group", v);
		return false;
	}
	memcpy(name, v, len);
	name[len] = '\0';
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL) {
		vbuf_printf(why, "unknown user '%s'", name);
		return false;
	}
	if (colon && (getgrnam_r(colon + 1, &gr, buf, sizeof(buf), &grp) != 0 || grp == NULL)) {
		vbuf_printf(why, "unknown group '%s'", colon + 1);
		return false;
	}
	return true;
}

/* confvalue_tchar - an RFC 2045 token character (authserv-id) */
static bool confvalue_tchar(unsigned char c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* confvalue_token - one token, as an authserv-id must be written unquoted */
bool confvalue_token(const char *v, struct vbuf *why)
{
	size_t n = 0;

	for (; v[n]; n++) {
		if (!confvalue_tchar((unsigned char)v[n]) || n >= 255) {
			vbuf_printf(why, "'%s' is not a single token of printable ASCII"
				    " without ()<>@,;:\\\"/[]?= (at most 255 bytes)", v);
			return false;
		}
	}
	return n > 0;
}

/* confvalue_tokens - a comma- or blank-separated list of tokens */
char **confvalue_tokens(const char *v, struct vbuf *why)
{
	char *copy = xstrdup(v), *save = NULL;
	char **list = xcalloc(1, sizeof(char *));
	size_t n = 0;

	for (char *t = strtok_r(copy, ", \t", &save); t != NULL;
	     t = strtok_r(NULL, ", \t", &save)) {
		if (!confvalue_token(t, why) || n >= 1000) {
			if (n >= 1000)
				vbuf_printf(why, "more than 1000 names");
			confvalue_strv_free(list);
			free(copy);
			return NULL;
		}
		list = xreallocarray(list, n + 2, sizeof(char *));
		list[n++] = xstrdup(t);
		list[n] = NULL;
	}
	free(copy);
	return list;
}

/* confvalue_nameserver - addr, addr:port, [v6addr] or [v6addr]:port */
static bool confvalue_nameserver(const char *s)
{
	char host[INET6_ADDRSTRLEN + 1];
	unsigned char probe[16];
	const char *port = NULL;
	size_t len;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return false;
		len = (size_t)(close - s - 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return false;
		s++;
		if (len >= sizeof(host))
			return false;
		memcpy(host, s, len);
		host[len] = '\0';
		return inet_pton(AF_INET6, host, probe) == 1 &&
		       (port == NULL || confvalue_port(port, strlen(port)));
	}
	if (inet_pton(AF_INET6, s, probe) == 1)
		return true;
	port = strchr(s, ':');
	len = port ? (size_t)(port - s) : strlen(s);
	if (len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	return inet_pton(AF_INET, host, probe) == 1 &&
	       (port == NULL || confvalue_port(port + 1, strlen(port + 1)));
}

/* confvalue_nameservers - "addr[:port],..." with IPv6 in brackets when a port follows */
bool confvalue_nameservers(const char *v, struct vbuf *why)
{
	char *copy = xstrdup(v), *save = NULL;
	bool ok = true;

	for (char *t = strtok_r(copy, ", \t", &save); t != NULL && ok;
	     t = strtok_r(NULL, ", \t", &save)) {
		if (!confvalue_nameserver(t)) {
			vbuf_printf(why, "'%s' is not a name server address"
				    " (1.2.3.4, 1.2.3.4:53, ::1, [::1]:53)", t);
			ok = false;
		}
	}
	free(copy);
	return ok;
}

/*
 * confvalue_bad_char - the byte (from 1) where v has invalid UTF-8 or a
 * control character, C1 controls included when c1; 0 when it has none
 */
static size_t confvalue_bad_char(const char *v, bool c1)
{
	size_t len = strlen(v);

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(v + i, len - i, &cp);

		if (cp == UTF8_INVALID || cp < 32 || cp == 127 || (c1 && cp >= 0x80 && cp < 0xa0))
			return i + 1;
		i += n;
	}
	return 0;
}

/* confvalue_reply - RejectReply: UTF-8 text, no controls, % only as %b or %% */
bool confvalue_reply(const char *v, size_t max, struct vbuf *why)
{
	size_t bad;

	if (strlen(v) > max) {
		vbuf_printf(why, "longer than %zu bytes", max);
		return false;
	}
	if ((bad = confvalue_bad_char(v, false)) != 0) {
		vbuf_printf(why, "control character or invalid UTF-8 at byte %zu", bad);
		return false;
	}
	for (const char *p = strchr(v, '%'); p != NULL; p = strchr(p + 2, '%')) {
		if (p[1] != 'b' && p[1] != '%') {
			vbuf_printf(why, "'%%' must be followed by b (the brand) or %%");
			return false;
		}
	}
	return true;
}

/* confvalue_text - UTF-8 text without control characters, at most max bytes */
bool confvalue_text(const char *v, size_t max, struct vbuf *why)
{
	size_t bad;

	if (strlen(v) > max) {
		vbuf_printf(why, "longer than %zu bytes", max);
		return false;
	}
	if ((bad = confvalue_bad_char(v, true)) != 0) {
		vbuf_printf(why, "control character or invalid UTF-8 at byte %zu", bad);
		return false;
	}
	return true;
}

/* confvalue_path - a path, relative ones taken from the config file's directory */
char *confvalue_path(const char *v, const char *basedir)
{
	struct vbuf b = VBUF_INIT(8192);

	if (v[0] != '/' && basedir != NULL && basedir[0] != '\0')
		vbuf_printf(&b, "%s/", basedir);
	vbuf_adds(&b, v);
	return b.data ? b.data : xstrdup("");
}

/* confvalue_strv_free - release a NULL-terminated list of strings */
void confvalue_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/*
 * confvalue_error - one "origin:line: message" error line, whole or not at
 * all: past CONF_ERRORS_MAX bytes of errors the others are dropped (a file
 * of thousands of bad tokens says enough with the first ones)
 */
void confvalue_error(struct vbuf *errors, const char *origin, unsigned line, const char *fmt, ...)
{
	struct vbuf l = VBUF_INIT(CONF_ERRORS_MAX);
	va_list ap;

	vbuf_printf(&l, "%s:%u: ", origin, line);
	va_start(ap, fmt);
	vbuf_vprintf(&l, fmt, ap);
	va_end(ap);
	vbuf_addc(&l, '\n');
	if (!l.overflow && errors->len + l.len <= CONF_ERRORS_MAX)
		vbuf_add(errors, l.data, l.len);
	vbuf_free(&l);
}
