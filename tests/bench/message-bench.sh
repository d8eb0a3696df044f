#!/bin/sh
# message-bench.sh - the message analysis' speed, one command (make bench-message):
# a mixed corpus of 4 KB messages (gencorpus.py --size 4096), analysed
# without DKIM, then the same kind of corpus with one RSA-2048 signature per
# message, DKIM on. Min/median/max of several runs; the machine's load shows.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PYTHON3:=/usr/bin/python3}"
: "${RUNS:=5}" "${SECONDS_PER_RUN:=2}" "${COUNT:=500}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-message-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
gen="$top_srcdir/tests/bench/gencorpus.py"
bench="$top_builddir/tests/bench/bench_message"

"$PYTHON3" "$gen" --count "$COUNT" --size 4096 "$tmp/plain" >/dev/null
"$PYTHON3" "$gen" --count "$COUNT" --size 4096 --all-signed --ed25519 0 --keys "$tmp/keys" \
	"$tmp/signed" >/dev/null
echo "== DKIM off, $COUNT messages of 4096 bytes"
"$bench" --runs "$RUNS" --seconds "$SECONDS_PER_RUN" "$tmp/plain/messages"
echo "== DKIM on, one rsa-sha256 (2048-bit) signature per message"
"$bench" --runs "$RUNS" --seconds "$SECONDS_PER_RUN" --keys "$tmp/signed/test-keys" "$tmp/signed/messages"
