/*
 * reason - names of the reason codes and a bounded list of findings.
 *
 * Touches: nothing outside the list it is given. A full list counts what it
 * drops; a finding equal to one already held (code, where, subject) is merged
 * into it, keeping the stronger one.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reason.h"
#include "utf8.h"

static const char *const reason_names[REASON_CODE_COUNT] = {
	[REASON_HOMOGLYPH] = "homoglyph",
	[REASON_MIXED_SCRIPT] = "mixed-script",
	[REASON_TYPO] = "typo",
	[REASON_COMBOSQUAT] = "combosquat",
	[REASON_EMBEDDED] = "embedded",
	[REASON_TLD_SWAP] = "tld-swap",
	[REASON_DISPLAY_NAME] = "display-name",
	[REASON_DISPLAY_ADDRESS] = "display-address",
	[REASON_BRAND_UNAUTHENTICATED] = "brand-unauthenticated",
	[REASON_REPLY_TO] = "reply-to",
	[REASON_MULTIPLE_FROM] = "multiple-from",
	[REASON_BAD_FROM] = "bad-from",
	[REASON_LINK_LOOKALIKE] = "link-lookalike",
	[REASON_LINK_MISMATCH] = "link-mismatch",
	[REASON_LURE] = "lure",
	[REASON_ADDRESS_CLAIM] = "address-claim",
	[REASON_BODY_CLAIM] = "body-claim",
};

static const char *const where_names[WHERE_COUNT] = {
	[WHERE_FROM] = "from",
	[WHERE_SENDER] = "sender",
	[WHERE_REPLY_TO] = "reply-to",
	[WHERE_ENVELOPE] = "envelope",
	[WHERE_SUBJECT] = "subject",
	[WHERE_LINK] = "link",
	[WHERE_BODY] = "body",
	[WHERE_DOMAIN] = "domain",
};

/* reason_code_name - the stable name of a code, as headers and JSON show it */
const char *reason_code_name(enum reason_code code)
{
	return (unsigned)code < REASON_CODE_COUNT ? reason_names[code] : "unknown";
}

/* reason_code_lookup - a code from its stable name */
bool reason_code_lookup(const char *name, enum reason_code *code)
{
	for (int i = 0; i < REASON_CODE_COUNT; i++) {
		if (strcmp(reason_names[i], name) == 0) {
			*code = (enum reason_code)i;
			return true;
		}
	}
	return false;
}

/* reason_where_name - the name of the part that carried a finding */
const char *reason_where_name(enum reason_where where)
{
	return (unsigned)where < WHERE_COUNT ? where_names[where] : "unknown";
}

/* reason_list_init - an empty list */
void reason_list_init(struct reason_list *list)
{
	list->count = 0;
	list->dropped = 0;
}

/*
 * reason_subject_copy - copy what was judged into a subject field, as ASCII:
 * printable ASCII kept, other characters written [U+XXXX] so an admin sees
 * exactly which one, controls and invalid UTF-8 as '?'. Cut to fit, never
 * inside an escape.
 */
void reason_subject_copy(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t n = 0;

	if (dstlen == 0)
		return;
	for (size_t i = 0; i < len;) {
		char esc[16];
		size_t elen;
		uint32_t c = utf8_next(src, len, &i);

		if (c >= 0x20 && c < 0x7f) {
			esc[0] = (char)c;
			elen = 1;
		} else if (c >= 0xa0 && c != UTF8_INVALID) {
			elen = (size_t)snprintf(esc, sizeof(esc), "[U+%04X]", (unsigned)c);
		} else {
			esc[0] = '?';
			elen = 1;
		}
		if (n + elen + 1 > dstlen)
			break;
		memcpy(dst + n, esc, elen);
		n += elen;
	}
	dst[n] = '\0';
}

/* reason_utf8_trim - drop a UTF-8 sequence cut short at the end of s */
static void reason_utf8_trim(char *s)
{
	size_t len = strlen(s), i = len;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && len - i < 3)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (len - (i - 1) < want)
			s[i - 1] = '\0';
	}
}

/* reason_add - record a finding; returns it, or NULL when the list was full */
struct reason *reason_add(struct reason_list *list, enum reason_code code,
			  enum reason_where where, const struct brand *brand,
			  int strength, const char *subject, const char *fmt, ...)
{
	char subj[REASON_SUBJECT_MAX + 1];
	struct reason *r;
	va_list ap;

	if (subject == NULL)
		subject = "";
	reason_subject_copy(subj, sizeof(subj), subject, strlen(subject));
	for (size_t i = 0; i < list->count; i++) {
		r = &list->item[i];
		if (r->code == code && r->where == where && strcmp(r->subject, subj) == 0) {
			if (strength <= r->strength)
				return r;
			goto fill;
		}
	}
	if (list->count == REASON_LIST_MAX) {
		list->dropped++;
		return NULL;
	}
	r = &list->item[list->count++];
	r->code = code;
	r->where = where;
	memcpy(r->subject, subj, sizeof(subj));
fill:
	r->brand = brand;
	r->strength = strength < 0 ? 0 : strength > 100 ? 100 : strength;
	r->detail[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		int n = vsnprintf(r->detail, sizeof(r->detail), fmt, ap);

		va_end(ap);
		if (n >= (int)sizeof(r->detail))
			reason_utf8_trim(r->detail);
	}
	return r;
}

/* reason_has - whether the list holds a finding with this code */
bool reason_has(const struct reason_list *list, enum reason_code code)
{
	for (size_t i = 0; i < list->count; i++)
		if (list->item[i].code == code)
			return true;
	return false;
}
