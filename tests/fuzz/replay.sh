#!/bin/sh
# replay.sh - every fuzz target of tests/fuzz/targets, built with the replay
# driver, runs over its seeds and then its fixed set of mutants: no crash, no
# broken invariant, no sanitizer report, no input over 10 s. Two TAP lines a
# target. A failing input is kept as tests/fuzz/failed-NAME.bin under the
# build directory, to add to tests/fuzz/seeds/NAME-regress-WHAT.bin once fixed.
#
#   FUZZ_MUTANTS=N  the same number of mutants for every target (default:
#                   the table's); FUZZ_TARGETS="a b" runs only those.
: "${top_srcdir:=$(pwd)}" "${top_builddir:=$(pwd)}"
table=$top_srcdir/tests/fuzz/targets
# fuzz_analysis verifies DKIM with the message corpus' keys
VIGIE_FUZZ_KEYS=$top_srcdir/tests/data/messages/keys/test-keys
export VIGIE_FUZZ_KEYS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-replay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

targets=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$table" | awk '{print $1}')
[ -n "${FUZZ_TARGETS:-}" ] && targets=$FUZZ_TARGETS
echo "1..$(( $(echo $targets | wc -w) * 2 ))"
n=0
for name in $targets; do
	line=$(sed -e 's/#.*//' "$table" | awk -v t="$name" '$1 == t')
	mutants=${FUZZ_MUTANTS:-$(echo "$line" | awk '{print $2}')}
	# the seeds: the table's patterns, then NAME-*; patterns matching nothing drop out
	seeds=
	for pat in $(echo "$line" | awk '{$1 = $2 = ""; print}') "tests/fuzz/seeds/$name-*"; do
		for f in "$top_srcdir"/$pat; do
			case " $seeds " in *" $f "*) continue ;; esac
			[ -f "$f" ] && seeds="$seeds $f"
		done
	done
	bin=$top_builddir/tests/fuzz/fuzz_$name
	# shellcheck disable=SC2086 # one seed per word
	"$bin" -n "$mutants" -t 10 -o "$tmp/last" $seeds >"$tmp/out" 2>&1
	status=$?
	for k in 1 2; do
		n=$((n + 1))
		got=$(grep "^ok $k - " "$tmp/out" | sed "s/^ok $k - //")
		if [ "$status" = 0 ] && [ -n "$got" ]; then
			echo "ok $n - fuzz_$name: $got"
		else
			echo "not ok $n - fuzz_$name: $([ $k = 1 ] && echo seeds || echo mutants) (exit status $status)"
		fi
	done
	if [ "$status" != 0 ]; then
		grep -v '^ok \|^1\.\.' "$tmp/out" | tail -15 | sed 's/^/# /'
		if [ -s "$tmp/last" ]; then
			cp "$tmp/last" "$top_builddir/tests/fuzz/failed-$name.bin"
			echo "# the failing input: $top_builddir/tests/fuzz/failed-$name.bin"
		fi
	fi
done
