/*
 * hostlist - IPv4/IPv6 networks and client address matching.
 *
 * Touches: reads the files named by "file:" datasets; nothing else. Errors
 * are appended to the caller's buffer as "file:line: message" lines and
 * counted; a list with errors is still well formed (bad entries are left
 * out). The most specific matching entry decides, so "!10.1.2.3" inside
 * "10.0.0.0/8" excludes that host, as in OpenDKIM's datasets.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "confvalue.h"
#include "hostlist.h"
#include "lines.h"
#include "xalloc.h"

#define HOSTLIST_TOKEN_MAX 128		/* longest entry text accepted */

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* hostlist_new - an empty list */
struct hostlist *hostlist_new(void)
{
	return xcalloc(1, sizeof(struct hostlist));
}

/* hostlist_free - release a list; NULL is fine */
void hostlist_free(struct hostlist *hl)
{
	if (hl == NULL)
		return;
	free(hl->net);
	free(hl);
}

/* hostlist_mask - clear the host bits of a network */
static void hostlist_mask(struct hostlist_net *n)
{
	for (unsigned i = 0; i < n->len; i++) {
		unsigned bits = i * 8;

		if (bits >= n->prefix)
			n->addr[i] = 0;
		else if (n->prefix - bits < 8)
			n->addr[i] &= (uint8_t)(0xff << (8 - (n->prefix - bits)));
	}
}

/* hostlist_prefix - the number after '/', within 0..max */
static bool hostlist_prefix(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* hostlist_add - add one entry ("[!]addr[/prefix]"); why says what is wrong */
bool hostlist_add(struct hostlist *hl, const char *entry, struct vbuf *why)
{
	char text[HOSTLIST_TOKEN_MAX + 1];
	struct hostlist_net n = { { 0 }, 0, 0, false };
	bool neg = false;
	unsigned prefix;
	char *slash;
	size_t len = strlen(entry);

	if (entry[0] == '!') {
		neg = true;
		entry++;
		len--;
	}
	if (len == 0 || len > HOSTLIST_TOKEN_MAX) {
		vbuf_printf(why, "empty or overlong address");
		return false;
	}
	memcpy(text, entry, len + 1);
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, text, n.addr) == 1) {
		n.len = 4;
	} else if (inet_pton(AF_INET6, text, n.addr) == 1) {
		n.len = 16;
	} else {
		vbuf_printf(why, "'%s' is not an IPv4 or IPv6 address or network"
			    " (host names are not accepted)", text);
		return false;
	}
	prefix = n.len * 8;
	if (slash != NULL && !hostlist_prefix(slash, n.len * 8, &prefix)) {
		vbuf_printf(why, "bad prefix length '/%s' for %s (0..%u)",
			    slash, text, n.len * 8u);
		return false;
	}
	n.prefix = (uint8_t)prefix;
	/* ::ffff:a.b.c.d/104 is an IPv4 network: store it as one */
	if (n.len == 16 && n.prefix >= 96 && memcmp(n.addr, v4mapped, 12) == 0) {
		memmove(n.addr, n.addr + 12, 4);
		memset(n.addr + 4, 0, 12);
		n.len = 4;
		n.prefix -= 96;
	}
	hostlist_mask(&n);
	if (hl->count >= HOSTLIST_MAX) {
		vbuf_printf(why, "more than %d entries", HOSTLIST_MAX);
		return false;
	}
	if (hl->count == hl->alloc) {
		hl->alloc = hl->alloc ? hl->alloc * 2 : 8;
		hl->net = xreallocarray(hl->net, hl->alloc, sizeof(*hl->net));
	}
	n.neg = neg;
	hl->net[hl->count++] = n;
	return true;
}

/* hostlist_token - add one token; returns 1 on error, 0 if it went in */
static int hostlist_token(struct hostlist *hl, const char *tok, const char *what,
			  const char *origin, unsigned line, struct vbuf *errors)
{
	struct vbuf why = VBUF_INIT(512);
	int bad = 0;

	if (what != NULL)
		vbuf_printf(&why, "%s: ", what);
	if (!hostlist_add(hl, tok, &why)) {
		confvalue_error(errors, origin, line, "%s", vbuf_str(&why));
		bad = 1;
	}
	vbuf_free(&why);
	return bad;
}

/* hostlist_words - add every blank- or comma-separated entry of one line */
static int hostlist_words(struct hostlist *hl, char *s, const char *origin,
			  unsigned line, struct vbuf *errors)
{
	int bad = 0;
	char *save = NULL;

	for (char *tok = strtok_r(s, ", \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t\r\n", &save))
		bad += hostlist_token(hl, tok, NULL, origin, line, errors);
	return bad;
}

/* hostlist_read - the whole of a file: dataset, capped */
static char *hostlist_read(const char *path, size_t *lenp, struct vbuf *why)
{
	struct vbuf b = VBUF_INIT(HOSTLIST_FILE_MAX);
	enum vbuf_read st = vbuf_read_file(&b, path);

	if (st != VBUF_READ_OK) {
		if (st == VBUF_READ_OPEN)
			vbuf_printf(why, "cannot open %s: %s", path, strerror(errno));
		else if (st == VBUF_READ_BIG)
			vbuf_printf(why, "%s: larger than %u bytes", path, HOSTLIST_FILE_MAX);
		else
			vbuf_printf(why, "%s: read error", path);
		vbuf_free(&b);
		return NULL;
	}
	*lenp = b.len;
	return b.data ? b.data : xstrdup("");
}

