/*
 * milterconn - the MTA's half of a milter conversation, as Postfix 3.7 has it.
 *
 * May touch: one socket (through milterio) and the heap.
 * Fails by status with a reason in c->err: the socket statuses of milterio,
 * MILTERCONN_PROTOCOL for a reply that does not belong where it came (an
 * unknown code, a modification before EOM or not negotiated, SKIP not
 * negotiated, a malformed reply code, data after a one-byte reply),
 * MILTERCONN_REFUSED when the milter ends the connection at CONNECT/HELO.
 * After a failure the connection is out of step and must be closed.
 */
#include <config.h>

#include <libmilter/mfdef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "milterconn.h"
#include "mtime.h"
#include "xalloc.h"

enum { REPLY_CONTINUE, REPLY_DECIDED, REPLY_SKIP };

#define MILTERCONN_PROGRESS_MAX 100000	/* SMFIR_PROGRESS replies per command */

/* milterconn_fail - record a reason, return the status */
static int milterconn_fail(struct milterconn *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return status;
}

/* milterconn_command_name - SMFIC_* code as a word, for messages */
const char *milterconn_command_name(char cmd)
{
	switch (cmd) {
	case SMFIC_OPTNEG: return "OPTNEG";
	case SMFIC_CONNECT: return "CONNECT";
	case SMFIC_HELO: return "HELO";
	case SMFIC_MAIL: return "MAIL";
	case SMFIC_RCPT: return "RCPT";
	case SMFIC_DATA: return "DATA";
	case SMFIC_HEADER: return "HEADER";
	case SMFIC_EOH: return "EOH";
	case SMFIC_BODY: return "BODY";
	case SMFIC_BODYEOB: return "EOM";
	default: return "?";
	}
}

/* milterconn_mod_name - modification code as the word reports use */
const char *milterconn_mod_name(char op)
{
	switch (op) {
	case SMFIR_ADDHEADER: return "addheader";
	case SMFIR_INSHEADER: return "insheader";
	case SMFIR_CHGHEADER: return "chgheader";
	case SMFIR_CHGFROM: return "chgfrom";
	case SMFIR_ADDRCPT: return "addrcpt";
	case SMFIR_ADDRCPT_PAR: return "addrcpt";
	case SMFIR_DELRCPT: return "delrcpt";
	case SMFIR_REPLBODY: return "replbody";
	case SMFIR_QUARANTINE: return "quarantine";
	default: return "?";
	}
}

/* milterconn_verdict - the final decision as a word */
const char *milterconn_verdict(const struct milterconn_result *r)
{
	switch (r->final) {
	case SMFIR_ACCEPT: return "accept";
	case SMFIR_CONTINUE: return "continue";
	case SMFIR_REJECT: return "reject";
	case SMFIR_TEMPFAIL: return "tempfail";
	case SMFIR_DISCARD: return "discard";
	case SMFIR_SHUTDOWN: return "shutdown";
	case SMFIR_REPLYCODE: return r->reply[0] == '4' ? "tempfail" : "reject";
	default: return "none";
	}
}

/* milterconn_result_reset - ready for the next message, memory kept */
void milterconn_result_reset(struct milterconn_result *r)
{
	for (size_t i = 0; i < r->nmod; i++) {
		free(r->mod[i].name);
		free(r->mod[i].value);
	}
	r->nmod = 0;
	r->final = r->stage = 0;
	r->quarantined = r->skipped = false;
	r->chunks = 0;
	r->reply[0] = '\0';
}

/* milterconn_result_free - release what the result holds */
void milterconn_result_free(struct milterconn_result *r)
{
	milterconn_result_reset(r);
	free(r->mod);
	r->mod = NULL;
	r->amod = 0;
}

/* milterconn_str - next NUL-terminated string of the reply data, or NULL */
static const char *milterconn_str(const struct vbuf *in, size_t *pos)
{
	const char *s = in->data + *pos;
	const char *nul;

	if (*pos >= in->len || (nul = memchr(s, '\0', in->len - *pos)) == NULL)
		return NULL;
	*pos += (size_t)(nul - s) + 1;
	return s;
}

/* milterconn_u32 - next network-order number of the reply data */
static bool milterconn_u32(const struct vbuf *in, size_t *pos, uint32_t *v)
{
	const unsigned char *p = (const unsigned char *)in->data + *pos;

	if (in->len - *pos < 4)
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	*pos += 4;
	return true;
}

