/*
 * test_message - the message analysis through message.h, as the milter
 * calls it: the identity rules (From, display name, Reply-To, Sender, lists)
 * as a table of messages and the codes they must give; DKIM states (pass,
 * unsigned, temperror, trusted relays, unaligned signatures set aside);
 * the caps and what they report; the same verdict whatever the chunking.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brands.h"
#include "fixture.h"
#include "links.h"
#include "message_int.h"
#include "tap.h"
#include "verdict.h"

static const struct message_opts always = { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_ALWAYS, "mx.test" };

/* analyse - whole, DKIM on every message */
static struct message *analyse(const char *raw)
{
	return fixture_analyse(raw, strlen(raw), 0, &always, NULL, NULL);
}

/* read_file - a corpus file into memory */
static char *read_file(const char *name, size_t *len)
{
	char path[4400];
	FILE *fp;
	char *buf = malloc(1 << 20);

	snprintf(path, sizeof(path), "%s/%s", corpus, name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s", path);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	buf[*len] = '\0';
	return buf;
}

#define BODY "\nBonjour,\n\nVoici le document.\n"

/* The identity rules: header fields (the body is BODY) and the codes, in order. */
static const struct {
	const char *what;
	const char *header;
	const char *codes;
	enum verdict_kind kind;
} identity[] = {
	{ "a colleague's plain mail", "From: Claire <claire@optique-martin.fr>\nSubject: Planning\n",
	  "", VERDICT_CLEAN },
	{ "brand display name from free mail", "From: Viamedis <x@gmail.com>\nSubject: Document\n",
	  "display-name@from", VERDICT_SUSPECT },
	{ "display name with a Latin-1 accent and spacing", "From: \"VIA-MÉDIS\" <x@gmail.com>\n",
	  "display-name@from", VERDICT_SUSPECT },
	{ "display name in Q encoding with a zero-width space",
	  "From: =?utf-8?Q?Via=E2=80=8Bmedis?= <x@gmail.com>\n", "display-name@from",
	  VERDICT_IMPERSONATION },
	{ "display name with a Cyrillic i", "From: =?utf-8?B?VtGWYW1lZGlz?= <x@gmail.com>\n",
	  "display-name@from", VERDICT_IMPERSONATION },
	{ "a brand word inside a longer name is no claim",
	  "From: Viamedisation Conseil <x@gmail.com>\n", "", VERDICT_CLEAN },
	{ "'Carte Blanche' alone is an ordinary phrase", "From: Carte Blanche <x@gmail.com>\n", "",
	  VERDICT_CLEAN },
	{ "address of the brand inside the display name",
	  "From: \"noreply@viamedis.fr\" <x@evil.example>\n",
	  "display-name@from,display-address@from", VERDICT_IMPERSONATION },
	{ "display address of the same domain is no finding",
	  "From: \"contact@optique-martin.fr\" <claire@optique-martin.fr>\n", "", VERDICT_CLEAN },
	{ "display address of another, unrelated domain is reported, weakly",
	  "From: \"claire@gmail.com\" <claire@optique-martin.fr>\n", "display-address@from",
	  VERDICT_CLEAN },
	{ "display address of a look-alike domain",
	  "From: \"contact@viamedis-securite.fr\" <x@evil.example>\n",
	  "display-name@from,combosquat@from,display-address@from", VERDICT_IMPERSONATION },
	{ "brand domain without a signature",
	  "From: Viamedis <noreply@viamedis.fr>\n", "brand-unauthenticated@from",
	  VERDICT_IMPERSONATION },
	{ "Reply-To outside the brand a display name claims",
	  "From: Viamedis <x@mailer.example>\nReply-To: y@gmail.com\n",
	  "display-name@from,reply-to@reply-to", VERDICT_IMPERSONATION },
	{ "Reply-To to a look-alike", "From: Claire <claire@optique-martin.fr>\n"
	  "Reply-To: <a@vіamedis.fr>\n", "homoglyph@reply-to,mixed-script@reply-to",
	  VERDICT_IMPERSONATION },
	{ "Reply-To elsewhere without a brand claim is nothing",
	  "From: Claire <claire@optique-martin.fr>\nReply-To: claire.durand@gmail.com\n", "",
	  VERDICT_CLEAN },
	{ "Reply-To to the brand's own domain is fine",
	  "From: Viamedis <x@mailer.example>\nReply-To: contact@viamedis.net\n",
	  "display-name@from", VERDICT_SUSPECT },
	{ "Subject naming a brand, Reply-To elsewhere: reported, weakly",
	  "From: Service <x@mailer.example>\nSubject: Viamedis : votre convention\n"
	  "Reply-To: y@gmail.com\n", "reply-to@reply-to", VERDICT_CLEAN },
	{ "Sender look-alike", "From: Claire <claire@optique-martin.fr>\nSender: s@viarnedis.fr\n",
	  "homoglyph@sender", VERDICT_IMPERSONATION },
	{ "Return-Path look-alike", "Return-Path: <b@viarnedis.fr>\nFrom: C <c@optique-martin.fr>\n",
	  "homoglyph@envelope", VERDICT_IMPERSONATION },
	{ "a weak Return-Path look-alike alone is listed, weighs nothing",
	  "Return-Path: <b@viamdis.fr>\nFrom: C <c@optique-martin.fr>\n", "typo@envelope",
	  VERDICT_CLEAN },
	{ "two From fields", "From: a@optique-martin.fr\nFrom: b@optique-martin.fr\n",
	  "multiple-from@from", VERDICT_SUSPECT },
	{ "two addresses in one From", "From: a@optique-martin.fr, b@optique-martin.fr\n",
	  "bad-from@from", VERDICT_SUSPECT },
	{ "From without a domain, no brand in sight", "From: robot\nSubject: report\n",
	  "bad-from@from", VERDICT_CLEAN },
	{ "no From, a Subject naming a brand", "Subject: Viamedis : convention\n",
	  "bad-from@from", VERDICT_SUSPECT },
	{ "From group syntax", "From: Undisclosed:;\n", "bad-from@from", VERDICT_CLEAN },
	{ "Google Groups rewriting a brand's mail",
	  "From: 'Viamedis' via Opticiens <opticiens@googlegroups.com>\n"
	  "List-Id: <opticiens.googlegroups.com>\n", "display-name@from", VERDICT_CLEAN },
	{ "a List-Id of another domain does not excuse a display name",
	  "From: 'Viamedis' via Opticiens <x@evil.example>\nList-Id: <opticiens.googlegroups.com>\n",
	  "display-name@from", VERDICT_SUSPECT },
	{ "a list of the sender's own domain without 'via', ARC or DKIM",
	  "From: Viamedis <x@lists.example.org>\nList-Id: <l.lists.example.org>\n",
	  "display-name@from", VERDICT_SUSPECT },
};

/* identity_rules - each row gives exactly its codes and verdict */
START_TEST(identity_rules)
{
	char raw[4096], got[2048];
	struct message *m;

	snprintf(raw, sizeof(raw), "%s%s", identity[_i].header, BODY);
	m = analyse(raw);
	fixture_codes(message_verdict(m), got, sizeof(got), false);
	ck_assert_msg(strcmp(got, identity[_i].codes) == 0 &&
		      message_verdict(m)->kind == identity[_i].kind,
		      "%s: got '%s' %s (score %d), want '%s' %s", identity[_i].what, got,
		      verdict_kind_name(message_verdict(m)->kind), message_verdict(m)->score,
		      identity[_i].codes, verdict_kind_name(identity[_i].kind));
	message_free(m);
}
END_TEST

/* every_form_claims - each name of every brand of the pack, as a display name:
 * a plain display-name finding (90), never one "in disguise" */
START_TEST(every_form_claims)
{
	const struct brands *b = detector_brands(det);

	for (size_t i = 0; i < brands_count(b); i++) {
		const struct brand *br = brands_at(b, i);

		for (size_t f = 0; f < brand_form_count(br); f++) {
			char raw[1024];
			struct message *m;
			const struct verdict *v;

			snprintf(raw, sizeof(raw), "From: \"%s\" <x@gmail.com>\n\nx\n", brand_form(br, f));
			m = analyse(raw);
			v = message_verdict(m);
			ck_assert_msg(v->reasons.count == 1 && v->reasons.item[0].code == REASON_DISPLAY_NAME &&
				      v->reasons.item[0].strength == 90 && v->brand == br,
				      "display name '%s' of %s", brand_form(br, f), brand_name(br));
			message_free(m);
		}
	}
}
END_TEST

/*
 * The claim surfaces (message_claims.c): every place a reader sees a name,
 * each read with the same folding, and the names that claim nothing.
 */
static const struct {
	const char *what;
	const char *raw;
	const char *codes;
	enum verdict_kind kind;
} surfaces[] = {
	{ "a group's name in From", "From: Itelis: noreply@x.example;\n\nBonjour\n",
	  "display-name@from,bad-from@from", VERDICT_IMPERSONATION },
	{ "an empty group's name in From", "From: =?utf-8?Q?=EF=BC=B6iamedis?=:;\n\nBonjour\n",
	  "display-name@from,bad-from@from", VERDICT_IMPERSONATION },
	{ "a comment beside a display name", "From: Service <x@evil.example> (Viamedis)\n\nBonjour\n",
	  "display-name@from", VERDICT_SUSPECT },
	{ "a comment in small capitals",
	  "From: Service <x@evil.example> (=?utf-8?Q?=E1=B4=80=E1=B4=84=E1=B4=9B=C9=AA=CA=9F?=)\n\nBonjour\n",
	  "display-name@from", VERDICT_IMPERSONATION },
	{ "Sender's display name", "From: Claire <claire@optique-martin.fr>\n"
	  "Sender: Viamedis <bounce@outlook.example>\n\nBonjour\n", "display-name@sender",
	  VERDICT_SUSPECT },
	{ "a brand's domain in Sender, unsigned", "From: Service <x@evil.example>\n"
	  "Sender: noreply@viamedis.fr\n\nBonjour\n", "brand-unauthenticated@sender",
	  VERDICT_IMPERSONATION },
	{ "Sender's name on the brand's own domain is left to its authentication",
	  "From: Service <x@evil.example>\nSender: Viamedis <noreply@viamedis.fr>\n\nBonjour\n",
	  "brand-unauthenticated@sender", VERDICT_IMPERSONATION },
	{ "the brand as From's local part", "From: viamedis@gestion-tp.example\n\nBonjour\n",
	  "address-claim@from", VERDICT_SUSPECT },
	{ "the brand in angle brackets, digits glued", "From: <kalixia2024@gestion-tp.example>\n\nBonjour\n",
	  "address-claim@from", VERDICT_SUSPECT },
	{ "the brand after a dot, a neutral display name",
	  "From: Service clients <support.ameli@gmail.example>\n\nBonjour\n", "address-claim@from",
	  VERDICT_SUSPECT },
	{ "a service word glued to the brand", "From: serviceitelis@gestion-tp.example\n\nBonjour\n",
	  "address-claim@from", VERDICT_SUSPECT },
	{ "a quoted local part holding the brand's address",
	  "From: \"noreply@viamedis.fr\"@evil.example\n\nBonjour\n", "address-claim@from",
	  VERDICT_IMPERSONATION },
	{ "the brand's local part in Reply-To", "From: Claire <claire@optique-martin.fr>\n"
	  "Reply-To: viamedis.paiements@gmail.example\n\nBonjour\n", "address-claim@reply-to",
	  VERDICT_SUSPECT },
	{ "the brand's local part in Sender", "From: Claire <claire@optique-martin.fr>\n"
	  "Sender: optistya-notification@evil.example\n\nBonjour\n", "address-claim@sender",
	  VERDICT_SUSPECT },
	{ "the brand's name as a local part of its own domain is its authentication's business",
	  "From: viamedis@viamedis.fr\n\nBonjour\n", "brand-unauthenticated@from",
	  VERDICT_IMPERSONATION },
	{ "a name glued by a change of case", "From: ServiceItelis <x@evil.example>\n\nBonjour\n",
	  "display-name@from", VERDICT_SUSPECT },
	{ "a display name and a local part, both naming the brand, with a lure",
	  "From: Itelis <itelis.support@evil.example>\nSubject: Votre RIB\n\nMerci de "
	  "confirmer votre RIB.\n", "display-name@from,address-claim@from,lure@subject",
	  VERDICT_IMPERSONATION },
	{ "people and firms named like a brand claim nothing",
	  "From: =?utf-8?Q?Am=C3=A9lie_Picard?= <amelie.picard@cabinet-picard.fr>\n"
	  "Reply-To: amiel.kine@cabinet-picard.fr\nSender: \"Agence ViaMedia\" <contact@cabinet-picard.fr>\n"
	  "\nBonjour,\nje vous envoie mon RIB pour la facture.\n", "", VERDICT_CLEAN },
	{ "words holding a brand's letters claim nothing",
	  "From: ameliorer.services@cabinet-picard.fr (Viamedisation)\n\nBonjour\n", "",
	  VERDICT_CLEAN },
	{ "the body names a brand and asks for the RIB", "From: Service <s@evil.example>\n"
	  "Subject: Dossier\n\nItelis vous demande de transmettre votre RIB avant vendredi.\n",
	  "body-claim@body,lure@body", VERDICT_SUSPECT },
	{ "the body names a brand in character references, with a form",
	  "From: Service <s@evil.example>\nContent-Type: text/html\n\n<h1>I&#116;elis</h1>"
	  "<form action=\"https://evil.example/login\"><input type=password></form>\n",
	  "body-claim@body", VERDICT_SUSPECT },
	{ "the body names a brand in an image's alt text, asks for the IBAN",
	  "From: Service <s@evil.example>\nContent-Type: text/html\n\n<img src=x alt=\"Seveane\">"
	  "<p>Confirmez votre IBAN.</p>\n", "body-claim@body,lure@body", VERDICT_SUSPECT },
	{ "a colleague forwarding the brand's notice, its request quoted: reported, weakly",
	  "From: Claire <claire@optique-martin.fr>\nSubject: Fw: Nouveau portail\n\nPour info.\n\n"
	  "De : Itelis <noreply@itelis.fr>\nObjet : Nouveau portail\n\nPensez à mettre à jour vos "
	  "coordonnées bancaires dans votre espace Itelis.\n", "body-claim@body", VERDICT_CLEAN },
	{ "a form under the brand's quoted address still claims it",
	  "From: S <s@evil.example>\nContent-Type: text/html\n\n<p>De : Itelis &lt;noreply@itelis.fr&gt;"
	  "</p><form action=\"https://evil.example/l\"><input type=password></form>\n",
	  "body-claim@body", VERDICT_SUSPECT },
	{ "a request the body denies is none", "From: H <h@syndicat.example>\n\nItelis ne vous "
	  "demandera jamais de transmettre votre RIB par mail.\n", "", VERDICT_CLEAN },
	{ "a deadline is no request", "From: H <h@syndicat.example>\n\nLes paiements Itelis "
	  "arrivent sous 48 heures.\n", "", VERDICT_CLEAN },
	{ "the brand's own domain asking in its name is left to its authentication",
	  "From: Itelis <noreply@itelis.fr>\n\nItelis vous demande de transmettre votre RIB.\n",
	  "brand-unauthenticated@from,lure@body", VERDICT_IMPERSONATION },
	{ "a look-alike quoted as text in a warning is no link",
	  "From: H <h@syndicat.example>\n\nAttention au faux site viamedis-securite.fr : il "
	  "demande le RIB.\n", "link-lookalike@link", VERDICT_CLEAN },
	{ "a look-alike written with a path is a link", "From: S <s@evil.example>\n\n"
	  "Connectez-vous sur viamedis-securite.fr/login pour le RIB.\n",
	  "link-lookalike@link,lure@body", VERDICT_IMPERSONATION },
};

/* claim_surfaces - each row gives exactly its codes and verdict */
START_TEST(claim_surfaces)
{
	char got[2048];
	struct message *m = analyse(surfaces[_i].raw);

	fixture_codes(message_verdict(m), got, sizeof(got), false);
	ck_assert_msg(strcmp(got, surfaces[_i].codes) == 0 &&
		      message_verdict(m)->kind == surfaces[_i].kind,
		      "%s: got '%s' %s (score %d), want '%s' %s", surfaces[_i].what, got,
		      verdict_kind_name(message_verdict(m)->kind), message_verdict(m)->score,
		      surfaces[_i].codes, verdict_kind_name(surfaces[_i].kind));
	message_free(m);
}
END_TEST

/* the claims list: every claim kept once, the first strongest stands, surfaces found */
START_TEST(claims_list_and_find)
{
	const struct brands *bs = detector_brands(det);
	const struct brand *via = brands_at(bs, 0), *alm = brands_at(bs, 1);
	struct message_claim c;
	const struct message_claim_item *it;

	memset(&c, 0, sizeof(c));
	ck_assert_ptr_null(message_claim_add(&c, NULL, SURFACE_DISPLAY, WHERE_FROM, 3, 90, "x", NULL));
	ck_assert_ptr_null(message_claim_add(&c, via, SURFACE_DISPLAY, WHERE_FROM, 3, 90, "x", via));
	message_claim_add(&c, alm, SURFACE_SUBJECT, WHERE_SUBJECT, 2, 100, "Subject", NULL);
	message_claim_add(&c, via, SURFACE_LOCAL, WHERE_FROM, 3, 90, "local part", NULL);
	message_claim_add(&c, alm, SURFACE_DISPLAY, WHERE_FROM, 3, 90, "display name", NULL);
	message_claim_add(&c, via, SURFACE_LOCAL, WHERE_FROM, 3, 90, "local part", NULL);
	message_claim_set(&c, via, "links", 3, NULL);
	ck_assert_uint_eq(c.n, 4);	/* the same claim twice is listed once */
	ck_assert_ptr_eq(c.brand, via);	/* the first of the strongest */
	ck_assert_str_eq(c.by, "local part");
	it = message_claim_find(&c, alm, 2);
	ck_assert(it && it->level == 3 && it->surface == SURFACE_DISPLAY);
	ck_assert_ptr_null(message_claim_find(&c, brands_at(bs, 2), 1));
	it = message_claim_surface(&c, alm, SURFACE_BIT(SURFACE_SUBJECT));
	ck_assert(it && it->level == 2 && it->where == WHERE_SUBJECT);
	ck_assert_ptr_null(message_claim_surface(&c, via, SURFACE_BIT(SURFACE_BODY)));
	it = message_claim_surface(&c, via, SURFACE_HEADER_NAMES);
	ck_assert(it && it->surface == SURFACE_LOCAL && it->strength == 90);
	for (int i = 0; i < 2 * MESSAGE_CLAIMS_MAX; i++)
		message_claim_add(&c, alm, SURFACE_BODY, WHERE_BODY, 1, i, i % 2 ? "a" : "b", NULL);
	ck_assert_uint_le(c.n, MESSAGE_CLAIMS_MAX);
	ck_assert_ptr_eq(c.brand, via);
}
END_TEST

/* The lure rules: who claims the brand decides what the words weigh. */
static const struct {
	const char *what;
	const char *raw;
	bool lure;
	enum verdict_kind kind;
} lures[] = {
	{ "colleague: 'le RIB de Viamedis' from an unrelated domain",
	  "From: Julien <j@pharmacie-dupont.fr>\nSubject: RIB\n\nJ'ai reçu le RIB de Viamedis.\n",
	  false, VERDICT_CLEAN },
	{ "display name Viamedis asking to update the RIB",
	  "From: Viamedis <noreply@x.example>\nSubject: RIB\n\nMerci de mettre à jour votre RIB sous 48 heures.\n",
	  true, VERDICT_IMPERSONATION },
	{ "lure words with no brand anywhere",
	  "From: Banque <b@x.example>\nSubject: RIB\n\nMerci de mettre à jour votre RIB sous 48 heures.\n",
	  false, VERDICT_CLEAN },
	{ "vocabulary folded: M0T DE PASSE, accents dropped, Cyrillic o",
	  "From: Viamedis <noreply@x.example>\n\nVotre m\xd0\xbet de passe a expir\xc3\xa9.\n",
	  true, VERDICT_IMPERSONATION },
	{ "colleague warning: many words, the brand only in the body",
	  "From: H <h@syndicat.example>\nSubject: Attention\n\nViamedis ne demandera jamais de "
	  "mettre à jour vos coordonnées bancaires.\n", false, VERDICT_CLEAN },
};

/* lure_rules - lure only next to a claim that is not a mere mention */
START_TEST(lure_rules)
{
	struct message *m = analyse(lures[_i].raw);
	const struct verdict *v = message_verdict(m);
	bool lure = false;

	for (size_t i = 0; i < v->reasons.count; i++)
		if (v->reasons.item[i].code == REASON_LURE && v->reasons.item[i].strength >= 50)
			lure = true;
	ck_assert_msg(lure == lures[_i].lure && v->kind == lures[_i].kind,
		      "%s: lure %d %s (score %d)", lures[_i].what, lure, verdict_kind_name(v->kind),
		      v->score);
	message_free(m);
}
END_TEST

/* The corpus messages whose verdict must not depend on how they are cut. */
static const char *const chunked[] = {
	"brand-signed.eml", "brand-newsletter-esp.eml", "display-b-rib.eml",
	"link-mismatch-b64.eml", "link-mismatch-qp.eml", "spoof-tampered.eml",
	"multiple-from.eml", "colleague-warning.eml",
};

/* chunk_independence - 1-byte, 7-byte and whole feeding give the same verdict */
START_TEST(chunk_independence)
{
	static const size_t sizes[] = { 0, 1, 7, 4093 };
	char first[2048] = "", got[2048];
	int score = -1;
	size_t len, nlinks = 0;
	char *raw = read_file(chunked[_i], &len);

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct message *m = fixture_analyse(raw, len, sizes[k], &always, NULL, NULL);

		fixture_codes(message_verdict(m), got, sizeof(got), false);
		if (k == 0) {
			snprintf(first, sizeof(first), "%s", got);
			score = message_verdict(m)->score;
			nlinks = message_link_count(m);
		}
		ck_assert_msg(strcmp(first, got) == 0 && score == message_verdict(m)->score &&
			      nlinks == message_link_count(m),
			      "%s in chunks of %zu: '%s' %d, whole: '%s' %d", chunked[_i], sizes[k],
			      got, message_verdict(m)->score, first, score);
		message_free(m);
	}
	free(raw);
}
END_TEST

