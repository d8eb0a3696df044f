#!/bin/sh
# libfuzzer.sh - build the message parsers' fuzz targets with clang's
# libFuzzer, ASan and UBSan, and run each for a while.
#
#   tests/fuzz/libfuzzer.sh [SECONDS] [TARGET...]   (default: 60 s, all targets)
#
# Run from the top of the source tree after ./configure (for config.h).
# Corpora grow in $FUZZ_DIR (default /tmp/vigie-fuzz); crashes land there too.
set -eu
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-message header mime html}
dir=${FUZZ_DIR:-/tmp/vigie-fuzz}
core="utf8 charset base64 qp header address content mime url entity html linkfind links rawmsg vbuf xalloc"
mkdir -p "$dir"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. -Imilter/core -Itests/fuzz"
libs="$(pkg-config --libs icu-uc)"
srcs=
for c in $core; do srcs="$srcs milter/core/$c.c"; done
for t in $targets; do
	# shellcheck disable=SC2086 # word lists on purpose
	clang $flags -o "$dir/fuzz_$t" tests/fuzz/fuzz_$t.c $srcs $libs
	mkdir -p "$dir/corpus_$t"
	cp tests/fuzz/seeds/parsers-* tests/data/parsers/*.eml tests/data/parsers/*.mbox "$dir/corpus_$t/" 2>/dev/null || true
	echo "== fuzz_$t for $secs s"
	(cd "$dir" && "./fuzz_$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 \
		-timeout=10 -print_final_stats=1 "corpus_$t" 2>&1 | tail -15)
done