/* milterconn_mod_action - the SMFIF_* bit a modification needs */
static uint32_t milterconn_mod_action(char op)
{
	switch (op) {
	case SMFIR_ADDHEADER:
	case SMFIR_INSHEADER: return MILTERCONN_ADDHDRS;
	case SMFIR_CHGHEADER: return MILTERCONN_CHGHDRS;
	case SMFIR_CHGFROM: return MILTERCONN_CHGFROM;
	case SMFIR_ADDRCPT: return MILTERCONN_ADDRCPT;
	case SMFIR_ADDRCPT_PAR: return MILTERCONN_ADDRCPT_PAR;
	case SMFIR_DELRCPT: return MILTERCONN_DELRCPT;
	case SMFIR_REPLBODY: return MILTERCONN_CHGBODY;
	case SMFIR_QUARANTINE: return MILTERCONN_QUARANTINE;
	default: return 0;
	}
}

/* milterconn_mod_parse - split a modification's data; false if malformed */
static bool milterconn_mod_parse(const struct vbuf *in, char op, struct milterconn_mod *mod)
{
	size_t pos = 0;
	const char *a = NULL, *b = NULL;

	mod->index = 0;
	switch (op) {
	case SMFIR_INSHEADER:
	case SMFIR_CHGHEADER:
		if (!milterconn_u32(in, &pos, &mod->index))
			return false;
		/* FALLTHROUGH */
	case SMFIR_ADDHEADER:
		if ((a = milterconn_str(in, &pos)) == NULL || *a == '\0' ||
		    (b = milterconn_str(in, &pos)) == NULL)
			return false;
		break;
	case SMFIR_CHGFROM:
	case SMFIR_ADDRCPT_PAR:
		if ((a = milterconn_str(in, &pos)) == NULL)
			return false;
		if (pos < in->len && (b = milterconn_str(in, &pos)) == NULL)
			return false;
		break;
	case SMFIR_ADDRCPT:
	case SMFIR_DELRCPT:
	case SMFIR_QUARANTINE:
		if ((a = milterconn_str(in, &pos)) == NULL)
			return false;
		break;
	case SMFIR_REPLBODY:
		mod->index = (uint32_t)in->len;
		pos = in->len;
		break;
	}
	if (pos != in->len)
		return false;
	mod->op = op;
	mod->name = a ? xstrdup(a) : NULL;
	mod->value = b ? xstrdup(b) : NULL;
	return true;
}

/* milterconn_modify - take one modification request at EOM */
static int milterconn_modify(struct milterconn *c, char cmd, struct milterconn_result *r)
{
	char op = c->io.cmd;
	uint32_t need = milterconn_mod_action(op);

	if (cmd != SMFIC_BODYEOB)
		return milterconn_fail(c, MILTERIO_PROTOCOL, "modification '%c' answering %s, not EOM",
				       op, milterconn_command_name(cmd));
	if ((c->actions & need) == 0)
		return milterconn_fail(c, MILTERIO_PROTOCOL,
				       "%s without negotiating action 0x%x",
				       milterconn_mod_name(op), need);
	if (r->nmod == MILTERCONN_MODS_MAX)
		return milterconn_fail(c, MILTERIO_PROTOCOL, "more than %d modifications",
				       MILTERCONN_MODS_MAX);
	if (r->nmod == r->amod) {
		r->amod = r->amod ? r->amod * 2 : 8;
		r->mod = xreallocarray(r->mod, r->amod, sizeof(*r->mod));
	}
	if (!milterconn_mod_parse(&c->io.in, op, &r->mod[r->nmod]))
		return milterconn_fail(c, MILTERIO_PROTOCOL, "malformed %s data (%zu bytes)",
				       milterconn_mod_name(op), c->io.in.len);
	r->nmod++;
	if (op == SMFIR_QUARANTINE)
		r->quarantined = true;
	return 0;
}

/* milterconn_replycode - check an SMFIR_REPLYCODE as Postfix does: [45]dd then x.y.z */
static int milterconn_replycode(struct milterconn *c, struct milterconn_result *r)
{
	const struct vbuf *in = &c->io.in;
	const char *t = in->data;

	if (in->len < 6 || memchr(t, '\0', in->len) != t + in->len - 1 ||
	    (t[0] != '4' && t[0] != '5') || t[1] < '0' || t[1] > '9' ||
	    t[2] < '0' || t[2] > '9' || (t[3] != ' ' && t[3] != '-') || t[4] != t[0])
		return milterconn_fail(c, MILTERIO_PROTOCOL, "malformed reply code \"%.80s\"",
				       in->len ? t : "");
	snprintf(r->reply, sizeof(r->reply), "%s", t);
	return 0;
}

