/*
 * test_authres - Authentication-Results: vigie's value rendered exactly
 * (folding, quoting, hostile text), incoming values parsed (comments,
 * quoting, odd spacing, garbage, huge values), and the round trip.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "authres.h"
#include "tap.h"

/* sig - a result as dkimcheck would give it */
static struct dkimcheck_sig sig(enum dkimcheck_result r, const char *reason, const char *d,
				const char *s, const char *a, const char *b)
{
	struct dkimcheck_sig x;

	memset(&x, 0, sizeof(x));
	x.result = r;
	x.reason = reason;
	snprintf(x.domain, sizeof(x.domain), "%s", d);
	snprintf(x.selector, sizeof(x.selector), "%s", s);
	snprintf(x.algorithm, sizeof(x.algorithm), "%s", a);
	snprintf(x.b, sizeof(x.b), "%s", b);
	return x;
}

START_TEST(authres_render_none)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);

	ck_assert(authres_render(&out, "mx.example.org", NULL, 0));
	ck_assert_str_eq(vbuf_str(&out), "mx.example.org; dkim=none");
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_render_pass_folds_at_78_columns)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	struct dkimcheck_sig s = sig(DKIMCHECK_PASS, "", "viamedis.fr", "s2024", "rsa-sha256",
				     "AbCdEf12");

	ck_assert(authres_render(&out, "mx.example.org", &s, 1));
	/* 24 columns of field name; header.s would end at column 85 */
	ck_assert_str_eq(vbuf_str(&out),
			 "mx.example.org; dkim=pass header.d=viamedis.fr\n"
			 "\theader.s=s2024 header.a=rsa-sha256 header.b=AbCdEf12");
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_render_failure_reason_and_quoted_b)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	struct dkimcheck_sig s[2] = {
		sig(DKIMCHECK_FAIL, "body hash mismatch", "almerys.com", "k1", "ed25519-sha256",
		    "a/b+c=d="),
		sig(DKIMCHECK_TEMPERROR, "DNS timeout", "kalixia.fr", "", "", ""),
	};

	ck_assert(authres_render(&out, "mx", s, 2));
	ck_assert_str_eq(vbuf_str(&out),
			 "mx; dkim=fail reason=\"body hash mismatch\"\n"
			 "\theader.d=almerys.com header.s=k1 header.a=ed25519-sha256\n"
			 "\theader.b=\"a/b+c=d=\"; dkim=temperror reason=\"DNS timeout\"\n"
			 "\theader.d=kalixia.fr");
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_render_quotes_hostile_text)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	struct dkimcheck_sig s = sig(DKIMCHECK_NEUTRAL, "bad \"x\"\\", "evil\";dkim=pass",
				     "a(b)\r\nX-Vigie-Verdict: clean", "x\x01y", "");

	ck_assert(authres_render(&out, "mx 1;\n", &s, 1));
	ck_assert_str_eq(vbuf_str(&out),
			 "\"mx 1;?\"; dkim=neutral reason=\"bad \\\"x\\\"\\\\\"\n"
			 "\theader.d=\"evil\\\";dkim=pass\" header.s=\"a(b)??X-Vigie-Verdict: clean\"\n"
			 "\theader.a=\"x?y\"");
	ck_assert_ptr_null(strchr(vbuf_str(&out), '\r'));
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_render_ten_long_signatures_stays_bounded)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	struct dkimcheck_sig s[DKIMCHECK_MAX_SIGS];
	char domain[DNSNAME_MAX + 1];
	const char *line;

	memset(domain, 'd', DNSNAME_MAX);
	domain[DNSNAME_MAX] = '\0';
	for (int i = 0; i < DKIMCHECK_MAX_SIGS; i++)
		s[i] = sig(DKIMCHECK_PERMERROR, "key not found", domain, "selector", "rsa-sha256",
			   "ABCDEFGH");
	ck_assert(authres_render(&out, "mx.example.org", s, DKIMCHECK_MAX_SIGS));
	ck_assert_uint_le(out.len, AUTHRES_VALUE_MAX);
	for (line = vbuf_str(&out); line != NULL; line = strchr(line, '\n')) {
		const char *nl;

		line += *line == '\n';
		nl = strchr(line, '\n');
		ck_assert_uint_lt(nl ? (size_t)(nl - line) : strlen(line), 998);
	}
	for (const char *p = vbuf_str(&out); *p != '\0'; p++)
		ck_assert(*p == '\n' || *p == '\t' || (*p >= 0x20 && *p < 0x7f));
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_render_refuses_a_buffer_too_small)
{
	struct vbuf out = VBUF_INIT(20);
	struct dkimcheck_sig s = sig(DKIMCHECK_PASS, "", "viamedis.fr", "s", "rsa-sha256", "AB");

	vbuf_adds(&out, "x");
	ck_assert(!authres_render(&out, "mx.example.org", &s, 1));
	ck_assert_str_eq(vbuf_str(&out), "x");
	vbuf_free(&out);
}
END_TEST

