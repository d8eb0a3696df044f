/*
 * test_typo - edit distances on keys and the classification of single
 * edits (which ones count as typos people and typosquatters make).
 */
#include <config.h>

#include <string.h>

#include "tap.h"
#include "typo.h"

/* cps - an ASCII string as code points */
static size_t cps(const char *s, uint32_t *out)
{
	return typo_cps(s, strlen(s), out, TYPO_MAX);
}

static const struct {
	const char *a, *b;
	int dist;		/* restricted Damerau-Levenshtein, capped at 3 */
} dists[] = {
	{ "viamedis", "viamedis", 0 },
	{ "viamdis", "viamedis", 1 },
	{ "vaimedis", "viamedis", 1 },
	{ "viammedis", "viamedis", 1 },
	{ "viamedid", "viamedis", 1 },
	{ "via-medis", "viamedis", 1 },
	{ "aivmedis", "viamedis", 2 },
	{ "medis", "viamedis", 3 },
	{ "", "abc", 3 },
	{ "abc", "", 3 },
	{ "ab", "ba", 1 },
	{ "abcdef", "badcfe", 3 },
};

START_TEST(typo_distance_table)
{
	for (size_t i = 0; i < sizeof(dists) / sizeof(dists[0]); i++) {
		uint32_t a[TYPO_MAX], b[TYPO_MAX];
		size_t na = cps(dists[i].a, a), nb = cps(dists[i].b, b);
		int d = typo_distance(a, na, b, nb, 2);

		ck_assert_msg(d == (dists[i].dist > 2 ? 3 : dists[i].dist), "%s / %s: %d",
			      dists[i].a, dists[i].b, d);
	}
}
END_TEST

static const struct {
	const char *got, *want;
	int looks;		/* lookalike changes, -1: not a lookalike within 4 */
} looks[] = {
	{ "vlamcdls", "vlamedls", 1 },		/* c for e */
	{ "vlamedls", "vlamedls", 0 },
	{ "vlannedls", "vlamedls", 1 },		/* nn for m */
	{ "vlarredls", "vlamedls", 1 },		/* rr for m */
	{ "vlameclls", "vlamedls", 1 },		/* cl for d */
	{ "vlameells", "vlamedls", 1 },		/* el for d (cl, then e for c) */
	{ "vlamebls", "vlamedls", 1 },		/* b for d */
	{ "llharmonle", "harmonle", 2 },	/* an extra stroke and lh for h */
	{ "scvcanc", "seveane", 3 },
	{ "vlamodls", "vlamedls", -1 },		/* o for e: a typo, not a lookalike */
	{ "vlaxedls", "vlamedls", -1 },
	{ "amelle", "amell", -1 },		/* an added e is no lookalike */
};

START_TEST(typo_lookalike_table)
{
	for (size_t i = 0; i < sizeof(looks) / sizeof(looks[0]); i++) {
		uint32_t a[TYPO_MAX], b[TYPO_MAX];
		size_t na = cps(looks[i].got, a), nb = cps(looks[i].want, b);
		int d = typo_lookalike(a, na, b, nb, 4);

		ck_assert_msg(d == (looks[i].looks < 0 ? 5 : looks[i].looks), "%s / %s: %d",
			      looks[i].got, looks[i].want, d);
	}
}
END_TEST

