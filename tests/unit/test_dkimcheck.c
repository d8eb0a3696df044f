/*
 * test_dkimcheck - one message's verification: the RFC 8463 example with CRLF
 * and bare LF at every body split, unsigned mail, the limits (signatures,
 * field size, header size and count), hostile DKIM-Signature fields, calls
 * out of order, and the library's own errors.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkimcheck.h"
#include "keycache.h"
#include "msgfeed.h"
#include "tap.h"
#include "vbuf.h"
#include "xalloc.h"

static struct dkimcheck_lib *lib;
static char *rfc;		/* the RFC 8463 message, CRLF */
static size_t rfclen;

/* datafile - a path under tests/data/dkim */
static void datafile(char *path, size_t size, const char *name)
{
	const char *top = getenv("top_srcdir");

	snprintf(path, size, "%s/tests/data/dkim/%s", top ? top : ".", name);
}

/* setup - the RFC 8463 keys and message, loaded once */
static void setup(void)
{
	struct dkimcheck_opts opts = { 0 };
	char keys[4096], msg[4096], err[256] = "";

	datafile(keys, sizeof(keys), "rfc8463.keys");
	datafile(msg, sizeof(msg), "rfc8463.eml");
	opts.test_keys_file = keys;
	lib = dkimcheck_lib_new(&opts, err, sizeof(err));
	rfc = msgfeed_read(msg, &rfclen);
	if (lib == NULL || rfc == NULL) {
		fprintf(stderr, "test_dkimcheck: cannot load %s or %s: %s\n", keys, msg, err);
		exit(1);
	}
}

/* teardown - release them */
static void teardown(void)
{
	dkimcheck_lib_free(lib);
	free(rfc);
}

/* lf - the message with CRLF turned into LF */
static char *lf(const char *msg, size_t *len)
{
	char *out = xmalloc(*len + 1);
	size_t n = 0;

	for (size_t i = 0; i < *len; i++)
		if (!(msg[i] == '\r' && i + 1 < *len && msg[i + 1] == '\n'))
			out[n++] = msg[i];
	out[n] = '\0';
	*len = n;
	return out;
}

/* run - verify msg whole, return the verification (to be freed) */
static struct dkimcheck *run(const char *msg, size_t len)
{
	struct dkimcheck *v = dkimcheck_new(lib);

	msgfeed(v, msg, len, 0);
	return v;
}

/* with_header - msg with text inserted at the top of its header */
static char *with_header(const char *text, size_t *len)
{
	size_t tlen = strlen(text);
	char *out = xmalloc(tlen + rfclen + 1);

	memcpy(out, text, tlen);
	memcpy(out + tlen, rfc, rfclen + 1);
	*len = tlen + rfclen;
	return out;
}

/* assert_rfc_pass - the two RFC signatures at i and i + 1 pass */
static void assert_rfc_pass(const struct dkimcheck *v, size_t i)
{
	ck_assert_uint_ge(dkimcheck_count(v), i + 2);
	ck_assert_int_eq(dkimcheck_sig(v, i)->result, DKIMCHECK_PASS);
	ck_assert_str_eq(dkimcheck_sig(v, i)->selector, "brisbane");
	ck_assert_int_eq(dkimcheck_sig(v, i + 1)->result, DKIMCHECK_PASS);
	ck_assert_str_eq(dkimcheck_sig(v, i + 1)->selector, "test");
}

START_TEST(rfc8463_passes_whole)
{
	struct dkimcheck *v = run(rfc, rfclen);
	const struct dkimcheck_sig *s;

	ck_assert_uint_eq(dkimcheck_count(v), 2);
	ck_assert_uint_eq(dkimcheck_dropped(v), 0);
	assert_rfc_pass(v, 0);
	s = dkimcheck_sig(v, 0);
	ck_assert_str_eq(s->domain, "football.example.com");
	ck_assert_str_eq(s->algorithm, "ed25519-sha256");
	ck_assert_str_eq(s->b, "/gCrinpc");
	ck_assert_uint_eq(s->key_bits, 256);
	ck_assert_str_eq(s->reason, "");
	s = dkimcheck_sig(v, 1);
	ck_assert_str_eq(s->algorithm, "rsa-sha256");
	ck_assert_str_eq(s->b, "F45dVWDf");
	ck_assert_uint_eq(s->key_bits, 1024);
	ck_assert_ptr_null(dkimcheck_sig(v, 2));
	dkimcheck_free(v);
}
END_TEST

