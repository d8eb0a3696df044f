/*
 * test_action - one decision per message for both front ends: a rejected
 * message gets no edit and the brand in its reply; too many forged fields
 * defer it; otherwise forged fields go last index first, Authentication-
 * Results goes on top, the verdict and reasons are added, a flagged
 * message's Subject is tagged once, and quarantine names the verdict.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "action.h"
#include "conf.h"
#include "fixture.h"
#include "edit.h"
#include "message.h"
#include "tap.h"


/* A message fed as the milter feeds it: its edit bookkeeping too. */
struct fed {
	struct conf *conf;
	struct message *m;
	struct edit e;
	struct action a;
};

/* feed - the header fields ("Name: value" with "\n" between), no body; decides */
static void feed(struct fed *f, const char *fields, bool leadspc)
{
	struct message_opts opts;
	char buf[4096], *save = NULL;

	conf_message_opts(f->conf, &opts);
	opts.dkim = MESSAGE_DKIM_NEVER;
	f->m = message_new(det, &opts);
	edit_init(&f->e);
	snprintf(buf, sizeof(buf), "%s", fields);
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		*colon = '\0';
		edit_header(&f->e, line, colon + 1, f->conf->authserv_id);
		message_header(f->m, line, colon + 1);
	}
	message_eoh(f->m);
	message_eom(f->m);
	action_decide(&f->a, f->conf, &f->conf->policy, &f->e, f->m, leadspc);
}

/* done - release one fed message */
static void done(struct fed *f)
{
	action_free(&f->a);
	edit_reset(&f->e);
	message_free(f->m);
	conf_free(f->conf);
}

/* conf_with - the defaults, then the lines given */
static struct conf *conf_with(const char *text)
{
	struct conf *c = conf_defaults();
	struct vbuf errors = VBUF_INIT(4096);

	ck_assert_int_eq(conf_parse(c, text, strlen(text), "test", &errors), 0);
	vbuf_free(&errors);
	return c;
}

#define SPOOF "From: \"Viamedis\" <noreply@viamedis-securite.fr>\nSubject: RIB\n"

START_TEST(reject_makes_no_edit_and_names_the_brand)
{
	struct fed f = { .conf = conf_with("ImpersonationAction reject\nAuthservID mx.test\n") };

	feed(&f, SPOOF "X-Vigie-Verdict: clean\n", false);
	ck_assert_int_eq(f.a.kind, ACTION_REJECT);
	ck_assert_uint_eq(f.a.ndel, 0);
	ck_assert_uint_eq(f.a.nfields, 0);
	ck_assert_msg(strstr(vbuf_str(&f.a.reply), "Viamedis") != NULL, "%s", vbuf_str(&f.a.reply));
	done(&f);
}
END_TEST

START_TEST(tag_deletes_forged_fields_and_adds_ours)
{
	struct fed f = { .conf = conf_with("AuthservID mx.test\nSubjectTag [VIGIE]\n") };

	feed(&f, SPOOF "X-Vigie-Verdict: clean\nAuthentication-Results: mx.test; dkim=pass\n"
		 "X-Vigie-Verdict: clean\n", false);
	ck_assert_int_eq(f.a.kind, ACTION_TAG);
	ck_assert_uint_eq(f.a.ndel, 3);
	ck_assert_str_eq(f.a.del[0].name, "X-Vigie-Verdict");
	ck_assert_uint_eq(f.a.del[0].index, 2);
	ck_assert_uint_eq(f.a.del[1].index, 1);
	ck_assert_str_eq(f.a.del[2].name, "Authentication-Results");
	ck_assert_uint_eq(f.a.nfields, 2);	/* no DKIM: no Authentication-Results */
	ck_assert_str_eq(f.a.field[0].name, "X-Vigie-Verdict");
	ck_assert(!f.a.field[0].top);
	ck_assert_msg(strncmp(vbuf_str(&f.a.field[0].value), "impersonation", 13) == 0, "%s",
		      vbuf_str(&f.a.field[0].value));
	ck_assert_str_eq(f.a.field[1].name, "X-Vigie-Reasons");
	ck_assert(f.a.subject_tagging);
	ck_assert_int_eq(f.a.subject, EDIT_SUBJECT_CHANGE);
	ck_assert_str_eq(vbuf_str(&f.a.subject_value), "[VIGIE] RIB");
	done(&f);
}
END_TEST

START_TEST(clean_message_gets_its_verdict_and_no_tag)
{
	struct fed f = { .conf = conf_with("SubjectTag [VIGIE]\n") };

	feed(&f, "From: Paul <paul@pharmacie-lyon.fr>\nSubject: commande\n", true);
	ck_assert_int_eq(f.a.kind, ACTION_TAG);
	ck_assert_uint_eq(f.a.nfields, 1);
	ck_assert_str_eq(vbuf_str(&f.a.field[0].value), "clean score=0");
	ck_assert(!f.a.subject_tagging);
	done(&f);
}
END_TEST

START_TEST(quarantine_names_the_verdict)
{
	struct fed f = { .conf = conf_with("ImpersonationAction quarantine\n") };

	feed(&f, SPOOF, false);
	ck_assert_int_eq(f.a.kind, ACTION_QUARANTINE);
	ck_assert_int_eq(f.a.configured, CONF_ACTION_QUARANTINE);
	ck_assert_msg(strncmp(vbuf_str(&f.a.quarantine), "vigie: impersonation score=", 27) == 0,
		      "%s", vbuf_str(&f.a.quarantine));
	done(&f);
}
END_TEST

START_TEST(too_many_forged_fields_defer_the_message)
{
	struct fed f = { .conf = conf_with("AuthservID mx.test\n") };
	char name[64];

	feed(&f, SPOOF, false);
	action_free(&f.a);
	for (unsigned i = 0; i <= EDIT_NAMES_MAX; i++) {
		snprintf(name, sizeof(name), "X-Vigie-Forged-%u", i);
		edit_header(&f.e, name, " x", "mx.test");
	}
	action_decide(&f.a, f.conf, &f.conf->policy, &f.e, f.m, false);
	ck_assert_int_eq(f.a.kind, ACTION_TEMPFAIL);
	ck_assert_uint_eq(f.a.ndel, 0);
	ck_assert_uint_eq(f.a.nfields, 0);
	done(&f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("action");
	TCase *tc = tcase_create("action");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, reject_makes_no_edit_and_names_the_brand);
	tcase_add_test(tc, tag_deletes_forged_fields_and_adds_ours);
	tcase_add_test(tc, clean_message_gets_its_verdict_and_no_tag);
	tcase_add_test(tc, quarantine_names_the_verdict);
	tcase_add_test(tc, too_many_forged_fields_defer_the_message);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(suite());
}
