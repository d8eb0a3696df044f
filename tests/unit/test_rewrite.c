/*
 * test_rewrite - the MIME rewriter's own rules, below what the golden
 * matrix (tests/banner) sees through Python: where the banner goes in HTML,
 * an earlier banner found and replaced, the charset parameter edited, the
 * body's own line breaks (LF as well as CRLF), the caps, a failing output,
 * and a body that is not rewritten coming out of neither pass changed.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "rewrite.h"
#include "rewrite_int.h"
#include "tap.h"
#include "vbuf.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char rw_text[] = REWRITE_TEXT_BEGIN "\nATTENTION\n" REWRITE_TEXT_END "\n\n";
static const char rw_html[] = "\n" REWRITE_HTML_BEGIN "\n<p>ATTENTION</p>\n" REWRITE_HTML_END "\n";
static const struct rewrite_banner rw_banner = {
	rw_text, sizeof(rw_text) - 1, rw_html, sizeof(rw_html) - 1
};

/* test_out - the emit pass's output into a vbuf; fails after limit bytes when set */
struct test_out {
	struct vbuf b;
	size_t limit;
};

static bool test_write(void *arg, const char *data, size_t len)
{
	struct test_out *o = arg;

	if (o->limit && o->b.len + len > o->limit)
		return false;
	return vbuf_add(&o->b, data, len);
}

/* test_run - both passes over body (chunks of chunk bytes); the new body in out, the plan in p */
static enum rewrite_status test_run(const char *ctype, const char *cte, const char *body,
				    size_t chunk, struct test_out *out, struct rewrite_plan *p)
{
	struct rewrite *rw = rewrite_new();
	struct rewrite_top top = { ctype, cte, ctype != NULL, cte != NULL };
	size_t n = strlen(body);
	enum rewrite_status st;

	rewrite_plan_begin(rw, &rw_banner, &top);
	for (size_t i = 0; i < n; i += chunk)
		rewrite_body(rw, body + i, n - i < chunk ? n - i : chunk);
	rewrite_end(rw, p);
	st = p->status;
	if (st == REWRITE_CHANGE) {
		rewrite_emit_begin(rw, &rw_banner, &top, p, test_write, out);
		for (size_t i = 0; i < n; i += chunk)
			rewrite_body(rw, body + i, n - i < chunk ? n - i : chunk);
		st = rewrite_end(rw, NULL);
	}
	rewrite_free(rw);
	return st;
}

static const struct {
	const char *html;
	const char *after;	/* the text the banner must follow */
} insert_cases[] = {
	{ "<html><head><title>x</title></head><body>text", "<body>" },
	{ "<HTML><BODY BGCOLOR=\"#fff\" onload=\"a>b\">text", "onload=\"a>b\">" },
	{ "<html><head><style>/* <body> */ p{}</style></head><body class=x>t", "<body class=x>" },
	{ "<!-- <body> --><body>t", "--><body>" },
	{ "<html><head><script>var s = '<body>';</script></head><body>t", "</script></head><body>" },
	{ "<html><head><title>t</title></head><p>no body tag", "</head>" },
	{ "<html lang=fr><p>no head, no body", "<html lang=fr>" },
	{ "<p>a fragment", "" },
	{ "<!DOCTYPE html><bodyx><body>t", "<bodyx><body>" },
	/* a forged banner is read whole: an unclosed tag in it hides nothing after it */
	{ REWRITE_HTML_BEGIN "<title>x" REWRITE_HTML_END "\r\n<body>t",
	  REWRITE_HTML_END "\r\n<body>" },
	/* a begin with no end of its own is a plain comment, even when a banner follows */
	{ REWRITE_HTML_BEGIN "x<body>" REWRITE_HTML_BEGIN "<p>w</p>" REWRITE_HTML_END "\r\nt",
	  "x<body>" },
};

START_TEST(html_banner_goes_after_the_body_tag)
{
	const char *s = insert_cases[_i].html;
	const char *a = insert_cases[_i].after;
	size_t at = rw_html_insert_point(s, strlen(s)), want;
	const char *p = a[0] ? strstr(s, a) : s;

	ck_assert_ptr_nonnull(p);
	want = (size_t)(p - s) + strlen(a);
	ck_assert_msg(at == want, "%s: at %zu, want %zu", s, at, want);
}
END_TEST