START_TEST(rsa_key_is_decoded_once_then_served_from_the_cache)
{
	struct keycache_stats before, first, second;
	struct dkimcheck *v;

	/* the RSA key is DER (decoded through the cache); Ed25519 keys are raw bytes */
	dkimcheck_lib_keycache(lib, &before);
	v = run(rfc, rfclen);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	dkimcheck_lib_keycache(lib, &first);
	ck_assert_uint_eq((first.hits + first.misses) - (before.hits + before.misses), 1);
	v = run(rfc, rfclen);
	assert_rfc_pass(v, 0);
	ck_assert_uint_eq(dkimcheck_sig(v, 1)->key_bits, 1024);
	dkimcheck_free(v);
	dkimcheck_lib_keycache(lib, &second);
	ck_assert_uint_eq(second.hits - first.hits, 1);
	ck_assert_uint_eq(second.misses, first.misses);
	ck_assert_uint_eq(second.evictions, 0);
}
END_TEST

START_TEST(rfc8463_passes_at_every_body_split_crlf_and_lf)
{
	size_t len = rfclen;
	char *bare = lf(rfc, &len);
	const char *msgs[2] = { rfc, bare };
	size_t lens[2] = { rfclen, len };

	for (int m = 0; m < 2; m++) {
		size_t body = msgfeed_body_size(msgs[m], lens[m]);

		for (size_t cut = 0; cut <= body; cut++) {
			struct dkimcheck *v = dkimcheck_new(lib);

			msgfeed_split(v, msgs[m], lens[m], cut);
			ck_assert_msg(dkimcheck_count(v) == 2 &&
				      dkimcheck_sig(v, 0)->result == DKIMCHECK_PASS &&
				      dkimcheck_sig(v, 1)->result == DKIMCHECK_PASS,
				      "%s, body cut at %zu", m ? "LF" : "CRLF", cut);
			dkimcheck_free(v);
		}
	}
	free(bare);
}
END_TEST

START_TEST(rfc8463_body_one_byte_at_a_time)
{
	size_t len = rfclen;
	char *bare = lf(rfc, &len);
	struct dkimcheck *v = dkimcheck_new(lib);

	msgfeed(v, bare, len, 1);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	free(bare);
}
END_TEST

START_TEST(changed_body_fails_on_its_hash)
{
	char *msg = xstrdup(rfc);
	char *p = strstr(msg, "hungry");
	struct dkimcheck *v;

	memcpy(p, "HUNGRY", 6);
	v = run(msg, rfclen);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_FAIL);
	ck_assert_str_eq(dkimcheck_sig(v, 0)->reason, "body hash mismatch");
	ck_assert_int_eq(dkimcheck_sig(v, 1)->result, DKIMCHECK_FAIL);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

/* with_run - the RFC message with a run of n non-space bytes ending its body */
static char *with_run(size_t n, size_t *len)
{
	char *out = xmalloc(rfclen + n + 3);

	memcpy(out, rfc, rfclen);
	memset(out + rfclen, 'x', n);
	memcpy(out + rfclen + n, "\r\n", 3);
	*len = rfclen + n + 2;
	return out;
}

START_TEST(body_run_past_the_cap_leaves_every_signature_neutral)
{
	static const size_t chunks[] = { 0, 1000, 65535 };
	size_t len;
	char *over = with_run(DKIMCHECK_RUN_MAX, &len);

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct dkimcheck *v = dkimcheck_new(lib);

		msgfeed(v, over, len, chunks[c]);
		ck_assert_uint_eq(dkimcheck_count(v), 2);
		for (size_t i = 0; i < 2; i++) {
			ck_assert_int_eq(dkimcheck_sig(v, i)->result, DKIMCHECK_NEUTRAL);
			ck_assert_str_eq(dkimcheck_sig(v, i)->reason, "body line over vigie's limits");
		}
		dkimcheck_free(v);
	}
	free(over);
}
END_TEST

