#!/bin/sh
# domain-accuracy.sh - the accuracy targets as a regression test: dnstwist's
# permutations of every domain of the built-in pack must be flagged (98%
# overall, all of the homoglyph, cyrillic, hyphenation, subdomain, tld-swap
# and various fuzzers) and none of the real domains of
# tests/data/negative-domains.txt, nor any brand domain. Not timed.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
python=${PYTHON3:-/usr/bin/python3}
acc=$top_builddir/tests/bench/domain_accuracy
if ! "$python" -c 'import dnstwist' 2>/dev/null; then
	echo "1..0 # SKIP dnstwist (Debian package dnstwist) is not installed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-accuracy.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
"$acc" --list > "$tmp/domains" &&
	"$python" "$top_srcdir/tests/bench/dnstwist-perms.py" < "$tmp/domains" > "$tmp/perms" || {
	echo "1..1"
	echo "not ok 1 - dnstwist permutations of the pack's domains"
	exit 1
}
# the report goes to stderr (the log), the TAP lines to stdout
"$acc" --tap "$tmp/perms" "$top_srcdir/tests/data/negative-domains.txt" > "$tmp/out"
status=$?
grep -v -E '^(1\.\.|ok |not ok )' "$tmp/out" >&2
grep -E '^(1\.\.|ok |not ok )' "$tmp/out"
exit $status
