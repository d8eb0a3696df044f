/*
 * typo - how far apart two keys are, and how a name was mistyped.
 *
 * Works on arrays of code points (keys from skeleton.h): the restricted
 * Damerau-Levenshtein distance, a lookalike-only distance (substitutions of
 * letters that look alike: c/e, b/d, m/nn...), and the classification of a
 * single edit (omission, doubled letter, neighbouring key on QWERTY, QWERTZ
 * or AZERTY, one bit apart, vowel swap, swapped letters) so that short brand
 * names are only matched by edits people and typosquatters really make.
 */
#ifndef VIGIE_TYPO_H
#define VIGIE_TYPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TYPO_MAX 64		/* code points compared; longer keys never match */

enum typo_kind {
	TYPO_SAME,
	TYPO_OMISSION,		/* a letter missing */
	TYPO_REPETITION,	/* a letter doubled */
	TYPO_INSERTION,		/* a letter added inside */
	TYPO_ADDITION,		/* a letter added at the end */
	TYPO_HYPHEN,		/* a hyphen added or removed */
	TYPO_SUBSTITUTION,	/* one letter for another */
	TYPO_TRANSPOSITION,	/* two neighbours swapped */
	TYPO_OTHER		/* more than one edit */
};

#define TYPO_WHY_KEYBOARD 0x1	/* neighbouring keys */
#define TYPO_WHY_BITFLIP 0x2	/* one bit apart */
#define TYPO_WHY_VOWEL 0x4	/* a vowel for a vowel */
#define TYPO_WHY_LOOKALIKE 0x8	/* letters that look alike */

struct typo_edit {
	enum typo_kind kind;
	unsigned why;		/* TYPO_WHY_* for substitutions and insertions */
	size_t pos;		/* where, in the wanted key */
	uint32_t got;		/* the letter found (0 if none) */
	uint32_t want;		/* the letter expected (0 if none) */
};

size_t typo_cps(const char *utf8, size_t len, uint32_t *out, size_t max);
size_t typo_expand(const uint32_t *in, size_t n, uint32_t *out, size_t max);
int typo_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max);
uint64_t typo_partners(uint32_t c);
bool typo_set(const uint32_t *a, size_t n, uint64_t *set);
int typo_lookalike(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max);
bool typo_single(const uint32_t *got, size_t ng, const uint32_t *want, size_t nw,
		 struct typo_edit *e);
bool typo_plausible(const struct typo_edit *e);
const char *typo_kind_text(enum typo_kind kind);

#endif
