/*
 * test_links - links in plain text and HTML: every place a link hides, what
 * an anchor shows against where it goes (also through base64 and
 * quoted-printable HTML parts, whatever the chunking), duplicates and caps.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkrec.h"
#include "links.h"
#include "mime.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define H "1"	/* LINK_F_HTML */

static const struct {
	bool html;
	const char *in, *want;
} cases[] = {
	/* plain text */
	{ 0, "Connectez-vous sur https://viamedis-secure.fr/login.", "URL viamedis-secure.fr|||0;" },
	{ 0, "Voir www.viamedis.fr ou (https://evil.example).", "URL www.viamedis.fr|||0;URL evil.example|||0;" },
	{ 0, "Écrivez à support@viamedis-secure.fr.", "EMAIL viamedis-secure.fr|||0;" },
	{ 0, "Rendez-vous sur viamedis-securite.fr/connexion !", "BARE viamedis-securite.fr|||0;" },
	{ 0, "«https://evil.example/x»", "URL evil.example|||0;" },
	{ 0, "lien:https://evil.example", "URL evil.example|||0;" },
	{ 0, "http://a.example/https://b.example", "URL a.example|||0;" },
	{ 0, "https://viamedis.fr@evil.example", "URL evil.example|||0;" },
	{ 0, "3.14, v1.2.3, e.g. etc. M. Dupont", "" },
	{ 0, "écrire\xc2\xa0à\xc2\xa0https://evil.example\xe3\x80\x80ou", "URL evil.example|||0;" },
	{ 0, "mailto:a@evil.example", "URL evil.example|||0;" },
	{ 0, "contact＠viamedis-secure.fr", "EMAIL viamedis-secure.fr|||0;" },
	{ 0, "javascript:alert(1) cid:x@y", "" },
	/* HTML anchors: text against target */
	{ 1, "<a href=\"https://evil.example/login\">www.viamedis.fr</a>",
	  "HREF evil.example|www.viamedis.fr|www.viamedis.fr|" H ";" },
	{ 1, "<a href=\"https://evil.example\"><span>viamedis</span>.fr</a>",
	  "HREF evil.example|viamedis.fr|viamedis.fr|" H ";" },
	{ 1, "<a href=\"https://evil.example\"><div>viamedis</div>.fr</a>",
	  "HREF evil.example|viamedis .fr||" H ";" },
	{ 1, "<a href=\"https://evil.example\"><img alt=\"Viamedis.fr\" src=\"logo.png\"></a>",
	  "HREF evil.example|Viamedis.fr|viamedis.fr|9;" },
	{ 1, "<a href=\"https://evil.example\">  https://www.viamedis.fr/connexion\n </a>",
	  "HREF evil.example|https://www.viamedis.fr/connexion|www.viamedis.fr|" H ";" },
	{ 1, "<a href='https://evil.example'>Mon compte Viamedis</a>",
	  "HREF evil.example|Mon compte Viamedis||" H ";" },
	{ 1, "<a href=\"mailto:x@evil.example\">contact@viamedis.fr</a>",
	  "HREF evil.example|contact@viamedis.fr|viamedis.fr|" H ";" },
	{ 1, "<a href=\"https&#58;//evil&#46;example\">x</a>", "HREF evil.example|x||" H ";" },
	{ 1, "<a href=\"https://a.example\">one<a href=\"https://b.example\">two</a>",
	  "HREF a.example|one||" H ";HREF b.example|two||" H ";" },
	{ 1, "<a href=\"https://evil.example\">unclosed", "HREF evil.example|unclosed||" H ";" },
	{ 1, "<a name=top>www.viamedis.fr</a>", "URL www.viamedis.fr|||" H ";" },
	{ 1, "<a href=\"javascript:void(0)\">x</a><a href=\"#top\">y</a>", "" },
	{ 1, "<svg><a xlink:href=\"https://evil.example\">z</a></svg>", "HREF evil.example|z||" H ";" },
	/* other places */
	{ 1, "<area href=\"https://evil.example\" alt=\"viamedis.fr\">", "AREA evil.example|viamedis.fr|viamedis.fr|" H ";" },
	{ 1, "<form action=\"https://evil.example/steal\"><input name=rib></form>", "FORM evil.example|||" H ";" },
	{ 1, "<base href=\"https://evil.example/\"><a href=\"login\">Viamedis</a>",
	  "HREF evil.example|Viamedis||5;" },
	{ 1, "<p>Allez sur https://evil.example maintenant</p>", "URL evil.example|||" H ";" },
	{ 1, "<p>viamedis<b>-secure</b>.fr</p>", "BARE viamedis-secure.fr|||" H ";" },
	{ 1, "<!--[if mso]><a href=\"https://evil.example\">viamedis.fr</a><![endif]-->",
	  "HREF evil.example|viamedis.fr|viamedis.fr|" H ";" },
	{ 1, "<script>location='https://evil.example'</script><style>a{}</style>", "" },
	{ 1, "<!-- https://hidden.example -->", "" },
};