START_TEST(body_run_at_the_cap_is_hashed)
{
	size_t len;
	/* the CR before the line end counts in the run */
	char *at = with_run(DKIMCHECK_RUN_MAX - 1, &len);
	struct dkimcheck *v = dkimcheck_new(lib);

	/* hashed whole: the body changed, so its hash does not match */
	msgfeed(v, at, len, 1000);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_FAIL);
	ck_assert_str_eq(dkimcheck_sig(v, 0)->reason, "body hash mismatch");
	dkimcheck_free(v);
	free(at);
}
END_TEST

START_TEST(key_names_are_found_in_any_case)
{
	char *msg = xstrdup(rfc);
	char *p = strstr(msg, "d=football.example.com");
	struct dkimcheck *v;

	/* the key is found; the signature covers d= and no longer verifies */
	memcpy(p, "d=FOOTBALL", 10);
	v = run(msg, rfclen);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_FAIL);
	ck_assert_str_eq(dkimcheck_sig(v, 0)->reason, "signature mismatch");
	ck_assert_str_eq(dkimcheck_sig(v, 0)->domain, "football.example.com");
	ck_assert_int_eq(dkimcheck_sig(v, 1)->result, DKIMCHECK_PASS);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

START_TEST(unsigned_message_costs_no_body)
{
	static const char msg[] = "From: a@b.test\r\nSubject: x\r\n\r\nbody\r\n";
	struct dkimcheck *v = dkimcheck_new(lib);

	dkimcheck_header(v, "From", " a@b.test");
	dkimcheck_header(v, "Subject", " x");
	dkimcheck_eoh(v);
	ck_assert(!dkimcheck_body(v, "body\r\n", 6));
	dkimcheck_eom(v);
	ck_assert_uint_eq(dkimcheck_count(v), 0);
	ck_assert_uint_eq(dkimcheck_dropped(v), 0);
	dkimcheck_free(v);
	(void)msg;
}
END_TEST

START_TEST(fifty_signatures_ten_verified_forty_counted)
{
	struct vbuf top = VBUF_INIT(1 << 20);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	for (int i = 0; i < 48; i++)
		vbuf_printf(&top, "DKIM-Signature: v=1; a=rsa-sha256; d=x%d.test; s=s; h=from; "
			    "bh=AAAA; b=AAAA\r\n", i);
	msg = with_header(vbuf_str(&top), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), DKIMCHECK_MAX_SIGS);
	ck_assert_uint_eq(dkimcheck_dropped(v), 40);
	for (size_t i = 0; i < DKIMCHECK_MAX_SIGS; i++) {
		ck_assert_int_eq(dkimcheck_sig(v, i)->result, DKIMCHECK_PERMERROR);
		ck_assert_str_eq(dkimcheck_sig(v, i)->reason, "key not found");
	}
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&top);
}
END_TEST

START_TEST(body_stops_once_every_l_is_met)
{
	struct dkimcheck *v = dkimcheck_new(lib);

	/* l=10: seven bytes are not enough, fourteen are */
	dkimcheck_header(v, "DKIM-Signature", " v=1; a=rsa-sha256; d=a.test; s=s; l=10; h=from; "
			 "bh=AAAA; b=AAAA");
	dkimcheck_header(v, "From", " a@a.test");
	dkimcheck_eoh(v);
	ck_assert(dkimcheck_body(v, "12345\r\n", 7));
	ck_assert(!dkimcheck_body(v, "67890\r\n", 7));
	dkimcheck_eom(v);
	ck_assert_uint_eq(dkimcheck_count(v), 1);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_PERMERROR);
	dkimcheck_free(v);
}
END_TEST

