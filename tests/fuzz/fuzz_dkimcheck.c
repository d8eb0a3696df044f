/*
 * fuzz_dkimcheck - fuzz target for one message's DKIM verification: any bytes
 * as a raw message (header fields, body) against the RFC 8463 keys; the first
 * byte picks the body chunk size. Results must stay within their limits and
 * printable.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dkimcheck.h"
#include "msgfeed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keys[] =
	"brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; "
	"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
	"test._domainkey.football.example.com v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ"
	"KBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzw"
	"Q/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QI"
	"DAQAB\n";

/* fuzz_lib - the library, built once from the RFC keys */
static const struct dkimcheck_lib *fuzz_lib(void)
{
	static struct dkimcheck_lib *lib;
	char path[] = "/tmp/vigie-fuzz-keys.XXXXXX", err[256];
	struct dkimcheck_opts opts = { 0 };
	int fd;

	if (lib != NULL)
		return lib;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, keys, sizeof(keys) - 1) != (ssize_t)(sizeof(keys) - 1))
		abort();
	close(fd);
	opts.test_keys_file = path;
	lib = dkimcheck_lib_new(&opts, err, sizeof(err));
	unlink(path);
	if (lib == NULL)
		abort();
	return lib;
}

/* LLVMFuzzerTestOneInput - verify the bytes as a message */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkimcheck *v = dkimcheck_new(fuzz_lib());
	char *msg = malloc(size + 1);
	size_t chunk = size ? 1 + data[0] % 64 : 1;

	memcpy(msg, data, size);
	msg[size] = '\0';
	/* the milter hands C strings: a NUL ends a field there too */
	msgfeed(v, msg, size, chunk);
	if (dkimcheck_count(v) > DKIMCHECK_MAX_SIGS)
		__builtin_trap();
	for (size_t i = 0; i < dkimcheck_count(v); i++) {
		const struct dkimcheck_sig *s = dkimcheck_sig(v, i);

		if ((unsigned)s->result >= DKIMCHECK_RESULT_COUNT || s->reason == NULL)
			__builtin_trap();
		for (const char *p = s->domain; *p; p++)
			if (*p <= 0x20 || *p >= 0x7f)
				__builtin_trap();
	}
	dkimcheck_free(v);
	free(msg);
	return 0;
}
