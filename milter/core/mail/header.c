/*
 * header - field names, caps, unfolding and RFC 2047 decoding (see header.h).
 *
 * Touches: the buffers it is given and its own scratch buffers. Never fails:
 * a value over a cap is cut, a field over a count cap is not analysed, and
 * both are counted for the analysis to report.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "base64.h"
#include "header.h"
#include "utf8.h"

static const struct {
	const char *name;
	enum header_id id;
} header_names[] = {
	{ "from", HEADER_FROM },
	{ "sender", HEADER_SENDER },
	{ "reply-to", HEADER_REPLY_TO },
	{ "to", HEADER_TO },
	{ "cc", HEADER_CC },
	{ "subject", HEADER_SUBJECT },
	{ "return-path", HEADER_RETURN_PATH },
	{ "content-type", HEADER_CONTENT_TYPE },
	{ "content-transfer-encoding", HEADER_CONTENT_TRANSFER_ENCODING },
	{ "content-disposition", HEADER_CONTENT_DISPOSITION },
	{ "mime-version", HEADER_MIME_VERSION },
	{ "dkim-signature", HEADER_DKIM_SIGNATURE },
	{ "authentication-results", HEADER_AUTHENTICATION_RESULTS },
	{ "arc-authentication-results", HEADER_ARC_AUTHENTICATION_RESULTS },
	{ "list-id", HEADER_LIST_ID },
	{ "list-unsubscribe", HEADER_LIST_UNSUBSCRIBE },
};

/* header_init - a header context with its own converter cache */
void header_init(struct header *h)
{
	memset(h, 0, sizeof(*h));
	charset_init(&h->cs, 64);
	vbuf_init(&h->unfold, HEADER_VALUE_MAX);
	vbuf_init(&h->run, HEADER_TEXT_MAX);
}

/* header_reset - ready for the next message; memory and converters are kept */
void header_reset(struct header *h)
{
	charset_reset(&h->cs);
	vbuf_reset(&h->unfold);
	vbuf_reset(&h->run);
	h->fields = 0;
	memset(h->seen, 0, sizeof(h->seen));
	h->skipped = 0;
	h->truncated = 0;
}

/* header_free - release everything */
void header_free(struct header *h)
{
	charset_free(&h->cs);
	vbuf_free(&h->unfold);
	vbuf_free(&h->run);
}

/* header_id - which field a name is (case-insensitive; white space before the colon ignored) */
enum header_id header_id(const char *name, size_t len)
{
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	if (len > 7 && strncasecmp(name, "x-vigie-", 8) == 0)
		return HEADER_X_VIGIE;
	for (size_t i = 0; i < sizeof(header_names) / sizeof(header_names[0]); i++)
		if (strlen(header_names[i].name) == len &&
		    strncasecmp(header_names[i].name, name, len) == 0)
			return header_names[i].id;
	return HEADER_OTHER;
}

/*
 * header_admit - count a field and say whether to analyse it; *len is cut
 * to HEADER_VALUE_MAX (on a UTF-8 boundary) when the value is longer.
 * Identified fields have their own count cap, so a flood of other fields
 * cannot push From or Subject out of the analysis.
 */
bool header_admit(struct header *h, enum header_id id, const char *value, size_t *len)
{
	size_t count;

	if ((unsigned)id >= HEADER_ID_COUNT)
		id = HEADER_OTHER;
	h->fields++;
	count = ++h->seen[id];
	if (count > (id == HEADER_OTHER ? HEADER_FIELDS_MAX : HEADER_SAME_MAX)) {
		h->skipped++;
		return false;
	}
	if (*len > HEADER_VALUE_MAX) {
		size_t cut = HEADER_VALUE_MAX;

		for (int k = 0; k < 3 && cut > 0 && ((unsigned char)value[cut] & 0xc0) == 0x80; k++)
			cut--;
		h->truncated++;
		*len = cut;
	}
	return true;
}

/*
 * header_unfold - remove the line breaks of folding (CRLF or bare LF before
 * white space); a line break not followed by white space becomes a space.
 */
