/*
 * fuzz_conf - fuzz target for vigie.conf (milter/conf.c, its values and
 * host lists): any bytes as a configuration file applied over the
 * defaults. Every error is one "fuzz:LINE: message" line, the error text
 * stays within CONF_ERRORS_MAX (plus one line), and a file without errors
 * gives values within their documented ranges.
 *
 * Relative paths are taken from a directory that does not exist, so that
 * "file:" datasets name nothing the fuzzer could find. Built with libFuzzer by `make fuzz`
 * (tests/fuzz/libfuzzer.sh), with the replay driver (tests/fuzz/replay.c)
 * for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_errors - each error line names its origin and a line number */
static void fuzz_errors(const struct vbuf *errors, int bad)
{
	const char *p = vbuf_str(errors);
	int lines = 0;

	if (errors->len > CONF_ERRORS_MAX + CONF_LINE_MAX + 256)
		abort();
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');

		if (nl == NULL || strncmp(p, "fuzz:", 5) != 0 || p[5] < '1' || p[5] > '9')
			abort();
		lines++;
		p = nl + 1;
	}
	if ((bad == 0) != (lines == 0))
		abort();
}

/* fuzz_values - a file without errors leaves values in range */
static void fuzz_values(const struct conf *c)
{
	if (c->umask > 0777 || c->dns_timeout < 1 || c->dns_timeout > 60 ||
	    c->max_body_scan > ((size_t)64 << 20) || c->socket == NULL ||
	    c->authserv_id == NULL || c->reject_reply == NULL)
		abort();
	if (c->policy.subject_tag != NULL && strlen(c->policy.subject_tag) > CONF_TAG_MAX)
		abort();
	if (strlen(c->reject_reply) > CONF_REPLY_MAX * 4)
		abort();
}

/* LLVMFuzzerTestOneInput - the bytes as vigie.conf */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	struct conf *c;
	int bad;

	c = conf_defaults();
	c->basedir = xstrdup("/nonexistent/vigie-fuzz");
	bad = conf_parse(c, (const char *)data, size, "fuzz", &errors);
	fuzz_errors(&errors, bad);
	if (bad == 0)
		fuzz_values(c);
	conf_free(c);
	vbuf_free(&errors);
	return 0;
}
