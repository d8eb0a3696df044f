/*
 * test_verdict - findings to a score and a verdict, and the header values:
 * exact rendering, folding, sanitising of attacker text, the 998 limit.
 */
#include <config.h>

#include <string.h>

#include "brands.h"
#include "fixture.h"
#include "tap.h"
#include "verdict.h"

static const struct brand *viamedis, *ameli;

/* setup - brands to point findings at */
static void setup(void)
{
	fixture_setup();
	viamedis = brands_owner(detector_brands(det), "viamedis.fr");
	ameli = brands_owner(detector_brands(det), "ameli.fr");
}

struct finding {
	enum reason_code code;
	int strength;
	int brand;		/* 0 none, 1 Viamedis, 2 Assurance Maladie */
};

static const struct {
	struct finding f[3];
	int score;
	enum verdict_kind kind;
	int brand;
} scores[] = {
	{ { { 0, 0, -1 } }, 0, VERDICT_CLEAN, 0 },
	{ { { REASON_HOMOGLYPH, 95, 1 }, { 0, 0, -1 } }, 95, VERDICT_IMPERSONATION, 1 },
	{ { { REASON_TLD_SWAP, 75, 1 }, { 0, 0, -1 } }, 60, VERDICT_SUSPECT, 1 },
	{ { { REASON_LURE, 35, 0 }, { 0, 0, -1 } }, 12, VERDICT_CLEAN, 0 },
	{ { { REASON_TYPO, 65, 1 }, { 0, 0, -1 } }, 58, VERDICT_SUSPECT, 1 },
	{ { { REASON_TYPO, 65, 1 }, { REASON_TLD_SWAP, 75, 2 }, { 0, 0, -1 } }, 83,
	  VERDICT_IMPERSONATION, 2 },
	{ { { REASON_MIXED_SCRIPT, 60, 0 }, { 0, 0, -1 } }, 48, VERDICT_SUSPECT, 0 },
	{ { { REASON_REPLY_TO, 70, 2 }, { 0, 0, -1 } }, 28, VERDICT_CLEAN, 2 },
	{ { { REASON_EMBEDDED, 100, 1 }, { REASON_HOMOGLYPH, 100, 2 }, { 0, 0, -1 } }, 100,
	  VERDICT_IMPERSONATION, 2 },
};

/* fill - a verdict from a table row */
static void fill(struct verdict *v, const struct finding *f)
{
	reason_list_init(&v->reasons);
	for (int i = 0; i < 3 && f[i].brand >= 0; i++) {
		char subject[32];

		snprintf(subject, sizeof(subject), "s%d.example", i);
		reason_add(&v->reasons, f[i].code, WHERE_FROM,
			   f[i].brand == 1 ? viamedis : f[i].brand == 2 ? ameli : NULL,
			   f[i].strength, subject, "finding %d", i);
	}
}

START_TEST(verdict_scores_table)
{
	for (size_t i = 0; i < sizeof(scores) / sizeof(scores[0]); i++) {
		struct verdict v;

		fill(&v, scores[i].f);
		verdict_compute(&v);
		ck_assert_msg(v.score == scores[i].score, "case %zu: score %d", i, v.score);
		ck_assert_int_eq(v.kind, scores[i].kind);
		ck_assert_ptr_eq(v.brand, scores[i].brand == 1 ? viamedis :
				 scores[i].brand == 2 ? ameli : NULL);
	}
}
END_TEST

START_TEST(verdict_policy_is_one_table)
{
	struct verdict_policy p = verdict_policy_default;
	struct verdict v;
	static const struct finding f[] = { { REASON_LURE, 100, 0 }, { 0, 0, -1 } };

	fill(&v, f);
	verdict_compute(&v);
	ck_assert_int_eq(v.kind, VERDICT_SUSPECT);	/* 35 */
	p.weight[REASON_LURE] = 10;
	verdict_compute_with(&v, &p);
	ck_assert_int_eq(v.score, 10);
	ck_assert_int_eq(v.kind, VERDICT_CLEAN);
	p.suspect = 5;
	verdict_compute_with(&v, &p);
	ck_assert_int_eq(v.kind, VERDICT_SUSPECT);
	ck_assert_str_eq(verdict_kind_name(VERDICT_IMPERSONATION), "impersonation");
	ck_assert_str_eq(verdict_kind_name(VERDICT_SUSPECT), "suspect");
	ck_assert_str_eq(verdict_kind_name(VERDICT_CLEAN), "clean");
}
END_TEST

/* ascii_folded - ASCII only, lines joined by "\n\t", none over max bytes */
static void ascii_folded(const char *s, size_t max)
{
	size_t line = 0;

	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			ck_assert_msg(p[1] == '\t', "a fold without a tab");
			ck_assert_uint_le(line, max);
			line = 0;
			continue;
		}
		ck_assert_msg(((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f) || *p == '\t',
			      "byte %02x", (unsigned char)*p);
		line++;
	}
	ck_assert_uint_le(line, max);
}

