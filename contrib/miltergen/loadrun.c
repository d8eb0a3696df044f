/*
 * loadrun - run the worker threads and check every exchange.
 *
 * May touch: the milter socket (one connection per worker at a time), the
 * actions log and the diagnostics stream (serialised by out_lock).
 * Never fails a run half-way: each failed exchange is counted by kind and
 * the worker reconnects; after max_errors errors every worker stops.
 */
#include <config.h>

#include <libmilter/mfdef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "loadrun.h"
#include "mtime.h"
#include "vbuf.h"
#include "xalloc.h"

#define LOADRUN_LINE_CAP (4u << 20)	/* actions log text for one message */

struct loadrun_worker {
	struct loadrun *r;
	unsigned id;
	pthread_t thread;
	struct latency lat, setup;
	struct vbuf line;
	struct milterconn conn;
	bool open;
	unsigned long on_conn;		/* messages sent on this connection */
};

static const char *const loadrun_error_names[LOADRUN_ERRORS] = {
	"connect", "timeout", "closed", "protocol", "io", "refused", "unexpected", "header",
};

static const char *const loadrun_verdict_names[LOADRUN_VERDICTS] = {
	"accept", "continue", "reject", "tempfail", "discard", "shutdown", "quarantine",
};

/* loadrun_error_name - an error kind as the report names it */
const char *loadrun_error_name(int kind)
{
	return kind >= 0 && kind < LOADRUN_ERRORS ? loadrun_error_names[kind] : "?";
}

/* loadrun_verdict_name - a decision as the report names it */
const char *loadrun_verdict_name(int verdict)
{
	return verdict >= 0 && verdict < LOADRUN_VERDICTS ? loadrun_verdict_names[verdict] : "?";
}

/* loadrun_init - defaults: one connection, one message each, accept or continue */
void loadrun_init(struct loadrun *r)
{
	memset(r, 0, sizeof(*r));
	r->connections = 1;
	r->per_conn = 1;
	r->max_errors = 100;
	r->accept_mask = 1u << LOADRUN_ACCEPT | 1u << LOADRUN_CONTINUE;
	r->diag = stderr;
	pthread_mutex_init(&r->out_lock, NULL);
	latency_init(&r->lat, LOADRUN_SAMPLES_MAX);
	latency_init(&r->setup, LOADRUN_SAMPLES_MAX);
}

/* loadrun_expect_add - "NAME" or "NAME:REGEX" (POSIX extended) */
bool loadrun_expect_add(struct loadrun *r, const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	struct loadrun_expect *e = &r->expect[r->nexpect];

	if (r->nexpect == LOADRUN_EXPECT_MAX) {
		snprintf(err, errlen, "at most %d --expect-header", LOADRUN_EXPECT_MAX);
		return false;
	}
	if (len == 0 || len >= sizeof(e->name)) {
		snprintf(err, errlen, "bad header name in --expect-header %.100s", spec);
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (spec[i] <= ' ' || spec[i] >= 127) {
			snprintf(err, errlen, "bad header name in --expect-header %.100s", spec);
			return false;
		}
	memcpy(e->name, spec, len);
	e->name[len] = '\0';
	e->has_re = colon != NULL;
	if (e->has_re && regcomp(&e->re, colon + 1, REG_EXTENDED | REG_NOSUB) != 0) {
		snprintf(err, errlen, "bad regular expression in --expect-header %.100s", spec);
		return false;
	}
	r->nexpect++;
	return true;
}

/* loadrun_accept_parse - comma-separated decisions counted as success */
bool loadrun_accept_parse(struct loadrun *r, const char *list, char *err, size_t errlen)
{
	unsigned mask = 0;

	for (const char *p = list; *p != '\0';) {
		size_t len = strcspn(p, ", ");
		int v;

		for (v = 0; v < LOADRUN_VERDICTS; v++)
			if (strlen(loadrun_verdict_names[v]) == len &&
			    strncmp(p, loadrun_verdict_names[v], len) == 0)
				break;
		if (v == LOADRUN_VERDICTS && len > 0) {
			snprintf(err, errlen, "unknown decision \"%.*s\" (accept, continue, reject, "
				 "tempfail, discard, shutdown, quarantine)", (int)(len < 40 ? len : 40), p);
			return false;
		}
		if (len > 0)
			mask |= 1u << v;
		p += len;
		p += strspn(p, ", ");
	}
	r->accept_mask = mask;
	return true;
}

/* loadrun_stop - ask every worker to stop after its current message */
void loadrun_stop(struct loadrun *r)
{
	atomic_store(&r->stop, true);
}

/* loadrun_errors - all errors counted so far */
unsigned long loadrun_errors(struct loadrun *r)
{
	unsigned long n = 0;

	for (int k = 0; k < LOADRUN_ERRORS; k++)
		n += atomic_load(&r->err[k]);
	return n;
}

/* loadrun_escape - text for one tab-separated field: no tab, CR, LF or control byte */
static void loadrun_escape(struct vbuf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			vbuf_adds(b, "\\\\");
		else if (c == '\n')
			vbuf_adds(b, "\\n");
		else if (c == '\t')
			vbuf_adds(b, "\\t");
		else if (c == '\r')
			vbuf_adds(b, "\\r");
		else if (c < ' ' || c == 127)
			vbuf_printf(b, "\\x%02x", c);
		else
			vbuf_addc(b, (char)c);
	}
}

