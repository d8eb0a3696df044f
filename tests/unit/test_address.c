/*
 * test_address - address lists as clients read them (display names in every
 * form, groups, routes, obsolete syntax), hostile fields (unclosed quotes,
 * comments, brackets, floods), envelope forms, and addresses inside text.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "tap.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define ANG ADDRESS_F_ANGLE
#define NOD ADDRESS_F_NO_DOMAIN
#define NOL ADDRESS_F_NO_LOCAL
#define EMP ADDRESS_F_EMPTY
#define UNC ADDRESS_F_UNCLOSED
#define RTE ADDRESS_F_ROUTE
#define GRP ADDRESS_F_GROUP
#define JNK ADDRESS_F_JUNK
#define XAN ADDRESS_F_EXTRA_ANGLE
#define ENC ADDRESS_F_ENCODED
#define CMT ADDRESS_F_COMMENT_NAME
#define NNA ADDRESS_F_NAME_NO_ANGLE
#define LIT ADDRESS_F_LITERAL
#define QLP ADDRESS_F_QUOTED_LOCAL
#define B8 ADDRESS_F_8BIT
#define MAT ADDRESS_F_MULTI_AT
#define BNM ADDRESS_F_BAD_NAME

struct want {
	const char *display, *local, *domain, *group;
	unsigned flags;
};

static const struct {
	const char *in;
	size_t total;
	unsigned lflags;
	struct want a[3];
} parse_cases[] = {
	{ "\"Viamedis\" <noreply@viamedis.fr>", 1, 0, { { "Viamedis", "noreply", "viamedis.fr", NULL, ANG } } },
	{ "noreply@viamedis.fr", 1, 0, { { "", "noreply", "viamedis.fr", NULL, 0 } } },
	{ " Viamedis Tiers Payant <x@gmail.com>", 1, 0, { { "Viamedis Tiers Payant", "x", "gmail.com", NULL, ANG } } },
	{ "=?utf-8?q?Viam=C3=A9dis?= <x@evil.tld>", 1, 0, { { "Viamédis", "x", "evil.tld", NULL, ANG | ENC } } },
	{ "=?utf-8?q?Via?=\r\n =?utf-8?q?medis?= <x@evil.tld>", 1, 0, { { "Viamedis", "x", "evil.tld", NULL, ANG | ENC } } },
	/* clients decode words inside quotes, so vigie does too */
	{ "\"=?utf-8?q?Viam=C3=A9dis?=\" <x@evil.tld>", 1, 0, { { "Viamédis", "x", "evil.tld", NULL, ANG | ENC } } },
	{ "\"noreply@viamedis.fr\" <x@evil.tld>", 1, 0, { { "noreply@viamedis.fr", "x", "evil.tld", NULL, ANG } } },
	{ "noreply@viamedis.fr <x@evil.tld>", 1, 0, { { "noreply@viamedis.fr", "x", "evil.tld", NULL, ANG } } },
	/* encoded specials stay text: they cannot change the structure */
	{ "=?utf-8?q?Viamedis_=3Cnoreply=40viamedis.fr=3E=2C?= <x@evil.tld>", 1, 0,
	  { { "Viamedis <noreply@viamedis.fr>,", "x", "evil.tld", NULL, ANG | ENC } } },
	{ "x@evil.tld (Viamedis)", 1, 0, { { "Viamedis", "x", "evil.tld", NULL, CMT } } },
	{ "x@evil.tld (=?utf-8?q?Viam=C3=A9dis?=)", 1, 0, { { "Viamédis", "x", "evil.tld", NULL, CMT | ENC } } },
	{ "a(comment)@b.fr", 1, 0, { { "comment", "a", "b.fr", NULL, CMT } } },
	{ "\"Service \\\"Viamedis\\\"\" <a@b.fr>", 1, 0, { { "Service \"Viamedis\"", "a", "b.fr", NULL, ANG } } },
	{ "\"Via\\medis\" <a@b.fr>", 1, 0, { { "Viamedis", "a", "b.fr", NULL, ANG } } },
	{ "\"Viamedis, Service\" <a@b.fr>", 1, 0, { { "Viamedis, Service", "a", "b.fr", NULL, ANG } } },
	{ "Viamedis, Service <a@b.fr>", 2, 0,
	  { { "Viamedis", "Viamedis", "", NULL, NOD }, { "Service", "a", "b.fr", NULL, ANG } } },
	{ "a@b.fr, c@d.fr,, e@f.fr", 3, 0,
	  { { "", "a", "b.fr", NULL, 0 }, { "", "c", "d.fr", NULL, 0 }, { "", "e", "f.fr", NULL, 0 } } },
	{ "John Q. Public <jqp@x.org>", 1, 0, { { "John Q. Public", "jqp", "x.org", NULL, ANG } } },
	/* groups, empty, nested, unterminated */
	{ "Equipe: a@b.fr, \"C\" <c@d.fr>;", 2, ADDRESS_L_GROUP,
	  { { "", "a", "b.fr", "Equipe", GRP }, { "C", "c", "d.fr", "Equipe", GRP | ANG } } },
	{ "undisclosed-recipients:;", 0, ADDRESS_L_GROUP, { { 0 } } },
	{ "A: B: c@d.fr;;", 1, ADDRESS_L_GROUP | ADDRESS_L_NESTED_GROUP, { { "", "c", "d.fr", "B", GRP } } },
	{ "A: c@d.fr", 1, ADDRESS_L_GROUP | ADDRESS_L_OPEN_GROUP, { { "", "c", "d.fr", "A", GRP } } },
	{ "a@b.fr; c@d.fr", 2, ADDRESS_L_STRAY, { { "", "a", "b.fr", NULL, 0 }, { "", "c", "d.fr", NULL, 0 } } },
	/* obsolete forms */
	{ "<@relay.example,@r2.example:joe@example.org>", 1, 0, { { "", "joe", "example.org", NULL, ANG | RTE } } },
	{ "john . doe @ example . org", 1, 0, { { "", "john.doe", "example.org", NULL, 0 } } },
	{ "a@[192.0.2.1]", 1, 0, { { "", "a", "[192.0.2.1]", NULL, LIT } } },
	{ "\"a b\"@x.org", 1, 0, { { "", "a b", "x.org", NULL, QLP } } },
	/* 8-bit: UTF-8 kept, Latin-1 read as windows-1252 */
	{ "Viamédis <x@viamédis.fr>", 1, 0, { { "Viamédis", "x", "viamédis.fr", NULL, ANG | B8 } } },
	{ "Viam\xe9" "dis <x@viam\xe9" "dis.fr>", 1, 0, { { "Viamédis", "x", "viamédis.fr", NULL, ANG | B8 } } },
	/* hostile and broken */
	{ "\"Viamedis <x@evil.tld>", 1, 0,
	  { { "Viamedis <x@evil.tld>", "Viamedis <x@evil.tld>", "", NULL, NOD | UNC | QLP } } },
	{ "a@b.fr (Viamedis", 1, 0, { { "Viamedis", "a", "b.fr", NULL, CMT | UNC } } },
	{ "Viamedis <a@b.fr, c@d.fr", 2, 0,
	  { { "Viamedis", "a", "b.fr", NULL, ANG | UNC }, { "", "c", "d.fr", NULL, 0 } } },
	{ "Viamedis <a@b.fr", 1, 0, { { "Viamedis", "a", "b.fr", NULL, ANG | UNC } } },
	{ "\"Viamedis\" <noreply@viamedis.fr> <x@evil.tld>", 1, 0,
	  { { "Viamedis", "noreply", "viamedis.fr", NULL, ANG | XAN } } },
	{ "noreply@viamedis.fr@evil.tld", 1, 0, { { "", "noreply@viamedis.fr", "evil.tld", NULL, MAT } } },
	{ "Viamedis noreply@viamedis.fr", 1, 0, { { "Viamedis", "noreply", "viamedis.fr", NULL, NNA } } },
	{ "Viamedis <x@evil.tld> extra", 1, 0, { { "Viamedis", "x", "evil.tld", NULL, ANG | JNK } } },
	{ "a@b:c", 1, 0, { { "", "a", "b", NULL, JNK } } },
	{ "<>", 1, 0, { { "", "", "", NULL, ANG | EMP } } },
	{ "@evil.tld", 1, 0, { { "", "", "evil.tld", NULL, NOL } } },
	{ "Viamedis", 1, 0, { { "Viamedis", "Viamedis", "", NULL, NOD } } },
	{ "=?utf-8?q?Via=00medis?= <a@b.fr>", 1, 0, { { "Viamedis", "a", "b.fr", NULL, ANG | ENC | BNM } } },
	{ ")))", 0, 0, { { 0 } } },
	{ "", 0, 0, { { 0 } } },
	{ "<<<>>>", 1, ADDRESS_L_STRAY, { { "", "", "", NULL, ANG | EMP | JNK } } },
	{ ",;:<>@", 1, ADDRESS_L_GROUP | ADDRESS_L_STRAY | ADDRESS_L_OPEN_GROUP,
	  { { "", "", "", "", ANG | EMP | JNK | GRP } } },
};

