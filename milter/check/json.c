/*
 * json - JSON text for vigie-check --json (one object per line).
 *
 * Touches: the buffer it is given. Strings may hold any bytes: valid UTF-8
 * is copied (U+2028 and U+2029 escaped for JavaScript readers), each
 * ill-formed sequence becomes U+FFFD, controls are escaped. Nesting deeper
 * than JSON_DEPTH_MAX is a programming error and is cut, never overrun.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

/* json_init - a writer appending to out */
void json_init(struct json *j, struct vbuf *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* json_sep - a comma between values of an object or array */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		vbuf_addc(j->out, ',');
	j->first[j->depth] = false;
}

/* json_open - begin an object or array */
static void json_open(struct json *j, char c)
{
	json_sep(j);
	vbuf_addc(j->out, c);
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->depth++;
	j->first[j->depth] = true;
}

/* json_close - end an object or array */
static void json_close(struct json *j, char c)
{
	vbuf_addc(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

/* json_object_begin - { */
void json_object_begin(struct json *j)
{
	json_open(j, '{');
}

/* json_object_end - } */
void json_object_end(struct json *j)
{
	json_close(j, '}');
}

/* json_array_begin - [ */
void json_array_begin(struct json *j)
{
	json_open(j, '[');
}

/* json_array_end - ] */
void json_array_end(struct json *j)
{
	json_close(j, ']');
}

/* json_escape - s[0..len) as the inside of a JSON string */
void json_escape(struct vbuf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t start = i;
		uint32_t c = utf8_next(s, len, &i);
		char esc[8];

		if (c == UTF8_INVALID) {
			/* one U+FFFD per byte that starts no character (utf8.h's rule) */
			vbuf_adds(out, "\\ufffd");
			continue;
		}
		switch (c) {
		case '"': vbuf_adds(out, "\\\""); continue;
		case '\\': vbuf_adds(out, "\\\\"); continue;
		case '\n': vbuf_adds(out, "\\n"); continue;
		case '\r': vbuf_adds(out, "\\r"); continue;
		case '\t': vbuf_adds(out, "\\t"); continue;
		case '\b': vbuf_adds(out, "\\b"); continue;
		case '\f': vbuf_adds(out, "\\f"); continue;
		}
		if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)c & 0xffff);
			vbuf_adds(out, esc);
			continue;
		}
		vbuf_add(out, s + start, (size_t)(i - start));
	}
}

/* json_key - a member name; its value follows */
void json_key(struct json *j, const char *key)
{
	json_sep(j);
	vbuf_addc(j->out, '"');
	json_escape(j->out, key, strlen(key));
	vbuf_adds(j->out, "\":");
	j->after_key = true;
}

/* json_string - a string value from any bytes */
void json_string(struct json *j, const char *s, size_t len)
{
	json_sep(j);
	vbuf_addc(j->out, '"');
	json_escape(j->out, s, len);
	vbuf_addc(j->out, '"');
}

/* json_cstring - a string value, or null for NULL */
void json_cstring(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_string(j, s, strlen(s));
}

/* json_int - an integer value */
void json_int(struct json *j, long long v)
{
	json_sep(j);
	vbuf_printf(j->out, "%lld", v);
}

/* json_bool - true or false */
void json_bool(struct json *j, bool v)
{
	json_sep(j);
	vbuf_adds(j->out, v ? "true" : "false");
}

/* json_null - null */
void json_null(struct json *j)
{
	json_sep(j);
	vbuf_adds(j->out, "null");
}
