/*
 * test_resolver - the Nameservers option, and lookups against a fake DNS
 * server on loopback that answers each query as the test case says: good
 * records, split strings, several records, NXDOMAIN, no data, SERVFAIL,
 * REFUSED, truncation, malformed and hostile replies, silence.
 */
#include <config.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "dnsanswer.h"
#include "resolver.h"
#include "tap.h"

static const struct {
	const char *list;
	size_t servers;		/* 0: refused */
} lists[] = {
	{ "127.0.0.1", 1 },
	{ "127.0.0.1:5353", 1 },
	{ "::1", 1 },
	{ "[::1]", 1 },
	{ "[::1]:5353", 1 },
	{ " 127.0.0.1 , [::1]:53 ", 2 },
	{ "192.0.2.1,192.0.2.2:53,[2001:db8::1]:5353", 3 },
	{ "", 0 },
	{ ",", 0 },
	{ "127.0.0.1,", 1 },
	{ "127.0.0.1,,127.0.0.2", 0 },
	{ "127.0.0.1:0", 0 },
	{ "127.0.0.1:65536", 0 },
	{ "127.0.0.1:5x", 0 },
	{ "[::1", 0 },
	{ "[::1]x", 0 },
	{ "[::1]:", 0 },
	{ "ns.example.test", 0 },
	{ "999.1.1.1", 0 },
	{ "1.2.3.4:53:53", 0 },
	{ "1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4", 0 },
};

START_TEST(resolver_parses_nameservers)
{
	char err[256] = "";
	struct resolver *r = resolver_new(lists[_i].list, 3, err, sizeof(err));

	if (lists[_i].servers == 0) {
		ck_assert_msg(r == NULL, "\"%s\" accepted", lists[_i].list);
		ck_assert_msg(strncmp(err, "Nameservers: ", 13) == 0, "error: %s", err);
	} else {
		ck_assert_msg(r != NULL, "\"%s\": %s", lists[_i].list, err);
		ck_assert_uint_eq(resolver_servers(r), lists[_i].servers);
		ck_assert_uint_eq(resolver_timeout(r), 3);
		resolver_free(r);
	}
}
END_TEST

START_TEST(resolver_timeout_default_and_limit)
{
	char err[256] = "";
	struct resolver *r = resolver_new("127.0.0.1", 0, err, sizeof(err));

	ck_assert_uint_eq(resolver_timeout(r), RESOLVER_TIMEOUT_DEFAULT);
	resolver_free(r);
	ck_assert_ptr_null(resolver_new("127.0.0.1", RESOLVER_TIMEOUT_MAX + 1, err, sizeof(err)));
	ck_assert_str_eq(err, "DNSTimeout: at most 60 seconds");
}
END_TEST

/* What the fake server does with the one query it gets. */
enum fake {
	FAKE_TXT,		/* one record, one string */
	FAKE_SPLIT,		/* one record, three strings */
	FAKE_TWO,		/* two records */
	FAKE_NXDOMAIN,
	FAKE_NODATA,
	FAKE_SERVFAIL,
	FAKE_REFUSED,
	FAKE_TRUNCATED,
	FAKE_NUL,		/* a NUL byte inside the string */
	FAKE_OVERRUN,		/* a string length past the rdata */
	FAKE_LONG,		/* longer than the caller's buffer */
	FAKE_CNAME,		/* a CNAME, then the TXT of its target */
	FAKE_A_ONLY,		/* an A record where TXT was asked */
	FAKE_WRONG_ID,		/* a reply to another query, then nothing */
	FAKE_GARBAGE,		/* a reply of 5 bytes: glibc gives up on the server */
	FAKE_SILENT
};

struct fake_server {
	int fd;
	enum fake mode;
	struct sockaddr_in addr;
	struct sockaddr_in6 addr6;	/* fake_start6 */
};

/* put16 - a big-endian 16-bit value */
static unsigned char *put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return p + 2;
}

/* rr - an answer record named by a pointer to the question */
static unsigned char *rr(unsigned char *p, unsigned type, const unsigned char *rdata, size_t len)
{
	p = put16(p, 0xc00c);
	p = put16(p, type);
	p = put16(p, ns_c_in);
	p = put16(p, 0);
	p = put16(p, 300);
	p = put16(p, (unsigned)len);
	memcpy(p, rdata, len);
	return p + len;
}

