/*
 * warning - the banner's templates and their rendering (see warning.h);
 * the facts they are filled with come from warning_facts.c.
 *
 * Touches: the template file named by BannerTemplate (read once, at
 * configuration load). A template that does not parse is a configuration
 * error; a banner that would not fit REWRITE_BANNER_MAX is not made (the
 * caller keeps the body).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "rewrite.h"
#include "utf8.h"
#include "warning.h"
#include "xalloc.h"

static const char *const warning_names[] = {
	"brand", "verdict", "reason", "sender", "lookalike", "real_domain",
};

#define WARNING_NAMES (sizeof(warning_names) / sizeof(warning_names[0]))

/*
 * The built-in templates: French (the default) and English. The HTML sits
 * inside the sender's own page, whose style sheet may try to hide it or
 * paint over it: every element says how it is shown with !important, which
 * an inline style wins over any style sheet; colours come in pairs (text
 * and background) so that a client darkening one still shows the other;
 * a table for the box, which Outlook's renderer draws as browsers do.
 */
#define WS "visibility:visible!important;opacity:1!important;position:static!important;" \
	"transform:none!important;filter:none!important;" \
	"clip-path:none!important;text-indent:0!important;max-height:none!important;" \
	"height:auto!important;max-width:none!important;overflow:visible!important;" \
	"letter-spacing:normal!important;word-spacing:normal!important;" \
	"-webkit-text-fill-color:currentcolor!important;mix-blend-mode:normal!important;" \
	"content-visibility:visible!important;zoom:1!important;"
#define WINK "color:#1a1a1a!important;background-color:#fff4e5!important;"
#define WRED "color:#8a1c12!important;background-color:#fff4e5!important;"
#define WGREEN "color:#14532d!important;background-color:#fff4e5!important;"
#define WTEXT "font-family:Arial,Helvetica,sans-serif!important;font-size:15px!important;" \
	"line-height:1.45!important;font-weight:normal!important;"
#define WMONO "font-family:Consolas,Menlo,monospace!important;font-size:15px!important;"
#define WP(margin) "display:block!important;margin:" margin "!important;padding:0!important;" \
	"width:auto!important;" WS WTEXT
#define WSPAN "display:inline!important;margin:0!important;padding:0!important;" \
	"border:0!important;font-size:inherit!important;line-height:inherit!important;" WS
#define WBOLD "font-weight:bold!important;"

/* warning_html - the HTML template around the lines of one language */
#define WARNING_HTML(lang, title, uses, sender, lookalike, instead, found, act, call) \
	"<div role=\"alert\" lang=\"" lang "\" style=\"display:block!important;margin:0 0 16px 0" \
	"!important;padding:0!important;width:auto!important;" WS "\">\n" \
	"<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"" \
	" border=\"0\" style=\"display:table!important;" WS "width:100%!important;" \
	"margin:0!important;border-collapse:collapse!important;\"><tr style=\"display:table-row!important;" \
	WS "\">\n" \
	"<td bgcolor=\"#fff4e5\" style=\"display:table-cell!important;width:auto!important;" \
	WS WINK WTEXT \
	"border:2px solid #b42318!important;border-left:8px solid #b42318!important;" \
	"padding:12px 16px!important;text-align:left!important;\">\n" \
	"<p style=\"" WP("0 0 8px 0") WRED WBOLD "font-size:17px!important;\">" \
	"\xe2\x9a\xa0 " title "</p>\n" \
	"<p style=\"" WP("0 0 8px 0") WINK "\">" uses "</p>\n" \
	"<p style=\"" WP("0 0 4px 0") WINK "\">" sender "<span style=\"" WSPAN WMONO WINK "\">" \
	"{{sender}}</span></p>\n" \
	"<p style=\"" WP("0 0 8px 0") WINK "\">" lookalike "<span style=\"" WSPAN WMONO WRED "\">" \
	"{{lookalike}}</span>" instead "<span style=\"" WSPAN WMONO WGREEN "\">{{real_domain}}" \
	"</span></p>\n" \
	"<p style=\"" WP("0 0 4px 0") WINK WBOLD "\">" found "</p>\n" \
	"<ul style=\"display:block!important;width:auto!important;margin:0 0 8px 0!important;" \
	"padding:0 0 0 22px" \
	"!important;list-style:disc outside!important;" WS WTEXT WINK "\">\n" \
	"<li style=\"display:list-item!important;width:auto!important;margin:0 0 4px 0" \
	"!important;padding:0!important;" WS WTEXT WINK "\">" \
	"{{reason}}</li>\n" \
	"</ul>\n" \
	"<p style=\"" WP("0 0 4px 0") WINK WBOLD "\">" act "</p>\n" \
	"<p style=\"" WP("0") WINK "\">" call "</p>\n" \
	"</td></tr></table>\n" \
	"</div>\n"

