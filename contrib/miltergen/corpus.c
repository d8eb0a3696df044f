/*
 * corpus - load messages from files, mboxes and directories and split each
 * into header fields and a CRLF body.
 *
 * May touch: reads the files and directories it is given, nothing else.
 * Fails with a message in err: unreadable input, a message over the size
 * caps (message, header count, header length, whole corpus). Odd input is
 * taken as an MTA takes it, never rejected: a line that is not a header
 * field ends the header section and starts the body.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"
#include "xalloc.h"

/* corpus_init - an empty corpus that will refuse more than max_bytes */
void corpus_init(struct corpus *c, size_t max_bytes)
{
	memset(c, 0, sizeof(*c));
	c->max_bytes = max_bytes;
}

/* corpus_header_name_len - length of the field name if line starts a header field */
static size_t corpus_header_name_len(const char *p, size_t len)
{
	size_t n = 0, i;

	/* printable ASCII except colon, as Postfix's is_header() */
	while (n < len && p[n] > ' ' && p[n] < 127 && p[n] != ':')
		n++;
	if (n == 0)
		return 0;
	for (i = n; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	return (i < len && p[i] == ':') ? n : 0;
}

/* corpus_address - the bare address of a header value, sanitised, or "" */
static void corpus_address(const char *v, char *out, size_t outlen)
{
	const char *lt = strchr(v, '<');
	const char *start = v, *end;
	size_t n = 0;

	if (lt != NULL && strchr(lt, '>') != NULL) {
		start = lt + 1;
		end = strchr(start, '>');
	} else {
		/* no brackets: the first word holding an @ */
		const char *at = strchr(v, '@');

		if (at == NULL) {
			out[0] = '\0';
			return;
		}
		for (start = at; start > v && !strchr(" \t\n,;:", start[-1]); start--)
			;
		for (end = at; *end != '\0' && !strchr(" \t\n,;", *end); end++)
			;
	}
	for (const char *p = start; p < end && n + 1 < outlen; p++) {
		if (*p > ' ' && *p < 127 && !strchr("<>\"\\,;()", *p))
			out[n++] = *p;
	}
	out[n] = '\0';
	if (strchr(out, '@') == NULL)
		out[0] = '\0';
}

/* corpus_header_add - append a field; false past the header count cap */
static bool corpus_header_add(struct corpus_msg *m, size_t *alloc, const char *name,
			      size_t nlen, const char *val, size_t vlen)
{
	if (m->nhdr == CORPUS_HDR_COUNT_MAX)
		return false;
	if (m->nhdr == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 32;
		m->hdr = xreallocarray(m->hdr, *alloc, sizeof(*m->hdr));
	}
	m->hdr[m->nhdr].name = xstrndup(name, nlen);
	m->hdr[m->nhdr].value = xstrndup(val, vlen);
	m->nhdr++;
	return true;
}

/* corpus_header_extend - add a continuation line to the last field */
static void corpus_header_extend(struct corpus_msg *m, const char *line, size_t len)
{
	struct corpus_header *h = &m->hdr[m->nhdr - 1];
	size_t old = strlen(h->value);

	h->value = xrealloc(h->value, old + 1 + len + 1);
	h->value[old] = '\n';
	memcpy(h->value + old + 1, line, len);
	h->value[old + 1 + len] = '\0';
}

/* corpus_body - copy from p to end with every line ended by CRLF */
static void corpus_body(struct corpus_msg *m, const char *p, const char *end)
{
	size_t lines = 0, n = 0;

	for (const char *q = p; q < end; q++)
		lines += (*q == '\n');
	m->body = xmalloc((size_t)(end - p) + lines + 3);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t len = (size_t)(eol - p);

		if (len > 0 && p[len - 1] == '\r')
			len--;
		memcpy(m->body + n, p, len);
		n += len;
		m->body[n++] = '\r';
		m->body[n++] = '\n';
		p = nl ? nl + 1 : end;
	}
	m->body[n] = '\0';
	m->bodylen = n;
}

