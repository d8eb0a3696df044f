/*
 * test_edit - the end-of-message edits worked out without libmilter: which
 * forged fields are deleted and in what order (last index first, per name),
 * which incoming Authentication-Results claim our authserv-id, Subject tagging,
 * the SMTP reply text, and log-safe copies of network text.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "edit.h"
#include "log.h"
#include "reply.h"
#include "tap.h"

/* the deletions edit_strip asked for, in order */
struct calls {
	char text[4096];
	int fail_at;			/* 1-based call that fails; 0: none */
	int n;
};

/* record - edit_strip's callback: note "name#index" */
static bool record(void *ctx, const char *name, unsigned index)
{
	struct calls *c = ctx;
	size_t len = strlen(c->text);

	c->n++;
	snprintf(c->text + len, sizeof(c->text) - len, "%s%s#%u", len ? " " : "", name, index);
	return c->n != c->fail_at;
}

START_TEST(forged_fields_deleted_last_index_first)
{
	static const char *const in[][2] = {
		{ "Received", " from x" },
		{ "X-Vigie-Verdict", " clean" },
		{ "Authentication-Results", " mx.test; dkim=pass" },
		{ "X-Vigie-Reasons", " -" },
		{ "x-vigie-verdict", " clean" },
		{ "Authentication-Results", " other.example; dkim=fail" },
		{ "Authentication-Results", " (c) \"MX.TEST\" 1; spf=pass" },
		{ "X-VIGIE-VERDICT", " clean" },
		{ "X-Vigie", " not ours: no dash after the prefix" },
		{ "Subject", " hello" },
	};
	struct edit e;
	struct calls c = { "", 0, 0 };
	bool failed;

	edit_init(&e);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		edit_header(&e, in[i][0], in[i][1], "mx.test");
	ck_assert_uint_eq(edit_strip(&e, record, &c, &failed), 6);
	ck_assert(!failed);
	ck_assert_str_eq(c.text, "X-Vigie-Verdict#3 X-Vigie-Verdict#2 X-Vigie-Verdict#1"
			 " X-Vigie-Reasons#1 Authentication-Results#3 Authentication-Results#1");
	edit_reset(&e);
	c.text[0] = '\0';
	ck_assert_uint_eq(edit_strip(&e, record, &c, &failed), 0);
	ck_assert_str_eq(c.text, "");
}
END_TEST

START_TEST(a_failed_deletion_is_reported)
{
	struct edit e;
	struct calls c = { "", 2, 0 };
	bool failed;

	edit_init(&e);
	edit_header(&e, "X-Vigie-Verdict", " a", "mx.test");
	edit_header(&e, "X-Vigie-Verdict", " b", "mx.test");
	edit_header(&e, "X-Vigie-Verdict", " c", "mx.test");
	ck_assert_uint_eq(edit_strip(&e, record, &c, &failed), 2);
	ck_assert(failed);
	edit_reset(&e);
}
END_TEST

START_TEST(too_many_forged_names_is_a_failure_not_a_pass)
{
	struct edit e;
	struct calls c = { "", 0, 0 };
	char name[64];
	bool failed;

	edit_init(&e);
	for (int i = 0; i <= EDIT_NAMES_MAX; i++) {
		snprintf(name, sizeof(name), "X-Vigie-F%d", i);
		edit_header(&e, name, " x", NULL);
	}
	ck_assert(e.overflow);
	edit_strip(&e, record, &c, &failed);
	ck_assert(failed);
	edit_reset(&e);
	ck_assert(!e.overflow);
}
END_TEST

