/*
 * test_header - field names, caps, unfolding, and RFC 2047 decoding:
 * CPython's email test cases, RFC 2047's own examples, charsets through ICU,
 * and hostile values (controls, broken words, floods of "=?").
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define ENC HEADER_DEC_ENCODED
#define BAD HEADER_DEC_MALFORMED
#define CHS HEADER_DEC_CHARSET
#define RAW HEADER_DEC_8BIT
#define BU8 HEADER_DEC_BADUTF8
#define CTL HEADER_DEC_CONTROL

static const struct {
	const char *in, *out;
	unsigned flags;
} decode_cases[] = {
	/* CPython test_email TestRFC2047 */
	{ "Sm=?ISO-8859-1?B?9g==?=rg=?ISO-8859-1?B?5Q==?=sbord", "Smörgåsbord", ENC },
	{ "Sm =?ISO-8859-1?B?9g==?= rg =?ISO-8859-1?B?5Q==?= sbord", "Sm ö rg å sbord", ENC },
	{ "=?iso-8859-1?B?dm==?=", "v", ENC },
	{ "=?iso-8859-1?B?dm=?=", "v", ENC },
	{ "=?iso-8859-1?B?dm?=", "v", ENC },
	{ "=?iso-8859-1?B?dmk=?=", "vi", ENC },
	{ "=?iso-8859-1?B?dmk?=", "vi", ENC },
	{ "=?iso-8859-1?Q?andr=e9=zz?=", "andré=zz", ENC | BAD },
	{ "(=?ISO-8859-1?Q?a?=)", "(a)", ENC },
	{ "(=?ISO-8859-1?Q?a?= b)", "(a b)", ENC },
	{ "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)", ENC },
	{ "(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)", ENC },
	{ "(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)", ENC },
	{ "(=?ISO-8859-1?Q?a?=\n    =?ISO-8859-1?Q?b?=)", "(ab)", ENC },
	{ "(=?ISO-8859-1?Q?a_b?=)", "(a b)", ENC },
	{ "(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)", ENC },
	{ "=?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@dom.ain>", "André Pirard <pirard@dom.ain>", ENC },
	{ "The =?iso-8859-1?b?cXVpY2sgYnJvd24gZm94?= jumped over the =?iso-8859-1?b?bGF6eSBkb2c=?=",
	  "The quick brown fox jumped over the lazy dog", ENC },
	{ "=?windows-1252?q?=22M=FCller_T=22?=\r\n <T.Mueller@xxx.com>",
	  "\"Müller T\" <T.Mueller@xxx.com>", ENC },
	{ "Re: =?macintosh?q?r=8Aksm=9Arg=8Cs?= baz\n foo bar =?macintosh?q?r=8Aksm=9Arg=8Cs?=",
	  "Re: räksmörgås baz foo bar räksmörgås", ENC },
	/* mac-iceland is unknown to ICU: bytes read as windows-1252, and said so */
	{ "Re: =?mac-iceland?q?r=8Aksm=9Arg=8Cs?=", "Re: rŠksmšrgŒs", ENC | CHS | BU8 },
	/* CPython test__encoded_words */
	{ "=?us-ascii?q?foo?=", "foo", ENC },
	{ "=?us-ascii?B?dmk=?=", "vi", ENC },
	{ "=?latin-1?q?=20F=fcr=20Elise=20?=", "Für Elise", ENC },
	{ "=?us-ascii?b?dm\x01k===?=", "vi", ENC | BAD },
	{ "=?us-ascii?b?dm\x01k?=", "vi", ENC | BAD },
	{ "=?us-ascii*jive?q?test?=", "test", ENC },
	{ "=?unknown-8bit?q?foo=ACbar?=", "foo¬bar", ENC | CHS | BU8 },
	{ "=?foobar?q?foo=ACbar?=", "foo¬bar", ENC | CHS | BU8 },
	{ "=?utf-8?q?=C3=89ric?=", "Éric", ENC },
	{ "=?us-ascii?b?abcde?=", "i·", ENC | BAD | CTL | BU8 },
	{ "=?badone?=", "=?badone?=", BAD },
	{ "=?", "=?", BAD },
	{ "=?utf-8?X?somevalue?=", "=?utf-8?X?somevalue?=", BAD },
	{ "=?utf-8?q?unterminated", "=?utf-8?q?unterminated", BAD },
	/* a character split across two words, joined before conversion */
	{ "=?utf-8?q?Viam=C3?= =?utf-8?q?=A9dis?=", "Viamédis", ENC },
	{ "=?utf-8?b?w6k=?=", "é", ENC },
	{ "=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "éé", ENC },
	{ "=?utf-8?q?" "?=", "", ENC },
	{ "a =?utf-8?q?" "?= b", "a  b", ENC },
	/* lenient where clients are: spaces and '?' inside, glued words */
	{ "=?utf-8?q?Via medis?=", "Via medis", ENC },
	{ "=?utf-8?q?a?b?=", "a?b", ENC },
	{ "Service=?utf-8?q?_Viamedis?=", "Service Viamedis", ENC },
	/* charsets through ICU, stateful ones included */
	{ "=?koi8-r?b?0NLJ18XU?=", "привет", ENC },
	{ "=?iso-2022-jp?b?GyRCJEskWyRzGyhC?=", "にほん", ENC },
	{ "=?utf-16be?b?AFYAaQBh?=", "Via", ENC },
	{ "=?utf-16?b?//5WAGkAYQA=?=", "Via", ENC },
	{ "=?gb2312?b?1tDOxA==?=", "中文", ENC },
	{ "=?iso-8859-1?q?=80?=", "€", ENC },
	{ "=?iso-8859-15?q?=A4?=", "€", ENC },
	/* controls inside encoded words are neutralised */
	{ "=?utf-8?q?Via=0D=0Amedis?=", "Via  medis", ENC | CTL },
	{ "=?utf-8?q?Via=00medis?=", "Viamedis", ENC | CTL },
	{ "=?utf-8?q?Via=C2=85medis=7F?=", "Viamedis", ENC | CTL },
	{ "=?utf-8?q?=09Viamedis=09?=", "Viamedis", ENC },
	/* raw 8-bit text: UTF-8 kept, anything else read as windows-1252 */
	{ "Viam\xc3\xa9" "dis", "Viamédis", RAW },
	{ "Viam\xe9" "dis \x80", "Viamédis €", RAW | BU8 },
	{ "\xed\xa0\x80", "í\xc2\xa0€", RAW | BU8 },
	{ "=?utf-8?q?Viam=E9dis?=", "Viamédis", ENC | BU8 },
	/* folding and trimming */
	{ " Votre  compte\r\n\tViamedis ", "Votre  compte Viamedis", 0 },
	{ "a\nb", "a b", 0 },
	{ "", "", 0 },
	{ "\r\n ", "", 0 },
};

