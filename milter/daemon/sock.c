/*
 * sock - preparing and tuning the milter's listening socket.
 *
 * Touches: the file system around a unix socket (creates vigie's own
 * run-time directory, removes a stale socket file that nobody listens on,
 * never a live one or a file that is not a socket) and the socket options
 * of libmilter's listening socket. Runs before privileges are dropped.
 */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf.h"
#include "sock.h"
#include "xalloc.h"

#define SOCK_RUNDIR CONF_RUNDIR
#define SOCK_FD_SCAN 1024		/* libmilter's listener is among the first fds */

/* sock_path - the file of a unix socket spec, NULL for inet sockets */
const char *sock_path(const char *spec)
{
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (spec[0] == '/')
		return spec;
	return NULL;
}

/* sock_mkdirs - mkdir -p, for the parents of vigie's run-time directory */
static bool sock_mkdirs(const char *dir, struct vbuf *why)
{
	char *copy = xstrdup(dir);

	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
				vbuf_printf(why, "cannot create %s: %s", copy, strerror(errno));
				free(copy);
				return false;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(copy);
	return true;
}

/*
 * sock_rundir - make sure the directory of path exists. Only vigie's own
 * run-time directory is created (owned by the account vigie runs as, so it
 * can remove its socket and PID file at exit); any other must exist.
 */
bool sock_rundir(const char *path, const struct privs *p, struct vbuf *why)
{
	const char *slash = strrchr(path, '/');
	char *dir = xstrndup(path, slash && slash != path ? (size_t)(slash - path) : 1);
	struct stat st;
	bool ok = true;

	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* a link to a directory elsewhere: used as it is, never re-owned */
		} else if (!S_ISDIR(st.st_mode)) {
			vbuf_printf(why, "%s is not a directory", dir);
			ok = false;
		} else if (strcmp(dir, SOCK_RUNDIR) == 0 && p->change &&
			   (st.st_uid != p->uid || st.st_gid != p->gid) &&
			   chown(dir, p->uid, p->gid) != 0) {
			/*
			 * vigie's own run-time directory, left by a run under
			 * another account (a first try as root, UserID nobody):
			 * given back, or vigie could not remove its files at exit
			 */
			vbuf_printf(why, "cannot give %s to %s: %s", dir, p->user, strerror(errno));
			ok = false;
		}
	} else if (strcmp(dir, SOCK_RUNDIR) != 0) {
		vbuf_printf(why, "directory %s: %s", dir, strerror(errno));
		ok = false;
	} else if (!sock_mkdirs(dir, why)) {
		ok = false;
	} else if (p->change && chown(dir, p->uid, p->gid) != 0) {
		vbuf_printf(why, "cannot give %s to %s: %s", dir, p->user, strerror(errno));
		ok = false;
	}
	free(dir);
	return ok;
}

/* sock_listening - whether something accepts connections on a unix socket */
static int sock_listening(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc, err;

	if (fd < 0)
		return -1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	err = errno;
	close(fd);
	if (rc == 0)
		return 1;
	errno = err;
	return err == ECONNREFUSED ? 0 : -1;
}

/*
 * sock_prepare - before libmilter binds: the directory exists, and a socket
 * file left by a dead process is removed (said in note). A live socket or
 * a file that is not a socket is an error.
 */
bool sock_prepare(const char *spec, const struct privs *p, struct vbuf *why,
		  struct vbuf *note)
{
	const char *path = sock_path(spec);
	struct stat st;

	if (path == NULL)
		return true;
	if (!sock_rundir(path, p, why))
		return false;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return true;
		vbuf_printf(why, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISSOCK(st.st_mode)) {
		vbuf_printf(why, "%s exists and is not a socket; not touching it", path);
		return false;
	}
	switch (sock_listening(path)) {
	case 1:
		vbuf_printf(why, "%s is in use: another process (another vigie?) listens on it",
			    path);
		return false;
	case 0:
		if (unlink(path) != 0) {
			vbuf_printf(why, "cannot remove stale socket %s: %s", path, strerror(errno));
			return false;
		}
		vbuf_printf(note, "removed stale socket %s (nothing listened on it)", path);
		return true;
	default:
		vbuf_printf(why, "%s: %s", path, strerror(errno));
		return false;
	}
}

/* sock_nodelay - TCP_NODELAY on libmilter's TCP listener (accepted sockets inherit it) */
static bool sock_nodelay(void)
{
	for (int fd = 0; fd < SOCK_FD_SCAN; fd++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int on = 0, one = 1;
		socklen_t olen = sizeof(on);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) != 0 || !on)
			continue;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0;
	}
	return false;
}

/*
 * sock_opened - after libmilter binds: a unix socket goes to the account
 * vigie will run as (so it can remove it at exit); a TCP listener gets
 * TCP_NODELAY, without which each message waits on a delayed ACK when the
 * filter sends several replies at end of message.
 */
void sock_opened(const char *spec, const struct privs *p, struct vbuf *note)
{
	const char *path = sock_path(spec);

	if (path != NULL) {
		if (p->change && chown(path, p->uid, p->gid) != 0)
			vbuf_printf(note, "cannot give %s to %s: %s", path, p->user,
				    strerror(errno));
		return;
	}
	if (!sock_nodelay())
		vbuf_printf(note, "could not set TCP_NODELAY on the milter socket;"
			    " expect delays of about 40 ms per message");
}

/*
 * sock_postfix - the smtpd_milters value that reaches spec. A socket under
 * Postfix's queue directory is named relative to it: that form works
 * whether smtpd and cleanup run chrooted there (Debian's default) or not.
 */
void sock_postfix(const char *spec, struct vbuf *out)
{
	static const char spool[] = "/var/spool/postfix/";
	const char *path = sock_path(spec);
	const char *port, *at;

	if (path != NULL) {
		if (strncmp(path, spool, sizeof(spool) - 1) == 0)
			vbuf_printf(out, "unix:%s", path + sizeof(spool) - 1);
		else
			vbuf_printf(out, "unix:%s", path);
		return;
	}
	port = strchr(spec, ':') + 1;
	at = strchr(port, '@');
	if (at == NULL)
		vbuf_printf(out, "inet:%s:%s",
			    strncmp(spec, "inet6:", 6) == 0 ? "[::1]" : "127.0.0.1", port);
	else if (strncmp(spec, "inet6:", 6) == 0)
		vbuf_printf(out, "inet:[%s]:%.*s", at + 1, (int)(at - port), port);
	else
		vbuf_printf(out, "inet:%s:%.*s", at + 1, (int)(at - port), port);
}
