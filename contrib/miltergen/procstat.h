/*
 * procstat - what a process (the milter under test) costs during a run:
 * CPU seconds (utime + stime of all its threads, /proc/PID/stat) between
 * start and stop, and its peak resident size (VmRSS in /proc/PID/status,
 * sampled every 50 ms, plus VmHWM, the kernel's lifetime peak).
 */
#ifndef VIGIE_BENCH_PROCSTAT_H
#define VIGIE_BENCH_PROCSTAT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct procstat {
	pid_t pid;
	double cpu_start, cpu_end;	/* seconds */
	long rss_peak_kb;		/* largest VmRSS sampled */
	long hwm_kb;			/* VmHWM at stop */
	bool cpu_ok;			/* both CPU readings worked */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
};

bool procstat_cpu(pid_t pid, double *seconds);
bool procstat_mem(pid_t pid, long *rss_kb, long *hwm_kb);
bool procstat_start(struct procstat *p, pid_t pid, char *err, size_t errlen);
void procstat_stop(struct procstat *p);

#endif
