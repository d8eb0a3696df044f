/*
 * domain_accuracy - how many lookalikes the domain engine flags, and how
 * many real domains it wrongly flags.
 *
 *   domain_accuracy [--brands FILE] --list
 *	print the domains of the pack (to feed dnstwist-perms.py)
 *   domain_accuracy [--brands FILE] [--tap] [--verbose] POSITIVES NEGATIVES
 *	POSITIVES: "fuzzer<TAB>original<TAB>permutation" lines; NEGATIVES: one
 *	domain per line (# comments). Prints recall per fuzzer and every false
 *	positive; with --tap, asserts the targets as TAP.
 *
 * "Flagged" means a verdict of suspect or impersonation. A permutation that
 * is itself a brand's domain (viamedis.fr among viamedis.net's TLD swaps) is
 * not a miss and is not counted.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brands.h"
#include "detector.h"
#include "domain.h"
#include "verdict.h"

#define FUZZERS_MAX 32

struct fuzzer {
	char name[32];
	long total, flagged, owned, invalid;
};

/* The fuzzers whose permutations must all be flagged. */
static const char *const must_all[] = {
	"homoglyph", "cyrillic", "hyphenation", "subdomain", "tld-swap", "various",
};

/* check - the verdict of one name: -1 invalid, -2 a brand's own, else kind */
static int check(const struct detector *det, const char *name, struct verdict *v)
{
	struct domain d;

	reason_list_init(&v->reasons);
	detector_check_domain(det, name, strlen(name), WHERE_DOMAIN, &d, &v->reasons);
	if (d.status != DOMAIN_OK)
		return -1;
	verdict_compute(v);
	if (v->kind == VERDICT_CLEAN && brands_owner(detector_brands(det), d.ascii))
		return -2;
	return (int)v->kind;
}

/* fuzzer_get - the counters of a fuzzer, created on first use */
static struct fuzzer *fuzzer_get(struct fuzzer *f, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	if (*n == FUZZERS_MAX)
		return NULL;
	memset(&f[*n], 0, sizeof(f[*n]));
	snprintf(f[*n].name, sizeof(f[*n].name), "%s", name);
	return &f[(*n)++];
}

/* positives - read and check the permutations */
static bool positives(const struct detector *det, const char *path, struct fuzzer *f, size_t *nf,
		      bool verbose)
{
	FILE *in = fopen(path, "r");
	char line[2048];

	if (in == NULL) {
		perror(path);
		return false;
	}
	while (fgets(line, sizeof(line), in)) {
		char *fz = strtok(line, "\t\n"), *orig = strtok(NULL, "\t\n"), *dom = strtok(NULL, "\t\n");
		struct fuzzer *c;
		struct verdict v;
		int k;

		if (!fz || !orig || !dom || (c = fuzzer_get(f, nf, fz)) == NULL)
			continue;
		k = check(det, dom, &v);
		if (k == -2) {
			c->owned++;
			continue;
		}
		c->total++;
		if (k == -1)
			c->invalid++;
		if (k > 0)
			c->flagged++;
		else if (verbose)
			printf("miss %s %s (from %s)%s\n", fz, dom, orig, k == -1 ? " invalid" : "");
	}
	fclose(in);
	return true;
}

/* negatives - read and check real domains; returns how many were flagged */
static long negatives(const struct detector *det, const char *path, long *total)
{
	FILE *in = fopen(path, "r");
	char line[2048];
	long bad = 0;

	*total = 0;
	if (in == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		char *dom = strtok(line, " \t\r\n");
		struct verdict v;

		if (!dom || dom[0] == '#')
			continue;
		(*total)++;
		if (check(det, dom, &v) > 0) {
			bad++;
			printf("false positive %s: %s score %d: %s %s\n", dom, verdict_kind_name(v.kind),
			       v.score, reason_code_name(v.reasons.item[0].code), v.reasons.item[0].detail);
		}
	}
	fclose(in);
	return bad;
}

