/*
 * macroset - the Sendmail macros an MTA hands a milter at each stage.
 *
 * A set maps macro names to values known at one moment of a transaction;
 * a list (a stage's default, or one the milter asked for with
 * SMFIR_SETSYMLIST) says which names to send. Names match with or without
 * braces; a listed macro with no value is not sent, as in Postfix.
 */
#ifndef VIGIE_BENCH_MACROSET_H
#define VIGIE_BENCH_MACROSET_H

#include "milterio.h"

/* stages in SMFIM_* order, as numbered in SETSYMLIST */
enum macroset_stage {
	MACROSET_CONNECT, MACROSET_HELO, MACROSET_MAIL, MACROSET_RCPT,
	MACROSET_DATA, MACROSET_EOM, MACROSET_EOH, MACROSET_STAGES
};

#define MACROSET_MAX 32

struct macroset {
	size_t n;
	const char *name[MACROSET_MAX];		/* without braces */
	const char *value[MACROSET_MAX];	/* borrowed: must outlive the set */
};

void macroset_init(struct macroset *m);
void macroset_put(struct macroset *m, const char *name, const char *value);
const char *macroset_get(const struct macroset *m, const char *name, size_t len);
const char *macroset_default_list(enum macroset_stage stage);
void macroset_send(const struct macroset *m, const char *list, char cmd, struct milterio *io);

#endif
