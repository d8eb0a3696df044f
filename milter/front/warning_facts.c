/*
 * warning_facts - what the banner says about one message (warning.h): the
 * verdict in words, the platform, the sender, the look-alike beside the
 * real domain, and one plain sentence per reason, in French or English.
 *
 * Touches: nothing but what it is given; reads the analysis (verdict,
 * From, links) and the brand pack through the message. The look-alike is
 * compared with the platform's own domains (domain.h, as the analysis
 * parsed them): the closest one is named as the real domain, and the
 * sentence says what differs: a letter for another (and from which
 * alphabet), a letter missing or added, words added to the name, another
 * ending, the brand's domain used as the start of someone else's.
 * Everything taken from the message is cleaned and cut (warning_clean).
 */
#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <unicode/uscript.h>

#include "brands.h"
#include "detector.h"
#include "domain.h"
#include "message.h"
#include "utf8.h"
#include "verdict.h"
#include "warning.h"

#define NB "\xc2\xa0"			/* a no-break space, as French sets it before ':' */
#define LQ "\xc2\xab" NB		/* « */
#define RQ NB "\xc2\xbb"		/* » */
#define WARNING_CPS 128			/* code points of a label compared */

/* The words of one language. */
struct warning_words {
	const char *verdict[3];			/* clean, suspect, impersonation */
	const char *where[WHERE_COUNT];		/* whose address a domain is */
	const char *imitates;			/* noun, look-alike, real, how */
	const char *imitates_plain;		/* noun, look-alike, real */
	const char *link_imitates;		/* look-alike, real, how */
	const char *link_imitates_plain;	/* look-alike, real */
	const char *looks_known;		/* noun, look-alike */
	const char *mixed;			/* noun, look-alike */
	const char *reply_to;			/* reply domain, real */
	const char *reply_to_plain;		/* reply domain */
	const char *display_name;		/* display name, address */
	const char *display_name_hidden;	/* display name, address */
	const char *display_address;		/* address shown, address */
	const char *unauthenticated;		/* domain */
	const char *unauthenticated_unknown;	/* domain */
	const char *unauthenticated_list;	/* domain */
	const char *multiple_from;
	const char *bad_from;
	const char *link_mismatch;		/* shown, target */
	const char *link_mismatch_plain;	/* target */
	const char *lure;
	const char *address_claim;		/* noun, address, brand */
	const char *address_holds;		/* noun, address held, brand */
	const char *body_claim;			/* brand */
	const char *body_claim_form;		/* brand */
	const char *body_claim_forward;		/* brand */
	const char *unsigned_body;		/* brand */
	const char *unsigned_body_link;		/* brand, link's domain */
	const char *unsigned_subject;		/* brand */
	const char *unsigned_reply_to;		/* reply domain, brand */
	const char *unsigned_sender;		/* sending domain, brand */
	const char *other;			/* reason code */
	const char *swap_one;			/* found, script, expected */
	const char *swap;			/* found, script, expected */
	const char *missing_one;		/* expected (one letter) */
	const char *missing;			/* expected */
	const char *added;			/* found, script */
	const char *ending;			/* found ending, expected ending */
	const char *also_ending;		/* found ending, expected ending */
	const char *combo;			/* brand label, words added */
	const char *embedded;			/* registrable domain, brand domain */
	const char *script;			/* script name */
	const char *script_other;
	const char *cyrillic, *greek, *armenian;
};

