/*
 * url - the host a URL leads to (see url.h).
 *
 * Touches: the struct it fills. Never fails: a URL with no host gives false
 * and an empty host; oddities are flags. One pass over at most URL_MAX bytes.
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "url.h"

/* url_scheme_special - the WHATWG special schemes that have a host */
bool url_scheme_special(const char *scheme)
{
	return !strcmp(scheme, "http") || !strcmp(scheme, "https") || !strcmp(scheme, "ftp") ||
	       !strcmp(scheme, "ws") || !strcmp(scheme, "wss");
}

/*
 * url_clean - trim, drop tabs and line breaks, cap; the length of the copy.
 * The copy stops at '?' or '#': the host is always before them, and long
 * tracking URLs are mostly query.
 */
static size_t url_clean(char *dst, const char *s, size_t len, unsigned *flags)
{
	size_t n = 0;

	while (len && (unsigned char)s[0] <= ' ') {
		s++;
		len--;
	}
	while (len && (unsigned char)s[len - 1] <= ' ')
		len--;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\t' || c == '\n' || c == '\r') {
			*flags |= URL_F_CONTROL;
			continue;
		}
		if (c == '?' || c == '#')
			break;
		if (n == URL_MAX) {
			*flags |= URL_F_TRUNCATED;
			break;
		}
		dst[n++] = c;
	}
	return n;
}

/* url_lower - ASCII lowercase, whatever the locale */
char url_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* url_scheme - length of "scheme:" at the start of s (0: none); the scheme is copied lowercased */
static size_t url_scheme(struct url *u, const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i >= n || s[i] != ':' || i > URL_SCHEME_MAX)
		return 0;
	for (size_t k = 0; k < i; k++)
		u->scheme[k] = url_lower(s[k]);
	u->scheme[i] = '\0';
	return i + 1;
}

/* url_hex - value of a hex digit, or -1 */
int url_hex(unsigned char c)
{
	if (isdigit(c))
		return c - '0';
	c = (unsigned char)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* url_number - one IPv4 part: decimal, 0x hex or 0-led octal; false if not a number */
static bool url_number(const char *s, size_t n, uint64_t *v)
{
	unsigned base = 10;

	*v = 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		s++;
		n--;
	}
	if (n == 0)
		return base != 10;	/* "0x" is zero */
	for (size_t i = 0; i < n; i++) {
		int d = url_hex((unsigned char)s[i]);

		if (d < 0 || (unsigned)d >= base)
			return false;
		*v = *v * base + (unsigned)d;
		if (*v > 0xffffffffull)
			*v = 0x100000000ull;	/* too big: stays too big */
	}
	return true;
}

/* url_ends_in_number - WHATWG: the last label (before a trailing dot) is a number */
static bool url_ends_in_number(const char *h, size_t n)
{
	size_t end = n, start;

	if (end && h[end - 1] == '.')
		end--;
	start = end;
	while (start && h[start - 1] != '.')
		start--;
	if (start == end)
		return false;
	uint64_t v;

	for (size_t i = start; i < end; i++)
		if (!isdigit((unsigned char)h[i]))
			return url_number(h + start, end - start, &v) && end - start >= 2 &&
			       (h[start + 1] == 'x' || h[start + 1] == 'X');
	return true;
}

/* url_ipv4 - rewrite a numeric host as a dotted quad; false if it is not a valid one */
static bool url_ipv4(struct url *u)
{
	uint64_t part[4], v;
	size_t np = 0, i = 0, n = u->host_len;
	char quad[16];

	if (n && u->host[n - 1] == '.')
		n--;
	while (i <= n) {
		size_t j = i;

		while (j < n && u->host[j] != '.')
			j++;
		if (np == 4 || !url_number(u->host + i, j - i, &v) || j == i)
			return false;
		part[np++] = v;
		i = j + 1;
	}
	v = 0;
	for (size_t k = 0; k + 1 < np; k++) {
		if (part[k] > 255)
			return false;
		v = v << 8 | part[k];
	}
	if (part[np - 1] >= (1ull << (8 * (5 - np))))
		return false;
	v = v << (8 * (5 - np)) | part[np - 1];
	snprintf(quad, sizeof(quad), "%u.%u.%u.%u", (unsigned)(v >> 24) & 255,
		 (unsigned)(v >> 16) & 255, (unsigned)(v >> 8) & 255, (unsigned)v & 255);
	if (strlen(quad) != u->host_len || memcmp(quad, u->host, u->host_len) != 0)
		u->flags |= URL_F_IPV4_ODD;
	u->host_len = strlen(quad);
	memcpy(u->host, quad, u->host_len + 1);
	u->flags |= URL_F_IPV4;
	return true;
}

/* url_forbidden - WHATWG forbidden domain code points (ASCII ones) */
static bool url_forbidden(unsigned char c)
{
	switch (c) {
	case '#': case '%': case '/': case ':': case '<': case '>': case '?': case '@':
	case '[': case '\\': case ']': case '^': case '|': case 0x7f:
		return true;
	default:
		return c <= ' ';
	}
}

/*
 * url_set_host - percent-decode and lowercase the host text into u->host.
 * A control byte, raw or decoded, is never put in the host: it stays
 * written as %XX (a host with one is bad anyway, and C strings stay whole).
 */
