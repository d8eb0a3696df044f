/*
 * brands_claim - which brand a name a sender wrote claims: a display name,
 * the name of a Sender or of a group, a comment, the local part of an
 * address, a Subject. The text is read as a reader reads it: folded as
 * domains are (skeleton.h: case, accents, compatibility forms, confusable
 * letters, invisible characters), in the order it is shown (bidi), and cut
 * into words where a reader sees words:
 * - at spaces and punctuation (".", "-", "_" of local parts included);
 * - inside a word, where the case changes ("ViamedisPro", "KALIXIAPaiements",
 *   "iSante") and where letters meet digits ("Viamedis2024", "tp1mssante");
 * - around the pack's service words ("serviceviamedis", "viamedispro").
 * A brand's name must fill whole pieces: "améliorer", "Amélie",
 * "Viamedisation" hold a brand's letters and claim nothing.
 *
 * Touches: nothing but the pack (read-only) and the heap, per call. Memory
 * and time are bounded by BRANDS_CLAIM_MAX bytes of text read; a glued word
 * is searched only up to BRANDS_GLUED_MAX bytes of key.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/ubidi.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "brands.h"
#include "brands_int.h"
#include "hmap.h"
#include "skeleton.h"
#include "utf8.h"
#include "vbuf.h"
#include "xalloc.h"

#define BRANDS_GLUED_MAX 128	/* bytes of a word's key searched for a glued name */
#define BRANDS_KEYS_LOCAL 256	/* key bytes and pieces of a reading kept on the stack */
#define BRANDS_PIECES_LOCAL 24

/* The case of a letter, as the eye sees a word change inside it. */
enum brands_case { BC_NONE, BC_LOWER, BC_UPPER, BC_DIGIT, BC_OTHER };

/* A piece of a word: its key, where it starts, and how it was written. */
struct brands_piece {
	size_t key, len;	/* bytes of the reading's keys */
	bool soft;		/* starts inside a word (a change of case or digits) */
	bool disguised;		/* invisible, styled or other-script characters */
};

/*
 * A text cut into pieces, their keys end to end: on the stack for a name,
 * on the heap (up to twice BRANDS_CLAIM_MAX bytes of keys) for a long text.
 */
struct brands_reading {
	char *keys;
	size_t klen, kcap;
	struct brands_piece *piece;
	size_t n, alloc;
	char kbuf[BRANDS_KEYS_LOCAL];
	struct brands_piece pbuf[BRANDS_PIECES_LOCAL];
	bool open;		/* the last piece is being read */
	bool hidden;		/* an invisible character since the last separator */
	enum brands_case prev, prev2;
	size_t prev_key;	/* where the key of the last letter starts */
};

/*
 * brands_visual - the text in the order a reader sees it, when that is not
 * the order it is stored in: "\u202Esidemaiv" (RIGHT-TO-LEFT OVERRIDE)
 * shows as "viamedis". ICU's bidi algorithm, controls removed. False (out
 * untouched) for text that reads as stored, or that ICU cannot take. Asked
 * only for text brands_rtl found right-to-left letters or controls in.
 */
static bool brands_visual(const char *utf8, size_t len, struct vbuf *out)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t n = 0, vn = 0, un = 0;
	UChar *u, *v;
	UBiDi *bidi;
	bool done = false;

	if (len > BRANDS_CLAIM_MAX)	/* the int32_t lengths below rely on it */
		return false;
	u = xmalloc((len + 1) * sizeof(*u));
	v = xmalloc((len + 1) * sizeof(*v));
	u_strFromUTF8WithSub(u, (int32_t)len + 1, &n, utf8, (int32_t)len, 0xFFFD, NULL, &e);
	bidi = ubidi_openSized(n, 0, &e);
	ubidi_setPara(bidi, u, n, UBIDI_DEFAULT_LTR, NULL, &e);
	if (U_SUCCESS(e) && ubidi_getDirection(bidi) != UBIDI_LTR) {
		vn = ubidi_writeReordered(bidi, v, (int32_t)len + 1, UBIDI_REMOVE_BIDI_CONTROLS, &e);
		if (U_SUCCESS(e)) {
			char *s = xmalloc((size_t)vn * 3 + 1);

			u_strToUTF8WithSub(s, vn * 3 + 1, &un, v, vn, 0xFFFD, NULL, &e);
			done = U_SUCCESS(e) && vbuf_add(out, s, (size_t)un);
			free(s);
		}
	}
	ubidi_close(bidi);
	free(u);
	free(v);
	return done;
}

/*
 * brands_rtl - whether the text may show in another order than stored:
 * right-to-left letters or embedding controls (the cheap test before
 * brands_visual asks ICU)
 */