/* loadrun_write - one message's lines to the actions log, whole */
static void loadrun_write(struct loadrun_worker *w)
{
	struct loadrun *r = w->r;

	if (r->actions == NULL || w->line.len == 0)
		return;
	pthread_mutex_lock(&r->out_lock);
	fwrite(w->line.data, 1, w->line.len, r->actions);
	pthread_mutex_unlock(&r->out_lock);
	vbuf_reset(&w->line);
}

/* loadrun_error - count an error, describe the first few, stop at the limit */
static void loadrun_error(struct loadrun_worker *w, int kind, const char *label, const char *why)
{
	struct loadrun *r = w->r;
	unsigned long total;

	atomic_fetch_add(&r->err[kind], 1);
	total = loadrun_errors(r);
	if (atomic_fetch_add(&r->details, 1) < LOADRUN_DETAILS_MAX) {
		pthread_mutex_lock(&r->out_lock);
		fprintf(r->diag, "miltergen: %s: %s error: %s\n", label, loadrun_error_names[kind], why);
		pthread_mutex_unlock(&r->out_lock);
	}
	if (r->actions != NULL) {
		vbuf_printf(&w->line, "%s\terror\t%s\t", label, loadrun_error_names[kind]);
		loadrun_escape(&w->line, why);
		vbuf_addc(&w->line, '\n');
		loadrun_write(w);
	}
	if (r->max_errors != 0 && total >= r->max_errors && !atomic_exchange(&r->stop, true)) {
		pthread_mutex_lock(&r->out_lock);
		fprintf(r->diag, "miltergen: stopping after %lu errors\n", total);
		pthread_mutex_unlock(&r->out_lock);
	}
}

/* loadrun_verdict_of - which decision the exchange ended with */
static int loadrun_verdict_of(const struct milterconn_result *res)
{
	const char *word = milterconn_verdict(res);

	for (int v = 0; v < LOADRUN_VERDICTS; v++)
		if (strcmp(word, loadrun_verdict_names[v]) == 0)
			return v;
	return -1;
}

/* loadrun_expected - does this exchange carry the expected header? */
static bool loadrun_expected(const struct loadrun_expect *e, const struct milterconn_result *res)
{
	for (size_t i = 0; i < res->nmod; i++) {
		const struct milterconn_mod *m = &res->mod[i];

		if (m->op != SMFIR_ADDHEADER && m->op != SMFIR_INSHEADER && m->op != SMFIR_CHGHEADER)
			continue;
		if (m->name == NULL || strcasecmp(m->name, e->name) != 0)
			continue;
		if (m->value == NULL || m->value[0] == '\0')
			continue;	/* an empty change deletes the header */
		if (!e->has_re || regexec(&e->re, m->value, 0, NULL, 0) == 0)
			return true;
	}
	return false;
}

