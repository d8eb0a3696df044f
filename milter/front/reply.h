/*
 * reply - RejectReply made fit for an SMTP reply line.
 */
#ifndef VIGIE_REPLY_H
#define VIGIE_REPLY_H

#include "vbuf.h"

#define REPLY_MAX 512			/* bytes of reply text sent */

void reply_text(const char *tmpl, const char *brand, struct vbuf *out);
/* out is initialised by reply_text; the caller frees it with vbuf_free */

#endif