static bool brands_rtl(const char *utf8, size_t len)
{
	for (size_t i = 0; i < len;) {
		UChar32 c;

		if ((unsigned char)utf8[i] < 0xd6) {	/* below U+0590: left to right */
			i++;
			continue;
		}
		c = (UChar32)utf8_next(utf8, len, &i);
		if (c < 0)
			continue;
		switch (u_charDirection(c)) {
		case U_RIGHT_TO_LEFT: case U_RIGHT_TO_LEFT_ARABIC: case U_ARABIC_NUMBER:
		case U_RIGHT_TO_LEFT_EMBEDDING: case U_RIGHT_TO_LEFT_OVERRIDE:
		case U_RIGHT_TO_LEFT_ISOLATE: case U_FIRST_STRONG_ISOLATE:
			return true;
		default:
			break;
		}
	}
	return false;
}

/* brands_case_of - how a letter or digit counts for the cuts inside a word */
static enum brands_case brands_case_of(UChar32 c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? BC_LOWER : c >= 'A' && c <= 'Z' ? BC_UPPER :
		       c >= '0' && c <= '9' ? BC_DIGIT : BC_OTHER;
	if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER)
		return BC_DIGIT;
	if (u_isUUppercase(c) || u_istitle(c))
		return BC_UPPER;
	if (u_isULowercase(c))
		return BC_LOWER;
	return BC_OTHER;
}

/* brands_keys_add - more key bytes; past the cap they are dropped */
static void brands_keys_add(struct brands_reading *r, const char *k, size_t kl)
{
	if (r->klen + kl > r->kcap) {
		size_t cap = r->kcap;
		char *grown;

		while (cap < r->klen + kl)
			cap *= 2;
		if (cap > 2 * BRANDS_CLAIM_MAX)
			return;
		grown = xrealloc(r->keys == r->kbuf ? NULL : r->keys, cap);
		if (r->keys == r->kbuf)
			memcpy(grown, r->kbuf, r->klen);
		r->keys = grown;
		r->kcap = cap;
	}
	memcpy(r->keys + r->klen, k, kl);
	r->klen += kl;
}

/* brands_piece_end - close the piece being read: its key read as skeleton_pairs reads it */
static void brands_piece_end(struct brands_reading *r)
{
	struct brands_piece *p;

	if (!r->open)
		return;
	p = &r->piece[r->n - 1];
	p->len = skeleton_pairs(r->keys + p->key, r->klen - p->key);
	r->klen = p->key + p->len;
	if (p->len == 0)
		r->n--;
	r->open = false;
}

/* brands_piece_new - start a piece at key offset off */
static void brands_piece_new(struct brands_reading *r, size_t off, bool soft)
{
	struct brands_piece *p;

	if (r->n == r->alloc) {
		struct brands_piece *grown = xreallocarray(r->piece == r->pbuf ? NULL : r->piece,
							   2 * r->alloc, sizeof(*grown));

		if (r->piece == r->pbuf)
			memcpy(grown, r->pbuf, sizeof(r->pbuf));
		r->piece = grown;
		r->alloc *= 2;
	}
	p = &r->piece[r->n++];
	p->key = off;
	p->len = 0;
	p->soft = soft;
	p->disguised = r->hidden;
	r->open = true;
}

/*
 * brands_letter - one letter or digit of key k: a new word, a cut inside
 * the word, or more of the same piece. An upper-case run followed by a
 * lower-case letter gives its last capital to the next piece ("KALIXIAPaie"
 * reads KALIXIA Paie).
 */
static void brands_letter(struct brands_reading *r, UChar32 c, const char *k, size_t kl)
{
	enum brands_case cs = brands_case_of(c);
	bool disguised = c >= 0x250 || r->hidden;

	if (!r->open) {
		brands_piece_new(r, r->klen, false);
	} else if (cs != BC_OTHER && r->prev != BC_NONE && r->prev != BC_OTHER &&
		   ((cs == BC_DIGIT) != (r->prev == BC_DIGIT) ||
		    (r->prev == BC_LOWER && cs == BC_UPPER))) {
		brands_piece_end(r);
		brands_piece_new(r, r->klen, true);
	} else if (cs == BC_LOWER && r->prev == BC_UPPER && r->prev2 == BC_UPPER &&
		   r->prev_key > r->piece[r->n - 1].key) {
		size_t at = r->prev_key;
		struct brands_piece *p = &r->piece[r->n - 1];

		p->len = skeleton_pairs(r->keys + p->key, at - p->key);
		memmove(r->keys + p->key + p->len, r->keys + at, r->klen - at);
		r->klen -= at - p->key - p->len;
		brands_piece_new(r, p->key + p->len, true);
	}
	if (disguised)
		r->piece[r->n - 1].disguised = true;
	if (cs != BC_OTHER) {
		r->prev2 = r->prev;
		r->prev = cs;
	}
	r->prev_key = r->klen;
	brands_keys_add(r, k, kl);
}

