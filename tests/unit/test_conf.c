/*
 * test_conf - vigie.conf: the built-in defaults, every option, each error
 * reported as file:line, booleans, and the host lists (IPv4, IPv6, CIDR,
 * exclusions, file: datasets).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "hostlist.h"
#include "tap.h"

static char tmpdir[] = "/tmp/vigie-conf.XXXXXX";

/* parse - conf_parse text over the defaults; NULL (errors in errs) on error */
static struct conf *parse(const char *text, struct vbuf *errs)
{
	struct conf *c = conf_defaults();

	if (conf_parse(c, text, strlen(text), "t.conf", errs) > 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* parse_ok - parse text that must be valid */
static struct conf *parse_ok(const char *text)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);
	struct conf *c = parse(text, &errs);

	ck_assert_msg(c != NULL, "'%s' refused: %s", text, vbuf_str(&errs));
	vbuf_free(&errs);
	return c;
}

/* write_file - a file under the test's private directory */
static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert(fp != NULL);
	fputs(text, fp);
	fclose(fp);
	return path;
}

START_TEST(defaults_let_root_start_with_no_config)
{
	struct conf *c = conf_defaults();
	char host[256];

	ck_assert_str_eq(c->socket, "local:" RUNSTATEDIR "/vigie/vigie.sock");
	ck_assert_ptr_null(c->user);
	ck_assert_ptr_null(c->pidfile);
	ck_assert_uint_eq(c->umask, 0);
	ck_assert(c->syslog);
	ck_assert_int_eq(c->syslog_facility, LOG_MAIL);
	gethostname(host, sizeof(host));
	ck_assert_str_eq(c->authserv_id, host);
	ck_assert_ptr_null(c->trusted_authserv_ids[0]);
	ck_assert(hostlist_match_text(c->internal_hosts, "127.0.0.1"));
	ck_assert(hostlist_match_text(c->internal_hosts, "::1"));
	ck_assert(!hostlist_match_text(c->internal_hosts, "127.0.0.2"));
	ck_assert_uint_eq(c->peer_list->count, 0);
	ck_assert(c->skip_authenticated);
	ck_assert_ptr_null(c->brands);
	ck_assert_ptr_null(c->nameservers);
	ck_assert_uint_eq(c->dns_timeout, 5);
	ck_assert_ptr_null(c->test_public_keys);
	ck_assert_int_eq(c->dkim_verify, MESSAGE_DKIM_BRANDS);
	ck_assert_int_eq(c->policy.suspect_action, CONF_ACTION_TAG);
	ck_assert_int_eq(c->policy.impersonation_action, CONF_ACTION_TAG);
	ck_assert_str_eq(c->reject_reply, "Message refusé : usurpation probable de %b");
	ck_assert_ptr_null(c->policy.subject_tag);
	ck_assert_uint_eq(c->max_body_scan, 256 * 1024);
	conf_free(c);
}
END_TEST

