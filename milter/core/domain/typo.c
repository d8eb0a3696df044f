/*
 * typo - edit distances between keys and the classification of one edit.
 *
 * Touches: nothing but its arguments (tables are constant). Inputs longer
 * than TYPO_MAX code points are never compared (the distance is then over
 * any limit); every loop is bounded by TYPO_MAX squared.
 */
#include <config.h>

#include <string.h>

#include "typo.h"
#include "utf8.h"

#define TYPO_INF 1000

/*
 * Neighbouring keys, from dnstwist's tables (QWERTY, QWERTZ, AZERTY): French
 * typists use AZERTY, the rest of the world mostly QWERTY.
 */
static const char *const typo_keyboards[3][36] = {
	{ "po9", "2q", "3wq1", "4ew2", "5re3", "6tr4", "7yt5", "8uy6", "9iu7", "0oi8",
	  "qwsz", "vghn", "xdfv", "rfcxse", "4rdsw3", "tgvcdr", "yhbvft", "ujnbgy",
	  "9okju8", "ikmnhu", "olmji", "kop", "njk", "bhjm", "0plki9", "lo0", "12wa",
	  "5tfde4", "edxzaw", "6ygfr5", "8ijhy7", "cfgb", "3esaq2", "zsdc", "7uhgt6", "asx" },
	{ "po9", "2q", "3wq1", "4ew2", "5re3", "6tr4", "7zt5", "8uz6", "9iu7", "0oi8",
	  "qwsy", "vghn", "xdfv", "rfcxse", "4rdsw3", "tgvcdr", "zhbvft", "ujnbgz",
	  "9okju8", "ikmnhu", "olmji", "kop", "njk", "bhjm", "0plki9", "lo0", "12wa",
	  "5tfde4", "edxyaw", "6zgfr5", "8ijhz7", "cfgb", "3esaq2", "ysdc", "asx", "7uhgt6" },
	{ "po9", "2a", "3za1", "4ez2", "5re3", "6tr4", "7yt5", "8uy6", "9iu7", "0oi8",
	  "2zq1", "vghn", "xdfv", "rfcxse", "4rdsz3", "tgvcdr", "yhbvft", "ujnbgy",
	  "9okju8", "iknhu", "olji", "kopm", "lp", "bhj", "0plki9", "lo0m", "zswa",
	  "5tfde4", "edxwqz", "6ygfr5", "8ijhy7", "cfgb", "sxq", "wsdc", "7uhgt6", "3esqa2" },
};

/* Letters and digits as bits of a 64-bit set: a-z are 0-25, 0-9 are 26-35. */
#define TYPO_C(c) ((c) >= 'a' ? (c) - 'a' : (c) - '0' + 26)
#define TYPO_B(c) (1ULL << TYPO_C(c))

/* Letters that look alike, beyond what the keys already merge (not transitive). */
static const uint64_t typo_alike_bits[128] = {
	['a'] = TYPO_B('o'), ['o'] = TYPO_B('a'),
	['b'] = TYPO_B('d') | TYPO_B('h'), ['d'] = TYPO_B('b'), ['h'] = TYPO_B('b'),
	['c'] = TYPO_B('e'), ['e'] = TYPO_B('c'),
	['g'] = TYPO_B('q'), ['q'] = TYPO_B('g'),
	['m'] = TYPO_B('n'), ['n'] = TYPO_B('m') | TYPO_B('r'), ['r'] = TYPO_B('n'),
	['u'] = TYPO_B('v'), ['v'] = TYPO_B('u') | TYPO_B('y'), ['y'] = TYPO_B('v'),
	['s'] = TYPO_B('5'), ['5'] = TYPO_B('s'), ['z'] = TYPO_B('2'), ['2'] = TYPO_B('z'),
	['3'] = TYPO_B('8'), ['8'] = TYPO_B('3'), ['6'] = TYPO_B('9'), ['9'] = TYPO_B('6'),
};

/* Two letters that look like one: m as nn, d as cl, k as lk (keys read i as l). */
static const char typo_pairs2[][3] = {
	{ 'm', 'n', 'n' }, { 'm', 'r', 'r' }, { 'm', 'n', 'r' }, { 'n', 'r', 'r' },
	{ 'n', 'n', 'n' }, { 'd', 'c', 'l' }, { 'd', 'd', 'l' }, { 'b', 'l', 'b' },
	{ 'h', 'l', 'h' }, { 'k', 'l', 'k' }, { 'k', 'l', 'c' }, { 'w', 'v', 'v' },
	{ 'w', 'u', 'u' },
};

