/*
 * bench_dkim - how fast dkimcheck verifies 4 KB messages with in-memory keys:
 * one RSA-2048 signature, one Ed25519 signature, both, and no signature at
 * all (the cost of the verification object per message), and a signature
 * whose key is not published (libopendkim's work without key or crypto);
 * with, for scale, the bare cost of one RSA-2048 and one Ed25519 verify in
 * OpenSSL, of decoding a public key as libopendkim does, and of a bare
 * libopendkim handle.
 *
 *   make tests/bench/bench_dkim && tests/bench/bench_dkim [seconds [case]]
 *
 * A case (unsigned, handle, nokey, rsa, ed, both, openssl-rsa, openssl-d2i,
 * openssl-ed) runs
 * alone, for profiling.
 *
 * Keys are made and the messages signed (by libopendkim) at start; the keys go
 * to a temporary TestPublicKeys file, removed at exit. Each figure is the
 * median of three runs of the given duration (default 1 s), min and max shown.
 */
#include <config.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <opendkim/dkim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dkimcheck.h"
#include "vbuf.h"

#define BENCH_MAX_FIELDS 32

struct message {
	char *name[BENCH_MAX_FIELDS];
	char *value[BENCH_MAX_FIELDS];
	int nfields;
	const char *body;
	size_t bodylen;
};

static const char *const headers[][2] = {
	{ "Received", " from mta.viamedis.test (mta.viamedis.test [192.0.2.10])\r\n"
		      "\tby mx.example.test (Postfix) with ESMTPS id 4TqX1234\r\n"
		      "\tfor <opticien@example.test>; Mon, 04 Mar 2024 09:12:01 +0100" },
	{ "From", " Viamedis Tiers Payant <noreply@viamedis.test>" },
	{ "To", " opticien@example.test" },
	{ "Subject", " =?utf-8?q?Votre_relev=C3=A9_de_paiement_de_mars?=" },
	{ "Date", " Mon, 04 Mar 2024 09:12:00 +0100" },
	{ "Message-ID", " <20240304091200.42.4TqX1234@viamedis.test>" },
	{ "MIME-Version", " 1.0" },
	{ "Content-Type", " text/plain; charset=utf-8" },
	{ "Content-Transfer-Encoding", " quoted-printable" },
};

/* now - seconds, monotonic */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* make_body - about 3.4 KB of text, CRLF */
static char *make_body(void)
{
	struct vbuf b = VBUF_INIT(1 << 16);

	for (int i = 0; b.len < 3400; i++)
		vbuf_printf(&b, "Ligne %d du releve de paiement: facture %06d, montant %d,%02d EUR.\r\n",
			    i, 100000 + i * 7, 20 + i, i % 100);
	return b.data;
}

/* sign - a DKIM-Signature value by libopendkim over the header and body */
static char *sign(DKIM_LIB *lib, EVP_PKEY *key, const char *sel, dkim_alg_t alg, const char *body)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem, *out = NULL;
	long pemlen;
	DKIM_STAT st;
	DKIM *d;
	u_char *sig;
	size_t siglen;

	PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
	pemlen = BIO_get_mem_data(bio, &pem);
	pem = strndup(pem, (size_t)pemlen);
	BIO_free(bio);
	d = dkim_sign(lib, (const u_char *)"bench", NULL, (dkim_sigkey_t)pem, (const u_char *)sel,
		      (const u_char *)"viamedis.test", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, alg,
		      -1, &st);
	for (size_t i = 0; d != NULL && i < sizeof(headers) / sizeof(headers[0]); i++) {
		char field[1024];

		snprintf(field, sizeof(field), "%s:%s", headers[i][0], headers[i][1]);
		dkim_header(d, (u_char *)field, strlen(field));
	}
	if (d != NULL && dkim_eoh(d) == DKIM_STAT_OK &&
	    dkim_body(d, (u_char *)body, strlen(body)) == DKIM_STAT_OK &&
	    dkim_eom(d, NULL) == DKIM_STAT_OK &&
	    dkim_getsighdr_d(d, strlen("DKIM-Signature: "), &sig, &siglen) == DKIM_STAT_OK)
		out = strndup((char *)sig, siglen);
	if (d != NULL)
		dkim_free(d);
	free(pem);
	if (out == NULL) {
		fprintf(stderr, "bench_dkim: signing with %s failed\n", sel);
		exit(1);
	}
	return out;
}

/* pubkey - the p= of a key record */
static char *pubkey(EVP_PKEY *key, int ed)
{
	unsigned char der[2048], *p = der, b64[4096];
	size_t len = sizeof(der);

	if (ed)
		EVP_PKEY_get_raw_public_key(key, der, &len);
	else
		len = (size_t)i2d_PUBKEY(key, &p);
	EVP_EncodeBlock(b64, der, (int)len);
	return strdup((char *)b64);
}

