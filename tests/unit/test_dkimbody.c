/*
 * test_dkimbody - the body-hash prefix check of the mailing-list rule: the
 * bh= values below are dkimpy's (simple and relaxed canonicalisation) for a
 * body, an empty body and a body without a final line end; each is found
 * again with a list footer appended, at every split of the input, with
 * CRLF and bare LF; a changed body, l=, rsa-sha1 and broken tag lists are
 * refused; the tag parser reads folded values.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "dkimbody.h"
#include "tap.h"

#define BODY "Bonjour,\r\n\r\nVotre  releve\t est  disponible.  \r\n\r\n\r\n"
#define FOOTER "_______________\r\nListe pharmaciens-idf : https://lists.example.org/\r\n"

static const struct {
	const char *sig;
	const char *body;
	bool match;
	size_t signed_bytes;		/* 0: not checked */
} cases[] = {
	{ "v=1; a=rsa-sha256; c=simple/simple; d=viamedis.fr; s=s1; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
	  BODY FOOTER, true, 47 },
	{ "v=1; a=rsa-sha256; c=relaxed/relaxed; d=viamedis.fr; s=s1;\r\n\tbh=7JGVnDXnOrGNuQIJVa\r\n fqsm/DOJSmQxovhlOAHXMbSxE=; b=x",
	  BODY FOOTER, true, 47 },
	{ "v=1; a=rsa-sha256; c=relaxed; d=viamedis.fr; s=s1; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
	  BODY FOOTER, true, 0 },
	/* the same body with bare LF: canonical lines end CRLF all the same */
	{ "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=viamedis.fr; s=s1; bh=7JGVnDXnOrGNuQIJVafqsm/DOJSmQxovhlOAHXMbSxE=; b=x",
	  "Bonjour,\n\nVotre  releve\t est  disponible.  \n\n\n-- \npied de page\n", true, 0 },
	{ "v=1; a=rsa-sha256; d=viamedis.fr; s=s1; bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=; b=x",
	  FOOTER, true, 0 },
	{ "v=1; a=rsa-sha256; c=relaxed/relaxed; d=viamedis.fr; s=s1; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=x",
	  FOOTER, true, 0 },
	{ "v=1; a=rsa-sha256; c=simple/simple; d=viamedis.fr; s=s1; bh=sqjgO/IVbzLng2XgtVR3mRtWbSsZHNwkCR6M8++VbNs=; b=x",
	  "une ligne sans fin\r\n" FOOTER, true, 20 },
	/* the signed text changed: no prefix matches */
	{ "v=1; a=rsa-sha256; c=simple/simple; d=viamedis.fr; s=s1; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
	  "Bonjour,\r\n\r\nVotre releve est disponible.\r\n" FOOTER, false, 0 },
	{ "v=1; a=rsa-sha256; c=simple/simple; d=viamedis.fr; s=s1; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
	  "Avant\r\n" BODY, false, 0 },
};

START_TEST(dkimbody_finds_the_signed_prefix)
{
	size_t len = strlen(cases[_i].body);

	/* every split of the input in two chunks */
	for (size_t cut = 0; cut <= len; cut++) {
		struct dkimbody *b = dkimbody_new(cases[_i].sig);
		size_t at = 0;

		ck_assert_ptr_nonnull(b);
		ck_assert_str_eq(dkimbody_domain(b), "viamedis.fr");
		dkimbody_feed(b, cases[_i].body, cut);
		dkimbody_feed(b, cases[_i].body + cut, len - cut);
		ck_assert_msg(dkimbody_prefix(b, &at) == cases[_i].match, "case %d cut %zu", _i, cut);
		if (cases[_i].signed_bytes)
			ck_assert_uint_eq(at, cases[_i].signed_bytes);
		dkimbody_free(b);
	}
}
END_TEST

START_TEST(dkimbody_refuses_what_it_cannot_judge)
{
	static const char *sigs[] = {
		"v=1; a=rsa-sha256; l=10; d=v.fr; s=s; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
		"v=1; a=rsa-sha1; d=v.fr; s=s; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
		"v=1; a=rsa-sha256; d=v.fr; s=s; b=x",
		"v=1; a=rsa-sha256; d=v.fr; s=s; bh=AAAA; b=x",
		"v=1; a=rsa-sha256; d=v.fr; s=s; bh=!!!!n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=; b=x",
		"v=1; a=rsa-sha256; a=rsa-sha256; d=v.fr; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=",
		"v=1; a=rsa-sha256; d; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=",
		"v=1; =x; a=rsa-sha256; bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=",
		"",
	};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		ck_assert_msg(dkimbody_new(sigs[i]) == NULL, "accepted: %s", sigs[i]);
}
END_TEST

START_TEST(dkimbody_reads_tags)
{
	struct dkimbody_tags t;
	const char *v = " v = 1 ;\r\n\ta=RSA-SHA256;c = Relaxed/Relaxed; d=Mail.Viamedis.FR ;;s=x; "
			"bh=n7LyVMoFU7NlIH5+cGVK4KmGSmrVtz3KvYE4fsS9Rcs=;";

	ck_assert(dkimbody_tags(v, strlen(v), &t));
	ck_assert(t.sha256 && t.relaxed && !t.has_l);
	ck_assert_str_eq(t.d, "mail.viamedis.fr");
	ck_assert_uint_eq(t.bhlen, 32);
	ck_assert(dkimbody_tags("d=not a name", 12, &t));
	ck_assert_str_eq(t.d, "");
}
END_TEST

/* dkimbody_suite - the cases above */
static Suite *dkimbody_suite(void)
{
	Suite *s = suite_create("dkimbody");
	TCase *tc = tcase_create("dkimbody");

	tcase_add_loop_test(tc, dkimbody_finds_the_signed_prefix, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, dkimbody_refuses_what_it_cannot_judge);
	tcase_add_test(tc, dkimbody_reads_tags);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(dkimbody_suite());
}
