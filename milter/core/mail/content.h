/*
 * content - the Content-Type, Content-Transfer-Encoding and
 * Content-Disposition fields of a MIME entity: type and subtype, the
 * boundary and charset parameters (RFC 2045, with RFC 2231 extended and
 * continued values), the transfer encoding, and whether it is an attachment.
 *
 * Lenient like mail clients: comments anywhere, unquoted or unclosed quoted
 * values, junk between parameters skipped to the next ';'. When a parameter
 * comes twice the first one wins (CONTENT_F_DUP). A type that does not
 * parse leaves the default (text/plain, or message/rfc822 in a digest).
 */
#ifndef VIGIE_CONTENT_H
#define VIGIE_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "charset.h"

#define CONTENT_TOKEN_MAX 63
#define CONTENT_BOUNDARY_MAX 200	/* RFC 2046 says 70; longer ones exist */
#define CONTENT_PIECES_MAX 16		/* RFC 2231 continuations of one parameter */

enum content_cte {
	CONTENT_CTE_IDENTITY,		/* 7bit, 8bit, binary, absent */
	CONTENT_CTE_QP,
	CONTENT_CTE_BASE64,
	CONTENT_CTE_UNKNOWN		/* read as identity */
};

#define CONTENT_F_BAD_TYPE	0x01	/* the type did not parse: default kept */
#define CONTENT_F_DUP		0x02	/* a field or parameter came twice: the first kept */
#define CONTENT_F_BAD_PARAM	0x04	/* junk among the parameters */
#define CONTENT_F_LONG		0x08	/* a value over its cap (a boundary: not usable) */
#define CONTENT_F_BAD_CTE	0x10	/* unknown transfer encoding */

struct content {
	char type[CONTENT_TOKEN_MAX + 1];	/* lowercased */
	char subtype[CONTENT_TOKEN_MAX + 1];
	char boundary[CONTENT_BOUNDARY_MAX + 1];
	size_t boundary_len;		/* 0: none */
	char charset[CHARSET_NAME_MAX + 1];
	enum content_cte cte;
	bool attachment;
	bool seen_type, seen_cte, seen_disposition;
	unsigned flags;
};

enum content_field {
	CONTENT_FIELD_OTHER,		/* another field, or a line without a colon */
	CONTENT_FIELD_TYPE,
	CONTENT_FIELD_CTE,
	CONTENT_FIELD_DISPOSITION
};

void content_init(struct content *c, bool digest);
enum content_field content_field(struct content *c, const char *f, size_t len);
void content_type(struct content *c, const char *value, size_t len);
void content_encoding(struct content *c, const char *value, size_t len);
void content_disposition(struct content *c, const char *value, size_t len);
bool content_is(const struct content *c, const char *type, const char *subtype);
/* The lexical rules of these values, for their editor (rewrite_field.c). */
size_t content_cfws_end(const char *s, size_t n, size_t i);
size_t content_token_end(const char *s, size_t n, size_t i);

#endif
