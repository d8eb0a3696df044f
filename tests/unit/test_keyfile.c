/*
 * test_keyfile - the TestPublicKeys file: what loads, how it is found, and
 * every error with its file and line.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "keyfile.h"
#include "tap.h"

START_TEST(keyfile_loads_lines_comments_and_crlf)
{
	static const char text[] =
		"# test keys\n"
		"\n"
		"s1._domainkey.viamedis.fr v=DKIM1; k=rsa; p=AAAA\n"
		"S2._DomainKey.Almerys.COM\t \tv=DKIM1; k=ed25519; p=BBBB  \r\n"
		"a.b._domainkey.sub.example.test v=DKIM1; p=\r\n"
		"last._domainkey.example.test p=CCCC";
	char err[256] = "";
	struct keyfile *kf = keyfile_parse(text, sizeof(text) - 1, "keys", err, sizeof(err));

	ck_assert_msg(kf != NULL, "%s", err);
	ck_assert_uint_eq(keyfile_count(kf), 4);
	ck_assert_str_eq(keyfile_find(kf, "s1._domainkey.viamedis.fr"), "v=DKIM1; k=rsa; p=AAAA");
	ck_assert_str_eq(keyfile_find(kf, "s2._domainkey.almerys.com"), "v=DKIM1; k=ed25519; p=BBBB");
	ck_assert_str_eq(keyfile_find(kf, "S1._DOMAINKEY.VIAMEDIS.FR"), "v=DKIM1; k=rsa; p=AAAA");
	ck_assert_str_eq(keyfile_find(kf, "a.b._domainkey.sub.example.test"), "v=DKIM1; p=");
	ck_assert_str_eq(keyfile_find(kf, "last._domainkey.example.test"), "p=CCCC");
	ck_assert_ptr_null(keyfile_find(kf, "s3._domainkey.viamedis.fr"));
	ck_assert_ptr_null(keyfile_find(kf, "s1._domainkey.viamedis.fr.evil.test"));
	keyfile_free(kf);
}
END_TEST

START_TEST(keyfile_grows_past_its_first_table)
{
	char line[128], err[256] = "";
	static char text[200 * 128];
	size_t len = 0;
	struct keyfile *kf;

	for (int i = 0; i < 200; i++) {
		int n = snprintf(line, sizeof(line), "k%d._domainkey.example.test p=%d\n", i, i);

		memcpy(text + len, line, (size_t)n);
		len += (size_t)n;
	}
	kf = keyfile_parse(text, len, "many", err, sizeof(err));
	ck_assert_msg(kf != NULL, "%s", err);
	ck_assert_uint_eq(keyfile_count(kf), 200);
	for (int i = 0; i < 200; i++) {
		char name[64], want[16];

		snprintf(name, sizeof(name), "k%d._domainkey.example.test", i);
		snprintf(want, sizeof(want), "p=%d", i);
		ck_assert_str_eq(keyfile_find(kf, name), want);
	}
	keyfile_free(kf);
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "s1._domainkey.viamedis.fr\n", "keys:1: no key record after the name" },
	{ "# c\ns1._domainkey.viamedis.fr   \n", "keys:2: no key record after the name" },
	{ "viamedis.fr p=AAAA\n", "keys:1: not a key name" },
	{ "._domainkey.viamedis.fr p=AAAA\n", "keys:1: not a key name" },
	{ "s1._domainkey. p=AAAA\n", "keys:1: not a key name" },
	{ "s1._domainkey p=AAAA\n", "keys:1: not a key name" },
	{ "s 1._domainkey.x.test p=A\n", "keys:1: not a key name" },
	{ "s1..x._domainkey.x.test p=A\n", "keys:1: not a key name" },
	{ "s\xc3\xa9._domainkey.x.test p=A\n", "keys:1: not a key name" },
	{ "s1._domainkey.a.test p=A\nS1._DOMAINKEY.A.TEST p=B\n",
	  "keys:2: key s1._domainkey.a.test given twice" },
	{ "s1._domainkey.a.test p=A\0B\n", "keys:1: NUL byte in the key record" },
};

START_TEST(keyfile_errors_name_file_and_line)
{
	char err[256] = "";
	size_t len = strlen(bad[_i].text);

	/* the NUL case: its length runs to the newline */
	if (strstr(bad[_i].error, "NUL") != NULL)
		len = strlen(bad[_i].text) + 3;
	ck_assert_ptr_null(keyfile_parse(bad[_i].text, len, "keys", err, sizeof(err)));
	ck_assert_msg(strncmp(err, bad[_i].error, strlen(bad[_i].error)) == 0,
		      "want \"%s\", got \"%s\"", bad[_i].error, err);
}
END_TEST

START_TEST(keyfile_record_over_1024_bytes_refused)
{
	static char text[2048];
	char err[256] = "";
	int n = snprintf(text, sizeof(text), "s._domainkey.x.test p=");

	memset(text + n, 'A', KEYFILE_RECORD_MAX);
	ck_assert_ptr_null(keyfile_parse(text, (size_t)n + KEYFILE_RECORD_MAX, "k", err, sizeof(err)));
	ck_assert_str_eq(err, "k:1: key record of 1026 bytes (at most 1024)");
	/* exactly 1024 bytes is fine */
	struct keyfile *kf = keyfile_parse(text, (size_t)n + KEYFILE_RECORD_MAX - 2, "k", err,
					   sizeof(err));
	ck_assert_ptr_nonnull(kf);
	ck_assert_uint_eq(strlen(keyfile_find(kf, "s._domainkey.x.test")), KEYFILE_RECORD_MAX);
	keyfile_free(kf);
}
END_TEST

START_TEST(keyfile_load_reports_a_missing_file)
{
	char err[256] = "";

	ck_assert_ptr_null(keyfile_load("/nonexistent/vigie-keys", err, sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/vigie-keys: No such file or directory");
}
END_TEST

START_TEST(keyfile_load_reads_the_rfc8463_keys)
{
	const char *top = getenv("top_srcdir");
	char path[4096], err[256] = "";
	struct keyfile *kf;

	snprintf(path, sizeof(path), "%s/tests/data/dkim/rfc8463.keys", top ? top : ".");
	kf = keyfile_load(path, err, sizeof(err));
	ck_assert_msg(kf != NULL, "%s", err);
	ck_assert_uint_eq(keyfile_count(kf), 2);
	ck_assert_str_eq(keyfile_find(kf, "brisbane._domainkey.football.example.com"),
			 "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	keyfile_free(kf);
}
END_TEST

/* keyfile_suite - the cases of this file */
static Suite *keyfile_suite(void)
{
	Suite *s = suite_create("keyfile");
	TCase *tc = tcase_create("keyfile");

	tcase_add_test(tc, keyfile_loads_lines_comments_and_crlf);
	tcase_add_test(tc, keyfile_grows_past_its_first_table);
	tcase_add_loop_test(tc, keyfile_errors_name_file_and_line, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, keyfile_record_over_1024_bytes_refused);
	tcase_add_test(tc, keyfile_load_reports_a_missing_file);
	tcase_add_test(tc, keyfile_load_reads_the_rfc8463_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(keyfile_suite());
}
