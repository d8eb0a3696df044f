#!/bin/sh
# message-fuzz.sh - the whole analysis (tests/fuzz/fuzz_analysis.c, built
# without libFuzzer) over the message corpora and a fixed set of mutants of
# them, DKIM on with the corpus keys: no crash, no broken invariant. TAP.
bin="${top_builddir:-.}/tests/fuzz"
src="${top_srcdir:-.}/tests"
mutants=${FUZZ_MUTANTS:-3000}
VIGIE_FUZZ_KEYS="$src/data/messages/keys/test-keys"
export VIGIE_FUZZ_KEYS
echo "1..1"
if out=$("$bin/fuzz_analysis" -n "$mutants" "$src"/data/messages/*.eml "$src"/data/messages/*.mbox \
	"$src"/data/parsers/*.eml "$src"/fuzz/seeds/parsers-* 2>&1); then
	echo "ok 1 - fuzz_analysis survives the corpora and $mutants mutants"
else
	echo "not ok 1 - fuzz_analysis survives the corpora and $mutants mutants"
	echo "$out" | tail -5 | sed 's/^/# /'
fi
