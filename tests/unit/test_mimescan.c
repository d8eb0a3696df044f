/*
 * test_mimescan - the lines of a MIME body as the parser and the rewriter
 * both read them: where a line ends, which lines are boundaries (and take the
 * line break before them), what the lines of a header section are; that the
 * reading does not depend on where the body is cut into chunks, and that
 * every byte comes out once (content, held line break or whole line).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "mimescan.h"
#include "tap.h"
#include "vbuf.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A reader that writes what it is told into a transcript. */
struct rec {
	struct mimescan sc;
	struct vbuf out;
	bool parts;		/* a header section follows each boundary */
	bool copy;		/* write the bytes back as they came instead */
};

static void rec_content(void *arg, const char *p, size_t n)
{
	struct rec *r = arg;

	vbuf_add(&r->out, p, n);
}

static void rec_line(void *arg, const struct mimescan_line *l)
{
	static const char kind[] = "BCFOEY";
	struct rec *r = arg;
	bool boundary = l->kind == MIMESCAN_BOUNDARY || l->kind == MIMESCAN_CLOSE;

	if (r->copy) {
		if (boundary)
			vbuf_add(&r->out, l->held, l->held_len);
		if (l->kind != MIMESCAN_BODY)
			vbuf_add(&r->out, l->s, l->n);
	} else {
		vbuf_printf(&r->out, "{%c", kind[l->kind]);
		if (boundary)
			vbuf_printf(&r->out, "%u%s|%.*s", l->level, l->in_headers ? "h" : "",
				    (int)l->held_len, l->held);
		vbuf_printf(&r->out, "%s|%.*s}", l->cut ? "!" : "", (int)l->n, l->s);
	}
	if (r->parts && l->kind == MIMESCAN_BOUNDARY)
		mimescan_headers(&r->sc, true);
}

/* rec_run - a body read in chunks of chunk bytes, the multiparts open, into r->out */
static void rec_run(struct rec *r, const char *body, size_t chunk, const char *levels)
{
	size_t n = strlen(body);

	vbuf_reset(&r->out);
	mimescan_reset(&r->sc);
	for (const char *b = levels; *b; b++)
		mimescan_push(&r->sc, b, 1);
	for (size_t i = 0; i < n; i += chunk)
		mimescan_feed(&r->sc, body + i, n - i < chunk ? n - i : chunk);
	mimescan_end(&r->sc);
	mimescan_release(&r->sc);
}

static void rec_init(struct rec *r, size_t line_max, bool parts, bool copy)
{
	struct mimescan_sink sink = { rec_content, rec_line, r };

	memset(r, 0, sizeof(*r));
	mimescan_init(&r->sc, line_max, &sink);
	vbuf_init(&r->out, 1 << 20);
	r->parts = parts;
	r->copy = copy;
}

static void rec_free(struct rec *r)
{
	mimescan_free(&r->sc);
	vbuf_free(&r->out);
}

