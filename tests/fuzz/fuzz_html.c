/*
 * fuzz_html - an HTML (or, by the first byte, plain text) part through the
 * analysis and the link finder in two pieces cut where the input says;
 * every link and the shown name are checked (observe.h).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "observe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct observe *o;
	const char *s = (const char *)data + 1;
	size_t n, cut;

	if (size < 1)
		return 0;
	if (o == NULL)
		o = observe_new(NULL, 1 << 20);
	n = size - 1;
	cut = n ? (size_t)data[0] * 131 % (n + 1) : 0;
	observe_begin(o, NULL);
	observe_header(o, "Content-Type", data[0] & 1 ? " text/html; charset=utf-8"
						       : " text/plain; charset=utf-8");
	observe_eoh(o);
	if (cut > 0 && o->body_more)
		o->body_more = message_body(o->m, s, cut);
	if (n > cut && o->body_more)
		o->body_more = message_body(o->m, s + cut, n - cut);
	observe_finish(o);
	return 0;
}
