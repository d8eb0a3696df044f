/*
 * test_policy - DomainPolicies: the file's syntax and every error it
 * reports (all of them, file:line), which entry a recipient domain falls
 * under (exact, subdomains, default, vigie.conf's own), the domain of a
 * hostile RCPT TO argument, and the merge of a message's recipients: the
 * weakest action, the first Subject tag, analysis unless every recipient
 * says no, a bounded list of domains whatever the number of recipients.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "policy.h"
#include "tap.h"

static const struct conf_policy base = { CONF_ACTION_TAG, CONF_ACTION_QUARANTINE, NULL };

/* table - a table from text; fails the test on errors */
static struct policy_table *table(const char *text)
{
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	struct policy_table *t = policy_table_parse(text, strlen(text), "p.conf", &base, &errors);

	ck_assert_msg(t != NULL, "%s", vbuf_str(&errors));
	vbuf_free(&errors);
	return t;
}

static const char sample[] =
	"# recipient domains of a shared relay\n"
	"*                  ImpersonationAction=tag\n"
	"cabinet-martin.fr  ImpersonationAction=reject, SuspectAction=quarantine,"
	" SubjectTag=\"[USURPATION, ?]\"\n"
	".ordre.example     Analyse=no\n"
	"pharma.example     SubjectTag=[ALERTE]\n"
	"plain.example\n";

START_TEST(entries_fall_under_exact_subdomain_and_default)
{
	struct policy_table *t = table(sample);
	const struct policy_entry *e;

	e = policy_lookup(t, "cabinet-martin.fr");
	ck_assert_str_eq(e->key, "cabinet-martin.fr");
	ck_assert_int_eq(e->policy.impersonation_action, CONF_ACTION_REJECT);
	ck_assert_int_eq(e->policy.suspect_action, CONF_ACTION_QUARANTINE);
	ck_assert_str_eq(e->policy.subject_tag, "[USURPATION, ?]");
	ck_assert(e->analyse);
	/* a subdomain of an exact key is not that key */
	ck_assert_str_eq(policy_lookup(t, "mx.cabinet-martin.fr")->key, "*");
	ck_assert_str_eq(policy_lookup(t, "ordre.example")->key, ".ordre.example");
	ck_assert_str_eq(policy_lookup(t, "a.b.ordre.example")->key, ".ordre.example");
	ck_assert(!policy_lookup(t, "a.ordre.example")->analyse);
	ck_assert_str_eq(policy_lookup(t, "other.example")->key, "*");
	ck_assert_str_eq(policy_lookup(t, "")->key, "*");
	/* what a line leaves out is vigie.conf's */
	e = policy_lookup(t, "plain.example");
	ck_assert_int_eq(e->policy.impersonation_action, CONF_ACTION_QUARANTINE);
	ck_assert_ptr_null(e->policy.subject_tag);
	policy_table_free(t);
	/* no "*": vigie.conf's own policy */
	t = table("a.example SuspectAction=reject\n");
	e = policy_lookup(t, "b.example");
	ck_assert_ptr_eq(e, &t->base);
	ck_assert_int_eq(e->policy.impersonation_action, CONF_ACTION_QUARANTINE);
	policy_table_free(t);
}
END_TEST

static const struct {
	const char *text;
	const char *errors;
} bad[] = {
	{ "Example.org tag\n", "p.conf:1: 'Example.org' is not a domain, .domain or * (lower case,"
	  " A-labels for international names)\n" },
	{ "a.example Frob=1\n", "p.conf:1: Frob: unknown setting 'Frob' (SuspectAction,"
	  " ImpersonationAction, SubjectTag, Analyse)\n" },
	{ "a.example SuspectAction=drop\n", "p.conf:1: SuspectAction: 'drop' is not one of: tag"
	  " quarantine reject\n" },
	{ "a.example tag\n", "p.conf:1: settings are Name=value, comma-separated (quote a value"
	  " that holds a comma)\n" },
	{ "a.example SubjectTag=\"open\n", "p.conf:1: settings are Name=value, comma-separated"
	  " (quote a value that holds a comma)\n" },
	{ "a.example Analyse=maybe\n* Analyse=no\n* Analyse=yes\n",
	  "p.conf:1: Analyse: 'maybe' is not a boolean (yes/no, true/false, 1/0)\n"
	  "p.conf:3: * is already set on line 2\n" },
	{ "a..b SubjectTag=x\n", "p.conf:1: 'a..b' is not a domain, .domain or * (lower case,"
	  " A-labels for international names)\n" },
};

START_TEST(every_error_is_reported_with_file_and_line)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
		struct policy_table *t = policy_table_parse(bad[i].text, strlen(bad[i].text),
							    "p.conf", &base, &errors);

		ck_assert_msg(t == NULL, "case %zu parsed", i);
		ck_assert_str_eq(vbuf_str(&errors), bad[i].errors);
		vbuf_free(&errors);
	}
}
END_TEST

