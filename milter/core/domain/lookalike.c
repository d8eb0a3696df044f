/*
 * lookalike - match one parsed domain against the brand pack.
 *
 * Touches: nothing but the findings list it is given (the pack is read-only).
 * Work is bounded: at most LOOKALIKE_LABELS labels left of the public suffix
 * and LOOKALIKE_TOKENS words per label are examined, keys live in one fixed
 * buffer, and every comparison is capped at TYPO_MAX code points. Labels
 * are keyed once; brand labels are found by hash (exact keys) or among the
 * few of a similar length (typos), never by trying every algorithm on every
 * brand.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "brands.h"
#include "domain.h"
#include "lookalike.h"
#include "skeleton.h"
#include "typo.h"
#include "utf8.h"

#define LOOKALIKE_LABELS 32	/* labels examined left of the public suffix */
#define LOOKALIKE_TOKENS 16	/* words of one label examined */
#define LOOKALIKE_KEYBUF 8192	/* bytes of keys of one name */

struct lookalike {
	const struct brands *b;
	const struct skeleton *sk;
	const struct domain *d;
	enum reason_where where;
	struct reason_list *out;
	const struct brand *best;
	int best_strength;
	unsigned n;			/* labels */
	unsigned first;			/* first label examined */
	unsigned r;			/* the registrable label */
	const char *suffix;		/* public suffix of the name, "" if none */
	const char *alab[DOMAIN_LABELS_MAX + 1];
	size_t alen[DOMAIN_LABELS_MAX + 1];
	const char *ulab[DOMAIN_LABELS_MAX + 1];
	size_t ulen[DOMAIN_LABELS_MAX + 1];
	const char *key[DOMAIN_LABELS_MAX + 1];	/* NULL when it could not be keyed */
	size_t klen[DOMAIN_LABELS_MAX + 1];
	const struct brand *label_brand[DOMAIN_LABELS_MAX + 1];
	struct skeleton_check rchk;	/* UTS #39 check of the registrable label */
	int rchk_state;			/* 0 not done, 1 done, -1 failed */
	char keybuf[LOOKALIKE_KEYBUF];
	size_t keyused;
};

/* A typo candidate: the brand label and how the name differs from it. */
struct lookalike_typo {
	const struct brand_label *l;
	int strength;
	bool looks;			/* only lookalike letters differ */
	struct typo_edit e;
};

/* Host names written in front of a brand with a hyphen for the dot (keys). */
static const char *const lookalike_hosts[] = {
	"www", "ww", "wwww", "w3", "web", "mall", "webmall", "smtp", "mx", "m",
};