/* fake_reply - the answer of mode m to query q */
static size_t fake_reply(enum fake m, const unsigned char *q, size_t qlen, unsigned char *out)
{
	static const unsigned char txt[] = "\x0dv=DKIM1; p=AB";
	static const unsigned char split[] = "\x04v=DK\x06IM1; p\x03=AB";
	static const unsigned char nul[] = "\x08v=DK\0IM1";
	static const unsigned char overrun[] = "\x40v=DKIM1";
	static const unsigned char cname[] = "\x06target\x07" "example\x04test";
	static const unsigned char a[] = { 192, 0, 2, 1 };
	unsigned char longtxt[256];
	size_t qend = 12;
	unsigned char *p;
	unsigned rcode = ns_r_noerror, ancount = 0, flags;

	while (qend < qlen && q[qend] != 0)
		qend += q[qend] + 1u;
	qend += 5;		/* the root label, type and class */
	memcpy(out, q, 12);
	memcpy(out + 12, q + 12, qend - 12);
	p = out + qend;
	switch (m) {
	case FAKE_TXT: p = rr(p, ns_t_txt, txt, sizeof(txt) - 1); ancount = 1; break;
	case FAKE_SPLIT: p = rr(p, ns_t_txt, split, sizeof(split) - 1); ancount = 1; break;
	case FAKE_TWO:
		p = rr(p, ns_t_txt, txt, sizeof(txt) - 1);
		p = rr(p, ns_t_txt, split, sizeof(split) - 1);
		ancount = 2;
		break;
	case FAKE_NXDOMAIN: rcode = ns_r_nxdomain; break;
	case FAKE_SERVFAIL: rcode = ns_r_servfail; break;
	case FAKE_REFUSED: rcode = ns_r_refused; break;
	case FAKE_NUL: p = rr(p, ns_t_txt, nul, sizeof(nul) - 1); ancount = 1; break;
	case FAKE_OVERRUN: p = rr(p, ns_t_txt, overrun, sizeof(overrun) - 1); ancount = 1; break;
	case FAKE_LONG:
		longtxt[0] = 255;
		memset(longtxt + 1, 'A', 255);
		p = rr(p, ns_t_txt, longtxt, sizeof(longtxt));
		ancount = 1;
		break;
	case FAKE_CNAME:
		p = rr(p, ns_t_cname, cname, sizeof(cname));
		p = rr(p, ns_t_txt, txt, sizeof(txt) - 1);
		ancount = 2;
		break;
	case FAKE_A_ONLY: p = rr(p, ns_t_a, a, sizeof(a)); ancount = 1; break;
	case FAKE_WRONG_ID: out[0] ^= 0xff; break;
	case FAKE_GARBAGE: return 5;
	default: break;
	}
	flags = 0x8000 | (q[2] & 0x01) << 8 | 0x0080 | rcode;	/* QR, RD copied, RA */
	if (m == FAKE_TRUNCATED)
		flags |= 0x0200;
	put16(out + 2, flags);
	put16(out + 6, ancount);
	put16(out + 8, 0);
	put16(out + 10, 0);
	return (size_t)(p - out);
}

/* fake_serve - answer the first query, then keep quiet */
static void *fake_serve(void *arg)
{
	struct fake_server *fs = arg;
	unsigned char q[1500], a[1500];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t n = recvfrom(fs->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fromlen);

	if (n > 12 && fs->mode != FAKE_SILENT) {
		size_t len = fake_reply(fs->mode, q, (size_t)n, a);

		sendto(fs->fd, a, len, 0, (struct sockaddr *)&from, fromlen);
	}
	return NULL;
}

/* fake_bind - a UDP server on addr (port 0: the kernel's choice); false if it cannot */
static bool fake_bind(struct fake_server *fs, enum fake mode, pthread_t *tid,
		      struct sockaddr *addr, socklen_t len)
{
	struct timeval tv = { 3, 0 };

