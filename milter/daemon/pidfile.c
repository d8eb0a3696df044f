/*
 * pidfile - the PID file (PidFile) that init scripts and admins read.
 *
 * Touches: that one file. Written after going to the background (so it
 * holds the daemon's final PID) and before dropping root; mode 0644 whatever
 * the UMask, owned by whoever started vigie (root): the account vigie runs
 * as cannot rewrite it to make an init script signal another process. A
 * file already there is replaced, never written through, so a link planted
 * in the directory cannot make root truncate another file. vigie removes
 * it at exit when the directory lets it (vigie's own run-time directory
 * belongs to the account it runs as).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfile.h"

/* pidfile_write - write our PID to path */
bool pidfile_write(const char *path, const struct privs *p, struct vbuf *why)
{
	char text[32];
	int fd, len;

	if (!sock_rundir(path, p, why))
		return false;
	if (unlink(path) != 0 && errno != ENOENT) {
		vbuf_printf(why, "cannot replace PID file %s: %s", path, strerror(errno));
		return false;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		vbuf_printf(why, "cannot write PID file %s: %s", path, strerror(errno));
		return false;
	}
	len = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (fchmod(fd, 0644) != 0 || write(fd, text, (size_t)len) != len) {
		vbuf_printf(why, "cannot write PID file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return false;
	}
	close(fd);
	return true;
}

/* pidfile_remove - remove the PID file at exit if it is still ours; false on failure */
bool pidfile_remove(const char *path)
{
	char text[32] = "";
	FILE *fp = fopen(path, "r");
	long pid = 0;

	if (fp == NULL)
		return errno == ENOENT;
	if (fgets(text, sizeof(text), fp) != NULL)
		pid = strtol(text, NULL, 10);
	fclose(fp);
	return pid != (long)getpid() || unlink(path) == 0;
}
