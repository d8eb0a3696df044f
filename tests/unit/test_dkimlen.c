/*
 * test_dkimlen - where l= ends in a raw body: the canonical length, simple
 * and relaxed (RFC 6376 sections 3.4.3, 3.4.4), against the limit; white
 * space and empty lines held back until something follows; the same answer
 * however the body is cut.
 */
#include <config.h>

#include <string.h>

#include "dkimlen.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	bool relaxed;
	const char *body;
	unsigned long long limit;
	long past;		/* index of the first byte past the limit, -1: none */
} cases[] = {
	{ false, "abc\r\n", 5, -1 },
	{ false, "abc\r\nd", 5, 5 },
	{ false, "abc\r\n\r\n\r\n", 5, -1 },		/* trailing empty lines: not counted */
	{ false, "abc\r\n\r\n\r\nd", 5, 9 },		/* ... until text follows them */
	{ false, "abc  \r\n", 5, 6 },			/* simple keeps white space */
	{ true, "abc  \r\n", 5, -1 },			/* relaxed drops it at line ends */
	{ true, "a  b\r\n", 5, -1 },			/* and runs of it are one SP */
	{ true, "a  b\r\n", 4, 5 },			/* the CRLF goes past */
	{ true, "abc\r\n   \r\n\t\r\n", 5, -1 },	/* blank lines end the body: nothing */
	{ true, "abc\r\n \r\nx", 5, 8 },
	{ true, "  x\r\n", 1, 2 },			/* leading white space: one SP, then x */
	{ false, "ab\rc\r\n", 3, 3 },			/* a lone CR is text */
	{ false, "abc\ndef\n", 5, 4 },			/* bare LF read as a line end */
	{ false, "", 0, -1 },
	{ false, "x", 0, 0 },
	{ true, "\r\n\r\n", 0, -1 },
};

/* first_past - the body cut every `cut` bytes; the index of the first byte past, -1 if none */
static long first_past(bool relaxed, const char *body, unsigned long long limit, size_t cut)
{
	struct dkimlen d;
	size_t n = strlen(body);

	dkimlen_init(&d, relaxed, limit);
	if (cut == 0)
		cut = n ? n : 1;
	for (size_t i = 0; i < n; i += cut) {
		size_t take = n - i < cut ? n - i : cut, k = dkimlen_feed(&d, body + i, take);

		if (k < take)
			return (long)(i + k);
	}
	ck_assert(!d.passed);
	return -1;
}

START_TEST(dkimlen_table)
{
	for (size_t cut = 0; cut <= 4; cut++) {
		long got = first_past(cases[_i].relaxed, cases[_i].body, cases[_i].limit, cut);

		ck_assert_msg(got == cases[_i].past, "case %d cut %zu: %ld, want %ld", _i, cut, got,
			      cases[_i].past);
	}
}
END_TEST

/* once past, the rest is not read: every later piece is "none" */
START_TEST(dkimlen_stops_once_past)
{
	struct dkimlen d;

	dkimlen_init(&d, true, 2);
	ck_assert_uint_eq(dkimlen_feed(&d, "abcd", 4), 2);
	ck_assert(d.passed);
	ck_assert_uint_eq(dkimlen_feed(&d, "efgh", 4), 4);
}
END_TEST

/* dkimlen_suite - the cases of this file */
static Suite *dkimlen_suite(void)
{
	Suite *s = suite_create("dkimlen");
	TCase *tc = tcase_create("dkimlen");

	tcase_add_loop_test(tc, dkimlen_table, 0, NELEM(cases));
	tcase_add_test(tc, dkimlen_stops_once_past);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(dkimlen_suite());
}
