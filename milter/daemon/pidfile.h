/*
 * pidfile - write and remove the daemon's PID file.
 */
#ifndef VIGIE_PIDFILE_H
#define VIGIE_PIDFILE_H

#include <stdbool.h>

#include "privs.h"
#include "sock.h"
#include "vbuf.h"

bool pidfile_write(const char *path, const struct privs *p, struct vbuf *why);
bool pidfile_remove(const char *path);

#endif
