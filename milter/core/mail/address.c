/*
 * address - RFC 5322 address lists, envelope addresses, and addresses
 * written in free text (see address.h for the decisions taken).
 *
 * Touches: the list it fills and the header context used to decode names.
 * Never fails: every input gives a list (maybe empty) whose flags say what
 * was wrong. One pass over the value; tokens of one address at a time.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "utf8.h"
#include "xalloc.h"

#define ADDRESS_NONE SIZE_MAX

enum { AT_ATOM, AT_QUOTED, AT_LITERAL, AT_SPECIAL };

struct address_tok {
	unsigned char type;
	char special;		/* AT_SPECIAL: one of <>@,;:. */
	bool space;		/* white space or a comment before it */
	size_t off, len;	/* atom: into the value; quoted, literal: into scratch */
};

struct address_lexer {
	const char *s;
	size_t len, pos;
	unsigned flags;		/* ADDRESS_F_* seen while lexing this address */
};

/* The address being collected. */
struct address_seg {
	size_t ntok;
	int angle;		/* 0: none yet, 1: inside, 2: closed */
	size_t phrase_end;	/* tokens before '<' */
	size_t spec_lo, spec_hi;	/* tokens inside the angle */
	bool route, route_done, extra;
	bool broken;		/* a junk special came since the last token */
	bool at_seen, any;
	unsigned flags;
};

/* address_list_init - an empty list with its buffers */
void address_list_init(struct address_list *l)
{
	memset(l, 0, sizeof(*l));
	vbuf_init(&l->text, ADDRESS_TEXT_MAX);
	vbuf_init(&l->scratch, HEADER_VALUE_MAX);
	vbuf_init(&l->comments, ADDRESS_NAME_MAX);
	vbuf_init(&l->name, HEADER_VALUE_MAX);
	vbuf_init(&l->dec, ADDRESS_NAME_MAX);
	l->tok = xcalloc(ADDRESS_TOKENS_MAX, sizeof(*l->tok));
}

/* address_list_free - release the buffers */
void address_list_free(struct address_list *l)
{
	vbuf_free(&l->text);
	vbuf_free(&l->scratch);
	vbuf_free(&l->comments);
	vbuf_free(&l->name);
	vbuf_free(&l->dec);
	free(l->tok);
	l->tok = NULL;
}

/* address_is_atext - a byte that may be part of an atom (8-bit included) */
static bool address_is_atext(unsigned char c)
{
	return c > ' ' && c != 0x7f && !strchr("()<>[]:;@\\,.\"", c);
}

/*
 * address_line_break - what a CR or LF inside a quoted string or comment
 * leaves: nothing when it folds the line (white space follows), else a
 * space: a bare CR or LF is shown by mail clients as a break between
 * words, so "Viamedis<CR>Paiement" must not read as one word.
 */
static bool address_line_break(const struct address_lexer *lx)
{
	if (lx->pos >= lx->len)
		return false;
	switch (lx->s[lx->pos]) {
	case ' ':
	case '\t':
	case '\r':
	case '\n':
		return false;
	default:
		return true;
	}
}

/* address_lex_comment - skip a comment (nested), keeping its text in comments */
static void address_lex_comment(struct address_lexer *lx, struct vbuf *comments)
{
	size_t depth = 0;

	if (comments->len)
		vbuf_addc(comments, ' ');
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos++];

		if (c == '(') {
			if (depth++ == 0)
				continue;
		} else if (c == ')') {
			if (--depth == 0)
				return;
		} else if (c == '\\' && lx->pos < lx->len) {
			c = lx->s[lx->pos++];
		} else if (c == '\r' || c == '\n') {
			if (!address_line_break(lx))
				continue;
			c = ' ';
		}
		vbuf_addc(comments, c);
	}
	lx->flags |= ADDRESS_F_UNCLOSED;
}

