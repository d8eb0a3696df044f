/*
 * test_stats - the counters add up exactly under concurrent updates; the
 * rendering is valid Prometheus text (cumulative buckets, escaped labels,
 * every series present at zero); the HTTP side answers GET /metrics,
 * refuses what it should, and stays bounded (request size, connections,
 * time). The listener runs on a unix socket in a private directory.
 */
#include <config.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "packfile.h"
#include "reason.h"
#include "stats.h"
#include "tap.h"
#include "verdict.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* rendered - the whole exposition text, owned by the caller */
static char *rendered(void)
{
	struct vbuf b = VBUF_INIT(STATS_OUT_MAX);

	stats_render(&b);
	ck_assert(!b.overflow);
	return b.data;
}

/* value - the number on the line that starts with "series " */
static double value(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	ck_abort_msg("no series %s", series);
	return -1;
}

/* verdict_of - a verdict with findings of the given codes */
static struct verdict verdict_of(enum verdict_kind kind, const enum reason_code *codes, size_t n)
{
	struct verdict v = { .kind = kind, .score = kind == VERDICT_CLEAN ? 0 : 80 };

	reason_list_init(&v.reasons);
	for (size_t i = 0; i < n; i++)
		reason_add(&v.reasons, codes[i], WHERE_FROM, NULL, 80, "x.example", "%zu", i);
	return v;
}

START_TEST(every_series_exists_at_zero)
{
	char *t = rendered();

	ck_assert_double_eq(value(t, "vigie_messages_total"), 0);
	ck_assert_double_eq(value(t, "vigie_verdicts_total{verdict=\"impersonation\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_reasons_total{code=\"link-mismatch\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_dkim_results_total{result=\"temperror\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_spf_results_total{result=\"softfail\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_dmarc_results_total{result=\"permerror\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_dns_queries_total"), 0);
	ck_assert_double_eq(value(t, "vigie_actions_total{action=\"reject\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_messages_skipped_total{reason=\"authenticated\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_errors_total{kind=\"dns\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_reloads_total{result=\"failed\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_bucket{le=\"+Inf\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_brand_messages_total{brand=\"other\"}"), 0);
	ck_assert_ptr_nonnull(strstr(t, "# TYPE vigie_processing_seconds histogram\n"));
	free(t);
}
END_TEST

START_TEST(verdict_counts_kind_codes_brand_action_time)
{
	enum reason_code codes[] = { REASON_HOMOGLYPH, REASON_DISPLAY_NAME, REASON_HOMOGLYPH };
	struct verdict v = verdict_of(VERDICT_IMPERSONATION, codes, NELEM(codes));
	struct verdict clean = verdict_of(VERDICT_CLEAN, NULL, 0);
	char *t;

	stats_verdict(&v, "Viamedis", STATS_ACTION_REJECT, 3.0);
	stats_verdict(&clean, "Viamedis", STATS_ACTION_TAG, 0.05);
	t = rendered();
	ck_assert_double_eq(value(t, "vigie_verdicts_total{verdict=\"impersonation\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_verdicts_total{verdict=\"clean\"}"), 1);
	/* two homoglyph findings in one message count once */
	ck_assert_double_eq(value(t, "vigie_reasons_total{code=\"homoglyph\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_reasons_total{code=\"display-name\"}"), 1);
	/* a clean message names no brand in the metrics */
	ck_assert_double_eq(value(t, "vigie_brand_messages_total{brand=\"Viamedis\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_actions_total{action=\"reject\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_actions_total{action=\"tag\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_bucket{le=\"0.0001\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_bucket{le=\"0.0025\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_bucket{le=\"0.005\"}"), 2);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_bucket{le=\"+Inf\"}"), 2);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_count"), 2);
	ck_assert_double_eq_tol(value(t, "vigie_processing_seconds_sum"), 0.00305, 1e-6);
	free(t);
}
END_TEST

START_TEST(dkim_results_and_dns_errors)
{
	enum stats_dkim r;
	char *t;

	ck_assert(stats_dkim_lookup("temperror", &r));
	stats_dkim(r);
	ck_assert(stats_dkim_lookup("pass", &r));
	stats_dkim(r);
	stats_dkim(r);
	ck_assert(!stats_dkim_lookup("PASS ", &r));
	ck_assert(!stats_dkim_lookup(NULL, &r));
	t = rendered();
	ck_assert_double_eq(value(t, "vigie_dkim_results_total{result=\"pass\"}"), 2);
	ck_assert_double_eq(value(t, "vigie_dkim_results_total{result=\"temperror\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_errors_total{kind=\"dns\"}"), 1);
	free(t);
}
END_TEST