/* lookalike_addf - reason_vadd through a format */
static void lookalike_addf(struct lookalike *c, enum reason_code code, const struct brand *br,
			   int strength, unsigned flags, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void lookalike_addf(struct lookalike *c, enum reason_code code, const struct brand *br,
			   int strength, unsigned flags, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reason_vadd(c->out, code, c->where, br, strength, flags, c->d->ascii, fmt, ap);
	va_end(ap);
}

/*
 * lookalike_report - add a finding about this name and remember the
 * strongest brand; a weak one is capped at LOOKALIKE_WEAK_MAX
 */
static void lookalike_report(struct lookalike *c, enum reason_code code, const struct brand *br,
			     int strength, bool weak, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void lookalike_report(struct lookalike *c, enum reason_code code, const struct brand *br,
			     int strength, bool weak, const char *fmt, ...)
{
	char detail[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (weak && strength > LOOKALIKE_WEAK_MAX)
		strength = LOOKALIKE_WEAK_MAX;
	lookalike_addf(c, code, br, strength, weak ? REASON_F_WEAK : 0, "%s", detail);
	if (br && strength > c->best_strength) {
		c->best = br;
		c->best_strength = strength;
	}
}

/* lookalike_is_host - whether a key is a host name put in front of a brand */
static bool lookalike_is_host(const char *key, size_t len)
{
	for (size_t i = 0; i < sizeof(lookalike_hosts) / sizeof(lookalike_hosts[0]); i++)
		if (strlen(lookalike_hosts[i]) == len && memcmp(lookalike_hosts[i], key, len) == 0)
			return true;
	return false;
}

/* lookalike_cite - the brand domain to name: same suffix as the name if owned */
static void lookalike_cite(const struct lookalike *c, const struct brand_label *l,
			   char *out, size_t outlen)
{
	const char *suffix;

	if (l->nsuffixes == 0) {	/* a name: "the name cpam" */
		snprintf(out, outlen, "the name %s", l->unicode);
		return;
	}
	suffix = l->suffixes[0];
	for (size_t i = 0; i < l->nsuffixes; i++)
		if (strcmp(l->suffixes[i], c->suffix) == 0)
			suffix = l->suffixes[i];
	snprintf(out, outlen, "%s.%s", l->unicode, suffix);
}

/* lookalike_owned_suffix - whether the brand owns its label under this suffix */
static bool lookalike_owned_suffix(const struct brand_label *l, const char *suffix)
{
	for (size_t i = 0; i < l->nsuffixes; i++)
		if (strcmp(l->suffixes[i], suffix) == 0)
			return true;
	return false;
}

/* lookalike_utf8 - code points a[from..to) back to UTF-8, cut at max bytes */
static void lookalike_utf8(const uint32_t *a, size_t from, size_t to, char *out, size_t max)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		char enc[4];
		size_t need = utf8_encode(a[i], enc);

		if (n + need + 4 > max) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		memcpy(out + n, enc, need);
		n += need;
	}
	out[n] = '\0';
}

/* lookalike_diff - "é for e", "e missing": how a label differs from a brand label */
static void lookalike_diff(const char *got, size_t glen, const char *want, char *out, size_t outlen)
{
	uint32_t g[TYPO_MAX * 4], w[TYPO_MAX * 4];
	size_t ng = typo_cps(got, glen, g, TYPO_MAX * 4), nw = typo_cps(want, strlen(want), w, TYPO_MAX * 4);
	size_t pre = 0, suf = 0, min;
	char a[96], b[96];

	if (ng > TYPO_MAX * 4 || nw > TYPO_MAX * 4) {
		snprintf(out, outlen, "long name");
		return;
	}
	min = ng < nw ? ng : nw;
	while (pre < min && g[pre] == w[pre])
		pre++;
	while (suf < min - pre && g[ng - 1 - suf] == w[nw - 1 - suf])
		suf++;
	lookalike_utf8(g, pre, ng - suf, a, sizeof(a));
	lookalike_utf8(w, pre, nw - suf, b, sizeof(b));
	if (a[0] == '\0')
		snprintf(out, outlen, "%s missing", b);
	else if (b[0] == '\0')
		snprintf(out, outlen, "%s added", a);
	else
		snprintf(out, outlen, "%s for %s", a, b);
}

/* lookalike_why - the reason a substitution is a likely typo, in words */
static const char *lookalike_why(const struct lookalike_typo *t)
{
	if (t->looks)
		return " (lookalike letters)";
	switch (t->e.kind) {
	case TYPO_TRANSPOSITION:
		return " (swapped letters)";
	case TYPO_REPETITION:
		return " (doubled letter)";
	case TYPO_HYPHEN:
		return " (hyphen)";
	case TYPO_SUBSTITUTION:
		if (t->e.why & TYPO_WHY_LOOKALIKE)
			return " (lookalike letter)";
		if (t->e.why & TYPO_WHY_KEYBOARD)
			return " (neighbouring key)";
		if (t->e.why & TYPO_WHY_BITFLIP)
			return " (one bit apart)";
		if (t->e.why & TYPO_WHY_VOWEL)
			return " (vowel swap)";
		return "";
	case TYPO_INSERTION:
		return t->e.why & TYPO_WHY_KEYBOARD ? " (neighbouring key)" : "";
	default:
		return "";
	}
}

/* lookalike_mask - which letters a key holds, as bits */
static uint64_t lookalike_mask(const uint32_t *q, size_t n)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= 1ULL << (q[i] & 63);
	return m;
}

/*
 * lookalike_may_look - a quick necessary condition for typo_lookalike: every
 * letter of the name may stand for a letter of the brand and every letter
 * of the brand has a stand-in in the name.
 */
static bool lookalike_may_look(const struct brand_label *l, uint64_t qset, bool qok)
{
	if (!qok || (qset & ~l->partners) != 0)
		return false;
	for (size_t i = 0; i < l->nneed; i++)
		if ((l->need[i] & qset) == 0)
			return false;
	return true;
}

/*
 * lookalike_letters - whether raw (the name's own ASCII letters; NULL when
 * it has others) is at most one edit from a short brand label: keys merge
 * i, l and 1, which would make amail one edit from ameli
 */
static bool lookalike_letters(const char *raw, size_t rawlen, const struct brand_label *l)
{
	uint32_t a[TYPO_MAX], b[TYPO_MAX];
	size_t na, nb;

	if (raw == NULL || l->word > LOOKALIKE_SHORT)
		return true;
	na = typo_cps(raw, rawlen, a, TYPO_MAX);
	nb = typo_cps(l->label, strlen(l->label), b, TYPO_MAX);
	return typo_distance(a, na, b, nb, 1) <= 1;
}

/*
 * lookalike_typo - the brand label a key is a typo or lookalike of: one
 * edit (short names: only plausible ones, and one edit on the letters
 * themselves, raw), or lookalike letters only (up to half the name, at
 * least two: nothing else may differ). Keys are compared as they are and
 * with m written rn. False when none.
 */
