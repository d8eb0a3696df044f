/*
 * lexicon - fold free text into words and match brand names and lure
 * phrases against them (see lexicon.h).
 *
 * Touches: the heap when built; a scan touches only its own state and calls
 * its callback. Text that is not UTF-8 is read byte by byte as separators;
 * words and phrases past LEXICON_KEY_MAX cannot match and are skipped.
 *
 * Why not skeleton_fold_text on whole bodies: it costs about 5 ns a byte
 * (ICU per code point); the table below gives the same keys for Latin text
 * at a lookup per byte, and the skeleton is asked only for the rare letters
 * of scripts that imitate Latin.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "brands.h"
#include "hmap.h"
#include "lexicon.h"
#include "skeleton.h"
#include "utf8.h"
#include "vbuf.h"
#include "xalloc.h"

#define LEXICON_TABLE 0x250		/* code points folded by table: Latin */
#define LEXICON_FOLD_MAX 4		/* bytes of the key of one code point in the table */

enum lexicon_class {
	LX_SEP,			/* ends a word */
	LX_IGN,			/* vanishes (combining mark) */
	LX_HIDE,		/* vanishes, and was there to hide (zero-width) */
	LX_ALNUM		/* part of a word: key[] */
};

struct lexicon_fold {
	uint8_t cls;
	uint8_t len;
	char key[LEXICON_FOLD_MAX];
};

/* what a key of the table stands for */
struct lexicon_key {
	bool prefix;		/* a proper prefix of some phrase */
	int entry;		/* the phrase, or -1 */
};

struct lexicon {
	const struct skeleton *sk;
	struct lexicon_fold fold[LEXICON_TABLE];
	struct lexicon_entry *entry;
	size_t nentries;
	struct hmap table;	/* phrase keys and their prefixes -> keyinfo */
	struct lexicon_key *keyinfo;
	char **keys;		/* strings the table points to */
	size_t nkeys;
	size_t maxlen;
	uint8_t start[65536 / 8];	/* the first 1, 2 or 3 bytes of some phrase */
};

/* lexicon_start_bit - the start table's bit for the first (up to 3) bytes of a key */
static inline unsigned lexicon_start_bit(const char *key, size_t len)
{
	uint32_t h = (unsigned char)key[0];

	if (len > 1)
		h = h * 0x9e3779b1u + (unsigned char)key[1];
	if (len > 2)
		h = h * 0x9e3779b1u + (unsigned char)key[2];
	h ^= (uint32_t)(len > 3 ? 3 : len) * 0x85ebca6bu;
	h ^= h >> 15;
	h *= 0xc2b2ae35u;
	return (h ^ (h >> 13)) & 0xffff;
}

/*
 * The lure vocabulary: what phishers after bank details and logins write.
 * TERM names the data (weak: colleagues write "le RIB" too); ACTION asks
 * the reader for it (strong); THREAT presses with a deadline or a
 * suspension (strong for the lure, but no request by itself).
 */
static const char *const lexicon_terms[] = {
	"RIB", "IBAN", "BIC", "coordonnées bancaires", "relevé d'identité bancaire",
	"données bancaires", "informations bancaires", "numéro de compte", "carte bancaire",
	"numéro de carte", "cryptogramme", "mot de passe", "mots de passe", "identifiant",
	"identifiants", "code d'accès", "codes d'accès", "code confidentiel",
	"code de sécurité", "code de vérification", "régularisation", "impayé", "impayés",
	"impayée", "impayées",
	"bank details", "banking details", "bank account", "account number", "sort code",
	"routing number", "credit card", "card number", "password", "passwords", "passcode",
	"login details", "credentials", "username", "security code", "verification code",
};