/* an incoming Authentication-Results value, and whether it claims to be ours */
static const struct {
	const char *value;
	bool ours;
} authres[] = {
	{ " mx.test; dkim=pass", true },
	{ " MX.Test.; dkim=pass", true },		/* any case, trailing dot */
	{ " mx.test 1; spf=pass", true },		/* with a version */
	{ "\tmx.test;\n\tdkim=none", true },
	{ " (comment (nested)) mx.test; none", true },
	{ " \"mx.test\"; none", true },		/* quoted */
	{ " mx.test.evil.example; dkim=pass", false },
	{ " evil.example; dkim=pass header.d=mx.test", false },
	{ " x mx.test; dkim=pass", false },
	{ "", false },
	{ " (unterminated comment mx.test; x", false },
};

START_TEST(only_results_claiming_our_authserv_id_are_removed)
{
	struct edit e;
	struct calls c = { "", 0, 0 };
	bool failed;

	edit_init(&e);
	edit_header(&e, "Authentication-Results", authres[_i].value, "mx.test");
	ck_assert_uint_eq(edit_strip(&e, record, &c, &failed), authres[_i].ours ? 1 : 0);
	ck_assert_str_eq(c.text, authres[_i].ours ? "Authentication-Results#1" : "");
	edit_reset(&e);
}
END_TEST

static const struct {
	const char *subject;		/* NULL: no Subject field */
	bool leadspc;
	enum edit_subject mode;
	const char *out;
} subjects[] = {
	{ " Votre RIB", true, EDIT_SUBJECT_CHANGE, " [T] Votre RIB" },
	{ "Votre RIB", false, EDIT_SUBJECT_CHANGE, "[T] Votre RIB" },
	{ " [T] Votre RIB", true, EDIT_SUBJECT_KEEP, NULL },
	{ "\t [T] deja", true, EDIT_SUBJECT_KEEP, NULL },
	{ " [t] other case", true, EDIT_SUBJECT_CHANGE, " [T] [t] other case" },
	{ " a\n\tfolded subject", true, EDIT_SUBJECT_CHANGE, " [T] a\n\tfolded subject" },
	{ " =?utf-8?q?R=C3=A9glement?=", true, EDIT_SUBJECT_CHANGE, " [T] =?utf-8?q?R=C3=A9glement?=" },
	{ " ", true, EDIT_SUBJECT_CHANGE, " [T]" },
	{ NULL, true, EDIT_SUBJECT_ADD, " [T]" },
	{ NULL, false, EDIT_SUBJECT_ADD, "[T]" },
};

START_TEST(subject_tagged_once)
{
	struct vbuf out = VBUF_INIT(EDIT_SUBJECT_MAX + 256);
	struct edit e;

	edit_init(&e);
	if (subjects[_i].subject != NULL)
		edit_header(&e, "Subject", subjects[_i].subject, NULL);
	edit_header(&e, "subject", " a second Subject is not the one tagged", NULL);
	if (subjects[_i].subject == NULL)
		edit_reset(&e);
	ck_assert_int_eq(edit_subject(&e, "[T]", subjects[_i].leadspc, &out), subjects[_i].mode);
	if (subjects[_i].out != NULL)
		ck_assert_str_eq(vbuf_str(&out), subjects[_i].out);
	edit_reset(&e);
	vbuf_free(&out);
}
END_TEST

/* a tag with accents: RFC 2047 encoded-words, recognised again once there */
#define TAG_FR "[Usurpation pr\xc3\xa9sum\xc3\xa9" "e]"
#define TAG_FR_Q "=?UTF-8?Q?[Usurpation_pr=C3=A9sum=C3=A9e]?="
#define TAG_FR_Q_SPACE "=?UTF-8?Q?[Usurpation_pr=C3=A9sum=C3=A9e]_?="

static const struct {
	const char *subject;
	enum edit_subject mode;
	const char *out;
} utf8_subjects[] = {
	{ " Votre RIB", EDIT_SUBJECT_CHANGE, " " TAG_FR_Q " Votre RIB" },
	/* before an encoded-word the separating space goes inside ours */
	{ " =?utf-8?q?R=C3=A9glement?=", EDIT_SUBJECT_CHANGE,
	  " " TAG_FR_Q_SPACE " =?utf-8?q?R=C3=A9glement?=" },
	{ " " TAG_FR_Q " Votre RIB", EDIT_SUBJECT_KEEP, NULL },
	{ " " TAG_FR_Q_SPACE " =?utf-8?q?x?=", EDIT_SUBJECT_KEEP, NULL },
	{ " " TAG_FR " sent in 8 bits", EDIT_SUBJECT_KEEP, NULL },
	{ NULL, EDIT_SUBJECT_ADD, " " TAG_FR_Q },
};

