/*
 * links - links from decoded text and HTML (see links.h).
 *
 * Touches: its own buffers and the sink. Never fails: what does not look like
 * a link is text; caps count what they drop.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "html.h"
#include "linkfind.h"
#include "links.h"
#include "linkscan.h"
#include "redirect.h"
#include "utf8.h"
#include "vbuf.h"
#include "xalloc.h"

#define LINKS_KEEP 2048		/* bytes kept when a long run is looked at in windows */
#define LINKS_SLOTS (LINKS_MAX * 4)

struct links_slot {
	uint64_t hash;
	unsigned gen;
};

struct links {
	struct links_sink sink;
	struct links_stats st;
	struct html *html;
	bool in_html;
	struct vbuf tok;		/* text since the last break */
	bool tok_cut;
	bool tok_say;			/* the sink gets tok's text at its flush */
	size_t found;			/* links found in visible text so far */
	/* the anchor being read */
	bool anchor;
	struct vbuf href, atext;
	bool atext_space, atext_cut, aimage;
	struct url ahost;		/* first name shown in the anchor's text */
	bool ahost_set;
	struct vbuf thost;
	/* <base href> */
	struct url base;
	bool base_set;
	int kind;				/* kind of the tag being read (links_kind) */
	struct links_slot seen[LINKS_SLOTS];	/* identities delivered */
	struct links_slot raw[LINKS_SLOTS];	/* links as written, already handled */
	size_t raw_count;
	unsigned gen;
	bool deep;				/* past MaxBodyScan: the cheap scanner reads */
	struct linkscan *scan;			/* allocated at the first links_deep */
};

/* links_capture - links_text_host's finder: keep the first name that leads somewhere */
static void links_capture(void *ctx, enum link_source src, const char *s, size_t n)
{
	struct url *u = ctx, tmp;

	if (u->host_len == 0 && linkfind_parse(&tmp, src, s, n))
		*u = tmp;
}

/* links_text_host - the first domain-like name shown in text (a URL's host, an address's domain) */
bool links_text_host(const char *text, size_t len, struct url *host)
{
	size_t i = 0;

	memset(host, 0, sizeof(*host));
	host->port = -1;
	while (i < len && host->host_len == 0) {
		size_t j = i;

		while (j < len && !(linkfind_class[(unsigned char)text[j]] & LINKFIND_BREAK))
			j++;
		if (j > i)
			linkfind_run(text + i, j - i, links_capture, host);
		i = j + 1;
	}
	return host->host_len > 0;
}

/* links_hash - FNV-1a over a link's identity */
static uint64_t links_hash(enum link_source src, const struct url *u, const struct url *shown)
{
	uint64_t h = hash_fnv1a(HASH_FNV_OFFSET ^ (uint64_t)src, u->host, u->host_len);

	h = hash_fnv1a(h, "\xff", 1);	/* between the two hosts */
	if (shown != NULL)
		h = hash_fnv1a(h, shown->host, shown->host_len);
	return h ? h : 1;
}

/*
 * links_seen - whether this identity was delivered already; if not, and
 * insert says so, remember it. The table never holds more than LINKS_MAX of
 * its LINKS_SLOTS slots, so a probe always ends.
 */
static bool links_seen(struct links *l, struct links_slot *table, uint64_t hash, bool insert)
{
	size_t i = (size_t)(hash % LINKS_SLOTS);

	for (;;) {
		struct links_slot *s = &table[i];

		if (s->gen != l->gen) {
			if (insert) {
				s->gen = l->gen;
				s->hash = hash;
			}
			return false;
		}
		if (s->hash == hash)
			return true;
		i = (i + 1) % LINKS_SLOTS;
	}
}

