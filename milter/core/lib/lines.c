/*
 * lines - a text read line by line (see lines.h).
 *
 * Touches: nothing; the lines point into the text. Never fails.
 */
#include <config.h>

#include <string.h>

#include "lines.h"

/* lines_init - read text[0..len) from its first line (bom: skip a UTF-8 byte order mark) */
void lines_init(struct lines *it, const char *text, size_t len, bool bom)
{
	it->p = text;
	it->end = text + len;
	it->no = 0;
	if (bom && len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		it->p += 3;
}

/* lines_next - the next line without its LF; false after the last */
bool lines_next(struct lines *it, const char **line, size_t *n)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*line = it->p;
	*n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->p = nl ? nl + 1 : it->end;
	it->no++;
	return true;
}
