/*
 * test_mime - the Content-* fields, and the streaming MIME parser: structure
 * (alternative, nested, digest, message/rfc822), transfer encodings and
 * charsets, broken and hostile bodies (missing boundaries, garbage, floods of
 * parts and nesting, huge lines), the scan cap, and that the result does not
 * depend on where the body is cut into chunks.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "mime.h"
#include "mimerec.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- content ---- */

static const struct {
	const char *ct;
	const char *type, *subtype, *boundary, *charset;
	unsigned flags;
} ctype_cases[] = {
	{ "text/plain; charset=utf-8", "text", "plain", "", "utf-8", 0 },
	{ "TEXT/HTML; CHARSET=\"ISO-8859-1\"", "text", "html", "", "iso-8859-1", 0 },
	{ "multipart/mixed; boundary=\"=_a b?c\"", "multipart", "mixed", "=_a b?c", "", 0 },
	{ "multipart/mixed;\r\n\tboundary=simple", "multipart", "mixed", "simple", "", 0 },
	{ "multipart/mixed (comment) ; (c) boundary = \"x\" (c)", "multipart", "mixed", "x", "", 0 },
	{ "multipart/mixed; boundary*0=\"ab\"; boundary*1=cd", "multipart", "mixed", "abcd", "", 0 },
	{ "text/plain; charset*=utf-8''%75tf-8", "text", "plain", "", "utf-8", 0 },
	{ "multipart/mixed; boundary=a; boundary=b", "multipart", "mixed", "a", "", CONTENT_F_DUP },
	{ "multipart/mixed; boundary=\"unclosed", "multipart", "mixed", "unclosed", "", CONTENT_F_BAD_PARAM },
	{ "multipart/mixed; junk; boundary=b", "multipart", "mixed", "b", "", CONTENT_F_BAD_PARAM },
	{ "multipart/mixed; boundary=a=b", "multipart", "mixed", "a=b", "", CONTENT_F_BAD_PARAM },
	{ "multipart/mixed; boundary=\"a\tb\"", "multipart", "mixed", "", "", CONTENT_F_BAD_PARAM },
	{ "garbage", "text", "plain", "", "", CONTENT_F_BAD_TYPE },
	{ "text/", "text", "plain", "", "", CONTENT_F_BAD_TYPE },
	{ "", "text", "plain", "", "", CONTENT_F_BAD_TYPE },
	{ "text/plain; charset=\"utf-8\" format=flowed", "text", "plain", "", "utf-8", CONTENT_F_BAD_PARAM },
};

START_TEST(content_type_parses)
{
	struct content c;
	const char *ct = ctype_cases[_i].ct;

	content_init(&c, false);
	content_type(&c, ct, strlen(ct));
	ck_assert_str_eq(c.type, ctype_cases[_i].type);
	ck_assert_str_eq(c.subtype, ctype_cases[_i].subtype);
	ck_assert_str_eq(c.boundary, ctype_cases[_i].boundary);
	ck_assert_uint_eq(c.boundary_len, strlen(ctype_cases[_i].boundary));
	ck_assert_str_eq(c.charset, ctype_cases[_i].charset);
	ck_assert_msg(c.flags == ctype_cases[_i].flags, "%s: flags %#x", ct, c.flags);
}
END_TEST

START_TEST(content_long_boundary_is_refused)
{
	struct content c;
	char ct[600];

	snprintf(ct, sizeof(ct), "multipart/mixed; boundary=\"%0300d\"", 1);
	content_init(&c, false);
	content_type(&c, ct, strlen(ct));
	ck_assert_uint_eq(c.boundary_len, 0);
	ck_assert(c.flags & CONTENT_F_LONG);
}
END_TEST

START_TEST(content_encoding_and_disposition)
{
	static const struct {
		const char *v;
		enum content_cte cte;
	} e[] = {
		{ "base64", CONTENT_CTE_BASE64 }, { " Quoted-Printable (x)", CONTENT_CTE_QP },
		{ "7bit", CONTENT_CTE_IDENTITY }, { "8BIT", CONTENT_CTE_IDENTITY },
		{ "binary", CONTENT_CTE_IDENTITY }, { "x-uuencode", CONTENT_CTE_UNKNOWN },
		{ "", CONTENT_CTE_UNKNOWN },
	};
	struct content c;

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		content_init(&c, false);
		content_encoding(&c, e[i].v, strlen(e[i].v));
		ck_assert_msg(c.cte == e[i].cte, "%s", e[i].v);
	}
	content_init(&c, false);
	content_disposition(&c, "Attachment; filename=x.html", 27);
	ck_assert(c.attachment);
	content_init(&c, false);
	content_disposition(&c, "inline", 6);
	ck_assert(!c.attachment);
	content_init(&c, true);
	ck_assert(content_is(&c, "message", "rfc822"));
}
END_TEST

