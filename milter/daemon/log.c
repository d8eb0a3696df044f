/*
 * log - syslog and stderr output for the daemon.
 *
 * Touches: the syslog socket and file descriptor 2. Safe from any thread:
 * the settings change only under the lock, on start-up and on reload, and
 * each line is written with one call. Until log_setup is called, lines go
 * to stderr only, so start-up errors are never lost.
 */
#include <config.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static bool log_syslog_on;
static bool log_stderr_on = true;
static bool log_opened;
static int log_facility = LOG_MAIL;
static long log_pid;			/* set by log_setup, after going to the background */

/* log_setup - choose where lines go; called at start-up and on reload */
void log_setup(bool use_syslog, int facility, bool use_stderr)
{
	pthread_mutex_lock(&log_lock);
	if (log_opened && (!use_syslog || facility != log_facility)) {
		closelog();
		log_opened = false;
	}
	if (use_syslog && !log_opened) {
		openlog("vigie", LOG_PID | LOG_NDELAY, facility);
		log_opened = true;
	}
	log_syslog_on = use_syslog;
	log_facility = facility;
	log_stderr_on = use_stderr;
	log_pid = (long)getpid();
	pthread_mutex_unlock(&log_lock);
}

/* log_prefix - the word stderr readers see before a line of this priority */
static const char *log_prefix(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	default:
		return "";
	}
}

/*
 * log_stderr - the line with a time stamp, in one write(): dprintf would
 * add an fstat, an lseek and a buffer allocation to every line.
 */
static void log_stderr(int prio, long pid, const char *line)
{
	char out[LOG_LINE_MAX + 96], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	n = snprintf(out, sizeof(out), "%s vigie[%ld]: %s%s\n", stamp,
		     pid ? pid : (long)getpid(), log_prefix(prio), line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out)) {
		n = (int)sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	/* a lost log line is not worth failing a message for */
	if (write(STDERR_FILENO, out, (size_t)n) < 0)
		return;
}

/* log_msg - one line, to syslog and/or stderr */
void log_msg(int prio, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	bool to_syslog, to_stderr;
	long pid;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* glibc's syslog has its own lock: do not hold ours while it writes */
	pthread_mutex_lock(&log_lock);
	to_syslog = log_syslog_on;
	to_stderr = log_stderr_on;
	pid = log_pid;
	pthread_mutex_unlock(&log_lock);
	if (to_syslog)
		syslog(prio, "%s%s", log_prefix(prio), line);
	if (to_stderr)
		log_stderr(prio, pid, line);
}

/*
 * log_safe - a copy of s fit for a log line: printable ASCII and UTF-8 kept,
 * controls (CR, LF, tab, escape...) become '?', cut to size with "...".
 */
const char *log_safe(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	if (size == 0)
		return "";
	if (s == NULL)
		s = "";
	for (; *s && n + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;

		buf[n++] = (c < 32 || c == 127) ? '?' : (char)c;
	}
	buf[n] = '\0';
	if (*s && size > 4) {
		n = size - 4;
		/* do not leave half a UTF-8 character before the ellipsis */
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf + n, "...", 4);
	}
	return buf;
}

/* log_close - close the syslog connection at exit */
void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_opened)
		closelog();
	log_opened = false;
	log_syslog_on = false;
	pthread_mutex_unlock(&log_lock);
}
