/*
 * reply - the text of the SMTP reply to a rejected message (RejectReply).
 *
 * Touches: ICU's transliterator data. SMTP replies are ASCII (RFC 5321), so
 * the French text of the config is transliterated by ICU's Latin-ASCII
 * rules (refusé -> refuse, Œ -> OE, ’ -> ', « -> <<, … -> ..., no-break
 * spaces -> spaces); whatever is still not ASCII becomes '?'. libmilter
 * reads '%' in a reply as a format character, so a literal '%' goes out
 * doubled. Compiling the rules takes ICU about 20 ms the first time in a
 * process: the daemon calls reply_text once when it loads a configuration.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "reply.h"
#include "xalloc.h"

#define REPLY_UCHARS (4 * REPLY_MAX)	/* UTF-16 units transliterated at most */

/* the ASCII letter under the Latin-1 letters U+00C0..U+00FF ('?': none) */
static const char reply_latin1[64] =
	"AAAAAAACEEEEIIII" "DNOOOOO?OUUUUY?s"
	"aaaaaaaceeeeiiii" "dnooooo?ouuuuy?y";

/* reply_char - one ASCII character for the UTF-8 sequence at s (n bytes left) */
static char reply_char(const unsigned char *s, size_t n, size_t *adv)
{
	unsigned cp;

	*adv = 1;
	if (s[0] < 0x80)
		return (s[0] < 32 || s[0] == 127) ? ' ' : (char)s[0];
	while (*adv < n && *adv < 4 && (s[*adv] & 0xc0) == 0x80)
		(*adv)++;
	if (*adv != 2 || (s[0] & 0xe0) != 0xc0)
		return '?';
	cp = ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	if (cp >= 0xc0 && cp <= 0xff)
		return reply_latin1[cp - 0xc0];
	if (cp == 0x152 || cp == 0x153)	/* Œ œ: one letter is enough */
		return cp == 0x152 ? 'O' : 'o';
	return '?';
}

/* reply_ascii - append n bytes of s as ASCII, '%' doubled for libmilter */
static void reply_ascii(struct vbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	while (n > 0) {
		size_t adv;
		char c = reply_char(p, n, &adv);

		if (c == '%')
			vbuf_adds(out, "%%");
		else
			vbuf_addc(out, c);
		p += adv;
		n -= adv;
	}
}

/*
 * reply_translit - the template through ICU's Latin-ASCII rules, as UTF-8
 * (NULL if ICU fails: the per-character fallback above still applies)
 */
static char *reply_translit(const char *tmpl)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar *u = xmalloc(REPLY_UCHARS * sizeof(UChar));
	int32_t len = 0, limit;
	UTransliterator *t;
	UParseError pe;
	char *out = NULL;

	u_strFromUTF8Lenient(u, REPLY_UCHARS / 2, &len, tmpl, -1, &st);
	/* Latin-ASCII, then every kind of space (U+202F before ':' in French) */
	t = utrans_openU(u"vigie-reply", -1, UTRANS_FORWARD,
			 u":: Latin-ASCII; [[:Zs:]] > ' ';", -1, &pe, &st);
	if (U_SUCCESS(st)) {
		limit = len;
		/* room to grow: one character may become a few ("…" -> "...") */
		utrans_transUChars(t, u, &len, REPLY_UCHARS, 0, &limit, &st);
	}
	if (t != NULL)
		utrans_close(t);
	if (U_SUCCESS(st)) {
		int32_t n = 0;

		out = xmalloc(4 * REPLY_UCHARS + 1);
		u_strToUTF8(out, 4 * REPLY_UCHARS, &n, u, len, &st);
		if (U_FAILURE(st)) {
			free(out);
			out = NULL;
		} else {
			out[n] = '\0';
		}
	}
	free(u);
	return out;
}

/*
 * reply_text - the reply text from the template: %b becomes the brand
 * name (or "tiers payant" when the verdict named none), %% a percent sign.
 * The result is capped at REPLY_MAX bytes.
 */
void reply_text(const char *tmpl, const char *brand, struct vbuf *out)
{
	char *ascii = strlen(tmpl) < REPLY_UCHARS / 4 ? reply_translit(tmpl) : NULL;
	const char *p = ascii ? ascii : tmpl;

	vbuf_init(out, REPLY_MAX);
	while (*p) {
		const char *pct = strchr(p, '%');
		size_t n = pct ? (size_t)(pct - p) : strlen(p);

		reply_ascii(out, p, n);
		if (pct == NULL)
			break;
		if (pct[1] == 'b') {
			const char *b = brand && *brand ? brand : "tiers payant";

			reply_ascii(out, b, strlen(b));
		} else {
			vbuf_adds(out, "%%");
		}
		p = pct + (pct[1] ? 2 : 1);
	}
	/* never end on half of a doubled '%' */
	if (out->overflow && out->len > 0 && out->data[out->len - 1] == '%') {
		size_t run = 0;

		while (run < out->len && out->data[out->len - 1 - run] == '%')
			run++;
		if (run % 2)
			vbuf_truncate(out, out->len - 1);
	}
	free(ascii);
}
