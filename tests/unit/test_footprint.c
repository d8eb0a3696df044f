/*
 * test_footprint - a message's memory does not grow with its body: the heap
 * the analysis holds while a DKIM-signed message of 1 MB, then of 16 MB,
 * streams through it in libmilter's 64 KB chunks, for three bodies: text
 * lines (hashed whole by DKIM), one endless word (what libopendkim would
 * hold whole), and a base64 attachment. Bytes from glibc's mallinfo2, not
 * time, so the check holds on a loaded machine; margins are generous.
 * Skipped when the allocator does not report (sanitiser builds).
 */
#include <config.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "dkimcheck.h"
#include "message.h"
#include "rawmsg.h"
#include "tap.h"

#define FOOT_CHUNK 65535		/* a body chunk from libmilter */
#define FOOT_SMALL (1u << 20)
#define FOOT_LARGE (16u << 20)
#define FOOT_GROWTH (512u << 10)	/* allowed between 1 MB and 16 MB */
#define FOOT_CEILING (8u << 20)		/* allowed for any message */

static struct detector *det;

enum shape { SHAPE_LINES, SHAPE_WORD, SHAPE_ATTACHMENT };

struct feed {
	struct message *m;
	bool more;		/* the analysis still wants body (else: SMFIS_SKIP) */
	size_t base, peak;	/* heap in use before the message, at its highest */
};

