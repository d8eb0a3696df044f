/*
 * test_domain - normalisation of domain names: IDNA both ways, case, dots,
 * the registrable part, and every kind of bad input.
 */
#include <config.h>

#include <string.h>

#include <libpsl.h>

#include "domain.h"
#include "tap.h"

static psl_ctx_t *psl;

/* setup - the system public suffix list, as the detector loads it */
static void setup(void)
{
	psl = psl_latest(NULL);
	if (psl == NULL)
		psl = (psl_ctx_t *)psl_builtin();
}

/* teardown - release it */
static void teardown(void)
{
	psl_free(psl);
}

static const struct {
	const char *in;
	const char *ascii;
	const char *unicode;
	const char *registrable;
	unsigned labels;
	unsigned flags;
} good[] = {
	{ "viamedis.fr", "viamedis.fr", "viamedis.fr", "viamedis.fr", 2, 0 },
	{ "ViaMedis.FR.", "viamedis.fr", "viamedis.fr", "viamedis.fr", 2, 0 },
	{ "mail.info.ameli.fr", "mail.info.ameli.fr", "mail.info.ameli.fr", "ameli.fr", 4, 0 },
	{ "viamédis.fr", "xn--viamdis-eya.fr", "viamédis.fr", "xn--viamdis-eya.fr", 2, DOMAIN_F_IDN },
	{ "xn--viamdis-eya.fr", "xn--viamdis-eya.fr", "viamédis.fr", "xn--viamdis-eya.fr", 2,
	  DOMAIN_F_IDN },
	{ "XN--VIAMDIS-EYA.FR", "xn--viamdis-eya.fr", "viamédis.fr", "xn--viamdis-eya.fr", 2,
	  DOMAIN_F_IDN },
	{ "VIAMÉDIS.FR", "xn--viamdis-eya.fr", "viamédis.fr", "xn--viamdis-eya.fr", 2,
	  DOMAIN_F_IDN | DOMAIN_F_MAPPED },
	{ "viame\xcc\x81" "dis.fr", "xn--viamdis-eya.fr", "viamédis.fr", "xn--viamdis-eya.fr", 2,
	  DOMAIN_F_IDN | DOMAIN_F_MAPPED },
	{ "ѵіамеԁіѕ.com", "xn--80aku5hbd6sr5b.com", "ѵіамеԁіѕ.com", "xn--80aku5hbd6sr5b.com", 2,
	  DOMAIN_F_IDN },
	{ "via\xe2\x80\x8bmedis.fr", "viamedis.fr", "viamedis.fr", "viamedis.fr", 2,
	  DOMAIN_F_MAPPED | DOMAIN_F_IGNORABLE },
	{ "\xef\xbd\x96iamedis.fr", "viamedis.fr", "viamedis.fr", "viamedis.fr", 2, DOMAIN_F_MAPPED },
	{ "viamedis\xe3\x80\x82" "fr", "viamedis.fr", "viamedis.fr", "viamedis.fr", 2, DOMAIN_F_MAPPED },
	{ "viamedis.fr.secure-ps.co.uk", "viamedis.fr.secure-ps.co.uk", "viamedis.fr.secure-ps.co.uk",
	  "secure-ps.co.uk", 5, 0 },
	{ "foo.github.io", "foo.github.io", "foo.github.io", "foo.github.io", 3, 0 },
	{ "github.io", "github.io", "github.io", "", 2, 0 },
	{ "esante.gouv.fr", "esante.gouv.fr", "esante.gouv.fr", "esante.gouv.fr", 3, 0 },
	{ "пример.рф", "xn--e1afmkfd.xn--p1ai", "пример.рф", "xn--e1afmkfd.xn--p1ai", 2, DOMAIN_F_IDN },
	{ "ישראל.il", "xn--4dbrk0ce.il", "ישראל.il", "xn--4dbrk0ce.il", 2, DOMAIN_F_IDN },
	{ "a_b.example.com", "a_b.example.com", "a_b.example.com", "example.com", 3, 0 },
	{ "localhost", "localhost", "localhost", "", 1, 0 },
	{ "straße.de", "xn--strae-oqa.de", "straße.de", "xn--strae-oqa.de", 2, DOMAIN_F_IDN },
};

