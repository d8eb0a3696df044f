/*
 * xalloc - allocation that never returns NULL.
 *
 * Touches: the heap; writes one line to stderr and aborts when memory runs out
 * or a size computation overflows.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* xalloc_fail - the one way out when memory runs out */
static void xalloc_fail(size_t n)
{
	fprintf(stderr, "vigie: out of memory (%zu bytes)\n", n);
	abort();
}

/* xmalloc - malloc or abort */
void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xalloc_fail(n);
	return p;
}

/* xcalloc - zeroed array or abort */
void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		xalloc_fail(size);
	return p;
}

/* xrealloc - realloc or abort */
void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		xalloc_fail(n);
	return q;
}

/* xreallocarray - realloc of count * size with an overflow check */
void *xreallocarray(void *p, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		xalloc_fail(SIZE_MAX);
	return xrealloc(p, count * size);
}

/* xstrdup - strdup or abort */
char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* xstrndup - copy of at most n bytes of s, NUL-terminated */
char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
