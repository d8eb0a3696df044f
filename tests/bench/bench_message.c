/*
 * bench_message - messages analysed per second on one core: the whole
 * analysis of message.h (header parsing, domain checks, MIME, links,
 * lexicon, DKIM when asked, verdict), fed as the milter feeds it
 * (rawmsg.h's calls), on every message of a corpus directory, kept in
 * memory. Not a test: the figures depend on the machine and its load.
 *
 *   bench_message [--keys TEST-KEYS] [--runs N] [--seconds S] [--chunk BYTES] DIR
 *   bench_message -n COUNT [--keys TEST-KEYS] DIR     (no timing: for callgrind/perf)
 *
 * Without --keys, DKIM is off (DKIMVerify never); with it, every message is
 * verified (DKIMVerify always) with the keys of that file. Prints msg/s per
 * run by the wall clock and per second of this thread's CPU, then min,
 * median and max, and the verdicts of one pass over the corpus.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detector.h"
#include "message.h"
#include "rawmsg.h"
#include "verdict.h"

#define BENCH_FILES_MAX 100000

struct bench_msg {
	char *data;
	size_t len;
};

struct bench {
	const struct detector *det;
	struct message_opts opts;
	struct message *m;
	size_t chunk;
	unsigned kinds[3];
};

/* bench_clock - seconds of a clock */
static double bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_begin .. bench_end - rawmsg's calls, handed to the analysis */
static void bench_begin(void *arg, const char *env)
{
	struct bench *b = arg;

	b->m = message_new(b->det, &b->opts);
	if (env)
		message_envelope_from(b->m, env);
}

static void bench_header(void *arg, const char *n, const char *v)
{
	message_header(((struct bench *)arg)->m, n, v);
}

static void bench_eoh(void *arg)
{
	message_eoh(((struct bench *)arg)->m);
}

static void bench_body(void *arg, const char *d, size_t n)
{
	message_body(((struct bench *)arg)->m, d, n);
}

static void bench_end(void *arg)
{
	struct bench *b = arg;

	message_eom(b->m);
	b->kinds[message_verdict(b->m)->kind]++;
	message_free(b->m);
	b->m = NULL;
}

/* bench_one - one message, as the milter would be fed it */
static void bench_one(struct bench *b, const struct bench_msg *msg)
{
	struct rawmsg_sink s = { bench_begin, bench_header, bench_eoh, bench_body, bench_end, b };
	struct rawmsg *r = rawmsg_new(false, &s);

	for (size_t i = 0; i < msg->len; i += b->chunk)
		rawmsg_feed(r, msg->data + i, msg->len - i < b->chunk ? msg->len - i : b->chunk);
	rawmsg_finish(r);
	rawmsg_free(r);
}

/* bench_load - every file of a directory, sorted by name */
static size_t bench_load(const char *dir, struct bench_msg **out)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	struct bench_msg *msgs;
	size_t count = 0;

	if (n < 0) {
		perror(dir);
		exit(2);
	}
	msgs = calloc((size_t)n + 1, sizeof(*msgs));
	for (int i = 0; i < n; i++) {
		char path[4096];
		FILE *f;

		if (names[i]->d_name[0] != '.' && count < BENCH_FILES_MAX) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if ((f = fopen(path, "rb")) != NULL) {
				fseek(f, 0, SEEK_END);
				msgs[count].len = (size_t)ftell(f);
				rewind(f);
				msgs[count].data = malloc(msgs[count].len + 1);
				if (fread(msgs[count].data, 1, msgs[count].len, f) == msgs[count].len)
					count++;
				fclose(f);
			}
		}
		free(names[i]);
	}
	free(names);
	*out = msgs;
	return count;
}

/* bench_cmp - for qsort */
static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* bench_report - min, median, max */
static void bench_report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	printf("%s: min %.0f  median %.0f  max %.0f msg/s\n", what, v[0], v[n / 2], v[n - 1]);
}

/* main - options, the corpus, the runs */
int main(int argc, char **argv)
{
	struct detector_opts dopts = { 0 };
	struct bench b = { 0 };
	const char *dir = NULL;
	int runs = 5, count = 0;
	double seconds = 2, wall[64], cpu[64];
	struct bench_msg *msgs;
	size_t n;
	char err[512];
	struct detector *det;

	b.chunk = 65536;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
			dopts.test_keys_file = argv[++i];
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc)
			b.chunk = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (argv[i][0] != '-' && dir == NULL)
			dir = argv[i];
		else
			dir = NULL, i = argc;
	}
	if (dir == NULL || runs < 1 || runs > 64 || seconds <= 0 || b.chunk == 0) {
		fprintf(stderr, "usage: bench_message [--keys TEST-KEYS] [--runs N] [--seconds S] "
			"[--chunk BYTES] DIR\n       bench_message -n COUNT [--keys TEST-KEYS] DIR\n");
		return 2;
	}
	dopts.dns_timeout = 1;
	dopts.nameservers = "127.0.0.1:9";	/* never DNS: keys come from --keys or not at all */
	if ((det = detector_new(&dopts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_message: %s\n", err);
		return 2;
	}
	b.det = det;
	b.opts.dkim = dopts.test_keys_file ? MESSAGE_DKIM_ALWAYS : MESSAGE_DKIM_NEVER;
	b.opts.authserv_id = "bench";
	b.opts.max_body_scan = MESSAGE_SCAN_DEFAULT;
	if ((n = bench_load(dir, &msgs)) == 0) {
		fprintf(stderr, "bench_message: %s: no message\n", dir);
		return 2;
	}
	if (count > 0) {
		for (int k = 0; k < count; k++)
			for (size_t i = 0; i < n; i++)
				bench_one(&b, &msgs[i]);
		detector_free(det);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		bench_one(&b, &msgs[i]);
	printf("%zu messages, DKIM %s; one pass: %u clean, %u suspect, %u impersonation\n", n,
	       dopts.test_keys_file ? "on (every message verified)" : "off",
	       b.kinds[VERDICT_CLEAN], b.kinds[VERDICT_SUSPECT], b.kinds[VERDICT_IMPERSONATION]);
	for (int r = 0; r < runs; r++) {
		double t0 = bench_clock(CLOCK_MONOTONIC), c0 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		double t1, c1;
		size_t done = 0;

		do {
			for (size_t i = 0; i < n; i++)
				bench_one(&b, &msgs[i]);
			done += n;
			t1 = bench_clock(CLOCK_MONOTONIC);
		} while (t1 - t0 < seconds);
		c1 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		wall[r] = (double)done / (t1 - t0);
		cpu[r] = (double)done / (c1 - c0);
		printf("run %d: %.0f msg/s (%.0f per CPU second)\n", r + 1, wall[r], cpu[r]);
	}
	bench_report("wall", wall, runs);
	bench_report("cpu ", cpu, runs);
	for (size_t i = 0; i < n; i++)
		free(msgs[i].data);
	free(msgs);
	detector_free(det);
	return 0;
}
