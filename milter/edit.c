/*
 * edit - tracking forged headers and the Subject for the end-of-message edits.
 *
 * Touches: the heap only, within the caps of edit.h. Past a cap, overflow
 * is set and the caller must not pass the message as if every forged field
 * were gone (the milter answers tempfail). Deletions are issued per name
 * from the last index down: Postfix renumbers after each deletion, and
 * deleting upwards left forged fields behind in OpenDKIM (CVE-2022-48521).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "edit.h"
#include "xalloc.h"

#define EDIT_PREFIX "X-Vigie-"
#define EDIT_AR "Authentication-Results"

/* edit_init - nothing seen yet */
void edit_init(struct edit *e)
{
	memset(e, 0, sizeof(*e));
	vbuf_init(&e->subject, EDIT_SUBJECT_MAX);
}

/* edit_reset - forget one message, ready for the next (keeps no memory) */
void edit_reset(struct edit *e)
{
	for (size_t i = 0; i < e->nnames; i++)
		free(e->names[i].name);
	free(e->names);
	free(e->ar_ours);
	vbuf_free(&e->subject);
	edit_init(e);
}

/* edit_forged - count one more X-Vigie-* field of this name */
static void edit_forged(struct edit *e, const char *name)
{
	for (size_t i = 0; i < e->nnames; i++) {
		if (strcasecmp(e->names[i].name, name) == 0) {
			e->names[i].count++;
			return;
		}
	}
	if (e->nnames >= EDIT_NAMES_MAX) {
		e->overflow = true;
		return;
	}
	/* grow by doubling: e->nnames is a power of two when full */
	if ((e->nnames & (e->nnames - 1)) == 0)
		e->names = xreallocarray(e->names, e->nnames ? e->nnames * 2 : 2,
					 sizeof(*e->names));
	e->names[e->nnames].name = xstrdup(name);
	e->names[e->nnames].count = 1;
	e->nnames++;
}

/* edit_ours - remember the index of an Authentication-Results field to remove */
static void edit_ours(struct edit *e)
{
	if (e->nours >= EDIT_AR_MAX) {
		e->overflow = true;
		return;
	}
	if ((e->nours & (e->nours - 1)) == 0)
		e->ar_ours = xreallocarray(e->ar_ours, e->nours ? e->nours * 2 : 2,
					   sizeof(*e->ar_ours));
	e->ar_ours[e->nours++] = e->ar_seen;
}

/* edit_header - note one incoming header field */
void edit_header(struct edit *e, const char *name, const char *value,
		 const char *authserv_id)
{
	if (strncasecmp(name, EDIT_PREFIX, sizeof(EDIT_PREFIX) - 1) == 0) {
		edit_forged(e, name);
	} else if (strcasecmp(name, EDIT_AR) == 0) {
		e->ar_seen++;
		if (authserv_id != NULL && authres_is_from(value, strlen(value), authserv_id))
			edit_ours(e);
	} else if (strcasecmp(name, "Subject") == 0 && !e->subject_seen) {
		e->subject_seen = true;
		vbuf_adds(&e->subject, value);
	}
}

/*
 * edit_strip - delete every field recorded, each name from its last index
 * down. Returns the number deleted; failed says whether any deletion failed
 * or some forged field could not be tracked.
 */
unsigned edit_strip(const struct edit *e, edit_delete_fn del, void *ctx, bool *failed)
{
	unsigned done = 0;

	*failed = e->overflow;
	for (size_t i = 0; i < e->nnames; i++) {
		for (unsigned idx = e->names[i].count; idx >= 1; idx--) {
			if (del(ctx, e->names[i].name, idx))
				done++;
			else
				*failed = true;
		}
	}
	for (size_t i = e->nours; i-- > 0;) {
		if (del(ctx, EDIT_AR, e->ar_ours[i]))
			done++;
		else
			*failed = true;
	}
	return done;
}

/*
 * edit_subject - the tagged Subject: "TAG original". A Subject that already
 * starts with the tag is kept, so a message passing twice is not tagged
 * twice. With leadspc the MTA adds no space after the colon: we do.
 */
enum edit_subject edit_subject(const struct edit *e, const char *tag, bool leadspc,
			       struct vbuf *out)
{
	const char *v = vbuf_str(&e->subject);

	vbuf_reset(out);
	if (leadspc)
		vbuf_addc(out, ' ');
	vbuf_adds(out, tag);
	if (!e->subject_seen)
		return EDIT_SUBJECT_ADD;
	v += strspn(v, " \t\r\n");
	if (e->subject.overflow || strncmp(v, tag, strlen(tag)) == 0)
		return EDIT_SUBJECT_KEEP;
	if (*v != '\0') {
		vbuf_addc(out, ' ');
		vbuf_adds(out, v);
	}
	return out->overflow ? EDIT_SUBJECT_KEEP : EDIT_SUBJECT_CHANGE;
}
