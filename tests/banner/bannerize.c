/*
 * bannerize - one message through what the milter does to its body: the
 * analysis, the action (vigie.conf's policy), the rewriter's plan and, when
 * the plan says so, its emit pass; prints the message as the milter would
 * leave it (header fields changed as banner_fields says, the new body) and,
 * on standard error, one line saying what was done ("banner: ..."). The
 * golden matrix, the fuzz replay and the rendering test drive it.
 *
 *   bannerize [--config FILE] [--test-keys FILE] [--chunk N] FILE
 *
 * Touches: the files named, standard output and error. Exit status 0, or
 * 2 for bad usage or an unreadable file.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "banner.h"
#include "conf.h"
#include "detector.h"
#include "edit.h"
#include "message.h"
#include "rawmsg.h"
#include "rewrite.h"
#include "vbuf.h"

/* The message as read, and what the analysis made of it. */
struct run {
	struct message *msg;
	struct edit edit;
	const struct conf *conf;
	struct vbuf head;		/* "Name:value\r\n" per field, as read */
	struct vbuf body;
	size_t messages;
};

static void run_begin(void *arg, const char *envelope)
{
	struct run *r = arg;

	r->messages++;
	if (envelope)
		message_envelope_from(r->msg, envelope);
}

static void run_header(void *arg, const char *name, const char *value)
{
	struct run *r = arg;

	vbuf_printf(&r->head, "%s:", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\n')
			vbuf_addc(&r->head, '\r');
		vbuf_addc(&r->head, *p);
	}
	vbuf_adds(&r->head, "\r\n");
	edit_header(&r->edit, name, value, r->conf->authserv_id);
	message_header(r->msg, name, value);
}

static void run_eoh(void *arg)
{
	message_eoh(((struct run *)arg)->msg);
}

static void run_body(void *arg, const char *data, size_t len)
{
	struct run *r = arg;

	vbuf_add(&r->body, data, len);
	message_body(r->msg, data, len);
}

static void run_end(void *arg)
{
	message_eom(((struct run *)arg)->msg);
}

/* run_out - the emit pass's output: standard output */
static bool run_out(void *arg, const char *data, size_t len)
{
	return fwrite(data, 1, len, stdout) == len;
}

/* run_pass - the body through one pass, in chunks */
static void run_pass(struct rewrite *rw, const struct vbuf *body, size_t chunk)
{
	for (size_t i = 0; i < body->len; i += chunk)
		rewrite_body(rw, body->data + i, body->len - i < chunk ? body->len - i : chunk);
}

/* run_field_is - whether a "Name:value" line of the header block is field name */
static bool run_field_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

/* run_head - the header block with the plan's field changes */
static void run_head(const struct run *r, const struct banner_field *f, size_t nf)
{
	const char *h = vbuf_str(&r->head);
	bool done[BANNER_FIELDS_MAX] = { false };

	while (*h) {
		const char *next = h;
		bool replaced = false;

		/* a field is its line and the folded lines after it */
		do {
			next = strstr(next, "\r\n");
			next = next ? next + 2 : h + strlen(h);
		} while (*next == ' ' || *next == '\t');
		for (size_t i = 0; i < nf; i++) {
			if (f[i].change && !done[i] && run_field_is(h, f[i].name)) {
				printf("%s: %s\r\n", f[i].name, f[i].value);
				done[i] = replaced = true;
			}
		}
		if (!replaced)
			fwrite(h, 1, (size_t)(next - h), stdout);
		h = next;
	}
	for (size_t i = 0; i < nf; i++)
		if (!f[i].change)
			printf("%s: %s\r\n", f[i].name, f[i].value);
	fputs("\r\n", stdout);
}

/* run_banner - plan, emit, print */
static void run_banner(struct run *r, size_t chunk)
{
	struct action a;
	struct rewrite_banner b;
	struct rewrite_top top;
	struct rewrite_plan plan = { .status = REWRITE_SKIP_NO_TEXT };
	struct banner_field f[BANNER_FIELDS_MAX];
	struct vbuf said = VBUF_INIT(1024);
	struct rewrite *rw = rewrite_new();
	const char *why = NULL;
	size_t nf = 0;

	action_decide(&a, r->conf, &r->conf->policy, &r->edit, r->msg, true);
	if (!a.banner) {
		fprintf(stderr, "banner: none (%s)\n", a.banner_skip ? a.banner_skip : "clean");
	} else {
		banner_plan(&a, &r->edit, r->body.data, r->body.len,
			    r->body.len > r->conf->banner_max_size, &plan);
		banner_describe(&plan, &said);
		fprintf(stderr, "banner: %s\n", vbuf_str(&said));
		nf = banner_fields(&plan, &r->edit, f);
	}
	run_head(r, f, nf);
	if (plan.status == REWRITE_CHANGE) {
		enum rewrite_status st;

		banner_of(&a, &b);
		banner_top(&r->edit, &top, &why);
		rewrite_emit_begin(rw, &b, &top, &plan, run_out, NULL);
		run_pass(rw, &r->body, chunk);
		st = rewrite_end(rw, NULL);
		if (st != REWRITE_CHANGE)
			fprintf(stderr, "bannerize: emit pass: %s\n", rewrite_status_name(st));
	} else {
		fwrite(r->body.data ? r->body.data : "", 1, r->body.len, stdout);
	}
	rewrite_plan_free(&plan);
	rewrite_free(rw);
	vbuf_free(&said);
	action_free(&a);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "test-keys", required_argument, NULL, 'k' },
		{ "chunk", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct detector_opts dopts = { 0 };
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	struct run r = { 0 };
	struct rawmsg_sink sink = { run_begin, run_header, run_eoh, run_body, run_end, &r };
	struct message_opts mo;
	struct detector *det;
	struct conf *conf;
	struct rawmsg *raw;
	const char *config = NULL;
	size_t chunk = 65536, n;
	char err[512], buf[65536];
	FILE *in;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 'k')
			dopts.test_keys_file = optarg;
		else if (c == 'n' && atol(optarg) > 0)
			chunk = (size_t)atol(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc || (in = fopen(argv[optind], "rb")) == NULL) {
		fprintf(stderr, "usage: bannerize [--config FILE] [--test-keys FILE] [--chunk N] FILE\n");
		return 2;
	}
	conf = config ? conf_load(config, true, &errors) : conf_defaults();
	if (conf == NULL) {
		fprintf(stderr, "%s", vbuf_str(&errors));
		return 2;
	}
	dopts.no_dkim = dopts.test_keys_file == NULL;
	if ((det = detector_new(&dopts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bannerize: %s\n", err);
		return 2;
	}
	conf_message_opts(conf, &mo);
	r.conf = conf;
	r.msg = message_new(det, &mo);
	edit_init(&r.edit);
	vbuf_init(&r.head, (size_t)1 << 24);
	vbuf_init(&r.body, (size_t)1 << 30);
	raw = rawmsg_new(false, &sink);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		rawmsg_feed(raw, buf, n);
	rawmsg_finish(raw);
	rawmsg_free(raw);
	fclose(in);
	run_banner(&r, chunk);
	message_free(r.msg);
	edit_reset(&r.edit);
	vbuf_free(&r.head);
	vbuf_free(&r.body);
	vbuf_free(&errors);
	detector_free(det);
	conf_free(conf);
	return fflush(stdout) == 0 ? 0 : 2;
}