static const struct warning_words warning_fr = {
	{ "message sain", "message suspect", "usurpation probable" },
	{ [WHERE_FROM] = "L'adresse de l'exp\xc3\xa9" "diteur", [WHERE_SENDER] = "L'adresse d'envoi",
	  [WHERE_REPLY_TO] = "L'adresse de r\xc3\xa9ponse",
	  [WHERE_ENVELOPE] = "L'adresse d'envoi technique (invisible dans votre messagerie)",
	  [WHERE_SUBJECT] = "L'adresse", [WHERE_LINK] = "L'adresse", [WHERE_BODY] = "L'adresse",
	  [WHERE_DOMAIN] = "L'adresse" },
	"%s, %s, imite %s" NB ": %s.",
	"%s, %s, imite %s.",
	"Un lien du message m\xc3\xa8ne \xc3\xa0 %s, qui imite %s" NB ": %s.",
	"Un lien du message m\xc3\xa8ne \xc3\xa0 %s, qui imite %s.",
	"%s, %s, ressemble \xc3\xa0 l'adresse d'un organisme connu.",
	"%s, %s, m\xc3\xa9lange plusieurs alphabets, comme le font les adresses d'imitation.",
	"Vos r\xc3\xa9ponses partiraient vers %s, et non vers %s.",
	"Vos r\xc3\xa9ponses partiraient vers %s, une autre adresse que celle de l'exp\xc3\xa9" "diteur.",
	"Le nom affich\xc3\xa9, " LQ "%s" RQ ", ne correspond pas \xc3\xa0 l'adresse r\xc3\xa9" "elle"
	" de l'exp\xc3\xa9" "diteur, %s.",
	"Le nom affich\xc3\xa9, " LQ "%s" RQ ", est \xc3\xa9" "crit avec des caract\xc3\xa8res"
	" trompeurs (invisibles, ou qui imitent des lettres) et ne correspond pas \xc3\xa0"
	" l'adresse r\xc3\xa9" "elle de l'exp\xc3\xa9" "diteur, %s.",
	"Le nom affich\xc3\xa9 montre l'adresse %s, mais le message vient en r\xc3\xa9" "alit\xc3\xa9"
	" de %s.",
	"Le message dit venir de %s, mais ce domaine ne l'authentifie pas (ni signature"
	" \xc3\xa9lectronique, ni serveur d'envoi autoris\xc3\xa9)" NB ": l'adresse a pu \xc3\xaatre"
	" falsifi\xc3\xa9" "e.",
	"Le message dit venir de %s, mais son authentification n'a pas pu \xc3\xaatre"
	" v\xc3\xa9rifi\xc3\xa9" "e (erreur DNS passag\xc3\xa8re).",
	"Le message dit venir de %s et a \xc3\xa9t\xc3\xa9 modifi\xc3\xa9 par une liste de"
	" diffusion" NB ": son authentification ne peut plus \xc3\xaatre v\xc3\xa9rifi\xc3\xa9" "e.",
	"Le message indique plusieurs exp\xc3\xa9" "diteurs" NB ": votre messagerie n'en affiche"
	" qu'un.",
	"L'adresse de l'exp\xc3\xa9" "diteur est absente ou illisible.",
	"Un lien affiche %s, mais m\xc3\xa8ne en r\xc3\xa9" "alit\xc3\xa9 \xc3\xa0 %s.",
	"Un lien affiche un texte trompeur" NB ": il m\xc3\xa8ne en r\xc3\xa9" "alit\xc3\xa9 \xc3\xa0 %s.",
	"Le message demande des coordonn\xc3\xa9" "es bancaires (RIB), un mot de passe ou un code.",
	"%s, %s, se sert du nom %s, mais n'appartient pas \xc3\xa0 cet organisme.",
	"%s contient l'adresse %s pour se faire passer pour %s" NB ": le message ne vient pas de"
	" cette adresse.",
	"Le message parle au nom de %s et demande un RIB, un mot de passe ou un code, mais"
	" l'exp\xc3\xa9" "diteur n'a aucun lien avec cet organisme.",
	"Le message parle au nom de %s et contient un formulaire \xc3\xa0 remplir, mais"
	" l'exp\xc3\xa9" "diteur n'a aucun lien avec cet organisme.",
	"Le message cite %s et demande un RIB, un mot de passe ou un code" NB "; il semble"
	" transf\xc3\xa9rer un message de cet organisme.",
	"Une partie du message a \xc3\xa9t\xc3\xa9 ajout\xc3\xa9" "e apr\xc3\xa8s la signature"
	" \xc3\xa9lectronique de %s" NB ": rien ne garantit qu'elle vienne de cet organisme.",
	"Une partie du message, ajout\xc3\xa9" "e apr\xc3\xa8s la signature \xc3\xa9lectronique"
	" de %s, contient un lien vers %s" NB ": rien ne garantit qu'elle vienne de cet organisme.",
	"L'objet affich\xc3\xa9 n'est pas couvert par la signature \xc3\xa9lectronique de %s" NB ":"
	" il a pu \xc3\xaatre modifi\xc3\xa9.",
	"Vos r\xc3\xa9ponses iraient vers %s, que la signature \xc3\xa9lectronique de %s ne couvre"
	" pas.",
	"Le domaine d'envoi, %s, n'est pas couvert par la signature \xc3\xa9lectronique de %s.",
	"Un autre signe d'usurpation a \xc3\xa9t\xc3\xa9 relev\xc3\xa9 (%s).",
	"le " LQ "%s" RQ "%s remplace un " LQ "%s" RQ,
	LQ "%s" RQ "%s remplace " LQ "%s" RQ,
	"il manque un " LQ "%s" RQ,
	"il manque " LQ "%s" RQ,
	LQ "%s" RQ "%s a \xc3\xa9t\xc3\xa9 ajout\xc3\xa9",
	"l'extension est " LQ ".%s" RQ " au lieu de " LQ ".%s" RQ,
	", et l'extension est " LQ ".%s" RQ " au lieu de " LQ ".%s" RQ,
	"le nom %s y est accol\xc3\xa9 \xc3\xa0 " LQ "%s" RQ,
	"le vrai domaine est %s, et %s n'en est que le d\xc3\xa9" "but",
	" (lettre %s)",
	" (lettre d'un autre alphabet)",
	"cyrillique", "grecque", "arm\xc3\xa9nienne",
};

