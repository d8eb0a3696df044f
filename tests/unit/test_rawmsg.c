/*
 * test_rawmsg - raw messages and mbox streams turned into milter-style
 * calls: header values as libmilter gives them, end of header in every
 * form, CRLF bodies, mbox separators and >From unquoting, caps, and the
 * same calls whatever the chunking.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "rawmsg.h"
#include "tap.h"
#include "vbuf.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* rec_begin .. rec_end - "B(sender)H[name][value]...E<body>Z" */
static void rec_begin(void *arg, const char *env)
{
	vbuf_printf(arg, "B(%s)", env ? env : "");
}

static void rec_header(void *arg, const char *name, const char *value)
{
	vbuf_printf(arg, "H[%s][%s]", name, value);
}

static void rec_eoh(void *arg)
{
	vbuf_adds(arg, "E");
}

static void rec_body(void *arg, const char *s, size_t n)
{
	vbuf_add(arg, s, n);
}

static void rec_end(void *arg)
{
	vbuf_adds(arg, "Z");
}

static const struct {
	bool mbox;
	const char *in;
	size_t len;		/* 0: strlen */
	const char *want;
} cases[] = {
	{ 0, "From: a@b\r\nSubject: hi\r\n\r\nbody\r\n", 0, "B()H[From][ a@b]H[Subject][ hi]Ebody\r\nZ" },
	{ 0, "From: a@b\nSubject: hi\n there\n\nline1\nline2\n", 0,
	  "B()H[From][ a@b]H[Subject][ hi\n there]Eline1\r\nline2\r\nZ" },
	{ 0, "Subject: a\r\n\tb\r\n \r\n\r\n", 0, "B()H[Subject][ a\n\tb\n ]EZ" },
	{ 0, "Subject: x\r\nnot a header\r\nmore\r\n", 0, "B()H[Subject][ x]Enot a header\r\nmore\r\nZ" },
	{ 0, "Subject: x", 0, "B()H[Subject][ x]EZ" },
	{ 0, "From sender@x Mon Jan  1 00:00:00 2024\r\nSubject: y\r\n\r\nb", 0,
	  "B(sender@x)H[Subject][ y]Eb\r\nZ" },
	{ 0, "", 0, "" },
	{ 0, "\n", 0, "B()EZ" },
	{ 0, "Subject : x\r\n\r\n", 0, "B()H[Subject ][ x]EZ" },
	{ 0, "Subject:x\r\n\r\na\rb\nc\r\nd", 0, "B()H[Subject][x]Ea\rb\r\nc\r\nd\r\nZ" },
	{ 0, "Sub\xe9ject: x\r\n\r\n", 0, "B()ESub\xe9ject: x\r\n\r\nZ" },
	{ 0, " x\r\nSubject: y\r\n", 0, "B()E x\r\nSubject: y\r\nZ" },
	{ 0, "Subject: a\0b\r\n\r\n", 16, "B()H[Subject][ a]EZ" },
	{ 0, "From : x@y\r\n\r\n", 0, "B()H[From ][ x@y]EZ" },
	/* mbox */
	{ 1, "From a@x Mon\nSubject: 1\n\nbody1\n>From here\n>>From there\n\nFrom b@y Tue\nSubject: 2\n\nbody2\n", 0,
	  "B(a@x)H[Subject][ 1]Ebody1\r\nFrom here\r\n>From there\r\nZB(b@y)H[Subject][ 2]Ebody2\r\nZ" },
	{ 1, "From a@x Mon\n\nb\n\n\nFrom c@d Tue\n\n", 0, "B(a@x)Eb\r\n\r\nZB(c@d)EZ" },
	{ 1, "From a@x Mon\n\nb\nFrom c@d Tue\n\nx\n", 0, "B(a@x)Eb\r\nZB(c@d)Ex\r\nZ" },
	{ 1, "Subject: x\n\nb\nFrom a@b c\n\n", 0, "B()H[Subject][ x]Eb\r\nZB(a@b)EZ" },
	{ 1, "From a@b x\nFrom : weird\n\nb\n", 0, "B(a@b)H[From ][ weird]Eb\r\nZ" },
	{ 1, "From a@b x\n\nb\n\n", 0, "B(a@b)Eb\r\n\r\nZ" },
	{ 1, "From a@b x\r\n\r\nFrom: in body\r\n>From x\r\n", 0, "B(a@b)EFrom: in body\r\nFrom x\r\nZ" },
};