/* ---- mime ---- */

#define ALT \
	"This is a preamble\r\n" \
	"--b1\r\n" \
	"Content-Type: text/plain; charset=iso-8859-1\r\n" \
	"Content-Transfer-Encoding: quoted-printable\r\n" \
	"\r\n" \
	"Viam=E9dis =\r\nTiers Payant\r\n" \
	"--b1\r\n" \
	"Content-Type: text/html;\r\n charset=utf-8\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n" \
	"PGEgaHJlZj0iaHR0cDovL2V2aWwuZXhhbXBsZSI+dmlh\r\nbWVkaXMuZnI8L2E+\r\n" \
	"--b1--\r\n" \
	"epilogue\r\n"

#define ALT_WANT \
	"[plain 1 1]Viamédis Tiers Payant[/]" \
	"[html 2 1]<a href=\"http://evil.example\">viamedis.fr</a>[/]"

#define NESTED \
	"--outer\r\n" \
	"Content-Type: multipart/alternative; boundary=\"inner\"\r\n" \
	"\r\n" \
	"--inner\r\n" \
	"Content-Type: text/plain\r\n" \
	"\r\n" \
	"one\r\n" \
	"--inner\r\n" \
	"Content-Type: text/html\r\n" \
	"\r\n" \
	"<b>two</b>\r\n" \
	"--inner--\r\n" \
	"--outer\r\n" \
	"Content-Type: message/rfc822\r\n" \
	"\r\n" \
	"From: x@y.fr\r\n" \
	"Content-Type: text/plain; charset=koi8-r\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n" \
	"5M/C0tnKIMTFztg=\r\n" \
	"--outer\r\n" \
	"Content-Type: text/html; charset=utf-16\r\n" \
	"Content-Disposition: attachment; filename=\"facture.html\"\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n" \
	"//48AHAAPgBWAG8AdQBzACAAYQB2AGUAegAgAHIAZQDnAHUAPAAvAHAAPgA=\r\n" \
	"--outer\r\n" \
	"Content-Type: image/png\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n" \
	"iVBORw0KGgo=\r\n" \
	"--outer--\r\n"

#define NESTED_WANT \
	"[plain 2 2]one[/][html 3 2]<b>two</b>[/]" \
	"[plain 5 2]Добрый день[/]" \
	"[html 6 1 att]<p>Vous avez reçu</p>[/]"