START_TEST(verdict_headers_render_as_designed)
{
	struct verdict v;
	struct vbuf vv = VBUF_INIT(4096), rv = VBUF_INIT(8192);

	reason_list_init(&v.reasons);
	detector_check_domain(det, "viam\xc3\xa9" "dis.fr", 12, WHERE_FROM, NULL, &v.reasons);
	reason_add(&v.reasons, REASON_DISPLAY_NAME, WHERE_FROM, viamedis, 80, "Viamedis",
		   "the display name claims Viamedis");
	verdict_compute(&v);
	verdict_headers(&v, &vv, &rv);
	ck_assert_str_eq(vbuf_str(&vv), "impersonation score=98 brand=\"Viamedis\"");
	ck_assert_str_eq(vbuf_str(&rv),
			 "homoglyph from=xn--viamdis-eya.fr (viam[U+00E9]dis.fr looks\n"
			 "\tlike viamedis.fr (Viamedis): [U+00E9] for e); display-name\n"
			 "\tfrom=\"Viamedis\" (the display name claims Viamedis)");
	vbuf_free(&vv);
	vbuf_free(&rv);
}
END_TEST

START_TEST(verdict_headers_of_a_clean_message)
{
	struct verdict v;
	struct vbuf vv = VBUF_INIT(4096), rv = VBUF_INIT(8192);

	reason_list_init(&v.reasons);
	verdict_compute(&v);
	verdict_headers(&v, &vv, &rv);
	ck_assert_str_eq(vbuf_str(&vv), "clean score=0");
	ck_assert_str_eq(vbuf_str(&rv), "");
	vbuf_free(&vv);
	vbuf_free(&rv);
}
END_TEST

START_TEST(verdict_headers_sanitise_attacker_text)
{
	struct verdict v;
	struct vbuf vv = VBUF_INIT(4096), rv = VBUF_INIT(8192);

	reason_list_init(&v.reasons);
	reason_add(&v.reasons, REASON_DISPLAY_NAME, WHERE_FROM, ameli, 90,
		   "Ameli \"Service\"\r\nX-Injected: yes", "evil\r\nX-Injected: yes\x01\xff \xe2\x80\xae");
	verdict_compute(&v);
	verdict_headers(&v, &vv, &rv);
	ck_assert_str_eq(vbuf_str(&vv), "suspect score=67 brand=\"Assurance Maladie\"");
	ascii_folded(vbuf_str(&rv), 78);
	ck_assert(strstr(vbuf_str(&rv), "\r") == NULL);
	ck_assert(strstr(vbuf_str(&rv), "\nX-Injected") == NULL);
	ck_assert(strstr(vbuf_str(&rv), "from=\"Ameli \\\"Service\\\"??X-Injected:") != NULL);
	ck_assert(strstr(vbuf_str(&rv), "[U+000D][U+000A]X-Injected:") != NULL);
	ck_assert(strstr(vbuf_str(&rv), "[U+0001][U+FFFD]") != NULL);
	ck_assert(strstr(vbuf_str(&rv), "[U+202E]") != NULL);
	vbuf_free(&vv);
	vbuf_free(&rv);
}
END_TEST

START_TEST(verdict_headers_stay_under_998_and_are_capped)
{
	struct verdict v;
	struct vbuf vv = VBUF_INIT(4096), rv = VBUF_INIT(1 << 16);
	char subject[REASON_SUBJECT_MAX + 1], detail[REASON_DETAIL_MAX + 1];

	memset(subject, 'a', sizeof(subject) - 1);
	subject[sizeof(subject) - 1] = '\0';
	reason_list_init(&v.reasons);
	for (int i = 0; i < REASON_LIST_MAX + 3; i++) {
		/* one long word of non-ASCII: the worst case for escaping */
		for (size_t k = 0; k + 2 < sizeof(detail); k += 2)
			memcpy(detail + k, "\xc3\xa9", 2);
		detail[sizeof(detail) - 1 - (sizeof(detail) - 1) % 2] = '\0';
		subject[0] = (char)('a' + i % 26);
		subject[1] = (char)('a' + i / 26);
		reason_add(&v.reasons, REASON_LINK_LOOKALIKE, WHERE_LINK, NULL, 50, subject, "%s", detail);
	}
	ck_assert_uint_eq(v.reasons.dropped, 3);
	verdict_compute(&v);
	verdict_headers(&v, &vv, &rv);
	ascii_folded(vbuf_str(&rv), 998);
	ck_assert_uint_le(rv.len, VERDICT_REASONS_MAX + 64);
	ck_assert(strstr(vbuf_str(&rv), "more)") != NULL);
	vbuf_free(&vv);
	vbuf_free(&rv);
}
END_TEST

START_TEST(verdict_headers_fold_at_spaces_before_78)
{
	struct verdict v;
	struct vbuf vv = VBUF_INIT(4096), rv = VBUF_INIT(8192);

	reason_list_init(&v.reasons);
	reason_add(&v.reasons, REASON_LURE, WHERE_BODY, ameli, 40, "RIB",
		   "words words words words words words words words words words words words "
		   "words words words words words words words words words words words words");
	verdict_compute(&v);
	verdict_headers(&v, &vv, &rv);
	ascii_folded(vbuf_str(&rv), 78);
	ck_assert(strchr(vbuf_str(&rv), '\n') != NULL);
	vbuf_free(&vv);
	vbuf_free(&rv);
}
END_TEST

/* verdict_suite - the cases of this file */
static Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("verdict");

	tcase_add_unchecked_fixture(tc, setup, fixture_teardown);
	tcase_add_test(tc, verdict_scores_table);
	tcase_add_test(tc, verdict_policy_is_one_table);
	tcase_add_test(tc, verdict_headers_render_as_designed);
	tcase_add_test(tc, verdict_headers_of_a_clean_message);
	tcase_add_test(tc, verdict_headers_sanitise_attacker_text);
	tcase_add_test(tc, verdict_headers_stay_under_998_and_are_capped);
	tcase_add_test(tc, verdict_headers_fold_at_spaces_before_78);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(verdict_suite());
}
