/*
 * test_skeleton - confusable keys: what must look alike and what must not,
 * free-text folding, and the UTS #39 script checks.
 */
#include <config.h>

#include <string.h>

#include "skeleton.h"
#include "tap.h"

static struct skeleton *sk;

/* setup - one checker for all cases, as a detector has */
static void setup(void)
{
	char err[256];

	sk = skeleton_new(err, sizeof(err));
	ck_assert_msg(sk != NULL, "%s", err);
}

/* teardown - release it */
static void teardown(void)
{
	skeleton_free(sk);
}

/* key - the key of s, or "<error>" */
static const char *key(const char *s, char *buf, size_t size)
{
	int n = skeleton_key(sk, s, strlen(s), buf, size);

	return n < 0 ? "<error>" : buf;
}

static const struct {
	const char *a, *b;
	bool same;
	const char *why;
} pairs[] = {
	{ "viamedis", "viamédis", true, "acute accent dropped" },
	{ "viamedis", "vïamedis", true, "diaeresis dropped" },
	{ "viamedis", "v\xd1\x96" "amedis", true, "Cyrillic i" },
	{ "viamedis", "\xd1\xb5\xd1\x96\xd0\xb0\xd0\xbc\xd0\xb5\xd4\x81\xd1\x96\xd1\x95", true,
	  "whole-script Cyrillic, em included" },
	{ "viamedis", "viarnedis", true, "rn for m" },
	{ "viamedis", "vlamedis", true, "l for i" },
	{ "viamedis", "viamed1s", true, "1 for i" },
	{ "viamedis", "VIAMEDIS", true, "case" },
	{ "viamedis", "via\xe2\x80\x8bmedis", true, "zero-width space" },
	{ "viamedis", "via\xc2\xad" "medis", true, "soft hyphen" },
	{ "viamedis", "\xef\xbd\x96iamedis", true, "full-width v" },
	{ "viamedis", "v\xc4\xb1" "amedis", true, "dotless i" },
	{ "ameli", "ame\xc5\x82i", true, "l with stroke" },
	{ "almerys", "alm\xc3\xa9rys", true, "e acute" },
	{ "oxantis", "\xc3\xb8xantis", true, "o with stroke" },
	{ "viamedis", "via\xd0\xbc" "edis", true, "Cyrillic em (supplementary map)" },
	{ "kalixia", "\xd0\xba" "alixia", true, "Cyrillic ka" },
	{ "santeclair", "sant\xc3\xa9" "clair", true, "santeclair with accent" },
	{ "strasse", "stra\xc3\x9f" "e", true, "sharp s as ss" },
	{ "harmonie", "harrnonie", true, "rn in the middle" },
	{ "viamedis", "viamodis", false, "o is not e" },
	{ "ameli", "amelie", false, "an extra letter" },
	{ "almerys", "almeria", false, "different name" },
	{ "cl", "d", false, "cl is left to the distance, not folded" },
	{ "vv", "w", false, "vv is left to the distance, not folded" },
	{ "via-medis", "viamedis", false, "hyphens are kept" },
};

START_TEST(skeleton_lookalikes_share_a_key)
{
	char ka[256], kb[256];

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const char *x = key(pairs[i].a, ka, sizeof(ka)), *y = key(pairs[i].b, kb, sizeof(kb));

		ck_assert_msg((strcmp(x, y) == 0) == pairs[i].same, "%s / %s (%s): %s / %s",
			      pairs[i].a, pairs[i].b, pairs[i].why, x, y);
	}
}
END_TEST