static const struct warning_template warning_fr = {
	"ATTENTION ({{verdict}})\xc2\xa0: v\xc3\xa9rifiez ce message avant d'agir.\n"
	"Il porte le nom {{brand}}, mais rien ne prouve qu'il vienne de cet organisme.\n"
	"Exp\xc3\xa9" "diteur\xc2\xa0: {{sender}}\n"
	"Adresse imit\xc3\xa9" "e\xc2\xa0: {{lookalike}}, au lieu de l'adresse officielle {{real_domain}}\n"
	"\n"
	"Ce qui a \xc3\xa9t\xc3\xa9 relev\xc3\xa9\xc2\xa0:\n"
	"- {{reason}}\n"
	"\n"
	"Ne cliquez sur aucun lien et ne r\xc3\xa9pondez pas en donnant un RIB, un mot de passe"
	" ou un code. En cas de doute, contactez l'organisme par son num\xc3\xa9ro habituel ou"
	" par votre portail habituel, jamais avec les coordonn\xc3\xa9" "es donn\xc3\xa9" "es dans"
	" ce message.\n",

	WARNING_HTML("fr",
		     "ATTENTION ({{verdict}})\xc2\xa0: v\xc3\xa9rifiez ce message avant d'agir.",
		     "Il porte le nom <strong style=\"" WSPAN WBOLD WINK "\">{{brand}}</strong>, mais"
		     " rien ne prouve qu'il vienne de cet organisme.",
		     "Exp\xc3\xa9" "diteur\xc2\xa0: ",
		     "Adresse imit\xc3\xa9" "e\xc2\xa0: ",
		     ", au lieu de l'adresse officielle ",
		     "Ce qui a \xc3\xa9t\xc3\xa9 relev\xc3\xa9\xc2\xa0:",
		     "Ne cliquez sur aucun lien et ne r\xc3\xa9pondez pas en donnant un RIB, un mot"
		     " de passe ou un code.",
		     "En cas de doute, contactez l'organisme par son num\xc3\xa9ro habituel ou par"
		     " votre portail habituel, jamais avec les coordonn\xc3\xa9" "es donn\xc3\xa9" "es"
		     " dans ce message."),
};

static const struct warning_template warning_en = {
	"WARNING ({{verdict}}): check this message before you act on it.\n"
	"It uses the name {{brand}}, but nothing shows that it comes from them.\n"
	"Sender: {{sender}}\n"
	"Look-alike address: {{lookalike}}, instead of the official {{real_domain}}\n"
	"\n"
	"What was found:\n"
	"- {{reason}}\n"
	"\n"
	"Do not click any link, and do not reply with bank details, a password or a code."
	" If in doubt, contact the organisation by its usual phone number or through your usual"
	" portal, never with the details given in this message.\n",

	WARNING_HTML("en",
		     "WARNING ({{verdict}}): check this message before you act on it.",
		     "It uses the name <strong style=\"" WSPAN WBOLD WINK "\">{{brand}}</strong>, but"
		     " nothing shows that it comes from them.",
		     "Sender: ",
		     "Look-alike address: ",
		     ", instead of the official ",
		     "What was found:",
		     "Do not click any link, and do not reply with bank details, a password or a"
		     " code.",
		     "If in doubt, contact the organisation by its usual phone number or through"
		     " your usual portal, never with the details given in this message."),
};

/* warning_builtin - the template vigie uses when BannerTemplate is not set */
const struct warning_template *warning_builtin(enum warning_lang lang)
{
	return lang == WARNING_EN ? &warning_en : &warning_fr;
}

/* warning_lang_name - "fr" or "en" */
const char *warning_lang_name(enum warning_lang lang)
{
	return lang == WARNING_EN ? "en" : "fr";
}

