/*
 * test_lookalike - every reason code of the domain engine, with the names
 * next to each that must stay clean, through the detector as the front ends
 * use it (built-in brand pack).
 */
#include <config.h>

#include <pthread.h>
#include <string.h>

#include "brands.h"
#include "fixture.h"
#include "domain.h"
#include "lookalike.h"
#include "tap.h"
#include "verdict.h"


/* codes - the codes found for a name, space-separated in list order */
static const struct brand *codes(const char *name, char *out, size_t outlen,
				 struct reason_list *l)
{
	const struct brand *b;
	size_t n = 0;

	reason_list_init(l);
	b = detector_check_domain(det, name, strlen(name), WHERE_FROM, NULL, l);
	out[0] = '\0';
	for (size_t i = 0; i < l->count; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", i ? " " : "",
				      reason_code_name(l->item[i].code));
	return b;
}

static const struct {
	const char *name;
	const char *codes;	/* "" for none */
	const char *brand;	/* brand returned, NULL for none */
} cases[] = {
	/* 1. IDN diacritics */
	{ "viam\xc3\xa9" "dis.fr", "homoglyph", "Viamedis" },
	{ "xn--viamdis-eya.fr", "homoglyph", "Viamedis" },
	{ "v\xc3\xaf" "amedis.fr", "homoglyph", "Viamedis" },
	{ "soci\xc3\xa9t\xc3\xa9-g\xc3\xa9n\xc3\xa9rale.fr", "", NULL },
	{ "xn--mller-kva.de", "", NULL },
	/* 2. whole-script Cyrillic */
	{ "\xd1\xb5\xd1\x96\xd0\xb0\xd0\xbc\xd0\xb5\xd4\x81\xd1\x96\xd1\x95.com", "homoglyph", "Viamedis" },
	{ "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84", "", NULL },
	/* 3. mixed script */
	{ "v\xd1\x96" "amedis.fr", "homoglyph mixed-script", "Viamedis" },
	{ "a\xce\xb2\xd0\xb4\xd5\xa1\xe1\x83\x90.com", "mixed-script", NULL },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.jp", "", NULL },
	/* 4. ASCII lookalikes */
	{ "viarnedis.fr", "homoglyph", "Viamedis" },
	{ "vlamedis.fr", "homoglyph", "Viamedis" },
	{ "viamed1s.fr", "homoglyph", "Viamedis" },
	{ "ameii.fr", "homoglyph", "Assurance Maladie" },
	/* 5. typos */
	{ "viamdis.fr", "typo", "Viamedis" },
	{ "viammedis.fr", "typo", "Viamedis" },
	{ "vaimedis.fr", "typo", "Viamedis" },
	{ "viamodis.fr", "typo", "Viamedis" },
	{ "viamedid.fr", "typo", "Viamedis" },
	{ "vhamedis.fr", "typo", "Viamedis" },
	{ "viamcdis.fr", "typo", "Viamedis" },
	{ "acitl.com", "typo", "Actil" },
	{ "actif.fr", "", NULL },
	{ "sante.fr", "", NULL },
	{ "almeria.es", "", NULL },
	/* 6. hyphenation */
	{ "via-medis.fr", "typo", "Viamedis" },
	/* 7. combosquatting */
	{ "viamedis-securite.fr", "combosquat", "Viamedis" },
	{ "espace-viamedis.fr", "combosquat", "Viamedis" },
	{ "tiers-payant-viamedis.com", "combosquat", "Viamedis" },
	{ "ameli-mescompte.com", "combosquat", "Assurance Maladie" },
	{ "ameii-support.fr", "combosquat", "Assurance Maladie" },
	{ "monameli.fr", "combosquat", "Assurance Maladie" },
	{ "harmonie-mutuelle-pro.fr", "combosquat", "Harmonie Mutuelle" },
	{ "ameliorer.fr", "", NULL },
	{ "amelioration-habitat.fr", "", NULL },
	{ "harmonie-sante.fr", "", NULL },
	{ "mutuelle-sante.fr", "", NULL },
	{ "mon-doctolib.com", "", NULL },
	/* 8. TLD swap and various */
	{ "viamedis.com", "tld-swap", "Viamedis" },
	{ "ameli.com", "tld-swap", "Assurance Maladie" },
	{ "viamedisfr.com", "combosquat", "Viamedis" },
	{ "viamedis-fr.com", "combosquat", "Viamedis" },
	{ "viamedis.github.io", "tld-swap", "Viamedis" },
	/* 9. embedding */
	{ "viamedis.fr.secure-ps.com", "embedded", "Viamedis" },
	{ "www-viamedis.fr", "embedded", "Viamedis" },
	{ "wwwviamedis.fr", "embedded", "Viamedis" },
	{ "via.medis.fr", "embedded", "Viamedis" },
	{ "v.iamedis.fr", "typo embedded", "Viamedis" },
	{ "viamedis.secure-ps.com", "embedded", "Viamedis" },
	{ "almerys.com.secure-login.net", "embedded", "Almerys" },
	{ "esante.gouv.fr.example.org", "embedded", "Pro Sant\xc3\xa9 Connect" },
	{ "viamedis-login.evil.com", "embedded", "Viamedis" },
	{ "www.example.com", "", NULL },
	/* the brands' own names: never flagged, the owner returned */
	{ "viamedis.fr", "", "Viamedis" },
	{ "VIAMEDIS.NET.", "", "Viamedis" },
	{ "mail.viamedis.fr", "", "Viamedis" },
	{ "info.ameli.fr", "", "Assurance Maladie" },
	{ "be-almerys.com", "", "Almerys" },
	{ "esante.gouv.fr", "", "Pro Sant\xc3\xa9 Connect" },
	/* ... unless written to deceive */
	{ "via\xe2\x80\x8bmedis.fr", "homoglyph", "Viamedis" },
	{ "\xef\xbd\x96iamedis.fr", "homoglyph", "Viamedis" },
	/* names that are no domain: nothing */
	{ "xn--zz99.fr", "", NULL },
	{ "", "", NULL },
	{ "github.io", "", NULL },
};

