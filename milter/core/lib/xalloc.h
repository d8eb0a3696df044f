/*
 * xalloc - allocation that never returns NULL.
 *
 * Running out of memory in the middle of a message leaves no safe verdict to
 * give; the process aborts and the MTA applies its milter_default_action.
 */
#ifndef VIGIE_XALLOC_H
#define VIGIE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
