#!/bin/bash
# load.sh - vigie behind a real Postfix under load: S concurrent SMTP
# sessions send N messages (smtp-source, one message a session, each to
# its own numbered recipient) through Postfix and vigie to smtp-sink.
# Asserts: every message sent arrives, each number exactly once (none lost,
# none duplicated), each carries X-Vigie-Verdict; Postfix logs no milter
# trouble. The messages go in two halves after a warm-up at the same
# concurrency: vigie's RSS after the second half is within 10% + 2 MB of
# its RSS after the first (what a leak of 100 bytes a message would break
# at full size), and its descriptor count is the one it had after the
# warm-up. Prints TAP and the figures (rate, RSS, descriptors, threads).
#
# Size: 2,000 messages over 50 sessions in make check; VIGIE_LOAD=full for
# the figures of the report, 20,000 messages over 200 sessions
# (VIGIE_LOAD_MESSAGES and VIGIE_LOAD_SESSIONS set them one by one).
set -u
: "${top_srcdir:=$(pwd)}"
. "$top_srcdir/tests/e2e/bed.sh"
bed_begin "$0" "$@"

if [ "${VIGIE_LOAD:-}" = full ]; then N=20000 S=200; else N=2000 S=50; fi
N=${VIGIE_LOAD_MESSAGES:-$N} S=${VIGIE_LOAD_SESSIONS:-$S}
WARM=$(( N / 10 > S * 4 ? N / 10 : S * 4 ))
SMTP=$((BED_PORT + 25)) SINKPORT=$((BED_PORT + 30))

bed_sink "$SINKPORT"
bed_vigie load ""
bed_postfix mx "$SMTP" "$SINKPORT" "unix:$RUN/load.sock" tempfail
echo "# vigie: $VIGIE; $N messages over $S sessions (warm-up $WARM)"

# source COUNT DOMAIN - smtp-source with numbered recipients at DOMAIN
source_run() {
	/usr/sbin/smtp-source -N -s "$S" -m "$1" -l 2048 -f sender@example.org -t "rcpt@$2" \
		-M client.bed.test 127.0.0.1:"$SMTP" >>"$WORK/source.out" 2>&1
}

source_run "$WARM" warm.example.net
wait_for 120 '[ "$(sink_count)" -ge "$WARM" ] && [ "$(queue_count mx)" = 0 ]'
sleep 1
rss0=$(rss_kb "$VIGIE_PID") fd0=$(fd_count "$VIGIE_PID") th0=$(threads "$VIGIE_PID")

# half K COUNT - send COUNT messages to half K's domain, wait for them all
half() {
	local want=$(( $(sink_count) + $2 ))
	source_run "$2" "load$1.example.net"
	rc=$((rc + $?))
	wait_for $(( 120 + $2 / 20 )) '[ "$(sink_count)" -ge "$want" ] && [ "$(queue_count mx)" = 0 ]'
	# closed connections leave vigie once its threads have seen them go
	wait_for 10 '[ "$(fd_count "$VIGIE_PID")" = "$fd0" ]'
	sleep 1
}
rc=0 H1=$(( N / 2 )) H2=$(( N - N / 2 ))
t0=$(now)
half 1 "$H1"
rss1=$(rss_kb "$VIGIE_PID") fd1=$(fd_count "$VIGIE_PID")
half 2 "$H2"
t1=$(now)
rss2=$(rss_kb "$VIGIE_PID") fd2=$(fd_count "$VIGIE_PID") th2=$(threads "$VIGIE_PID")

bed_numbers_check "$H1" load1.example.net
got=$GOT missing=$MISSING dups=$DUPS
bed_numbers_check "$H2" load2.example.net
got=$((got + GOT)) missing=$((missing + MISSING)) dups=$((dups + DUPS))
t "smtp-source sent all $N messages over $S sessions without an error" '[ "$rc" = 0 ] && ! grep -qi "error\|refused\|fatal" "$WORK/source.out"'
t "all $N arrived at the sink ($got), none missing ($missing)" '[ "$got" = "$N" ] && [ "$missing" = 0 ]'
t "none duplicated ($dups numbers seen twice)" '[ "$dups" = 0 ]'
tagged=$(tagged_count)
t "every message went through vigie: $tagged of $((WARM + N)) carry X-Vigie-Verdict" '[ "$tagged" = $((WARM + N)) ]'
t "Postfix logged no milter warning or error" '! grep -Eiq "milter.*(error|fatal|warning)|warning: milter" "$WORK/mx.maillog"'
t "vigie is still running" 'alive "$VIGIE_PID"'
limit=$(( rss1 + rss1 / 10 + 2048 ))
t "vigie's RSS flat: $rss1 kB after $H1 messages, $rss2 kB after $N (limit $limit kB)" \
	'[ -n "$rss2" ] && [ "$rss2" -le "$limit" ]'
t "vigie's descriptors back where they were: $fd0 after the warm-up, $fd1 and $fd2 after each half" \
	'[ "$fd1" = "$fd0" ] && [ "$fd2" = "$fd0" ]'
hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$VIGIE_PID/status")
bed_vigie_stop load
echo "# $N messages sent and delivered in $(elapsed "$t0" "$t1") s ($(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}') msg/s end to end)"
echo "# vigie RSS: $rss0 kB after the warm-up of $WARM, $rss1 kB after $H1, $rss2 kB after $N; peak (VmHWM) $hwm; threads $th0 then $th2"
bed_end