/* loadrun_check - count the decision; an error kind when it is not acceptable */
static int loadrun_check(struct loadrun_worker *w, const struct milterconn_result *res,
			 char *why, size_t whylen)
{
	struct loadrun *r = w->r;
	int v = loadrun_verdict_of(res);

	if (v < 0) {
		snprintf(why, whylen, "no decision");
		return LOADRUN_PROTOCOL;
	}
	atomic_fetch_add(&r->verdict[v], 1);
	if (res->quarantined)
		atomic_fetch_add(&r->verdict[LOADRUN_QUARANTINE], 1);
	if (!(r->accept_mask & 1u << v) ||
	    (res->quarantined && !(r->accept_mask & 1u << LOADRUN_QUARANTINE))) {
		snprintf(why, whylen, "milter answered %s with %s%s%s%s",
			 milterconn_command_name(res->stage), loadrun_verdict_names[v],
			 res->quarantined ? " (quarantine)" : "", res->reply[0] ? ": " : "", res->reply);
		return LOADRUN_UNEXPECTED;
	}
	for (size_t i = 0; i < r->nexpect; i++)
		if (!loadrun_expected(&r->expect[i], res)) {
			snprintf(why, whylen, "no %s header%s added", r->expect[i].name,
				 r->expect[i].has_re ? " matching the expression" : "");
			return LOADRUN_HEADER;
		}
	return -1;
}

/* loadrun_log - the decision and every modification, for --actions */
static void loadrun_log(struct loadrun_worker *w, const char *label,
			const struct milterconn_result *res)
{
	struct vbuf *b = &w->line;

	if (w->r->actions == NULL)
		return;
	vbuf_printf(b, "%s\tverdict\t%s\t", label, milterconn_verdict(res));
	loadrun_escape(b, res->reply);
	vbuf_addc(b, '\n');
	for (size_t i = 0; i < res->nmod; i++) {
		const struct milterconn_mod *m = &res->mod[i];

		vbuf_printf(b, "%s\t%s\t%lu\t", label, milterconn_mod_name(m->op),
			    (unsigned long)m->index);
		loadrun_escape(b, m->name);
		vbuf_addc(b, '\t');
		loadrun_escape(b, m->value);
		vbuf_addc(b, '\n');
	}
	loadrun_write(w);
}

/* loadrun_kind - the error kind of a milterconn status */
static int loadrun_kind(int status)
{
	switch (status) {
	case MILTERIO_TIMEOUT: return LOADRUN_TIMEOUT;
	case MILTERIO_CLOSED: return LOADRUN_CLOSED;
	case MILTERIO_PROTOCOL: return LOADRUN_PROTOCOL;
	case MILTERCONN_REFUSED: return LOADRUN_REFUSED;
	case MILTERCONN_UNREACHABLE: return LOADRUN_CONNECT;
	default: return LOADRUN_IO;
	}
}

/* loadrun_ticket - the next message to send, or false when the run is over */
static bool loadrun_ticket(struct loadrun *r, unsigned long *t)
{
	if (atomic_load(&r->stop))
		return false;
	if (r->deadline > 0 && mtime_now() >= r->deadline)
		return false;
	*t = atomic_fetch_add(&r->next, 1);
	return r->total == 0 || *t < r->total;
}

/* loadrun_connect - open the worker's connection, timing the setup */
static bool loadrun_connect(struct loadrun_worker *w, const char *label)
{
	struct loadrun *r = w->r;
	unsigned long seq = atomic_fetch_add(&r->connections_opened, 1);
	double t0 = mtime_now();
	int st = milterconn_open(&w->conn, r->mopt, (unsigned)seq);

	if (st != 0) {
		struct timespec backoff = { 0, 10000000 };

		loadrun_error(w, loadrun_kind(st), label, w->conn.err);
		(void)milterconn_close(&w->conn, false);
		nanosleep(&backoff, NULL);	/* a dead milter must not make us spin */
		return false;
	}
	latency_add(&w->setup, mtime_now() - t0);
	pthread_mutex_lock(&r->out_lock);
	if (!r->negotiated) {
		r->negotiated = true;
		r->milter_version = w->conn.version;
		r->milter_actions = w->conn.actions;
		r->milter_steps = w->conn.steps;
	}
	pthread_mutex_unlock(&r->out_lock);
	w->open = true;
	w->on_conn = 0;
	return true;
}

