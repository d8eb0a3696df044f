/*
 * fuzz_metrics - fuzz target for StatsSocket (milter/metrics.c, stats.c):
 * any bytes as an HTTP request head from a local client, answered with a
 * complete HTTP/1.0 response; and the same bytes, made printable ASCII as
 * brand_ascii_name makes a pack's names, counted as a brand: every line of
 * the exposition that follows is a comment or "name{labels} value", each
 * label value one quoted string with its quotes and backslashes escaped.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "stats.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_sample - one exposition line "name{l="v",...} number" */
static void fuzz_sample(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i == 0)
		abort();
	if (i < n && s[i] == '{') {
		for (i++; i < n && s[i] != '}';) {
			while (i < n && s[i] != '=')
				i++;
			if (i + 1 >= n || s[i + 1] != '"')
				abort();
			for (i += 2; i < n && s[i] != '"'; i++)
				if (s[i] == '\\' && (++i >= n || !strchr("\\\"n", s[i])))
					abort();
			if (++i < n && s[i] == ',')
				i++;
		}
		if (i++ >= n)
			abort();
	}
	if (i >= n || s[i] != ' ' || i + 1 >= n)
		abort();
	for (i++; i < n; i++)
		if (!strchr("0123456789.e+-", s[i]))
			abort();
}

/* LLVMFuzzerTestOneInput - a request, and a brand name counted */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vbuf out, body = VBUF_INIT(STATS_OUT_MAX);
	enum metrics_req r = metrics_parse((const char *)data, size);
	struct verdict v = { VERDICT_SUSPECT, 50, NULL, { 0 } };
	char name[129];
	size_t n = 0;

	if (r > METRICS_REQ_BAD)
		abort();
	metrics_response(r, size > METRICS_REQUEST_MAX, &out);
	if (out.len < 12 || memcmp(out.data, "HTTP/1.0 ", 9) != 0 ||
	    memmem(out.data, out.len, "\r\n\r\n", 4) == NULL)
		abort();
	vbuf_free(&out);
	for (size_t i = 0; i < size && n + 1 < sizeof(name); i++)
		if (data[i] >= 0x20 && data[i] < 0x7f)
			name[n++] = (char)data[i];
	name[n] = '\0';
	stats_verdict(&v, name, STATS_ACTION_TAG, 1.5);
	stats_render(&body);
	for (const char *p = vbuf_str(&body), *nl; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			abort();
		if (*p != '#')
			fuzz_sample(p, (size_t)(nl - p));
	}
	vbuf_free(&body);
	return 0;
}