START_TEST(spf_dmarc_results_and_dns_queries)
{
	char *t;

	stats_spf(SPFCHECK_PASS);
	stats_spf(SPFCHECK_FAIL);
	stats_spf(SPFCHECK_FAIL);
	stats_spf(SPFCHECK_RESULT_COUNT);	/* out of range: not counted */
	stats_dmarc(DMARCCHECK_FAIL);
	stats_dmarc(DMARCCHECK_TEMPERROR);
	stats_dns(3);
	stats_dns(0);
	stats_dns(4);
	t = rendered();
	ck_assert_double_eq(value(t, "vigie_spf_results_total{result=\"pass\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_spf_results_total{result=\"fail\"}"), 2);
	ck_assert_double_eq(value(t, "vigie_spf_results_total{result=\"none\"}"), 0);
	ck_assert_double_eq(value(t, "vigie_dmarc_results_total{result=\"fail\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_dmarc_results_total{result=\"temperror\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_dns_queries_total"), 7);
	ck_assert_ptr_nonnull(strstr(t, "# TYPE vigie_spf_results_total counter\n"));
	free(t);
}
END_TEST

START_TEST(brand_labels_are_escaped_and_the_table_is_bounded)
{
	struct verdict v = verdict_of(VERDICT_SUSPECT, NULL, 0);
	char name[64], *t;

	stats_verdict(&v, "A \"quoted\" \\ brand\nX", STATS_ACTION_TAG, 1);
	for (int i = 0; i < STATS_BRANDS_MAX + 44; i++) {
		snprintf(name, sizeof(name), "brand-%d", i);
		stats_verdict(&v, name, STATS_ACTION_TAG, 1);
		stats_verdict(&v, name, STATS_ACTION_TAG, 1);
	}
	t = rendered();
	ck_assert_ptr_nonnull(strstr(t, "{brand=\"A \\\"quoted\\\" \\\\ brand\\nX\"} 1\n"));
	ck_assert_double_eq(value(t, "vigie_brand_messages_total{brand=\"brand-0\"}"), 2);
	/* 256 slots: the escaped one and 255 others; the other 45 brands, twice each */
	ck_assert_double_eq(value(t, "vigie_brand_messages_total{brand=\"other\"}"), 90);
	free(t);
}
END_TEST

#define THREADS 4
#define ROUNDS 50000

/* hammer - one thread's share of messages */
static void *hammer(void *arg)
{
	enum reason_code codes[] = { REASON_TYPO, REASON_LURE };
	struct verdict v = verdict_of(VERDICT_SUSPECT, codes, NELEM(codes));

	for (int i = 0; i < ROUNDS; i++) {
		stats_message();
		stats_verdict(&v, (i & 1) ? "Almerys" : "Ameli", STATS_ACTION_QUARANTINE, 0.3);
	}
	return arg;
}

START_TEST(concurrent_updates_add_up_exactly)
{
	pthread_t th[THREADS];
	char *t;

	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hammer, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	t = rendered();
	ck_assert_double_eq(value(t, "vigie_messages_total"), THREADS * ROUNDS);
	ck_assert_double_eq(value(t, "vigie_verdicts_total{verdict=\"suspect\"}"), THREADS * ROUNDS);
	ck_assert_double_eq(value(t, "vigie_reasons_total{code=\"lure\"}"), THREADS * ROUNDS);
	ck_assert_double_eq(value(t, "vigie_brand_messages_total{brand=\"Almerys\"}"),
			    THREADS * ROUNDS / 2);
	ck_assert_double_eq(value(t, "vigie_actions_total{action=\"quarantine\"}"), THREADS * ROUNDS);
	ck_assert_double_eq(value(t, "vigie_processing_seconds_bucket{le=\"0.0005\"}"),
			    THREADS * ROUNDS);
	free(t);
}
END_TEST

