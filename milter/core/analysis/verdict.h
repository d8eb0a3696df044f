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

/*
 * How findings become a score: each finding weighs weight[code] * strength
 * / 100 points; points combine like independent probabilities
 * (1 - product of (1 - p)), so two medium findings outweigh one. The
 * thresholds turn the score into a verdict.
 */
struct verdict_policy {
	int weight[REASON_CODE_COUNT];	/* 0..100 */
	int suspect;			/* lowest score of a suspect message */
	int impersonation;		/* lowest score of an impersonation */
};

/*
 * One finding's part in the score, as verdict_compute counts it (and
 * vigie-check --explain shows it). keep is the running product of
 * (1 - points/100), 1.0 before the first finding.
 */
struct verdict_step {
	int weight;			/* the policy's weight for the finding's code */
	int strength;			/* the finding's strength, within 0..100 */
	int points;			/* weight x strength / 100 */
	int before;			/* the score before this finding */
	int after;			/* the score with it */
};

#define VERDICT_REASONS_MAX 4000	/* bytes of the X-Vigie-Reasons value */
#define VERDICT_DETAIL_MAX 200		/* bytes of one explanation in it */

extern const struct verdict_policy verdict_policy_default;

const char *verdict_kind_name(enum verdict_kind kind);
void verdict_compute(struct verdict *v);
void verdict_compute_with(struct verdict *v, const struct verdict_policy *policy);
void verdict_step(const struct verdict_policy *policy, const struct reason *r, double *keep,
		  struct verdict_step *step);
void verdict_headers(const struct verdict *v, struct vbuf *verdict_value,
		     struct vbuf *reasons_value);

#endif
