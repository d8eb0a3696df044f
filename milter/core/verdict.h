/*
 * verdict - findings become a score (0..100) and a verdict; the same code
 * renders the X-Vigie-Verdict and X-Vigie-Reasons header values.
 */
#ifndef VIGIE_VERDICT_H
#define VIGIE_VERDICT_H

#include "reason.h"
#include "vbuf.h"

struct brand;

enum verdict_kind {
	VERDICT_CLEAN,
	VERDICT_SUSPECT,
	VERDICT_IMPERSONATION
};

struct verdict {
	enum verdict_kind kind;
	int score;			/* 0..100 */
	const struct brand *brand;	/* the brand impersonated, or NULL */
	struct reason_list reasons;
};

const char *verdict_kind_name(enum verdict_kind kind);
void verdict_compute(struct verdict *v);
void verdict_headers(const struct verdict *v, struct vbuf *verdict_value,
		     struct vbuf *reasons_value);

#endif
