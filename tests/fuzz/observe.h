/*
 * observe - a message through the analysis (message.c), with an observer
 * that checks what the parsers promise (invariant.h) and, when given a
 * stream, prints what they found: the address fields, the Subject, the text
 * parts, the links and the caps. The golden transcripts (parsedump) and the
 * parsers' fuzz targets share it, so both see exactly what message.c parsed.
 */
#ifndef VIGIE_TEST_OBSERVE_H
#define VIGIE_TEST_OBSERVE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "detector.h"
#include "header.h"
#include "invariant.h"
#include "links.h"
#include "message.h"
#include "mime.h"
#include "rawmsg.h"

struct observe {
	FILE *out;			/* transcript, or NULL */
	const struct detector *det;
	struct message_opts opts;
	struct message_observer obs;
	struct message *m;		/* the message under way */
	bool body_more;			/* the analysis still reads the body */
	char last;			/* last body byte given */
	size_t messages;
};

/* observe_print - a string in the transcript, controls escaped */
static inline void observe_print(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

/* observe_addresses - an address field as message.c parsed it */
static inline void observe_addresses(void *ctx, const char *name, const struct address_list *l)
{
	struct observe *o = ctx;

	invariant(l->count <= ADDRESS_MAX && l->count <= l->total);
	for (size_t i = 0; i < l->count; i++) {
		const struct address *a = &l->item[i];
		struct address_span sp;
		size_t pos = 0;

		invariant_utf8(a->display, strlen(a->display));
		invariant_utf8(a->local, strlen(a->local));
		invariant_utf8(a->domain, strlen(a->domain));
		invariant(strlen(a->display) <= ADDRESS_NAME_MAX);
		if (!o->out)
			continue;
		fprintf(o->out, "%s: display=\"", name);
		observe_print(o->out, a->display, strlen(a->display));
		fprintf(o->out, "\" local=\"");
		observe_print(o->out, a->local, strlen(a->local));
		fprintf(o->out, "\" domain=\"");
		observe_print(o->out, a->domain, strlen(a->domain));
		fprintf(o->out, "\" flags=%#x%s\n", a->flags, address_usable(a) ? " usable" : "");
		while (address_in_text(a->display, strlen(a->display), &pos, &sp))
			fprintf(o->out, "%s: address in display name: %.*s\n", name,
				(int)sp.domain_len, a->display + sp.domain);
	}
	if (o->out && (l->total > l->count || l->lflags))
		fprintf(o->out, "%s: total=%zu lflags=%#x\n", name, l->total, l->lflags);
}

/* observe_subject - the decoded Subject: UTF-8, no controls */
static inline void observe_subject(void *ctx, const char *text, size_t len, unsigned flags)
{
	struct observe *o = ctx;

	invariant_utf8(text, len);
	for (size_t i = 0; i < len; i++)
		invariant((unsigned char)text[i] >= 0x20 && text[i] != 0x7f);
	if (o->out) {
		fprintf(o->out, "subject: \"");
		observe_print(o->out, text, len);
		fprintf(o->out, "\" flags=%#x\n", flags);
	}
}

/* observe_part - a text part starts */
static inline void observe_part(void *ctx, const struct mime_part *part)
{
	struct observe *o = ctx;

	if (o->out)
		fprintf(o->out, "part %u: %s/%s depth=%u%s\n", part->index, part->content->type,
			part->content->subtype, part->depth, part->attachment ? " attachment" : "");
}

/* observe_text - decoded text of a part: UTF-8 */
static inline void observe_text(void *ctx, const struct mime_part *part, const char *s, size_t n)
{
	invariant_utf8(s, n);
}

/* observe_link - every link, checked and printed */
static inline void observe_link(void *ctx, const struct link *l)
{
	static const char *const src[] = { "url", "bare", "email", "href", "area", "form" };
	struct observe *o = ctx;

	invariant(l->target->host_len > 0 && l->target->host_len <= URL_HOST_MAX);
	invariant(l->text_len <= LINK_TEXT_MAX);
	invariant_utf8(l->text, l->text_len);
	if (!o->out)
		return;
	fprintf(o->out, "link %s: host=%s", src[l->source], l->target->host);
	if (l->target->user[0])
		fprintf(o->out, " user=%s", l->target->user);
	if (l->text_len) {
		fprintf(o->out, " text=\"");
		observe_print(o->out, l->text, l->text_len);
		fputc('"', o->out);
	}
	if (l->text_host)
		fprintf(o->out, " shows=%.*s", (int)l->text_host_len, l->text_host);
	fprintf(o->out, " flags=%#x/%#x\n", l->flags, l->target->flags);
}

/* observe_end - the caps held; the counts in the transcript */
static inline void observe_end(void *ctx, const struct mime_stats *ms,
			       const struct links_stats *ls, const struct header *h)
{
	struct observe *o = ctx;

	invariant(ms->depth_max < MIME_DEPTH_MAX && ms->parts <= MIME_PARTS_MAX);
	invariant(ls->delivered <= LINKS_MAX);
	if (!o->out)
		return;
	fprintf(o->out, "mime: parts=%u text_parts=%u depth=%u flags=%#x scanned=%zu unscanned=%zu\n",
		ms->parts, ms->text_parts, ms->depth_max, ms->flags, ms->scanned, ms->unscanned);
	fprintf(o->out, "links: delivered=%zu duplicates=%zu dropped=%zu\n",
		ls->delivered, ls->duplicates, ls->dropped);
	if (h->skipped || h->truncated)
		fprintf(o->out, "header: skipped=%zu truncated=%zu\n", h->skipped, h->truncated);
}

/* observe_begin - a message starts: a new analysis, observed */
static inline void observe_begin(void *arg, const char *env)
{
	struct observe *o = arg;

	o->m = message_new(o->det, &o->opts);
	message_observe(o->m, &o->obs);
	o->body_more = true;
	o->last = '\n';
	o->messages++;
	if (o->out)
		fprintf(o->out, "message %zu%s%s\n", o->messages, env ? " from " : "", env ? env : "");
	if (env)
		message_envelope_from(o->m, env);
}

/* observe_header .. observe_finish - the analysis's calls, as the milter makes them */
static inline void observe_header(void *arg, const char *name, const char *value)
{
	message_header(((struct observe *)arg)->m, name, value);
}

static inline void observe_eoh(void *arg)
{
	message_eoh(((struct observe *)arg)->m);
}

/* observe_body - a body chunk: CRLF line breaks, libmilter-sized */
static inline void observe_body(void *arg, const char *s, size_t n)
{
	struct observe *o = arg;

	invariant(n > 0);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			invariant((i ? s[i - 1] : o->last) == '\r');
	o->last = s[n - 1];
	if (o->body_more)
		o->body_more = message_body(o->m, s, n);
}

static inline void observe_finish(void *arg)
{
	struct observe *o = arg;

	message_eom(o->m);
	message_free(o->m);
	o->m = NULL;
}

/* observe_new - an observer over the built-in brand pack (DKIM off); out may be NULL */
static inline struct observe *observe_new(FILE *out, size_t max_scan)
{
	static const struct detector_opts dopts = { .no_dkim = true };
	struct observe *o = calloc(1, sizeof(*o));
	char err[256];

	o->out = out;
	o->det = detector_new(&dopts, err, sizeof(err));
	invariant(o->det != NULL);
	o->opts.max_body_scan = max_scan;
	o->opts.dkim = MESSAGE_DKIM_NEVER;
	o->obs = (struct message_observer){ observe_addresses, observe_subject, observe_part,
					    observe_text, observe_link, observe_end, o };
	return o;
}

/* observe_rawmsg - a splitter (one message, or an mbox) that feeds the analysis */
static inline struct rawmsg *observe_rawmsg(struct observe *o, bool mbox)
{
	struct rawmsg_sink rs = { observe_begin, observe_header, observe_eoh, observe_body,
				  observe_finish, o };

	return rawmsg_new(mbox, &rs);
}

/* observe_free - release the detector and the observer */
static inline void observe_free(struct observe *o)
{
	detector_free((struct detector *)o->det);
	free(o);
}

#endif
