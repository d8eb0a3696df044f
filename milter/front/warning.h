/*
 * warning - what a reader of a flagged message is told, in the banner put
 * at the top of its text (rewrite.h puts it there): the platform imitated,
 * the look-alike beside the real address, one plain sentence per reason,
 * and what to do. French by default (BannerLanguage), from templates an
 * admin can replace (BannerTemplate).
 *
 * A template file holds two sections, each opened by a line "[text]" or
 * "[html]"; lines before the first section that start with '#' are
 * comments. Placeholders, written {{name}}: brand (the platform's name),
 * verdict (in words), reason (one sentence: a line holding it is written
 * once per reason), sender (the From address, Unicode and punycode when
 * they differ), lookalike (the look-alike domain, the same way),
 * real_domain (the platform's real domain). A line holding a placeholder
 * with no value for this message is left out. The text is wrapped at 76
 * columns (a line starting with "- " keeps its indent); the HTML is written
 * in ASCII, values escaped. Every value that comes from the message is
 * cleaned (control, invisible and direction-changing characters shown as
 * '?') and cut to WARNING_VALUE_MAX bytes.
 */
#ifndef VIGIE_WARNING_H
#define VIGIE_WARNING_H

#include <stdbool.h>
#include <stddef.h>

#include "vbuf.h"

struct message;

#define WARNING_TEMPLATE_MAX 16384	/* bytes of each section of a template */
#define WARNING_FILE_MAX 65536		/* bytes of a template file */
#define WARNING_VALUE_MAX 200		/* bytes of one value taken from the message */
#define WARNING_SENTENCE_MAX 1024	/* bytes of one reason sentence */
#define WARNING_REASONS_MAX 5		/* sentences in a banner */
#define WARNING_WIDTH 76		/* columns of the text banner */

enum warning_lang {
	WARNING_FR,
	WARNING_EN
};

struct warning_template {
	char *text;			/* UTF-8 */
	char *html;			/* UTF-8; written out as ASCII */
};

/* What the banner says about one message, in one language. */
struct warning_facts {
	char verdict[64];
	char brand[WARNING_VALUE_MAX + 1];
	char sender[3 * WARNING_VALUE_MAX];
	char lookalike[3 * WARNING_VALUE_MAX];
	char real_domain[WARNING_VALUE_MAX + 1];
	char reason[WARNING_REASONS_MAX][WARNING_SENTENCE_MAX];
	size_t nreasons;
};

const struct warning_template *warning_builtin(enum warning_lang lang);
struct warning_template *warning_template_parse(const char *text, size_t len,
						const char *origin, struct vbuf *errors);
struct warning_template *warning_template_load(const char *path, struct vbuf *errors);
void warning_template_free(struct warning_template *t);
const char *warning_lang_name(enum warning_lang lang);

void warning_facts(struct warning_facts *f, enum warning_lang lang, const struct message *m);
bool warning_render(const struct warning_template *t, const struct warning_facts *f,
		    struct vbuf *text, struct vbuf *html);
void warning_clean(const char *s, size_t len, char *out, size_t outlen);

#endif
