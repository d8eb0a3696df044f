/*
 * test_hostile - hostile input at the level of each core module, with the
 * exact outcome: domain names at and past every limit (255 bytes, 127
 * labels, bad punycode, five scripts in a label, right-to-left text) get
 * the status or finding that says why; display names that hide a brand
 * behind a bare CR or LF, or behind right-to-left overrides, still claim
 * it; an Authentication-Results value built from the worst a message may
 * hold stays one line of printable ASCII.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "authres.h"
#include "brands.h"
#include "detector.h"
#include "domain.h"
#include "header.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct detector *det;

/* setup - one detector with the built-in pack, no DKIM, for every test */
static void setup(void)
{
	struct detector_opts o = { 0 };
	char err[256];

	o.no_dkim = true;
	det = detector_new(&o, err, sizeof(err));
	ck_assert_msg(det != NULL, "%s", err);
}

/* teardown - the detector goes */
static void teardown(void)
{
	detector_free(det);
}

/* repeat - n copies of s joined by sep, in a static buffer */
static const char *repeat(const char *s, int n, const char *sep, const char *tail)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? sep : "", s);
	snprintf(buf + len, sizeof(buf) - len, "%s", tail);
	return buf;
}

START_TEST(domains_past_their_limits_say_why)
{
	static const struct {
		const char *what;
		int n;
		const char *label, *tail;
		enum domain_status want;
	} cases[] = {
		/* 4 x 63 + 3 dots = 255 bytes, 2 over the limit */
		{ "255 bytes", 4, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "",
		  DOMAIN_TOO_LONG },
		/* 3 x 63 + 58 + 2 + 4 dots = 253 bytes: the longest name there is */
		{ "253 bytes", 3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  ".bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.fr", DOMAIN_OK },
		{ "127 labels", 126, "a", ".fr", DOMAIN_TOO_MANY_LABELS },
		{ "126 labels", 125, "a", ".fr", DOMAIN_OK },
		{ "a 64-byte label", 1,
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ".fr",
		  DOMAIN_LABEL_TOO_LONG },
	};

	for (int i = 0; i < NELEM(cases); i++) {
		const char *name = repeat(cases[i].label, cases[i].n, ".", cases[i].tail);
		struct domain d;

		domain_parse(&d, name, strlen(name), detector_psl(det));
		ck_assert_msg(d.status == cases[i].want, "%s (%zu bytes): %s", cases[i].what,
			      strlen(name), domain_status_text(d.status));
	}
}
END_TEST

