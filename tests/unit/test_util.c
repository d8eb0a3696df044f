/*
 * test_util - the capped buffer, a text's lines and the findings list.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsname.h"
#include "hmap.h"
#include "lines.h"
#include "reason.h"
#include "tap.h"
#include "vbuf.h"

/* lines_join - the lines of a text, each followed by '|' */
static void lines_join(const char *text, size_t len, bool bom, char *out, size_t size)
{
	struct lines it;
	const char *s;
	size_t n, o = 0;

	lines_init(&it, text, len, bom);
	while (lines_next(&it, &s, &n) && o + n + 1 < size) {
		memcpy(out + o, s, n);
		o += n;
		out[o++] = '|';
	}
	out[o] = '\0';
}

/* a line ends at LF (a CR stays), the last may lack it, a byte order mark goes where allowed */
START_TEST(lines_split_at_lf)
{
	static const struct {
		const char *text;
		bool bom;
		const char *want;
	} c[] = {
		{ "", true, "" },
		{ "a", false, "a|" },
		{ "a\n", false, "a|" },
		{ "a\r\n\nb", false, "a\r||b|" },
		{ "\xef\xbb\xbf" "a\n", true, "a|" },
		{ "\xef\xbb\xbf" "a\n", false, "\xef\xbb\xbf" "a|" },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		lines_join(c[i].text, strlen(c[i].text), c[i].bom, out, sizeof(out));
		ck_assert_str_eq(out, c[i].want);
	}
}
END_TEST

START_TEST(vbuf_keeps_what_fits_and_flags_overflow)
{
	struct vbuf b = VBUF_INIT(8);

	ck_assert(vbuf_adds(&b, "abcd"));
	ck_assert(!vbuf_adds(&b, "efghij"));
	ck_assert_str_eq(vbuf_str(&b), "abcdefgh");
	ck_assert_uint_eq(b.len, 8);
	ck_assert(b.overflow);
	ck_assert(!vbuf_addc(&b, 'x'));
	ck_assert_uint_eq(b.len, 8);
	vbuf_reset(&b);
	ck_assert(!b.overflow);
	ck_assert_str_eq(vbuf_str(&b), "");
	vbuf_free(&b);
}
END_TEST

START_TEST(vbuf_printf_grows_past_the_stack_buffer)
{
	struct vbuf b = VBUF_INIT(10000);
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert(vbuf_printf(&b, "<%s>", big));
	ck_assert_uint_eq(b.len, 1001);
	ck_assert_int_eq(vbuf_str(&b)[1000], '>');
	vbuf_free(&b);
}
END_TEST

START_TEST(vbuf_printf_cut_at_cap)
{
	struct vbuf b = VBUF_INIT(5);

	ck_assert(!vbuf_printf(&b, "%d", 1234567));
	ck_assert_str_eq(vbuf_str(&b), "12345");
	vbuf_free(&b);
}
END_TEST

START_TEST(vbuf_binary_with_nul)
{
	struct vbuf b = VBUF_INIT(16);

	ck_assert(vbuf_add(&b, "a\0b", 3));
	ck_assert_uint_eq(b.len, 3);
	ck_assert_mem_eq(b.data, "a\0b", 4);
	vbuf_truncate(&b, 1);
	ck_assert_str_eq(vbuf_str(&b), "a");
	vbuf_free(&b);
}
END_TEST