static const struct {
	const char *rcpt;
	const char *domain;
} rcpts[] = {
	{ "<Alice@Cabinet-Martin.FR>", "cabinet-martin.fr" },
	{ "<bob@pharma.example.>", "pharma.example" },
	{ "<\"odd@local\"@x.example>", "x.example" },
	{ "<postmaster>", "" },
	{ "<user@[192.0.2.1]>", "" },
	{ "<user@bad domain.example>", "" },
	{ "<user@caf\xc3\xa9.example>", "" },
	{ "", "" },
	{ "<user@>", "" },
};

START_TEST(recipient_domains_from_hostile_arguments)
{
	char out[POLICY_DOMAIN_MAX + 1], longer[600];

	for (size_t i = 0; i < sizeof(rcpts) / sizeof(rcpts[0]); i++) {
		policy_rcpt_domain(rcpts[i].rcpt, out, sizeof(out));
		ck_assert_msg(strcmp(out, rcpts[i].domain) == 0, "%s gave '%s'", rcpts[i].rcpt, out);
	}
	ck_assert(!policy_rcpt_domain(NULL, out, sizeof(out)));
	memset(longer, 'a', sizeof(longer) - 1);
	longer[0] = '@';
	longer[sizeof(longer) - 1] = '\0';
	ck_assert(!policy_rcpt_domain(longer, out, sizeof(out)));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(mixed_recipients_get_the_weakest_action)
{
	struct policy_table *t = table(sample);
	struct policy_merge m;
	const struct conf_policy *p;
	bool analyse;

	/* one recipient: its entry, whole */
	policy_merge_init(&m, t);
	policy_merge_rcpt(&m, "<a@cabinet-martin.fr>");
	p = policy_merge_result(&m, &analyse);
	ck_assert_int_eq(p->impersonation_action, CONF_ACTION_REJECT);
	ck_assert(!m.mixed && analyse);
	/* with a recipient who only tags: nobody's mail is rejected */
	policy_merge_rcpt(&m, "<b@other.example>");
	p = policy_merge_result(&m, &analyse);
	ck_assert_int_eq(p->impersonation_action, CONF_ACTION_TAG);
	ck_assert_int_eq(p->suspect_action, CONF_ACTION_TAG);
	ck_assert_str_eq(p->subject_tag, "[USURPATION, ?]");
	ck_assert(m.mixed);
	/* the first Subject tag wins, whatever comes after */
	policy_merge_init(&m, t);
	policy_merge_rcpt(&m, "<b@other.example>");
	policy_merge_rcpt(&m, "<c@pharma.example>");
	policy_merge_rcpt(&m, "<a@cabinet-martin.fr>");
	ck_assert_str_eq(policy_merge_result(&m, &analyse)->subject_tag, "[ALERTE]");
	policy_table_free(t);
}
END_TEST

START_TEST(analysis_is_skipped_only_when_every_recipient_says_no)
{
	struct policy_table *t = table(sample);
	struct policy_merge m;
	bool analyse;

	policy_merge_init(&m, t);
	policy_merge_rcpt(&m, "<a@ordre.example>");
	policy_merge_rcpt(&m, "<b@x.ordre.example>");
	policy_merge_result(&m, &analyse);
	ck_assert(!analyse);
	policy_merge_rcpt(&m, "<c@other.example>");
	policy_merge_result(&m, &analyse);
	ck_assert(analyse);
	/* no recipient at all (vigie-check without --rcpt): the default entry */
	policy_merge_init(&m, t);
	ck_assert_int_eq(policy_merge_result(&m, &analyse)->impersonation_action, CONF_ACTION_TAG);
	ck_assert(analyse);
	policy_table_free(t);
}
END_TEST

START_TEST(a_message_keeps_a_bounded_list_of_domains)
{
	struct policy_table *t = table(sample);
	struct policy_merge m;
	struct vbuf text = VBUF_INIT(8192);
	char rcpt[64];

	policy_merge_init(&m, t);
	for (int i = 0; i < 5000; i++) {
		snprintf(rcpt, sizeof(rcpt), "<u%d@d%d.example>", i, i % 100);
		policy_merge_rcpt(&m, rcpt);
	}
	ck_assert_uint_eq(m.rcpts, 5000);
	ck_assert_uint_eq(m.ndom, POLICY_DOMAINS_MAX);
	/* the recipients of the domains not listed are counted, not kept */
	ck_assert_uint_eq(m.more, 5000 - POLICY_DOMAINS_MAX * 50);
	policy_merge_describe(&m, &text);
	ck_assert_msg(strstr(vbuf_str(&text), "d0.example:*,d1.example:*") == vbuf_str(&text),
		      "%s", vbuf_str(&text));
	ck_assert(strstr(vbuf_str(&text), ",+4200 -> suspect=tag impersonation=tag") != NULL);
	vbuf_free(&text);
	policy_table_free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, entries_fall_under_exact_subdomain_and_default);
	tcase_add_test(tc, every_error_is_reported_with_file_and_line);
	tcase_add_test(tc, recipient_domains_from_hostile_arguments);
	tcase_add_test(tc, mixed_recipients_get_the_weakest_action);
	tcase_add_test(tc, analysis_is_skipped_only_when_every_recipient_says_no);
	tcase_add_test(tc, a_message_keeps_a_bounded_list_of_domains);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(suite());
}
