/*
 * rewrite_part - one target's text: decoded from its transfer encoding,
 * converted to UTF-8 when the banner does not fit its charset, given the
 * banner (emit pass) or looked at (plan pass: where the banner goes, its
 * line lengths, whether it stays ASCII), and encoded back.
 *
 * Touches: ICU converters of the rewriter's cache, whose error callbacks
 * are set to stop: a conversion that would lose or guess text is refused,
 * never done. Memory: one step of text at a time, and in the plan pass the
 * scan window of rewrite.h.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "rewrite_int.h"
#include "utf8.h"
#include "xalloc.h"

#define RW_UBANNER (REWRITE_BANNER_MAX + 64)

/* rw_is_ascii - whether bytes are all ASCII */
static bool rw_is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* rw_stop_callbacks - make a converter refuse what it cannot map, instead of substituting */
static void rw_stop_callbacks(UConverter *cnv)
{
	UErrorCode err = U_ZERO_ERROR;

	ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
	err = U_ZERO_ERROR;
	ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
}

/* rw_from_utf8 - UTF-8 text in cnv's charset into out; false if it does not fit */
static bool rw_from_utf8(UConverter *cnv, const char *s, size_t n, struct vbuf *out)
{
	UChar *u;
	char *b;
	UErrorCode err = U_ZERO_ERROR;
	int32_t ulen = 0, blen = 0;
	bool ok;

	if (n > REWRITE_BANNER_MAX)
		return false;
	u = xmalloc(RW_UBANNER * sizeof(*u));
	b = xmalloc(RW_UBANNER * 4);
	u_strFromUTF8(u, RW_UBANNER, &ulen, s, (int32_t)n, &err);
	ok = U_SUCCESS(err);
	if (ok) {
		rw_stop_callbacks(cnv);
		ucnv_resetFromUnicode(cnv);
		blen = ucnv_fromUChars(cnv, b, RW_UBANNER * 4, u, ulen, &err);
		ucnv_resetFromUnicode(cnv);
		ok = U_SUCCESS(err) && err != U_STRING_NOT_TERMINATED_WARNING;
	}
	if (ok) {
		vbuf_reset(out);
		ok = vbuf_add(out, b, (size_t)blen);
	}
	free(u);
	free(b);
	return ok;
}

/* rw_ascii_compatible - whether a charset writes ASCII as ASCII (not UTF-16, EBCDIC...) */
static bool rw_ascii_compatible(UConverter *cnv)
{
	static const char probe[] = "<p a=\"b\">-- x;\r\n";
	struct vbuf out = VBUF_INIT(256);
	bool same = rw_from_utf8(cnv, probe, sizeof(probe) - 1, &out) &&
		    out.len == sizeof(probe) - 1 && memcmp(out.data, probe, out.len) == 0;

	vbuf_free(&out);
	return same;
}

/* rw_eols - text with "\n" line ends written with CRLF or LF ones */
static void rw_eols(const char *s, size_t n, bool crlf, struct vbuf *out)
{
	vbuf_reset(out);
	if (!crlf) {
		vbuf_add(out, s, n);
		return;
	}
	/* built in one allocation, then added at once: banners have hundreds of lines */
	size_t lines = 0, o = 0;
	char *buf;

	for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	buf = xmalloc(n + lines + 1);
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t run = nl ? (size_t)(nl - s) : n;

		memcpy(buf + o, s, run);
		o += run;
		if (nl == NULL)
			break;
		buf[o++] = '\r';
		buf[o++] = '\n';
		s = nl + 1;
		n -= run + 1;
	}
	vbuf_add(out, buf, o);
	free(buf);
}

/*
 * rw_part_charset - the plan: whether the banner fits the part's charset
 * (fits and is not ASCII: true, raw holds it in that charset) or the text
 * goes to UTF-8, and how it gets there.
 */
