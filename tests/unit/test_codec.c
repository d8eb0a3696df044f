/*
 * test_codec - the decoders under the parsers: UTF-8 checking and repair,
 * base64 and quoted-printable (forgiving, streaming: same output whatever
 * the cut), and charset streams through ICU.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "charset.h"
#include "qp.h"
#include "tap.h"
#include "utf8.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *in, *out;
	size_t bad;
} qp_cases[] = {
	{ "a=3Db", "a=b", 0 },
	{ "Caf=C3=A9", "Café", 0 },
	{ "caf=c3=a9", "café", 0 },
	{ "soft=\r\nbreak", "softbreak", 0 },
	{ "soft= \t\r\nbreak", "softbreak", 0 },
	{ "lf=\nbreak", "lfbreak", 0 },
	{ "bare=\rcr", "barecr", 0 },
	{ "keep\r\nlines\n", "keep\r\nlines\n", 0 },
	{ "=zz", "=zz", 1 },
	{ "a= b", "a= b", 1 },
	{ "=3", "=3", 1 },
	{ "=", "=", 1 },
	{ "end=\r", "end", 0 },
	{ "==41", "=A", 1 },
};

/* qp_run - decode in two pieces cut at split */
static size_t qp_run(const char *in, size_t split, char *out, size_t *bad)
{
	struct qp q;
	size_t n = strlen(in), o;

	qp_init(&q);
	o = qp_decode(&q, in, split, out);
	o += qp_decode(&q, in + split, n - split, out + o);
	o += qp_end(&q, out + o);
	*bad = q.bad;
	return o;
}

START_TEST(qp_decodes_at_any_cut)
{
	size_t n = strlen(qp_cases[_i].in);

	for (size_t split = 0; split <= n; split++) {
		char out[256];
		size_t bad, o = qp_run(qp_cases[_i].in, split, out, &bad);

		ck_assert_msg(o == strlen(qp_cases[_i].out) && memcmp(out, qp_cases[_i].out, o) == 0,
			      "%s split %zu: %.*s", qp_cases[_i].in, split, (int)o, out);
		ck_assert_uint_eq(bad, qp_cases[_i].bad);
	}
}
END_TEST

static const struct {
	const char *in, *out;
	size_t garbage, dropped;
} b64_cases[] = {
	{ "SGVsbG8=", "Hello", 0, 0 },
	{ "SGVs\r\nbG8=\r\n", "Hello", 0, 0 },
	{ "SGVs bG8", "Hello", 0, 0 },
	{ "SGVs!bG8=", "Hello", 1, 0 },
	{ "SGVsbG8=SGVsbG8=", "HelloHello", 0, 0 },
	{ "SGVsbA==bG8=", "Helllo", 0, 0 },
	{ "S", "", 0, 1 },
	{ "SG", "H", 0, 0 },
	{ "====", "", 0, 0 },
	{ "\x80\xff*", "", 3, 0 },
};

START_TEST(base64_decodes_at_any_cut)
{
	size_t n = strlen(b64_cases[_i].in);

	for (size_t split = 0; split <= n; split++) {
		struct base64 b;
		char out[64];
		size_t o;

		base64_init(&b);
		o = base64_decode(&b, b64_cases[_i].in, split, out);
		o += base64_decode(&b, b64_cases[_i].in + split, n - split, out + o);
		o += base64_end(&b, out + o);
		ck_assert_msg(o == strlen(b64_cases[_i].out) && memcmp(out, b64_cases[_i].out, o) == 0,
			      "%s split %zu", b64_cases[_i].in, split);
		ck_assert_uint_eq(b.garbage, b64_cases[_i].garbage);
		ck_assert_uint_eq(b.dropped, b64_cases[_i].dropped);
	}
}
END_TEST

