/*
 * rewrite_field - the rewriter's small text jobs: a Content-Type value with
 * charset=utf-8, a target's header block written back with its new charset
 * and transfer encoding, where the banner goes in HTML, and an earlier
 * banner found where the new one goes.
 *
 * Touches: the buffers it is given. Header values are read with content.c's
 * rules (comments, tokens, quoted strings); a value whose charset is given in
 * RFC 2231 form is not edited (the caller refuses the part).
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "rewrite_int.h"

/* rw_value_end - the end of a parameter value (quoted string or token-ish run) from i */
static size_t rw_value_end(const char *s, size_t n, size_t i)
{
	if (i < n && s[i] == '"') {
		for (i++; i < n && s[i] != '"'; i++)
			if (s[i] == '\\')
				i++;
		return i < n ? i + 1 : n;
	}
	while (i < n && !strchr("; \t\r\n(", s[i]))
		i++;
	return i;
}

/* rw_next_semicolon - the next ';' outside quotes and comments from i, or n */
static size_t rw_next_semicolon(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ';') {
		if (s[i] == '"') {
			i = rw_value_end(s, n, i);
		} else if (s[i] == '(') {
			i = content_cfws_end(s, n, i);
		} else {
			i++;
		}
	}
	return i;
}

/*
 * rw_set_charset - a Content-Type value with its charset parameter set to
 * utf-8 (added when missing, before any trailing white space); false when
 * the charset is in RFC 2231 form.
 */
bool rw_set_charset(const char *value, size_t len, struct vbuf *out)
{
	size_t i = rw_next_semicolon(value, len, 0), end = len;

	while (i < len) {
		size_t name = content_cfws_end(value, len, i + 1);
		size_t nend = content_token_end(value, len, name), v, vend;

		i = nend;
		if (nend - name >= 8 && strncasecmp(value + name, "charset*", 8) == 0)
			return false;
		if (nend - name == 7 && strncasecmp(value + name, "charset", 7) == 0) {
			size_t eq = content_cfws_end(value, len, nend);

			if (eq < len && value[eq] == '=') {
				v = content_cfws_end(value, len, eq + 1);
				vend = rw_value_end(value, len, v);
				/* no value at all: it goes right after '=', not past the line break */
				if (v == len || value[v] == ';')
					v = vend = eq + 1;
				vbuf_add(out, value, v);
				vbuf_adds(out, "utf-8");
				vbuf_add(out, value + vend, len - vend);
				return true;
			}
		}
		i = rw_next_semicolon(value, len, i);
	}
	while (end > 0 && strchr(" \t\r\n", value[end - 1]))
		end--;
	vbuf_add(out, value, end);
	vbuf_adds(out, "; charset=utf-8");
	vbuf_add(out, value + end, len - end);
	return true;
}

/*
 * rw_relabel_ok - whether a Content-Type value, once given charset=utf-8,
 * reads as the same type with charset utf-8 (an unclosed comment or quote
 * would swallow the parameter added)
 */
bool rw_relabel_ok(const char *value, size_t len)
{
	struct vbuf v = VBUF_INIT(REWRITE_HEADER_MAX * 2);
	struct content before, after;
	bool ok;

	content_init(&before, false);
	content_init(&after, false);
	content_type(&before, value, len);
	ok = rw_set_charset(value, len, &v) && !v.overflow;
	if (ok) {
		content_type(&after, v.data, v.len);
		ok = strcmp(after.charset, "utf-8") == 0 && strcmp(after.type, before.type) == 0 &&
		     strcmp(after.subtype, before.subtype) == 0 &&
		     !(after.flags & CONTENT_F_BAD_TYPE);
	}
	vbuf_free(&v);
	return ok;
}

/* rw_cte_is_8bit - whether a Content-Transfer-Encoding value says 8bit or binary */
bool rw_cte_is_8bit(const char *value, size_t len)
{
	size_t i = content_cfws_end(value, len, 0), e = content_token_end(value, len, i);

	return (e - i == 4 && strncasecmp(value + i, "8bit", 4) == 0) ||
	       (e - i == 6 && strncasecmp(value + i, "binary", 6) == 0);
}

/* rw_cte_name - the name of a transfer encoding vigie writes */
const char *rw_cte_name(enum content_cte cte)
{
	return cte == CONTENT_CTE_BASE64 ? "base64" : "quoted-printable";
}