static const struct {
	const char *name, *ct, *cte, *body, *want;
	unsigned flags;
} mime_cases[] = {
	{ "plain, no content type", NULL, NULL, "Hello\r\nWorld\r\n", "[plain 0 0]Hello\r\nWorld[/]", 0 },
	{ "bare LF line breaks", NULL, NULL, "Hello\nWorld\n", "[plain 0 0]Hello\nWorld[/]", 0 },
	{ "quoted-printable", "text/plain; charset=utf-8", "quoted-printable",
	  "Caf=C3=A9 =\r\nsoft=\r\n, =zz\r\n", "[plain 0 0]Café soft, =zz[/]", MIME_F_QP },
	{ "base64 with garbage", "text/plain", "base64", "SGVs!!bG8=\r\n*", "[plain 0 0]Hello[/]", MIME_F_BASE64 },
	{ "latin-1 read as windows-1252", "text/plain; charset=iso-8859-1", NULL,
	  "Viam\xe9" "dis \x80", "[plain 0 0]Viamédis €[/]", 0 },
	{ "unlabelled 8-bit", "text/plain", NULL, "Viam\xc3\xa9" "dis Viam\xe9" "dis",
	  "[plain 0 0]Viamédis Viamédis[/]", 0 },
	{ "unknown charset", "text/plain; charset=x-nothing", NULL, "a\xe9", "[plain 0 0]aé[/]", MIME_F_CHARSET },
	{ "unknown transfer encoding", "text/plain", "x-uuencode", "abc", "[plain 0 0]abc[/]", MIME_F_CTE },
	{ "html at top level", "text/html", NULL, "<a href=x>y</a>", "[html 0 0]<a href=x>y</a>[/]", 0 },
	{ "non-text top level skipped", "application/pdf", "base64", "JVBERi0=", "", 0 },
	{ "alternative", "multipart/alternative; boundary=b1", NULL, ALT, ALT_WANT, 0 },
	{ "nested, message/rfc822, attachment", "multipart/mixed; boundary=outer", NULL, NESTED,
	  NESTED_WANT, 0 },
	{ "boundary with padding, lookalike lines are content", "multipart/mixed; boundary=b", NULL,
	  "--b \t\r\n\r\n--bx\r\n-- b\r\n--b--x\r\n--b--  \r\n",
	  "[plain 1 1]--bx\r\n-- b\r\n--b--x[/]", 0 },
	{ "missing close delimiter", "multipart/mixed; boundary=b", NULL,
	  "--b\r\n\r\nlast part", "[plain 1 1]last part[/]", MIME_F_UNCLOSED },
	{ "outer boundary ends the inner multipart", "multipart/mixed; boundary=o", NULL,
	  "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\nin\r\n--o\r\n\r\nout\r\n--o--\r\n",
	  "[plain 2 2]in[/][plain 3 1]out[/]", MIME_F_UNCLOSED },
	{ "a line that is not a field starts the body", "multipart/mixed; boundary=b", NULL,
	  "--b\r\nnot a header\r\nContent-Type: text/html\r\n--b--",
	  "[plain 1 1]not a header\r\nContent-Type: text/html[/]", 0 },
	{ "headers cut by a boundary", "multipart/mixed; boundary=b", NULL,
	  "--b\r\nContent-Type: text/plain\r\n--b\r\n\r\nx\r\n--b--",
	  "[plain 1 1][/][plain 2 1]x[/]", 0 },
	{ "multipart without boundary read as text", "multipart/mixed", NULL,
	  "--b\r\n\r\nx", "[plain 0 0]--b\r\n\r\nx[/]", MIME_F_NO_BOUNDARY },
	{ "digest parts are messages", "multipart/digest; boundary=d", NULL,
	  "--d\r\n\r\nSubject: s\r\n\r\nbody\r\n--d--\r\n", "[plain 2 2]body[/]", 0 },
	{ "close delimiter then epilogue boundary ignored", "multipart/mixed; boundary=b", NULL,
	  "--b\r\n\r\nx\r\n--b--\r\n--b\r\n\r\ny\r\n", "[plain 1 1]x[/]", 0 },
	{ "AMP html", "multipart/alternative; boundary=b", NULL,
	  "--b\r\nContent-Type: text/x-amp-html\r\n\r\n<a href=x>y</a>\r\n--b--",
	  "[html 1 1]<a href=x>y</a>[/]", 0 },
	{ "RFC 2231 boundary", "multipart/mixed; boundary*0=\"a\"; boundary*1=\"b\"", NULL,
	  "--ab\r\n\r\nx\r\n--ab--", "[plain 1 1]x[/]", 0 },
	{ "base64 on a multipart is ignored", "multipart/mixed; boundary=b", "base64",
	  "--b\r\n\r\nx\r\n--b--", "[plain 1 1]x[/]", 0 },
	{ "empty body", "text/plain", NULL, "", "[plain 0 0][/]", 0 },
	{ "CR alone is content", "text/plain", NULL, "a\rb\r", "[plain 0 0]a\rb\r[/]", 0 },
};

/* run_mime - parse body cut into pieces of at most step bytes (0: at split only) */
static void run_mime(struct vbuf *rec, const char *ct, const char *cte, const char *body,
		     size_t len, size_t split, size_t step, const struct mime_stats **st,
		     struct mime **mp)
{
	struct mime_sink sink = mimerec_sink(rec);
	struct mime *m = mime_new(1 << 20, &sink);

	mime_begin(m, ct, ct ? strlen(ct) : 0, cte, cte ? strlen(cte) : 0);
	if (step) {
		for (size_t i = 0; i < len; i += step)
			mime_body(m, body + i, len - i < step ? len - i : step);
	} else {
		mime_body(m, body, split);
		mime_body(m, body + split, len - split);
	}
	mime_end(m);
	*st = mime_stats(m);
	*mp = m;
}

