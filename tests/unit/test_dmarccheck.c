/*
 * test_dmarccheck - DMARC offline (a TestDNS zone), read by libopendmarc:
 * pass by aligned DKIM or SPF (relaxed and strict), fail under each
 * policy, sp= for subdomains at the organisational domain, pct under 100,
 * and the bad records of RFC 7489: several, another version, no p=, bad
 * values, unknown tags, TXT records that are not DMARC's, DNS failure;
 * and every case at once on 16 threads (libmilter's pool).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmarccheck.h"
#include "dns.h"
#include "tap.h"
#include "testzone.h"

static const char zone[] =
	"_dmarc.reject.test TXT \"v=DMARC1; p=reject\"\n"
	"_dmarc.none.test TXT \"v=DMARC1; p=none; rua=mailto:d@none.test\"\n"
	"_dmarc.quar.test TXT \"v=DMARC1; p=quarantine; pct=50\"\n"
	"_dmarc.quar100.test TXT \"v=DMARC1;p=quarantine;pct=100\"\n"
	"_dmarc.org.test TXT \"v=DMARC1; p=reject; sp=none\"\n"
	"_dmarc.strict.test TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"
	"_dmarc.two.test TXT \"v=DMARC1; p=reject\"\n"
	"_dmarc.two.test TXT \"v=DMARC1; p=none\"\n"
	"_dmarc.bad.test TXT \"v=DMARC1; p=bogus\"\n"
	"_dmarc.nop.test TXT \"v=DMARC1; rua=mailto:x@nop.test\"\n"
	"_dmarc.version.test TXT \"v=DMARC1 ; p=reject\"\n"
	"_dmarc.tags.test TXT \"v=DMARC1; p=reject; foo=bar; np=none; pct=100\"\n"
	"_dmarc.badpct.test TXT \"v=DMARC1; p=reject; pct=150\"\n"
	"_dmarc.badrua.test TXT \"v=DMARC1; p=reject; rua=,\"\n"
	"_dmarc.other.test TXT \"v=spf1 -all\"\n"
	"_dmarc.mixed.test TXT \"some verification token\"\n"
	"_dmarc.mixed.test TXT \"v=DMARC1; p=quarantine\"\n"
	"_dmarc.upper.test TXT \"V=DMARC1; p=reject\"\n"
	"_dmarc.wrongcase.test TXT \"v=dmarc1; p=reject\"\n"
	"_dmarc.servfail.test TXT SERVFAIL\n"
	"_dmarc.absent2.test TXT \"v=DMARC1; p=quarantine\"\n";

static struct dns *dns;
static struct dmarccheck_lib *lib;
static psl_ctx_t *psl;

/* setup - the zone, the DNS over it, DMARC */
static void setup(void)
{
	char err[256] = "";

	psl = psl_latest(NULL);
	dns = testzone_dns("test_dmarccheck", zone, NULL);
	lib = dmarccheck_lib_new(dns, psl, err, sizeof(err));
	if (lib == NULL) {
		fprintf(stderr, "test_dmarccheck: %s\n", err);
		exit(1);
	}
}

/* teardown - release them */
static void teardown(void)
{
	dmarccheck_lib_free(lib);
	dns_free(dns);
	psl_free(psl);
	testzone_remove();
}

