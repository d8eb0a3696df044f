/*
 * fixture - what the tests of the analysis share: one detector for the
 * suite (the built-in pack, or with the DKIM keys of tests/data/messages),
 * a raw message analysed as the milter feeds it (rawmsg, in chunks of any
 * size), and a verdict's findings as one string.
 */
#ifndef VIGIE_TEST_FIXTURE_H
#define VIGIE_TEST_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "detector.h"
#include "message.h"
#include "rawmsg.h"
#include "verdict.h"

static struct detector *det;
static char corpus[4096];		/* tests/data/messages, once fixture_setup_keys ran */

/* fixture_setup - the suite's detector: the built-in pack, no DKIM keys */
static inline void fixture_setup(void)
{
	char err[512];

	det = detector_new(NULL, err, sizeof(err));
	ck_assert_msg(det != NULL, "%s", err);
}

/* fixture_setup_keys - the suite's detector, with the DKIM keys of the corpus */
static inline void fixture_setup_keys(void)
{
	const char *src = getenv("top_srcdir");
	struct detector_opts o = { 0 };
	char keys[4200], err[512];

	snprintf(corpus, sizeof(corpus), "%s/tests/data/messages", src ? src : ".");
	snprintf(keys, sizeof(keys), "%s/keys/test-keys", corpus);
	o.test_keys_file = keys;
	det = detector_new(&o, err, sizeof(err));
	ck_assert_msg(det != NULL, "%s", err);
}

/* fixture_teardown - release it */
static inline void fixture_teardown(void)
{
	detector_free(det);
}

/* One message being analysed. */
struct fixture_feed {
	struct message *m;
	const struct message_opts *opts;
	char *const *trusted;
	bool body_false;	/* message_body said false at least once */
	size_t body_calls_after_false;
};

/* fixture_begin .. fixture_end - rawmsg's calls, as the milter makes them */
static inline void fixture_begin(void *arg, const char *env)
{
	struct fixture_feed *f = arg;

	f->m = message_new(det, f->opts);
	message_trust(f->m, f->trusted);
	if (env)
		message_envelope_from(f->m, env);
}

static inline void fixture_header(void *arg, const char *n, const char *v)
{
	message_header(((struct fixture_feed *)arg)->m, n, v);
}

static inline void fixture_eoh(void *arg)
{
	message_eoh(((struct fixture_feed *)arg)->m);
}

static inline void fixture_body(void *arg, const char *d, size_t n)
{
	struct fixture_feed *f = arg;

	if (f->body_false)
		f->body_calls_after_false++;
	if (!message_body(f->m, d, n))
		f->body_false = true;
}

static inline void fixture_end(void *arg)
{
	message_eom(((struct fixture_feed *)arg)->m);
}

/* fixture_analyse - a raw message through rawmsg in chunks of `chunk` bytes (0: whole) */
static inline struct message *fixture_analyse(const char *raw, size_t len, size_t chunk,
					   const struct message_opts *opts, char *const *trusted,
					   struct fixture_feed *out)
{
	struct fixture_feed f = { NULL, opts, trusted, false, 0 };
	struct rawmsg_sink s = { fixture_begin, fixture_header, fixture_eoh, fixture_body, fixture_end, &f };
	struct rawmsg *r = rawmsg_new(false, &s);

	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t i = 0; i < len; i += chunk)
		rawmsg_feed(r, raw + i, len - i < chunk ? len - i : chunk);
	rawmsg_finish(r);
	rawmsg_free(r);
	if (f.m == NULL) {	/* nothing at all: an empty message */
		fixture_begin(&f, NULL);
		message_eom(f.m);
	}
	if (out)
		*out = f;
	return f.m;
}

/* fixture_codes - the findings as "code@where,..." in order (weighs: ":1" or ":0" after each) */
static inline void fixture_codes(const struct verdict *v, char *out, size_t size, bool weighs)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < v->reasons.count && n < size; i++) {
		n += (size_t)snprintf(out + n, size - n, "%s%s@%s", i ? "," : "",
				      reason_code_name(v->reasons.item[i].code),
				      reason_where_name(v->reasons.item[i].where));
		if (weighs && n < size)
			n += (size_t)snprintf(out + n, size - n, ":%d",
					      v->reasons.item[i].strength > 0);
	}
}

#endif
