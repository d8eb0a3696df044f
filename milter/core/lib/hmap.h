/*
 * hmap - an open-addressing hash table from byte strings to indexes: the
 * one table of the core's indexes (brand pack, lexicon, DKIM test keys).
 * Keys are kept by pointer (the caller owns them); the table never shrinks
 * and stays at most half full, so a probe ends at an empty slot.
 */
#ifndef VIGIE_HMAP_H
#define VIGIE_HMAP_H

#include <stdbool.h>
#include <stddef.h>

struct hmap_entry {
	const char *key;		/* NULL: empty */
	size_t len;
	size_t val;
};

struct hmap {
	struct hmap_entry *e;
	size_t cap;			/* 0 or a power of two */
	size_t count;
};

#define HMAP_INIT { NULL, 0, 0 }

bool hmap_get(const struct hmap *m, const char *key, size_t len, size_t *val);
bool hmap_put(struct hmap *m, const char *key, size_t len, size_t val);
void hmap_free(struct hmap *m);

#endif