static const struct {
	const char *from;
	const char *dkim;		/* a passing signature's d=, or NULL */
	enum dkimcheck_result dkim_result;
	const char *spf;		/* the SPF domain, or NULL */
	enum spfcheck_result spf_result;
	enum dmarccheck_result result;
	enum dmarccheck_policy applied;
	bool from_org;
	const char *reason;
} cases[] = {
	{ "reject.test", "reject.test", DKIMCHECK_PASS, NULL, 0, DMARCCHECK_PASS, DMARCCHECK_P_REJECT, false, NULL },
	{ "reject.test", "mail.reject.test", DKIMCHECK_PASS, NULL, 0, DMARCCHECK_PASS, DMARCCHECK_P_REJECT, false, NULL },
	{ "reject.test", NULL, 0, "bounce.reject.test", SPFCHECK_PASS, DMARCCHECK_PASS, DMARCCHECK_P_REJECT, false, NULL },
	{ "reject.test", "reject.test", DKIMCHECK_FAIL, "reject.test", SPFCHECK_FAIL, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "reject.test", "esp.test", DKIMCHECK_PASS, "esp.test", SPFCHECK_PASS, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "reject.test", "reject.test", DKIMCHECK_TEMPERROR, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "reject.test", NULL, 0, "reject.test", SPFCHECK_SOFTFAIL, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "strict.test", "mail.strict.test", DKIMCHECK_PASS, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "strict.test", NULL, 0, "bounce.strict.test", SPFCHECK_PASS, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "strict.test", "strict.test", DKIMCHECK_PASS, NULL, 0, DMARCCHECK_PASS, DMARCCHECK_P_REJECT, false, NULL },
	{ "none.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_NONE, false, NULL },
	{ "quar.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_NONE, false, NULL },
	{ "quar100.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_QUARANTINE, false, NULL },
	{ "news.org.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_NONE, true, NULL },
	{ "news.org.test", "org.test", DKIMCHECK_PASS, NULL, 0, DMARCCHECK_PASS, DMARCCHECK_P_NONE, true, NULL },
	{ "org.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "sub.absent2.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_QUARANTINE, true, NULL },
	{ "two.test", NULL, 0, NULL, 0, DMARCCHECK_NONE, DMARCCHECK_P_ABSENT, false, "several" },
	{ "bad.test", NULL, 0, NULL, 0, DMARCCHECK_PERMERROR, DMARCCHECK_P_ABSENT, false, "bad value" },
	{ "nop.test", NULL, 0, NULL, 0, DMARCCHECK_PERMERROR, DMARCCHECK_P_ABSENT, false, "without p=" },
	{ "version.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "tags.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "badpct.test", NULL, 0, NULL, 0, DMARCCHECK_PERMERROR, DMARCCHECK_P_ABSENT, false, "bad value" },
	{ "badrua.test", NULL, 0, NULL, 0, DMARCCHECK_PERMERROR, DMARCCHECK_P_ABSENT, false, "bad value" },
	{ "other.test", NULL, 0, NULL, 0, DMARCCHECK_NONE, DMARCCHECK_P_ABSENT, false, "no DMARC" },
	{ "mixed.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_QUARANTINE, false, NULL },
	{ "upper.test", NULL, 0, NULL, 0, DMARCCHECK_FAIL, DMARCCHECK_P_REJECT, false, NULL },
	{ "wrongcase.test", NULL, 0, NULL, 0, DMARCCHECK_NONE, DMARCCHECK_P_ABSENT, false, "no DMARC" },
	{ "absent.test", NULL, 0, NULL, 0, DMARCCHECK_NONE, DMARCCHECK_P_ABSENT, false, "no DMARC" },
	{ "servfail.test", NULL, 0, NULL, 0, DMARCCHECK_TEMPERROR, DMARCCHECK_P_ABSENT, false, "could not be fetched" },
};

START_TEST(dmarc_results_follow_rfc7489)
{
	struct dmarccheck_sig sig = { cases[_i].dkim, "s1", cases[_i].dkim_result };
	struct spfcheck_out spf;
	struct dmarccheck_in in = { cases[_i].from, "192.0.2.1", &sig, cases[_i].dkim ? 1 : 0, NULL };
	struct dmarccheck_out out;
	struct dns_budget b;

	if (cases[_i].spf) {
		spfcheck_none(&spf, "");
		spf.evaluated = true;
		spf.result = cases[_i].spf_result;
		snprintf(spf.domain, sizeof(spf.domain), "%s", cases[_i].spf);
		in.spf = &spf;
	}
	dns_budget_init(&b);
	dmarccheck_run(lib, &b, &in, &out);
	ck_assert(out.evaluated);
	ck_assert_msg(out.result == cases[_i].result, "%s: %s (%s), want %s", cases[_i].from,
		      dmarccheck_result_name(out.result), out.reason,
		      dmarccheck_result_name(cases[_i].result));
	ck_assert_msg(out.applied == cases[_i].applied, "%s: applied %s", cases[_i].from,
		      dmarccheck_policy_name(out.applied));
	ck_assert_int_eq(out.from_org, cases[_i].from_org);
	if (cases[_i].reason)
		ck_assert_msg(strstr(out.reason, cases[_i].reason) != NULL, "%s: reason %s",
			      cases[_i].from, out.reason);
	ck_assert_uint_le(b.queries, 2);
}
END_TEST

START_TEST(dmarc_reports_alignment_and_tags)
{
	struct dmarccheck_sig sig = { "mail.strict.test", "s1", DKIMCHECK_PASS };
	struct dmarccheck_in in = { "strict.test", "2001:db8::1", &sig, 1, NULL };
	struct dmarccheck_out out;
	struct dns_budget b;

	dns_budget_init(&b);
	dmarccheck_run(lib, &b, &in, &out);
	ck_assert(out.adkim_strict && out.aspf_strict);
	ck_assert(!out.dkim_aligned && !out.spf_aligned);
	ck_assert_str_eq(out.record, "v=DMARC1; p=reject; adkim=s; aspf=s");
	ck_assert_str_eq(out.record_domain, "strict.test");
	ck_assert_int_eq(out.p, DMARCCHECK_P_REJECT);
	ck_assert_int_eq(out.sp, DMARCCHECK_P_ABSENT);
	ck_assert_int_eq(out.pct, 100);
	ck_assert_uint_eq(b.queries, 1);
	/* a subdomain without a record of its own: two lookups, the org's record */
	in.from_domain = "a.b.org.test";
	in.nsigs = 0;
	dns_budget_init(&b);
	dmarccheck_run(lib, &b, &in, &out);
	ck_assert_str_eq(out.record_domain, "org.test");
	ck_assert_int_eq(out.sp, DMARCCHECK_P_NONE);
	ck_assert_uint_eq(b.queries, 2);
}
END_TEST

START_TEST(dmarc_not_evaluated)
{
	struct dns_opts o = { NULL, 0, NULL, true };
	char err[256];
	struct dns *none = dns_new(&o, err, sizeof(err));
	struct dmarccheck_lib *l = dmarccheck_lib_new(none, psl, err, sizeof(err));
	struct dmarccheck_in in = { "reject.test", "", NULL, 0, NULL };
	struct dmarccheck_out out;
	struct dns_budget b;

	dns_budget_init(&b);
	dmarccheck_run(l, &b, &in, &out);
	ck_assert(!out.evaluated);
	ck_assert(strstr(out.reason, "no DNS") != NULL);
	in.from_domain = "";
	dmarccheck_run(lib, &b, &in, &out);
	ck_assert(!out.evaluated);
	in.from_domain = "bad domain.test";
	dmarccheck_run(lib, &b, &in, &out);
	ck_assert(!out.evaluated);
	ck_assert_uint_eq(b.queries, 0);
	dmarccheck_lib_free(l);
	dns_free(none);
}
END_TEST

START_TEST(dmarc_record_pick)
{
	const char *one[] = { "x", "v=DMARC1; p=none", "y" };
	const char *two[] = { "v=DMARC1; p=none", "v=DMARC1;p=reject" };
	const char *none[] = { "v=DMARC2; p=none", "v=DMARC10; p=none", "xv=DMARC1", "" };
	size_t w = 99;

	ck_assert(dmarccheck_record_pick(one, 3, &w) && w == 1);
	ck_assert(!dmarccheck_record_pick(two, 2, &w) && w == 2);
	ck_assert(!dmarccheck_record_pick(none, 4, &w) && w == 0);
	ck_assert(!dmarccheck_record_pick(NULL, 0, &w) && w == 0);
}
END_TEST

/* dmarc_thread - every case, many rounds; how many results differ from the table */
static void *dmarc_thread(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct dmarccheck_sig sig = { cases[i].dkim, "s1", cases[i].dkim_result };
			struct dmarccheck_in in = { cases[i].from, "192.0.2.1", &sig,
						    cases[i].dkim ? 1 : 0, NULL };
			struct spfcheck_out spf;
			struct dmarccheck_out out;
			struct dns_budget b;

			if (cases[i].spf) {
				spfcheck_none(&spf, "");
				spf.evaluated = true;
				spf.result = cases[i].spf_result;
				snprintf(spf.domain, sizeof(spf.domain), "%s", cases[i].spf);
				in.spf = &spf;
			}
			dns_budget_init(&b);
			dmarccheck_run(lib, &b, &in, &out);
			bad += out.result != cases[i].result || out.applied != cases[i].applied;
		}
	return (void *)bad;
}

START_TEST(dmarc_sixteen_threads_agree)
{
	ck_assert_int_eq(testzone_threads(dmarc_thread), 0);
}
END_TEST

/* dmarccheck_suite - the cases above */
static Suite *dmarccheck_suite(void)
{
	Suite *s = suite_create("dmarccheck");
	TCase *tc = tcase_create("dmarccheck");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, dmarc_results_follow_rfc7489, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, dmarc_reports_alignment_and_tags);
	tcase_add_test(tc, dmarc_not_evaluated);
	tcase_add_test(tc, dmarc_record_pick);
	tcase_add_test(tc, dmarc_sixteen_threads_agree);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(dmarccheck_suite());
}