START_TEST(every_option_is_read)
{
	const char *keys = write_file("keys.txt", "s._domainkey.example.com v=DKIM1; p=\n");
	const char *brands = write_file("brands.conf", "# pack\n");
	char text[4096];
	struct conf *c;

	snprintf(text, sizeof(text),
		 "# every option\n"
		 "Socket inet:8891@127.0.0.1\n"
		 "UserID nobody\n"
		 "PidFile /run/vigie/other.pid\n"
		 "UMask 007\n"
		 "Syslog no\n"
		 "SyslogFacility local3\n"
		 "AuthservID mx.example.org\n"
		 "TrustedAuthservIDs relay1.example.org, relay2.example.org\n"
		 "InternalHosts 192.0.2.0/24\n"
		 "PeerList 2001:db8::/32\n"
		 "SkipAuthenticated no\n"
		 "Brands %s\n"
		 "Nameservers 127.0.0.1:5353, [::1]:53\n"
		 "DNSTimeout 3\n"
		 "TestPublicKeys %s\n"
		 "TestDNS %s\n"
		 "DKIMVerify always\n"
		 "SPFVerify never\n"
		 "SuspectAction quarantine\n"
		 "ImpersonationAction reject\n"
		 "RejectReply Non merci (%%b)\n"
		 "SubjectTag [USURPATION ?]\n"
		 "MaxBodyScan 1m\n", brands, keys, keys);
	c = parse_ok(text);
	ck_assert_str_eq(c->socket, "inet:8891@127.0.0.1");
	ck_assert_str_eq(c->user, "nobody");
	ck_assert_str_eq(c->pidfile, "/run/vigie/other.pid");
	ck_assert_uint_eq(c->umask, 07);
	ck_assert(!c->syslog);
	ck_assert_int_eq(c->syslog_facility, LOG_LOCAL3);
	ck_assert_str_eq(c->authserv_id, "mx.example.org");
	ck_assert_str_eq(c->trusted_authserv_ids[0], "relay1.example.org");
	ck_assert_str_eq(c->trusted_authserv_ids[1], "relay2.example.org");
	ck_assert_ptr_null(c->trusted_authserv_ids[2]);
	ck_assert(hostlist_match_text(c->internal_hosts, "192.0.2.77"));
	ck_assert(!hostlist_match_text(c->internal_hosts, "127.0.0.1"));
	ck_assert(hostlist_match_text(c->peer_list, "2001:db8:1::5"));
	ck_assert(!c->skip_authenticated);
	ck_assert_str_eq(c->brands, brands);
	ck_assert_str_eq(c->nameservers, "127.0.0.1:5353, [::1]:53");
	ck_assert_uint_eq(c->dns_timeout, 3);
	ck_assert_str_eq(c->test_public_keys, keys);
	ck_assert_int_eq(c->dkim_verify, MESSAGE_DKIM_ALWAYS);
	ck_assert_str_eq(c->test_dns, keys);
	ck_assert_int_eq(c->spf_verify, MESSAGE_SPF_NEVER);
	ck_assert_int_eq(c->policy.suspect_action, CONF_ACTION_QUARANTINE);
	ck_assert_int_eq(c->policy.impersonation_action, CONF_ACTION_REJECT);
	ck_assert_str_eq(c->reject_reply, "Non merci (%b)");
	ck_assert_str_eq(c->policy.subject_tag, "[USURPATION ?]");
	ck_assert_uint_eq(c->max_body_scan, 1024 * 1024);
	conf_free(c);
}
END_TEST

START_TEST(names_any_case_comments_and_blanks)
{
	struct conf *c = parse_ok("\xef\xbb\xbf# BOM, comments, blank lines\n\n"
				  "   sOcKeT\tlocal:/tmp/x.sock   # trailing comment\r\n"
				  "subjecttag [#PHISH]\n"
				  "\t# indented comment\n");

	ck_assert_str_eq(c->socket, "local:/tmp/x.sock");
	ck_assert_str_eq(c->policy.subject_tag, "[#PHISH]");
	conf_free(c);
}
END_TEST

static const struct {
	const char *value;
	bool result;
} booleans[] = {
	{ "yes", true }, { "Yes", true }, { "true", true }, { "T", true }, { "1", true },
	{ "no", false }, { "No", false }, { "false", false }, { "F", false }, { "0", false },
};

START_TEST(booleans_by_first_letter)
{
	char text[64];
	struct conf *c;

	snprintf(text, sizeof(text), "Syslog %s\nSkipAuthenticated %s\n",
		 booleans[_i].value, booleans[_i].value);
	c = parse_ok(text);
	ck_assert_int_eq(c->syslog, booleans[_i].result);
	ck_assert_int_eq(c->skip_authenticated, booleans[_i].result);
	conf_free(c);
}
END_TEST

