/*
 * test_context - lookalikes judged in context (message_context.c): weak
 * lookalikes weigh only when the message backs them, names only quoted in
 * text wait for a claim, a sender's own site counts once; and the links the
 * redirectors carry and the padding hides (message_links.c, links.c), as
 * whole messages through the analysis.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"
#include "vbuf.h"
#include "verdict.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct message_opts never = { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_NEVER, "mx.test" };

/* analyse - a raw message, whole, without DKIM */
static struct message *analyse(const char *raw, size_t len)
{
	return fixture_analyse(raw, len, 0, &never, NULL, NULL);
}

#define TO "To: opticien@optique-martin.fr\n"

static const struct {
	const char *what;
	const char *raw;
	const char *codes;
	enum verdict_kind kind;
} cases[] = {
	/* weak lookalikes alone: listed, no weight */
	{ "a person's own domain, linking her site",
	  "From: =?utf-8?Q?Am=C3=A9lie?= <amelie@amelie.fr>\n" TO "Subject: Merci\n\n"
	  "Toutes mes informations sont sur https://www.amelie.fr\n",
	  "typo@from:0", VERDICT_CLEAN },
	{ "a freelance's invoice with her RIB",
	  "From: =?utf-8?Q?Am=C3=A9lie_Picard?= <contact@amelie-picard.fr>\n" TO
	  "Subject: Facture 2024-012\n\nVeuillez trouver la facture. Mon RIB est en bas de la facture.\n",
	  "combosquat@from:0", VERDICT_CLEAN },
	{ "a firm one letter from a long brand name",
	  "From: Kalixa Payments <support@kalixa.com>\n" TO "Subject: Nouveau RIB\n\n"
	  "Suite a notre changement de banque, voici notre nouveau RIB.\nhttps://www.kalixa.com\n",
	  "typo@from:0", VERDICT_CLEAN },
	{ "two edits on a short name's letters: nothing",
	  "From: Cabinet Amiel <cabinet@kinesitherapie-amiel.fr>\n" TO "Subject: RDV\n\nA demain.\n",
	  "", VERDICT_CLEAN },
	/* weak lookalikes backed */
	{ "a weak From backed by a display name",
	  "From: Assurance Maladie <contact@amelie.fr>\n" TO "Subject: Votre dossier\n\nBonjour.\n",
	  "display-name@from:1,typo@from:1", VERDICT_IMPERSONATION },
	{ "a weak From backed by the Subject",
	  "From: Service <contact@viamdis.fr>\n" TO "Subject: Viamedis : votre convention\n\nBonjour.\n",
	  "typo@from:1", VERDICT_SUSPECT },
	{ "a weak From backed by a request",
	  "From: Service <contact@viamdis.fr>\n" TO "Subject: Urgent\n\n"
	  "Mettez a jour votre RIB sous 48 heures.\n",
	  "typo@from:1,lure@body:1", VERDICT_IMPERSONATION },
	{ "a weak link backed by its text",
	  "From: Service <contact@portail.example>\n" TO "Subject: Connexion\n"
	  "Content-Type: text/html\n\n<a href=\"https://kalixa.com/login\">www.kalixia.fr</a>\n",
	  "link-mismatch@link:1,link-lookalike@link:1", VERDICT_IMPERSONATION },
	/* names quoted in text wait for a claim */
	{ "a colleague quoting a lookalike in a warning",
	  "From: Claire <claire@optique-martin.fr>\n" TO "Subject: Attention arnaque\n\n"
	  "J'ai recu un mail de viamedis-securite.fr qui demande de mettre a jour votre RIB "
	  "sous 48 heures. Ne cliquez pas.\n",
	  "link-lookalike@link:0", VERDICT_CLEAN },
	{ "the same lookalike as a link",
	  "From: Service <contact@portail.example>\n" TO "Subject: Votre espace\n\n"
	  "Votre espace : https://viamedis-securite.fr/connexion\n",
	  "link-lookalike@link:1", VERDICT_SUSPECT },
	{ "a quoted lookalike backed by a display name",
	  "From: Viamedis <contact@portail.example>\n" TO "Subject: Votre espace\n\n"
	  "Rendez-vous sur viamedis-securite.fr\n",
	  "display-name@from:1,link-lookalike@link:1", VERDICT_IMPERSONATION },
	{ "named, then linked: a link",
	  "From: Service <contact@portail.example>\n" TO "Subject: Votre espace\n\n"
	  "viamedis-securite.fr : https://viamedis-securite.fr/connexion\n",
	  "link-lookalike@link:1", VERDICT_SUSPECT },
	/* a sender's own site counts once */
	{ "a lookalike sender linking its own site",
	  "From: Service <contact@viamedis-securite.fr>\n" TO "Subject: Votre espace\n\n"
	  "https://www.viamedis-securite.fr/connexion\n",
	  "combosquat@from:1", VERDICT_IMPERSONATION },
	/* redirectors and padding */
	{ "a lookalike behind google.com/url?q=",
	  "From: Service <contact@portail.example>\n" TO "Subject: Votre espace\n\n"
	  "https://www.google.com/url?q=https%3A%2F%2Fitelis-paiement.com%2Flogin&sa=D\n",
	  "link-lookalike@link:1", VERDICT_SUSPECT },
	{ "the brand's site behind its ESP's tracker, text showing the brand",
	  "From: Service <contact@portail.example>\n" TO "Subject: Infos\nContent-Type: text/html\n\n"
	  "<a href=\"https://click.esp.example/c?u=https%3A%2F%2Fwww.viamedis.net%2F\">www.viamedis.net</a>\n",
	  "", VERDICT_CLEAN },
	{ "a tracker leading elsewhere than the brand its text shows",
	  "From: Service <contact@portail.example>\n" TO "Subject: Infos\nContent-Type: text/html\n\n"
	  "<a href=\"https://click.esp.example/c?u=https%3A%2F%2Fportail.example%2F\">www.viamedis.net</a>\n",
	  "link-mismatch@link:1", VERDICT_SUSPECT },
};