/* rw_field_out - a field of the block, or its replacement */
static void rw_field_out(struct vbuf *out, const char *f, size_t len, const char *name,
			 const char *value, bool charset, const char *eol)
{
	const char *colon = memchr(f, ':', len);

	if (charset) {
		vbuf_add(out, f, (size_t)(colon + 1 - f));
		if (!rw_set_charset(colon + 1, len - (size_t)(colon + 1 - f), out))
			out->overflow = true;
	} else if (value != NULL) {
		vbuf_printf(out, "%s: %s%s", name, value, eol);
	} else {
		vbuf_add(out, f, len);
	}
}

/*
 * rw_emit_head - a target part's header block, written with its new
 * charset and transfer encoding (fields added before the empty line when
 * they were missing); every other field as it came.
 */
void rw_emit_head(struct rewrite *rw, const struct rewrite_target *t)
{
	const char *h = vbuf_str(&rw->head), *eol = rw_crlf(rw) ? "\r\n" : "\n";
	size_t len = rw->head.len, blank = len >= 2 && h[len - 2] == '\r' ? 2 : 1;
	bool cte_change = t->cte_out != t->cte_in;
	const char *cte = cte_change ? rw_cte_name(t->cte_out) : NULL;
	struct vbuf out = VBUF_INIT(REWRITE_HEADER_MAX * 2);
	size_t pos = 0, fields_end = len >= blank ? len - blank : 0;

	if (t->entity == 0)
		return;
	for (int k = 0; k < 2; k++) {
		/* the two fields in the order they come */
		bool first_ct = rw->ct_len && (!rw->cte_len || rw->ct_off < rw->cte_off);
		bool ct_now = (k == 0) == first_ct;
		size_t off = ct_now ? rw->ct_off : rw->cte_off, flen = ct_now ? rw->ct_len : rw->cte_len;

		if (flen == 0)
			continue;
		vbuf_add(&out, h + pos, off - pos);
		if (ct_now)
			rw_field_out(&out, h + off, flen, NULL, NULL, t->to_utf8, eol);
		else
			rw_field_out(&out, h + off, flen, "Content-Transfer-Encoding", cte, false, eol);
		pos = off + flen;
	}
	vbuf_add(&out, h + pos, fields_end - pos);
	if (t->to_utf8 && rw->ct_len == 0)
		vbuf_printf(&out, "Content-Type: text/plain; charset=utf-8%s", eol);
	if (cte_change && rw->cte_len == 0)
		vbuf_printf(&out, "Content-Transfer-Encoding: %s%s", cte, eol);
	vbuf_add(&out, h + fields_end, len - fields_end);
	rw_out(rw, vbuf_str(&out), out.len);
	vbuf_free(&out);
}

/* rw_name_is - whether s[0..len) is name, in any case */
static bool rw_name_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

/* rw_find - the first occurrence of a string in s[i..n), any case, or SIZE_MAX */
static size_t rw_find(const char *s, size_t n, size_t i, const char *what)
{
	size_t w = strlen(what);

	for (; i + w <= n; i++)
		if (strncasecmp(s + i, what, w) == 0)
			return i;
	return SIZE_MAX;
}

