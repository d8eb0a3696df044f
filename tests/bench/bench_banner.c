/*
 * bench_banner - what the warning banner costs, on one core, without a
 * milter around it. Not a test: the figures depend on the machine and its
 * load.
 *
 *   bench_banner [--runs N] [--seconds S] DIR
 *     every message of a corpus directory as the milter takes it: the
 *     analysis, the action (with Banner none, then with Banner
 *     impersonation: the warning's words, the plan pass, the emit pass
 *     into a sink that counts the bytes), runs alternated; CPU per
 *     message of each and their ratio, min/median/max.
 *   bench_banner --sizes 10k,1m,10m [--runs N]
 *     the rewriter alone (plan and emit) on made-up flagged messages of
 *     each size, in two shapes: "attachment" (text and HTML alternatives
 *     of up to 20 KB, the rest a base64 PDF that is copied) and "text" (all of
 *     it one quoted-printable HTML part, decoded and encoded back); ms per
 *     message and MB/s.
 *   bench_banner -n COUNT DIR
 *     COUNT passes over the corpus with the banner, no timing (callgrind).
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "banner.h"
#include "conf.h"
#include "detector.h"
#include "edit.h"
#include "message.h"
#include "rawmsg.h"
#include "rewrite.h"
#include "vbuf.h"

#define BENCH_FILES_MAX 100000
#define BENCH_RUNS_MAX 50

struct bench_msg {
	char *data;
	size_t len;
};

/* One message being fed, as filter.c feeds it. */
struct bench {
	const struct detector *det;
	struct conf *conf;
	struct message *m;
	struct edit e;
	struct vbuf body;		/* the kept body (the milter's spool) */
	struct rewrite *rw;
	size_t out;			/* bytes the emit pass wrote */
	unsigned banners;
};

static double bench_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_begin(void *arg, const char *env)
{
	struct bench *b = arg;
	struct message_opts o;

	conf_message_opts(b->conf, &o);
	b->m = message_new(b->det, &o);
	edit_init(&b->e);
	vbuf_reset(&b->body);
	if (env)
		message_envelope_from(b->m, env);
}

static void bench_header(void *arg, const char *n, const char *v)
{
	struct bench *b = arg;

	edit_header(&b->e, n, v, b->conf->authserv_id);
	message_header(b->m, n, v);
}

static void bench_eoh(void *arg)
{
	message_eoh(((struct bench *)arg)->m);
}

static void bench_body(void *arg, const char *d, size_t n)
{
	struct bench *b = arg;

	message_body(b->m, d, n);
	if (b->conf->policy.banner != CONF_BANNER_NONE)
		vbuf_add(&b->body, d, n);
}

/* bench_sink - the emit pass's output, counted */
static bool bench_sink(void *arg, const char *d, size_t n)
{
	(void)d;
	((struct bench *)arg)->out += n;
	return true;
}

/* bench_rewrite - both passes of the action's banner over the kept body */
static void bench_rewrite(struct bench *b, const struct action *a, const struct edit *e)
{
	struct rewrite_banner bn;
	struct rewrite_top top;
	struct rewrite_plan plan;
	const char *why;

	if (!a->banner || !banner_top(e, &top, &why))
		return;
	banner_of(a, &bn);
	rewrite_plan_begin(b->rw, &bn, &top);
	rewrite_body(b->rw, b->body.data, b->body.len);
	rewrite_end(b->rw, &plan);
	if (plan.status == REWRITE_CHANGE) {
		rewrite_emit_begin(b->rw, &bn, &top, &plan, bench_sink, b);
		rewrite_body(b->rw, b->body.data, b->body.len);
		rewrite_end(b->rw, NULL);
		b->banners++;
	}
	rewrite_plan_free(&plan);
}

static void bench_end(void *arg)
{
	struct bench *b = arg;
	struct action a;

	message_eom(b->m);
	action_decide(&a, b->conf, &b->conf->policy, &b->e, b->m, true);
	if (b->conf->policy.banner != CONF_BANNER_NONE) {
		/* the milter makes a rewriter per flagged message */
		b->rw = rewrite_new();
		bench_rewrite(b, &a, &b->e);
		rewrite_free(b->rw);
		b->rw = NULL;
	}
	action_free(&a);
	message_free(b->m);
	edit_reset(&b->e);
}