/* vbuf_read_file: a whole file within the cap; each failure told apart */
START_TEST(vbuf_read_file_whole_capped_and_failures)
{
	char dir[] = "/tmp/vigie-vbuf.XXXXXX", path[64];
	struct vbuf b = VBUF_INIT(8);
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(vbuf_read_file(&b, path), VBUF_READ_OPEN);
	ck_assert_int_eq(errno, ENOENT);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("12345678", f);
	fclose(f);
	ck_assert_int_eq(vbuf_read_file(&b, path), VBUF_READ_OK);
	ck_assert_str_eq(vbuf_str(&b), "12345678");
	vbuf_free(&b);
	f = fopen(path, "a");
	fputs("9", f);
	fclose(f);
	ck_assert_int_eq(vbuf_read_file(&b, path), VBUF_READ_BIG);
	ck_assert(b.overflow);
	vbuf_free(&b);
	ck_assert_int_eq(vbuf_read_file(&b, dir), VBUF_READ_IO);
	ck_assert_int_eq(errno, EISDIR);
	vbuf_free(&b);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(reason_names_round_trip)
{
	for (int i = 0; i < REASON_CODE_COUNT; i++) {
		enum reason_code c;

		ck_assert(reason_code_lookup(reason_code_name(i), &c));
		ck_assert_int_eq(c, i);
	}
	ck_assert_str_eq(reason_code_name(REASON_BRAND_UNAUTHENTICATED), "brand-unauthenticated");
	ck_assert_str_eq(reason_where_name(WHERE_REPLY_TO), "reply-to");
	ck_assert_str_eq(reason_code_name((enum reason_code)999), "unknown");
}
END_TEST

START_TEST(reason_list_merges_duplicates_and_counts_drops)
{
	struct reason_list l;

	reason_list_init(&l);
	reason_add(&l, REASON_TYPO, WHERE_FROM, NULL, 40, "viamdis.fr", "first");
	reason_add(&l, REASON_TYPO, WHERE_FROM, NULL, 70, "viamdis.fr", "stronger");
	reason_add(&l, REASON_TYPO, WHERE_FROM, NULL, 10, "viamdis.fr", "weaker");
	ck_assert_uint_eq(l.count, 1);
	ck_assert_int_eq(l.item[0].strength, 70);
	ck_assert_str_eq(l.item[0].detail, "stronger");
	for (int i = 0; i < REASON_LIST_MAX + 5; i++) {
		char s[16];

		snprintf(s, sizeof(s), "d%d.fr", i);
		reason_add(&l, REASON_LINK_LOOKALIKE, WHERE_LINK, NULL, 50, s, NULL);
	}
	ck_assert_uint_eq(l.count, REASON_LIST_MAX);
	ck_assert_uint_eq(l.dropped, 6);
	ck_assert(reason_has(&l, REASON_LINK_LOOKALIKE));
	ck_assert(!reason_has(&l, REASON_LURE));
}
END_TEST

START_TEST(reason_subject_is_printable_ascii)
{
	struct reason_list l;
	char raw[400];

	memset(raw, 'a', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	raw[3] = '\r';
	raw[4] = '\n';
	raw[5] = (char)0xc3;
	reason_list_init(&l);
	reason_add(&l, REASON_BAD_FROM, WHERE_FROM, NULL, 100, raw, "x");
	ck_assert_uint_eq(strlen(l.item[0].subject), REASON_SUBJECT_MAX);
	/* CR, LF and a lone lead byte each become '?' */
	ck_assert_mem_eq(l.item[0].subject, "aaa???aa", 8);
}
END_TEST

START_TEST(reason_subject_shows_code_points)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Viam\xc3\xa9" "dis", "Viam[U+00E9]dis" },
		{ "V\xd1\x96" "amedis", "V[U+0456]amedis" },
		{ "Via\xe2\x80\x8b" "medis", "Via[U+200B]medis" },
		{ "a\xf0\x9f\x98\x80", "a[U+1F600]" },
		{ "bad\xff\xfe", "bad??" },
		{ "nul\x01\x7f", "nul??" },
	};
	char out[REASON_SUBJECT_MAX + 1];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reason_subject_copy(out, sizeof(out), cases[i].in, strlen(cases[i].in));
		ck_assert_str_eq(out, cases[i].out);
	}
	/* an escape that does not fit is left out whole */
	reason_subject_copy(out, 8, "ab\xc3\xa9", 4);
	ck_assert_str_eq(out, "ab");
}
END_TEST

START_TEST(reason_detail_cut_on_a_character_boundary)
{
	struct reason_list l;
	char text[REASON_DETAIL_MAX + 8];
	size_t len;

	/* "é" is two bytes: a detail one byte too long must lose the whole character */
	memset(text, 'a', REASON_DETAIL_MAX - 1);
	memcpy(text + REASON_DETAIL_MAX - 1, "\xc3\xa9zz", 5);
	reason_list_init(&l);
	reason_add(&l, REASON_TYPO, WHERE_FROM, NULL, 50, "x", "%s", text);
	len = strlen(l.item[0].detail);
	ck_assert_uint_eq(len, REASON_DETAIL_MAX - 1);
	ck_assert_int_eq(l.item[0].detail[len - 1], 'a');
}
END_TEST

