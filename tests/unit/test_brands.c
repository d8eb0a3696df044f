/*
 * test_brands - the brand pack: its format, every error it reports, the
 * built-in pack, ownership, authorised signers and name claims.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <libpsl.h>

#include "brands.h"
#include "skeleton.h"
#include "tap.h"

static struct skeleton *sk;
static psl_ctx_t *psl;
static struct brands *builtin;

/* setup - key maker, suffix list and the built-in pack */
static void setup(void)
{
	char err[512];

	sk = skeleton_new(err, sizeof(err));
	psl = psl_latest(NULL);
	if (psl == NULL)
		psl = (psl_ctx_t *)psl_builtin();
	builtin = brands_builtin(sk, psl, err, sizeof(err));
	ck_assert_msg(builtin != NULL, "%s", err);
}

/* teardown - release them, the pack first */
static void teardown(void)
{
	brands_free(builtin);
	skeleton_free(sk);
	psl_free(psl);
}

/* parse - a pack from a string, named t.conf in errors */
static struct brands *parse(const char *text, char *err, size_t errlen)
{
	return brands_parse(text, strlen(text), "t.conf", sk, psl, err, errlen);
}

START_TEST(brands_parse_a_pack)
{
	static const char text[] =
		"# a test pack\n"
		"word securite compte\n"
		"brand SP Sant\xc3\xa9	# the brand\n"
		"\tname SP Sante\n"
		"\tname Sant\xc3\xa9-Pharma # C: press\n"
		"\tdomain spsante.fr SPSANTE.net\n"
		"\tsigner esp.example.com\n"
		"\tsensitivity high\n"
		"\n"
		"brand S\xc3\xa9v\xc3\xa9" "ane\n"
		"  domain seveane.fr,seveane.com\n"
		"  name C#\n";
	char err[256] = "";
	struct brands *b = parse(text, err, sizeof(err));
	const struct brand *sp, *sv;

	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_uint_eq(brands_count(b), 2);
	sp = brands_at(b, 0);
	sv = brands_at(b, 1);
	ck_assert_ptr_null(brands_at(b, 2));
	ck_assert_str_eq(brand_name(sp), "SP Sant\xc3\xa9");
	ck_assert_str_eq(brand_ascii_name(sp), "SP Sante");
	ck_assert_str_eq(brand_ascii_name(sv), "Seveane");
	ck_assert_uint_eq(brand_line(sp), 3);
	ck_assert_int_eq(brand_sensitivity(sp), BRAND_HIGH);
	ck_assert_int_eq(brand_sensitivity(sv), BRAND_NORMAL);
	/* "SP Sante" folds like the brand name: one form, not two */
	ck_assert_uint_eq(brand_form_count(sp), 2);
	ck_assert_str_eq(brand_form(sp, 1), "Sant\xc3\xa9-Pharma");
	ck_assert_uint_eq(brand_domain_count(sp), 2);
	ck_assert_str_eq(brand_domain(sp, 1), "spsante.net");
	ck_assert_uint_eq(brand_signer_count(sp), 1);
	ck_assert_str_eq(brand_signer(sp, 0), "esp.example.com");
	ck_assert_uint_eq(brand_domain_count(sv), 2);
	ck_assert_str_eq(brand_form(sv, 1), "C#");
	ck_assert(brands_word(b, "securlte", 8));
	ck_assert(!brands_word(b, "securite", 8));	/* words are stored as keys */
	ck_assert_uint_eq(brands_label_count(b), 2);
	brands_free(b);
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} errors[] = {
	{ "brand A\n\tdomian a.fr\n", "t.conf:2: unknown keyword 'domian'" },
	{ "name Foo\n", "t.conf:1: 'name' before any 'brand'" },
	{ "domain a.fr\n", "t.conf:1: 'domain' before any 'brand'" },
	{ "brand A\n\tdomain\n", "t.conf:2: 'domain' needs a value" },
	{ "brand\n", "t.conf:1: 'brand' needs a value" },
	{ "brand A\n\tdomain a..fr\n", "t.conf:2: domain 'a..fr': empty label" },
	{ "brand A\n\tdomain xn--zz99.fr\n", "t.conf:2: domain 'xn--zz99.fr': invalid punycode" },
	{ "brand A\n\tdomain co.uk\n", "t.conf:2: domain 'co.uk' is a public suffix" },
	{ "brand A\n\tdomain a.fr\nbrand B\n\tdomain A.FR\n",
	  "t.conf:4: domain 'a.fr' already belongs to brand 'A'" },
	{ "brand A\n\tdomain a.fr\nbrand A\n", "t.conf:3: brand 'A' is already defined (line 1)" },
	{ "brand A\n", "t.conf:1: brand 'A' has no domain" },
	{ "brand A\n\tdomain a.fr\nbrand B\n# nothing\n", "t.conf:3: brand 'B' has no domain" },
	{ "", "t.conf: no brand defined" },
	{ "# only a comment\n\n", "t.conf: no brand defined" },
	{ "brand A\n\tdomain a.fr\n\tsensitivity extreme\n",
	  "t.conf:3: sensitivity 'extreme': expected low, normal or high" },
	{ "brand A\n\tname ...\n", "t.conf:2: name '...' has no letters or digits, or is too long" },
	{ "brand A\n\tdomain a.fr\nbrand B\n\tdomain b.fr\n\tname a\n",
	  "t.conf:5: name 'a' is already a name of brand 'A'" },
	{ "word foo-bar\n", "t.conf:1: word 'foo-bar': one word of letters or digits expected" },
	{ "brand A\xff\n", "t.conf:1: invalid UTF-8" },
	{ "brand A\n\tsigner a..b\n", "t.conf:2: signer 'a..b': empty label" },
	{ "allow co.uk\n", "t.conf:1: allow 'co.uk' is a public suffix" },
};

