/*
 * test_redirect - the targets redirectors and tracking links carry in their
 * URLs: the parameters of the open redirectors of issue 13, encoded once or
 * twice, nested once, in the path, and what is no target.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "redirect.h"
#include "url.h"
#include "tap.h"
#include "vbuf.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *url, *want;		/* want: "depth:target;" each */
} cases[] = {
	{ "https://www.google.com/url?q=https://evil.example/login&sa=D&source=editors",
	  "1:https://evil.example/login;" },
	{ "https://www.google.com/url?sa=D&q=https%3A%2F%2Fevil.example%2Flogin&usg=AOv",
	  "1:https://evil.example/login;" },
	{ "https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2Fx&data=05%7C02&reserved=0",
	  "1:https://evil.example/x;" },
	{ "https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2F&h=AT1", "1:https://evil.example/;" },
	{ "https://www.youtube.com/redirect?event=video_description&q=https%3A%2F%2Fevil.example",
	  "1:https://evil.example;" },
	{ "https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fevil.example&urlhash=Ab1c",
	  "1:https://evil.example;" },
	{ "https://click.example/c?target=HTTPS%3A%2F%2FEvil.Example&uid=1", "1:HTTPS://Evil.Example;" },
	{ "https://t.example/r?dest=www.evil.example%2Fx", "1:www.evil.example/x;" },
	/* twice encoded */
	{ "https://t.example/r?redirect=https%253A%252F%252Fevil.example", "1:https://evil.example;" },
	/* nested once: the target's target too, no deeper */
	{ "https://www.google.com/url?q=https%3A%2F%2Feur01.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Fevil.example%26data%3D1&sa=D",
	  "1:https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example&data=1;"
	  "2:https://evil.example;" },
	{ "https://a.example/?u=https%3A%2F%2Fb.example%2F%3Fu%3Dhttps%253A%252F%252Fc.example%252F%253Fu%253Dhttps%25253A%25252F%25252Fd.example",
	  "1:https://b.example/?u=https%3A%2F%2Fc.example%2F%3Fu%3Dhttps%253A%252F%252Fd.example;"
	  "2:https://c.example/?u=https%3A%2F%2Fd.example;" },
	/* in the path */
	{ "https://r.example/go/https://evil.example/x", "1:https://evil.example/x;" },
	{ "https://r.example/https%3A%2F%2Fevil.example", "1:https://evil.example;" },
	/* "&amp;" copied from HTML, ';' separators, the fragment */
	{ "https://t.example/r?id=1&amp;url=https://evil.example", "1:https://evil.example;" },
	{ "https://t.example/r;id=1;url=https://evil.example", "" },
	{ "https://t.example/r?id=1;url=https://evil.example", "1:https://evil.example;" },
	{ "https://t.example/app#/go?url=https%3A%2F%2Fevil.example", "1:https://evil.example;" },
	/* no target */
	{ "https://www.google.com/search?q=viamedis+connexion", "" },
	{ "https://t.example/r?url=ftp://evil.example&x=javascript:alert(1)", "" },
	{ "https://t.example/r?url=https:evil.example", "" },
	{ "https://t.example/r?url=%zz%2", "" },
	{ "https://t.example/r?=&&;&url=", "" },
	{ "", "" },
	{ "?", "" },
	{ "https://evil.example/https-guide/http", "" },
};

/* rec - the callback: "depth:target;" */
static void rec(void *ctx, const char *t, size_t n, unsigned depth)
{
	vbuf_printf(ctx, "%u:%.*s;", depth, (int)n, t);
}

START_TEST(redirect_targets_table)
{
	struct vbuf out = VBUF_INIT(1 << 16);
	size_t n = redirect_targets(cases[_i].url, strlen(cases[_i].url), rec, &out);

	ck_assert_msg(strcmp(vbuf_str(&out), cases[_i].want) == 0, "%s: '%s'", cases[_i].url,
		      vbuf_str(&out));
	ck_assert_uint_le(n, REDIRECT_TARGETS_MAX);
	vbuf_free(&out);
}
END_TEST

/* many URL parameters: REDIRECT_TARGETS_MAX reported; a long URL is read to URL_MAX */
START_TEST(redirect_caps)
{
	struct vbuf url = VBUF_INIT(1 << 20), out = VBUF_INIT(1 << 16);

	vbuf_adds(&url, "https://t.example/r?");
	for (int i = 0; i < 20; i++)
		vbuf_printf(&url, "u%d=https://h%d.example&", i, i);
	ck_assert_uint_eq(redirect_targets(url.data, url.len, rec, &out), REDIRECT_TARGETS_MAX);
	vbuf_reset(&url);
	vbuf_reset(&out);
	vbuf_adds(&url, "https://t.example/r?pad=");
	for (int i = 0; i < URL_MAX; i++)
		vbuf_addc(&url, 'x');
	vbuf_adds(&url, "&url=https://evil.example");
	ck_assert_uint_eq(redirect_targets(url.data, url.len, rec, &out), 0);
	vbuf_free(&url);
	vbuf_free(&out);
}
END_TEST

START_TEST(redirect_is_url_forms)
{
	ck_assert(redirect_is_url("https://a", 9));
	ck_assert(redirect_is_url(" HTTP:\\\\a", 9));
	ck_assert(redirect_is_url("www.a", 5));
	ck_assert(!redirect_is_url("www.", 4));
	ck_assert(!redirect_is_url("https:", 6));
	ck_assert(!redirect_is_url("mailto:a@b", 10));
}
END_TEST

/* redirect_suite - the cases of this file */
static Suite *redirect_suite(void)
{
	Suite *s = suite_create("redirect");
	TCase *tc = tcase_create("redirect");

	tcase_add_loop_test(tc, redirect_targets_table, 0, NELEM(cases));
	tcase_add_test(tc, redirect_caps);
	tcase_add_test(tc, redirect_is_url_forms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(redirect_suite());
}
