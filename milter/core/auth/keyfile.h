/*
 * keyfile - DKIM public keys from a file in OpenDKIM's TestPublicKeys format,
 * loaded once and looked up from memory: one "selector._domainkey.domain",
 * whitespace, then the raw TXT record, per line.
 *
 * Used for tests and offline checks instead of DNS. Immutable once loaded,
 * shared by every thread.
 */
#ifndef VIGIE_KEYFILE_H
#define VIGIE_KEYFILE_H

#include <stddef.h>

#define KEYFILE_RECORD_MAX 1024		/* libopendkim's key buffer holds no more */
#define KEYFILE_SIZE_MAX (16u << 20)	/* a larger file is refused */

struct keyfile;

struct keyfile *keyfile_load(const char *path, char *err, size_t errlen);
struct keyfile *keyfile_parse(const char *text, size_t len, const char *origin,
			      char *err, size_t errlen);
const char *keyfile_find(const struct keyfile *kf, const char *name);
size_t keyfile_count(const struct keyfile *kf);
void keyfile_free(struct keyfile *kf);

#endif
