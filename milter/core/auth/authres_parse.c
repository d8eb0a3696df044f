/*
 * authres_parse - read an incoming Authentication-Results value (RFC 8601) as
 * hostile text: its authserv-id, its dkim= results, its first spf= and
 * dmarc= results.
 *
 * Touches: nothing but the structures given. A small lexer yields RFC 2045
 * tokens, quoted strings and the specials ; = / @, skipping comments (nested,
 * with quoted-pairs) and folding white space. At most AUTHRES_INPUT_MAX bytes
 * are read; each step consumes input, so any value is read in linear time.
 * Unterminated quotes and comments end the value; an unreadable result is
 * skipped up to the next ';'.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "authres.h"

#define ARPARSE_TEXT_MAX 512

enum arparse_kind {
	ARPARSE_END,
	ARPARSE_TOKEN,
	ARPARSE_QUOTED,
	ARPARSE_SPECIAL
};

struct arparse {
	const char *p, *end;
	bool broken;			/* an unterminated quote or comment */
	enum arparse_kind kind;
	char text[ARPARSE_TEXT_MAX + 1];	/* the token, or the quoted string unquoted */
	size_t len;
	bool cut;			/* text longer than ARPARSE_TEXT_MAX */
};

/* arparse_tspecial - RFC 2045 tspecials, which end a token */
static bool arparse_tspecial(unsigned char c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* arparse_space - folding white space, CR and LF included */
static bool arparse_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* arparse_keep - one more byte of text, counting what does not fit */
static void arparse_keep(struct arparse *l, char c)
{
	if (l->len < ARPARSE_TEXT_MAX)
		l->text[l->len++] = c;
	else
		l->cut = true;
}

/* arparse_comment - skip a comment, the '(' already seen */
static void arparse_comment(struct arparse *l)
{
	size_t depth = 1;

	while (l->p < l->end && depth > 0) {
		char c = *l->p++;

		if (c == '\\' && l->p < l->end)
			l->p++;
		else if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
	}
	if (depth > 0)
		l->broken = true;
}

/* arparse_quoted - a quoted string, the '"' already seen */
static void arparse_quoted(struct arparse *l)
{
	while (l->p < l->end) {
		char c = *l->p++;

		if (c == '"')
			return;
		if (c == '\\' && l->p < l->end)
			c = *l->p++;
		arparse_keep(l, arparse_space((unsigned char)c) && c != ' ' ? ' ' : c);
	}
	l->broken = true;
}

/* arparse_next - the next token, quoted string or special */
static enum arparse_kind arparse_next(struct arparse *l)
{
	l->len = 0;
	l->cut = false;
	for (;;) {
		while (l->p < l->end && arparse_space((unsigned char)*l->p))
			l->p++;
		if (l->p < l->end && *l->p == '(') {
			l->p++;
			arparse_comment(l);
			continue;
		}
		break;
	}
	if (l->p >= l->end) {
		l->kind = ARPARSE_END;
	} else if (*l->p == '"') {
		l->p++;
		arparse_quoted(l);
		l->kind = ARPARSE_QUOTED;
	} else if (arparse_tspecial((unsigned char)*l->p)) {
		arparse_keep(l, *l->p++);
		l->kind = ARPARSE_SPECIAL;
	} else {
		while (l->p < l->end && !arparse_space((unsigned char)*l->p) &&
		       !arparse_tspecial((unsigned char)*l->p) && (unsigned char)*l->p >= 0x20 &&
		       *l->p != 0x7f)
			arparse_keep(l, *l->p++);
		if (l->len == 0 && !l->cut)
			l->p++;		/* a control byte: not part of anything */
		l->kind = ARPARSE_TOKEN;
	}
	l->text[l->len] = '\0';
	return l->kind;
}

/* arparse_is - the current item is this special or this word (any case) */
static bool arparse_is(const struct arparse *l, const char *what)
{
	if (l->kind == ARPARSE_SPECIAL)
		return l->text[0] == what[0] && what[1] == '\0';
	return l->kind == ARPARSE_TOKEN && strcasecmp(l->text, what) == 0;
}

/* arparse_domain - a domain name made canonical; "" when it is not one */
static void arparse_domain(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src), n;

	if (len > 0 && src[len - 1] == '.')
		len--;
	if (len == 0 || len >= size) {
		dst[0] = '\0';
		return;
	}
	for (n = 0; n < len; n++) {
		unsigned char c = (unsigned char)src[n];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_') {
			dst[0] = '\0';
			return;
		}
		dst[n] = (char)tolower(c);
	}
	dst[n] = '\0';
}

/* arparse_safe - printable ASCII only, '?' for the rest, cut to fit */
static void arparse_safe(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src[n] != '\0' && n + 1 < size; n++)
		dst[n] = (unsigned char)src[n] > 0x20 && (unsigned char)src[n] < 0x7f ? src[n] : '?';
	dst[n] = '\0';
}