START_TEST(domain_parses_good_names)
{
	struct domain d;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		enum domain_status st = domain_parse(&d, good[i].in, strlen(good[i].in), psl);

		ck_assert_msg(st == DOMAIN_OK, "%s: %s", good[i].in, domain_status_text(st));
		ck_assert_str_eq(d.ascii, good[i].ascii);
		ck_assert_str_eq(d.unicode, good[i].unicode);
		ck_assert_str_eq(d.registrable, good[i].registrable);
		ck_assert_uint_eq(d.labels, good[i].labels);
		ck_assert_msg(d.flags == good[i].flags, "%s: flags %x, want %x", good[i].in,
			      d.flags, good[i].flags);
		ck_assert_uint_eq(d.ascii_len, strlen(good[i].ascii));
		ck_assert_uint_eq(d.unicode_len, strlen(good[i].unicode));
	}
}
END_TEST

START_TEST(domain_registrable_label_index)
{
	struct domain d;

	ck_assert_int_eq(domain_parse(&d, "a.b.viamedis.fr.evil.co.uk", 26, psl), DOMAIN_OK);
	ck_assert_str_eq(d.registrable, "evil.co.uk");
	ck_assert_uint_eq(d.reg_label, 4);
	ck_assert_int_eq(domain_parse(&d, "co.uk", 5, psl), DOMAIN_OK);
	ck_assert_uint_eq(d.reg_label, d.labels);
	ck_assert_int_eq(domain_parse(&d, "viamedis.fr", 11, NULL), DOMAIN_OK);
	ck_assert_str_eq(d.registrable, "");
}
END_TEST

START_TEST(domain_label_helper)
{
	const char *l;

	ck_assert_uint_eq(domain_label("a.bcd.ef", 1, &l), 3);
	ck_assert_mem_eq(l, "bcd", 3);
	ck_assert_uint_eq(domain_label("a.bcd.ef", 2, &l), 2);
	ck_assert_uint_eq(domain_label("a.bcd.ef", 3, &l), 0);
	ck_assert_ptr_null(l);
}
END_TEST

/* repeat - a string of n copies of unit, for long-name cases */
static char *repeat(char *buf, size_t size, const char *unit, size_t n, const char *tail)
{
	size_t u = strlen(unit), k = 0;

	for (size_t i = 0; i < n && k + u < size; i++, k += u)
		memcpy(buf + k, unit, u);
	snprintf(buf + k, size - k, "%s", tail);
	return buf;
}

