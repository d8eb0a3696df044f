/*
 * align - DMARC identifier alignment (RFC 7489 section 3.1) of a DKIM signing
 * domain (d=) with the RFC 5322 From domain.
 *
 * Both names are ASCII (A-labels), any case, an optional trailing dot.
 * Strict: the same name. Relaxed: the same organisational domain, i.e. the
 * same registrable domain by the public suffix list (private section
 * included, so two github.io sites are not aligned).
 */
#ifndef VIGIE_ALIGN_H
#define VIGIE_ALIGN_H

#include <libpsl.h>
#include <stdbool.h>

enum align_mode {
	ALIGN_RELAXED,
	ALIGN_STRICT
};

bool align_check(const psl_ctx_t *psl, const char *signer, const char *from,
		 enum align_mode mode);
const char *align_mode_name(enum align_mode mode);

#endif
