/*
 * linkfind - links in a run of text (see linkfind.h).
 *
 * Touches: nothing but what it is given; calls back for each link found.
 * Linear in the run: each byte is looked at a bounded number of times.
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "linkfind.h"
#include "utf8.h"

#define LC_TRAIL 0x04	/* punctuation a sentence puts after a link */
#define LC_HOST 0x08	/* ends the host part of a bare domain */

/* LINKFIND_CLASS - the classes of a byte; linkfind_class is built from it */
#define LINKFIND_CLASS(c) \
	(((c) <= ' ' || (c) == '<' || (c) == '>' || (c) == '"' || (c) == 0x7f || (c) == '`' ? LINKFIND_BREAK : 0) | \
	 ((c) == '.' || (c) == ':' || (c) == '@' || (c) == 0xe3 || (c) == 0xef ? LINKFIND_HINT : 0) | \
	 ((c) == '.' || (c) == ',' || (c) == ';' || (c) == ':' || (c) == '!' || (c) == '?' || \
	  (c) == '\'' || (c) == '*' ? LC_TRAIL : 0) | \
	 ((c) == '/' || (c) == '?' || (c) == '#' || (c) == ':' ? LC_HOST : 0))
#define LC4(c) LINKFIND_CLASS(c), LINKFIND_CLASS((c) + 1), LINKFIND_CLASS((c) + 2), LINKFIND_CLASS((c) + 3)
#define LC16(c) LC4(c), LC4((c) + 4), LC4((c) + 8), LC4((c) + 12)
#define LC64(c) LC16(c), LC16((c) + 16), LC16((c) + 32), LC16((c) + 48)

const unsigned char linkfind_class[256] = { LC64(0), LC64(64), LC64(128), LC64(192) };

/*
 * linkfind_sep - the length of a non-ASCII separator at s (white space, « » “ ”
 * ‘ ’ 「 」 （ ）), or 0: they end a link as a space does.
 */
static size_t linkfind_sep(const char *s, size_t n)
{
	uint32_t cp;
	size_t k;

	if ((unsigned char)s[0] < 0x80)
		return 0;
	k = utf8_decode(s, n, &cp);
	if (utf8_is_space(cp))
		return k;
	switch (cp) {
	case 0xab: case 0xbb: case 0x2018: case 0x2019: case 0x201c: case 0x201d:
	case 0x300c: case 0x300d: case 0xff08: case 0xff09: case 0x3001:
		return k;
	}
	return 0;
}

/* linkfind_ci - whether s starts with the lowercase ASCII word w, case-insensitively */
static bool linkfind_ci(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && strncasecmp(s, w, wl) == 0;
}

/* linkfind_trim_end - drop trailing punctuation a sentence puts after a link */
static size_t linkfind_trim_end(const char *s, size_t n)
{
	while (n) {
		char c = s[n - 1];

		if (linkfind_class[(unsigned char)c] & LC_TRAIL) {
			n--;
		} else if ((c == ')' && !memchr(s, '(', n)) || (c == ']' && !memchr(s, '[', n)) ||
			   (c == '}' && !memchr(s, '{', n))) {
			n--;
		} else {
			break;
		}
	}
	return n;
}

/*
 * linkfind_bare - whether s looks like a bare domain, with an optional path:
 * labels of letters, digits, '-' or non-ASCII, a dot, and a last label of
 * two letters or more (or non-ASCII, or xn--).
 */
static bool linkfind_bare(const char *s, size_t n)
{
	size_t i = 0, dots = 0, label = 0, last = 0;
	bool last_alpha = true, nonascii = false;

	while (i < n && !(linkfind_class[(unsigned char)s[i]] & LC_HOST)) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				return false;
			dots++;
			last = i + 1;
			label = 0;
			last_alpha = true;
			nonascii = false;
		} else if (c >= 0x80) {
			nonascii = true;
			label++;
		} else if (isalnum(c) || c == '-') {
			if (!isalpha(c))
				last_alpha = false;
			label++;
		} else {
			return false;
		}
		i++;
	}
	if (dots == 0 || label == 0)
		return false;
	if (s[0] == '-')
		return false;
	if (linkfind_ci(s + last, i - last, "xn--"))
		return true;
	return nonascii || (last_alpha && label >= 2);
}

