/*
 * replay - the main() of every fuzz target when it is built without
 * libFuzzer (make check): run the target on each seed, then on mutants of
 * them from a fixed seed (bit flips, byte insertions and deletions, tokens
 * the parsers care about, repeats, splices of another seed, cuts), so that
 * every run exercises the target the same way. Prints TAP.
 *
 * usage: fuzz_X [-n MUTANTS] [-s SEED] [-o LAST] [-t SECS] FILE|DIR...
 *   -n  mutants to run after the seeds (0)
 *   -s  seed of the mutations (any number; the same number, the same run)
 *   -o  write each input to LAST before running it: after a crash LAST
 *       holds the input that caused it, ready to keep as a regression seed
 *   -t  an input running longer than SECS seconds is a failure (a hang)
 * A directory stands for the files in it. Inputs are cut at REPLAY_MAX.
 *
 * Touches: the files named, LAST. A crash, a sanitizer report or a broken
 * invariant (the target aborts) ends the run with the TAP plan unfinished.
 */
#include <config.h>

#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (1u << 20)		/* bytes of one input */
#define REPLAY_FILES_MAX 4096		/* seed files */

/* what the parsers of mail, domains and config files react to */
static const char *const replay_tokens[] = {
	"=?", "?=", "=?utf-8?q?", "=?utf-8?b?", "=?iso-8859-1?q?", "?q?", "?b?", "--",
	"\r\n", "\n", "\r", "\r\n\r\n", "\n\t", "@", "\"", "(", ")", "<", ">", ":", ";",
	",", "\\", "=", "/", ".", " ", "\t", "=\r\n", "&#", "&#x", "&amp;", "<a href=",
	"</a>", "<!--", "-->", "<!--[if mso]>", "<script>", "boundary=",
	"Content-Type: ", "Content-Transfer-Encoding: ", "multipart/mixed; boundary=b",
	"\r\n--b\r\n", "\r\n--b--\r\n", "base64", "quoted-printable", "https://", "www.",
	"xn--", "dkim=", "header.d=", "v=1; a=rsa-sha256; d=", "DKIM-Signature: ",
	"From: ", "Reply-To: ", "\xc3", "\xa9", "\xd0\xb0", "\xef\xbc\xa0", "\xe2\x80\x8b",
	"\xd7\x90", "\x00", "\xff", "From ", ">From ", "file:", "csl:", "::1/128",
	"0.0.0.0/0",
};

/* replay_rand - xorshift64: the same sequence on every run */
static uint64_t replay_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* replay_insert - room for len bytes at at; false when the input is full */
static int replay_insert(uint8_t *buf, size_t *n, size_t at, size_t len)
{
	if (*n + len > REPLAY_MAX)
		return 0;
	memmove(buf + at + len, buf + at, *n - at);
	*n += len;
	return 1;
}

/* replay_mutate - a few random edits of buf (n bytes, room for REPLAY_MAX) */
static size_t replay_mutate(uint8_t *buf, size_t n, const uint8_t *other, size_t on,
			    uint64_t *rs)
{
	int edits = 1 + (int)(replay_rand(rs) % 8);

	while (edits--) {
		size_t at = n ? replay_rand(rs) % (n + 1) : 0, len;
		const char *t;

		switch (replay_rand(rs) % 7) {
		case 0:		/* flip a bit */
			if (at < n)
				buf[at] ^= (uint8_t)(1u << (replay_rand(rs) % 8));
			break;
		case 1:		/* drop a byte */
			if (at < n) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
			break;
		case 2:		/* a token */
			t = replay_tokens[replay_rand(rs) % (sizeof(replay_tokens) /
							    sizeof(*replay_tokens))];
			len = t[0] ? strlen(t) : 1;
			if (replay_insert(buf, &n, at, len))
				memcpy(buf + at, t, len);
			break;
		case 3:		/* a piece of another seed */
			if (on == 0)
				break;
			{
				size_t from = replay_rand(rs) % on;

				len = 1 + replay_rand(rs) % 64;
				if (len > on - from)
					len = on - from;
				if (replay_insert(buf, &n, at, len))
					memcpy(buf + at, other + from, len);
			}
			break;
		case 4:		/* repeat a piece of this one */
			if (at >= n)
				break;
			len = 1 + replay_rand(rs) % 64;
			if (len > n - at)
				len = n - at;
			replay_insert(buf, &n, at, len);
			break;
		case 5:		/* cut the end */
			n = at;
			break;
		default:	/* a random byte */
			if (replay_insert(buf, &n, at, 1))
				buf[at] = (uint8_t)replay_rand(rs);
			break;
		}
	}
	return n;
}

static const char *replay_last;		/* -o */
static unsigned replay_secs;		/* -t */
static const char *replay_what = "";	/* the input running, for the alarm */