void header_unfold(const char *value, size_t len, struct vbuf *out)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(value + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - value) : len;
		size_t stop = end;

		if (nl && stop > i && value[stop - 1] == '\r')
			stop--;
		vbuf_add(out, value + i, stop - i);
		if (!nl)
			break;
		i = end + 1;
		if (i < len && value[i] != ' ' && value[i] != '\t')
			vbuf_addc(out, ' ');
	}
}

/* One encoded word, as found in the unfolded value. */
struct header_ew {
	const char *charset;
	size_t charset_len;		/* without an RFC 2231 "*lang" */
	char enc;			/* 'b' or 'q' */
	const char *text;
	size_t text_len;
	size_t end;			/* index just past "?=" */
};

/*
 * header_ew_parse - an encoded word at s[i] ("=?" already seen)? *qe caches
 * where the next "?=" is, so that a value full of "=?" stays linear.
 */
static bool header_ew_parse(const char *s, size_t len, size_t i, size_t *qe,
			    struct header_ew *ew)
{
	size_t j = i + 2, t;
	const char *star;

	while (j < len && j - i - 2 <= 2 * CHARSET_NAME_MAX && s[j] != '?' &&
	       (unsigned char)s[j] > ' ' && s[j] != 0x7f)
		j++;
	if (j == i + 2 || j + 2 >= len || s[j] != '?' || s[j + 2] != '?')
		return false;
	ew->enc = (char)(s[j + 1] | 0x20);
	if (ew->enc != 'b' && ew->enc != 'q')
		return false;
	t = j + 3;
	if (*qe < t) {
		const char *p = t < len ? memmem(s + t, len - t, "?=", 2) : NULL;

		*qe = p ? (size_t)(p - s) : len;
	}
	if (*qe >= len)
		return false;
	ew->charset = s + i + 2;
	ew->charset_len = j - i - 2;
	star = memchr(ew->charset, '*', ew->charset_len);
	if (star)
		ew->charset_len = (size_t)(star - ew->charset);
	ew->text = s + t;
	ew->text_len = *qe - t;
	ew->end = *qe + 2;
	return true;
}

/* header_hex - value of a hex digit, or -1 */
static int header_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* header_ew_bytes - append the decoded bytes of a word to run; false if malformed */
static bool header_ew_bytes(const struct header_ew *ew, struct vbuf *run)
{
	bool clean = true;

	if (ew->enc == 'b') {
		struct base64 b;
		char buf[256];
		size_t i = 0;

		base64_init(&b);
		while (i < ew->text_len) {
			size_t n = ew->text_len - i < 256 ? ew->text_len - i : 256;

			vbuf_add(run, buf, base64_decode(&b, ew->text + i, n, buf));
			i += n;
		}
		vbuf_add(run, buf, base64_end(&b, buf));
		return b.garbage == 0 && b.dropped == 0;
	}
	for (size_t i = 0; i < ew->text_len; i++) {
		unsigned char c = (unsigned char)ew->text[i];
		int hi, lo;

		if (c == '_') {
			c = ' ';
		} else if (c == '=') {
			if (i + 2 < ew->text_len &&
			    (hi = header_hex((unsigned char)ew->text[i + 1])) >= 0 &&
			    (lo = header_hex((unsigned char)ew->text[i + 2])) >= 0) {
				c = (unsigned char)(hi << 4 | lo);
				i += 2;
			} else {
				clean = false;
			}
		}
		vbuf_addc(run, (char)c);
	}
	return clean;
}

/* header_text - append raw text, repaired; notes 8-bit and invalid bytes */
static unsigned header_text(const char *s, size_t len, struct vbuf *out, bool *cut)
{
	unsigned flags = 0;

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			flags |= HEADER_DEC_8BIT;
			if (utf8_valid_prefix(s, len) != len)
				flags |= HEADER_DEC_BADUTF8;
			break;
		}
	}
	if (!utf8_repair(out, s, len))
		*cut = true;
	return flags;
}

/* A run of adjacent encoded words, converted together when they end. */
struct header_run {
	bool active;
	const char *charset;
	size_t charset_len;
};