/* brands_read - the text cut into pieces of keys (up to BRANDS_CLAIM_MAX bytes) */
static void brands_read(const struct skeleton *sk, const char *utf8, size_t len,
			struct brands_reading *r)
{
	char key[SKELETON_CP_MAX];

	if (len > BRANDS_CLAIM_MAX)
		len = BRANDS_CLAIM_MAX;
	for (size_t i = 0; i < len;) {
		enum skeleton_class cls;
		UChar32 c = (unsigned char)utf8[i] < 0x80 ? (unsigned char)utf8[i++] :
			    (UChar32)utf8_next(utf8, len, &i);
		size_t kl = skeleton_fold_cp(sk, c < 0 ? 0xFFFD : (uint32_t)c, key, &cls);

		if (cls == SKELETON_INVISIBLE) {
			r->hidden = true;
			if (r->open)
				r->piece[r->n - 1].disguised = true;
		} else if (cls == SKELETON_SEPARATOR) {
			brands_piece_end(r);
			r->hidden = false;
			r->prev = r->prev2 = BC_NONE;
		} else if (kl > 0) {
			brands_letter(r, c, key, kl);
		}
	}
	brands_piece_end(r);
}

/* brands_reading_init - an empty reading on its own stack buffers */
static void brands_reading_init(struct brands_reading *r)
{
	r->keys = r->kbuf;
	r->klen = 0;
	r->kcap = sizeof(r->kbuf);
	r->piece = r->pbuf;
	r->n = 0;
	r->alloc = BRANDS_PIECES_LOCAL;
	r->open = r->hidden = false;
	r->prev = r->prev2 = BC_NONE;
	r->prev_key = 0;
}

/* brands_reading_free - release what a reading took from the heap */
static void brands_reading_free(struct brands_reading *r)
{
	if (r->keys != r->kbuf)
		free(r->keys);
	if (r->piece != r->pbuf)
		free(r->piece);
}

/* brands_may_start - whether some name key starts at key (avail bytes from there) */
static inline bool brands_may_start(const struct brands *b, const char *key, size_t avail)
{
	unsigned v = (unsigned)(unsigned char)key[0] << 8;

	if (b->formstart[v / 8] & (1u << (v % 8)))
		return true;	/* a name of one byte */
	v |= avail > 1 ? (unsigned char)key[1] : 0;
	return avail > 1 && (b->formstart[v / 8] & (1u << (v % 8)));
}

/* brands_form_of - the form whose key this is, or NULL */
static const struct brands_form *brands_form_of(const struct brands *b, const char *key,
						size_t len)
{
	size_t fi;

	if (len == 0 || len > b->form_max || !hmap_get(&b->formkey, key, len, &fi))
		return NULL;
	return &b->form[fi];
}

/* brands_found - fill the claim from a form and pieces lo..hi */
static bool brands_found(const struct brands *b, const struct brands_reading *r,
			 const struct brands_form *f, size_t lo, size_t hi,
			 enum brands_glue glue, struct brands_claim *out)
{
	out->brand = &b->brand[f->brand];
	out->form = f->form;
	out->glue = glue;
	out->disguised = false;
	for (size_t i = lo; i <= hi; i++)
		out->disguised = out->disguised || r->piece[i].disguised;
	return true;
}

/*
 * brands_runs - a name filling pieces lo..hi, ends included: whole words
 * only (soft false: runs start and end where words do) or any pieces.
 */
static bool brands_runs(const struct brands *b, const struct brands_reading *r, bool soft,
			struct brands_claim *out)
{
	for (size_t lo = 0; lo < r->n; lo++) {
		if ((!soft && r->piece[lo].soft) ||
		    !brands_may_start(b, r->keys + r->piece[lo].key, r->klen - r->piece[lo].key))
			continue;
		for (size_t hi = lo; hi < r->n; hi++) {
			const struct brands_piece *last = &r->piece[hi];
			size_t len = last->key + last->len - r->piece[lo].key;
			const struct brands_form *f;

			if (len > b->form_max)
				break;
			if (!soft && hi + 1 < r->n && r->piece[hi + 1].soft)
				continue;
			if ((f = brands_form_of(b, r->keys + r->piece[lo].key, len)) != NULL)
				return brands_found(b, r, f, lo, hi,
						    soft ? BRANDS_GLUE_SPLIT : BRANDS_GLUE_NONE, out);
		}
	}
	return false;
}