/* each row: the decoded text and exactly the flags expected */
START_TEST(decode_gives_text_and_flags)
{
	struct header h;
	struct vbuf out = VBUF_INIT(HEADER_TEXT_MAX);
	unsigned flags;

	header_init(&h);
	flags = header_decode(&h, decode_cases[_i].in, strlen(decode_cases[_i].in), &out);
	ck_assert_msg(strcmp(vbuf_str(&out), decode_cases[_i].out) == 0,
		      "\"%s\" gave \"%s\", want \"%s\"",
		      decode_cases[_i].in, vbuf_str(&out), decode_cases[_i].out);
	ck_assert_msg(flags == decode_cases[_i].flags, "\"%s\" flags %#x, want %#x",
		      decode_cases[_i].in, flags, decode_cases[_i].flags);
	vbuf_free(&out);
	header_free(&h);
}
END_TEST

START_TEST(decode_appends_after_existing_text)
{
	struct header h;
	struct vbuf out = VBUF_INIT(100);

	header_init(&h);
	vbuf_adds(&out, "x: ");
	header_decode(&h, " =?utf-8?q?=C3=A9?= ", 20, &out);
	ck_assert_str_eq(vbuf_str(&out), "x: é");
	vbuf_free(&out);
	header_free(&h);
}
END_TEST

START_TEST(decode_output_cut_at_cap)
{
	struct header h;
	struct vbuf out = VBUF_INIT(5);
	unsigned flags;

	header_init(&h);
	flags = header_decode(&h, "=?utf-8?q?abcdefgh?=", 20, &out);
	ck_assert_str_eq(vbuf_str(&out), "abcde");
	ck_assert(flags & HEADER_DEC_TRUNCATED);
	/* a cut never leaves half a character */
	vbuf_reset(&out);
	flags = header_decode(&h, "ééé", 6, &out);
	ck_assert_str_eq(vbuf_str(&out), "éé");
	ck_assert(flags & HEADER_DEC_TRUNCATED);
	vbuf_free(&out);
	header_free(&h);
}
END_TEST

/* a value made of "=?" openers with no "?=" must not take quadratic time */
START_TEST(decode_flood_of_openers_is_linear)
{
	struct header h;
	struct vbuf out = VBUF_INIT(HEADER_TEXT_MAX);
	char *v = malloc(HEADER_VALUE_MAX);
	unsigned flags;

	for (size_t i = 0; i + 7 <= HEADER_VALUE_MAX; i += 7)
		memcpy(v + i, "=?a?q?x", 7);
	size_t len = HEADER_VALUE_MAX / 7 * 7;

	header_init(&h);
	for (int r = 0; r < 50; r++) {
		vbuf_reset(&out);
		flags = header_decode(&h, v, len, &out);
	}
	ck_assert_uint_eq(out.len, len);
	ck_assert_uint_eq(flags, HEADER_DEC_MALFORMED);
	free(v);
	vbuf_free(&out);
	header_free(&h);
}
END_TEST