/* each bad line, and the error it must give on line 2 of t.conf */
static const struct {
	const char *line;
	const char *error;
} bad[] = {
	{ "Sockets local:/x", "t.conf:2: unknown option 'Sockets'\n" },
	{ "Socket", "t.conf:2: Socket needs a value\n" },
	{ "Socket local:relative.sock", "t.conf:2: Socket: 'local:relative.sock': the socket path must be absolute\n" },
	{ "Socket inet:99999@localhost", "t.conf:2: Socket: 'inet:99999@localhost': bad port (write inet:PORT@HOST, PORT 1..65535)\n" },
	{ "Socket inet6:8891@127.0.0.1", "t.conf:2: Socket: 'inet6:8891@127.0.0.1': bad host after '@' (an IPv6 address)\n" },
	{ "Socket tcp:8891", "t.conf:2: Socket: 'tcp:8891' is not a socket (local:/path, inet:port@host, inet6:port@host)\n" },
	{ "UserID nosuchuser-vigie", "t.conf:2: UserID: unknown user 'nosuchuser-vigie'\n" },
	{ "UserID nobody:nosuchgroup-vigie", "t.conf:2: UserID: unknown group 'nosuchgroup-vigie'\n" },
	{ "UMask 0999", "t.conf:2: UMask: '0999' is not an octal mask from 000 to 777\n" },
	{ "UMask 01000", "t.conf:2: UMask: '01000' is not an octal mask from 000 to 777\n" },
	{ "Syslog maybe", "t.conf:2: Syslog: 'maybe' is not a boolean (yes/no, true/false, 1/0)\n" },
	{ "SyslogFacility kern", "t.conf:2: SyslogFacility: 'kern' is not a syslog facility (mail, daemon, user, local0..local7)\n" },
	{ "AuthservID mx;evil", "t.conf:2: AuthservID: 'mx;evil' is not a single token of printable ASCII without ()<>@,;:\\\"/[]?= (at most 255 bytes)\n" },
	{ "TrustedAuthservIDs a.example, b@example", "t.conf:2: TrustedAuthservIDs: 'b@example' is not a single token of printable ASCII without ()<>@,;:\\\"/[]?= (at most 255 bytes)\n" },
	{ "InternalHosts mail.example.org", "t.conf:2: InternalHosts: 'mail.example.org' is not an IPv4 or IPv6 address or network (host names are not accepted)\n" },
	{ "InternalHosts 10.0.0.0/33", "t.conf:2: InternalHosts: bad prefix length '/33' for 10.0.0.0 (0..32)\n" },
	{ "PeerList fd00::/129", "t.conf:2: PeerList: bad prefix length '/129' for fd00:: (0..128)\n" },
	{ "PeerList refile:/etc/peers", "t.conf:2: PeerList: unsupported dataset type 'refile:' (use a list or file:)\n" },
	{ "PeerList file:/nonexistent/peers", "t.conf:2: PeerList: cannot open /nonexistent/peers: No such file or directory\n" },
	{ "SkipAuthenticated perhaps", "t.conf:2: SkipAuthenticated: 'perhaps' is not a boolean (yes/no, true/false, 1/0)\n" },
	{ "Brands /nonexistent/brands.conf", "t.conf:2: Brands: cannot read /nonexistent/brands.conf: No such file or directory\n" },
	{ "Nameservers 1.2.3.4:0", "t.conf:2: Nameservers: '1.2.3.4:0' is not a name server address (1.2.3.4, 1.2.3.4:53, ::1, [::1]:53)\n" },
	{ "Nameservers ns1.example", "t.conf:2: Nameservers: 'ns1.example' is not a name server address (1.2.3.4, 1.2.3.4:53, ::1, [::1]:53)\n" },
	{ "DNSTimeout 0", "t.conf:2: DNSTimeout: '0' is not a whole number from 1 to 60\n" },
	{ "DNSTimeout -5", "t.conf:2: DNSTimeout: '-5' is not a whole number from 1 to 60\n" },
	{ "DNSTimeout 99999999999999999999", "t.conf:2: DNSTimeout: '99999999999999999999' is not a whole number from 1 to 60\n" },
	{ "TestPublicKeys /nonexistent/keys", "t.conf:2: TestPublicKeys: cannot read /nonexistent/keys: No such file or directory\n" },
	{ "DKIMVerify sometimes", "t.conf:2: DKIMVerify: 'sometimes' is not one of: brands always\n" },
	{ "SPFVerify strict", "t.conf:2: SPFVerify: 'strict' is not one of: never brands always\n" },
	{ "TestDNS /nonexistent/zone", "t.conf:2: TestDNS: cannot read /nonexistent/zone: No such file or directory\n" },
	{ "SuspectAction discard", "t.conf:2: SuspectAction: 'discard' is not one of: tag quarantine reject\n" },
	{ "ImpersonationAction bounce", "t.conf:2: ImpersonationAction: 'bounce' is not one of: tag quarantine reject\n" },
	{ "RejectReply 100% sure", "t.conf:2: RejectReply: '%' must be followed by b (the brand) or %\n" },
	{ "RejectReply bad \x01 byte", "t.conf:2: RejectReply: control character or invalid UTF-8 at byte 5\n" },
	{ "RejectReply caf\xe9", "t.conf:2: RejectReply: control character or invalid UTF-8 at byte 4\n" },
	{ "SubjectTag [USURPATION ?] caf\xe9", "t.conf:2: SubjectTag: control character or invalid UTF-8 at byte 19\n" },
	{ "SubjectTag [ALERTE]\xc2\x85", "t.conf:2: SubjectTag: control character or invalid UTF-8 at byte 9\n" },
	{ "SubjectTag [Usurpation pr\xc3\xa9sum\xc3\xa9" "e] 01234567890123456789012345678901234567890123456789", "t.conf:2: SubjectTag: longer than 64 bytes\n" },
	{ "StatsSocket tcp:9188", "t.conf:2: StatsSocket: 'tcp:9188' is not a socket (local:/path, inet:port@host, inet6:port@host)\n" },
	{ "BrandsKey /nonexistent/key.pub", "t.conf:2: BrandsKey: cannot read /nonexistent/key.pub: No such file or directory\n" },
	{ "MaxBodyScan 10x", "t.conf:2: MaxBodyScan: '10x' is not a size from 0 to 67108864 bytes (suffix k or m allowed)\n" },
	{ "MaxBodyScan 65m", "t.conf:2: MaxBodyScan: '65m' is not a size from 0 to 67108864 bytes (suffix k or m allowed)\n" },
	{ "UMask 007\nUMask 002", "t.conf:3: UMask is already set on line 2\n" },
};