static const char *const lexicon_actions[] = {
	"mettre à jour vos informations", "mettre à jour vos coordonnées",
	"mettre à jour votre RIB", "mettre à jour votre IBAN", "mettez à jour votre RIB",
	"mettez à jour vos coordonnées", "mettez à jour vos informations",
	"mise à jour de votre RIB", "mise à jour de vos coordonnées",
	"mise à jour de vos informations", "mise à jour de votre IBAN",
	"vérifier votre compte", "vérifiez votre compte", "vérification de votre compte",
	"confirmer votre identité", "confirmez votre identité",
	"confirmer vos coordonnées", "confirmez vos coordonnées", "confirmer votre IBAN",
	"confirmez votre IBAN", "confirmer votre RIB", "confirmez votre RIB",
	"valider vos informations", "validez vos informations", "valider vos coordonnées",
	"validez vos coordonnées", "reconnectez-vous",
	"réactiver votre compte", "réactivez votre compte", "saisir votre identifiant",
	"saisissez votre identifiant", "transmettre votre RIB", "transmettez votre RIB",
	"transmettre votre IBAN", "transmettez votre IBAN", "transmettre vos coordonnées",
	"transmettez vos coordonnées", "envoyer votre RIB", "envoyez votre RIB",
	"envoyer votre IBAN", "envoyez votre IBAN", "envoyer vos coordonnées",
	"envoyez vos coordonnées", "communiquer votre RIB", "communiquez votre RIB",
	"communiquer votre IBAN", "communiquez votre IBAN", "communiquer vos coordonnées",
	"communiquez vos coordonnées", "faire parvenir votre RIB", "faites parvenir votre RIB",
	"faire parvenir votre IBAN", "faites parvenir votre IBAN", "renvoyer votre RIB",
	"renvoyez votre RIB", "adresser votre RIB", "adressez votre RIB",
	"renseigner vos coordonnées",
	"renseignez vos coordonnées", "saisir vos coordonnées",
	"saisissez vos coordonnées", "régulariser votre situation",
	"régularisez votre situation", "régularisation de votre situation",
	"réinitialiser votre mot de passe", "réinitialisez votre mot de passe",
	"réinitialisation de votre mot de passe", "update your information",
	"update your details", "update your bank details", "update your account",
	"verify your account", "verify your identity", "confirm your identity",
	"confirm your account", "confirm your bank details", "reactivate your account",
};

/* ... and what presses (a colleague quoting a phish repeats these too) */
static const char *const lexicon_threats[] = {
	"compte suspendu", "compte bloqué", "compte désactivé", "compte verrouillé",
	"suspension de votre compte", "désactivation de votre compte",
	"votre compte sera suspendu", "votre compte sera bloqué", "sous 48 heures",
	"sous 24 heures", "sous 48h", "sous 24h", "dans les 48 heures",
	"dans les 24 heures", "sans mise à jour", "seront suspendus",
	"mot de passe a expiré", "mot de passe expiré", "account suspended",
	"account has been suspended", "account will be suspended", "account locked",
	"account has been locked", "within 24 hours", "within 48 hours",
	"password expired", "password has expired",
};

/* ... and what denies a request that follows (warnings, brands' own advice) */
static const char *const lexicon_negations[] = {
	"jamais", "never", "ne vous demandera pas", "ne vous demande pas",
	"ne vous demanderons pas", "ne vous demandons pas", "ne demandera pas", "ne demande pas",
	"will not ask", "does not ask", "do not ask",
};

/* lexicon_put - record key as a phrase (entry >= 0) or a prefix (entry < 0) */
static void lexicon_put(struct lexicon *lx, const char *key, size_t len, int entry)
{
	struct lexicon_key *k;
	size_t i;

	if (!hmap_get(&lx->table, key, len, &i)) {
		/* grow by doubling: nkeys is a power of two (or 0) when full */
		if ((lx->nkeys & (lx->nkeys - 1)) == 0) {
			size_t cap = lx->nkeys ? lx->nkeys * 2 : 1;

			lx->keys = xreallocarray(lx->keys, cap, sizeof(*lx->keys));
			lx->keyinfo = xreallocarray(lx->keyinfo, cap, sizeof(*lx->keyinfo));
		}
		i = lx->nkeys++;
		lx->keys[i] = xstrndup(key, len);
		lx->keyinfo[i].prefix = false;
		lx->keyinfo[i].entry = -1;
		hmap_put(&lx->table, lx->keys[i], len, i);
	}
	k = &lx->keyinfo[i];
	if (entry >= 0 && k->entry < 0)
		k->entry = entry;
	else if (entry < 0)
		k->prefix = true;
}