/* address_lex_delimited - a quoted string or domain literal into scratch */
static void address_lex_delimited(struct address_lexer *lx, struct vbuf *scratch,
				  char close, bool keep)
{
	if (keep)
		vbuf_addc(scratch, lx->s[lx->pos]);
	lx->pos++;
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos++];

		if (c == close) {
			if (keep)
				vbuf_addc(scratch, c);
			return;
		}
		if (c == '\\' && lx->pos < lx->len) {
			c = lx->s[lx->pos++];
		} else if (c == '\r' || c == '\n') {
			if (!address_line_break(lx))
				continue;
			c = ' ';
		}
		if ((unsigned char)c >= 0x80)
			lx->flags |= ADDRESS_F_8BIT;
		vbuf_addc(scratch, c);
	}
	lx->flags |= ADDRESS_F_UNCLOSED;
}

/* address_lex - the next token; false at the end of the value */
static bool address_lex(struct address_lexer *lx, struct address_list *l, struct address_tok *t)
{
	bool space = false;

	for (;;) {
		if (lx->pos >= lx->len)
			return false;
		unsigned char c = (unsigned char)lx->s[lx->pos];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = true;
			lx->pos++;
		} else if (c == '(') {
			space = true;
			address_lex_comment(lx, &l->comments);
		} else if (c == '"' || c == '[') {
			t->type = c == '"' ? AT_QUOTED : AT_LITERAL;
			t->off = l->scratch.len;
			address_lex_delimited(lx, &l->scratch, c == '"' ? '"' : ']', c == '[');
			t->len = l->scratch.len - t->off;
			break;
		} else if (strchr("<>@,;:.", c) && c != '\0') {
			t->type = AT_SPECIAL;
			t->special = (char)c;
			t->len = 1;
			lx->pos++;
			break;
		} else if (address_is_atext(c)) {
			t->type = AT_ATOM;
			t->off = lx->pos;
			while (lx->pos < lx->len && address_is_atext((unsigned char)lx->s[lx->pos])) {
				if ((unsigned char)lx->s[lx->pos] >= 0x80)
					lx->flags |= ADDRESS_F_8BIT;
				lx->pos++;
			}
			t->len = lx->pos - t->off;
			break;
		} else {
			lx->flags |= ADDRESS_F_JUNK;	/* ')' ']' '\\' controls */
			lx->pos++;
		}
	}
	t->space = space;
	return true;
}

/* address_tok_text - where a token's text is */
static const char *address_tok_text(const struct address_list *l, const struct address_lexer *lx,
				    const struct address_tok *t)
{
	if (t->type == AT_ATOM)
		return lx->s + t->off;
	if (t->type == AT_SPECIAL)
		return &t->special;
	return vbuf_str(&l->scratch) + t->off;
}

/* address_store - keep a NUL-terminated copy in the list's text; its offset */
static size_t address_store(struct address_list *l, const char *s, size_t len, unsigned *flags)
{
	size_t room = l->text.cap - l->text.len, off = l->text.len;

	if (room < 1) {
		*flags |= ADDRESS_F_TRUNCATED;
		return ADDRESS_NONE;
	}
	if (len > room - 1) {
		len = room - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		*flags |= ADDRESS_F_TRUNCATED;
	}
	vbuf_add(&l->text, s, len);
	vbuf_addc(&l->text, '\0');
	return off;
}

/* address_join - local part or domain from tokens lo..hi, no spaces, repaired */
static size_t address_join(struct address_list *l, const struct address_lexer *lx,
			   size_t lo, size_t hi, unsigned *flags)
{
	vbuf_reset(&l->name);
	vbuf_reset(&l->dec);
	for (size_t i = lo; i < hi; i++) {
		const struct address_tok *t = &l->tok[i];

		if (i > lo && t->space && t->type != AT_SPECIAL &&
		    l->tok[i - 1].type != AT_SPECIAL)
			*flags |= ADDRESS_F_JUNK;	/* "john smith@x": words without a dot */
		if (t->type == AT_QUOTED)
			*flags |= ADDRESS_F_QUOTED_LOCAL;
		if (t->type == AT_LITERAL)
			*flags |= ADDRESS_F_LITERAL;
		vbuf_add(&l->name, address_tok_text(l, lx, t), t->len);
	}
	if (l->name.len > ADDRESS_PART_MAX) {
		vbuf_truncate(&l->name, ADDRESS_PART_MAX);
		*flags |= ADDRESS_F_TRUNCATED;
	}
	if (!utf8_repair(&l->dec, vbuf_str(&l->name), l->name.len)) {
		utf8_cut(&l->dec, 0);
		*flags |= ADDRESS_F_TRUNCATED;
	}
	if (l->name.len == 0)
		return ADDRESS_NONE;
	return address_store(l, vbuf_str(&l->dec), l->dec.len, flags);
}