START_TEST(info_labels_follow_reloads)
{
	struct packfile pf = { .sha256 = "abcd", .version = "2025.1", .verified = true };
	char *t;

	stats_build("9.9.9", "1.0.1");
	stats_pack("/etc/vigie/brands.conf", &pf, 3, 1767225600);
	stats_reload(true);
	stats_reload(false);
	t = rendered();
	ck_assert_ptr_nonnull(strstr(t, "vigie_build_info{version=\"9.9.9\",libmilter=\"1.0.1\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "vigie_brand_pack_info{origin=\"/etc/vigie/brands.conf\","
				     "version=\"2025.1\",sha256=\"abcd\",signed=\"yes\"} 1\n"));
	ck_assert_double_eq(value(t, "vigie_config_generation"), 3);
	ck_assert_double_eq(value(t, "vigie_brand_pack_modified_timestamp_seconds"), 1767225600);
	ck_assert_double_eq(value(t, "vigie_reloads_total{result=\"ok\"}"), 1);
	ck_assert_double_eq(value(t, "vigie_reloads_total{result=\"failed\"}"), 1);
	free(t);
}
END_TEST

static const struct {
	const char *req;
	enum metrics_req want;
} requests[] = {
	{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", METRICS_REQ_METRICS },
	{ "GET /metrics HTTP/1.0\n\n", METRICS_REQ_METRICS },
	{ "GET /metrics?name[]=x HTTP/1.1\r\n\r\n", METRICS_REQ_METRICS },
	{ "HEAD /metrics HTTP/1.0\r\n\r\n", METRICS_REQ_METRICS_HEAD },
	{ "GET / HTTP/1.0\r\n\r\n", METRICS_REQ_INDEX },
	{ "GET /metricsx HTTP/1.0\r\n\r\n", METRICS_REQ_NOT_FOUND },
	{ "GET /../etc/passwd HTTP/1.0\r\n\r\n", METRICS_REQ_NOT_FOUND },
	{ "POST /metrics HTTP/1.0\r\n\r\n", METRICS_REQ_METHOD },
	{ "get /metrics HTTP/1.0\r\n\r\n", METRICS_REQ_METHOD },
	{ "GET /metrics HTTP/1.0\r\n", METRICS_REQ_INCOMPLETE },
	{ "GET /metrics\r\n\r\n", METRICS_REQ_BAD },
	{ "GET metrics HTTP/1.0\r\n\r\n", METRICS_REQ_BAD },
	{ "GET /metrics SMTP/1.0\r\n\r\n", METRICS_REQ_BAD },
	{ "\r\n\r\n", METRICS_REQ_BAD },
	{ "GET  HTTP/1.0\r\n\r\n", METRICS_REQ_BAD },
};

START_TEST(request_lines_are_judged)
{
	ck_assert_int_eq(metrics_parse(requests[_i].req, strlen(requests[_i].req)),
			 requests[_i].want);
}
END_TEST

START_TEST(responses_say_their_length)
{
	struct vbuf out;
	const char *body;
	size_t len;

	metrics_response(METRICS_REQ_METRICS, false, &out);
	ck_assert(strncmp(out.data, "HTTP/1.0 200 OK\r\n", 17) == 0);
	ck_assert_ptr_nonnull(strstr(out.data, "Content-Type: text/plain; version=0.0.4"));
	body = strstr(out.data, "\r\n\r\n") + 4;
	len = strtoul(strstr(out.data, "Content-Length: ") + 16, NULL, 10);
	ck_assert_uint_eq(len, strlen(body));
	vbuf_free(&out);
	metrics_response(METRICS_REQ_METRICS_HEAD, false, &out);
	ck_assert_str_eq(strstr(out.data, "\r\n\r\n"), "\r\n\r\n");
	ck_assert_uint_gt(strtoul(strstr(out.data, "Content-Length: ") + 16, NULL, 10), 1000);
	vbuf_free(&out);
	metrics_response(METRICS_REQ_METHOD, false, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "405 Method Not Allowed\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Allow: GET, HEAD\r\n"));
	vbuf_free(&out);
	metrics_response(METRICS_REQ_INCOMPLETE, true, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "431 "));
	vbuf_free(&out);
}
END_TEST

/* a listener on a unix socket in a private directory */
struct server {
	char dir[64];
	char spec[128];
	struct metrics *m;
};