START_TEST(each_error_names_file_and_line)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);
	char text[512];

	snprintf(text, sizeof(text), "# each error on line 2\n%s\n", bad[_i].line);
	ck_assert_ptr_null(parse(text, &errs));
	ck_assert_str_eq(vbuf_str(&errs), bad[_i].error);
	vbuf_free(&errs);
}
END_TEST

START_TEST(all_errors_reported_in_one_pass)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);

	ck_assert_ptr_null(parse("Frob 1\nSyslog x\nUMask 9\n", &errs));
	ck_assert_str_eq(vbuf_str(&errs),
			 "t.conf:1: unknown option 'Frob'\n"
			 "t.conf:2: Syslog: 'x' is not a boolean (yes/no, true/false, 1/0)\n"
			 "t.conf:3: UMask: '9' is not an octal mask from 000 to 777\n");
	vbuf_free(&errs);
}
END_TEST

START_TEST(errors_past_the_cap_are_dropped_whole)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX), text = VBUF_INIT(CONF_LINE_MAX);
	const char *p;

	/* a line of two thousand bad hosts: more error text than is kept */
	vbuf_adds(&text, "InternalHosts");
	for (int i = 0; i < 2000; i++)
		vbuf_adds(&text, " /");
	ck_assert_ptr_null(parse(vbuf_str(&text), &errs));
	ck_assert(!errs.overflow);
	ck_assert_uint_gt(errs.len, CONF_ERRORS_MAX / 2);
	ck_assert_uint_le(errs.len, CONF_ERRORS_MAX);
	for (p = vbuf_str(&errs); *p; p = strchr(p, '\n') + 1)
		ck_assert_msg(strncmp(p, "t.conf:1: InternalHosts: ", 25) == 0 && strchr(p, '\n'),
			      "a cut line: %.80s", p);
	vbuf_free(&text);
	vbuf_free(&errs);
}
END_TEST

START_TEST(hostile_lines_are_errors_not_crashes)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);
	char *big = malloc(CONF_LINE_MAX + 100);
	struct conf *c = conf_defaults();

	memset(big, 'A', CONF_LINE_MAX + 99);
	big[CONF_LINE_MAX + 99] = '\0';
	ck_assert_int_eq(conf_parse(c, big, strlen(big), "t.conf", &errs), 1);
	ck_assert_str_eq(vbuf_str(&errs), "t.conf:1: line longer than 4096 bytes\n");
	vbuf_reset(&errs);
	ck_assert_int_eq(conf_parse(c, "Syslog n\0o\n", 11, "t.conf", &errs), 1);
	ck_assert_str_eq(vbuf_str(&errs), "t.conf:1: NUL byte in line\n");
	conf_free(c);
	free(big);
	vbuf_free(&errs);
}
END_TEST

