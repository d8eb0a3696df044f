/*
 * test_html - the HTML tokenizer: tags and attributes in any quoting and
 * case, character references (named, numeric, legacy, in attributes),
 * comments (Outlook's conditional ones too), raw text, broken markup, and
 * that the result does not depend on where the document is cut.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "tap.h"
#include "vbuf.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* rec_want - every start tag keeps its attributes */
static bool rec_want(void *arg, const char *tag, bool end)
{
	return !end;
}

/* rec_tag - "{tag a=v ...}" or "{/tag}" */
static void rec_tag(void *arg, const char *tag, bool end, const struct html_attr *a, size_t n)
{
	struct vbuf *b = arg;

	vbuf_printf(b, "{%s%s", end ? "/" : "", tag);
	for (size_t i = 0; i < n; i++)
		vbuf_printf(b, " %s=%.*s", a[i].name, (int)a[i].value_len, a[i].value);
	vbuf_addc(b, '}');
}

/* rec_text - text as is */
static void rec_text(void *arg, const char *s, size_t n)
{
	vbuf_add(arg, s, n);
}

static const struct {
	const char *in, *want;
} cases[] = {
	{ "<a href=\"http://x\">y</a>", "{a href=http://x}y{/a}" },
	{ "<A HREF='http://x' Target=_blank>y</A>", "{a href=http://x target=_blank}y{/a}" },
	{ "<a href=http://x/?a=1&amp;b=2>y</a>", "{a href=http://x/?a=1&b=2}y{/a}" },
	{ "<a href=\"?a=1&copy=2&copy;\">", "{a href=?a=1&copy=2©}" },
	{ "<a href=\"https&colon;//evil&period;com\">", "{a href=https://evil.com}" },
	{ "<a href=\"https&#58;//evil&#x2E;com\">", "{a href=https://evil.com}" },
	{ "<a href=a&b>", "{a href=a&b}" },
	{ "<a href=\"x\"title=\"y\">", "{a href=x title=y}" },
	{ "<a href=x href=y>", "{a href=x href=y}" },
	{ "<a\nhref\n=\n\"x\"\n>", "{a href=x}" },
	{ "<img alt=\"www.viamedis.fr\" src=x/>", "{img alt=www.viamedis.fr src=x/}" },
	{ "<img alt=\"a\" src=\"x\"/>", "{img alt=a src=x}" },
	{ "<br/><BR>", "{br}{br}" },
	{ "</a foo=bar>", "{/a}" },
	{ "&#118;&#x69;&#X61;", "via" },
	{ "&#0;&#x110000;&#xD800;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "&#128;&#150;", "€–" },
	{ "&#00000000000000000000000000000000000000065;", "A" },
	{ "&#99999999999999999999999;", "\xef\xbf\xbd" },
	{ "&#; &#x; &#", "&#; &#x; &#" },
	{ "&notit; &amp &ampx &eacute", "¬it; & &x é" },
	{ "&unknown; & b &; &&", "&unknown; & b &; &&" },
	{ "&EACUTE; &Eacute;", "&EACUTE; É" },
	{ "viam&eacute;dis&period;fr&nbsp;&zwnj;", "viamédis.fr\xc2\xa0\xe2\x80\x8c" },
	{ "a<!-- <a href=x>y</a> -->b", "ab" },
	{ "a<!-->b", "ab" },
	{ "a<!--->b", "ab" },
	{ "a<!-- x --!>b", "ab" },
	{ "a<!-- -- -->b", "ab" },
	{ "<!--[if mso]><a href=x>y</a><![endif]-->z", "{a href=x}y{/a}z" },
	{ "<!--[if !mso]><!--><p>n</p><!--<![endif]-->", "{p}n{/p}" },
	{ "<script>var s='<a href=x>';</script>t", "{script}{/script}t" },
	{ "<SCRIPT>x</Script >t", "{script}{/script}t" },
	{ "<script>a</scriptx></script>t", "{script}{/script}t" },
	{ "<style>a{}</style><title>T</title>x", "{style}{/style}{title}{/title}x" },
	{ "<!DOCTYPE html><?xml ?>t", "t" },
	{ "a < b <3 <", "a < b <3 <" },
	{ "</ x>y", "y" },
	{ "</>y", "y" },
	{ "<a href=x", "" },
	{ "<p>é\xe2\x80\x8bx</p>", "{p}é\xe2\x80\x8bx{/p}" },
};

/* run - tokenize in with a cut at split (or byte by byte when split is past the end) */
static void run(const char *in, size_t split, struct vbuf *out)
{
	struct html_sink sink = { rec_want, rec_tag, rec_text, out };
	struct html *h = html_new(&sink);
	size_t n = strlen(in);

	if (split <= n) {
		html_feed(h, in, split);
		html_feed(h, in + split, n - split);
	} else {
		for (size_t i = 0; i < n; i++)
			html_feed(h, in + i, 1);
	}
	html_end(h);
	html_free(h);
}

START_TEST(html_tokenizes)
{
	struct vbuf out = VBUF_INIT(1 << 16);

	run(cases[_i].in, strlen(cases[_i].in), &out);
	ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].want) == 0, "%s: got \"%s\"",
		      cases[_i].in, vbuf_str(&out));
	vbuf_free(&out);
}
END_TEST