/* milterconn_decide - a reply that ends the message (or connection) */
static int milterconn_decide(struct milterconn *c, char cmd, struct milterconn_result *r,
			     int *outcome)
{
	char rc = c->io.cmd;
	int st;

	if (rc == SMFIR_REPLYCODE) {
		if ((st = milterconn_replycode(c, r)) != 0)
			return st;
	} else if (c->io.in.len != 0) {
		return milterconn_fail(c, MILTERIO_PROTOCOL, "reply '%c' followed by %zu data bytes",
				       rc, c->io.in.len);
	}
	if (rc == SMFIR_DISCARD && (cmd == SMFIC_CONNECT || cmd == SMFIC_HELO))
		return milterconn_fail(c, MILTERIO_PROTOCOL, "DISCARD answering %s",
				       milterconn_command_name(cmd));
	r->final = rc;
	r->stage = cmd;
	*outcome = REPLY_DECIDED;
	return 0;
}

/* milterconn_unsolicited - bytes already read that no command asked for */
static int milterconn_unsolicited(struct milterconn *c, char cmd)
{
	if (c->io.rpos == c->io.rlen)
		return 0;
	return milterconn_fail(c, MILTERIO_PROTOCOL, "%zu bytes of reply nobody asked for, %s %s",
			       c->io.rlen - c->io.rpos, cmd == SMFIC_BODYEOB ? "after" : "before",
			       milterconn_command_name(cmd));
}

/* milterconn_reply - read replies to cmd until one that lets the MTA go on */
static int milterconn_reply(struct milterconn *c, char cmd, double msg_deadline,
			    struct milterconn_result *r, int *outcome)
{
	/* a reply to ABORT, a macro or a declined step would shift every later one */
	if (milterconn_unsolicited(c, cmd) != 0)
		return MILTERIO_PROTOCOL;
	for (unsigned progress = 0;;) {
		double deadline = mtime_now() + c->o->timeout;
		int st;

		if (deadline > msg_deadline)
			deadline = msg_deadline;
		if ((st = milterio_read(&c->io, deadline)) != 0)
			return milterconn_fail(c, st, "%s, awaiting the reply to %s", c->io.err,
					       milterconn_command_name(cmd));
		switch (c->io.cmd) {
		case SMFIR_PROGRESS:
			if (c->io.in.len != 0 || ++progress > MILTERCONN_PROGRESS_MAX)
				return milterconn_fail(c, MILTERIO_PROTOCOL, "bad or endless PROGRESS");
			continue;
		case SMFIR_CONTINUE:
			if (cmd == SMFIC_BODYEOB)	/* at EOM, "continue" is the decision */
				return milterconn_decide(c, cmd, r, outcome);
			if (c->io.in.len != 0)
				return milterconn_fail(c, MILTERIO_PROTOCOL, "CONTINUE with data");
			*outcome = REPLY_CONTINUE;
			return 0;
		case SMFIR_SKIP:
			if (c->io.in.len != 0 || cmd != SMFIC_BODY || !(c->steps & SMFIP_SKIP))
				return milterconn_fail(c, MILTERIO_PROTOCOL,
						       "SKIP answering %s%s", milterconn_command_name(cmd),
						       (c->steps & SMFIP_SKIP) ? "" : " (not negotiated)");
			*outcome = REPLY_SKIP;
			return 0;
		case SMFIR_ACCEPT:
		case SMFIR_REJECT:
		case SMFIR_TEMPFAIL:
		case SMFIR_DISCARD:
		case SMFIR_SHUTDOWN:
		case SMFIR_REPLYCODE:
			return milterconn_decide(c, cmd, r, outcome);
		default:
			if (milterconn_mod_action(c->io.cmd) == 0)
				return milterconn_fail(c, MILTERIO_PROTOCOL,
						       "unknown reply code 0x%02x answering %s",
						       (unsigned char)c->io.cmd,
						       milterconn_command_name(cmd));
			if ((st = milterconn_modify(c, cmd, r)) != 0)
				return st;
		}
	}
}

/* milterconn_flush_if_full - write out a long run of replyless commands */
static int milterconn_flush_if_full(struct milterconn *c, double msg_deadline)
{
	if (c->io.out.len < MILTERIO_FLUSH_AT || milterio_flush(&c->io, msg_deadline) == 0)
		return 0;
	return milterconn_fail(c, MILTERIO_TIMEOUT, "%s", c->io.err);
}