/* address_decode_name - decode a raw phrase held in l->name and keep it */
static size_t address_decode_name(struct address_list *l, struct header *h, unsigned *flags)
{
	unsigned df;

	if (l->name.len == 0)
		return ADDRESS_NONE;
	vbuf_reset(&l->dec);
	df = header_decode(h, vbuf_str(&l->name), l->name.len, &l->dec);
	if (df & HEADER_DEC_ENCODED)
		*flags |= ADDRESS_F_ENCODED;
	if (df & (HEADER_DEC_MALFORMED | HEADER_DEC_CONTROL | HEADER_DEC_CHARSET))
		*flags |= ADDRESS_F_BAD_NAME;
	if (df & HEADER_DEC_TRUNCATED)
		*flags |= ADDRESS_F_TRUNCATED;
	if (l->dec.len == 0)
		return ADDRESS_NONE;
	return address_store(l, vbuf_str(&l->dec), l->dec.len, flags);
}

/* address_phrase - decoded display name from tokens lo..hi (words joined by one space) */
static size_t address_phrase(struct address_list *l, struct header *h,
			     const struct address_lexer *lx, size_t lo, size_t hi, unsigned *flags)
{
	vbuf_reset(&l->name);
	for (size_t i = lo; i < hi; i++) {
		const struct address_tok *t = &l->tok[i];

		if (t->space && l->name.len)
			vbuf_addc(&l->name, ' ');
		vbuf_add(&l->name, address_tok_text(l, lx, t), t->len);
	}
	return address_decode_name(l, h, flags);
}

/* address_last_at - index of the last '@' token in lo..hi, or hi */
static size_t address_last_at(const struct address_list *l, size_t lo, size_t hi, unsigned *flags)
{
	size_t k = hi;

	for (size_t i = lo; i < hi; i++) {
		if (l->tok[i].type == AT_SPECIAL && l->tok[i].special == '@') {
			if (k != hi)
				*flags |= ADDRESS_F_MULTI_AT;
			k = i;
		}
	}
	return k;
}

/* address_spec - local part and domain from tokens lo..hi */
static void address_spec(struct address_list *l, const struct address_lexer *lx,
			 size_t lo, size_t hi, size_t *off, unsigned *flags)
{
	size_t k = address_last_at(l, lo, hi, flags);

	if (k == hi) {
		off[1] = address_join(l, lx, lo, hi, flags);
		*flags |= ADDRESS_F_NO_DOMAIN;
		return;
	}
	off[1] = address_join(l, lx, lo, k, flags);
	off[2] = address_join(l, lx, k + 1, hi, flags);
	if (off[1] == ADDRESS_NONE)
		*flags |= ADDRESS_F_NO_LOCAL;
	if (off[2] == ADDRESS_NONE)
		*flags |= ADDRESS_F_NO_DOMAIN;
}

