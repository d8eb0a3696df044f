/*
 * message_links - every link of the body, as links.c finds it: its host is
 * judged once per message by the domain engine (address literals are not
 * domains: they are kept, unjudged), and what its text shows (a domain in
 * an anchor's text, or before the '@' of the URL) is kept for the end,
 * where message_judge.c decides what it means. A redirector's targets
 * (links.h) come as links of their own, naming it.
 *
 * Touches: the message's link tables, grown up to MESSAGE_HOSTS_MAX hosts
 * and MESSAGE_LINKS_MAX links; the rest is counted in the caps.
 */
#include <config.h>

#include <string.h>

#include "brands.h"
#include "domain.h"
#include "detector.h"
#include "message_int.h"
#include "utf8.h"
#include "xalloc.h"

/* message_host_get - the judged host of a URL, judged now if new; NULL past the cap */
static const struct message_host *message_host_get(struct message *m, const struct url *u)
{
	struct message_host *h;

	for (size_t i = 0; i < m->nhosts; i++)
		if (strcmp(m->host[i].host, u->host) == 0)
			return &m->host[i];
	if (m->nhosts == MESSAGE_HOSTS_MAX)
		return NULL;
	if (m->nhosts == m->ahosts) {
		m->ahosts = m->ahosts ? 2 * m->ahosts : 8;
		m->host = xreallocarray(m->host, m->ahosts, sizeof(*m->host));
	}
	h = &m->host[m->nhosts++];
	memset(h, 0, sizeof(*h));
	memcpy(h->host, u->host, u->host_len + 1);
	h->ip = (u->flags & (URL_F_IPV4 | URL_F_IPV6)) != 0;
	if (h->ip)
		reason_subject_copy(h->dom.ascii, sizeof(h->dom.ascii), u->host, u->host_len);
	else
		message_dom_check(m, u->host, u->host_len, WHERE_LINK, &h->dom, false);
	return h;
}

/* message_shown - the brand owning a domain shown to the reader, or NULL */
static const struct brand *message_shown(struct message *m, const char *name, size_t len,
					 char *ascii)
{
	struct domain d;

	if (len == 0 || domain_parse(&d, name, len, detector_psl(m->det)) != DOMAIN_OK)
		return NULL;
	memcpy(ascii, d.ascii, d.ascii_len + 1);
	return brands_owner(m->brands, d.ascii);
}

/* message_userinfo - "https://viamedis.fr@evil.example/": the name before '@' */
static const struct brand *message_userinfo(struct message *m, const struct url *u, char *ascii)
{
	size_t n = strcspn(u->user, ":");

	if (!(u->flags & URL_F_USERINFO) || memchr(u->user, '.', n) == NULL)
		return NULL;
	return message_shown(m, u->user, n, ascii);
}

/* message_copy_host - the host for reports: A-labels when it parsed */
static void message_copy_host(char *out, const struct message_host *h)
{
	const char *src = h->dom.parsed ? h->dom.ascii : h->host;
	size_t n = strlen(src);

	if (n > 255)
		n = 255;
	memcpy(out, src, n);
	out[n] = '\0';
}

/*
 * message_mention - a name written in text that leads nowhere by itself: an
 * address, or a bare domain with no path ("un mail de viamedis-securite.fr"),
 * as colleagues quote them in warnings; a URL, www., a path or HTML is a link
 */
static bool message_mention(const struct link *l)
{
	if (l->source == LINK_EMAIL)
		return true;
	return l->source == LINK_BARE && memchr(l->url, '/', l->url_len) == NULL;
}

/* message_link_seen - links.c's sink: one link, kept for judging at the end */
void message_link_seen(void *arg, const struct link *l)
{
	struct message *m = arg;
	const struct message_host *h;
	struct message_linkrec *r;
	char shows[DNSNAME_MAX + 1] = "";
	const struct brand *sb = NULL;
	bool userinfo = false, mention;

	if (m->obs && m->obs->link)
		m->obs->link(m->obs->ctx, l);
	if (l->source == LINK_FORM)
		m->forms++;	/* a form to fill in: what a body claim needs (message_claims.c) */
	if (l->target->host_len == 0)
		return;
	if (l->text_host && l->text_host_len)
		sb = message_shown(m, l->text_host, l->text_host_len, shows);
	if (sb == NULL && (sb = message_userinfo(m, l->target, shows)) != NULL)
		userinfo = true;
	if (sb == NULL && l->text_host == NULL)
		shows[0] = '\0';
	if ((h = message_host_get(m, l->target)) == NULL) {
		m->caps.links_unjudged++;
		return;
	}
	mention = message_mention(l);
	for (size_t i = 0; i < m->nlinks; i++)
		if (m->link[i].host == (size_t)(h - m->host) &&
		    strcmp(m->link[i].shows_domain, shows) == 0) {
			if (m->link[i].mention && !mention) {
				m->link[i].mention = false;	/* linked after all */
				m->link[i].out.source = l->source;
			}
			if (!(l->flags & LINK_F_TARGETS))
				m->link[i].has_targets = false;
			return;		/* judged already */
		}
	if (m->nlinks == MESSAGE_LINKS_MAX) {
		m->caps.links_unjudged++;
		return;
	}
	if (m->nlinks == m->alinks) {
		m->alinks = m->alinks ? 2 * m->alinks : 8;
		m->link = xreallocarray(m->link, m->alinks, sizeof(*m->link));
	}
	r = &m->link[m->nlinks++];
	memset(r, 0, sizeof(*r));
	r->host = (size_t)(h - m->host);
	r->shows_brand = sb;
	r->in_userinfo = userinfo;
	r->mention = mention;
	r->unsigned_part = m->unsigned_on;
	r->has_targets = (l->flags & LINK_F_TARGETS) != 0;
	if (l->via)
		utf8_copy(r->out.via, sizeof(r->out.via), l->via);
	memcpy(r->shows_domain, shows, strlen(shows) + 1);
	r->out.source = l->source;
	message_copy_host(r->out.host, h);
	memcpy(r->out.shows, shows, strlen(shows) + 1);
}
