/*
 * fuzz_edit - fuzz target for the daemon's end-of-message edits: any bytes
 * as a header block ("Name: value" lines, folding kept), each field noted
 * as the milter notes it; then the deletions (each name from its last index
 * down, indexes within the counts seen) and the tagged Subject (bounded).
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "edit.h"

/* what the deletions may not do: name an index past what was seen */
struct seen {
	const struct edit *e;
	unsigned calls;
};

/* check_delete - edit_strip's callback: every deletion within what was seen */
static bool check_delete(void *ctx, const char *name, unsigned index)
{
	struct seen *s = ctx;
	unsigned max = 0;

	s->calls++;
	if (strcasecmp(name, "Authentication-Results") == 0)
		max = s->e->ar_seen;
	for (size_t i = 0; i < s->e->nnames; i++)
		if (strcasecmp(s->e->names[i].name, name) == 0)
			max = s->e->names[i].count;
	if (index == 0 || index > max)
		__builtin_trap();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - note each field, then strip and tag */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct vbuf out = VBUF_INIT(EDIT_SUBJECT_MAX + 256);
	struct edit e;
	struct seen s = { &e, 0 };
	bool failed;
	char *line, *save = NULL;

	memcpy(text, data, size);
	text[size] = '\0';
	edit_init(&e);
	/* one field a line; "\n\t" in a value is folding, as libmilter hands it */
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (colon == NULL || colon == line)
			continue;
		*colon = '\0';
		edit_header(&e, line, colon + 1, "mx.example.org");
	}
	if (edit_strip(&e, check_delete, &s, &failed) != s.calls)
		__builtin_trap();
	if (edit_subject(&e, "[USURPATION ?]", true, &out) == EDIT_SUBJECT_CHANGE &&
	    (out.len > EDIT_SUBJECT_MAX + 64 || strncmp(vbuf_str(&out), " [USURPATION ?]", 15) != 0))
		__builtin_trap();
	vbuf_free(&out);
	edit_reset(&e);
	free(text);
	return 0;
}