START_TEST(load_missing_default_is_defaults_missing_given_is_error)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);
	struct conf *c = conf_load("/nonexistent/vigie.conf", false, &errs);

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(c->path);
	conf_free(c);
	ck_assert_ptr_null(conf_load("/nonexistent/vigie.conf", true, &errs));
	ck_assert_str_eq(vbuf_str(&errs), "/nonexistent/vigie.conf: No such file or directory\n");
	vbuf_free(&errs);
}
END_TEST

START_TEST(load_takes_relative_paths_from_the_file_directory)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);
	char want[512];
	struct conf *c;

	write_file("peers", "# peers\n198.51.100.0/24\n2001:db8:beef::/48 # a v6 net\n");
	write_file("vigie.conf", "PeerList file:peers\nPidFile run/vigie.pid\n");
	snprintf(want, sizeof(want), "%s/vigie.conf", tmpdir);
	c = conf_load(want, true, &errs);
	ck_assert_msg(c != NULL, "%s", vbuf_str(&errs));
	ck_assert(hostlist_match_text(c->peer_list, "198.51.100.9"));
	ck_assert(hostlist_match_text(c->peer_list, "2001:db8:beef:1::9"));
	snprintf(want, sizeof(want), "%s/run/vigie.pid", tmpdir);
	ck_assert_str_eq(c->pidfile, want);
	conf_free(c);
	vbuf_free(&errs);
}
END_TEST

START_TEST(dataset_errors_name_the_dataset_line)
{
	struct vbuf errs = VBUF_INIT(CONF_ERRORS_MAX);
	char want[512], text[512];

	write_file("bad-hosts", "10.0.0.0/8\n\n# ok so far\nnot-an-address\n");
	snprintf(text, sizeof(text), "Syslog no\nInternalHosts file:%s/bad-hosts\n", tmpdir);
	ck_assert_ptr_null(parse(text, &errs));
	snprintf(want, sizeof(want), "%s/bad-hosts:4: 'not-an-address' is not an IPv4 or IPv6"
		 " address or network (host names are not accepted)\n", tmpdir);
	ck_assert_str_eq(vbuf_str(&errs), want);
	vbuf_free(&errs);
}
END_TEST

/* a host list, an address, and whether it matches */
static const struct {
	const char *list;
	const char *addr;
	bool match;
} hosts[] = {
	{ "127.0.0.1, ::1", "127.0.0.1", true },
	{ "127.0.0.1, ::1", "::1", true },
	{ "127.0.0.1, ::1", "::2", false },
	{ "10.0.0.0/8", "10.255.1.2", true },
	{ "10.0.0.0/8", "11.0.0.1", false },
	{ "192.168.1.77/24", "192.168.1.3", true },	/* host bits ignored */
	{ "192.0.2.128/25", "192.0.2.127", false },
	{ "192.0.2.128/25", "192.0.2.128", true },
	{ "fd00::/16", "fd00::1", true },		/* OpenDKIM issue 155 */
	{ "fd00::/16", "fd01::1", false },
	{ "fd00::/16", "fdff::1", false },
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/33", "2001:db8:8000::1", false },
	{ "2001:db8::1/128", "2001:db8::1", true },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "0.0.0.0/0", "2001:db8::1", false },		/* families do not mix */
	{ "::/0", "2001:db8::1", true },
	{ "10.0.0.0/8", "::ffff:10.1.2.3", true },	/* v4-mapped client */
	{ "::ffff:10.0.0.0/104", "10.9.8.7", true },	/* v4-mapped entry */
	{ "10.0.0.0/8 !10.1.2.3", "10.1.2.3", false },	/* exclusion */
	{ "10.0.0.0/8 !10.1.0.0/16 10.1.2.0/24", "10.1.2.3", true },	/* most specific wins */
	{ "10.0.0.0/8 !10.1.0.0/16 10.1.2.0/24", "10.1.3.3", false },
	{ "csl:192.0.2.1,192.0.2.2", "192.0.2.2", true },
	{ "none", "127.0.0.1", false },
};

