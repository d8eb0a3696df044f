#!/bin/sh
# valgrind.sh - the miltertest suite again, with every vigie it starts run
# under valgrind's memcheck: each script must still pass, and each vigie
# must end with no memory error and no leak (definitely, indirectly or
# possibly lost; tests/milter/valgrind.supp names the one thing suppressed,
# libmilter's own threads). Two TAP lines a script. Slow (each vigie runs
# about 30 times slower): .ci/run runs it, and `make check-valgrind`.
#
#   tests/milter/valgrind.sh [SCRIPT.lua...]   (default: every script)
: "${top_srcdir:=$(pwd)}" "${top_builddir:=$(pwd)}"
skip() { echo "1..0 # SKIP $*"; exit 0; }
command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
miltertest=${MILTERTEST:-$(command -v miltertest)}
[ -n "$miltertest" ] && [ -x "$miltertest" ] || skip "miltertest is not installed"
if [ $# = 0 ]; then
	set -- "$top_srcdir"/tests/milter/*.lua
	[ -x "$top_builddir/milter/vigie" ] && set -- "$@" "$top_srcdir"/tests/milter/technique/*.lua
fi
logs=$(mktemp -d "${TMPDIR:-/tmp}/vigie-vg.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT INT TERM
chmod 1777 "$logs"

scripts=
for s; do
	case $s in */harness.lua) continue ;; esac
	scripts="$scripts $s"
done
echo "1..$(( $(echo $scripts | wc -w) * 2 ))"
n=0
for s in $scripts; do
	name=$(basename "$s" .lua)
	mkdir -p "$logs/$name" && chmod 1777 "$logs/$name"
	# auth-dns.lua needs the name server auth-dns.sh starts for it
	case $name in
	auth-dns) run="$top_srcdir/tests/milter/auth-dns.sh" ;;
	*) run="$top_srcdir/tests/milter/run-lua.sh $s" ;;
	esac
	# shellcheck disable=SC2086
	VIGIE_WRAP="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --vgdb=no --suppressions=$top_srcdir/tests/milter/valgrind.supp --log-file=$logs/$name/vg.%p" \
		top_srcdir=$top_srcdir top_builddir=$top_builddir MILTERTEST=$miltertest \
		sh $run >"$logs/$name.tap" 2>&1
	planned=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$logs/$name.tap")
	passed=$(grep -c '^ok ' "$logs/$name.tap")
	n=$((n + 1))
	if [ -n "$planned" ] && [ "$planned" = "$passed" ] && ! grep -q '^not ok' "$logs/$name.tap"; then
		echo "ok $n - $name.lua passes with vigie under valgrind ($passed tests)"
	else
		echo "not ok $n - $name.lua passes with vigie under valgrind ($passed of ${planned:-?} tests)"
		grep -E '^not ok|^# ' "$logs/$name.tap" | head -10 | sed 's/^/# /'
	fi
	# every vigie (one log per process) ended with a clean summary
	procs=0 bad=
	for log in "$logs/$name"/vg.*; do
		[ -f "$log" ] || continue
		procs=$((procs + 1))
		if ! grep -q 'ERROR SUMMARY: 0 errors' "$log" ||
		   grep -Eq '(definitely|indirectly|possibly) lost: [1-9]' "$log"; then
			bad="$bad $log"
		fi
	done
	n=$((n + 1))
	if [ "$procs" -gt 0 ] && [ -z "$bad" ]; then
		echo "ok $n - $name.lua: valgrind reports no error and no leak ($procs vigie processes)"
	else
		echo "not ok $n - $name.lua: valgrind reports no error and no leak ($procs vigie processes)"
		for log in $bad; do
			grep -E 'ERROR SUMMARY|lost:|Invalid|uninitialised|at 0x|by 0x' "$log" | head -30 | sed 's/^/# /'
		done
		[ "$procs" = 0 ] && echo "# no valgrind log: did vigie start?"
	fi
done
