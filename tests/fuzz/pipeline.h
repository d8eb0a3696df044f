/*
 * pipeline - every message parser wired together the way the analysis
 * (message.c) is meant to: rawmsg's calls -> header caps, RFC 2047 and
 * address parsing of the fields that matter -> at the end of the header,
 * mime with the message's Content-Type -> decoded text -> links.
 *
 * The golden-file tests print what it finds; the fuzz targets run it and
 * check the invariants the parsers promise (well-formed UTF-8 out, no
 * controls in decoded headers, caps held, CRLF bodies). Shared by both.
 */
#ifndef VIGIE_TEST_PIPELINE_H
#define VIGIE_TEST_PIPELINE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "header.h"
#include "links.h"
#include "mime.h"
#include "rawmsg.h"
#include "utf8.h"
#include "vbuf.h"

/* pipeline_check - an invariant; a broken one aborts (the fuzzer reports it) */
#define pipeline_check(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

struct pipeline {
	FILE *out;			/* transcript, or NULL */
	bool check;			/* check the invariants (the bench turns it off) */
	struct header hdr;
	struct address_list addrs;
	struct vbuf text, ctype, cte;
	struct mime *mime;
	struct links *links;
	bool body_open;
	char last;			/* last body byte given to mime */
	size_t messages;
};

/* pipeline_utf8 - s is well-formed UTF-8 */
static inline void pipeline_utf8(const char *s, size_t n)
{
	pipeline_check(utf8_valid_prefix(s, n) == n);
}



/* pipeline_print - a string in the transcript, controls escaped */
static inline void pipeline_print(struct pipeline *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", p->out);
		else if (c == '\r')
			fputs("\\r", p->out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(p->out, "\\x%02x", c);
		else
			fputc(c, p->out);
	}
}

/* pipeline_addresses - an address field, parsed and checked */
static inline void pipeline_addresses(struct pipeline *p, const char *name, const char *v,
				      size_t len, bool envelope)
{
	struct address_list *l = &p->addrs;

	if (envelope)
		address_envelope(l, &p->hdr, v, len);
	else
		address_parse(l, &p->hdr, v, len);
	pipeline_check(l->count <= ADDRESS_MAX && l->count <= l->total);
	for (size_t i = 0; i < l->count && (p->check || p->out); i++) {
		const struct address *a = &l->item[i];

		pipeline_utf8(a->display, strlen(a->display));
		pipeline_utf8(a->local, strlen(a->local));
		pipeline_utf8(a->domain, strlen(a->domain));
		pipeline_check(strlen(a->display) <= ADDRESS_NAME_MAX);
		if (!p->out)
			continue;
		fprintf(p->out, "%s: display=\"", name);
		pipeline_print(p, a->display, strlen(a->display));
		fprintf(p->out, "\" local=\"");
		pipeline_print(p, a->local, strlen(a->local));
		fprintf(p->out, "\" domain=\"");
		pipeline_print(p, a->domain, strlen(a->domain));
		fprintf(p->out, "\" flags=%#x%s\n", a->flags, address_usable(a) ? " usable" : "");
		size_t pos = 0;
		struct address_span sp;

		while (address_in_text(a->display, strlen(a->display), &pos, &sp))
			fprintf(p->out, "%s: address in display name: %.*s\n", name,
				(int)sp.domain_len, a->display + sp.domain);
	}
	if (p->out && (l->total > l->count || l->lflags))
		fprintf(p->out, "%s: total=%zu lflags=%#x\n", name, l->total, l->lflags);
}

/* pipeline_begin - rawmsg: a message starts */
static inline void pipeline_begin(void *arg, const char *env)
{
	struct pipeline *p = arg;

	header_reset(&p->hdr);
	links_reset(p->links);
	vbuf_reset(&p->ctype);
	vbuf_reset(&p->cte);
	p->body_open = false;
	p->last = '\n';
	p->messages++;
	if (p->out)
		fprintf(p->out, "message %zu%s%s\n", p->messages, env ? " from " : "", env ? env : "");
	if (env)
		pipeline_addresses(p, "envelope", env, strlen(env), true);
}

/* pipeline_header - rawmsg: one field, as libmilter gives it */
static inline void pipeline_header(void *arg, const char *name, const char *value)
{
	struct pipeline *p = arg;
	size_t len = strlen(value);
	enum header_id id = header_id(name, strlen(name));

	if (!header_admit(&p->hdr, id, value, &len))
		return;
	switch (id) {
	case HEADER_FROM:
	case HEADER_SENDER:
	case HEADER_REPLY_TO:
		pipeline_addresses(p, name, value, len, false);
		break;
	case HEADER_RETURN_PATH:
		pipeline_addresses(p, name, value, len, true);
		break;
	case HEADER_SUBJECT: {
		unsigned f;

		vbuf_reset(&p->text);
		f = header_decode(&p->hdr, value, len, &p->text);
		if (p->check)
			pipeline_utf8(p->text.data ? p->text.data : "", p->text.len);
		for (size_t i = 0; p->check && i < p->text.len; i++)
			pipeline_check((unsigned char)p->text.data[i] >= 0x20 && p->text.data[i] != 0x7f);
		if (p->out) {
			fprintf(p->out, "subject: \"");
			pipeline_print(p, vbuf_str(&p->text), p->text.len);
			fprintf(p->out, "\" flags=%#x\n", f);
		}
		break;
	}
	case HEADER_CONTENT_TYPE:
		if (p->hdr.seen[id] == 1)
			vbuf_add(&p->ctype, value, len);
		break;
	case HEADER_CONTENT_TRANSFER_ENCODING:
		if (p->hdr.seen[id] == 1)
			vbuf_add(&p->cte, value, len);
		break;
	default:
		break;
	}
}

