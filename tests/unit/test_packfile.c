/*
 * test_packfile - a signed brand pack loads; an unsigned, altered, wrongly
 * signed or oversized one is refused with a message naming the file; the
 * pack's identity (SHA-256, "# version:") is what its bytes say. Keys are
 * made here with OpenSSL, in a private temporary directory.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "detector.h"
#include "packfile.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char pack[] =
	"# brands.conf - a test pack\n"
	"# version: 2025.02-1\n"
	"brand Exemple Sante\n"
	"\tdomain exemple-sante.fr\n";

struct dir {
	char path[64];
	char file[16][128];
	size_t nfiles;
};

/* dir_new - a private temporary directory */
static void dir_new(struct dir *d)
{
	memcpy(d->path, "/tmp/vigie-packfile.XXXXXX", sizeof("/tmp/vigie-packfile.XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(d->path));
	d->nfiles = 0;
}

/* dir_name - the path of a file in it, remembered for removal */
static const char *dir_name(struct dir *d, const char *name)
{
	char path[sizeof(d->file[0])];

	ck_assert_uint_lt(d->nfiles, NELEM(d->file));
	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	memcpy(d->file[d->nfiles], path, sizeof(path));
	return d->file[d->nfiles++];
}

/* dir_free - remove what was written, then the directory */
static void dir_free(struct dir *d)
{
	for (size_t i = 0; i < d->nfiles; i++)
		unlink(d->file[i]);
	rmdir(d->path);
}

/* put - write bytes to a file */
static void put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* keygen - a new key of a kind: "ED25519", "RSA" or "EC" */
static EVP_PKEY *keygen(const char *kind)
{
	EVP_PKEY *k;

	if (strcmp(kind, "RSA") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (strcmp(kind, "EC") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, kind);
	ck_assert_ptr_nonnull(k);
	return k;
}

/* put_pubkey - the public half as PEM */
static void put_pubkey(const char *path, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_PUBKEY(f, k), 1);
	fclose(f);
}

/* put_sig - a detached signature of data, as openssl pkeyutl -rawin or dgst -sha256 make */
static void put_sig(const char *path, EVP_PKEY *k, const char *data, size_t len)
{
	int id = EVP_PKEY_get_base_id(k);
	const EVP_MD *md = id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? NULL : EVP_sha256();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);

	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, md, NULL, k), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)data, len), 1);
	EVP_MD_CTX_free(ctx);
	put(path, sig, siglen);
}

static const char *const kinds[] = { "ED25519", "ED448", "RSA", "EC" };

START_TEST(signed_pack_loads_with_each_key_kind)
{
	struct dir d;
	struct packfile pf;
	char err[512] = "";
	EVP_PKEY *k = keygen(kinds[_i]);
	const char *p = NULL, *key = NULL;

	dir_new(&d);
	p = dir_name(&d, "brands.conf");
	key = dir_name(&d, "brands.pub");
	put(p, pack, strlen(pack));
	put_sig(dir_name(&d, "brands.conf.sig"), k, pack, strlen(pack));
	put_pubkey(key, k);
	ck_assert_msg(packfile_read(&pf, p, key, err, sizeof(err)), "%s: %s", kinds[_i], err);
	ck_assert(pf.verified);
	ck_assert_uint_eq(pf.len, strlen(pack));
	ck_assert_mem_eq(pf.text, pack, pf.len);
	ck_assert_str_eq(pf.version, "2025.02-1");
	packfile_drop_text(&pf);
	EVP_PKEY_free(k);
	dir_free(&d);
}
END_TEST

/* how a pack can be wrong while its key is set */
enum spoil { ALTERED, WRONG_KEY, NO_SIG, EMPTY_SIG, HUGE_SIG, KEY_NOT_PEM, SIG_OF_OTHER };

static const struct {
	enum spoil how;
	const char *what;
	const char *says;		/* in the error */
} spoils[] = {
	{ ALTERED, "one byte of the pack changed after signing", "does not verify" },
	{ WRONG_KEY, "signed with another key", "does not verify" },
	{ NO_SIG, "no brands.conf.sig", "brands.conf.sig: No such file" },
	{ EMPTY_SIG, "an empty signature", "does not verify" },
	{ HUGE_SIG, "a signature over 1 KB", "larger than 1024 bytes" },
	{ KEY_NOT_PEM, "a key file that is not PEM", "not a PEM public key" },
	{ SIG_OF_OTHER, "the signature of an older pack", "does not verify" },
};

START_TEST(spoiled_pack_is_refused_with_a_reason)
{
	struct dir d;
	struct packfile pf;
	char err[512] = "", big[2048];
	EVP_PKEY *k = keygen("ED25519"), *other = keygen("ED25519");
	const char *p, *key, *sig;
	char *altered = strdup(pack);

	dir_new(&d);
	p = dir_name(&d, "brands.conf");
	key = dir_name(&d, "brands.pub");
	sig = dir_name(&d, "brands.conf.sig");
	put_pubkey(key, k);
	put(p, pack, strlen(pack));
	switch (spoils[_i].how) {
	case ALTERED:
		put_sig(sig, k, pack, strlen(pack));
		altered[strlen(altered) - 3] ^= 1;
		put(p, altered, strlen(altered));
		break;
	case WRONG_KEY:
		put_sig(sig, other, pack, strlen(pack));
		break;
	case NO_SIG:
		break;
	case EMPTY_SIG:
		put(sig, "", 0);
		break;
	case HUGE_SIG:
		memset(big, 'x', sizeof(big));
		put(sig, big, sizeof(big));
		break;
	case KEY_NOT_PEM:
		put_sig(sig, k, pack, strlen(pack));
		put(key, "ssh-ed25519 AAAA\n", 17);
		break;
	case SIG_OF_OTHER:
		put_sig(sig, k, "brand Old\n\tdomain old.fr\n", 25);
		break;
	}
	ck_assert_msg(!packfile_read(&pf, p, key, err, sizeof(err)), "%s: accepted",
		      spoils[_i].what);
	ck_assert_msg(strstr(err, spoils[_i].says) != NULL, "%s: error '%s' lacks '%s'",
		      spoils[_i].what, err, spoils[_i].says);
	ck_assert_ptr_null(pf.text);
	free(altered);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
	dir_free(&d);
}
END_TEST

