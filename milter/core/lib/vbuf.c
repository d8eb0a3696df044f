/*
 * vbuf - a growable byte buffer with a hard cap.
 *
 * Touches: the heap only. At the cap, appends keep the part that fits, set
 * overflow and return false; nothing is ever written past the allocation.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vbuf.h"
#include "xalloc.h"

/* vbuf_init - an empty buffer that will hold at most cap bytes */
void vbuf_init(struct vbuf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
	b->overflow = false;
}

/* vbuf_reserve - room for want more bytes plus the NUL, within the cap */
static size_t vbuf_reserve(struct vbuf *b, size_t want)
{
	size_t room = b->cap - b->len;
	size_t need, size;

	if (want > room)
		want = room;
	need = b->len + want + 1;
	if (need > b->alloc) {
		size = b->alloc ? b->alloc : 64;
		while (size < need)
			size = size > b->cap / 2 ? b->cap + 1 : size * 2;
		b->data = xrealloc(b->data, size);
		b->alloc = size;
	}
	return want;
}

/* vbuf_add - append n bytes; false when the cap cut them short */
bool vbuf_add(struct vbuf *b, const void *p, size_t n)
{
	size_t fit = vbuf_reserve(b, n);

	if (fit)
		memcpy(b->data + b->len, p, fit);
	b->len += fit;
	if (b->data)
		b->data[b->len] = '\0';
	if (fit < n) {
		b->overflow = true;
		return false;
	}
	return true;
}

/* vbuf_addc - append one byte */
bool vbuf_addc(struct vbuf *b, char c)
{
	return vbuf_add(b, &c, 1);
}

/* vbuf_adds - append a NUL-terminated string */
bool vbuf_adds(struct vbuf *b, const char *s)
{
	return vbuf_add(b, s, strlen(s));
}

/* vbuf_vprintf - append formatted text, cut at the cap */
bool vbuf_vprintf(struct vbuf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return false;
	if ((size_t)n < sizeof(small))
		return vbuf_add(b, small, (size_t)n);

	char *big = xmalloc((size_t)n + 1);
	bool ok;

	vsnprintf(big, (size_t)n + 1, fmt, ap);
	ok = vbuf_add(b, big, (size_t)n);
	free(big);
	return ok;
}

/* vbuf_printf - append formatted text, cut at the cap */
bool vbuf_printf(struct vbuf *b, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return ok;
}

/* vbuf_str - the contents as a C string ("" when empty) */
const char *vbuf_str(const struct vbuf *b)
{
	return b->data ? b->data : "";
}

/* vbuf_truncate - keep the first len bytes */
void vbuf_truncate(struct vbuf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

/* vbuf_reset - empty the buffer, keep its memory and cap */
void vbuf_reset(struct vbuf *b)
{
	b->len = 0;
	b->overflow = false;
	if (b->data)
		b->data[0] = '\0';
}

/* vbuf_free - release the memory; the buffer is empty and reusable */
void vbuf_free(struct vbuf *b)
{
	free(b->data);
	vbuf_init(b, b->cap);
}

/*
 * vbuf_read_file - append the whole of the file at path, within the cap.
 * VBUF_READ_OPEN and VBUF_READ_IO leave errno as fopen or fread set it;
 * VBUF_READ_BIG: the file is larger than the cap (b->overflow is set).
 */
enum vbuf_read vbuf_read_file(struct vbuf *b, const char *path)
{
	FILE *fp = fopen(path, "rb");
	char chunk[16384];
	size_t n;
	int err;

	if (fp == NULL)
		return VBUF_READ_OPEN;
	errno = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (!vbuf_add(b, chunk, n))
			break;
	err = ferror(fp) ? (errno ? errno : EIO) : 0;
	fclose(fp);
	if (err != 0) {
		errno = err;
		return VBUF_READ_IO;
	}
	return b->overflow ? VBUF_READ_BIG : VBUF_READ_OK;
}
