/*
 * brands - the brand pack: who is protected, by which names and domains.
 *
 * A pack is parsed once (vigie-brands(5) documents the format) and then
 * never changes: every thread may read it. Everything matching needs is
 * computed at load (keys of labels and names, hash indexes), so a check is a
 * few lookups. The default pack (contrib/brands.conf) is compiled in.
 */
#ifndef VIGIE_BRANDS_H
#define VIGIE_BRANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpsl.h>

#include "typo.h"

#define BRANDS_FILE_MAX (4u << 20)	/* bytes of a pack file */
#define BRANDS_LINE_MAX 4096		/* bytes of one line */
#define BRANDS_ERRORS_MAX 50		/* errors listed; the count goes on */
#define BRANDS_MAX 1000			/* brands in a pack */
#define BRANDS_ITEMS_MAX 200		/* names, domains or signers of one brand */
#define BRANDS_CLAIM_MAX 65536		/* bytes of text examined for a name claim */

struct skeleton;
struct brands;
struct brand;

/* How a brand's name was written into the text that claims it. */
enum brands_glue {
	BRANDS_GLUE_NONE,	/* whole words */
	BRANDS_GLUE_SPLIT,	/* glued, a change of case or digits marking it: ViamedisPro */
	BRANDS_GLUE_WORD	/* glued to the pack's service words: serviceviamedis */
};

/* What brands_claim_read found. */
struct brands_claim {
	const struct brand *brand;	/* NULL: no claim */
	const char *form;		/* the pack's name that matched */
	enum brands_glue glue;
	bool disguised;			/* written with invisible, styled or other-script letters */
};

enum brand_sensitivity {
	BRAND_LOW,		/* lookalikes and brand plus words only; no typos */
	BRAND_NORMAL,
	BRAND_HIGH		/* typos of short names too, two lookalike letters more */
};

/*
 * A registrable label of a brand ("viamedis" of viamedis.fr and viamedis.net)
 * with what matching needs. Read-only; lookalike.c walks these.
 */
struct brand_label {
	const struct brand *brand;
	const char *label;		/* A-label */
	const char *unicode;		/* U-label */
	const char *domain;		/* the first brand domain with this label */
	const char **suffixes;		/* public suffixes it is owned under: "fr", "net" */
	size_t nsuffixes;
	const char *key;		/* skeleton key */
	size_t keylen;
	const char *flat;		/* key without hyphens */
	size_t flatlen;
	uint32_t cps[TYPO_MAX];		/* key as code points */
	size_t ncps;
	uint32_t ecps[TYPO_MAX];	/* the same with m written rn, as ICU does */
	size_t necps;
	size_t word;			/* letters in its longest hyphen-separated word */
	uint64_t mask;			/* which letters the key holds */
	uint64_t partners;		/* letters a lookalike of it may hold */
	uint64_t need[TYPO_MAX];	/* per letter of the key: one of these must appear */
	size_t nneed;
	size_t next_same;		/* next label with the same key, or SIZE_MAX */
};

struct brands *brands_parse(const char *text, size_t len, const char *origin,
			    const struct skeleton *sk, const psl_ctx_t *psl,
			    char *err, size_t errlen);
struct brands *brands_load(const char *path, const struct skeleton *sk,
			   const psl_ctx_t *psl, char *err, size_t errlen);
struct brands *brands_builtin(const struct skeleton *sk, const psl_ctx_t *psl,
			      char *err, size_t errlen);
void brands_free(struct brands *b);
const char *brands_origin(const struct brands *b);

size_t brands_count(const struct brands *b);
const struct brand *brands_at(const struct brands *b, size_t i);
const struct brand *brands_owner(const struct brands *b, const char *ascii_domain);
bool brands_allowed(const struct brands *b, const char *ascii_domain);
bool brands_claim_read(const struct brands *b, const char *utf8, size_t len, bool glue,
		       struct brands_claim *out);
const struct brand *brands_name_claim(const struct brands *b, const char *utf8, size_t len);
const struct brand *brands_name_claim_form(const struct brands *b, const char *utf8,
					   size_t len, const char **form);

const char *brand_name(const struct brand *br);
const char *brand_ascii_name(const struct brand *br);
enum brand_sensitivity brand_sensitivity(const struct brand *br);
unsigned brand_line(const struct brand *br);
size_t brand_domain_count(const struct brand *br);
const char *brand_domain(const struct brand *br, size_t i);
size_t brand_form_count(const struct brand *br);
const char *brand_form(const struct brand *br, size_t i);
size_t brand_signer_count(const struct brand *br);
const char *brand_signer(const struct brand *br, size_t i);
bool brand_owns(const struct brand *br, const char *ascii_domain);
bool brand_authorised_signer(const struct brand *br, const char *ascii_domain);

/* For the matcher (lookalike.c). */
const struct skeleton *brands_skeleton(const struct brands *b);
size_t brands_label_count(const struct brands *b);
const struct brand_label *brands_label_find(const struct brands *b, const char *key, size_t len);
const struct brand_label *brands_label_next(const struct brands *b, const struct brand_label *l);
void brands_label_range(const struct brands *b, size_t lo, size_t hi, size_t *first, size_t *end);
const struct brand_label *brands_label_sorted(const struct brands *b, size_t i);
bool brands_word(const struct brands *b, const char *key, size_t len);
size_t brands_word_max(const struct brands *b);

#endif
