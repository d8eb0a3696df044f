/*
 * test_spfcheck - SPF through libspf2 and vigie's DNS layer, offline (a
 * TestDNS zone): every result, include, redirect, a, mx, ptr, exists,
 * macros, the HELO identity, and the bad records of RFC 7208: several
 * records, unknown mechanisms, loops, more than 10 terms across includes
 * (which libspf2 alone lets through), void lookups, too many MX, exp=,
 * names past 253 octets, DNS failures; then 16 threads at once.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "spfcheck.h"
#include "tap.h"
#include "testzone.h"

static const char zone[] =
	"# results\n"
	"pass.test TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	"fail.test TXT \"v=spf1 -all\"\n"
	"soft.test TXT \"v=spf1 ~all\"\n"
	"neutral.test TXT \"v=spf1 ?all\"\n"
	"nomatch.test TXT \"v=spf1 ip4:198.51.100.1\"\n"
	"norecord.test TXT \"google-site-verification=abc\"\n"
	"norecord.test A 192.0.2.1\n"
	"split.test TXT \"v=spf1 ip4:192.0.2.0/24\" \" -all\"\n"
	"ip6.test TXT \"v=spf1 ip6:2001:db8::/32 -all\"\n"
	"upper.test TXT \"V=SPF1 IP4:192.0.2.0/24 -ALL\"\n"
	"# mechanisms\n"
	"inc.test TXT \"v=spf1 include:pass.test -all\"\n"
	"redir.test TXT \"v=spf1 redirect=pass.test\"\n"
	"a.test TXT \"v=spf1 a -all\"\n"
	"a.test A 192.0.2.7\n"
	"acidr.test TXT \"v=spf1 a:a.test/24 -all\"\n"
	"mx.test TXT \"v=spf1 mx -all\"\n"
	"mx.test MX 10 mail.mx.test\n"
	"mx.test MX 20 mail2.mx.test\n"
	"mail.mx.test A 198.51.100.9\n"
	"mail2.mx.test A 192.0.2.8\n"
	"ptr.test TXT \"v=spf1 ptr -all\"\n"
	"10.2.0.192.in-addr.arpa PTR host.ptr.test\n"
	"host.ptr.test A 192.0.2.10\n"
	"exists.test TXT \"v=spf1 exists:%{l}.%{i}.ok.exists.test -all\"\n"
	"bob.192.0.2.10.ok.exists.test A 127.0.0.2\n"
	"helo.test TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
	"# bad records\n"
	"two.test TXT \"v=spf1 -all\"\n"
	"two.test TXT \"v=spf1 +all\"\n"
	"unknown.test TXT \"v=spf1 foo:bar -all\"\n"
	"badip.test TXT \"v=spf1 ip4:300.1.1.1 -all\"\n"
	"incnone.test TXT \"v=spf1 include:nothing.test -all\"\n"
	"self.test TXT \"v=spf1 include:self.test -all\"\n"
	"loop1.test TXT \"v=spf1 include:loop2.test -all\"\n"
	"loop2.test TXT \"v=spf1 include:loop1.test -all\"\n"
	"eleven.test TXT \"v=spf1 a:x1.test a:x2.test a:x3.test a:x4.test a:x5.test "
	"a:x6.test a:x7.test a:x8.test a:x9.test a:x10.test a:x11.test ip4:192.0.2.0/24 -all\"\n"
	"ten.test TXT \"v=spf1 a:x1.test a:x2.test a:x3.test a:x4.test a:x5.test "
	"a:x6.test a:x7.test a:x8.test a:x9.test a:x10.test ip4:192.0.2.0/24 -all\"\n"
	"tree.test TXT \"v=spf1 include:t1.test include:t2.test include:t3.test ip4:192.0.2.0/24 -all\"\n"
	"t1.test TXT \"v=spf1 a:x1.test a:x2.test a:x3.test ?all\"\n"
	"t2.test TXT \"v=spf1 a:x4.test a:x5.test a:x6.test ?all\"\n"
	"t3.test TXT \"v=spf1 a:x7.test a:x8.test a:x9.test a:x10.test ?all\"\n"
	"void3.test TXT \"v=spf1 a:n1.test a:n2.test a:n3.test ip4:192.0.2.0/24 -all\"\n"
	"void2.test TXT \"v=spf1 a:n1.test a:n2.test ip4:192.0.2.0/24 -all\"\n"
	"mxmany.test TXT \"v=spf1 mx -all\"\n"
	"exp.test TXT \"v=spf1 -all exp=explain.exp.test\"\n"
	"explain.exp.test TXT \"you %{i} are not welcome\"\n"
	"huge.test TXT \"v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{d} -all\"\n"
	"servfail.test TXT SERVFAIL\n"
	"timeout.test TXT TIMEOUT\n"
	"incfail.test TXT \"v=spf1 include:servfail.test -all\"\n"
	"aserv.test TXT \"v=spf1 a:aserv.test -all\"\n"
	"aserv.test A SERVFAIL\n";

static struct dns *dns;
static struct spfcheck_lib *lib;

/* more_records - eleven MX records, eleven hosts elsewhere */
static void more_records(FILE *f)
{
	for (int i = 1; i <= 11; i++) {
		fprintf(f, "mxmany.test MX %d m%d.mxmany.test\n", i, i);
		fprintf(f, "x%d.test A 198.51.100.%d\n", i, i);
	}
}

