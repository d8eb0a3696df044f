/*
 * parsedump - what the parsers make of a message file as the analysis
 * (message.c) drives them: the decoded From, Sender, Reply-To, Return-Path
 * and Subject, the text parts, and the links. The golden-file test compares
 * its output with the .ref file next to each message under
 * tests/data/parsers, read in chunks of several sizes.
 *
 * usage: parsedump [-m] [-c SIZE] FILE    (-m: an mbox; -c: read size)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe.h"

int main(int argc, char **argv)
{
	bool mbox = false;
	size_t chunk = 1021, n;
	struct observe *o;
	struct rawmsg *r;
	char *buf;
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "mc:")) != -1) {
		if (c == 'm')
			mbox = true;
		else if (c == 'c' && atoi(optarg) > 0)
			chunk = (size_t)atoi(optarg);
		else
			optind = argc + 1;
	}
	if (optind != argc - 1 || (f = fopen(argv[optind], "rb")) == NULL) {
		fprintf(stderr, "usage: parsedump [-m] [-c SIZE] FILE\n");
		return 2;
	}
	buf = malloc(chunk);
	o = observe_new(stdout, 1 << 20);
	r = observe_rawmsg(o, mbox);
	while ((n = fread(buf, 1, chunk, f)) > 0)
		rawmsg_feed(r, buf, n);
	rawmsg_finish(r);
	rawmsg_free(r);
	observe_free(o);
	free(buf);
	fclose(f);
	return 0;
}
