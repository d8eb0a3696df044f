/*
 * content - Content-Type, Content-Transfer-Encoding and Content-Disposition
 * values of a MIME entity (see content.h).
 *
 * Touches: the struct it is given. Never fails: what does not parse is
 * skipped and flagged; every copy is capped.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "content.h"

/* The value of one interesting parameter, possibly in RFC 2231 pieces. */
struct content_param {
	char *buf;
	size_t cap, len;
	int kind;		/* 0: unset, 1: plain, 2: extended, 3: continued */
	unsigned next;		/* continued: the index expected next */
	bool long_value;
};

struct content_lexer {
	const char *s;
	size_t len, pos;
};

/* content_init - an entity with no fields yet: text/plain, or message/rfc822 in a digest */
void content_init(struct content *c, bool digest)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->type, sizeof(c->type), "%s", digest ? "message" : "text");
	snprintf(c->subtype, sizeof(c->subtype), "%s", digest ? "rfc822" : "plain");
}

/* content_is - whether the entity is of this type (and subtype, unless NULL) */
bool content_is(const struct content *c, const char *type, const char *subtype)
{
	return strcmp(c->type, type) == 0 && (subtype == NULL || strcmp(c->subtype, subtype) == 0);
}

/* content_cfws_end - where white space, line breaks and (nested) comments from i end (at most n) */
size_t content_cfws_end(const char *s, size_t n, size_t i)
{
	size_t depth = 0;

	for (; i < n; i++) {
		char c = s[i];

		if (depth) {
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(') {
			depth = 1;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			return i;
		}
	}
	return n;
}

/* content_is_token - a byte of an RFC 2045 token (8-bit bytes tolerated) */
static bool content_is_token(unsigned char c)
{
	return c > ' ' && c != 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* content_token_end - where an RFC 2045 token from i ends */
size_t content_token_end(const char *s, size_t n, size_t i)
{
	while (i < n && content_is_token((unsigned char)s[i]))
		i++;
	return i;
}

/* content_cfws - skip white space, line breaks and comments at the cursor */
static void content_cfws(struct content_lexer *lx)
{
	lx->pos = content_cfws_end(lx->s, lx->len, lx->pos);
}

/* content_token - a token at the cursor; its length (0: none) */
static size_t content_token(struct content_lexer *lx, const char **tok)
{
	size_t start = lx->pos;

	lx->pos = content_token_end(lx->s, lx->len, lx->pos);
	*tok = lx->s + start;
	return lx->pos - start;
}

/* content_lower - a capped lowercase copy; false when it did not fit */
static bool content_lower(char *dst, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		return false;
	for (size_t i = 0; i < len; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[len] = '\0';
	return true;
}

/* content_add - append to a parameter value, remembering an overflow */
static void content_add(struct content_param *p, const char *s, size_t len)
{
	if (len > p->cap - p->len) {
		len = p->cap - p->len;
		p->long_value = true;
	}
	memcpy(p->buf + p->len, s, len);
	p->len += len;
}

/* content_hex - value of a hex digit, or -1 */
static int content_hex(unsigned char c)
{
	if (isdigit(c))
		return c - '0';
	c = (unsigned char)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* content_add_ext - append an RFC 2231 extended value: %XX decoded; the first drops charset'lang' */
static void content_add_ext(struct content_param *p, const char *s, size_t len, bool first)
{
	size_t i = 0;

	if (first) {
		const char *q1 = memchr(s, '\'', len);
		const char *q2 = q1 ? memchr(q1 + 1, '\'', len - (size_t)(q1 + 1 - s)) : NULL;

		if (q2)
			i = (size_t)(q2 + 1 - s);
	}
	for (; i < len; i++) {
		char c = s[i];
		int hi, lo;

		if (c == '%' && i + 2 < len &&
		    (hi = content_hex((unsigned char)s[i + 1])) >= 0 &&
		    (lo = content_hex((unsigned char)s[i + 2])) >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		content_add(p, &c, 1);
	}
}

/*
 * content_value - a parameter value at the cursor: a quoted string (quoted
 * pairs resolved, an unclosed one runs to the end) or a token-ish run up to
 * ';' or white space. The raw bytes go to buf, capped at cap.
 */
static size_t content_value(struct content_lexer *lx, char *buf, size_t cap, bool *bad)
{
	size_t n = 0;

	if (lx->pos < lx->len && lx->s[lx->pos] == '"') {
		lx->pos++;
		while (lx->pos < lx->len && lx->s[lx->pos] != '"') {
			char c = lx->s[lx->pos++];

			if (c == '\\' && lx->pos < lx->len)
				c = lx->s[lx->pos++];
			else if (c == '\r' || c == '\n')
				continue;
			if (n < cap)
				buf[n] = c;
			n++;
		}
		if (lx->pos < lx->len)
			lx->pos++;
		else
			*bad = true;
		return n;
	}
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos];

		if (c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(')
			break;
		if (!content_is_token((unsigned char)c))
			*bad = true;	/* tspecials in an unquoted value: kept, flagged */
		if (n < cap)
			buf[n] = c;
		n++;
		lx->pos++;
	}
	return n;
}

/* content_piece - file one name[*N][*]=value under its parameter */
static void content_piece(struct content_param *p, const char *suffix, size_t slen,
			  const char *v, size_t vlen, unsigned *flags)
{
	bool ext = slen && suffix[slen - 1] == '*';
	unsigned idx = 0;
	bool indexed = false;

	if (ext)
		slen--;
	if (slen) {
		/* "*N": a continuation; anything else after the name is not ours */
		if (suffix[0] != '*' || slen < 2 || slen > 3)
			return;
		for (size_t i = 1; i < slen; i++) {
			if (!isdigit((unsigned char)suffix[i]))
				return;
			idx = idx * 10 + (unsigned)(suffix[i] - '0');
		}
		indexed = true;
	}
	if (!indexed) {
		if (p->kind) {
			*flags |= CONTENT_F_DUP;
			return;
		}
		p->kind = ext ? 2 : 1;
	} else if (idx == 0 && p->kind == 0) {
		p->kind = 3;
		p->next = 1;
	} else if (p->kind == 3 && idx == p->next && idx < CONTENT_PIECES_MAX) {
		p->next++;
	} else {
		*flags |= p->kind == 3 ? CONTENT_F_BAD_PARAM : CONTENT_F_DUP;
		return;
	}
	if (ext)
		content_add_ext(p, v, vlen, !indexed || idx == 0);
	else
		content_add(p, v, vlen);
}

/* content_has_control - whether a value holds a control byte (RFC 2046 boundaries never do) */
static bool content_has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* content_params - the ";name=value" list from the cursor on */
static void content_params(struct content *c, struct content_lexer *lx)
{
	char bbuf[CONTENT_BOUNDARY_MAX], cbuf[CHARSET_NAME_MAX];
	struct content_param bnd = { bbuf, sizeof(bbuf), 0, 0, 0, false };
	struct content_param cs = { cbuf, sizeof(cbuf), 0, 0, 0, false };
	char val[CONTENT_BOUNDARY_MAX * 3 + 1];

	for (;;) {
		const char *name;
		size_t nlen, vlen;
		bool bad = false;

		content_cfws(lx);
		if (lx->pos >= lx->len)
			break;
		if (lx->s[lx->pos] != ';') {
			/* junk: skip to the next ';' */
			c->flags |= CONTENT_F_BAD_PARAM;
			const char *semi = memchr(lx->s + lx->pos, ';', lx->len - lx->pos);

			if (semi == NULL)
				break;
			lx->pos = (size_t)(semi - lx->s);
		}
		lx->pos++;
		content_cfws(lx);
		nlen = content_token(lx, &name);
		content_cfws(lx);
		if (nlen == 0 || lx->pos >= lx->len || lx->s[lx->pos] != '=') {
			if (nlen || (lx->pos < lx->len && lx->s[lx->pos] != ';'))
				c->flags |= CONTENT_F_BAD_PARAM;
			continue;
		}
		lx->pos++;
		content_cfws(lx);
		vlen = content_value(lx, val, sizeof(val) - 1, &bad);
		if (bad)
			c->flags |= CONTENT_F_BAD_PARAM;
		if (vlen > sizeof(val) - 1) {
			vlen = sizeof(val) - 1;
			(nlen >= 8 && strncasecmp(name, "boundary", 8) == 0 ? &bnd : &cs)->long_value = true;
		}
		if (nlen >= 8 && strncasecmp(name, "boundary", 8) == 0)
			content_piece(&bnd, name + 8, nlen - 8, val, vlen, &c->flags);
		else if (nlen >= 7 && strncasecmp(name, "charset", 7) == 0)
			content_piece(&cs, name + 7, nlen - 7, val, vlen, &c->flags);
	}
	if (bnd.long_value) {
		c->flags |= CONTENT_F_LONG;
	} else if (content_has_control(bbuf, bnd.len) || content_has_control(cbuf, cs.len)) {
		c->flags |= CONTENT_F_BAD_PARAM;	/* no line can hold such a boundary */
		return;
	} else if (bnd.len) {
		memcpy(c->boundary, bbuf, bnd.len);
		c->boundary[bnd.len] = '\0';
		c->boundary_len = bnd.len;
	}
	/* white space around a boundary is not part of it (RFC 2046 bchars end in a non-space) */
	while (c->boundary_len && c->boundary[c->boundary_len - 1] == ' ')
		c->boundary[--c->boundary_len] = '\0';
	if (cs.long_value)
		c->flags |= CONTENT_F_LONG;
	else
		content_lower(c->charset, sizeof(c->charset), cbuf, cs.len);
}

/* content_type - parse a Content-Type value (the first one counts) */
void content_type(struct content *c, const char *value, size_t len)
{
	struct content_lexer lx = { value, len, 0 };
	const char *t, *st;
	size_t tl, stl;

	if (c->seen_type) {
		c->flags |= CONTENT_F_DUP;
		return;
	}
	c->seen_type = true;
	content_cfws(&lx);
	tl = content_token(&lx, &t);
	content_cfws(&lx);
	if (tl == 0 || lx.pos >= len || value[lx.pos] != '/') {
		c->flags |= CONTENT_F_BAD_TYPE;
		content_params(c, &lx);
		return;
	}
	lx.pos++;
	content_cfws(&lx);
	stl = content_token(&lx, &st);
	if (stl == 0 || tl > CONTENT_TOKEN_MAX || stl > CONTENT_TOKEN_MAX) {
		c->flags |= CONTENT_F_BAD_TYPE;
	} else {
		content_lower(c->type, sizeof(c->type), t, tl);
		content_lower(c->subtype, sizeof(c->subtype), st, stl);
	}
	content_params(c, &lx);
}

/* content_encoding - parse a Content-Transfer-Encoding value (the first one counts) */
void content_encoding(struct content *c, const char *value, size_t len)
{
	struct content_lexer lx = { value, len, 0 };
	const char *t;
	size_t tl;
	char tok[32];

	if (c->seen_cte) {
		c->flags |= CONTENT_F_DUP;
		return;
	}
	c->seen_cte = true;
	content_cfws(&lx);
	tl = content_token(&lx, &t);
	if (!content_lower(tok, sizeof(tok), t, tl) || tl == 0) {
		c->cte = CONTENT_CTE_UNKNOWN;
	} else if (!strcmp(tok, "7bit") || !strcmp(tok, "8bit") || !strcmp(tok, "binary")) {
		c->cte = CONTENT_CTE_IDENTITY;
	} else if (!strcmp(tok, "quoted-printable")) {
		c->cte = CONTENT_CTE_QP;
	} else if (!strcmp(tok, "base64")) {
		c->cte = CONTENT_CTE_BASE64;
	} else {
		c->cte = CONTENT_CTE_UNKNOWN;
	}
	if (c->cte == CONTENT_CTE_UNKNOWN)
		c->flags |= CONTENT_F_BAD_CTE;
}

/* content_disposition - whether a Content-Disposition value says attachment */
void content_disposition(struct content *c, const char *value, size_t len)
{
	struct content_lexer lx = { value, len, 0 };
	const char *t;
	size_t tl;

	if (c->seen_disposition) {
		c->flags |= CONTENT_F_DUP;
		return;
	}
	c->seen_disposition = true;
	content_cfws(&lx);
	tl = content_token(&lx, &t);
	c->attachment = tl == 10 && strncasecmp(t, "attachment", 10) == 0;
}

/*
 * content_field - one whole field of an entity's header section ("Name:
 * value", folded or not): the Content-* ones are read; says which it was.
 */
enum content_field content_field(struct content *c, const char *f, size_t len)
{
	const char *colon = memchr(f, ':', len);
	size_t nlen, vlen;

	if (colon == NULL)
		return CONTENT_FIELD_OTHER;
	nlen = (size_t)(colon - f);
	while (nlen && (f[nlen - 1] == ' ' || f[nlen - 1] == '\t'))
		nlen--;
	vlen = len - (size_t)(colon + 1 - f);
	if (nlen == 12 && strncasecmp(f, "content-type", 12) == 0) {
		content_type(c, colon + 1, vlen);
		return CONTENT_FIELD_TYPE;
	}
	if (nlen == 25 && strncasecmp(f, "content-transfer-encoding", 25) == 0) {
		content_encoding(c, colon + 1, vlen);
		return CONTENT_FIELD_CTE;
	}
	if (nlen == 19 && strncasecmp(f, "content-disposition", 19) == 0) {
		content_disposition(c, colon + 1, vlen);
		return CONTENT_FIELD_DISPOSITION;
	}
	return CONTENT_FIELD_OTHER;
}
