/*
 * message - the streaming analysis of one message: fed as the milter is fed
 * (envelope, header fields one by one, body chunks), finished once, then read.
 *
 * The milter and vigie-check make the same calls, so what vigie-check says is
 * what the milter does. Bad input is never an error: it becomes findings.
 * Memory per message is bounded by the caps of the detector's options,
 * whatever the size of the message.
 */
#ifndef VIGIE_MESSAGE_H
#define VIGIE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "vbuf.h"

struct detector;
struct verdict;

enum message_dkim {
	MESSAGE_DKIM_NEVER,		/* do not verify */
	MESSAGE_DKIM_BRANDS,		/* only when From or Sender is a brand domain */
	MESSAGE_DKIM_ALWAYS		/* every message */
};

struct message_opts {
	size_t max_body_scan;		/* body bytes examined (MaxBodyScan) */
	enum message_dkim dkim;		/* DKIMVerify */
	const char *authserv_id;	/* AuthservID, for Authentication-Results */
};

struct message *message_new(const struct detector *det, const struct message_opts *opts);
void message_envelope_from(struct message *m, const char *addr);
void message_header(struct message *m, const char *name, const char *value);
void message_eoh(struct message *m);
bool message_body(struct message *m, const void *data, size_t len);
void message_eom(struct message *m);
const struct verdict *message_verdict(const struct message *m);
bool message_authres(const struct message *m, struct vbuf *value);
/* the From domain as an A-label ("" if none or unparseable), for log lines */
const char *message_from_domain(const struct message *m);
void message_free(struct message *m);

#endif
