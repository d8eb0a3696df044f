#!/bin/sh
# run-lua.sh - run one miltertest script of tests/milter in a private
# directory and pass its TAP through, against milter/vigie (the scripts
# under tests/milter/technique/ hold one impersonation technique each).
script=$1
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
bin=$top_builddir/milter/vigie
miltertest=${MILTERTEST:-$(command -v miltertest)}
if [ -z "$miltertest" ] || [ ! -x "$miltertest" ]; then
	echo "1..0 # SKIP miltertest is not installed (Debian package miltertest)"
	exit 0
fi
if [ ! -x "$bin" ]; then
	echo "1..0 # SKIP $bin is not built"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-mt.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# VIGIE_WRAP: a command vigie runs under (tests/milter/valgrind.sh uses valgrind)
if [ -n "${VIGIE_WRAP:-}" ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$VIGIE_WRAP" "$bin" > "$tmp/vigie-wrapped"
	chmod 755 "$tmp/vigie-wrapped"
	bin=$tmp/vigie-wrapped
fi
# as root, vigie runs as nobody (its default UserID): give it the directory
[ "$(id -u)" = 0 ] && chown nobody "$tmp"
# a TCP port of its own for scripts that need one
port=$(( 30000 + $$ % 20000 ))
"$miltertest" -D vigie="$bin" -D tmp="$tmp" -D srcdir="$top_srcdir" -D port="$port" -s "$script"