/* corpus_envelope - envelope sender and recipient from the header fields */
static void corpus_envelope(struct corpus_msg *m)
{
	static const char *const from[] = { "Return-Path", "From" };
	static const char *const to[] = { "To", "Cc" };

	for (size_t k = 0; k < 2 && m->sender[0] == '\0'; k++)
		for (size_t i = 0; i < m->nhdr && m->sender[0] == '\0'; i++)
			if (strcasecmp(m->hdr[i].name, from[k]) == 0)
				corpus_address(m->hdr[i].value, m->sender, sizeof(m->sender));
	for (size_t k = 0; k < 2 && m->rcpt[0] == '\0'; k++)
		for (size_t i = 0; i < m->nhdr && m->rcpt[0] == '\0'; i++)
			if (strcasecmp(m->hdr[i].name, to[k]) == 0)
				corpus_address(m->hdr[i].value, m->rcpt, sizeof(m->rcpt));
}

/* corpus_msg_free - release one message's storage */
static void corpus_msg_free(struct corpus_msg *m)
{
	for (size_t i = 0; i < m->nhdr; i++) {
		free(m->hdr[i].name);
		free(m->hdr[i].value);
	}
	free(m->hdr);
	free(m->body);
	free(m->label);
}

/* corpus_split - parse data into m; false with a reason past a cap */
static bool corpus_split(struct corpus_msg *m, const char *data, size_t len,
			 char *err, size_t errlen)
{
	const char *p = data, *end = data + len;
	size_t alloc = 0;

	/* an mbox separator is not part of the message */
	if (len >= 5 && memcmp(p, "From ", 5) == 0) {
		const char *nl = memchr(p, '\n', len);

		p = nl ? nl + 1 : end;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t l = (size_t)(eol - p), n;

		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l == 0) {
			p = nl ? nl + 1 : end;
			break;
		}
		if ((p[0] == ' ' || p[0] == '\t') && m->nhdr > 0) {
			if (strlen(m->hdr[m->nhdr - 1].name) + strlen(m->hdr[m->nhdr - 1].value) + l
			    > CORPUS_HDR_LEN_MAX) {
				snprintf(err, errlen, "header field %.60s longer than %u bytes",
					 m->hdr[m->nhdr - 1].name, CORPUS_HDR_LEN_MAX);
				return false;
			}
			corpus_header_extend(m, p, l);
		} else if ((n = corpus_header_name_len(p, l)) > 0) {
			const char *colon = memchr(p, ':', l);

			if (l > CORPUS_HDR_LEN_MAX) {
				snprintf(err, errlen, "header field longer than %u bytes",
					 CORPUS_HDR_LEN_MAX);
				return false;
			}
			if (!corpus_header_add(m, &alloc, p, n, colon + 1, l - (size_t)(colon + 1 - p))) {
				snprintf(err, errlen, "more than %u header fields", CORPUS_HDR_COUNT_MAX);
				return false;
			}
		} else {
			break;	/* not a header field: the body starts here */
		}
		p = nl ? nl + 1 : end;
	}
	corpus_body(m, p, end);
	corpus_envelope(m);
	return true;
}

/* corpus_add_message - parse one message and append it */
bool corpus_add_message(struct corpus *c, const char *label, const char *data, size_t len,
			char *err, size_t errlen)
{
	struct corpus_msg m;
	bool ok;

	if (len > CORPUS_MSG_MAX) {
		snprintf(err, errlen, "%.200s: message larger than %u bytes", label, CORPUS_MSG_MAX);
		return false;
	}
	if (c->bytes + len > c->max_bytes) {
		snprintf(err, errlen, "%.200s: corpus larger than %zu bytes", label, c->max_bytes);
		return false;
	}
	memset(&m, 0, sizeof(m));
	ok = corpus_split(&m, data, len, err, errlen);
	if (ok && m.nhdr == 0) {
		snprintf(err, errlen, "no header field: not a message (a manifest? use OUTDIR/messages)");
		ok = false;
	}
	if (!ok) {
		char why[200];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%.200s: %s", label, why);
		corpus_msg_free(&m);
		return false;
	}
	m.label = xstrdup(label);
	m.size = len;
	if (c->count == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 64;
		c->msg = xreallocarray(c->msg, c->alloc, sizeof(*c->msg));
	}
	c->msg[c->count++] = m;
	c->bytes += len;
	return true;
}