static const struct {
	const char *value;
	enum authres_status status;
	const char *id;
	size_t ndkim;
	enum dkimcheck_result result;	/* of the first dkim= */
	const char *domain;		/* of the first dkim= */
	bool none;
} parses[] = {
	{ "mx.example.org; dkim=pass header.d=viamedis.fr", AUTHRES_OK, "mx.example.org", 1,
	  DKIMCHECK_PASS, "viamedis.fr", false },
	{ " (relay) MX.Example.ORG. (v) 1 ;\r\n\tdkim = pass (ok) header.d = Viamedis.FR.",
	  AUTHRES_OK, "mx.example.org", 1, DKIMCHECK_PASS, "viamedis.fr", false },
	{ "\"mx.example.org\"; dkim=fail header.i=joe@Almerys.COM", AUTHRES_OK, "mx.example.org",
	  1, DKIMCHECK_FAIL, "almerys.com", false },
	{ "mx; dkim=pass header.i=@a.fr header.d=b.fr", AUTHRES_OK, "mx", 1, DKIMCHECK_PASS,
	  "b.fr", false },
	{ "mx; dkim=pass header.d=b.fr header.i=@a.fr", AUTHRES_OK, "mx", 1, DKIMCHECK_PASS,
	  "b.fr", false },
	{ "mx.example.org; none", AUTHRES_OK, "mx.example.org", 0, DKIMCHECK_NONE, "", true },
	{ "mx.example.org 1; none (nothing)", AUTHRES_OK, "mx.example.org", 0, DKIMCHECK_NONE,
	  "", true },
	{ "mx; spf=pass smtp.mailfrom=x@y.fr; dkim=permerror header.d=a.fr; dmarc=fail",
	  AUTHRES_OK, "mx", 1, DKIMCHECK_PERMERROR, "a.fr", false },
	{ "mx; dkim/1=temperror header.d=a.fr", AUTHRES_OK, "mx", 1, DKIMCHECK_TEMPERROR, "a.fr",
	  false },
	{ "mx; dkim=pass reason=\"x; dkim=fail\" header.d=\"a.fr\" header.s=sel", AUTHRES_OK,
	  "mx", 1, DKIMCHECK_PASS, "a.fr", false },
	{ "mx; dkim=pass header.d=a.fr (unterminated", AUTHRES_MALFORMED, "mx", 1,
	  DKIMCHECK_PASS, "a.fr", false },
	{ "mx; dkim=pass header.d=\"a.fr", AUTHRES_MALFORMED, "mx", 1, DKIMCHECK_PASS, "a.fr",
	  false },
	{ "mx; dkim=hardpass header.d=a.fr; dkim=pass header.d=b.fr", AUTHRES_MALFORMED, "mx",
	  1, DKIMCHECK_PASS, "b.fr", false },
	{ "mx; ;;; dkim=neutral header.d=a.fr ;", AUTHRES_MALFORMED, "mx", 1,
	  DKIMCHECK_NEUTRAL, "a.fr", false },
	{ "mx; dkim=pass header.d=\"a b.fr\"", AUTHRES_OK, "mx", 1, DKIMCHECK_PASS, "", false },
	{ "mx; dkim=pass header.d=a.fr header.d", AUTHRES_MALFORMED, "mx", 0, DKIMCHECK_NONE, "",
	  false },
	{ "mx; dkim pass", AUTHRES_MALFORMED, "mx", 0, DKIMCHECK_NONE, "", false },
	{ "mx; none; dkim=pass header.d=a.fr", AUTHRES_MALFORMED, "mx", 1, DKIMCHECK_PASS,
	  "a.fr", false },
	{ "((nested (deep)) \\) still) mx.example.org;dkim=pass header.d=a.fr", AUTHRES_OK,
	  "mx.example.org", 1, DKIMCHECK_PASS, "a.fr", false },
	{ "mx.example.org", AUTHRES_MALFORMED, "mx.example.org", 0, DKIMCHECK_NONE, "", false },
	{ "mx.example.org dkim=pass", AUTHRES_MALFORMED, "mx.example.org", 0, DKIMCHECK_NONE, "",
	  false },
	{ "", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "   \r\n\t ", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "; dkim=pass header.d=a.fr", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "(only a comment)", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "(unterminated mx; dkim=pass", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "=pass", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "\"\"; dkim=pass", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ ".; dkim=pass", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
	{ "\x01\x02; dkim=pass", AUTHRES_NOID, "", 0, DKIMCHECK_NONE, "", false },
};

START_TEST(authres_parse_table)
{
	struct authres ar;
	enum authres_status st = authres_parse(parses[_i].value, strlen(parses[_i].value), &ar);

	ck_assert_msg(st == parses[_i].status, "status %d for \"%s\"", st, parses[_i].value);
	ck_assert_str_eq(ar.authserv_id, parses[_i].id);
	ck_assert_uint_eq(ar.ndkim, parses[_i].ndkim);
	ck_assert(ar.none == parses[_i].none);
	if (ar.ndkim > 0) {
		ck_assert_int_eq(ar.dkim[0].result, parses[_i].result);
		ck_assert_str_eq(ar.dkim[0].domain, parses[_i].domain);
	}
}
END_TEST

START_TEST(authres_parse_keeps_sixteen_and_counts_the_rest)
{
	char value[2048] = "mx";
	struct authres ar;

	for (int i = 0; i < 20; i++) {
		char one[64];

		snprintf(one, sizeof(one), "; dkim=pass header.d=d%d.fr header.s=s%d", i, i);
		strcat(value, one);
	}
	ck_assert_int_eq(authres_parse(value, strlen(value), &ar), AUTHRES_OK);
	ck_assert_uint_eq(ar.ndkim, AUTHRES_MAX_DKIM);
	ck_assert_uint_eq(ar.dropped, 4);
	ck_assert_str_eq(ar.dkim[15].domain, "d15.fr");
	ck_assert_str_eq(ar.dkim[15].selector, "s15");
}
END_TEST

START_TEST(authres_parse_huge_and_binary_values)
{
	static char big[200000];
	struct authres ar;
	size_t n = 0;

	n += (size_t)snprintf(big, sizeof(big), "mx.example.org");
	while (n + 40 < sizeof(big))
		n += (size_t)snprintf(big + n, sizeof(big) - n, "; dkim=pass header.d=a.fr (%zu)", n);
	/* only the first AUTHRES_INPUT_MAX bytes are read, and it says so */
	ck_assert_int_eq(authres_parse(big, n, &ar), AUTHRES_MALFORMED);
	ck_assert_str_eq(ar.authserv_id, "mx.example.org");
	ck_assert_uint_eq(ar.ndkim, AUTHRES_MAX_DKIM);
	ck_assert_uint_gt(ar.dropped, 100);

	/* a comment as long as the input: read to the end, nothing found */
	memset(big, '(', sizeof(big));
	ck_assert_int_eq(authres_parse(big, sizeof(big), &ar), AUTHRES_NOID);

	/* NUL and other bytes anywhere */
	static const char bin[] = "mx\0; dkim=pass header.d=a.fr\xff\x80; dkim=\x7f";
	ck_assert_int_eq(authres_parse(bin, sizeof(bin) - 1, &ar), AUTHRES_MALFORMED);
	ck_assert_str_eq(ar.authserv_id, "mx");
}
END_TEST

static const struct {
	const char *value;
	const char *id;
	bool ours;
} ids[] = {
	{ "mx.example.org; dkim=pass", "mx.example.org", true },
	{ "MX.EXAMPLE.ORG.; dkim=pass", "mx.example.org", true },
	{ "\"mx.example.org\"; dkim=pass", "mx.example.org.", true },
	{ " (forged) mx.example.org (x); spf=pass", "mx.example.org", true },
	{ "mx.example.org", "mx.example.org", true },
	{ "mx.example.org.evil.test; dkim=pass", "mx.example.org", false },
	{ "evil.mx.example.org; dkim=pass", "mx.example.org", false },
	{ "mx.example.orgx; dkim=pass", "mx.example.org", false },
	{ "mx.ex\xd0\xb0mple.org; dkim=pass", "mx.example.org", false },
	{ "; mx.example.org", "mx.example.org", false },
	{ "", "mx.example.org", false },
	{ "mx.example.org; dkim=pass", "", false },
};

START_TEST(authres_is_from_table)
{
	ck_assert_msg(authres_is_from(ids[_i].value, strlen(ids[_i].value), ids[_i].id) ==
		      ids[_i].ours, "\"%s\" vs \"%s\"", ids[_i].value, ids[_i].id);
}
END_TEST

START_TEST(authres_round_trip)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	struct dkimcheck_sig s[3] = {
		sig(DKIMCHECK_PASS, "", "viamedis.fr", "s2024", "rsa-sha256", "AbCd/12="),
		sig(DKIMCHECK_POLICY, "signature expired", "mail.almerys.com", "k", "rsa-sha256", "x"),
		sig(DKIMCHECK_PERMERROR, "key not found", "x.test", "sel.sub", "ed25519-sha256", "y"),
	};
	struct authres ar;

	ck_assert(authres_render(&out, "mx.example.org", s, 3));
	ck_assert_int_eq(authres_parse(out.data, out.len, &ar), AUTHRES_OK);
	ck_assert_str_eq(ar.authserv_id, "mx.example.org");
	ck_assert_uint_eq(ar.ndkim, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(ar.dkim[i].result, s[i].result);
		ck_assert_str_eq(ar.dkim[i].domain, s[i].domain);
		ck_assert_str_eq(ar.dkim[i].selector, s[i].selector);
		ck_assert_str_eq(ar.dkim[i].b, s[i].b);
	}
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_result_names_round_trip)
{
	for (int i = 0; i < DKIMCHECK_RESULT_COUNT; i++) {
		const char *name = dkimcheck_result_name(i);
		enum dkimcheck_result r;

		ck_assert(dkimcheck_result_lookup(name, strlen(name), &r));
		ck_assert_int_eq(r, i);
	}
	ck_assert_str_eq(dkimcheck_result_name(DKIMCHECK_TEMPERROR), "temperror");
	ck_assert(!dkimcheck_result_lookup("passed", 6, &(enum dkimcheck_result){ 0 }));
	ck_assert(dkimcheck_result_lookup("PASS", 4, &(enum dkimcheck_result){ 0 }));
}
END_TEST

