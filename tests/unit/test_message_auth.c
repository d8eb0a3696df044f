/*
 * test_message_auth - every row of the verdict table of vigie-scoring(7),
 * through the message analysis as the milter drives it (rawmsg, body in
 * chunks of several sizes: the list footer and the second verification
 * must not depend on where the body is cut), with the DNS of
 * tests/data/auth/zone and each message's envelope: the state message_auth
 * concludes, the strength of brand-unauthenticated, the verdict, and what
 * vigie's Authentication-Results says of SPF and DMARC. Then the DNS budget
 * (no lookup for ordinary mail under SPFVerify brands) and the offline case
 * (test keys alone: today's strengths).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "message.h"
#include "msgfeed.h"
#include "rawmsg.h"
#include "tap.h"
#include "verdict.h"

static struct detector *det, *det_signer, *det_offline;
static char dir[4096];

/* path - a file of tests/data/auth */
static const char *path(const char *name)
{
	static char p[8192];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* setup - detectors over the zone: the built-in pack, a pack with a signer, offline */
static void setup(void)
{
	const char *top = getenv("top_srcdir");
	char err[512] = "", zone[8192], pack[8192], keys[8192];
	struct detector_opts o = { 0 };

	snprintf(dir, sizeof(dir), "%s/tests/data/auth", top ? top : ".");
	snprintf(zone, sizeof(zone), "%s/zone", dir);
	snprintf(pack, sizeof(pack), "%s/pack-signer.conf", dir);
	snprintf(keys, sizeof(keys), "%s/../messages/keys/test-keys", dir);
	o.test_dns_file = zone;
	det = detector_new(&o, err, sizeof(err));
	o.brands_file = pack;
	det_signer = det ? detector_new(&o, err, sizeof(err)) : NULL;
	o.brands_file = NULL;
	o.test_dns_file = NULL;
	o.test_keys_file = keys;
	det_offline = det_signer ? detector_new(&o, err, sizeof(err)) : NULL;
	if (det_offline == NULL) {
		fprintf(stderr, "test_message_auth: %s\n", err);
		exit(1);
	}
}

/* teardown - release them */
static void teardown(void)
{
	detector_free(det);
	detector_free(det_signer);
	detector_free(det_offline);
}

struct feed {
	const struct detector *det;
	struct message_opts opts;
	const char *ip, *helo, *from;
	char *const *trusted;
	struct message *m;
};

static void feed_begin(void *arg, const char *env)
{
	struct feed *f = arg;

	f->m = message_new(f->det, &f->opts);
	message_trust(f->m, f->trusted);
	message_client(f->m, f->ip, f->helo);
	message_envelope_from(f->m, f->from ? f->from : env);
}

static void feed_header(void *arg, const char *n, const char *v)
{
	message_header(((struct feed *)arg)->m, n, v);
}

static void feed_eoh(void *arg)
{
	message_eoh(((struct feed *)arg)->m);
}

static void feed_body(void *arg, const char *d, size_t n)
{
	message_body(((struct feed *)arg)->m, d, n);
}

static void feed_end(void *arg)
{
	message_eom(((struct feed *)arg)->m);
}

/* analyse - a file of tests/data/auth, its body in chunks of chunk bytes */
static struct message *analyse(struct feed *f, const char *file, size_t chunk)
{
	struct rawmsg_sink s = { feed_begin, feed_header, feed_eoh, feed_body, feed_end, f };
	struct rawmsg *r = rawmsg_new(false, &s);
	size_t len;
	char *raw = msgfeed_read(path(file), &len);

	if (raw == NULL)
		return NULL;
	for (size_t i = 0; i < len; i += chunk)
		rawmsg_feed(r, raw + i, len - i < chunk ? len - i : chunk);
	rawmsg_finish(r);
	rawmsg_free(r);
	free(raw);
	return f->m;
}

/* strength - of brand-unauthenticated, -1 if none */
static int strength(const struct verdict *v)
{
	for (size_t i = 0; i < v->reasons.count; i++)
		if (v->reasons.item[i].code == REASON_BRAND_UNAUTHENTICATED)
			return v->reasons.item[i].strength;
	return -1;
}

static char *const trusted[] = { "relay.syndicat.example", NULL };

static const struct {
	const char *file, *ip, *helo, *from;
	int strength;			/* of brand-unauthenticated, -1 none */
	enum verdict_kind kind;
	const char *spf;		/* in vigie's Authentication-Results, NULL: none */
	const char *dmarc;
	bool signer, trust;		/* the pack with a signer; TrustedAuthservIDs */
} rows[] = {
	{ "reject-dkim-pass.eml", "192.0.2.10", "mail.viamedis.fr", "bounce@viamedis.fr", -1, VERDICT_CLEAN,
	  "spf=pass smtp.mailfrom=viamedis.fr", "dmarc=pass header.from=viamedis.fr", false, false },
	{ "reject-spf-only.eml", "192.0.2.10", "mail.viamedis.fr", "bounce@viamedis.fr", -1, VERDICT_CLEAN,
	  "spf=pass", "dmarc=pass", false, false },
	{ "null-sender-helo.eml", "192.0.2.25", "mail.viamedis.fr", "<>", -1, VERDICT_CLEAN,
	  "spf=pass smtp.helo=mail.viamedis.fr", "dmarc=pass", false, false },
	{ "pack-signer.eml", "203.0.113.7", "out.esp.example", "bounce-12@esp.example", -1, VERDICT_CLEAN,
	  "spf=pass smtp.mailfrom=esp.example", "policy.dmarc=reject", true, false },
	{ "strict-relaxed-dkim.eml", "192.0.2.80", "mail.ameli.fr", "x@info.ameli.fr", -1, VERDICT_CLEAN,
	  "spf=none", "dmarc=fail", false, false },
	{ "reject-spoof.eml", "198.18.0.5", "mx.evil.example", "bounce@viamedis.fr", 90, VERDICT_IMPERSONATION,
	  "spf=fail", "policy.dmarc=reject", false, false },
	{ "quarantine-spoof.eml", "198.18.0.5", "mx.evil.example", "x@evil.example", 90, VERDICT_IMPERSONATION,
	  "spf=pass smtp.mailfrom=evil.example", "policy.dmarc=quarantine", false, false },
	{ "pct-quarantine-spoof.eml", "198.18.0.5", "mx.evil.example", "contact@spsante.fr", 75, VERDICT_SUSPECT,
	  "spf=fail", "policy.dmarc=none", false, false },
	{ "none-esp-newsletter.eml", "203.0.113.7", "out.esp.example", "bounce-12@esp.example", 50, VERDICT_SUSPECT,
	  "spf=pass", "policy.dmarc=none", false, false },
	{ "norecord-esp.eml", "203.0.113.7", "out.esp.example", "bounce-12@esp.example", 50, VERDICT_SUSPECT,
	  "spf=pass", "dmarc=none", false, false },
	{ "subdomain-sp.eml", "198.18.0.5", "mx.evil.example", "x@evil.example", 50, VERDICT_SUSPECT,
	  "spf=pass", "header.from=news.viamedis.fr policy.dmarc=none", false, false },
	{ "none-spf-fail.eml", "198.18.0.5", "mx.evil.example", "contact@santeclair.fr", 75, VERDICT_SUSPECT,
	  "spf=fail", "policy.dmarc=none", false, false },
	{ "none-spf-fail-lure.eml", "198.18.0.5", "mx.evil.example", "contact@santeclair.fr", 75,
	  VERDICT_IMPERSONATION, "spf=fail", "policy.dmarc=none", false, false },
	{ "norecord-reply-lure.eml", "198.18.0.5", "mx.evil.example", "x@evil.example", 50,
	  VERDICT_IMPERSONATION, "spf=pass", "dmarc=none", false, false },
	{ "dmarc-temperror.eml", "198.18.0.5", "mx.evil.example", "x@evil.example", 50, VERDICT_SUSPECT,
	  "spf=pass", "dmarc=temperror", false, false },
	{ "dkim-temperror.eml", "198.18.0.5", "mx.evil.example", "x@evil.example", 30, VERDICT_CLEAN,
	  "spf=pass", "dmarc=fail", false, false },
	{ "spf-temperror.eml", "192.0.2.10", "mail.viamedis.fr", "bounce@spfdown.viamedis.fr", 30, VERDICT_CLEAN,
	  "spf=temperror", "dmarc=fail", false, false },
	{ "list-relay.eml", "203.0.113.200", "lists.syndicat.example", "bounce@lists.syndicat.example", 50,
	  VERDICT_SUSPECT, "spf=pass", "policy.dmarc=reject", false, false },
	{ "list-relay-lookalike.eml", "203.0.113.200", "lists.syndicat.example", "bounce@lists.syndicat.example", 50,
	  VERDICT_IMPERSONATION, "spf=pass", "dmarc=fail", false, false },
	{ "list-tampered.eml", "203.0.113.200", "lists.syndicat.example", "bounce@lists.syndicat.example", 100,
	  VERDICT_IMPERSONATION, "spf=pass", "dmarc=fail", false, false },
	{ "trusted-relay.eml", "192.0.2.254", "relay.syndicat.example", "bounce@viamedis.fr", -1, VERDICT_CLEAN,
	  NULL, "dmarc=pass", false, true },
	{ "trusted-below.eml", "192.0.2.254", "relay.syndicat.example", "bounce@viamedis.fr", 90,
	  VERDICT_IMPERSONATION, NULL, "dmarc=fail", false, true },
	{ "trusted-below-only.eml", "198.51.100.254", "relay.syndicat.example", "bounce@viamedis.fr", 90,
	  VERDICT_IMPERSONATION, "spf=fail", "dmarc=fail", false, true },
};

START_TEST(each_row_of_the_verdict_table)
{
	static const size_t chunks[] = { 1 << 20, 7, 64 };

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct feed f = { rows[_i].signer ? det_signer : det,
				  { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_BRANDS, "mx.test", MESSAGE_SPF_BRANDS },
				  rows[_i].ip, rows[_i].helo, rows[_i].from,
				  rows[_i].trust ? trusted : NULL, NULL };
		struct message *m = analyse(&f, rows[_i].file, chunks[c]);
		struct vbuf ar = VBUF_INIT(8192);
		const struct verdict *v;
		char flat[8192];
		size_t n = 0;

		ck_assert_msg(m != NULL, "%s: cannot read", rows[_i].file);
		v = message_verdict(m);
		ck_assert_msg(strength(v) == rows[_i].strength, "%s (chunks of %zu): strength %d, want %d",
			      rows[_i].file, chunks[c], strength(v), rows[_i].strength);
		ck_assert_msg(v->kind == rows[_i].kind, "%s: %s", rows[_i].file, verdict_kind_name(v->kind));
		ck_assert(message_authres(m, &ar));
		/* the value unfolded, to look for its parts */
		for (const char *p = vbuf_str(&ar); *p && n < sizeof(flat) - 1; p++)
			if (*p != '\n' && *p != '\t')
				flat[n++] = *p;
			else if (*p == '\t')
				flat[n++] = ' ';
		flat[n] = '\0';
		if (rows[_i].spf)
			ck_assert_msg(strstr(flat, rows[_i].spf) != NULL, "%s: %s", rows[_i].file, flat);
		else
			ck_assert_msg(strstr(flat, "spf=") == NULL, "%s: %s", rows[_i].file, flat);
		ck_assert_msg(strstr(flat, rows[_i].dmarc) != NULL, "%s: %s", rows[_i].file, flat);
		vbuf_free(&ar);
		message_free(m);
	}
}
END_TEST

