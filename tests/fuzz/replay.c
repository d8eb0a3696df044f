/*
 * replay - runs a fuzz target without libFuzzer: on every file given, then
 * on mutants of them (byte flips, insertions and deletions, tokens the
 * parsers care about, splices, cuts) from a fixed seed, so that `make check`
 * exercises each target the same way every time. A broken invariant aborts.
 *
 * usage: fuzz_X [-n MUTANTS] [-s SEED] [-o LAST] FILE...
 * (-o: each input is written to LAST before it runs, to keep the one that fails)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (1 << 20)

static const char *const replay_tokens[] = {
	"=?", "?=", "=?utf-8?q?", "=?utf-8?b?", "?q?", "--", "\r\n", "\n", "\r\n\r\n", "@",
	"\"", "(", ")", "<", ">", ":", ";", ",", "\\", "=", "=\r\n", "&#", "&amp;", "<a href=",
	"</a>", "<!--", "-->", "<!--[if mso]>", "<script>", "boundary=", "Content-Type: ",
	"multipart/mixed; boundary=b", "\r\n--b\r\n", "\r\n--b--\r\n", "base64", "quoted-printable",
	"https://", "www.", "\xc3", "\xa9", "\xef\xbc\xa0", "\x00", "From ", ">From ",
};

/* replay_rand - xorshift64 */
static uint64_t replay_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* replay_mutate - a few random edits of buf (n bytes, room for REPLAY_MAX) */
static size_t replay_mutate(uint8_t *buf, size_t n, const uint8_t *other, size_t on, uint64_t *rs)
{
	int edits = 1 + (int)(replay_rand(rs) % 8);

	while (edits--) {
		size_t at = n ? replay_rand(rs) % (n + 1) : 0;
		const char *t;
		size_t tl;

		switch (replay_rand(rs) % 6) {
		case 0:
			if (at < n)
				buf[at] ^= (uint8_t)(1u << (replay_rand(rs) % 8));
			break;
		case 1:
			if (at < n) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
			break;
		case 2:
			t = replay_tokens[replay_rand(rs) % (sizeof(replay_tokens) / sizeof(*replay_tokens))];
			tl = t[0] ? strlen(t) : 1;
			if (n + tl <= REPLAY_MAX) {
				memmove(buf + at + tl, buf + at, n - at);
				memcpy(buf + at, t, tl);
				n += tl;
			}
			break;
		case 3:
			if (on && n + 64 <= REPLAY_MAX) {
				size_t from = replay_rand(rs) % on, len = 1 + replay_rand(rs) % 64;

				if (len > on - from)
					len = on - from;
				memmove(buf + at + len, buf + at, n - at);
				memcpy(buf + at, other + from, len);
				n += len;
			}
			break;
		case 4:
			n = at;
			break;
		default:
			if (n + 1 <= REPLAY_MAX) {
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = (uint8_t)replay_rand(rs);
				n++;
			}
			break;
		}
	}
	return n;
}

static const char *replay_last;

/* replay_run - one input, saved first when asked */
static void replay_run(const uint8_t *buf, size_t n)
{
	if (replay_last) {
		FILE *f = fopen(replay_last, "wb");

		if (f) {
			fwrite(buf, 1, n, f);
			fclose(f);
		}
	}
	LLVMFuzzerTestOneInput(buf, n);
}

/* replay_read - a whole file, at most REPLAY_MAX bytes */
static uint8_t *replay_read(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(REPLAY_MAX);

	*n = f ? fread(buf, 1, REPLAY_MAX, f) : 0;
	if (f)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	long mutants = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int c, files;
	uint8_t *work = malloc(REPLAY_MAX), **corpus;
	size_t *len;

	while ((c = getopt(argc, argv, "n:s:o:")) != -1) {
		if (c == 'o')
			replay_last = optarg;
		else if (c == 'n')
			mutants = atol(optarg);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 0) | 1;
	}
	files = argc - optind;
	corpus = calloc((size_t)files + 1, sizeof(*corpus));
	len = calloc((size_t)files + 1, sizeof(*len));
	for (int i = 0; i < files; i++) {
		corpus[i] = replay_read(argv[optind + i], &len[i]);
		memcpy(work, corpus[i], len[i]);
		replay_run(work, len[i]);
	}
	for (long k = 0; k < mutants && files > 0; k++) {
		size_t a = replay_rand(&seed) % (uint64_t)files, b = replay_rand(&seed) % (uint64_t)files;
		size_t n;

		memcpy(work, corpus[a], len[a]);
		n = replay_mutate(work, len[a], corpus[b], len[b], &seed);
		replay_run(work, n);
	}
	for (int i = 0; i < files; i++)
		free(corpus[i]);
	free(corpus);
	free(len);
	free(work);
	printf("%d files, %ld mutants\n", files, mutants);
	return 0;
}