/* hostlist_file - a file: dataset, one or more entries a line, # comments */
static int hostlist_file(struct hostlist *hl, const char *path, const char *what,
			 const char *origin, unsigned line, struct vbuf *errors)
{
	struct vbuf why = VBUF_INIT(512);
	struct lines it;
	const char *s;
	size_t len = 0, n;
	char *text;
	int bad = 0;

	vbuf_printf(&why, "%s: ", what);
	text = hostlist_read(path, &len, &why);
	if (text == NULL) {
		confvalue_error(errors, origin, line, "%s", vbuf_str(&why));
		vbuf_free(&why);
		return 1;
	}
	vbuf_free(&why);
	lines_init(&it, text, len, false);
	while (lines_next(&it, &s, &n)) {
		char *p = text + (s - text), *hash;

		p[n] = '\0';	/* the LF, or the terminating NUL of the last line */
		if (strlen(p) != n) {
			confvalue_error(errors, path, it.no, "NUL byte in line");
			bad++;
			continue;
		}
		if ((hash = strchr(p, '#')) != NULL)
			*hash = '\0';
		if (strstr(p, "file:") != NULL) {
			confvalue_error(errors, path, it.no, "file: datasets do not nest");
			bad++;
			continue;
		}
		bad += hostlist_words(hl, p, path, it.no, errors);
	}
	free(text);
	return bad;
}

/*
 * hostlist_parse - add the entries of an option value: a list, "csl:" list
 * or "file:PATH" datasets. Returns the number of errors appended.
 */
int hostlist_parse(struct hostlist *hl, const char *value, const char *basedir,
		   const char *what, const char *origin, unsigned line,
		   struct vbuf *errors)
{
	char *copy = xstrdup(value);
	char *s = copy, *save = NULL;
	int bad = 0;

	if (strncmp(s, "csl:", 4) == 0)
		s += 4;
	for (char *tok = strtok_r(s, ", \t", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		size_t alpha = strspn(tok, "abcdefghijklmnopqrstuvwxyz");
		struct in6_addr probe;

		if (strncmp(tok, "file:", 5) == 0) {
			char *path = confvalue_path(tok + 5, basedir);

			bad += hostlist_file(hl, path, what, origin, line, errors);
			free(path);
		} else if (alpha >= 3 && tok[alpha] == ':' &&
			   inet_pton(AF_INET6, tok, &probe) != 1) {
			struct vbuf why = VBUF_INIT(256);

			vbuf_printf(&why, "%s: unsupported dataset type '%.*s:' (use a list or file:)",
				    what, (int)alpha, tok);
			confvalue_error(errors, origin, line, "%s", vbuf_str(&why));
			vbuf_free(&why);
			bad++;
		} else {
			bad += hostlist_token(hl, tok, what, origin, line, errors);
		}
	}
	free(copy);
	return bad;
}

/* hostlist_covers - whether network n contains addr (same family) */
static bool hostlist_covers(const struct hostlist_net *n, const uint8_t *addr)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (memcmp(n->addr, addr, full) != 0)
		return false;
	return rest == 0 || (addr[full] & (uint8_t)(0xff << (8 - rest))) == n->addr[full];
}

/* hostlist_match - whether addr (4 or 16 bytes) is in the list */
bool hostlist_match(const struct hostlist *hl, const uint8_t *addr, size_t len)
{
	int best = -1;
	bool neg = false;

	if (hl == NULL)
		return false;
	if (len == 16 && memcmp(addr, v4mapped, 12) == 0) {
		addr += 12;
		len = 4;
	}
	for (size_t i = 0; i < hl->count; i++) {
		const struct hostlist_net *n = &hl->net[i];

		if (n->len != len || (int)n->prefix <= best)
			continue;
		if (hostlist_covers(n, addr)) {
			best = n->prefix;
			neg = n->neg;
		}
	}
	return best >= 0 && !neg;
}

/* hostlist_match_text - match an address written as text */
bool hostlist_match_text(const struct hostlist *hl, const char *text)
{
	uint8_t addr[16];

	if (inet_pton(AF_INET, text, addr) == 1)
		return hostlist_match(hl, addr, 4);
	if (inet_pton(AF_INET6, text, addr) == 1)
		return hostlist_match(hl, addr, 16);
	return false;
}

/* hostlist_format - the list as "net/prefix, ..." for logs and tests */
void hostlist_format(const struct hostlist *hl, struct vbuf *out)
{
	char text[INET6_ADDRSTRLEN];

	for (size_t i = 0; hl != NULL && i < hl->count; i++) {
		const struct hostlist_net *n = &hl->net[i];
		int af = n->len == 4 ? AF_INET : AF_INET6;

		inet_ntop(af, n->addr, text, sizeof(text));
		vbuf_printf(out, "%s%s%s/%u", i ? ", " : "", n->neg ? "!" : "",
			    text, n->prefix);
	}
}