/* util_suite - the cases of this file */
START_TEST(hmap_keeps_first_value_and_grows)
{
	struct hmap m = HMAP_INIT;
	static char keys[1000][8];
	size_t v;

	ck_assert(!hmap_get(&m, "x", 1, &v));
	for (size_t i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		ck_assert(hmap_put(&m, keys[i], strlen(keys[i]), i));
	}
	ck_assert(!hmap_put(&m, "k7", 2, 99));		/* present: not replaced */
	ck_assert_uint_eq(m.count, 1000);
	ck_assert_uint_le(2 * m.count, m.cap);		/* at most half full */
	for (size_t i = 0; i < 1000; i++) {
		ck_assert(hmap_get(&m, keys[i], strlen(keys[i]), &v));
		ck_assert_uint_eq(v, i);
	}
	ck_assert(!hmap_get(&m, "k1000", 5, &v));
	ck_assert(!hmap_get(&m, "k1", 1, &v));		/* a prefix is another key */
	ck_assert(hmap_put(&m, "", 0, 5) && hmap_get(&m, "", 0, &v) && v == 5);
	hmap_free(&m);
	ck_assert(!hmap_get(&m, "k1", 2, &v));
}
END_TEST

/* one rule for what a DNS name is: length, labels, characters */
static const struct {
	const char *name;
	bool ok;
} dnsnames[] = {
	{ "viamedis.fr", true },
	{ "s2024._domainkey.viamedis.fr", true },
	{ "_dmarc.ameli.fr", true },
	{ "a-b.c_d.example", true },
	{ "", false },
	{ ".viamedis.fr", false },
	{ "viamedis..fr", false },
	{ "viamedis.fr.", false },
	{ "via medis.fr", false },
	{ "viam\xc3\xa9dis.fr", false },
	{ "a\nb.fr", false },
};

START_TEST(dnsname_syntax)
{
	ck_assert_msg(dnsname_ok(dnsnames[_i].name, strlen(dnsnames[_i].name)) == dnsnames[_i].ok,
		      "%s", dnsnames[_i].name);
}
END_TEST

START_TEST(dnsname_limits)
{
	char name[DNSNAME_MAX + 2];

	memset(name, 'a', DNSNAME_LABEL_MAX);
	ck_assert(dnsname_ok(name, DNSNAME_LABEL_MAX));
	memset(name, 'a', DNSNAME_LABEL_MAX + 1);
	ck_assert(!dnsname_ok(name, DNSNAME_LABEL_MAX + 1));
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 octets */
	memset(name, 'a', sizeof(name));
	for (size_t i = 63; i < DNSNAME_MAX; i += 64)
		name[i] = '.';
	ck_assert(dnsname_ok(name, DNSNAME_MAX));
	name[DNSNAME_MAX] = 'a';
	ck_assert(!dnsname_ok(name, DNSNAME_MAX + 1));
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, lines_split_at_lf);
	tcase_add_test(tc, vbuf_keeps_what_fits_and_flags_overflow);
	tcase_add_test(tc, vbuf_printf_grows_past_the_stack_buffer);
	tcase_add_test(tc, vbuf_printf_cut_at_cap);
	tcase_add_test(tc, vbuf_binary_with_nul);
	tcase_add_test(tc, vbuf_read_file_whole_capped_and_failures);
	tcase_add_test(tc, reason_names_round_trip);
	tcase_add_test(tc, reason_list_merges_duplicates_and_counts_drops);
	tcase_add_test(tc, reason_subject_is_printable_ascii);
	tcase_add_test(tc, reason_subject_shows_code_points);
	tcase_add_test(tc, reason_detail_cut_on_a_character_boundary);
	tcase_add_loop_test(tc, dnsname_syntax, 0, sizeof(dnsnames) / sizeof(dnsnames[0]));
	tcase_add_test(tc, dnsname_limits);
	tcase_add_test(tc, hmap_keeps_first_value_and_grows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(util_suite());
}
