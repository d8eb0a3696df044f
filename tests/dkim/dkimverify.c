/*
 * dkimverify - test driver: verify message files with dkimcheck and print one
 * line per signature, the alignment of each with the From domain and the
 * Authentication-Results value, for the TAP scripts to compare.
 *
 *   dkimverify [-k keyfile | -n nameservers] [-t seconds] [-c chunk]
 *              [-a authserv-id] [-j threads -r rounds] file...
 *
 * With -j, every thread verifies every file -r times; each result must equal
 * the one of a first single-threaded pass, and the process must hold the same
 * file descriptors before and after. Touches: the files named; the network
 * through the resolver with -n.
 */
#include <config.h>

#include <dirent.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align.h"
#include "authres.h"
#include "dkimcheck.h"
#include "msgfeed.h"
#include "resolver.h"
#include "vbuf.h"

struct job {
	const struct dkimcheck_lib *lib;
	const psl_ctx_t *psl;
	char **files;
	char **expect;		/* summary of each file from the first pass */
	int nfiles;
	size_t chunk;
	int rounds;
	int failures;
};

/* summary - one message's results as text */
static void summary(struct vbuf *out, const struct dkimcheck *v, const psl_ctx_t *psl,
		    const char *from)
{
	vbuf_printf(out, "sigs=%zu dropped=%zu\n", dkimcheck_count(v), dkimcheck_dropped(v));
	for (size_t i = 0; i < dkimcheck_count(v); i++) {
		const struct dkimcheck_sig *s = dkimcheck_sig(v, i);

		vbuf_printf(out, "  %s d=%s s=%s a=%s bits=%u relaxed=%s strict=%s%s reason=\"%s\"\n",
			    dkimcheck_result_name(s->result), s->domain, s->selector, s->algorithm,
			    s->key_bits,
			    align_check(psl, s->domain, from, ALIGN_RELAXED) ? "yes" : "no",
			    align_check(psl, s->domain, from, ALIGN_STRICT) ? "yes" : "no",
			    s->testing ? " testing" : "", s->reason);
	}
}

/* verify - one file through a fresh verification; its summary in out */
static int verify(const struct dkimcheck_lib *lib, const psl_ctx_t *psl, const char *path,
		  size_t chunk, struct vbuf *out, struct vbuf *ar, const char *authserv_id)
{
	size_t len;
	char *msg = msgfeed_read(path, &len);
	char from[256];
	struct dkimcheck *v;

	if (msg == NULL) {
		fprintf(stderr, "dkimverify: cannot read %s\n", path);
		return -1;
	}
	msgfeed_from_domain(msg, len, from, sizeof(from));
	v = dkimcheck_new(lib);
	msgfeed(v, msg, len, chunk);
	summary(out, v, psl, from);
	if (ar != NULL)
		authres_render(ar, authserv_id, dkimcheck_sigs(v), dkimcheck_count(v));
	dkimcheck_free(v);
	free(msg);
	return 0;
}

/* worker - a thread's rounds over every file */
static void *worker(void *arg)
{
	struct job *job = arg;
	struct vbuf out = VBUF_INIT(1 << 16);

	for (int r = 0; r < job->rounds; r++)
		for (int i = 0; i < job->nfiles; i++) {
			vbuf_reset(&out);
			if (verify(job->lib, job->psl, job->files[i], job->chunk, &out, NULL, NULL) < 0 ||
			    strcmp(vbuf_str(&out), job->expect[i]) != 0)
				__atomic_add_fetch(&job->failures, 1, __ATOMIC_RELAXED);
		}
	vbuf_free(&out);
	return NULL;
}

/* count_fds - open file descriptors of this process */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the directory stream itself */
}

/* threaded - the -j test: same results from every thread, no descriptor lost */
static int threaded(struct job *job, int nthreads)
{
	pthread_t tid[64];
	int before = count_fds(), after;

	for (int i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, worker, job);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	after = count_fds();
	printf("threads=%d rounds=%d files=%d failures=%d fds_before=%d fds_after=%d\n",
	       nthreads, job->rounds, job->nfiles, job->failures, before, after);
	return job->failures == 0 && before == after ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct dkimcheck_opts opts = { 0 };
	struct job job = { 0 };
	const char *authserv_id = "mx.vigie.test";
	int nthreads = 0, opt, status = 0;
	char err[512];

	job.rounds = 1;
	while ((opt = getopt(argc, argv, "k:n:t:c:a:j:r:")) != -1) {
		switch (opt) {
		case 'k': opts.test_keys_file = optarg; break;
		case 'n': opts.nameservers = optarg; break;
		case 't': opts.dns_timeout = (unsigned)atoi(optarg); break;
		case 'c': job.chunk = (size_t)atol(optarg); break;
		case 'a': authserv_id = optarg; break;
		case 'j': nthreads = atoi(optarg); break;
		case 'r': job.rounds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: dkimverify [-k keys | -n servers] [-t s] [-c chunk] "
				"[-a id] [-j threads -r rounds] file...\n");
			return 2;
		}
	}
	if (nthreads > 64 || optind >= argc) {
		fprintf(stderr, "dkimverify: no file, or more than 64 threads\n");
		return 2;
	}
	job.lib = dkimcheck_lib_new(&opts, err, sizeof(err));
	if (job.lib == NULL) {
		fprintf(stderr, "dkimverify: %s\n", err);
		return 2;
	}
	job.psl = psl_latest(NULL);
	if (job.psl == NULL)
		job.psl = psl_builtin();
	job.files = argv + optind;
	job.nfiles = argc - optind;
	job.expect = calloc((size_t)job.nfiles, sizeof(char *));
	for (int i = 0; i < job.nfiles; i++) {
		struct vbuf out = VBUF_INIT(1 << 16), ar = VBUF_INIT(AUTHRES_VALUE_MAX);
		int64_t start = resolver_now_ms();

		if (verify(job.lib, job.psl, job.files[i], job.chunk, &out, &ar, authserv_id) < 0) {
			status = 2;
			continue;
		}
		printf("%s ms=%lld %s", job.files[i], (long long)(resolver_now_ms() - start),
		       vbuf_str(&out));
		printf("  ar: %s\n", vbuf_str(&ar));
		job.expect[i] = strdup(vbuf_str(&out));
		vbuf_free(&out);
		vbuf_free(&ar);
	}
	if (status == 0 && nthreads > 0)
		status = threaded(&job, nthreads);
	for (int i = 0; i < job.nfiles; i++)
		free(job.expect[i]);
	free(job.expect);
	psl_free((psl_ctx_t *)job.psl);
	dkimcheck_lib_free((struct dkimcheck_lib *)job.lib);
	return status;
}
