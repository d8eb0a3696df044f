/*
 * skeleton - matching keys (confusable skeletons) for labels and free text.
 *
 * Touches: the heap and ICU's read-only data. The key of every code point
 * below SKELETON_CACHED is computed once by skeleton_new() (same function as
 * the live path, so the two cannot disagree); others are computed on demand.
 * Bad UTF-8 gives -1 (skeleton_key) or a separator (skeleton_fold_text),
 * never a crash; output is always capped.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "skeleton.h"
#include "utf8.h"
#include "xalloc.h"

#define SKELETON_CACHED 0x2000	/* Latin, IPA, Greek, Cyrillic, phonetic, Latin extended */

#define SK_IGNORABLE 1		/* removed without a trace (ZWSP, soft hyphen...) */
#define SK_SEPARATOR 2		/* ends a word in free text */

struct skeleton {
	USpoofChecker *sc;
	const UNormalizer2 *nfkd;
	uint32_t off[SKELETON_CACHED];
	uint8_t len[SKELETON_CACHED];
	uint8_t flags[SKELETON_CACHED];
	char *pool;
};

/*
 * Confusables ICU does not map (or maps to another odd letter): Chromium's
 * supplementary list (components/url_formatter/spoof_checks), the glyphs
 * of dnstwist's homoglyph fuzzer, and the small capitals ICU leaves as they
 * are (U+1D00 and the like: they read as Latin letters in a display name).
 * Applied before and after ICU's skeleton, on case-folded code points with
 * their marks removed. Sorted by code point.
 */
static const struct skeleton_extra {
	UChar32 cp;
	const char *to;
} skeleton_extra[] = {
	{ 0x00DF, "ss" }, { 0x00E6, "ae" }, { 0x00F0, "d" }, { 0x00F8, "o" },
	{ 0x00FE, "p" }, { 0x0110, "d" }, { 0x0111, "d" }, { 0x0127, "h" },
	{ 0x0131, "i" }, { 0x0138, "k" }, { 0x0142, "l" }, { 0x014B, "n" },
	{ 0x0153, "oe" }, { 0x0167, "t" }, { 0x0180, "b" }, { 0x0185, "b" },
	{ 0x0188, "c" }, { 0x01AB, "t" }, { 0x01BF, "p" }, { 0x01DD, "a" },
	{ 0x0251, "a" }, { 0x0259, "a" }, { 0x0262, "g" }, { 0x0274, "n" },
	{ 0x027E, "r" }, { 0x0280, "r" }, { 0x0289, "u" }, { 0x028D, "m" },
	{ 0x0299, "b" }, { 0x029C, "h" }, { 0x029D, "j" }, { 0x029F, "l" },
	{ 0x03B8, "o" }, { 0x03BA, "k" }, { 0x03C0, "n" }, { 0x03C7, "x" },
	{ 0x03C9, "w" }, { 0x0432, "b" }, { 0x043A, "k" }, { 0x043C, "m" },
	{ 0x043D, "h" }, { 0x043F, "n" }, { 0x0442, "t" }, { 0x0448, "w" },
	{ 0x0449, "w" }, { 0x044C, "b" }, { 0x0454, "e" }, { 0x045B, "h" },
	{ 0x048D, "b" }, { 0x048F, "p" }, { 0x0491, "r" }, { 0x0493, "f" },
	{ 0x049B, "k" }, { 0x049D, "k" }, { 0x049F, "k" }, { 0x04A1, "k" },
	{ 0x04A3, "h" }, { 0x04A5, "h" }, { 0x04AB, "c" }, { 0x04AD, "t" },
	{ 0x04B1, "y" }, { 0x04B3, "x" }, { 0x04BD, "e" }, { 0x04BF, "e" },
	{ 0x04C4, "k" }, { 0x04C8, "h" }, { 0x04CA, "h" }, { 0x04CE, "m" },
	{ 0x04D5, "ae" }, { 0x04FB, "f" }, { 0x04FD, "x" }, { 0x04FF, "x" },
	{ 0x0503, "d" }, { 0x050B, "h" }, { 0x050D, "g" }, { 0x050F, "t" },
	{ 0x051F, "k" }, { 0x0525, "n" }, { 0x0527, "h" }, { 0x0529, "h" },
	{ 0x0582, "l" }, { 0x05D7, "n" }, { 0x0966, "o" }, { 0x0968, "2" },
	{ 0x09E6, "o" }, { 0x09E8, "2" }, { 0x09EA, "8" }, { 0x09ED, "q" },
	{ 0x0A66, "o" }, { 0x0A67, "q" }, { 0x0A68, "2" }, { 0x0A6A, "8" },
	{ 0x0AE6, "o" }, { 0x0AE7, "q" }, { 0x0AED, "9" }, { 0x0B30, "o" },
	{ 0x0B66, "o" }, { 0x0B68, "9" }, { 0x0B6B, "8" }, { 0x0C68, "9" },
	{ 0x0CE6, "o" }, { 0x0CE9, "2" }, { 0x0D1F, "s" }, { 0x0E01, "n" },
	{ 0x0E1A, "u" }, { 0x0E1E, "w" }, { 0x0E1F, "w" }, { 0x0E23, "s" },
	{ 0x0E9A, "u" }, { 0x0E9E, "w" }, { 0x0E9F, "w" }, { 0x0EA3, "s" },
	{ 0x0EAE, "s" }, { 0x1004, "c" }, { 0x100C, "g" }, { 0x1042, "j" },
	{ 0x1054, "e" }, { 0x1D00, "a" }, { 0x1D05, "d" }, { 0x1D07, "e" },
	{ 0x1D0A, "j" }, { 0x1D0B, "k" }, { 0x1D18, "p" }, { 0x1D1B, "t" },
	{ 0x2C68, "h" }, { 0x2C6A, "k" }, { 0x2C6C, "z" }, { 0x2C71, "v" },
	{ 0x2C73, "w" }, { 0x2C74, "v" }, { 0x4E01, "t" }, { 0x4E03, "t" },
	{ 0x4E05, "t" }, { 0x4E06, "t" }, { 0x4E2B, "y" }, { 0x4E42, "x" },
	{ 0xA730, "f" }, { 0xA791, "n" }, { 0xA793, "e" }, { 0xA7AF, "q" },
};