/* replay_alarm - an input ran past -t: say so and fail like a crash */
static void replay_alarm(int sig)
{
	static const char msg[] = "replay: input ran past the time limit (a hang?): ";
	ssize_t ignored;

	(void)sig;
	ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	ignored = write(STDERR_FILENO, replay_what, strlen(replay_what));
	ignored = write(STDERR_FILENO, "\n", 1);
	(void)ignored;
	abort();
}

/* replay_run - one input: saved first when asked, timed when asked */
static void replay_run(const uint8_t *buf, size_t n, const char *what)
{
	if (replay_last != NULL) {
		FILE *f = fopen(replay_last, "wb");

		if (f != NULL) {
			fwrite(buf, 1, n, f);
			fclose(f);
		}
	}
	replay_what = what;
	if (replay_secs > 0)
		alarm(replay_secs);
	LLVMFuzzerTestOneInput(buf, n);
	if (replay_secs > 0)
		alarm(0);
}

/* replay_read - a whole file, cut at REPLAY_MAX; NULL if unreadable */
static uint8_t *replay_read(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	if (f == NULL)
		return NULL;
	buf = malloc(REPLAY_MAX);
	if (buf == NULL)
		abort();
	*n = fread(buf, 1, REPLAY_MAX, f);
	fclose(f);
	return buf;
}

/* replay_cmp - for qsort: names in byte order */
static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* replay_add - a path, or the files of a directory (sorted, dot files skipped) */
static void replay_add(const char *path, char **files, int *nfiles)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int first = *nfiles;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL) {
		if (*nfiles < REPLAY_FILES_MAX)
			files[(*nfiles)++] = strdup(path);
		return;
	}
	while ((e = readdir(d)) != NULL && *nfiles < REPLAY_FILES_MAX) {
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = malloc(len);
		if (p == NULL)
			abort();
		snprintf(p, len, "%s/%s", path, e->d_name);
		files[(*nfiles)++] = p;
	}
	closedir(d);
	qsort(files + first, (size_t)(*nfiles - first), sizeof(*files), replay_cmp);
}

/* main - the seeds, then the mutants; TAP */
int main(int argc, char **argv)
{
	static char *files[REPLAY_FILES_MAX];
	uint64_t seed = 0x9e3779b97f4a7c15ull, first_seed;
	unsigned long mutants = 0;
	uint8_t *work = malloc(REPLAY_MAX), **corpus;
	size_t *len;
	int c, nfiles = 0, nread = 0;

	while ((c = getopt(argc, argv, "n:s:o:t:")) != -1) {
		switch (c) {
		case 'n':
			mutants = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'o':
			replay_last = optarg;
			break;
		case 't':
			replay_secs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [-n MUTANTS] [-s SEED] [-o LAST] [-t SECS]"
				" FILE|DIR...\n", argv[0]);
			return 2;
		}
	}
	if (work == NULL)
		abort();
	signal(SIGALRM, replay_alarm);
	for (int i = optind; i < argc; i++)
		replay_add(argv[i], files, &nfiles);
	corpus = calloc((size_t)nfiles + 1, sizeof(*corpus));
	len = calloc((size_t)nfiles + 1, sizeof(*len));
	if (corpus == NULL || len == NULL)
		abort();
	printf("1..2\n");
	fflush(stdout);
	for (int i = 0; i < nfiles; i++) {
		corpus[i] = replay_read(files[i], &len[i]);
		if (corpus[i] == NULL) {
			printf("# cannot read %s\n", files[i]);
			continue;
		}
		nread++;
		memcpy(work, corpus[i], len[i]);
		replay_run(work, len[i], files[i]);
	}
	printf("%s 1 - %d of %d seed inputs ran without harm\n",
	       nread == nfiles && nfiles > 0 ? "ok" : "not ok", nread, nfiles);
	fflush(stdout);
	first_seed = seed;
	for (unsigned long k = 0; k < mutants && nread > 0; k++) {
		size_t a = replay_rand(&seed) % (uint64_t)nfiles;
		size_t b = replay_rand(&seed) % (uint64_t)nfiles;
		size_t n;

		if (corpus[a] == NULL)
			continue;
		memcpy(work, corpus[a], len[a]);
		n = replay_mutate(work, len[a], corpus[b], corpus[b] ? len[b] : 0, &seed);
		replay_run(work, n, "a mutant");
	}
	printf("ok 2 - %lu mutants of them ran without harm (seed %llu)\n", mutants,
	       (unsigned long long)first_seed);
	for (int i = 0; i < nfiles; i++) {
		free(corpus[i]);
		free(files[i]);
	}
	free(corpus);
	free(len);
	free(work);
	return nread == nfiles && nfiles > 0 ? 0 : 1;
}
