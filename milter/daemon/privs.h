/*
 * privs - the account vigie runs as (UserID) and the one-way switch to it.
 */
#ifndef VIGIE_PRIVS_H
#define VIGIE_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

#include "vbuf.h"

#define PRIVS_DEFAULT_USER "nobody"	/* UserID when root and none is set */

struct privs {
	char user[64];
	uid_t uid;
	gid_t gid;
	bool change;			/* started as root: switch at privs_drop */
};

bool privs_resolve(const char *spec, struct privs *p, struct vbuf *why);
bool privs_drop(const struct privs *p, struct vbuf *why);

#endif
