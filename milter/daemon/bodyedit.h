/*
 * bodyedit - the warning banner written into the MTA's copy of a message at
 * end of message: the kept body (spool.h) read twice through the rewriter
 * (rewrite.h), the new body handed over with smfi_replacebody, the
 * message's own MIME fields changed as the plan says.
 */
#ifndef VIGIE_BODYEDIT_H
#define VIGIE_BODYEDIT_H

#include <stdbool.h>

#include <libmilter/mfapi.h>

#include "stats.h"
#include "vbuf.h"

struct action;
struct session;

enum stats_banner bodyedit_apply(SMFICTX *ctx, struct session *s, const struct action *a,
				 struct vbuf *why);

#endif
