/*
 * lexicon - brand names and lure vocabulary found in free text (message
 * bodies, subjects, display names) at the speed of a table lookup per byte.
 *
 * Words are folded as the domain engine folds names (skeleton.h: case,
 * accents, confusable letters, invisible characters, spacing and
 * punctuation), one code point at a time through a table computed from the
 * skeleton when the lexicon is built; a phrase matches when the folded
 * words of the text, joined, equal the folded words of the phrase, joined
 * ("mot de passe", "mot-de-passe", "motdepasse", "MOT DE PASSE" alike).
 * Letters from scripts that imitate Latin (Cyrillic, Greek, fullwidth...)
 * take the skeleton's slow path and mark the match "disguised"; so do
 * invisible characters inside a word. A request a negation denies a few
 * words before, in the same sentence ("Viamedis ne vous demandera jamais
 * de mettre à jour vos coordonnées"), is marked "negated".
 *
 * The lexicon is built once per detector and is then read-only and shared;
 * a scan (struct lexicon_scan) is one text stream's state, fed in pieces cut
 * anywhere (on character boundaries). Memory is fixed per scan.
 */
#ifndef VIGIE_LEXICON_H
#define VIGIE_LEXICON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct brands;
struct brand;
struct skeleton;

#define LEXICON_KEY_MAX 64	/* bytes of a folded phrase (words joined) */
#define LEXICON_PARTIALS 8	/* phrases being matched at once */
#define LEXICON_ENTRIES_MAX 4096

enum lexicon_kind {
	LEXICON_BRAND,		/* a display-name form of a brand */
	LEXICON_TERM,		/* names bank details or credentials: RIB, mot de passe */
	LEXICON_ACTION,		/* asks for it: "mettre à jour votre RIB", "confirmez votre IBAN" */
	LEXICON_THREAT,		/* presses: "sous 48 heures", "compte suspendu" */
	LEXICON_NEGATION	/* denies a request that follows: "ne vous demandera jamais" */
};

/* What a hit says beyond its phrase. */
#define LEXICON_HIT_DISGUISED 0x01	/* hidden or look-alike letters */
#define LEXICON_HIT_NEGATED 0x02	/* a request a negation just before denies */
#define LEXICON_NEGATION_REACH 3	/* words from a negation to the request it denies */

struct lexicon_entry {
	enum lexicon_kind kind;
	const struct brand *brand;	/* LEXICON_BRAND only */
	const char *text;		/* the phrase as listed (UTF-8) */
	unsigned id;			/* its rank among the phrases, from 0 */
	unsigned words;			/* words in the phrase */
};

typedef void lexicon_hit_fn(void *ctx, const struct lexicon_entry *e, unsigned flags);

struct lexicon;

struct lexicon_partial {
	char key[LEXICON_KEY_MAX];
	uint8_t len;
	bool disguised;
};

struct lexicon_scan {
	const struct lexicon *lx;
	lexicon_hit_fn *fn;
	void *ctx;
	char word[LEXICON_KEY_MAX];	/* the word being read, folded */
	size_t wlen;
	bool wlong;			/* longer than any phrase: cannot match */
	bool wdisguised;
	char tail[4];			/* a character cut by the end of a piece */
	size_t tail_len;
	struct lexicon_partial part[LEXICON_PARTIALS];
	size_t nparts;
	unsigned long words;		/* words read */
	unsigned long negation;		/* the word a negation ended at, 0: none in this sentence */
};

struct lexicon *lexicon_new(const struct brands *b, const struct skeleton *sk);
void lexicon_free(struct lexicon *lx);

void lexicon_scan_init(struct lexicon_scan *s, const struct lexicon *lx,
		       lexicon_hit_fn *fn, void *ctx);
void lexicon_scan_text(struct lexicon_scan *s, const char *utf8, size_t len);
void lexicon_scan_break(struct lexicon_scan *s);

#endif
