/*
 * testzone - what the tests of SPF and DMARC share: vigie's DNS layer over a
 * TestDNS zone written to a private temporary file, and a check run on
 * sixteen threads at once (libmilter's pool) whose results must all agree
 * with the table.
 */
#ifndef VIGIE_TEST_TESTZONE_H
#define VIGIE_TEST_TESTZONE_H

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dns.h"

#define TESTZONE_THREADS 16

static char testzone_file[64];

/* testzone_dns - the DNS layer over zone, then what more writes (NULL: nothing); exits on failure */
static inline struct dns *testzone_dns(const char *test, const char *zone, void (*more)(FILE *))
{
	struct dns_opts o = { NULL, 0, testzone_file, false };
	char err[256] = "";
	struct dns *dns;
	FILE *f;
	int fd;

	snprintf(testzone_file, sizeof(testzone_file), "/tmp/%s.XXXXXX", test);
	if ((fd = mkstemp(testzone_file)) < 0 || (f = fdopen(fd, "w")) == NULL)
		exit(1);
	fputs(zone, f);
	if (more)
		more(f);
	fclose(f);
	if ((dns = dns_new(&o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", test, err);
		exit(1);
	}
	return dns;
}

/* testzone_remove - the zone file goes */
static inline void testzone_remove(void)
{
	unlink(testzone_file);
}

/* testzone_threads - fn on TESTZONE_THREADS threads at once; the sum of what they return */
static inline long testzone_threads(void *(*fn)(void *))
{
	pthread_t t[TESTZONE_THREADS];
	long total = 0;

	for (int i = 0; i < TESTZONE_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, fn, NULL), 0);
	for (int i = 0; i < TESTZONE_THREADS; i++) {
		void *bad;

		ck_assert_int_eq(pthread_join(t[i], &bad), 0);
		total += (long)bad;
	}
	return total;
}

#endif
