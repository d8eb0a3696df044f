/*
 * privs - dropping root for good.
 *
 * Touches: the user and group databases, the process credentials. Started
 * as root, vigie opens its socket and PID file and then becomes UserID
 * (nobody when none is set): supplementary groups, group, user, in that
 * order, each checked, then proof that root cannot be regained; and no
 * program it might ever run could gain rights (PR_SET_NO_NEW_PRIVS). Any
 * failure is fatal for the caller: a filter of hostile mail must not run
 * with more rights than it was told to.
 */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"

/* privs_resolve - the uid and gid of "user[:group]"; spec NULL: the default */
bool privs_resolve(const char *spec, struct privs *p, struct vbuf *why)
{
	char buf[16384];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	const char *colon;
	size_t len;

	memset(p, 0, sizeof(*p));
	p->uid = geteuid();
	p->gid = getegid();
	if (spec == NULL) {
		if (geteuid() != 0)
			return true;
		spec = PRIVS_DEFAULT_USER;
	}
	colon = strchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (len == 0 || len >= sizeof(p->user)) {
		vbuf_printf(why, "bad UserID '%s'", spec);
		return false;
	}
	memcpy(p->user, spec, len);
	p->user[len] = '\0';
	if (getpwnam_r(p->user, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL) {
		vbuf_printf(why, "unknown user '%s'", p->user);
		return false;
	}
	p->uid = pw.pw_uid;
	p->gid = pw.pw_gid;
	if (colon != NULL) {
		if (getgrnam_r(colon + 1, &gr, buf, sizeof(buf), &grp) != 0 || grp == NULL) {
			vbuf_printf(why, "unknown group '%s'", colon + 1);
			return false;
		}
		p->gid = gr.gr_gid;
	}
	if (geteuid() != 0) {
		if (p->uid != geteuid()) {
			vbuf_printf(why, "UserID %s: only root can switch users", spec);
			return false;
		}
		return true;
	}
	p->change = true;
	return true;
}

/* privs_no_new - vigie runs nothing, but a set-user-ID program it ran would gain nothing */
static bool privs_no_new(struct vbuf *why)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		vbuf_printf(why, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return false;
	}
	return true;
}

/* privs_drop - become p's account for good; false (with why) is fatal */
bool privs_drop(const struct privs *p, struct vbuf *why)
{
	if (!p->change)
		return privs_no_new(why);
	if (initgroups(p->user, p->gid) != 0) {
		vbuf_printf(why, "initgroups(%s): %s", p->user, strerror(errno));
		return false;
	}
	if (setgid(p->gid) != 0) {
		vbuf_printf(why, "setgid(%ld): %s", (long)p->gid, strerror(errno));
		return false;
	}
	if (setuid(p->uid) != 0) {
		vbuf_printf(why, "setuid(%ld): %s", (long)p->uid, strerror(errno));
		return false;
	}
	if (getuid() != p->uid || geteuid() != p->uid ||
	    getgid() != p->gid || getegid() != p->gid) {
		vbuf_printf(why, "credentials did not change as asked");
		return false;
	}
	if (p->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		vbuf_printf(why, "root could be regained after switching to %s", p->user);
		return false;
	}
	return privs_no_new(why);
}
