/*
 * loadrun - N connections sending corpus messages to a milter at once, and
 * the tally of what came back.
 *
 * Each worker thread holds one milter connection at a time: it opens it,
 * sends up to per_conn messages, QUITs and opens the next, until the total
 * or the duration is reached. Messages are handed out by a shared ticket
 * counter (ticket t sends corpus message t mod count). Every exchange is
 * checked: a failed exchange, a decision outside the accepted set or a
 * missing expected header counts as an error.
 */
#ifndef VIGIE_BENCH_LOADRUN_H
#define VIGIE_BENCH_LOADRUN_H

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "corpus.h"
#include "latency.h"
#include "milterconn.h"

enum loadrun_error {
	LOADRUN_CONNECT, LOADRUN_TIMEOUT, LOADRUN_CLOSED, LOADRUN_PROTOCOL, LOADRUN_IO,
	LOADRUN_REFUSED, LOADRUN_UNEXPECTED, LOADRUN_HEADER, LOADRUN_ERRORS
};

enum loadrun_verdict {
	LOADRUN_ACCEPT, LOADRUN_CONTINUE, LOADRUN_REJECT, LOADRUN_TEMPFAIL, LOADRUN_DISCARD,
	LOADRUN_SHUTDOWN, LOADRUN_QUARANTINE, LOADRUN_VERDICTS
};

#define LOADRUN_EXPECT_MAX 16
#define LOADRUN_SAMPLES_MAX 20000000	/* latencies kept (160 MB) */
#define LOADRUN_DETAILS_MAX 10		/* errors described on stderr */

struct loadrun_expect {
	char name[128];		/* header that must be added, inserted or changed */
	bool has_re;
	regex_t re;		/* its value must match, when given */
};

struct loadrun {
	/* what to do, set by the caller */
	const struct corpus *corpus;
	const struct milterconn_opts *mopt;
	unsigned connections;
	unsigned long per_conn;		/* messages per connection, 0 = no limit */
	unsigned long total;		/* messages in all, 0 = until the duration ends */
	double duration;		/* seconds, 0 = no limit */
	unsigned long max_errors;	/* stop after this many, 0 = never */
	unsigned accept_mask;		/* 1 << loadrun_verdict counted as success */
	struct loadrun_expect expect[LOADRUN_EXPECT_MAX];
	size_t nexpect;
	const char *mail_from;		/* envelope overrides, or NULL */
	const char *rcpt_to;
	FILE *actions;			/* per-message log, or NULL */
	FILE *diag;			/* where error details go */

	/* what happened */
	double elapsed;
	double deadline;
	atomic_ulong next;
	atomic_ulong completed;		/* exchanges that reached a decision */
	atomic_ulong connections_opened;
	atomic_ulong err[LOADRUN_ERRORS];
	atomic_ulong verdict[LOADRUN_VERDICTS];
	atomic_ulong details;
	atomic_bool stop;
	bool negotiated;		/* the first connection's choices are known */
	uint32_t milter_version;	/* what the milter took at OPTNEG */
	uint32_t milter_actions;
	uint32_t milter_steps;
	struct latency lat;		/* per message, MAIL to decision */
	struct latency setup;		/* per connection, connect to HELO reply */
	pthread_mutex_t out_lock;
};

void loadrun_init(struct loadrun *r);
bool loadrun_expect_add(struct loadrun *r, const char *spec, char *err, size_t errlen);
bool loadrun_accept_parse(struct loadrun *r, const char *list, char *err, size_t errlen);
bool loadrun_run(struct loadrun *r, char *err, size_t errlen);
void loadrun_stop(struct loadrun *r);
unsigned long loadrun_errors(struct loadrun *r);
const char *loadrun_error_name(int kind);
const char *loadrun_verdict_name(int verdict);
void loadrun_free(struct loadrun *r);

#endif
