/*
 * domain_speed - domain checks per second on one core.
 *
 *   domain_speed [--brands FILE] [--runs N] [--seconds S] LIST...
 *
 * Each LIST holds one domain per line (# comments skipped); all are checked
 * in turn (parse, IDNA, public suffix, keys, matching, verdict) until S
 * seconds have passed, N times. Prints checks per second for each run and
 * the minimum, median and maximum, by the wall clock and per second of this
 * thread's CPU time (steadier when other work shares the machine).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detector.h"
#include "domain.h"
#include "verdict.h"

#define NAMES_MAX 200000

/* now - seconds on a clock */
static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* cmp - doubles in increasing order */
static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct detector_opts opts = { 0 };
	static char *names[NAMES_MAX];
	static size_t lens[NAMES_MAX];
	size_t n = 0, ascii = 0, flagged = 0;
	int runs = 5;
	double seconds = 1.0, rate[64], cpurate[64];
	struct detector *det;
	char err[512], line[2048];

	for (int i = 1; i < argc; i++) {
		FILE *f;

		if (strcmp(argv[i], "--brands") == 0 && i + 1 < argc) {
			opts.brands_file = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
			continue;
		}
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
			continue;
		}
		if ((f = fopen(argv[i], "r")) == NULL) {
			perror(argv[i]);
			return 2;
		}
		while (n < NAMES_MAX && fgets(line, sizeof(line), f)) {
			char *s = strtok(line, " \t\r\n");

			if (s == NULL || s[0] == '#')
				continue;
			names[n] = strdup(s);
			lens[n] = strlen(s);
			n++;
		}
		fclose(f);
	}
	if (n == 0 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: domain_speed [--brands FILE] [--runs N] [--seconds S] LIST...\n");
		return 2;
	}
	if ((det = detector_new(&opts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "domain_speed: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		struct verdict v;
		struct domain d;

		reason_list_init(&v.reasons);
		detector_check_domain(det, names[i], lens[i], WHERE_DOMAIN, &d, &v.reasons);
		verdict_compute(&v);
		ascii += d.status == DOMAIN_OK && !(d.flags & DOMAIN_F_IDN);
		flagged += v.kind != VERDICT_CLEAN;
	}
	printf("%zu names: %zu ASCII, %zu IDN or invalid; %zu flagged\n", n, ascii, n - ascii, flagged);
	for (int r = 0; r < runs; r++) {
		double start = now(CLOCK_MONOTONIC), cpu = now(CLOCK_THREAD_CPUTIME_ID), t;
		long checks = 0;

		do {
			for (size_t i = 0; i < n; i++) {
				struct verdict v;
				struct domain d;

				reason_list_init(&v.reasons);
				detector_check_domain(det, names[i], lens[i], WHERE_DOMAIN, &d, &v.reasons);
				verdict_compute(&v);
			}
			checks += (long)n;
		} while ((t = now(CLOCK_MONOTONIC) - start) < seconds);
		rate[r] = checks / t;
		cpurate[r] = checks / (now(CLOCK_THREAD_CPUTIME_ID) - cpu);
		printf("run %d: %.0f checks/s (%.0f per CPU second)\n", r + 1, rate[r], cpurate[r]);
	}
	qsort(rate, (size_t)runs, sizeof(rate[0]), cmp);
	qsort(cpurate, (size_t)runs, sizeof(cpurate[0]), cmp);
	printf("wall: min %.0f  median %.0f  max %.0f checks/s\n", rate[0], rate[runs / 2],
	       rate[runs - 1]);
	printf("cpu:  min %.0f  median %.0f  max %.0f checks per CPU second\n", cpurate[0],
	       cpurate[runs / 2], cpurate[runs - 1]);
	detector_free(det);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return 0;
}