/* message - header fields (signatures on top) and body, split as the milter gives them */
static void message(struct message *m, const char *sig1, const char *sig2, const char *body)
{
	m->nfields = 0;
	if (sig1 != NULL) {
		m->name[m->nfields] = "DKIM-Signature";
		m->value[m->nfields++] = (char *)sig1;
	}
	if (sig2 != NULL) {
		m->name[m->nfields] = "DKIM-Signature";
		m->value[m->nfields++] = (char *)sig2;
	}
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		m->name[m->nfields] = (char *)headers[i][0];
		m->value[m->nfields++] = (char *)headers[i][1];
	}
	m->body = body;
	m->bodylen = strlen(body);
}

/* verify_once - one message through dkimcheck; the number of passes */
static size_t verify_once(const struct dkimcheck_lib *lib, const struct message *m)
{
	struct dkimcheck *v = dkimcheck_new(lib);
	size_t pass = 0;

	for (int i = 0; i < m->nfields; i++)
		dkimcheck_header(v, m->name[i], m->value[i]);
	dkimcheck_eoh(v);
	dkimcheck_body(v, m->body, m->bodylen);
	dkimcheck_eom(v);
	for (size_t i = 0; i < dkimcheck_count(v); i++)
		pass += dkimcheck_sig(v, i)->result == DKIMCHECK_PASS;
	dkimcheck_free(v);
	return pass;
}

static const char *only;		/* the one case to run, or NULL */

/* rate - operations per second of fn over secs, median of three runs */
static void rate(const char *name, const char *what, double secs, size_t (*fn)(void *), void *arg,
		 size_t expect)
{
	double r[3];

	if (only != NULL && strcmp(only, name) != 0)
		return;
	for (int k = 0; k < 3; k++) {
		double start = now(), t;
		size_t n = 0;

		do {
			for (int i = 0; i < 64; i++, n++)
				if (fn(arg) != expect) {
					fprintf(stderr, "bench_dkim: %s: wrong result\n", what);
					exit(1);
				}
			t = now() - start;
		} while (t < secs);
		r[k] = (double)n / t;
	}
	for (int i = 0; i < 2; i++)
		for (int j = i + 1; j < 3; j++)
			if (r[j] < r[i]) {
				double x = r[i];

				r[i] = r[j];
				r[j] = x;
			}
	printf("%-46s %10.0f /s %8.2f us   (min %.0f, max %.0f)\n", what, r[1], 1e6 / r[1], r[0], r[2]);
}

struct vjob {
	const struct dkimcheck_lib *lib;
	const struct message *m;
};

/* run_verify - rate() callback: one message */
static size_t run_verify(void *arg)
{
	struct vjob *j = arg;

	return verify_once(j->lib, j->m);
}

struct cjob {
	EVP_PKEY *key;
	unsigned char sig[512];
	size_t siglen;
	unsigned char digest[32];
	int ed;
};

/* run_crypto - rate() callback: one bare OpenSSL verify */
static size_t run_crypto(void *arg)
{
	struct cjob *c = arg;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (c->ed) {
		EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, c->key);
		ok = EVP_DigestVerify(ctx, c->sig, c->siglen, c->digest, sizeof(c->digest));
	} else {
		EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(c->key, NULL);

		EVP_PKEY_verify_init(pctx);
		EVP_PKEY_CTX_set_signature_md(pctx, EVP_sha256());
		ok = EVP_PKEY_verify(pctx, c->sig, c->siglen, c->digest, sizeof(c->digest));
		EVP_PKEY_CTX_free(pctx);
	}
	EVP_MD_CTX_free(ctx);
	return ok == 1;
}

/* crypto_job - a signature over a digest, to verify again and again */
static void crypto_job(struct cjob *c, EVP_PKEY *key, int ed)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	c->key = key;
	c->ed = ed;
	memset(c->digest, 7, sizeof(c->digest));
	c->siglen = sizeof(c->sig);
	if (ed) {
		EVP_DigestSignInit(ctx, NULL, NULL, NULL, key);
		EVP_DigestSign(ctx, c->sig, &c->siglen, c->digest, sizeof(c->digest));
	} else {
		EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(key, NULL);

		EVP_PKEY_sign_init(pctx);
		EVP_PKEY_CTX_set_signature_md(pctx, EVP_sha256());
		EVP_PKEY_sign(pctx, c->sig, &c->siglen, c->digest, sizeof(c->digest));
		EVP_PKEY_CTX_free(pctx);
	}
	EVP_MD_CTX_free(ctx);
}

struct djob {
	unsigned char der[2048];
	int len;
};

