/*
 * html - streaming HTML tokenizing for mail bodies (see html.h).
 *
 * Touches: its own buffers and the sink. Never fails: malformed markup is
 * read as HTML5 reads it, or as close as a small tokenizer gets.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entity.h"
#include "html.h"
#include "utf8.h"
#include "vbuf.h"
#include "xalloc.h"

enum html_state {
	H_DATA, H_TAG_OPEN, H_END_TAG_OPEN, H_TAG_NAME, H_BEFORE_ATTR, H_ATTR_NAME,
	H_AFTER_ATTR_NAME, H_BEFORE_VALUE, H_VALUE_DQ, H_VALUE_SQ, H_VALUE_UQ,
	H_AFTER_VALUE, H_SELF_CLOSING, H_MARKUP, H_COMMENT, H_CONDITIONAL, H_BOGUS,
	H_RAWTEXT, H_CHARREF
};

#define HTML_NONE SIZE_MAX
#define HTML_CONDITIONAL_MAX 256	/* "<!--[if ...]>" longer than this is a comment */

struct html {
	struct html_sink sink;
	enum html_state state, ret;	/* ret: where a character reference returns */
	char tag[HTML_NAME_MAX + 1];
	size_t tag_len;
	bool end_tag, want;
	struct html_attr attr[HTML_ATTRS_MAX];
	char aname[HTML_ATTRS_MAX][HTML_NAME_MAX + 1];
	size_t voff[HTML_ATTRS_MAX];
	size_t nattr, cur;		/* cur: attribute being read, or HTML_NONE */
	bool cut_value;			/* the value being read reached its cap */
	struct vbuf values;
	char ref[ENTITY_NAME_MAX + 2];	/* named reference being read, after '&' */
	size_t ref_len;
	bool ref_num;			/* "&#": a number, summed in ref_val */
	char ref_hex;			/* its 'x' or 'X', or 0 */
	uint64_t ref_val;
	size_t ref_digits;
	char markup[2];
	size_t markup_len;
	size_t cpos;			/* bytes into a comment or conditional */
	char chead[3];			/* first bytes of a comment: "[if"? */
	unsigned dashes;
	char prev;
	char raw_end[HTML_NAME_MAX + 3];	/* "</script" */
	size_t raw_len, raw_match;
	struct vbuf text;
};

/* html_new - a tokenizer reporting to sink */
struct html *html_new(const struct html_sink *sink)
{
	struct html *h = xcalloc(1, sizeof(*h));

	h->sink = *sink;
	vbuf_init(&h->values, HTML_ATTRS_MAX * (HTML_VALUE_MAX + 1));
	vbuf_init(&h->text, HTML_TEXT_CHUNK + 64);
	html_reset(h);
	return h;
}

/* html_free - release everything */
void html_free(struct html *h)
{
	if (h == NULL)
		return;
	vbuf_free(&h->values);
	vbuf_free(&h->text);
	free(h);
}

/* html_reset - the start of a new document */
void html_reset(struct html *h)
{
	h->state = H_DATA;
	h->tag_len = 0;
	h->nattr = 0;
	h->cur = HTML_NONE;
	h->ref_len = 0;
	vbuf_reset(&h->values);
	vbuf_reset(&h->text);
}

/* html_attr - the first attribute of that name, or NULL */
const struct html_attr *html_attr(const struct html_attr *attrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(attrs[i].name, name) == 0)
			return &attrs[i];
	return NULL;
}

/* html_flush - hand the visible text so far to the sink */
static void html_flush(struct html *h)
{
	if (h->text.len && h->sink.text)
		h->sink.text(h->sink.arg, h->text.data, h->text.len);
	vbuf_reset(&h->text);
}