START_TEST(html_split_anywhere)
{
	size_t n = strlen(cases[_i].in);

	for (size_t split = 0; split <= n + 1; split++) {
		struct vbuf out = VBUF_INIT(1 << 16);

		run(cases[_i].in, split, &out);
		ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].want) == 0, "%s: split %zu: \"%s\"",
			      cases[_i].in, split, vbuf_str(&out));
		vbuf_free(&out);
	}
}
END_TEST

/* caps: attribute count, value size, name size */
START_TEST(html_caps)
{
	struct vbuf in = VBUF_INIT(1 << 20), out = VBUF_INIT(1 << 20);

	vbuf_adds(&in, "<a");
	for (int i = 0; i < 40; i++)
		vbuf_printf(&in, " a%d=%d", i, i);
	vbuf_adds(&in, " href=\"");
	for (int i = 0; i < 10000; i++)
		vbuf_addc(&in, 'x');
	vbuf_adds(&in, "\">t</a><");
	for (int i = 0; i < 100; i++)
		vbuf_addc(&in, 'q');
	vbuf_adds(&in, ">");
	run(vbuf_str(&in), in.len, &out);
	ck_assert_ptr_nonnull(strstr(vbuf_str(&out), " a15=15}t{/a}"));
	ck_assert_ptr_null(strstr(vbuf_str(&out), "a16="));
	ck_assert_ptr_nonnull(strstr(vbuf_str(&out), "{qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq}"));
	vbuf_free(&in);
	vbuf_free(&out);
}
END_TEST

struct count {
	size_t text, tags, biggest;
};

/* count_text - counts visible text */
static void count_text(void *arg, const char *s, size_t n)
{
	struct count *c = arg;

	c->text += n;
	if (n > c->biggest)
		c->biggest = n;
}

/* a 5 MB line of text, an unclosed comment and an unclosed value: linear, bounded pieces */
START_TEST(html_huge_inputs)
{
	struct count c = { 0, 0, 0 };
	struct html_sink sink = { NULL, NULL, count_text, &c };
	struct html *h = html_new(&sink);
	char *buf = malloc(1 << 16);

	memset(buf, 'a', 1 << 16);
	for (int i = 0; i < 80; i++)
		html_feed(h, buf, 1 << 16);
	html_end(h);
	ck_assert_uint_eq(c.text, 80u << 16);
	ck_assert_uint_le(c.biggest, HTML_TEXT_CHUNK);
	html_reset(h);
	html_feed(h, "<!--", 4);
	for (int i = 0; i < 80; i++)
		html_feed(h, buf, 1 << 16);
	html_feed(h, "--><a href=\"", 12);
	for (int i = 0; i < 80; i++)
		html_feed(h, buf, 1 << 16);
	html_end(h);
	ck_assert_uint_eq(c.text, 80u << 16);
	free(buf);
	html_free(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_add_loop_test(tc, html_tokenizes, 0, NELEM(cases));
	tcase_add_loop_test(tc, html_split_anywhere, 0, NELEM(cases));
	tcase_add_test(tc, html_caps);
	tcase_add_test(tc, html_huge_inputs);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