/* check_address - one address against what is wanted */
static void check_address(const struct address *a, const struct want *w, const char *in)
{
	ck_assert_msg(strcmp(a->display, w->display) == 0, "%s: display \"%s\" want \"%s\"", in, a->display, w->display);
	ck_assert_msg(strcmp(a->local, w->local) == 0, "%s: local \"%s\" want \"%s\"", in, a->local, w->local);
	ck_assert_msg(strcmp(a->domain, w->domain) == 0, "%s: domain \"%s\" want \"%s\"", in, a->domain, w->domain);
	if (w->group)
		ck_assert_msg(a->group && strcmp(a->group, w->group) == 0, "%s: group", in);
	else
		ck_assert_msg(a->group == NULL, "%s: group %s", in, a->group);
	ck_assert_msg(a->flags == w->flags, "%s: flags %#x want %#x", in, a->flags, w->flags);
}

START_TEST(parse_gives_addresses_and_flags)
{
	struct address_list l;
	struct header h;
	const char *in = parse_cases[_i].in;

	header_init(&h);
	address_list_init(&l);
	address_parse(&l, &h, in, strlen(in));
	ck_assert_msg(l.total == parse_cases[_i].total, "%s: total %zu", in, l.total);
	ck_assert_uint_eq(l.count, l.total);
	ck_assert_msg(l.lflags == parse_cases[_i].lflags, "%s: lflags %#x", in, l.lflags);
	for (size_t k = 0; k < l.count; k++)
		check_address(&l.item[k], &parse_cases[_i].a[k], in);
	address_list_free(&l);
	header_free(&h);
}
END_TEST