/* authres_rendering - what Authentication-Results says, and when it is left out */
START_TEST(authres_rendering)
{
	struct vbuf v = VBUF_INIT(8192);
	size_t len;
	char *raw = read_file("brand-signed.eml", &len);
	struct message *m = analyse(raw);
	static const struct message_opts never = { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_NEVER, "mx.test" };

	ck_assert(message_authres(m, &v));
	ck_assert_msg(strstr(vbuf_str(&v), "mx.test; dkim=pass") == vbuf_str(&v) &&
		      strstr(vbuf_str(&v), "header.d=viamedis.fr") != NULL, "%s", vbuf_str(&v));
	message_free(m);
	free(raw);

	m = analyse("From: a@optique-martin.fr\n\nx\n");
	vbuf_reset(&v);
	ck_assert(message_authres(m, &v));
	ck_assert_str_eq(vbuf_str(&v), "mx.test; dkim=none");
	message_free(m);

	raw = read_file("spoof-unrelated-dkim.eml", &len);
	m = analyse(raw);
	vbuf_reset(&v);
	ck_assert_msg(!message_authres(m, &v) && v.len == 0,
		      "a signature set aside is not reported as verified: %s", vbuf_str(&v));
	message_free(m);

	m = fixture_analyse(raw, len, 0, &never, NULL, NULL);
	ck_assert(!message_authres(m, &v) && !message_dkim_evaluated(m));
	message_free(m);
	free(raw);
	vbuf_free(&v);
}
END_TEST

