#!/bin/sh
# domain-bench.sh - the domain engine's accuracy and speed, in one command
# (make bench-domain). Accuracy: recall per dnstwist fuzzer on the
# permutations of every domain of the built-in pack, false positives on
# tests/data/negative-domains.txt. Speed: checks per second on one core for
# three lists (mixed, clean ASCII, IDN lookalikes), several runs each.
set -eu
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
python=${PYTHON3:-/usr/bin/python3}
bench=$top_builddir/tests/bench
negatives=$top_srcdir/tests/data/negative-domains.txt
runs=${RUNS:-7}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

"$bench/domain_accuracy" --list > "$tmp/domains"
"$python" "$top_srcdir/tests/bench/dnstwist-perms.py" < "$tmp/domains" > "$tmp/perms"
echo "== accuracy: $(wc -l < "$tmp/perms") dnstwist permutations of $(wc -l < "$tmp/domains") brand domains"
"$bench/domain_accuracy" --verbose "$tmp/perms" "$negatives" > "$tmp/acc"
grep -v '^miss ' "$tmp/acc"
echo "misses by fuzzer and brand domain:"
grep '^miss ' "$tmp/acc" | awk '{print $2, $5}' | tr -d ')' | sort | uniq -c | sort -rn

# every 21st permutation: about 10,000 lookalikes, 95% of them IDN
awk 'NR % 21 == 0 { print $3 }' "$tmp/perms" > "$tmp/lookalikes"
cat "$negatives" "$tmp/lookalikes" > "$tmp/mixed"
for list in mixed negatives lookalikes; do
	case $list in
	negatives) file=$negatives; what="clean ASCII (tests/data/negative-domains.txt)" ;;
	lookalikes) file=$tmp/lookalikes; what="lookalikes (every 21st permutation)" ;;
	*) file=$tmp/mixed; what="mixed: the two lists below together" ;;
	esac
	echo "== speed, $what"
	taskset -c 0 "$bench/domain_speed" --runs "$runs" "$file" 2>/dev/null ||
		"$bench/domain_speed" --runs "$runs" "$file"
done
