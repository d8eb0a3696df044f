#!/bin/sh
# message-golden.sh - vigie-check's message reports, human and JSON Lines,
# for a few messages of tests/data/messages, compared with the golden files
# tests/golden/messages.out and messages.jsonl. Prints TAP.
#
# After a deliberate change of the explanations, regenerate them with
#   cd tests/data/messages && ../../../milter/vigie-check --test-keys keys/test-keys \
#     $(cat ../../golden/messages.list) > ../../golden/messages.out
# (and --json into messages.jsonl), then review the diff.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
check=${VIGIE_CHECK:-$top_builddir/milter/vigie-check}
case $check in /*) ;; *) check=$(pwd)/$check ;; esac
golden=$(cd "$top_srcdir/tests/golden" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-message-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "1..2"
cd "$top_srcdir/tests/data/messages" || exit 1
# shellcheck disable=SC2046
"$check" --test-keys keys/test-keys $(cat "$golden/messages.list") > "$tmp/text" 2>&1
diff -u "$golden/messages.out" "$tmp/text" >&2
if [ $? = 0 ]; then echo "ok 1 - human report matches tests/golden/messages.out"; else echo "not ok 1 - human report matches tests/golden/messages.out"; fi
# shellcheck disable=SC2046
"$check" --json --test-keys keys/test-keys $(cat "$golden/messages.list") > "$tmp/json" 2>&1
diff -u "$golden/messages.jsonl" "$tmp/json" >&2
if [ $? = 0 ]; then echo "ok 2 - JSON Lines match tests/golden/messages.jsonl"; else echo "not ok 2 - JSON Lines match tests/golden/messages.jsonl"; fi