/* typo_bit - the set bit of a letter or digit, 0 for anything else */
static uint64_t typo_bit(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return 1ULL << (c - 'a');
	if (c >= '0' && c <= '9')
		return 1ULL << (c - '0' + 26);
	return 0;
}

/* typo_sim - the letter and its lookalikes, as a set */
static uint64_t typo_sim(uint32_t c)
{
	return c < 128 ? typo_alike_bits[c] | typo_bit(c) : 0;
}

/* typo_cps - decode UTF-8 into code points; returns how many, max+1 if too long */
size_t typo_cps(const char *utf8, size_t len, uint32_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		uint32_t c = utf8_next(utf8, len, &i);

		if (n == max)
			return max + 1;
		out[n++] = c == UTF8_INVALID ? UTF8_REPLACEMENT : c;
	}
	return n;
}

/*
 * typo_expand - a key with m written rn again: keys fold rn into m, which
 * misaligns names where rn sits next to other lookalikes (harnnonie); both
 * forms are compared. Returns the length, max + 1 when too long.
 */
size_t typo_expand(const uint32_t *in, size_t n, uint32_t *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k + (in[i] == 'm' ? 2 : 1) > max)
			return max + 1;
		if (in[i] == 'm') {
			out[k++] = 'r';
			out[k++] = 'n';
		} else {
			out[k++] = in[i];
		}
	}
	return k;
}

/* typo_min3 - the least of three */
static int typo_min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * typo_distance - restricted Damerau-Levenshtein distance (insertion,
 * deletion, substitution, swap of neighbours: 1 each); max + 1 when over max.
 */
int typo_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max)
{
	int row[3][TYPO_MAX + 1];
	int *pp = row[0], *p = row[1], *c = row[2];

	if (na > TYPO_MAX || nb > TYPO_MAX)
		return max + 1;
	if ((na > nb ? na - nb : nb - na) > (size_t)max)
		return max + 1;
	for (size_t j = 0; j <= nb; j++)
		p[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int best;

		c[0] = (int)i;
		best = c[0];
		for (size_t j = 1; j <= nb; j++) {
			int cost = a[i - 1] != b[j - 1];

			c[j] = typo_min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
			if (c[j] < best)
				best = c[j];
		}
		if (best > max)
			return max + 1;
		int *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[nb] > max ? max + 1 : p[nb];
}

/* typo_alike - whether two code points are a lookalike pair */
static bool typo_alike(uint32_t x, uint32_t y)
{
	return x < 128 && (typo_alike_bits[x] & typo_bit(y)) != 0;
}

/* typo_same - equal, or a lookalike pair */
static bool typo_same(uint32_t x, uint32_t y)
{
	return x == y || typo_alike(x, y);
}

/*
 * typo_alike2 - whether one letter looks like the two letters two[0..1]: a
 * known pair (rn, cl, lk...) up to lookalikes (el for d, as cl), or two
 * letters that each are or look like it (nn or mn for m).
 */
static bool typo_alike2(uint32_t one, const uint32_t *two)
{
	uint64_t b0 = typo_bit(two[0]), b1 = typo_bit(two[1]), b = typo_bit(one);

	if (!b0 || !b1 || !b)
		return false;
	if ((typo_sim(one) & b0) && (typo_sim(one) & b1))
		return true;
	for (size_t i = 0; i < sizeof(typo_pairs2) / sizeof(typo_pairs2[0]); i++)
		if ((typo_sim((uint32_t)typo_pairs2[i][0]) & b) &&
		    (typo_sim((uint32_t)typo_pairs2[i][1]) & b0) &&
		    (typo_sim((uint32_t)typo_pairs2[i][2]) & b1))
			return true;
	return false;
}

/*
 * typo_partners - the letters that may stand for c in a lookalike: c, its
 * lookalikes, and the letters of the pairs that may replace it.
 */
uint64_t typo_partners(uint32_t c)
{
	uint64_t m = typo_sim(c), b = typo_bit(c);

	for (size_t i = 0; i < sizeof(typo_pairs2) / sizeof(typo_pairs2[0]) && b; i++)
		if (typo_sim((uint32_t)typo_pairs2[i][0]) & b)
			m |= typo_sim((uint32_t)typo_pairs2[i][1]) | typo_sim((uint32_t)typo_pairs2[i][2]);
	return m;
}

/* typo_set - the letters and digits of a key, as a set; false if it holds others */
bool typo_set(const uint32_t *a, size_t n, uint64_t *set)
{
	*set = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t b = typo_bit(a[i]);

		if (!b && a[i] != '-' && a[i] != '_')
			return false;
		*set |= b;
	}
	return true;
}

