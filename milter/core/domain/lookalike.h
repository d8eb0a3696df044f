/*
 * lookalike - whether a domain imitates a brand's: homoglyph, mixed-script,
 * typo, combosquat, embedded and tld-swap findings (vigie(8)), each with
 * the brand, a strength 0..100, the A-label domain as subject and a one-line
 * UTF-8 explanation naming the brand domain it resembles and how.
 *
 * A brand's own domains and their subdomains are never flagged, unless they
 * were written with invisible or look-alike code points that UTS #46 maps
 * away (full-width letters, zero-width spaces).
 */
#ifndef VIGIE_LOOKALIKE_H
#define VIGIE_LOOKALIKE_H

#include "reason.h"

struct brands;
struct domain;

/* Strengths of the findings: verdict.c weighs them per code. */
enum lookalike_strength {
	LOOKALIKE_HOMOGLYPH_SAME_SUFFIX = 95,	/* viamédis.fr */
	LOOKALIKE_HOMOGLYPH = 90,		/* viamédis.com */
	LOOKALIKE_DISGUISED_OWN = 90,		/* ｖiamedis.fr, via<ZWSP>medis.fr */
	LOOKALIKE_MIXED_BRAND = 90,		/* vіamedis (Cyrillic і) */
	LOOKALIKE_MIXED = 60,			/* mixed scripts, no brand in sight */
	LOOKALIKE_TYPO_LONG = 85,		/* brand word of 8+ letters */
	LOOKALIKE_TYPO_MID = 75,		/* 6 or 7 */
	LOOKALIKE_TYPO_SHORT = 65,		/* 5 or fewer */
	LOOKALIKE_TYPO_LOOKS = 80,		/* only lookalike letters differ */
	LOOKALIKE_COMBO_WORDS = 85,		/* brand plus known words */
	LOOKALIKE_COMBO = 75,			/* brand plus other text */
	LOOKALIKE_COMBO_TYPO = 70,		/* mistyped brand plus words */
	LOOKALIKE_EMBED_DOMAIN = 95,		/* viamedis.fr.secure-ps.com */
	LOOKALIKE_EMBED_PREFIX = 90,		/* www-viamedis.fr */
	LOOKALIKE_EMBED_DOTS = 85,		/* via.medis.fr */
	LOOKALIKE_EMBED_LABEL = 75,		/* viamedis.secure-ps.com */
	LOOKALIKE_EMBED_WORDS = 70,		/* viamedis-login.secure-ps.com */
	LOOKALIKE_TLD_SWAP = 75			/* viamedis.com */
};

const struct brand *lookalike_check(const struct brands *b, const struct domain *d,
				    enum reason_where where, struct reason_list *out);

#endif
