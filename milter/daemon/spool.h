/*
 * spool - the body of the message in progress, kept while it arrives so
 * that a warning banner can be written into it at end of message: in memory
 * up to a cap (BannerMemory), the rest in a private temporary file in
 * BannerSpool (never linked into the directory, mode 0600), up to a size
 * cap (BannerMaxSize). Read back in order, as many times as needed.
 */
#ifndef VIGIE_SPOOL_H
#define VIGIE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "privs.h"
#include "vbuf.h"

#define SPOOL_READ 65536		/* bytes handed to the reader at a time */

enum spool_state {
	SPOOL_OK,
	SPOOL_TOO_BIG,			/* over the size cap: nothing more is kept */
	SPOOL_ERROR			/* the file could not be made or written (errno kept) */
};

struct spool;

typedef bool (*spool_read_fn)(void *arg, const char *data, size_t len);

bool spool_prepare(const char *dir, const struct privs *p, struct vbuf *why);
struct spool *spool_new(size_t mem_cap, size_t max, const char *dir);
enum spool_state spool_add(struct spool *s, const void *data, size_t len);
enum spool_state spool_state(const struct spool *s);
size_t spool_size(const struct spool *s);
int spool_errno(const struct spool *s);
bool spool_read(struct spool *s, spool_read_fn fn, void *arg);
void spool_free(struct spool *s);

#endif
