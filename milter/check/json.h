/*
 * json - a small JSON writer into a capped buffer: objects, arrays, strings
 * escaped correctly for any bytes (invalid UTF-8 becomes U+FFFD, controls
 * \u00XX), numbers, booleans and null. Commas are placed by the writer.
 */
#ifndef VIGIE_JSON_H
#define VIGIE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "vbuf.h"

#define JSON_DEPTH_MAX 16

struct json {
	struct vbuf *out;
	int depth;
	bool first[JSON_DEPTH_MAX];	/* nothing written yet at this level */
	bool after_key;			/* a key was written, its value comes next */
};

void json_init(struct json *j, struct vbuf *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s, size_t len);
void json_cstring(struct json *j, const char *s);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_escape(struct vbuf *out, const char *s, size_t len);

#endif