static bool lookalike_typo(const struct lookalike *c, const char *key, size_t klen,
			   const char *raw, size_t rawlen, struct lookalike_typo *best)
{
	uint32_t q[TYPO_MAX], qe[TYPO_MAX];
	size_t nq = typo_cps(key, klen, q, TYPO_MAX), nqe, first, end;
	uint64_t qmask, qset;
	bool qok;

	best->strength = 0;
	if (nq > TYPO_MAX || nq < 4)
		return false;
	nqe = typo_expand(q, nq, qe, TYPO_MAX);
	qmask = lookalike_mask(q, nq);
	qok = typo_set(q, nq, &qset);
	brands_label_range(c->b, nq > 8 ? nq - 8 : 0, nq + 8, &first, &end);
	for (size_t i = first; i < end; i++) {
		const struct brand_label *l = brands_label_sorted(c->b, i);
		enum brand_sensitivity sens = brand_sensitivity(l->brand);
		size_t limit = (l->ncps + 1) / 2 < 2 ? 2 : (l->ncps + 1) / 2;
		struct lookalike_typo t = { l, 0, false, { 0 } };

		if (sens == BRAND_LOW || l->ncps > TYPO_MAX || (l->ncps < 5 && sens != BRAND_HIGH))
			continue;
		if (sens == BRAND_HIGH)
			limit++;
		if ((size_t)__builtin_popcountll(qmask ^ l->mask) <= 4) {
			if (typo_distance(q, nq, l->cps, l->ncps, 1) == 1)
				typo_single(q, nq, l->cps, l->ncps, &t.e);
			else if (typo_distance(qe, nqe, l->ecps, l->necps, 1) == 1)
				typo_single(qe, nqe, l->ecps, l->necps, &t.e);
		}
		/* a hyphenated name is as weak as its longest word: tp-isante is 6 */
		if (t.e.kind != TYPO_SAME &&
		    (l->word >= 7 || sens == BRAND_HIGH || typo_plausible(&t.e)))
			t.strength = l->word >= 8 ? LOOKALIKE_TYPO_LONG :
				     l->word >= 6 ? LOOKALIKE_TYPO_MID : LOOKALIKE_TYPO_SHORT;
		if (t.strength && !lookalike_letters(raw, rawlen, l))
			t.strength = 0;
		if (t.strength == 0 && lookalike_may_look(l, qset, qok) &&
		    (typo_lookalike(q, nq, l->cps, l->ncps, (int)limit) <= (int)limit ||
		     typo_lookalike(qe, nqe, l->ecps, l->necps, (int)limit) <= (int)limit)) {
			t.strength = LOOKALIKE_TYPO_LOOKS;
			t.looks = true;
		}
		if (t.strength > best->strength ||
		    (t.strength && t.strength == best->strength && l->ncps > best->l->ncps))
			*best = t;
	}
	return best->strength > 0;
}

/* lookalike_split - the labels of both forms, and keys of those examined */
static bool lookalike_split(struct lookalike *c)
{
	const char *a = c->d->ascii, *u = c->d->unicode;

	c->n = 0;
	while (c->n <= DOMAIN_LABELS_MAX) {
		const char *ad = strchr(a, '.'), *ud = strchr(u, '.');

		c->alab[c->n] = a;
		c->alen[c->n] = ad ? (size_t)(ad - a) : strlen(a);
		c->ulab[c->n] = u;
		c->ulen[c->n] = ud ? (size_t)(ud - u) : strlen(u);
		c->n++;
		if (!ad || !ud)
			return !ad && !ud;
		a = ad + 1;
		u = ud + 1;
	}
	return false;
}

/* lookalike_ascii - whether label i is plain ASCII: its Unicode form is its A-label */
static bool lookalike_ascii(const struct lookalike *c, unsigned i)
{
	return c->ulen[i] == c->alen[i] && memcmp(c->ulab[i], c->alab[i], c->alen[i]) == 0;
}

/* lookalike_keys - key every label from first to the registrable one */
static void lookalike_keys(struct lookalike *c)
{
	for (unsigned i = c->first; i <= c->r; i++) {
		int n = skeleton_key(c->sk, c->ulab[i], c->ulen[i], c->keybuf + c->keyused,
				     sizeof(c->keybuf) - c->keyused);

		c->key[i] = n < 0 ? NULL : c->keybuf + c->keyused;
		c->klen[i] = n < 0 ? 0 : (size_t)n;
		if (n >= 0)
			c->keyused += (size_t)n + 1;
	}
}

/* lookalike_check_label - the UTS #39 check of a label, done once for the registrable one */
static bool lookalike_check_label(struct lookalike *c, unsigned i, struct skeleton_check *chk)
{
	if (i != c->r)
		return skeleton_check_label(c->sk, c->ulab[i], c->ulen[i], chk);
	if (c->rchk_state == 0)
		c->rchk_state = skeleton_check_label(c->sk, c->ulab[i], c->ulen[i], &c->rchk) ? 1 : -1;
	*chk = c->rchk;
	return c->rchk_state == 1;
}

/* lookalike_other_script - "written in Cyrillic" when a label is in one non-Latin script */
static bool lookalike_other_script(struct lookalike *c, unsigned i, char *out, size_t outlen)
{
	struct skeleton_check chk;

	if (lookalike_ascii(c, i))
		return false;
	if (!lookalike_check_label(c, i, &chk) || chk.single == NULL ||
	    strcmp(chk.single, "Latin") == 0)
		return false;
	snprintf(out, outlen, "'%.*s' written entirely in %s", (int)c->ulen[i], c->ulab[i],
		 chk.single);
	return true;
}