/* header_run_flush - convert the bytes of a run of encoded words and append them */
static unsigned header_run_flush(struct header *h, struct header_run *r, struct vbuf *out,
				 bool *cut)
{
	unsigned flags = 0;
	bool known;

	if (!r->active)
		return 0;
	if (charset_lookup(&h->cs, r->charset, r->charset_len, &known) == NULL) {
		flags = header_text(h->run.data ? h->run.data : "", h->run.len, out, cut);
		flags &= HEADER_DEC_BADUTF8;
	} else if (!charset_convert(&h->cs, r->charset, r->charset_len,
				    vbuf_str(&h->run), h->run.len, out, &known)) {
		*cut = true;
	}
	if (!known)
		flags |= HEADER_DEC_CHARSET;
	if (h->run.overflow)
		*cut = true;
	vbuf_reset(&h->run);
	r->active = false;
	return flags;
}

/* header_is_wsp - a span of only spaces and tabs (the unfolded value has no line breaks) */
static bool header_is_wsp(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* header_rfc2047 - decode the encoded words of an unfolded value into out */
static unsigned header_rfc2047(struct header *h, const char *s, size_t len,
			       struct vbuf *out, bool *cut)
{
	struct header_run run = { false, NULL, 0 };
	size_t i = 0, plain = 0, qe = 0;
	unsigned flags = 0;
	struct header_ew ew;

	vbuf_reset(&h->run);
	while (i + 1 < len) {
		const char *eq = memchr(s + i, '=', len - i - 1);

		if (eq == NULL)
			break;
		i = (size_t)(eq - s);
		if (s[i + 1] != '?') {
			i++;
			continue;
		}
		if (!header_ew_parse(s, len, i, &qe, &ew)) {
			flags |= HEADER_DEC_MALFORMED;	/* kept as text */
			i++;
			continue;
		}
		flags |= HEADER_DEC_ENCODED;
		bool adjacent = run.active && header_is_wsp(s + plain, i - plain);
		bool same = adjacent && run.charset_len == ew.charset_len &&
			    strncasecmp(run.charset, ew.charset, ew.charset_len) == 0;

		if (!same) {
			flags |= header_run_flush(h, &run, out, cut);
			if (!adjacent)
				flags |= header_text(s + plain, i - plain, out, cut);
			run.active = true;
			run.charset = ew.charset;
			run.charset_len = ew.charset_len;
		}
		if (!header_ew_bytes(&ew, &h->run))
			flags |= HEADER_DEC_MALFORMED;
		i = plain = ew.end;
	}
	flags |= header_run_flush(h, &run, out, cut);
	flags |= header_text(s + plain, len - plain, out, cut);
	return flags;
}

/*
 * header_clean - neutralise controls in out from start on (white-space ones
 * become a space, others go) and trim white space at both ends.
 */
static unsigned header_clean(struct vbuf *out, size_t start)
{
	char *d = out->data;
	size_t r, w = start, end;
	unsigned flags = 0;

	if (d == NULL)
		return 0;
	for (r = start; r < out->len; r++) {
		unsigned char c = (unsigned char)d[r];

		if (c == 0xc2 && r + 1 < out->len && (unsigned char)d[r + 1] < 0xa0) {
			r++;		/* C1 control (U+0080..U+009F) */
			flags |= HEADER_DEC_CONTROL;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if (c != '\t')
				flags |= HEADER_DEC_CONTROL;
			if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
				d[w++] = ' ';
			continue;
		}
		d[w++] = (char)c;
	}
	end = w;
	while (end > start && d[end - 1] == ' ')
		end--;
	r = start;
	while (r < end && d[r] == ' ')
		r++;
	memmove(d + start, d + r, end - r);
	out->len = start + end - r;
	d[out->len] = '\0';
	return flags;
}

/* header_decode - unfold, decode RFC 2047 words, clean; append UTF-8 to out */
unsigned header_decode(struct header *h, const char *value, size_t len, struct vbuf *out)
{
	size_t start = out->len;
	bool cut = false;
	unsigned flags;

	vbuf_reset(&h->unfold);
	header_unfold(value, len, &h->unfold);
	flags = header_rfc2047(h, vbuf_str(&h->unfold), h->unfold.len, out, &cut);
	if (cut || out->overflow)
		utf8_cut(out, start);
	flags |= header_clean(out, start);
	if (cut || h->unfold.overflow || out->overflow)
		flags |= HEADER_DEC_TRUNCATED;
	return flags;
}
