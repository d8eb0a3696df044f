/*
 * edit - tracking forged headers and the Subject for the end-of-message edits.
 *
 * Touches: the heap only, within the caps of edit.h. Past a cap, overflow
 * is set and the caller must not pass the message as if every forged field
 * were gone (the milter answers tempfail). Deletions are issued per name
 * from the last index down: Postfix renumbers after each deletion, and
 * deleting upwards left forged fields behind in OpenDKIM (CVE-2022-48521).
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
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
	vbuf_init(&e->ctype, EDIT_MIME_MAX);
	vbuf_init(&e->cte, EDIT_MIME_MAX);
}

/* edit_reset - forget one message, ready for the next (keeps no memory) */
void edit_reset(struct edit *e)
{
	for (size_t i = 0; i < e->nnames; i++)
		free(e->names[i].name);
	free(e->names);
	free(e->ar_ours);
	vbuf_free(&e->subject);
	vbuf_free(&e->ctype);
	vbuf_free(&e->cte);
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
	} else if (strcasecmp(name, "Content-Type") == 0) {
		if (e->nctype++ == 0)
			vbuf_adds(&e->ctype, value);
	} else if (strcasecmp(name, "Content-Transfer-Encoding") == 0) {
		if (e->ncte++ == 0)
			vbuf_adds(&e->cte, value);
	} else if (strcasecmp(name, "MIME-Version") == 0) {
		e->mime_version = true;
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

/* edit_ascii - whether a tag can go into the header as it is */
static bool edit_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 32 || (unsigned char)*s > 126)
			return false;
	return true;
}

/* edit_utf8_len - bytes of the UTF-8 character at s (the tag is valid UTF-8) */
static size_t edit_utf8_len(const unsigned char *s)
{
	size_t n = *s < 0xc0 ? 1 : *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : 4;

	for (size_t i = 1; i < n; i++)
		if (s[i] == '\0')
			return i;
	return n;
}

/*
 * edit_encode - a UTF-8 tag as RFC 2047 encoded-words ("Q", UTF-8), each
 * at most 75 characters and never splitting a character; words are
 * separated by a space, which readers drop between encoded-words. With
 * space, the tag's own trailing space is encoded too: a reader would drop
 * a plain one before a Subject that starts with an encoded-word.
 */
static void edit_encode(const char *tag, bool space, struct vbuf *out)
{
	static const char keep[] = "!*+-./:;[]";
	struct vbuf text = VBUF_INIT(4 * EDIT_TAG_WORD);
	const unsigned char *p;
	size_t used = 0;

	vbuf_adds(&text, tag);
	if (space)
		vbuf_addc(&text, ' ');
	for (p = (const unsigned char *)vbuf_str(&text); *p != '\0';) {
		size_t n = edit_utf8_len(p), need = 0;
		char chunk[16];

		for (size_t i = 0; i < n; i++) {
			if (p[i] == ' ')
				chunk[need++] = '_';
			else if (p[i] < 128 && (isalnum(p[i]) || strchr(keep, p[i]) != NULL))
				chunk[need++] = (char)p[i];
			else
				need += (size_t)snprintf(chunk + need, sizeof(chunk) - need, "=%02X",
							 p[i]);
		}
		if (used > 0 && used + need > EDIT_TAG_WORD) {
			vbuf_adds(out, "?= ");
			used = 0;
		}
		if (used == 0)
			vbuf_adds(out, "=?UTF-8?Q?");
		vbuf_add(out, chunk, need);
		used += need;
		p += n;
	}
	if (used > 0)
		vbuf_adds(out, "?=");
	vbuf_free(&text);
}

/* edit_starts - whether v starts with the text of b */
static bool edit_starts(const char *v, const struct vbuf *b)
{
	return b->len > 0 && strncmp(v, vbuf_str(b), b->len) == 0;
}

/*
 * edit_subject - the tagged Subject: "TAG original". A Subject that already
 * starts with the tag is kept, so a message passing twice is not tagged
 * twice. A tag that is not ASCII goes in as RFC 2047 encoded-words (and a
 * Subject starting with those is recognised as tagged). With leadspc the
 * MTA adds no space after the colon: we do.
 */
enum edit_subject edit_subject(const struct edit *e, const char *tag, bool leadspc,
			       struct vbuf *out)
{
	struct vbuf plain = VBUF_INIT(EDIT_TAG_MAX), spaced = VBUF_INIT(EDIT_TAG_MAX);
	const char *v = vbuf_str(&e->subject);
	enum edit_subject mode = EDIT_SUBJECT_CHANGE;

	if (edit_ascii(tag)) {
		vbuf_adds(&plain, tag);
	} else {
		edit_encode(tag, false, &plain);
		edit_encode(tag, true, &spaced);
	}
	vbuf_reset(out);
	if (leadspc)
		vbuf_addc(out, ' ');
	v += strspn(v, " \t\r\n");
	if (!e->subject_seen) {
		vbuf_adds(out, vbuf_str(&plain));
		mode = EDIT_SUBJECT_ADD;
	} else if (e->subject.overflow || strncmp(v, tag, strlen(tag)) == 0 ||
		   edit_starts(v, &plain) || edit_starts(v, &spaced)) {
		mode = EDIT_SUBJECT_KEEP;
	} else if (*v == '\0') {
		vbuf_adds(out, vbuf_str(&plain));
	} else {
		/* before an encoded-word a plain space would vanish on display */
		bool glued = spaced.len > 0 && strncmp(v, "=?", 2) == 0;

		vbuf_adds(out, vbuf_str(glued ? &spaced : &plain));
		vbuf_addc(out, ' ');
		vbuf_adds(out, v);
		if (out->overflow)
			mode = EDIT_SUBJECT_KEEP;
	}
	vbuf_free(&plain);
	vbuf_free(&spaced);
	return mode;
}