/* address_bare - "[name] local@domain" with no brackets: split at the last '@' */
static void address_bare(struct address_list *l, struct header *h, const struct address_lexer *lx,
			 size_t n, size_t *off, unsigned *flags)
{
	size_t k = address_last_at(l, 0, n, flags), j, e;

	if (k == n) {
		/* no '@': a name, or a local part alone */
		off[0] = address_phrase(l, h, lx, 0, n, flags);
		off[1] = address_join(l, lx, 0, n, flags);
		*flags |= ADDRESS_F_NO_DOMAIN;
		return;
	}
	for (j = k; j > 0; j--) {
		const struct address_tok *p = &l->tok[j - 1];

		if ((p->type == AT_SPECIAL && p->special != '.' && p->special != '@') ||
		    p->type == AT_LITERAL)
			break;
		if (j < k && l->tok[j].space && p->type != AT_SPECIAL &&
		    l->tok[j].type != AT_SPECIAL)
			break;
	}
	for (e = k + 1; e < n; e++) {
		const struct address_tok *t = &l->tok[e];

		if (t->type == AT_QUOTED || (t->type == AT_SPECIAL && t->special != '.'))
			break;
		if (e > k + 1 && t->space && t->type != AT_SPECIAL &&
		    l->tok[e - 1].type != AT_SPECIAL)
			break;
	}
	if (e < n)
		*flags |= ADDRESS_F_JUNK;	/* words after the domain */
	if (j > 0) {
		off[0] = address_phrase(l, h, lx, 0, j, flags);
		*flags |= ADDRESS_F_NAME_NO_ANGLE;
	}
	address_spec(l, lx, j, e, off, flags);
}

/* address_finish - turn the collected tokens into one address */
static void address_finish(struct address_list *l, struct header *h, struct address_lexer *lx,
			   struct address_seg *seg, size_t group_depth)
{
	size_t off[5] = { ADDRESS_NONE, ADDRESS_NONE, ADDRESS_NONE, ADDRESS_NONE, ADDRESS_NONE };
	unsigned flags = seg->flags | lx->flags;

	if (seg->ntok == 0 && !seg->any) {
		l->flags |= flags;	/* an empty element (obs-addr-list), a comment, junk */
		goto reset;
	}
	l->total++;
	if (l->count == ADDRESS_MAX) {
		l->lflags |= ADDRESS_L_DROPPED;
		goto reset;
	}
	if (seg->angle) {
		flags |= ADDRESS_F_ANGLE;
		if (seg->angle == 1) {
			flags |= ADDRESS_F_UNCLOSED;
			seg->spec_hi = seg->ntok;
		}
		off[0] = address_phrase(l, h, lx, 0, seg->phrase_end, &flags);
		if (seg->route && !seg->route_done)
			flags |= ADDRESS_F_JUNK | ADDRESS_F_NO_LOCAL | ADDRESS_F_NO_DOMAIN;
		else if (seg->spec_lo == seg->spec_hi)
			flags |= ADDRESS_F_EMPTY;
		else
			address_spec(l, lx, seg->spec_lo, seg->spec_hi, off, &flags);
	} else {
		address_bare(l, h, lx, seg->ntok, off, &flags);
	}
	if (off[0] == ADDRESS_NONE && l->comments.len) {
		vbuf_reset(&l->name);
		vbuf_add(&l->name, vbuf_str(&l->comments), l->comments.len);
		off[0] = address_decode_name(l, h, &flags);
		if (off[0] != ADDRESS_NONE)
			flags |= ADDRESS_F_COMMENT_NAME;
	} else if (l->comments.len) {
		unsigned cflags = 0;	/* comments beside a name: kept, flags unchanged */

		vbuf_reset(&l->name);
		vbuf_add(&l->name, vbuf_str(&l->comments), l->comments.len);
		off[4] = address_decode_name(l, h, &cflags);
	}
	if (group_depth) {
		flags |= ADDRESS_F_GROUP;
		off[3] = l->group_off;
	}
	memcpy(l->off[l->count], off, sizeof(off));
	l->item[l->count].flags = flags;
	l->flags |= flags;
	l->count++;
reset:
	memset(seg, 0, sizeof(*seg));
	vbuf_reset(&l->scratch);
	vbuf_reset(&l->comments);
	lx->flags = 0;
}

