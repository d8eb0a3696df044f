/*
 * milterconn - one MTA-to-milter connection speaking milter protocol 6 the
 * way Postfix 3.7 does.
 *
 * Open: connect, SMFIC_OPTNEG offering what Postfix offers, honouring the
 * macro lists the milter asks for, then CONNECT and HELO. Each message:
 * MAIL, RCPT, DATA, header fields one by one, EOH, body chunks of at most
 * 65535 bytes, EOM, then every modification up to the final decision, then
 * ABORT (Postfix resets each transaction so). Steps the milter negotiated
 * away are not sent, replies it declined (SMFIP_NR_*) are not awaited, and
 * SMFIR_SKIP ends the body. Every reply is checked: a reply that does not
 * belong where it came is a protocol error, never silently accepted.
 */
#ifndef VIGIE_BENCH_MILTERCONN_H
#define VIGIE_BENCH_MILTERCONN_H

#include <stdbool.h>
#include <stdint.h>

#include "corpus.h"
#include "macroset.h"
#include "milterio.h"
#include "sockspec.h"

/* actions the milter may take (SMFIF_*): libmilter keeps them in mfapi.h,
 * the milter-side header, so the MTA side names them here */
#define MILTERCONN_ADDHDRS	0x0001u
#define MILTERCONN_CHGBODY	0x0002u
#define MILTERCONN_ADDRCPT	0x0004u
#define MILTERCONN_DELRCPT	0x0008u
#define MILTERCONN_CHGHDRS	0x0010u
#define MILTERCONN_QUARANTINE	0x0020u
#define MILTERCONN_CHGFROM	0x0040u
#define MILTERCONN_ADDRCPT_PAR	0x0080u
#define MILTERCONN_SETSYMLIST	0x0100u
#define MILTERCONN_ALL_ACTIONS	0x01ffu		/* what Postfix 3.7 offers */
#define MILTERCONN_ALL_STEPS	0x001fffffu	/* SMFIP_* Postfix 3.7 offers */

#define MILTERCONN_MODS_MAX 1000	/* modifications accepted per message */

/* beyond milterio's statuses */
enum {
	MILTERCONN_REFUSED = 5,		/* the milter decided at CONNECT or HELO */
	MILTERCONN_UNREACHABLE = 6,	/* could not connect */
};

struct milterconn_opts {
	struct sockspec sock;
	double timeout;		/* seconds for each reply */
	double msg_timeout;	/* seconds for a whole message */
	size_t max_reply;	/* largest reply data accepted */
	bool nodelay;		/* TCP_NODELAY on inet sockets */
	bool quickack;		/* TCP_QUICKACK on inet sockets (Postfix sets neither) */
	uint32_t version;	/* protocol version offered */
	uint32_t actions;	/* SMFIF_* offered */
	uint32_t steps;		/* SMFIP_* offered */
	const char *myhostname;	/* j and {daemon_name} */
	const char *daemon_addr;
	const char *mta_version;	/* v */
	const char *client_addr;
	const char *client_name;
	const char *helo;
	const char *auth;	/* {auth_authen}, or NULL when not authenticated */
};

struct milterconn_mod {
	char op;		/* SMFIR_ADDHEADER, SMFIR_INSHEADER, ... */
	uint32_t index;		/* header index; bytes for SMFIR_REPLBODY */
	char *name;		/* header name, address or quarantine reason */
	char *value;		/* header value or ESMTP arguments, or NULL */
};

struct milterconn_result {
	char final;		/* deciding reply code, 0 when the exchange failed */
	char stage;		/* the command it answered */
	bool quarantined;
	bool skipped;		/* SMFIR_SKIP cut the body short */
	unsigned chunks;	/* body chunks sent */
	char reply[256];	/* text of an SMFIR_REPLYCODE */
	struct milterconn_mod *mod;
	size_t nmod, amod;
};

struct milterconn {
	struct milterio io;
	const struct milterconn_opts *o;
	uint32_t version, actions, steps;	/* as the milter answered */
	char *symlist[MACROSET_STAGES];		/* lists it asked for, or NULL */
	const char *list[MACROSET_STAGES];	/* lists in force */
	char client_port[8];
	char ident[600];	/* the "_" macro: name [addr] */
	char err[400];		/* why the last call failed */
};

int milterconn_open(struct milterconn *c, const struct milterconn_opts *o, unsigned seq);
int milterconn_message(struct milterconn *c, const struct corpus_msg *m, const char *qid,
		       const char *sender, const char *rcpt, struct milterconn_result *r);
int milterconn_close(struct milterconn *c, bool quit);

void milterconn_result_reset(struct milterconn_result *r);
void milterconn_result_free(struct milterconn_result *r);
const char *milterconn_verdict(const struct milterconn_result *r);
const char *milterconn_command_name(char cmd);
const char *milterconn_mod_name(char op);

#endif