static bool rw_part_charset(struct rewrite *rw, struct rw_part *pt, struct rewrite_target *t,
			    UConverter *cnv, bool known, struct vbuf *raw)
{
	const char *b = t->html ? rw->banner.html : rw->banner.text;
	size_t blen = t->html ? rw->banner.html_len : rw->banner.text_len;
	bool ascii = rw_is_ascii(b, blen);

	t->to_utf8 = false;
	pt->conv = RW_CONV_NONE;
	if (cnv == NULL && known) {
		/* UTF-8, US-ASCII or no label: the repair path reads them */
		if (!ascii && strcmp(t->charset, "utf-8") != 0 && strcmp(t->charset, "utf8") != 0) {
			t->to_utf8 = true;
			pt->conv = RW_CONV_REPAIR;
		}
	} else if (cnv == NULL) {
		/* a label nobody knows: relabelled UTF-8 only if the text is ASCII */
		if (!ascii) {
			t->to_utf8 = true;
			pt->need_ascii = true;
		}
	} else if (!rw_ascii_compatible(cnv)) {
		t->to_utf8 = true;
		pt->conv = RW_CONV_ICU;
	} else if (!ascii) {
		if (rw_from_utf8(cnv, b, blen, raw))
			return true;
		t->to_utf8 = true;
		pt->conv = RW_CONV_ICU;
	}
	return false;
}

/* rw_part_follow - the emit pass: the conversion the plan chose */
static void rw_part_follow(struct rw_part *pt, const struct rewrite_target *t,
			   UConverter *cnv, bool known)
{
	pt->conv = RW_CONV_NONE;
	if (!t->to_utf8)
		return;
	if (cnv == NULL && known)
		pt->conv = RW_CONV_REPAIR;
	else if (cnv != NULL)
		pt->conv = RW_CONV_ICU;
}

/*
 * rw_part_banner - the banner as this part writes it: its charset (raw: in
 * the part's charset, NULL: as configured), its line breaks
 */
static void rw_part_banner(struct rewrite *rw, struct rw_part *pt, const struct vbuf *raw,
			   bool crlf)
{
	const struct rewrite_target *t = pt->t;

	if (raw != NULL)
		rw_eols(raw->data, raw->len, crlf, &pt->banner);
	else if (t->html)
		rw_eols(rw->banner.html, rw->banner.html_len, crlf, &pt->banner);
	else
		rw_eols(rw->banner.text, rw->banner.text_len, crlf, &pt->banner);
}

/* rw_part_converted - emit pass: the banner in the part's charset into raw, when the plan kept it */
static bool rw_part_converted(struct rewrite *rw, const struct rewrite_target *t,
			      UConverter *cnv, struct vbuf *raw)
{
	const char *b = t->html ? rw->banner.html : rw->banner.text;
	size_t blen = t->html ? rw->banner.html_len : rw->banner.text_len;

	return !t->to_utf8 && cnv != NULL && !rw_is_ascii(b, blen) &&
	       rw_from_utf8(cnv, b, blen, raw);
}

/* rw_part_begin - a target's text starts (cte: its raw Content-Transfer-Encoding value) */
void rw_part_begin(struct rewrite *rw, const char *cte, size_t cte_len)
{
	struct rw_part *pt = &rw->part;
	struct rewrite_target *t = pt->t;
	struct vbuf raw = VBUF_INIT(REWRITE_BANNER_MAX * 4);
	bool known, converted;
	UConverter *cnv;

	rw_part_free(pt);
	pt->t = t;
	base64_init(&pt->b64);
	qp_init(&pt->qp);
	vbuf_init(&pt->banner, REWRITE_BANNER_MAX * 4);
	pt->cte8 = cte != NULL && rw_cte_is_8bit(cte, cte_len);
	cnv = charset_lookup(&rw->cs, t->charset, strlen(t->charset), &known);
	if (rw->emit) {
		rw_part_follow(pt, t, cnv, known);
		converted = rw_part_converted(rw, t, cnv, &raw);
		rw_part_banner(rw, pt, converted ? &raw : NULL, t->crlf);
		qpenc_init(&pt->qe, rw_crlf(rw));
		b64enc_init(&pt->be, rw_crlf(rw));
	} else {
		vbuf_init(&pt->scan, REWRITE_SCAN_MAX + REWRITE_BANNER_MAX);
		converted = rw_part_charset(rw, pt, t, cnv, known, &raw);
		rw_part_banner(rw, pt, converted ? &raw : NULL, rw_crlf(rw));
	}
	vbuf_free(&raw);
	if (pt->conv != RW_CONV_NONE) {
		charset_stream_begin(&pt->cst, &rw->cs,
				     pt->conv == RW_CONV_ICU ? t->charset : "utf-8",
				     pt->conv == RW_CONV_ICU ? strlen(t->charset) : 5, &known);
		if (pt->cst.cnv != NULL)
			rw_stop_callbacks(pt->cst.cnv);
	}
}

