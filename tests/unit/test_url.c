/*
 * test_url - the host a URL leads to, as browsers find it: userinfo, ports,
 * IPv4 in every notation, IPv6, percent-encoding, backslashes, stray
 * slashes, controls, mailto, schemeless forms.
 */
#include <config.h>

#include <string.h>

#include "tap.h"
#include "url.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *in;
	bool guess, ok;
	const char *host, *user;
	int port;
	unsigned flags;
} cases[] = {
	{ "https://www.viamedis.fr/login", 0, 1, "www.viamedis.fr", "", -1, 0 },
	{ "HTTPS://WWW.Viamedis.FR", 0, 1, "www.viamedis.fr", "", -1, 0 },
	{ "https://viamedis.fr@evil.com/x", 0, 1, "evil.com", "viamedis.fr", -1, URL_F_USERINFO },
	{ "https://viamedis.fr:pw@evil.com", 0, 1, "evil.com", "viamedis.fr:pw", -1, URL_F_USERINFO },
	{ "https://a@b@evil.com", 0, 1, "evil.com", "a@b", -1, URL_F_USERINFO },
	{ "https://evil.com\\@viamedis.fr", 0, 1, "evil.com", "", -1, URL_F_BACKSLASH },
	{ "https:\\\\evil.com", 0, 1, "evil.com", "", -1, URL_F_BACKSLASH },
	{ "https:evil.com", 0, 1, "evil.com", "", -1, URL_F_SLASHES },
	{ "https:///evil.com", 0, 1, "evil.com", "", -1, URL_F_SLASHES },
	{ "ht\ttps://ev\nil.com", 0, 1, "evil.com", "", -1, URL_F_CONTROL },
	{ " \x01https://evil.com  ", 0, 1, "evil.com", "", -1, 0 },
	{ "https://%65vil.com", 0, 1, "evil.com", "", -1, URL_F_PERCENT },
	{ "https://evil.com%2fx", 0, 1, "evil.com/x", "", -1, URL_F_PERCENT | URL_F_BAD_HOST },
	{ "https://ev%00il.com", 0, 1, "ev%00il.com", "", -1, URL_F_PERCENT | URL_F_BAD_HOST },
	{ "https://ev\x01il.com", 0, 1, "ev%01il.com", "", -1, URL_F_BAD_HOST },
	{ "https://evil.com:8080/x", 0, 1, "evil.com", "", 8080, URL_F_PORT },
	{ "https://evil.com:99999", 0, 1, "evil.com", "", -1, URL_F_BAD_HOST },
	{ "https://evil.com:", 0, 1, "evil.com", "", -1, 0 },
	{ "http://0x7f.1/", 0, 1, "127.0.0.1", "", -1, URL_F_IPV4 | URL_F_IPV4_ODD },
	{ "http://2130706433/", 0, 1, "127.0.0.1", "", -1, URL_F_IPV4 | URL_F_IPV4_ODD },
	{ "http://017700000001", 0, 1, "127.0.0.1", "", -1, URL_F_IPV4 | URL_F_IPV4_ODD },
	{ "http://192.168.0.1.", 0, 1, "192.168.0.1", "", -1, URL_F_IPV4 | URL_F_IPV4_ODD },
	{ "http://192.168.0.1", 0, 1, "192.168.0.1", "", -1, URL_F_IPV4 },
	{ "http://192.168.0.256", 0, 1, "192.168.0.256", "", -1, URL_F_BAD_HOST },
	{ "http://1.2.3.4.5", 0, 1, "1.2.3.4.5", "", -1, URL_F_BAD_HOST },
	{ "http://09.1.1.1", 0, 1, "09.1.1.1", "", -1, URL_F_BAD_HOST },
	{ "http://evil.0x", 0, 1, "evil.0x", "", -1, URL_F_BAD_HOST },
	{ "http://[::1]:443/", 0, 1, "[::1]", "", 443, URL_F_IPV6 | URL_F_PORT },
	{ "http://[::1", 0, 1, "[::1", "", -1, URL_F_IPV6 | URL_F_BAD_HOST },
	{ "http://xn--viamdis-eya.fr", 0, 1, "xn--viamdis-eya.fr", "", -1, 0 },
	{ "http://viamédis.fr/", 0, 1, "viamédis.fr", "", -1, 0 },
	{ "http://VIAMÉDIS.fr", 0, 1, "viamÉdis.fr", "", -1, 0 },
	{ "http://viamedis．fr", 0, 1, "viamedis．fr", "", -1, 0 },
	{ "//evil.com/x", 0, 1, "evil.com", "", -1, URL_F_NO_SCHEME },
	{ "www.evil.com/x", 1, 1, "www.evil.com", "", -1, URL_F_NO_SCHEME },
	{ "viamedis.fr:443/x", 1, 1, "viamedis.fr", "", 443, URL_F_NO_SCHEME | URL_F_PORT },
	{ "www.evil.com", 0, 0, "", "", -1, 0 },
	{ "/relative/path", 0, 0, "", "", -1, 0 },
	{ "javascript:alert(1)", 0, 0, "", "", -1, 0 },
	{ "data:text/html,<a>", 0, 0, "", "", -1, 0 },
	{ "mailto:support@viamedis-secure.fr?subject=x", 0, 1, "viamedis-secure.fr", "", -1, URL_F_MAILTO },
	{ "MAILTO:a@B.fr,c@d.fr", 0, 1, "b.fr", "", -1, URL_F_MAILTO },
	{ "mailto:nobody", 0, 0, "", "", -1, URL_F_MAILTO },
	{ "https://evil.com#@viamedis.fr", 0, 1, "evil.com", "", -1, 0 },
	{ "https://evil.com?x=@viamedis.fr", 0, 1, "evil.com", "", -1, 0 },
	{ "https://", 0, 0, "", "", -1, 0 },
	{ "", 0, 0, "", "", -1, 0 },
};

START_TEST(url_host_found)
{
	struct url u;
	const char *in = cases[_i].in;
	bool ok = url_parse(&u, in, strlen(in), cases[_i].guess);

	ck_assert_msg(ok == cases[_i].ok, "%s: ok %d", in, ok);
	ck_assert_msg(strcmp(u.host, cases[_i].host) == 0, "%s: host \"%s\"", in, u.host);
	ck_assert_uint_eq(u.host_len, strlen(u.host));
	ck_assert_msg(strcmp(u.user, cases[_i].user) == 0, "%s: user \"%s\"", in, u.user);
	ck_assert_int_eq(u.port, cases[_i].port);
	ck_assert_msg(u.flags == cases[_i].flags, "%s: flags %#x", in, u.flags);
}
END_TEST

/* hosts, userinfo and URLs past their caps are cut and flagged */
START_TEST(url_caps)
{
	char big[URL_MAX + 600];
	struct url u;

	memcpy(big, "https://", 8);
	memset(big + 8, 'a', sizeof(big) - 8);
	ck_assert(url_parse(&u, big, sizeof(big), false));
	ck_assert_uint_eq(u.host_len, URL_HOST_MAX);
	ck_assert(u.flags & URL_F_TRUNCATED);
	big[300] = '@';
	ck_assert(url_parse(&u, big, 600, false));
	ck_assert_uint_eq(strlen(u.user), URL_USER_MAX);
	ck_assert(u.flags & URL_F_TRUNCATED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("url");

	tcase_add_loop_test(tc, url_host_found, 0, NELEM(cases));
	tcase_add_test(tc, url_caps);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