/* dkim_brands_mode - DKIMVerify brands: only messages from a brand's domain */
START_TEST(dkim_brands_mode)
{
	static const struct message_opts brands = { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_BRANDS, "mx.test" };
	size_t len;
	char *raw = read_file("from-lookalike-signed.eml", &len);
	struct message *m = fixture_analyse(raw, len, 0, &brands, NULL, NULL);

	ck_assert(!message_dkim_evaluated(m) && message_sig_count(m) == 0);
	message_free(m);
	free(raw);
	raw = read_file("brand-signed.eml", &len);
	m = fixture_analyse(raw, len, 0, &brands, NULL, NULL);
	ck_assert(message_dkim_evaluated(m) && message_sig_count(m) == 1);
	ck_assert_int_eq(message_verdict(m)->kind, VERDICT_CLEAN);
	message_free(m);
	free(raw);
}
END_TEST

/* trusted_relays - a trusted relay's dkim=pass stands in for a signature broken on the way */
START_TEST(trusted_relays)
{
	static char relay[] = "relay.example", ours[] = "mx.test";
	static char *const trusted[] = { relay, ours, NULL };
	size_t len;
	char *raw = read_file("spoof-tampered.eml", &len);
	char *with = malloc(len + 512);
	struct message *m;

	snprintf(with, len + 512, "Authentication-Results: relay.example; dkim=pass "
		 "header.d=viamedis.fr header.s=s2024\r\n%s", raw);
	m = fixture_analyse(with, strlen(with), 0, &always, trusted, NULL);
	ck_assert_msg(message_verdict(m)->kind == VERDICT_CLEAN, "score %d",
		      message_verdict(m)->score);
	ck_assert(message_sig_count(m) == 1 && message_sig(m, 0)->trusted != NULL &&
		  strcmp(message_sig(m, 0)->trusted, "relay.example") == 0);
	message_free(m);
	/* not trusted: hostile, ignored */
	m = fixture_analyse(with, strlen(with), 0, &always, NULL, NULL);
	ck_assert_int_eq(message_verdict(m)->kind, VERDICT_IMPERSONATION);
	message_free(m);
	/* our own authserv-id is never believed, even when listed */
	snprintf(with, len + 512, "Authentication-Results: mx.test; dkim=pass "
		 "header.d=viamedis.fr\r\n%s", raw);
	m = fixture_analyse(with, strlen(with), 0, &always, trusted, NULL);
	ck_assert_int_eq(message_verdict(m)->kind, VERDICT_IMPERSONATION);
	message_free(m);
	free(with);
	free(raw);
}
END_TEST