START_TEST(context_rules)
{
	struct message *m = analyse(cases[_i].raw, strlen(cases[_i].raw));
	const struct verdict *v = message_verdict(m);
	char got[1024];

	fixture_codes(v, got, sizeof(got), true);
	ck_assert_msg(strcmp(got, cases[_i].codes) == 0 && v->kind == cases[_i].kind,
		      "%s: got '%s' %s (score %d), want '%s' %s", cases[_i].what, got,
		      verdict_kind_name(v->kind), v->score, cases[_i].codes,
		      verdict_kind_name(cases[_i].kind));
	message_free(m);
}
END_TEST

/* a link after 300 KB of HTML comment (past MaxBodyScan) is judged; the caps say so */
START_TEST(padding_hides_no_link)
{
	struct vbuf raw = VBUF_INIT(1 << 20), caps = VBUF_INIT(4096);
	struct message *m;

	vbuf_adds(&raw, "From: Service <contact@portail.example>\n" TO "Subject: Espace\n"
		  "Content-Type: text/html\n\n<html><!--\n");
	for (int i = 0; i < 300 * 1024 / 64; i++)
		vbuf_printf(&raw, "commentaire de mise en page %05d ..........................\n", i);
	vbuf_adds(&raw, "-->\n<a href=\"https://www.google.com/url?q=https://kalixia-securite.com/x\">"
		  "ici</a></html>\n");
	m = analyse(raw.data, raw.len);
	ck_assert(reason_has(&message_verdict(m)->reasons, REASON_LINK_LOOKALIKE));
	ck_assert_int_eq(message_verdict(m)->kind, VERDICT_SUSPECT);
	message_caps_text(m, &caps);
	ck_assert_msg(strstr(vbuf_str(&caps), "read for links only") != NULL, "%s", vbuf_str(&caps));
	message_free(m);
	vbuf_free(&raw);
	vbuf_free(&caps);
}
END_TEST

/* context_suite - the cases of this file */
static Suite *context_suite(void)
{
	Suite *s = suite_create("context");
	TCase *tc = tcase_create("context");

	tcase_add_unchecked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_loop_test(tc, context_rules, 0, NELEM(cases));
	tcase_add_test(tc, padding_hides_no_link);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(context_suite());
}