/*
 * the second verification (Subject tag taken off) checks only the brand's
 * signature: the list's own key is fetched once, the brand's twice, then SPF
 * and DMARC (the list's key fetched again made 6)
 */
START_TEST(untagged_verification_fetches_only_aligned_keys)
{
	struct feed f = { det, { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_BRANDS, "mx.test", MESSAGE_SPF_BRANDS },
			  "203.0.113.200", "lists.syndicat.example", "bounce@lists.syndicat.example",
			  NULL, NULL };
	struct message *m = analyse(&f, "list-relay.eml", 1 << 20);

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(message_dns_queries(m), 5);
	ck_assert_int_eq(message_verdict(m)->kind, VERDICT_SUSPECT);
	message_free(m);
}
END_TEST

START_TEST(ordinary_mail_costs_no_dns_under_brands)
{
	struct feed f = { det, { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_BRANDS, "mx.test", MESSAGE_SPF_BRANDS },
			  "198.18.0.5", "mx.evil.example", "x@evil.example", NULL, NULL };
	const char *raw = "From: Julien <julien@pharmacie.example>\r\nTo: claire@pharmacie.example\r\n"
			  "Subject: rendez-vous\r\n\r\nA jeudi.\r\n";
	struct rawmsg_sink s = { feed_begin, feed_header, feed_eoh, feed_body, feed_end, &f };
	struct rawmsg *r = rawmsg_new(false, &s);
	struct vbuf ar = VBUF_INIT(8192);

	rawmsg_feed(r, raw, strlen(raw));
	rawmsg_finish(r);
	rawmsg_free(r);
	ck_assert_uint_eq(message_dns_queries(f.m), 0);
	ck_assert_ptr_null(message_spf(f.m));
	ck_assert(!message_dmarc(f.m)->evaluated);
	ck_assert(!message_authres(f.m, &ar));
	message_free(f.m);
	/* SPFVerify and DKIMVerify always: SPF and DMARC for it too */
	f.opts.dkim = MESSAGE_DKIM_ALWAYS;
	f.opts.spf = MESSAGE_SPF_ALWAYS;
	r = rawmsg_new(false, &s);
	rawmsg_feed(r, raw, strlen(raw));
	rawmsg_finish(r);
	rawmsg_free(r);
	/* SPF: evil.example's record; DMARC: pharmacie.example's, its own organisational domain */
	ck_assert_uint_eq(message_dns_queries(f.m), 2);
	ck_assert_int_eq(message_spf(f.m)->result, SPFCHECK_PASS);
	ck_assert_int_eq(message_dmarc(f.m)->result, DMARCCHECK_NONE);
	ck_assert(message_authres(f.m, &ar));
	ck_assert(strstr(vbuf_str(&ar), "dmarc=none") != NULL);
	vbuf_free(&ar);
	message_free(f.m);
}
END_TEST

