#!/bin/sh
# churn.sh - vigie reloaded every second (SIGUSR1) while the load generator
# (contrib/miltergen/miltergen) keeps 8 connections busy and tests/e2e/milterdrop.py
# keeps opening connections that give up half-way (mid-negotiation,
# mid-header, mid-packet, mid-body, before the end-of-message reply, after
# ABORT). Two rounds of D seconds. Asserts: every message the generator
# completed got its X-Vigie-Verdict (no error of any kind), every dropped
# connection was answered properly up to the drop, every reload was done,
# vigie still runs; after the second round its RSS is within 10% + 2 MB of
# its RSS after the first, its descriptor count is the one it had idle
# before any load. Prints TAP and the figures.
#
# D is 8 s in make check; VIGIE_LOAD=full makes it 60 s. Stops what it
# starts, by PID.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}" "${PYTHON3:=/usr/bin/python3}"
vigie=$top_builddir/milter/vigie
gen=$top_builddir/contrib/miltergen/miltergen
drop="$PYTHON3 $top_srcdir/tests/e2e/milterdrop.py"
D=8
[ "${VIGIE_LOAD:-}" = full ] && D=60
D=${VIGIE_CHURN_SECONDS:-$D}
[ -x "$gen" ] || { echo "1..0 # SKIP $gen is not built"; exit 0; }
# never the network: a namespace of our own when the kernel allows it
if [ -z "${VIGIE_CHURN_NETNS:-}" ] && unshare -n true 2>/dev/null; then
	VIGIE_CHURN_NETNS=1 exec unshare -n sh "$0" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-churn.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown nobody "$tmp"
# what vigie reads once it runs as nobody: in its own directory, not the checkout
cp "$top_srcdir/tests/data/messages/keys/test-keys" "$tmp/test-keys" && chmod 644 "$tmp/test-keys"

. "$top_srcdir/tests/tap.sh"
wait_for() { # seconds condition
	i=$(( $1 * 10 ))
	while [ "$i" -gt 0 ]; do eval "$2" && return 0; sleep 0.1; i=$((i - 1)); done
	eval "$2"
}
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
fd_list() { ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.* \([0-9]*\) -> /\1 -> /p' | sort -n; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$2"; }

# the corpus: the parsers' test messages, and the analysis' when there are some
mkdir "$tmp/corpus"
for f in "$top_srcdir"/tests/data/parsers/*.eml "$top_srcdir"/tests/data/messages/*.eml; do
	[ -f "$f" ] && cp "$f" "$tmp/corpus/"
done
cat > "$tmp/vigie.conf" <<EOF
Socket local:$tmp/vigie.sock
PidFile $tmp/vigie.pid
Syslog no
InternalHosts none
AuthservID mx.churn.test
TestPublicKeys $tmp/test-keys
EOF
"$vigie" -f -c "$tmp/vigie.conf" 2>"$tmp/vigie.log" &
pid=$!
pids="$pids $pid"
wait_for 20 '[ -S "$tmp/vigie.sock" ] && [ -s "$tmp/vigie.pid" ]' || {
	echo "Bail out! vigie did not start"; sed 's/^/# /' "$tmp/vigie.log"; exit 1; }
echo "# vigie: $vigie; two rounds of $D s, corpus of $(ls "$tmp/corpus" | wc -l) messages"
"$gen" -q -c 8 -n 400 -e X-Vigie-Verdict -p "$pid" "unix:$tmp/vigie.sock" "$tmp/corpus" >"$tmp/warm" 2>&1
t "warm-up: 400 messages, every one tagged" '[ "$(field errors "$tmp/warm")" = 0 ]'
# the reference count after the warm-up, as load.sh takes it: libmilter's
# worker pool opens its pipe only once the brand pack and the SPF and DMARC
# libraries are loaded, after the socket and the PID file appear; the same
# count twice, a second apart
fd0=
wait_for 3 'f=$(fd_count "$pid"); sleep 1; [ "$f" = "$(fd_count "$pid")" ] && fd0=$f'
fd_list "$pid" > "$tmp/fd0"

# round K - D seconds of load, drops and a reload every second
round() {
	k=$1
	"$gen" -q -c 8 -d "$D" -e X-Vigie-Verdict -p "$pid" "unix:$tmp/vigie.sock" "$tmp/corpus" \
		>"$tmp/gen.$1" 2>&1 &
	g=$!
	$drop -c 4 -d "$D" "unix:$tmp/vigie.sock" >"$tmp/drop.$1" 2>&1 &
	d=$!
	sent=0
	while [ "$sent" -lt "$D" ]; do
		sleep 1
		kill -USR1 "$pid" && sent=$((sent + 1))
	done
	wait "$g"; grc=$?
	wait "$d"; drc=$?
	# the last reload may still be under way
	wait_for 10 '[ "$(grep -c "reload: done" "$tmp/vigie.log")" -ge $(( k * D )) ]'
	# closed connections leave vigie once its threads have seen them go
	wait_for 10 '[ "$(fd_count "$pid")" = "$fd0" ]'
	sleep 1
	msgs=$(field messages "$tmp/gen.$1") errs=$(field errors "$tmp/gen.$1")
	t "round $1: $msgs messages completed under reloads and drops, all tagged, no error ($errs)" \
		'[ "$grc" = 0 ] && [ "$errs" = 0 ] && [ "${msgs:-0}" -gt 0 ]'
	t "round $1: dropped connections: $(sed 's/ .*//' "$tmp/drop.$1") made, each answered up to the drop" \
		'[ "$drc" = 0 ]'
	grep '^error' "$tmp/drop.$1" | head -5 | sed 's/^/# /'
	t "round $1: $D reloads asked, every one done" \
		'[ "$(grep -c "reload: done" "$tmp/vigie.log")" = $(( k * D )) ] && ! grep -q "reload: failed" "$tmp/vigie.log"'
	echo "# round $1: $(grep -o 'msg_per_s=[^ ]*\|p99_ms=[^ ]*\|max_ms=[^ ]*\|rss_peak_kb=[^ ]*' "$tmp/gen.$1" | tr '\n' ' ')"
	echo "# round $1: $(cat "$tmp/drop.$1")"
}

round 1
rss1=$(rss_kb "$pid") fd1=$(fd_count "$pid")
round 2
rss2=$(rss_kb "$pid") fd2=$(fd_count "$pid")
fd_list "$pid" > "$tmp/fd2"
t "vigie still runs after $((2 * D)) reloads" 'alive "$pid"'
limit=$(( rss1 + rss1 / 10 + 2048 ))
t "RSS stable: $rss1 kB after round 1, $rss2 kB after round 2 (limit $limit kB)" \
	'[ -n "$rss2" ] && [ "$rss2" -le "$limit" ]'
t "descriptors stable: $fd0 after the warm-up, $fd1 after round 1, $fd2 after round 2" \
	'[ "$fd1" = "$fd0" ] && [ "$fd2" = "$fd0" ]'
diff "$tmp/fd0" "$tmp/fd2" | sed 's/^/# /'
kill -TERM "$pid"
wait "$pid"
rc=$?
t "vigie stops cleanly on SIGTERM (exit status $rc)" '[ "$rc" = 0 ]'
echo "1..$n"
[ "$fails" = 0 ]