/* inuse - bytes the allocator has handed out, mmapped blocks included */
static size_t inuse(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* setup - a detector with the corpus keys (no DNS) */
static void setup(void)
{
	const char *src = getenv("top_srcdir");
	struct detector_opts o = { 0 };
	char keys[4200], err[512];

	snprintf(keys, sizeof(keys), "%s/tests/data/messages/keys/test-keys", src ? src : ".");
	o.test_keys_file = keys;
	det = detector_new(&o, err, sizeof(err));
	if (det == NULL) {
		fprintf(stderr, "test_footprint: %s\n", err);
		exit(1);
	}
}

/* teardown - release it */
static void teardown(void)
{
	detector_free(det);
}

/* feed_begin .. feed_end - rawmsg's calls, as the milter makes them */
static void feed_begin(void *arg, const char *env)
{
	static const struct message_opts opts = {
		MESSAGE_SCAN_DEFAULT, MESSAGE_DKIM_ALWAYS, "mx.test"
	};
	struct feed *f = arg;

	(void)env;
	f->m = message_new(det, &opts);
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
	struct feed *f = arg;
	size_t now;

	if (f->more)
		f->more = message_body(f->m, d, n);
	now = inuse();
	if (now > f->peak)
		f->peak = now;
}

static void feed_end(void *arg)
{
	message_eom(((struct feed *)arg)->m);
}

/* head - the header of a message signed by viamedis.fr (corpus key s2024) */
static const char *head(enum shape s)
{
	static const char sig[] =
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=viamedis.fr;\n"
		" i=@viamedis.fr; q=dns/txt; s=s2024; t=1795904030; h=from : to :\n"
		" subject : date : message-id : content-type;\n"
		" bh=U0zd/64kkJLOXYHvEu9QXMKSYXLiRm0JkQc8BIbPrBk=;\n"
		" b=R9vpXDoqjwMvNayzid5HTZzuF8TqJla3+e8BOXGiazVUUv5faWrkoB19mNoG/cr66djTh\n"
		" tqSr+aSOt8eINBKx2JzFke3RgUXGp3sLpU+2FhblOhcpkwtTUvjizLE71V6vJTG0KGXL03N\n"
		" t/rwmMfwg9gRuLWeY06AX9Kflghtv8g9Knk5MBCn93pYLa81Bke6RwJWubSgwDFL/TGu6GU\n"
		" 3f/54wqtjPlTGi8kCLlSX1Y3mtTWUujNHg87jtJzIihHOYfdY/uQb3f00CcPnX31YA+rU8B\n"
		" eja0t84jX+em17chtHPAtOJgbKBVESSDHHW5POhMVEU2mSYM4wdkp/RZe4eA==\n"
		"From: Viamedis <noreply@viamedis.fr>\nTo: opticien@optique-martin.fr\n"
		"Subject: Votre releve de paiements\nDate: Mon, 04 Mar 2024 09:12:00 +0100\n"
		"Message-ID: <footprint@corpus.test>\nMIME-Version: 1.0\n";
	static char out[2048];

	snprintf(out, sizeof(out), "%s%s\n", sig, s == SHAPE_ATTACHMENT ?
		 "Content-Type: multipart/mixed; boundary=\"b\"" : "Content-Type: text/plain");
	return out;
}

/* piece - the body bytes at offset off, in the shape s (LF line ends) */
static size_t piece(enum shape s, size_t off, char *buf, size_t size)
{
	static const char line[] = "Le virement du tiers payant de mars est en cours.\n";
	static const char b64[] = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0Zp\n";

	for (size_t i = 0; i < size; i++) {
		switch (s) {
		case SHAPE_LINES:
			buf[i] = line[(off + i) % (sizeof(line) - 1)];
			break;
		case SHAPE_WORD:
			buf[i] = 'x';
			break;
		case SHAPE_ATTACHMENT:
			buf[i] = b64[(off + i) % (sizeof(b64) - 1)];
			break;
		}
	}
	return size;
}

/* footprint - the most heap one message of `size` body bytes held, in bytes */
static size_t footprint(enum shape s, size_t size, bool *dkim_seen)
{
	static const char part[] = "--b\nContent-Type: text/plain\n\nBonjour\n--b\n"
				   "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n";
	struct feed f = { NULL, true, 0, 0 };
	struct rawmsg_sink sink = { feed_begin, feed_header, feed_eoh, feed_body, feed_end, &f };
	struct rawmsg *r;
	char *buf = malloc(FOOT_CHUNK);

	ck_assert_ptr_nonnull(buf);
	f.base = f.peak = inuse();
	r = rawmsg_new(false, &sink);
	rawmsg_feed(r, head(s), strlen(head(s)));
	rawmsg_feed(r, "\n", 1);
	if (s == SHAPE_ATTACHMENT)
		rawmsg_feed(r, part, sizeof(part) - 1);
	for (size_t off = 0; off < size && f.more; off += FOOT_CHUNK) {
		size_t n = size - off < FOOT_CHUNK ? size - off : FOOT_CHUNK;

		rawmsg_feed(r, buf, piece(s, off, buf, n));
	}
	rawmsg_feed(r, s == SHAPE_ATTACHMENT ? "\n--b--\n" : "\n", s == SHAPE_ATTACHMENT ? 7 : 1);
	rawmsg_finish(r);
	rawmsg_free(r);
	*dkim_seen = message_dkim_evaluated(f.m) && message_sig_count(f.m) == 1;
	message_free(f.m);
	free(buf);
	return f.peak - f.base;
}

static const char *const shape_names[] = { "text lines", "one endless word", "base64 attachment" };

START_TEST(body_size_does_not_grow_the_heap)
{
	enum shape s = (enum shape)_i;
	bool dkim_small, dkim_large;
	size_t small, large;
	void *probe = malloc(1 << 16);

	/* an allocator that does not count (a sanitiser's) cannot be read */
	if (inuse() < (1 << 16)) {
		free(probe);
		return;
	}
	free(probe);
	small = footprint(s, FOOT_SMALL, &dkim_small);
	large = footprint(s, FOOT_LARGE, &dkim_large);
	ck_assert_msg(dkim_small && dkim_large, "%s: the DKIM signature was not evaluated",
		      shape_names[s]);
	ck_assert_msg(large <= small + FOOT_GROWTH,
		      "%s: %zu bytes held for 1 MB, %zu for 16 MB", shape_names[s], small, large);
	ck_assert_msg(large <= FOOT_CEILING, "%s: %zu bytes held", shape_names[s], large);
}
END_TEST

static Suite *footprint_suite(void)
{
	Suite *s = suite_create("footprint");
	TCase *tc = tcase_create("footprint");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, body_size_does_not_grow_the_heap, SHAPE_LINES, SHAPE_ATTACHMENT + 1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(footprint_suite());
}