START_TEST(an_earlier_banner_is_found_where_the_new_one_goes)
{
	const char *text = REWRITE_TEXT_BEGIN "\r\nold\r\n" REWRITE_TEXT_END "\r\n\r\nHello\r\n";
	const char *forged_late = "Hello\r\n" REWRITE_TEXT_BEGIN "\r\nold\r\n" REWRITE_TEXT_END "\r\n";
	const char *html = "<body>\r\n  " REWRITE_HTML_BEGIN "<p>x</p>" REWRITE_HTML_END "\r\n<p>hi";
	const char *no_end = REWRITE_TEXT_BEGIN "\r\nold, never closed\r\nHello\r\n";

	ck_assert_uint_eq(rw_earlier_banner(text, strlen(text), 0, false),
			  strlen(text) - strlen("Hello\r\n"));
	ck_assert_uint_eq(rw_earlier_banner(forged_late, strlen(forged_late), 0, false), 0);
	ck_assert_uint_eq(rw_earlier_banner(html, strlen(html), 6, true),
			  strlen(html) - strlen("<p>hi") - 6);
	ck_assert_uint_eq(rw_earlier_banner(no_end, strlen(no_end), 0, false), 0);
	/* a forged begin does not reach over to a real banner's end */
	html = REWRITE_HTML_BEGIN "kept\r\n" REWRITE_HTML_BEGIN "<p>x</p>" REWRITE_HTML_END "\r\n";
	ck_assert_uint_eq(rw_earlier_banner(html, strlen(html), 0, true), 0);
}
END_TEST

static const struct {
	const char *in, *out;
	bool ok;
} charset_cases[] = {
	{ " text/plain; charset=iso-8859-1", " text/plain; charset=utf-8", true },
	{ " text/plain; CHARSET=\"windows-1252\"; format=flowed", " text/plain; CHARSET=utf-8; format=flowed", true },
	{ " text/plain", " text/plain; charset=utf-8", true },
	{ " text/plain;\r\n\tformat=flowed\r\n", " text/plain;\r\n\tformat=flowed; charset=utf-8\r\n", true },
	{ " text/plain; name=\"a;charset=x\"", " text/plain; name=\"a;charset=x\"; charset=utf-8", true },
	{ " text/plain (c; charset=x); charset=us-ascii", " text/plain (c; charset=x); charset=utf-8", true },
	{ " text/plain; charset*=utf-8''latin1", "", false },
	{ " text/plain; charset=\r\n", " text/plain; charset=utf-8\r\n", true },
	{ " text/plain; charset=; format=flowed", " text/plain; charset=utf-8; format=flowed", true },
};

START_TEST(charset_parameter_edited_in_place)
{
	struct vbuf out = VBUF_INIT(1024);
	bool ok = rw_set_charset(charset_cases[_i].in, strlen(charset_cases[_i].in), &out);

	ck_assert_int_eq(ok, charset_cases[_i].ok);
	if (ok)
		ck_assert_str_eq(vbuf_str(&out), charset_cases[_i].out);
	vbuf_free(&out);
}
END_TEST

START_TEST(lf_bodies_keep_their_line_breaks)
{
	struct test_out o = { VBUF_INIT(1 << 20), 0 };
	struct rewrite_plan p;
	const char *body = "--b\nContent-Type: text/plain; charset=utf-8\n\nHello\n--b--\n";
	enum rewrite_status st = test_run("multipart/mixed; boundary=b", NULL, body, 5, &o, &p);

	ck_assert_int_eq(st, REWRITE_CHANGE);
	ck_assert_ptr_null(strstr(vbuf_str(&o.b), "\r"));
	ck_assert_ptr_nonnull(strstr(vbuf_str(&o.b), "\n\n" REWRITE_TEXT_BEGIN "\nATTENTION\n"));
	ck_assert_ptr_nonnull(strstr(vbuf_str(&o.b), REWRITE_TEXT_END "\n\nHello\n--b--\n"));
	rewrite_plan_free(&p);
	vbuf_free(&o.b);
}
END_TEST