/* milterconn_event - macros, the command unless negotiated away, its reply unless declined */
static int milterconn_event(struct milterconn *c, const struct macroset *ms,
			    enum macroset_stage stage, char cmd, const char *const *args,
			    const void *raw, size_t rawlen, uint32_t no, uint32_t nr,
			    double dl, struct milterconn_result *r, int *outcome)
{
	*outcome = REPLY_CONTINUE;
	/* the macros go even when the step was negotiated away, as Postfix does */
	macroset_send(ms, c->list[stage], cmd, &c->io);
	if (c->steps & no)
		return 0;
	milterio_begin(&c->io, cmd);
	for (; args != NULL && *args != NULL; args++)
		milterio_addstr(&c->io, *args);
	if (raw != NULL)
		milterio_add(&c->io, raw, rawlen);
	milterio_end(&c->io);
	if (c->steps & nr)
		return milterconn_flush_if_full(c, dl);
	return milterconn_reply(c, cmd, dl, r, outcome);
}

/* milterconn_conn_macros - the values known once the client is connected */
static void milterconn_conn_macros(const struct milterconn *c, struct macroset *ms)
{
	const struct milterconn_opts *o = c->o;

	macroset_init(ms);
	macroset_put(ms, "j", o->myhostname);
	macroset_put(ms, "daemon_name", o->myhostname);
	macroset_put(ms, "daemon_addr", o->daemon_addr);
	macroset_put(ms, "v", o->mta_version);
	macroset_put(ms, "_", c->ident);
	macroset_put(ms, "client_addr", o->client_addr);
	macroset_put(ms, "client_name", o->client_name);
	macroset_put(ms, "client_port", c->client_port);
}

/* milterconn_negotiate - SMFIC_OPTNEG out, the milter's choices and macro lists in */
static int milterconn_negotiate(struct milterconn *c)
{
	const struct milterconn_opts *o = c->o;
	const struct vbuf *in = &c->io.in;
	size_t pos = 0;
	int st;

	milterio_begin(&c->io, SMFIC_OPTNEG);
	milterio_add32(&c->io, o->version);
	milterio_add32(&c->io, o->actions);
	milterio_add32(&c->io, o->steps);
	milterio_end(&c->io);
	if ((st = milterio_read(&c->io, mtime_now() + o->timeout)) != 0)
		return milterconn_fail(c, st, "%s, awaiting the reply to OPTNEG", c->io.err);
	if (c->io.cmd != SMFIC_OPTNEG || !milterconn_u32(in, &pos, &c->version) ||
	    !milterconn_u32(in, &pos, &c->actions) || !milterconn_u32(in, &pos, &c->steps))
		return milterconn_fail(c, MILTERIO_PROTOCOL, "bad OPTNEG reply (code 0x%02x, %zu bytes)",
				       (unsigned char)c->io.cmd, in->len);
	if (c->version < 2 || c->version > o->version)
		return milterconn_fail(c, MILTERIO_PROTOCOL, "milter protocol version %u (MTA offers %u)",
				       c->version, o->version);
	if (c->actions & ~o->actions)
		return milterconn_fail(c, MILTERIO_PROTOCOL, "milter wants actions 0x%x, offered 0x%x",
				       c->actions, o->actions);
	while (pos < in->len) {
		uint32_t stage;
		const char *list;

		if (!milterconn_u32(in, &pos, &stage) || (list = milterconn_str(in, &pos)) == NULL)
			return milterconn_fail(c, MILTERIO_PROTOCOL, "malformed macro list in OPTNEG");
		/* an unknown stage is ignored, as Postfix does */
		if (stage < MACROSET_STAGES) {
			free(c->symlist[stage]);
			c->symlist[stage] = xstrdup(list);
		}
	}
	for (int s = 0; s < MACROSET_STAGES; s++)
		c->list[s] = c->symlist[s] ? c->symlist[s] : macroset_default_list(s);
	return 0;
}