static const struct warning_words warning_en = {
	{ "clean", "suspicious message", "likely impersonation" },
	{ [WHERE_FROM] = "The sender's address", [WHERE_SENDER] = "The sending address",
	  [WHERE_REPLY_TO] = "The reply address",
	  [WHERE_ENVELOPE] = "The technical sending address (hidden by your mail program)",
	  [WHERE_SUBJECT] = "The address", [WHERE_LINK] = "The address", [WHERE_BODY] = "The address",
	  [WHERE_DOMAIN] = "The address" },
	"%s, %s, imitates %s: %s.",
	"%s, %s, imitates %s.",
	"A link in the message leads to %s, which imitates %s: %s.",
	"A link in the message leads to %s, which imitates %s.",
	"%s, %s, looks like the address of a known organisation.",
	"%s, %s, mixes alphabets, as look-alike addresses do.",
	"Your replies would go to %s, not to %s.",
	"Your replies would go to %s, another address than the sender's.",
	"The name shown, \"%s\", does not match the sender's real address, %s.",
	"The name shown, \"%s\", is written with deceptive characters (invisible, or imitating"
	" letters) and does not match the sender's real address, %s.",
	"The name shown holds the address %s, but the message really comes from %s.",
	"The message claims to come from %s, but that domain does not authenticate it (no"
	" electronic signature, no authorised sending server): the address may be forged.",
	"The message claims to come from %s, but its authentication could not be checked (a"
	" passing DNS error).",
	"The message claims to come from %s and was changed by a mailing list: its"
	" authentication can no longer be checked.",
	"The message names several senders: your mail program shows only one.",
	"The sender's address is missing or unreadable.",
	"A link shows %s but really leads to %s.",
	"A link shows misleading text: it really leads to %s.",
	"The message asks for bank details, a password or a code.",
	"%s, %s, uses the name %s but does not belong to them.",
	"%s holds the address %s to pass for %s: the message does not come from that address.",
	"The message speaks in the name of %s and asks for bank details, a password or a code,"
	" but the sender has no tie to them.",
	"The message speaks in the name of %s and holds a form to fill in, but the sender has no"
	" tie to them.",
	"The message names %s and asks for bank details, a password or a code; it seems to"
	" forward a message from them.",
	"Part of the message was added after %s's electronic signature: nothing shows it comes"
	" from them.",
	"Part of the message, added after %s's electronic signature, holds a link to %s: nothing"
	" shows it comes from them.",
	"The subject shown is not covered by %s's electronic signature: it may have been changed.",
	"Your replies would go to %s, which %s's electronic signature does not cover.",
	"The sending domain, %s, is not covered by %s's electronic signature.",
	"Another sign of impersonation was found (%s).",
	"\"%s\"%s replaces \"%s\"",
	"\"%s\"%s replaces \"%s\"",
	"a \"%s\" is missing",
	"\"%s\" is missing",
	"\"%s\"%s was added",
	"the ending is \".%s\" instead of \".%s\"",
	", and the ending is \".%s\" instead of \".%s\"",
	"the name %s with \"%s\" added",
	"the real domain is %s; %s is only the start of the name",
	" (%s letter)",
	" (a letter from another alphabet)",
	"Cyrillic", "Greek", "Armenian",
};

/* A domain as the banner shows it. */
struct warning_dom {
	struct domain d;
	bool ok;
	const char *label;		/* the registrable label, U-label form */
	size_t llen;
	const char *suffix;		/* what follows it, A-labels ("" if nothing) */
};

/* How a look-alike differs from the real domain. */
enum warning_kind { WK_SAME, WK_EMBEDDED, WK_COMBO, WK_ENDING, WK_LETTERS };

/* warning_invisible - characters a reader cannot see or that turn text around */
static bool warning_invisible(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad || c == 0x061c ||
	       c == 0x115f || c == 0x1160 || c == 0x180e || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c == 0x3164 ||
	       (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || c == 0xffa0 ||
	       (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xe0000 && c <= 0xe0fff);
}

/*
 * warning_clean - text from the message as the banner may show it: UTF-8
 * (bad bytes read as windows-1252), invisible and control characters as
 * '?', runs of '-' cut to three (no line can pass for a marker), at most
 * WARNING_VALUE_MAX bytes (and outlen - 1), cut at a character with "..."
 */
void warning_clean(const char *s, size_t len, char *out, size_t outlen)
{
	struct vbuf r = VBUF_INIT(4 * WARNING_VALUE_MAX + 16);
	size_t max = outlen - 1 < WARNING_VALUE_MAX ? outlen - 1 : WARNING_VALUE_MAX, o = 0, dashes = 0;

	utf8_repair(&r, s, len < 4 * WARNING_VALUE_MAX ? len : 4 * WARNING_VALUE_MAX);
	for (size_t i = 0; i < r.len; ) {
		uint32_t c;
		size_t n = utf8_decode(r.data + i, r.len - i, &c);
		const char *piece = r.data + i;

		i += n;
		if (warning_invisible(c)) {
			piece = "?";
			n = 1;
		}
		dashes = c == '-' ? dashes + 1 : 0;
		if (dashes > 3)
			continue;
		if (o + n > max || (i < r.len && o + n + 3 > max && o + n > max - 3)) {
			size_t cut = o > max - 3 ? max - 3 : o;

			while (cut > 0 && ((unsigned char)out[cut] & 0xc0) == 0x80)
				cut--;
			memcpy(out + cut, "...", 3);
			o = cut + 3;
			break;
		}
		memcpy(out + o, piece, n);
		o += n;
	}
	out[o] = '\0';
	vbuf_free(&r);
}

/*
 * warning_say - a sentence: each "%s" of fmt replaced by the next string
 * (as many as fmt asks for); no other conversion, so the words of both languages
 * are plain strings and no text from the message is ever read as a format
 */
static void warning_say(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	size_t o = 0;

	va_start(ap, fmt);
	for (const char *p = fmt; *p && o + 1 < outlen; p++) {
		const char *v;

		if (p[0] != '%' || p[1] != 's') {
			out[o++] = *p;
			continue;
		}
		p++;
		v = va_arg(ap, const char *);
		for (; v && *v && o + 1 < outlen; v++)
			out[o++] = *v;
	}
	va_end(ap);
	out[o] = '\0';
	/* a character cut at the end of the buffer is dropped whole */
	if (o + 1 >= outlen)
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			out[--o] = '\0';
	if (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0xc0)
		out[--o] = '\0';
}

/* warning_dom_point - set label and suffix, which point into the struct's own domain */
static void warning_dom_point(struct warning_dom *w)
{
	unsigned reg = w->d.reg_label < w->d.labels ? w->d.reg_label :
		       w->d.labels > 1 ? w->d.labels - 2 : 0;
	const char *s;

	w->label = w->suffix = "";
	w->llen = domain_label(w->d.unicode, reg, &w->label);
	if (w->label == NULL)
		w->label = "";
	if (domain_label(w->d.ascii, reg + 1, &s) > 0)
		w->suffix = s;
}

/* warning_dom - parse an A-label domain for the banner */
static bool warning_dom(struct warning_dom *w, const char *ascii, const psl_ctx_t *psl)
{
	memset(w, 0, sizeof(*w));
	w->label = w->suffix = "";
	if (ascii == NULL || ascii[0] == '\0' ||
	    domain_parse(&w->d, ascii, strlen(ascii), psl) != DOMAIN_OK)
		return false;
	warning_dom_point(w);
	w->ok = true;
	return true;
}

/* warning_show - a domain as shown: Unicode, then the A-labels when they differ */
static void warning_show(const struct warning_dom *w, char *out, size_t outlen)
{
	char u[WARNING_VALUE_MAX + 1], a[WARNING_VALUE_MAX + 1];

	warning_clean(w->d.unicode, w->d.unicode_len, u, sizeof(u));
	warning_clean(w->d.ascii, w->d.ascii_len, a, sizeof(a));
	if (strcmp(u, a) == 0)
		warning_say(out, outlen, "%s", u);
	else
		warning_say(out, outlen, "%s (%s)", u, a);
}

/* warning_cps - the code points of s[0..n), at most max; their count */
static size_t warning_cps(const char *s, size_t n, uint32_t *cp, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < max; ) {
		size_t used = utf8_decode(s + i, n - i, &cp[k]);

		i += used ? used : 1;
		k++;
	}
	return k;
}