/* many words in many charsets: each converter is opened once per message at most */
START_TEST(decode_many_charsets)
{
	static const char *cs[] = { "koi8-r", "iso-8859-2", "iso-8859-5", "windows-1251",
				    "iso-8859-7", "big5", "euc-kr", "shift_jis", "iso-8859-15",
				    "windows-1250" };
	struct header h;
	struct vbuf in = VBUF_INIT(HEADER_VALUE_MAX), out = VBUF_INIT(HEADER_TEXT_MAX);

	header_init(&h);
	for (int i = 0; i < 200; i++)
		vbuf_printf(&in, "=?%s?q?a?= ", cs[i % 10]);
	header_decode(&h, vbuf_str(&in), in.len, &out);
	ck_assert_uint_eq(out.len, 200);
	ck_assert_uint_le(h.cs.opens, 64);
	vbuf_free(&in);
	vbuf_free(&out);
	header_free(&h);
}
END_TEST

static const struct {
	const char *name;
	enum header_id id;
} id_cases[] = {
	{ "From", HEADER_FROM }, { "FROM", HEADER_FROM }, { "from \t", HEADER_FROM },
	{ "Reply-To", HEADER_REPLY_TO }, { "reply-to", HEADER_REPLY_TO },
	{ "Sender", HEADER_SENDER }, { "Subject", HEADER_SUBJECT },
	{ "Return-Path", HEADER_RETURN_PATH }, { "Content-Type", HEADER_CONTENT_TYPE },
	{ "content-transfer-encoding", HEADER_CONTENT_TRANSFER_ENCODING },
	{ "DKIM-Signature", HEADER_DKIM_SIGNATURE },
	{ "Authentication-Results", HEADER_AUTHENTICATION_RESULTS },
	{ "X-Vigie-Verdict", HEADER_X_VIGIE }, { "x-vigie-reasons", HEADER_X_VIGIE },
	{ "X-Vigie", HEADER_OTHER }, { "Fromage", HEADER_OTHER }, { "", HEADER_OTHER },
	{ "Received", HEADER_OTHER }, { "List-Id", HEADER_LIST_ID },
};

START_TEST(id_names_fields)
{
	ck_assert_msg(header_id(id_cases[_i].name, strlen(id_cases[_i].name)) == id_cases[_i].id,
		      "%s", id_cases[_i].name);
}
END_TEST

START_TEST(admit_caps_counts_and_sizes)
{
	struct header h;
	char big[HEADER_VALUE_MAX + 10];
	size_t len;

	header_init(&h);
	for (int i = 0; i < HEADER_FIELDS_MAX; i++) {
		len = 1;
		ck_assert(header_admit(&h, HEADER_OTHER, "x", &len));
	}
	len = 1;
	ck_assert(!header_admit(&h, HEADER_OTHER, "x", &len));
	/* a flood of other fields does not push From out */
	for (int i = 0; i < HEADER_SAME_MAX; i++) {
		len = 1;
		ck_assert(header_admit(&h, HEADER_FROM, "x", &len));
	}
	ck_assert(!header_admit(&h, HEADER_FROM, "x", &len));
	ck_assert_uint_eq(h.seen[HEADER_FROM], HEADER_SAME_MAX + 1);
	ck_assert_uint_eq(h.skipped, 2);
	/* a long value is cut on a character boundary */
	memset(big, 'a', sizeof(big));
	memcpy(big + HEADER_VALUE_MAX - 1, "\xc3\xa9", 2);
	len = sizeof(big);
	ck_assert(header_admit(&h, HEADER_SUBJECT, big, &len));
	ck_assert_uint_eq(len, HEADER_VALUE_MAX - 1);
	ck_assert_uint_eq(h.truncated, 1);
	header_reset(&h);
	ck_assert_uint_eq(h.fields, 0);
	ck_assert_uint_eq(h.seen[HEADER_FROM], 0);
	header_free(&h);
}
END_TEST

static const struct {
	const char *in, *out;
} unfold_cases[] = {
	{ "a\r\n b", "a b" }, { "a\n\tb", "a\tb" }, { "a\r\nb", "a b" }, { "a\nb", "a b" },
	{ "a\r\n", "a" }, { "a\r", "a\r" }, { "\n", "" }, { "a\n \n b", "a  b" },
};

START_TEST(unfold_removes_folds)
{
	struct vbuf out = VBUF_INIT(100);

	header_unfold(unfold_cases[_i].in, strlen(unfold_cases[_i].in), &out);
	ck_assert_str_eq(vbuf_str(&out), unfold_cases[_i].out);
	vbuf_free(&out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("header");
	TCase *tc = tcase_create("header");

	tcase_add_loop_test(tc, decode_gives_text_and_flags, 0, NELEM(decode_cases));
	tcase_add_test(tc, decode_appends_after_existing_text);
	tcase_add_test(tc, decode_output_cut_at_cap);
	tcase_add_test(tc, decode_flood_of_openers_is_linear);
	tcase_add_test(tc, decode_many_charsets);
	tcase_add_loop_test(tc, id_names_fields, 0, NELEM(id_cases));
	tcase_add_test(tc, admit_caps_counts_and_sizes);
	tcase_add_loop_test(tc, unfold_removes_folds, 0, NELEM(unfold_cases));
	suite_add_tcase(s, tc);
	return tap_run(s);
}