/* typo_stroke - an extra thin stroke: l (or i, 1) next to l or a tall letter */
static bool typo_stroke(const uint32_t *a, size_t na, size_t i)
{
	static const char tall[] = "lbdhk";

	if (a[i] != 'l')
		return false;
	return (i > 0 && a[i - 1] < 128 && strchr(tall, (int)a[i - 1]) && a[i - 1]) ||
	       (i + 1 < na && a[i + 1] < 128 && strchr(tall, (int)a[i + 1]) && a[i + 1]);
}

/*
 * typo_lookalike - how many lookalike changes (one letter for a lookalike,
 * for two letters that look like it, or an extra thin stroke in a) turn a
 * into b; nothing else is allowed. max + 1 when over max or impossible.
 */
int typo_lookalike(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max)
{
	static const int inf = TYPO_INF;
	int d[TYPO_MAX + 1][TYPO_MAX + 1], prev = 0;
	size_t band = (size_t)max;

	if (na > TYPO_MAX || nb > TYPO_MAX || max < 0)
		return max + 1;
	if ((na > nb ? na - nb : nb - na) > band)
		return max + 1;
	/* each change that shifts the alignment costs 1: cells off the band are out */
	for (size_t i = 0; i <= na; i++) {
		size_t lo = i > band ? i - band : 0, hi = i + band < nb ? i + band : nb;
		int best = inf;

		if (lo > 0)
			d[i][lo - 1] = inf;
		for (size_t j = lo; j <= hi; j++) {
			int v = inf;

			if (i == 0 && j == 0) {
				d[0][0] = best = 0;
				continue;
			}
			if (i > 0 && j > 0 && d[i - 1][j - 1] < inf && typo_same(a[i - 1], b[j - 1]))
				v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (i > 1 && j > 0 && d[i - 2][j - 1] + 1 < v && typo_alike2(b[j - 1], a + i - 2))
				v = d[i - 2][j - 1] + 1;
			if (j > 1 && i > 0 && d[i - 1][j - 2] + 1 < v && typo_alike2(a[i - 1], b + j - 2))
				v = d[i - 1][j - 2] + 1;
			if (i > 0 && d[i - 1][j] + 1 < v && typo_stroke(a, na, i - 1))
				v = d[i - 1][j] + 1;
			d[i][j] = v > inf ? inf : v;
			if (d[i][j] < best)
				best = d[i][j];
		}
		if (hi < nb)
			d[i][hi + 1] = inf;
		/* two-letter pairs jump a row: give up only after two hopeless rows */
		if (best > max && prev > max)
			return max + 1;
		prev = best;
	}
	return d[na][nb] > max ? max + 1 : d[na][nb];
}

/* typo_key_index - the row of a key in the keyboard tables, or -1 */
static int typo_key_index(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'z')
		return 10 + (int)(c - 'a');
	return -1;
}

/* typo_neighbours - whether x and y are neighbouring keys on one keyboard */
static bool typo_neighbours(uint32_t x, uint32_t y)
{
	int ix = typo_key_index(x);

	if (ix < 0 || typo_key_index(y) < 0)
		return false;
	for (int k = 0; k < 3; k++)
		if (strchr(typo_keyboards[k][ix], (int)y))
			return true;
	return false;
}

/* typo_vowel - a, e, i, o, u, y */
static bool typo_vowel(uint32_t c)
{
	return c < 128 && strchr("aeiouy", (int)c) && c != 0;
}

/* typo_preimages - the letters a key letter may stand for (keys read i as l) */
static size_t typo_preimages(uint32_t c, uint32_t out[3])
{
	out[0] = c;
	if (c == 'l') {
		out[1] = 'i';
		out[2] = '1';
		return 3;
	}
	if (c == 'o') {
		out[1] = '0';
		return 2;
	}
	return 1;
}