/* run - one part through the link finder, cut at split (past the end: byte by byte) */
static void run(bool html, const char *in, size_t split, struct vbuf *out)
{
	struct links_sink sink = { linkrec_link, NULL, out };
	struct links *l = links_new(&sink);
	size_t n = strlen(in);

	links_begin(l, html);
	if (split <= n) {
		links_text(l, in, split);
		links_text(l, in + split, n - split);
	} else {
		for (size_t i = 0; i < n; i++)
			links_text(l, in + i, 1);
	}
	links_end(l);
	links_free(l);
}

START_TEST(links_found)
{
	struct vbuf out = VBUF_INIT(1 << 16);

	run(cases[_i].html, cases[_i].in, strlen(cases[_i].in), &out);
	ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].want) == 0, "%s: got \"%s\"",
		      cases[_i].in, vbuf_str(&out));
	vbuf_free(&out);
}
END_TEST

START_TEST(links_split_anywhere)
{
	size_t n = strlen(cases[_i].in);

	for (size_t split = 0; split <= n + 1; split++) {
		struct vbuf out = VBUF_INIT(1 << 16);

		run(cases[_i].html, cases[_i].in, split, &out);
		ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].want) == 0, "%s: split %zu: \"%s\"",
			      cases[_i].in, split, vbuf_str(&out));
		vbuf_free(&out);
	}
}
END_TEST

/* a hundred copies of one link are one link; distinct links stop at the cap, counted */
START_TEST(links_duplicates_and_cap)
{
	struct vbuf in = VBUF_INIT(1 << 20), out = VBUF_INIT(1 << 20);
	struct links_sink sink = { linkrec_link, NULL, &out };
	struct links *l = links_new(&sink);

	for (int i = 0; i < 300; i++)
		vbuf_adds(&in, "<a href=\"https://tracker.example/c?id=1\">Se désinscrire</a>");
	vbuf_adds(&in, "<a href=\"https://evil.example\">viamedis.fr</a>");
	links_begin(l, true);
	links_text(l, in.data, in.len);
	links_end(l);
	ck_assert_uint_eq(links_stats(l)->delivered, 2);
	ck_assert_uint_eq(links_stats(l)->duplicates, 299);
	ck_assert_ptr_nonnull(strstr(vbuf_str(&out), "HREF evil.example|viamedis.fr|viamedis.fr|"));

	vbuf_reset(&in);
	links_reset(l);
	for (int i = 0; i < LINKS_MAX + 44; i++)
		vbuf_printf(&in, "https://h%d.example ", i);
	vbuf_adds(&in, "https://h0.example");
	links_begin(l, false);
	links_text(l, in.data, in.len);
	links_end(l);
	ck_assert_uint_eq(links_stats(l)->delivered, LINKS_MAX);
	ck_assert_uint_eq(links_stats(l)->dropped, 44);
	ck_assert_uint_eq(links_stats(l)->duplicates, 1);
	links_free(l);
	vbuf_free(&in);
	vbuf_free(&out);
}
END_TEST

/* a URL glued after more than a window of text is still found */
START_TEST(links_long_runs)
{
	struct vbuf in = VBUF_INIT(1 << 20), out = VBUF_INIT(1 << 16);
	struct links_sink sink = { linkrec_link, NULL, &out };
	struct links *l = links_new(&sink);

	for (int i = 0; i < 3 * LINKS_TOKEN_MAX + 77; i++)
		vbuf_addc(&in, 'x');
	vbuf_adds(&in, "-https://evil.example/");
	for (int i = 0; i < 3 * LINKS_TOKEN_MAX; i++)
		vbuf_addc(&in, 'y');
	links_begin(l, false);
	for (size_t i = 0; i < in.len; i += 1000)
		links_text(l, in.data + i, in.len - i < 1000 ? in.len - i : 1000);
	links_end(l);
	ck_assert_str_eq(vbuf_str(&out), "URL evil.example|||0;");
	links_free(l);
	vbuf_free(&in);
	vbuf_free(&out);
}
END_TEST

/* visible_text - collects what the links sink says is visible */
static void visible_text(void *arg, const char *s, size_t n)
{
	vbuf_add(arg, s, n);
}

START_TEST(links_visible_text)
{
	struct vbuf vis = VBUF_INIT(1 << 16);
	struct links_sink sink = { NULL, visible_text, &vis };
	struct links *l = links_new(&sink);
	const char *html = "<html><head><title>t</title><style>p{}</style></head><body>"
			   "<p>Votre&nbsp;RIB</p><script>x</script><td>IBAN</td></body></html>";

	links_begin(l, true);
	links_text(l, html, strlen(html));
	links_end(l);
	ck_assert_str_eq(vbuf_str(&vis), " Votre\xc2\xa0RIB  IBAN ");
	links_free(l);
	vbuf_free(&vis);
}
END_TEST

