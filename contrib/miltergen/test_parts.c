/*
 * test_parts - the load generator's pieces: socket specs, messages split as
 * an MTA splits them, mbox reading, percentiles, macro packets, and reply
 * framing against a hostile peer (a socketpair, no network).
 */
#include <config.h>

#include <libmilter/mfdef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "corpus.h"
#include "latency.h"
#include "macroset.h"
#include "milterio.h"
#include "mtime.h"
#include "sockspec.h"
#include "tap.h"

static const struct {
	const char *spec;
	int family;
	const char *where;	/* path, or host */
	unsigned port;
} sockspec_good[] = {
	{ "unix:/run/vigie/vigie.sock", AF_UNIX, "/run/vigie/vigie.sock", 0 },
	{ "local:/run/vigie/vigie.sock", AF_UNIX, "/run/vigie/vigie.sock", 0 },
	{ "/run/vigie/vigie.sock", AF_UNIX, "/run/vigie/vigie.sock", 0 },
	{ "unix:relative/vigie.sock", AF_UNIX, "relative/vigie.sock", 0 },
	{ "inet:8891@127.0.0.1", AF_INET, "127.0.0.1", 8891 },
	{ "inet:8891@localhost", AF_INET, "localhost", 8891 },
	{ "inet6:8891@::1", AF_INET6, "::1", 8891 },
	{ "inet6:8891@[::1]", AF_INET6, "::1", 8891 },
	{ "inet:127.0.0.1:8891", AF_INET, "127.0.0.1", 8891 },
	{ "inet:milter.example.org:10025", AF_INET, "milter.example.org", 10025 },
	{ "inet:[::1]:8891", AF_INET6, "::1", 8891 },
	{ "inet:8891", AF_INET, "127.0.0.1", 8891 },
	{ "inet6:8891", AF_INET6, "::1", 8891 },
	{ "inet:65535@127.0.0.1", AF_INET, "127.0.0.1", 65535 },
};

static const char *const sockspec_bad[] = {
	"", "unix:", "local:", "tcp:8891@127.0.0.1", "inet:", "inet:0@127.0.0.1",
	"inet:65536@127.0.0.1", "inet:@127.0.0.1", "inet:8891@", "inet:88a1@127.0.0.1",
	"inet:-1@127.0.0.1", "inet:::1:8891", "inet:8891@bad host", "inet:[::1]8891",
	"inet:127.0.0.1:", "inet6:8891@[::1", "8891@127.0.0.1",
};

START_TEST(sockspec_accepts_libmilter_and_postfix_forms)
{
	for (size_t i = 0; i < sizeof(sockspec_good) / sizeof(sockspec_good[0]); i++) {
		struct sockspec s;
		char err[300];

		ck_assert_msg(sockspec_parse(&s, sockspec_good[i].spec, err, sizeof(err)),
			      "%s: %s", sockspec_good[i].spec, err);
		ck_assert_int_eq(s.family, sockspec_good[i].family);
		if (s.family == AF_UNIX) {
			ck_assert_str_eq(s.path, sockspec_good[i].where);
		} else {
			ck_assert_str_eq(s.host, sockspec_good[i].where);
			ck_assert_uint_eq(s.port, sockspec_good[i].port);
		}
	}
}
END_TEST

START_TEST(sockspec_rejects_malformed_specs)
{
	char longpath[200];

	for (size_t i = 0; i < sizeof(sockspec_bad) / sizeof(sockspec_bad[0]); i++) {
		struct sockspec s;
		char err[300] = "";

		ck_assert_msg(!sockspec_parse(&s, sockspec_bad[i], err, sizeof(err)),
			      "accepted \"%s\"", sockspec_bad[i]);
		ck_assert(err[0] != '\0');
	}
	memcpy(longpath, "unix:/", 6);
	memset(longpath + 6, 'a', sizeof(longpath) - 7);
	longpath[sizeof(longpath) - 1] = '\0';
	{
		struct sockspec s;
		char err[300];

		ck_assert(!sockspec_parse(&s, longpath, err, sizeof(err)));
	}
}
END_TEST