/* address_group_start - "name:" opens a group; its name comes from the tokens so far */
static void address_group_start(struct address_list *l, struct header *h,
				struct address_lexer *lx, struct address_seg *seg,
				size_t *group_depth)
{
	unsigned flags = 0;

	l->lflags |= ADDRESS_L_GROUP;
	if (*group_depth)
		l->lflags |= ADDRESS_L_NESTED_GROUP;
	(*group_depth)++;
	l->group_off = address_phrase(l, h, lx, 0, seg->ntok, &flags);
	if (l->group_off == ADDRESS_NONE)
		l->group_off = address_store(l, "", 0, &flags);
	if (l->first_group_off == ADDRESS_NONE)
		l->first_group_off = l->group_off;
	memset(seg, 0, sizeof(*seg));
	vbuf_reset(&l->scratch);
	vbuf_reset(&l->comments);
	lx->flags = 0;
}

/* address_push - keep a token of the current address (past the cap it is counted) */
static void address_push(struct address_list *l, struct address_seg *seg, const struct address_tok *t)
{
	seg->any = true;
	if (seg->angle == 2) {
		seg->flags |= ADDRESS_F_JUNK;	/* words after '>' */
		return;
	}
	if (seg->ntok == ADDRESS_TOKENS_MAX) {
		seg->flags |= ADDRESS_F_TRUNCATED;
		if (seg->angle)
			return;
		/*
		 * A phrase longer than the cap: keep its first half and make room
		 * for what follows, where the address is.
		 */
		seg->ntok = ADDRESS_TOKENS_MAX / 2;
		seg->broken = true;
	}
	l->tok[seg->ntok] = *t;
	if (seg->broken)
		l->tok[seg->ntok].space = true;	/* what junk separated stays apart */
	seg->broken = false;
	seg->ntok++;
}

/* address_in_angle - a special inside <...>; true when it ends the address */
static bool address_in_angle(struct address_list *l, struct address_seg *seg,
			     const struct address_tok *t)
{
	switch (t->special) {
	case '>':
		seg->angle = 2;
		seg->spec_hi = seg->ntok;
		return false;
	case ',':
		if (seg->route && !seg->route_done)
			return false;
		seg->flags |= ADDRESS_F_UNCLOSED;	/* "<a@b, c@d": the '<' never closed */
		seg->angle = 2;
		seg->spec_hi = seg->ntok;
		return true;
	case ':':
		if (seg->route && !seg->route_done) {
			seg->route_done = true;
			seg->spec_lo = seg->ntok;
		} else {
			seg->flags |= ADDRESS_F_JUNK;
		}
		return false;
	case '<':
		seg->flags |= ADDRESS_F_JUNK;
		return false;
	case '@':
		if (seg->ntok == seg->spec_lo && !seg->route) {
			seg->route = true;
			seg->flags |= ADDRESS_F_ROUTE;
			return false;
		}
		break;
	}
	if (!(seg->route && !seg->route_done))
		address_push(l, seg, t);
	return false;
}

/* address_fixup - point the items at their strings once the text no longer moves */
static void address_fixup(struct address_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		const char **f[5] = { &l->item[i].display, &l->item[i].local,
				      &l->item[i].domain, &l->item[i].group, &l->item[i].comment };

		for (int k = 0; k < 5; k++) {
			size_t o = l->off[i][k];

			*f[k] = o == ADDRESS_NONE ? (k == 3 ? NULL : "") : l->text.data + o;
		}
	}
	l->group = l->first_group_off == ADDRESS_NONE ? NULL : l->text.data + l->first_group_off;
}

/* The parse of one field: the lexer, the address being collected, the group nesting. */
struct address_ctx {
	struct address_list *l;
	struct header *h;
	struct address_lexer lx;
	struct address_seg seg;
	size_t group_depth;
};

