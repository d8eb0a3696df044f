/*
 * hmap - open addressing with linear probing over FNV-1a (hash.h).
 *
 * Touches: the heap. Never fails (xalloc aborts on exhaustion); every table
 * of the core is bounded by what fills it (a brand pack, a word list, a key
 * file), so collisions aimed at it only slow a probe.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "hmap.h"
#include "xalloc.h"

/* hmap_slot - the slot holding key, or the empty slot where it would go */
static struct hmap_entry *hmap_slot(const struct hmap *m, const char *key, size_t len)
{
	size_t i = (size_t)hash_fnv1a(HASH_FNV_OFFSET, key, len) & (m->cap - 1);

	for (;;) {
		struct hmap_entry *e = &m->e[i];

		if (e->key == NULL || (e->len == len && memcmp(e->key, key, len) == 0))
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

/* hmap_get - the value of key; false when absent */
bool hmap_get(const struct hmap *m, const char *key, size_t len, size_t *val)
{
	const struct hmap_entry *e;

	if (m->cap == 0)
		return false;
	e = hmap_slot(m, key, len);
	if (e->key == NULL)
		return false;
	*val = e->val;
	return true;
}

/* hmap_put - add key (kept by pointer) with val unless present; false if it was */
bool hmap_put(struct hmap *m, const char *key, size_t len, size_t val)
{
	struct hmap_entry *e;

	if (2 * (m->count + 1) > m->cap) {
		struct hmap bigger = { NULL, m->cap ? m->cap * 2 : 16, 0 };

		bigger.e = xcalloc(bigger.cap, sizeof(*bigger.e));
		for (size_t i = 0; i < m->cap; i++)
			if (m->e[i].key)
				*hmap_slot(&bigger, m->e[i].key, m->e[i].len) = m->e[i];
		bigger.count = m->count;
		free(m->e);
		*m = bigger;
	}
	e = hmap_slot(m, key, len);
	if (e->key)
		return false;
	e->key = key;
	e->len = len;
	e->val = val;
	m->count++;
	return true;
}

/* hmap_free - release the table (not the keys); it is empty and reusable */
void hmap_free(struct hmap *m)
{
	free(m->e);
	m->e = NULL;
	m->cap = 0;
	m->count = 0;
}