	fs->mode = mode;
	fs->fd = socket(addr->sa_family, SOCK_DGRAM, 0);
	if (fs->fd < 0 || bind(fs->fd, addr, len) != 0) {
		if (fs->fd >= 0)
			close(fs->fd);
		return false;
	}
	getsockname(fs->fd, addr, &len);
	setsockopt(fs->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_create(tid, NULL, fake_serve, fs);
	return true;
}

/* fake_start - a server on 127.0.0.1, a port of the kernel's choosing */
static void fake_start(struct fake_server *fs, enum fake mode, pthread_t *tid)
{
	memset(&fs->addr, 0, sizeof(fs->addr));
	fs->addr.sin_family = AF_INET;
	fs->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(fake_bind(fs, mode, tid, (struct sockaddr *)&fs->addr, sizeof(fs->addr)));
}

/* fake_start6 - the same server on ::1; false when the host has no IPv6 loopback */
static bool fake_start6(struct fake_server *fs, enum fake mode, pthread_t *tid)
{
	memset(&fs->addr6, 0, sizeof(fs->addr6));
	fs->addr6.sin6_family = AF_INET6;
	fs->addr6.sin6_addr = in6addr_loopback;
	return fake_bind(fs, mode, tid, (struct sockaddr *)&fs->addr6, sizeof(fs->addr6));
}

static const struct {
	enum fake mode;
	enum resolver_status status;
	const char *record;
	unsigned records;
	int64_t max_ms;		/* the lookup ends sooner than this */
} replies[] = {
	{ FAKE_TXT, RESOLVER_OK, "v=DKIM1; p=AB", 1, 500 },
	{ FAKE_SPLIT, RESOLVER_OK, "v=DKIM1; p=AB", 1, 500 },
	{ FAKE_TWO, RESOLVER_OK, "v=DKIM1; p=AB", 2, 500 },
	{ FAKE_NXDOMAIN, RESOLVER_NXDOMAIN, "", 0, 500 },
	{ FAKE_NODATA, RESOLVER_NODATA, "", 0, 500 },
	{ FAKE_SERVFAIL, RESOLVER_SERVFAIL, "", 0, 500 },
	{ FAKE_REFUSED, RESOLVER_SERVFAIL, "", 0, 500 },
	{ FAKE_TRUNCATED, RESOLVER_TRUNCATED, "", 0, 500 },
	{ FAKE_NUL, RESOLVER_BADREPLY, "", 0, 500 },
	{ FAKE_OVERRUN, RESOLVER_BADREPLY, "", 0, 500 },
	{ FAKE_LONG, RESOLVER_TOOLONG, "", 1, 500 },
	{ FAKE_CNAME, RESOLVER_OK, "v=DKIM1; p=AB", 1, 500 },
	{ FAKE_A_ONLY, RESOLVER_NODATA, "", 0, 500 },
	{ FAKE_WRONG_ID, RESOLVER_TIMEOUT, "", 0, 1600 },
	{ FAKE_GARBAGE, RESOLVER_SERVFAIL, "", 0, 500 },
	{ FAKE_SILENT, RESOLVER_TIMEOUT, "", 0, 1600 },
};

START_TEST(resolver_reads_each_kind_of_reply)
{
	struct fake_server fs;
	pthread_t tid;
	char list[64], err[256] = "", out[200];
	struct resolver *r;
	unsigned records = 99;
	int64_t start;
	enum resolver_status st;

	fake_start(&fs, replies[_i].mode, &tid);
	snprintf(list, sizeof(list), "127.0.0.1:%u", ntohs(fs.addr.sin_port));
	r = resolver_new(list, 1, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	start = resolver_now_ms();
	st = resolver_txt(r, "s1._domainkey.example.test", 0, out, sizeof(out), &records);
	ck_assert_msg(st == replies[_i].status, "status %s, want %s", resolver_status_text(st),
		      resolver_status_text(replies[_i].status));
	ck_assert_int_lt(resolver_now_ms() - start, replies[_i].max_ms);
	ck_assert_uint_eq(records, replies[_i].records);
	if (st == RESOLVER_OK)
		ck_assert_str_eq(out, replies[_i].record);
	pthread_join(tid, NULL);
	close(fs.fd);
	resolver_free(r);
}
END_TEST

/*
 * An IPv6 name server goes through glibc's private _u._ext.nsaddrs (see
 * docs/security.md): a glibc that moved it would fail here, not in the field.
 */
START_TEST(resolver_asks_an_ipv6_server)
{
	struct fake_server fs;
	pthread_t tid;
	char list[64], err[256] = "", out[200];
	struct resolver *r;
	unsigned records = 0;

	ck_assert_msg(fake_start6(&fs, FAKE_TXT, &tid), "no IPv6 loopback (::1) on this host");
	snprintf(list, sizeof(list), "[::1]:%u", ntohs(fs.addr6.sin6_port));
	r = resolver_new(list, 1, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(resolver_txt(r, "s1._domainkey.example.test", 0, out, sizeof(out),
				      &records), RESOLVER_OK);
	ck_assert_str_eq(out, "v=DKIM1; p=AB");
	pthread_join(tid, NULL);
	close(fs.fd);
	resolver_free(r);
}
END_TEST

START_TEST(resolver_refuses_names_it_should_not_ask)
{
	static const char *names[] = {
		"", "a..b", ".a", "a b.test", "a\\.b.test", "x\xc3\xa9.test", "a;b.test",
	};
	char err[256] = "", out[16], label[80], longname[300];
	struct resolver *r = resolver_new("127.0.0.1:9", 1, err, sizeof(err));
	unsigned records;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_int_eq(resolver_txt(r, names[i], 0, out, sizeof(out), &records),
				 RESOLVER_BADNAME);
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(longname, sizeof(longname), "%s.test", label);
	ck_assert_int_eq(resolver_txt(r, longname, 0, out, sizeof(out), &records), RESOLVER_BADNAME);
	memset(longname, 'a', 254);
	for (int i = 1; i < 254; i += 2)
		longname[i] = '.';
	longname[254] = '\0';
	ck_assert_int_eq(resolver_txt(r, longname, 0, out, sizeof(out), &records), RESOLVER_BADNAME);
	resolver_free(r);
}
END_TEST

START_TEST(resolver_honours_the_callers_deadline)
{
	struct fake_server fs;
	pthread_t tid;
	char list[64], err[256] = "", out[64];
	unsigned records;
	struct resolver *r;
	int64_t start;

	fake_start(&fs, FAKE_SILENT, &tid);
	snprintf(list, sizeof(list), "127.0.0.1:%u", ntohs(fs.addr.sin_port));
	r = resolver_new(list, 30, err, sizeof(err));
	start = resolver_now_ms();
	/* a deadline under a second away: no wait is started at all */
	ck_assert_int_eq(resolver_txt(r, "x.test", start + 500, out, sizeof(out), &records),
			 RESOLVER_TIMEOUT);
	ck_assert_int_lt(resolver_now_ms() - start, 100);
	/* a deadline 1.2 s away: one second of waiting, not thirty */
	ck_assert_int_eq(resolver_txt(r, "x.test", start + 1200, out, sizeof(out), &records),
			 RESOLVER_TIMEOUT);
	ck_assert_int_lt(resolver_now_ms() - start, 1600);
	pthread_join(tid, NULL);
	close(fs.fd);
	resolver_free(r);
}
END_TEST

/*
 * A silent server costs the whole timeout, and a deadline a few ms short of
 * a whole second still gets that second: the clock moves between reads, and
 * 1999 ms left once became a 1 s wait (a loaded host halved DNSTimeout).
 */
START_TEST(resolver_waits_the_whole_timeout)
{
	struct fake_server fs;
	pthread_t tid;
	char list[64], err[256] = "", out[64];
	unsigned records;
	struct resolver *r;
	int64_t start, took;

	fake_start(&fs, FAKE_SILENT, &tid);
	snprintf(list, sizeof(list), "127.0.0.1:%u", ntohs(fs.addr.sin_port));
	r = resolver_new(list, 2, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	start = resolver_now_ms();
	ck_assert_int_eq(resolver_txt(r, "x.test", 0, out, sizeof(out), &records),
			 RESOLVER_TIMEOUT);
	took = resolver_now_ms() - start;
	ck_assert_msg(took >= 1900 && took < 2600, "DNSTimeout 2 s, waited %lld ms", (long long)took);
	start = resolver_now_ms();
	ck_assert_int_eq(resolver_txt(r, "x.test", start + 1990, out, sizeof(out), &records),
			 RESOLVER_TIMEOUT);
	took = resolver_now_ms() - start;
	ck_assert_msg(took >= 1900 && took < 2600, "1990 ms to the deadline, waited %lld ms",
		      (long long)took);
	pthread_join(tid, NULL);
	close(fs.fd);
	resolver_free(r);
}
END_TEST

/* an MX reply to query q (TCP framing not included): two exchanges, compressed */
static size_t mx_reply(const unsigned char *q, size_t qlen, unsigned char *out)
{
	static const unsigned char mx1[] = "\x00\x0a\x03mx1\xc0\x0c";
	static const unsigned char mx2[] = "\x00\x14\x03mx2\xc0\x0c";
	unsigned char *p;

	memcpy(out, q, qlen);
	p = out + qlen;
	/* strip the query's EDNS record: the reply answers without one */
	if (qlen > 11 + 12 && q[11] == 1) {
		p -= 11;
		out[11] = 0;
	}
	p = rr(p, ns_t_mx, mx1, sizeof(mx1) - 1);
	p = rr(p, ns_t_mx, mx2, sizeof(mx2) - 1);
	put16(out + 2, 0x8180);
	put16(out + 6, 2);
	return (size_t)(p - out);
}

struct tcp_server {
	int udp, tcp;
	struct sockaddr_in addr;
};

/* tcp_serve - a truncated reply over UDP, then the whole one over TCP */
static void *tcp_serve(void *arg)
{
	struct tcp_server *ts = arg;
	unsigned char q[1500], a[1500], len2[2];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t n = recvfrom(ts->udp, q, sizeof(q), 0, (struct sockaddr *)&from, &fromlen);
	int c;

	if (n <= 12)
		return NULL;
	memcpy(a, q, (size_t)n);
	put16(a + 2, 0x8380);		/* QR, TC, RD, RA */
	sendto(ts->udp, a, (size_t)n, 0, (struct sockaddr *)&from, fromlen);
	if ((c = accept(ts->tcp, NULL, NULL)) < 0)
		return NULL;
	if (recv(c, len2, 2, MSG_WAITALL) == 2) {
		size_t qlen = (size_t)len2[0] << 8 | len2[1], alen;

		if (qlen <= sizeof(q) && recv(c, q, qlen, MSG_WAITALL) == (ssize_t)qlen) {
			alen = mx_reply(q, qlen, a);
			put16(len2, (unsigned)alen);
			send(c, len2, 2, 0);
			send(c, a, alen, 0);
		}
	}
	close(c);
	return NULL;
}

START_TEST(resolver_asks_again_over_tcp_when_truncated)
{
	struct tcp_server ts;
	socklen_t len = sizeof(ts.addr);
	struct timeval tv = { 3, 0 };
	struct dnsanswer *a = malloc(sizeof(*a));
	char list[64], err[256] = "";
	struct resolver *r;
	pthread_t tid;
	int one = 1;

	ts.tcp = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ts.tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ts.addr, 0, sizeof(ts.addr));
	ts.addr.sin_family = AF_INET;
	ts.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(ts.tcp, (struct sockaddr *)&ts.addr, sizeof(ts.addr)), 0);
	getsockname(ts.tcp, (struct sockaddr *)&ts.addr, &len);
	listen(ts.tcp, 1);
	ts.udp = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_eq(bind(ts.udp, (struct sockaddr *)&ts.addr, sizeof(ts.addr)), 0);
	setsockopt(ts.udp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(ts.tcp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_create(&tid, NULL, tcp_serve, &ts);
	snprintf(list, sizeof(list), "127.0.0.1:%u", ntohs(ts.addr.sin_port));
	r = resolver_new(list, 2, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(resolver_lookup(r, "example.test", DNS_T_MX, 0, a), RESOLVER_OK);
	ck_assert_uint_eq(a->n, 2);
	ck_assert_str_eq(dnsanswer_text(a, 0), "mx1.example.test");
	ck_assert_uint_eq(a->rr[1].pref, 20);
	pthread_join(tid, NULL);
	close(ts.udp);
	close(ts.tcp);
	resolver_free(r);
	free(a);
}
END_TEST

START_TEST(resolver_unreachable_server_fails_fast)
{
	char list[64], err[256] = "", out[64];
	unsigned records;
	struct resolver *r;
	int64_t start;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	/* a port just freed: nobody listens, the kernel answers "unreachable" */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	snprintf(list, sizeof(list), "127.0.0.1:%u", ntohs(sin.sin_port));
	r = resolver_new(list, 5, err, sizeof(err));
	start = resolver_now_ms();
	ck_assert_int_eq(resolver_txt(r, "x.test", 0, out, sizeof(out), &records),
			 RESOLVER_UNREACHABLE);
	ck_assert_int_lt(resolver_now_ms() - start, 1000);
	resolver_free(r);
}
END_TEST

/* resolver_suite - the cases of this file */
static Suite *resolver_suite(void)
{
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("resolver");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, resolver_parses_nameservers, 0, sizeof(lists) / sizeof(lists[0]));
	tcase_add_test(tc, resolver_timeout_default_and_limit);
	tcase_add_loop_test(tc, resolver_reads_each_kind_of_reply, 0,
			    sizeof(replies) / sizeof(replies[0]));
	tcase_add_test(tc, resolver_asks_an_ipv6_server);
	tcase_add_test(tc, resolver_refuses_names_it_should_not_ask);
	tcase_add_test(tc, resolver_honours_the_callers_deadline);
	tcase_add_test(tc, resolver_waits_the_whole_timeout);
	tcase_add_test(tc, resolver_unreachable_server_fails_fast);
	tcase_add_test(tc, resolver_asks_again_over_tcp_when_truncated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(resolver_suite());
}
