/*
 * sock - the milter socket around libmilter's own handling: the run-time
 * directory, stale unix sockets, ownership, TCP_NODELAY, and the line an
 * admin writes in Postfix's main.cf to reach it.
 */
#ifndef VIGIE_SOCK_H
#define VIGIE_SOCK_H

#include <stdbool.h>

#include "privs.h"
#include "vbuf.h"

bool sock_rundir(const char *path, const struct privs *p, struct vbuf *why);
bool sock_prepare(const char *spec, const struct privs *p, struct vbuf *why,
		  struct vbuf *note);
void sock_opened(const char *spec, const struct privs *p, struct vbuf *note);
void sock_postfix(const char *spec, struct vbuf *out);
const char *sock_path(const char *spec);

#endif
