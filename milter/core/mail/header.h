/*
 * header - header fields as the analysis needs them: which field a name is,
 * the caps on how many fields and how many bytes are analysed, unfolding,
 * and RFC 2047 decoding of encoded words to UTF-8.
 *
 * Values come as libmilter gives them (folds as "\n" plus white space) or
 * as a file has them (CRLF folds); both unfold the same way.
 *
 * Decoding (header_decode) is lenient where mail clients are, so that vigie
 * reads what the user will be shown:
 * - encoded words are recognised anywhere, even glued to other text
 *   ("Sm=?iso-8859-1?b?9g==?=rg" gives "Smörg"), as CPython and Thunderbird do;
 *   the encoded text may hold spaces and '?' up to the first "?=";
 * - white space between adjacent encoded words is dropped, and their bytes are
 *   joined before conversion when they share a charset, so a character split
 *   across two words decodes;
 * - B with bad padding or stray bytes decodes what it can; Q keeps bad escapes;
 *   a word whose syntax is broken stays as text;
 * - RFC 2231 language suffixes ("utf-8*fr") are ignored; unknown charsets are
 *   read as UTF-8, else windows-1252;
 * - raw 8-bit text is kept if well-formed UTF-8, else read as windows-1252;
 * - in the result, CR, LF, TAB and other white-space controls become a space,
 *   other C0 and C1 controls and DEL are removed (they render as nothing),
 *   and leading and trailing white space is trimmed.
 */
#ifndef VIGIE_HEADER_H
#define VIGIE_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "charset.h"
#include "vbuf.h"

enum header_id {
	HEADER_OTHER,
	HEADER_FROM,
	HEADER_SENDER,
	HEADER_REPLY_TO,
	HEADER_TO,
	HEADER_CC,
	HEADER_SUBJECT,
	HEADER_RETURN_PATH,
	HEADER_CONTENT_TYPE,
	HEADER_CONTENT_TRANSFER_ENCODING,
	HEADER_CONTENT_DISPOSITION,
	HEADER_MIME_VERSION,
	HEADER_DKIM_SIGNATURE,
	HEADER_AUTHENTICATION_RESULTS,
	HEADER_ARC_AUTHENTICATION_RESULTS,
	HEADER_LIST_ID,
	HEADER_LIST_UNSUBSCRIBE,
	HEADER_X_VIGIE,			/* any X-Vigie-* field (ours to replace) */
	HEADER_ID_COUNT
};

#define HEADER_FIELDS_MAX 1000	/* fields of unidentified names analysed per message */
#define HEADER_SAME_MAX 16	/* fields of one identified name analysed per message */
#define HEADER_VALUE_MAX 16384	/* bytes of one value analysed; the rest is ignored */
#define HEADER_TEXT_MAX 16384	/* bytes of one decoded value */

/* header_decode flags: what the value held */
#define HEADER_DEC_ENCODED	0x01	/* RFC 2047 encoded words */
#define HEADER_DEC_MALFORMED	0x02	/* a broken encoded word (kept as text) or bad B/Q data */
#define HEADER_DEC_CHARSET	0x04	/* a charset label nobody knows */
#define HEADER_DEC_8BIT		0x08	/* raw 8-bit bytes outside encoded words */
#define HEADER_DEC_BADUTF8	0x10	/* bytes that were not UTF-8, read as windows-1252 */
#define HEADER_DEC_CONTROL	0x20	/* control characters neutralised */
#define HEADER_DEC_TRUNCATED	0x40	/* the result hit HEADER_TEXT_MAX */

struct header {
	struct charset cs;		/* converters, kept across messages */
	struct vbuf unfold;		/* scratch: the unfolded value */
	struct vbuf run;		/* scratch: bytes of adjacent encoded words */
	size_t fields;			/* fields seen in this message */
	size_t seen[HEADER_ID_COUNT];	/* fields seen, by name */
	size_t skipped;			/* fields not analysed: over a count cap */
	size_t truncated;		/* fields analysed only up to HEADER_VALUE_MAX */
};

void header_init(struct header *h);
void header_reset(struct header *h);
void header_free(struct header *h);

enum header_id header_id(const char *name, size_t len);
bool header_admit(struct header *h, enum header_id id, const char *value, size_t *len);
void header_unfold(const char *value, size_t len, struct vbuf *out);
unsigned header_decode(struct header *h, const char *value, size_t len, struct vbuf *out);

#endif
