/*
 * reply - the text of the SMTP reply to a rejected message (RejectReply).
 *
 * Touches: nothing. SMTP replies are ASCII (RFC 5321), so the French text
 * of the config loses its accents on the wire (refusé -> refuse) and any
 * other non-ASCII character becomes '?'. libmilter reads '%' in a reply as
 * a format character, so a literal '%' goes out doubled.
 */
#include <string.h>

#include "reply.h"

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
 * reply_text - the reply text from the template: %b becomes the brand
 * name (or "tiers payant" when the verdict named none), %% a percent sign.
 * The result is capped at REPLY_MAX bytes.
 */
void reply_text(const char *tmpl, const char *brand, struct vbuf *out)
{
	const char *p = tmpl;

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
}