/* lexicon_rn - "rn" reads as "m", as in the skeleton's keys */
static size_t lexicon_rn(char *k, size_t len)
{
	size_t w = 0;

	for (size_t r = 0; r < len; r++) {
		if (k[r] == 'r' && r + 1 < len && k[r + 1] == 'n') {
			k[w++] = 'm';
			r++;
		} else {
			k[w++] = k[r];
		}
	}
	return w;
}

/* lexicon_confusable - letters that imitate Latin ones: other scripts, small
 * capitals, styled (circled, mathematical, full-width) letters */
static bool lexicon_confusable(UChar32 c)
{
	return (c >= 0x250 && c < 0x300) || (c >= 0x370 && c < 0x590) ||
	       (c >= 0x13a0 && c < 0x1400) || (c >= 0x1d00 && c < 0x1f00) ||
	       (c >= 0x2100 && c < 0x2150) || (c >= 0x2460 && c < 0x2500) ||
	       (c >= 0x2c60 && c < 0x2c80) || (c >= 0xa720 && c < 0xa800) ||
	       (c >= 0xff00 && c < 0xfff0) || (c >= 0x1d400 && c < 0x1d800) ||
	       (c >= 0x1f100 && c < 0x1f200);
}

/* lexicon_slow - the class and key of a code point outside the table */
static enum lexicon_class lexicon_slow(const struct lexicon *lx, UChar32 c, char *key,
				       size_t *klen, bool *disguised)
{
	size_t n = 0;

	*klen = 0;
	if (c >= 0xff01 && c <= 0xff5e) {	/* fullwidth ASCII */
		UChar32 a = c - 0xfee0;

		*disguised = true;
		if (a < LEXICON_TABLE && lx->fold[a].cls == LX_ALNUM) {
			memcpy(key, lx->fold[a].key, lx->fold[a].len);
			*klen = lx->fold[a].len;
			return LX_ALNUM;
		}
		return LX_SEP;
	}
	if (skeleton_is_ignorable((unsigned)c))
		return LX_HIDE;
	if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK)
		return LX_IGN;
	if (lexicon_confusable(c)) {
		enum skeleton_class cls;
		char k[SKELETON_CP_MAX];

		n = skeleton_fold_cp(lx->sk, (uint32_t)c, k, &cls);
		n = skeleton_pairs(k, n);
		if (cls != SKELETON_LETTER || n == 0 || n > LEXICON_KEY_MAX / 2)
			return LX_SEP;
		*disguised = true;
		memcpy(key, k, n);
		*klen = n;
		return LX_ALNUM;
	}
	if (u_isalnum(c)) {
		key[0] = '\x01';	/* a letter no phrase holds */
		*klen = 1;
		return LX_ALNUM;
	}
	return LX_SEP;
}

/* lexicon_table - the fold of every Latin code point, from the skeleton */
static void lexicon_table(struct lexicon *lx)
{
	struct vbuf out = VBUF_INIT(64);

	for (UChar32 c = 0; c < LEXICON_TABLE; c++) {
		struct lexicon_fold *f = &lx->fold[c];
		char buf[4];
		size_t n = utf8_encode((uint32_t)c, buf);

		vbuf_reset(&out);
		skeleton_fold_text(lx->sk, buf, n, &out);
		if (out.len > 0 && out.len <= LEXICON_FOLD_MAX && !memchr(out.data, ' ', out.len)) {
			f->cls = LX_ALNUM;
			f->len = (uint8_t)out.len;
			memcpy(f->key, out.data, out.len);
		} else if (skeleton_is_ignorable((unsigned)c)) {
			f->cls = c == 0xad ? LX_IGN : LX_HIDE;	/* a soft hyphen is ordinary */
		} else if (u_getCombiningClass(c) != 0) {
			f->cls = LX_IGN;
		} else {
			f->cls = LX_SEP;
		}
	}
	vbuf_free(&out);
}

