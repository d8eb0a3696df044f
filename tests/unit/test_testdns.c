/*
 * test_testdns - the TestDNS zone file: every record form (TTL, IN, case,
 * final dot, several strings, escapes, null MX, SERVFAIL and TIMEOUT),
 * answers as a name server gives them (NXDOMAIN, no data, the file's order
 * within a set), every error named by file and line, and struct dns over
 * a zone (the budget counts its lookups; offline answers nothing).
 */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "dnsanswer.h"
#include "tap.h"
#include "testdns.h"
#include "vbuf.h"

static const char zone[] =
	"# a comment\r\n"
	"\n"
	"Viamedis.FR.   3600 IN TXT \"v=spf1 \" \"ip4:192.0.2.0/24 -all\"   # after a blank\n"
	"viamedis.fr    TXT \"google-site-verification=x#y\"\n"
	"viamedis.fr    MX  20 mx2.viamedis.fr.\n"
	"viamedis.fr    MX  10 mx1.viamedis.fr\n"
	"mx1.viamedis.fr A  192.0.2.25\n"
	"mx1.viamedis.fr AAAA 2001:db8::25\n"
	"null.test      MX  0 .\n"
	"esc.test       TXT \"a \\\"q\\\" \\\\ \\065\\066\"\n"
	"25.2.0.192.in-addr.arpa PTR mx1.viamedis.fr\n"
	"_dmarc.down.test TXT SERVFAIL\n"
	"slow.test      A   timeout\n";

START_TEST(testdns_reads_every_form)
{
	char err[256] = "";
	struct testdns *z = testdns_parse(zone, strlen(zone), "zone", err, sizeof(err));
	static struct dnsanswer a;

	ck_assert_msg(z != NULL, "%s", err);
	ck_assert_uint_eq(testdns_count(z), 11);
	ck_assert_int_eq(testdns_lookup(z, "viamedis.fr", DNS_T_TXT, &a), RESOLVER_OK);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(dnsanswer_text(&a, 0), "v=spf1 ip4:192.0.2.0/24 -all");
	ck_assert_str_eq(dnsanswer_text(&a, 1), "google-site-verification=x#y");
	ck_assert_uint_eq(a.ttl, 3600);
	ck_assert_int_eq(testdns_lookup(z, "VIAMEDIS.fr.", DNS_T_MX, &a), RESOLVER_OK);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(dnsanswer_text(&a, 0), "mx2.viamedis.fr");
	ck_assert_uint_eq(a.rr[0].pref, 20);
	ck_assert_uint_eq(a.rr[1].pref, 10);
	ck_assert_int_eq(testdns_lookup(z, "mx1.viamedis.fr", DNS_T_A, &a), RESOLVER_OK);
	ck_assert(memcmp(dnsanswer_addr(&a, 0), "\xc0\x00\x02\x19", 4) == 0);
	ck_assert_int_eq(testdns_lookup(z, "mx1.viamedis.fr", DNS_T_AAAA, &a), RESOLVER_OK);
	ck_assert_uint_eq(a.rr[0].len, 16);
	ck_assert_int_eq(testdns_lookup(z, "null.test", DNS_T_MX, &a), RESOLVER_OK);
	ck_assert_str_eq(dnsanswer_text(&a, 0), ".");
	ck_assert_int_eq(testdns_lookup(z, "esc.test", DNS_T_TXT, &a), RESOLVER_OK);
	ck_assert_str_eq(dnsanswer_text(&a, 0), "a \"q\" \\ AB");
	ck_assert_int_eq(testdns_lookup(z, "25.2.0.192.in-addr.arpa", DNS_T_PTR, &a), RESOLVER_OK);
	ck_assert_str_eq(dnsanswer_text(&a, 0), "mx1.viamedis.fr");
	/* as a name server answers */
	ck_assert_int_eq(testdns_lookup(z, "absent.test", DNS_T_TXT, &a), RESOLVER_NXDOMAIN);
	ck_assert_int_eq(testdns_lookup(z, "mx1.viamedis.fr", DNS_T_TXT, &a), RESOLVER_NODATA);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(testdns_lookup(z, "_dmarc.down.test", DNS_T_TXT, &a), RESOLVER_SERVFAIL);
	ck_assert_int_eq(testdns_lookup(z, "slow.test", DNS_T_A, &a), RESOLVER_TIMEOUT);
	ck_assert_int_eq(testdns_lookup(z, "bad name.test", DNS_T_A, &a), RESOLVER_BADNAME);
	testdns_free(z);
}
END_TEST