/* server_start - metrics served from a fresh directory */
static void server_start(struct server *s)
{
	struct privs p = { .change = false };
	struct vbuf why = VBUF_INIT(512), note = VBUF_INIT(512);

	snprintf(s->dir, sizeof(s->dir), "/tmp/vigie-stats.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	snprintf(s->spec, sizeof(s->spec), "local:%s/stats.sock", s->dir);
	s->m = metrics_open(s->spec, 077, &p, &why, &note);
	ck_assert_msg(s->m != NULL, "%s", vbuf_str(&why));
	ck_assert(metrics_start(s->m));
	vbuf_free(&why);
	vbuf_free(&note);
}

/* server_stop - stop it; the socket file must be gone */
static void server_stop(struct server *s)
{
	char path[128];

	metrics_stop(s->m);
	snprintf(path, sizeof(path), "%s/stats.sock", s->dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	rmdir(s->dir);
}

/* dial - a connection to the listener */
static int dial(const struct server *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->spec + 6);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* exchange - send a request (maybe in pieces), read the whole response */
static char *exchange(int fd, const char *req, size_t len, int timeout_ms)
{
	static char resp[STATS_OUT_MAX + 4096];
	size_t got = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (len > 0)
		ck_assert_int_eq(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
	while (poll(&pfd, 1, timeout_ms) == 1) {
		ssize_t n = recv(fd, resp + got, sizeof(resp) - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	resp[got] = '\0';
	close(fd);
	return resp;
}

START_TEST(listener_serves_metrics_and_refuses_the_rest)
{
	static const char get[] = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
	struct server s;
	char big[METRICS_REQUEST_MAX + 100];
	char *r;

	server_start(&s);
	stats_message();
	r = exchange(dial(&s), get, strlen(get), 5000);
	ck_assert_msg(strncmp(r, "HTTP/1.0 200 OK\r\n", 17) == 0, "%.80s", r);
	ck_assert_double_eq(value(strstr(r, "\r\n\r\n") + 4, "vigie_messages_total"), 1);
	r = exchange(dial(&s), "DELETE /metrics HTTP/1.0\r\n\r\n", 28, 5000);
	ck_assert(strncmp(r, "HTTP/1.0 405", 12) == 0);
	memset(big, 'A', sizeof(big));
	r = exchange(dial(&s), big, sizeof(big), 5000);
	ck_assert_msg(strncmp(r, "HTTP/1.0 431", 12) == 0, "%.80s", r);
	server_stop(&s);
}
END_TEST

/* idle connections fill every slot and are cut at the timeout; a scrape
 * waiting behind them is served then, not lost */
START_TEST(idle_clients_are_cut_and_the_next_served)
{
	static const char get[] = "GET /metrics HTTP/1.0\r\n\r\n";
	struct server s;
	int idle[METRICS_CONN_MAX], fd;
	struct timespec t0, t1;
	char *r, probe;
	double waited;

	server_start(&s);
	for (size_t i = 0; i < METRICS_CONN_MAX; i++)
		idle[i] = dial(&s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = dial(&s);
	r = exchange(fd, get, strlen(get), METRICS_TIMEOUT_MS * 3);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(strncmp(r, "HTTP/1.0 200 OK", 15) == 0, "%.80s", r);
	ck_assert_msg(waited > METRICS_TIMEOUT_MS / 1000.0 - 1 && waited < METRICS_TIMEOUT_MS / 1000.0 * 2,
		      "served after %.2f s", waited);
	for (size_t i = 0; i < METRICS_CONN_MAX; i++) {
		/* the server closed it: end of file, nothing sent */
		ck_assert_int_eq(recv(idle[i], &probe, 1, MSG_DONTWAIT), 0);
		close(idle[i]);
	}
	server_stop(&s);
}
END_TEST

/* stats_suite - the cases of this file */
static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, every_series_exists_at_zero);
	tcase_add_test(tc, verdict_counts_kind_codes_brand_action_time);
	tcase_add_test(tc, dkim_results_and_dns_errors);
	tcase_add_test(tc, spf_dmarc_results_and_dns_queries);
	tcase_add_test(tc, brand_labels_are_escaped_and_the_table_is_bounded);
	tcase_add_test(tc, concurrent_updates_add_up_exactly);
	tcase_add_test(tc, info_labels_follow_reloads);
	tcase_add_loop_test(tc, request_lines_are_judged, 0, NELEM(requests));
	tcase_add_test(tc, responses_say_their_length);
	tcase_add_test(tc, listener_serves_metrics_and_refuses_the_rest);
	tcase_add_test(tc, idle_clients_are_cut_and_the_next_served);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(stats_suite());
}