START_TEST(a_top_level_base64_part_ends_its_last_line)
{
	struct test_out o = { VBUF_INIT(1 << 20), 0 };
	struct rewrite_plan p;
	enum rewrite_status st = test_run("text/plain; charset=utf-8", "base64", "SGVsbG8K\r\n", 3,
					  &o, &p);

	ck_assert_int_eq(st, REWRITE_CHANGE);
	ck_assert_uint_ge(o.b.len, 2);
	ck_assert(o.b.data[o.b.len - 2] == '\r' && o.b.data[o.b.len - 1] == '\n');
	rewrite_plan_free(&p);
	vbuf_free(&o.b);
}
END_TEST

START_TEST(caps_keep_the_body)
{
	struct test_out o = { VBUF_INIT(1 << 20), 0 };
	struct rewrite_plan p;
	struct vbuf body = VBUF_INIT(1 << 20);

	/* nesting past REWRITE_DEPTH_MAX, each level the first part of the one above */
	for (int i = 0; i <= REWRITE_DEPTH_MAX; i++)
		vbuf_printf(&body, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i + 1);
	ck_assert_int_eq(test_run("multipart/mixed; boundary=b0", NULL, vbuf_str(&body), 4096, &o, &p),
			 REWRITE_SKIP_LIMIT);
	rewrite_plan_free(&p);
	vbuf_reset(&body);
	for (int i = 0; i <= REWRITE_TARGETS_MAX; i++)
		vbuf_adds(&body, "--a\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	vbuf_adds(&body, "--a--\r\n");
	ck_assert_int_eq(test_run("multipart/alternative; boundary=a", NULL, vbuf_str(&body), 4096,
				  &o, &p), REWRITE_SKIP_LIMIT);
	ck_assert_uint_eq(o.b.len, 0);
	rewrite_plan_free(&p);
	vbuf_free(&body);
	vbuf_free(&o.b);
}
END_TEST

START_TEST(a_failing_output_is_reported)
{
	struct test_out o = { VBUF_INIT(1 << 20), 10 };
	struct rewrite_plan p;

	ck_assert_int_eq(test_run("text/plain; charset=utf-8", NULL, "Hello\r\n", 1, &o, &p),
			 REWRITE_SKIP_OUTPUT);
	rewrite_plan_free(&p);
	vbuf_free(&o.b);
}
END_TEST

START_TEST(a_boundary_with_trailing_space_is_kept_whole)
{
	struct test_out o = { VBUF_INIT(1 << 20), 0 };
	struct rewrite_plan p;
	struct vbuf body = VBUF_INIT(1 << 20);

	vbuf_adds(&body, "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi\r\n--b--");
	for (int i = 0; i < 600; i++)
		vbuf_addc(&body, ' ');
	vbuf_adds(&body, "\r\nepilogue\r\n");
	ck_assert_int_eq(test_run("multipart/mixed; boundary=b", NULL, vbuf_str(&body), 7, &o, &p),
			 REWRITE_CHANGE);
	ck_assert_ptr_nonnull(strstr(vbuf_str(&o.b), "Hi\r\n--b--"));
	ck_assert_uint_eq(o.b.len, body.len + strlen(rw_text) + 4);	/* its 4 LF written CRLF */
	rewrite_plan_free(&p);
	vbuf_free(&body);
	vbuf_free(&o.b);
}
END_TEST

/* rewrite_suite - the cases */
static Suite *rewrite_suite(void)
{
	Suite *s = suite_create("rewrite");
	TCase *tc = tcase_create("rewrite");

	tcase_add_loop_test(tc, html_banner_goes_after_the_body_tag, 0, NELEM(insert_cases));
	tcase_add_test(tc, an_earlier_banner_is_found_where_the_new_one_goes);
	tcase_add_loop_test(tc, charset_parameter_edited_in_place, 0, NELEM(charset_cases));
	tcase_add_test(tc, lf_bodies_keep_their_line_breaks);
	tcase_add_test(tc, a_top_level_base64_part_ends_its_last_line);
	tcase_add_test(tc, caps_keep_the_body);
	tcase_add_test(tc, a_failing_output_is_reported);
	tcase_add_test(tc, a_boundary_with_trailing_space_is_kept_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(rewrite_suite());
}
