/*
 * dkimsig - one libopendkim signature turned into a struct dkimcheck_sig:
 * its RFC 8601 result, a short reason, and its tags made safe to show.
 * Internal to dkimcheck.
 */
#ifndef VIGIE_DKIMSIG_H
#define VIGIE_DKIMSIG_H

#include <opendkim/dkim.h>

#include "dkimcheck.h"

void dkimsig_fill(DKIM_SIGINFO *sig, const char *lookup_reason, struct dkimcheck_sig *out);
void dkimsig_copy(char *dst, size_t size, const char *src, bool lower);
long long dkimsig_length(const char *l);

#endif