/* milterconn_greet - CONNECT and HELO; any decision there refuses the connection */
static int milterconn_greet(struct milterconn *c)
{
	const struct milterconn_opts *o = c->o;
	struct milterconn_result r = { 0 };
	const char *helo[] = { o->helo, NULL };
	char raw[SOCKSPEC_HOST_MAX * 2 + 8];
	size_t n, alen = strlen(o->client_addr) + 1, nlen = strlen(o->client_name) + 1;
	unsigned port = (unsigned)atoi(c->client_port);
	struct macroset ms;
	double dl = mtime_now() + o->msg_timeout;
	int st, out;

	if (alen + nlen + 3 > sizeof(raw))
		return milterconn_fail(c, MILTERIO_PROTOCOL, "client name or address too long");
	memcpy(raw, o->client_name, nlen);
	n = nlen;
	raw[n++] = strchr(o->client_addr, ':') ? SMFIA_INET6 : SMFIA_INET;
	raw[n++] = (char)(port >> 8);
	raw[n++] = (char)port;
	memcpy(raw + n, o->client_addr, alen);
	n += alen;
	milterconn_conn_macros(c, &ms);
	st = milterconn_event(c, &ms, MACROSET_CONNECT, SMFIC_CONNECT, NULL, raw, n,
			      SMFIP_NOCONNECT, SMFIP_NR_CONN, dl, &r, &out);
	if (st == 0 && out == REPLY_CONTINUE)
		st = milterconn_event(c, &ms, MACROSET_HELO, SMFIC_HELO, helo, NULL, 0,
				      SMFIP_NOHELO, SMFIP_NR_HELO, dl, &r, &out);
	if (st == 0 && out != REPLY_CONTINUE)
		st = milterconn_fail(c, MILTERCONN_REFUSED, "milter answered %s with %s",
				     milterconn_command_name(r.stage), milterconn_verdict(&r));
	milterconn_result_free(&r);
	return st;
}

/* milterconn_open - connect, negotiate, CONNECT, HELO */
int milterconn_open(struct milterconn *c, const struct milterconn_opts *o, unsigned seq)
{
	int fd, st;

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->io.fd = -1;
	snprintf(c->client_port, sizeof(c->client_port), "%u", 1024 + seq % 64000);
	snprintf(c->ident, sizeof(c->ident), "%s [%s]", o->client_name, o->client_addr);
	fd = sockspec_connect(&o->sock, (int)(o->timeout * 1000), o->nodelay, c->err, sizeof(c->err));
	if (fd < 0)
		return MILTERCONN_UNREACHABLE;
	milterio_init(&c->io, fd, o->max_reply);
	c->io.quickack = o->quickack && o->sock.family != AF_UNIX;
	if ((st = milterconn_negotiate(c)) != 0)
		return st;
	return milterconn_greet(c);
}

/* milterconn_header - one header field, leading space as negotiated */
static int milterconn_header(struct milterconn *c, const struct macroset *ms,
			     const struct corpus_header *h, double dl,
			     struct milterconn_result *r, int *out)
{
	const char *v = h->value;
	const char *args[3];

	/* without SMFIP_HDR_LEADSPC, Sendmail and Postfix eat one space (not a tab) */
	if (!(c->steps & SMFIP_HDR_LEADSPC) && *v == ' ')
		v++;
	args[0] = h->name;
	args[1] = v;
	args[2] = NULL;
	return milterconn_event(c, ms, MACROSET_EOH, SMFIC_HEADER, args, NULL, 0,
				SMFIP_NOHDRS, SMFIP_NR_HDR, dl, r, out);
}

/* milterconn_content - header fields, EOH, body chunks, EOM */
static int milterconn_content(struct milterconn *c, const struct macroset *ms,
			      const struct corpus_msg *m, double dl,
			      struct milterconn_result *r)
{
	int st = 0, out = REPLY_CONTINUE;

	for (size_t i = 0; i < m->nhdr && st == 0 && out == REPLY_CONTINUE; i++)
		if (!(c->steps & SMFIP_NOHDRS))
			st = milterconn_header(c, ms, &m->hdr[i], dl, r, &out);
	if (st == 0 && out == REPLY_CONTINUE && !(c->steps & SMFIP_NOEOH))
		st = milterconn_event(c, ms, MACROSET_EOH, SMFIC_EOH, NULL, NULL, 0,
				      SMFIP_NOEOH, SMFIP_NR_EOH, dl, r, &out);
	for (size_t off = 0; st == 0 && out == REPLY_CONTINUE && off < m->bodylen &&
	     !(c->steps & SMFIP_NOBODY); off += MILTER_CHUNK_SIZE) {
		size_t n = m->bodylen - off < MILTER_CHUNK_SIZE ? m->bodylen - off : MILTER_CHUNK_SIZE;

		r->chunks++;
		st = milterconn_event(c, ms, MACROSET_EOM, SMFIC_BODY, NULL, m->body + off, n,
				      SMFIP_NOBODY, SMFIP_NR_BODY, dl, r, &out);
	}
	if (st == 0 && out == REPLY_SKIP) {
		r->skipped = true;
		out = REPLY_CONTINUE;
	}
	if (st == 0 && out == REPLY_CONTINUE)
		st = milterconn_event(c, ms, MACROSET_EOM, SMFIC_BODYEOB, NULL, NULL, 0,
				      0, 0, dl, r, &out);
	return st;
}