START_TEST(names_that_no_host_can_have)
{
	static const struct {
		const char *name;
		enum domain_status want;
	} cases[] = {
		{ "xn--viamdis-9999zzz.fr", DOMAIN_BAD_PUNYCODE },	/* digits past the end */
		{ "xn--99zz.fr", DOMAIN_BAD_PUNYCODE },
		{ "xn--.fr", DOMAIN_BAD_PUNYCODE },
		{ "xn--a-.fr", DOMAIN_BAD_PUNYCODE },
		/* Hebrew after Latin in one label: RFC 5893's bidi rule */
		{ "viamedis-\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d.fr", DOMAIN_BAD_BIDI },
		{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d" "1a.fr", DOMAIN_BAD_BIDI },
		/* a right-to-left override is no character of a host name */
		{ "\xe2\x80\xaesidemaiv.fr", DOMAIN_BAD_IDNA },
		{ "via\x00medis.fr", DOMAIN_NUL },
		{ "via\xffmedis.fr", DOMAIN_BAD_UTF8 },
		{ "via medis.fr", DOMAIN_BAD_CHAR },
	};

	for (int i = 0; i < NELEM(cases); i++) {
		struct domain d;
		size_t len = strlen(cases[i].name);

		if (cases[i].want == DOMAIN_NUL)
			len = 14;
		domain_parse(&d, cases[i].name, len, detector_psl(det));
		ck_assert_msg(d.status == cases[i].want, "%s: %s, not %s", cases[i].name,
			      domain_status_text(d.status), domain_status_text(cases[i].want));
	}
}
END_TEST

START_TEST(five_scripts_in_a_label_is_mixed_script)
{
	/* Latin v, Cyrillic a, Greek beta, Cyrillic de, Armenian, Georgian */
	static const char name[] = "v\xd0\xb0\xce\xb2\xd0\xb4\xd5\xa1\xe1\x83\x90.fr";
	struct reason_list l;
	struct domain d;

	reason_list_init(&l);
	detector_check_domain(det, name, strlen(name), WHERE_FROM, &d, &l);
	ck_assert_int_eq(d.status, DOMAIN_OK);
	ck_assert(reason_has(&l, REASON_MIXED_SCRIPT));
	for (size_t i = 0; i < l.count; i++)
		for (const char *p = l.item[i].subject; *p; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f,
				      "finding subject not printable ASCII: %s", l.item[i].subject);
}
END_TEST

START_TEST(line_breaks_in_a_display_name_separate_words)
{
	static const struct {
		const char *in, *display;
	} cases[] = {
		{ "\"Viamedis\rPaiement\" <x@gmail.com>", "Viamedis Paiement" },
		{ "\"Viamedis\nPaiement\" <x@gmail.com>", "Viamedis Paiement" },
		{ "\"Viamedis\r\n\tPaiement\" <x@gmail.com>", "Viamedis Paiement" },
		{ "x@gmail.com (Viamedis\rPaiement)", "Viamedis Paiement" },
		{ "\"Via\rmedis\" <x@gmail.com>", "Via medis" },
	};
	struct address_list l;
	struct header h;

	header_init(&h);
	address_list_init(&l);
	for (int i = 0; i < NELEM(cases); i++) {
		header_reset(&h);
		address_parse(&l, &h, cases[i].in, strlen(cases[i].in));
		ck_assert_int_eq(l.count, 1);
		ck_assert_str_eq(l.item[0].display, cases[i].display);
	}
	address_list_free(&l);
	header_free(&h);
}
END_TEST

START_TEST(right_to_left_tricks_still_claim_the_brand)
{
	static const struct {
		const char *text;
		const char *brand;	/* NULL: no claim */
	} cases[] = {
		/* RIGHT-TO-LEFT OVERRIDE: shows "Viamedis" */
		{ "\xe2\x80\xaesidemaiV", "Viamedis" },
		{ "Service \xe2\x80\xaesidemaiV\xe2\x80\xac", "Viamedis" },
		/* two words under one override: shows "Viamedis Paiement" */
		{ "\xe2\x80\xaetnemeiaP sidemaiV\xe2\x80\xac", "Viamedis" },
		/* an isolate only embeds: Latin letters keep their order */
		{ "\xe2\x81\xa7sidemaiV\xe2\x81\xa9 Paiement", NULL },
		/* Hebrew around the name: the name reads the same */
		{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d Viamedis", "Viamedis" },
		{ "sidemaiV", NULL },
		{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", NULL },
	};

	for (int i = 0; i < NELEM(cases); i++) {
		const struct brand *b = brands_name_claim(detector_brands(det), cases[i].text,
							  strlen(cases[i].text));

		if (cases[i].brand == NULL)
			ck_assert_msg(b == NULL, "case %d claims %s", i, brand_name(b));
		else
			ck_assert_msg(b != NULL && strcmp(brand_ascii_name(b), cases[i].brand) == 0,
				      "case %d: %s", i, b ? brand_name(b) : "no claim");
	}
}
END_TEST

START_TEST(authentication_results_of_the_worst_signatures_stay_clean)
{
	struct dkimcheck_sig sigs[DKIMCHECK_MAX_SIGS];
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);

	memset(sigs, 0, sizeof(sigs));
	for (int i = 0; i < DKIMCHECK_MAX_SIGS; i++) {
		sigs[i].result = (enum dkimcheck_result)(i % DKIMCHECK_RESULT_COUNT);
		sigs[i].reason = "key record too long";
		memset(sigs[i].domain, 'd', DNSNAME_MAX);
		memset(sigs[i].selector, 's', DKIMCHECK_SELECTOR_MAX);
		snprintf(sigs[i].algorithm, sizeof(sigs[i].algorithm), "rsa-sha256");
		snprintf(sigs[i].b, sizeof(sigs[i].b), "AAAAAAAA");
	}
	ck_assert(authres_render(&out, "mx.example.org", sigs, DKIMCHECK_MAX_SIGS));
	for (size_t i = 0, col = 0; i < out.len; i++, col++) {
		unsigned char c = (unsigned char)out.data[i];

		ck_assert_msg(c != '\r' && c != 0 && c < 0x80, "byte %zu: 0x%02x", i, c);
		if (c == '\n') {
			ck_assert_msg(i + 1 < out.len && out.data[i + 1] == '\t', "LF not folding");
			col = 0;
		}
		ck_assert_msg(col < 998, "line over 998 bytes");
	}
	vbuf_free(&out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, domains_past_their_limits_say_why);
	tcase_add_test(tc, names_that_no_host_can_have);
	tcase_add_test(tc, five_scripts_in_a_label_is_mixed_script);
	tcase_add_test(tc, line_breaks_in_a_display_name_separate_words);
	tcase_add_test(tc, right_to_left_tricks_still_claim_the_brand);
	tcase_add_test(tc, authentication_results_of_the_worst_signatures_stay_clean);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