/* brands_words_fill - whether key is the pack's service words end to end */
static bool brands_words_fill(const struct brands *b, const char *key, size_t len)
{
	bool ok[BRANDS_GLUED_MAX + 1];
	size_t wmax = brands_word_max(b);

	if (len > BRANDS_GLUED_MAX)
		return false;
	ok[0] = true;
	for (size_t end = 1; end <= len; end++) {
		ok[end] = false;
		for (size_t w = 1; w <= wmax && w <= end && !ok[end]; w++)
			ok[end] = ok[end - w] && brands_word(b, key + end - w, w);
	}
	return ok[len];
}

/* brands_glued - a name inside one word, the rest of the word service words */
static bool brands_glued(const struct brands *b, const struct brands_reading *r,
			 struct brands_claim *out)
{
	for (size_t lo = 0; lo < r->n; lo++) {
		size_t hi = lo, start, len;
		const char *k;

		if (r->piece[lo].soft)
			continue;
		while (hi + 1 < r->n && r->piece[hi + 1].soft)
			hi++;
		start = r->piece[lo].key;
		len = r->piece[hi].key + r->piece[hi].len - start;
		k = r->keys + start;
		if (len > BRANDS_GLUED_MAX)
			continue;
		for (size_t i = 0; i < len; i++) {
			if (!brands_may_start(b, k + i, len - i))
				continue;
			for (size_t j = i + 1; j <= len && j - i <= b->form_max; j++) {
				const struct brands_form *f;

				if ((i == 0 && j == len) || (f = brands_form_of(b, k + i, j - i)) == NULL)
					continue;
				if ((i == 0 || brands_words_fill(b, k, i)) &&
				    (j == len || brands_words_fill(b, k + j, len - j)))
					return brands_found(b, r, f, lo, hi, BRANDS_GLUE_WORD, out);
			}
		}
	}
	return false;
}

/* brands_claim_in - search a reading of a text: whole words, or glued names */
static bool brands_claim_in(const struct brands *b, const struct brands_reading *r, bool glue,
			    struct brands_claim *out)
{
	if (!glue)
		return brands_runs(b, r, false, out);
	return brands_runs(b, r, true, out) || brands_glued(b, r, out);
}

/*
 * brands_claim_read - the brand a name claims, read as stored and in the
 * order it is shown: whole words first, then (glue) names glued to other
 * letters (see above). False (out cleared) when it claims none.
 */
bool brands_claim_read(const struct brands *b, const char *utf8, size_t len, bool glue,
		       struct brands_claim *out)
{
	struct vbuf seen = VBUF_INIT(BRANDS_CLAIM_MAX * 2);
	struct brands_reading r[2];
	size_t n = 1;
	bool found = false;

	memset(out, 0, sizeof(*out));
	if (len > BRANDS_CLAIM_MAX)
		len = BRANDS_CLAIM_MAX;
	brands_reading_init(&r[0]);
	brands_read(b->sk, utf8, len, &r[0]);
	if (brands_rtl(utf8, len) && brands_visual(utf8, len, &seen)) {
		brands_reading_init(&r[1]);
		brands_read(b->sk, vbuf_str(&seen), seen.len, &r[n++]);
	}
	for (int pass = 0; pass < (glue ? 2 : 1) && !found; pass++)
		for (size_t i = 0; i < n && !found; i++)
			found = brands_claim_in(b, &r[i], pass == 1, out);
	for (size_t i = 0; i < n; i++)
		brands_reading_free(&r[i]);
	vbuf_free(&seen);
	if (!found)
		memset(out, 0, sizeof(*out));
	return found;
}

/*
 * brands_name_claim_form - the brand whose name a text shows as a sequence
 * of whole words (case, accents, lookalike letters, invisible characters,
 * spacing and punctuation ignored), in the order it is stored or the order
 * it is seen; *form is the pack's name that matched.
 */
const struct brand *brands_name_claim_form(const struct brands *b, const char *utf8,
					   size_t len, const char **form)
{
	struct brands_claim c;

	if (!brands_claim_read(b, utf8, len, false, &c))
		return NULL;
	if (form)
		*form = c.form;
	return c.brand;
}

/* brands_name_claim - the brand a display name or subject claims, or NULL */
const struct brand *brands_name_claim(const struct brands *b, const char *utf8, size_t len)
{
	return brands_name_claim_form(b, utf8, len, NULL);
}
