/*
 * dnsname - whether a name can be looked up: labels of letters, digits,
 * hyphens and underscores (DKIM's "_domainkey", DMARC's "_dmarc"), none
 * empty, none over 63 octets, at most 253 in all, no trailing dot.
 *
 * Touches: nothing but its arguments.
 */
#include <config.h>

#include <ctype.h>

#include "dnsname.h"

/* dnsname_ok - name[0..len) is a name vigie may look up */
bool dnsname_ok(const char *name, size_t len)
{
	size_t label = 0;

	if (len == 0 || len > DNSNAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > DNSNAME_LABEL_MAX)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}