static const struct {
	const char *name;
	const char *levels;	/* one-letter boundaries of the open multiparts, outermost first */
	bool parts;
	const char *body;
	const char *want;
} cases[] = {
	{ "lines stream as content while no multipart is open", "", false,
	  "a\n--b\r\nc", "a\n--b\r\nc" },
	{ "a boundary takes the line break before it", "b", false,
	  "x\r\n--b\r\ny\r\n", "x{B0|\r\n|--b\r\n}y\r\n" },
	{ "a close delimiter may end in white space", "b", false,
	  "x\n--b-- \t\nepilogue", "x{C0|\n|--b-- \t\n}epilogue" },
	{ "lines that are almost boundaries are content", "b", false,
	  "--bx\n--b -\n-b\n--\n", "--bx\n--b -\n-b\n--\n" },
	{ "an enclosing boundary closes the inner multipart", "ab", false,
	  "--a\n--b\n", "{B0||--a\n}--b\n" },
	{ "the innermost boundary is read first", "ab", false,
	  "--b\n--a--\n", "{B1||--b\n}{C0||--a--\n}" },
	{ "a closed multipart has no boundary any more", "b", false,
	  "--b--\n--b\n", "{C0||--b--\n}--b\n" },
	{ "a line too long to be a boundary is content", "b", false,
	  "--b                                                                     "
	  "                                                                        "
	  "                                                                        "
	  "                                                                        "
	  "                                                                        \nx",
	  "--b                                                                     "
	  "                                                                        "
	  "                                                                        "
	  "                                                                        "
	  "                                                                        \nx" },
	{ "a lone CR is content", "b", false,
	  "a\rb\n--b\r\r\n", "a\rb\n--b\r\r\n" },
	{ "a CR ending the body in content is content", "", false, "a\r", "a\r" },
	{ "the last line may have no line break", "b", false,
	  "x\n--b--", "x{C0|\n|--b--}" },
	{ "a CR ending the body ends the line looked at whole", "b", false,
	  "x\n--b--\r", "x{C0|\n|--b--\r}" },
	{ "a header section: fields, folds, its empty line", "b", true,
	  "--b\r\nContent-Type: text/plain\r\n\tx\r\n\r\nbody\r\n--b--\r\n",
	  "{B0||--b\r\n}{F|Content-Type: text/plain\r\n}{O|\tx\r\n}{E|\r\n}body{C0|\r\n|--b--\r\n}" },
	{ "white space before the colon still makes a field", "b", true,
	  "--b\nName \t: v\n\n", "{B0||--b\n}{F|Name \t: v\n}{E|\n}" },
	{ "a line that is not a field ends the section and is body", "b", true,
	  "--b\nnot a field\nrest\n", "{B0||--b\n}{Y|not a field\n}not a field\nrest\n" },
	{ "a folded line with no field before it is body", "b", true,
	  "--b\n\tx\n", "{B0||--b\n}{Y|\tx\n}\tx\n" },
	{ "a CR ending the body in a header section does not end it", "b", true,
	  "--b\nA: 1\n\r", "{B0||--b\n}{F|A: 1\n}{O|\r}" },
	{ "a boundary cuts a header section short", "b", true,
	  "--b\nA: 1\n--b--\n", "{B0||--b\n}{F|A: 1\n}{C0h||--b--\n}" },
};

START_TEST(scan_reads)
{
	struct rec r;

	rec_init(&r, 0, cases[_i].parts, false);
	rec_run(&r, cases[_i].body, 1 << 20, cases[_i].levels);
	ck_assert_msg(strcmp(vbuf_str(&r.out), cases[_i].want) == 0, "%s: got \"%s\"",
		      cases[_i].name, vbuf_str(&r.out));
	rec_free(&r);
}
END_TEST

/* the same reading whatever the chunks */
START_TEST(scan_split_anywhere)
{
	struct rec r;
	size_t n = strlen(cases[_i].body);

	rec_init(&r, 0, cases[_i].parts, false);
	for (size_t chunk = 1; chunk <= n; chunk++) {
		rec_run(&r, cases[_i].body, chunk, cases[_i].levels);
		ck_assert_msg(strcmp(vbuf_str(&r.out), cases[_i].want) == 0,
			      "%s, chunks of %zu: got \"%s\"", cases[_i].name, chunk, vbuf_str(&r.out));
	}
	rec_free(&r);
}
END_TEST

/* every byte comes out once: content, a held line break, or a line looked at whole */
START_TEST(scan_loses_nothing)
{
	struct rec r;

	rec_init(&r, 1024, cases[_i].parts, true);
	for (size_t chunk = 1; chunk <= 7; chunk += 3) {
		rec_run(&r, cases[_i].body, chunk, cases[_i].levels);
		ck_assert_msg(strcmp(vbuf_str(&r.out), cases[_i].body) == 0, "%s: got \"%s\"",
			      cases[_i].name, vbuf_str(&r.out));
	}
	rec_free(&r);
}
END_TEST