/* links_raw_hash - FNV-1a over a link as written, with the name it shows */
static uint64_t links_raw_hash(enum link_source src, const char *url, size_t n, const struct url *shown)
{
	uint64_t h = 0x84222325cbf29ce4ull ^ (uint64_t)src;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)url[i]) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull;
	for (size_t i = 0; shown && i < shown->host_len; i++)
		h = (h ^ (unsigned char)shown->host[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

/* links_deliver - hand a link over, unless it is a duplicate or past the cap */
static void links_deliver(struct links *l, struct link *lk, const struct url *u,
			  const struct url *shown)
{
	uint64_t hash = links_hash(lk->source, u, shown);

	if (links_seen(l, l->seen, hash, l->st.delivered < LINKS_MAX)) {
		l->st.duplicates++;
		return;
	}
	if (l->st.delivered == LINKS_MAX) {
		l->st.dropped++;
		return;
	}
	lk->target = u;
	if (shown && shown->host_len) {
		lk->text_host = shown->host;
		lk->text_host_len = shown->host_len;
	}
	l->st.delivered++;
	if (l->sink.link)
		l->sink.link(l->sink.arg, lk);
}

/* The targets a redirector's URL carries, parsed. */
struct links_targets {
	struct url u[REDIRECT_TARGETS_MAX];
	size_t n;
	const struct url *via;
};

/* links_target - redirect.h's callback: keep a target that leads to another host */
static void links_target(void *ctx, const char *t, size_t n, unsigned depth)
{
	struct links_targets *lt = ctx;
	struct url *u = &lt->u[lt->n];

	(void)depth;
	if (lt->n == REDIRECT_TARGETS_MAX || !url_parse(u, t, n, true) || u->host_len == 0 ||
	    (u->flags & URL_F_MAILTO) || strcmp(u->host, lt->via->host) == 0)
		return;
	for (size_t i = 0; i < lt->n; i++)
		if (strcmp(lt->u[i].host, u->host) == 0)
			return;
	lt->n++;
}

/* links_redirects - deliver a link, then the targets its URL carries */
static void links_redirects(struct links *l, struct link *lk, const struct url *u,
			    const struct url *shown)
{
	struct links_targets lt = { .n = 0, .via = u };
	struct link tk;

	redirect_targets(lk->url, lk->url_len, links_target, &lt);
	if (lt.n)
		lk->flags |= LINK_F_TARGETS;
	tk = *lk;
	links_deliver(l, lk, u, shown);
	for (size_t i = 0; i < lt.n; i++) {
		struct link t = tk;

		t.flags = (tk.flags & ~LINK_F_TARGETS) | LINK_F_REDIRECT;
		t.via = u->host;
		links_deliver(l, &t, &lt.u[i], shown);
	}
}

/* links_emit - a link found: its target, and what it shows */
static void links_emit(struct links *l, enum link_source src, const char *url, size_t n,
		       const char *text, size_t tlen, const struct url *shown, unsigned flags)
{
	struct link lk;
	struct url u;
	uint64_t raw = links_raw_hash(src, url, n, shown);

	/* the same link written again (a newsletter's repeated links): no second parse */
	if (links_seen(l, l->raw, raw, l->raw_count < LINKS_SLOTS / 2)) {
		l->st.duplicates++;
		return;
	}
	l->raw_count++;
	if (!linkfind_parse(&u, src, url, n)) {
		bool relative = u.scheme[0] == '\0' && !(u.flags & URL_F_NO_SCHEME);

		if (src < LINK_HREF || !relative || !l->base_set)
			return;		/* javascript:, cid:, relative with no <base>: nowhere */
		u = l->base;
		flags |= LINK_F_BASE;
	}
	memset(&lk, 0, sizeof(lk));
	lk.source = src;
	lk.flags = flags | (l->in_html ? LINK_F_HTML : 0);
	lk.url = url;
	lk.url_len = n < URL_MAX ? n : URL_MAX;
	lk.text = text ? text : "";
	lk.text_len = text ? tlen : 0;
	if (src == LINK_EMAIL)
		links_deliver(l, &lk, &u, shown);
	else
		links_redirects(l, &lk, &u, shown);
}

/* links_found - a link in visible text: inside an anchor it is what the anchor shows */
static void links_found(void *ctx, enum link_source src, const char *s, size_t n)
{
	struct links *l = ctx;

	if (l->anchor) {
		if (!l->ahost_set && linkfind_parse(&l->ahost, src, s, n))
			l->ahost_set = true;
		return;
	}
	l->found++;	/* a link of its own, not what an anchor shows: links_said */
	links_emit(l, src, s, n, NULL, 0, NULL, 0);
}

/* links_say - visible text for the sink (the words a reader reads) */
static void links_say(struct links *l, const char *s, size_t n)
{
	if (l->sink.text && n > 0)
		l->sink.text(l->sink.arg, s, n);
}

/*
 * links_said - a run of visible text after the link finder looked at it: a
 * run that held a link of its own (a URL, a bare domain, an address; not
 * what an anchor shows) is a space for the sink, so that a brand inside a
 * host name ("viamedis-securite.fr" quoted in a warning) is not read as
 * the text naming the brand
 */
static void links_said(struct links *l, const char *s, size_t n, size_t found_before)
{
	if (l->found != found_before)
		links_say(l, " ", 1);
	else
		links_say(l, s, n);
}

/* links_tok_flush - a break: look at the run of text collected */
static void links_tok_flush(struct links *l)
{
	size_t before = l->found;

	if (l->tok.len) {
		linkfind_run(l->tok.data, l->tok.len, links_found, l);
		if (l->tok_say)
			links_said(l, l->tok.data, l->tok.len, before);
	}
	vbuf_reset(&l->tok);
	l->tok_say = false;
}

/* links_tok_add - text with no ASCII break; a run too long is looked at in overlapping windows */
static void links_tok_add(struct links *l, const char *s, size_t n)
{
	while (n) {
		size_t room = LINKS_TOKEN_MAX - l->tok.len, take = n < room ? n : room;
		size_t keep = LINKS_KEEP;

		vbuf_add(&l->tok, s, take);
		s += take;
		n -= take;
		if (l->tok.len < LINKS_TOKEN_MAX)
			continue;
		linkfind_run(l->tok.data, l->tok.len, links_found, l);
		while (keep < l->tok.len && ((unsigned char)l->tok.data[l->tok.len - keep] & 0xc0) == 0x80)
			keep++;
		/* what leaves the window is said as it is; the rest at the flush */
		if (l->tok_say)
			links_say(l, l->tok.data, l->tok.len - keep);
		memmove(l->tok.data, l->tok.data + l->tok.len - keep, keep);
		vbuf_truncate(&l->tok, keep);
	}
}

/*
 * links_scan - visible text through the link finder (runs without '.', ':'
 * or '@' are skipped); say: the text also goes to the sink, a run that
 * holds a link as a space (links_said)
 */
static void links_scan(struct links *l, const char *s, size_t n, bool say)
{
	size_t i = 0, said = 0;

	while (i < n) {
		size_t j = i, before = l->found;
		unsigned seen = 0;

		while (j < n && !((seen |= linkfind_class[(unsigned char)s[j]]) & LINKFIND_BREAK))
			j++;
		if (j < n && l->tok.len == 0 && j - i <= LINKS_TOKEN_MAX) {
			/* a whole run inside this piece: looked at where it is, not copied */
			if (seen & LINKFIND_HINT)
				linkfind_run(s + i, j - i, links_found, l);
			if (say && l->found != before) {
				links_say(l, s + said, i - said);
				links_said(l, s + i, j - i, before);
				said = j;
			}
			i = j + 1;
			continue;
		}
		if (say) {
			links_say(l, s + said, i - said);	/* what came before the run */
			said = j < n ? j : n;
		}
		if (j > i) {
			l->tok_say = l->tok_say || say;
			links_tok_add(l, s + i, j - i);
		}
		if (j < n) {
			links_tok_flush(l);
			j++;
		}
		i = j;
	}
	if (say)
		links_say(l, s + said, (i < n ? i : n) - said);
}

/* links_atext - an anchor's visible text, white space collapsed, capped */
static void links_atext(struct links *l, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !l->atext_cut) {
		unsigned char c = (unsigned char)s[i];
		size_t j = i, k;
		uint32_t cp;

		/* a run of printable ASCII goes in at once */
		while (j < n && (unsigned char)s[j] > ' ' && (unsigned char)s[j] < 0x7f)
			j++;
		k = j > i ? j - i : utf8_decode(s + i, n - i, &cp);
		if (j == i && (cp == UTF8_INVALID || utf8_is_space(cp) || cp < 0x20 || cp == 0x7f)) {
			if (cp != UTF8_INVALID && c != 0x7f)
				l->atext_space = l->atext.len > 0;
			i += k;
			continue;
		}
		if (l->atext.len + (l->atext_space ? 1 : 0) + k > LINK_TEXT_MAX) {
			/* keep the whole characters that fit, then stop */
			size_t room = LINK_TEXT_MAX - l->atext.len - (l->atext_space ? 1 : 0);

			if (j > i && room > 0 && room < k) {
				if (l->atext_space)
					vbuf_addc(&l->atext, ' ');
				vbuf_add(&l->atext, s + i, room);
			}
			l->atext_cut = true;
			return;
		}
		if (l->atext_space)
			vbuf_addc(&l->atext, ' ');
		l->atext_space = false;
		vbuf_add(&l->atext, s + i, k);
		i += k;
	}
}

/* links_anchor_end - an anchor closes (</a>, a new <a>, the end): deliver it */
static void links_anchor_end(struct links *l)
{
	if (!l->anchor)
		return;
	links_tok_flush(l);	/* its last word may be the name it shows */
	l->anchor = false;
	links_emit(l, LINK_HREF, vbuf_str(&l->href), l->href.len, vbuf_str(&l->atext),
		   l->atext.len, l->ahost_set ? &l->ahost : NULL,
		   (l->atext_cut ? LINK_F_TEXT_CUT : 0) | (l->aimage ? LINK_F_IMAGE : 0));
}

/* links_anchor_begin - <a href=...> opens */
static void links_anchor_begin(struct links *l, const char *href, size_t n)
{
	links_tok_flush(l);
	l->anchor = true;
	vbuf_reset(&l->href);
	vbuf_add(&l->href, href, n < URL_MAX ? n : URL_MAX);
	vbuf_reset(&l->atext);
	l->atext_space = l->atext_cut = l->aimage = false;
	l->ahost_set = false;
}

/* links_break - a block tag: text on either side does not join */
static void links_break(struct links *l)
{
	links_tok_flush(l);
	if (l->anchor)
		l->atext_space = l->atext.len > 0;
	if (l->sink.text)
		l->sink.text(l->sink.arg, " ", 1);
}

enum links_tag_kind { LT_OTHER, LT_BLOCK, LT_A, LT_AREA, LT_BASE, LT_FORM, LT_IMG };

/*
 * links_kind - what a tag is to the link finder: an anchor, one of the other
 * tags with a link, a block (it ends the word where it stands), or nothing.
 */
static enum links_tag_kind links_kind(const char *tag)
{
	static const struct {
		const char *name;
		enum links_tag_kind kind;
	} tags[] = {	/* sorted */
		{ "a", LT_A }, { "address", LT_BLOCK }, { "area", LT_AREA }, { "article", LT_BLOCK },
		{ "aside", LT_BLOCK }, { "base", LT_BASE }, { "blockquote", LT_BLOCK },
		{ "br", LT_BLOCK }, { "button", LT_BLOCK }, { "caption", LT_BLOCK },
		{ "center", LT_BLOCK }, { "dd", LT_BLOCK }, { "div", LT_BLOCK }, { "dl", LT_BLOCK },
		{ "dt", LT_BLOCK }, { "fieldset", LT_BLOCK }, { "figcaption", LT_BLOCK },
		{ "figure", LT_BLOCK }, { "footer", LT_BLOCK }, { "form", LT_FORM },
		{ "h1", LT_BLOCK }, { "h2", LT_BLOCK }, { "h3", LT_BLOCK }, { "h4", LT_BLOCK },
		{ "h5", LT_BLOCK }, { "h6", LT_BLOCK }, { "header", LT_BLOCK }, { "hr", LT_BLOCK },
		{ "iframe", LT_BLOCK }, { "img", LT_IMG }, { "li", LT_BLOCK }, { "main", LT_BLOCK },
		{ "nav", LT_BLOCK }, { "ol", LT_BLOCK }, { "option", LT_BLOCK }, { "p", LT_BLOCK },
		{ "pre", LT_BLOCK }, { "section", LT_BLOCK }, { "select", LT_BLOCK },
		{ "table", LT_BLOCK }, { "tbody", LT_BLOCK }, { "td", LT_BLOCK },
		{ "textarea", LT_BLOCK }, { "tfoot", LT_BLOCK }, { "th", LT_BLOCK },
		{ "thead", LT_BLOCK }, { "tr", LT_BLOCK }, { "ul", LT_BLOCK },
	};
	size_t lo = 0, hi = sizeof(tags) / sizeof(tags[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(tag, tags[mid].name);

		if (c == 0)
			return tags[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return LT_OTHER;
}

/* links_want - the tags whose attributes matter (the kind is kept for links_tag) */
static bool links_want(void *arg, const char *tag, bool end)
{
	struct links *l = arg;

	l->kind = links_kind(tag);
	return !end && l->kind >= LT_A;
}

/* links_href - an href, or SVG's xlink:href */
static const struct html_attr *links_href(const struct html_attr *a, size_t n)
{
	const struct html_attr *h = html_attr(a, n, "href");

	return h ? h : html_attr(a, n, "xlink:href");
}

/* links_tag - a tag of the HTML being read */
static void links_tag(void *arg, const char *tag, bool end, const struct html_attr *a, size_t n)
{
	struct links *l = arg;
	const struct html_attr *v, *alt = NULL;
	enum links_tag_kind kind = l->kind;

	l->kind = LT_OTHER;
	if (kind == LT_A) {
		links_anchor_end(l);	/* </a>, or an <a> inside an <a>, closes it */
		if (!end && (v = links_href(a, n)) != NULL)
			links_anchor_begin(l, v->value, v->value_len);
		return;
	}
	if (kind == LT_BLOCK || kind == LT_FORM || kind == LT_IMG)
		links_break(l);
	if (end)
		return;
	if (kind == LT_IMG && (alt = html_attr(a, n, "alt")) != NULL) {
		links_say(l, alt->value, alt->value_len);	/* shown where the image is not */
		if (l->anchor) {
			links_atext(l, alt->value, alt->value_len);
			links_scan(l, alt->value, alt->value_len, false);
		}
		links_break(l);
	}
	if (kind == LT_IMG && l->anchor) {
		l->aimage = true;
	} else if (kind == LT_AREA && (v = links_href(a, n)) != NULL) {
		struct url shown;
		const char *t = "";
		size_t tl = 0;

		if ((alt = html_attr(a, n, "alt")) != NULL) {
			t = alt->value;
			tl = alt->value_len;
			if (tl > LINK_TEXT_MAX) {
				tl = LINK_TEXT_MAX;
				while (tl > 0 && ((unsigned char)t[tl] & 0xc0) == 0x80)
					tl--;
			}
		}
		links_emit(l, LINK_AREA, v->value, v->value_len, t, tl,
			   links_text_host(t, tl, &shown) ? &shown : NULL, 0);
	} else if (kind == LT_FORM && (v = html_attr(a, n, "action")) != NULL) {
		links_emit(l, LINK_FORM, v->value, v->value_len, NULL, 0, NULL, 0);
	} else if (kind == LT_BASE && !l->base_set && (v = html_attr(a, n, "href")) != NULL) {
		l->base_set = url_parse(&l->base, v->value, v->value_len, false);
	}
}

/* links_html_text - visible text of the HTML being read */
static void links_html_text(void *arg, const char *s, size_t n)
{
	struct links *l = arg;

	if (l->anchor)
		links_atext(l, s, n);
	links_scan(l, s, n, true);
}

/* links_new - a link finder reporting to sink */
struct links *links_new(const struct links_sink *sink)
{
	struct links *l = xcalloc(1, sizeof(*l));
	struct html_sink hs = { links_want, links_tag, links_html_text, l };

	l->sink = *sink;
	l->html = html_new(&hs);
	vbuf_init(&l->tok, LINKS_TOKEN_MAX);
	vbuf_init(&l->href, URL_MAX);
	vbuf_init(&l->atext, LINK_TEXT_MAX);
	links_reset(l);
	return l;
}

/* links_free - release everything */
void links_free(struct links *l)
{
	if (l == NULL)
		return;
	html_free(l->html);
	free(l->scan);
	vbuf_free(&l->tok);
	vbuf_free(&l->href);
	vbuf_free(&l->atext);
	free(l);
}

/* links_deep_found - linkscan's callback: a URL past MaxBodyScan, while the budget lasts */
static void links_deep_found(void *ctx, const char *url, size_t n)
{
	struct links *l = ctx;

	if (l->st.deep == LINKS_DEEP_MAX) {
		l->st.deep_dropped++;
		return;
	}
	l->st.deep++;
	links_emit(l, LINK_URL, url, n, NULL, 0, NULL, LINK_F_DEEP);
}

/*
 * links_deep - from now on the text is past MaxBodyScan: what is open is
 * complete, and only the cheap scanner reads what follows
 */
void links_deep(struct links *l)
{
	if (l->deep)
		return;
	if (l->in_html) {
		html_end(l->html);
		links_anchor_end(l);
	}
	links_tok_flush(l);
	l->deep = true;
	if (l->scan == NULL)
		l->scan = xmalloc(sizeof(*l->scan));
	linkscan_init(l->scan);
}

/* links_full - past MaxBodyScan, whether more text can give nothing: a link cap is reached */
bool links_full(const struct links *l)
{
	return l->deep && (l->st.deep >= LINKS_DEEP_MAX || l->st.delivered >= LINKS_MAX);
}

/* links_reset - a new message: counts, duplicates and <base> forgotten */
void links_reset(struct links *l)
{
	memset(&l->st, 0, sizeof(l->st));
	l->raw_count = 0;
	if (++l->gen == 0) {
		memset(l->seen, 0, sizeof(l->seen));
		memset(l->raw, 0, sizeof(l->raw));
		l->gen = 1;
	}
	l->base_set = false;
	l->anchor = false;
	l->in_html = false;
	l->deep = false;
	vbuf_reset(&l->tok);
}

/* links_begin - a text part begins (HTML or plain) */
void links_begin(struct links *l, bool html)
{
	l->in_html = html;
	l->anchor = false;
	l->base_set = false;	/* <base> is per document */
	vbuf_reset(&l->tok);
	if (l->deep)
		linkscan_end(l->scan, links_deep_found, l);
	else if (html)
		html_reset(l->html);
}

/* links_text - the next piece of the part's decoded text */
void links_text(struct links *l, const char *utf8, size_t len)
{
	if (l->deep) {
		linkscan_feed(l->scan, utf8, len, links_deep_found, l);
		return;
	}
	if (l->in_html) {
		html_feed(l->html, utf8, len);
		return;
	}
	links_scan(l, utf8, len, true);
}

/* links_end - the part ends: what is still open is complete */
void links_end(struct links *l)
{
	if (l->deep) {
		linkscan_end(l->scan, links_deep_found, l);
		l->in_html = false;
		return;
	}
	if (l->in_html) {
		html_end(l->html);
		links_anchor_end(l);
	}
	links_tok_flush(l);
	l->in_html = false;
}

/* links_stats - what was found */
const struct links_stats *links_stats(const struct links *l)
{
	return &l->st;
}
