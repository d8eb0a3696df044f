/*
 * fuzz_mimescan - the lines of a MIME body (mimescan): the first byte
 * chooses the chunk size and whether a header section follows each
 * boundary, the next line lists the open multiparts' boundaries (separated
 * by spaces, outermost first), the rest is the body. Promises checked: every
 * byte comes out once, as content, a held line break or a line looked at
 * whole; what is read does not depend on where the body is cut.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "invariant.h"
#include "mimescan.h"
#include "vbuf.h"

#define FZ_BODY_MAX (1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct mimescan sc;
	struct vbuf copy;	/* the bytes as they came back */
	struct vbuf events;	/* what was read, content coalesced */
	bool parts;
};

static void fz_content(void *arg, const char *p, size_t n)
{
	struct fz *f = arg;

	invariant(n > 0);
	vbuf_add(&f->copy, p, n);
	vbuf_add(&f->events, p, n);
}

static void fz_line(void *arg, const struct mimescan_line *l)
{
	struct fz *f = arg;
	bool boundary = l->kind == MIMESCAN_BOUNDARY || l->kind == MIMESCAN_CLOSE;

	invariant(!l->cut && l->len <= l->n && l->n - l->len <= 2);
	if (boundary) {
		invariant(l->level < f->sc.nlevels);
		vbuf_add(&f->copy, l->held, l->held_len);
	}
	if (l->kind != MIMESCAN_BODY)
		vbuf_add(&f->copy, l->s, l->n);
	vbuf_printf(&f->events, "\x01%d %u %d %zu\x01", (int)l->kind, l->level, l->in_headers, l->held_len);
	vbuf_add(&f->events, l->s, l->n);
	if (f->parts && l->kind == MIMESCAN_BOUNDARY)
		mimescan_headers(&f->sc, true);
}

/* fz_run - the body in chunks of chunk bytes, the boundaries of the list open */
static void fz_run(struct fz *f, const char *list, size_t list_len, const char *body, size_t n,
		   size_t chunk)
{
	vbuf_reset(&f->copy);
	vbuf_reset(&f->events);
	mimescan_reset(&f->sc);
	for (size_t i = 0; i < list_len;) {
		const char *sp = memchr(list + i, ' ', list_len - i);
		size_t len = sp ? (size_t)(sp - list) - i : list_len - i;

		if (len)
			mimescan_push(&f->sc, list + i, len);
		i += len + 1;
	}
	for (size_t i = 0; i < n; i += chunk)
		mimescan_feed(&f->sc, body + i, n - i < chunk ? n - i : chunk);
	mimescan_end(&f->sc);
	mimescan_release(&f->sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 3, 64, 4096 };
	static struct fz f;
	const char *s = (const char *)data + 1, *nl, *body;
	size_t n;
	struct vbuf events = VBUF_INIT(8 * FZ_BODY_MAX);

	if (size < 2)
		return 0;
	if (f.copy.cap == 0) {
		struct mimescan_sink sink = { fz_content, fz_line, &f };

		mimescan_init(&f.sc, FZ_BODY_MAX, &sink);
		vbuf_init(&f.copy, FZ_BODY_MAX);
		vbuf_init(&f.events, 8 * FZ_BODY_MAX);
	}
	size--;
	if ((nl = memchr(s, '\n', size)) == NULL)
		return 0;
	body = nl + 1;
	n = size - (size_t)(body - s);
	if (n > FZ_BODY_MAX / 2)
		return 0;
	f.parts = data[0] & 4;
	fz_run(&f, s, (size_t)(nl - s), body, n, n ? n : 1);
	invariant(f.copy.len == n && memcmp(f.copy.data ? f.copy.data : "", body, n) == 0);
	vbuf_add(&events, f.events.data, f.events.len);
	fz_run(&f, s, (size_t)(nl - s), body, n, chunks[data[0] & 3]);
	invariant(f.copy.len == n && memcmp(f.copy.data ? f.copy.data : "", body, n) == 0);
	invariant(f.events.len == events.len &&
		  memcmp(f.events.data ? f.events.data : "", vbuf_str(&events), events.len) == 0);
	vbuf_free(&events);
	return 0;
}