START_TEST(lookalike_codes_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[256];
		struct reason_list l;
		const struct brand *b = codes(cases[i].name, got, sizeof(got), &l);

		ck_assert_msg(strcmp(got, cases[i].codes) == 0, "%s: '%s', want '%s'",
			      cases[i].name, got, cases[i].codes);
		if (cases[i].brand)
			ck_assert_msg(b && strcmp(brand_name(b), cases[i].brand) == 0, "%s: brand %s",
				      cases[i].name, b ? brand_name(b) : "none");
		else
			ck_assert_msg(b == NULL, "%s: brand %s", cases[i].name, brand_name(b));
		for (size_t k = 0; k < l.count; k++) {
			ck_assert_int_eq(l.item[k].where, WHERE_FROM);
			ck_assert(l.item[k].strength > 0 && l.item[k].strength <= 100);
			ck_assert(l.item[k].detail[0] != '\0');
		}
	}
}
END_TEST

static const struct {
	const char *name;
	const char *subject;
	const char *detail;
} details[] = {
	{ "viam\xc3\xa9" "dis.fr", "xn--viamdis-eya.fr",
	  "viam\xc3\xa9" "dis.fr looks like viamedis.fr (Viamedis): \xc3\xa9 for e" },
	{ "viarnedis.fr", "viarnedis.fr", "viarnedis.fr looks like viamedis.fr (Viamedis): rn for m" },
	{ "vaimedis.fr", "vaimedis.fr",
	  "vaimedis.fr looks like viamedis.fr (Viamedis): ai for ia (swapped letters)" },
	{ "viamedid.fr", "viamedid.fr",
	  "viamedid.fr looks like viamedis.fr (Viamedis): d for s (neighbouring key)" },
	{ "viamedis.com", "viamedis.com", "viamedis.com looks like viamedis.net (Viamedis): .com for .net" },
	{ "espace-viamedis.fr", "espace-viamedis.fr",
	  "espace-viamedis.fr looks like viamedis.fr (Viamedis): the name plus 'espace'" },
	{ "viamedis.fr.secure-ps.com", "viamedis.fr.secure-ps.com",
	  "viamedis.fr.secure-ps.com looks like viamedis.fr (Viamedis): the brand domain inside secure-ps.com" },
	{ "\xd1\xb5\xd1\x96\xd0\xb0\xd0\xbc\xd0\xb5\xd4\x81\xd1\x96\xd1\x95.fr", "xn--80aku5hbd6sr5b.fr",
	  "\xd1\xb5\xd1\x96\xd0\xb0\xd0\xbc\xd0\xb5\xd4\x81\xd1\x96\xd1\x95.fr looks like viamedis.fr (Viamedis): '"
	  "\xd1\xb5\xd1\x96\xd0\xb0\xd0\xbc\xd0\xb5\xd4\x81\xd1\x96\xd1\x95' written entirely in Cyrillic" },
};

