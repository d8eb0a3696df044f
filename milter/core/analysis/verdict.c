/*
 * verdict - findings to a score and a verdict, and the header values that
 * say so (X-Vigie-Verdict, X-Vigie-Reasons).
 *
 * Touches: the verdict and the buffers it is given. Header values are
 * ASCII whatever the findings hold: controls and non-ASCII become [U+XXXX],
 * lines are folded with "\n\t" before 78 columns where a space allows it and
 * never reach 998, and the whole value is capped (VERDICT_REASONS_MAX) with a
 * count of what was left out.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "brands.h"
#include "utf8.h"
#include "verdict.h"

/*
 * The weights: how much a finding of each code, at full strength, says the
 * message is an impersonation. Lookalike domains are near-certain signs (a
 * brand's look with someone else's domain); a reply-to elsewhere or lure
 * words alone are weak.
 */
const struct verdict_policy verdict_policy_default = {
	.weight = {
		[REASON_HOMOGLYPH] = 100,
		[REASON_MIXED_SCRIPT] = 80,
		[REASON_TYPO] = 90,
		[REASON_COMBOSQUAT] = 85,
		[REASON_EMBEDDED] = 95,
		[REASON_TLD_SWAP] = 80,
		[REASON_DISPLAY_NAME] = 75,
		[REASON_DISPLAY_ADDRESS] = 85,
		[REASON_BRAND_UNAUTHENTICATED] = 85,
		[REASON_REPLY_TO] = 40,
		[REASON_MULTIPLE_FROM] = 60,
		[REASON_BAD_FROM] = 50,
		[REASON_LINK_LOOKALIKE] = 70,
		[REASON_LINK_MISMATCH] = 60,
		[REASON_LURE] = 35,
		[REASON_ADDRESS_CLAIM] = 70,
		[REASON_BODY_CLAIM] = 50,
	},
	.suspect = 30,
	.impersonation = 70,
};

#define VERDICT_FOLD 78		/* fold before this column when a space allows */
#define VERDICT_NAME_COL 17	/* "X-Vigie-Reasons: " precedes the value */

/* verdict_kind_name - clean, suspect or impersonation */
const char *verdict_kind_name(enum verdict_kind kind)
{
	switch (kind) {
	case VERDICT_CLEAN: return "clean";
	case VERDICT_SUSPECT: return "suspect";
	case VERDICT_IMPERSONATION: return "impersonation";
	}
	return "clean";
}

/* verdict_score - a running product of (1 - points/100) as a score, 0..100 */
static int verdict_score(double keep)
{
	int score = (int)(100.0 * (1.0 - keep) + 0.5);

	return score > 100 ? 100 : score;
}

/* verdict_step - one finding's points, and the score before and after it */
void verdict_step(const struct verdict_policy *policy, const struct reason *r, double *keep,
		  struct verdict_step *step)
{
	step->weight = (unsigned)r->code < REASON_CODE_COUNT ? policy->weight[r->code] : 0;
	step->strength = r->strength < 0 ? 0 : r->strength > 100 ? 100 : r->strength;
	step->points = step->weight * step->strength / 100;
	step->before = verdict_score(*keep);
	*keep *= 1.0 - step->points / 100.0;
	step->after = verdict_score(*keep);
}

/* verdict_compute_with - score, verdict and brand from the findings */
void verdict_compute_with(struct verdict *v, const struct verdict_policy *policy)
{
	struct verdict_step step;
	double keep = 1.0;
	int top = -1;

	v->brand = NULL;
	for (size_t i = 0; i < v->reasons.count && i < REASON_LIST_MAX; i++) {
		const struct reason *r = &v->reasons.item[i];

		verdict_step(policy, r, &keep, &step);
		if (r->brand && step.points > top) {
			top = step.points;
			v->brand = r->brand;
		}
	}
	v->score = verdict_score(keep);
	if (v->score >= policy->impersonation)
		v->kind = VERDICT_IMPERSONATION;
	else if (v->score >= policy->suspect)
		v->kind = VERDICT_SUSPECT;
	else
		v->kind = VERDICT_CLEAN;
}

/* verdict_compute - the same with the default weights and thresholds */
void verdict_compute(struct verdict *v)
{
	verdict_compute_with(v, &verdict_policy_default);
}

/*
 * verdict_ascii - UTF-8 text as ASCII: printable characters kept, others as
 * [U+XXXX]; quote escapes " and \. Stops before max bytes with "...".
 */
