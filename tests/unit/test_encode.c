/*
 * test_encode - the encoders vigie writes message text with: quoted-printable
 * and base64 give back, through the decoders the parsers use, exactly the
 * bytes they were given, whatever the cut, in lines of at most 76
 * characters, with only the characters their encoding allows.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "b64enc.h"
#include "base64.h"
#include "qp.h"
#include "qpenc.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const enc_samples[] = {
	"",
	"plain ascii",
	"Caf\xc3\xa9 cr\xc3\xa8me\r\n",
	"a=b\r\nc = d\r\n",
	"trailing space \r\nand tab\t\r\nend ",
	"bare\nlf and bare\rcr\r",
	"\r\r\n\n\r\n",
	"x\x00y\x01z\x7f\xff",
	"From the start\r\n.\r\n",
	"a very long line of text that goes on and on well past seventy-six columns, "
	"with words, = signs, \xc3\xa9 accents and more words to force several soft breaks",
	"                                                                                  ",
};

/* enc_qp - encode in as pieces cut at split (and at every byte when fine) */
static size_t enc_qp(const char *in, size_t n, size_t split, bool fine, bool crlf, char *out)
{
	struct qpenc q;
	size_t o = 0;

	qpenc_init(&q, crlf);
	if (fine) {
		for (size_t i = 0; i < n; i++)
			o += qpenc_encode(&q, in + i, 1, out + o);
	} else {
		o += qpenc_encode(&q, in, split, out);
		o += qpenc_encode(&q, in + split, n - split, out + o);
	}
	o += qpenc_end(&q, out + o);
	return o;
}

/* enc_lines_ok - every line at most 76 characters, printable ASCII or the line break */
static bool enc_lines_ok(const char *s, size_t n, bool qp)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			if (qp && i > 0 && (s[i - 1 - (i > 1 && s[i - 1] == '\r')] == ' ' ||
					    s[i - 1 - (i > 1 && s[i - 1] == '\r')] == '\t'))
				return false;	/* white space at a line end */
			col = 0;
			continue;
		}
		if ((c < 32 && !(qp && c == '\t')) || c > 126 || ++col > 76)
			return false;
	}
	return true;
}

START_TEST(qp_round_trips_at_any_cut)
{
	const char *in = enc_samples[_i];
	size_t n = _i == 7 ? 7 : strlen(in);	/* sample 7 holds a NUL: its 7 bytes */
	for (int crlf = 0; crlf < 2; crlf++) {
		for (size_t split = 0; split <= n; split++) {
			char enc[2048], dec[2048];
			struct qp q;
			size_t e = enc_qp(in, n, split, split == n && n > 0, crlf, enc), d;

			ck_assert_msg(enc_lines_ok(enc, e, true), "bad QP line for sample %d: %.*s",
				      _i, (int)e, enc);
			qp_init(&q);
			d = qp_decode(&q, enc, e, dec);
			d += qp_end(&q, dec + d);
			ck_assert_uint_eq(d, n);
			ck_assert_msg(memcmp(dec, in, n) == 0, "sample %d cut at %zu", _i, split);
			ck_assert_uint_eq(q.bad, 0);
		}
	}
}
END_TEST

START_TEST(qp_keeps_hard_breaks_and_escapes_the_rest)
{
	char enc[256];
	size_t e = enc_qp("a \r\nb=\n\xe9", 8, 8, false, true, enc);

	enc[e] = '\0';
	ck_assert_str_eq(enc, "a=20\r\nb=3D=0A=E9");
	e = enc_qp("a \nb\r\n", 6, 6, false, false, enc);
	enc[e] = '\0';
	ck_assert_str_eq(enc, "a=20\nb=0D\n");
}
END_TEST

START_TEST(qp_never_starts_a_line_with_a_dash)
{
	char in[200], enc[1024];
	size_t e;

	/* a boundary-like line, and one pushed to a line start by a soft break */
	e = enc_qp("--b\r\nx--b", 9, 9, false, true, enc);
	enc[e] = '\0';
	ck_assert_str_eq(enc, "=2D-b\r\nx--b");
	memset(in, 'a', 75);
	memcpy(in + 75, "--outer", 7);
	e = enc_qp(in, 82, 82, false, true, enc);
	enc[e] = '\0';
	ck_assert_ptr_nonnull(strstr(enc, "=\r\n=2D-outer"));
}
END_TEST

START_TEST(base64_round_trips_at_any_cut)
{
	char in[600];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 37 + 11);
	for (size_t n = 0; n < sizeof(in); n += (n < 10 ? 1 : 97)) {
		for (size_t split = 0; split <= n; split += (n < 10 ? 1 : 13)) {
			char enc[2048], dec[1024];
			struct b64enc b;
			struct base64 d;
			size_t e = 0, o;

			b64enc_init(&b, split & 1);
			e += b64enc_encode(&b, in, split, enc);
			e += b64enc_encode(&b, in + split, n - split, enc + e);
			e += b64enc_end(&b, enc + e);
			ck_assert(enc_lines_ok(enc, e, false));
			base64_init(&d);
			o = base64_decode(&d, enc, e, dec);
			o += base64_end(&d, dec + o);
			ck_assert_uint_eq(o, n);
			ck_assert(memcmp(dec, in, n) == 0);
			ck_assert_uint_eq(d.garbage, 0);
		}
	}
}
END_TEST

START_TEST(base64_writes_full_lines_and_pads_the_last)
{
	char in[58], enc[256];
	struct b64enc b;
	size_t e;

	memset(in, 'a', sizeof(in));
	b64enc_init(&b, true);
	e = b64enc_encode(&b, in, sizeof(in), enc);
	e += b64enc_end(&b, enc + e);
	enc[e] = '\0';
	ck_assert_uint_eq(e, 76 + 2 + 4);
	ck_assert_str_eq(enc + 78, "YQ==");
	ck_assert(enc[76] == '\r' && enc[77] == '\n');
}
END_TEST

/* encode_suite - the cases */
static Suite *encode_suite(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tcase_create("encode");

	tcase_add_loop_test(tc, qp_round_trips_at_any_cut, 0, NELEM(enc_samples));
	tcase_add_test(tc, qp_keeps_hard_breaks_and_escapes_the_rest);
	tcase_add_test(tc, qp_never_starts_a_line_with_a_dash);
	tcase_add_test(tc, base64_round_trips_at_any_cut);
	tcase_add_test(tc, base64_writes_full_lines_and_pads_the_last);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(encode_suite());
}
