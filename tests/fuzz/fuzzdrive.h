/*
 * fuzzdrive - a main() for fuzz targets built without libFuzzer: run the
 * target on each file given, then on N deterministic mutations of them
 * (flips, inserts, cuts, repeats), and print TAP. A crash is the failure.
 *
 *   fuzz_x [-n mutations] [-s seed] file...
 */
#ifndef VIGIE_FUZZDRIVE_H
#define VIGIE_FUZZDRIVE_H

#ifdef VIGIE_LIBFUZZER
#define FUZZDRIVE_MAIN
#else
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZDRIVE_MAX (1u << 20)

/* fuzzdrive_rand - xorshift64, the same sequence on every run */
static inline uint64_t fuzzdrive_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* fuzzdrive_mutate - change buf in place; its new length */
static inline size_t fuzzdrive_mutate(uint8_t *buf, size_t len, size_t cap, uint64_t *s)
{
	static const char tokens[] = ";=()\"\\@/:. \t\r\n\0\xff";
	int rounds = 1 + (int)(fuzzdrive_rand(s) % 8);

	for (int r = 0; r < rounds; r++) {
		size_t at = len ? (size_t)(fuzzdrive_rand(s) % len) : 0;

		switch (fuzzdrive_rand(s) % 5) {
		case 0:		/* flip a byte */
			if (len)
				buf[at] ^= (uint8_t)(1u << (fuzzdrive_rand(s) % 8));
			break;
		case 1:		/* insert a special */
			if (len < cap) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = (uint8_t)tokens[fuzzdrive_rand(s) % (sizeof(tokens) - 1)];
				len++;
			}
			break;
		case 2:		/* cut the end */
			len = at;
			break;
		case 3:		/* repeat a piece */
			if (len) {
				size_t n = 1 + (size_t)(fuzzdrive_rand(s) % 64);

				if (at + n > len)
					n = len - at;
				if (len + n <= cap) {
					memmove(buf + at + n, buf + at, len - at);
					len += n;
				}
			}
			break;
		default:	/* a random byte */
			if (len)
				buf[at] = (uint8_t)fuzzdrive_rand(s);
			break;
		}
	}
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzzdrive_main - replay the seeds, then mutations of them */
static inline int fuzzdrive_main(int argc, char **argv)
{
	static uint8_t seed[FUZZDRIVE_MAX], work[FUZZDRIVE_MAX];
	unsigned long mutations = 0;
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	int opt, n = 0;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			mutations = strtoul(optarg, NULL, 10);
		else if (opt == 's')
			state = strtoull(optarg, NULL, 10) | 1;
		else
			return 2;
	}
	printf("1..%d\n", 2 * (argc - optind));
	for (int i = optind; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		size_t len;

		if (fp == NULL) {
			printf("not ok %d - cannot read %s\n", ++n, argv[i]);
			printf("not ok %d - no mutations of %s\n", ++n, argv[i]);
			continue;
		}
		len = fread(seed, 1, sizeof(seed) / 2, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(seed, len);
		printf("ok %d - %s read without harm\n", ++n, argv[i]);
		for (unsigned long m = 0; m < mutations; m++) {
			size_t wlen;

			memcpy(work, seed, len);
			wlen = fuzzdrive_mutate(work, len, sizeof(work), &state);
			LLVMFuzzerTestOneInput(work, wlen);
		}
		printf("ok %d - %lu mutations of %s read without harm\n", ++n, mutations, argv[i]);
	}
	return 0;
}

#define FUZZDRIVE_MAIN \
	int main(int argc, char **argv) { return fuzzdrive_main(argc, argv); }
#endif

#endif