START_TEST(brands_errors_name_file_and_line)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		char err[256] = "";
		struct brands *b = parse(errors[i].text, err, sizeof(err));

		ck_assert_msg(b == NULL, "case %zu parsed", i);
		ck_assert_str_eq(err, errors[i].error);
	}
}
END_TEST

/* every bad line is reported, as vigie.conf's are, not only the first */
START_TEST(brands_errors_are_all_listed)
{
	char err[512] = "", small[40] = "";
	static const char text[] = "brand A\n\tdomian a.fr\n\tdomain a.fr\nfrob x\nword a-b\n";

	ck_assert_ptr_null(parse(text, err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: unknown keyword 'domian'\n"
			 "t.conf:4: unknown keyword 'frob'\n"
			 "t.conf:5: word 'a-b': one word of letters or digits expected");
	/* a short buffer keeps the first lines whole enough, never overruns */
	ck_assert_ptr_null(parse(text, small, sizeof(small)));
	ck_assert_uint_lt(strlen(small), sizeof(small));
	ck_assert(strncmp(small, "t.conf:2: unknown keyword", 25) == 0);
}
END_TEST

START_TEST(brands_refuse_nul_and_long_lines)
{
	char err[256], *big;
	static const char nul[] = "brand A\n\tdomain a.fr\0\n";

	ck_assert_ptr_null(brands_parse(nul, sizeof(nul) - 1, "t.conf", sk, psl, err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: NUL byte");
	big = malloc(BRANDS_LINE_MAX + 100);
	memset(big, 'x', BRANDS_LINE_MAX + 99);
	memcpy(big, "brand ", 6);
	big[BRANDS_LINE_MAX + 99] = '\0';
	ck_assert_ptr_null(parse(big, err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:1: line longer than 4096 bytes");
	free(big);
}
END_TEST

START_TEST(brands_load_reports_the_file)
{
	char err[512], path[] = "/tmp/vigie-brands-XXXXXX";
	int fd = mkstemp(path);
	struct brands *b;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "brand A\n\tdomian a.fr\n", 21), 21);
	close(fd);
	ck_assert_ptr_null(brands_load(path, sk, psl, err, sizeof(err)));
	ck_assert(strstr(err, ":2: unknown keyword 'domian'") != NULL);
	ck_assert(strncmp(err, path, strlen(path)) == 0);
	unlink(path);
	ck_assert_ptr_null(brands_load(path, sk, psl, err, sizeof(err)));
	ck_assert(strstr(err, "No such file") != NULL);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_eq(write(fd, "brand A\ndomain a.fr\n", 20), 20);
	close(fd);
	b = brands_load(path, sk, psl, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_str_eq(brands_origin(b), path);
	brands_free(b);
	unlink(path);
}
END_TEST

START_TEST(brands_builtin_pack_holds_the_platforms)
{
	static const char *const names[] = {
		"Viamedis", "Almerys", "Actil", "SP Sant\xc3\xa9", "iSant\xc3\xa9",
		"Sant\xc3\xa9" "clair", "Itelis", "Kalixia", "Carte Blanche Partenaires",
		"S\xc3\xa9v\xc3\xa9" "ane", "Oxantis", "Harmonie Mutuelle", "Optistya",
		"Assurance Maladie", "Mon espace sant\xc3\xa9", "Pro Sant\xc3\xa9 Connect",
		"MSSant\xc3\xa9",
	};

	ck_assert_uint_eq(brands_count(builtin), sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_str_eq(brand_name(brands_at(builtin, i)), names[i]);
	ck_assert_str_eq(brands_origin(builtin), "built-in brands.conf");
}
END_TEST

START_TEST(brands_owner_covers_subdomains_only)
{
	const struct brand *am = brands_owner(builtin, "ameli.fr");

	ck_assert_ptr_nonnull(am);
	ck_assert_str_eq(brand_name(am), "Assurance Maladie");
	ck_assert_ptr_eq(brands_owner(builtin, "info.ameli.fr"), am);
	ck_assert_ptr_eq(brands_owner(builtin, "a.b.c.ameli.fr"), am);
	ck_assert_ptr_null(brands_owner(builtin, "xameli.fr"));
	ck_assert_ptr_null(brands_owner(builtin, "ameli.fr.evil.com"));
	ck_assert_ptr_null(brands_owner(builtin, "fr"));
	ck_assert_ptr_null(brands_owner(builtin, ""));
	ck_assert_str_eq(brand_name(brands_owner(builtin, "be-almerys.com")), "Almerys");
}
END_TEST

START_TEST(brands_authorised_signers)
{
	char err[256];
	struct brands *b = parse("brand A\n\tdomain a.fr\n\tsigner esp.example.com\n", err, sizeof(err));
	const struct brand *a = brands_at(b, 0);

	ck_assert(brand_authorised_signer(a, "a.fr"));
	ck_assert(brand_authorised_signer(a, "mail.a.fr"));
	ck_assert(brand_authorised_signer(a, "esp.example.com"));
	ck_assert(!brand_authorised_signer(a, "x.esp.example.com"));
	ck_assert(!brand_authorised_signer(a, "example.com"));
	ck_assert(!brand_authorised_signer(a, "xa.fr"));
	ck_assert(!brand_authorised_signer(a, "a.fr.evil.com"));
	ck_assert(!brand_authorised_signer(NULL, "a.fr"));
	ck_assert(brand_owns(a, "x.a.fr"));
	ck_assert(!brand_owns(a, "esp.example.com"));
	brands_free(b);
}
END_TEST

START_TEST(brands_allow_list)
{
	char err[256];
	struct brands *b = parse("allow partner.example\nbrand A\n\tdomain a.fr\n", err, sizeof(err));

	ck_assert(brands_allowed(b, "partner.example"));
	ck_assert(brands_allowed(b, "a.partner.example"));
	ck_assert(!brands_allowed(b, "xpartner.example"));
	brands_free(b);
}
END_TEST

static const struct {
	const char *text;
	const char *brand;	/* NULL: no claim */
} claims[] = {
	{ "Viamedis", "Viamedis" },
	{ "Viamedis Tiers Payant", "Viamedis" },
	{ "Service clients Ameli", "Assurance Maladie" },
	{ "V\xd1\x96" "amedis", "Viamedis" },
	{ "Via\xe2\x80\x8bmedis", "Viamedis" },
	{ "VIAM\xc3\x89" "DIS", "Viamedis" },
	{ "V i a m e d i s", "Viamedis" },
	{ "Sant\xc3\xa9 Clair", "Sant\xc3\xa9" "clair" },
	{ "Sant\xc3\xa9" "Clair Service", "Sant\xc3\xa9" "clair" },
	{ "Carte Blanche Partenaires", "Carte Blanche Partenaires" },
	{ "Harmonie Mutuelle", "Harmonie Mutuelle" },
	{ "Votre espace Ameli.fr", "Assurance Maladie" },
	{ "Alm\xc3\xa9rys", "Almerys" },
	{ "La CPAM vous informe", "Assurance Maladie" },
	{ "Connexion e-CPS", "Pro Sant\xc3\xa9 Connect" },
	{ "am\xc3\xa9liorer", NULL },
	{ "Am\xc3\xa9lioration de vos remboursements", NULL },
	{ "Carte Blanche", NULL },
	{ "Harmonie", NULL },
	{ "Am\xc3\xa9lie", NULL },
	{ "Viamedisation", NULL },
	{ "Bonjour", NULL },
	{ "", NULL },
};

START_TEST(brands_name_claims)
{
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		const char *form = NULL;
		const struct brand *b = brands_name_claim_form(builtin, claims[i].text,
							       strlen(claims[i].text), &form);

		if (claims[i].brand == NULL) {
			ck_assert_msg(b == NULL, "'%s' claims %s", claims[i].text, brand_name(b));
		} else {
			ck_assert_msg(b != NULL, "'%s' claims nothing", claims[i].text);
			ck_assert_str_eq(brand_name(b), claims[i].brand);
			ck_assert_ptr_nonnull(form);
		}
		ck_assert_ptr_eq(brands_name_claim(builtin, claims[i].text, strlen(claims[i].text)), b);
	}
}
END_TEST

START_TEST(brands_name_claim_in_long_text_is_bounded)
{
	size_t n = 3 * BRANDS_CLAIM_MAX;
	char *text = malloc(n + 20);

	for (size_t i = 0; i < n; i++)
		text[i] = i % 7 == 6 ? ' ' : 'a';
	memcpy(text + n, " Viamedis", 10);
	/* past the bytes examined: not seen, and no slower than the cap */
	ck_assert_ptr_null(brands_name_claim(builtin, text, n + 9));
	memcpy(text + 100, " Viamedis ", 10);
	ck_assert_ptr_nonnull(brands_name_claim(builtin, text, n + 9));
	free(text);
}
END_TEST

static const struct {
	const char *text;
	const char *brand;	/* NULL: no claim */
	enum brands_glue glue;
	bool disguised;
	const char *why;
} glued[] = {
	{ "ViamedisPro", "Viamedis", BRANDS_GLUE_SPLIT, false, "a capital starts the next word" },
	{ "Viamedis2024", "Viamedis", BRANDS_GLUE_SPLIT, false, "digits after the name" },
	{ "ServiceItelis", "Itelis", BRANDS_GLUE_SPLIT, false, "a capital starts the name" },
	{ "KALIXIAPaiements", "Kalixia", BRANDS_GLUE_SPLIT, false, "a capital run, then a word" },
	{ "MSSANTEService", "MSSant\xc3\xa9", BRANDS_GLUE_SPLIT, false, "the last capital of a run starts the next word" },
	{ "iSantePro", "iSant\xc3\xa9", BRANDS_GLUE_SPLIT, false, "the name's own change of case" },
	{ "TP24iSante", "iSant\xc3\xa9", BRANDS_GLUE_SPLIT, false, "letters, digits, the name" },
	{ "tp1mssante", "MSSant\xc3\xa9", BRANDS_GLUE_SPLIT, false, "a local part with a digit" },
	{ "kalixia2024", "Kalixia", BRANDS_GLUE_SPLIT, false, "a local part with a year" },
	{ "serviceviamedis", "Viamedis", BRANDS_GLUE_WORD, false, "a service word before" },
	{ "viamedispro", "Viamedis", BRANDS_GLUE_WORD, false, "a service word after" },
	{ "monameli", "Assurance Maladie", BRANDS_GLUE_WORD, false, "a short name after a service word" },
	{ "harmoniemutuelle.paiements", "Harmonie Mutuelle", BRANDS_GLUE_NONE, false, "a dot separates" },
	{ "prosanteconnect_remboursements", "Pro Sant\xc3\xa9 Connect", BRANDS_GLUE_NONE, false, "an underscore separates" },
	{ "isante-notification", "iSant\xc3\xa9", BRANDS_GLUE_NONE, false, "a hyphen separates" },
	{ "\xef\xbc\xb6\xef\xbd\x89\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x85\xef\xbd\x84\xef\xbd\x89\xef\xbd\x93", "Viamedis", BRANDS_GLUE_NONE, true, "full-width letters" },
	{ "\xe1\xb4\x80\xe1\xb4\x84\xe1\xb4\x9b\xc9\xaa\xca\x9f", "Actil", BRANDS_GLUE_NONE, true, "small capitals" },
	{ "\xe2\x92\xbe\xe2\x93\x88\xe2\x92\xb6\xe2\x93\x83\xe2\x93\x89\xe2\x92\xba", "iSant\xc3\xa9", BRANDS_GLUE_NONE, true, "circled letters" },
	{ "\xf0\x9d\x90\x88\xf0\x9d\x90\xad\xf0\x9d\x90\x9e\xf0\x9d\x90\xa5\xf0\x9d\x90\xa2\xf0\x9d\x90\xac", "Itelis", BRANDS_GLUE_NONE, true, "mathematical bold" },
	{ "C\xce\xb1rte \xce\x92lanche Partenaires", "Carte Blanche Partenaires", BRANDS_GLUE_NONE, true, "Greek alpha and capital beta" },
	{ "S\xc2\xad" "ev\xc2\xad" "eane", "S\xc3\xa9v\xc3\xa9" "ane", BRANDS_GLUE_NONE, true, "soft hyphens" },
	{ "Via\xe2\x80\x8bmedisPro", "Viamedis", BRANDS_GLUE_SPLIT, true, "hidden and glued" },
	{ "Am\xc3\xa9lie Picard", NULL, BRANDS_GLUE_NONE, false, "a first name" },
	{ "Am\xc3\xa9lie", NULL, BRANDS_GLUE_NONE, false, "a first name" },
	{ "am\xc3\xa9liorer", NULL, BRANDS_GLUE_NONE, false, "a verb" },
	{ "Cam\xc3\xa9lia", NULL, BRANDS_GLUE_NONE, false, "a flower and a name" },
	{ "Amiel", NULL, BRANDS_GLUE_NONE, false, "a surname" },
	{ "Agence ViaMedia", NULL, BRANDS_GLUE_NONE, false, "a company" },
	{ "Kalixa", NULL, BRANDS_GLUE_NONE, false, "a company" },
	{ "Amelis", NULL, BRANDS_GLUE_NONE, false, "a company" },
	{ "Viamedisation", NULL, BRANDS_GLUE_NONE, false, "a brand's letters in a longer word" },
	{ "lameli", NULL, BRANDS_GLUE_NONE, false, "no service word before" },
	{ "amelin", NULL, BRANDS_GLUE_NONE, false, "a surname" },
	{ "McDonald", NULL, BRANDS_GLUE_NONE, false, "a change of case, no name" },
	{ "Harmonie2024", NULL, BRANDS_GLUE_NONE, false, "part of a name only" },
};

START_TEST(brands_claim_reads_glued_and_styled_names)
{
	for (size_t i = 0; i < sizeof(glued) / sizeof(glued[0]); i++) {
		struct brands_claim c, whole;
		bool found = brands_claim_read(builtin, glued[i].text, strlen(glued[i].text), true, &c);
		bool found_whole = brands_claim_read(builtin, glued[i].text, strlen(glued[i].text), false,
						     &whole);

		if (glued[i].brand == NULL) {
			ck_assert_msg(!found && c.brand == NULL, "'%s' (%s) claims %s", glued[i].text,
				      glued[i].why, brand_name(c.brand));
			ck_assert(!found_whole);
			continue;
		}
		ck_assert_msg(found, "'%s' (%s) claims nothing", glued[i].text, glued[i].why);
		ck_assert_str_eq(brand_name(c.brand), glued[i].brand);
		ck_assert_msg(c.glue == glued[i].glue, "'%s' (%s): glue %d", glued[i].text, glued[i].why,
			      c.glue);
		ck_assert_msg(c.disguised == glued[i].disguised, "'%s' (%s): disguised %d",
			      glued[i].text, glued[i].why, c.disguised);
		ck_assert_ptr_nonnull(c.form);
		/* whole words only: the same unless the name is glued */
		ck_assert(found_whole == (glued[i].glue == BRANDS_GLUE_NONE));
	}
}
END_TEST

START_TEST(brands_claim_of_a_long_glued_word_is_bounded)
{
	char word[600];
	struct brands_claim c;

	/* service words then the name, past what is searched: not seen */
	for (size_t i = 0; i + 7 < sizeof(word); i += 7)
		memcpy(word + i, "service", 7);
	memcpy(word + 588, "viamedis", 8);
	ck_assert(!brands_claim_read(builtin, word, 596, true, &c));
	ck_assert(brands_claim_read(builtin, word + 560, 36, true, &c));
	ck_assert_int_eq(c.glue, BRANDS_GLUE_WORD);
}
END_TEST

/* brands_suite - the cases of this file */
static Suite *brands_suite(void)
{
	Suite *s = suite_create("brands");
	TCase *tc = tcase_create("brands");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, brands_parse_a_pack);
	tcase_add_test(tc, brands_errors_name_file_and_line);
	tcase_add_test(tc, brands_refuse_nul_and_long_lines);
	tcase_add_test(tc, brands_load_reports_the_file);
	tcase_add_test(tc, brands_builtin_pack_holds_the_platforms);
	tcase_add_test(tc, brands_errors_are_all_listed);
	tcase_add_test(tc, brands_owner_covers_subdomains_only);
	tcase_add_test(tc, brands_authorised_signers);
	tcase_add_test(tc, brands_allow_list);
	tcase_add_test(tc, brands_name_claims);
	tcase_add_test(tc, brands_name_claim_in_long_text_is_bounded);
	tcase_add_test(tc, brands_claim_reads_glued_and_styled_names);
	tcase_add_test(tc, brands_claim_of_a_long_glued_word_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(brands_suite());
}
