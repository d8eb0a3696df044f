/*
 * brands_parse - read a brand pack (vigie-brands(5)) and build its indexes:
 * owned domains, label keys, name keys, words. Built once here so that
 * matching (brands.c) does lookups only.
 *
 * Touches: the heap; brands_load() reads the one file it is given. A pack
 * with any error is refused as a whole, with "origin:line: message"; a pack
 * that loaded is immutable.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/utf16.h>

#include "brands.h"
#include "brands_int.h"
#include "domain.h"
#include "hmap.h"
#include "lines.h"
#include "skeleton.h"
#include "utf8.h"
#include "vbuf.h"
#include "xalloc.h"

extern const char brands_builtin_text[];
extern const size_t brands_builtin_len;

struct brands_parser {
	struct brands *b;
	const char *origin;
	const psl_ctx_t *psl;
	unsigned line;
	struct brand *cur;
	char *err;
	size_t errlen;
	unsigned nerrors;		/* errors so far: err holds the first ones */
};

/* brands_keep - a copy of s[0..len) owned by the pack */
static char *brands_keep(struct brands *b, const char *s, size_t len)
{
	char *copy = xstrndup(s, len);

	b->pool = xreallocarray(b->pool, b->npool + 1, sizeof(*b->pool));
	b->pool[b->npool++] = copy;
	return copy;
}

/*
 * brands_error - one more "origin:line: message" line in err: the parser
 * goes on after an error, so that an admin fixes a pack in one pass, as
 * vigie.conf's errors are all listed
 */
