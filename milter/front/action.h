/*
 * action - what a configuration does with a finished analysis, worked out
 * once for both front ends: the action (tag, quarantine, reject, or tempfail
 * when forged fields cannot all be removed), the incoming fields to delete,
 * the fields to add, the Subject change, the warning banner for the text (or
 * why there is none), the quarantine reason and the reject reply. The daemon carries it out through libmilter (filter.c);
 * vigie-check --explain prints it (check_explain.c).
 */
#ifndef VIGIE_ACTION_H
#define VIGIE_ACTION_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "edit.h"
#include "vbuf.h"

struct message;

#define ACTION_VALUE_MAX 8192		/* bytes of one header value we add */
#define ACTION_FIELDS_MAX 3		/* Authentication-Results, verdict, reasons */

enum action_kind {
	ACTION_TAG,			/* edits, then deliver */
	ACTION_QUARANTINE,		/* edits, then hold */
	ACTION_REJECT,			/* 550 5.7.1, no edit */
	ACTION_TEMPFAIL			/* 4xx: forged fields could not all be tracked */
};

struct action_delete {
	char *name;			/* field name */
	unsigned index;			/* 1-based among fields of that name */
};

struct action_field {
	const char *name;
	struct vbuf value;		/* folded, ASCII, no leading space */
	bool top;			/* insert above every field (RFC 8601) */
};

struct action {
	enum action_kind kind;
	enum conf_action configured;	/* the policy's action for this verdict */
	struct action_delete *del;	/* in the order to issue them */
	size_t ndel;
	struct action_field field[ACTION_FIELDS_MAX];
	size_t nfields;
	bool subject_tagging;		/* SubjectTag set and the verdict not clean */
	enum edit_subject subject;	/* what to do with Subject (if tagging) */
	struct vbuf subject_value;	/* the new Subject value */
	struct vbuf quarantine;		/* the reason given to the MTA */
	struct vbuf reply;		/* the reject reply text (%% for a percent sign) */
	bool banner_due;		/* the policy's Banner covers this verdict */
	bool banner;			/* the text gets the warning, if its structure allows */
	const char *banner_skip;	/* why not (flagged messages; static text) */
	struct vbuf banner_text;	/* the warning, both forms (rewrite.h's markers) */
	struct vbuf banner_html;
};

void action_decide(struct action *a, const struct conf *c, const struct conf_policy *p,
		   const struct edit *e, const struct message *m, bool leadspc);
void action_free(struct action *a);
const char *action_kind_name(enum action_kind kind);

#endif
