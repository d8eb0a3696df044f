/*
 * rewrite_int - what the rewriter's files share (rewrite.c walks the MIME
 * structure, rewrite_part.c runs one target's text through decoding,
 * conversion, the banner and encoding, rewrite_field.c edits header fields
 * and finds where the banner goes). Not for use outside them.
 */
#ifndef VIGIE_REWRITE_INT_H
#define VIGIE_REWRITE_INT_H

#include <stdarg.h>

#include "b64enc.h"
#include "base64.h"
#include "charset.h"
#include "content.h"
#include "mimescan.h"
#include "qp.h"
#include "qpenc.h"
#include "rewrite.h"
#include "vbuf.h"

#define RW_STEP 4096		/* raw bytes of a target decoded per step */
#define RW_CONV_MAX (64u << 10)	/* converted bytes of one step */
#define RW_LINE_LIMIT 998	/* octets of a line, line break excluded (RFC 5322) */

/* Which children of a multipart may hold a target. */
enum rw_select {
	RW_SEL_NONE,		/* none: the multipart is not read as text */
	RW_SEL_ALL,		/* every readable child: alternative */
	RW_SEL_FIRST,		/* the first child, if readable: related's root */
	RW_SEL_FIRST_READABLE	/* the first readable child: mixed and the others */
};

/* What the rewriter keeps of an open multipart (its boundary is the scanner's, same level). */
struct rw_level {
	bool digest;
	enum rw_select sel;
	bool chosen;		/* RW_SEL_FIRST_READABLE: the child was found */
	unsigned children;	/* children begun */
};

enum rw_conv { RW_CONV_NONE, RW_CONV_REPAIR, RW_CONV_ICU };

/* The target in progress. */
struct rw_part {
	struct rewrite_target *t;	/* its entry in the plan */
	enum rw_conv conv;
	struct base64 b64;
	struct qp qp;
	struct charset_stream cst;
	size_t off;			/* decoded (converted) bytes so far */
	/* plan pass */
	struct vbuf scan;		/* the first bytes, where the banner goes */
	size_t col, max_line;		/* line lengths, in octets */
	bool any8bit;			/* in the text as it will be written */
	bool conv_failed;
	bool need_ascii;		/* an unknown charset relabelled: only if ASCII */
	bool cte8;			/* labelled 8bit or binary (not 7bit) */
	bool eol_known, crlf;		/* the text's own line breaks */
	char last;			/* the last byte looked at */
	/* emit pass */
	struct vbuf banner;		/* the banner as this part writes it */
	bool inserted;
	size_t dropped;
	struct qpenc qe;
	struct b64enc be;
};

struct rewrite {
	bool emit;
	const struct rewrite_plan *follow;	/* emit pass: the plan */
	struct rewrite_plan plan;	/* plan pass: being built */
	struct rewrite_banner banner;
	struct rewrite_top top;
	rewrite_out_fn out;
	void *arg;
	enum rewrite_status status;
	struct charset cs;

	struct mimescan scan;		/* lines, boundaries, header lines */
	struct rw_level level[REWRITE_DEPTH_MAX];
	struct content content;		/* the current entity */
	unsigned entities;		/* begun; the current one is entities - 1 */
	bool candidate;			/* the current entity may hold a target */
	bool target;			/* the current entity is one */
	unsigned followed;		/* emit pass: targets of the plan met */

	struct vbuf head;		/* the current part's header block */
	bool head_cut;			/* it ended on a line that is not a field */
	size_t ct_off, ct_len;		/* its Content-Type field (len 0: none) */
	size_t cte_off, cte_len;	/* its Content-Transfer-Encoding field */

	struct rw_part part;
	struct vbuf conv;		/* converted text of one step */
	char dec[RW_STEP + QP_WS_MAX + 16];
	char *enc;			/* encoder output of one step (emit pass) */
	char *obuf;			/* output not yet handed over (emit pass) */
	size_t olen;
};

void rw_fail(struct rewrite *rw, enum rewrite_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rw_out(struct rewrite *rw, const char *p, size_t n);
bool rw_crlf(const struct rewrite *rw);
void rw_out_eol(struct rewrite *rw);

/* rewrite_part.c */
void rw_part_begin(struct rewrite *rw, const char *cte_value, size_t cte_len);
void rw_part_feed(struct rewrite *rw, const char *p, size_t n);
void rw_part_end(struct rewrite *rw);
void rw_part_free(struct rw_part *pt);

/* rewrite_field.c */
bool rw_set_charset(const char *value, size_t len, struct vbuf *out);
bool rw_relabel_ok(const char *value, size_t len);
bool rw_cte_is_8bit(const char *value, size_t len);
const char *rw_cte_name(enum content_cte cte);
void rw_emit_head(struct rewrite *rw, const struct rewrite_target *t);
size_t rw_html_insert_point(const char *s, size_t n);
size_t rw_earlier_banner(const char *s, size_t n, size_t at, bool html);

#endif
