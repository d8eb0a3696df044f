/*
 * packfile - reading a brand pack once, identifying it, checking its
 * detached signature (OpenSSL EVP_DigestVerify).
 *
 * Touches: reads the pack file, PATH.sig and the public key file, each
 * capped (4 MB, 1 KB, 16 KB). Signatures: Ed25519 or Ed448 over the raw
 * file (openssl pkeyutl -sign -rawin), RSA or ECDSA over its SHA-256
 * (openssl dgst -sha256 -sign). Every failure is a message in err naming
 * the file; nothing is parsed from a pack whose signature does not verify.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "packfile.h"
#include "vbuf.h"
#include "xalloc.h"

#define PACKFILE_VERSION_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:+-"

/* packfile_slurp - a whole file of at most max bytes, NUL-terminated */
static char *packfile_slurp(const char *path, size_t max, size_t *lenp,
			    char *err, size_t errlen)
{
	struct vbuf b = VBUF_INIT(max);

	switch (vbuf_read_file(&b, path)) {
	case VBUF_READ_OK:
		*lenp = b.len;
		return b.data ? b.data : xstrdup("");
	case VBUF_READ_BIG:
		snprintf(err, errlen, "%s: larger than %zu %s", path,
			 max % (1u << 20) ? max : max >> 20,
			 max % (1u << 20) ? "bytes" : "MB");
		break;
	case VBUF_READ_OPEN:
	case VBUF_READ_IO:
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		break;
	}
	vbuf_free(&b);
	return NULL;
}

/* packfile_hex - the SHA-256 of the bytes, in hex */
static void packfile_hex(const char *text, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	out[0] = '\0';
	if (EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* packfile_blanks - past the spaces and tabs from p, never past end */
static const char *packfile_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/*
 * packfile_version - "# version: X" among the comment lines that open the
 * pack; X keeps letters, digits and ._:+- only (it goes into logs, headers
 * of reports and metrics labels).
 */
static void packfile_version(const char *text, size_t len, char *out, size_t outlen)
{
	const char *p = text, *end = text + len;

	out[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *q = packfile_blanks(p, eol);
		size_t n = 0;

		if (q < eol && *q != '#' && *q != '\r')
			return;		/* the header ends at the first keyword */
		if (q < eol && *q == '#') {
			q = packfile_blanks(q + 1, eol);
			if (eol - q > 8 && strncasecmp(q, "version:", 8) == 0) {
				q = packfile_blanks(q + 8, eol);
				while (q < eol && n + 1 < outlen && *q != '\0' &&
				       strchr(PACKFILE_VERSION_CHARS, *q) != NULL)
					out[n++] = *q++;
				out[n] = '\0';
				return;
			}
		}
		p = eol + 1;
	}
}

/* packfile_identify - digest and version of a pack's bytes (text is not kept) */
void packfile_identify(struct packfile *pf, const char *text, size_t len)
{
	packfile_hex(text, len, pf->sha256);
	packfile_version(text, len, pf->version, sizeof(pf->version));
}

/* packfile_key - the public key in a PEM file; NULL with err set */
static EVP_PKEY *packfile_key(const char *keypath, char *err, size_t errlen)
{
	size_t len = 0;
	char *pem = packfile_slurp(keypath, PACKFILE_KEY_MAX, &len, err, errlen);
	EVP_PKEY *key = NULL;
	BIO *bio;

	if (pem == NULL)
		return NULL;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) != NULL) {
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	free(pem);
	if (key == NULL)
		snprintf(err, errlen, "%s: not a PEM public key (BEGIN PUBLIC KEY)", keypath);
	return key;
}

/* packfile_md - the digest a key type signs: none for EdDSA, SHA-256 otherwise */
static const EVP_MD *packfile_md(const EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);

	return (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) ? NULL : EVP_sha256();
}

/*
 * packfile_verify - whether the detached signature in sigpath, made with
 * the private half of the key in keypath, covers exactly text.
 */
bool packfile_verify(const char *text, size_t len, const char *sigpath,
		     const char *keypath, char *err, size_t errlen)
{
	EVP_PKEY *key = packfile_key(keypath, err, errlen);
	EVP_MD_CTX *ctx;
	char why[512];
	size_t siglen = 0;
	char *sig;
	int rc = 0;

	if (key == NULL)
		return false;
	if ((sig = packfile_slurp(sigpath, PACKFILE_SIG_MAX, &siglen, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "signature %s (BrandsKey is set: the pack must come with it)",
			 why);
		EVP_PKEY_free(key);
		return false;
	}
	if (siglen > 0 && (ctx = EVP_MD_CTX_new()) != NULL) {
		if (EVP_DigestVerifyInit(ctx, NULL, packfile_md(key), NULL, key) == 1)
			rc = EVP_DigestVerify(ctx, (const unsigned char *)sig, siglen,
					      (const unsigned char *)text, len);
		EVP_MD_CTX_free(ctx);
	}
	if (rc != 1)
		snprintf(err, errlen, "signature %s: does not verify with the key %s"
			 " (the pack was altered, or signed with another key)", sigpath, keypath);
	free(sig);
	EVP_PKEY_free(key);
	return rc == 1;
}

/*
 * packfile_read - the pack at path, once. With keypath, path.sig must hold
 * a valid signature of those very bytes, or nothing is returned.
 */
bool packfile_read(struct packfile *pf, const char *path, const char *keypath,
		   char *err, size_t errlen)
{
	memset(pf, 0, sizeof(*pf));
	if ((pf->text = packfile_slurp(path, PACKFILE_MAX, &pf->len, err, errlen)) == NULL)
		return false;
	if (keypath != NULL) {
		size_t n = strlen(path) + sizeof(PACKFILE_SIG_SUFFIX);
		char *sigpath = xmalloc(n);
		bool ok;

		snprintf(sigpath, n, "%s%s", path, PACKFILE_SIG_SUFFIX);
		ok = packfile_verify(pf->text, pf->len, sigpath, keypath, err, errlen);
		free(sigpath);
		if (!ok) {
			packfile_drop_text(pf);
			return false;
		}
		pf->verified = true;
	}
	packfile_identify(pf, pf->text, pf->len);
	return true;
}

/* packfile_drop_text - free the bytes once parsed; the identity stays */
void packfile_drop_text(struct packfile *pf)
{
	free(pf->text);
	pf->text = NULL;
}
