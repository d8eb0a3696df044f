/*
 * charset - MIME charset labels to UTF-8 through ICU, with a per-message
 * converter cache; the labels that need no converter take utf8_repair.
 *
 * Touches: ICU's converter data (linked in; a label is checked against
 * ICU's alias table before anything is opened, so no file is looked for).
 * Never fails: unknown labels and bad bytes give repaired text and
 * known = false; a full output buffer keeps what fits and returns false.
 */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "utf8.h"
#include "xalloc.h"

/* charset_init - an empty cache that opens at most max_opens converters between resets */
void charset_init(struct charset *cs, unsigned max_opens)
{
	memset(cs, 0, sizeof(*cs));
	cs->max_opens = max_opens;
}

/* charset_reset - a new message: converters stay open, the open budget is renewed */
void charset_reset(struct charset *cs)
{
	cs->opens = 0;
}

/* charset_free - close every converter */
void charset_free(struct charset *cs)
{
	for (unsigned i = 0; i < cs->used; i++)
		if (cs->slot[i].cnv)
			ucnv_close(cs->slot[i].cnv);
	if (cs->utf8)
		ucnv_close(cs->utf8);
	charset_init(cs, cs->max_opens);
}

/* charset_label - a lowercased, checked copy of a label; false if it cannot be one */
static bool charset_label(char *dst, const char *name, size_t len)
{
	if (len == 0 || len > CHARSET_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		/* MIME token characters, minus what ICU treats as option syntax */
		if (!isalnum(c) && !strchr("!#$%&'+^_`{}~.:-", c))
			return false;
		dst[i] = (char)tolower(c);
	}
	dst[len] = '\0';
	return true;
}

/* charset_is_utf8ish - labels read by the repair path without a look-up */
static bool charset_is_utf8ish(const char *label)
{
	return strcmp(label, "utf-8") == 0 || strcmp(label, "us-ascii") == 0 ||
	       strcmp(label, "utf8") == 0 || strcmp(label, "ascii") == 0;
}

/* charset_open - an ICU converter for a checked label, or NULL */
static UConverter *charset_open(const char *label, bool *utf8ish)
{
	UErrorCode err = U_ZERO_ERROR;
	UConverter *cnv;
	const char *canon;

	*utf8ish = false;
	if (ucnv_countAliases(label, &err) == 0 || U_FAILURE(err))
		return NULL;
	err = U_ZERO_ERROR;
	cnv = ucnv_open(label, &err);
	if (U_FAILURE(err) || cnv == NULL)
		return NULL;
	err = U_ZERO_ERROR;
	canon = ucnv_getName(cnv, &err);
	if (U_FAILURE(err))
		canon = "";
	if (strcmp(canon, "UTF-8") == 0 || strcmp(canon, "US-ASCII") == 0) {
		ucnv_close(cnv);
		*utf8ish = true;
		return NULL;
	}
	if (strcmp(canon, "ISO-8859-1") == 0) {
		ucnv_close(cnv);
		err = U_ZERO_ERROR;
		cnv = ucnv_open("windows-1252", &err);
		if (U_FAILURE(err))
			return NULL;
	}
	return cnv;
}

/*
 * charset_lookup - the converter for a label; NULL means the repair path.
 * *known says whether the label was understood (absent counts as known).
 */
UConverter *charset_lookup(struct charset *cs, const char *name, size_t len, bool *known)
{
	char label[CHARSET_NAME_MAX + 1];
	struct charset_slot *s;
	bool utf8ish;
	UConverter *cnv;

	*known = true;
	if (name == NULL || len == 0)
		return NULL;
	if (!charset_label(label, name, len)) {
		*known = false;
		return NULL;
	}
	if (charset_is_utf8ish(label))
		return NULL;
	for (unsigned i = 0; i < cs->used; i++) {
		if (strcmp(cs->slot[i].name, label) == 0) {
			return cs->slot[i].cnv;
		}
	}
	if (cs->opens >= cs->max_opens) {
		*known = false;
		return NULL;
	}
	cnv = charset_open(label, &utf8ish);
	if (utf8ish)
		return NULL;
	if (cnv == NULL) {
		*known = false;
		return NULL;
	}
	cs->opens++;
	if (cs->used < CHARSET_CACHE_MAX) {
		s = &cs->slot[cs->used++];
	} else {
		s = &cs->slot[cs->next];
		cs->next = (cs->next + 1) % CHARSET_CACHE_MAX;
		ucnv_close(s->cnv);
	}
	memcpy(s->name, label, len + 1);
	s->cnv = cnv;
	return cnv;
}

