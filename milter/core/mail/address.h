/*
 * address - RFC 5322 address lists as mail clients read them, hostile input
 * included: display names (atoms, quoted strings with quoted-pairs, RFC 2047
 * words, also inside quotes as clients decode them), angle addresses, bare
 * addr-specs, groups (nested and unterminated ones too), obsolete forms
 * (source routes, CFWS around dots, empty list elements), and garbage.
 *
 * Per address: the display name (decoded UTF-8), the local part and the
 * domain (as written, quotes removed, repaired to UTF-8; the domain engine
 * normalises the domain), the enclosing group's name, comments written
 * beside a display name (decoded), and flags saying what was odd; per list,
 * the name of its first group, even an empty one ("Viamedis:;"). Decisions where clients disagree, documented so the analysis can
 * treat the flag as the finding:
 * - "a@b@c": the domain is what follows the last '@' (ADDRESS_F_MULTI_AT);
 * - two <...> in one address: the first is the address (ADDRESS_F_EXTRA_ANGLE);
 * - "Name a@b" (no brackets): "Name" is the display name (ADDRESS_F_NAME_NO_ANGLE);
 * - "a@b (Name)": with no phrase, the comments give the display name
 *   (ADDRESS_F_COMMENT_NAME), as CPython's parseaddr does;
 * - no '@' at all ("Viamedis"): the words are both the display name (decoded)
 *   and the local part (raw), ADDRESS_F_NO_DOMAIN;
 * - an unclosed '<' ends at the next ',' outside a source route.
 *
 * Caps: ADDRESS_MAX addresses kept per field (all are counted in total),
 * ADDRESS_TOKENS_MAX tokens per address, ADDRESS_NAME_MAX bytes per decoded
 * name, ADDRESS_PART_MAX per local part or domain, ADDRESS_TEXT_MAX for all
 * strings of a field; what is cut sets ADDRESS_F_TRUNCATED. Time is linear in
 * the field; nesting of comments and groups is counted, never recursed.
 */
#ifndef VIGIE_ADDRESS_H
#define VIGIE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "header.h"
#include "vbuf.h"

#define ADDRESS_MAX 32
#define ADDRESS_TOKENS_MAX 256
#define ADDRESS_NAME_MAX 512
#define ADDRESS_PART_MAX 320
#define ADDRESS_TEXT_MAX 8192

#define ADDRESS_F_NO_DOMAIN	0x0001	/* no @domain */
#define ADDRESS_F_NO_LOCAL	0x0002	/* nothing before '@' */
#define ADDRESS_F_EMPTY		0x0004	/* "<>", the null address */
#define ADDRESS_F_ANGLE		0x0008	/* written in <...> */
#define ADDRESS_F_UNCLOSED	0x0010	/* an unclosed quote, comment, literal or '<' */
#define ADDRESS_F_ROUTE		0x0020	/* obsolete source route, dropped */
#define ADDRESS_F_GROUP		0x0040	/* member of a group */
#define ADDRESS_F_JUNK		0x0080	/* characters that fit nowhere were skipped */
#define ADDRESS_F_EXTRA_ANGLE	0x0100	/* more than one <...> */
#define ADDRESS_F_ENCODED	0x0200	/* the display name held RFC 2047 words */
#define ADDRESS_F_COMMENT_NAME	0x0400	/* display name taken from comments */
#define ADDRESS_F_NAME_NO_ANGLE	0x0800	/* "Name a@b": a name before a bare address */
#define ADDRESS_F_LITERAL	0x1000	/* the domain is a [literal] */
#define ADDRESS_F_QUOTED_LOCAL	0x2000	/* the local part was a quoted string */
#define ADDRESS_F_8BIT		0x4000	/* raw non-ASCII bytes */
#define ADDRESS_F_TRUNCATED	0x8000	/* a cap cut something */
#define ADDRESS_F_MULTI_AT	0x10000	/* more than one '@' */
#define ADDRESS_F_BAD_NAME	0x20000	/* the display name decoded with trouble (HEADER_DEC_MALFORMED, controls) */

/* address_list flags, beyond the union of its addresses' flags */
#define ADDRESS_L_DROPPED	0x01	/* more than ADDRESS_MAX addresses */
#define ADDRESS_L_STRAY		0x02	/* stray ';', '>' or ':' outside any address */
#define ADDRESS_L_NESTED_GROUP	0x04	/* a group inside a group */
#define ADDRESS_L_OPEN_GROUP	0x08	/* a group without its ';' */
#define ADDRESS_L_GROUP		0x10	/* group syntax, even an empty group */

struct address {
	const char *display;	/* decoded UTF-8, "" when none */
	const char *local;	/* "" when none */
	const char *domain;	/* "" when none; a literal keeps its brackets */
	const char *group;	/* enclosing group's name, NULL outside groups */
	const char *comment;	/* comments beside a display name, decoded; "" when none */
	unsigned flags;
};

struct address_tok;

struct address_list {
	size_t count;		/* addresses in item[] */
	size_t total;		/* addresses found, kept or not */
	unsigned flags;		/* union of the addresses' flags */
	unsigned lflags;	/* ADDRESS_L_* */
	struct address item[ADDRESS_MAX];
	const char *group;	/* the first group's name, even an empty group's; NULL if none */
	/* private */
	size_t off[ADDRESS_MAX][5];
	size_t group_off, first_group_off;
	struct vbuf text, scratch, comments, name, dec;
	struct address_tok *tok;
};

/* An address found in free text (a display name, a link's text). */
struct address_span {
	size_t local, local_len;	/* offsets into the text */
	size_t domain, domain_len;
};

void address_list_init(struct address_list *l);
void address_list_free(struct address_list *l);
void address_parse(struct address_list *l, struct header *h, const char *value, size_t len);
void address_envelope(struct address_list *l, struct header *h, const char *value, size_t len);
bool address_usable(const struct address *a);
bool address_in_text(const char *text, size_t len, size_t *pos, struct address_span *found);

#endif
