/*
 * hostlist - a set of IPv4 and IPv6 networks (InternalHosts, PeerList) and
 * the question "is this client address in it?".
 *
 * Entries are addresses or CIDR networks, given inline (commas or blanks
 * between them, an optional "csl:" prefix) or one or more per line in a
 * "file:" dataset with # comments. Host names are refused: a milter must
 * not resolve names to decide what to skip.
 */
#ifndef VIGIE_HOSTLIST_H
#define VIGIE_HOSTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vbuf.h"


#define HOSTLIST_MAX 100000		/* entries, over all datasets */
#define HOSTLIST_FILE_MAX (16u << 20)	/* bytes of one file: dataset */

struct hostlist_net {
	uint8_t addr[16];		/* network bytes, host bits cleared */
	uint8_t len;			/* 4 or 16 */
	uint8_t prefix;			/* 0..32 or 0..128 */
	bool neg;			/* "!": an exclusion */
};

struct hostlist {
	struct hostlist_net *net;
	size_t count;
	size_t alloc;
};

struct hostlist *hostlist_new(void);
void hostlist_free(struct hostlist *hl);
bool hostlist_add(struct hostlist *hl, const char *entry, struct vbuf *why);
int hostlist_parse(struct hostlist *hl, const char *value, const char *basedir,
		   const char *what, const char *origin, unsigned line,
		   struct vbuf *errors);
bool hostlist_match(const struct hostlist *hl, const uint8_t *addr, size_t len);
bool hostlist_match_text(const struct hostlist *hl, const char *addr);
void hostlist_format(const struct hostlist *hl, struct vbuf *out);

#endif
