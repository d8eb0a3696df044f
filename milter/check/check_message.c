/*
 * check_message - vigie-check FILE...: each file (or standard input for
 * "-") is a message, or an mbox when its first line starts with "From ";
 * each message is split as the MTA would hand it to the milter (rawmsg.h),
 * analysed by exactly the milter's calls (message.h) with DKIM verified,
 * and reported: one line per finding, or one JSON object per message.
 *
 * Touches: the files named, standard input, the output stream; DNS for
 * DKIM keys, SPF and DMARC unless --test-dns (or --test-keys alone: then
 * no DNS at all). An unreadable file is reported and the run goes on; the
 * exit status is then 2.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brands.h"
#include "check_explain.h"
#include "check_mode.h"
#include "conf.h"
#include "detector.h"
#include "dns.h"
#include "json.h"
#include "message.h"
#include "rawmsg.h"
#include "verdict.h"
#include "xalloc.h"

#define CHECK_READ 65536

static const char *const check_sources[] = { "url", "bare", "email", "href", "area", "form" };

/* One input being read: its messages, one at a time. */
struct check_run {
	const struct detector *det;
	const struct check_opts *o;
	FILE *out;
	const char *file;
	bool mbox;
	size_t count;		/* messages begun in this input */
	struct message *msg;
	bool flagged;
	struct check_explain *explain;	/* --explain: the current message's report */
	bool envelope;			/* the envelope sender is known */
};