/* warning_distance - edit distance between two strings of code points */
static size_t warning_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t row[WARNING_CPS + 1];

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

/* warning_embeds - whether the real domain, or its label, is a label run left of look's registrable part */
static bool warning_embeds(const struct warning_dom *look, const struct warning_dom *real)
{
	const char *a = look->d.ascii, *reg = look->d.registrable;
	size_t rl = strlen(real->d.ascii), regl = strlen(reg), al = strlen(a);
	const char *lab;
	size_t n;

	if (regl == 0 || al <= regl)
		return false;
	for (const char *p = a; p && (size_t)(p - a) + rl < al - regl; p = strchr(p, '.')) {
		if (*p == '.')
			p++;
		if (strncmp(p, real->d.ascii, rl) == 0 && (p[rl] == '.' || p[rl] == '-'))
			return true;
	}
	n = domain_label(real->d.ascii, 0, &lab);
	for (unsigned i = 0; i + 1 < look->d.reg_label && i < look->d.labels; i++) {
		const char *l;
		size_t ln = domain_label(a, i, &l);

		if (ln == n && memcmp(l, lab, n) == 0)
			return true;
	}
	return false;
}

/* warning_kind - how look differs from real, and a cost: the closest real domain costs least */
static size_t warning_kind(const struct warning_dom *look, const struct warning_dom *real,
			   enum warning_kind *kind)
{
	uint32_t a[WARNING_CPS], b[WARNING_CPS];
	size_t na, nb, other_end = strcmp(look->suffix, real->suffix) != 0;

	if (look->llen == real->llen && memcmp(look->label, real->label, look->llen) == 0) {
		*kind = other_end ? WK_ENDING : WK_SAME;
		return other_end;
	}
	if (warning_embeds(look, real)) {
		*kind = WK_EMBEDDED;
		return 2;
	}
	if (real->llen > 0 && look->llen > real->llen &&
	    memmem(look->label, look->llen, real->label, real->llen) != NULL) {
		*kind = WK_COMBO;
		return 3 + other_end;
	}
	*kind = WK_LETTERS;
	na = warning_cps(look->label, look->llen, a, WARNING_CPS);
	nb = warning_cps(real->label, real->llen, b, WARNING_CPS);
	return 10 + 2 * warning_distance(a, na, b, nb) + other_end;
}

/* warning_real - the brand's domain the look-alike is closest to, parsed into real; false if none */
static bool warning_real(const struct brand *br, const struct warning_dom *look,
			 const psl_ctx_t *psl, struct warning_dom *real, enum warning_kind *kind)
{
	size_t best = SIZE_MAX;
	struct warning_dom cand;

	if (br == NULL)
		return false;
	for (size_t i = 0; i < brand_domain_count(br); i++) {
		enum warning_kind k = WK_SAME;
		size_t cost;

		if (!warning_dom(&cand, brand_domain(br, i), psl))
			continue;
		cost = look->ok ? warning_kind(look, &cand, &k) : 0;
		if (cost < best) {
			best = cost;
			*real = cand;
			warning_dom_point(real);
			*kind = look->ok ? k : WK_SAME;
		}
	}
	return best != SIZE_MAX;
}

