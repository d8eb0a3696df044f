/*
 * msgfeed - test helper splitting a raw message into milter-like calls.
 *
 * Touches: the file it is asked to read. Not hardened: test input only.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgfeed.h"
#include "xalloc.h"

/* msgfeed_eol - length of the line end at p (CRLF, LF), 0 if none */
static size_t msgfeed_eol(const char *p, const char *end)
{
	if (p < end && *p == '\n')
		return 1;
	if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

/* msgfeed_field_end - the end of the field starting at p, before its line end */
static const char *msgfeed_field_end(const char *p, const char *end, const char **next)
{
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop;

		if (nl == NULL) {
			*next = end;
			return end;
		}
		stop = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			p = nl + 1;
			continue;
		}
		*next = nl + 1;
		return stop;
	}
}

/* msgfeed_headers - the header fields and end of headers; the body's start */
static const char *msgfeed_headers(struct dkimcheck *v, const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;

	while (p < end && msgfeed_eol(p, end) == 0) {
		const char *next, *stop = msgfeed_field_end(p, end, &next);
		const char *colon = memchr(p, ':', (size_t)(stop - p));

		if (colon != NULL) {
			char *name = xstrndup(p, (size_t)(colon - p));
			char *value = xstrndup(colon + 1, (size_t)(stop - colon - 1));

			dkimcheck_header(v, name, value);
			free(name);
			free(value);
		}
		p = next;
	}
	p += msgfeed_eol(p, end);
	dkimcheck_eoh(v);
	return p;
}

/* msgfeed - the whole message, body in chunks of chunk bytes (0: one) */
void msgfeed(struct dkimcheck *v, const char *msg, size_t len, size_t chunk)
{
	const char *p = msgfeed_headers(v, msg, len), *end = msg + len;

	if (chunk == 0)
		chunk = (size_t)(end - p) + 1;
	while (p < end) {
		size_t n = (size_t)(end - p) < chunk ? (size_t)(end - p) : chunk;

		dkimcheck_body(v, p, n);
		p += n;
	}
	dkimcheck_eom(v);
}

/* msgfeed_split - the whole message, body in two chunks cut split bytes in */
void msgfeed_split(struct dkimcheck *v, const char *msg, size_t len, size_t split)
{
	const char *p = msgfeed_headers(v, msg, len), *end = msg + len;

	if (split > (size_t)(end - p))
		split = (size_t)(end - p);
	dkimcheck_body(v, p, split);
	dkimcheck_body(v, p + split, (size_t)(end - p) - split);
	dkimcheck_eom(v);
}

/* msgfeed_body_size - bytes of body after the header */
size_t msgfeed_body_size(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;

	while (p < end && msgfeed_eol(p, end) == 0) {
		const char *next;

		msgfeed_field_end(p, end, &next);
		p = next;
	}
	p += msgfeed_eol(p, end);
	return (size_t)(end - p);
}

/* msgfeed_from_domain - the domain of the first From address, lower case */
void msgfeed_from_domain(const char *msg, size_t len, char *out, size_t size)
{
	const char *p = msg, *end = msg + len;

	out[0] = '\0';
	while (p < end && msgfeed_eol(p, end) == 0) {
		const char *next, *stop = msgfeed_field_end(p, end, &next);

		if (stop - p > 5 && strncasecmp(p, "From:", 5) == 0) {
			const char *at = NULL, *q;
			size_t n = 0;

			for (q = p + 5; q < stop; q++)
				if (*q == '@')
					at = q;
			for (q = at ? at + 1 : stop; q < stop && n + 1 < size; q++) {
				if (*q == '>' || isspace((unsigned char)*q))
					break;
				out[n++] = (char)tolower((unsigned char)*q);
			}
			out[n] = '\0';
			return;
		}
		p = next;
	}
}

/* msgfeed_read - a whole file, NUL-terminated; NULL if unreadable */
char *msgfeed_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t size = 65536, n = 0, got;
	char *buf;

	if (fp == NULL)
		return NULL;
	buf = xmalloc(size + 1);
	while ((got = fread(buf + n, 1, size - n, fp)) > 0) {
		n += got;
		if (n == size) {
			size *= 2;
			buf = xrealloc(buf, size + 1);
		}
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}
