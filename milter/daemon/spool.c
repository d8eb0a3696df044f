/*
 * spool - a message body kept in memory, then in a private temporary file
 * (see spool.h).
 *
 * Touches: at start-up (as root), the spool directory, made if missing
 * (mode 0700, owned by UserID); then the heap (up to the memory cap, grown
 * as the body arrives) and, past it, one file in the spool directory: opened with O_TMPFILE, so it
 * has no name and vanishes with its descriptor; where the file system
 * cannot do that, made with mkstemp and unlinked at once. Failures are kept
 * (state and errno) for the caller to log; they never stop the message.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "xalloc.h"

struct spool {
	size_t max;
	char *dir;
	struct vbuf mem;		/* the first bytes, up to the memory cap */
	int fd;				/* the rest, or -1 */
	size_t file_len;
	enum spool_state state;
	int err;
};

/*
 * spool_prepare - the spool directory exists, or is made (mode 0700, owned
 * by the account vigie switches to); false, with why, when it cannot be
 */
bool spool_prepare(const char *dir, const struct privs *p, struct vbuf *why)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			vbuf_printf(why, "%s is not a directory", dir);
			return false;
		}
		return true;
	}
	if (mkdir(dir, 0700) != 0) {
		vbuf_printf(why, "cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	if (p->change && chown(dir, p->uid, p->gid) != 0) {
		vbuf_printf(why, "cannot give %s to %s: %s", dir, p->user, strerror(errno));
		return false;
	}
	return true;
}

/* spool_new - an empty body: mem_cap bytes in memory, max in all, files in dir */
struct spool *spool_new(size_t mem_cap, size_t max, const char *dir)
{
	struct spool *s = xcalloc(1, sizeof(*s));

	vbuf_init(&s->mem, mem_cap);
	s->max = max;
	s->dir = xstrdup(dir);
	s->fd = -1;
	return s;
}

/* spool_fail - stop keeping the body, and say why */
static enum spool_state spool_fail(struct spool *s, enum spool_state st, int err)
{
	s->state = st;
	s->err = err;
	return st;
}

/* spool_open - the private file */
static bool spool_open(struct spool *s)
{
	char *path;
	size_t n;

#ifdef O_TMPFILE
	s->fd = open(s->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (s->fd >= 0)
		return true;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return false;
#endif
	n = strlen(s->dir) + sizeof("/body.XXXXXX");
	path = xmalloc(n);
	snprintf(path, n, "%s/body.XXXXXX", s->dir);
	s->fd = mkstemp(path);
	if (s->fd >= 0) {
		unlink(path);
		fcntl(s->fd, F_SETFD, FD_CLOEXEC);
	}
	free(path);
	return s->fd >= 0;
}

/* spool_write - bytes to the file, all of them */
static bool spool_write(struct spool *s, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
		s->file_len += (size_t)w;
	}
	return true;
}

/* spool_add - the next bytes of the body; the state after them */
enum spool_state spool_add(struct spool *s, const void *data, size_t len)
{
	const char *p = data;
	size_t room, k;

	if (s->state != SPOOL_OK)
		return s->state;
	if (len > s->max - spool_size(s))
		return spool_fail(s, SPOOL_TOO_BIG, 0);
	room = s->mem.cap - s->mem.len;
	k = len < room ? len : room;
	if (k > 0) {
		vbuf_add(&s->mem, p, k);	/* k fits: nothing is cut */
		p += k;
		len -= k;
	}
	if (len == 0)
		return SPOOL_OK;
	if (s->fd < 0 && !spool_open(s))
		return spool_fail(s, SPOOL_ERROR, errno);
	if (!spool_write(s, p, len))
		return spool_fail(s, SPOOL_ERROR, errno ? errno : ENOSPC);
	return SPOOL_OK;
}

/* spool_state - whether the whole body so far is kept */
enum spool_state spool_state(const struct spool *s)
{
	return s->state;
}

/* spool_size - bytes kept */
size_t spool_size(const struct spool *s)
{
	return s->mem.len + s->file_len;
}

/* spool_errno - the error of a SPOOL_ERROR state */
int spool_errno(const struct spool *s)
{
	return s->err;
}

/* spool_read - the body, in order, to fn; false if fn stopped or the file could not be read */
bool spool_read(struct spool *s, spool_read_fn fn, void *arg)
{
	char *buf;
	off_t off = 0;
	bool ok = true;

	for (size_t i = 0; i < s->mem.len; i += SPOOL_READ)
		if (!fn(arg, s->mem.data + i, s->mem.len - i < SPOOL_READ ? s->mem.len - i : SPOOL_READ))
			return false;
	if (s->fd < 0)
		return true;
	buf = xmalloc(SPOOL_READ);
	while ((size_t)off < s->file_len) {
		ssize_t r = pread(s->fd, buf, SPOOL_READ, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			s->err = r < 0 ? errno : EIO;
			ok = false;
			break;
		}
		off += r;
		if (!fn(arg, buf, (size_t)r)) {
			ok = false;
			break;
		}
	}
	free(buf);
	return ok;
}

/* spool_free - release the memory and the file; NULL is fine */
void spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	vbuf_free(&s->mem);
	free(s->dir);
	free(s);
}
