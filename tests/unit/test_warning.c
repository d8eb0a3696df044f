/*
 * test_warning - what a reader is told: every reason code of the test
 * corpus (and a From that embeds a brand domain) gets its own plain
 * sentence in French and English, never the fallback; the letter
 * substituted is named, with its alphabet; attacker text is cleaned, cut
 * and escaped; templates are checked at load; a line whose value is
 * missing is left out, {{reason}} repeats its line; the text banner is
 * wrapped at 76 columns and framed by the markers, the HTML one is ASCII;
 * the action decides by Banner and the verdict.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "conf.h"
#include "edit.h"
#include "fixture.h"
#include "message.h"
#include "rawmsg.h"
#include "rewrite.h"
#include "tap.h"
#include "utf8.h"
#include "verdict.h"
#include "warning.h"

/* A message read as vigie-check reads it. */
struct fed {
	struct message *m;
	struct edit e;
};

static void fed_begin(void *arg, const char *env) { (void)arg; (void)env; }
static void fed_header(void *arg, const char *n, const char *v)
{
	struct fed *f = arg;

	edit_header(&f->e, n, v, "mx.test");
	message_header(f->m, n, v);
}
static void fed_eoh(void *arg) { message_eoh(((struct fed *)arg)->m); }
static void fed_body(void *arg, const char *d, size_t n) { message_body(((struct fed *)arg)->m, d, n); }
static void fed_end(void *arg) { message_eom(((struct fed *)arg)->m); }

/* feed - a raw message through the analysis */
static void feed(struct fed *f, const char *raw, size_t len)
{
	struct message_opts o = { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_BRANDS, "mx.test" };
	struct rawmsg_sink sink = { fed_begin, fed_header, fed_eoh, fed_body, fed_end, f };
	struct rawmsg *r = rawmsg_new(false, &sink);

	f->m = message_new(det, &o);
	edit_init(&f->e);
	rawmsg_feed(r, raw, len);
	rawmsg_finish(r);
	rawmsg_free(r);
}

static void fed_free(struct fed *f)
{
	message_free(f->m);
	edit_reset(&f->e);
}

/* feed_file - a corpus message through the analysis */
static bool feed_file(struct fed *f, const char *path)
{
	struct vbuf b = VBUF_INIT(1 << 20);
	bool ok = vbuf_read_file(&b, path) == VBUF_READ_OK;

	if (ok)
		feed(f, b.data, b.len);
	vbuf_free(&b);
	return ok;
}

/* sentence_ok - one sentence: UTF-8, no control character, not the fallback */
static void sentence_ok(const char *s, const char *where)
{
	ck_assert_msg(utf8_valid_prefix(s, strlen(s)) == strlen(s), "%s: not UTF-8", where);
	for (const char *p = s; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20, "%s: control byte in \"%s\"", where, s);
	ck_assert_msg(strstr(s, "Un autre signe") == NULL && strstr(s, "Another sign") == NULL,
		      "%s: the fallback sentence: %s", where, s);
	ck_assert_msg(s[0] != '\0' && strchr(".", s[strlen(s) - 1]), "%s: \"%s\"", where, s);
}

START_TEST(every_reason_code_has_its_own_sentence)
{
	bool seen[REASON_CODE_COUNT] = { false };
	DIR *d = opendir(corpus);
	struct dirent *e;
	static const char embedded[] =
		"From: Viamedis <noreply@viamedis.fr.secure-ps.example>\r\n"
		"To: a@example.net\r\nSubject: x\r\n\r\nBonjour\r\n";

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char path[4400];
		struct fed f;

		if (strstr(e->d_name, ".eml") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", corpus, e->d_name);
		ck_assert(feed_file(&f, path));
		for (int lang = WARNING_FR; lang <= WARNING_EN; lang++) {
			struct warning_facts facts;
			const struct verdict *v = message_verdict(f.m);

			warning_facts(&facts, (enum warning_lang)lang, f.m);
			if (v->kind != VERDICT_CLEAN)
				ck_assert_msg(facts.nreasons > 0, "%s: no sentence", e->d_name);
			for (size_t i = 0; i < facts.nreasons; i++)
				sentence_ok(facts.reason[i], e->d_name);
			for (size_t i = 0; i < v->reasons.count; i++)
				seen[v->reasons.item[i].code] = true;
		}
		fed_free(&f);
	}
	closedir(d);
	{
		struct fed f;
		struct warning_facts facts;

		feed(&f, embedded, sizeof(embedded) - 1);
		warning_facts(&facts, WARNING_FR, f.m);
		for (size_t i = 0; i < facts.nreasons; i++)
			sentence_ok(facts.reason[i], "embedded");
		ck_assert_msg(facts.nreasons > 0 && strstr(facts.reason[0], "le vrai domaine est"
							     " secure-ps.example") != NULL,
			      "%s", facts.nreasons ? facts.reason[0] : "(none)");
		for (size_t i = 0; i < message_verdict(f.m)->reasons.count; i++)
			seen[message_verdict(f.m)->reasons.item[i].code] = true;
		fed_free(&f);
	}
	for (int c = 0; c < REASON_CODE_COUNT; c++)
		ck_assert_msg(seen[c], "no message of the corpus shows reason %s: add one, and its sentence",
			      reason_code_name((enum reason_code)c));
}
END_TEST

