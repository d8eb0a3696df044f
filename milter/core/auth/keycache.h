/*
 * keycache - DKIM public keys decoded once, not once per signature.
 *
 * libopendkim decodes every RSA key record it verifies with OpenSSL's
 * d2i_PUBKEY_bio, which in OpenSSL 3.0 costs about 110 us here: four times
 * the RSA-2048 verification itself. keycache defines d2i_PUBKEY_bio, which
 * the dynamic linker binds libopendkim to; while a thread is inside
 * keycache_enter()/keycache_leave() the key comes from that thread's cache,
 * keyed by the exact DER bytes, so a rotated or different key is a different
 * entry. Outside, or for anything but a memory BIO, OpenSSL's own function
 * does the work unchanged.
 */
#ifndef VIGIE_KEYCACHE_H
#define VIGIE_KEYCACHE_H

#include <stddef.h>

#define KEYCACHE_ENTRIES 256		/* decoded keys kept */
#define KEYCACHE_DER_MAX 2048		/* bytes of one key kept (RSA-8192 fits) */

struct keycache_stats {
	unsigned long hits, misses, evictions;
};

struct keycache *keycache_new(void);
void keycache_free(struct keycache *kc);
void keycache_enter(struct keycache *kc);
void keycache_leave(void);
void keycache_stats(struct keycache *kc, struct keycache_stats *st);

#endif