static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{ "a.test TXT v=spf1\n", "zone:1: TXT data must be quoted strings" },
	{ "\n\na.test TXT \"open\n", "zone:3: unterminated string" },
	{ "a.test TXT\n", "zone:1: TXT needs at least one quoted string" },
	{ "a.test CNAME b.test\n", "zone:1: type \"CNAME\": TXT, A, AAAA, MX or PTR expected" },
	{ "a..test A 192.0.2.1\n", "zone:1: name \"a..test\" is not a DNS name" },
	{ "a.test A 300.1.1.1\n", "zone:1: \"300.1.1.1\" is not an IPv4 address" },
	{ "a.test AAAA 192.0.2.1\n", "zone:1: \"192.0.2.1\" is not an IPv6 address" },
	{ "a.test MX mx.test\n", "zone:1: MX needs a preference (0-65535), then a name" },
	{ "a.test MX 70000 mx.test\n", "zone:1: MX preference 70000 over 65535" },
	{ "a.test A 192.0.2.1 extra\n", "zone:1: unexpected text after the record" },
	{ "a.test TXT \"\\07\"\n", "zone:1: \\DDD needs three digits" },
	{ "a.test TXT \"\\000\"\n", "zone:1: \\000 is not a byte a record may hold" },
	{ "a.test TXT \"x\" \\\n", "zone:1: TXT data must be quoted strings" },
	{ "a.test PTR\n", "zone:1: target \"\" is not a DNS name" },
	{ "a.test\0 A 192.0.2.1\n", "zone:1: NUL byte in the line" },
};

START_TEST(testdns_names_file_and_line)
{
	char err[256] = "";
	size_t len = strlen(bad[_i].text);

	if (_i == sizeof(bad) / sizeof(bad[0]) - 1)
		len = 21;	/* the NUL byte */
	ck_assert_ptr_null(testdns_parse(bad[_i].text, len, "zone", err, sizeof(err)));
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(testdns_caps)
{
	char err[256] = "", line[400];
	struct vbuf v = VBUF_INIT(1u << 20);

	/* a string of 256 octets, a TXT over the answer's data */
	memset(line, 'a', sizeof(line));
	snprintf(line, sizeof(line), "a.test TXT \"%0256d\"\n", 0);
	ck_assert_ptr_null(testdns_parse(line, strlen(line), "zone", err, sizeof(err)));
	ck_assert(strstr(err, "over 255 octets") != NULL);
	vbuf_adds(&v, "a.test TXT");
	for (int i = 0; i < 70; i++)
		vbuf_printf(&v, " \"%0250d\"", i);
	vbuf_adds(&v, "\n");
	ck_assert_ptr_null(testdns_parse(vbuf_str(&v), v.len, "zone", err, sizeof(err)));
	ck_assert(strstr(err, "TXT data over") != NULL);
	vbuf_free(&v);
	/* the answer set capped: TOOLONG, nothing kept */
	vbuf_init(&v, 1u << 20);
	for (int i = 0; i < DNSANSWER_RECORDS_MAX + 1; i++)
		vbuf_printf(&v, "many.test A 192.0.2.%d\n", i % 250);
	{
		struct testdns *z = testdns_parse(vbuf_str(&v), v.len, "zone", err, sizeof(err));
		static struct dnsanswer a;

		ck_assert_ptr_nonnull(z);
		ck_assert_int_eq(testdns_lookup(z, "many.test", DNS_T_A, &a), RESOLVER_TOOLONG);
		ck_assert_uint_eq(a.n, 0);
		testdns_free(z);
	}
	vbuf_free(&v);
	ck_assert_ptr_null(testdns_load("/nonexistent/zone", err, sizeof(err)));
	ck_assert(strncmp(err, "/nonexistent/zone: ", 19) == 0);
}
END_TEST

START_TEST(dns_over_a_zone_counts_and_offline_answers_nothing)
{
	char err[256] = "";
	struct testdns *z = testdns_parse(zone, strlen(zone), "zone", err, sizeof(err));
	struct dns *d = dns_new_zone(z);
	struct dns_opts off = { NULL, 0, NULL, true };
	struct dns *none = dns_new(&off, err, sizeof(err));
	static struct dnsanswer a;
	struct dns_budget b;

	dns_budget_init(&b);
	ck_assert_int_eq(dns_source(d), DNS_ZONE);
	ck_assert_int_eq(dns_lookup(d, &b, "viamedis.fr", DNS_T_TXT, &a), RESOLVER_OK);
	ck_assert_int_eq(dns_lookup(d, &b, "_dmarc.down.test", DNS_T_TXT, &a), RESOLVER_SERVFAIL);
	ck_assert_uint_eq(b.queries, 2);
	ck_assert_uint_eq(b.failures, 1);
	ck_assert_int_eq(dns_source(none), DNS_NONE);
	ck_assert_int_eq(dns_lookup(none, &b, "viamedis.fr", DNS_T_TXT, &a), RESOLVER_UNREACHABLE);
	ck_assert_uint_eq(b.queries, 2);
	dns_free(d);
	dns_free(none);
}
END_TEST

/* testdns_suite - the cases above */
static Suite *testdns_suite(void)
{
	Suite *s = suite_create("testdns");
	TCase *tc = tcase_create("testdns");

	tcase_add_test(tc, testdns_reads_every_form);
	tcase_add_loop_test(tc, testdns_names_file_and_line, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, testdns_caps);
	tcase_add_test(tc, dns_over_a_zone_counts_and_offline_answers_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(testdns_suite());
}
