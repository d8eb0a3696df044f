/*
 * sockspec - where a milter listens, in the syntax admins write.
 *
 * Accepts libmilter's forms (unix:/path, local:/path, inet:port@host,
 * inet6:port@host, inet:port) and Postfix's (inet:host:port,
 * inet:[v6addr]:port), plus a bare absolute path. Parsing touches nothing;
 * connecting opens one non-blocking socket and gives up at a deadline.
 */
#ifndef VIGIE_BENCH_SOCKSPEC_H
#define VIGIE_BENCH_SOCKSPEC_H

#include <stdbool.h>
#include <stddef.h>

#define SOCKSPEC_PATH_MAX 108	/* sizeof(sun_path) on Linux */
#define SOCKSPEC_HOST_MAX 256

struct sockspec {
	int family;			/* AF_UNIX, AF_INET or AF_INET6 */
	char path[SOCKSPEC_PATH_MAX];	/* AF_UNIX only */
	char host[SOCKSPEC_HOST_MAX];	/* name or literal, no brackets */
	unsigned port;			/* 1..65535 */
};

bool sockspec_parse(struct sockspec *s, const char *spec, char *err, size_t errlen);
void sockspec_format(const struct sockspec *s, char *out, size_t outlen);
int sockspec_connect(const struct sockspec *s, int timeout_ms, bool nodelay,
		     char *err, size_t errlen);

#endif