START_TEST(lookalike_explains_itself)
{
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		struct reason_list l;
		char got[256];

		codes(details[i].name, got, sizeof(got), &l);
		ck_assert_uint_ge(l.count, 1);
		ck_assert_str_eq(l.item[0].subject, details[i].subject);
		ck_assert_str_eq(l.item[0].detail, details[i].detail);
	}
}
END_TEST

/*
 * Strong findings stand alone; weak ones are what ordinary names make too
 * (issue 13's people and firms), capped at LOOKALIKE_WEAK_MAX.
 */
static const struct {
	const char *name;
	const char *codes;
	bool weak;
} weakness[] = {
	/* strong: the brand's look, its domain elsewhere, its name with listed words */
	{ "viam\xc3\xa9" "dis.fr", "homoglyph", false },
	{ "viarnedis.fr", "homoglyph", false },
	{ "viamcdis.fr", "typo", false },		/* c for e: lookalike letters */
	{ "via-medis.fr", "typo", false },		/* hyphens only */
	{ "mon-espace-sante.fr", "typo", false },
	{ "assurancemaladie.fr", "typo", false },
	{ "viamedis.com", "tld-swap", false },
	{ "viamedis-securite.fr", "combosquat", false },
	{ "viamdis-paiement.fr", "combosquat", false },	/* long name mistyped, with a lure word */
	{ "ameii-support.fr", "combosquat", false },
	{ "cpam-paris.fr", "combosquat", false },	/* "label cpam-*" */
	{ "cpam-remboursement.fr", "combosquat", false },
	{ "assurance-maladie-remboursement.fr", "combosquat", false },
	{ "actifassurance-maladie.fr", "combosquat", false },
	{ "espacetp-isante.fr", "combosquat", false },
	{ "viamedis.fr.secure-ps.com", "embedded", false },
	{ "www-viamedis.fr", "embedded", false },
	{ "cpam.fr", "tld-swap", false },
	/* weak: one plain edit, the name with a person's name or another word */
	{ "viamdis.fr", "typo", true },
	{ "viamedia.fr", "typo", true },
	{ "kalixa.com", "typo", true },
	{ "amelie.fr", "typo", true },
	{ "amelis.fr", "typo", true },
	{ "vhamedis.fr", "typo", true },		/* one bit apart */
	{ "amelie-picard.fr", "combosquat", true },
	{ "amelie-sante.fr", "combosquat", true },	/* a short name mistyped: Amélie's */
	{ "sevane-letellier.fr", "combosquat", true },
	{ "viamedis-dupont.fr", "combosquat", true },
	{ "pharmacie-almeras.fr", "combosquat", true },	/* a long name mistyped beside a trade */
	{ "laboratoire-itellis.fr", "combosquat", true },
	/* two edits on the letters of a short name: nothing */
	{ "amail.com", "", false },
	{ "kinesitherapie-amiel.fr", "", false },
	{ "amiel.fr", "", false },
};

START_TEST(lookalike_strong_and_weak)
{
	for (size_t i = 0; i < sizeof(weakness) / sizeof(weakness[0]); i++) {
		char got[256];
		struct reason_list l;

		codes(weakness[i].name, got, sizeof(got), &l);
		ck_assert_msg(strcmp(got, weakness[i].codes) == 0, "%s: '%s', want '%s'",
			      weakness[i].name, got, weakness[i].codes);
		for (size_t k = 0; k < l.count; k++) {
			bool weak = (l.item[k].flags & REASON_F_WEAK) != 0;

			ck_assert_msg(weak == weakness[i].weak, "%s: %s is %s", weakness[i].name,
				      reason_code_name(l.item[k].code), weak ? "weak" : "strong");
			if (weak)
				ck_assert_int_le(l.item[k].strength, LOOKALIKE_WEAK_MAX);
		}
	}
}
END_TEST

/* details of the names a pack lends ("label") and of hyphens moved */
START_TEST(lookalike_explains_names_and_hyphens)
{
	struct reason_list l;
	char got[256];

	codes("cpam-paris.fr", got, sizeof(got), &l);
	ck_assert_str_eq(l.item[0].detail, "cpam-paris.fr looks like the name cpam (Assurance Maladie): "
			 "the name plus 'paris'");
	codes("cpam.com", got, sizeof(got), &l);
	ck_assert_str_eq(l.item[0].detail, "cpam.com looks like the name cpam (Assurance Maladie), "
			 "which owns no such domain");
	codes("mon-espace-sante.fr", got, sizeof(got), &l);
	ck_assert_str_eq(l.item[0].detail, "mon-espace-sante.fr looks like monespacesante.fr "
			 "(Mon espace sant\xc3\xa9): hyphens added");
	codes("assurancemaladie.com", got, sizeof(got), &l);
	ck_assert_str_eq(l.item[0].detail, "assurancemaladie.com looks like assurance-maladie.fr "
			 "(Assurance Maladie): a hyphen missing");
	/* the brand's own new domains */
	codes("julie.martin.assurance-maladie.fr", got, sizeof(got), &l);
	ck_assert_str_eq(got, "");
}
END_TEST

