/*
 * keyfile - DKIM public keys read once from a TestPublicKeys file and served
 * from a hash table.
 *
 * Touches: the file named, read once at load. Errors name the file and line:
 * a name that is not a key name, a missing record, a record over 1024 bytes,
 * a name given twice, a file over 16 MB. Empty lines and '#' comment lines
 * are skipped; a trailing CR is dropped, so CRLF files load too.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "hmap.h"
#include "keyfile.h"
#include "vbuf.h"
#include "xalloc.h"

struct keyfile_entry {
	char *name;		/* lower case */
	char *record;
};

struct keyfile {
	struct hmap table;		/* lower-cased name -> entry */
	struct keyfile_entry *entry;
	size_t count;
};

/* keyfile_name_ok - "selector._domainkey.domain", a name dnsname_ok accepts */
static int keyfile_name_ok(const char *name, size_t len)
{
	if (!dnsname_ok(name, len))
		return 0;
	for (size_t i = 0; i + 12 <= len; i++)
		if ((i == 0 || name[i - 1] == '.') && strncasecmp(name + i, "_domainkey.", 11) == 0)
			return i > 0;
	return 0;
}

/* keyfile_line - add one "name record" line; 0, or -1 with err set */
static int keyfile_line(struct keyfile *kf, const char *p, size_t len, const char *origin,
			unsigned lineno, char *err, size_t errlen)
{
	size_t n = 0, v, dup;

	while (n < len && p[n] != ' ' && p[n] != '\t')
		n++;
	if (!keyfile_name_ok(p, n)) {
		snprintf(err, errlen, "%s:%u: not a key name \"selector._domainkey.domain\"",
			 origin, lineno);
		return -1;
	}
	for (v = n; v < len && (p[v] == ' ' || p[v] == '\t'); v++)
		;
	if (v == len) {
		snprintf(err, errlen, "%s:%u: no key record after the name", origin, lineno);
		return -1;
	}
	if (len - v > KEYFILE_RECORD_MAX) {
		snprintf(err, errlen, "%s:%u: key record of %zu bytes (at most %d)",
			 origin, lineno, len - v, KEYFILE_RECORD_MAX);
		return -1;
	}
	if (memchr(p + v, '\0', len - v) != NULL) {
		snprintf(err, errlen, "%s:%u: NUL byte in the key record", origin, lineno);
		return -1;
	}
	char *name = xstrndup(p, n);

	for (char *c = name; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (hmap_get(&kf->table, name, n, &dup)) {
		snprintf(err, errlen, "%s:%u: key %s given twice", origin, lineno, name);
		free(name);
		return -1;
	}
	/* grow by doubling: count is a power of two (or 0) when full */
	if ((kf->count & (kf->count - 1)) == 0)
		kf->entry = xreallocarray(kf->entry, kf->count ? kf->count * 2 : 1,
					  sizeof(*kf->entry));
	kf->entry[kf->count].name = name;
	kf->entry[kf->count].record = xstrndup(p + v, len - v);
	hmap_put(&kf->table, name, n, kf->count++);
	return 0;
}

/* keyfile_parse - keys from text; origin names it in errors */
struct keyfile *keyfile_parse(const char *text, size_t len, const char *origin,
			      char *err, size_t errlen)
{
	struct keyfile *kf = xcalloc(1, sizeof(*kf));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		lineno++;
		while (stop > p && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		if (stop > p && p[0] != '#' &&
		    keyfile_line(kf, p, (size_t)(stop - p), origin, lineno, err, errlen) < 0) {
			keyfile_free(kf);
			return NULL;
		}
		p = nl ? nl + 1 : end;
	}
	return kf;
}

/* keyfile_load - read and parse a key file */
struct keyfile *keyfile_load(const char *path, char *err, size_t errlen)
{
	struct vbuf text = VBUF_INIT(KEYFILE_SIZE_MAX);
	struct keyfile *kf = NULL;

	switch (vbuf_read_file(&text, path)) {
	case VBUF_READ_OPEN:
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		break;
	case VBUF_READ_IO:
		snprintf(err, errlen, "%s: read error", path);
		break;
	case VBUF_READ_BIG:
		snprintf(err, errlen, "%s: larger than 16 MB", path);
		break;
	case VBUF_READ_OK:
		kf = keyfile_parse(vbuf_str(&text), text.len, path, err, errlen);
		break;
	}
	vbuf_free(&text);
	return kf;
}

/* keyfile_find - the record for a key name, or NULL */
const char *keyfile_find(const struct keyfile *kf, const char *name)
{
	char lower[DNSNAME_MAX + 1];
	size_t n = strlen(name), i;

	if (n > DNSNAME_MAX)
		return NULL;
	for (size_t k = 0; k < n; k++)
		lower[k] = (char)tolower((unsigned char)name[k]);
	return hmap_get(&kf->table, lower, n, &i) ? kf->entry[i].record : NULL;
}

/* keyfile_count - how many keys were loaded */
size_t keyfile_count(const struct keyfile *kf)
{
	return kf->count;
}

/* keyfile_free - release the table and its keys */
void keyfile_free(struct keyfile *kf)
{
	if (kf == NULL)
		return;
	for (size_t i = 0; i < kf->count; i++) {
		free(kf->entry[i].name);
		free(kf->entry[i].record);
	}
	free(kf->entry);
	hmap_free(&kf->table);
	free(kf);
}
