/*
 * procstat - read another process's CPU time and memory from /proc.
 *
 * May touch: reads /proc/PID/stat and /proc/PID/status; starts one sampling
 * thread between start and stop. A process that vanishes mid-run leaves
 * cpu_ok false (the report says "na"); nothing here can fail the run.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"

#define PROCSTAT_INTERVAL_NS 50000000L

/* procstat_cpu - utime + stime of every thread of pid, in seconds */
bool procstat_cpu(pid_t pid, double *seconds)
{
	char path[64], buf[2048];
	unsigned long long utime, stime;
	FILE *f;
	size_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields follow the last ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return false;
	/* fields 3..13 (state .. cmajflt), then utime and stime */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &utime, &stime) != 2)
		return false;
	*seconds = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	return true;
}

/* procstat_mem - current VmRSS and VmHWM of pid, in kB */
bool procstat_mem(pid_t pid, long *rss_kb, long *hwm_kb)
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "VmRSS: %ld", rss_kb) == 1)
			found |= 1;
		else if (sscanf(line, "VmHWM: %ld", hwm_kb) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3;
}

/* procstat_sample - keep the largest VmRSS seen */
static void procstat_sample(struct procstat *p)
{
	long rss, hwm;

	if (procstat_mem(p->pid, &rss, &hwm) && rss > p->rss_peak_kb)
		p->rss_peak_kb = rss;
}

/* procstat_main - sample every interval until told to stop */
static void *procstat_main(void *arg)
{
	struct procstat *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		pthread_mutex_unlock(&p->lock);
		procstat_sample(p);
		pthread_mutex_lock(&p->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PROCSTAT_INTERVAL_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (!p->stopping)
			pthread_cond_timedwait(&p->wake, &p->lock, &until);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* procstat_start - first readings and the sampling thread */
bool procstat_start(struct procstat *p, pid_t pid, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	if (!procstat_cpu(pid, &p->cpu_start)) {
		snprintf(err, errlen, "cannot read /proc/%ld/stat: %s", (long)pid, strerror(errno));
		return false;
	}
	procstat_sample(p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->thread, NULL, procstat_main, p) != 0) {
		snprintf(err, errlen, "cannot start the sampling thread");
		return false;
	}
	return true;
}

/* procstat_stop - last readings; stop and join the sampling thread */
void procstat_stop(struct procstat *p)
{
	long rss;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	p->cpu_ok = procstat_cpu(p->pid, &p->cpu_end);
	procstat_sample(p);
	if (!procstat_mem(p->pid, &rss, &p->hwm_kb))
		p->hwm_kb = 0;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
}