START_TEST(sockspec_connect_to_nothing_fails_with_a_reason)
{
	struct sockspec s;
	char err[300] = "";

	ck_assert(sockspec_parse(&s, "unix:/nonexistent/vigie-test.sock", err, sizeof(err)));
	ck_assert_int_eq(sockspec_connect(&s, 500, false, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/vigie-test.sock"));
}
END_TEST

/* load - one message into a fresh corpus */
static const struct corpus_msg *load(struct corpus *c, const char *text)
{
	char err[300];

	corpus_init(c, 1u << 20);
	ck_assert_msg(corpus_add_message(c, "t.eml", text, strlen(text), err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(c->count, 1);
	return &c->msg[0];
}

START_TEST(corpus_keeps_folding_as_newlines_and_the_leading_space)
{
	struct corpus c;
	const struct corpus_msg *m = load(&c,
		"Subject: one\r\n two\r\n\tthree\r\nX-Tab:\tv\r\nX-Empty:\r\nX-Sp : v\r\n\r\nbody\r\n");

	ck_assert_uint_eq(m->nhdr, 4);
	ck_assert_str_eq(m->hdr[0].name, "Subject");
	ck_assert_str_eq(m->hdr[0].value, " one\n two\n\tthree");
	ck_assert_str_eq(m->hdr[1].value, "\tv");
	ck_assert_str_eq(m->hdr[2].value, "");
	ck_assert_str_eq(m->hdr[3].name, "X-Sp");
	ck_assert_str_eq(m->hdr[3].value, " v");
	corpus_free(&c);
}
END_TEST

static const struct {
	const char *in;
	const char *body;
} corpus_bodies[] = {
	{ "A: 1\n\nline1\nline2\n", "line1\r\nline2\r\n" },
	{ "A: 1\r\n\r\nline1\r\nline2\r\n", "line1\r\nline2\r\n" },
	{ "A: 1\n\nno final newline", "no final newline\r\n" },
	{ "A: 1\n\n\n\nblank lines kept\n", "\r\n\r\nblank lines kept\r\n" },
	{ "A: 1\n\nbare\rcr kept\n", "bare\rcr kept\r\n" },
	{ "A: 1\n", "" },
	{ "A: 1\nnot a header\nB: 2\n", "not a header\r\nB: 2\r\n" },
	{ "From sender@example.org Mon Feb  5 10:00:00 2024\nA: 1\n\nb\n", "b\r\n" },
};

START_TEST(corpus_body_has_crlf_line_ends_as_on_the_wire)
{
	for (size_t i = 0; i < sizeof(corpus_bodies) / sizeof(corpus_bodies[0]); i++) {
		struct corpus c;
		const struct corpus_msg *m = load(&c, corpus_bodies[i].in);

		ck_assert_uint_eq(m->bodylen, strlen(corpus_bodies[i].body));
		ck_assert_msg(memcmp(m->body, corpus_bodies[i].body, m->bodylen) == 0,
			      "case %zu", i);
		corpus_free(&c);
	}
}
END_TEST

START_TEST(corpus_envelope_from_return_path_then_from_and_to_then_cc)
{
	struct corpus c;
	const struct corpus_msg *m = load(&c,
		"From: \"Viamedis\" <noreply@viamedis.fr>\nReturn-Path: <bounce@mail.viamedis.fr>\n"
		"Cc: x@example.org\nTo: Pharmacie <contact@pharmacie.example>, y@example.org\n\nb\n");

	ck_assert_str_eq(m->sender, "bounce@mail.viamedis.fr");
	ck_assert_str_eq(m->rcpt, "contact@pharmacie.example");
	corpus_free(&c);
	m = load(&c, "From: alice@example.fr (Alice)\nCc: <bob@example.org>\n\nb\n");
	ck_assert_str_eq(m->sender, "alice@example.fr");
	ck_assert_str_eq(m->rcpt, "bob@example.org");
	corpus_free(&c);
	m = load(&c, "From: undisclosed\nTo: \"a <b\" <x@y.z\n\nb\n");
	ck_assert_str_eq(m->sender, "");
	corpus_free(&c);
}
END_TEST

START_TEST(corpus_mbox_splits_and_unescapes)
{
	static const char mbox[] =
		"From a@example.org Mon Feb  5 10:00:00 2024\n"
		"Subject: one\n\n>From the start\n>>From kept one\n\n"
		"From b@example.org Mon Feb  5 10:00:01 2024\n"
		"Subject: two\n\nsecond\nFrom inside a line is not a separator\n";
	struct corpus c;
	char err[300];

	corpus_init(&c, 1u << 20);
	ck_assert(corpus_add_mbox(&c, "box", mbox, sizeof(mbox) - 1, err, sizeof(err)));
	ck_assert_uint_eq(c.count, 2);
	ck_assert_str_eq(c.msg[0].label, "box#1");
	ck_assert_str_eq(c.msg[0].hdr[0].value, " one");
	ck_assert_str_eq(c.msg[0].body, "From the start\r\n>From kept one\r\n");
	ck_assert_str_eq(c.msg[1].label, "box#2");
	ck_assert_str_eq(c.msg[1].body, "second\r\nFrom inside a line is not a separator\r\n");
	corpus_free(&c);
}
END_TEST

START_TEST(corpus_refuses_input_past_its_caps)
{
	struct corpus c;
	char err[300];
	char *many = malloc(80000), *p = many;

	for (int i = 0; i <= CORPUS_HDR_COUNT_MAX; i++) {
		memcpy(p, "X: 1\n", 5);
		p += 5;
	}
	memcpy(p, "\nb\n", 4);
	corpus_init(&c, 1u << 24);
	ck_assert(!corpus_add_message(&c, "many", many, strlen(many), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "header fields"));
	/* one field longer than a milter packet */
	memset(many, 'a', 70000);
	memcpy(many, "X: ", 3);
	memcpy(many + 70000, "\n\nb\n", 5);
	ck_assert(!corpus_add_message(&c, "long", many, strlen(many), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
	corpus_free(&c);
	corpus_init(&c, 10);
	ck_assert(!corpus_add_message(&c, "big", "A: 1\n\n0123456789\n", 17, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "corpus larger"));
	corpus_free(&c);
	/* no header field at all: a manifest or a key file, not a message */
	corpus_init(&c, 1u << 20);
	ck_assert(!corpus_add_message(&c, "m.tsv", "file\tkind\n", 10, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a message"));
	ck_assert(!corpus_add_message(&c, "x", " starts folded\nA: 1\n", 20, err, sizeof(err)));
	ck_assert_uint_eq(c.count, 0);
	corpus_free(&c);
	free(many);
}
END_TEST

START_TEST(latency_percentiles_are_nearest_rank)
{
	struct latency l, m;

	latency_init(&l, 1000);
	ck_assert(latency_pct(&l, 50) == 0);
	for (int i = 100; i >= 1; i--)
		latency_add(&l, i);
	latency_sort(&l);
	ck_assert(latency_pct(&l, 50) == 50);
	ck_assert(latency_pct(&l, 90) == 90);
	ck_assert(latency_pct(&l, 99) == 99);
	ck_assert(latency_pct(&l, 100) == 100);
	ck_assert(latency_pct(&l, 0) == 1);
	latency_init(&m, 150);
	latency_merge(&m, &l);
	latency_merge(&m, &l);
	ck_assert_uint_eq(m.n, 150);
	ck_assert_uint_eq(m.dropped, 50);
	latency_free(&l);
	latency_free(&m);
}
END_TEST

START_TEST(macroset_sends_listed_defined_macros_as_named)
{
	struct milterio io;
	struct macroset ms;
	static const char want[] = "\0\0\0\x1c" "DR" "{rcpt_addr}\0b@x.org\0" "i\0" "ABC\0";

	milterio_init(&io, -1, 1024);
	macroset_init(&ms);
	macroset_put(&ms, "rcpt_addr", "b@x.org");
	macroset_put(&ms, "i", "ABC");
	macroset_put(&ms, "unlisted", "never sent");
	macroset_send(&ms, "{rcpt_addr} {rcpt_host} i", SMFIC_RCPT, &io);
	ck_assert_uint_eq(io.out.len, sizeof(want) - 1);
	ck_assert_mem_eq(io.out.data, want, sizeof(want) - 1);
	/* an empty list sends nothing at all */
	macroset_send(&ms, " ", SMFIC_HELO, &io);
	ck_assert_uint_eq(io.out.len, sizeof(want) - 1);
	milterio_close(&io);
}
END_TEST

/* peer - a socketpair; our end non-blocking, the test writes the other */
static void peer(struct milterio *io, int *other, size_t cap)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	milterio_init(io, sv[0], cap);
	*other = sv[1];
}

START_TEST(milterio_reads_a_reply_and_refuses_bad_lengths)
{
	struct milterio io;
	int fd;

	peer(&io, &fd, 100);
	ck_assert_int_eq(write(fd, "\0\0\0\x05hab\0c", 9), 9);
	ck_assert_int_eq(milterio_read(&io, mtime_now() + 1), MILTERIO_OK);
	ck_assert_int_eq(io.cmd, 'h');
	ck_assert_uint_eq(io.in.len, 4);
	ck_assert_int_eq(write(fd, "\0\0\0\0", 4), 4);
	ck_assert_int_eq(milterio_read(&io, mtime_now() + 1), MILTERIO_PROTOCOL);
	milterio_close(&io);
	close(fd);
	/* over the cap: refused from the length alone, data never awaited */
	peer(&io, &fd, 100);
	ck_assert_int_eq(write(fd, "\x7f\xff\xff\xff" "c", 5), 5);
	ck_assert_int_eq(milterio_read(&io, mtime_now() + 5), MILTERIO_PROTOCOL);
	ck_assert_ptr_nonnull(strstr(io.err, "cap"));
	milterio_close(&io);
	close(fd);
}
END_TEST

START_TEST(milterio_times_out_and_sees_a_close_mid_reply)
{
	struct milterio io;
	double t0;
	int fd;

	peer(&io, &fd, 100);
	t0 = mtime_now();
	ck_assert_int_eq(milterio_read(&io, t0 + 0.2), MILTERIO_TIMEOUT);
	ck_assert(mtime_now() - t0 < 2.0);
	ck_assert_int_eq(write(fd, "\0\0\0\x10" "h", 5), 5);
	close(fd);
	ck_assert_int_eq(milterio_read(&io, mtime_now() + 1), MILTERIO_CLOSED);
	ck_assert_ptr_nonnull(strstr(io.err, "mid-reply"));
	milterio_close(&io);
}
END_TEST

START_TEST(milterio_packets_carry_their_length)
{
	struct milterio io;
	int fd;
	char got[64];

	peer(&io, &fd, 100);
	milterio_begin(&io, SMFIC_OPTNEG);
	milterio_add32(&io, 6);
	milterio_add16(&io, 0x1234);
	milterio_addstr(&io, "x");
	milterio_end(&io);
	ck_assert_int_eq(milterio_flush(&io, mtime_now() + 1), MILTERIO_OK);
	ck_assert_int_eq(read(fd, got, sizeof(got)), 4 + 1 + 4 + 2 + 2);
	ck_assert_mem_eq(got, "\0\0\0\x09O\0\0\0\x06\x12\x34x\0", 13);
	close(fd);
	/* writing to a closed peer is "closed", not a signal */
	milterio_begin(&io, SMFIC_QUIT);
	milterio_end(&io);
	ck_assert_int_eq(milterio_flush(&io, mtime_now() + 1), MILTERIO_CLOSED);
	milterio_close(&io);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bench");
	TCase *tc = tcase_create("bench");

	tcase_add_test(tc, sockspec_accepts_libmilter_and_postfix_forms);
	tcase_add_test(tc, sockspec_rejects_malformed_specs);
	tcase_add_test(tc, sockspec_connect_to_nothing_fails_with_a_reason);
	tcase_add_test(tc, corpus_keeps_folding_as_newlines_and_the_leading_space);
	tcase_add_test(tc, corpus_body_has_crlf_line_ends_as_on_the_wire);
	tcase_add_test(tc, corpus_envelope_from_return_path_then_from_and_to_then_cc);
	tcase_add_test(tc, corpus_mbox_splits_and_unescapes);
	tcase_add_test(tc, corpus_refuses_input_past_its_caps);
	tcase_add_test(tc, latency_percentiles_are_nearest_rank);
	tcase_add_test(tc, macroset_sends_listed_defined_macros_as_named);
	tcase_add_test(tc, milterio_reads_a_reply_and_refuses_bad_lengths);
	tcase_add_test(tc, milterio_times_out_and_sees_a_close_mid_reply);
	tcase_add_test(tc, milterio_packets_carry_their_length);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
