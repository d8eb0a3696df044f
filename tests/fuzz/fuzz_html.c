/*
 * fuzz_html - an HTML (or, by the first byte, plain text) part through the
 * link finder in two pieces cut where the input says; every link and the
 * shown name are checked.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pipeline *p;
	const char *s = (const char *)data + 1;
	size_t n, cut;

	if (size < 1)
		return 0;
	if (p == NULL)
		p = pipeline_new(NULL, 1 << 20);
	n = size - 1;
	cut = n ? (size_t)data[0] * 131 % (n + 1) : 0;
	links_reset(p->links);
	links_begin(p->links, data[0] & 1);
	/* the link finder takes UTF-8: what mime would give it */
	vbuf_reset(&p->text);
	if (!utf8_repair(&p->text, s, n)) {
		links_end(p->links);
		return 0;
	}
	if (cut > p->text.len)
		cut = p->text.len;
	while (cut > 0 && cut < p->text.len && ((unsigned char)p->text.data[cut] & 0xc0) == 0x80)
		cut--;
	/* vbuf_str: an empty text has no buffer, and NULL + 0 is undefined */
	links_text(p->links, vbuf_str(&p->text), cut);
	links_text(p->links, vbuf_str(&p->text) + cut, p->text.len - cut);
	links_end(p->links);
	return 0;
}
