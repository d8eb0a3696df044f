#!/bin/sh
# message-man.sh - the message analysis's man pages are well-formed: groff
# (with tbl) finds nothing to warn about, man renders each at 80 columns
# without a warning and with its NAME section. Prints TAP.
set -u
top_srcdir=${top_srcdir:-.}
pages="docs/vigie-check.1 docs/vigie-scoring.7"
n=0
echo "1..4"
for page in $pages; do
	out=$(LC_ALL=C.UTF-8 groff -t -ww -z -Tutf8 -man "$top_srcdir/$page" 2>&1)
	n=$((n + 1))
	if [ -z "$out" ]; then
		echo "ok $n - $page: groff -ww reports no warning"
	else
		echo "$out" | sed 's/^/# /'
		echo "not ok $n - $page: groff -ww reports no warning"
	fi
	n=$((n + 1))
	err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$top_srcdir/$page" 2>&1 >/dev/null)
	if [ -z "$err" ] && LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$top_srcdir/$page" 2>/dev/null | grep -q '^NAME'; then
		echo "ok $n - $page: man -l renders it at 80 columns, no warning"
	else
		echo "not ok $n - $page: man -l renders it at 80 columns, no warning"
	fi
done