/* what a signature covers: l= and h= as reported, the body limit after the header */
START_TEST(coverage_is_reported)
{
	struct dkimcheck *v = dkimcheck_new(lib);
	unsigned long long limit = 0;
	bool relaxed = false;

	dkimcheck_header(v, "DKIM-Signature", " v=1; a=rsa-sha256; c=simple/relaxed; d=a.test; s=s;\n"
			 "\tl=10; h=From : Subject:\n\tsubject : X-Y; bh=AAAA; b=AAAA");
	dkimcheck_header(v, "DKIM-Signature", " v=1; a=rsa-sha256; d=a.test; s=t; l=4; h=from; "
			 "bh=AAAA; b=AAAA");
	dkimcheck_header(v, "From", " a@a.test");
	dkimcheck_eoh(v);
	ck_assert(dkimcheck_body_limit(v, &limit, &relaxed));
	ck_assert_uint_eq(limit, 10);
	ck_assert(relaxed);
	ck_assert(dkimcheck_body(v, "12345\r\n", 7));
	dkimcheck_eom(v);
	ck_assert_uint_eq(dkimcheck_count(v), 2);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->length, 10);
	ck_assert_str_eq(dkimcheck_sig(v, 0)->hfields, "from:subject:subject:x-y");
	ck_assert_uint_eq(dkimcheck_sig_covers(dkimcheck_sig(v, 0), "Subject"), 2);
	ck_assert_uint_eq(dkimcheck_sig_covers(dkimcheck_sig(v, 0), "reply-to"), 0);
	ck_assert_uint_eq(dkimcheck_sig_covers(dkimcheck_sig(v, 0), "x"), 0);
	dkimcheck_free(v);
	/* one signature without l= covers the whole body: no limit */
	v = run(rfc, rfclen);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->length, -1);
	ck_assert(!dkimcheck_sig(v, 0)->hfields_cut);
	dkimcheck_free(v);
	v = dkimcheck_new(lib);
	dkimcheck_header(v, "DKIM-Signature", " v=1; a=rsa-sha256; d=a.test; s=s; l=10; h=from; "
			 "bh=AAAA; b=AAAA");
	dkimcheck_header(v, "DKIM-Signature", " v=1; a=rsa-sha256; d=a.test; s=t; h=from; "
			 "bh=AAAA; b=AAAA");
	dkimcheck_header(v, "From", " a@a.test");
	dkimcheck_eoh(v);
	ck_assert(!dkimcheck_body_limit(v, &limit, &relaxed));
	dkimcheck_free(v);
}
END_TEST

START_TEST(oversized_signature_field_is_counted_not_verified)
{
	struct vbuf top = VBUF_INIT(1 << 20);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	vbuf_adds(&top, "DKIM-Signature: v=1; a=rsa-sha256; d=x.test; s=s; h=from");
	for (int i = 0; i < 1200; i++)
		vbuf_adds(&top, ":\r\n\tsubject");
	vbuf_adds(&top, "; bh=AAAA; b=AAAA\r\n");
	msg = with_header(vbuf_str(&top), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_dropped(v), 1);
	ck_assert_uint_eq(dkimcheck_count(v), 2);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&top);
}
END_TEST

/* rfc_insert - the RFC message with text inserted at a place in it */
static char *rfc_insert(const char *at, const char *text, size_t *len)
{
	size_t head = (size_t)(at - rfc), tlen = strlen(text);
	char *out = xmalloc(rfclen + tlen + 1);

	memcpy(out, rfc, head);
	memcpy(out + head, text, tlen);
	memcpy(out + head + tlen, at, rfclen - head + 1);
	*len = rfclen + tlen;
	return out;
}

/* split_rfc - the RFC message with extra fields inserted after its signatures */
static char *split_rfc(const char *extra, size_t *len)
{
	return rfc_insert(strstr(rfc, "From: Joe"), extra, len);
}