/* warning_script - " (lettre cyrillique)" when a letter of s is not Latin, else "" */
static const char *warning_script(const struct warning_words *w, const uint32_t *cp, size_t n,
				  char *buf, size_t buflen)
{
	for (size_t i = 0; i < n; i++) {
		UErrorCode err = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript((UChar32)cp[i], &err);
		const char *name;

		if (U_FAILURE(err) || sc == USCRIPT_LATIN || sc == USCRIPT_COMMON ||
		    sc == USCRIPT_INHERITED)
			continue;
		name = sc == USCRIPT_CYRILLIC ? w->cyrillic : sc == USCRIPT_GREEK ? w->greek :
		       sc == USCRIPT_ARMENIAN ? w->armenian : NULL;
		if (name == NULL)
			return w->script_other;
		warning_say(buf, buflen, w->script, name);
		return buf;
	}
	return "";
}

/* warning_utf8 - code points back to UTF-8 */
static void warning_utf8(const uint32_t *cp, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < outlen; i++)
		o += utf8_encode(cp[i], out + o);
	out[o] = '\0';
}

/* warning_letters - "le « é » remplace un « e »": what differs between two labels */
static void warning_letters(const struct warning_words *w, const struct warning_dom *look,
			    const struct warning_dom *real, char *out, size_t outlen)
{
	uint32_t a[WARNING_CPS], b[WARNING_CPS];
	size_t na = warning_cps(look->label, look->llen, a, WARNING_CPS);
	size_t nb = warning_cps(real->label, real->llen, b, WARNING_CPS), pre = 0, suf = 0;
	size_t min = na < nb ? na : nb;
	char g[64], e[64], sbuf[64];
	const char *script;

	while (pre < min && a[pre] == b[pre])
		pre++;
	while (suf < min - pre && a[na - 1 - suf] == b[nb - 1 - suf])
		suf++;
	warning_utf8(a + pre, na - suf - pre, g, sizeof(g));
	warning_utf8(b + pre, nb - suf - pre, e, sizeof(e));
	warning_clean(g, strlen(g), g, sizeof(g));
	script = warning_script(w, a + pre, na - suf - pre, sbuf, sizeof(sbuf));
	if (g[0] == '\0')
		warning_say(out, outlen, nb - suf - pre == 1 ? w->missing_one : w->missing, e);
	else if (e[0] == '\0')
		warning_say(out, outlen, w->added, g, script);
	else
		warning_say(out, outlen, na - suf - pre == 1 && nb - suf - pre == 1 ? w->swap_one : w->swap,
			 g, script, e);
}

/* warning_how - what the look-alike changes; "" when nothing can be said */
static void warning_how(const struct warning_words *w, const struct warning_dom *look,
			const struct warning_dom *real, enum warning_kind kind, char *out,
			size_t outlen)
{
	char extra[WARNING_VALUE_MAX + 1], reg[WARNING_VALUE_MAX + 1], rl[WARNING_VALUE_MAX + 1];
	out[0] = '\0';
	switch (kind) {
	case WK_SAME:
		return;
	case WK_ENDING:
		warning_say(out, outlen, w->ending, look->suffix, real->suffix);
		return;
	case WK_EMBEDDED: {
		struct domain rd;

		if (domain_parse(&rd, look->d.registrable, strlen(look->d.registrable), NULL) != DOMAIN_OK)
			return;
		warning_clean(rd.unicode, rd.unicode_len, reg, sizeof(reg));
		warning_clean(real->d.unicode, real->d.unicode_len, rl, sizeof(rl));
		warning_say(out, outlen, w->embedded, reg, rl);
		return;
	}
	case WK_COMBO: {
		const char *at = memmem(look->label, look->llen, real->label, real->llen);
		char words[WARNING_VALUE_MAX + 1];
		size_t k = 0;

		/* the name without the brand's label, hyphens at the join dropped */
		for (const char *p = look->label; p < look->label + look->llen && k < WARNING_VALUE_MAX; p++) {
			if (p >= at && p < at + real->llen)
				continue;
			words[k++] = *p;
		}
		words[k] = '\0';
		while (k > 0 && words[k - 1] == '-')
			words[--k] = '\0';
		warning_clean(words + strspn(words, "-"), strlen(words + strspn(words, "-")), extra,
			      sizeof(extra));
		warning_clean(real->label, real->llen, rl, sizeof(rl));
		warning_say(out, outlen, w->combo, rl, extra);
		break;
	}
	case WK_LETTERS:
		warning_letters(w, look, real, out, outlen);
		break;
	}
	if (strcmp(look->suffix, real->suffix) != 0 && look->suffix[0] && real->suffix[0]) {
		size_t len = strlen(out);

		warning_say(out + len, outlen - len, w->also_ending, look->suffix, real->suffix);
	}
}

/* warning_is_domain_code - findings whose subject is a look-alike domain */
static bool warning_is_domain_code(enum reason_code c)
{
	return c == REASON_HOMOGLYPH || c == REASON_MIXED_SCRIPT || c == REASON_TYPO ||
	       c == REASON_COMBOSQUAT || c == REASON_EMBEDDED || c == REASON_TLD_SWAP ||
	       c == REASON_LINK_LOOKALIKE;
}

