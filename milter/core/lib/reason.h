/*
 * reason - the findings a check produces: a stable code, the part of the
 * message that carried it, the brand concerned and a one-line explanation.
 *
 * Codes and their names are a stable interface (vigie(8) documents
 * them); the order of enum reason_code is not part of it.
 */
#ifndef VIGIE_REASON_H
#define VIGIE_REASON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct brand;

enum reason_code {
	REASON_HOMOGLYPH,
	REASON_MIXED_SCRIPT,
	REASON_TYPO,
	REASON_COMBOSQUAT,
	REASON_EMBEDDED,
	REASON_TLD_SWAP,
	REASON_DISPLAY_NAME,
	REASON_DISPLAY_ADDRESS,
	REASON_BRAND_UNAUTHENTICATED,
	REASON_REPLY_TO,
	REASON_MULTIPLE_FROM,
	REASON_BAD_FROM,
	REASON_LINK_LOOKALIKE,
	REASON_LINK_MISMATCH,
	REASON_LURE,
	REASON_ADDRESS_CLAIM,
	REASON_BODY_CLAIM,
	REASON_CODE_COUNT
};

enum reason_where {
	WHERE_FROM,
	WHERE_SENDER,
	WHERE_REPLY_TO,
	WHERE_ENVELOPE,
	WHERE_SUBJECT,
	WHERE_LINK,
	WHERE_BODY,
	WHERE_DOMAIN,		/* vigie-check --domain: the name given */
	WHERE_COUNT
};

#define REASON_SUBJECT_MAX 255	/* ASCII: an A-label domain or sanitised text */
#define REASON_DETAIL_MAX 255	/* UTF-8, one line */
#define REASON_LIST_MAX 32	/* findings kept per check; the rest are counted */

struct reason {
	enum reason_code code;
	enum reason_where where;
	const struct brand *brand;	/* brand concerned, or NULL */
	int strength;			/* 0..100: how sure the producer is */
	char subject[REASON_SUBJECT_MAX + 1];
	char detail[REASON_DETAIL_MAX + 1];
};

struct reason_list {
	size_t count;
	size_t dropped;			/* findings past REASON_LIST_MAX */
	struct reason item[REASON_LIST_MAX];
};

const char *reason_code_name(enum reason_code code);
bool reason_code_lookup(const char *name, enum reason_code *code);
const char *reason_where_name(enum reason_where where);

void reason_list_init(struct reason_list *list);
struct reason *reason_add(struct reason_list *list, enum reason_code code,
			  enum reason_where where, const struct brand *brand,
			  int strength, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
bool reason_has(const struct reason_list *list, enum reason_code code);
void reason_subject_copy(char *dst, size_t dstlen, const char *src, size_t len);

#endif
