/*
 * fuzz_packfile - fuzz target for what a downloaded brand pack goes through
 * before it is parsed (milter/core/domain/packfile.c): the identification of its
 * bytes (SHA-256, "# version:" header) and the check of its detached
 * signature against a key (Ed25519 or RSA, by the first input byte). The
 * input is [key byte][signature length byte][signature][pack]. A version
 * read keeps only the characters logs and metrics labels may hold; no
 * signature the fuzzer makes verifies.
 *
 * Touches: two key files and one signature file under /tmp, made once and
 * removed at exit. Built with libFuzzer by `make fuzz`, with the replay
 * driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[] = "/tmp/vigie-fuzz-pack.XXXXXX";
static char fuzz_key[2][64], fuzz_sig[64];

/* fuzz_cleanup - the files of this run */
static void fuzz_cleanup(void)
{
	unlink(fuzz_key[0]);
	unlink(fuzz_key[1]);
	unlink(fuzz_sig);
	rmdir(fuzz_dir);
}

/* fuzz_keyfile - a new key pair of this type, its public half in path */
static void fuzz_keyfile(int type, const char *path)
{
	EVP_PKEY *key = type == EVP_PKEY_ED25519 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
						 : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	FILE *f = fopen(path, "w");

	if (key == NULL || f == NULL || PEM_write_PUBKEY(f, key) != 1)
		abort();
	fclose(f);
	EVP_PKEY_free(key);
}

/* fuzz_setup - the keys, once */
static void fuzz_setup(void)
{
	if (fuzz_sig[0] != '\0')
		return;
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	snprintf(fuzz_key[0], sizeof(fuzz_key[0]), "%s/ed25519.pem", fuzz_dir);
	snprintf(fuzz_key[1], sizeof(fuzz_key[1]), "%s/rsa.pem", fuzz_dir);
	snprintf(fuzz_sig, sizeof(fuzz_sig), "%s/pack.sig", fuzz_dir);
	fuzz_keyfile(EVP_PKEY_ED25519, fuzz_key[0]);
	fuzz_keyfile(EVP_PKEY_RSA, fuzz_key[1]);
	atexit(fuzz_cleanup);
}

/* LLVMFuzzerTestOneInput - identify the pack, check its signature */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packfile pf;
	char err[512];
	size_t siglen;
	FILE *f;

	if (size < 2)
		return 0;
	fuzz_setup();
	siglen = data[1] < size - 2 ? data[1] : size - 2;
	memset(&pf, 0, sizeof(pf));
	packfile_identify(&pf, (const char *)data + 2 + siglen, size - 2 - siglen);
	if (strlen(pf.sha256) != 64 || strspn(pf.sha256, "0123456789abcdef") != 64 ||
	    strlen(pf.version) > PACKFILE_VERSION_MAX ||
	    strspn(pf.version, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "0123456789._:+-") != strlen(pf.version))
		abort();
	if ((f = fopen(fuzz_sig, "wb")) == NULL)
		abort();
	fwrite(data + 2, 1, siglen, f);
	fclose(f);
	if (packfile_verify((const char *)data + 2 + siglen, size - 2 - siglen, fuzz_sig,
			    fuzz_key[data[0] & 1], err, sizeof(err)))
		abort();
	if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
		abort();
	return 0;
}