/* bench_load - every file of a directory, in memory */
static size_t bench_load(const char *dir, struct bench_msg *msgs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL && n < BENCH_FILES_MAX) {
		char path[4096];
		struct vbuf v = VBUF_INIT((size_t)64 << 20);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (vbuf_read_file(&v, path) != VBUF_READ_OK)
			continue;
		msgs[n].data = v.data;
		msgs[n].len = v.len;
		n++;
	}
	closedir(d);
	return n;
}

/* bench_pass - the corpus once, under banner mode; CPU seconds */
static double bench_pass(struct bench *b, const struct bench_msg *msgs, size_t n,
			 enum conf_banner mode)
{
	struct rawmsg_sink sink = { bench_begin, bench_header, bench_eoh, bench_body, bench_end, b };
	double t0 = bench_cpu();

	b->conf->policy.banner = mode;
	for (size_t i = 0; i < n; i++) {
		struct rawmsg *r = rawmsg_new(false, &sink);

		rawmsg_feed(r, msgs[i].data, msgs[i].len);
		rawmsg_finish(r);
		rawmsg_free(r);
	}
	return bench_cpu() - t0;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* bench_spread - "min/median/max" of v[0..n) (sorted in place) */
static void bench_spread(double *v, int n, int prec, char *out, size_t size)
{
	char a[32], m[32], z[32];

	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	snprintf(a, sizeof(a), "%.*f", prec, v[0]);
	snprintf(m, sizeof(m), "%.*f", prec, v[n / 2]);
	snprintf(z, sizeof(z), "%.*f", prec, v[n - 1]);
	snprintf(out, size, "%s/%s/%s", a, m, z);
}

/* bench_corpus - Banner none and impersonation alternated over a corpus */
static void bench_corpus(struct bench *b, const char *dir, int runs)
{
	static struct bench_msg msgs[BENCH_FILES_MAX];
	size_t n = bench_load(dir, msgs);
	double off[BENCH_RUNS_MAX], on[BENCH_RUNS_MAX], ratio[BENCH_RUNS_MAX];
	char s1[100], s2[100], s3[100];

	bench_pass(b, msgs, n, CONF_BANNER_IMPERSONATION);	/* warm-up */
	b->banners = 0;
	for (int r = 0; r < runs; r++) {
		off[r] = bench_pass(b, msgs, n, CONF_BANNER_NONE) / (double)n * 1e3;
		on[r] = bench_pass(b, msgs, n, CONF_BANNER_IMPERSONATION) / (double)n * 1e3;
		ratio[r] = on[r] / off[r];
	}
	bench_spread(off, runs, 3, s1, sizeof(s1));
	bench_spread(on, runs, 3, s2, sizeof(s2));
	bench_spread(ratio, runs, 2, s3, sizeof(s3));
	printf("%zu messages, %u of them get the banner (%.0f %%); CPU ms per message,"
	       " min/median/max of %d runs\n", n, b->banners / runs,
	       100.0 * b->banners / runs / (double)n, runs);
	printf("  Banner none          %s\n  Banner impersonation %s\n  ratio                %s\n",
	       s1, s2, s3);
}

/* bench_made - a flagged message of about size bytes in one shape */
static void bench_made(struct vbuf *m, size_t size, bool text)
{
	static const char head[] =
		"From: Viamedis <noreply@xn--viamdis-eya.fr>\r\nTo: a@example.net\r\n"
		"Subject: RIB\r\nMIME-Version: 1.0\r\n";
	static const char line[] =
		"<p>Merci de mettre =C3=A0 jour vos coordonn=C3=A9es bancaires avant le =\r\n"
		"15 mars, faute de quoi vos remboursements seront suspendus.</p>\r\n";

	vbuf_reset(m);
	vbuf_adds(m, head);
	if (text) {
		vbuf_adds(m, "Content-Type: text/html; charset=utf-8\r\n"
			  "Content-Transfer-Encoding: quoted-printable\r\n\r\n<html><body>\r\n");
		while (m->len < size)
			vbuf_adds(m, line);
		vbuf_adds(m, "</body></html>\r\n");
		return;
	}
	vbuf_adds(m, "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\n"
		  "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\n"
		  "Content-Type: text/plain; charset=utf-8\r\n"
		  "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	for (size_t i = 0; i < 120 && i < size / 200; i++)
		vbuf_adds(m, "Merci de mettre =C3=A0 jour vos coordonn=C3=A9es bancaires.\r\n");
	vbuf_adds(m, "--a\r\nContent-Type: text/html; charset=utf-8\r\n"
		  "Content-Transfer-Encoding: quoted-printable\r\n\r\n<html><body>\r\n");
	for (size_t i = 0; i < 90 && i < size / 300; i++)
		vbuf_adds(m, line);
	vbuf_adds(m, "</body></html>\r\n--a--\r\n--m\r\nContent-Type: application/pdf\r\n"
		  "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n");
	while (m->len + 80 < size)
		vbuf_adds(m, "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl\r\n");
	vbuf_adds(m, "--m--\r\n");
}

/* bench_size - the rewriter on one made-up message of this size and shape */
static void bench_size(struct bench *b, size_t size, bool text, int runs)
{
	struct vbuf m = VBUF_INIT((size_t)1 << 30);
	struct rawmsg_sink sink = { bench_begin, bench_header, bench_eoh, bench_body, NULL, b };
	struct action a;
	double ms[BENCH_RUNS_MAX];
	char s[100];
	int reps = size < 100000 ? 200 : size < 2000000 ? 10 : 2;

	bench_made(&m, size, text);
	b->conf->policy.banner = CONF_BANNER_IMPERSONATION;
	{
		struct rawmsg *r = rawmsg_new(false, &sink);

		rawmsg_feed(r, m.data, m.len);
		rawmsg_finish(r);
		rawmsg_free(r);
	}
	message_eom(b->m);
	action_decide(&a, b->conf, &b->conf->policy, &b->e, b->m, true);
	for (int r = 0; r < runs; r++) {
		double t0 = bench_cpu();

		for (int k = 0; k < reps; k++) {
			b->rw = rewrite_new();
			bench_rewrite(b, &a, &b->e);
			rewrite_free(b->rw);
		}
		ms[r] = (bench_cpu() - t0) / reps * 1e3;
	}
	bench_spread(ms, runs, 3, s, sizeof(s));
	printf("  %-10s %8zu bytes  %s ms  (%.0f MB/s median)\n", text ? "text" : "attachment",
	       m.len, s, (double)m.len / (ms[runs / 2] / 1e3) / 1e6);
	action_free(&a);
	message_free(b->m);
	edit_reset(&b->e);
	vbuf_free(&m);
}

int main(int argc, char **argv)
{
	struct detector_opts dopts = { 0 };
	struct bench b = { 0 };
	char err[512];
	int runs = 5, count = 0;
	const char *sizes = NULL, *dir = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
			sizes = argv[++i];
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else
			dir = argv[i];
	}
	if (runs < 1 || runs > BENCH_RUNS_MAX || (sizes == NULL && dir == NULL)) {
		fprintf(stderr, "usage: bench_banner [--runs N] DIR | --sizes 10k,1m,10m | -n COUNT DIR\n");
		return 2;
	}
	dopts.no_dkim = true;
	if ((b.det = detector_new(&dopts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_banner: %s\n", err);
		return 2;
	}
	b.conf = conf_defaults();
	vbuf_init(&b.body, (size_t)1 << 30);
	if (count > 0) {
		static struct bench_msg msgs[BENCH_FILES_MAX];
		size_t n = bench_load(dir, msgs);

		for (int i = 0; i < count; i++)
			bench_pass(&b, msgs, n, CONF_BANNER_IMPERSONATION);
	} else if (sizes != NULL) {
		char *list = strdup(sizes), *save = NULL;

		printf("the rewriter alone (plan and emit), ms per message, min/median/max of %d runs\n",
		       runs);
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			size_t n = strtoul(t, NULL, 10);

			n <<= strchr(t, 'm') ? 20 : strchr(t, 'k') ? 10 : 0;
			bench_size(&b, n, false, runs);
			bench_size(&b, n, true, runs);
		}
		free(list);
	} else {
		bench_corpus(&b, dir, runs);
	}
	vbuf_free(&b.body);
	conf_free(b.conf);
	detector_free((struct detector *)b.det);
	return 0;
}