static const struct {
	const char *in;
	size_t len, used;
	uint32_t cp;
} decode_cases[] = {
	{ "A", 1, 1, 'A' },
	{ "\xc3\xa9", 2, 2, 0xe9 },
	{ "\xe2\x82\xac", 3, 3, 0x20ac },
	{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
	{ "\xc0\x80", 2, 1, UTF8_INVALID },		/* overlong */
	{ "\xe0\x80\x80", 3, 1, UTF8_INVALID },		/* overlong */
	{ "\xed\xa0\x80", 3, 1, UTF8_INVALID },		/* surrogate */
	{ "\xf4\x90\x80\x80", 4, 1, UTF8_INVALID },	/* past U+10FFFF */
	{ "\xc3", 1, 1, UTF8_INVALID },			/* cut short */
	{ "\x80", 1, 1, UTF8_INVALID },
	{ "\xff", 1, 1, UTF8_INVALID },
};

START_TEST(utf8_decode_is_strict)
{
	uint32_t cp;
	size_t used = utf8_decode(decode_cases[_i].in, decode_cases[_i].len, &cp);

	ck_assert_uint_eq(used, decode_cases[_i].used);
	ck_assert_uint_eq(cp, decode_cases[_i].cp);
}
END_TEST

START_TEST(utf8_repair_and_partial_tails)
{
	struct vbuf out = VBUF_INIT(64);

	utf8_repair(&out, "a\xe9\x80\xc3\xa9\x81z", 7);
	ck_assert_str_eq(vbuf_str(&out), "aé€é\xef\xbf\xbdz");
	ck_assert_uint_eq(utf8_partial_tail("a\xc3", 2), 1);
	ck_assert_uint_eq(utf8_partial_tail("a\xe2\x82", 3), 2);
	ck_assert_uint_eq(utf8_partial_tail("a\xf0\x9f\x98", 4), 3);
	ck_assert_uint_eq(utf8_partial_tail("a\xc3\xa9", 3), 0);
	ck_assert_uint_eq(utf8_partial_tail("a\xe0\x80", 3), 0);	/* can never be well-formed */
	ck_assert_uint_eq(utf8_partial_tail("a\xf5", 2), 0);
	ck_assert_uint_eq(utf8_valid_prefix("abcdefghij\xc3\xa9kl\xff", 15), 14);
	vbuf_free(&out);
}
END_TEST

/* a string into a fixed buffer: whole when it fits, else cut before the character that does not */
START_TEST(utf8_copy_cuts_on_characters)
{
	char buf[5];

	utf8_copy(buf, sizeof(buf), "abcd");
	ck_assert_str_eq(buf, "abcd");
	utf8_copy(buf, sizeof(buf), "abc\xc3\xa9");
	ck_assert_str_eq(buf, "abc");
	utf8_copy(buf, sizeof(buf), "ab\xc3\xa9z");
	ck_assert_str_eq(buf, "ab\xc3\xa9");
	utf8_copy(buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "");
}
END_TEST

static const struct {
	const char *charset;
	const char *in;
	size_t len;
	const char *out;
	bool known;
} stream_cases[] = {
	{ "utf-8", "Viam\xc3\xa9" "dis \xe2\x82\xac", 13, "Viamédis €", true },
	{ "", "Viam\xe9" "dis", 8, "Viamédis", true },
	{ "us-ascii", "\xc3\xa9\xe9", 3, "éé", true },
	{ "iso-8859-1", "\x80\xe9", 2, "€é", true },
	{ "koi8-r", "\xd0\xd2\xc9\xd7\xc5\xd4", 6, "привет", true },
	{ "utf-16le", "V\0i\0a\0", 6, "Via", true },
	{ "iso-2022-jp", "\x1b$B$K$[$s\x1b(B", 12, "にほん", true },
	{ "shift_jis", "\x82\xc9\x82\xd9\x82\xf1", 6, "にほん", true },
	{ "x-nobody-knows", "a\xe9", 2, "aé", false },
	{ "bad label\x01", "a", 1, "a", false },
};

START_TEST(charset_stream_at_any_cut)
{
	struct charset cs;
	size_t n = stream_cases[_i].len;

	charset_init(&cs, 8);
	for (size_t split = 0; split <= n; split++) {
		struct charset_stream st;
		struct vbuf out = VBUF_INIT(256);
		const char *name = stream_cases[_i].charset;
		bool known;

		charset_stream_begin(&st, &cs, name, strlen(name), &known);
		ck_assert(known == stream_cases[_i].known);
		charset_stream_feed(&st, stream_cases[_i].in, split, &out);
		charset_stream_feed(&st, stream_cases[_i].in + split, n - split, &out);
		charset_stream_end(&st, &out);
		ck_assert_msg(strcmp(vbuf_str(&out), stream_cases[_i].out) == 0, "%s split %zu: %s",
			      name, split, vbuf_str(&out));
		vbuf_free(&out);
	}
	charset_free(&cs);
}
END_TEST

/* the open budget holds: past it, a new label is read as unknown, cached ones still work */
START_TEST(charset_open_budget)
{
	static const char *labels[] = { "koi8-r", "iso-8859-2", "iso-8859-5", "windows-1251" };
	struct charset cs;
	bool known;

	charset_init(&cs, 2);
	ck_assert_ptr_nonnull(charset_lookup(&cs, labels[0], strlen(labels[0]), &known));
	ck_assert_ptr_nonnull(charset_lookup(&cs, labels[1], strlen(labels[1]), &known));
	ck_assert_ptr_null(charset_lookup(&cs, labels[2], strlen(labels[2]), &known));
	ck_assert(!known);
	ck_assert_ptr_nonnull(charset_lookup(&cs, labels[0], strlen(labels[0]), &known));
	charset_reset(&cs);
	ck_assert_ptr_nonnull(charset_lookup(&cs, labels[3], strlen(labels[3]), &known));
	ck_assert(known);
	charset_free(&cs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("codec");

	tcase_add_loop_test(tc, qp_decodes_at_any_cut, 0, NELEM(qp_cases));
	tcase_add_loop_test(tc, base64_decodes_at_any_cut, 0, NELEM(b64_cases));
	tcase_add_loop_test(tc, utf8_decode_is_strict, 0, NELEM(decode_cases));
	tcase_add_test(tc, utf8_repair_and_partial_tails);
	tcase_add_test(tc, utf8_copy_cuts_on_characters);
	tcase_add_loop_test(tc, charset_stream_at_any_cut, 0, NELEM(stream_cases));
	tcase_add_test(tc, charset_open_budget);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