/* run_d2i - rate() callback: decode a public key as libopendkim does for RSA */
static size_t run_d2i(void *arg)
{
	struct djob *d = arg;
	BIO *bio = BIO_new_mem_buf(d->der, d->len);
	EVP_PKEY *k = d2i_PUBKEY_bio(bio, NULL);
	size_t ok = k != NULL;

	EVP_PKEY_free(k);
	BIO_free(bio);
	return ok;
}

/* run_handle - rate() callback: a bare libopendkim verifying handle, created and freed */
static size_t run_handle(void *arg)
{
	DKIM_STAT st;
	DKIM *d = dkim_verify(arg, (const u_char *)"bench", NULL, &st);

	dkim_free(d);
	return 1;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	char keys[] = "/tmp/vigie-bench-keys.XXXXXX", err[256];
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	DKIM_LIB *dl = dkim_init(NULL, NULL);
	char *body = make_body(), *rsasig, *edsig, *rsap, *edp, *nokeysig;
	struct dkimcheck_opts opts = { 0 };
	struct dkimcheck_lib *lib;
	struct message plain, one_rsa, one_ed, both, nokey;
	struct vjob job;
	struct cjob cj;
	FILE *fp;
	int fd;

	only = argc > 2 ? argv[2] : NULL;
	if (rsa == NULL || ed == NULL || dl == NULL || secs <= 0) {
		fprintf(stderr, "usage: bench_dkim [seconds]\n");
		return 2;
	}
	rsasig = sign(dl, rsa, "rsa", DKIM_SIGN_RSASHA256, body);
	edsig = sign(dl, ed, "ed", DKIM_SIGN_ED25519SHA256, body);
	nokeysig = sign(dl, rsa, "unpublished", DKIM_SIGN_RSASHA256, body);
	rsap = pubkey(rsa, 0);
	edp = pubkey(ed, 1);
	fd = mkstemp(keys);
	fp = fdopen(fd, "w");
	fprintf(fp, "rsa._domainkey.viamedis.test v=DKIM1; k=rsa; p=%s\n", rsap);
	fprintf(fp, "ed._domainkey.viamedis.test v=DKIM1; k=ed25519; p=%s\n", edp);
	fclose(fp);
	opts.test_keys_file = keys;
	lib = dkimcheck_lib_new(&opts, err, sizeof(err));
	unlink(keys);
	if (lib == NULL) {
		fprintf(stderr, "bench_dkim: %s\n", err);
		return 1;
	}
	message(&plain, NULL, NULL, body);
	message(&one_rsa, rsasig, NULL, body);
	message(&one_ed, edsig, NULL, body);
	message(&both, rsasig, edsig, body);
	message(&nokey, nokeysig, NULL, body);
	{
		size_t hl = 0;

		for (int i = 0; i < plain.nfields; i++)
			hl += strlen(plain.name[i]) + 1 + strlen(plain.value[i]) + 2;
		printf("message: %zu bytes of header, %zu of body (+ %zu and %zu of DKIM-Signature)\n",
		       hl, plain.bodylen, strlen(rsasig) + 17, strlen(edsig) + 17);
	}

	job.lib = lib;
	job.m = &plain;
	rate("unsigned", "unsigned 4 KB message (dkimcheck object)", secs, run_verify, &job, 0);
	rate("handle", "bare libopendkim handle, created and freed", secs, run_handle, dl, 1);
	job.m = &nokey;
	rate("nokey", "4 KB message, RSA signature, no key (no crypto)", secs, run_verify, &job, 0);
	job.m = &one_rsa;
	rate("rsa", "4 KB message, one RSA-2048 signature", secs, run_verify, &job, 1);
	job.m = &one_ed;
	rate("ed", "4 KB message, one Ed25519 signature", secs, run_verify, &job, 1);
	job.m = &both;
	rate("both", "4 KB message, RSA-2048 and Ed25519 signatures", secs, run_verify, &job, 2);
	crypto_job(&cj, rsa, 0);
	rate("openssl-rsa", "OpenSSL alone: one RSA-2048 verify", secs, run_crypto, &cj, 1);
	{
		struct djob dj;
		unsigned char *p = dj.der;

		dj.len = i2d_PUBKEY(rsa, &p);
		rate("openssl-d2i", "OpenSSL alone: d2i_PUBKEY_bio, RSA-2048 key", secs, run_d2i,
		     &dj, 1);
	}
	crypto_job(&cj, ed, 1);
	rate("openssl-ed", "OpenSSL alone: one Ed25519 verify", secs, run_crypto, &cj, 1);

	dkimcheck_lib_free(lib);
	dkim_close(dl);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	free(body);
	free(rsasig);
	free(edsig);
	free(nokeysig);
	free(rsap);
	free(edp);
	return 0;
}
