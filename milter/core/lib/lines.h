/*
 * lines - a text read line by line, the way vigie reads its own files
 * (vigie.conf, DomainPolicies, TestDNS zones, brand packs, warning
 * templates): a line ends at LF, which is not part of it (a CR before it is,
 * for the reader to trim or refuse); the last line may lack its LF; a UTF-8
 * byte order mark at the start is skipped where the format allows one.
 */
#ifndef VIGIE_LINES_H
#define VIGIE_LINES_H

#include <stdbool.h>
#include <stddef.h>

struct lines {
	const char *p, *end;
	unsigned no;		/* the number of the line last read, from 1 */
};

void lines_init(struct lines *it, const char *text, size_t len, bool bom);
bool lines_next(struct lines *it, const char **line, size_t *n);

#endif