/* lookalike_exact - homoglyph or tld-swap: the registrable label has a brand key */
static bool lookalike_exact(struct lookalike *c)
{
	unsigned r = c->r;
	bool found = false;
	char cite[DNSNAME_MAX + 1], how[256];

	if (c->key[r] == NULL)
		return false;
	for (const struct brand_label *l = brands_label_find(c->b, c->key[r], c->klen[r]); l;
	     l = brands_label_next(c->b, l)) {
		bool same = strlen(l->label) == c->alen[r] &&
			    memcmp(l->label, c->alab[r], c->alen[r]) == 0;

		found = true;
		c->label_brand[r] = l->brand;
		lookalike_cite(c, l, cite, sizeof(cite));
		if (same) {
			if (l->nsuffixes == 0)
				lookalike_report(c, REASON_TLD_SWAP, l->brand, LOOKALIKE_TLD_SWAP, false,
						 "%s looks like %s (%s), which owns no such domain",
						 c->d->unicode, cite, brand_name(l->brand));
			else if (!lookalike_owned_suffix(l, c->suffix))
				lookalike_report(c, REASON_TLD_SWAP, l->brand, LOOKALIKE_TLD_SWAP, false,
						 "%s looks like %s (%s): .%s for .%s", c->d->unicode,
						 cite, brand_name(l->brand), c->suffix,
						 strchr(cite, '.') + 1);
			else if (c->best == NULL)
				c->best = l->brand;
			continue;
		}
		if (!lookalike_other_script(c, r, how, sizeof(how)))
			lookalike_diff(c->ulab[r], c->ulen[r], l->unicode, how, sizeof(how));
		lookalike_report(c, REASON_HOMOGLYPH, l->brand,
				 lookalike_owned_suffix(l, c->suffix) ?
				 LOOKALIKE_HOMOGLYPH_SAME_SUFFIX : LOOKALIKE_HOMOGLYPH, false,
				 "%s looks like %s (%s): %s", c->d->unicode, cite,
				 brand_name(l->brand), how);
	}
	return found;
}

/*
 * lookalike_typo_weak - an edit ordinary names make too (amelie, kalixa,
 * viamedia): anything but lookalike letters and hyphens
 */
static bool lookalike_typo_weak(const struct lookalike_typo *t)
{
	if (t->looks || t->e.kind == TYPO_HYPHEN)
		return false;
	return !(t->e.kind == TYPO_SUBSTITUTION && (t->e.why & TYPO_WHY_LOOKALIKE));
}

/* lookalike_typo_found - a typo finding for the registrable label */
static void lookalike_typo_found(struct lookalike *c, const struct lookalike_typo *t)
{
	char cite[DNSNAME_MAX + 1], how[256];

	lookalike_cite(c, t->l, cite, sizeof(cite));
	if (!t->looks && t->e.kind == TYPO_HYPHEN)
		snprintf(how, sizeof(how), "a hyphen %s", t->e.got ? "added" : "missing");
	else
		lookalike_diff(c->ulab[c->r], c->ulen[c->r], t->l->unicode, how, sizeof(how));
	lookalike_report(c, REASON_TYPO, t->l->brand, t->strength, lookalike_typo_weak(t),
			 "%s looks like %s (%s): %s%s",
			 c->d->unicode, cite, brand_name(t->l->brand), how,
			 !t->looks && t->e.kind == TYPO_HYPHEN ? "" : lookalike_why(t));
}

/* lookalike_hyphen_count - hyphens and underscores in a key */
static size_t lookalike_hyphen_count(const char *key, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += key[i] == '-' || key[i] == '_';
	return n;
}

/*
 * lookalike_hyphens - the registrable label is a brand label with hyphens
 * added, removed or moved (mon-espace-sante, assurancemaladie, via-medis):
 * the brand's letters, all of them, in order
 */
static bool lookalike_hyphens(struct lookalike *c)
{
	unsigned r = c->r;
	const char *k = c->key[r];
	char flat[TYPO_MAX * 4 + 1], cite[DNSNAME_MAX + 1], how[64];
	const struct brand_label *l;
	size_t n = 0, hk, hl;

	if (k == NULL || c->klen[r] >= sizeof(flat))
		return false;
	for (size_t i = 0; i < c->klen[r]; i++)
		if (k[i] != '-' && k[i] != '_')
			flat[n++] = k[i];
	if (n < 4 || (l = brands_label_flat(c->b, flat, n)) == NULL ||
	    (l->keylen == c->klen[r] && memcmp(l->key, k, l->keylen) == 0))
		return false;
	hk = lookalike_hyphen_count(k, c->klen[r]);
	hl = lookalike_hyphen_count(l->key, l->keylen);
	if (hk == hl)
		snprintf(how, sizeof(how), "hyphens moved");
	else
		snprintf(how, sizeof(how), "%s %s", hk > hl + 1 || hl > hk + 1 ? "hyphens" : "a hyphen",
			 hk > hl ? "added" : "missing");
	c->label_brand[r] = l->brand;
	lookalike_cite(c, l, cite, sizeof(cite));
	lookalike_report(c, REASON_TYPO, l->brand, LOOKALIKE_HYPHENS, false, "%s looks like %s (%s): %s",
			 c->d->unicode, cite, brand_name(l->brand), how);
	return true;
}

/* lookalike_digit - a digit as keys write it */
static bool lookalike_digit(char c)
{
	return (c >= '0' && c <= '9') || c == 'o' || c == 'l';
}