/* own_domains - how many of the pack's own domains (and a subdomain of each) are flagged */
static long own_domains(const struct detector *det, long *total)
{
	const struct brands *b = detector_brands(det);
	long bad = 0;

	*total = 0;
	for (size_t i = 0; i < brands_count(b); i++) {
		const struct brand *br = brands_at(b, i);

		for (size_t k = 0; k < brand_domain_count(br); k++) {
			char sub[300];
			struct verdict v;

			snprintf(sub, sizeof(sub), "mail.%s", brand_domain(br, k));
			*total += 2;
			if (check(det, brand_domain(br, k), &v) > 0 || check(det, sub, &v) > 0) {
				bad++;
				printf("brand domain flagged: %s\n", brand_domain(br, k));
			}
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct detector_opts opts = { 0 };
	struct fuzzer f[FUZZERS_MAX];
	size_t nf = 0;
	bool tap = false, verbose = false, list = false;
	const char *files[2];
	int nfiles = 0, t = 0;
	struct detector *det;
	char err[512];
	long all = 0, hit = 0, bad = 0, negs, fp, owns, ownfp;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--brands") == 0 && i + 1 < argc)
			opts.brands_file = argv[++i];
		else if (strcmp(argv[i], "--tap") == 0)
			tap = true;
		else if (strcmp(argv[i], "--verbose") == 0)
			verbose = true;
		else if (strcmp(argv[i], "--list") == 0)
			list = true;
		else if (nfiles < 2)
			files[nfiles++] = argv[i];
	}
	if ((det = detector_new(&opts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "domain_accuracy: %s\n", err);
		return 2;
	}
	if (list) {
		const struct brands *b = detector_brands(det);

		for (size_t i = 0; i < brands_count(b); i++)
			for (size_t k = 0; k < brand_domain_count(brands_at(b, i)); k++)
				printf("%s\n", brand_domain(brands_at(b, i), k));
		detector_free(det);
		return 0;
	}
	if (nfiles != 2 || !positives(det, files[0], f, &nf, verbose)) {
		fprintf(stderr, "usage: domain_accuracy [--brands FILE] [--tap] [--verbose] POSITIVES NEGATIVES\n");
		detector_free(det);
		return 2;
	}
	printf("%-14s %8s %8s %8s %8s\n", "fuzzer", "total", "flagged", "recall", "invalid");
	for (size_t i = 0; i < nf; i++) {
		all += f[i].total;
		hit += f[i].flagged;
		bad += f[i].invalid;
		printf("%-14s %8ld %8ld %7.2f%% %8ld   (+%ld brand-owned)\n", f[i].name, f[i].total,
		       f[i].flagged, f[i].total ? 100.0 * f[i].flagged / f[i].total : 100.0,
		       f[i].invalid, f[i].owned);
	}
	printf("%-14s %8ld %8ld %7.2f%%\n", "all", all, hit, all ? 100.0 * hit / all : 0.0);
	fp = negatives(det, files[1], &negs);
	printf("negatives: %ld domains, %ld flagged\n", negs, fp);
	ownfp = own_domains(det, &owns);
	printf("brand domains: %ld checked, %ld flagged\n", owns, ownfp);
	if (tap) {
		size_t nmust = sizeof(must_all) / sizeof(must_all[0]);

		printf("1..%zu\n", nmust + 4);
		printf("%s %d - overall recall %.2f%% >= 98%% on %ld dnstwist permutations\n",
		       all > 0 && hit * 100 >= all * 98 ? "ok" : "not ok", ++t,
		       all ? 100.0 * hit / all : 0.0, all);
		for (size_t m = 0; m < nmust; m++) {
			struct fuzzer *c = NULL;

			for (size_t i = 0; i < nf; i++)
				if (strcmp(f[i].name, must_all[m]) == 0)
					c = &f[i];
			printf("%s %d - every %s permutation flagged (%ld of %ld)\n",
			       c && c->total > 0 && c->flagged == c->total ? "ok" : "not ok", ++t,
			       must_all[m], c ? c->flagged : 0, c ? c->total : 0);
		}
		printf("%s %d - no false positive among %ld real domains (%ld flagged)\n",
		       negs >= 2000 && fp == 0 ? "ok" : "not ok", ++t, negs, fp);
		printf("%s %d - no brand domain or subdomain flagged (%ld checked)\n",
		       owns > 0 && ownfp == 0 ? "ok" : "not ok", ++t, owns);
		printf("%s %d - every permutation parses as a domain (%ld invalid)\n",
		       all > 0 && bad == 0 ? "ok" : "not ok", ++t, bad);
	}
	detector_free(det);
	return 0;
}
