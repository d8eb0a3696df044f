#!/bin/sh
# fuzz.sh - the DKIM area's fuzz targets replay their seeds and thousands of
# deterministic mutations of them: no crash, no sanitizer report, no hang.
# TAP on stdout; the targets print their own lines, renumbered here.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
seeds="$top_srcdir/tests/fuzz/seeds"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

set -- "$seeds"/authres-*.txt
nauth=$#
echo "1..$((2 * nauth + 2 + 2))"
n=0
# run NAME PROGRAM ARGS... - the program's TAP lines, then its exit status
run() {
	name=$1
	shift
	"$@" >"$tmp/out" 2>&1
	status=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			n=$((n + 1))
			echo "$line" | sed "s/^\(not \)\{0,1\}ok [0-9]*/\1ok $n/" ;;
		1..*) ;;
		*) echo "# $line" ;;
		esac
	done <"$tmp/out"
	n=$((n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $n - $name ended normally"
	else
		echo "not ok $n - $name ended with status $status"
	fi
}
run fuzz_authres "$top_builddir/tests/fuzz/fuzz_authres" -n 20000 "$@"
run fuzz_dkimcheck "$top_builddir/tests/fuzz/fuzz_dkimcheck" -n 3000 \
	"$top_srcdir/tests/data/dkim/rfc8463.eml"