/* linkfind_url_start - where a URL starts in s from i on ("scheme://", "www.", "mailto:"), or n */
static size_t linkfind_url_start(const char *s, size_t n, size_t i)
{
	for (size_t k = i; k < n; k++) {
		char c = s[k];

		if (c == ':' && k + 2 < n && s[k + 1] == '/' && s[k + 2] == '/') {
			size_t b = k;

			while (b > i && k - b < 10 && isalpha((unsigned char)s[b - 1]))
				b--;
			if (b < k && (b == i || !isalnum((unsigned char)s[b - 1])))
				return b;
		} else if ((c | 0x20) == 'w' && linkfind_ci(s + k, n - k, "www.") &&
			   (k == i || (!isalnum((unsigned char)s[k - 1]) && s[k - 1] != '.' &&
				       s[k - 1] != '-'))) {
			return k;
		} else if ((c | 0x20) == 'm' && linkfind_ci(s + k, n - k, "mailto:") &&
			   (k == i || !isalnum((unsigned char)s[k - 1]))) {
			return k;
		}
	}
	return n;
}

/*
 * linkfind_piece - the links in a piece of text that holds no separator:
 * a URL (it runs to the end of the piece), else the addresses, else a bare
 * domain.
 */
static void linkfind_piece(const char *s, size_t n, linkfind_fn *fn, void *ctx)
{
	size_t start, pos = 0, lead = 0, end = linkfind_trim_end(s, n), k = 0;
	struct address_span sp;
	bool any = false;

	/* "fin." "note:" : once the closing punctuation is off, nothing is left to find */
	while (k < end && !(linkfind_class[(unsigned char)s[k]] & LINKFIND_HINT))
		k++;
	if (k == end)
		return;
	start = linkfind_url_start(s, n, 0);
	if (start < n) {
		end = start + linkfind_trim_end(s + start, n - start);
		fn(ctx, LINK_URL, s + start, end - start);
		return;
	}
	while (address_in_text(s, n, &pos, &sp)) {
		fn(ctx, LINK_EMAIL, s + sp.local, sp.domain + sp.domain_len - sp.local);
		any = true;
	}
	if (any)
		return;
	while (lead < n && (s[lead] == '(' || s[lead] == '[' || s[lead] == '{' ||
			    s[lead] == '\'' || s[lead] == '*'))
		lead++;
	end = lead + linkfind_trim_end(s + lead, n - lead);
	if (end > lead && linkfind_bare(s + lead, end - lead))
		fn(ctx, LINK_BARE, s + lead, end - lead);
}

/* linkfind_run - the links in a run of text with no ASCII break: split it at the other separators */
void linkfind_run(const char *s, size_t n, linkfind_fn *fn, void *ctx)
{
	size_t i = 0, start = 0;

	/* most words hold no '.', ':' or '@' and cannot be links: one cheap look */
	while (i < n && !(linkfind_class[(unsigned char)s[i]] & LINKFIND_HINT))
		i++;
	if (i == n)
		return;
	i = 0;

	while (i < n) {
		size_t k = linkfind_sep(s + i, n - i);

		if (k == 0) {
			i++;
			continue;
		}
		if (i > start)
			linkfind_piece(s + start, i - start, fn, ctx);
		i += k;
		start = i;
	}
	if (n > start)
		linkfind_piece(s + start, n - start, fn, ctx);
}

/* linkfind_parse - the target of a found link; false when it leads nowhere */
bool linkfind_parse(struct url *u, enum link_source src, const char *s, size_t n)
{
	char buf[URL_MAX];
	size_t at = 0;

	if (src != LINK_EMAIL)
		return url_parse(u, s, n, src == LINK_BARE || linkfind_ci(s, n, "www."));
	/* an address: its domain follows the last at sign, ASCII or wide */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '@')
			at = i + 1;
		else if (i + 3 <= n && (!memcmp(s + i, "\xef\xbc\xa0", 3) || !memcmp(s + i, "\xef\xb9\xab", 3)))
			at = i + 3;
	}
	if (n - at > sizeof(buf) - 10)
		n = at + sizeof(buf) - 10;
	memcpy(buf, "mailto:x@", 9);
	memcpy(buf + 9, s + at, n - at);
	return url_parse(u, buf, 9 + n - at, false);
}