/* lookalike_words - whether a key splits into pack words and numbers */
static bool lookalike_words(const struct brands *b, const char *s, size_t len)
{
	bool ok[TYPO_MAX + 1] = { true };
	size_t wmax = brands_word_max(b);

	if (len > TYPO_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!ok[i])
			continue;
		if (lookalike_digit(s[i])) {
			/* keys write 0 as o and 1 as l: "2o24" is a number */
			size_t j = i;
			bool digit = false;

			while (j < len && lookalike_digit(s[j]))
				digit |= s[j++] <= '9';
			if (digit)
				ok[j] = true;
		}
		for (size_t w = 2; w <= wmax && i + w <= len; w++)
			if (brands_word(b, s + i, w))
				ok[i + w] = true;
	}
	return ok[len];
}

/* lookalike_tokens - split a key at hyphens and underscores */
static size_t lookalike_tokens(const char *key, size_t len, size_t *start, size_t *end)
{
	size_t n = 0, s = 0;

	for (size_t i = 0; i <= len && n < LOOKALIKE_TOKENS; i++) {
		if (i < len && key[i] != '-' && key[i] != '_')
			continue;
		if (i > s) {
			start[n] = s;
			end[n++] = i;
		}
		s = i + 1;
	}
	return n;
}

/* lookalike_added - "the name plus 'x'": words found around the brand's */
static void lookalike_added(char *out, size_t outlen, const char *name, const char *pre,
			    size_t pl, const char *post, size_t sl)
{
	while (pl > 0 && (pre[pl - 1] == '-' || pre[pl - 1] == '_'))
		pl--;
	while (sl > 0 && (*post == '-' || *post == '_')) {
		post++;
		sl--;
	}
	if (pl && sl)
		snprintf(out, outlen, "'%.*s' and '%.*s' around %s", (int)pl, pre, (int)sl, post,
			 name);
	else if (pl || sl)
		snprintf(out, outlen, "%s plus '%.*s'", name, pl ? (int)pl : (int)sl,
			 pl ? pre : post);
	else
		snprintf(out, outlen, "%s", name);
}

/*
 * lookalike_rest - what was added to the brand name in label i, when the
 * brand's words are its words s..e: shown from the label as written, with
 * the brand's words themselves when they differ ("'ameii' for 'ameli'").
 */
static void lookalike_rest(const struct lookalike *c, unsigned i, const struct brand_label *l,
			   size_t s, size_t e, char *out, size_t outlen)
{
	const char *lab = c->ulab[i], *ws = NULL, *we = NULL;
	size_t len = c->ulen[i], w = 0, bl = strlen(l->unicode);
	char name[200];

	for (size_t k = 0; k <= len; k++) {	/* find words s and e in the label */
		bool sep = k == len || lab[k] == '-' || lab[k] == '_';

		if (!sep && (k == 0 || lab[k - 1] == '-' || lab[k - 1] == '_')) {
			if (w == s)
				ws = lab + k;
		}
		if (sep && k > 0 && lab[k - 1] != '-' && lab[k - 1] != '_') {
			if (w == e)
				we = lab + k;
			w++;
		}
	}
	if (ws == NULL || we == NULL || we < ws) {
		snprintf(out, outlen, "the name inside '%.*s'", (int)len, lab);
		return;
	}
	if ((size_t)(we - ws) == bl && memcmp(ws, l->unicode, bl) == 0)
		snprintf(name, sizeof(name), "the name");
	else
		snprintf(name, sizeof(name), "'%.*s' for '%s'", (int)(we - ws), ws, l->unicode);
	lookalike_added(out, outlen, name, lab, (size_t)(ws - lab), we, len - (size_t)(we - lab));
}

/* lookalike_rest_glued - what was glued to the brand name inside one word */
static void lookalike_rest_glued(const struct lookalike *c, unsigned i,
				 const struct brand_label *l, char *out, size_t outlen)
{
	const char *lab = c->ulab[i], *hit = NULL;
	size_t len = c->ulen[i], bl = strlen(l->unicode);

	for (size_t k = 0; k + bl <= len && !hit; k++)
		if (memcmp(lab + k, l->unicode, bl) == 0)
			hit = lab + k;
	if (hit == NULL)
		snprintf(out, outlen, "the name inside '%.*s'", (int)len, lab);
	else
		lookalike_added(out, outlen, "the name", lab, (size_t)(hit - lab), hit + bl,
				len - (size_t)(hit - lab) - bl);
}

/* The hyphen-separated words of one label's key. */
struct lookalike_words {
	unsigned li;			/* the label */
	const char *k;			/* its key */
	size_t n;
	size_t start[LOOKALIKE_TOKENS], end[LOOKALIKE_TOKENS];
};

/* lookalike_host_prefix - "www-viamedis.fr": a host name glued to the brand name */
static bool lookalike_host_prefix(struct lookalike *c, unsigned li, const struct brand_label *l)
{
	char cite[DNSNAME_MAX + 1];

	c->label_brand[li] = l->brand;
	lookalike_cite(c, l, cite, sizeof(cite));
	lookalike_report(c, REASON_EMBEDDED, l->brand, LOOKALIKE_EMBED_PREFIX, false,
			 "%s looks like %s (%s): a host name glued to the name",
			 c->d->unicode, cite, brand_name(l->brand));
	return true;
}