/* dns_temperror - keys out of reach: reported as such, never an impersonation alone */
START_TEST(dns_temperror)
{
	struct detector_opts o = { 0 };
	struct detector *dnsdet, *saved = det;
	char err[512];
	size_t len;
	char *raw;
	struct message *m;
	const struct verdict *v;

	o.nameservers = "127.0.0.1:9";	/* loopback, nothing answers */
	o.dns_timeout = 1;
	dnsdet = detector_new(&o, err, sizeof(err));
	ck_assert_msg(dnsdet != NULL, "%s", err);
	det = dnsdet;
	raw = read_file("brand-newsletter-esp.eml", &len);
	m = analyse(raw);
	v = message_verdict(m);
	ck_assert_int_eq(message_sig(m, 0)->sig->result, DKIMCHECK_TEMPERROR);
	ck_assert_msg(v->kind != VERDICT_IMPERSONATION && v->reasons.count >= 1 &&
		      v->reasons.item[0].code == REASON_BRAND_UNAUTHENTICATED &&
		      strstr(v->reasons.item[0].detail, "temperror") != NULL,
		      "%s score %d: %s", verdict_kind_name(v->kind), v->score,
		      v->reasons.count ? v->reasons.item[0].detail : "");
	message_free(m);
	free(raw);
	det = saved;
	detector_free(dnsdet);
}
END_TEST