static void verdict_ascii(struct vbuf *out, const char *s, size_t len, size_t max, bool quote)
{
	size_t start = out->len;

	for (size_t i = 0; i < len;) {
		char esc[16];
		size_t n;
		uint32_t c = utf8_next(s, len, &i);

		if (c == UTF8_INVALID)
			c = UTF8_REPLACEMENT;
		if (c >= 0x20 && c < 0x7f) {
			n = 0;
			if (quote && (c == '"' || c == '\\'))
				esc[n++] = '\\';
			esc[n++] = (char)c;
		} else {
			n = (size_t)snprintf(esc, sizeof(esc), "[U+%04X]", (unsigned)c);
		}
		if (out->len - start + n > max) {
			vbuf_adds(out, "...");
			return;
		}
		vbuf_add(out, esc, n);
	}
}

/* A value being folded: where the current line stands. */
struct verdict_fold {
	struct vbuf *out;
	size_t col;
};

/* verdict_word - one word, after a space or a fold */
static void verdict_word(struct verdict_fold *f, const char *w, size_t len)
{
	if (len == 0)
		return;
	if (f->out->len > 0) {
		if (f->col > 8 && f->col + 1 + len > VERDICT_FOLD) {
			vbuf_adds(f->out, "\n\t");
			f->col = 8;
		} else {
			vbuf_addc(f->out, ' ');
			f->col++;
		}
	}
	vbuf_add(f->out, w, len);
	f->col += len;
}

/* verdict_words - every space-separated word of an ASCII string */
static void verdict_words(struct verdict_fold *f, const char *s)
{
	while (*s) {
		size_t n;

		s += strspn(s, " ");
		n = strcspn(s, " ");
		verdict_word(f, s, n);
		s += n;
	}
}

/* verdict_is_token - whether a subject can go bare: a domain or an address, not text */
static bool verdict_is_token(const char *s)
{
	bool dot = false;

	for (; *s; s++) {
		if (*s == '.' || *s == '@')
			dot = true;
		else if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') || strchr("-_+", *s)))
			return false;
	}
	return dot;
}

/* verdict_item - "code where=subject (detail)", the separator added by the caller */
static void verdict_item(struct vbuf *item, const struct reason *r)
{
	vbuf_reset(item);
	vbuf_adds(item, reason_code_name(r->code));
	if (r->subject[0]) {
		vbuf_printf(item, " %s=", reason_where_name(r->where));
		if (verdict_is_token(r->subject)) {
			vbuf_adds(item, r->subject);
		} else {
			vbuf_addc(item, '"');
			verdict_ascii(item, r->subject, strlen(r->subject), REASON_SUBJECT_MAX, true);
			vbuf_addc(item, '"');
		}
	}
	if (r->detail[0]) {
		vbuf_adds(item, " (");
		verdict_ascii(item, r->detail, strlen(r->detail), VERDICT_DETAIL_MAX, false);
		vbuf_addc(item, ')');
	}
}

/*
 * verdict_headers - the two header values: "impersonation score=92
 * brand="Viamedis"", and the findings, "; "-separated and folded (empty when
 * there is none).
 */
void verdict_headers(const struct verdict *v, struct vbuf *verdict_value,
		     struct vbuf *reasons_value)
{
	struct verdict_fold f = { reasons_value, VERDICT_NAME_COL };
	struct vbuf item = VBUF_INIT(1024);
	size_t left = v->reasons.dropped;

	vbuf_reset(verdict_value);
	vbuf_printf(verdict_value, "%s score=%d", verdict_kind_name(v->kind), v->score);
	if (v->brand) {
		const char *name = brand_ascii_name(v->brand);

		vbuf_adds(verdict_value, " brand=\"");
		verdict_ascii(verdict_value, name, strlen(name), 64, true);
		vbuf_addc(verdict_value, '"');
	}
	vbuf_reset(reasons_value);
	for (size_t i = 0; i < v->reasons.count && i < REASON_LIST_MAX; i++) {
		verdict_item(&item, &v->reasons.item[i]);
		if (reasons_value->len + item.len + 32 > VERDICT_REASONS_MAX) {
			left += v->reasons.count - i;
			break;
		}
		if (i + 1 < v->reasons.count)
			vbuf_addc(&item, ';');
		verdict_words(&f, vbuf_str(&item));
	}
	if (left) {
		char more[32];

		snprintf(more, sizeof(more), "(+%zu more)", left);
		verdict_word(&f, more, strlen(more));
	}
	vbuf_free(&item);
}
