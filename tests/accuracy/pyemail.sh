#!/bin/sh
# message-pyemail.sh - CPython's own email test messages (Debian's
# libpython3.11-testsuite), real odd MIME and headers from legitimate
# senders: vigie-check judges every one clean, and none crashes. Prints TAP.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
keys=$top_srcdir/tests/data/messages/keys/test-keys	# never DNS
check=${VIGIE_CHECK:-$top_builddir/milter/vigie-check}
dir=${PYEMAIL_DIR:-/usr/lib/python3.11/test/test_email/data}
set -- "$dir"/msg_*.txt
if [ ! -f "$1" ]; then
	echo "1..0 # SKIP $dir: install libpython3.11-testsuite"
	exit 0
fi
echo "1..$#"
n=0
for f in "$@"; do
	n=$((n + 1))
	out=$("$check" --json --test-keys "$keys" "$f" 2>&1)
	rc=$?
	verdicts=$(printf '%s\n' "$out" | sed -n 's/.*"verdict":"\([a-z]*\)".*/\1/p' | sort -u | tr '\n' ' ')
	if [ "$rc" = 0 ] && [ "$verdicts" = "clean " ]; then
		echo "ok $n - $(basename "$f"): clean"
	else
		echo "not ok $n - $(basename "$f"): exit $rc, verdicts: $verdicts"
		printf '%s\n' "$out" | head -5 | sed 's/^/# /'
	fi
done