/* lookalike_found_in - report the brand found in a label with what surrounds it */
static bool lookalike_found_in(struct lookalike *c, unsigned li, enum reason_code code,
			       const struct brand_label *l, int strength, bool weak, const char *rest)
{
	char cite[DNSNAME_MAX + 1];

	c->label_brand[li] = l->brand;
	lookalike_cite(c, l, cite, sizeof(cite));
	lookalike_report(c, code, l->brand, strength, weak, "%s looks like %s (%s): %s",
			 c->d->unicode, cite, brand_name(l->brand), rest);
	return true;
}

/* lookalike_whole_words - brand words among the label's: "tiers-payant-viamedis" */
static bool lookalike_whole_words(struct lookalike *c, const struct lookalike_words *w,
				  enum reason_code code, bool sub)
{
	char rest[256];

	for (size_t s = 0; s < w->n; s++) {
		for (size_t e = s; e < w->n; e++) {
			const struct brand_label *l;
			bool host, pattern, words = true;

			if (s == 0 && e == w->n - 1 && w->start[0] == 0 && w->end[e] == c->klen[w->li])
				continue;
			l = brands_label_find(c->b, w->k + w->start[s], w->end[e] - w->start[s]);
			if (l == NULL)
				continue;
			host = s == 1 && e == w->n - 1 &&
			       lookalike_is_host(w->k + w->start[0], w->end[0] - w->start[0]);
			for (size_t o = 0; o < w->n; o++)
				if ((o < s || o > e) &&
				    !lookalike_words(c->b, w->k + w->start[o], w->end[o] - w->start[o]))
					words = false;
			pattern = l->prefix && s == 0 && e < w->n - 1;
			if (brand_sensitivity(l->brand) == BRAND_LOW && !words && !host && !pattern)
				continue;
			if (host && !sub)
				return lookalike_host_prefix(c, w->li, l);
			lookalike_rest(c, w->li, l, s, e, rest, sizeof(rest));
			if (pattern && !words)
				return lookalike_found_in(c, w->li, code, l, sub ? LOOKALIKE_EMBED_WORDS :
							  LOOKALIKE_PREFIX, false, rest);
			return lookalike_found_in(c, w->li, code, l, sub ? LOOKALIKE_EMBED_WORDS :
						  words ? LOOKALIKE_COMBO_WORDS : LOOKALIKE_COMBO,
						  !words && !host, rest);
		}
	}
	return false;
}

/*
 * lookalike_typo_word - a mistyped brand word among others: "viamdis-paiement";
 * weak when the rest are not all pack words ("amelie-picard" is a name), or
 * when the name is mistyped plainly and is short ("amelie-sante" may be
 * Amélie's) or stands beside trades only ("pharmacie-almeras" is a
 * pharmacist's: pack keyword trade); lookalike letters and hyphens stay strong
 */
static bool lookalike_typo_word(struct lookalike *c, const struct lookalike_words *w,
				enum reason_code code)
{
	size_t rs[LOOKALIKE_TOKENS], re[LOOKALIKE_TOKENS], rn = 0;
	const char *raw = c->alab[w->li];
	bool ascii = lookalike_ascii(c, w->li);
	char rest[256];

	if (ascii)
		rn = lookalike_tokens(raw, c->alen[w->li], rs, re);
	for (size_t s = 0; s < w->n && w->n > 1; s++) {
		struct lookalike_typo t;
		bool words = true, trades = true;

		if (!lookalike_typo(c, w->k + w->start[s], w->end[s] - w->start[s],
				    rn == w->n ? raw + rs[s] : NULL, rn == w->n ? re[s] - rs[s] : 0, &t))
			continue;
		for (size_t o = 0; o < w->n; o++) {
			if (o == s)
				continue;
			if (!lookalike_words(c->b, w->k + w->start[o], w->end[o] - w->start[o]))
				words = false;
			if (!brands_trade(c->b, w->k + w->start[o], w->end[o] - w->start[o]))
				trades = false;
		}
		lookalike_rest(c, w->li, t.l, s, s, rest, sizeof(rest));
		return lookalike_found_in(c, w->li, code, t.l, LOOKALIKE_COMBO_TYPO,
					  !words || (lookalike_typo_weak(&t) &&
						     (trades || t.l->word <= LOOKALIKE_SHORT)),
					  rest);
	}
	return false;
}

/*
 * lookalike_glued - a brand name glued to other text in one word:
 * "viamedissecurite", "monameli" (pack words around a short name), but not
 * "ameliorer".
 */
static bool lookalike_glued(struct lookalike *c, const struct lookalike_words *w,
			    enum reason_code code, bool sub)
{
	char rest[256];

