/*
 * packfile - a brand pack as the bytes that will be parsed, with what
 * identifies it (SHA-256, the "# version:" comment of its header) and, when
 * a public key is configured (BrandsKey), its detached signature checked
 * before anything is parsed.
 *
 * The bytes that were verified are the bytes parsed: the file is read once,
 * so nobody can swap it between the check and the load.
 */
#ifndef VIGIE_PACKFILE_H
#define VIGIE_PACKFILE_H

#include <stdbool.h>
#include <stddef.h>

#define PACKFILE_MAX (4u << 20)		/* bytes of a pack (BRANDS_FILE_MAX) */
#define PACKFILE_SIG_MAX 1024		/* bytes of a signature (RSA-4096: 512) */
#define PACKFILE_KEY_MAX 16384		/* bytes of a PEM public key file */
#define PACKFILE_VERSION_MAX 64		/* bytes of the version kept */
#define PACKFILE_SIG_SUFFIX ".sig"

struct packfile {
	char *text;			/* the pack, NUL-terminated; NULL once freed */
	size_t len;
	char sha256[65];		/* hex digest of the bytes */
	char version[PACKFILE_VERSION_MAX + 1];	/* "" when the header has none */
	bool verified;			/* the signature was checked with the key */
};

bool packfile_read(struct packfile *pf, const char *path, const char *keypath,
		   char *err, size_t errlen);
void packfile_identify(struct packfile *pf, const char *text, size_t len);
bool packfile_verify(const char *text, size_t len, const char *sigpath,
		     const char *keypath, char *err, size_t errlen);
void packfile_drop_text(struct packfile *pf);

#endif
