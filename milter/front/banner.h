/*
 * banner - the warning written into a message's body, as both front ends
 * write it (the daemon into the MTA's copy, vigie-check --explain on
 * paper): the message's own MIME fields handed to the rewriter (rewrite.h),
 * the header fields to change once the plan is known, and the words that
 * say what was done or why the body stays.
 */
#ifndef VIGIE_BANNER_H
#define VIGIE_BANNER_H

#include <stdbool.h>
#include <stddef.h>

#include "rewrite.h"
#include "vbuf.h"

struct action;
struct edit;

#define BANNER_FIELDS_MAX 3

/* One header field of the message itself to change (index 1) or add. */
struct banner_field {
	const char *name;
	const char *value;		/* no leading space */
	bool change;			/* change the first field of that name, else add one */
};

void banner_of(const struct action *a, struct rewrite_banner *b);
bool banner_top(const struct edit *e, struct rewrite_top *top, const char **why);
size_t banner_fields(const struct rewrite_plan *p, const struct edit *e,
		     struct banner_field out[BANNER_FIELDS_MAX]);
void banner_describe(const struct rewrite_plan *p, struct vbuf *out);
bool banner_plan(const struct action *a, const struct edit *e, const char *body, size_t len,
		 bool too_big, struct rewrite_plan *plan);

#endif