START_TEST(host_lists_match_cidr_v4_v6)
{
	char text[256];
	struct conf *c;

	snprintf(text, sizeof(text), "InternalHosts %s\n", hosts[_i].list);
	c = parse_ok(text);
	ck_assert_msg(hostlist_match_text(c->internal_hosts, hosts[_i].addr) == hosts[_i].match,
		      "%s in [%s]: expected %d", hosts[_i].addr, hosts[_i].list, hosts[_i].match);
	conf_free(c);
}
END_TEST

START_TEST(host_list_formats_what_it_holds)
{
	struct conf *c = parse_ok("PeerList 10.1.2.3/8, !fd00::1, 2001:DB8::/32\n");
	struct vbuf out = VBUF_INIT(1024);

	hostlist_format(c->peer_list, &out);
	ck_assert_str_eq(vbuf_str(&out), "10.0.0.0/8, !fd00::1/128, 2001:db8::/32");
	vbuf_free(&out);
	conf_free(c);
}
END_TEST

START_TEST(socket_override_is_checked)
{
	struct conf *c = conf_defaults();
	struct vbuf errs = VBUF_INIT(1024);

	ck_assert(conf_set_socket(c, "inet6:8891@::1", &errs));
	ck_assert_str_eq(c->socket, "inet6:8891@::1");
	ck_assert(!conf_set_socket(c, "8891", &errs));
	ck_assert_str_eq(vbuf_str(&errs), "-p: '8891' is not a socket (local:/path,"
			 " inet:port@host, inet6:port@host)\n");
	ck_assert_str_eq(c->socket, "inet6:8891@::1");
	conf_free(c);
	vbuf_free(&errs);
}
END_TEST

START_TEST(message_options_come_from_the_config)
{
	struct conf *c = parse_ok("MaxBodyScan 4k\nDKIMVerify always\nAuthservID mx.test\n"
				  "SPFVerify always\n");
	struct conf *d = conf_defaults();
	struct message_opts o;

	conf_message_opts(c, &o);
	ck_assert_uint_eq(o.max_body_scan, 4096);
	ck_assert_int_eq(o.dkim, MESSAGE_DKIM_ALWAYS);
	ck_assert_int_eq(o.spf, MESSAGE_SPF_ALWAYS);
	ck_assert_int_eq(d->spf_verify, MESSAGE_SPF_BRANDS);
	ck_assert_ptr_null(d->test_dns);
	ck_assert_str_eq(conf_spf_name(MESSAGE_SPF_NEVER), "never");
	conf_free(d);
	ck_assert_str_eq(o.authserv_id, "mx.test");
	ck_assert_str_eq(conf_action_name(CONF_ACTION_QUARANTINE), "quarantine");
	ck_assert_str_eq(conf_dkim_name(MESSAGE_DKIM_BRANDS), "brands");
	conf_free(c);
}
END_TEST

/* suite - every case above */
static Suite *suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, defaults_let_root_start_with_no_config);
	tcase_add_test(tc, every_option_is_read);
	tcase_add_test(tc, names_any_case_comments_and_blanks);
	tcase_add_loop_test(tc, booleans_by_first_letter, 0, sizeof(booleans) / sizeof(booleans[0]));
	tcase_add_loop_test(tc, each_error_names_file_and_line, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, all_errors_reported_in_one_pass);
	tcase_add_test(tc, errors_past_the_cap_are_dropped_whole);
	tcase_add_test(tc, hostile_lines_are_errors_not_crashes);
	tcase_add_test(tc, load_missing_default_is_defaults_missing_given_is_error);
	tcase_add_test(tc, load_takes_relative_paths_from_the_file_directory);
	tcase_add_test(tc, dataset_errors_name_the_dataset_line);
	tcase_add_loop_test(tc, host_lists_match_cidr_v4_v6, 0, sizeof(hosts) / sizeof(hosts[0]));
	tcase_add_test(tc, host_list_formats_what_it_holds);
	tcase_add_test(tc, socket_override_is_checked);
	tcase_add_test(tc, message_options_come_from_the_config);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	if (mkdtemp(tmpdir) == NULL)
		return 99;
	rc = tap_run(suite());
	{
		char cmd[512];

		/* the files the cases wrote, then the directory */
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			rc = 99;
	}
	return rc;
}