/* warning_name - the placeholder at s ("{{name}}"): its index, and its length in *len; -1 if none */
static int warning_name(const char *s, size_t n, size_t *len)
{
	const char *end;

	if (n < 4 || s[0] != '{' || s[1] != '{')
		return -1;
	end = memchr(s + 2, '}', n - 2 < 32 ? n - 2 : 32);
	if (end == NULL || (size_t)(end - s) + 1 >= n || end[1] != '}')
		return -1;
	*len = (size_t)(end - s) + 2;
	for (size_t i = 0; i < WARNING_NAMES; i++)
		if (strlen(warning_names[i]) == (size_t)(end - s - 2) &&
		    memcmp(s + 2, warning_names[i], (size_t)(end - s - 2)) == 0)
			return (int)i;
	return -2;
}

/* warning_check_section - a section's text is usable: UTF-8, known placeholders, no marker */
static bool warning_check_section(const char *s, size_t n, const char *what, const char *origin,
				  struct vbuf *errors)
{
	static const char *const markers[] = { "vigie:banner", REWRITE_TEXT_END };
	bool ok = true;

	if (utf8_valid_prefix(s, n) != n || memchr(s, '\0', n)) {
		vbuf_printf(errors, "%s: the %s template is not UTF-8 text\n", origin, what);
		return false;
	}
	if (n > WARNING_TEMPLATE_MAX) {
		vbuf_printf(errors, "%s: the %s template is over %d bytes\n", origin, what,
			    WARNING_TEMPLATE_MAX);
		ok = false;
	}
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (n >= strlen(markers[i]) && memmem(s, n, markers[i], strlen(markers[i]))) {
			vbuf_printf(errors, "%s: the %s template holds \"%s\", which vigie writes itself"
				    " around the banner\n", origin, what, markers[i]);
			ok = false;
		}
	for (size_t i = 0; i + 1 < n; i++) {
		size_t len;

		if (s[i] != '{' || s[i + 1] != '{')
			continue;
		if (warning_name(s + i, n - i, &len) == -2) {
			vbuf_printf(errors, "%s: the %s template names an unknown placeholder %.*s\n",
				    origin, what, (int)(len < 40 ? len : 40), s + i);
			ok = false;
		}
	}
	return ok;
}

/*
 * warning_template_parse - a template file's text; NULL with the reasons
 * appended to errors ("origin: message" lines)
 */
