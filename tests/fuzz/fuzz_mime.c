/*
 * fuzz_mime - a MIME body (its Content-Type on the first line, its
 * Content-Transfer-Encoding on the second) through mime and links, cut at
 * a point the input chooses, with a scan cap the input chooses.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pipeline *p[4];
	const char *s = (const char *)data, *nl1, *nl2;
	size_t rest, cut;
	struct pipeline *q;

	if (size < 2)
		return 0;
	if (p[0] == NULL)
		for (int i = 0; i < 4; i++)
			p[i] = pipeline_new(NULL, (size_t)64 << (4 * i));
	q = p[data[0] & 3];
	s++;
	size--;
	nl1 = memchr(s, '\n', size);
	if (nl1 == NULL)
		return 0;
	nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - s));
	if (nl2 == NULL)
		return 0;
	pipeline_begin(q, NULL);
	mime_begin(q->mime, s, (size_t)(nl1 - s), nl1 + 1, (size_t)(nl2 - nl1 - 1));
	q->body_open = true;
	rest = size - (size_t)(nl2 + 1 - s);
	cut = rest ? data[0] % (rest + 1) : 0;
	mime_body(q->mime, nl2 + 1, cut);
	mime_body(q->mime, nl2 + 1 + cut, rest - cut);
	pipeline_end(q);
	return 0;
}