/* run - split in two at split, or byte by byte past the end */
static void run(size_t i, size_t split, struct vbuf *out, const struct rawmsg_stats **st,
		struct rawmsg **rp)
{
	struct rawmsg_sink sink = { rec_begin, rec_header, rec_eoh, rec_body, rec_end, out };
	struct rawmsg *r = rawmsg_new(cases[i].mbox, &sink);
	const char *in = cases[i].in;
	size_t n = cases[i].len ? cases[i].len : strlen(in);

	if (split <= n) {
		rawmsg_feed(r, in, split);
		rawmsg_feed(r, in + split, n - split);
	} else {
		for (size_t k = 0; k < n; k++)
			rawmsg_feed(r, in + k, 1);
	}
	rawmsg_finish(r);
	*st = rawmsg_stats(r);
	*rp = r;
}

START_TEST(rawmsg_calls)
{
	size_t n = cases[_i].len ? cases[_i].len : strlen(cases[_i].in);

	for (size_t split = 0; split <= n + 1; split++) {
		struct vbuf out = VBUF_INIT(1 << 16);
		const struct rawmsg_stats *st;
		struct rawmsg *r;

		run((size_t)_i, split, &out, &st, &r);
		ck_assert_msg(out.len == strlen(cases[_i].want) &&
			      memcmp(vbuf_str(&out), cases[_i].want, out.len) == 0,
			      "case %d split %zu: \"%s\"", _i, split, vbuf_str(&out));
		rawmsg_free(r);
		vbuf_free(&out);
	}
}
END_TEST

/* a field past Postfix's header_size_limit is cut; the next field is intact */
START_TEST(rawmsg_long_field_cut)
{
	struct vbuf in = VBUF_INIT(1 << 20), out = VBUF_INIT(1 << 20);
	struct rawmsg_sink sink = { NULL, rec_header, NULL, NULL, NULL, &out };
	struct rawmsg *r = rawmsg_new(false, &sink);

	vbuf_adds(&in, "To: ");
	for (int i = 0; i < 20000; i++)
		vbuf_adds(&in, "a@b.fr,\r\n ");
	vbuf_adds(&in, "x@y.fr\r\nSubject: after\r\n\r\n");
	rawmsg_feed(r, in.data, in.len);
	rawmsg_finish(r);
	ck_assert_uint_eq(rawmsg_stats(r)->fields, 2);
	ck_assert_uint_eq(rawmsg_stats(r)->fields_cut, 1);
	ck_assert_ptr_nonnull(strstr(vbuf_str(&out), "H[Subject][ after]"));
	ck_assert_uint_le(out.len, RAWMSG_FIELD_MAX + 64);
	rawmsg_free(r);
	vbuf_free(&in);
	vbuf_free(&out);
}
END_TEST

struct chunks {
	size_t bytes, calls, biggest;
};

/* count_body - counts body chunks */
static void count_body(void *arg, const char *s, size_t n)
{
	struct chunks *c = arg;

	c->bytes += n;
	c->calls++;
	if (n > c->biggest)
		c->biggest = n;
}

/* a 50 MB LF body with a 5 MB line comes out CRLF in chunks no bigger than libmilter's */
START_TEST(rawmsg_big_body_chunks)
{
	struct chunks c = { 0, 0, 0 };
	struct rawmsg_sink sink = { NULL, NULL, NULL, count_body, NULL, &c };
	char *buf = malloc(1 << 20);

	for (int mbox = 0; mbox < 2; mbox++) {
		struct rawmsg *r = rawmsg_new(mbox, &sink);

		memset(&c, 0, sizeof(c));
		for (size_t i = 0; i < (1 << 20); i++)
			buf[i] = i % 100 == 99 ? '\n' : 'x';
		rawmsg_feed(r, "Subject: x\n\n", 12);
		for (int i = 0; i < 45; i++)
			rawmsg_feed(r, buf, 1 << 20);
		memset(buf, 'y', 1 << 20);
		for (int i = 0; i < 5; i++)
			rawmsg_feed(r, buf, 1 << 20);
		rawmsg_feed(r, "\n", 1);
		rawmsg_finish(r);
		ck_assert_uint_eq(c.bytes, 50u * (1 << 20) + 45u * ((1 << 20) / 100) + 2);
		ck_assert_uint_le(c.biggest, RAWMSG_CHUNK);
		rawmsg_free(r);
	}
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rawmsg");
	TCase *tc = tcase_create("rawmsg");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, rawmsg_calls, 0, NELEM(cases));
	tcase_add_test(tc, rawmsg_long_field_cut);
	tcase_add_test(tc, rawmsg_big_body_chunks);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