START_TEST(too_many_fields_leave_every_signature_neutral)
{
	struct vbuf more = VBUF_INIT(1 << 20);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	for (int i = 0; i < DKIMCHECK_MAX_FIELDS; i++)
		vbuf_printf(&more, "X-Filler-%d: %d\r\n", i, i);

	/* signatures after the limit: counted, not verified */
	msg = with_header(vbuf_str(&more), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), 0);
	ck_assert_uint_eq(dkimcheck_dropped(v), 2);
	dkimcheck_free(v);
	free(msg);

	/* signatures before it: read, and neutral since the header was not all seen */
	msg = split_rfc(vbuf_str(&more), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(dkimcheck_sig(v, i)->result, DKIMCHECK_NEUTRAL);
		ck_assert_str_eq(dkimcheck_sig(v, i)->reason, "header over vigie's limits");
	}
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&more);
}
END_TEST

START_TEST(header_of_half_the_limit_still_verifies)
{
	struct vbuf big = VBUF_INIT(DKIMCHECK_HEADER_MAX);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	vbuf_adds(&big, "X-Big: ");
	while (big.len < DKIMCHECK_HEADER_MAX / 2)
		vbuf_adds(&big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	vbuf_adds(&big, "\r\n");
	msg = split_rfc(vbuf_str(&big), &len);
	v = run(msg, len);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&big);
}
END_TEST

START_TEST(huge_field_leaves_every_signature_neutral)
{
	struct vbuf huge = VBUF_INIT(2 * DKIMCHECK_HEADER_MAX);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	vbuf_adds(&huge, "X-Huge: ");
	while (huge.len < DKIMCHECK_HEADER_MAX)
		vbuf_adds(&huge, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	vbuf_adds(&huge, "\r\n");
	msg = split_rfc(vbuf_str(&huge), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), 2);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_NEUTRAL);
	ck_assert_int_eq(dkimcheck_sig(v, 1)->result, DKIMCHECK_NEUTRAL);
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&huge);
}
END_TEST

static const struct {
	const char *value;
	enum dkimcheck_result result;	/* DKIMCHECK_NONE: anything but pass */
	const char *reason;		/* NULL: any */
} hostile[] = {
	{ "", DKIMCHECK_NEUTRAL, NULL },
	{ ";;;", DKIMCHECK_NEUTRAL, NULL },
	{ "v=1", DKIMCHECK_NEUTRAL, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=; b=",
	  DKIMCHECK_NEUTRAL, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_FAIL, NULL },
	{ "v=2; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NEUTRAL, "unsupported version" },
	{ "v=1; a=rsa-sha256; d=\xc3\xa9.test; s=test; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NEUTRAL, NULL },
	{ "v=1; a=rsa-sha256; d=a.test; d=b.test; s=s; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; c=bogus/relaxed; d=a.test; s=s; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NEUTRAL, "unknown canonicalization" },
	{ "v=1; a=rsa-sha256; q=foo/bar; d=football.example.com; s=test; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NEUTRAL, "unknown query method" },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=nokey; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_PERMERROR, "key not found" },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=subject; bh=AAAA; b=AAAA",
	  DKIMCHECK_NEUTRAL, "From not signed" },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; l=-1; bh=AAAA; b=AAAA",
	  DKIMCHECK_NEUTRAL, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; l=99999999999999999999;"
	  " bh=AAAA; b=AAAA", DKIMCHECK_NEUTRAL, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; t=99999999999; bh=AAAA;"
	  " b=AAAA", DKIMCHECK_POLICY, "signature dated in the future" },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; t=2000; x=1000; bh=AAAA;"
	  " b=AAAA", DKIMCHECK_NONE, NULL },
	{ "v=1; a=ed25519-sha256; d=football.example.com; s=test; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; d=..; s=../..; h=from; bh=AAAA; b=AAAA", DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=a b c; h=from; bh=AAAA; b=AAAA",
	  DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=AAAA; b=!!!!",
	  DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from; bh=AAAA; b=AAAA; =x",
	  DKIMCHECK_NONE, NULL },
	{ "v=1; a=rsa-sha256; d=football.example.com; s=test; h=from\n; bh=AAAA; b=AAAA",
	  DKIMCHECK_NONE, NULL },
	{ "v=1;\x01 a=rsa-sha256", DKIMCHECK_NONE, NULL },
};

START_TEST(hostile_signature_fields_never_pass_nor_harm_the_others)
{
	char top[1024];
	struct dkimcheck *v;
	const struct dkimcheck_sig *s;
	size_t len;
	char *msg;

	snprintf(top, sizeof(top), "DKIM-Signature: %s\r\n", hostile[_i].value);
	msg = with_header(top, &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), 3);
	s = dkimcheck_sig(v, 0);
	ck_assert_int_ne(s->result, DKIMCHECK_PASS);
	if (hostile[_i].result != DKIMCHECK_NONE)
		ck_assert_msg(s->result == hostile[_i].result, "%s (%s)",
			      dkimcheck_result_name(s->result), s->reason);
	if (hostile[_i].reason != NULL)
		ck_assert_str_eq(s->reason, hostile[_i].reason);
	for (const char *p = s->domain; *p != '\0'; p++)
		ck_assert(*p > 0x20 && *p < 0x7f);
	for (const char *p = s->selector; *p != '\0'; p++)
		ck_assert(*p > 0x20 && *p < 0x7f);
	assert_rfc_pass(v, 1);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

START_TEST(huge_h_list_is_handled)
{
	struct vbuf top = VBUF_INIT(1 << 20);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	/* just under the field limit: 8000 bytes of h= */
	vbuf_adds(&top, "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=test; h=from");
	while (top.len < DKIMCHECK_SIGFIELD_MAX - 64)
		vbuf_adds(&top, ":to");
	vbuf_adds(&top, "; bh=AAAA; b=AAAA\r\n");
	msg = with_header(vbuf_str(&top), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), 3);
	ck_assert_int_ne(dkimcheck_sig(v, 0)->result, DKIMCHECK_PASS);
	assert_rfc_pass(v, 1);
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&top);
}
END_TEST

