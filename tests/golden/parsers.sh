#!/bin/sh
# parsers-golden - every message under tests/data/parsers gives exactly its .ref
# transcript (decoded headers, MIME parts, links), whatever the size of the
# chunks it is read in. TAP output.
#
# To accept a changed transcript after review: tests/fuzz/parsedump FILE > FILE.ref
dump="${top_builddir:-.}/tests/fuzz/parsedump"
data="${top_srcdir:-.}/tests/data/parsers"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

set -- "$data"/*.eml "$data"/*.mbox
echo "1..$(( $# * 4 ))"
n=0
for msg; do
	name=$(basename "$msg")
	opt=
	case "$msg" in *.mbox) opt=-m ;; esac
	for size in 1 7 1021 65536; do
		n=$((n + 1))
		if "$dump" $opt -c "$size" "$msg" > "$tmp/out" 2> "$tmp/err" &&
		   cmp -s "$tmp/out" "$msg.ref"; then
			echo "ok $n - $name read $size bytes at a time gives its .ref"
		else
			echo "not ok $n - $name read $size bytes at a time gives its .ref"
			diff "$msg.ref" "$tmp/out" | sed 's/^/# /' | head -20
			sed 's/^/# /' "$tmp/err" | head -5
		fi
	done
done