/* authres_id_equal - two authserv-ids name the same server */
bool authres_id_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la > 0 && la == lb && strncasecmp(a, b, la) == 0;
}

/* arparse_id - the authserv-id, first thing in the value */
static bool arparse_id(struct arparse *l, struct authres *ar)
{
	size_t n;

	arparse_next(l);
	if ((l->kind != ARPARSE_TOKEN && l->kind != ARPARSE_QUOTED) || l->cut || l->len == 0 ||
	    l->len > AUTHRES_ID_MAX)
		return false;
	for (n = 0; n < l->len; n++)
		ar->authserv_id[n] = (char)tolower((unsigned char)l->text[n]);
	if (n > 0 && ar->authserv_id[n - 1] == '.')
		n--;
	ar->authserv_id[n] = '\0';
	return n > 0;
}

/* arparse_pvalue - a property value: token, quoted string, [local] "@" domain */
static bool arparse_pvalue(struct arparse *l, char *dst, size_t size, bool *mailbox)
{
	*mailbox = false;
	arparse_next(l);
	if (l->kind == ARPARSE_TOKEN || l->kind == ARPARSE_QUOTED) {
		/* a local part: what matters is the domain after '@' */
		const char *save = l->p;

		snprintf(dst, size, "%s", l->text);
		if (arparse_next(l) != ARPARSE_SPECIAL || l->text[0] != '@') {
			l->p = save;
			l->kind = ARPARSE_TOKEN;
			return true;
		}
	} else if (!arparse_is(l, "@")) {
		return false;
	}
	*mailbox = true;
	if (arparse_next(l) != ARPARSE_TOKEN)
		return false;
	snprintf(dst, size, "%s", l->text);
	return true;
}

/* the methods read; the others are skipped */
enum arparse_method {
	ARPARSE_OTHER,
	ARPARSE_DKIM,
	ARPARSE_SPF,
	ARPARSE_DMARC
};

/* one result being read */
struct arparse_res {
	enum arparse_method method;
	struct authres_dkim dkim;
	enum spfcheck_result spf;
	enum dmarccheck_result dmarc;
	char domain[DNSNAME_MAX + 1];	/* spf: smtp.mailfrom/helo; dmarc: header.from */
	bool helo;
};

/* arparse_keep_prop - a property of the result being read */
static void arparse_keep_prop(struct arparse_res *r, const char *name, const char *value,
			      bool mailbox)
{
	if (r->method == ARPARSE_DKIM) {
		struct authres_dkim *d = &r->dkim;

		if (strcasecmp(name, "header.d") == 0 ||
		    (strcasecmp(name, "header.i") == 0 && mailbox)) {
			if (strcasecmp(name, "header.d") == 0 || d->domain[0] == '\0')
				arparse_domain(d->domain, sizeof(d->domain), value);
		} else if (strcasecmp(name, "header.s") == 0) {
			arparse_safe(d->selector, sizeof(d->selector), value);
		} else if (strcasecmp(name, "header.b") == 0) {
			arparse_safe(d->b, sizeof(d->b), value);
		}
	} else if (r->method == ARPARSE_SPF) {
		bool helo = strcasecmp(name, "smtp.helo") == 0;

		if ((helo || strcasecmp(name, "smtp.mailfrom") == 0) && r->domain[0] == '\0') {
			arparse_domain(r->domain, sizeof(r->domain), value);
			r->helo = helo;
		}
	} else if (r->method == ARPARSE_DMARC && strcasecmp(name, "header.from") == 0) {
		arparse_domain(r->domain, sizeof(r->domain), value);
	}
}

/* arparse_prop - one "ptype.property=value" or "reason=value" of a result */
static bool arparse_prop(struct arparse *l, struct arparse_res *r)
{
	char name[64], value[ARPARSE_TEXT_MAX + 1];
	bool mailbox;

	if (l->kind != ARPARSE_TOKEN || l->len >= sizeof(name))
		return false;
	memcpy(name, l->text, l->len + 1);
	if (arparse_next(l) != ARPARSE_SPECIAL || l->text[0] != '=')
		return false;
	if (!arparse_pvalue(l, value, sizeof(value), &mailbox))
		return false;
	arparse_keep_prop(r, name, value, mailbox);
	return true;
}

/* arparse_skip - past the next ';' (or to the end) after something unreadable */
static void arparse_skip(struct arparse *l, struct authres *ar)
{
	ar->malformed = true;
	while (l->kind != ARPARSE_END && !arparse_is(l, ";"))
		arparse_next(l);
}

