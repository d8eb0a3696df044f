#!/bin/sh
# parsers-fuzz - each fuzz target, built without libFuzzer, runs over the
# seed corpus and the test messages, then over a fixed set of mutants of
# them: no crash, no broken invariant, no sanitizer report. TAP output.
# (tests/fuzz/libfuzzer.sh runs the same targets under libFuzzer.)
bin="${top_builddir:-.}/tests/fuzz"
src="${top_srcdir:-.}/tests"
mutants=${FUZZ_MUTANTS:-3000}
set -- message header mime html
echo "1..$#"
n=0
for target; do
	n=$((n + 1))
	if out=$("$bin/fuzz_$target" -n "$mutants" "$src"/fuzz/seeds/parsers-* "$src"/data/parsers/*.eml "$src"/data/parsers/*.mbox 2>&1); then
		echo "ok $n - fuzz_$target survives the corpus and $mutants mutants"
	else
		echo "not ok $n - fuzz_$target survives the corpus and $mutants mutants"
		echo "$out" | tail -5 | sed 's/^/# /'
	fi
done