/* rw_part_encode - text of the new part through its transfer encoding to the output */
static void rw_part_encode(struct rewrite *rw, const char *q, size_t m)
{
	struct rw_part *pt = &rw->part;

	if (pt->t->cte_out == CONTENT_CTE_IDENTITY) {
		rw_out(rw, q, m);
		return;
	}
	while (m > 0) {
		size_t k = m < RW_CONV_MAX ? m : RW_CONV_MAX, o;

		if (pt->t->cte_out == CONTENT_CTE_QP)
			o = qpenc_encode(&pt->qe, q, k, rw->enc);
		else
			o = b64enc_encode(&pt->be, q, k, rw->enc);
		rw_out(rw, rw->enc, o);
		q += k;
		m -= k;
	}
}

/* rw_part_edit - emit pass: the text, with the banner at its place and an earlier one dropped */
static void rw_part_edit(struct rewrite *rw, const char *q, size_t m)
{
	struct rw_part *pt = &rw->part;
	const struct rewrite_target *t = pt->t;
	size_t k;

	if (q == NULL)
		q = "";		/* an empty conversion's buffer: nothing to write, no pointer to move */
	if (!pt->inserted) {
		k = t->insert_at - pt->off < m ? t->insert_at - pt->off : m;
		rw_part_encode(rw, q, k);
		pt->off += k;
		q += k;
		m -= k;
		if (pt->off < t->insert_at)
			return;
		rw_part_encode(rw, pt->banner.data, pt->banner.len);
		pt->inserted = true;
	}
	if (pt->dropped < t->drop) {
		k = t->drop - pt->dropped < m ? t->drop - pt->dropped : m;
		pt->dropped += k;
		pt->off += k;
		q += k;
		m -= k;
	}
	rw_part_encode(rw, q, m);
	pt->off += m;
}

/* rw_part_look - plan pass: keep the start, measure lines, note 8-bit bytes */
static void rw_part_look(struct rw_part *pt, const char *q, size_t m)
{
	const char *end, *s = q;

	if (m == 0)
		return;
	end = q + m;
	if (!pt->scan.overflow)
		vbuf_add(&pt->scan, q, m);
	if (!pt->any8bit && !rw_is_ascii(q, m))
		pt->any8bit = true;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		bool cr;

		if (nl == NULL) {
			pt->col += (size_t)(end - s);
			break;
		}
		pt->col += (size_t)(nl - s);
		/* the CR of a CRLF belongs to the line break */
		cr = nl > q ? nl[-1] == '\r' : pt->last == '\r';
		if (cr && pt->col > 0)
			pt->col--;
		if (!pt->eol_known) {
			pt->eol_known = true;
			pt->crlf = cr;
		}
		if (pt->col > pt->max_line)
			pt->max_line = pt->col;
		pt->col = 0;
		s = nl + 1;
	}
	pt->last = end[-1];
	pt->off += m;
}

