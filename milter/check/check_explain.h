/*
 * check_explain - vigie-check --explain: a report of one message that an
 * admin can paste into a ticket, built from the very calls the milter makes
 * and the configuration given (--config).
 */
#ifndef VIGIE_CHECK_EXPLAIN_H
#define VIGIE_CHECK_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

struct check_opts;
struct detector;
struct message;

#define EXPLAIN_VALUE_MAX 300		/* bytes of a header value shown */
#define EXPLAIN_AR_MAX 8		/* Authentication-Results fields shown */

struct check_explain;

struct check_explain *check_explain_new(const struct check_opts *o);
void check_explain_header(struct check_explain *x, const char *name, const char *value);
void check_explain_envelope(struct check_explain *x, const char *sender, const char *source);
void check_explain_body(struct check_explain *x, const char *data, size_t len);
void check_explain_report(struct check_explain *x, const struct detector *det,
			  const struct message *m, const char *file, size_t count, FILE *out);
void check_explain_free(struct check_explain *x);

#endif
