/*
 * vbuf - a growable byte buffer with a hard cap.
 *
 * Every buffer that holds data from the network is a vbuf: it grows as needed
 * up to the cap given at init, then keeps what fits, drops the rest and
 * remembers that it did (overflow). The contents are always NUL-terminated.
 */
#ifndef VIGIE_VBUF_H
#define VIGIE_VBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct vbuf {
	char *data;		/* NUL-terminated; NULL until the first byte */
	size_t len;		/* bytes held, excluding the NUL */
	size_t alloc;		/* bytes allocated */
	size_t cap;		/* most bytes it will ever hold */
	bool overflow;		/* something was dropped at the cap */
};

/* vbuf_read_file: how reading a file went */
enum vbuf_read {
	VBUF_READ_OK,
	VBUF_READ_OPEN,		/* it cannot be opened (errno) */
	VBUF_READ_IO,		/* a read failed (errno) */
	VBUF_READ_BIG		/* larger than the cap */
};

#define VBUF_INIT(cap_) { NULL, 0, 0, (cap_), false }

void vbuf_init(struct vbuf *b, size_t cap);
bool vbuf_add(struct vbuf *b, const void *p, size_t n);
bool vbuf_addc(struct vbuf *b, char c);
bool vbuf_adds(struct vbuf *b, const char *s);
bool vbuf_printf(struct vbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool vbuf_vprintf(struct vbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
const char *vbuf_str(const struct vbuf *b);
void vbuf_truncate(struct vbuf *b, size_t len);
void vbuf_reset(struct vbuf *b);
void vbuf_free(struct vbuf *b);
enum vbuf_read vbuf_read_file(struct vbuf *b, const char *path);

#endif