/* check_json_sigs - "dkim": one object per signature */
static void check_json_sigs(struct json *j, const struct message *m)
{
	json_key(j, "dkim");
	json_array_begin(j);
	for (size_t i = 0; i < message_sig_count(m); i++) {
		const struct message_sig *s = message_sig(m, i);

		json_object_begin(j);
		json_key(j, "domain");
		json_cstring(j, s->sig->domain);
		json_key(j, "selector");
		json_cstring(j, s->sig->selector);
		json_key(j, "algorithm");
		json_cstring(j, s->sig->algorithm);
		json_key(j, "result");
		if (s->checked)
			json_cstring(j, dkimcheck_result_name(s->sig->result));
		else
			json_null(j);
		json_key(j, "aligned");
		json_bool(j, s->aligned);
		json_key(j, "checked");
		json_bool(j, s->checked);
		if (s->checked && s->sig->reason[0]) {
			json_key(j, "reason");
			json_cstring(j, s->sig->reason);
		}
		if (s->sig->testing) {
			json_key(j, "testing");
			json_bool(j, true);
		}
		if (s->trusted) {
			json_key(j, "trusted_pass");
			json_cstring(j, s->trusted);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

/* what the report and the JSON say of SPF when no result was used */
#define CHECK_SPF_UNCHECKED "not checked (SPFVerify never, no trusted relay's spf=)"

/* check_spf_identity - which identity SPF judged: "helo" or "mailfrom" */
static const char *check_spf_identity(const struct spfcheck_out *spf)
{
	return spf->identity == SPFCHECK_HELO ? "helo" : "mailfrom";
}

/* check_json_spf - "spf": the SPF result the verdict used, and where it came from */
static void check_json_spf(struct json *j, const struct message *m)
{
	const char *by = NULL;
	const struct spfcheck_out *spf = message_spf_used(m, &by);
	bool known = spf != NULL && (spf->evaluated || by != NULL);

	json_key(j, "spf");
	json_object_begin(j);
	json_key(j, "result");
	json_cstring(j, spf ? spfcheck_result_name(spf->result) : NULL);
	json_key(j, "evaluated");
	json_bool(j, known);
	json_key(j, "identity");
	json_cstring(j, !known || !spf->domain[0] ? NULL : check_spf_identity(spf));
	json_key(j, "domain");
	json_cstring(j, known && spf->domain[0] ? spf->domain : NULL);
	json_key(j, "client_ip");
	json_cstring(j, spf && spf->ip[0] ? spf->ip : NULL);
	json_key(j, "reason");
	json_cstring(j, spf == NULL ? CHECK_SPF_UNCHECKED :
		     spf->reason && spf->reason[0] ? spf->reason : NULL);
	json_key(j, "trusted");
	json_cstring(j, by);
	json_object_end(j);
}

/* check_json_policy - a DMARC policy, or null */
static void check_json_policy(struct json *j, const char *key, enum dmarccheck_policy p)
{
	json_key(j, key);
	json_cstring(j, p == DMARCCHECK_P_ABSENT ? NULL : dmarccheck_policy_name(p));
}

/* check_json_dmarc - "dmarc": the result, the record's policy, the alignments */
static void check_json_dmarc(struct json *j, const struct message *m)
{
	const struct dmarccheck_out *all = message_dmarc(m), *d = all->evaluated ? all : NULL;
	enum dmarccheck_result tr;
	const char *by = message_trusted_dmarc(m, &tr);
	bool rec = d != NULL && (d->result == DMARCCHECK_PASS || d->result == DMARCCHECK_FAIL);

	json_key(j, "dmarc");
	json_object_begin(j);
	json_key(j, "result");
	json_cstring(j, d ? dmarccheck_result_name(d->result) : NULL);
	json_key(j, "domain");
	json_cstring(j, d ? d->from_domain : NULL);
	json_key(j, "record_domain");
	json_cstring(j, d && d->record_domain[0] ? d->record_domain : NULL);
	check_json_policy(j, "p", d ? d->p : DMARCCHECK_P_ABSENT);
	check_json_policy(j, "sp", d ? d->sp : DMARCCHECK_P_ABSENT);
	json_key(j, "pct");
	if (rec)
		json_int(j, d->pct);
	else
		json_null(j);
	check_json_policy(j, "policy", rec ? d->applied : DMARCCHECK_P_ABSENT);
	json_key(j, "adkim");
	json_cstring(j, rec ? (d->adkim_strict ? "s" : "r") : NULL);
	json_key(j, "aspf");
	json_cstring(j, rec ? (d->aspf_strict ? "s" : "r") : NULL);
	json_key(j, "dkim_aligned");
	json_bool(j, rec && d->dkim_aligned);
	json_key(j, "spf_aligned");
	json_bool(j, rec && d->spf_aligned);
	json_key(j, "reason");
	json_cstring(j, all->reason && all->reason[0] ? all->reason : NULL);
	json_key(j, "trusted");
	if (by == NULL) {
		json_null(j);
	} else {
		json_object_begin(j);
		json_key(j, "by");
		json_cstring(j, by);
		json_key(j, "result");
		json_cstring(j, dmarccheck_result_name(tr));
		json_object_end(j);
	}
	json_object_end(j);
}

/* check_json_links - "links": each link judged, with its finding */
static void check_json_links(struct json *j, const struct message *m)
{
	json_key(j, "links");
	json_array_begin(j);
	for (size_t i = 0; i < message_link_count(m); i++) {
		const struct message_link *l = message_link(m, i);

		json_object_begin(j);
		json_key(j, "host");
		json_cstring(j, l->host);
		json_key(j, "source");
		json_cstring(j, check_sources[l->source % 6]);
		json_key(j, "shows");
		json_cstring(j, l->shows[0] ? l->shows : NULL);
		if (l->via[0]) {
			json_key(j, "via");
			json_cstring(j, l->via);
		}
		json_key(j, "finding");
		json_cstring(j, l->finding ? reason_code_name(l->code) : NULL);
		if (l->finding) {
			json_key(j, "detail");
			json_cstring(j, l->detail);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

/* check_json_caps - "caps": what the caps left out (all zero: nothing) */
static void check_json_caps(struct json *j, const struct message *m)
{
	const struct message_caps *c = message_caps(m);
	struct vbuf text = VBUF_INIT(4096);

	json_key(j, "caps");
	json_object_begin(j);
	json_key(j, "hit");
	json_bool(j, message_caps_hit(m));
	json_key(j, "header_skipped");
	json_int(j, (long long)c->header_skipped);
	json_key(j, "header_truncated");
	json_int(j, (long long)c->header_truncated);
	json_key(j, "addresses_dropped");
	json_int(j, (long long)c->addresses_dropped);
	json_key(j, "body_cut");
	json_bool(j, c->body_unscanned > 0 || (c->mime_flags & 0x200));
	json_key(j, "body_unscanned");
	json_int(j, (long long)c->body_unscanned);
	json_key(j, "body_unlinked");
	json_int(j, (long long)c->body_unlinked);
	json_key(j, "mime_flags");
	json_int(j, c->mime_flags);
	json_key(j, "links_unjudged");
	json_int(j, (long long)c->links_unjudged);
	json_key(j, "dkim_unverified");
	json_int(j, (long long)c->dkim_unverified);
	json_key(j, "reasons_dropped");
	json_int(j, (long long)c->reasons_dropped);
	message_caps_text(m, &text);
	json_key(j, "detail");
	json_cstring(j, vbuf_str(&text));
	json_object_end(j);
	vbuf_free(&text);
}

/* check_message_json - one JSON line for a message */
static void check_message_json(struct check_run *r, const struct message *m)
{
	const struct verdict *v = message_verdict(m);
	const struct message_from *f = message_from(m);
	struct vbuf buf = VBUF_INIT(1 << 20);
	struct json j;

	json_init(&j, &buf);
	json_object_begin(&j);
	json_key(&j, "file");
	json_cstring(&j, r->file);
	if (r->mbox) {
		json_key(&j, "message");
		json_int(&j, (long long)r->count);
	}
	check_json_verdict(&j, v);
	check_json_reasons(&j, &v->reasons);
	json_key(&j, "from");
	json_object_begin(&j);
	json_key(&j, "display");
	json_cstring(&j, f->display);
	json_key(&j, "address");
	json_cstring(&j, f->address);
	json_key(&j, "domain");
	json_cstring(&j, f->domain[0] ? f->domain : NULL);
	json_object_end(&j);
	check_json_sigs(&j, m);
	check_json_spf(&j, m);
	check_json_dmarc(&j, m);
	check_json_links(&j, m);
	check_json_caps(&j, m);
	json_object_end(&j);
	vbuf_addc(&buf, '\n');
	fwrite(buf.data, 1, buf.len, r->out);
	vbuf_free(&buf);
}

/* check_sig_line - one DKIM signature on one line: the report's and --explain's */
void check_sig_line(FILE *out, const struct message_sig *s)
{
	fprintf(out, "d=%s s=%s a=%s: ", s->sig->domain, s->sig->selector,
		s->sig->algorithm[0] ? s->sig->algorithm : "?");
	if (!s->checked) {
		fputs("not checked (not aligned with From: it cannot change the verdict)\n", out);
		return;
	}
	fputs(dkimcheck_result_name(s->sig->result), out);
	if (s->sig->reason[0])
		fprintf(out, " (%s)", s->sig->reason);
	if (s->sig->key_bits)
		fprintf(out, ", %u-bit key", s->sig->key_bits);
	if (s->sig->testing)
		fputs(", key in testing mode (t=y)", out);
	fputs(s->aligned ? ", aligned with From" : ", not aligned with From", out);
	if (s->trusted)
		fprintf(out, ", passed at trusted %s", s->trusted);
	fputc('\n', out);
}

/* check_spf_line - SPF on one line: the report's and --explain's */
void check_spf_line(FILE *out, const struct message *m)
{
	const char *by = NULL;
	const struct spfcheck_out *spf = message_spf_used(m, &by);

	if (spf == NULL) {
		fputs(CHECK_SPF_UNCHECKED "\n", out);
		return;
	}
	fputs(spfcheck_result_name(spf->result), out);
	if (!spf->evaluated && by == NULL) {
		fprintf(out, " (not evaluated: %s%s)\n", spf->reason,
			strcmp(spf->reason, "no client address") == 0 ? "; give --client-ip" : "");
		return;
	}
	if (spf->domain[0])
		fprintf(out, " (%s=%s", check_spf_identity(spf), spf->domain);
	if (spf->ip[0])
		fprintf(out, ", client %s", spf->ip);
	if (spf->reason && spf->reason[0])
		fprintf(out, ": %s", spf->reason);
	fputs(spf->domain[0] ? ")" : "", out);
	if (by)
		fprintf(out, ", from trusted %s", by);
	fputc('\n', out);
}

/* check_dmarc_line - DMARC on one line: the report's and --explain's */
void check_dmarc_line(FILE *out, const struct message *m)
{
	const struct dmarccheck_out *d = message_dmarc(m);

	if (!d->evaluated) {
		fprintf(out, "not evaluated (%s)\n", d->reason);
		return;
	}
	fprintf(out, "%s (header.from=%s", dmarccheck_result_name(d->result), d->from_domain);
	if (d->result == DMARCCHECK_PASS || d->result == DMARCCHECK_FAIL) {
		fprintf(out, ", p=%s", dmarccheck_policy_name(d->p));
		if (d->from_org && d->sp)
			fprintf(out, " sp=%s", dmarccheck_policy_name(d->sp));
		if (d->from_org)
			fprintf(out, " at %s", d->record_domain);
		if (d->pct < 100)
			fprintf(out, " pct=%d", d->pct);
		fprintf(out, ", aligned pass: %s", d->dkim_aligned && d->spf_aligned ? "DKIM and SPF" :
			d->dkim_aligned ? "DKIM" : d->spf_aligned ? "SPF" : "none");
	}
	if (d->reason && d->reason[0])
		fprintf(out, ", %s", d->reason);
	fputs(")\n", out);
}

/* check_message_text - the human report of a message */
static void check_message_text(struct check_run *r, const struct message *m)
{
	const struct verdict *v = message_verdict(m);
	const struct message_from *f = message_from(m);
	struct vbuf caps = VBUF_INIT(4096);

	check_text(r->out, r->file, strlen(r->file));
	if (r->mbox)
		fprintf(r->out, " #%zu", r->count);
	fprintf(r->out, ": %s, score %d", verdict_kind_name(v->kind), v->score);
	if (v->brand)
		fprintf(r->out, ", brand %s", brand_name(v->brand));
	fputs("\n  from: ", r->out);
	if (f->display[0]) {
		fputc('"', r->out);
		check_text(r->out, f->display, strlen(f->display));
		fputs("\" ", r->out);
	}
	fputc('<', r->out);
	check_text(r->out, f->address, strlen(f->address));
	fputc('>', r->out);
	if (f->fields != 1)
		fprintf(r->out, " (%zu From fields)", f->fields);
	fputc('\n', r->out);
	for (size_t i = 0; i < v->reasons.count; i++) {
		const struct reason *x = &v->reasons.item[i];

		fprintf(r->out, "  %s (%s): ", reason_code_name(x->code), reason_where_name(x->where));
		check_text(r->out, x->detail, strlen(x->detail));
		fputc('\n', r->out);
	}
	for (size_t i = 0; i < message_sig_count(m); i++) {
		fputs("  dkim: ", r->out);
		check_sig_line(r->out, message_sig(m, i));
	}
	/* offline (test keys alone) neither runs: nothing to say */
	if (dns_source(detector_dns(r->det)) != DNS_NONE) {
		fputs("  spf: ", r->out);
		check_spf_line(r->out, m);
		fputs("  dmarc: ", r->out);
		check_dmarc_line(r->out, m);
	}
	message_caps_text(m, &caps);
	if (caps.len) {
		fputs("  caps: ", r->out);
		check_text(r->out, caps.data, caps.len);
		fputc('\n', r->out);
	}
	vbuf_free(&caps);
}

/* check_begin - rawmsg: a message starts; a new analysis */
static void check_begin(void *arg, const char *envelope_from)
{
	struct check_run *r = arg;
	struct message_opts mo;
	const char *source = "the mbox From line";

	/* vigie.conf's settings, but DKIM and SPF on every message (vigie-check(1));
	 * --explain shows what the milter does, so it keeps DKIMVerify and SPFVerify */
	conf_message_opts(r->o->conf, &mo);
	if (!r->o->explain) {
		mo.dkim = MESSAGE_DKIM_ALWAYS;
		mo.spf = MESSAGE_SPF_ALWAYS;
	}
	if (r->o->explain) {
		check_explain_free(r->explain);
		r->explain = check_explain_new(r->o);
	}
	message_free(r->msg);
	r->msg = message_new(r->det, &mo);
	message_trust(r->msg, r->o->conf->trusted_authserv_ids);
	r->count++;
	message_client(r->msg, r->o->client_ip, r->o->helo);
	if (r->o->mail_from) {
		envelope_from = r->o->mail_from;
		source = "--mail-from";
	}
	r->envelope = envelope_from != NULL;
	if (envelope_from)
		message_envelope_from(r->msg, envelope_from);
	if (r->explain && envelope_from)
		check_explain_envelope(r->explain, envelope_from, source);
}

/* check_header - rawmsg: one field, as libmilter gives it */
static void check_header(void *arg, const char *name, const char *value)
{
	struct check_run *r = arg;

	if (r->explain != NULL) {
		check_explain_header(r->explain, name, value);
		/* a saved message: its Return-Path is what the MTA saw as MAIL FROM */
		if (!r->envelope && strcasecmp(name, "Return-Path") == 0) {
			value += strspn(value, " \t");
			message_envelope_from(r->msg, value);
			check_explain_envelope(r->explain, value, "Return-Path");
			r->envelope = true;
		}
	}
	message_header(r->msg, name, value);
}

/* check_eoh - rawmsg: the end of the header */
static void check_eoh(void *arg)
{
	message_eoh(((struct check_run *)arg)->msg);
}

/* check_body - rawmsg: a body chunk, CRLF line ends */
static void check_body(void *arg, const char *data, size_t len)
{
	struct check_run *r = arg;

	/* the milter stops when told; here every byte is counted for the caps */
	message_body(r->msg, data, len);
	if (r->explain != NULL)
		check_explain_body(r->explain, data, len);
}

/* check_end - rawmsg: the message is complete: judge and report it */
static void check_end(void *arg)
{
	struct check_run *r = arg;

	message_eom(r->msg);
	if (message_verdict(r->msg)->kind != VERDICT_CLEAN)
		r->flagged = true;
	if (r->explain != NULL)
		check_explain_report(r->explain, r->det, r->msg, r->file,
				     r->mbox ? r->count : 1, r->out);
	else if (r->o->json)
		check_message_json(r, r->msg);
	else
		check_message_text(r, r->msg);
	message_free(r->msg);
	r->msg = NULL;
	check_explain_free(r->explain);
	r->explain = NULL;
}

/* check_message_file - one input; false when it cannot be read */
static bool check_message_file(struct check_run *r, const char *path)
{
	struct rawmsg_sink sink = { check_begin, check_header, check_eoh, check_body, check_end, r };
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;
	struct rawmsg *raw = NULL;
	bool ok = true;

	if (f == NULL) {
		fprintf(stderr, "vigie-check: %s: %s\n", path, strerror(errno));
		return false;
	}
	r->file = path;
	r->count = 0;
	buf = xmalloc(CHECK_READ);
	while ((n = fread(buf, 1, CHECK_READ, f)) > 0) {
		if (raw == NULL) {
			r->mbox = n >= 5 && memcmp(buf, "From ", 5) == 0;
			raw = rawmsg_new(r->mbox, &sink);
		}
		rawmsg_feed(raw, buf, n);
	}
	if (ferror(f)) {
		fprintf(stderr, "vigie-check: %s: read error\n", path);
		ok = false;
	}
	if (raw == NULL) {
		r->mbox = false;
		raw = rawmsg_new(false, &sink);
	}
	rawmsg_finish(raw);
	rawmsg_free(raw);
	if (ok && r->count == 0) {	/* empty input: a message without anything */
		r->mbox = false;
		check_begin(r, NULL);
		check_end(r);
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	return ok;
}

/* check_messages - vigie-check FILE...: every message of every file */
int check_messages(const struct detector *det, const struct check_opts *o, FILE *out)
{
	struct check_run r = { det, o, out, NULL, false, 0, NULL, false, NULL, false };
	int status = 0;

	for (int i = 0; i < o->nargs; i++)
		if (!check_message_file(&r, o->args[i]))
			status = 2;
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "vigie-check: write error\n");
		return 2;
	}
	return status ? status : r.flagged ? 1 : 0;
}
