/*
 * redirect - the targets a redirecting URL carries (see redirect.h).
 *
 * Touches: nothing but what it is given; calls back for each target found.
 * Hostile input is ordinary here: every length is checked, a URL is read up
 * to URL_MAX bytes, decoding never grows a string, nesting stops at
 * REDIRECT_DEPTH and the count at REDIRECT_TARGETS_MAX.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "redirect.h"
#include "url.h"

struct redirect_walk {
	redirect_fn *fn;
	void *ctx;
	size_t found;
};

static void redirect_scan(struct redirect_walk *w, const char *s, size_t n, unsigned depth);

/* redirect_decode - %XX escapes of s[0..n) decoded into out (n bytes at most); the length */
static size_t redirect_decode(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = url_hex((unsigned char)s[i + 1])) >= 0 &&
		    (lo = url_hex((unsigned char)s[i + 2])) >= 0) {
			out[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	return k;
}

/* redirect_prefix - whether s[0..len) starts with word, any case */
static bool redirect_prefix(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && strncasecmp(s, word, wl) == 0;
}

/* redirect_is_url - whether s is where a redirector sends: http(s): and a slash, or www. */
bool redirect_is_url(const char *s, size_t len)
{
	size_t k;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len > 4 && redirect_prefix(s, len, "www."))
		return true;
	if (redirect_prefix(s, len, "http:"))
		k = 5;
	else if (redirect_prefix(s, len, "https:"))
		k = 6;
	else
		return false;
	return k < len && (s[k] == '/' || s[k] == '\\');
}

/* redirect_report - one target; then its own targets, one level down */
static void redirect_report(struct redirect_walk *w, const char *t, size_t n, unsigned depth)
{
	if (w->found >= REDIRECT_TARGETS_MAX)
		return;
	w->found++;
	w->fn(w->ctx, t, n, depth);
	if (depth < REDIRECT_DEPTH)
		redirect_scan(w, t, n, depth + 1);
}

/* redirect_value - a parameter's value: a URL once or twice decoded is a target */
static void redirect_value(struct redirect_walk *w, const char *v, size_t n, unsigned depth)
{
	char buf[URL_MAX];
	size_t k;

	if (n > sizeof(buf))
		n = sizeof(buf);
	if (n == 0)
		return;
	k = redirect_decode(v, n, buf);
	if (!redirect_is_url(buf, k)) {
		k = redirect_decode(buf, k, buf);	/* in place: never longer */
		if (!redirect_is_url(buf, k))
			return;
	}
	redirect_report(w, buf, k, depth);
}

/*
 * redirect_path - a URL after the redirector's own path: "/r/https://x",
 * "/https%3A%2F%2Fx"; s[0..n) is the URL before its query
 */
static void redirect_path(struct redirect_walk *w, const char *s, size_t n, unsigned depth)
{
	const char *p = s, *end = s + n, *sep;
	size_t skip = 0;

	/* past "scheme://host" when there is one */
	if ((sep = memchr(s, ':', n)) != NULL && sep + 2 < end && sep[1] == '/' && sep[2] == '/')
		skip = (size_t)(sep + 3 - s);
	p = s + skip;
	if ((p = memchr(p, '/', (size_t)(end - p))) == NULL)
		return;
	for (; p + 1 < end; p++) {
		size_t left = (size_t)(end - p - 1);

		if (*p != '/' || (p[1] | 0x20) != 'h')
			continue;
		if (redirect_prefix(p + 1, left, "http:") || redirect_prefix(p + 1, left, "https:") ||
		    redirect_prefix(p + 1, left, "http%3a") || redirect_prefix(p + 1, left, "https%3a")) {
			redirect_value(w, p + 1, left, depth);
			return;
		}
	}
}

/* redirect_scan - the parameters of the query and the fragment of s, and its path */
static void redirect_scan(struct redirect_walk *w, const char *s, size_t n, unsigned depth)
{
	const char *q, *h;
	size_t i, path_end;

	if (n > URL_MAX)
		n = URL_MAX;
	q = memchr(s, '?', n);
	h = memchr(s, '#', n);
	if (h && q && h < q)
		q = NULL;		/* a '?' after '#' is the fragment's */
	path_end = q ? (size_t)(q - s) : h ? (size_t)(h - s) : n;
	redirect_path(w, s, path_end, depth);
	for (i = path_end + 1; i < n && w->found < REDIRECT_TARGETS_MAX;) {
		size_t j = i;
		const char *eq;

		while (j < n && s[j] != '&' && s[j] != ';' && s[j] != '#')
			j++;
		if ((eq = memchr(s + i, '=', j - i)) != NULL)
			redirect_value(w, eq + 1, (size_t)(s + j - (eq + 1)), depth);
		i = j + 1;
		if (j < n && s[j] == '&' && i + 4 <= n && strncasecmp(s + i, "amp;", 4) == 0)
			i += 4;		/* "&amp;" copied from HTML source */
	}
}

/*
 * redirect_targets - call fn for each target url[0..len) carries (nested
 * ones after their parent); the number found
 */
size_t redirect_targets(const char *url, size_t len, redirect_fn *fn, void *ctx)
{
	struct redirect_walk w = { fn, ctx, 0 };

	redirect_scan(&w, url, len, 1);
	return w.found;
}
