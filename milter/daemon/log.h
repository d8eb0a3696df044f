/*
 * log - the daemon's one way to say things: syslog (Syslog, SyslogFacility),
 * a file (LogFile, for hosts without a syslog daemon) and, in the
 * foreground, stderr as well.
 *
 * Every message is one line. Text that came from the network goes through
 * log_safe first so no client can forge or split a log line.
 */
#ifndef VIGIE_LOG_H
#define VIGIE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>
#include <sys/types.h>

#include "vbuf.h"

void log_setup(bool use_syslog, int facility, bool use_stderr);
bool log_file_open(const char *path, bool owner, uid_t uid, gid_t gid, struct vbuf *why);
bool log_file_reopen(const char *path, struct vbuf *why);
char *log_file_name(void);
bool log_syslog_reachable(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *log_safe(char *buf, size_t size, const char *s);
void log_close(void);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)

#endif