/* arparse_method - "method[/version]=result"; false if unreadable */
static bool arparse_method(struct arparse *l, enum arparse_method *m)
{
	if (arparse_next(l) != ARPARSE_TOKEN)
		return false;
	*m = strcasecmp(l->text, "dkim") == 0 ? ARPARSE_DKIM :
	     strcasecmp(l->text, "spf") == 0 ? ARPARSE_SPF :
	     strcasecmp(l->text, "dmarc") == 0 ? ARPARSE_DMARC : ARPARSE_OTHER;
	if (arparse_next(l) == ARPARSE_SPECIAL && l->text[0] == '/') {
		if (arparse_next(l) != ARPARSE_TOKEN)
			return false;
		arparse_next(l);
	}
	return arparse_is(l, "=") && arparse_next(l) == ARPARSE_TOKEN;
}

/* arparse_result - the result word of the method being read; false if unknown */
static bool arparse_result(const struct arparse *l, struct arparse_res *r)
{
	switch (r->method) {
	case ARPARSE_DKIM:
		return dkimcheck_result_lookup(l->text, l->len, &r->dkim.result);
	case ARPARSE_SPF:
		/* RFC 7001's "hardfail" is fail */
		if (l->len == 8 && strcasecmp(l->text, "hardfail") == 0) {
			r->spf = SPFCHECK_FAIL;
			return true;
		}
		return spfcheck_result_lookup(l->text, l->len, &r->spf);
	case ARPARSE_DMARC:
		return dmarccheck_result_lookup(l->text, l->len, &r->dmarc);
	default:
		return true;
	}
}

/* arparse_store - a result read in full, kept in ar */
static void arparse_store(struct authres *ar, const struct arparse_res *r)
{
	switch (r->method) {
	case ARPARSE_DKIM:
		if (ar->ndkim < AUTHRES_MAX_DKIM)
			ar->dkim[ar->ndkim++] = r->dkim;
		else
			ar->dropped++;
		break;
	case ARPARSE_SPF:
		if (!ar->has_spf) {
			ar->has_spf = true;
			ar->spf = r->spf;
			ar->spf_helo = r->helo;
			memcpy(ar->spf_domain, r->domain, sizeof(ar->spf_domain));
		}
		break;
	case ARPARSE_DMARC:
		if (!ar->has_dmarc) {
			ar->has_dmarc = true;
			ar->dmarc = r->dmarc;
			memcpy(ar->dmarc_from, r->domain, sizeof(ar->dmarc_from));
		}
		break;
	default:
		break;
	}
}

/* arparse_resinfo - one result and its properties, the ';' already read */
static void arparse_resinfo(struct arparse *l, struct authres *ar)
{
	struct arparse_res r;

	memset(&r, 0, sizeof(r));
	if (!arparse_method(l, &r.method) || !arparse_result(l, &r)) {
		arparse_skip(l, ar);
		return;
	}
	while (arparse_next(l) != ARPARSE_END && !arparse_is(l, ";"))
		if (!arparse_prop(l, &r)) {
			arparse_skip(l, ar);
			return;
		}
	arparse_store(ar, &r);
}

/* arparse_none - "; none" ends the value; if not, nothing is consumed */
static bool arparse_none(struct arparse *l)
{
	const char *save = l->p;

	if (arparse_next(l) == ARPARSE_TOKEN && strcasecmp(l->text, "none") == 0 &&
	    arparse_next(l) == ARPARSE_END)
		return true;
	l->p = save;
	return false;
}

/* authres_parse - the authserv-id and dkim= results of an incoming value */
enum authres_status authres_parse(const char *value, size_t len, struct authres *ar)
{
	struct arparse l = { .p = value, .end = value + (len > AUTHRES_INPUT_MAX ? AUTHRES_INPUT_MAX : len) };
	size_t results = 0;

	memset(ar, 0, sizeof(*ar));
	if (!arparse_id(&l, ar))
		return AUTHRES_NOID;
	/* an optional version, then "; none" or results */
	if (arparse_next(&l) == ARPARSE_TOKEN && strspn(l.text, "0123456789") == l.len)
		arparse_next(&l);
	while (l.kind != ARPARSE_END) {
		if (!arparse_is(&l, ";")) {
			arparse_skip(&l, ar);
		} else if (results == 0 && arparse_none(&l)) {
			ar->none = true;
			break;
		} else {
			arparse_resinfo(&l, ar);
			results++;
		}
	}
	if (len > AUTHRES_INPUT_MAX || l.broken || (results == 0 && !ar->none))
		ar->malformed = true;
	return ar->malformed ? AUTHRES_MALFORMED : AUTHRES_OK;
}

/* authres_is_from - the value claims to come from authserv_id */
bool authres_is_from(const char *value, size_t len, const char *authserv_id)
{
	struct arparse l = { .p = value, .end = value + (len > AUTHRES_INPUT_MAX ? AUTHRES_INPUT_MAX : len) };
	struct authres ar;

	ar.authserv_id[0] = '\0';
	return arparse_id(&l, &ar) && authres_id_equal(ar.authserv_id, authserv_id);
}
