/*
 * msgfeed - test helper: split a raw message (CRLF or LF) into the calls the
 * milter makes (header field name and value as received after the colon,
 * folding kept; end of headers; body chunks; end of message) and make them
 * on a DKIM verification.
 */
#ifndef VIGIE_TEST_MSGFEED_H
#define VIGIE_TEST_MSGFEED_H

#include <stddef.h>

#include "dkimcheck.h"

void msgfeed(struct dkimcheck *v, const char *msg, size_t len, size_t chunk);
void msgfeed_split(struct dkimcheck *v, const char *msg, size_t len, size_t split);
size_t msgfeed_body_size(const char *msg, size_t len);
void msgfeed_from_domain(const char *msg, size_t len, char *out, size_t size);
char *msgfeed_read(const char *path, size_t *len);

#endif