struct warning_template *warning_template_parse(const char *text, size_t len,
						const char *origin, struct vbuf *errors)
{
	struct vbuf sec[2] = { VBUF_INIT(WARNING_TEMPLATE_MAX + 1), VBUF_INIT(WARNING_TEMPLATE_MAX + 1) };
	int cur = -1;
	bool ok = true, seen[2] = { false, false };
	struct lines it;
	const char *s;
	size_t n;
	struct warning_template *t = NULL;

	lines_init(&it, text, len, false);
	while (lines_next(&it, &s, &n)) {
		size_t k = n;

		while (k > 0 && (s[k - 1] == '\r' || s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if ((k == 6 && memcmp(s, "[text]", 6) == 0) || (k == 6 && memcmp(s, "[html]", 6) == 0)) {
			cur = s[1] == 't' ? 0 : 1;
			if (seen[cur]) {
				vbuf_printf(errors, "%s: two %.6s sections\n", origin, s);
				ok = false;
			}
			seen[cur] = true;
			continue;
		}
		if (cur < 0) {
			if (k > 0 && s[0] != '#') {
				vbuf_printf(errors, "%s: text before the first [text] or [html] line\n", origin);
				ok = false;
			}
			continue;
		}
		vbuf_add(&sec[cur], s, n > 0 && s[n - 1] == '\r' ? n - 1 : n);
		vbuf_addc(&sec[cur], '\n');
	}
	for (int i = 0; i < 2; i++) {
		if (!seen[i]) {
			vbuf_printf(errors, "%s: no [%s] section\n", origin, i ? "html" : "text");
			ok = false;
		} else {
			ok &= warning_check_section(vbuf_str(&sec[i]), sec[i].len,
						    i ? "html" : "text", origin, errors);
		}
	}
	if (ok) {
		t = xcalloc(1, sizeof(*t));
		t->text = xstrdup(vbuf_str(&sec[0]));
		t->html = xstrdup(vbuf_str(&sec[1]));
	}
	vbuf_free(&sec[0]);
	vbuf_free(&sec[1]);
	return t;
}

/* warning_template_load - a template file; NULL with the reasons appended to errors */
struct warning_template *warning_template_load(const char *path, struct vbuf *errors)
{
	struct vbuf b = VBUF_INIT(WARNING_FILE_MAX);
	enum vbuf_read st = vbuf_read_file(&b, path);
	struct warning_template *t = NULL;

	if (st == VBUF_READ_OK)
		t = warning_template_parse(vbuf_str(&b), b.len, path, errors);
	else
		vbuf_printf(errors, "%s: %s\n", path, st == VBUF_READ_BIG ? "larger than 64 KiB" :
			    "cannot be read");
	vbuf_free(&b);
	return t;
}

/* warning_template_free - release a parsed template; NULL is fine */
void warning_template_free(struct warning_template *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->html);
	free(t);
}

/* warning_value - a placeholder's value for this line (r: the reason of the line, or -1) */
static const char *warning_value(const struct warning_facts *f, int name, int r)
{
	switch (name) {
	case 0: return f->brand;
	case 1: return f->verdict;
	case 2: return r >= 0 ? f->reason[r] : "";
	case 3: return f->sender;
	case 4: return f->lookalike;
	default: return f->real_domain;
	}
}

/* warning_escape - a value in HTML text or an attribute */
static void warning_escape(const char *v, struct vbuf *out)
{
	while (*v) {
		size_t run = strcspn(v, "&<>\"'");

		vbuf_add(out, v, run);
		v += run;
		switch (*v) {
		case '&': vbuf_adds(out, "&amp;"); break;
		case '<': vbuf_adds(out, "&lt;"); break;
		case '>': vbuf_adds(out, "&gt;"); break;
		case '"': vbuf_adds(out, "&quot;"); break;
		case '\'': vbuf_adds(out, "&#39;"); break;
		default: return;
		}
		v++;
	}
}

/* warning_line - one template line filled in; false when a value it needs is empty */
static bool warning_line(const char *s, size_t n, const struct warning_facts *f, int r, bool html,
			 struct vbuf *out)
{
	vbuf_reset(out);
	for (size_t i = 0; i < n; ) {
		const char *brace = memchr(s + i, '{', n - i);
		size_t run = brace ? (size_t)(brace - (s + i)) : n - i, len;
		int name;
		const char *v;

		vbuf_add(out, s + i, run);
		i += run;
		if (i == n)
			break;
		if ((name = warning_name(s + i, n - i, &len)) < 0) {
			vbuf_addc(out, s[i++]);
			continue;
		}
		v = warning_value(f, name, r);
		if (v[0] == '\0')
			return false;
		if (html)
			warning_escape(v, out);
		else
			vbuf_adds(out, v);
		i += len;
	}
	return true;
}

/* warning_cps - code points in s[0..n) */
static size_t warning_cps(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/*
 * warning_wrap - a line of text wrapped at WARNING_WIDTH columns (code
 * points), at spaces; "- " items hang
 */
static void warning_wrap(const char *s, size_t n, struct vbuf *out)
{
	size_t indent = n >= 2 && s[0] == '-' && s[1] == ' ' ? 2 : 0, col = 0, i = 0;

	while (i < n) {
		size_t start, w;

		while (i < n && s[i] == ' ' && col > 0)
			i++;
		start = i;
		while (i < n && (s[i] != ' ' || i == start))
			i++;
		w = warning_cps(s + start, i - start);
		if (col > 0 && col + 1 + w > WARNING_WIDTH) {
			vbuf_addc(out, '\n');
			for (size_t k = 0; k < indent; k++)
				vbuf_addc(out, ' ');
			col = indent;
		} else if (col > 0) {
			vbuf_addc(out, ' ');
			col++;
		}
		vbuf_add(out, s + start, i - start);
		col += w;
	}
	vbuf_addc(out, '\n');
}

/*
 * warning_wrap_html - a line of HTML, which warning_ascii made ASCII (a
 * byte is a column), wrapped at WARNING_WIDTH: cut at the last space within
 * the width, else at the first after it. A line break is a space there, in
 * text and inside the style attributes alike; short lines keep the banner
 * far from the 998-octet limit of a message.
 */
static void warning_wrap_html(const char *s, size_t n, struct vbuf *out)
{
	while (n > WARNING_WIDTH) {
		size_t q = WARNING_WIDTH;
		const char *sp;

		while (q > 0 && s[q] != ' ')
			q--;
		if (q == 0) {
			sp = memchr(s + WARNING_WIDTH, ' ', n - WARNING_WIDTH);
			if (sp == NULL)
				break;
			q = (size_t)(sp - s);
		}
		vbuf_add(out, s, q);
		vbuf_addc(out, '\n');
		s += q + 1;
		n -= q + 1;
	}
	vbuf_add(out, s, n);
	vbuf_addc(out, '\n');
}

/* warning_ascii - UTF-8 HTML written in ASCII: every other character as &#N; */
static void warning_ascii(const char *s, size_t n, struct vbuf *out)
{
	for (size_t i = 0; i < n; ) {
		size_t run = 0;
		uint32_t cp;
		size_t used;

		while (i + run < n && (unsigned char)s[i + run] < 0x80)
			run++;
		vbuf_add(out, s + i, run);
		i += run;
		if (i == n)
			break;
		used = utf8_decode(s + i, n - i, &cp);
		vbuf_printf(out, "&#%u;", cp == UTF8_INVALID ? 0xFFFDu : (unsigned)cp);
		i += used ? used : 1;
	}
}

/* warning_fill - a template section with the facts: lines filled, or left out */
static void warning_fill(const char *tpl, const struct warning_facts *f, bool html,
			 struct vbuf *out)
{
	struct vbuf line = VBUF_INIT(WARNING_TEMPLATE_MAX * 4), ascii = VBUF_INIT(WARNING_TEMPLATE_MAX * 8);

	for (const char *s = tpl; *s; ) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		bool each = memmem(s, n, "{{reason}}", 10) != NULL;

		for (int r = each ? 0 : -1; r < (each ? (int)f->nreasons : 0); r++) {
			if (!warning_line(s, n, f, r, html, &line))
				continue;
			if (line.len == 0) {
				vbuf_addc(out, '\n');
			} else if (html) {
				vbuf_reset(&ascii);
				warning_ascii(line.data, line.len, &ascii);
				warning_wrap_html(ascii.data, ascii.len, out);
			} else {
				warning_wrap(line.data, line.len, out);
			}
		}
		s += n + (nl != NULL);
	}
	vbuf_free(&line);
	vbuf_free(&ascii);
}

/*
 * warning_render - the banner in both forms, framed by the markers of
 * rewrite.h; false when either would be over REWRITE_BANNER_MAX
 */
bool warning_render(const struct warning_template *t, const struct warning_facts *f,
		    struct vbuf *text, struct vbuf *html)
{
	struct vbuf body = VBUF_INIT(REWRITE_BANNER_MAX + 1);
	bool ok;

	vbuf_reset(text);
	vbuf_reset(html);
	vbuf_adds(text, REWRITE_TEXT_BEGIN "\n");
	warning_fill(t->text, f, false, &body);
	/* no empty line just inside the frame */
	while (body.len > 0 && body.data[body.len - 1] == '\n' &&
	       (body.len == 1 || body.data[body.len - 2] == '\n'))
		vbuf_truncate(&body, body.len - 1);
	vbuf_add(text, body.data ? body.data + strspn(body.data, "\n") : "",
		 body.data ? body.len - strspn(body.data, "\n") : 0);
	vbuf_adds(text, REWRITE_TEXT_END "\n\n");
	ok = !body.overflow;
	vbuf_reset(&body);
	warning_fill(t->html, f, true, &body);
	vbuf_adds(html, "\n" REWRITE_HTML_BEGIN "\n");
	vbuf_add(html, vbuf_str(&body), body.len);
	vbuf_adds(html, REWRITE_HTML_END "\n");
	ok &= !body.overflow && text->len <= REWRITE_BANNER_MAX && html->len <= REWRITE_BANNER_MAX &&
	      !text->overflow && !html->overflow;
	vbuf_free(&body);
	return ok;
}