/* facts_of - the facts of a message given as text */
static void facts_of(const char *raw, enum warning_lang lang, struct warning_facts *facts)
{
	struct fed f;

	feed(&f, raw, strlen(raw));
	warning_facts(facts, lang, f.m);
	fed_free(&f);
}

/* any_reason - whether a sentence holds s */
static bool any_reason(const struct warning_facts *f, const char *s)
{
	for (size_t i = 0; i < f->nreasons; i++)
		if (strstr(f->reason[i], s))
			return true;
	return false;
}

START_TEST(the_letter_substituted_is_named)
{
	struct warning_facts f;

	facts_of("From: Viamedis <a@xn--viamdis-eya.fr>\r\nSubject: x\r\n\r\nx\r\n", WARNING_FR, &f);
	ck_assert(any_reason(&f, "viam\xc3\xa9" "dis.fr (xn--viamdis-eya.fr), imite viamedis.fr"
			     "\xc2\xa0: le \xc2\xab\xc2\xa0\xc3\xa9\xc2\xa0\xc2\xbb remplace un "
			     "\xc2\xab\xc2\xa0" "e\xc2\xa0\xc2\xbb."));
	ck_assert_str_eq(f.lookalike, "viam\xc3\xa9" "dis.fr (xn--viamdis-eya.fr)");
	ck_assert_str_eq(f.real_domain, "viamedis.fr");
	ck_assert_str_eq(f.verdict, "usurpation probable");
	ck_assert_str_eq(f.brand, "Viamedis");
	/* Cyrillic і (U+0456) for i */
	facts_of("From: Service <a@xn--vamedis-rog.fr>\r\nSubject: x\r\n\r\nx\r\n", WARNING_EN, &f);
	ck_assert(any_reason(&f, "\"\xd1\x96\" (Cyrillic letter) replaces \"i\""));
	facts_of("From: Service <a@viamdis.fr>\r\nSubject: x\r\n\r\nx\r\n", WARNING_FR, &f);
	ck_assert(any_reason(&f, "il manque un \xc2\xab\xc2\xa0" "e\xc2\xa0\xc2\xbb"));
}
END_TEST

/* the sentences of one corpus message, in French */
static void facts_of_file(const char *name, struct warning_facts *facts)
{
	char path[4400];
	struct fed f;

	snprintf(path, sizeof(path), "%s/%s", corpus, name);
	ck_assert(feed_file(&f, path));
	warning_facts(facts, WARNING_FR, f.m);
	fed_free(&f);
}

START_TEST(claims_are_said_as_the_reader_sees_them)
{
	struct warning_facts f;

	/* "noreply@viamedis.fr"@...: the address held, not the one it hides in */
	facts_of_file("claim-quoted-local.eml", &f);
	ck_assert(any_reason(&f, "contient l'adresse noreply@viamedis.fr pour se faire passer"
			     " pour Viamedis"));
	/* a local part named after the brand */
	facts_of_file("claim-local-part.eml", &f);
	ck_assert(any_reason(&f, "viamedis.support@outlook.example, se sert du nom Viamedis"));
	/* a full-width display name, as written (the finding keeps it as [U+FF36]...) */
	facts_of_file("claim-display-fullwidth.eml", &f);
	ck_assert(any_reason(&f, "\xef\xbc\xb6\xef\xbd\x89"));
	ck_assert(!any_reason(&f, "[U+"));
	ck_assert(any_reason(&f, "caract\xc3\xa8res trompeurs"));
	/* a request in a brand's name: said once, with the brand (not again as a lure) */
	facts_of_file("claim-body-request.eml", &f);
	ck_assert(any_reason(&f, "Le message parle au nom de Optistya et demande un RIB"));
	ck_assert(!any_reason(&f, "Le message demande des coordonn\xc3\xa9" "es bancaires"));
	facts_of_file("claim-body-form.eml", &f);
	ck_assert(any_reason(&f, "contient un formulaire \xc3\xa0 remplir"));
}
END_TEST

