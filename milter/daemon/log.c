/*
 * log - syslog, LogFile and stderr output for the daemon.
 *
 * Touches: the syslog socket, file descriptor 2, and the LogFile: opened
 * (created 0640) by root at start-up and given to the UserID, reopened on
 * each reload (logrotate's postrotate sends SIGUSR1, as for Postfix's
 * maillog_file); a file that cannot be reopened leaves the old one in use.
 * Safe from any thread: the settings change only under the lock, on
 * start-up and on reload, and each line is written with one call. Until
 * log_setup is called, lines go to stderr only, so start-up errors are
 * never lost.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

#define LOG_LINE_MAX 2048

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static bool log_syslog_on;
static bool log_stderr_on = true;
static bool log_opened;
static int log_facility = LOG_MAIL;
static long log_pid;			/* set by log_setup, after going to the background */
static int log_fd = -1;			/* LogFile, -1: none */
static char *log_path;			/* its name, for reopening */

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
 * log_write - the line with a time stamp to fd, in one write(): dprintf
 * would add an fstat, an lseek and a buffer allocation to every line.
 */
static void log_write(int fd, int prio, long pid, const char *line)
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
	if (write(fd, out, (size_t)n) < 0)
		return;
}

/* log_file_create - open path for appending, created 0640; -1 with why */
static int log_file_create(const char *path, struct vbuf *why)
{
	/* never through a link planted where the log file goes */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);

	if (fd < 0)
		vbuf_printf(why, "cannot open LogFile %s: %s", path, strerror(errno));
	return fd;
}

/* log_file_swap - make fd (and path) the LogFile; fd -1: none */
static void log_file_swap(int fd, const char *path)
{
	int old;
	char *oldpath;

	pthread_mutex_lock(&log_lock);
	old = log_fd;
	oldpath = log_path;
	log_fd = fd;
	log_path = path ? xstrdup(path) : NULL;
	pthread_mutex_unlock(&log_lock);
	/* a line being written to the old descriptor may still use it: it stays valid */
	if (old >= 0 && old != fd)
		close(old);
	free(oldpath);
}

/*
 * log_file_open - at start-up, as root: LogFile path (NULL: none), given to
 * uid:gid when owner is set so that the UserID can reopen it after a reload
 */
bool log_file_open(const char *path, bool owner, uid_t uid, gid_t gid, struct vbuf *why)
{
	int fd;

	if (path == NULL) {
		log_file_swap(-1, NULL);
		return true;
	}
	if ((fd = log_file_create(path, why)) < 0)
		return false;
	if (owner && fchown(fd, uid, gid) != 0) {
		vbuf_printf(why, "cannot give LogFile %s to the UserID: %s", path, strerror(errno));
		close(fd);
		return false;
	}
	log_file_swap(fd, path);
	return true;
}

/*
 * log_file_reopen - on reload: path again (logrotate moved it) or a new
 * one; NULL: no more LogFile. False (with why) keeps the file in use.
 */
bool log_file_reopen(const char *path, struct vbuf *why)
{
	return log_file_open(path, false, 0, 0, why);
}

/* log_file_name - the LogFile in use, or NULL (the caller holds no lock: a copy) */
char *log_file_name(void)
{
	char *name;

	pthread_mutex_lock(&log_lock);
	name = log_path ? xstrdup(log_path) : NULL;
	pthread_mutex_unlock(&log_lock);
	return name;
}

/* log_syslog_reachable - whether syslog(3) has a socket to write to */
bool log_syslog_reachable(void)
{
	return access("/dev/log", F_OK) == 0;
}

/* log_msg - one line, to syslog, the LogFile and/or stderr */
void log_msg(int prio, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	bool to_syslog, to_stderr;
	int fd;
	long pid;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* glibc's syslog has its own lock: do not hold ours while it writes */
	pthread_mutex_lock(&log_lock);
	to_syslog = log_syslog_on;
	to_stderr = log_stderr_on;
	fd = log_fd;
	pid = log_pid;
	pthread_mutex_unlock(&log_lock);
	if (to_syslog)
		syslog(prio, "%s%s", log_prefix(prio), line);
	if (fd >= 0)
		log_write(fd, prio, pid, line);
	if (to_stderr)
		log_write(STDERR_FILENO, prio, pid, line);
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

/* log_close - close the syslog connection and the LogFile at exit */
void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_opened)
		closelog();
	log_opened = false;
	log_syslog_on = false;
	pthread_mutex_unlock(&log_lock);
	log_file_swap(-1, NULL);
}