START_TEST(utf8_tag_is_encoded_and_recognised)
{
	struct vbuf out = VBUF_INIT(EDIT_SUBJECT_MAX + 256);
	struct edit e;

	edit_init(&e);
	if (utf8_subjects[_i].subject != NULL)
		edit_header(&e, "Subject", utf8_subjects[_i].subject, NULL);
	ck_assert_int_eq(edit_subject(&e, TAG_FR, true, &out), utf8_subjects[_i].mode);
	if (utf8_subjects[_i].out != NULL)
		ck_assert_str_eq(vbuf_str(&out), utf8_subjects[_i].out);
	edit_reset(&e);
	vbuf_free(&out);
}
END_TEST

/* q_decode - the text of "=?UTF-8?Q?...?=" words separated by spaces */
static void q_decode(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (*s != '\0' && n + 1 < size) {
		ck_assert_msg(strncmp(s, "=?UTF-8?Q?", 10) == 0, "not an encoded-word: %s", s);
		const char *end = strstr(s + 10, "?=");

		ck_assert_ptr_nonnull(end);
		ck_assert_int_le(end + 2 - s, 75);
		for (const char *p = s + 10; p < end && n + 1 < size; p++) {
			if (*p == '_') {
				out[n++] = ' ';
			} else if (*p == '=') {
				unsigned v;

				ck_assert_int_eq(sscanf(p + 1, "%2x", &v), 1);
				out[n++] = (char)v;
				p += 2;
			} else {
				ck_assert_msg(*p > 32 && *p < 127 && *p != '?', "bad byte in %s", s);
				out[n++] = *p;
			}
		}
		s = end + 2;
		if (*s == ' ')
			s++;
	}
	out[n] = '\0';
}

START_TEST(long_utf8_tag_splits_into_short_words)
{
	/* 64 bytes of 2- and 3-byte characters: several words, none cut mid-character */
	static const char tag[] =
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99"
		"\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99"
		"[ALERTE] ok";
	struct vbuf out = VBUF_INIT(EDIT_SUBJECT_MAX + 256);
	char decoded[256];
	struct edit e;

	edit_init(&e);
	ck_assert_int_eq(edit_subject(&e, tag, false, &out), EDIT_SUBJECT_ADD);
	ck_assert_ptr_nonnull(strstr(vbuf_str(&out), "?= =?UTF-8?Q?"));
	q_decode(vbuf_str(&out), decoded, sizeof(decoded));
	ck_assert_str_eq(decoded, tag);
	edit_reset(&e);
	vbuf_free(&out);
}
END_TEST

START_TEST(subject_too_long_to_redo_is_kept)
{
	struct vbuf out = VBUF_INIT(EDIT_SUBJECT_MAX + 256);
	static char big[EDIT_SUBJECT_MAX + 10];
	struct edit e;

	memset(big, 'x', sizeof(big) - 1);
	edit_init(&e);
	edit_header(&e, "Subject", big, NULL);
	ck_assert_int_eq(edit_subject(&e, "[T]", true, &out), EDIT_SUBJECT_KEEP);
	edit_reset(&e);
	vbuf_free(&out);
}
END_TEST

