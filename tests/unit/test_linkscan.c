/*
 * test_linkscan - the cheap URL scanner used past MaxBodyScan: what it
 * finds in text and HTML, what it leaves, and the same URLs however the
 * text is cut into pieces.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "linkscan.h"
#include "tap.h"
#include "vbuf.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *in, *want;	/* want: each URL followed by ';' */
} cases[] = {
	{ "Connectez-vous : https://evil.example/login.", "https://evil.example/login;" },
	{ "<a href=\"https://evil.example/x?a=1&amp;b=2\">ici</a>", "https://evil.example/x?a=1&amp;b=2;" },
	{ "<a href='HTTP://Evil.Example'>x</a>", "HTTP://Evil.Example;" },
	{ "-->\n<p><a href=\"https://kalixia-securite.com/connexion\">Acc\xc3\xa9" "der</a></p>",
	  "https://kalixia-securite.com/connexion;" },
	{ "voir www.evil.example/x, ou (http://b.example)", "www.evil.example/x;http://b.example;" },
	{ "deux http://a.example http://b.example", "http://a.example;http://b.example;" },
	/* not starts: inside words, without slashes, nothing after www. */
	{ "xhttp://a.example shttps://b.example", "" },
	{ "nowww.example.fr /www.example.fr", "" },
	{ "http:/a.example https:b.example www. fin", "" },
	{ "font-family: Arial; color: #fff; http:", "" },
	{ "", "" },
	{ "https://", "" },
	{ "\xc3\xa9https://a.example", "https://a.example;" },	/* é is no ASCII word */
};

/* rec - linkscan's callback: "URL;" */
static void rec(void *ctx, const char *u, size_t n)
{
	vbuf_printf(ctx, "%.*s;", (int)n, u);
}

/* scan - text in pieces of `cut` bytes (0: whole) into out */
static void scan(const char *in, size_t cut, struct vbuf *out)
{
	static struct linkscan s;
	size_t n = strlen(in);

	linkscan_init(&s);
	if (cut == 0)
		cut = n ? n : 1;
	for (size_t i = 0; i < n; i += cut)
		linkscan_feed(&s, in + i, n - i < cut ? n - i : cut, rec, out);
	linkscan_end(&s, rec, out);
}

START_TEST(linkscan_finds)
{
	for (size_t cut = 0; cut <= 9; cut++) {
		struct vbuf out = VBUF_INIT(1 << 16);

		scan(cases[_i].in, cut, &out);
		ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].want) == 0, "'%s' in pieces of %zu: '%s'",
			      cases[_i].in, cut, vbuf_str(&out));
		vbuf_free(&out);
	}
}
END_TEST

/* a URL longer than URL_MAX is delivered cut; what follows is still read */
START_TEST(linkscan_long_url_is_cut)
{
	static char in[3 * URL_MAX];
	struct vbuf out = VBUF_INIT(1 << 16);
	size_t n;

	n = (size_t)snprintf(in, sizeof(in), "https://a.example/");
	memset(in + n, 'x', 2 * URL_MAX);
	snprintf(in + n + 2 * URL_MAX, sizeof(in) - n - 2 * URL_MAX, " https://b.example");
	for (size_t cut = 1000; cut <= 5000; cut += 4000) {
		vbuf_reset(&out);
		scan(in, cut, &out);
		ck_assert_uint_eq(out.len, URL_MAX + 1 + strlen("https://b.example;"));
		ck_assert(strncmp(out.data + URL_MAX, ";https://b.example;", 19) == 0);
	}
	vbuf_free(&out);
}
END_TEST

/* linkscan_suite - the cases of this file */
static Suite *linkscan_suite(void)
{
	Suite *s = suite_create("linkscan");
	TCase *tc = tcase_create("linkscan");

	tcase_add_loop_test(tc, linkscan_finds, 0, NELEM(cases));
	tcase_add_test(tc, linkscan_long_url_is_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(linkscan_suite());
}