START_TEST(offline_keeps_the_enforced_strengths)
{
	struct feed f = { det_offline,
			  { MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_ALWAYS, "mx.test", MESSAGE_SPF_ALWAYS },
			  "198.18.0.5", "mx.evil.example", "contact@santeclair.fr", NULL, NULL };
	struct message *m = analyse(&f, "none-spf-fail.eml", 1 << 20);

	/* no DNS: SPF none, DMARC not evaluated, santeclair.fr's p=none unknown */
	ck_assert_int_eq(strength(message_verdict(m)), 90);
	ck_assert_int_eq(message_verdict(m)->kind, VERDICT_IMPERSONATION);
	ck_assert(!message_spf(m)->evaluated);
	ck_assert(strstr(message_spf(m)->reason, "no DNS") != NULL);
	ck_assert(!message_dmarc(m)->evaluated);
	ck_assert_uint_eq(message_dns_queries(m), 0);
	message_free(m);
}
END_TEST

/* message_auth_suite - the cases above */
static Suite *message_auth_suite(void)
{
	Suite *s = suite_create("message_auth");
	TCase *tc = tcase_create("message_auth");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, each_row_of_the_verdict_table, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, ordinary_mail_costs_no_dns_under_brands);
	tcase_add_test(tc, untagged_verification_fetches_only_aligned_keys);
	tcase_add_test(tc, offline_keeps_the_enforced_strengths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(message_auth_suite());
}
