/*
 * fuzz_message - a whole raw message (or mbox, by the first byte) through
 * the analysis (message.c) and every parser, fed in chunks whose sizes the
 * input chooses; the observer checks the invariants (observe.h).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "observe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct observe *o;
	struct rawmsg *r;
	size_t step, i;

	if (size < 1)
		return 0;
	if (o == NULL)
		o = observe_new(NULL, 1 << 16);
	r = observe_rawmsg(o, data[0] & 1);
	step = (size_t)(data[0] >> 1) + 1;
	for (i = 1; i < size; i += step)
		rawmsg_feed(r, data + i, size - i < step ? size - i : step);
	rawmsg_finish(r);
	rawmsg_free(r);
	return 0;
}