/* loadrun_send - one message on the worker's connection, checked and logged */
static void loadrun_send(struct loadrun_worker *w, const struct corpus_msg *m, unsigned long t,
			 struct milterconn_result *res)
{
	struct loadrun *r = w->r;
	const char *sender = r->mail_from ? r->mail_from : m->sender[0] ? m->sender : "sender@example.net";
	const char *rcpt = r->rcpt_to ? r->rcpt_to : m->rcpt[0] ? m->rcpt : "postmaster@example.org";
	char qid[32], why[600];
	double t0 = mtime_now();
	int st, kind;

	/* a Postfix-like queue ID, different for every message of the run */
	snprintf(qid, sizeof(qid), "%010lX", 0x3A00000000UL + t);
	milterconn_result_reset(res);
	st = milterconn_message(&w->conn, m, qid, sender, rcpt, res);
	if (st != 0) {
		loadrun_error(w, loadrun_kind(st), m->label, w->conn.err);
		(void)milterconn_close(&w->conn, false);
		w->open = false;
		return;
	}
	latency_add(&w->lat, mtime_now() - t0);
	atomic_fetch_add(&r->completed, 1);
	loadrun_log(w, m->label, res);
	if ((kind = loadrun_check(w, res, why, sizeof(why))) >= 0)
		loadrun_error(w, kind, m->label, why);
	/* SHUTDOWN asks the MTA to drop the connection */
	if (res->final == SMFIR_SHUTDOWN ||
	    (r->per_conn != 0 && ++w->on_conn >= r->per_conn)) {
		if (milterconn_close(&w->conn, res->final != SMFIR_SHUTDOWN) != 0)
			loadrun_error(w, LOADRUN_PROTOCOL, m->label, w->conn.err);
		w->open = false;
	}
}

/* loadrun_worker_main - take tickets until the run is over */
static void *loadrun_worker_main(void *arg)
{
	struct loadrun_worker *w = arg;
	struct loadrun *r = w->r;
	struct milterconn_result res = { 0 };
	unsigned long t;

	while (loadrun_ticket(r, &t)) {
		const struct corpus_msg *m = &r->corpus->msg[t % r->corpus->count];

		if (!w->open && !loadrun_connect(w, m->label))
			continue;
		loadrun_send(w, m, t, &res);
	}
	if (w->open && milterconn_close(&w->conn, true) != 0)
		loadrun_error(w, LOADRUN_PROTOCOL, "(last connection)", w->conn.err);
	milterconn_result_free(&res);
	return NULL;
}

/* loadrun_run - start the workers, wait for them, gather their latencies */
bool loadrun_run(struct loadrun *r, char *err, size_t errlen)
{
	struct loadrun_worker *w = xcalloc(r->connections, sizeof(*w));
	pthread_attr_t attr;
	unsigned started = 0;
	double start = mtime_now();

	r->deadline = r->duration > 0 ? start + r->duration : 0;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1u << 20);
	for (; started < r->connections; started++) {
		w[started].r = r;
		w[started].id = started;
		latency_init(&w[started].lat, LOADRUN_SAMPLES_MAX / r->connections);
		latency_init(&w[started].setup, LOADRUN_SAMPLES_MAX / r->connections);
		vbuf_init(&w[started].line, LOADRUN_LINE_CAP);
		if (pthread_create(&w[started].thread, &attr, loadrun_worker_main, &w[started]) != 0) {
			snprintf(err, errlen, "cannot start thread %u of %u", started + 1, r->connections);
			loadrun_stop(r);
			break;
		}
	}
	pthread_attr_destroy(&attr);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(w[i].thread, NULL);
		latency_merge(&r->lat, &w[i].lat);
		latency_merge(&r->setup, &w[i].setup);
		latency_free(&w[i].lat);
		latency_free(&w[i].setup);
		vbuf_free(&w[i].line);
	}
	r->elapsed = mtime_now() - start;
	latency_sort(&r->lat);
	latency_sort(&r->setup);
	free(w);
	return started == r->connections;
}

/* loadrun_free - release the expressions and latencies */
void loadrun_free(struct loadrun *r)
{
	for (size_t i = 0; i < r->nexpect; i++)
		if (r->expect[i].has_re)
			regfree(&r->expect[i].re);
	latency_free(&r->lat);
	latency_free(&r->setup);
	pthread_mutex_destroy(&r->out_lock);
}
