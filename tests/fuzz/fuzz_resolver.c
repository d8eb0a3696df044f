/*
 * fuzz_resolver - fuzz target for the DNS reply reader behind DKIM key
 * lookups (resolver_reply): any bytes as a reply from a name server the
 * attacker runs. The first byte picks the room the caller gives the
 * record (as small as 1 byte, as large as a UDP reply). A record read is
 * NUL-terminated within that room and holds no NUL; every status is one
 * the enum knows.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - the bytes after the first as a reply */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t rooms[] = { 1, 2, 64, 255, 256, 1024, 4096, 65536 };
	size_t room;
	unsigned records = 0;
	char *out;
	enum resolver_status st;

	if (size < 1 || size - 1 > 65535)
		return 0;
	room = rooms[data[0] % (sizeof(rooms) / sizeof(*rooms))];
	out = malloc(room);
	if (out == NULL)
		abort();
	out[0] = '\0';
	st = resolver_reply(data + 1, (int)(size - 1), out, room, &records);
	if (st > RESOLVER_TOOLONG || resolver_status_text(st) == NULL)
		abort();
	if (st == RESOLVER_OK && (records == 0 || memchr(out, '\0', room) == NULL))
		abort();
	free(out);
	return 0;
}
