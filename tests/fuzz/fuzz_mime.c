/*
 * fuzz_mime - a MIME body (its Content-Type on the first line, its
 * Content-Transfer-Encoding on the second) through the analysis, mime and
 * links, cut at a point the input chooses, with a scan cap the input
 * chooses; the observer checks the invariants (observe.h).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "observe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* field - one header field from bytes that are not NUL-terminated */
static void field(struct observe *o, const char *name, const char *v, size_t n)
{
	char *value = strndup(v, n);

	invariant(value != NULL);
	observe_header(o, name, value);
	free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct observe *obs[4];
	const char *s = (const char *)data, *nl1, *nl2;
	size_t rest, cut;
	struct observe *o;

	if (size < 2)
		return 0;
	if (obs[0] == NULL)
		for (int i = 0; i < 4; i++)
			obs[i] = observe_new(NULL, (size_t)64 << (4 * i));
	o = obs[data[0] & 3];
	s++;
	size--;
	nl1 = memchr(s, '\n', size);
	if (nl1 == NULL)
		return 0;
	nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - s));
	if (nl2 == NULL)
		return 0;
	observe_begin(o, NULL);
	field(o, "Content-Type", s, (size_t)(nl1 - s));
	field(o, "Content-Transfer-Encoding", nl1 + 1, (size_t)(nl2 - nl1 - 1));
	observe_eoh(o);
	rest = size - (size_t)(nl2 + 1 - s);
	cut = rest ? data[0] % (rest + 1) : 0;
	/* the analysis takes any bytes; the CRLF rule is rawmsg's, not checked here */
	if (cut > 0 && o->body_more)
		o->body_more = message_body(o->m, nl2 + 1, cut);
	if (rest > cut && o->body_more)
		o->body_more = message_body(o->m, nl2 + 1 + cut, rest - cut);
	observe_finish(o);
	return 0;
}