START_TEST(authres_render_spf_and_dmarc)
{
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	struct dkimcheck_sig s = sig(DKIMCHECK_PASS, "", "esp.example", "k", "rsa-sha256", "");
	struct spfcheck_out spf;
	struct dmarccheck_out dmarc;
	struct authres_results r = { true, &s, 1, &spf, &dmarc };

	spfcheck_none(&spf, "");
	spf.evaluated = true;
	spf.result = SPFCHECK_PASS;
	snprintf(spf.domain, sizeof(spf.domain), "bounce.esp.example");
	dmarccheck_skip(&dmarc, "");
	dmarc.evaluated = true;
	dmarc.result = DMARCCHECK_FAIL;
	dmarc.applied = DMARCCHECK_P_REJECT;
	snprintf(dmarc.from_domain, sizeof(dmarc.from_domain), "viamedis.fr");
	ck_assert(authres_render_all(&out, "mx", &r));
	ck_assert_str_eq(vbuf_str(&out),
			 "mx; dkim=pass header.d=esp.example header.s=k\n"
			 "\theader.a=rsa-sha256; spf=pass smtp.mailfrom=bounce.esp.example;\n"
			 "\tdmarc=fail header.from=viamedis.fr policy.dmarc=reject");
	/* HELO, a temperror's reason; no DKIM evaluated; DMARC none with why */
	vbuf_reset(&out);
	spf.result = SPFCHECK_TEMPERROR;
	spf.reason = "DNS timeout";
	spf.identity = SPFCHECK_HELO;
	snprintf(spf.domain, sizeof(spf.domain), "mx.esp.example");
	dmarc.result = DMARCCHECK_NONE;
	dmarc.reason = "no DMARC record";
	r.dkim = false;
	ck_assert(authres_render_all(&out, "mx", &r));
	ck_assert_str_eq(vbuf_str(&out),
			 "mx; spf=temperror reason=\"DNS timeout\"\n"
			 "\tsmtp.helo=mx.esp.example; dmarc=none reason=\"no DMARC record\"\n"
			 "\theader.from=viamedis.fr");
	/* no signature: dkim=none, then the others */
	vbuf_reset(&out);
	r.dkim = true;
	r.nsigs = 0;
	r.dmarc = NULL;
	ck_assert(authres_render_all(&out, "mx", &r));
	ck_assert_str_eq(vbuf_str(&out),
			 "mx; dkim=none; spf=temperror reason=\"DNS timeout\"\n"
			 "\tsmtp.helo=mx.esp.example");
	vbuf_free(&out);
}
END_TEST

