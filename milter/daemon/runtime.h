/*
 * runtime - what a message is checked with: a configuration and the
 * detector built from it, as one reference-counted unit.
 *
 * The daemon has one current runtime. A reload builds a new one and swaps
 * it in; each message holds a reference to the runtime it started with, so
 * messages in flight finish on their old configuration and the old detector
 * is freed when the last of them is done.
 */
#ifndef VIGIE_RUNTIME_H
#define VIGIE_RUNTIME_H

#include "vbuf.h"

struct conf;
struct detector;

struct runtime {
	struct conf *conf;
	struct detector *det;
	unsigned long generation;	/* 1 at start-up, +1 per reload */
	unsigned refs;			/* under the runtime lock */
};

struct runtime *runtime_build(struct conf *conf, struct vbuf *errors);
void runtime_install(struct runtime *rt);
struct runtime *runtime_acquire(void);
void runtime_release(struct runtime *rt);
void runtime_shutdown(void);

#endif