	for (size_t s = 0; s < w->n; s++) {
		const char *t = w->k + w->start[s];
		size_t tl = w->end[s] - w->start[s], first, end;
		uint32_t q[TYPO_MAX];
		size_t nq = typo_cps(t, tl, q, TYPO_MAX);
		uint64_t tmask;

		if (nq > TYPO_MAX)
			continue;
		tmask = lookalike_mask(q, nq) | (1ULL << ('-' & 63)) | (1ULL << ('_' & 63));
		brands_label_range(c->b, 4, nq, &first, &end);
		for (size_t i = first; i < end; i++) {
			const struct brand_label *l = brands_label_sorted(c->b, i);
			const char *hit;
			size_t pl, sl;
			bool host, words, lng;

			if ((l->mask & ~tmask) != 0 || l->flatlen >= tl || l->flatlen < 4 ||
			    (hit = memmem(t, tl, l->flat, l->flatlen)) == NULL)
				continue;
			pl = (size_t)(hit - t);
			sl = tl - pl - l->flatlen;
			host = sl == 0 && lookalike_is_host(t, pl);
			words = lookalike_words(c->b, t, pl) && lookalike_words(c->b, hit + l->flatlen, sl);
			lng = l->flatlen >= 7 && brand_sensitivity(l->brand) != BRAND_LOW;
			if ((!host && !words && !lng) || (sub && !lng && !host))
				continue;
			if (host && !sub)
				return lookalike_host_prefix(c, w->li, l);
			lookalike_rest_glued(c, w->li, l, rest, sizeof(rest));
			return lookalike_found_in(c, w->li, code, l, sub ? LOOKALIKE_EMBED_WORDS :
						  words ? LOOKALIKE_COMBO_WORDS : LOOKALIKE_COMBO,
						  !words && !host, rest);
		}
	}
	return false;
}

/*
 * lookalike_flat - a hyphenated brand name among pack words, hyphens aside:
 * "actifassurance-maladie", "espacetp-isante" (lookalike_glued reads one
 * word at a time and cannot see a name that spans two)
 */
static bool lookalike_flat(struct lookalike *c, const struct lookalike_words *w,
			   enum reason_code code, bool sub)
{
	char flat[TYPO_MAX * 4 + 1], rest[256];
	size_t n = 0, first, end;

	if (w->n < 2)
		return false;
	for (size_t i = 0; i < w->n; i++) {
		size_t tl = w->end[i] - w->start[i];

		if (n + tl >= sizeof(flat))
			return false;
		memcpy(flat + n, w->k + w->start[i], tl);
		n += tl;
	}
	brands_label_range(c->b, 4, n, &first, &end);
	for (size_t i = first; i < end; i++) {
		const struct brand_label *l = brands_label_sorted(c->b, i);
		const char *hit;
		size_t pl;

		if (l->flatlen == l->keylen || l->flatlen >= n ||
		    (hit = memmem(flat, n, l->flat, l->flatlen)) == NULL)
			continue;	/* one-word names are lookalike_glued's */
		pl = (size_t)(hit - flat);
		if (!lookalike_words(c->b, flat, pl) ||
		    !lookalike_words(c->b, hit + l->flatlen, n - pl - l->flatlen))
			continue;
		lookalike_rest_glued(c, w->li, l, rest, sizeof(rest));
		return lookalike_found_in(c, w->li, code, l, sub ? LOOKALIKE_EMBED_WORDS :
					  LOOKALIKE_COMBO_WORDS, false, rest);
	}
	return false;
}

/*
 * lookalike_in_label - a brand name inside a longer label: as hyphenated
 * words, a mistyped word, or glued to other words. Reports code
 * (combosquat for the registrable label, embedded for the others: sub).
 */
static bool lookalike_in_label(struct lookalike *c, unsigned li, enum reason_code code, bool sub)
{
	struct lookalike_words w;

	if ((w.k = c->key[li]) == NULL)
		return false;
	w.li = li;
	w.n = lookalike_tokens(w.k, c->klen[li], w.start, w.end);
	return lookalike_whole_words(c, &w, code, sub) ||
	       (!sub && lookalike_typo_word(c, &w, code)) ||
	       lookalike_glued(c, &w, code, sub) ||
	       lookalike_flat(c, &w, code, sub);
}

/* lookalike_suffix_at - whether labels from i on spell suffix exactly */
static bool lookalike_suffix_at(const struct lookalike *c, unsigned i, const char *suffix)
{
	const char *s = suffix;

	for (; i < c->n; i++) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);

		if (len != c->alen[i] || memcmp(s, c->alab[i], len) != 0)
			return false;
		if (dot == NULL)
			return true;
		s = dot + 1;
	}
	return false;
}