/* lexicon_words - the folded words of a phrase joined into key (0 if unusable), and their count */
static size_t lexicon_words(const struct lexicon *lx, const char *text, char *key,
			    unsigned *words)
{
	size_t len = strlen(text);
	size_t k = 0, wstart = 0;

	*words = 0;

	for (size_t i = 0; i <= len;) {
		UChar32 c = 0;
		char tmp[LEXICON_KEY_MAX];
		size_t tl = 0;
		bool dis = false;
		enum lexicon_class cls;

		if (i == len) {
			cls = LX_SEP;
			i++;
		} else {
			c = (UChar32)utf8_next(text, len, &i);
			if (c < 0)
				return 0;
			if (c < LEXICON_TABLE) {
				cls = (enum lexicon_class)lx->fold[c].cls;
				tl = lx->fold[c].len;
				memcpy(tmp, lx->fold[c].key, tl);
			} else {
				cls = lexicon_slow(lx, c, tmp, &tl, &dis);
			}
		}
		if (cls == LX_ALNUM) {
			if (k + tl > LEXICON_KEY_MAX)
				return 0;
			memcpy(key + k, tmp, tl);
			k += tl;
		} else if (cls == LX_SEP) {
			k = wstart + lexicon_rn(key + wstart, k - wstart);
			*words += k > wstart;
			wstart = k;
		}
	}
	return k;
}

/* lexicon_add - one phrase: its key, and every proper prefix of it */
static void lexicon_add(struct lexicon *lx, enum lexicon_kind kind, const struct brand *br,
			const char *text)
{
	char key[LEXICON_KEY_MAX];
	unsigned words;
	size_t len = lexicon_words(lx, text, key, &words);
	struct lexicon_entry *e;

	if (len == 0 || lx->nentries >= LEXICON_ENTRIES_MAX)
		return;
	lx->entry = xreallocarray(lx->entry, lx->nentries + 1, sizeof(*lx->entry));
	e = &lx->entry[lx->nentries];
	e->kind = kind;
	e->brand = br;
	e->text = text;
	e->id = (unsigned)lx->nentries;
	e->words = words;
	lexicon_put(lx, key, len, (int)lx->nentries++);
	for (size_t n = 1; n < len; n++)
		lexicon_put(lx, key, n, -1);
	for (size_t n = 1; n <= 3 && n <= len; n++) {
		unsigned bit = lexicon_start_bit(key, n);

		lx->start[bit / 8] |= (uint8_t)(1u << (bit % 8));
	}
	if (len > lx->maxlen)
		lx->maxlen = len;
}

/* lexicon_new - the table and the phrases: brand names of the pack, lure vocabulary */
struct lexicon *lexicon_new(const struct brands *b, const struct skeleton *sk)
{
	struct lexicon *lx = xcalloc(1, sizeof(*lx));

	lx->sk = sk;
	lexicon_table(lx);
	for (size_t i = 0; i < brands_count(b); i++) {
		const struct brand *br = brands_at(b, i);

		for (size_t f = 0; f < brand_form_count(br); f++)
			lexicon_add(lx, LEXICON_BRAND, br, brand_form(br, f));
	}
	for (size_t i = 0; i < sizeof(lexicon_terms) / sizeof(lexicon_terms[0]); i++)
		lexicon_add(lx, LEXICON_TERM, NULL, lexicon_terms[i]);
	for (size_t i = 0; i < sizeof(lexicon_actions) / sizeof(lexicon_actions[0]); i++)
		lexicon_add(lx, LEXICON_ACTION, NULL, lexicon_actions[i]);
	for (size_t i = 0; i < sizeof(lexicon_threats) / sizeof(lexicon_threats[0]); i++)
		lexicon_add(lx, LEXICON_THREAT, NULL, lexicon_threats[i]);
	for (size_t i = 0; i < sizeof(lexicon_negations) / sizeof(lexicon_negations[0]); i++)
		lexicon_add(lx, LEXICON_NEGATION, NULL, lexicon_negations[i]);
	return lx;
}

