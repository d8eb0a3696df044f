/*
 * html - a streaming HTML tokenizer for mail bodies, after the HTML5
 * tokenizer: tags with their attributes (any quoting, any case), character
 * references in text and attribute values, comments, and raw text. It is fed
 * UTF-8 in chunks cut anywhere (a tag, an entity, a comment may span chunks)
 * and reports tags and visible text to a sink.
 *
 * Visible text excludes tags, comments, <script>, <style> and <title>.
 * Outlook's conditional comments (<!--[if mso]> ... <![endif]-->) hold markup
 * Outlook shows, so their content is read as markup, not as a comment.
 * Attributes are collected only for tags the sink wants (want() is asked
 * once per tag): at most HTML_ATTRS_MAX per tag, values cut at
 * HTML_VALUE_MAX bytes. Names are lowercased and cut at HTML_NAME_MAX.
 * One pass; memory is fixed per tokenizer.
 */
#ifndef VIGIE_HTML_H
#define VIGIE_HTML_H

#include <stdbool.h>
#include <stddef.h>

#define HTML_ATTRS_MAX 16
#define HTML_NAME_MAX 32
#define HTML_VALUE_MAX 4096
#define HTML_TEXT_CHUNK 4096	/* visible text is handed over in pieces of about this size */

struct html_attr {
	const char *name;
	const char *value;	/* entities decoded; "" when the attribute had no value */
	size_t value_len;
};

struct html_sink {
	bool (*want)(void *arg, const char *tag, bool end);
	void (*tag)(void *arg, const char *tag, bool end, const struct html_attr *attrs, size_t n);
	void (*text)(void *arg, const char *utf8, size_t len);
	void *arg;
};

struct html;

struct html *html_new(const struct html_sink *sink);
void html_reset(struct html *h);
void html_feed(struct html *h, const char *s, size_t len);
void html_end(struct html *h);
void html_free(struct html *h);
const struct html_attr *html_attr(const struct html_attr *attrs, size_t n, const char *name);

#endif