/* lookalike_embedded - brand names among the labels left of the registrable one */
static void lookalike_embedded(struct lookalike *c)
{
	char cite[DNSNAME_MAX + 1], cat[TYPO_MAX * 4 + 1];

	for (unsigned i = c->first; i < c->r; i++) {
		const struct brand_label *l;

		if (c->key[i] == NULL)
			continue;
		l = brands_label_find(c->b, c->key[i], c->klen[i]);
		if (l == NULL) {
			lookalike_in_label(c, i, REASON_EMBEDDED, true);
			continue;
		}
		c->label_brand[i] = l->brand;
		for (size_t s = 0; s < l->nsuffixes; s++) {
			if (lookalike_suffix_at(c, i + 1, l->suffixes[s])) {
				lookalike_report(c, REASON_EMBEDDED, l->brand, LOOKALIKE_EMBED_DOMAIN, false,
						 "%s looks like %s.%s (%s): the brand domain inside %s",
						 c->d->unicode, l->unicode, l->suffixes[s],
						 brand_name(l->brand), c->d->registrable);
				goto next;
			}
		}
		lookalike_cite(c, l, cite, sizeof(cite));
		lookalike_report(c, REASON_EMBEDDED, l->brand, LOOKALIKE_EMBED_LABEL, false,
				 "%s looks like %s (%s): the brand name as a subdomain of %s",
				 c->d->unicode, cite, brand_name(l->brand), c->d->registrable);
next:		;
	}
	/* dots inside the name: via.medis.fr, v.iamedis.fr */
	for (unsigned i = c->first; i < c->r; i++) {
		size_t n = 0;

		for (unsigned j = i; j <= c->r && c->key[j]; j++) {
			const struct brand_label *l;

			if (n + c->klen[j] > sizeof(cat) - 1)
				break;
			memcpy(cat + n, c->key[j], c->klen[j]);
			n += c->klen[j];
			if (j == i || (l = brands_label_find(c->b, cat, n)) == NULL)
				continue;
			lookalike_cite(c, l, cite, sizeof(cite));
			lookalike_report(c, REASON_EMBEDDED, l->brand, LOOKALIKE_EMBED_DOTS, false,
					 "%s looks like %s (%s): dots inside the name",
					 c->d->unicode, cite, brand_name(l->brand));
		}
	}
}

/* lookalike_scripts - mixed scripts in any non-ASCII label */
static void lookalike_scripts(struct lookalike *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct skeleton_check chk;
		const struct brand *br = i >= c->first && i <= c->r ? c->label_brand[i] : NULL;
		bool ascii = lookalike_ascii(c, i);

		if (ascii || !lookalike_check_label(c, i, &chk))
			continue;
		if (!chk.mixed_script && !chk.mixed_numbers)
			continue;
		if (br)
			lookalike_report(c, REASON_MIXED_SCRIPT, br, LOOKALIKE_MIXED_BRAND, false,
					 "%s mixes %s%s in '%.*s', imitating %s", c->d->unicode,
					 chk.script_names, chk.mixed_numbers ? " and digit sets" : "",
					 (int)c->ulen[i], c->ulab[i], brand_name(br));
		else
			lookalike_report(c, REASON_MIXED_SCRIPT, NULL, LOOKALIKE_MIXED, false,
					 "%s mixes %s%s in '%.*s'", c->d->unicode, chk.script_names,
					 chk.mixed_numbers ? " and digit sets" : "",
					 (int)c->ulen[i], c->ulab[i]);
	}
}

/* lookalike_own - a brand's own domain: flagged only if written deceptively */
static const struct brand *lookalike_own(struct lookalike *c, const struct brand *own)
{
	if (c->d->flags & (DOMAIN_F_IGNORABLE | DOMAIN_F_MAPPED))
		lookalike_report(c, REASON_HOMOGLYPH, own, LOOKALIKE_DISGUISED_OWN, false,
				 "%s (%s) written with %s", c->d->unicode, brand_name(own),
				 (c->d->flags & DOMAIN_F_IGNORABLE) ? "invisible characters" :
				 "characters that only look the same");
	return own;
}

/*
 * lookalike_check - findings about d (a parsed domain) into out; returns the
 * brand it belongs to or imitates (the one of the strongest finding), or NULL.
 */
const struct brand *lookalike_check(const struct brands *b, const struct domain *d,
				    enum reason_where where, struct reason_list *out)
{
	struct lookalike c;
	const struct brand *own;

	if (d->status != DOMAIN_OK)
		return NULL;
	c.b = b;
	c.sk = brands_skeleton(b);
	c.d = d;
	c.where = where;
	c.out = out;
	c.best = NULL;
	c.best_strength = 0;
	c.keyused = 0;
	c.rchk_state = 0;
	c.r = 0;
	if ((own = brands_owner(b, d->ascii)) != NULL)
		return lookalike_own(&c, own);
	if (brands_allowed(b, d->ascii))
		return NULL;
	if (!lookalike_split(&c))
		return NULL;
	if (d->registrable[0] == '\0' || d->reg_label >= c.n) {
		c.first = c.r = 0;
		memset(c.label_brand, 0, sizeof(c.label_brand));
		lookalike_scripts(&c);
		return c.best;
	}
	c.r = d->reg_label;
	c.first = c.r > LOOKALIKE_LABELS ? c.r - LOOKALIKE_LABELS : 0;
	c.suffix = strchr(d->registrable, '.');
	c.suffix = c.suffix ? c.suffix + 1 : "";
	memset(c.label_brand, 0, sizeof(c.label_brand));
	lookalike_keys(&c);
	if (!lookalike_exact(&c) && !lookalike_hyphens(&c)) {
		struct lookalike_typo t;
		bool ascii = lookalike_ascii(&c, c.r);

		if (c.key[c.r] && lookalike_typo(&c, c.key[c.r], c.klen[c.r],
						 ascii ? c.alab[c.r] : NULL, c.alen[c.r], &t)) {
			c.label_brand[c.r] = t.l->brand;
			lookalike_typo_found(&c, &t);
		} else {
			lookalike_in_label(&c, c.r, REASON_COMBOSQUAT, false);
		}
	}
	lookalike_embedded(&c);
	lookalike_scripts(&c);
	return c.best;
}
