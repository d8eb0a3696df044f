/*
 * dnsname - the syntax of a DNS name as vigie writes and looks it up: one
 * rule for the 253-octet limit, the 63-octet label and the characters
 * allowed, so that every module agrees on what a name is.
 */
#ifndef VIGIE_DNSNAME_H
#define VIGIE_DNSNAME_H

#include <stdbool.h>
#include <stddef.h>

#define DNSNAME_MAX 253			/* octets of a name, no trailing dot (RFC 1035) */
#define DNSNAME_LABEL_MAX 63		/* octets of one label */

bool dnsname_ok(const char *name, size_t len);

#endif