/* pipeline_eoh - rawmsg: the header is complete; the body goes to mime */
static inline void pipeline_eoh(void *arg)
{
	struct pipeline *p = arg;

	mime_begin(p->mime, p->hdr.seen[HEADER_CONTENT_TYPE] ? vbuf_str(&p->ctype) : NULL,
		   p->ctype.len, p->hdr.seen[HEADER_CONTENT_TRANSFER_ENCODING] ? vbuf_str(&p->cte) : NULL,
		   p->cte.len);
	p->body_open = true;
}

/* pipeline_body - rawmsg: a body chunk (CRLF line breaks, libmilter-sized) */
static inline void pipeline_body(void *arg, const char *s, size_t n)
{
	struct pipeline *p = arg;

	pipeline_check(n > 0 && n <= RAWMSG_CHUNK);
	for (size_t i = 0; p->check && i < n; i++) {
		if (s[i] == '\n')
			pipeline_check((i ? s[i - 1] : p->last) == '\r');
	}
	p->last = s[n - 1];
	mime_body(p->mime, s, n);
}

/* pipeline_end - rawmsg: the message is complete */
static inline void pipeline_end(void *arg)
{
	struct pipeline *p = arg;
	const struct mime_stats *ms;
	const struct links_stats *ls;

	pipeline_check(p->body_open);
	mime_end(p->mime);
	ms = mime_stats(p->mime);
	ls = links_stats(p->links);
	pipeline_check(ms->depth_max < MIME_DEPTH_MAX && ms->parts <= MIME_PARTS_MAX);
	pipeline_check(ls->delivered <= LINKS_MAX);
	if (p->out) {
		fprintf(p->out, "mime: parts=%u text_parts=%u depth=%u flags=%#x scanned=%zu unscanned=%zu\n",
			ms->parts, ms->text_parts, ms->depth_max, ms->flags, ms->scanned, ms->unscanned);
		fprintf(p->out, "links: delivered=%zu duplicates=%zu dropped=%zu\n",
			ls->delivered, ls->duplicates, ls->dropped);
		if (p->hdr.skipped || p->hdr.truncated)
			fprintf(p->out, "header: skipped=%zu truncated=%zu\n", p->hdr.skipped, p->hdr.truncated);
	}
}

/* pipeline_part_begin .. pipeline_part_end - mime's sink: text goes to links */
static inline void pipeline_part_begin(void *arg, const struct mime_part *part)
{
	struct pipeline *p = arg;

	if (p->out)
		fprintf(p->out, "part %u: %s/%s depth=%u%s\n", part->index, part->content->type,
			part->content->subtype, part->depth, part->attachment ? " attachment" : "");
	links_begin(p->links, part->kind == MIME_HTML);
}

static inline void pipeline_part_text(void *arg, const struct mime_part *part, const char *s, size_t n)
{
	struct pipeline *p = arg;

	if (p->check)
		pipeline_utf8(s, n);
	links_text(p->links, s, n);
}

static inline void pipeline_part_end(void *arg, const struct mime_part *part)
{
	links_end(((struct pipeline *)arg)->links);
}

/* pipeline_link - links's sink: every link, checked and printed */
static inline void pipeline_link(void *arg, const struct link *l)
{
	static const char *const src[] = { "url", "bare", "email", "href", "area", "form" };
	struct pipeline *p = arg;

	pipeline_check(l->target->host_len > 0 && l->target->host_len <= URL_HOST_MAX);
	pipeline_check(l->text_len <= LINK_TEXT_MAX);
	if (p->check)
		pipeline_utf8(l->text, l->text_len);
	if (!p->out)
		return;
	fprintf(p->out, "link %s: host=%s", src[l->source], l->target->host);
	if (l->target->user[0])
		fprintf(p->out, " user=%s", l->target->user);
	if (l->text_len) {
		fprintf(p->out, " text=\"");
		pipeline_print(p, l->text, l->text_len);
		fputc('"', p->out);
	}
	if (l->text_host)
		fprintf(p->out, " shows=%.*s", (int)l->text_host_len, l->text_host);
	fprintf(p->out, " flags=%#x/%#x\n", l->flags, l->target->flags);
}

/* pipeline_new - the parsers wired together; out: where the transcript goes, or NULL */
static inline struct pipeline *pipeline_new(FILE *out, size_t max_scan)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct links_sink ls = { pipeline_link, NULL, p };
	struct mime_sink ms = { pipeline_part_begin, pipeline_part_text, pipeline_part_end, p };

	p->out = out;
	p->check = true;
	header_init(&p->hdr);
	address_list_init(&p->addrs);
	vbuf_init(&p->text, HEADER_TEXT_MAX);
	vbuf_init(&p->ctype, HEADER_VALUE_MAX);
	vbuf_init(&p->cte, HEADER_VALUE_MAX);
	p->links = links_new(&ls);
	p->mime = mime_new(max_scan, &ms);
	return p;
}

/* pipeline_rawmsg - a splitter that feeds the pipeline */
static inline struct rawmsg *pipeline_rawmsg(struct pipeline *p, bool mbox)
{
	struct rawmsg_sink rs = { pipeline_begin, pipeline_header, pipeline_eoh, pipeline_body,
				  pipeline_end, p };

	return rawmsg_new(mbox, &rs);
}

/* pipeline_free - release everything */
static inline void pipeline_free(struct pipeline *p)
{
	header_free(&p->hdr);
	address_list_free(&p->addrs);
	vbuf_free(&p->text);
	vbuf_free(&p->ctype);
	vbuf_free(&p->cte);
	links_free(p->links);
	mime_free(p->mime);
	free(p);
}

#endif