/* address_outside - a special outside <...>: list, group and angle structure */
static void address_outside(struct address_ctx *c, const struct address_tok *t)
{
	struct address_seg *seg = &c->seg;

	switch (t->special) {
	case ',':
		address_finish(c->l, c->h, &c->lx, seg, c->group_depth);
		break;
	case ';':
		address_finish(c->l, c->h, &c->lx, seg, c->group_depth);
		if (c->group_depth) {
			if (--c->group_depth == 0)
				c->l->group_off = ADDRESS_NONE;
		} else {
			c->l->lflags |= ADDRESS_L_STRAY;
		}
		break;
	case ':':
		if (!seg->at_seen && seg->angle == 0) {
			address_group_start(c->l, c->h, &c->lx, seg, &c->group_depth);
		} else {
			seg->flags |= ADDRESS_F_JUNK;
			seg->broken = true;
		}
		break;
	case '<':
		if (seg->angle == 0) {
			seg->angle = 1;
			seg->any = true;
			seg->phrase_end = seg->spec_lo = seg->ntok;
		} else {
			seg->flags |= ADDRESS_F_EXTRA_ANGLE;
			seg->extra = true;
		}
		break;
	case '>':
		c->l->lflags |= ADDRESS_L_STRAY;
		seg->flags |= ADDRESS_F_JUNK;
		seg->broken = true;
		break;
	default:
		if (t->special == '@')
			seg->at_seen = true;
		address_push(c->l, seg, t);
		break;
	}
}

/* address_special - a special token, wherever it stands */
static void address_special(struct address_ctx *c, const struct address_tok *t)
{
	struct address_seg *seg = &c->seg;

	if (seg->extra) {
		/* inside a second <...>: skipped, but a ',' still ends the address */
		if (t->special == '>')
			seg->extra = false;
		else if (t->special == ',')
			address_finish(c->l, c->h, &c->lx, seg, c->group_depth);
		return;
	}
	if (seg->angle == 1 && t->special == ';' && !(seg->route && !seg->route_done)) {
		/* "<a@b;": the '<' never closed; the ';' still ends a group */
		seg->flags |= ADDRESS_F_UNCLOSED;
		seg->angle = 2;
		seg->spec_hi = seg->ntok;
	} else if (seg->angle == 1) {
		if (address_in_angle(c->l, seg, t))
			address_finish(c->l, c->h, &c->lx, seg, c->group_depth);
		return;
	}
	address_outside(c, t);
}

/* address_parse - every address of a field value */
void address_parse(struct address_list *l, struct header *h, const char *value, size_t len)
{
	struct address_ctx c = { l, h, { value, len, 0, 0 }, { 0 }, 0 };
	struct address_tok t;

	l->count = l->total = 0;
	l->flags = l->lflags = 0;
	l->group_off = l->first_group_off = ADDRESS_NONE;
	vbuf_reset(&l->text);
	vbuf_reset(&l->scratch);
	vbuf_reset(&l->comments);
	while (address_lex(&c.lx, l, &t)) {
		if (t.type == AT_SPECIAL)
			address_special(&c, &t);
		else if (!c.seg.extra && !(c.seg.angle == 1 && c.seg.route && !c.seg.route_done))
			address_push(l, &c.seg, &t);
	}
	address_finish(l, h, &c.lx, &c.seg, c.group_depth);
	if (c.group_depth)
		l->lflags |= ADDRESS_L_OPEN_GROUP;
	address_fixup(l);
}

/* address_envelope - an envelope or Return-Path address: "<>", "<a@b>", "a@b", "<@r:a@b>" */
void address_envelope(struct address_list *l, struct header *h, const char *value, size_t len)
{
	address_parse(l, h, value, len);
	if (l->total > 1)
		l->lflags |= ADDRESS_L_STRAY;
	if (l->count && l->item[0].display[0] && !(l->item[0].flags & ADDRESS_F_COMMENT_NAME)) {
		l->item[0].flags |= ADDRESS_F_JUNK;	/* no display names in the envelope */
		l->flags |= ADDRESS_F_JUNK;
	}
}

/* address_usable - a plain local@domain that nothing made doubtful */
bool address_usable(const struct address *a)
{
	return a->local[0] && a->domain[0] &&
	       !(a->flags & (ADDRESS_F_UNCLOSED | ADDRESS_F_EMPTY | ADDRESS_F_NO_DOMAIN |
			     ADDRESS_F_NO_LOCAL | ADDRESS_F_MULTI_AT | ADDRESS_F_EXTRA_ANGLE |
			     ADDRESS_F_JUNK));
}

