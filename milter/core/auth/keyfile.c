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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "hash.h"
#include "keyfile.h"
#include "vbuf.h"
#include "xalloc.h"

struct keyfile_entry {
	char *name;		/* lower case */
	char *record;
};

struct keyfile {
	struct keyfile_entry *slot;	/* open addressing, size a power of two */
	size_t size;
	size_t count;
};

/* keyfile_hash - FNV-1a over the lower-cased name */
static uint64_t keyfile_hash(const char *s)
{
	uint64_t h = HASH_FNV_OFFSET;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*s);

		h = hash_fnv1a(h, &c, 1);
	}
	return h;
}

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

/* keyfile_slot - where name is, or the empty slot where it would go */
static struct keyfile_entry *keyfile_slot(const struct keyfile *kf, const char *name)
{
	size_t i = (size_t)keyfile_hash(name) & (kf->size - 1);

	while (kf->slot[i].name != NULL && strcasecmp(kf->slot[i].name, name) != 0)
		i = (i + 1) & (kf->size - 1);
	return &kf->slot[i];
}

/* keyfile_grow - keep the table at most half full */
static void keyfile_grow(struct keyfile *kf)
{
	struct keyfile old = *kf;

	if ((kf->count + 1) * 2 <= kf->size)
		return;
	kf->size = old.size ? old.size * 2 : 16;
	kf->slot = xcalloc(kf->size, sizeof(*kf->slot));
	for (size_t i = 0; i < old.size; i++)
		if (old.slot[i].name != NULL)
			*keyfile_slot(kf, old.slot[i].name) = old.slot[i];
	free(old.slot);
}

/* keyfile_line - add one "name record" line; 0, or -1 with err set */
static int keyfile_line(struct keyfile *kf, const char *p, size_t len, const char *origin,
			unsigned lineno, char *err, size_t errlen)
{
	size_t n = 0, v;
	struct keyfile_entry *e;

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
	keyfile_grow(kf);
	e = keyfile_slot(kf, name);
	if (e->name != NULL) {
		snprintf(err, errlen, "%s:%u: key %s given twice", origin, lineno, name);
		free(name);
		return -1;
	}
	e->name = name;
	e->record = xstrndup(p + v, len - v);
	kf->count++;
	return 0;
}

/* keyfile_parse - keys from text; origin names it in errors */
struct keyfile *keyfile_parse(const char *text, size_t len, const char *origin,
			      char *err, size_t errlen)
{
	struct keyfile *kf = xcalloc(1, sizeof(*kf));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	keyfile_grow(kf);
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
	const struct keyfile_entry *e = keyfile_slot(kf, name);

	return e->name != NULL ? e->record : NULL;
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
	for (size_t i = 0; i < kf->size; i++) {
		free(kf->slot[i].name);
		free(kf->slot[i].record);
	}
	free(kf->slot);
	free(kf);
}