/* rw_part_text - decoded text of the target: convert it, then look at it or write it */
static void rw_part_text(struct rewrite *rw, const char *d, size_t n)
{
	struct rw_part *pt = &rw->part;
	const char *q = d;
	size_t m = n;

	if (n == 0)
		return;
	if (pt->conv != RW_CONV_NONE) {
		if (pt->conv_failed)
			return;
		vbuf_reset(&rw->conv);
		if (!charset_stream_feed(&pt->cst, d, n, &rw->conv)) {
			pt->conv_failed = true;
			if (rw->emit)
				rw_fail(rw, REWRITE_SKIP_OUTPUT, "the body changed between the passes");
			return;
		}
		q = rw->conv.data;
		m = rw->conv.len;
	}
	if (rw->emit)
		rw_part_edit(rw, q, m);
	else
		rw_part_look(pt, q, m);
}

/* rw_part_feed - raw bytes of the target's body */
void rw_part_feed(struct rewrite *rw, const char *p, size_t n)
{
	struct rw_part *pt = &rw->part;

	while (n > 0) {
		size_t take = n < RW_STEP ? n : RW_STEP, got;

		switch (pt->t->cte_in) {
		case CONTENT_CTE_BASE64:
			got = base64_decode(&pt->b64, p, take, rw->dec);
			rw_part_text(rw, rw->dec, got);
			break;
		case CONTENT_CTE_QP:
			got = qp_decode(&pt->qp, p, take, rw->dec);
			rw_part_text(rw, rw->dec, got);
			break;
		default:
			rw_part_text(rw, p, take);
			break;
		}
		p += take;
		n -= take;
	}
}

/* rw_longest - the longest line of s[0..n), in octets, line break excluded */
static size_t rw_longest(const char *s, size_t n)
{
	size_t best = 0;

	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;

		if (len > best)
			best = len;
		if (nl == NULL)
			break;
		n -= len + 1;
		s = nl + 1;
	}
	return best;
}

/* rw_part_relabel_ok - whether the target's Content-Type can say charset=utf-8 */
static bool rw_part_relabel_ok(const struct rewrite *rw, const struct rewrite_target *t)
{
	const char *f, *colon;

	if (t->entity == 0)
		return rw->top.ctype == NULL || rw_relabel_ok(rw->top.ctype, strlen(rw->top.ctype));
	if (rw->ct_len == 0)
		return true;		/* a field of its own is added */
	f = rw->head.data + rw->ct_off;
	colon = memchr(f, ':', rw->ct_len);
	return colon != NULL && rw_relabel_ok(colon + 1, rw->ct_len - (size_t)(colon + 1 - f));
}

/*
 * rw_part_boundary - whether a line of the banner, as the part would write
 * it, could be read as the boundary of an open multipart (the sender chose
 * both the boundary and words the banner quotes)
 */
static bool rw_part_boundary(const struct rewrite *rw, const struct vbuf *b)
{
	const char *s = vbuf_str(b), *end = s + b->len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		bool close;

		if (len && s[len - 1] == '\r')
			len--;
		if (mimescan_boundary(&rw->scan, s, len, &close) >= 0)
			return true;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return false;
}