/* typo_why - why one letter may have been typed for another */
static unsigned typo_why(uint32_t got, uint32_t want)
{
	uint32_t g[3], w[3];
	size_t ng = typo_preimages(got, g), nw = typo_preimages(want, w);
	unsigned why = 0;

	for (size_t i = 0; i < ng; i++) {
		for (size_t j = 0; j < nw; j++) {
			uint32_t x = g[i] ^ w[j];

			if (typo_neighbours(g[i], w[j]) || typo_neighbours(w[j], g[i]))
				why |= TYPO_WHY_KEYBOARD;
			if (x && !(x & (x - 1)) && g[i] < 128 && w[j] < 128)
				why |= TYPO_WHY_BITFLIP;
			if (typo_vowel(g[i]) && typo_vowel(w[j]))
				why |= TYPO_WHY_VOWEL;
		}
	}
	if (typo_alike(got, want))
		why |= TYPO_WHY_LOOKALIKE;
	return why;
}

/*
 * typo_single - whether got is want with exactly one edit, and which; e is
 * filled either way (TYPO_SAME or TYPO_OTHER when not one edit).
 */
bool typo_single(const uint32_t *got, size_t ng, const uint32_t *want, size_t nw,
		 struct typo_edit *e)
{
	size_t pre = 0, suf = 0, min = ng < nw ? ng : nw;

	memset(e, 0, sizeof(*e));
	while (pre < min && got[pre] == want[pre])
		pre++;
	while (suf < min - pre && got[ng - 1 - suf] == want[nw - 1 - suf])
		suf++;
	e->pos = pre;
	if (ng == nw && pre == ng) {
		e->kind = TYPO_SAME;
		return false;
	}
	if (ng + 1 == nw && pre + suf == ng) {
		e->want = want[pre];
		e->kind = want[pre] == '-' ? TYPO_HYPHEN : TYPO_OMISSION;
		return true;
	}
	if (ng == nw + 1 && pre + suf == nw) {
		uint32_t c = got[pre];

		e->got = c;
		if (c == '-')
			e->kind = TYPO_HYPHEN;
		else if ((pre > 0 && got[pre - 1] == c) || (pre + 1 < ng && got[pre + 1] == c))
			e->kind = TYPO_REPETITION;
		else if (pre == nw)
			e->kind = TYPO_ADDITION;
		else
			e->kind = TYPO_INSERTION;
		if (pre > 0)
			e->why |= typo_why(c, got[pre - 1]) & TYPO_WHY_KEYBOARD;
		if (pre + 1 < ng)
			e->why |= typo_why(c, got[pre + 1]) & TYPO_WHY_KEYBOARD;
		return true;
	}
	if (ng == nw && pre + suf + 1 == ng) {
		e->kind = TYPO_SUBSTITUTION;
		e->got = got[pre];
		e->want = want[pre];
		e->why = typo_why(got[pre], want[pre]);
		return true;
	}
	if (ng == nw && pre + suf + 2 == ng && got[pre] == want[pre + 1] &&
	    got[pre + 1] == want[pre]) {
		e->kind = TYPO_TRANSPOSITION;
		e->got = got[pre];
		e->want = want[pre];
		return true;
	}
	e->kind = TYPO_OTHER;
	return false;
}

/*
 * typo_plausible - whether a single edit is one people or typosquatters make:
 * any omission, doubling, swap, hyphen or letter added at the end; a letter
 * inside only next to its neighbouring key; a substitution only between
 * neighbouring keys, one bit apart, vowels or lookalikes.
 */
bool typo_plausible(const struct typo_edit *e)
{
	switch (e->kind) {
	case TYPO_OMISSION:
	case TYPO_REPETITION:
	case TYPO_ADDITION:
	case TYPO_HYPHEN:
	case TYPO_TRANSPOSITION:
		return true;
	case TYPO_INSERTION:
		return (e->why & TYPO_WHY_KEYBOARD) != 0;
	case TYPO_SUBSTITUTION:
		return e->why != 0;
	default:
		return false;
	}
}

/* typo_kind_text - a word for an edit, for explanations */
const char *typo_kind_text(enum typo_kind kind)
{
	switch (kind) {
	case TYPO_SAME: return "same";
	case TYPO_OMISSION: return "omission";
	case TYPO_REPETITION: return "repetition";
	case TYPO_INSERTION: return "insertion";
	case TYPO_ADDITION: return "addition";
	case TYPO_HYPHEN: return "hyphen";
	case TYPO_SUBSTITUTION: return "substitution";
	case TYPO_TRANSPOSITION: return "transposition";
	default: return "edits";
	}
}