/* lexicon_free - release */
void lexicon_free(struct lexicon *lx)
{
	if (lx == NULL)
		return;
	for (size_t i = 0; i < lx->nkeys; i++)
		free(lx->keys[i]);
	free(lx->keys);
	free(lx->keyinfo);
	hmap_free(&lx->table);
	free(lx->entry);
	free(lx);
}

/* lexicon_scan_init - a new text stream */
void lexicon_scan_init(struct lexicon_scan *s, const struct lexicon *lx,
		       lexicon_hit_fn *fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->lx = lx;
	s->fn = fn;
	s->ctx = ctx;
}

/*
 * lexicon_hit - report a phrase; a negation is remembered for the requests
 * that follow it in the same sentence, within LEXICON_NEGATION_REACH words.
 */
static void lexicon_hit(struct lexicon_scan *s, const struct lexicon_entry *e, bool disguised)
{
	unsigned flags = disguised ? LEXICON_HIT_DISGUISED : 0;
	unsigned long first = s->words + 1 - e->words;

	if (e->kind == LEXICON_NEGATION)
		s->negation = s->words;
	else if (e->kind == LEXICON_ACTION && s->negation && first > s->negation &&
		 first - s->negation <= LEXICON_NEGATION_REACH)
		flags |= LEXICON_HIT_NEGATED;
	s->fn(s->ctx, e, flags);
}

/* lexicon_try - look key up: report a phrase; keep it if longer phrases start so */
static void lexicon_try(struct lexicon_scan *s, const char *key, size_t len, bool disguised,
			struct lexicon_partial *next, size_t *nnext)
{
	const struct lexicon_key *k;
	unsigned bit;
	size_t i;

	if (len == 0 || len > s->lx->maxlen)
		return;
	bit = lexicon_start_bit(key, len);
	if (!(s->lx->start[bit / 8] & (1u << (bit % 8))))
		return;		/* no phrase starts with these bytes */
	if (!hmap_get(&s->lx->table, key, len, &i))
		return;
	k = &s->lx->keyinfo[i];
	if (k->entry >= 0)
		lexicon_hit(s, &s->lx->entry[k->entry], disguised);
	if (k->prefix && *nnext < LEXICON_PARTIALS) {
		memcpy(next[*nnext].key, key, len);
		next[*nnext].len = (uint8_t)len;
		next[*nnext].disguised = disguised;
		(*nnext)++;
	}
}

/* lexicon_word_end - a word is complete: extend the phrases under way with it */
static void lexicon_word_end(struct lexicon_scan *s)
{
	struct lexicon_partial next[LEXICON_PARTIALS];
	size_t nnext = 0;

	if (s->wlen == 0 && !s->wlong)
		return;
	s->words++;
	if (s->wlong) {
		s->nparts = 0;
	} else {
		size_t wl = s->wlen;
		unsigned bit = lexicon_start_bit(s->word, wl);

		if (s->nparts == 0 && !(s->lx->start[bit / 8] & (1u << (bit % 8)))) {
			s->wlen = 0;
			s->wdisguised = false;
			return;		/* no phrase starts so: most words end here */
		}
		for (size_t i = 0; i < s->nparts; i++) {
			struct lexicon_partial *p = &s->part[i];
			char key[2 * LEXICON_KEY_MAX];

			if (p->len + wl > s->lx->maxlen)
				continue;
			memcpy(key, p->key, p->len);
			memcpy(key + p->len, s->word, wl);
			lexicon_try(s, key, p->len + wl, p->disguised || s->wdisguised, next, &nnext);
		}
		if (s->lx->start[bit / 8] & (1u << (bit % 8)))
			lexicon_try(s, s->word, wl, s->wdisguised, next, &nnext);
		memcpy(s->part, next, nnext * sizeof(next[0]));
		s->nparts = nnext;
	}
	s->wlen = 0;
	s->wlong = false;
	s->wdisguised = false;
}

