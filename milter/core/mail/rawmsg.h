/*
 * rawmsg - turns a raw RFC 5322 message (CRLF or LF line breaks) fed in
 * chunks into the calls the milter makes, so that vigie-check and the
 * fuzzers drive the analysis exactly as libmilter does:
 * - header(name, value): the name as written before the colon, the value as
 *   it follows the colon (leading space kept, as with SMFIP_HDR_LEADSPC),
 *   folds kept with "\n" as libmilter gives them, no final line break;
 * - eoh(); body(chunk) with CRLF line breaks (bare LF become CRLF, as the
 *   MTA sends them) in chunks of at most RAWMSG_CHUNK bytes; end().
 * The header ends at the first empty line, or at the first line that is not
 * a field (that line is body), as Postfix reads it. A field longer than
 * RAWMSG_FIELD_MAX (Postfix's header_size_limit) is cut, as Postfix cuts it.
 * A first line "From sender date" (an mbox envelope line) is not a field:
 * it gives begin() its sender.
 *
 * In mbox mode the stream holds many messages: each "From " line at the
 * start of a line begins one (as CPython's mailbox reads them), the empty
 * line before it is the separator's, not the message's, and ">From ",
 * ">>From "... lose one '>' (mboxrd unquoting).
 *
 * Time is linear; memory is one field and one chunk.
 */
#ifndef VIGIE_RAWMSG_H
#define VIGIE_RAWMSG_H

#include <stdbool.h>
#include <stddef.h>

#define RAWMSG_FIELD_MAX 102400
#define RAWMSG_CHUNK 65536
#define RAWMSG_SENDER_MAX 998

struct rawmsg_sink {
	void (*begin)(void *arg, const char *envelope_from);	/* NULL when unknown */
	void (*header)(void *arg, const char *name, const char *value);
	void (*eoh)(void *arg);
	void (*body)(void *arg, const char *data, size_t len);
	void (*end)(void *arg);
	void *arg;
};

struct rawmsg_stats {
	size_t messages;
	size_t fields;
	size_t fields_cut;	/* fields longer than RAWMSG_FIELD_MAX */
};

struct rawmsg;

struct rawmsg *rawmsg_new(bool mbox, const struct rawmsg_sink *sink);
void rawmsg_feed(struct rawmsg *r, const void *data, size_t len);
void rawmsg_finish(struct rawmsg *r);
const struct rawmsg_stats *rawmsg_stats(const struct rawmsg *r);
void rawmsg_free(struct rawmsg *r);

#endif
