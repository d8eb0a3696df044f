/*
 * url - the target host of a URL, extracted the way browsers do (WHATWG URL
 * Standard, host parsing up to IDNA, which the domain engine does):
 * - leading and trailing C0 controls and spaces are trimmed, and tabs and
 *   line breaks inside are removed ("ht\ttps://evil" is https://evil);
 * - special schemes (http, https, ftp, ws, wss) take any number of '/' and
 *   '\' before the host ("https:\\evil", "https:evil" reach evil);
 * - the userinfo ends at the LAST '@' ("https://viamedis.fr@evil.com" goes
 *   to evil.com; the userinfo is kept for the analysis to look at);
 * - the host is percent-decoded and ASCII-lowercased; a host that ends in a
 *   number is an IPv4 address in any of its forms (0x7f.1, 017700000001,
 *   2130706433) and is given back dotted-quad; [v6] literals are kept;
 * - mailto: gives the domain of the (first) address.
 * Non-ASCII hosts stay UTF-8, fullwidth dots and all: IDNA mapping is the
 * domain engine's. With guess, a URL with no scheme ("www.x.fr/...",
 * "x.fr/...") is read as http; without it, a relative URL has no host.
 */
#ifndef VIGIE_URL_H
#define VIGIE_URL_H

#include <stdbool.h>
#include <stddef.h>

#define URL_MAX 8192		/* bytes of a URL looked at (up to its query) */
#define URL_HOST_MAX 255
#define URL_SCHEME_MAX 15
#define URL_USER_MAX 127

#define URL_F_USERINFO	0x0001	/* user[:pass]@ before the host */
#define URL_F_PORT	0x0002
#define URL_F_IPV4	0x0004	/* the host is an IPv4 address */
#define URL_F_IPV4_ODD	0x0008	/* ... written otherwise than as dotted decimal */
#define URL_F_IPV6	0x0010
#define URL_F_PERCENT	0x0020	/* the host had %XX escapes */
#define URL_F_BACKSLASH	0x0040	/* backslashes where slashes belong */
#define URL_F_CONTROL	0x0080	/* tabs or line breaks removed */
#define URL_F_NO_SCHEME	0x0100	/* read as http: "www.", "//" or a guessed host */
#define URL_F_TRUNCATED	0x0200	/* URL, host or userinfo past its cap */
#define URL_F_BAD_HOST	0x0400	/* a character no host may hold, a bad port or number */
#define URL_F_SLASHES	0x0800	/* not exactly "//" after a special scheme */
#define URL_F_MAILTO	0x1000

struct url {
	char scheme[URL_SCHEME_MAX + 1];	/* lowercased, "" when none */
	char host[URL_HOST_MAX + 1];		/* "" when none */
	size_t host_len;
	char user[URL_USER_MAX + 1];		/* userinfo as written, "" when none */
	int port;				/* -1 when none */
	unsigned flags;
};

bool url_parse(struct url *u, const char *s, size_t len, bool guess);
bool url_scheme_special(const char *scheme);
char url_lower(char c);
int url_hex(unsigned char c);

#endif