/*
 * caps_body_scan - past MaxBodyScan: counted and said; links are still
 * found there (padding hides none), lure words are not; the milter may stop
 * feeding once the link scan's own caps are reached
 */
START_TEST(caps_body_scan)
{
	static const struct message_opts small = { 1024, MESSAGE_DKIM_NEVER, "mx.test" };
	struct vbuf raw = VBUF_INIT(1 << 20), text = VBUF_INIT(4096);
	struct fixture_feed f;
	struct message *m;
	const struct message_link *l;

	vbuf_adds(&raw, "From: C <c@optique-martin.fr>\n\n");
	for (int i = 0; i < 100; i++)
		vbuf_adds(&raw, "Rien a signaler dans ce paragraphe de remplissage.\n");
	vbuf_adds(&raw, "Mettez a jour votre RIB : https://espace-viamedis.fr/connexion\n");
	m = fixture_analyse(raw.data, raw.len, 512, &small, NULL, &f);
	ck_assert(!f.body_false);
	ck_assert(message_caps(m)->body_unscanned > 0 && message_caps_hit(m));
	ck_assert_uint_eq(message_caps(m)->body_unlinked, 0);
	message_caps_text(m, &text);
	ck_assert_msg(strstr(vbuf_str(&text), "MaxBodyScan") != NULL, "%s", vbuf_str(&text));
	ck_assert_msg(strstr(vbuf_str(&text), "links only") != NULL, "%s", vbuf_str(&text));
	ck_assert_int_eq(message_link_count(m), 1);
	l = message_link(m, 0);
	ck_assert_str_eq(l->host, "espace-viamedis.fr");
	ck_assert(l->finding && l->code == REASON_LINK_LOOKALIKE);
	ck_assert(!reason_has(&message_verdict(m)->reasons, REASON_LURE));	/* text past the cap */
	message_free(m);
	/* past LINKS_DEEP_MAX URLs the rest is not needed: the milter may skip it */
	vbuf_reset(&raw);
	vbuf_adds(&raw, "From: C <c@optique-martin.fr>\n\n");
	for (int i = 0; i < 40; i++)
		vbuf_adds(&raw, "Rien a signaler dans ce paragraphe de remplissage.\n");
	for (int i = 0; i < 12 * LINKS_DEEP_MAX; i++)	/* past a 64 KB chunk */
		vbuf_printf(&raw, "https://site%d.example/\n", i);
	vbuf_adds(&raw, "https://espace-viamedis.fr/connexion\n");
	m = fixture_analyse(raw.data, raw.len, 512, &small, NULL, &f);
	ck_assert(f.body_false);
	ck_assert_uint_gt(message_caps(m)->body_unlinked, 0);
	ck_assert_uint_gt(message_caps(m)->links_unjudged, 0);
	ck_assert(!reason_has(&message_verdict(m)->reasons, REASON_LINK_LOOKALIKE));
	message_free(m);
	vbuf_free(&raw);
	vbuf_free(&text);
}
END_TEST

