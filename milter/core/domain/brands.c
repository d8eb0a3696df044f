/*
 * brands - the brand pack's queries: who owns a domain, the lookalike
 * index, each brand's names, domains and signers; and releasing a pack. The
 * pack is built by brands_parse.c; which brand a text claims is
 * brands_claim.c's.
 *
 * Touches: nothing but the pack it is given, read-only.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "brands.h"
#include "brands_int.h"
#include "hmap.h"
#include "xalloc.h"

/* brands_free_list - a list of strings */
static void brands_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* brands_free - release a pack */
void brands_free(struct brands *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nbrands; i++) {
		struct brand *br = &b->brand[i];

		free(br->name);
		free(br->ascii_name);
		brands_free_list(br->forms, br->nforms);
		brands_free_list(br->domains, br->ndomains);
		brands_free_list(br->signers, br->nsigners);
	}
	for (size_t i = 0; i < b->nlabels; i++)
		free(b->label[i].suffixes);
	brands_free_list(b->pool, b->npool);
	free(b->brand);
	free(b->label);
	free(b->sorted);
	free(b->form);
	hmap_free(&b->owned);
	hmap_free(&b->labelkey);
	hmap_free(&b->words);
	hmap_free(&b->allowed);
	hmap_free(&b->formkey);
	free(b->origin);
	free(b);
}

/* brands_origin - where the pack came from */
const char *brands_origin(const struct brands *b)
{
	return b->origin;
}

/* brands_count - how many brands */
size_t brands_count(const struct brands *b)
{
	return b->nbrands;
}

/* brands_at - the i-th brand, in pack order */
const struct brand *brands_at(const struct brands *b, size_t i)
{
	return i < b->nbrands ? &b->brand[i] : NULL;
}

/* brands_owner - the brand owning this domain or one of its parents, or NULL */
const struct brand *brands_owner(const struct brands *b, const char *ascii_domain)
{
	const char *p = ascii_domain;
	size_t bi;

	while (p && *p) {
		if (hmap_get(&b->owned, p, strlen(p), &bi))
			return &b->brand[bi];
		if ((p = strchr(p, '.')) != NULL)
			p++;
	}
	return NULL;
}

/* brands_allowed - whether the domain or a parent is on the pack's allow list */
bool brands_allowed(const struct brands *b, const char *ascii_domain)
{
	const char *p = ascii_domain;
	size_t v;

	while (p && *p) {
		if (hmap_get(&b->allowed, p, strlen(p), &v))
			return true;
		if ((p = strchr(p, '.')) != NULL)
			p++;
	}
	return false;
}

/* brand_name - the brand's name, as the pack spells it (UTF-8) */
const char *brand_name(const struct brand *br)
{
	return br ? br->name : NULL;
}

/* brand_ascii_name - the name for headers: accents dropped, other letters as [U+XXXX] */
const char *brand_ascii_name(const struct brand *br)
{
	return br ? br->ascii_name : NULL;
}

/* brand_sensitivity - how eagerly lookalikes of this brand are matched */
enum brand_sensitivity brand_sensitivity(const struct brand *br)
{
	return br->sensitivity;
}

/* brand_line - the line of the pack where the brand starts */
unsigned brand_line(const struct brand *br)
{
	return br->line;
}

/* brand_domain_count - how many owned domains */
size_t brand_domain_count(const struct brand *br)
{
	return br->ndomains;
}

/* brand_domain - the i-th owned domain (A-labels) */
const char *brand_domain(const struct brand *br, size_t i)
{
	return i < br->ndomains ? br->domains[i] : NULL;
}

/* brand_form_count - how many display-name forms (the brand name included) */
size_t brand_form_count(const struct brand *br)
{
	return br->nforms;
}

/* brand_form - the i-th display-name form */
const char *brand_form(const struct brand *br, size_t i)
{
	return i < br->nforms ? br->forms[i] : NULL;
}

/* brand_signer_count - how many extra authorised signing domains */
size_t brand_signer_count(const struct brand *br)
{
	return br->nsigners;
}

/* brand_signer - the i-th extra authorised signing domain */
const char *brand_signer(const struct brand *br, size_t i)
{
	return i < br->nsigners ? br->signers[i] : NULL;
}

/* brand_under - whether name is dom or a subdomain of it */
static bool brand_under(const char *name, const char *dom)
{
	size_t n = strlen(name), d = strlen(dom);

	if (n == d)
		return memcmp(name, dom, n) == 0;
	return n > d && name[n - d - 1] == '.' && memcmp(name + n - d, dom, d) == 0;
}

/* brand_owns - whether the domain is one of the brand's, or a subdomain of one */
bool brand_owns(const struct brand *br, const char *ascii_domain)
{
	for (size_t i = 0; i < br->ndomains; i++)
		if (brand_under(ascii_domain, br->domains[i]))
			return true;
	return false;
}

/* brand_authorised_signer - an owned domain or subdomain, or a listed signer */
bool brand_authorised_signer(const struct brand *br, const char *ascii_domain)
{
	if (br == NULL || ascii_domain == NULL)
		return false;
	if (brand_owns(br, ascii_domain))
		return true;
	for (size_t i = 0; i < br->nsigners; i++)
		if (strcmp(ascii_domain, br->signers[i]) == 0)
			return true;
	return false;
}

/* brands_skeleton - the key maker the pack was built with */
const struct skeleton *brands_skeleton(const struct brands *b)
{
	return b->sk;
}

/* brands_label_count - how many distinct brand labels */
size_t brands_label_count(const struct brands *b)
{
	return b->nlabels;
}

/* brands_label_find - the first label with this key, or NULL */
const struct brand_label *brands_label_find(const struct brands *b, const char *key, size_t len)
{
	size_t i;

	return hmap_get(&b->labelkey, key, len, &i) ? &b->label[i] : NULL;
}

/* brands_label_next - the next label with the same key, or NULL */
const struct brand_label *brands_label_next(const struct brands *b, const struct brand_label *l)
{
	return l->next_same == SIZE_MAX ? NULL : &b->label[l->next_same];
}

/* brands_label_range - positions in the sorted order of labels of lo..hi code points */
void brands_label_range(const struct brands *b, size_t lo, size_t hi, size_t *first, size_t *end)
{
	if (lo > TYPO_MAX + 1)
		lo = TYPO_MAX + 1;
	if (hi > TYPO_MAX)
		hi = TYPO_MAX;
	*first = b->lenstart[lo];
	*end = hi + 1 >= lo ? b->lenstart[hi + 1] : *first;
	if (*end < *first)
		*end = *first;
}

/* brands_label_sorted - the i-th label by key length */
const struct brand_label *brands_label_sorted(const struct brands *b, size_t i)
{
	return &b->label[b->sorted[i]];
}

/* brands_word - whether a key is a combosquat word of the pack */
bool brands_word(const struct brands *b, const char *key, size_t len)
{
	size_t v;

	return hmap_get(&b->words, key, len, &v);
}

/* brands_word_max - the length of the longest word key */
size_t brands_word_max(const struct brands *b)
{
	return b->word_max;
}
