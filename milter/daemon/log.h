/*
 * log - the daemon's one way to say things: syslog (Syslog, SyslogFacility)
 * and, in the foreground, stderr as well.
 *
 * Every message is one line. Text that came from the network goes through
 * log_safe first so no client can forge or split a log line.
 */
#ifndef VIGIE_LOG_H
#define VIGIE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

void log_setup(bool use_syslog, int facility, bool use_stderr);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *log_safe(char *buf, size_t size, const char *s);
void log_close(void);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)

#endif
