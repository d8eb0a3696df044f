/*
 * invariant - what the parsers promise, checked by the fuzz targets: a
 * broken promise aborts, and the fuzzer reports it with its input.
 */
#ifndef VIGIE_TEST_INVARIANT_H
#define VIGIE_TEST_INVARIANT_H

#include <stdio.h>
#include <stdlib.h>

#include "utf8.h"

#define invariant(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* invariant_utf8 - s[0..n) is well-formed UTF-8 */
#define invariant_utf8(s, n) invariant(utf8_valid_prefix((s), (n)) == (n))

#endif