/* What a sentence is made from. */
struct warning_ctx {
	const struct warning_words *w;
	const struct message *m;
	const struct verdict *v;
	const psl_ctx_t *psl;
	char address[3 * WARNING_VALUE_MAX];	/* the From address as shown */
};

/* warning_domain_sentence - a look-alike domain finding */
static void warning_domain_sentence(const struct warning_ctx *x, const struct reason *r,
				    char *out, size_t outlen)
{
	const struct warning_words *w = x->w;
	struct warning_dom look, real;
	enum warning_kind kind = WK_SAME;
	char shown[3 * WARNING_VALUE_MAX], rs[WARNING_VALUE_MAX + 1], how[WARNING_SENTENCE_MAX / 2];
	const char *noun = w->where[r->where] ? w->where[r->where] : w->where[WHERE_FROM];
	bool link = r->where == WHERE_LINK || r->code == REASON_LINK_LOOKALIKE;
	bool has_real;

	if (!warning_dom(&look, r->subject, x->psl)) {
		warning_clean(r->subject, strlen(r->subject), shown, sizeof(shown));
		look.ok = false;
	} else {
		warning_show(&look, shown, sizeof(shown));
	}
	has_real = warning_real(r->brand ? r->brand : x->v->brand, &look, x->psl, &real, &kind);
	if (!has_real) {
		warning_say(out, outlen, r->code == REASON_MIXED_SCRIPT ? w->mixed : w->looks_known,
			    link ? w->where[WHERE_LINK] : noun, shown);
		return;
	}
	warning_clean(real.d.unicode, real.d.unicode_len, rs, sizeof(rs));
	warning_how(w, &look, &real, kind, how, sizeof(how));
	if (link)
		warning_say(out, outlen, how[0] ? w->link_imitates : w->link_imitates_plain, shown, rs, how);
	else
		warning_say(out, outlen, how[0] ? w->imitates : w->imitates_plain, noun, shown, rs, how);
}

/* warning_link_shows - what the link whose target is host shows, or "" */
static const char *warning_link_shows(const struct message *m, const char *host)
{
	for (size_t i = 0; i < message_link_count(m); i++) {
		const struct message_link *l = message_link(m, i);

		if (l->finding && l->code == REASON_LINK_MISMATCH && strcmp(l->host, host) == 0)
			return l->shows;
	}
	return "";
}

/* warning_disguised - whether a name holds invisible characters, or Latin letters mixed with others */
static bool warning_disguised(const char *s)
{
	bool latin = false, other = false;
	size_t n = strlen(s);

	for (size_t i = 0; i < n; ) {
		uint32_t c;
		size_t used = utf8_decode(s + i, n - i, &c);
		UErrorCode err = U_ZERO_ERROR;
		UScriptCode sc;

		i += used ? used : 1;
		if (c == UTF8_INVALID)
			continue;
		if (warning_invisible(c))
			return true;
		sc = uscript_getScript((UChar32)c, &err);
		if (U_FAILURE(err))
			continue;
		latin |= sc == USCRIPT_LATIN;
		other |= sc == USCRIPT_CYRILLIC || sc == USCRIPT_GREEK || sc == USCRIPT_ARMENIAN;
	}
	return latin && other;
}

/*
 * warning_unescape - a finding's subject as the reader saw it: the analysis
 * keeps subjects in ASCII, other characters written [U+XXXX]
 */