/* corpus_mbox_unescape - copy a message, turning mboxrd ">From " back into "From " */
static char *corpus_mbox_unescape(const char *p, size_t len, size_t *outlen)
{
	char *out = xmalloc(len + 1);
	size_t n = 0;
	const char *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		size_t gt = 0;

		while (gt < l && p[gt] == '>')
			gt++;
		if (gt > 0 && l - gt >= 5 && memcmp(p + gt, "From ", 5) == 0) {
			p++;
			l--;
		}
		memcpy(out + n, p, l);
		n += l;
		p += l;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

/* corpus_add_mbox - split an mbox on "From " lines that follow a blank line */
bool corpus_add_mbox(struct corpus *c, const char *label, const char *data, size_t len,
		     char *err, size_t errlen)
{
	const char *p = data, *end = data + len;
	unsigned n = 0;

	while (p < end) {
		const char *start = p, *next = NULL, *stop;

		/* the separator of this message, then search past it */
		for (const char *q = memchr(p, '\n', (size_t)(end - p)); q && q + 1 < end;
		     q = memchr(q + 1, '\n', (size_t)(end - q - 1))) {
			if (q[1] == '\n' || (q[1] == '\r' && q + 2 < end && q[2] == '\n')) {
				const char *s = q + (q[1] == '\n' ? 2 : 3);

				if (end - s >= 5 && memcmp(s, "From ", 5) == 0) {
					next = s;
					break;
				}
			}
		}
		stop = next ? next : end;
		/* the blank line before a separator belongs to the mbox, not the message */
		if (next != NULL) {
			stop--;
			if (stop > start && stop[-1] == '\r')
				stop--;
		}
		size_t mlen;
		char *msg = corpus_mbox_unescape(start, (size_t)(stop - start), &mlen);
		char sub[512];
		bool ok;

		snprintf(sub, sizeof(sub), "%.480s#%u", label, ++n);
		ok = corpus_add_message(c, sub, msg, mlen, err, errlen);
		free(msg);
		if (!ok)
			return false;
		p = next ? next : end;
	}
	return true;
}

/* corpus_read_file - whole file into memory, at most max bytes */
static char *corpus_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t n = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "%.200s: larger than %zu bytes", path, max);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* corpus_add_file - a file holding one message, or an mbox */
static bool corpus_add_file(struct corpus *c, const char *path, char *err, size_t errlen)
{
	size_t len, room = c->max_bytes - c->bytes;
	char *data = corpus_read_file(path, room, &len, err, errlen);
	bool ok;

	if (data == NULL)
		return false;
	if (len >= 5 && memcmp(data, "From ", 5) == 0)
		ok = corpus_add_mbox(c, path, data, len, err, errlen);
	else
		ok = corpus_add_message(c, path, data, len, err, errlen);
	free(data);
	return ok;
}

/* corpus_cmp - sort file names so a run is repeatable */
static int corpus_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* corpus_add_dir - every regular, non-hidden file of a directory, by name */
static bool corpus_add_dir(struct corpus *c, const char *path, char *err, size_t errlen)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	bool ok = true;

	if (d == NULL) {
		snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			names = xreallocarray(names, alloc, sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), corpus_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(path) + strlen(names[i]) + 2;
		char *full = xmalloc(plen);
		struct stat st;

		snprintf(full, plen, "%s/%s", path, names[i]);
		if (ok && stat(full, &st) == 0 && S_ISREG(st.st_mode))
			ok = corpus_add_file(c, full, err, errlen);
		free(full);
		free(names[i]);
	}
	free(names);
	return ok;
}

/* corpus_add_path - a message file, an mbox, or a directory of them */
bool corpus_add_path(struct corpus *c, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%.200s: %s", path, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode))
		return corpus_add_dir(c, path, err, errlen);
	return corpus_add_file(c, path, err, errlen);
}

/* corpus_free - release every message */
void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->count; i++)
		corpus_msg_free(&c->msg[i]);
	free(c->msg);
	memset(c, 0, sizeof(*c));
}
