/*
 * linkscan - URLs in text past MaxBodyScan, cheaply (see linkscan.h).
 *
 * Touches: the struct and the callback. Starts are matched forward from an
 * 'h' or a 'w' that follows no letter, digit, '.', '-', '_' or '/'; a piece
 * that ends inside a start keeps it (partial) for the next one, so the cuts
 * change nothing. Every index is checked against the piece it reads; a URL
 * longer than URL_MAX is cut, never grown.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "linkscan.h"
#include "url.h"

#define LS_DELIM 0x1	/* ends a URL */
#define LS_LOOK 0x2	/* may start one: 'h' or 'w', any case */

#define LS_CLASS(c) \
	(((c) <= ' ' || (c) == '"' || (c) == '\'' || (c) == '<' || (c) == '>' || (c) == '`' || \
	  (c) == 0x7f ? LS_DELIM : 0) | \
	 ((c) == 'h' || (c) == 'H' || (c) == 'w' || (c) == 'W' ? LS_LOOK : 0))
#define LS4(c) LS_CLASS(c), LS_CLASS((c) + 1), LS_CLASS((c) + 2), LS_CLASS((c) + 3)
#define LS16(c) LS4(c), LS4((c) + 4), LS4((c) + 8), LS4((c) + 12)
#define LS64(c) LS16(c), LS16((c) + 16), LS16((c) + 32), LS16((c) + 48)

static const unsigned char linkscan_class[256] = { LS64(0), LS64(64), LS64(128), LS64(192) };

/* The starts, lower case; each needs one more byte after it, no delimiter. */
static const char *const linkscan_starts[] = { "https://", "http://", "www." };

enum linkscan_match { LS_NO, LS_PART, LS_YES };

/* linkscan_init - nothing seen */
void linkscan_init(struct linkscan *s)
{
	s->len = 0;
	s->open = false;
	s->npartial = 0;
	s->last = ' ';
	s->found = 0;
}

/* linkscan_word - what a start may not follow: a letter, a digit, '.', '-', '_', '/' */
static bool linkscan_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '/' || c == '_';
}

/*
 * linkscan_match - whether p[0..n) begins with a start: its length in *len
 * (LS_YES), a proper prefix of one that the piece cut (LS_PART), or none
 */
static enum linkscan_match linkscan_match(const char *p, size_t n, size_t *len)
{
	bool part = false;

	for (size_t k = 0; k < sizeof(linkscan_starts) / sizeof(linkscan_starts[0]); k++) {
		const char *w = linkscan_starts[k];
		size_t wl = strlen(w), need = wl + 1, i = 0;

		while (i < wl && i < n && url_lower(p[i]) == w[i])
			i++;
		if (i == wl && n >= need && !(linkscan_class[(unsigned char)p[wl]] & LS_DELIM)) {
			*len = wl;
			return LS_YES;
		}
		if (i == n && n < need)
			part = true;
	}
	return part ? LS_PART : LS_NO;
}

/* linkscan_emit - deliver a URL, sentence punctuation after it trimmed */
static void linkscan_emit(struct linkscan *s, const char *u, size_t n, linkscan_fn *fn, void *ctx)
{
	while (n > 0 && strchr(".,;:!?)]}*", u[n - 1]) != NULL)
		n--;
	if (n <= 4)
		return;
	s->found++;
	fn(ctx, u, n);
}

/* linkscan_add - more of the open URL, cut at URL_MAX */
static void linkscan_add(struct linkscan *s, const char *p, size_t n)
{
	size_t room = sizeof(s->url) - s->len;

	if (n > room)
		n = room;
	memcpy(s->url + s->len, p, n);
	s->len += n;
}

/* linkscan_open - the rest of the open URL at the start of a piece; where it ended */
static size_t linkscan_open(struct linkscan *s, const char *p, size_t n, linkscan_fn *fn, void *ctx)
{
	size_t j = 0;

	while (j < n && !(linkscan_class[(unsigned char)p[j]] & LS_DELIM))
		j++;
	linkscan_add(s, p, j);
	if (j < n) {
		s->open = false;
		linkscan_emit(s, s->url, s->len, fn, ctx);
		s->len = 0;
	}
	return j;
}

/*
 * linkscan_seam - the start the last piece ended in, with this piece: a URL
 * opens (the partial is its beginning), or it was none; true when this piece
 * was too short to tell (it joined the partial)
 */
static bool linkscan_seam(struct linkscan *s, const char *p, size_t n)
{
	char w[2 * LINKSCAN_PARTIAL];
	size_t head = n < LINKSCAN_PARTIAL ? n : LINKSCAN_PARTIAL, wn = s->npartial + head, len;
	enum linkscan_match r;

	memcpy(w, s->partial, s->npartial);
	memcpy(w + s->npartial, p, head);
	r = linkscan_match(w, wn, &len);
	if (r == LS_PART && wn <= LINKSCAN_PARTIAL) {
		memcpy(s->partial, w, wn);
		s->npartial = wn;
		return true;
	}
	if (r == LS_YES) {
		s->open = true;
		s->len = 0;
		linkscan_add(s, s->partial, s->npartial);
	}
	s->npartial = 0;
	return false;
}

/* linkscan_feed - the next piece of text; fn is called for each URL that ends in it */
void linkscan_feed(struct linkscan *s, const char *p, size_t n, linkscan_fn *fn, void *ctx)
{
	size_t i = 0;

	if (n == 0)
		return;
	if (s->npartial && linkscan_seam(s, p, n)) {
		s->last = p[n - 1];
		return;
	}
	if (s->open)
		i = linkscan_open(s, p, n, fn, ctx);
	while (i < n) {
		enum linkscan_match r;
		size_t len, j;

		while (i < n && !(linkscan_class[(unsigned char)p[i]] & LS_LOOK))
			i++;
		if (i == n)
			break;
		if (linkscan_word(i ? p[i - 1] : s->last) ||
		    (r = linkscan_match(p + i, n - i, &len)) == LS_NO) {
			i++;
			continue;
		}
		if (r == LS_PART) {
			s->npartial = n - i;
			memcpy(s->partial, p + i, s->npartial);
			break;
		}
		for (j = i + len; j < n && !(linkscan_class[(unsigned char)p[j]] & LS_DELIM); j++)
			;
		if (j == n) {
			s->open = true;
			s->len = 0;
			linkscan_add(s, p + i, n - i);
			break;
		}
		linkscan_emit(s, p + i, j - i, fn, ctx);
		i = j;
	}
	s->last = p[n - 1];
}

/* linkscan_end - the text ends (a part's end): a URL still open is complete */
void linkscan_end(struct linkscan *s, linkscan_fn *fn, void *ctx)
{
	if (s->open)
		linkscan_emit(s, s->url, s->len, fn, ctx);
	s->open = false;
	s->len = 0;
	s->npartial = 0;
	s->last = ' ';
}