/* html_text - visible text */
static void html_text(struct html *h, const char *s, size_t n)
{
	while (n) {
		size_t room = HTML_TEXT_CHUNK - h->text.len, take = n < room ? n : room;

		/* cut on a character boundary: never inside a UTF-8 sequence */
		while (take < n && take > 0 && ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		if (take == 0 && h->text.len == 0)
			take = n < 4 ? n : 4;
		vbuf_add(&h->text, s, take);
		s += take;
		n -= take;
		if (h->text.len >= HTML_TEXT_CHUNK || (n && take == 0))
			html_flush(h);
	}
}

/* html_value - bytes of the attribute value being read */
static void html_value(struct html *h, const char *s, size_t n)
{
	size_t have;

	if (h->cur == HTML_NONE || h->cut_value)
		return;
	have = h->values.len - h->voff[h->cur];
	if (n > HTML_VALUE_MAX - have) {
		n = HTML_VALUE_MAX - have;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;	/* a value cut at its cap keeps whole characters */
		h->cut_value = true;
	}
	vbuf_add(&h->values, s, n);
}

/* html_out - decoded text of a character reference, to wherever it belongs */
static void html_out(struct html *h, const char *s, size_t n)
{
	if (h->ret == H_DATA)
		html_text(h, s, n);
	else
		html_value(h, s, n);
}

/* html_attr_start - an attribute name begins (kept only for wanted tags, up to the cap) */
static void html_attr_start(struct html *h, char c)
{
	h->cur = HTML_NONE;
	if (!h->want || h->nattr == HTML_ATTRS_MAX)
		return;
	h->cur = h->nattr++;
	h->cut_value = false;
	h->aname[h->cur][0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	h->aname[h->cur][1] = '\0';
	h->voff[h->cur] = h->values.len;
}

/* html_attr_name - one more byte of the attribute name */
static void html_attr_name(struct html *h, char c)
{
	size_t n;

	if (h->cur == HTML_NONE)
		return;
	n = strlen(h->aname[h->cur]);
	if (n < HTML_NAME_MAX) {
		h->aname[h->cur][n] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		h->aname[h->cur][n + 1] = '\0';
	}
}

/* html_tag_named - the tag name is complete: ask the sink whether to keep attributes */
static void html_tag_named(struct html *h)
{
	h->tag[h->tag_len] = '\0';
	h->want = h->sink.want ? h->sink.want(h->sink.arg, h->tag, h->end_tag) : false;
	h->nattr = 0;
	h->cur = HTML_NONE;
	vbuf_reset(&h->values);
}

/* html_emit - a tag is complete: report it; script, style, title switch to raw text */
static void html_emit(struct html *h, bool self_closing)
{
	html_flush(h);
	for (size_t i = 0; i < h->nattr; i++) {
		size_t end = i + 1 < h->nattr ? h->voff[i + 1] : h->values.len;

		h->attr[i].name = h->aname[i];
		h->attr[i].value = h->values.data ? h->values.data + h->voff[i] : "";
		h->attr[i].value_len = end - h->voff[i];
	}
	if (h->sink.tag)
		h->sink.tag(h->sink.arg, h->tag, h->end_tag, h->attr, h->nattr);
	h->state = H_DATA;
	if (!h->end_tag && !self_closing &&
	    (!strcmp(h->tag, "script") || !strcmp(h->tag, "style") || !strcmp(h->tag, "title"))) {
		h->raw_len = (size_t)snprintf(h->raw_end, sizeof(h->raw_end), "</%s", h->tag);
		h->raw_match = 0;
		h->state = H_RAWTEXT;
	}
}

/* html_cp - one decoded code point, to wherever the reference belongs */
static void html_cp(struct html *h, uint32_t cp)
{
	char enc[4];

	html_out(h, enc, utf8_encode(cp, enc));
}

/*
 * html_charref - the reference after '&' ended (semi: with ';', next: the
 * byte that ended it, or 0): decode it, or give it back as text.
 */
static void html_charref(struct html *h, bool semi, char next)
{
	const char *r = h->ref;
	size_t n = h->ref_len;
	uint32_t cp;
	bool legacy;

	h->state = h->ret;
	if (h->ref_num) {
		if (h->ref_digits) {
			html_cp(h, entity_numeric(h->ref_val));
			return;
		}
		html_out(h, "&#", 2);
		if (h->ref_hex)
			html_out(h, &h->ref_hex, 1);
		if (semi)
			html_out(h, ";", 1);
		return;
	} else if (n && entity_named(r, n, &cp, &legacy)) {
		/* HTML5: without ';' only legacy names count, and in a value not before '=' */
		if (semi || (legacy && !(h->ret != H_DATA && next == '='))) {
			html_cp(h, cp);
			return;
		}
	} else if (n && h->ret == H_DATA) {
		size_t k = entity_legacy_prefix(r, n, &cp);

		if (k) {
			html_cp(h, cp);
			html_out(h, r + k, n - k);
			if (semi)
				html_out(h, ";", 1);
			return;
		}
	}
	html_out(h, "&", 1);
	html_out(h, r, n);
	if (semi)
		html_out(h, ";", 1);
}

/* html_ref_more - take one more byte into the reference after '&'; false if it ends it */
static bool html_ref_more(struct html *h, char c)
{
	bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	int d;

	if (h->ref_num) {
		/* numbers are summed, not stored: any count of digits fits */
		if (h->ref_digits == 0 && !h->ref_hex && (c == 'x' || c == 'X')) {
			h->ref_hex = c;
			return true;
		}
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (h->ref_hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return false;
		h->ref_val = h->ref_val * (h->ref_hex ? 16 : 10) + (unsigned)d;
		if (h->ref_val > 0x10ffff)
			h->ref_val = 0x110000;
		h->ref_digits++;
		return true;
	}
	if (h->ref_len == 0 && c == '#') {
		h->ref_num = true;
		return true;
	}
	if (!alnum || h->ref_len == ENTITY_NAME_MAX)
		return false;
	h->ref[h->ref_len++] = c;
	return true;
}

/* html_ref_begin - '&' seen: a reference may follow */
static void html_ref_begin(struct html *h, enum html_state ret)
{
	h->ret = ret;
	h->state = H_CHARREF;
	h->ref_len = 0;
	h->ref_num = false;
	h->ref_hex = 0;
	h->ref_val = 0;
	h->ref_digits = 0;
}

/* html_is_space - HTML white space */
static bool html_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* html_is_alpha - ASCII letter */
static bool html_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* html_tag_start - a tag name begins */
static void html_tag_start(struct html *h, bool end)
{
	h->end_tag = end;
	h->tag_len = 0;
	h->state = H_TAG_NAME;
}

/* html_rawtext - inside script, style or title: look only for the end tag */
static size_t html_rawtext(struct html *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (h->raw_match == h->raw_len) {
			if (html_is_space(c) || c == '/' || c == '>') {
				memcpy(h->tag, h->raw_end + 2, h->raw_len - 2);
				h->tag_len = h->raw_len - 2;
				h->end_tag = true;
				html_tag_named(h);
				h->state = H_BEFORE_ATTR;
				return i;	/* c is read again in the tag */
			}
			h->raw_match = 0;
		}
		char want = h->raw_end[h->raw_match];

		if (h->raw_match >= 2 && c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c == want)
			h->raw_match++;
		else
			h->raw_match = c == '<' ? 1 : 0;
	}
	return n;
}

/* html_tag_open - after '<', '</', and in a tag name; false when c must be read again */
static bool html_tag_open(struct html *h, char c)
{
	switch (h->state) {
	case H_TAG_OPEN:
		if (c == '!') {
			h->state = H_MARKUP;
			h->markup_len = 0;
		} else if (c == '/') {
			h->state = H_END_TAG_OPEN;
		} else if (html_is_alpha(c)) {
			html_tag_start(h, false);
			return false;
		} else if (c == '?') {
			h->state = H_BOGUS;
		} else {
			html_text(h, "<", 1);	/* "a < b": text */
			h->state = H_DATA;
			return false;
		}
		return true;
	case H_END_TAG_OPEN:
		if (html_is_alpha(c)) {
			html_tag_start(h, true);
			return false;
		}
		h->state = c == '>' ? H_DATA : H_BOGUS;
		return true;
	default:
		if (html_is_space(c) || c == '/' || c == '>') {
			html_tag_named(h);
			h->state = H_BEFORE_ATTR;
			return false;
		}
		if (h->tag_len < HTML_NAME_MAX)
			h->tag[h->tag_len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		return true;
	}
}

/* html_tag_end - '/' or '>' where a tag may end; true when c was one of them */
static bool html_tag_end(struct html *h, char c)
{
	if (c == '/')
		h->state = H_SELF_CLOSING;
	else if (c == '>')
		html_emit(h, false);
	else
		return false;
	return true;
}

/* html_attrs - between attributes and in their names; false when c must be read again */
static bool html_attrs(struct html *h, char c)
{
	switch (h->state) {
	case H_AFTER_VALUE:
		if (html_is_space(c))
			h->state = H_BEFORE_ATTR;
		else if (!html_tag_end(h, c)) {
			h->state = H_BEFORE_ATTR;	/* no space between attributes */
			return false;
		}
		return true;
	case H_BEFORE_ATTR:
	case H_AFTER_ATTR_NAME:
		if (html_is_space(c))
			return true;
		if (h->state == H_AFTER_ATTR_NAME && c == '=')
			h->state = H_BEFORE_VALUE;
		else if (!html_tag_end(h, c)) {
			html_attr_start(h, c);
			h->state = H_ATTR_NAME;
		}
		return true;
	case H_ATTR_NAME:
		if (html_is_space(c))
			h->state = H_AFTER_ATTR_NAME;
		else if (c == '=')
			h->state = H_BEFORE_VALUE;
		else if (!html_tag_end(h, c))
			html_attr_name(h, c);
		return true;
	case H_BEFORE_VALUE:
		if (html_is_space(c))
			return true;
		if (c == '"' || c == '\'') {
			h->state = c == '"' ? H_VALUE_DQ : H_VALUE_SQ;
		} else if (c == '>') {
			html_emit(h, false);
		} else {
			h->state = H_VALUE_UQ;
			return false;
		}
		return true;
	default:	/* H_SELF_CLOSING */
		if (c == '>') {
			html_emit(h, true);
			return true;
		}
		h->state = H_BEFORE_ATTR;
		return false;
	}
}

/* html_step - one byte in a tag state; false when it must be read again */
static bool html_step(struct html *h, char c)
{
	if (h->state == H_TAG_OPEN || h->state == H_END_TAG_OPEN || h->state == H_TAG_NAME)
		return html_tag_open(h, c);
	return html_attrs(h, c);
}

/* html_comment - inside <!-- -->: look for its end; "[if" first makes it a conditional */
static void html_comment(struct html *h, char c)
{
	if (h->cpos < 3)
		h->chead[h->cpos] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	h->cpos++;
	if (h->cpos == 3 && memcmp(h->chead, "[if", 3) == 0) {
		h->state = H_CONDITIONAL;
		h->prev = 0;
		return;
	}
	if (c == '>' && (h->dashes >= 2 || h->dashes + 1 == h->cpos)) {
		h->state = H_DATA;	/* "-->", and the abrupt "<!-->", "<!--->" */
		return;
	}
	if (c == '-')
		h->dashes++;
	else if (!(c == '!' && h->dashes >= 2))
		h->dashes = 0;
}

/* html_conditional - inside "<!--[if ...]>": what follows "]>" is markup */
static void html_conditional(struct html *h, char c)
{
	if (c == '>' && h->prev == ']')
		h->state = H_DATA;
	else if (++h->cpos > HTML_CONDITIONAL_MAX)
		h->state = H_COMMENT;
	h->prev = c;
}

/* html_markup - after "<!": "--" opens a comment; anything else is bogus up to '>' */
static bool html_markup(struct html *h, char c)
{
	if (c == '-' && h->markup_len < 2) {
		h->markup[h->markup_len++] = c;
		if (h->markup_len == 2) {
			h->state = H_COMMENT;
			h->cpos = 0;
			h->dashes = 0;
		}
		return true;
	}
	h->state = H_BOGUS;
	return false;
}

/* html_data - text up to the next '<' or '&'; the bytes used */
static size_t html_data(struct html *h, const char *s, size_t n)
{
	size_t j = 0;

	while (j < n && s[j] != '<' && s[j] != '&')
		j++;
	html_text(h, s, j);
	if (j < n) {
		if (s[j] == '<')
			h->state = H_TAG_OPEN;
		else
			html_ref_begin(h, H_DATA);
		j++;
	}
	return j;
}

/* html_value_run - an attribute value up to its end or a '&'; the bytes used */
static size_t html_value_run(struct html *h, const char *s, size_t n)
{
	char q = h->state == H_VALUE_DQ ? '"' : '\'';
	size_t j = 0;

	if (h->state == H_VALUE_UQ)
		while (j < n && !html_is_space(s[j]) && s[j] != '>' && s[j] != '&')
			j++;
	else
		while (j < n && s[j] != q && s[j] != '&')
			j++;
	html_value(h, s, j);
	if (j == n)
		return j;
	if (s[j] == '&') {
		html_ref_begin(h, h->state);
		return j + 1;
	}
	if (h->state == H_VALUE_UQ) {
		h->state = H_BEFORE_ATTR;	/* the space or '>' is read again */
		return j;
	}
	h->state = H_AFTER_VALUE;
	return j + 1;
}

/* html_charref_byte - one byte of a character reference; false when it ended it unread */
static bool html_charref_byte(struct html *h, char c)
{
	if (c == ';') {
		html_charref(h, true, 0);
		return true;
	}
	if (html_ref_more(h, c))
		return true;
	html_charref(h, false, c);
	return false;
}

/* html_feed - tokenize the next piece of the document */
void html_feed(struct html *h, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		char c = s[i];
		const char *gt;

		switch (h->state) {
		case H_DATA:
			i += html_data(h, s + i, n - i);
			break;
		case H_VALUE_DQ:
		case H_VALUE_SQ:
		case H_VALUE_UQ:
			i += html_value_run(h, s + i, n - i);
			break;
		case H_CHARREF:
			i += html_charref_byte(h, c);
			break;
		case H_MARKUP:
			i += html_markup(h, c);
			break;
		case H_COMMENT:
			html_comment(h, c);
			i++;
			break;
		case H_CONDITIONAL:
			html_conditional(h, c);
			i++;
			break;
		case H_BOGUS:
			gt = memchr(s + i, '>', n - i);
			if (gt == NULL)
				return;
			h->state = H_DATA;
			i = (size_t)(gt - s) + 1;
			break;
		case H_RAWTEXT:
			i += html_rawtext(h, s + i, n - i);
			break;
		default:
			i += html_step(h, c);
			break;
		}
	}
}

/* html_end - the document ended: finish a dangling reference, flush the text */
void html_end(struct html *h)
{
	if (h->state == H_CHARREF)
		html_charref(h, false, 0);
	if (h->state == H_TAG_OPEN)
		html_text(h, "<", 1);
	html_flush(h);
	h->state = H_DATA;
}