/* caps_header - floods of fields, From fields and Reply-To addresses */
START_TEST(caps_header)
{
	struct vbuf raw = VBUF_INIT(1 << 22);
	struct message *m;
	const struct verdict *v;
	bool multi = false;

	for (int i = 0; i < 1500; i++)
		vbuf_printf(&raw, "X-Filler-%d: %d\n", i, i);
	for (int i = 0; i < 20; i++)
		vbuf_printf(&raw, "From: a%d@optique-martin.fr\n", i);
	vbuf_adds(&raw, "Reply-To: ");
	for (int i = 0; i < 60; i++)
		vbuf_printf(&raw, "%sr%d@gmail.com", i ? ", " : "", i);
	vbuf_adds(&raw, "\nSubject: Viamedis\n\nx\n");
	m = analyse(raw.data);
	v = message_verdict(m);
	for (size_t i = 0; i < v->reasons.count; i++)
		if (v->reasons.item[i].code == REASON_MULTIPLE_FROM &&
		    strncmp(v->reasons.item[i].detail, "20 From fields", 14) == 0)
			multi = true;
	ck_assert_msg(multi, "every From field counted, even past the cap");
	ck_assert(v->kind != VERDICT_CLEAN);
	ck_assert(message_caps(m)->header_skipped >= 500 + 4);
	ck_assert(message_caps(m)->addresses_dropped > 0);
	message_free(m);
	vbuf_free(&raw);
}
END_TEST

