/*
 * confvalue - the typed values of vigie.conf: each parser takes the text
 * after the option name and either fills its result or says, in why, what
 * is wrong in words an admin can act on.
 */
#ifndef VIGIE_CONFVALUE_H
#define VIGIE_CONFVALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "vbuf.h"

#define CONF_ERRORS_MAX 65536		/* bytes of error text kept (whole lines) */

bool confvalue_bool(const char *v, bool *out, struct vbuf *why);
bool confvalue_uint(const char *v, unsigned min, unsigned max, unsigned *out,
		    struct vbuf *why);
bool confvalue_octal(const char *v, unsigned max, unsigned *out, struct vbuf *why);
bool confvalue_size(const char *v, size_t max, size_t *out, struct vbuf *why);
bool confvalue_keyword(const char *v, const char *const *names, int *out,
		       struct vbuf *why);
bool confvalue_facility(const char *v, int *out, struct vbuf *why);
bool confvalue_socket(const char *v, struct vbuf *why);
bool confvalue_user(const char *v, struct vbuf *why);
bool confvalue_token(const char *v, struct vbuf *why);
char **confvalue_tokens(const char *v, struct vbuf *why);
bool confvalue_nameservers(const char *v, struct vbuf *why);
bool confvalue_reply(const char *v, size_t max, struct vbuf *why);
bool confvalue_text(const char *v, size_t max, struct vbuf *why);
char *confvalue_path(const char *v, const char *basedir);
void confvalue_strv_free(char **v);
void confvalue_error(struct vbuf *errors, const char *origin, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