/* split_at_body - the RFC message with text added at the end of its header */
static char *split_at_body(const char *text, size_t *len)
{
	return rfc_insert(strstr(rfc, "\r\n\r\n") + 2, text, len);
}

START_TEST(fields_no_signature_covers_change_nothing)
{
	struct vbuf more = VBUF_INIT(1 << 20);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	for (int i = 0; i < 200; i++)
		vbuf_printf(&more, "Received: from relay%d.example (192.0.2.%d)\r\n\tby mx.example;"
			    " Mon, 5 Feb 2024 10:00:00 +0100\r\nX-Scanned-%d: yes\r\n", i, i % 250, i);
	msg = with_header(vbuf_str(&more), &len);
	v = run(msg, len);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	free(msg);
	msg = split_at_body(vbuf_str(&more), &len);
	v = run(msg, len);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&more);
}
END_TEST

START_TEST(a_covered_field_added_below_is_still_seen)
{
	size_t len;
	char *msg = split_at_body("Subject: changed on the way\r\n", &len);
	struct dkimcheck *v = run(msg, len);

	/* the signatures cover the last Subject: now the added one */
	ck_assert_uint_eq(dkimcheck_count(v), 2);
	ck_assert_int_ne(dkimcheck_sig(v, 0)->result, DKIMCHECK_PASS);
	ck_assert_int_ne(dkimcheck_sig(v, 1)->result, DKIMCHECK_PASS);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

START_TEST(covered_names_match_in_any_case)
{
	char *msg = xstrdup(rfc);
	char *p = strstr(msg, "\r\nSubject:");
	struct dkimcheck *v;

	/* relaxed canonicalization reads names in lower case: still covered */
	memcpy(p + 2, "SUBJECT", 7);
	v = run(msg, rfclen);
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

START_TEST(many_covered_names_give_every_field)
{
	struct vbuf top = VBUF_INIT(1 << 16);
	struct dkimcheck *v;
	size_t len;
	char *msg;

	vbuf_adds(&top, "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=test; h=from");
	for (int i = 0; i < 100; i++)
		vbuf_printf(&top, ":x-name-%d", i);
	vbuf_adds(&top, "; bh=AAAA; b=AAAA\r\nX-Unrelated: 1\r\n");
	msg = with_header(vbuf_str(&top), &len);
	v = run(msg, len);
	ck_assert_uint_eq(dkimcheck_count(v), 3);
	assert_rfc_pass(v, 1);
	dkimcheck_free(v);
	free(msg);
	vbuf_free(&top);
}
END_TEST

/* only_football - a filter: signatures of football.example.com only */
static bool only_football(void *ctx, const char *domain)
{
	(*(int *)ctx)++;
	return strcmp(domain, "football.example.com") == 0;
}

START_TEST(filter_sets_aside_signatures_that_cannot_matter)
{
	static const char other[] = "DKIM-Signature: v=1; a=rsa-sha256; d=esp.test; s=s; h=from; "
				    "bh=AAAA; b=AAAA\r\n";
	struct dkimcheck *v = dkimcheck_new(lib);
	size_t len;
	char *msg = with_header(other, &len);
	int calls = 0;

	dkimcheck_filter(v, only_football, &calls);
	msgfeed(v, msg, len, 0);
	ck_assert_int_eq(calls, 3);
	ck_assert_uint_eq(dkimcheck_count(v), 3);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_NEUTRAL);
	ck_assert_str_eq(dkimcheck_sig(v, 0)->reason, "not checked");
	ck_assert_str_eq(dkimcheck_sig(v, 0)->domain, "esp.test");
	assert_rfc_pass(v, 1);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

START_TEST(no_from_header_fails)
{
	char *msg = xstrdup(rfc), *from = strstr(msg, "From: Joe"), *eol = strstr(from, "\r\n");
	struct dkimcheck *v;

	memmove(from, eol + 2, strlen(eol + 2) + 1);
	v = run(msg, strlen(msg));
	ck_assert_uint_eq(dkimcheck_count(v), 2);
	ck_assert_int_eq(dkimcheck_sig(v, 0)->result, DKIMCHECK_FAIL);
	ck_assert_int_eq(dkimcheck_sig(v, 1)->result, DKIMCHECK_FAIL);
	dkimcheck_free(v);
	free(msg);
}
END_TEST

START_TEST(a_signature_naming_every_field_and_more_is_judged_safely)
{
	char *msg = xstrdup(rfc), *h = strstr(msg, "h=from : to :\r\n subject : date : message-id : from : subject : date;");
	const char *names = "h=from:to:subject:date:message-id:dkim-signature:dkim-signature:x-more:x-more;";
	size_t len = strlen(msg), old = strlen("h=from : to :\r\n subject : date : message-id : from : subject : date;");
	struct vbuf edited = VBUF_INIT(1 << 16);
	struct dkimcheck *v;

	/* every field given to libopendkim is named, then two names more */
	ck_assert_ptr_nonnull(h);
	vbuf_add(&edited, msg, (size_t)(h - msg));
	vbuf_add(&edited, names, strlen(names));
	vbuf_add(&edited, h + old, len - (size_t)(h - msg) - old);
	for (size_t chunk = 0; chunk < 3; chunk++) {
		v = dkimcheck_new(lib);
		msgfeed(v, vbuf_str(&edited), edited.len, chunk);
		ck_assert_uint_eq(dkimcheck_count(v), 2);
		ck_assert_int_ne(dkimcheck_sig(v, 0)->result, DKIMCHECK_PASS);
		ck_assert_int_eq(dkimcheck_sig(v, 1)->result, DKIMCHECK_PASS);
		dkimcheck_free(v);
	}
	vbuf_free(&edited);
	free(msg);
}
END_TEST

START_TEST(calls_out_of_order_are_harmless)
{
	struct dkimcheck *v = dkimcheck_new(lib);

	/* end of message straight away, twice; then everything else is ignored */
	dkimcheck_eom(v);
	dkimcheck_eom(v);
	dkimcheck_header(v, "DKIM-Signature", " v=1");
	dkimcheck_eoh(v);
	ck_assert(!dkimcheck_body(v, "x", 1));
	ck_assert_uint_eq(dkimcheck_count(v), 0);
	dkimcheck_free(v);

	/* body without end of headers; message dropped before its end */
	v = dkimcheck_new(lib);
	msgfeed_split(v, rfc, rfclen, 3);
	ck_assert(!dkimcheck_body(v, "more", 4));
	assert_rfc_pass(v, 0);
	dkimcheck_free(v);
	v = dkimcheck_new(lib);
	dkimcheck_header(v, "DKIM-Signature", " v=1; a=rsa-sha256; d=a.test; s=s; h=from; "
			 "bh=AAAA; b=AAAA");
	dkimcheck_header(v, "From", " a@a.test");
	ck_assert(dkimcheck_body(v, "abc\n", 4));
	dkimcheck_free(v);
	dkimcheck_free(NULL);
}
END_TEST

START_TEST(library_errors_are_reported)
{
	struct dkimcheck_opts opts = { 0 };
	char err[256] = "";

	opts.test_keys_file = "/nonexistent/keys";
	ck_assert_ptr_null(dkimcheck_lib_new(&opts, err, sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/keys: No such file or directory");
	opts.test_keys_file = NULL;
	opts.nameservers = "not-an-address";
	ck_assert_ptr_null(dkimcheck_lib_new(&opts, err, sizeof(err)));
	ck_assert_str_eq(err, "Nameservers: bad address \"not-an-address\"");
	opts.nameservers = "127.0.0.1";
	opts.dns_timeout = 61;
	ck_assert_ptr_null(dkimcheck_lib_new(&opts, err, sizeof(err)));
	opts.dns_timeout = 2;
	struct dkimcheck_lib *l = dkimcheck_lib_new(&opts, err, sizeof(err));

	ck_assert_ptr_nonnull(l);
	dkimcheck_lib_free(l);
	dkimcheck_lib_free(NULL);
}
END_TEST

/* dkimcheck_suite - the cases of this file */
static Suite *dkimcheck_suite(void)
{
	Suite *s = suite_create("dkimcheck");
	TCase *tc = tcase_create("dkimcheck");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rfc8463_passes_whole);
	tcase_add_test(tc, rsa_key_is_decoded_once_then_served_from_the_cache);
	tcase_add_test(tc, rfc8463_passes_at_every_body_split_crlf_and_lf);
	tcase_add_test(tc, rfc8463_body_one_byte_at_a_time);
	tcase_add_test(tc, changed_body_fails_on_its_hash);
	tcase_add_test(tc, body_run_past_the_cap_leaves_every_signature_neutral);
	tcase_add_test(tc, body_run_at_the_cap_is_hashed);
	tcase_add_test(tc, key_names_are_found_in_any_case);
	tcase_add_test(tc, unsigned_message_costs_no_body);
	tcase_add_test(tc, fifty_signatures_ten_verified_forty_counted);
	tcase_add_test(tc, body_stops_once_every_l_is_met);
	tcase_add_test(tc, oversized_signature_field_is_counted_not_verified);
	tcase_add_test(tc, coverage_is_reported);
	tcase_add_test(tc, too_many_fields_leave_every_signature_neutral);
	tcase_add_test(tc, header_of_half_the_limit_still_verifies);
	tcase_add_test(tc, huge_field_leaves_every_signature_neutral);
	tcase_add_loop_test(tc, hostile_signature_fields_never_pass_nor_harm_the_others, 0,
			    sizeof(hostile) / sizeof(hostile[0]));
	tcase_add_test(tc, huge_h_list_is_handled);
	tcase_add_test(tc, fields_no_signature_covers_change_nothing);
	tcase_add_test(tc, a_covered_field_added_below_is_still_seen);
	tcase_add_test(tc, covered_names_match_in_any_case);
	tcase_add_test(tc, many_covered_names_give_every_field);
	tcase_add_test(tc, filter_sets_aside_signatures_that_cannot_matter);
	tcase_add_test(tc, no_from_header_fails);
	tcase_add_test(tc, a_signature_naming_every_field_and_more_is_judged_safely);
	tcase_add_test(tc, calls_out_of_order_are_harmless);
	tcase_add_test(tc, library_errors_are_reported);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(dkimcheck_suite());
}
