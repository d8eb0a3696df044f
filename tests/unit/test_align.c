/*
 * test_align - DMARC alignment of d= with the From domain, strict and
 * relaxed, against the system public suffix list.
 */
#include <config.h>

#include <libpsl.h>
#include <string.h>

#include "align.h"
#include "tap.h"

static const struct {
	const char *signer;
	const char *from;
	bool relaxed;
	bool strict;
} cases[] = {
	{ "viamedis.fr", "viamedis.fr", true, true },
	{ "VIAMEDIS.FR", "viamedis.fr.", true, true },
	{ "mail.viamedis.fr", "viamedis.fr", true, false },
	{ "viamedis.fr", "espace.viamedis.fr", true, false },
	{ "a.viamedis.fr", "b.viamedis.fr", true, false },
	{ "viamedis.fr", "viamedis.com", false, false },
	{ "viamedis-securite.fr", "viamedis.fr", false, false },
	{ "viamedis.fr.evil.test", "viamedis.fr", false, false },
	{ "evil.co.uk", "viamedis.co.uk", false, false },
	{ "mail.almerys.co.uk", "almerys.co.uk", true, false },
	{ "co.uk", "almerys.co.uk", false, false },
	{ "fr", "viamedis.fr", false, false },
	{ "fr", "fr", true, true },
	{ "attacker.github.io", "victim.github.io", false, false },
	{ "x.victim.github.io", "victim.github.io", true, false },
	{ "x.gouv.fr", "y.gouv.fr", false, false },
	{ "ameli.fr", "assurance-maladie.fr", false, false },
	{ "xn--viamdis-eya.fr", "viamedis.fr", false, false },
	{ "", "viamedis.fr", false, false },
	{ ".", "viamedis.fr", false, false },
	{ "viamedis.fr", "", false, false },
	{ "vi amedis.fr", "vi amedis.fr", false, false },
	{ "viam\xc3\xa9" "dis.fr", "viam\xc3\xa9" "dis.fr", false, false },
};

static const psl_ctx_t *psl;

/* setup - the public suffix list, loaded once */
static void setup(void)
{
	psl = psl_latest(NULL);
	if (psl == NULL)
		psl = psl_builtin();
}

/* teardown - release it */
static void teardown(void)
{
	psl_free((psl_ctx_t *)psl);
}

START_TEST(align_relaxed_and_strict)
{
	ck_assert_msg(align_check(psl, cases[_i].signer, cases[_i].from, ALIGN_RELAXED) ==
		      cases[_i].relaxed, "relaxed %s / %s", cases[_i].signer, cases[_i].from);
	ck_assert_msg(align_check(psl, cases[_i].signer, cases[_i].from, ALIGN_STRICT) ==
		      cases[_i].strict, "strict %s / %s", cases[_i].signer, cases[_i].from);
}
END_TEST

START_TEST(align_without_psl_or_names_is_strict_or_nothing)
{
	char big[300];

	ck_assert(!align_check(NULL, "mail.viamedis.fr", "viamedis.fr", ALIGN_RELAXED));
	ck_assert(align_check(NULL, "viamedis.fr", "Viamedis.FR", ALIGN_RELAXED));
	ck_assert(!align_check(psl, NULL, "viamedis.fr", ALIGN_RELAXED));
	ck_assert(!align_check(psl, "viamedis.fr", NULL, ALIGN_STRICT));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert(!align_check(psl, big, big, ALIGN_STRICT));
	ck_assert_str_eq(align_mode_name(ALIGN_STRICT), "strict");
	ck_assert_str_eq(align_mode_name(ALIGN_RELAXED), "relaxed");
}
END_TEST

/* align_suite - the cases of this file */
static Suite *align_suite(void)
{
	Suite *s = suite_create("align");
	TCase *tc = tcase_create("align");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, align_relaxed_and_strict, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, align_without_psl_or_names_is_strict_or_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(align_suite());
}