START_TEST(mime_parses)
{
	struct vbuf rec = VBUF_INIT(1 << 16);
	const struct mime_stats *st;
	struct mime *m;
	const char *body = mime_cases[_i].body;

	run_mime(&rec, mime_cases[_i].ct, mime_cases[_i].cte, body, strlen(body), strlen(body), 0,
		 &st, &m);
	ck_assert_msg(strcmp(vbuf_str(&rec), mime_cases[_i].want) == 0, "%s: got \"%s\"",
		      mime_cases[_i].name, vbuf_str(&rec));
	ck_assert_msg(st->flags == mime_cases[_i].flags, "%s: flags %#x", mime_cases[_i].name, st->flags);
	ck_assert_uint_eq(st->scanned, strlen(body));
	mime_free(m);
	vbuf_free(&rec);
}
END_TEST

/* the same body cut at every point, and fed byte by byte, gives the same result */
START_TEST(mime_split_anywhere)
{
	const char *body = mime_cases[_i].body;
	size_t len = strlen(body);

	for (size_t split = 0; split <= len + 1; split++) {
		struct vbuf rec = VBUF_INIT(1 << 16);
		const struct mime_stats *st;
		struct mime *m;

		if (split <= len)
			run_mime(&rec, mime_cases[_i].ct, mime_cases[_i].cte, body, len, split, 0, &st, &m);
		else
			run_mime(&rec, mime_cases[_i].ct, mime_cases[_i].cte, body, len, 0, 1, &st, &m);
		ck_assert_msg(strcmp(vbuf_str(&rec), mime_cases[_i].want) == 0,
			      "%s: split %zu: \"%s\"", mime_cases[_i].name, split, vbuf_str(&rec));
		ck_assert_msg(st->flags == mime_cases[_i].flags, "%s: split %zu flags %#x",
			      mime_cases[_i].name, split, st->flags);
		mime_free(m);
		vbuf_free(&rec);
	}
}
END_TEST

/* 1,000 nested multiparts: the depth cap holds and the parse stays linear */
START_TEST(mime_deep_nesting_capped)
{
	struct vbuf body = VBUF_INIT(1 << 20), rec = VBUF_INIT(1 << 16);
	struct mime_sink sink = mimerec_sink(&rec);
	struct mime *m = mime_new(1 << 20, &sink);

	for (int i = 0; i < 1000; i++)
		vbuf_printf(&body, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i + 1);
	vbuf_adds(&body, "--b1000\r\n\r\ndeep text\r\n");
	mime_begin(m, "multipart/mixed; boundary=b0", 28, NULL, 0);
	mime_body(m, body.data, body.len);
	mime_end(m);
	ck_assert(mime_stats(m)->flags & MIME_F_DEPTH);
	ck_assert(mime_stats(m)->flags & MIME_F_UNCLOSED);
	ck_assert_uint_eq(mime_stats(m)->depth_max, MIME_DEPTH_MAX - 1);
	ck_assert_str_eq(vbuf_str(&rec), "");
	mime_free(m);
	vbuf_free(&body);
	vbuf_free(&rec);
}
END_TEST

/* parts past the cap are skipped, their boundaries still seen */
START_TEST(mime_part_flood_capped)
{
	struct vbuf body = VBUF_INIT(1 << 20), rec = VBUF_INIT(1 << 20);
	struct mime_sink sink = mimerec_sink(&rec);
	struct mime *m = mime_new(1 << 20, &sink);

	for (int i = 0; i < 2000; i++)
		vbuf_adds(&body, "--b\r\n\r\nx\r\n");
	vbuf_adds(&body, "--b--\r\n");
	mime_begin(m, "multipart/mixed; boundary=b", 27, NULL, 0);
	mime_body(m, body.data, body.len);
	mime_end(m);
	ck_assert_uint_eq(mime_stats(m)->parts, MIME_PARTS_MAX);
	ck_assert_uint_eq(mime_stats(m)->text_parts, MIME_PARTS_MAX - 1);
	ck_assert_uint_eq(mime_stats(m)->flags, MIME_F_PARTS);
	mime_free(m);
	vbuf_free(&body);
	vbuf_free(&rec);
}
END_TEST