/* milterconn_domain - the part after the @, or "" */
static const char *milterconn_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

/* milterconn_message - one transaction, then ABORT; r->final says how the milter decided */
int milterconn_message(struct milterconn *c, const struct corpus_msg *m, const char *qid,
		       const char *sender, const char *rcpt, struct milterconn_result *r)
{
	double dl = mtime_now() + c->o->msg_timeout;
	char from[CORPUS_ADDR_MAX + 2], to[CORPUS_ADDR_MAX + 2], size[32];
	const char *mail[] = { from, size, NULL }, *rcpts[] = { to, NULL };
	struct macroset ms;
	int st, out;

	snprintf(from, sizeof(from), "<%s>", sender);
	snprintf(to, sizeof(to), "<%s>", rcpt);
	snprintf(size, sizeof(size), "SIZE=%zu", m->size);
	milterconn_conn_macros(c, &ms);
	macroset_put(&ms, "mail_addr", sender);
	macroset_put(&ms, "mail_host", milterconn_domain(sender));
	macroset_put(&ms, "mail_mailer", "smtp");
	if (c->o->auth != NULL) {
		macroset_put(&ms, "auth_type", "PLAIN");
		macroset_put(&ms, "auth_authen", c->o->auth);
	}
	st = milterconn_event(c, &ms, MACROSET_MAIL, SMFIC_MAIL, mail, NULL, 0,
			      SMFIP_NOMAIL, SMFIP_NR_MAIL, dl, r, &out);
	/* Postfix creates the queue file, hence "i", at the first accepted RCPT */
	macroset_put(&ms, "i", qid);
	macroset_put(&ms, "rcpt_addr", rcpt);
	macroset_put(&ms, "rcpt_host", milterconn_domain(rcpt));
	macroset_put(&ms, "rcpt_mailer", "smtp");
	if (st == 0 && out == REPLY_CONTINUE)
		st = milterconn_event(c, &ms, MACROSET_RCPT, SMFIC_RCPT, rcpts, NULL, 0,
				      SMFIP_NORCPT, SMFIP_NR_RCPT, dl, r, &out);
	if (st == 0 && out == REPLY_CONTINUE)
		st = milterconn_event(c, &ms, MACROSET_DATA, SMFIC_DATA, NULL, NULL, 0,
				      SMFIP_NODATA, SMFIP_NR_DATA, dl, r, &out);
	if (st == 0 && out == REPLY_CONTINUE)
		st = milterconn_content(c, &ms, m, dl, r);
	if (st != 0)
		return st;
	if (r->stage == SMFIC_BODYEOB && milterconn_unsolicited(c, SMFIC_BODYEOB) != 0)
		return MILTERIO_PROTOCOL;
	/* Postfix resets every transaction; the ABORT goes out with the next command */
	milterio_begin(&c->io, SMFIC_ABORT);
	milterio_end(&c->io);
	return 0;
}

/*
 * milterconn_close - QUIT when the connection is in step, then close. A
 * milter handles commands in order, so any reply nobody asked for is sent
 * before it sees QUIT and closes: read to EOF (a second at most) to catch it.
 */
int milterconn_close(struct milterconn *c, bool quit)
{
	size_t stray = 0;

	if (quit && c->io.fd >= 0) {
		milterio_begin(&c->io, SMFIC_QUIT);
		milterio_end(&c->io);
		stray = milterio_drain(&c->io, mtime_now() + (c->o->timeout < 1 ? c->o->timeout : 1));
	}
	if (c->io.rbuf != NULL || c->io.fd >= 0)
		milterio_close(&c->io);
	for (int s = 0; s < MACROSET_STAGES; s++) {
		free(c->symlist[s]);
		c->symlist[s] = NULL;
	}
	if (stray == 0)
		return 0;
	return milterconn_fail(c, MILTERIO_PROTOCOL, "%zu bytes of reply nobody asked for, "
			       "before QUIT", stray);
}