START_TEST(authres_parse_spf_and_dmarc)
{
	struct authres ar;
	const char *v = "relay.example; dkim=pass header.d=viamedis.fr; spf=pass (sender ok)"
			" smtp.mailfrom=bounce@Bounce.Viamedis.FR; spf=fail smtp.mailfrom=x.example;"
			" dmarc=pass (p=reject) header.from=viamedis.fr";

	ck_assert_int_eq(authres_parse(v, strlen(v), &ar), AUTHRES_OK);
	ck_assert(ar.has_spf && ar.spf == SPFCHECK_PASS && !ar.spf_helo);
	ck_assert_str_eq(ar.spf_domain, "bounce.viamedis.fr");
	ck_assert(ar.has_dmarc && ar.dmarc == DMARCCHECK_PASS);
	ck_assert_str_eq(ar.dmarc_from, "viamedis.fr");
	ck_assert_uint_eq(ar.ndkim, 1);
	v = "relay; spf=hardfail smtp.helo=mx.evil.example; dmarc=bogus header.from=x";
	ck_assert_int_eq(authres_parse(v, strlen(v), &ar), AUTHRES_MALFORMED);
	ck_assert(ar.has_spf && ar.spf == SPFCHECK_FAIL && ar.spf_helo);
	ck_assert_str_eq(ar.spf_domain, "mx.evil.example");
	ck_assert(!ar.has_dmarc);
}
END_TEST