/* the body's first line break is known, and the same however it is cut */
START_TEST(scan_first_line_break)
{
	static const struct {
		const char *levels, *body;
		bool known, crlf;
	} b[] = {
		{ "", "no break", false, false },
		{ "", "lf\ncrlf\r\n", true, false },
		{ "", "crlf\r\nlf\n", true, true },
		{ "b", "--b\r\nlf\n", true, true },
		{ "b", "--b\nx\r\n", true, false },
		{ "b", "content\r\n--b\n", true, true },
		{ "", "\r\n\n", true, true },
	};
	struct rec r;

	rec_init(&r, 64, false, false);
	for (int i = 0; i < NELEM(b); i++) {
		for (size_t chunk = 1; chunk <= strlen(b[i].body); chunk++) {
			bool crlf, known;

			rec_run(&r, b[i].body, chunk, b[i].levels);
			known = mimescan_crlf(&r.sc, &crlf);
			ck_assert_msg(known == b[i].known && (!known || crlf == b[i].crlf),
				      "%s, chunks of %zu", b[i].body, chunk);
		}
	}
	rec_free(&r);
}
END_TEST

/* a CR that fills the line a boundary could be, then its LF: one line break, however cut */
START_TEST(scan_cr_at_the_line_cap)
{
	struct rec r;
	struct vbuf body = VBUF_INIT(4096), want = VBUF_INIT(4096);

	rec_init(&r, 0, false, false);
	vbuf_addc(&body, '-');
	while (body.len < MIMESCAN_BLINE_MAX - 1)
		vbuf_addc(&body, 'x');
	vbuf_add(&want, body.data, body.len);
	vbuf_adds(&body, "\r\n--b\n");
	vbuf_adds(&want, "{B0|\r\n|--b\n}");
	for (size_t chunk = 1; chunk <= body.len; chunk++) {
		rec_run(&r, vbuf_str(&body), chunk, "b");
		ck_assert_msg(strcmp(vbuf_str(&r.out), vbuf_str(&want)) == 0, "chunks of %zu", chunk);
	}
	vbuf_free(&body);
	vbuf_free(&want);
	rec_free(&r);
}
END_TEST

/* a header line past the cap is cut, and says so; the section goes on */
START_TEST(scan_cut_header_line)
{
	struct rec r;
	struct vbuf body = VBUF_INIT(4096), want = VBUF_INIT(4096);

	rec_init(&r, 0, true, false);
	vbuf_adds(&body, "--b\r\nX-Long: ");
	for (int i = 0; i < 500; i++)
		vbuf_addc(&body, 'y');
	vbuf_adds(&body, "\r\n\r\n");
	vbuf_adds(&want, "{B0||--b\r\n}{F!|");
	vbuf_add(&want, body.data + 5, MIMESCAN_BLINE_MAX);
	vbuf_adds(&want, "}{E|\r\n}");
	rec_run(&r, body.data, 1 << 20, "b");
	ck_assert_str_eq(vbuf_str(&r.out), vbuf_str(&want));
	vbuf_free(&body);
	vbuf_free(&want);
	rec_free(&r);
}
END_TEST

/* levels: a stack of MIMESCAN_LEVELS_MAX, and which are still open */
START_TEST(scan_levels)
{
	struct rec r;

	rec_init(&r, 64, false, false);
	for (int i = 0; i < MIMESCAN_LEVELS_MAX; i++)
		ck_assert_int_eq(mimescan_push(&r.sc, "b", 1), i);
	ck_assert_int_eq(mimescan_push(&r.sc, "b", 1), -1);
	rec_run(&r, "--b--\n", 1 << 20, "ab");
	ck_assert(mimescan_unclosed(&r.sc, 0));
	ck_assert(!mimescan_unclosed(&r.sc, 1));
	rec_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mimescan");
	TCase *tc = tcase_create("mimescan");

	tcase_add_loop_test(tc, scan_reads, 0, NELEM(cases));
	tcase_add_loop_test(tc, scan_split_anywhere, 0, NELEM(cases));
	tcase_add_loop_test(tc, scan_loses_nothing, 0, NELEM(cases));
	tcase_add_test(tc, scan_cr_at_the_line_cap);
	tcase_add_test(tc, scan_cut_header_line);
	tcase_add_test(tc, scan_first_line_break);
	tcase_add_test(tc, scan_levels);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
