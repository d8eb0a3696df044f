/*
 * metrics - StatsSocket: the counters of stats.c served over minimal
 * HTTP/1.0 ("GET /metrics") by one small thread, for Prometheus.
 *
 * The socket is opened as root with the milter socket, before privileges
 * are dropped; the thread starts once signals are blocked and stops when
 * the daemon does. A scrape never touches the path of a message.
 */
#ifndef VIGIE_METRICS_H
#define VIGIE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "privs.h"
#include "vbuf.h"

#define METRICS_REQUEST_MAX 4096	/* bytes of a request head */
#define METRICS_CONN_MAX 8		/* scrapes served at once; more wait */
#define METRICS_TIMEOUT_MS 5000		/* for a whole exchange */

enum metrics_req {
	METRICS_REQ_INCOMPLETE,		/* no blank line yet */
	METRICS_REQ_METRICS,		/* GET /metrics */
	METRICS_REQ_METRICS_HEAD,	/* HEAD /metrics */
	METRICS_REQ_INDEX,		/* GET or HEAD / */
	METRICS_REQ_NOT_FOUND,		/* another path */
	METRICS_REQ_METHOD,		/* another method */
	METRICS_REQ_BAD			/* not an HTTP request line */
};

struct metrics;

struct metrics *metrics_open(const char *spec, unsigned umask_bits, const struct privs *p,
			     struct vbuf *why, struct vbuf *note);
bool metrics_start(struct metrics *m);
void metrics_stop(struct metrics *m);
enum metrics_req metrics_parse(const char *req, size_t len);
void metrics_response(enum metrics_req r, bool too_long, struct vbuf *out);

#endif