START_TEST(lookalike_out_domain_is_filled)
{
	struct domain d;
	struct reason_list l;

	reason_list_init(&l);
	detector_check_domain(det, "VIAM\xc3\x89" "DIS.fr.", 12, WHERE_LINK, &d, &l);
	ck_assert_int_eq(d.status, DOMAIN_OK);
	ck_assert_str_eq(d.ascii, "xn--viamdis-eya.fr");
	ck_assert_int_eq(l.item[0].where, WHERE_LINK);
	/* an unparsable name: status says why, no finding */
	reason_list_init(&l);
	ck_assert_ptr_null(detector_check_domain(det, "a..b", 4, WHERE_FROM, &d, &l));
	ck_assert_int_eq(d.status, DOMAIN_EMPTY_LABEL);
	ck_assert_uint_eq(l.count, 0);
	/* no list given: still safe */
	ck_assert_ptr_nonnull(detector_check_domain(det, "viamdis.fr", 10, WHERE_FROM, NULL, NULL));
}
END_TEST

START_TEST(lookalike_hostile_names_are_safe)
{
	static char many[2000], mixed[600];
	struct reason_list l;
	size_t n = 0;

	/* 120 labels of brand names and lookalikes: bounded work, bounded list */
	for (int i = 0; i < 120 && n + 16 < sizeof(many); i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s.", i % 2 ? "viamedis" : "vlam");
	snprintf(many + n, sizeof(many) - n, "com");
	reason_list_init(&l);
	detector_check_domain(det, many, strlen(many), WHERE_FROM, NULL, &l);
	ck_assert_uint_le(l.count, REASON_LIST_MAX);
	/* the same label, 63 bytes, mixing scripts, many times */
	n = 0;
	for (int i = 0; i < 10; i++)
		n += (size_t)snprintf(mixed + n, sizeof(mixed) - n, "a\xce\xb2\xd0\xb4\xd5\xa1\xe1\x83\x90%d.", i);
	snprintf(mixed + n, sizeof(mixed) - n, "fr");
	reason_list_init(&l);
	detector_check_domain(det, mixed, strlen(mixed), WHERE_FROM, NULL, &l);
	ck_assert(reason_has(&l, REASON_MIXED_SCRIPT));
}
END_TEST

START_TEST(lookalike_low_sensitivity_skips_typos)
{
	char got[256];
	struct reason_list l;

	/* esante.gouv.fr is low: sante.fr (a missing e) is an ordinary site */
	codes("sante.fr", got, sizeof(got), &l);
	ck_assert_str_eq(got, "");
	codes("esante.fr", got, sizeof(got), &l);
	ck_assert_str_eq(got, "tld-swap");
	codes("esanté.fr", got, sizeof(got), &l);
	ck_assert_str_eq(got, "homoglyph");
}
END_TEST

/* thread_check - every table name many times; nonzero if a result differs */
static void *thread_check(void *arg)
{
	long differ = 0;

	(void)arg;
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char got[256];
			struct reason_list l;

			codes(cases[i].name, got, sizeof(got), &l);
			if (strcmp(got, cases[i].codes) != 0)
				differ++;
		}
	}
	return (void *)differ;
}

START_TEST(lookalike_threads_share_one_detector)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_check, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *differ;

		ck_assert_int_eq(pthread_join(t[i], &differ), 0);
		ck_assert_ptr_null(differ);
	}
}
END_TEST

/* lookalike_suite - the cases of this file */
static Suite *lookalike_suite(void)
{
	Suite *s = suite_create("lookalike");
	TCase *tc = tcase_create("lookalike");

	tcase_add_unchecked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, lookalike_codes_table);
	tcase_add_test(tc, lookalike_explains_itself);
	tcase_add_test(tc, lookalike_strong_and_weak);
	tcase_add_test(tc, lookalike_explains_names_and_hyphens);
	tcase_add_test(tc, lookalike_out_domain_is_filled);
	tcase_add_test(tc, lookalike_hostile_names_are_safe);
	tcase_add_test(tc, lookalike_low_sensitivity_skips_typos);
	tcase_add_test(tc, lookalike_threads_share_one_detector);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(lookalike_suite());
}
