#!/bin/sh
# domain-man.sh - the man pages of the domain engine and vigie-check are
# well-formed: groff finds nothing to warn about, and man renders each with
# its NAME section. Prints TAP.
set -u
top_srcdir=${top_srcdir:-.}
pages="docs/vigie-brands.5 docs/vigie-check.1"
n=0
failed=0
echo "1..4"
for page in $pages; do
	out=$(LC_ALL=C.UTF-8 groff -ww -z -Tutf8 -man "$top_srcdir/$page" 2>&1)
	n=$((n + 1))
	if [ -z "$out" ]; then
		echo "ok $n - $page: groff -ww reports no warning"
	else
		echo "$out" >&2
		echo "not ok $n - $page: groff -ww reports no warning"
		failed=1
	fi
	n=$((n + 1))
	if LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$top_srcdir/$page" 2>/dev/null | grep -q '^NAME'; then
		echo "ok $n - $page: man -l renders it"
	else
		echo "not ok $n - $page: man -l renders it"
		failed=1
	fi
done
exit $failed