static void warning_unescape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	while (*s && o + 5 < outlen) {
		unsigned long cp;
		char *end;

		if (strncmp(s, "[U+", 3) == 0 && isxdigit((unsigned char)s[3]) &&
		    (cp = strtoul(s + 3, &end, 16)) <= 0x10ffff && *end == ']' && end - s <= 11) {
			o += utf8_encode((uint32_t)cp, out + o);
			s = end + 1;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
}

/* warning_body_form - a body-claim for a form to fill in (the others are for a request) */
static bool warning_body_form(const struct reason *r)
{
	return r->code == REASON_BODY_CLAIM && strstr(r->detail, "a form") != NULL;
}

/* warning_sentence - the plain sentence of one finding */
static void warning_sentence(const struct warning_ctx *x, const struct reason *r, char *out,
			     size_t outlen)
{
	const struct warning_words *w = x->w;
	const struct message_from *from = message_from(x->m);
	struct warning_dom d, real;
	enum warning_kind kind;
	char a[3 * WARNING_VALUE_MAX], b[3 * WARNING_VALUE_MAX];

	if (warning_is_domain_code(r->code)) {
		warning_domain_sentence(x, r, out, outlen);
		return;
	}
	switch (r->code) {
	case REASON_REPLY_TO:
		if (warning_dom(&d, r->subject, x->psl))
			warning_show(&d, a, sizeof(a));
		else
			warning_clean(r->subject, strlen(r->subject), a, sizeof(a));
		if (warning_real(r->brand ? r->brand : x->v->brand, &d, x->psl, &real, &kind)) {
			warning_clean(real.d.unicode, real.d.unicode_len, b, sizeof(b));
			warning_say(out, outlen, w->reply_to, a, b);
		} else {
			warning_say(out, outlen, w->reply_to_plain, a);
		}
		return;
	case REASON_DISPLAY_NAME: {
		/* the name that claims the brand: the display name, a group name, a comment */
		char name[3 * WARNING_VALUE_MAX];

		if (r->subject[0])
			warning_unescape(r->subject, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "%s", from->display);
		warning_clean(name, strlen(name), a, sizeof(a));
		warning_say(out, outlen, warning_disguised(name) ||
			    strstr(r->detail, "look-alike characters") ? w->display_name_hidden :
			    w->display_name, a[0] ? a : "?", x->address[0] ? x->address : "?");
		return;
	}
	case REASON_DISPLAY_ADDRESS:
		warning_clean(r->subject, strlen(r->subject), a, sizeof(a));
		warning_say(out, outlen, w->display_address, a, x->address[0] ? x->address : "?");
		return;
	case REASON_BRAND_UNAUTHENTICATED: {
		const struct brand *br = r->brand ? r->brand : x->v->brand;
		/* the brand's domain it claims (with two From fields, the subject is the first's) */
		const char *dom = br == NULL ? (r->subject[0] ? r->subject : from->domain) :
				  r->subject[0] && brand_owns(br, r->subject) ? r->subject :
				  brand_domain_count(br) ? brand_domain(br, 0) : from->domain;

		if (warning_dom(&d, dom, x->psl))
			warning_show(&d, a, sizeof(a));
		else
			warning_clean(from->domain, strlen(from->domain), a, sizeof(a));
		warning_say(out, outlen, strstr(r->detail, "authentication unknown") ?
			    w->unauthenticated_unknown : strstr(r->detail, "mailing list") ?
			    w->unauthenticated_list : w->unauthenticated, a[0] ? a : "?");
		return;
	}
	case REASON_MULTIPLE_FROM:
		warning_say(out, outlen, "%s", w->multiple_from);
		return;
	case REASON_BAD_FROM:
		warning_say(out, outlen, "%s", w->bad_from);
		return;
	case REASON_LINK_MISMATCH: {
		const char *shows = warning_link_shows(x->m, r->subject);

		if (warning_dom(&d, r->subject, x->psl))
			warning_show(&d, a, sizeof(a));
		else
			warning_clean(r->subject, strlen(r->subject), a, sizeof(a));
		warning_clean(shows, strlen(shows), b, sizeof(b));
		if (b[0])
			warning_say(out, outlen, w->link_mismatch, b, a);
		else
			warning_say(out, outlen, w->link_mismatch_plain, a);
		return;
	}
	case REASON_LURE:
		warning_say(out, outlen, "%s", w->lure);
		return;
	case REASON_ADDRESS_CLAIM: {
		/*
		 * a local part that names the brand, or that holds an address (its
		 * own domain then is not the field's: From's is known, and for the
		 * other fields a brand's domain says so)
		 */
		const struct brand *br = r->brand ? r->brand : x->v->brand;
		const char *at = strrchr(r->subject, '@'), *dom = at ? at + 1 : "";
		bool holds = r->where == WHERE_FROM ?
			     from->domain[0] != '\0' && strcasecmp(dom, from->domain) != 0 :
			     br != NULL && dom[0] && brand_owns(br, dom);

		warning_clean(r->subject, strlen(r->subject), a, sizeof(a));
		warning_clean(br ? brand_name(br) : "?", strlen(br ? brand_name(br) : "?"), b,
			      sizeof(b));
		warning_say(out, outlen, holds ? w->address_holds : w->address_claim,
			    w->where[r->where], a, b);
		return;
	}
	case REASON_UNSIGNED_CONTENT: {
		/* brand mail a signature authenticates, with content outside it */
		const struct brand *br = r->brand ? r->brand : x->v->brand;

		warning_clean(br ? brand_name(br) : "?", strlen(br ? brand_name(br) : "?"), b,
			      sizeof(b));
		if (r->subject[0] && warning_dom(&d, r->subject, x->psl))
			warning_show(&d, a, sizeof(a));
		else
			warning_clean(r->subject, strlen(r->subject), a, sizeof(a));
		if (r->where == WHERE_SUBJECT)
			warning_say(out, outlen, w->unsigned_subject, b);
		else if (r->where == WHERE_REPLY_TO && a[0])
			warning_say(out, outlen, w->unsigned_reply_to, a, b);
		else if (r->where == WHERE_SENDER && a[0])
			warning_say(out, outlen, w->unsigned_sender, a, b);
		else if (a[0])
			warning_say(out, outlen, w->unsigned_body_link, b, a);
		else
			warning_say(out, outlen, w->unsigned_body, b);
		return;
	}
	case REASON_BODY_CLAIM: {
		const struct brand *br = r->brand ? r->brand : x->v->brand;

		warning_clean(br ? brand_name(br) : "?", strlen(br ? brand_name(br) : "?"), a,
			      sizeof(a));
		warning_say(out, outlen, warning_body_form(r) ? w->body_claim_form :
			    strstr(r->detail, "a forward") ? w->body_claim_forward : w->body_claim, a);
		return;
	}
	default:
		warning_say(out, outlen, w->other, reason_code_name(r->code));
		return;
	}
}

/* warning_sender - the From address: Unicode domain, and the A-labels beside it when they differ */
static void warning_sender(const struct warning_ctx *x, char *out, size_t outlen)
{
	const struct message_from *f = message_from(x->m);
	const char *at = strrchr(f->address, '@');
	char local[WARNING_VALUE_MAX + 1], u[WARNING_VALUE_MAX + 1], a[WARNING_VALUE_MAX + 1];
	struct warning_dom d;

	out[0] = '\0';
	if (at == NULL || !warning_dom(&d, f->domain, x->psl)) {
		warning_clean(f->address, strlen(f->address), out, outlen);
		return;
	}
	warning_clean(f->address, (size_t)(at - f->address), local, sizeof(local));
	warning_clean(d.d.unicode, d.d.unicode_len, u, sizeof(u));
	warning_clean(d.d.ascii, d.d.ascii_len, a, sizeof(a));
	if (strcmp(u, a) == 0)
		warning_say(out, outlen, "%s@%s", local, u);
	else
		warning_say(out, outlen, "%s@%s (%s@%s)", local, u, local, a);
}

/* warning_rank - the order of findings in the banner: who sent it first, what it asks last */
static int warning_rank(const struct reason *r)
{
	return r->code == REASON_LURE ? -1 : r->strength;
}

/* warning_order - the findings' indexes, strongest first (ties keep their order) */
static size_t warning_order(const struct verdict *v, size_t *idx)
{
	size_t n = v->reasons.count;

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j > 0 && warning_rank(&v->reasons.item[idx[j - 1]]) <
				warning_rank(&v->reasons.item[i])) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	return n;
}