static void url_set_host(struct url *u, const char *h, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		int hi, lo;

		if (c == '%' && i + 2 < n &&
		    (hi = url_hex((unsigned char)h[i + 1])) >= 0 &&
		    (lo = url_hex((unsigned char)h[i + 2])) >= 0) {
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			u->flags |= URL_F_PERCENT;
		}
		if (c < 0x20 || c == 0x7f) {
			u->flags |= URL_F_BAD_HOST;
			if (o + 3 > URL_HOST_MAX) {
				u->flags |= URL_F_TRUNCATED;
				break;
			}
			snprintf(u->host + o, 4, "%%%02X", c);
			o += 3;
			continue;
		}
		if (o == URL_HOST_MAX) {
			u->flags |= URL_F_TRUNCATED;
			break;
		}
		u->host[o++] = url_lower((char)c);
	}
	u->host[o] = '\0';
	u->host_len = o;
}

/* url_port - the digits after the host's ':' (none: no port; not digits, or too big: a bad host) */
static void url_port(struct url *u, const char *p, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n && v <= 65535; i++) {
		if (!isdigit((unsigned char)p[i])) {
			u->flags |= URL_F_BAD_HOST;
			return;
		}
		v = v * 10 + (p[i] - '0');
	}
	if (v > 65535) {
		u->flags |= URL_F_BAD_HOST;
	} else if (n) {
		u->port = (int)v;
		u->flags |= URL_F_PORT;
	}
}

/* url_authority - userinfo, host and port from s[0..n) */
static void url_authority(struct url *u, const char *s, size_t n)
{
	const char *at = NULL, *h, *port = NULL;
	size_t hn;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at) {
		size_t un = (size_t)(at - s);

		u->flags |= URL_F_USERINFO;
		if (un > URL_USER_MAX) {
			un = URL_USER_MAX;
			u->flags |= URL_F_TRUNCATED;
		}
		for (size_t i = 0; i < un; i++)
			u->user[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
		u->user[un] = '\0';
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	h = s;
	hn = n;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		u->flags |= URL_F_IPV6;
		hn = close ? (size_t)(close - s) + 1 : n;
		if (!close)
			u->flags |= URL_F_BAD_HOST;
		if (hn < n && s[hn] == ':')
			port = s + hn + 1;
		else if (hn < n)
			u->flags |= URL_F_BAD_HOST;
	} else {
		const char *colon = memrchr(s, ':', n);

		if (colon) {
			hn = (size_t)(colon - s);
			port = colon + 1;
		}
	}
	if (port)
		url_port(u, port, n - (size_t)(port - s));
	url_set_host(u, h, hn);
	if (u->flags & URL_F_IPV6)
		return;
	for (size_t i = 0; i < u->host_len; i++)
		if (url_forbidden((unsigned char)u->host[i]))
			u->flags |= URL_F_BAD_HOST;
	if (u->host_len && url_ends_in_number(u->host, u->host_len) && !url_ipv4(u))
		u->flags |= URL_F_BAD_HOST;
}

/* url_mailto - the domain of the first address of a mailto: URL */
static void url_mailto(struct url *u, const char *s, size_t n)
{
	size_t end = 0, start;

	u->flags |= URL_F_MAILTO;
	while (end < n && s[end] != '?' && s[end] != '#' && s[end] != ',')
		end++;
	start = end;
	while (start > 0 && s[start - 1] != '@')
		start--;
	if (start == 0)
		return;
	url_set_host(u, s + start, end - start);
}

/* url_parse - the host s leads to; false when it has none */
bool url_parse(struct url *u, const char *s, size_t len, bool guess)
{
	char b[URL_MAX];
	size_t n, i, slashes = 0, end;

	memset(u, 0, sizeof(*u));
	u->port = -1;
	n = url_clean(b, s, len, &u->flags);
	i = url_scheme(u, b, n);
	if (i && guess && !url_scheme_special(u->scheme) && strcmp(u->scheme, "mailto") != 0) {
		/* "viamedis.fr:443/x" found in text: a host and port, not a scheme */
		i = 0;
		u->scheme[0] = '\0';
	}
	if (i && strcmp(u->scheme, "mailto") == 0) {
		url_mailto(u, b + i, n - i);
		return u->host_len > 0;
	}
	if (i && !url_scheme_special(u->scheme))
		return false;		/* javascript:, data:, tel:, cid: ... no host */
	if (!i) {
		if (n >= 2 && (b[0] == '/' || b[0] == '\\') && (b[1] == '/' || b[1] == '\\')) {
			u->flags |= URL_F_NO_SCHEME;
		} else if (guess) {
			u->flags |= URL_F_NO_SCHEME;
			slashes = 2;	/* as if "http://" came first */
		} else {
			return false;	/* relative */
		}
	}
	while (i < n && (b[i] == '/' || b[i] == '\\')) {
		if (b[i] == '\\')
			u->flags |= URL_F_BACKSLASH;
		slashes++;
		i++;
	}
	if (slashes != 2)
		u->flags |= URL_F_SLASHES;
	end = i;
	while (end < n && b[end] != '/' && b[end] != '\\' && b[end] != '?' && b[end] != '#')
		end++;
	if (end < n && b[end] == '\\')
		u->flags |= URL_F_BACKSLASH;
	url_authority(u, b + i, end - i);
	return u->host_len > 0;
}
