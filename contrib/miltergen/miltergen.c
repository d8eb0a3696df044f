/*
 * miltergen - load a milter the way Postfix does and measure it.
 *
 *	miltergen [options] SOCKET CORPUS...
 *
 * Speaks milter protocol 6 as the MTA (no libmilter) over N concurrent
 * connections, sends the corpus, checks every reply, and reports messages
 * per second, latency percentiles per message, and (with --pid) the
 * milter's CPU seconds per 1,000 messages and peak RSS; the last line of
 * output is a key=value summary for scripts.
 *
 * May touch: the milter socket, the corpus files (read), /proc/PID of the
 * milter (read), the --actions file. Exit status: 0 no error, 1 at least
 * one error (failed exchange, unexpected decision, missing header), 2 bad
 * usage or unreadable corpus.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <libmilter/mfdef.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "corpus.h"
#include "loadrun.h"
#include "milterconn.h"
#include "procstat.h"

#define MILTERGEN_CORPUS_MAX ((size_t)1 << 30)

struct miltergen {
	struct milterconn_opts mopt;
	struct loadrun run;
	struct corpus corpus;
	long pid;		/* milter to measure, 0 = none */
	bool quiet;
	double self_cpu;	/* our own CPU seconds: we share the machine */
	const char *actions_path;
	char spec[400];		/* socket as given */
};

static struct loadrun *miltergen_signal_run;	/* the one run SIGINT stops */

/* miltergen_usage - the synopsis; exits 2 */
static void miltergen_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "miltergen: %s\n", why);
	fprintf(stderr,
		"usage: miltergen [options] SOCKET CORPUS...\n"
		"  SOCKET  unix:/path, local:/path, inet:port@host, inet6:port@host, inet:host:port\n"
		"  CORPUS  a message file, an mbox, or a directory of them\n"
		"load:    -c, --connections N      concurrent connections (1)\n"
		"         -m, --per-connection M   messages per connection, then QUIT (1; 0 = no limit)\n"
		"         -n, --count N            messages in all (each corpus message once)\n"
		"         -d, --duration SECS      stop after SECS (without -n: as many as fit)\n"
		"checks:  -t, --timeout SECS       wait for each reply (10)\n"
		"             --message-timeout SECS  for a whole message (60)\n"
		"             --max-reply BYTES    largest reply accepted (1048576)\n"
		"         -e, --expect-header NAME[:REGEX]  each message must get NAME added\n"
		"         -a, --accept LIST        decisions that are success (accept,continue)\n"
		"             --max-errors N       stop after N errors (100; 0 = never)\n"
		"measure: -p, --pid PID            milter process: CPU and RSS from /proc\n"
		"output:      --actions FILE       each message's decision and modifications (- = stdout)\n"
		"         -q, --quiet              only the summary line\n"
		"session:     --myhostname, --client-addr, --client-name, --helo, --auth USER,\n"
		"             --mail-from ADDR, --rcpt-to ADDR\n"
		"protocol:    --offer-actions HEX (0x1ff), --offer-steps HEX (0x1fffff)\n"
		"tcp:         --nodelay, --quickack (inet sockets; Postfix sets neither)\n");
	exit(2);
}

/* miltergen_ulong - a whole number in [min, max], or usage error */
static unsigned long miltergen_ulong(const char *s, unsigned long min, unsigned long max,
				     const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max) {
		char why[200];

		snprintf(why, sizeof(why), "%s: expected a number from %lu to %lu, got \"%.40s\"",
			 what, min, max, s);
		miltergen_usage(why);
	}
	return v;
}

/* miltergen_seconds - a positive duration, fractions allowed */
static double miltergen_seconds(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !isfinite(v) || v <= 0 || v > 86400 * 7) {
		char why[200];

		snprintf(why, sizeof(why), "%s: expected seconds, got \"%.40s\"", what, s);
		miltergen_usage(why);
	}
	return v;
}

/* miltergen_defaults - a Postfix 3.7 on mx.example.org, client from TEST-NET */
static void miltergen_defaults(struct miltergen *g)
{
	memset(g, 0, sizeof(*g));
	loadrun_init(&g->run);
	g->mopt.timeout = 10;
	g->mopt.msg_timeout = 60;
	g->mopt.max_reply = 1u << 20;
	g->mopt.version = SMFI_PROT_VERSION;
	g->mopt.actions = MILTERCONN_ALL_ACTIONS;
	g->mopt.steps = MILTERCONN_ALL_STEPS;
	g->mopt.myhostname = "mx.example.org";
	g->mopt.daemon_addr = "192.0.2.1";
	g->mopt.mta_version = "Postfix 3.7.11";
	g->mopt.client_addr = "192.0.2.10";
	g->mopt.client_name = "client.example.net";
	g->mopt.helo = "client.example.net";
}

