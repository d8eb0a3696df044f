/*
 * mtime - monotonic time in seconds, for deadlines and latencies.
 */
#ifndef VIGIE_BENCH_MTIME_H
#define VIGIE_BENCH_MTIME_H

#include <time.h>

/* mtime_now - seconds on the monotonic clock, unaffected by clock changes */
static inline double mtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* mtime_left_ms - whole milliseconds until the deadline, at least 0 */
static inline int mtime_left_ms(double deadline)
{
	double left = deadline - mtime_now();

	if (left <= 0)
		return 0;
	if (left > 86400.0)
		return 86400 * 1000;
	return (int)(left * 1000.0) + 1;
}

#endif
