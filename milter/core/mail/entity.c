/*
 * entity - HTML character references (see entity.h).
 *
 * Touches: nothing; a sorted constant table searched by bisection.
 */
#include <config.h>

#include <string.h>

#include "entity.h"
#include "utf8.h"

struct entity_def {
	const char *name;
	uint32_t cp;
	bool legacy;		/* HTML5 accepts it without the ';' */
};

#include "entity_table.h"

#define ENTITY_COUNT (sizeof(entity_table) / sizeof(entity_table[0]))

/* entity_numeric - the code point &#N; stands for (HTML5: 0, surrogates, too big give U+FFFD; 0x80..0x9F as windows-1252) */
uint32_t entity_numeric(uint64_t value)
{
	if (value == 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
		return UTF8_REPLACEMENT;
	if (value >= 0x80 && value <= 0x9f)
		return utf8_cp1252((unsigned char)value);
	return (uint32_t)value;
}

/* entity_cmp - compare a counted name with a table name, as strcmp orders them */
static int entity_cmp(const char *name, size_t len, const char *def)
{
	size_t dlen = strlen(def);
	int c = memcmp(name, def, len < dlen ? len : dlen);

	if (c)
		return c;
	return len < dlen ? -1 : len > dlen ? 1 : 0;
}

/* entity_named - the code point of a named reference (without '&' and ';') */
bool entity_named(const char *name, size_t len, uint32_t *cp, bool *legacy)
{
	size_t lo = 0, hi = ENTITY_COUNT;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = entity_cmp(name, len, entity_table[mid].name);

		if (c == 0) {
			*cp = entity_table[mid].cp;
			*legacy = entity_table[mid].legacy;
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* entity_legacy_prefix - the longest legacy name name starts with ("&notit" reads "¬it"); its length or 0 */
size_t entity_legacy_prefix(const char *name, size_t len, uint32_t *cp)
{
	for (size_t n = len; n >= 2; n--) {
		bool legacy;

		if (entity_named(name, n, cp, &legacy) && legacy)
			return n;
	}
	return 0;
}