/* warning_main - the look-alike and real domain the banner sets side by side */
static void warning_main(const struct warning_ctx *x, const size_t *idx, size_t n,
			 struct warning_facts *f)
{
	struct warning_dom look, real;
	enum warning_kind kind;
	const struct brand *br = x->v->brand;

	for (size_t i = 0; i < n; i++) {
		const struct reason *r = &x->v->reasons.item[idx[i]];

		if (!warning_is_domain_code(r->code) || !warning_dom(&look, r->subject, x->psl))
			continue;
		warning_show(&look, f->lookalike, sizeof(f->lookalike));
		if (warning_real(r->brand ? r->brand : br, &look, x->psl, &real, &kind))
			warning_clean(real.d.unicode, real.d.unicode_len, f->real_domain,
				      sizeof(f->real_domain));
		else
			f->lookalike[0] = '\0';
		return;
	}
	if (br != NULL && brand_domain_count(br) > 0 && warning_dom(&real, brand_domain(br, 0), x->psl))
		warning_clean(real.d.unicode, real.d.unicode_len, f->real_domain, sizeof(f->real_domain));
}

/*
 * warning_covered - a finding another one says better: replies going to a
 * look-alike (its own sentence says so), a display name that shows an
 * address (the display-address sentence), the lure beside a body-claim
 * for a request
 */
static bool warning_covered(const struct verdict *v, const struct reason *r)
{
	for (size_t i = 0; i < v->reasons.count; i++) {
		const struct reason *o = &v->reasons.item[i];

		if (r->code == REASON_REPLY_TO && warning_is_domain_code(o->code) &&
		    strcmp(o->subject, r->subject) == 0)
			return true;
		if (r->code == REASON_DISPLAY_NAME && o->code == REASON_DISPLAY_ADDRESS)
			return true;
		/* the body-claim sentence asks it with the brand's name */
		if (r->code == REASON_LURE && o->code == REASON_BODY_CLAIM && !warning_body_form(o))
			return true;
	}
	return false;
}

/* warning_facts - everything the banner says about message m (after message_eom) */
void warning_facts(struct warning_facts *f, enum warning_lang lang, const struct message *m)
{
	struct warning_ctx x = { lang == WARNING_EN ? &warning_en : &warning_fr, m,
				 message_verdict(m), NULL, "" };
	const struct detector *det = message_detector(m);
	size_t idx[REASON_LIST_MAX], n;
	const char *said[REASON_LIST_MAX];
	size_t nsaid = 0;

	memset(f, 0, sizeof(*f));
	x.psl = det ? detector_psl(det) : NULL;
	snprintf(f->verdict, sizeof(f->verdict), "%s", x.w->verdict[x.v->kind]);
	if (x.v->brand)
		warning_clean(brand_name(x.v->brand), strlen(brand_name(x.v->brand)), f->brand,
			      sizeof(f->brand));
	warning_sender(&x, x.address, sizeof(x.address));
	snprintf(f->sender, sizeof(f->sender), "%s", x.address);
	n = warning_order(x.v, idx);
	warning_main(&x, idx, n, f);
	for (size_t i = 0; i < n && f->nreasons < WARNING_REASONS_MAX; i++) {
		const struct reason *r = &x.v->reasons.item[idx[i]];
		bool again = false;

		if (warning_covered(x.v, r))
			continue;

		/* one sentence per look-alike domain, however many findings name it */
		if (warning_is_domain_code(r->code)) {
			for (size_t k = 0; k < nsaid; k++)
				again |= strcmp(said[k], r->subject) == 0;
			if (again)
				continue;
			said[nsaid++] = r->subject;
		}
		warning_sentence(&x, r, f->reason[f->nreasons], sizeof(f->reason[0]));
		for (size_t k = 0; k < f->nreasons; k++)
			again |= strcmp(f->reason[k], f->reason[f->nreasons]) == 0;
		if (!again)
			f->nreasons++;
	}
}