/* comments beside a display name, and the first group's name of a list */
static const struct {
	const char *in;
	const char *comment;	/* of the first address */
	const char *group;	/* of the list; NULL: none */
} named_cases[] = {
	{ "Service <x@evil.tld> (Viamedis)", "Viamedis", NULL },
	{ "Service (=?utf-8?q?Viam=C3=A9dis?=) <x@evil.tld>", "Viamédis", NULL },
	{ "Service <x@evil.tld> (a) (b)", "a b", NULL },
	{ "x@evil.tld (Viamedis)", "", NULL },		/* the comment is the display name */
	{ "Service <x@evil.tld>", "", NULL },
	{ "Viamedis:;", "", "Viamedis" },
	{ "Viamedis: x@evil.tld;", "", "Viamedis" },
	{ "=?utf-8?q?Viam=C3=A9dis?=: x@evil.tld, y@evil.tld;", "", "Viamédis" },
	{ "A: B: c@d.fr;;", "", "A" },
	{ "x@evil.tld", "", NULL },
};

START_TEST(parse_keeps_comments_and_group_names)
{
	struct address_list l;
	struct header h;
	const char *in = named_cases[_i].in;

	header_init(&h);
	address_list_init(&l);
	address_parse(&l, &h, in, strlen(in));
	if (l.count)
		ck_assert_msg(strcmp(l.item[0].comment, named_cases[_i].comment) == 0,
			      "%s: comment \"%s\"", in, l.item[0].comment);
	if (named_cases[_i].group)
		ck_assert_msg(l.group && strcmp(l.group, named_cases[_i].group) == 0, "%s: group %s",
			      in, l.group ? l.group : "(none)");
	else
		ck_assert_msg(l.group == NULL, "%s: group %s", in, l.group);
	address_list_free(&l);
	header_free(&h);
}
END_TEST