/* caps_links - past MESSAGE_HOSTS_MAX hosts: counted; a repeated host is judged once */
START_TEST(caps_links)
{
	struct vbuf raw = VBUF_INIT(1 << 20);
	struct message *m;

	vbuf_adds(&raw, "From: C <c@optique-martin.fr>\n\n");
	for (int i = 0; i < 3; i++)
		vbuf_adds(&raw, "https://www.optique-martin.fr/a\n");
	for (int i = 0; i < 100; i++)
		vbuf_printf(&raw, "https://host%d.example/\n", i);
	m = analyse(raw.data);
	ck_assert_int_eq(message_link_count(m), MESSAGE_LINKS_MAX);
	ck_assert(message_caps(m)->links_unjudged > 0);
	ck_assert_str_eq(message_link(m, 0)->host, "www.optique-martin.fr");
	ck_assert_str_ne(message_link(m, 1)->host, "www.optique-martin.fr");
	message_free(m);
	vbuf_free(&raw);
}
END_TEST

/* hostile_input - odd bytes, empty input, calls out of order: no crash, a verdict */
START_TEST(hostile_input)
{
	static const char *const raws[] = {
		"", "\n", "From:\n", "From: <@>\n\n", "From: \"\\\n\n",
		"From: =?utf-8?B?////?= <x@\xff\xfe>\n\n\x80\x81",
		"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n",
		"From: a@b.example\nContent-Type: text/html\n\n<a href=\"http://[::1]/\">viamedis.fr</a>",
	};
	struct message *m;

	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		m = analyse(raws[i]);
		ck_assert(message_verdict(m)->score >= 0 && message_verdict(m)->score <= 100);
		message_free(m);
	}
	m = message_new(det, &always);
	message_eom(m);		/* no header, no body */
	ck_assert(!message_body(m, "x", 1));
	message_eom(m);
	message_free(m);
}
END_TEST

/* message_suite - the cases */
static Suite *message_suite(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("message");

	tcase_add_checked_fixture(tc, fixture_setup_keys, fixture_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, identity_rules, 0, sizeof(identity) / sizeof(identity[0]));
	tcase_add_test(tc, every_form_claims);
	tcase_add_loop_test(tc, lure_rules, 0, sizeof(lures) / sizeof(lures[0]));
	tcase_add_loop_test(tc, claim_surfaces, 0, sizeof(surfaces) / sizeof(surfaces[0]));
	tcase_add_test(tc, claims_list_and_find);
	tcase_add_loop_test(tc, chunk_independence, 0, sizeof(chunked) / sizeof(chunked[0]));
	tcase_add_test(tc, authres_rendering);
	tcase_add_test(tc, dkim_brands_mode);
	tcase_add_test(tc, trusted_relays);
	tcase_add_test(tc, dns_temperror);
	tcase_add_test(tc, caps_body_scan);
	tcase_add_test(tc, caps_header);
	tcase_add_test(tc, caps_links);
	tcase_add_test(tc, hostile_input);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite, TAP out */
int main(void)
{
	return tap_run(message_suite());
}
