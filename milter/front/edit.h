/*
 * edit - the header edits vigie makes at end of message, worked out while
 * the headers go by: which incoming fields claim to be ours (X-Vigie-*, and
 * Authentication-Results with our authserv-id) and must go, and how the
 * Subject reads once tagged, and the message's own MIME fields that a
 * warning banner may change (banner.h). No libmilter here: the caller
 * applies them.
 */
#ifndef VIGIE_EDIT_H
#define VIGIE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "vbuf.h"

#define EDIT_NAMES_MAX 1000		/* distinct forged X-Vigie-* names tracked */
#define EDIT_AR_MAX 1000		/* our-authserv-id AR fields tracked */
#define EDIT_SUBJECT_MAX 65536		/* bytes of Subject kept for tagging */
#define EDIT_TAG_MAX 1024		/* bytes of a tag once encoded (SubjectTag: 64) */
#define EDIT_TAG_WORD 63		/* encoded text in one RFC 2047 word (75 in all) */
#define EDIT_MIME_MAX 8192		/* bytes of Content-Type or -Transfer-Encoding kept */

struct edit_name {
	char *name;			/* as first seen */
	unsigned count;			/* fields of that name, any case */
};

struct edit {
	struct edit_name *names;	/* X-Vigie-* names seen */
	size_t nnames;
	unsigned ar_seen;		/* Authentication-Results fields so far */
	unsigned *ar_ours;		/* their 1-based indexes, ascending */
	size_t nours;
	bool overflow;			/* too many to remove them all */
	bool subject_seen;
	struct vbuf subject;		/* first Subject value, as received */
	unsigned nctype, ncte;		/* Content-Type, Content-Transfer-Encoding fields */
	bool mime_version;		/* a MIME-Version field */
	struct vbuf ctype, cte;		/* their first values, as received (overflow: too long) */
};

enum edit_subject {
	EDIT_SUBJECT_KEEP,		/* already tagged, or too long to redo */
	EDIT_SUBJECT_CHANGE,		/* replace Subject #1 with out */
	EDIT_SUBJECT_ADD		/* no Subject: add one holding out */
};

typedef bool (*edit_delete_fn)(void *ctx, const char *name, unsigned index);

void edit_init(struct edit *e);
void edit_reset(struct edit *e);
void edit_header(struct edit *e, const char *name, const char *value,
		 const char *authserv_id);
unsigned edit_strip(const struct edit *e, edit_delete_fn del, void *ctx, bool *failed);
enum edit_subject edit_subject(const struct edit *e, const char *tag, bool leadspc,
			       struct vbuf *out);

#endif