/* skeleton_extra_find - the supplementary mapping of cp, or NULL */
static const char *skeleton_extra_find(UChar32 cp)
{
	size_t lo = 0, hi = sizeof(skeleton_extra) / sizeof(skeleton_extra[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (skeleton_extra[mid].cp == cp)
			return skeleton_extra[mid].to;
		if (skeleton_extra[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* skeleton_is_ignorable - whether cp is invisible (default ignorable) */
bool skeleton_is_ignorable(unsigned cp)
{
	return u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* skeleton_is_mark - marks vanish from keys: é is e, l with stroke is l */
static bool skeleton_is_mark(UChar32 c)
{
	int8_t t = u_charType(c);

	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* skeleton_put - append one code point of a key */
static size_t skeleton_put(char *out, size_t n, size_t max, UChar32 c)
{
	char enc[4];
	size_t len = utf8_encode((uint32_t)c, enc);

	if (n + len > max)
		return n;
	memcpy(out + n, enc, len);
	return n + len;
}

/* skeleton_after - fold, strip and remap what ICU's skeleton produced */
static size_t skeleton_after(const UChar *s, int32_t len, char *out, size_t n, size_t max)
{
	for (int32_t i = 0; i < len;) {
		UChar32 c;
		const char *extra;

		U16_NEXT(s, i, len, c);
		if (skeleton_is_mark(c) || skeleton_is_ignorable((unsigned)c))
			continue;
		c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
		if ((extra = skeleton_extra_find(c)) != NULL) {
			for (; *extra; extra++)
				n = skeleton_put(out, n, max, (UChar32)*extra);
		} else {
			n = skeleton_put(out, n, max, c);
		}
	}
	return n;
}

/* skeleton_icu - ICU's skeleton of one code point, then the after-pass */
static size_t skeleton_icu(const struct skeleton *sk, UChar32 c, char *out, size_t n, size_t max)
{
	UChar in[2], res[32];
	int32_t inlen = 0, reslen;
	UErrorCode e = U_ZERO_ERROR;
	UBool err = 0;

	U16_APPEND(in, inlen, 2, c, err);
	reslen = uspoof_getSkeleton(sk->sc, 0, in, inlen, res, 32, &e);
	if (U_FAILURE(e) || err)
		return skeleton_after(in, inlen, out, n, max);
	return skeleton_after(res, reslen, out, n, max);
}

/*
 * skeleton_capital - the key of a capital read as a capital: Greek and
 * Cyrillic capitals look like Latin ones their small forms do not resemble
 * (Greek B, H, M are beta, eta, mu), so ICU's skeleton is asked before case
 * folding. 0 when that gives no plain Latin letter or digit.
 */
static size_t skeleton_capital(const struct skeleton *sk, UChar32 c, char *out, size_t max)
{
	char one[SKELETON_CP_MAX];
	size_t n = skeleton_icu(sk, c, one, 0, sizeof(one));

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((one[i] >= 'a' && one[i] <= 'z') || (one[i] >= '0' && one[i] <= '9')))
			return 0;
	memcpy(out, one, n);
	return n;
}

/*
 * skeleton_cp - the key of one code point (the live path) and its flags.
 * The compatibility decomposition (NFKD) comes first, as IDNA's mapping
 * does for domains: full-width, mathematical, circled and other styled
 * letters are the letters they show.
 */
static size_t skeleton_cp(const struct skeleton *sk, UChar32 c, char *out, size_t max,
			  uint8_t *flags)
{
	UChar dec[32];
	UErrorCode e = U_ZERO_ERROR;
	int32_t declen;
	size_t n = 0, bases = 0;
	int8_t type = u_charType(c);

	*flags = 0;
	if (skeleton_is_ignorable((unsigned)c)) {
		*flags = SK_IGNORABLE;
		return 0;
	}
	if ((type == U_UPPERCASE_LETTER || type == U_TITLECASE_LETTER) && c >= 0x80 &&
	    (n = skeleton_capital(sk, c, out, max)) > 0)
		return n;
	c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
	declen = unorm2_getDecomposition(sk->nfkd, c, dec, 32, &e);
	if (U_FAILURE(e) || declen < 0) {
		declen = 0;
		U16_APPEND_UNSAFE(dec, declen, c);
	}
	for (int32_t i = 0; i < declen;) {
		UChar32 d;
		const char *extra;

		U16_NEXT(dec, i, declen, d);
		if (skeleton_is_mark(d))
			continue;
		bases++;
		d = u_foldCase(d, U_FOLD_CASE_DEFAULT);
		if ((extra = skeleton_extra_find(d)) != NULL) {
			for (; *extra; extra++)
				n = skeleton_icu(sk, (UChar32)*extra, out, n, max);
		} else {
			n = skeleton_icu(sk, d, out, n, max);
		}
	}
	/* Words are letters, digits and marks; a symbol counts only when it
	 * reads as one letter (| is l, a circled A is a); punctuation, spaces
	 * and symbols of several letters (TM) separate. */
	switch (type) {
	case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
	case U_MODIFIER_LETTER: case U_OTHER_LETTER: case U_DECIMAL_DIGIT_NUMBER:
	case U_LETTER_NUMBER: case U_OTHER_NUMBER: case U_NON_SPACING_MARK:
	case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
		break;
	case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL:
	case U_OTHER_SYMBOL:
		for (size_t i = 0; i < n; i++)
			if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= '0' && out[i] <= '9')))
				*flags = SK_SEPARATOR;
		if (n == 0 || bases != 1)
			*flags = SK_SEPARATOR;
		break;
	default:
		*flags = SK_SEPARATOR;
		break;
	}
	if (*flags == SK_SEPARATOR)
		return 0;
	return n;
}

/* skeleton_cache - fill the table of the common code points once */
static void skeleton_cache(struct skeleton *sk)
{
	size_t cap = SKELETON_CACHED * 4, used = 0;
	char one[SKELETON_CP_MAX];

	sk->pool = xmalloc(cap);
	for (UChar32 c = 0; c < SKELETON_CACHED; c++) {
		size_t n;

		if (U_IS_SURROGATE(c)) {
			sk->flags[c] = SK_SEPARATOR;
			sk->len[c] = 0;
			sk->off[c] = 0;
			continue;
		}
		n = skeleton_cp(sk, c, one, sizeof(one), &sk->flags[c]);
		if (used + n > cap) {
			cap *= 2;
			sk->pool = xrealloc(sk->pool, cap);
		}
		memcpy(sk->pool + used, one, n);
		sk->off[c] = (uint32_t)used;
		sk->len[c] = (uint8_t)n;
		used += n;
	}
}

/* skeleton_new - the ICU checker and the cached keys; NULL with err set */
struct skeleton *skeleton_new(char *err, size_t errlen)
{
	struct skeleton *sk = xcalloc(1, sizeof(*sk));
	UErrorCode e = U_ZERO_ERROR;

	sk->nfkd = unorm2_getNFKDInstance(&e);
	if (U_SUCCESS(e))
		sk->sc = uspoof_open(&e);
	if (U_SUCCESS(e))
		uspoof_setChecks(sk->sc, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS |
				 USPOOF_INVISIBLE, &e);
	if (U_SUCCESS(e))
		uspoof_setRestrictionLevel(sk->sc, USPOOF_HIGHLY_RESTRICTIVE);
	if (U_FAILURE(e)) {
		snprintf(err, errlen, "ICU spoof checker: %s", u_errorName(e));
		skeleton_free(sk);
		return NULL;
	}
	skeleton_cache(sk);
	return sk;
}

/* skeleton_free - release the checker */
void skeleton_free(struct skeleton *sk)
{
	if (sk == NULL)
		return;
	if (sk->sc)
		uspoof_close(sk->sc);
	free(sk->pool);
	free(sk);
}

/* skeleton_one - the key of one code point, from the cache or live */
static size_t skeleton_one(const struct skeleton *sk, UChar32 c, char *buf, const char **key,
			   uint8_t *flags)
{
	if (c >= 0 && c < SKELETON_CACHED) {
		*key = sk->pool + sk->off[c];
		*flags = sk->flags[c];
		return sk->len[c];
	}
	*key = buf;
	return skeleton_cp(sk, c, buf, SKELETON_CP_MAX, flags);
}

/*
 * skeleton_pairs - read rn as m (ICU's skeleton writes m as rn: this keeps
 * keys as long as the names) and i as l, in place. Other two-letter
 * lookalikes (cl, vv) are left to typo.c: folding them here would glue
 * letters across words ("gouv" + "viamedis").
 */
size_t skeleton_pairs(char *s, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		if (s[r] == 'r' && r + 1 < len && s[r + 1] == 'n') {
			s[w++] = 'm';
			r += 2;
		} else {
			s[w++] = s[r] == 'i' ? 'l' : s[r];
			r++;
		}
	}
	return w;
}

/*
 * skeleton_key - the key of a label or name into key (NUL-terminated);
 * returns its length, or -1 for bad UTF-8 or a key over keymax - 1 bytes.
 * Separators are kept as their own key (a hyphen stays a hyphen).
 */
int skeleton_key(const struct skeleton *sk, const char *utf8, size_t len,
		 char *key, size_t keymax)
{
	size_t n = 0;
	char buf[SKELETON_CP_MAX];

	if (keymax == 0)
		return -1;
	for (size_t i = 0; i < len;) {
		size_t start = i;
		UChar32 c;
		const char *k;
		uint8_t flags;
		size_t kl;

		if ((unsigned char)utf8[i] < 0x80) {
			c = (unsigned char)utf8[i++];
		} else {
			c = (UChar32)utf8_next(utf8, len, &i);
			if (c < 0)
				return -1;
		}
		kl = skeleton_one(sk, c, buf, &k, &flags);
		if (flags & SK_SEPARATOR) {
			/* punctuation keeps its own shape: hyphens matter in labels */
			k = utf8 + start;
			kl = i - start;
		}
		if (n + kl + 1 > keymax)
			return -1;
		memcpy(key + n, k, kl);
		n += kl;
	}
	n = skeleton_pairs(key, n);
	key[n] = '\0';
	return (int)n;
}

/*
 * skeleton_fold_cp - the key of one code point of free text into key (at
 * most SKELETON_CP_MAX bytes, no NUL) and what it is there: a letter (or
 * digit), invisible, or a separator (key empty for both). A word's keys
 * joined then go through skeleton_pairs, as skeleton_fold_text does.
 */
size_t skeleton_fold_cp(const struct skeleton *sk, uint32_t cp, char *key,
			enum skeleton_class *cls)
{
	char buf[SKELETON_CP_MAX];
	const char *k;
	uint8_t flags;
	size_t kl = skeleton_one(sk, cp > 0x10FFFF ? 0xFFFD : (UChar32)cp, buf, &k, &flags);

	*cls = (flags & SK_IGNORABLE) ? SKELETON_INVISIBLE :
	       (flags & SK_SEPARATOR) ? SKELETON_SEPARATOR : SKELETON_LETTER;
	if (*cls != SKELETON_LETTER)
		return 0;
	memcpy(key, k, kl);
	return kl;
}

/*
 * skeleton_fold_text - free text as words of keys separated by one space:
 * case, accents, invisible characters, spacing and punctuation no longer
 * matter. False when out reached its cap (what fits is kept).
 */
bool skeleton_fold_text(const struct skeleton *sk, const char *utf8, size_t len,
			struct vbuf *out)
{
	char buf[SKELETON_CP_MAX];
	size_t word = out->len;
	bool ok = true;

	for (size_t i = 0; i < len && ok;) {
		UChar32 c;
		const char *k;
		uint8_t flags;
		size_t kl;

		if ((unsigned char)utf8[i] < 0x80)
			c = (unsigned char)utf8[i++];
		else
			c = (UChar32)utf8_next(utf8, len, &i);
		if (c < 0)
			c = 0xFFFD;
		kl = skeleton_one(sk, c, buf, &k, &flags);
		if (flags & SK_IGNORABLE)
			continue;
		if (flags & SK_SEPARATOR) {
			if (out->len > word) {
				out->len = word + skeleton_pairs(out->data + word, out->len - word);
				ok = vbuf_addc(out, ' ');
				word = out->len;
			}
			continue;
		}
		ok = vbuf_add(out, k, kl);
	}
	if (out->len > word)
		out->len = word + skeleton_pairs(out->data + word, out->len - word);
	else if (out->len > 0 && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->data)
		out->data[out->len] = '\0';
	return ok && !out->overflow;
}

/* skeleton_scripts - the distinct scripts of a label, by name */
static void skeleton_scripts(const char *utf8, size_t len, struct skeleton_check *res)
{
	UScriptCode seen[8];
	int nseen = 0;
	size_t n = 0;

	res->script_names[0] = '\0';
	for (size_t i = 0; i < len;) {
		UChar32 c = (UChar32)utf8_next(utf8, len, &i);
		UErrorCode e = U_ZERO_ERROR;
		UScriptCode sc;
		int k;

		if (c < 0)
			continue;
		sc = uscript_getScript(c, &e);
		if (U_FAILURE(e) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
			continue;
		for (k = 0; k < nseen && seen[k] != sc; k++)
			;
		if (k < nseen || nseen == 8)
			continue;
		seen[nseen++] = sc;
		n += (size_t)snprintf(res->script_names + n, n < sizeof(res->script_names) ?
				      sizeof(res->script_names) - n : 0, "%s%s",
				      nseen > 1 ? ", " : "", uscript_getName(sc));
		if (n >= sizeof(res->script_names))
			n = sizeof(res->script_names) - 1;
	}
	res->scripts = nseen;
	res->single = nseen == 1 ? uscript_getName(seen[0]) : NULL;
}

/*
 * skeleton_latin - whether every code point is in a Latin block that holds
 * only Latin and Common characters (the accented letters of most lookalikes),
 * so that ICU's check can be skipped.
 */
static bool skeleton_latin(const char *utf8, size_t len)
{
	for (size_t i = 0; i < len;) {
		UChar32 c = (UChar32)utf8_next(utf8, len, &i);

		if (c < 0 || c == 0xAA || c == 0xBA)
			return false;
		if (!(c < 0x250 || (c >= 0x1E00 && c < 0x1F00)))
			return false;
	}
	return true;
}

/* skeleton_check_label - UTS #39 restriction level and mixed numbers of a label */
bool skeleton_check_label(const struct skeleton *sk, const char *utf8, size_t len,
			  struct skeleton_check *res)
{
	UErrorCode e = U_ZERO_ERROR;
	USpoofCheckResult *r;
	int32_t bits;
	URestrictionLevel level;

	memset(res, 0, sizeof(*res));
	if (len > INT32_MAX)
		return false;
	if (skeleton_latin(utf8, len)) {
		/* Latin letters with Common characters: single script, one digit set */
		snprintf(res->script_names, sizeof(res->script_names), "Latin");
		res->scripts = 1;
		res->single = "Latin";
		return true;
	}
	r = uspoof_openCheckResult(&e);
	if (U_FAILURE(e))
		return false;
	bits = uspoof_check2UTF8(sk->sc, utf8, (int32_t)len, r, &e);
	level = uspoof_getCheckResultRestrictionLevel(r, &e);
	uspoof_closeCheckResult(r);
	if (U_FAILURE(e))
		return false;
	res->mixed_script = level > USPOOF_HIGHLY_RESTRICTIVE;
	res->mixed_numbers = (bits & USPOOF_MIXED_NUMBERS) != 0;
	res->invisible = (bits & USPOOF_INVISIBLE) != 0;
	skeleton_scripts(utf8, len, res);
	return true;
}
