/*
 * fuzz_analysis - a whole raw message (an mbox when it starts with "From ")
 * through the message analysis (message.h) as the milter feeds it, in
 * chunks whose size follows from the input's length (so that the test
 * messages are read whole, as they are), DKIM on with the keys of $VIGIE_FUZZ_KEYS (a
 * TestPublicKeys file; none: DKIM without a library); then every reader,
 * Authentication-Results and the verdict header values. Checks: a score in
 * 0..100, ASCII header values without bare line breaks.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "message.h"
#include "rawmsg.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz {
	const struct detector *det;
	struct message *m;
};

/* fuzz_check - an invariant; a broken one aborts */
static void fuzz_check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

/* fuzz_value - a header value: ASCII, line breaks only as folds */
static void fuzz_value(const struct vbuf *v)
{
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->data[i];

		fuzz_check(c < 0x80 && c != '\r' && c != 0, "header value is ASCII, no CR or NUL");
		if (c == '\n')
			fuzz_check(i + 1 < v->len && v->data[i + 1] == '\t', "LF only in a fold");
	}
}

/* fuzz_begin - rawmsg: a message starts */
static void fuzz_begin(void *arg, const char *env)
{
	struct fuzz *f = arg;
	static char relay[] = "relay.example";
	static char *const trusted[] = { relay, NULL };
	struct message_opts o = { 4096, MESSAGE_DKIM_ALWAYS, "mx.fuzz" };

	message_free(f->m);
	f->m = message_new(f->det, &o);
	message_trust(f->m, trusted);
	if (env)
		message_envelope_from(f->m, env);
}

/* fuzz_header .. fuzz_body - rawmsg's calls, handed over */
static void fuzz_header(void *arg, const char *n, const char *v)
{
	message_header(((struct fuzz *)arg)->m, n, v);
}

static void fuzz_eoh(void *arg)
{
	message_eoh(((struct fuzz *)arg)->m);
}

static void fuzz_body(void *arg, const char *d, size_t n)
{
	message_body(((struct fuzz *)arg)->m, d, n);
}

/* fuzz_end - rawmsg: the end; every reader, and the invariants */
static void fuzz_end(void *arg)
{
	struct fuzz *f = arg;
	struct vbuf a = VBUF_INIT(1 << 16), b = VBUF_INIT(1 << 16), c = VBUF_INIT(1 << 16);
	const struct verdict *v;

	message_eom(f->m);
	v = message_verdict(f->m);
	fuzz_check(v->score >= 0 && v->score <= 100, "score in 0..100");
	verdict_headers(v, &a, &b);
	fuzz_value(&a);
	fuzz_value(&b);
	if (message_authres(f->m, &c))
		fuzz_value(&c);
	for (size_t i = 0; i < message_link_count(f->m); i++)
		fuzz_check(strlen(message_link(f->m, i)->host) < 256, "link host bounded");
	fuzz_check(message_sig_count(f->m) <= 10, "signatures bounded");
	vbuf_reset(&a);
	message_caps_text(f->m, &a);
	(void)message_from(f->m)->domain;
	message_free(f->m);
	f->m = NULL;
	vbuf_free(&a);
	vbuf_free(&b);
	vbuf_free(&c);
}

/* LLVMFuzzerTestOneInput - one input: the message (or mbox), fed in chunks */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct detector *det;
	struct fuzz f = { NULL, NULL };
	struct rawmsg_sink s = { fuzz_begin, fuzz_header, fuzz_eoh, fuzz_body, fuzz_end, &f };
	struct rawmsg *r;
	size_t step;

	if (size < 1)
		return 0;
	if (det == NULL) {
		struct detector_opts o = { 0 };
		char err[512];

		o.test_keys_file = getenv("VIGIE_FUZZ_KEYS");
		o.no_dkim = o.test_keys_file == NULL;
		if ((det = detector_new(&o, err, sizeof(err))) == NULL) {
			fprintf(stderr, "fuzz_analysis: %s\n", err);
			abort();
		}
	}
	f.det = det;
	r = rawmsg_new(size > 5 && memcmp(data, "From ", 5) == 0, &s);
	step = 1 + size * 7 % 4099;
	for (size_t i = 0; i < size; i += step)
		rawmsg_feed(r, data + i, size - i < step ? size - i : step);
	rawmsg_finish(r);
	rawmsg_free(r);
	message_free(f.m);
	return 0;
}
