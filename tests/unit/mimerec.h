/*
 * mimerec - a MIME sink that writes what it is given into one transcript:
 * "[kind index depth]" (plus " att" for attachments), the text, "[/]".
 * Two parses that deliver the same parts and text give the same transcript,
 * however the text was cut into pieces.
 */
#ifndef VIGIE_TEST_MIMEREC_H
#define VIGIE_TEST_MIMEREC_H

#include "mime.h"
#include "vbuf.h"

/* mimerec_begin - a part starts */
static void mimerec_begin(void *arg, const struct mime_part *p)
{
	vbuf_printf(arg, "[%s %u %u%s]", p->kind == MIME_HTML ? "html" : "plain",
		    p->index, p->depth, p->attachment ? " att" : "");
}

/* mimerec_text - a piece of text */
static void mimerec_text(void *arg, const struct mime_part *p, const char *s, size_t n)
{
	vbuf_add(arg, s, n);
}

/* mimerec_end - a part ends */
static void mimerec_end(void *arg, const struct mime_part *p)
{
	vbuf_adds(arg, "[/]");
}

/* mimerec_sink - a sink writing into rec */
static inline struct mime_sink mimerec_sink(struct vbuf *rec)
{
	struct mime_sink s = { mimerec_begin, mimerec_text, mimerec_end, rec };

	return s;
}

#endif