/* rw_part_decided - plan pass: the target's text was read whole; where and how */
static void rw_part_decided(struct rewrite *rw)
{
	struct rw_part *pt = &rw->part;
	struct rewrite_target *t = pt->t;
	size_t window = pt->scan.len < REWRITE_SCAN_MAX ? pt->scan.len : REWRITE_SCAN_MAX, longest;
	const char *s = vbuf_str(&pt->scan);
	bool eightbit;

	if (t->cte_in == CONTENT_CTE_BASE64 && (pt->b64.garbage || pt->b64.dropped)) {
		rw_fail(rw, REWRITE_SKIP_ENCODING, "text/%s part %u: base64 with bytes outside"
			" the alphabet", t->html ? "html" : "plain", t->entity);
		return;
	}
	if (pt->conv_failed) {
		rw_fail(rw, REWRITE_SKIP_ENCODING, "text/%s part %u: bytes not valid in its charset %s",
			t->html ? "html" : "plain", t->entity, t->charset);
		return;
	}
	/* need_ascii: no conversion, so the text looked at is the decoded text */
	if (pt->need_ascii && pt->any8bit) {
		rw_fail(rw, REWRITE_SKIP_ENCODING, "text/%s part %u: 8-bit text in an unknown charset %s",
			t->html ? "html" : "plain", t->entity, t->charset);
		return;
	}
	if (t->to_utf8 && !rw_part_relabel_ok(rw, t)) {
		rw_fail(rw, REWRITE_SKIP_MALFORMED, "text/%s part %u: a Content-Type that cannot"
			" be given charset=utf-8", t->html ? "html" : "plain", t->entity);
		return;
	}
	t->crlf = pt->eol_known ? pt->crlf : rw_crlf(rw);
	if (t->html)
		t->insert_at = rw_html_insert_point(s, window);
	else
		t->insert_at = window >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	t->drop = rw_earlier_banner(s, pt->scan.len, t->insert_at, t->html);
	if (pt->col > pt->max_line)
		pt->max_line = pt->col;
	/* a template's lines count too: the text around them may be short */
	longest = rw_longest(vbuf_str(&pt->banner), pt->banner.len);
	if (longest > pt->max_line)
		pt->max_line = longest;
	eightbit = pt->any8bit || !rw_is_ascii(vbuf_str(&pt->banner), pt->banner.len);
	if (t->cte_in != CONTENT_CTE_IDENTITY)
		t->cte_out = t->cte_in;
	else if (pt->max_line >= RW_LINE_LIMIT || (eightbit && !pt->cte8) ||
		 rw_part_boundary(rw, &pt->banner))
		t->cte_out = CONTENT_CTE_QP;
	else
		t->cte_out = CONTENT_CTE_IDENTITY;
}

/* rw_part_end - the target's body is complete: flush, then decide (plan) or finish (emit) */
void rw_part_end(struct rewrite *rw)
{
	struct rw_part *pt = &rw->part;
	char tail[QP_WS_MAX + 8];
	size_t n = 0, o;

	if (pt->t->cte_in == CONTENT_CTE_BASE64)
		n = base64_end(&pt->b64, tail);
	else if (pt->t->cte_in == CONTENT_CTE_QP)
		n = qp_end(&pt->qp, tail);
	rw_part_text(rw, tail, n);
	if (pt->conv != RW_CONV_NONE && !pt->conv_failed) {
		vbuf_reset(&rw->conv);
		if (!charset_stream_end(&pt->cst, &rw->conv))
			pt->conv_failed = true;
		else if (rw->emit)
			rw_part_edit(rw, rw->conv.data, rw->conv.len);
		else
			rw_part_look(pt, rw->conv.data, rw->conv.len);
	}
	if (!rw->emit) {
		rw_part_decided(rw);
		rw_part_free(pt);
		return;
	}
	if (!pt->inserted) {
		rw_part_encode(rw, pt->banner.data, pt->banner.len);
		pt->inserted = true;
	}
	if (pt->t->cte_out == CONTENT_CTE_QP) {
		o = qpenc_end(&pt->qe, rw->enc);
		rw_out(rw, rw->enc, o);
	} else if (pt->t->cte_out == CONTENT_CTE_BASE64) {
		o = b64enc_end(&pt->be, rw->enc);
		rw_out(rw, rw->enc, o);
		/* the message itself: no boundary's line break follows */
		if (pt->t->entity == 0)
			rw_out_eol(rw);
	}
	rw_part_free(pt);
}

/* rw_part_free - release a target's buffers */
void rw_part_free(struct rw_part *pt)
{
	vbuf_free(&pt->scan);
	vbuf_free(&pt->banner);
	memset(pt, 0, sizeof(*pt));
}