START_TEST(domain_refuses_bad_names)
{
	static char labels300[1000], labels127[400], labels126[400], label64[100], label63[100];
	static char long254[300], long1100[1200];
	static const struct {
		const char *in;
		size_t len;		/* 0: strlen */
		enum domain_status want;
	} bad[] = {
		{ "", 0, DOMAIN_EMPTY },
		{ ".", 0, DOMAIN_EMPTY },
		{ "a..b", 0, DOMAIN_EMPTY_LABEL },
		{ ".viamedis.fr", 0, DOMAIN_EMPTY_LABEL },
		{ "viamedis.fr..", 0, DOMAIN_EMPTY_LABEL },
		{ "via\0medis.fr", 12, DOMAIN_NUL },
		{ "via\xffmedis.fr", 0, DOMAIN_BAD_UTF8 },
		{ "via\xc3medis.fr", 0, DOMAIN_BAD_UTF8 },
		{ "\xed\xa0\x80.fr", 0, DOMAIN_BAD_UTF8 },
		{ "via medis.fr", 0, DOMAIN_BAD_CHAR },
		{ "x@viamedis.fr", 0, DOMAIN_BAD_CHAR },
		{ "viamedis.fr/path", 0, DOMAIN_BAD_CHAR },
		{ "via\r\nmedis.fr", 0, DOMAIN_BAD_CHAR },
		{ "xn--zz99.fr", 0, DOMAIN_BAD_PUNYCODE },
		{ "xn--.fr", 0, DOMAIN_BAD_PUNYCODE },
		{ "xn--viamdis-eya-.fr", 0, DOMAIN_BAD_PUNYCODE },
		{ "xn--abc.fr", 0, DOMAIN_BAD_IDNA },
		{ "xn--viamedis.fr", 0, DOMAIN_BAD_IDNA },
		{ "-viamedis.fr", 0, DOMAIN_BAD_HYPHEN },
		{ "viamedis-.fr", 0, DOMAIN_BAD_HYPHEN },
		{ "vi--amedis.fr", 0, DOMAIN_BAD_HYPHEN },
		{ "aא.com", 0, DOMAIN_BAD_BIDI },
		{ "\xe2\x80\xae" "sidemaiv.fr", 0, DOMAIN_BAD_IDNA },	/* RLO override */
		{ "viamedis\xe2\x98\x83.fr", 0, DOMAIN_BAD_IDNA },	/* snowman */
		{ "[192.0.2.1]", 0, DOMAIN_LITERAL },
		{ labels300, 0, DOMAIN_TOO_MANY_LABELS },
		{ labels127, 0, DOMAIN_TOO_MANY_LABELS },
		{ label64, 0, DOMAIN_LABEL_TOO_LONG },
		{ long254, 0, DOMAIN_TOO_LONG },
		{ long1100, 0, DOMAIN_TOO_LONG },
	};
	struct domain d;

	repeat(labels300, sizeof(labels300), "a.", 299, "fr");
	repeat(labels127, sizeof(labels127), "a.", 126, "fr");
	repeat(label64, sizeof(label64), "a", 64, ".fr");
	repeat(long254, sizeof(long254), "abcdefghi.", 25, "abcdef.fr");
	repeat(long1100, sizeof(long1100), "a", 1100, "");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);
		enum domain_status st = domain_parse(&d, bad[i].in, len, psl);

		ck_assert_msg(st == bad[i].want, "case %zu: got '%s', want '%s'", i,
			      domain_status_text(st), domain_status_text(bad[i].want));
		ck_assert_int_eq(d.status, st);
		ck_assert_str_eq(d.ascii, "");
		ck_assert_str_eq(d.unicode, "");
		ck_assert_str_eq(d.registrable, "");
	}
	/* the limits themselves are fine */
	repeat(labels126, sizeof(labels126), "a.", 125, "fr");
	ck_assert_int_eq(domain_parse(&d, labels126, strlen(labels126), psl), DOMAIN_OK);
	ck_assert_uint_eq(d.labels, 126);
	repeat(label63, sizeof(label63), "a", 63, ".fr");
	ck_assert_int_eq(domain_parse(&d, label63, strlen(label63), psl), DOMAIN_OK);
}
END_TEST

START_TEST(domain_idn_label_too_long_after_encoding)
{
	char name[400];
	size_t n = 0;
	struct domain d;

	/* 25 scattered CJK ideographs: 75 bytes of UTF-8, an A-label over 63 bytes */
	for (unsigned k = 0; k < 25; k++) {
		unsigned cp = 0x4E00 + k * 397;

		name[n++] = (char)(0xE0 | (cp >> 12));
		name[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		name[n++] = (char)(0x80 | (cp & 0x3F));
	}
	memcpy(name + n, ".fr", 4);
	ck_assert_int_eq(domain_parse(&d, name, strlen(name), psl), DOMAIN_LABEL_TOO_LONG);
}
END_TEST

START_TEST(domain_five_scripts_in_one_label_parse)
{
	/* Latin, Greek, Cyrillic, Armenian, Georgian: IDNA accepts it; matching judges it */
	const char *name = "aβдաა.com";
	struct domain d;

	ck_assert_int_eq(domain_parse(&d, name, strlen(name), psl), DOMAIN_OK);
	ck_assert(d.flags & DOMAIN_F_IDN);
}
END_TEST

START_TEST(domain_status_texts_exist)
{
	for (int i = 0; i < DOMAIN_STATUS_COUNT; i++)
		ck_assert(strlen(domain_status_text((enum domain_status)i)) > 1);
	ck_assert_str_eq(domain_status_text((enum domain_status)999), "unknown status");
	ck_assert_str_eq(domain_status_text(DOMAIN_BAD_PUNYCODE), "invalid punycode");
}
END_TEST

/* domain_suite - the cases of this file */
static Suite *domain_suite(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("domain");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, domain_parses_good_names);
	tcase_add_test(tc, domain_registrable_label_index);
	tcase_add_test(tc, domain_label_helper);
	tcase_add_test(tc, domain_refuses_bad_names);
	tcase_add_test(tc, domain_idn_label_too_long_after_encoding);
	tcase_add_test(tc, domain_five_scripts_in_one_label_parse);
	tcase_add_test(tc, domain_status_texts_exist);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(domain_suite());
}