/* charset_icu - append in converted by cnv; ICU substitutes what it cannot map */
static bool charset_icu(UConverter *cnv, const char *in, size_t len, struct vbuf *out)
{
	char small[1024];
	char *buf = small;
	int32_t cap = sizeof(small), n;
	UErrorCode err = U_ZERO_ERROR;
	bool ok;

	if (len > (size_t)INT32_MAX / 4)
		len = (size_t)INT32_MAX / 4;
	n = ucnv_toAlgorithmic(UCNV_UTF8, cnv, buf, cap, in, (int32_t)len, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR) {
		cap = n + 1;
		buf = xmalloc((size_t)cap);
		err = U_ZERO_ERROR;
		n = ucnv_toAlgorithmic(UCNV_UTF8, cnv, buf, cap, in, (int32_t)len, &err);
	}
	ok = U_SUCCESS(err) ? vbuf_add(out, buf, (size_t)n) : utf8_repair(out, in, len);
	if (buf != small)
		free(buf);
	return ok;
}

/* charset_convert - append in (labelled name) to out as UTF-8 */
bool charset_convert(struct charset *cs, const char *name, size_t nlen,
		     const char *in, size_t len, struct vbuf *out, bool *known)
{
	UConverter *cnv = charset_lookup(cs, name, nlen, known);

	if (cnv == NULL)
		return utf8_repair(out, in, len);
	return charset_icu(cnv, in, len, out);
}

/* charset_stream_begin - start converting one stream labelled name */
void charset_stream_begin(struct charset_stream *st, struct charset *cs,
			  const char *name, size_t nlen, bool *known)
{
	st->cs = cs;
	st->tail_len = 0;
	st->psrc = st->ptgt = st->pivot;
	st->cnv = charset_lookup(cs, name, nlen, known);
	if (st->cnv && cs->utf8 == NULL) {
		UErrorCode err = U_ZERO_ERROR;

		cs->utf8 = ucnv_open("UTF-8", &err);
		if (U_FAILURE(err))
			cs->utf8 = NULL;
	}
	if (cs->utf8 == NULL)
		st->cnv = NULL;
	if (st->cnv) {
		ucnv_resetToUnicode(st->cnv);
		ucnv_resetFromUnicode(cs->utf8);
	}
}

/* charset_stream_icu - run ICU over in; flush at the end of the stream */
static bool charset_stream_icu(struct charset_stream *st, const char *in, size_t len,
			       bool flush, struct vbuf *out)
{
	char buf[4096];
	const char *src = in, *end = in + len;
	bool ok = true;

	for (;;) {
		UErrorCode err = U_ZERO_ERROR;
		char *tgt = buf;

		ucnv_convertEx(st->cs->utf8, st->cnv, &tgt, buf + sizeof(buf), &src, end,
			       st->pivot, &st->psrc, &st->ptgt, st->pivot + CHARSET_PIVOT,
			       false, flush, &err);
		ok &= vbuf_add(out, buf, (size_t)(tgt - buf));
		if (err != U_BUFFER_OVERFLOW_ERROR)
			return ok && U_SUCCESS(err);
	}
}

/* charset_stream_repair - the repair path, keeping a sequence cut at the chunk end */
static bool charset_stream_repair(struct charset_stream *st, const char *in, size_t len,
				  struct vbuf *out)
{
	bool ok = true;
	size_t keep;

	if (st->tail_len) {
		char comb[8];
		size_t add = len < 3 ? len : 3, n = st->tail_len + add;
		uint32_t cp;

		memcpy(comb, st->tail, st->tail_len);
		memcpy(comb + st->tail_len, in, add);
		if (utf8_partial_tail(comb, n) == n) {
			memcpy(st->tail, comb, n);
			st->tail_len = n;
			return true;
		}
		size_t used = utf8_decode(comb, n, &cp);

		if (cp != UTF8_INVALID) {
			ok &= vbuf_add(out, comb, used);
			in += used - st->tail_len;
			len -= used - st->tail_len;
		} else {
			ok &= utf8_repair(out, st->tail, st->tail_len);
		}
		st->tail_len = 0;
	}
	keep = utf8_partial_tail(in, len);
	ok &= utf8_repair(out, in, len - keep);
	memcpy(st->tail, in + len - keep, keep);
	st->tail_len = keep;
	return ok;
}

/* charset_stream_feed - convert the next piece; false when out hit its cap */
bool charset_stream_feed(struct charset_stream *st, const char *in, size_t len,
			 struct vbuf *out)
{
	if (len == 0)
		return true;
	if (st->cnv)
		return charset_stream_icu(st, in, len, false, out);
	return charset_stream_repair(st, in, len, out);
}

/* charset_stream_end - flush what the converter still holds */
bool charset_stream_end(struct charset_stream *st, struct vbuf *out)
{
	bool ok = true;

	if (st->cnv) {
		ok = charset_stream_icu(st, "", 0, true, out);
		ucnv_resetToUnicode(st->cnv);
	} else if (st->tail_len) {
		ok = utf8_repair(out, st->tail, st->tail_len);
	}
	st->tail_len = 0;
	return ok;
}