START_TEST(skeleton_key_bounds_and_errors)
{
	char small[4], buf[64];

	ck_assert_int_eq(skeleton_key(sk, "viamedis", 8, small, sizeof(small)), -1);
	ck_assert_int_eq(skeleton_key(sk, "via\xff", 4, buf, sizeof(buf)), -1);
	ck_assert_int_eq(skeleton_key(sk, "", 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(skeleton_key(sk, "a-b_c", 5, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "a-b_c");
	/* a code point outside the cached range goes the live way */
	ck_assert_int_ge(skeleton_key(sk, "\xe2\xb1\xa8" "ello", 7, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "hello");
}
END_TEST

static const struct {
	const char *text;
	const char *folded;
} texts[] = {
	{ "Viamedis Tiers Payant", "vlamedls tlers payant" },
	{ "Via\xe2\x80\x8bmedis", "vlamedls" },
	{ "V\xd1\x96" "amedis", "vlamedls" },
	{ "V|amedis", "vlamedls" },
	{ "Service clients Ameli", "servlce cllents amell" },
	{ "  Sant\xc3\xa9--Clair!! ", "sante clalr" },
	{ "Am\xc3\xa9liorer", "amellorer" },
	{ "L'Assurance\xc2\xa0Maladie", "l assurance maladle" },
	{ "viamedis\xf0\x9f\x98\x80" "pro", "vlamedls pro" },
	{ "bad\xff" "byte", "bad byte" },
	{ "", "" },
	{ "...", "" },
	{ "\xef\xbc\xa1\xef\xbd\x8c\xef\xbd\x8d\xef\xbd\x85\xef\xbd\x92\xef\xbd\x99\xef\xbd\x93", "almerys" },	/* full-width letters, m and r included */
	{ "\xe1\xb4\x80\xe1\xb4\x84\xe1\xb4\x9b\xc9\xaa\xca\x9f", "actll" },	/* small capitals */
	{ "\xea\x9c\xb1\xe1\xb4\x80\xc9\xb4\xe1\xb4\x9b\xe1\xb4\x87\xe1\xb4\x84\xca\x9f\xe1\xb4\x80\xc9\xaa\xca\x80", "santeclalr" },	/* small capitals of Latin Extended-D */
	{ "\xe2\x92\xbe\xe2\x93\x88\xe2\x92\xb6\xe2\x93\x83\xe2\x93\x89\xe2\x92\xba", "lsante" },	/* circled capitals */
	{ "\xe2\x93\xa5\xe2\x93\x98\xe2\x93\x90\xe2\x93\x9c\xe2\x93\x94\xe2\x93\x93\xe2\x93\x98\xe2\x93\xa2", "vlamedls" },	/* circled small letters, m included */
	{ "\xf0\x9d\x90\x88\xf0\x9d\x90\xad\xf0\x9d\x90\x9e\xf0\x9d\x90\xa5\xf0\x9d\x90\xa2\xf0\x9d\x90\xac", "ltells" },	/* mathematical bold */
	{ "\xf0\x9d\x97\xa6\xf0\x9d\x97\xa3 \xf0\x9d\x97\xa6\xf0\x9d\x97\xae\xf0\x9d\x97\xbb\xf0\x9d\x98\x81\xf0\x9d\x97\xb2", "sp sante" },	/* mathematical sans-serif */
	{ "C\xce\xb1rte \xce\x92lanche", "carte blanche" },	/* Greek capital beta reads B, not sharp s */
	{ "\xce\x97\xce\xb1rmonie \xce\x9cutuelle", "harmonle mutuelle" },	/* Greek capitals eta and mu */
	{ "Viamedis\xe2\x84\xa2 Pro", "vlamedls pro" },	/* a symbol of two letters separates */
};

START_TEST(skeleton_folds_free_text)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct vbuf out = VBUF_INIT(1024);

		ck_assert(skeleton_fold_text(sk, texts[i].text, strlen(texts[i].text), &out));
		ck_assert_msg(strcmp(vbuf_str(&out), texts[i].folded) == 0, "'%s' -> '%s', want '%s'",
			      texts[i].text, vbuf_str(&out), texts[i].folded);
		vbuf_free(&out);
	}
}
END_TEST

START_TEST(skeleton_fold_text_is_capped)
{
	struct vbuf out = VBUF_INIT(8);

	ck_assert(!skeleton_fold_text(sk, "viamedis tiers payant", 21, &out));
	ck_assert_uint_le(out.len, 8);
	vbuf_free(&out);
}
END_TEST

static const struct {
	const char *label;
	bool mixed;
	int scripts;
	const char *single;
} labels[] = {
	{ "viamedis", false, 1, "Latin" },
	{ "viam\xc3\xa9" "dis", false, 1, "Latin" },
	{ "v\xd1\x96" "amedis", true, 2, NULL },
	{ "\xd1\xb5\xd1\x96\xd0\xb0\xd0\xbc\xd0\xb5\xd4\x81\xd1\x96\xd1\x95", false, 1, "Cyrillic" },
	{ "a\xce\xb2\xd0\xb4\xd5\xa1\xe1\x83\x90", true, 5, NULL },
	{ "\xe6\x97\xa5\xe6\x9c\xac" "abc", false, 2, NULL },
	{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", false, 1, "Hebrew" },
};

START_TEST(skeleton_checks_scripts)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		struct skeleton_check c;

		ck_assert(skeleton_check_label(sk, labels[i].label, strlen(labels[i].label), &c));
		ck_assert_msg(c.mixed_script == labels[i].mixed, "%s: mixed %d", labels[i].label,
			      c.mixed_script);
		ck_assert_int_eq(c.scripts, labels[i].scripts);
		if (labels[i].single)
			ck_assert_str_eq(c.single, labels[i].single);
		else
			ck_assert_ptr_null(c.single);
	}
}
END_TEST

START_TEST(skeleton_names_the_mixed_scripts)
{
	struct skeleton_check c;

	ck_assert(skeleton_check_label(sk, "v\xd1\x96" "amedis", 9, &c));
	ck_assert_str_eq(c.script_names, "Latin, Cyrillic");
	ck_assert(skeleton_check_label(sk, "abc\xd9\xa1\xd9\xa2" "1", 8, &c));
	ck_assert(c.mixed_numbers);
}
END_TEST

START_TEST(skeleton_ignorables)
{
	ck_assert(skeleton_is_ignorable(0x200B));
	ck_assert(skeleton_is_ignorable(0x00AD));
	ck_assert(skeleton_is_ignorable(0x2060));
	ck_assert(!skeleton_is_ignorable('a'));
	ck_assert(!skeleton_is_ignorable(0x00A0));
}
END_TEST

/* skeleton_suite - the cases of this file */
static Suite *skeleton_suite(void)
{
	Suite *s = suite_create("skeleton");
	TCase *tc = tcase_create("skeleton");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, skeleton_lookalikes_share_a_key);
	tcase_add_test(tc, skeleton_key_bounds_and_errors);
	tcase_add_test(tc, skeleton_folds_free_text);
	tcase_add_test(tc, skeleton_fold_text_is_capped);
	tcase_add_test(tc, skeleton_checks_scripts);
	tcase_add_test(tc, skeleton_names_the_mixed_scripts);
	tcase_add_test(tc, skeleton_ignorables);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(skeleton_suite());
}
