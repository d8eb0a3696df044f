/*
 * corpus - the messages a load run sends, prepared once as an MTA would.
 *
 * Each message is split into header fields and a body before the run, so
 * that the run measures the milter and not our parsing: header values keep
 * their folding as "\n" (as Postfix and Sendmail pass them) and the body has
 * CRLF line ends (as it travels in SMFIC_BODY). Input is a file holding one
 * message, an mbox (mboxrd ">From " unescaped), or a directory of either.
 */
#ifndef VIGIE_BENCH_CORPUS_H
#define VIGIE_BENCH_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#define CORPUS_ADDR_MAX 256		/* envelope address, brackets excluded */
#define CORPUS_MSG_MAX (64u << 20)	/* one message */
#define CORPUS_HDR_COUNT_MAX 10000	/* header fields in one message */
#define CORPUS_HDR_LEN_MAX 65000	/* name + value: one milter packet */
/* A file without a single header field is refused: it is not a message. */

struct corpus_header {
	char *name;		/* field name, blanks before the colon removed */
	char *value;		/* all after the colon, lines joined by "\n", no CR */
};

struct corpus_msg {
	char *label;			/* file name, or file#n inside an mbox */
	struct corpus_header *hdr;
	size_t nhdr;
	char *body;			/* CRLF line ends */
	size_t bodylen;
	char sender[CORPUS_ADDR_MAX];	/* from Return-Path or From; may be empty */
	char rcpt[CORPUS_ADDR_MAX];	/* first of To or Cc; may be empty */
	size_t size;			/* bytes as read */
};

struct corpus {
	struct corpus_msg *msg;
	size_t count;
	size_t alloc;
	size_t bytes;		/* sum of sizes */
	size_t max_bytes;	/* loading more is an error */
};

void corpus_init(struct corpus *c, size_t max_bytes);
bool corpus_add_path(struct corpus *c, const char *path, char *err, size_t errlen);
bool corpus_add_message(struct corpus *c, const char *label, const char *data, size_t len,
			char *err, size_t errlen);
bool corpus_add_mbox(struct corpus *c, const char *label, const char *data, size_t len,
		     char *err, size_t errlen);
void corpus_free(struct corpus *c);

#endif
