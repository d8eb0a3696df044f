#!/bin/sh
# libfuzzer.sh - the fuzz targets of tests/fuzz/targets built with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, and run.
#
#   tests/fuzz/libfuzzer.sh build                 (make fuzz)
#   tests/fuzz/libfuzzer.sh run SECONDS [NAME...] (make fuzz-run; .ci/run)
#
# build: a copy of the sources (make distdir) configured with CC=clang
# --enable-libfuzzer in a tree of its own, $FUZZ_BUILD (default fuzz-build
# under the build directory): the library with -fsanitize=fuzzer-no-link,
# the targets with -fsanitize=fuzzer. Rebuilds only what changed.
# run: each target for SECONDS on its corpus ($FUZZ_BUILD/corpus/NAME,
# which keeps growing from run to run, seeded from the table's seeds),
# FUZZ_JOBS (default 2) at a time; prints TAP, one line a target with its
# executions, in the table's order. A crash, a leak, a sanitizer report,
# an input over 10 s or over 2 GB is a failure;
# the input is kept under $FUZZ_BUILD/crashes/NAME/ and its path printed:
# once fixed, add it as tests/fuzz/seeds/NAME-regress-WHAT.bin.
#
# Touches only $FUZZ_BUILD. Needs clang and libclang-rt-14-dev.
set -u
: "${top_srcdir:=$(pwd)}" "${top_builddir:=$(pwd)}" "${MAKE:=make}"
top_srcdir=$(cd "$top_srcdir" && pwd) top_builddir=$(cd "$top_builddir" && pwd)
FUZZ_BUILD=${FUZZ_BUILD:-$top_builddir/fuzz-build}
table=$top_srcdir/tests/fuzz/targets
# fuzz_analysis verifies DKIM with the message corpus' keys
VIGIE_FUZZ_KEYS=$top_srcdir/tests/data/messages/keys/test-keys
export VIGIE_FUZZ_KEYS

names() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$table" | awk '{print $1}'; }

# build - copy, configure (once), make the targets
build() {
	mkdir -p "$FUZZ_BUILD/obj" || exit 1
	# distdir copies with timestamps kept: make rebuilds only what changed
	$MAKE -s -C "$top_builddir" distdir distdir="$FUZZ_BUILD/src.new" >/dev/null || exit 1
	rm -rf "$FUZZ_BUILD/src" && mv "$FUZZ_BUILD/src.new" "$FUZZ_BUILD/src" || exit 1
	cd "$FUZZ_BUILD/obj" || exit 1
	if [ ! -f config.status ]; then
		../src/configure -q CC=clang CFLAGS="-g -O1" --enable-libfuzzer || exit 1
	fi
	$MAKE -s -j2 fuzz-targets || exit 1
	echo "libFuzzer targets in $FUZZ_BUILD/obj/tests/fuzz: $(names | tr '\n' ' ')"
}

# seeds NAME - the table's seeds of NAME, and tests/fuzz/seeds/NAME-*
seeds() {
	pats=$(sed -e 's/#.*//' "$table" | awk -v t="$1" '$1 == t {$1 = $2 = ""; print}')
	for pat in $pats "tests/fuzz/seeds/$1-*"; do
		for f in "$top_srcdir"/$pat; do
			[ -f "$f" ] && echo "$f"
		done
	done
}

# stat NAME FILE - a final statistic libFuzzer printed
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

# one NAME SECONDS - fuzz one target; its TAP line (numbered later) and any
# diagnostics go to $FUZZ_BUILD/NAME.tap, its executions to NAME.runs
one() {
	name=$1 secs=$2
	bin=$FUZZ_BUILD/obj/tests/fuzz
	corpus=$FUZZ_BUILD/corpus/$name crashes=$FUZZ_BUILD/crashes/$name
	mkdir -p "$corpus" "$crashes"
	seeds "$name" | while read -r f; do cp "$f" "$corpus/seed-$(basename "$f")"; done
	log=$FUZZ_BUILD/$name.log
	before=$(ls "$crashes" | wc -l)
	"$bin/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" \
		"$corpus" >"$log" 2>&1
	status=$?
	runs=$(stat number_of_executed_units "$log")
	echo "${runs:-0}" >"$FUZZ_BUILD/$name.runs"
	found=$(( $(ls "$crashes" | wc -l) - before ))
	what="${runs:-0} runs in $secs s, corpus $(ls "$corpus" | wc -l) inputs, peak RSS $(stat peak_rss_mb "$log") MB"
	{
		if [ "$status" = 0 ] && [ "$found" = 0 ]; then
			echo "ok - fuzz_$name: $what, no finding"
		else
			echo "not ok - fuzz_$name: $what, exit status $status"
			grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|deadly signal|Test unit written|ALARM|out-of-memory' "$log" | head -8 | sed 's/^/# /'
			echo "# log: $log"
		fi
	} >"$FUZZ_BUILD/$name.tap"
}

# run SECONDS [NAME...] - the targets, FUZZ_JOBS (2) at a time; TAP in order
run() {
	n=0 failed=0 total=0
	secs=$1
	shift
	list=${*:-$(names)}
	jobs=${FUZZ_JOBS:-2}
	echo "1..$(echo $list | wc -w)"
	set -- $list
	while [ $# -gt 0 ]; do
		batch=
		i=0
		while [ $# -gt 0 ] && [ "$i" -lt "$jobs" ]; do
			rm -f "$FUZZ_BUILD/$1.tap" "$FUZZ_BUILD/$1.runs"
			one "$1" "$secs" &
			batch="$batch $1"
			i=$((i + 1))
			shift
		done
		wait
		for name in $batch; do
			n=$((n + 1))
			total=$((total + $(cat "$FUZZ_BUILD/$name.runs" 2>/dev/null || echo 0)))
			if [ -s "$FUZZ_BUILD/$name.tap" ]; then
				sed "1s/^\(not \)*ok -/\1ok $n -/" "$FUZZ_BUILD/$name.tap"
			else
				echo "not ok $n - fuzz_$name: no result (the runner itself failed)"
			fi
			grep -q '^not ok' "$FUZZ_BUILD/$name.tap" 2>/dev/null && failed=$((failed + 1))
		done
	done
	echo "# libFuzzer: $total executions over $n targets, $failed with findings"
	[ "$failed" = 0 ]
}

case ${1:-} in
build) build ;;
run) shift; [ $# -ge 1 ] || { echo "usage: $0 run SECONDS [NAME...]" >&2; exit 2; }; run "$@" ;;
*) echo "usage: $0 build | run SECONDS [NAME...]" >&2; exit 2 ;;
esac