START_TEST(thousand_addresses_kept_to_cap_and_counted)
{
	struct address_list l;
	struct header h;
	struct vbuf v = VBUF_INIT(HEADER_VALUE_MAX);

	for (int i = 0; i < 1000; i++)
		vbuf_printf(&v, "%sa%d@b.fr", i ? "," : "", i);
	header_init(&h);
	address_list_init(&l);
	address_parse(&l, &h, vbuf_str(&v), v.len);
	ck_assert_uint_eq(l.total, 1000);
	ck_assert_uint_eq(l.count, ADDRESS_MAX);
	ck_assert(l.lflags & ADDRESS_L_DROPPED);
	ck_assert_str_eq(l.item[ADDRESS_MAX - 1].local, "a31");
	address_list_free(&l);
	header_free(&h);
	vbuf_free(&v);
}
END_TEST

/* deep nesting of comments and groups: counted, never recursed */
START_TEST(deep_nesting_is_flat)
{
	struct address_list l;
	struct header h;
	struct vbuf v = VBUF_INIT(HEADER_VALUE_MAX);

	header_init(&h);
	address_list_init(&l);
	for (int i = 0; i < 3000; i++)
		vbuf_adds(&v, "g:");
	vbuf_adds(&v, "x@y.fr");
	for (int i = 0; i < 3000; i++)
		vbuf_adds(&v, ";");
	address_parse(&l, &h, vbuf_str(&v), v.len);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.item[0].group, "g");
	ck_assert(l.lflags & ADDRESS_L_NESTED_GROUP);
	ck_assert(!(l.lflags & ADDRESS_L_OPEN_GROUP));

	vbuf_reset(&v);
	vbuf_adds(&v, "x@y.fr ");
	for (int i = 0; i < 5000; i++)
		vbuf_adds(&v, "(");
	address_parse(&l, &h, vbuf_str(&v), v.len);
	ck_assert_uint_eq(l.count, 1);
	ck_assert(l.item[0].flags & ADDRESS_F_UNCLOSED);
	address_list_free(&l);
	header_free(&h);
	vbuf_free(&v);
}
END_TEST

/* an address with more tokens than the cap keeps what fits and says so */
START_TEST(token_cap_truncates)
{
	struct address_list l;
	struct header h;
	struct vbuf v = VBUF_INIT(HEADER_VALUE_MAX);

	for (int i = 0; i < 1000; i++)
		vbuf_adds(&v, "w ");
	vbuf_adds(&v, "<a@b.fr>, c@d.fr");
	header_init(&h);
	address_list_init(&l);
	address_parse(&l, &h, vbuf_str(&v), v.len);
	ck_assert_uint_eq(l.count, 2);
	ck_assert(l.item[0].flags & ADDRESS_F_TRUNCATED);
	ck_assert_str_eq(l.item[0].local, "a");
	ck_assert_str_eq(l.item[1].domain, "d.fr");
	address_list_free(&l);
	header_free(&h);
	vbuf_free(&v);
}
END_TEST

/* a list reused for another field forgets the previous one */
START_TEST(list_reuse_starts_clean)
{
	struct address_list l;
	struct header h;

	header_init(&h);
	address_list_init(&l);
	address_parse(&l, &h, "G: \"A\" <a@b.fr>, c@d.fr;", 24);
	address_parse(&l, &h, "e@f.fr", 6);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_uint_eq(l.lflags, 0);
	ck_assert_ptr_null(l.item[0].group);
	ck_assert_str_eq(l.item[0].display, "");
	address_list_free(&l);
	header_free(&h);
}
END_TEST

static const struct {
	const char *in;
	const char *local, *domain;
	unsigned flags;
	bool usable;
} envelope_cases[] = {
	{ "<>", "", "", ANG | EMP, false },
	{ "<noreply@viamedis.fr>", "noreply", "viamedis.fr", ANG, true },
	{ "noreply@viamedis.fr", "noreply", "viamedis.fr", 0, true },
	{ " <@r1.example,@r2.example:a@b.fr> ", "a", "b.fr", ANG | RTE, true },
	{ "<a@b.fr> (comment)", "a", "b.fr", ANG | CMT, true },
	{ "Viamedis <a@b.fr>", "a", "b.fr", ANG | JNK, false },
	{ "<a@b.fr", "a", "b.fr", ANG | UNC, false },
	{ "<bounce+x=y@lists.example>", "bounce+x=y", "lists.example", ANG, true },
};

