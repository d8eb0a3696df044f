/*
 * keycache - DKIM public keys decoded once, not once per signature.
 *
 * Touches: the heap; OpenSSL's own d2i_PUBKEY_bio (found with dlsym) for
 * every key it has not seen. The cache belongs to one dkimcheck library and
 * is shared by its threads under a read-write lock; the only other state is
 * a thread-local pointer to the cache the current thread is verifying with.
 * A failure to decode is not cached: OpenSSL's answer is returned as is.
 */
#include <config.h>

#include <dlfcn.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "keycache.h"
#include "xalloc.h"

struct keycache_entry {
	uint64_t hash;
	size_t len;			/* 0: free */
	unsigned char der[KEYCACHE_DER_MAX];
	EVP_PKEY *key;
};

struct keycache {
	pthread_rwlock_t lock;
	size_t next;			/* the entry replaced next when full */
	unsigned long hits, misses, evictions;	/* atomic */
	struct keycache_entry entry[KEYCACHE_ENTRIES];
};

typedef EVP_PKEY *(*keycache_d2i_fn)(BIO *, EVP_PKEY **);

static __thread struct keycache *keycache_current;

/* keycache_new - an empty cache */
struct keycache *keycache_new(void)
{
	struct keycache *kc = xcalloc(1, sizeof(*kc));

	pthread_rwlock_init(&kc->lock, NULL);
	return kc;
}

/* keycache_free - release the cache and every key it holds */
void keycache_free(struct keycache *kc)
{
	if (kc == NULL)
		return;
	for (size_t i = 0; i < KEYCACHE_ENTRIES; i++)
		EVP_PKEY_free(kc->entry[i].key);
	pthread_rwlock_destroy(&kc->lock);
	free(kc);
}

/* keycache_enter - this thread's key decoding goes through kc until leave */
void keycache_enter(struct keycache *kc)
{
	keycache_current = kc;
}

/* keycache_leave - back to OpenSSL's own decoding */
void keycache_leave(void)
{
	keycache_current = NULL;
}

/* keycache_stats - counters, for tests and benchmarks */
void keycache_stats(struct keycache *kc, struct keycache_stats *st)
{
	st->hits = __atomic_load_n(&kc->hits, __ATOMIC_RELAXED);
	st->misses = __atomic_load_n(&kc->misses, __ATOMIC_RELAXED);
	st->evictions = __atomic_load_n(&kc->evictions, __ATOMIC_RELAXED);
}

/* keycache_count - add one to a counter */
static void keycache_count(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* keycache_hash - FNV-1a of the DER bytes */
static uint64_t keycache_hash(const unsigned char *p, size_t len)
{
	return hash_fnv1a(HASH_FNV_OFFSET, p, len);
}

/* keycache_find - a new reference to the cached key for der, or NULL */
static EVP_PKEY *keycache_find(struct keycache *kc, uint64_t h, const unsigned char *der,
			       size_t len)
{
	EVP_PKEY *key = NULL;

	pthread_rwlock_rdlock(&kc->lock);
	for (size_t i = 0; i < KEYCACHE_ENTRIES; i++) {
		struct keycache_entry *e = &kc->entry[i];

		if (e->len == len && e->hash == h && memcmp(e->der, der, len) == 0) {
			if (EVP_PKEY_up_ref(e->key))
				key = e->key;
			break;
		}
	}
	pthread_rwlock_unlock(&kc->lock);
	return key;
}

/* keycache_store - keep a reference to key under der, replacing the oldest entry */
static void keycache_store(struct keycache *kc, uint64_t h, const unsigned char *der,
			   size_t len, EVP_PKEY *key)
{
	struct keycache_entry *e;

	if (!EVP_PKEY_up_ref(key))
		return;
	pthread_rwlock_wrlock(&kc->lock);
	e = &kc->entry[kc->next];
	kc->next = (kc->next + 1) % KEYCACHE_ENTRIES;
	if (e->key != NULL) {
		EVP_PKEY_free(e->key);
		keycache_count(&kc->evictions);
	}
	e->hash = h;
	e->len = len;
	memcpy(e->der, der, len);
	e->key = key;
	pthread_rwlock_unlock(&kc->lock);
}

/* keycache_openssl - OpenSSL's own d2i_PUBKEY_bio */
static EVP_PKEY *keycache_openssl(BIO *bp, EVP_PKEY **a)
{
	static keycache_d2i_fn real;

	if (real == NULL) {
		keycache_d2i_fn fn;

		*(void **)&fn = dlsym(RTLD_NEXT, "d2i_PUBKEY_bio");
		if (fn == NULL || fn == d2i_PUBKEY_bio)
			return NULL;
		__atomic_store_n(&real, fn, __ATOMIC_RELEASE);
	}
	return __atomic_load_n(&real, __ATOMIC_ACQUIRE)(bp, a);
}

/*
 * d2i_PUBKEY_bio - OpenSSL's function of the same name, with the cache of the
 * calling thread in front of it. libopendkim passes a memory BIO over the
 * decoded p= value and no output pointer.
 */
EVP_PKEY *d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a)
{
	struct keycache *kc = keycache_current;
	const unsigned char *der;
	char *data = NULL;
	long len;
	uint64_t h;
	EVP_PKEY *key;

	if (kc == NULL || a != NULL || BIO_method_type(bp) != BIO_TYPE_MEM)
		return keycache_openssl(bp, a);
	len = BIO_get_mem_data(bp, &data);
	if (len <= 0 || (size_t)len > KEYCACHE_DER_MAX || data == NULL)
		return keycache_openssl(bp, a);
	der = (const unsigned char *)data;
	h = keycache_hash(der, (size_t)len);
	key = keycache_find(kc, h, der, (size_t)len);
	if (key != NULL) {
		keycache_count(&kc->hits);
		return key;
	}
	keycache_count(&kc->misses);
	key = d2i_PUBKEY(NULL, &der, len);
	if (key != NULL)
		keycache_store(kc, h, (const unsigned char *)data, (size_t)len, key);
	return key;
}