static bool brands_error(struct brands_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool brands_error(struct brands_parser *p, const char *fmt, ...)
{
	size_t used = p->nerrors ? strnlen(p->err, p->errlen) : 0;
	va_list ap;
	int n;

	p->nerrors++;
	if (p->errlen == 0 || used + 2 >= p->errlen || p->nerrors > BRANDS_ERRORS_MAX)
		return false;
	if (used > 0)
		p->err[used++] = '\n';
	if (p->line)
		n = snprintf(p->err + used, p->errlen - used, "%s:%u: ", p->origin, p->line);
	else
		n = snprintf(p->err + used, p->errlen - used, "%s: ", p->origin);
	if (n < 0 || (size_t)n >= p->errlen - used)
		return false;
	va_start(ap, fmt);
	vsnprintf(p->err + used + n, p->errlen - used - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* brands_push - append a string to a capped list of one brand */
static bool brands_push(struct brands_parser *p, char ***list, size_t *n, const char *s,
			const char *what)
{
	if (*n >= BRANDS_ITEMS_MAX)
		return brands_error(p, "brand '%s' has more than %u %s", p->cur->name,
				    BRANDS_ITEMS_MAX, what);
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
	return true;
}

/*
 * brands_name_key - the key of a display-name form: its folded words joined
 * without spaces, so that "Santé Clair" and "Santeclair" are one name.
 */
static size_t brands_name_key(const struct skeleton *sk, const char *s, size_t len, struct vbuf *out)
{
	size_t w = 0;

	vbuf_reset(out);
	skeleton_fold_text(sk, s, len, out);
	for (size_t r = 0; r < out->len; r++)
		if (out->data[r] != ' ')
			out->data[w++] = out->data[r];
	vbuf_truncate(out, w);
	return w;
}

/* brands_formstart_set - mark the first two bytes of a name key (brands_claim.c's filter) */
static void brands_formstart_set(struct brands *b, const char *key, size_t len)
{
	unsigned v = (unsigned)(unsigned char)key[0] << 8 | (len > 1 ? (unsigned char)key[1] : 0);

	b->formstart[v / 8] |= (uint8_t)(1u << (v % 8));
}

/* brands_add_form - a display-name form of the current brand */
static bool brands_add_form(struct brands_parser *p, const char *form)
{
	struct brands *b = p->b;
	struct vbuf key = VBUF_INIT(1024);
	size_t len = brands_name_key(b->sk, form, strlen(form), &key), other;
	bool ok = true;

	if (len == 0 || key.overflow) {
		ok = brands_error(p, "name '%.80s' has no letters or digits, or is too long", form);
	} else if (hmap_get(&b->formkey, key.data, len, &other)) {
		size_t owner = b->form[other].brand;

		if (&b->brand[owner] != p->cur)
			ok = brands_error(p, "name '%.80s' is already a name of brand '%s'", form,
					  b->brand[owner].name);
	} else if ((ok = brands_push(p, &p->cur->forms, &p->cur->nforms, form, "names"))) {
		b->form = xreallocarray(b->form, b->nforms + 1, sizeof(*b->form));
		b->form[b->nforms].brand = (size_t)(p->cur - b->brand);
		b->form[b->nforms].form = p->cur->forms[p->cur->nforms - 1];
		hmap_put(&b->formkey, brands_keep(b, key.data, len), len, b->nforms++);
		if (len > b->form_max)
			b->form_max = len;
		brands_formstart_set(b, key.data, len);
	}
	vbuf_free(&key);
	return ok;
}

/* brands_ascii_name - a brand name for headers: accents dropped, the rest escaped */
static char *brands_ascii_name(const char *name)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
	struct vbuf out = VBUF_INIT(1024);
	size_t len = strlen(name);
	char *s;

	for (size_t i = 0; i < len;) {
		UChar32 c = (UChar32)utf8_next(name, len, &i);
		UChar dec[32];
		int32_t n = -1;

		if (c < 0)
			c = 0xFFFD;
		e = U_ZERO_ERROR;
		if (nfd)
			n = unorm2_getDecomposition(nfd, c, dec, 32, &e);
		if (U_FAILURE(e) || n < 1 || dec[0] >= 0x80 || U16_IS_SURROGATE(dec[0])) {
			if (c >= 0x20 && c < 0x7f)
				vbuf_addc(&out, (char)c);
			else
				vbuf_printf(&out, "[U+%04X]", (unsigned)c);
		} else {
			vbuf_addc(&out, (char)dec[0]);
		}
	}
	s = xstrdup(vbuf_str(&out));
	vbuf_free(&out);
	return s;
}

/* brands_kw_name - "name FORM" adds a display-name form */
static bool brands_kw_name(struct brands_parser *p, char *value)
{
	return brands_add_form(p, value);
}

/* brands_kw_brand - "brand NAME" starts a brand */
static bool brands_kw_brand(struct brands_parser *p, char *value)
{
	struct brands *b = p->b;
	struct brand *br;

	for (size_t i = 0; i < b->nbrands; i++)
		if (strcmp(b->brand[i].name, value) == 0)
			return brands_error(p, "brand '%.80s' is already defined (line %u)", value,
					    b->brand[i].line);
	if (b->nbrands >= BRANDS_MAX)
		return brands_error(p, "more than %u brands", BRANDS_MAX);
	b->brand = xreallocarray(b->brand, b->nbrands + 1, sizeof(*b->brand));
	br = &b->brand[b->nbrands++];
	memset(br, 0, sizeof(*br));
	br->name = xstrdup(value);
	br->ascii_name = brands_ascii_name(value);
	br->sensitivity = BRAND_NORMAL;
	br->line = p->line;
	p->cur = br;
	return brands_add_form(p, value);
}

/* brands_parse_domain - one domain value, normalised; false with an error */
static bool brands_parse_domain(struct brands_parser *p, const char *kw, const char *value,
				struct domain *d)
{
	enum domain_status st = domain_parse(d, value, strlen(value), p->psl);

	if (st != DOMAIN_OK)
		return brands_error(p, "%s '%.80s': %s", kw, value, domain_status_text(st));
	return true;
}

/* brands_kw_domain - "domain D..." adds owned domains */
static bool brands_kw_domain(struct brands_parser *p, char *value)
{
	struct brands *b = p->b;
	struct domain d;

	char *save = NULL;

	for (char *tok = strtok_r(value, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		size_t other;

		if (!brands_parse_domain(p, "domain", tok, &d))
			return false;
		if (d.registrable[0] == '\0')
			return brands_error(p, "domain '%.80s' is a public suffix", tok);
		if (hmap_get(&b->owned, d.ascii, d.ascii_len, &other)) {
			if (&b->brand[other] == p->cur)
				continue;
			return brands_error(p, "domain '%s' already belongs to brand '%s'", d.ascii,
					    b->brand[other].name);
		}
		if (!brands_push(p, &p->cur->domains, &p->cur->ndomains, d.ascii, "domains"))
			return false;
		hmap_put(&b->owned, brands_keep(b, d.ascii, d.ascii_len), d.ascii_len,
			       (size_t)(p->cur - b->brand));
	}
	return true;
}

/* brands_kw_signer - "signer D..." adds authorised DKIM signing domains */
static bool brands_kw_signer(struct brands_parser *p, char *value)
{
	struct domain d;

	char *save = NULL;

	for (char *tok = strtok_r(value, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (!brands_parse_domain(p, "signer", tok, &d))
			return false;
		if (!brands_push(p, &p->cur->signers, &p->cur->nsigners, d.ascii, "signers"))
			return false;
	}
	return true;
}

/*
 * brands_kw_label - "label NAME..." adds names the brand is known by that
 * lookalike domains borrow though it owns no domain of that name ("cpam");
 * "NAME-*" also takes the name, a hyphen and anything after ("cpam-paris").
 * Each must be one domain label: letters, digits, inner hyphens.
 */
static bool brands_kw_label(struct brands_parser *p, char *value)
{
	char *save = NULL;

	for (char *tok = strtok_r(value, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		size_t n = strlen(tok);
		bool prefix = n > 2 && strcmp(tok + n - 2, "-*") == 0;
		struct domain d;
		char name[DNSNAME_MAX + 8];

		if (prefix)
			n -= 2;
		snprintf(name, sizeof(name), "%.*s.invalid", (int)(n < DNSNAME_MAX ? n : DNSNAME_MAX), tok);
		if (n == 0 || n > 63 || memchr(tok, '.', n) || memchr(tok, '*', n) ||
		    domain_parse(&d, name, strlen(name), NULL) != DOMAIN_OK)
			return brands_error(p, "label '%.80s': one domain label expected, optionally followed by -*",
					    tok);
		if (!brands_push(p, &p->cur->labels, &p->cur->nlabels, tok, "labels"))
			return false;
	}
	return true;
}

/* brands_kw_sensitivity - "sensitivity low|normal|high" */
static bool brands_kw_sensitivity(struct brands_parser *p, char *value)
{
	if (strcmp(value, "low") == 0)
		p->cur->sensitivity = BRAND_LOW;
	else if (strcmp(value, "normal") == 0)
		p->cur->sensitivity = BRAND_NORMAL;
	else if (strcmp(value, "high") == 0)
		p->cur->sensitivity = BRAND_HIGH;
	else
		return brands_error(p, "sensitivity '%.40s': expected low, normal or high", value);
	return true;
}

/*
 * brands_words - the words of a "word" or "trade" line; a trade is also
 * listed apart: a mistyped brand name beside trades only is a weak lookalike
 */
static bool brands_words(struct brands_parser *p, char *value, bool trade)
{
	struct brands *b = p->b;
	char key[256];

	char *save = NULL;

	for (char *tok = strtok_r(value, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		int n = skeleton_key(b->sk, tok, strlen(tok), key, sizeof(key));

		if (n <= 0 || strpbrk(key, "-_.") != NULL)
			return brands_error(p, "word '%.80s': one word of letters or digits expected",
					    tok);
		if (!brands_word(b, key, (size_t)n))
			hmap_put(&b->words, brands_keep(b, key, (size_t)n), (size_t)n, 1);
		if (trade && !brands_trade(b, key, (size_t)n))
			hmap_put(&b->trades, brands_keep(b, key, (size_t)n), (size_t)n, 1);
		if ((size_t)n > b->word_max)
			b->word_max = (size_t)n;
	}
	return true;
}

/* brands_kw_word - "word W..." adds words that make a brand name a combosquat */
static bool brands_kw_word(struct brands_parser *p, char *value)
{
	return brands_words(p, value, false);
}

/*
 * brands_kw_trade - "trade W..." adds words of the professions: pack words,
 * but beside a mistyped brand name ("pharmacie-almeras") a business's name
 */
static bool brands_kw_trade(struct brands_parser *p, char *value)
{
	return brands_words(p, value, true);
}

/* brands_kw_allow - "allow D..." names domains that are never flagged */
static bool brands_kw_allow(struct brands_parser *p, char *value)
{
	struct brands *b = p->b;
	struct domain d;
	char *save = NULL;

	for (char *tok = strtok_r(value, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (!brands_parse_domain(p, "allow", tok, &d))
			return false;
		if (d.registrable[0] == '\0')
			return brands_error(p, "allow '%.80s' is a public suffix", tok);
		hmap_put(&b->allowed, brands_keep(b, d.ascii, d.ascii_len), d.ascii_len, 1);
	}
	return true;
}

static const struct brands_keyword {
	const char *name;
	bool in_brand;		/* only inside a brand block */
	bool (*fn)(struct brands_parser *p, char *value);
} brands_keywords[] = {
	{ "brand", false, brands_kw_brand },
	{ "name", true, brands_kw_name },
	{ "domain", true, brands_kw_domain },
	{ "signer", true, brands_kw_signer },
	{ "label", true, brands_kw_label },
	{ "sensitivity", true, brands_kw_sensitivity },
	{ "word", false, brands_kw_word },
	{ "trade", false, brands_kw_trade },
	{ "allow", false, brands_kw_allow },
};

/* brands_line - one line, comments and blanks included */
static bool brands_line(struct brands_parser *p, char *s, size_t len)
{
	char *kw, *value, *end;
	size_t i;

	if (len > BRANDS_LINE_MAX)
		return brands_error(p, "line longer than %u bytes", BRANDS_LINE_MAX);
	if (memchr(s, '\0', len))
		return brands_error(p, "NUL byte");
	if (utf8_valid_prefix(s, len) != len)
		return brands_error(p, "invalid UTF-8");
	s[len] = '\0';
	for (i = 0; i < len; i++)	/* a comment starts at # after a blank */
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
			s[len = i] = '\0';
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = '\0';
	kw = s + strspn(s, " \t");
	if (*kw == '\0')
		return true;
	end = kw + strcspn(kw, " \t");
	value = end + strspn(end, " \t");
	*end = '\0';
	for (i = 0; i < sizeof(brands_keywords) / sizeof(brands_keywords[0]); i++) {
		const struct brands_keyword *k = &brands_keywords[i];

		if (strcmp(kw, k->name) != 0)
			continue;
		if (k->in_brand && p->cur == NULL)
			return brands_error(p, "'%s' before any 'brand'", kw);
		if (*value == '\0')
			return brands_error(p, "'%s' needs a value", kw);
		return k->fn(p, value);
	}
	return brands_error(p, "unknown keyword '%.40s'", kw);
}

/*
 * brands_label_partners - what a lookalike of the label must and may hold,
 * so that most names are dismissed by a few mask tests (typo_lookalike is
 * a dynamic program).
 */
static void brands_label_partners(struct brand_label *l)
{
	uint64_t seen = 0, one;

	l->partners = typo_partners('l');	/* an extra thin stroke */
	l->nneed = 0;
	for (size_t i = 0; i < l->ncps && i < TYPO_MAX; i++) {
		if (!typo_set(&l->cps[i], 1, &one) || one == 0 || (seen & one))
			continue;
		seen |= one;
		l->need[l->nneed++] = typo_partners(l->cps[i]);
		l->partners |= l->need[l->nneed - 1];
	}
}

/* brands_label_new - a label of brand bi: A-label al, U-label ul, with its keys */
static struct brand_label *brands_label_new(struct brands *b, size_t bi, const char *al, size_t alen,
					    const char *ul, size_t ulen)
{
	struct brand_label *l;
	char key[SKELETON_KEY_MAX + 1];
	int klen;
	size_t w = 0;

	for (size_t i = 0; i < b->nlabels; i++)
		if (b->label[i].brand == &b->brand[bi] && strlen(b->label[i].label) == alen &&
		    memcmp(b->label[i].label, al, alen) == 0)
			return &b->label[i];
	b->label = xreallocarray(b->label, b->nlabels + 1, sizeof(*b->label));
	l = &b->label[b->nlabels++];
	memset(l, 0, sizeof(*l));
	l->brand = &b->brand[bi];
	l->label = brands_keep(b, al, alen);
	l->unicode = brands_keep(b, ul, ulen);
	klen = skeleton_key(b->sk, ul, ulen, key, sizeof(key));
	if (klen < 0)
		klen = 0;
	l->key = brands_keep(b, key, (size_t)klen);
	l->keylen = (size_t)klen;
	l->ncps = typo_cps(key, (size_t)klen, l->cps, TYPO_MAX);
	if (l->ncps > TYPO_MAX)
		l->ncps = TYPO_MAX + 1;
	for (size_t i = 0; i < l->ncps && i < TYPO_MAX; i++)
		l->mask |= 1ULL << (l->cps[i] & 63);
	l->necps = typo_expand(l->cps, l->ncps, l->ecps, TYPO_MAX);
	for (size_t i = 0, run = 0; i < l->ncps && i < TYPO_MAX; i++) {
		run = l->cps[i] == '-' || l->cps[i] == '_' ? 0 : run + 1;
		if (run > l->word)
			l->word = run;
	}
	brands_label_partners(l);
	for (int i = 0; i < klen; i++)
		if (key[i] != '-' && key[i] != '_')
			key[w++] = key[i];
	l->flat = brands_keep(b, key, w);
	l->flatlen = w;
	return l;
}

/* brands_label_add - record the registrable label of a brand domain */
static void brands_label_add(struct brands *b, size_t bi, const struct domain *d)
{
	const char *al, *ul, *suffix;
	size_t alen = domain_label(d->ascii, d->reg_label, &al);
	size_t ulen = domain_label(d->unicode, d->reg_label, &ul);
	struct brand_label *l = brands_label_new(b, bi, al, alen, ul, ulen);

	if (l->domain == NULL)
		l->domain = brands_keep(b, d->ascii, d->ascii_len);
	suffix = strchr(d->registrable, '.');
	suffix = suffix ? suffix + 1 : "";
	for (size_t i = 0; i < l->nsuffixes; i++)
		if (strcmp(l->suffixes[i], suffix) == 0)
			return;
	l->suffixes = xreallocarray(l->suffixes, l->nsuffixes + 1, sizeof(*l->suffixes));
	l->suffixes[l->nsuffixes++] = brands_keep(b, suffix, strlen(suffix));
}

/* brands_name_label - a "label" name of brand bi: matched as its domain labels, owned nowhere */
static void brands_name_label(struct brands *b, size_t bi, const char *name, const psl_ctx_t *psl)
{
	size_t n = strlen(name);
	bool prefix = n > 2 && strcmp(name + n - 2, "-*") == 0;
	char host[DNSNAME_MAX + 1];
	struct domain d;
	const char *al, *ul;
	size_t alen, ulen;

	snprintf(host, sizeof(host), "%.*s.invalid", (int)(prefix ? n - 2 : n), name);
	if (domain_parse(&d, host, strlen(host), psl) != DOMAIN_OK)
		return;		/* the parser checked it: cannot happen */
	alen = domain_label(d.ascii, 0, &al);
	ulen = domain_label(d.unicode, 0, &ul);
	brands_label_new(b, bi, al, alen, ul, ulen)->prefix |= prefix;
}

/* brands_index - labels of every brand domain, by key and by key length */
static void brands_index(struct brands *b, const psl_ctx_t *psl)
{
	size_t count[TYPO_MAX + 2] = { 0 };
	struct domain d;

	for (size_t bi = 0; bi < b->nbrands; bi++)
		for (size_t i = 0; i < b->brand[bi].ndomains; i++)
			if (domain_parse(&d, b->brand[bi].domains[i], strlen(b->brand[bi].domains[i]),
					 psl) == DOMAIN_OK && d.registrable[0])
				brands_label_add(b, bi, &d);
	for (size_t bi = 0; bi < b->nbrands; bi++)
		for (size_t i = 0; i < b->brand[bi].nlabels; i++)
			brands_name_label(b, bi, b->brand[bi].labels[i], psl);
	for (size_t i = 0; i < b->nlabels; i++) {
		struct brand_label *l = &b->label[i];
		size_t first = 0;

		l->next_same = SIZE_MAX;
		if (!hmap_put(&b->labelkey, l->key, l->keylen, i)) {
			hmap_get(&b->labelkey, l->key, l->keylen, &first);
			while (b->label[first].next_same != SIZE_MAX)
				first = b->label[first].next_same;
			b->label[first].next_same = i;
		}
		hmap_put(&b->labelflat, l->flat, l->flatlen, i);
		count[l->ncps > TYPO_MAX ? TYPO_MAX + 1 : l->ncps]++;
	}
	b->sorted = xcalloc(b->nlabels + 1, sizeof(*b->sorted));
	b->lenstart[0] = 0;
	for (size_t n = 1; n < TYPO_MAX + 2; n++)
		b->lenstart[n] = b->lenstart[n - 1] + count[n - 1];
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < b->nlabels; i++) {
		size_t n = b->label[i].ncps > TYPO_MAX ? TYPO_MAX + 1 : b->label[i].ncps;

		b->sorted[b->lenstart[n] + count[n]++] = i;
	}
}

/* brands_check - what can only be checked once the whole pack is read */
static bool brands_check(struct brands_parser *p)
{
	struct brands *b = p->b;

	if (b->nbrands == 0) {
		p->line = 0;
		return brands_error(p, "no brand defined");
	}
	for (size_t i = 0; i < b->nbrands; i++) {
		if (b->brand[i].ndomains == 0) {
			p->line = b->brand[i].line;
			return brands_error(p, "brand '%s' has no domain", b->brand[i].name);
		}
	}
	return true;
}

/*
 * brands_parse - a pack from text; origin names it in errors ("brands.conf").
 * sk must outlive the pack. NULL with err set ("origin:line: message").
 */
struct brands *brands_parse(const char *text, size_t len, const char *origin,
			    const struct skeleton *sk, const psl_ctx_t *psl,
			    char *err, size_t errlen)
{
	struct brands *b = xcalloc(1, sizeof(*b));
	struct brands_parser p = { b, origin, psl, 0, NULL, err, errlen, 0 };
	char *line = xmalloc(BRANDS_LINE_MAX + 2);
	struct lines it;
	const char *s;
	size_t n;
	bool ok = true;

	b->origin = xstrdup(origin);
	b->sk = sk;
	if (errlen > 0)
		err[0] = '\0';
	lines_init(&it, text, len, false);
	while (lines_next(&it, &s, &n)) {
		p.line = it.no;
		if (n > BRANDS_LINE_MAX) {
			ok = brands_error(&p, "line longer than %u bytes", BRANDS_LINE_MAX);
		} else {
			memcpy(line, s, n);
			if (!brands_line(&p, line, n))
				ok = false;
		}
	}
	free(line);
	/* the whole-pack checks only on a pack whose lines all read */
	if (ok)
		ok = brands_check(&p);
	if (!ok) {
		brands_free(b);
		return NULL;
	}
	brands_index(b, psl);
	return b;
}

/* brands_load - a pack from a file */
struct brands *brands_load(const char *path, const struct skeleton *sk,
			   const psl_ctx_t *psl, char *err, size_t errlen)
{
	struct vbuf text = VBUF_INIT(BRANDS_FILE_MAX);
	enum vbuf_read st = vbuf_read_file(&text, path);
	struct brands *b = NULL;

	if (st == VBUF_READ_OK)
		b = brands_parse(vbuf_str(&text), text.len, path, sk, psl, err, errlen);
	else
		snprintf(err, errlen, "%s: %s", path,
			 st == VBUF_READ_BIG ? "larger than 4 MB" : strerror(errno));
	vbuf_free(&text);
	return b;
}

/* brands_builtin - the default pack compiled from contrib/brands.conf */
struct brands *brands_builtin(const struct skeleton *sk, const psl_ctx_t *psl,
			      char *err, size_t errlen)
{
	return brands_parse(brands_builtin_text, brands_builtin_len, "built-in brands.conf",
			    sk, psl, err, errlen);
}