START_TEST(envelope_forms)
{
	struct address_list l;
	struct header h;
	const char *in = envelope_cases[_i].in;

	header_init(&h);
	address_list_init(&l);
	address_envelope(&l, &h, in, strlen(in));
	ck_assert_uint_eq(l.count, 1);
	ck_assert_str_eq(l.item[0].local, envelope_cases[_i].local);
	ck_assert_str_eq(l.item[0].domain, envelope_cases[_i].domain);
	ck_assert_msg(l.item[0].flags == envelope_cases[_i].flags, "%s: %#x", in, l.item[0].flags);
	ck_assert(address_usable(&l.item[0]) == envelope_cases[_i].usable);
	address_list_free(&l);
	header_free(&h);
}
END_TEST

static const struct {
	const char *text;
	const char *found[3];		/* "local@domain" as spans give them */
} text_cases[] = {
	{ "noreply@viamedis.fr", { "noreply@viamedis.fr" } },
	{ "Viamedis (noreply@viamedis.fr)", { "noreply@viamedis.fr" } },
	{ "«contact@viamedis.fr»", { "contact@viamedis.fr" } },
	{ "contact＠viamedis.fr", { "contact＠viamedis.fr" } },
	{ "contact﹫viamedis.fr", { "contact﹫viamedis.fr" } },
	{ "x@viamedis．fr", { "x@viamedis．fr" } },
	{ "support@viamédis.fr.", { "support@viamédis.fr" } },
	{ "a@b.fr et c@d.fr", { "a@b.fr", "c@d.fr" } },
	{ "..a@b.fr-", { "a@b.fr" } },
	{ "a@b", { NULL } },
	{ "...@b.fr", { NULL } },
	{ ".a@b.fr", { "a@b.fr" } },
	{ "@viamedis.fr", { NULL } },
	{ "Viamedis", { NULL } },
	{ "a@@b.fr c@.", { NULL } },
	{ "", { NULL } },
};

START_TEST(address_in_text_finds_each)
{
	const char *t = text_cases[_i].text;
	size_t pos = 0, k = 0;
	struct address_span sp;

	while (address_in_text(t, strlen(t), &pos, &sp)) {
		char got[128];

		ck_assert_msg(k < 3 && text_cases[_i].found[k], "%s: extra find", t);
		ck_assert_uint_eq(sp.domain > sp.local + sp.local_len, true);
		snprintf(got, sizeof(got), "%.*s%.*s", (int)(sp.domain - sp.local), t + sp.local,
			 (int)sp.domain_len, t + sp.domain);
		ck_assert_msg(strcmp(got, text_cases[_i].found[k]) == 0, "%s: got %s", t, got);
		k++;
	}
	ck_assert_msg(k == 3 || text_cases[_i].found[k] == NULL, "%s: missed %zu", t, k);
	ck_assert_uint_eq(pos, strlen(t));
}
END_TEST

/* address_in_text on a long run of '@' and dots stays linear */
START_TEST(address_in_text_linear)
{
	size_t n = 1 << 20, pos = 0, hits = 0;
	char *t = malloc(n);
	struct address_span sp;

	for (size_t i = 0; i < n; i++)
		t[i] = "a@.b"[i % 4];
	while (address_in_text(t, n, &pos, &sp))
		hits++;
	ck_assert_uint_eq(hits, 0);
	free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("address");
	TCase *tc = tcase_create("address");

	tcase_add_loop_test(tc, parse_gives_addresses_and_flags, 0, NELEM(parse_cases));
	tcase_add_loop_test(tc, parse_keeps_comments_and_group_names, 0,
			    sizeof(named_cases) / sizeof(named_cases[0]));
	tcase_add_test(tc, thousand_addresses_kept_to_cap_and_counted);
	tcase_add_test(tc, deep_nesting_is_flat);
	tcase_add_test(tc, token_cap_truncates);
	tcase_add_test(tc, list_reuse_starts_clean);
	tcase_add_loop_test(tc, envelope_forms, 0, NELEM(envelope_cases));
	tcase_add_loop_test(tc, address_in_text_finds_each, 0, NELEM(text_cases));
	tcase_add_test(tc, address_in_text_linear);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
