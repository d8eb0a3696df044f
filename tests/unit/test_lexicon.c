/*
 * test_lexicon - brand names and lure phrases in free text: what each text
 * gives (phrase, kind, disguised, negated), whatever the cuts; requests
 * told from threats; negations that deny the request after them, and only
 * that one, in the same sentence.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "lexicon.h"
#include "tap.h"
#include "vbuf.h"


/* hit - record "KIND:phrase[flags];" */
static void hit(void *ctx, const struct lexicon_entry *e, unsigned flags)
{
	static const char *const kind[] = { "B", "T", "A", "X", "N" };

	vbuf_printf(ctx, "%s:%s%s%s;", kind[e->kind], e->text,
		    flags & LEXICON_HIT_DISGUISED ? "+d" : "", flags & LEXICON_HIT_NEGATED ? "+n" : "");
}

/* scan - the hits of text, fed in pieces of `cut` bytes (0: whole) */
static void scan(const char *text, size_t cut, struct vbuf *out)
{
	struct lexicon_scan s;
	size_t n = strlen(text);

	vbuf_reset(out);
	lexicon_scan_init(&s, detector_lexicon(det), hit, out);
	for (size_t i = 0; i < n; i += cut ? cut : n)
		lexicon_scan_text(&s, text + i, cut && n - i > cut ? cut : n - i);
	lexicon_scan_break(&s);
}

static const struct {
	const char *text;
	const char *hits;
	const char *why;
} cases[] = {
	{ "Viamedis vous demande de transmettre votre RIB.",
	  "B:Viamedis;A:transmettre votre RIB;T:RIB;", "a brand, a request and the data it names" },
	{ "Sans mise \xc3\xa0 jour sous 48 heures, compte suspendu.",
	  "X:sans mise \xc3\xa0 jour;X:sous 48 heures;X:compte suspendu;", "threats, no request" },
	{ "Viamedis ne vous demandera jamais de mettre \xc3\xa0 jour vos coordonn\xc3\xa9" "es.",
	  "B:Viamedis;N:jamais;A:mettre \xc3\xa0 jour vos coordonn\xc3\xa9" "es+n;",
	  "a request denied by the words before it" },
	{ "Nous ne vous demandons pas de confirmer votre IBAN par mail.",
	  "N:ne vous demandons pas;A:confirmer votre IBAN+n;T:IBAN;", "denied with 'pas'" },
	{ "Jamais. Confirmez votre IBAN.", "N:jamais;A:confirmez votre IBAN;T:IBAN;",
	  "a sentence ends the negation" },
	{ "Jamais de la vie, on ne sait pas, confirmez votre IBAN",
	  "N:jamais;A:confirmez votre IBAN;T:IBAN;", "too far from the negation" },
	{ "N'oubliez pas de mettre \xc3\xa0 jour votre RIB",
	  "A:mettre \xc3\xa0 jour votre RIB;T:RIB;", "'pas' alone denies nothing" },
	{ "R\xc3\xa9gularisation de vos impay\xc3\xa9s", "T:r\xc3\xa9gularisation;T:impay\xc3\xa9s;",
	  "payment-pressure words" },
	{ "\xe2\x93\x82\xe2\x92\xb6\xe2\x92\xbe\xe2\x93\x81\xe2\x92\xbe\xe2\x93\x8f : confirmez votre IBAN",
	  "B:Mailiz+d;A:confirmez votre IBAN;T:IBAN;", "circled letters" },
	{ "\xea\x9c\xb1\xe1\xb4\x80\xc9\xb4\xe1\xb4\x9b\xe1\xb4\x87\xe1\xb4\x84\xca\x9f\xe1\xb4\x80\xc9\xaa\xca\x80",
	  "B:Sant\xc3\xa9" "clair+d;", "small capitals" },
	{ "Votre Carte Vitale", "B:Carte Vitale;", "a product names its brand" },
	{ "am\xc3\xa9liorer Am\xc3\xa9lie Cam\xc3\xa9lia Amiel", "", "names and words, no brand" },
};

START_TEST(lexicon_reads_each_text)
{
	struct vbuf out = VBUF_INIT(4096);

	for (size_t cut = 0; cut <= 7; cut += 7) {
		scan(cases[_i].text, cut, &out);
		ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].hits) == 0, "%s (cut %zu): got '%s', want '%s'",
			      cases[_i].why, cut, vbuf_str(&out), cases[_i].hits);
	}
	vbuf_free(&out);
}
END_TEST

/* a break (another part, another field) ends a negation too */
START_TEST(lexicon_break_ends_a_negation)
{
	struct vbuf out = VBUF_INIT(4096);
	struct lexicon_scan s;

	lexicon_scan_init(&s, detector_lexicon(det), hit, &out);
	lexicon_scan_text(&s, "jamais", 6);
	lexicon_scan_break(&s);
	lexicon_scan_text(&s, "confirmez votre IBAN", 20);
	lexicon_scan_break(&s);
	ck_assert_str_eq(vbuf_str(&out), "N:jamais;A:confirmez votre IBAN;T:IBAN;");
	vbuf_free(&out);
}
END_TEST

/* lexicon_suite - the cases of this file */
static Suite *lexicon_suite(void)
{
	Suite *s = suite_create("lexicon");
	TCase *tc = tcase_create("lexicon");

	tcase_add_unchecked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_loop_test(tc, lexicon_reads_each_text, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, lexicon_break_ends_a_negation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(lexicon_suite());
}