/* an image's alt text is read where the image is not shown, in an anchor or not */
START_TEST(links_alt_text_is_visible)
{
	struct vbuf vis = VBUF_INIT(1 << 16);
	struct links_sink sink = { NULL, visible_text, &vis };
	struct links *l = links_new(&sink);
	const char *html = "<p><img src=\"l.png\" alt=\"Sev&eacute;ane\">Bonjour<img src=\"x.png\">"
			   "<a href=\"https://evil.example\"><img alt=\"Itelis\"></a>fin</p>";

	links_begin(l, true);
	links_text(l, html, strlen(html));
	links_end(l);
	ck_assert_str_eq(vbuf_str(&vis), "  Sev\xc3\xa9" "ane Bonjour  Itelis fin ");
	links_free(l);
	vbuf_free(&vis);
}
END_TEST

START_TEST(links_text_host_finds_first_name)
{
	static const struct {
		const char *text, *host;
	} t[] = {
		{ "Cliquez sur www.viamedis.fr ou evil.example", "www.viamedis.fr" },
		{ "Espace pro: https://Viamedis.FR/x", "viamedis.fr" },
		{ "noreply@viamedis.fr", "viamedis.fr" },
		{ "Mon compte", "" },
		{ "", "" },
	};
	struct url u;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert(links_text_host(t[i].text, strlen(t[i].text), &u) == (t[i].host[0] != 0));
		ck_assert_str_eq(u.host, t[i].host);
	}
}
END_TEST

/* ---- through MIME: encoded HTML parts, every cut ---- */

static void pipe_begin(void *arg, const struct mime_part *p)
{
	links_begin(arg, p->kind == MIME_HTML);
}

static void pipe_text(void *arg, const struct mime_part *p, const char *s, size_t n)
{
	links_text(arg, s, n);
}

static void pipe_end(void *arg, const struct mime_part *p)
{
	links_end(arg);
}

#define QP_HTML \
	"--b\r\n" \
	"Content-Type: text/html; charset=utf-8\r\n" \
	"Content-Transfer-Encoding: quoted-printable\r\n" \
	"\r\n" \
	"<p>Bonjour,</p><a href=3D\"https://viamedis-secure.example/lo=\r\n" \
	"gin\">www.viam=C3=A9=\r\n" \
	"dis.fr</a>\r\n" \
	"--b\r\n" \
	"Content-Type: text/html\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n"

static const char *pipe_cases[][2] = {
	{ QP_HTML "PGEgaHJlZj0iaHR0cDovL2V2aWwuZXhhbXBsZSI+dmlhbWVkaXMuZnI8L2E+\r\n--b--\r\n",
	  "HREF viamedis-secure.example|www.viamédis.fr|www.viamédis.fr|1;"
	  "HREF evil.example|viamedis.fr|viamedis.fr|1;" },
	{ "--b\r\nContent-Type: text/plain\r\n\r\nVoir https://evil.example/a\r\n--b\r\n"
	  "Content-Type: text/html\r\n\r\n<a href=\"https://evil.example/a\">ici</a>\r\n--b--\r\n",
	  "URL evil.example|||0;HREF evil.example|ici||1;" },
};

/* run_pipe - a multipart body through mime and links, cut at split (past the end: byte by byte) */
static void run_pipe(const char *body, size_t split, struct vbuf *out)
{
	struct links_sink ls = { linkrec_link, NULL, out };
	struct links *l = links_new(&ls);
	struct mime_sink ms = { pipe_begin, pipe_text, pipe_end, l };
	struct mime *m = mime_new(1 << 20, &ms);
	size_t n = strlen(body);

	links_reset(l);
	mime_begin(m, "multipart/alternative; boundary=b", 33, NULL, 0);
	if (split <= n) {
		mime_body(m, body, split);
		mime_body(m, body + split, n - split);
	} else {
		for (size_t i = 0; i < n; i++)
			mime_body(m, body + i, 1);
	}
	mime_end(m);
	mime_free(m);
	links_free(l);
}

START_TEST(links_through_mime_any_cut)
{
	const char *body = pipe_cases[_i][0];
	size_t n = strlen(body);

	for (size_t split = 0; split <= n + 1; split++) {
		struct vbuf out = VBUF_INIT(1 << 16);

		run_pipe(body, split, &out);
		ck_assert_msg(strcmp(vbuf_str(&out), pipe_cases[_i][1]) == 0, "split %zu: \"%s\"",
			      split, vbuf_str(&out));
		vbuf_free(&out);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("links");
	TCase *tc = tcase_create("links");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, links_found, 0, NELEM(cases));
	tcase_add_loop_test(tc, links_split_anywhere, 0, NELEM(cases));
	tcase_add_test(tc, links_duplicates_and_cap);
	tcase_add_test(tc, links_long_runs);
	tcase_add_test(tc, links_visible_text);
	tcase_add_test(tc, links_alt_text_is_visible);
	tcase_add_test(tc, links_text_host_finds_first_name);
	tcase_add_loop_test(tc, links_through_mime_any_cut, 0, NELEM(pipe_cases));
	suite_add_tcase(s, tc);
	return tap_run(s);
}