/* lexicon_add_key - append to the word being read */
static void lexicon_add_key(struct lexicon_scan *s, const char *k, size_t n)
{
	if (s->wlong)
		return;
	for (size_t i = 0; i < n; i++) {
		if (k[i] == 'n' && s->wlen > 0 && s->word[s->wlen - 1] == 'r') {
			s->word[s->wlen - 1] = 'm';	/* rn reads as m, as in the skeleton's keys */
		} else if (s->wlen == s->lx->maxlen) {
			s->wlong = true;
			return;
		} else {
			s->word[s->wlen++] = k[i];
		}
	}
}

/* lexicon_cp - one code point of the text */
static void lexicon_cp(struct lexicon_scan *s, UChar32 c)
{
	char key[LEXICON_KEY_MAX];
	size_t klen;
	bool dis = false;
	enum lexicon_class cls = lexicon_slow(s->lx, c, key, &klen, &dis);

	switch (cls) {
	case LX_ALNUM:
		s->wdisguised |= dis;
		lexicon_add_key(s, key, klen);
		break;
	case LX_HIDE:
		s->wdisguised = true;
		break;
	case LX_IGN:
		break;
	case LX_SEP:
		lexicon_word_end(s);
		break;
	}
}

/* lexicon_scan_text - a piece of text; a character cut at its end waits for the next */
void lexicon_scan_text(struct lexicon_scan *s, const char *utf8, size_t len)
{
	const struct lexicon_fold *fold = s->lx->fold;
	size_t i = 0;

	while (s->tail_len > 0 && i < len) {
		size_t k = 0;
		UChar32 c;

		s->tail[s->tail_len++] = utf8[i++];
		c = (UChar32)utf8_next(s->tail, s->tail_len, &k);
		if (c >= 0) {
			s->tail_len = 0;
			lexicon_cp(s, c);
		} else if (utf8_partial_tail(s->tail, s->tail_len) != s->tail_len ||
			   s->tail_len == 4) {
			s->tail_len = 0;	/* not a character: a separator */
			lexicon_word_end(s);
		}
	}
	while (i < len) {
		unsigned char b = (unsigned char)utf8[i];

		if (b < 0x80) {
			const struct lexicon_fold *f = &fold[b];

			if (f->cls == LX_ALNUM && f->len != 1) {
				lexicon_add_key(s, f->key, f->len);
			} else if (f->cls == LX_ALNUM) {
				char c = f->key[0];

				if (s->wlong)
					;
				else if (c == 'n' && s->wlen > 0 && s->word[s->wlen - 1] == 'r')
					s->word[s->wlen - 1] = 'm';
				else if (s->wlen < s->lx->maxlen)
					s->word[s->wlen++] = c;
				else
					s->wlong = true;
			} else {
				lexicon_word_end(s);
				if (s->negation &&
				    (b == '.' || b == '!' || b == '?' || b == ';' || b == ':'))
					s->negation = 0;	/* a sentence ends: so does its negation */
			}
			i++;
			continue;
		}
		size_t k = i;
		UChar32 c = (UChar32)utf8_next(utf8, len, &k);

		if (c < 0 && utf8_partial_tail(utf8 + i, len - i) == len - i) {
			memcpy(s->tail, utf8 + i, len - i);
			s->tail_len = len - i;
			return;
		}
		if (c < 0) {
			lexicon_word_end(s);
		} else if (c < LEXICON_TABLE) {
			const struct lexicon_fold *f = &fold[c];

			if (f->cls == LX_ALNUM)
				lexicon_add_key(s, f->key, f->len);
			else if (f->cls == LX_SEP)
				lexicon_word_end(s);
			else if (f->cls == LX_HIDE)
				s->wdisguised = true;
		} else {
			lexicon_cp(s, c);
		}
		i = k;
	}
}

/* lexicon_scan_break - the text ends here (a part, a field): no phrase spans it */
void lexicon_scan_break(struct lexicon_scan *s)
{
	s->tail_len = 0;
	lexicon_word_end(s);
	s->nparts = 0;
	s->negation = 0;
}