/* address_text_local - a byte of a local part written in text */
static bool address_text_local(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '/': case '=': case '?': case '^': case '_': case '`': case '{':
	case '|': case '}': case '~': case '.':
		return true;
	default:
		return false;
	}
}

/* address_text_at - the length of an at sign at s (ASCII, fullwidth U+FF20, small U+FE6B), or 0 */
static size_t address_text_at(const char *s, size_t len)
{
	if (s[0] == '@')
		return 1;
	if (len >= 3 && (unsigned char)s[0] == 0xef) {
		if ((unsigned char)s[1] == 0xbc && (unsigned char)s[2] == 0xa0)
			return 3;
		if ((unsigned char)s[1] == 0xb9 && (unsigned char)s[2] == 0xab)
			return 3;
	}
	return 0;
}

/*
 * address_text_domain - length of the domain-like run at s: ASCII letters,
 * digits, '-', '.', and any non-ASCII character that is not white space or
 * punctuation a reader sees as an end ("»", "＞"). *dots counts the dots seen,
 * the ideographic and fullwidth ones included (IDNA maps them to '.').
 */
static size_t address_text_domain(const char *s, size_t len, size_t *dots)
{
	size_t i = 0, end = 0;

	*dots = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '.'))
				break;
			if (c == '.')
				(*dots)++;
			i++;
		} else {
			n = utf8_decode(s + i, len - i, &cp);
			if (cp == UTF8_INVALID || utf8_is_space(cp) || cp == 0xbb || cp == 0xab ||
			    cp == 0xff1e || cp == 0xff1c || cp == 0x201c || cp == 0x201d ||
			    cp == 0x2018 || cp == 0x2019 || cp == 0xff20 || cp == 0xfe6b)
				break;
			if (cp == 0x3002 || cp == 0xff0e || cp == 0xff61)
				(*dots)++;
			i += n;
		}
		end = i;
	}
	return end;
}

/*
 * address_in_text - the next address written in text from *pos on (for
 * "noreply@viamedis.fr" <x@evil.tld>). The domain needs a dot and is cut
 * of trailing dots and hyphens. *pos moves past what was looked at; false
 * when there is none left. Linear: each byte is looked at a bounded number
 * of times whatever the text.
 */
bool address_in_text(const char *text, size_t len, size_t *pos, struct address_span *found)
{
	size_t i = *pos;

	while (i < len) {
		const char *at = memchr(text + i, '@', len - i);
		size_t a = at ? (size_t)(at - text) : len, alen = 1;

		/* the wide at signs start with 0xef: look for them up to the ASCII one */
		for (size_t k = i; k + 2 < a; k++) {
			if ((unsigned char)text[k] == 0xef && address_text_at(text + k, a - k)) {
				a = k;
				alen = 3;
				break;
			}
		}
		if (a >= len)
			break;
		size_t lo = a, dots, dlen;

		while (lo > i && address_text_local((unsigned char)text[lo - 1]))
			lo--;
		dlen = address_text_domain(text + a + alen, len - a - alen, &dots);
		while (dlen > 0 && (text[a + alen + dlen - 1] == '.' || text[a + alen + dlen - 1] == '-')) {
			if (text[a + alen + dlen - 1] == '.')
				dots--;
			dlen--;
		}
		if (dlen == 0 || text[a + alen] == '.' || text[a + alen] == '-')
			dots = 0;	/* "a@.b", "a@.": not a domain */
		i = a + alen + dlen;
		while (lo < a && text[lo] == '.')
			lo++;
		if (lo < a && dots > 0) {
			found->local = lo;
			found->local_len = a - lo;
			found->domain = a + alen;
			found->domain_len = dlen;
			*pos = i;
			return true;
		}
		if (dlen == 0)
			i = a + alen;
	}
	*pos = len;
	return false;
}
