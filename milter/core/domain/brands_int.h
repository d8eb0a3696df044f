/*
 * brands_int - the brand pack's data, shared by its parser (brands_parse.c)
 * and its queries (brands.c) only.
 */
#ifndef VIGIE_BRANDS_INT_H
#define VIGIE_BRANDS_INT_H

#include <stdint.h>

#include "brands.h"
#include "hmap.h"

struct brand {
	char *name;
	char *ascii_name;
	char **forms;
	size_t nforms;
	char **domains;
	size_t ndomains;
	char **signers;
	size_t nsigners;
	enum brand_sensitivity sensitivity;
	unsigned line;
};

struct brands_form {
	size_t brand;
	const char *form;
};

struct brands {
	char *origin;
	const struct skeleton *sk;
	struct brand *brand;
	size_t nbrands;
	struct hmap owned;	/* A-label domain -> brand */
	struct brand_label *label;
	size_t nlabels;
	size_t *sorted;			/* label indexes by key length */
	size_t lenstart[TYPO_MAX + 2];
	struct hmap labelkey;	/* label key -> first label */
	struct hmap allowed;	/* A-label domains never flagged */
	struct hmap words;	/* combosquat words, as keys */
	size_t word_max;
	struct brands_form *form;
	size_t nforms;
	struct hmap formkey;	/* name key -> form */
	size_t form_max;
	uint8_t formstart[65536 / 8];	/* the first two bytes of some name key (the second 0 if none) */
	char **pool;			/* strings the indexes point to */
	size_t npool;
};

#endif