/* MaxBodyScan: what is past it is counted, not parsed, and the parser says stop */
START_TEST(mime_scan_cap)
{
	struct vbuf rec = VBUF_INIT(1 << 16);
	struct mime_sink sink = mimerec_sink(&rec);
	struct mime *m = mime_new(10, &sink);

	mime_begin(m, NULL, 0, NULL, 0);
	ck_assert(mime_body(m, "0123", 4));
	ck_assert(!mime_body(m, "456789abcdef", 12));
	ck_assert(!mime_body(m, "ghij", 4));
	mime_end(m);
	ck_assert_str_eq(vbuf_str(&rec), "[plain 0 0]0123456789[/]");
	ck_assert_uint_eq(mime_stats(m)->scanned, 10);
	ck_assert_uint_eq(mime_stats(m)->unscanned, 10);
	ck_assert_uint_eq(mime_stats(m)->flags, MIME_F_SCAN_CAP);
	/* the next message starts clean */
	vbuf_reset(&rec);
	mime_begin(m, NULL, 0, NULL, 0);
	ck_assert(mime_body(m, "x", 1));
	mime_end(m);
	ck_assert_str_eq(vbuf_str(&rec), "[plain 0 0]x[/]");
	ck_assert_uint_eq(mime_stats(m)->unscanned, 0);
	mime_free(m);
	vbuf_free(&rec);
}
END_TEST

struct counter {
	size_t bytes, calls, biggest;
};

/* count_text - a sink that only counts */
static void count_text(void *arg, const struct mime_part *p, const char *s, size_t n)
{
	struct counter *c = arg;

	c->bytes += n;
	c->calls++;
	if (n > c->biggest)
		c->biggest = n;
}

/* a 50 MB base64 body with garbage in 64 KB chunks, and a 5 MB HTML line: bounded pieces */
START_TEST(mime_huge_bodies)
{
	struct counter c = { 0, 0, 0 };
	struct mime_sink sink = { NULL, count_text, NULL, &c };
	struct mime *m = mime_new((size_t)64 << 20, &sink);
	char *chunk = malloc(65536);

	for (size_t i = 0; i < 65536; i++)
		chunk[i] = (i % 78 == 76) ? '\r' : (i % 78 == 77) ? '\n' : (i % 97 == 0) ? '!' : "QUJD"[i % 4];
	mime_begin(m, "multipart/mixed; boundary=b", 27, NULL, 0);
	mime_body(m, "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n", 69);
	for (int i = 0; i < 800; i++)
		mime_body(m, chunk, 65536);
	mime_body(m, "\r\n--b--\r\n", 9);
	mime_end(m);
	ck_assert_uint_gt(c.bytes, (size_t)30 << 20);
	ck_assert_uint_le(c.biggest, 65536);
	ck_assert(mime_stats(m)->flags & MIME_F_BASE64);

	memset(&c, 0, sizeof(c));
	memset(chunk, 'a', 65536);
	mime_begin(m, "multipart/mixed; boundary=b", 27, NULL, 0);
	mime_body(m, "--b\r\nContent-Type: text/html\r\n\r\n<p>", 35);
	for (int i = 0; i < 80; i++)
		mime_body(m, chunk, 65536);
	mime_body(m, "</p>\r\n--b--\r\n", 13);
	mime_end(m);
	ck_assert_uint_eq(c.bytes, 80 * 65536 + 7);
	ck_assert_uint_le(c.biggest, 65536);
	ck_assert_uint_eq(mime_stats(m)->flags, 0);
	free(chunk);
	mime_free(m);
}
END_TEST

/* a body of '-' lines while a multipart is open: each is looked at, none is held long */
START_TEST(mime_dash_lines)
{
	struct counter c = { 0, 0, 0 };
	struct mime_sink sink = { NULL, count_text, NULL, &c };
	struct mime *m = mime_new((size_t)64 << 20, &sink);
	struct vbuf body = VBUF_INIT(1 << 22);

	for (int i = 0; i < 100000; i++)
		vbuf_adds(&body, "--b-not-quite\r\n");
	mime_begin(m, "multipart/mixed; boundary=b", 27, NULL, 0);
	mime_body(m, "--b\r\n\r\n", 7);
	mime_body(m, body.data, body.len);
	mime_end(m);
	ck_assert_uint_eq(c.bytes, body.len - 2);
	vbuf_free(&body);
	mime_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("mime");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, content_type_parses, 0, NELEM(ctype_cases));
	tcase_add_test(tc, content_long_boundary_is_refused);
	tcase_add_test(tc, content_encoding_and_disposition);
	tcase_add_loop_test(tc, mime_parses, 0, NELEM(mime_cases));
	tcase_add_loop_test(tc, mime_split_anywhere, 0, NELEM(mime_cases));
	tcase_add_test(tc, mime_deep_nesting_capped);
	tcase_add_test(tc, mime_part_flood_capped);
	tcase_add_test(tc, mime_scan_cap);
	tcase_add_test(tc, mime_huge_bodies);
	tcase_add_test(tc, mime_dash_lines);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