/* rw_tag_end - the offset after the '>' ending a tag whose name ends at i, or SIZE_MAX */
static size_t rw_tag_end(const char *s, size_t n, size_t i)
{
	char quote = 0;

	for (; i < n; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return SIZE_MAX;
}

/* rw_raw_text - elements whose content is not markup, where no <body> can hide */
static bool rw_raw_text(const char *name, size_t len)
{
	static const char *const raw[] = { "script", "style", "title", "textarea", "xmp",
					   "noembed", "noframes", "iframe", "template" };

	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		if (rw_name_is(name, len, raw[i]))
			return true;
	return false;
}

/*
 * rw_html_insert_point - where the banner goes in HTML text s[0..n): after
 * the first <body> tag; else after </head>; else after <html>; else at the
 * start (after a byte order mark). Comments, banners (read whole, as the
 * second pass reads its own), declarations and the content of script,
 * style and the like are skipped.
 */
size_t rw_html_insert_point(const char *s, size_t n)
{
	size_t i = 0, after_head = SIZE_MAX, after_html = SIZE_MAX;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t j, name, e;
		bool close = false;

		if (lt == NULL)
			break;
		i = (size_t)(lt - s);
		if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			/* a banner is read as one comment: what it holds is not the page's */
			if ((e = rw_earlier_banner(s, n, i, true)) > 0) {
				i += e;
				continue;
			}
			e = rw_find(s, n, i + 4, "-->");
			if (e == SIZE_MAX)
				break;
			i = e + 3;
			continue;
		}
		j = i + 1;
		if (j < n && s[j] == '/') {
			close = true;
			j++;
		}
		name = j;
		while (j < n && (isalpha((unsigned char)s[j]) || (j > name && isdigit((unsigned char)s[j]))))
			j++;
		if (j == name || (j < n && !strchr(" \t\r\n\f/>", s[j]))) {
			if (j == name && j < n && (s[j] == '!' || s[j] == '?')) {
				e = rw_tag_end(s, n, j);
				if (e == SIZE_MAX)
					break;
				i = e;
			} else {
				i++;
			}
			continue;
		}
		e = rw_tag_end(s, n, j);
		if (e == SIZE_MAX)
			break;
		if (!close && rw_name_is(s + name, j - name, "body"))
			return e;
		if (close && after_head == SIZE_MAX && rw_name_is(s + name, j - name, "head"))
			after_head = e;
		if (!close && after_html == SIZE_MAX && rw_name_is(s + name, j - name, "html"))
			after_html = e;
		i = e;
		if (!close && rw_raw_text(s + name, j - name)) {
			char end[16] = "</";

			memcpy(end + 2, s + name, j - name);
			end[2 + j - name] = '\0';
			i = rw_find(s, n, e, end);
			if (i == SIZE_MAX)
				break;
		}
	}
	if (after_head != SIZE_MAX)
		return after_head;
	if (after_html != SIZE_MAX)
		return after_html;
	return n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* rw_eol_at - the length of a line break at s[i], or 0 */
static size_t rw_eol_at(const char *s, size_t n, size_t i)
{
	if (i < n && s[i] == '\n')
		return 1;
	if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n')
		return 2;
	return 0;
}

/* rw_line_is - whether the line at s[i] is exactly text; its end (break included) in *end */
static bool rw_line_is(const char *s, size_t n, size_t i, const char *text, size_t *end)
{
	size_t t = strlen(text), e;

	if (i + t > n || memcmp(s + i, text, t) != 0)
		return false;
	e = rw_eol_at(s, n, i + t);
	if (e == 0)
		return false;
	*end = i + t + e;
	return true;
}

/*
 * rw_earlier_banner - the bytes of a banner already at offset at of text
 * s[0..n) (a previous pass's, or a forged one), to be replaced; 0 if none.
 * HTML: optional white space, the begin comment, up to the end comment and
 * one line break. Text: the begin line, up to the end line and one empty line.
 */
size_t rw_earlier_banner(const char *s, size_t n, size_t at, bool html)
{
	size_t i = at, lim = at + REWRITE_BANNER_MAX < n ? at + REWRITE_BANNER_MAX : n, e;

	if (html) {
		while (i < lim && strchr(" \t\r\n", s[i]) && s[i] != '\0')
			i++;
		if (lim - i < sizeof(REWRITE_HTML_BEGIN) - 1 ||
		    memcmp(s + i, REWRITE_HTML_BEGIN, sizeof(REWRITE_HTML_BEGIN) - 1) != 0)
			return 0;
		e = rw_find(s, lim, i, REWRITE_HTML_END);
		/* a second begin before the end: the first was a forged or cut one */
		if (e == SIZE_MAX ||
		    rw_find(s, e, i + sizeof(REWRITE_HTML_BEGIN) - 1, REWRITE_HTML_BEGIN) != SIZE_MAX)
			return 0;
		e += sizeof(REWRITE_HTML_END) - 1;
		return e + rw_eol_at(s, n, e) - at;
	}
	if (!rw_line_is(s, lim, i, REWRITE_TEXT_BEGIN, &i))
		return 0;
	while (i < lim) {
		const char *nl = memchr(s + i, '\n', lim - i);

		if (rw_line_is(s, lim, i, REWRITE_TEXT_END, &e))
			return e + rw_eol_at(s, n, e) - at;
		if (nl == NULL)
			break;
		i = (size_t)(nl - s) + 1;
	}
	return 0;
}