static const struct {
	const char *tmpl;
	const char *brand;
	const char *out;
} replies[] = {
	{ "Message refus\xc3\xa9 : usurpation probable de %b", "Viamedis",
	  "Message refuse : usurpation probable de Viamedis" },
	{ "usurpation de %b", "Sant\xc3\xa9" "clair", "usurpation de Santeclair" },
	{ "usurpation de %b", NULL, "usurpation de tiers payant" },
	{ "100%% s\xc3\xbbr", NULL, "100%% sur" },
	{ "\xc5\x92uvre \xe2\x82\xac \xc3\x87" "a", NULL, "OEuvre ? Ca" },
	/* French typography: curly apostrophe, guillemets with no-break spaces, ellipsis */
	{ "l\xe2\x80\x99usurpation \xc2\xab\xc2\xa0%b\xc2\xa0\xc2\xbb\xe2\x80\xaf: refus\xc3\xa9\xe2\x80\xa6",
	  "Viamedis", "l'usurpation << Viamedis >> : refuse..." },
	{ "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 %b", "X", "????? X" },
	{ "%b%b", "A%B", "A%%BA%%B" },
	{ "tab\there", NULL, "tab here" },
};

START_TEST(reject_reply_is_ascii_with_brand)
{
	struct vbuf out;

	reply_text(replies[_i].tmpl, replies[_i].brand, &out);
	ck_assert_str_eq(vbuf_str(&out), replies[_i].out);
	vbuf_free(&out);
}
END_TEST

START_TEST(reject_reply_capped_without_half_a_percent)
{
	char tmpl[REPLY_MAX * 2];
	struct vbuf out;

	memset(tmpl, 'a', REPLY_MAX - 1);
	memcpy(tmpl + REPLY_MAX - 1, "%%%%", 5);
	reply_text(tmpl, NULL, &out);
	ck_assert_uint_le(out.len, REPLY_MAX);
	ck_assert_uint_eq(out.len, REPLY_MAX - 1);
	vbuf_free(&out);
}
END_TEST

static const struct {
	const char *in;
	size_t size;
	const char *out;
} safe[] = {
	{ "4Tq1ZX0abc", 64, "4Tq1ZX0abc" },
	{ "evil\r\nFAKE: line", 64, "evil??FAKE: line" },
	{ "esc\x1b[31m", 64, "esc?[31m" },
	{ "viam\xc3\xa9" "dis.fr", 64, "viam\xc3\xa9" "dis.fr" },
	{ "abcdefghijklmnop", 8, "abcd..." },
	{ "abc\xc3\xa9\xc3\xa9xyz", 8, "abc..." },	/* no half character */
	{ NULL, 8, "" },
};

START_TEST(log_safe_neutralises_network_text)
{
	char buf[64];

	ck_assert_str_eq(log_safe(buf, safe[_i].size, safe[_i].in), safe[_i].out);
}
END_TEST

/* suite - every case above */
static Suite *suite(void)
{
	Suite *s = suite_create("edit");
	TCase *tc = tcase_create("edit");

	tcase_add_test(tc, forged_fields_deleted_last_index_first);
	tcase_add_test(tc, a_failed_deletion_is_reported);
	tcase_add_test(tc, too_many_forged_names_is_a_failure_not_a_pass);
	tcase_add_loop_test(tc, only_results_claiming_our_authserv_id_are_removed, 0,
			    sizeof(authres) / sizeof(authres[0]));
	tcase_add_loop_test(tc, subject_tagged_once, 0, sizeof(subjects) / sizeof(subjects[0]));
	tcase_add_test(tc, subject_too_long_to_redo_is_kept);
	tcase_add_loop_test(tc, utf8_tag_is_encoded_and_recognised, 0,
			    sizeof(utf8_subjects) / sizeof(utf8_subjects[0]));
	tcase_add_test(tc, long_utf8_tag_splits_into_short_words);
	tcase_add_loop_test(tc, reject_reply_is_ascii_with_brand, 0,
			    sizeof(replies) / sizeof(replies[0]));
	tcase_add_test(tc, reject_reply_capped_without_half_a_percent);
	tcase_add_loop_test(tc, log_safe_neutralises_network_text, 0, sizeof(safe) / sizeof(safe[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(suite());
}