static const struct {
	const char *got, *want;
	enum typo_kind kind;
	unsigned why;
	bool plausible;
} edits[] = {
	{ "vlamdls", "vlamedls", TYPO_OMISSION, 0, true },
	{ "vlammedls", "vlamedls", TYPO_REPETITION, 0, true },
	{ "vlamedlsx", "vlamedls", TYPO_ADDITION, 0, true },
	{ "vlamedfls", "vlamedls", TYPO_INSERTION, TYPO_WHY_KEYBOARD, true },
	{ "vlamedwls", "vlamedls", TYPO_INSERTION, 0, false },
	{ "vla-medls", "vlamedls", TYPO_HYPHEN, 0, true },
	{ "valmedls", "vlamedls", TYPO_TRANSPOSITION, 0, true },
	{ "vlameds", "vlamedls", TYPO_OMISSION, 0, true },
	{ "vlamedld", "vlamedls", TYPO_SUBSTITUTION, TYPO_WHY_KEYBOARD, true },
	{ "vlamcdls", "vlamedls", TYPO_SUBSTITUTION, TYPO_WHY_LOOKALIKE, true },
	{ "vlamodls", "vlamedls", TYPO_SUBSTITUTION, TYPO_WHY_VOWEL, true },
	{ "vhamedls", "vlamedls", TYPO_SUBSTITUTION, TYPO_WHY_BITFLIP, true },
	{ "vlamedlb", "vlamedls", TYPO_SUBSTITUTION, 0, false },
	{ "actlf", "actll", TYPO_SUBSTITUTION, 0, false },
	{ "vlamedls", "vlamedls", TYPO_SAME, 0, false },
	{ "avlmedls", "vlamedls", TYPO_OTHER, 0, false },
};

START_TEST(typo_classifies_single_edits)
{
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		uint32_t a[TYPO_MAX], b[TYPO_MAX];
		size_t na = cps(edits[i].got, a), nb = cps(edits[i].want, b);
		struct typo_edit e;
		bool one = typo_single(a, na, b, nb, &e);

		ck_assert_msg(e.kind == edits[i].kind, "%s / %s: %s", edits[i].got, edits[i].want,
			      typo_kind_text(e.kind));
		ck_assert_int_eq(one, edits[i].kind != TYPO_SAME && edits[i].kind != TYPO_OTHER);
		if (edits[i].why)
			ck_assert_msg(e.why & edits[i].why, "%s: why %x", edits[i].got, e.why);
		ck_assert_msg(typo_plausible(&e) == edits[i].plausible, "%s / %s", edits[i].got,
			      edits[i].want);
	}
}
END_TEST

START_TEST(typo_bounds)
{
	uint32_t a[TYPO_MAX + 1], e[TYPO_MAX];
	char longer[TYPO_MAX + 10];

	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_uint_eq(typo_cps(longer, strlen(longer), a, TYPO_MAX), TYPO_MAX + 1);
	for (size_t i = 0; i < TYPO_MAX; i++)
		a[i] = 'm';
	ck_assert_uint_eq(typo_expand(a, TYPO_MAX, e, TYPO_MAX), TYPO_MAX + 1);
	ck_assert_int_eq(typo_distance(a, TYPO_MAX + 1, a, 3, 1), 2);
	ck_assert_int_eq(typo_lookalike(a, TYPO_MAX + 1, a, 3, 1), 2);
	ck_assert_uint_eq(typo_expand(a, 2, e, TYPO_MAX), 4);
	ck_assert_int_eq(e[0], 'r');
	ck_assert_int_eq(e[1], 'n');
}
END_TEST

START_TEST(typo_letter_sets)
{
	uint32_t a[TYPO_MAX];
	uint64_t set;

	ck_assert(typo_set(a, cps("ab-9", a), &set));
	ck_assert(set != 0);
	a[0] = 0x439;
	ck_assert(!typo_set(a, 1, &set));
	/* m may be written with n or r */
	ck_assert(typo_partners('m') & typo_partners('n'));
}
END_TEST

/* typo_suite - the cases of this file */
static Suite *typo_suite(void)
{
	Suite *s = suite_create("typo");
	TCase *tc = tcase_create("typo");

	tcase_add_test(tc, typo_distance_table);
	tcase_add_test(tc, typo_lookalike_table);
	tcase_add_test(tc, typo_classifies_single_edits);
	tcase_add_test(tc, typo_bounds);
	tcase_add_test(tc, typo_letter_sets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(typo_suite());
}