enum {
	OPT_MSG_TIMEOUT = 256, OPT_MAX_REPLY, OPT_MAX_ERRORS, OPT_ACTIONS, OPT_MYHOSTNAME,
	OPT_CLIENT_ADDR, OPT_CLIENT_NAME, OPT_HELO, OPT_AUTH, OPT_MAIL_FROM, OPT_RCPT_TO,
	OPT_OFFER_ACTIONS, OPT_OFFER_STEPS, OPT_NODELAY, OPT_QUICKACK,
};

static const struct option miltergen_options[] = {
	{ "connections", required_argument, NULL, 'c' },
	{ "per-connection", required_argument, NULL, 'm' },
	{ "count", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "timeout", required_argument, NULL, 't' },
	{ "message-timeout", required_argument, NULL, OPT_MSG_TIMEOUT },
	{ "max-reply", required_argument, NULL, OPT_MAX_REPLY },
	{ "expect-header", required_argument, NULL, 'e' },
	{ "accept", required_argument, NULL, 'a' },
	{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
	{ "pid", required_argument, NULL, 'p' },
	{ "actions", required_argument, NULL, OPT_ACTIONS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "myhostname", required_argument, NULL, OPT_MYHOSTNAME },
	{ "client-addr", required_argument, NULL, OPT_CLIENT_ADDR },
	{ "client-name", required_argument, NULL, OPT_CLIENT_NAME },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "mail-from", required_argument, NULL, OPT_MAIL_FROM },
	{ "rcpt-to", required_argument, NULL, OPT_RCPT_TO },
	{ "offer-actions", required_argument, NULL, OPT_OFFER_ACTIONS },
	{ "offer-steps", required_argument, NULL, OPT_OFFER_STEPS },
	{ "nodelay", no_argument, NULL, OPT_NODELAY },
	{ "quickack", no_argument, NULL, OPT_QUICKACK },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* miltergen_option_more - apply one option of the session or protocol groups */
static void miltergen_option_more(struct miltergen *g, int opt, const char *arg)
{
	switch (opt) {
	case OPT_MYHOSTNAME: g->mopt.myhostname = arg; break;
	case OPT_CLIENT_ADDR: g->mopt.client_addr = arg; break;
	case OPT_CLIENT_NAME: g->mopt.client_name = arg; break;
	case OPT_HELO: g->mopt.helo = arg; break;
	case OPT_AUTH: g->mopt.auth = arg; break;
	case OPT_MAIL_FROM: g->run.mail_from = arg; break;
	case OPT_RCPT_TO: g->run.rcpt_to = arg; break;
	case OPT_OFFER_ACTIONS:
		g->mopt.actions = (uint32_t)miltergen_ulong(arg, 0, MILTERCONN_ALL_ACTIONS, "--offer-actions");
		break;
	case OPT_OFFER_STEPS:
		g->mopt.steps = (uint32_t)miltergen_ulong(arg, 0, MILTERCONN_ALL_STEPS, "--offer-steps");
		break;
	case OPT_NODELAY: g->mopt.nodelay = true; break;
	case OPT_QUICKACK: g->mopt.quickack = true; break;
	default: miltergen_usage(NULL);
	}
}

/* miltergen_option - apply one option */
static void miltergen_option(struct miltergen *g, int opt, const char *arg)
{
	char err[300];

	switch (opt) {
	case 'c': g->run.connections = (unsigned)miltergen_ulong(arg, 1, 10000, "--connections"); break;
	case 'm': g->run.per_conn = miltergen_ulong(arg, 0, ~0UL, "--per-connection"); break;
	case 'n': g->run.total = miltergen_ulong(arg, 1, ~0UL, "--count"); break;
	case 'd': g->run.duration = miltergen_seconds(arg, "--duration"); break;
	case 't': g->mopt.timeout = miltergen_seconds(arg, "--timeout"); break;
	case OPT_MSG_TIMEOUT: g->mopt.msg_timeout = miltergen_seconds(arg, "--message-timeout"); break;
	case OPT_MAX_REPLY:
		g->mopt.max_reply = miltergen_ulong(arg, 64, 1u << 30, "--max-reply");
		break;
	case 'e':
		if (!loadrun_expect_add(&g->run, arg, err, sizeof(err)))
			miltergen_usage(err);
		break;
	case 'a':
		if (!loadrun_accept_parse(&g->run, arg, err, sizeof(err)))
			miltergen_usage(err);
		break;
	case OPT_MAX_ERRORS: g->run.max_errors = miltergen_ulong(arg, 0, ~0UL, "--max-errors"); break;
	case 'p': g->pid = (long)miltergen_ulong(arg, 1, 1UL << 30, "--pid"); break;
	case OPT_ACTIONS: g->actions_path = arg; break;
	case 'q': g->quiet = true; break;
	default: miltergen_option_more(g, opt, arg);
	}
}

/* miltergen_parse - options, socket and corpus from the command line */
static void miltergen_parse(struct miltergen *g, int argc, char **argv)
{
	char err[600];
	int opt;

	while ((opt = getopt_long(argc, argv, "c:m:n:d:t:e:a:p:qh", miltergen_options, NULL)) != -1)
		miltergen_option(g, opt, optarg);
	if (argc - optind < 2)
		miltergen_usage("need a socket and at least one corpus");
	snprintf(g->spec, sizeof(g->spec), "%s", argv[optind]);
	if (!sockspec_parse(&g->mopt.sock, argv[optind], err, sizeof(err)))
		miltergen_usage(err);
	corpus_init(&g->corpus, MILTERGEN_CORPUS_MAX);
	for (int i = optind + 1; i < argc; i++)
		if (!corpus_add_path(&g->corpus, argv[i], err, sizeof(err))) {
			fprintf(stderr, "miltergen: %s\n", err);
			exit(2);
		}
	if (g->corpus.count == 0) {
		fprintf(stderr, "miltergen: the corpus holds no message\n");
		exit(2);
	}
	if (g->run.total == 0 && g->run.duration == 0)
		g->run.total = g->corpus.count;
}

/* miltergen_sigint - stop starting messages; the report still comes */
static void miltergen_sigint(int sig)
{
	(void)sig;
	if (miltergen_signal_run != NULL)
		loadrun_stop(miltergen_signal_run);
}

/* miltergen_report - the human report, unless quiet */
static void miltergen_report(const struct miltergen *g, const struct procstat *ps,
			     unsigned long done, unsigned long errors)
{
	const struct loadrun *r = &g->run;

	if (g->quiet)
		return;
	printf("miltergen: %s, %u connection(s), %lu message(s) per connection\n", g->spec,
	       r->connections, r->per_conn);
	printf("  messages     %lu decided in %.3f s: %.1f msg/s\n", done, r->elapsed,
	       r->elapsed > 0 ? (double)done / r->elapsed : 0.0);
	printf("  latency ms   p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  (MAIL to decision)\n",
	       latency_pct(&r->lat, 50) * 1e3, latency_pct(&r->lat, 90) * 1e3,
	       latency_pct(&r->lat, 99) * 1e3, latency_pct(&r->lat, 100) * 1e3);
	if (r->negotiated)
		printf("  negotiated   version %u, actions 0x%x, steps 0x%x\n", r->milter_version,
		       r->milter_actions, r->milter_steps);
	printf("  setup ms     p50 %.3f  max %.3f  (%lu connections: connect to HELO reply)\n",
	       latency_pct(&r->setup, 50) * 1e3, latency_pct(&r->setup, 100) * 1e3,
	       (unsigned long)r->connections_opened);
	printf("  decisions   ");
	for (int v = 0; v < LOADRUN_VERDICTS; v++)
		printf(" %s %lu", loadrun_verdict_name(v), (unsigned long)r->verdict[v]);
	printf("\n  errors       %lu:", errors);
	for (int k = 0; k < LOADRUN_ERRORS; k++)
		printf(" %s %lu", loadrun_error_name(k), (unsigned long)r->err[k]);
	printf("\n");
	if (g->pid != 0 && ps->cpu_ok)
		printf("  milter %ld    cpu %.2f s, %.3f s per 1000 messages; rss peak %ld kB (VmHWM %ld kB)\n",
		       g->pid, ps->cpu_end - ps->cpu_start,
		       done ? (ps->cpu_end - ps->cpu_start) * 1000.0 / (double)done : 0.0,
		       ps->rss_peak_kb, ps->hwm_kb);
	else if (g->pid != 0)
		printf("  milter %ld    gone before the end: no CPU figure\n", g->pid);
	printf("  miltergen    cpu %.2f s (its own, on the same machine)\n", g->self_cpu);
}

/* miltergen_summary - one line of key=value for scripts, always printed */
static void miltergen_summary(const struct miltergen *g, const struct procstat *ps,
			      unsigned long done, unsigned long errors)
{
	const struct loadrun *r = &g->run;

	printf("summary connections=%u per_connection=%lu messages=%lu errors=%lu elapsed_s=%.3f "
	       "msg_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f setup_p50_ms=%.3f",
	       r->connections, r->per_conn, done, errors, r->elapsed,
	       r->elapsed > 0 ? (double)done / r->elapsed : 0.0,
	       latency_pct(&r->lat, 50) * 1e3, latency_pct(&r->lat, 90) * 1e3,
	       latency_pct(&r->lat, 99) * 1e3, latency_pct(&r->lat, 100) * 1e3,
	       latency_pct(&r->setup, 50) * 1e3);
	if (g->pid != 0 && ps->cpu_ok)
		printf(" cpu_s=%.2f cpu_s_per_1000=%.3f rss_peak_kb=%ld hwm_kb=%ld",
		       ps->cpu_end - ps->cpu_start,
		       done ? (ps->cpu_end - ps->cpu_start) * 1000.0 / (double)done : 0.0,
		       ps->rss_peak_kb, ps->hwm_kb);
	else
		printf(" cpu_s=na cpu_s_per_1000=na rss_peak_kb=na hwm_kb=na");
	printf(" gen_cpu_s=%.2f", g->self_cpu);
	if (r->negotiated)
		printf(" milter_version=%u milter_actions=0x%x milter_steps=0x%x", r->milter_version,
		       r->milter_actions, r->milter_steps);
	for (int v = 0; v < LOADRUN_VERDICTS; v++)
		printf(" %s=%lu", loadrun_verdict_name(v), (unsigned long)r->verdict[v]);
	for (int k = 0; k < LOADRUN_ERRORS; k++)
		printf(" err_%s=%lu", loadrun_error_name(k), (unsigned long)r->err[k]);
	printf("\n");
}

/* miltergen_open_actions - the per-message log, or exit 2 */
static void miltergen_open_actions(struct miltergen *g)
{
	if (g->actions_path == NULL)
		return;
	if (strcmp(g->actions_path, "-") == 0) {
		g->run.actions = stdout;
		return;
	}
	if ((g->run.actions = fopen(g->actions_path, "we")) == NULL) {
		fprintf(stderr, "miltergen: %s: %s\n", g->actions_path, strerror(errno));
		exit(2);
	}
}

/* miltergen_self_cpu - user + system seconds this process used */
static double miltergen_self_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* main - parse, run, report; the exit status tells whether anything failed */
int main(int argc, char **argv)
{
	static struct miltergen g;
	struct procstat ps = { 0 };
	struct sigaction sa;
	char err[300];
	unsigned long done, errors;

	miltergen_defaults(&g);
	miltergen_parse(&g, argc, argv);
	miltergen_open_actions(&g);
	g.run.corpus = &g.corpus;
	g.run.mopt = &g.mopt;
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = miltergen_sigint;
	miltergen_signal_run = &g.run;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (g.pid != 0 && !procstat_start(&ps, (pid_t)g.pid, err, sizeof(err))) {
		fprintf(stderr, "miltergen: --pid: %s\n", err);
		return 2;
	}
	if (!loadrun_run(&g.run, err, sizeof(err)))
		fprintf(stderr, "miltergen: %s\n", err);
	if (g.pid != 0)
		procstat_stop(&ps);
	g.self_cpu = miltergen_self_cpu();
	if (g.run.actions != NULL && g.run.actions != stdout)
		fclose(g.run.actions);
	fflush(stdout);
	done = g.run.completed;
	errors = loadrun_errors(&g.run);
	miltergen_report(&g, &ps, done, errors);
	miltergen_summary(&g, &ps, done, errors);
	loadrun_free(&g.run);
	corpus_free(&g.corpus);
	return errors == 0 ? 0 : 1;
}