START_TEST(attacker_text_is_cleaned_cut_and_escaped)
{
	struct warning_facts f;
	struct vbuf text = VBUF_INIT(REWRITE_BANNER_MAX + 1), html = VBUF_INIT(REWRITE_BANNER_MAX + 1);
	char big[2000], raw[4000], out[WARNING_VALUE_MAX + 1];

	/* a display name with a right-to-left override, markup and a run of dashes */
	facts_of("From: \"Viamedis <script>\xe2\x80\xae" "evil---------- & co\" <x@gmail.com>\r\n"
		 "Subject: x\r\n\r\nx\r\n", WARNING_FR, &f);
	ck_assert(any_reason(&f, "Viamedis <script>?evil--- & co"));
	ck_assert(warning_render(warning_builtin(WARNING_FR), &f, &text, &html));
	ck_assert_ptr_null(strstr(vbuf_str(&html), "<script>"));
	/* a line break is a space in HTML: where the lines wrap does not matter */
	for (size_t i = 0; i < html.len; i++) {
		ck_assert((unsigned char)html.data[i] < 0x80);
		if (html.data[i] == '\n')
			html.data[i] = ' ';
	}
	ck_assert_ptr_nonnull(strstr(vbuf_str(&html), "Viamedis &lt;script&gt;?evil--- &amp; co"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	warning_clean(big, strlen(big), out, sizeof(out));
	ck_assert_uint_le(strlen(out), WARNING_VALUE_MAX);
	ck_assert_str_eq(out + strlen(out) - 3, "...");
	snprintf(raw, sizeof(raw), "\xc3\xa9%.*s", 198, big);
	warning_clean(raw, strlen(raw), out, 10);
	ck_assert_uint_le(strlen(out), 9);
	ck_assert_uint_eq(utf8_valid_prefix(out, strlen(out)), strlen(out));
	vbuf_free(&text);
	vbuf_free(&html);
}
END_TEST

static const struct {
	const char *file;
	const char *error;	/* NULL: parses */
} template_cases[] = {
	{ "[text]\nA {{brand}}\n[html]\n<p>{{reason}}</p>\n", NULL },
	{ "# comment\n\n[html]\n<p>x</p>\n[text]\nx\n", NULL },
	{ "[text]\nx\n", "no [html] section" },
	{ "hello\n[text]\nx\n[html]\nx\n", "text before the first" },
	{ "[text]\n{{sender}} {{nope}}\n[html]\nx\n", "unknown placeholder {{nope}}" },
	{ "[text]\nx\n[html]\n<!-- vigie:banner -->\n", "which vigie writes itself" },
	{ "[text]\n\xff\n[html]\nx\n", "not UTF-8" },
	{ "[text]\nx\n[text]\ny\n[html]\nx\n", "two [text] sections" },
};

START_TEST(templates_are_checked_at_load)
{
	struct vbuf errors = VBUF_INIT(4096);
	struct warning_template *t = warning_template_parse(template_cases[_i].file,
							   strlen(template_cases[_i].file),
							   "t.tpl", &errors);

	if (template_cases[_i].error == NULL) {
		ck_assert_msg(t != NULL, "%s", vbuf_str(&errors));
	} else {
		ck_assert_ptr_null(t);
		ck_assert_msg(strstr(vbuf_str(&errors), template_cases[_i].error) != NULL &&
			      strncmp(vbuf_str(&errors), "t.tpl: ", 7) == 0, "%s", vbuf_str(&errors));
	}
	warning_template_free(t);
	vbuf_free(&errors);
}
END_TEST

START_TEST(lines_without_a_value_are_left_out)
{
	static const char file[] = "[text]\nBrand: {{brand}}\nLook: {{lookalike}}\n- {{reason}}\nEnd\n"
				   "[html]\n<li>{{reason}}</li>\n<p>{{lookalike}}</p>\n";
	struct vbuf errors = VBUF_INIT(4096), text = VBUF_INIT(REWRITE_BANNER_MAX + 1),
		    html = VBUF_INIT(REWRITE_BANNER_MAX + 1);
	struct warning_template *t = warning_template_parse(file, sizeof(file) - 1, "t", &errors);
	struct warning_facts f;

	memset(&f, 0, sizeof(f));
	snprintf(f.brand, sizeof(f.brand), "Viamedis");
	snprintf(f.reason[0], sizeof(f.reason[0]), "one");
	snprintf(f.reason[1], sizeof(f.reason[1]), "two");
	f.nreasons = 2;
	ck_assert_ptr_nonnull(t);
	ck_assert(warning_render(t, &f, &text, &html));
	ck_assert_str_eq(vbuf_str(&text), REWRITE_TEXT_BEGIN "\nBrand: Viamedis\n- one\n- two\nEnd\n"
			 REWRITE_TEXT_END "\n\n");
	ck_assert_str_eq(vbuf_str(&html), "\n" REWRITE_HTML_BEGIN "\n<li>one</li>\n<li>two</li>\n"
			 REWRITE_HTML_END "\n");
	warning_template_free(t);
	vbuf_free(&errors);
	vbuf_free(&text);
	vbuf_free(&html);
}
END_TEST

START_TEST(the_text_banner_is_wrapped_at_76_columns)
{
	struct warning_facts f;
	struct vbuf text = VBUF_INIT(REWRITE_BANNER_MAX + 1), html = VBUF_INIT(REWRITE_BANNER_MAX + 1);

	facts_of("From: Viamedis <a@xn--viamdis-eya.fr>\r\nReply-To: x@viamedis-securite.fr\r\n"
		 "Subject: RIB\r\n\r\nConfirmez votre RIB.\r\n", WARNING_FR, &f);
	ck_assert(warning_render(warning_builtin(WARNING_FR), &f, &text, &html));
	for (const char *l = vbuf_str(&text); *l; ) {
		const char *nl = strchr(l, '\n');
		size_t cps = 0;

		for (const char *p = l; p < nl; p++)
			cps += ((unsigned char)*p & 0xc0) != 0x80;
		ck_assert_msg(cps <= WARNING_WIDTH, "%zu columns: %.*s", cps, (int)(nl - l), l);
		l = nl + 1;
	}
	ck_assert(strncmp(vbuf_str(&text), REWRITE_TEXT_BEGIN "\nATTENTION (usurpation probable)",
			  sizeof(REWRITE_TEXT_BEGIN) + 31) == 0);
	ck_assert_ptr_nonnull(strstr(vbuf_str(&text), "Ne cliquez sur aucun lien"));
	ck_assert_ptr_nonnull(strstr(vbuf_str(&html), "lang=\"fr\""));
	ck_assert_ptr_nonnull(strstr(vbuf_str(&html), "role=\"alert\""));
	vbuf_free(&text);
	vbuf_free(&html);
}
END_TEST

START_TEST(the_action_decides_by_banner_and_verdict)
{
	static const char *msgs[] = {
		"From: Alice <alice@example.org>\r\nSubject: x\r\n\r\nx\r\n",
		"From: \"Viamedis Tiers Payant\" <v@gmail.com>\r\nSubject: x\r\n\r\nBonjour\r\n",
		"From: Viamedis <a@xn--viamdis-eya.fr>\r\nSubject: x\r\n\r\nx\r\n",
	};
	static const enum conf_banner modes[] = {
		CONF_BANNER_NONE, CONF_BANNER_IMPERSONATION, CONF_BANNER_SUSPECT
	};
	/* [mode][message]: whether the text gets the banner */
	static const bool want[3][3] = { { 0, 0, 0 }, { 0, 0, 1 }, { 0, 1, 1 } };
	struct conf *c = conf_defaults();

	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 3; k++) {
			struct fed f;
			struct action a;

			c->policy.banner = modes[i];
			feed(&f, msgs[k], strlen(msgs[k]));
			action_decide(&a, c, &c->policy, &f.e, f.m, true);
			ck_assert_msg(a.banner == want[i][k], "Banner %s, message %d",
				      conf_banner_name(modes[i]), k);
			ck_assert(a.banner_due == a.banner);
			if (a.banner)
				ck_assert_ptr_nonnull(strstr(vbuf_str(&a.banner_text), "Viamedis"));
			action_free(&a);
			fed_free(&f);
		}
	}
	conf_free(c);
}
END_TEST

/* warning_suite - the cases */
static Suite *warning_suite(void)
{
	Suite *s = suite_create("warning");
	TCase *tc = tcase_create("warning");

	tcase_add_unchecked_fixture(tc, fixture_setup_keys, fixture_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_reason_code_has_its_own_sentence);
	tcase_add_test(tc, the_letter_substituted_is_named);
	tcase_add_test(tc, claims_are_said_as_the_reader_sees_them);
	tcase_add_test(tc, attacker_text_is_cleaned_cut_and_escaped);
	tcase_add_loop_test(tc, templates_are_checked_at_load, 0,
			    (int)(sizeof(template_cases) / sizeof(template_cases[0])));
	tcase_add_test(tc, lines_without_a_value_are_left_out);
	tcase_add_test(tc, the_text_banner_is_wrapped_at_76_columns);
	tcase_add_test(tc, the_action_decides_by_banner_and_verdict);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(warning_suite());
}
