/*
 * fuzz_authres - fuzz target for the Authentication-Results parser: any bytes
 * as an incoming value; whatever is read back must be rendered again without
 * trouble and stay within the limits.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "authres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - parse, check the invariants, render what was read */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authres ar;
	struct dkimcheck_sig sigs[AUTHRES_MAX_DKIM];
	struct vbuf out = VBUF_INIT(AUTHRES_VALUE_MAX);
	enum authres_status st = authres_parse((const char *)data, size, &ar);

	if (st == AUTHRES_NOID && ar.authserv_id[0] != '\0')
		__builtin_trap();
	if (ar.ndkim > AUTHRES_MAX_DKIM || strlen(ar.authserv_id) > AUTHRES_ID_MAX)
		__builtin_trap();
	(void)authres_is_from((const char *)data, size, "mx.example.org");
	memset(sigs, 0, sizeof(sigs));
	for (size_t i = 0; i < ar.ndkim; i++) {
		sigs[i].result = ar.dkim[i].result;
		sigs[i].reason = "";
		memcpy(sigs[i].domain, ar.dkim[i].domain, sizeof(sigs[i].domain));
		memcpy(sigs[i].selector, ar.dkim[i].selector, sizeof(sigs[i].selector));
		snprintf(sigs[i].b, sizeof(sigs[i].b), "%s", ar.dkim[i].b);
	}
	if (st != AUTHRES_NOID) {
		if (!authres_render(&out, ar.authserv_id, sigs, ar.ndkim > 10 ? 10 : ar.ndkim))
			__builtin_trap();
		for (size_t i = 0; i < out.len; i++)
			if (out.data[i] == '\r' || out.data[i] == '\0' || (unsigned char)out.data[i] > 0x7e)
				__builtin_trap();
	}
	vbuf_free(&out);
	return 0;
}