START_TEST(without_key_the_pack_is_read_unverified)
{
	struct dir d;
	struct packfile pf;
	char err[256] = "";
	const char *p;

	dir_new(&d);
	p = dir_name(&d, "brands.conf");
	put(p, pack, strlen(pack));
	ck_assert(packfile_read(&pf, p, NULL, err, sizeof(err)));
	ck_assert(!pf.verified);
	packfile_drop_text(&pf);
	ck_assert(!packfile_read(&pf, dir_name(&d, "missing.conf"), NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "missing.conf: No such file"));
	dir_free(&d);
}
END_TEST

START_TEST(pack_over_4mb_is_refused)
{
	struct dir d;
	struct packfile pf;
	char err[256] = "";
	size_t n = PACKFILE_MAX + 1;
	char *big = malloc(n);
	const char *p;

	memset(big, '#', n);
	dir_new(&d);
	p = dir_name(&d, "brands.conf");
	put(p, big, n);
	ck_assert(!packfile_read(&pf, p, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "larger than 4 MB"));
	free(big);
	dir_free(&d);
}
END_TEST

static const struct {
	const char *text;
	const char *version;
} versions[] = {
	{ "# version: 2025.02-1\nbrand X\n", "2025.02-1" },
	{ "#Version:20250206\n", "20250206" },
	{ "# a pack\n\n#   version:  v1.2+b3 trailing words\n", "v1.2+b3" },
	{ "brand X\n# version: 9\n", "" },		/* after the header: not its version */
	{ "# version: <script>\n", "" },
	{ "# version:\n", "" },
	{ "# no version here\n", "" },
	{ "# version: 0123456789012345678901234567890123456789012345678901234567890123456789\n",
	  "0123456789012345678901234567890123456789012345678901234567890123" },
};

START_TEST(version_comes_from_the_header_comments)
{
	struct packfile pf = { 0 };

	packfile_identify(&pf, versions[_i].text, strlen(versions[_i].text));
	ck_assert_str_eq(pf.version, versions[_i].version);
}
END_TEST

START_TEST(identity_is_the_sha256_of_the_bytes)
{
	struct packfile pf = { 0 };

	packfile_identify(&pf, "abc", 3);
	ck_assert_str_eq(pf.sha256,
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

/* the detector parses the very bytes it verified, and refuses a bad signature */
START_TEST(detector_loads_only_a_verified_pack)
{
	struct dir d;
	char err[512] = "";
	EVP_PKEY *k = keygen("ED25519");
	struct detector_opts o = { 0 };
	struct detector *det;
	const char *sig;

	dir_new(&d);
	o.brands_file = dir_name(&d, "brands.conf");
	o.brands_key_file = dir_name(&d, "brands.pub");
	sig = dir_name(&d, "brands.conf.sig");
	o.dns_timeout = 1;
	put(o.brands_file, pack, strlen(pack));
	put_pubkey(o.brands_key_file, k);
	put_sig(sig, k, pack, strlen(pack));
	det = detector_new(&o, err, sizeof(err));
	ck_assert_msg(det != NULL, "%s", err);
	ck_assert(detector_pack(det)->verified);
	ck_assert_str_eq(detector_pack(det)->version, "2025.02-1");
	ck_assert_ptr_null(detector_pack(det)->text);
	detector_free(det);
	put_sig(sig, k, "brand Y\n", 8);
	ck_assert_ptr_null(detector_new(&o, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "does not verify"));
	EVP_PKEY_free(k);
	dir_free(&d);
}
END_TEST

START_TEST(builtin_pack_has_an_identity)
{
	char err[256] = "";
	struct detector_opts o = { .dns_timeout = 1 };
	struct detector *det = detector_new(&o, err, sizeof(err));

	ck_assert_msg(det != NULL, "%s", err);
	ck_assert_uint_eq(strlen(detector_pack(det)->sha256), 64);
	ck_assert(!detector_pack(det)->verified);
	/* contrib/brands.conf carries a version: logged, in the metrics, checked by updates */
	ck_assert_msg(detector_pack(det)->version[0] != '\0', "the built-in pack has no '# version:' line");
	detector_free(det);
}
END_TEST

/* packfile_suite - the cases of this file */
static Suite *packfile_suite(void)
{
	Suite *s = suite_create("packfile");
	TCase *tc = tcase_create("packfile");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, signed_pack_loads_with_each_key_kind, 0, NELEM(kinds));
	tcase_add_loop_test(tc, spoiled_pack_is_refused_with_a_reason, 0, NELEM(spoils));
	tcase_add_test(tc, without_key_the_pack_is_read_unverified);
	tcase_add_test(tc, pack_over_4mb_is_refused);
	tcase_add_loop_test(tc, version_comes_from_the_header_comments, 0, NELEM(versions));
	tcase_add_test(tc, identity_is_the_sha256_of_the_bytes);
	tcase_add_test(tc, detector_loads_only_a_verified_pack);
	tcase_add_test(tc, builtin_pack_has_an_identity);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(packfile_suite());
}
