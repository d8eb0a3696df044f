/*
 * hash - FNV-1a (64-bit), the hash of the core's open-addressing tables:
 * brands, lexicon, links, decoded keys, metrics. Not for anything an
 * attacker may aim collisions at beyond a slower probe: every table is
 * bounded.
 */
#ifndef VIGIE_HASH_H
#define VIGIE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_OFFSET 0xcbf29ce484222325ULL
#define HASH_FNV_PRIME 0x100000001b3ULL

/* hash_fnv1a - n bytes at p hashed on from h (HASH_FNV_OFFSET to begin) */
static inline uint64_t hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * HASH_FNV_PRIME;
	return h;
}

#endif