/* setup - the zone in a file, the DNS over it, the evaluator */
static void setup(void)
{
	char err[256] = "";

	dns = testzone_dns("test_spfcheck", zone, more_records);
	lib = spfcheck_lib_new(dns, err, sizeof(err));
	if (lib == NULL) {
		fprintf(stderr, "test_spfcheck: %s\n", err);
		exit(1);
	}
}

/* teardown - release them */
static void teardown(void)
{
	spfcheck_lib_free(lib);
	dns_free(dns);
	testzone_remove();
}

static const struct {
	const char *ip, *helo, *local, *domain;
	enum spfcheck_result result;
	const char *reason;		/* a part of it, or NULL */
	enum spfcheck_identity identity;
} cases[] = {
	{ "192.0.2.10", "mx.client.test", "bob", "pass.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "198.51.100.1", NULL, "bob", "pass.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "fail.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "soft.test", SPFCHECK_SOFTFAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "neutral.test", SPFCHECK_NEUTRAL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "nomatch.test", SPFCHECK_NEUTRAL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "norecord.test", SPFCHECK_NONE, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "absent.test", SPFCHECK_NONE, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "split.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "2001:db8::25", NULL, "bob", "ip6.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "::ffff:192.0.2.10", NULL, "bob", "pass.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "upper.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "inc.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "198.51.100.1", NULL, "bob", "inc.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "redir.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.7", NULL, "bob", "a.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.99", NULL, "bob", "a.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.99", NULL, "bob", "acidr.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.8", NULL, "bob", "mx.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.9", NULL, "bob", "mx.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "ptr.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.11", NULL, "bob", "ptr.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "exists.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "alice", "exists.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	/* the null sender: the HELO identity */
	{ "192.0.2.10", "helo.test", "", "", SPFCHECK_PASS, NULL, SPFCHECK_HELO },
	{ "192.0.2.11", "helo.test", "", "", SPFCHECK_FAIL, NULL, SPFCHECK_HELO },
	{ "192.0.2.10", "[192.0.2.10]", "", "", SPFCHECK_NONE, "HELO that is not", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "", "", SPFCHECK_NONE, "no HELO", SPFCHECK_MAILFROM },
	/* not evaluated */
	{ "127.0.0.1", NULL, "bob", "pass.test", SPFCHECK_NONE, "loopback", SPFCHECK_MAILFROM },
	{ "::1", NULL, "bob", "pass.test", SPFCHECK_NONE, "loopback", SPFCHECK_MAILFROM },
	{ "", NULL, "bob", "pass.test", SPFCHECK_NONE, "no client", SPFCHECK_MAILFROM },
	{ "not-an-ip", NULL, "bob", "pass.test", SPFCHECK_NONE, "unusable", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "localhost", SPFCHECK_NONE, "not a domain", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "a..b", SPFCHECK_NONE, "not a domain", SPFCHECK_MAILFROM },
	{ "192.0.2.10", "helo.test", NULL, NULL, SPFCHECK_NONE, "no envelope sender", SPFCHECK_MAILFROM },
	/* bad records and limits */
	{ "192.0.2.10", NULL, "bob", "two.test", SPFCHECK_PERMERROR, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "unknown.test", SPFCHECK_PERMERROR, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "badip.test", SPFCHECK_PERMERROR, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "incnone.test", SPFCHECK_PERMERROR, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "self.test", SPFCHECK_PERMERROR, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "loop1.test", SPFCHECK_PERMERROR, "10 DNS", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "eleven.test", SPFCHECK_PERMERROR, "10 DNS", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "ten.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "tree.test", SPFCHECK_PERMERROR, "10 DNS", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "void3.test", SPFCHECK_PERMERROR, "void", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "void2.test", SPFCHECK_PASS, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "mxmany.test", SPFCHECK_PERMERROR, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "exp.test", SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL,
	  "a-very-long-local-part-of-sixty-four-octets-a-very-long-local-pa", "huge.test",
	  SPFCHECK_FAIL, NULL, SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "servfail.test", SPFCHECK_TEMPERROR, "server failure", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "timeout.test", SPFCHECK_TEMPERROR, "timeout", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "incfail.test", SPFCHECK_TEMPERROR, "server failure", SPFCHECK_MAILFROM },
	{ "192.0.2.10", NULL, "bob", "aserv.test", SPFCHECK_TEMPERROR, "server failure", SPFCHECK_MAILFROM },
};

START_TEST(spf_results_follow_rfc7208)
{
	struct spfcheck_out out;
	struct dns_budget b;

	dns_budget_init(&b);
	spfcheck_run(lib, &b, cases[_i].ip, cases[_i].helo, cases[_i].local, cases[_i].domain,
		     &out);
	ck_assert_msg(out.result == cases[_i].result, "%s from %s: %s (%s), want %s",
		      cases[_i].domain, cases[_i].ip, spfcheck_result_name(out.result), out.reason,
		      spfcheck_result_name(cases[_i].result));
	if (cases[_i].reason)
		ck_assert_msg(strstr(out.reason, cases[_i].reason) != NULL, "%s: reason \"%s\"",
			      cases[_i].domain, out.reason);
	if (out.evaluated)
		ck_assert_int_eq(out.identity, cases[_i].identity);
	ck_assert_uint_le(out.terms, SPFCHECK_TERMS_MAX + 1);
	ck_assert_uint_le(out.voids, SPFCHECK_VOID_MAX + 1);
	ck_assert_uint_eq(out.lookups, b.queries);
}
END_TEST

START_TEST(spf_counts_terms_and_lookups)
{
	struct spfcheck_out out;
	struct dns_budget b;

	/* mx: one term, its MX question and the two addresses */
	dns_budget_init(&b);
	spfcheck_run(lib, &b, "192.0.2.8", NULL, "bob", "mx.test", &out);
	ck_assert_uint_eq(out.terms, 1);
	ck_assert_uint_eq(out.lookups, 4);	/* TXT mx.test, MX, A mail, A mail2 */
	ck_assert_uint_eq(out.voids, 0);
	/* the loop stops at the eleventh term */
	dns_budget_init(&b);
	spfcheck_run(lib, &b, "192.0.2.10", NULL, "bob", "loop1.test", &out);
	ck_assert_uint_eq(out.terms, SPFCHECK_TERMS_MAX + 1);
	ck_assert_uint_le(out.lookups, SPFCHECK_TERMS_MAX + 1);
}
END_TEST

START_TEST(spf_without_dns_is_none)
{
	struct dns_opts o = { NULL, 0, NULL, true };
	char err[256];
	struct dns *none = dns_new(&o, err, sizeof(err));
	struct spfcheck_lib *l = spfcheck_lib_new(none, err, sizeof(err));
	struct spfcheck_out out;
	struct dns_budget b;

	dns_budget_init(&b);
	spfcheck_run(l, &b, "192.0.2.10", NULL, "bob", "pass.test", &out);
	ck_assert_int_eq(out.result, SPFCHECK_NONE);
	ck_assert(!out.evaluated);
	ck_assert(strstr(out.reason, "no DNS") != NULL);
	ck_assert_uint_eq(b.queries, 0);
	spfcheck_lib_free(l);
	dns_free(none);
}
END_TEST

START_TEST(spf_result_names)
{
	enum spfcheck_result r;

	for (int i = 0; i < SPFCHECK_RESULT_COUNT; i++) {
		const char *n = spfcheck_result_name((enum spfcheck_result)i);

		ck_assert(spfcheck_result_lookup(n, strlen(n), &r));
		ck_assert_int_eq(r, i);
	}
	ck_assert(spfcheck_result_lookup("PASS", 4, &r) && r == SPFCHECK_PASS);
	ck_assert(!spfcheck_result_lookup("hardfail", 8, &r));
}
END_TEST

/* spf_thread - every case, many rounds, each result as the table says */
static void *spf_thread(void *arg)
{
	long bad = 0;

	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct spfcheck_out out;
			struct dns_budget b;

			dns_budget_init(&b);
			spfcheck_run(lib, &b, cases[i].ip, cases[i].helo, cases[i].local,
				     cases[i].domain, &out);
			bad += out.result != cases[i].result;
		}
	return (void *)bad;
}

START_TEST(spf_sixteen_threads_agree)
{
	ck_assert_int_eq(testzone_threads(spf_thread), 0);
}
END_TEST

/* spfcheck_suite - the cases above */
static Suite *spfcheck_suite(void)
{
	Suite *s = suite_create("spfcheck");
	TCase *tc = tcase_create("spfcheck");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, spf_results_follow_rfc7208, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, spf_counts_terms_and_lookups);
	tcase_add_test(tc, spf_without_dns_is_none);
	tcase_add_test(tc, spf_result_names);
	tcase_add_test(tc, spf_sixteen_threads_agree);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(spfcheck_suite());
}