/* authres_suite - the cases of this file */
static Suite *authres_suite(void)
{
	Suite *s = suite_create("authres");
	TCase *tc = tcase_create("authres");

	tcase_add_test(tc, authres_render_none);
	tcase_add_test(tc, authres_render_pass_folds_at_78_columns);
	tcase_add_test(tc, authres_render_failure_reason_and_quoted_b);
	tcase_add_test(tc, authres_render_quotes_hostile_text);
	tcase_add_test(tc, authres_render_ten_long_signatures_stays_bounded);
	tcase_add_test(tc, authres_render_refuses_a_buffer_too_small);
	tcase_add_loop_test(tc, authres_parse_table, 0, sizeof(parses) / sizeof(parses[0]));
	tcase_add_test(tc, authres_parse_keeps_sixteen_and_counts_the_rest);
	tcase_add_test(tc, authres_parse_huge_and_binary_values);
	tcase_add_loop_test(tc, authres_is_from_table, 0, sizeof(ids) / sizeof(ids[0]));
	tcase_add_test(tc, authres_round_trip);
	tcase_add_test(tc, authres_result_names_round_trip);
	tcase_add_test(tc, authres_render_spf_and_dmarc);
	tcase_add_test(tc, authres_parse_spf_and_dmarc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(authres_suite());
}
