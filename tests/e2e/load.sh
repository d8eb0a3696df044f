#!/bin/bash
# load.sh - vigie behind a real Postfix under load: S concurrent SMTP
# sessions send N messages (smtp-source, one message a session, each to
# its own numbered recipient) through Postfix and vigie to smtp-sink.
# Asserts: every message sent arrives, each number exactly once (none lost,
# none duplicated), each carries X-Vigie-Verdict; Postfix logs no milter
# trouble; vigie's RSS after the run is within 10% + 2 MB of its RSS after
# a warm-up at the same concurrency, its descriptor count is back where it
# was. Prints TAP and the figures (rate, RSS, descriptors, threads).
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

t0=$(now)
source_run "$N" load.example.net; rc=$?
t1=$(now)
wait_for $(( 120 + N / 20 )) '[ "$(sink_count)" -ge $((WARM + N)) ] && [ "$(queue_count mx)" = 0 ]'
t2=$(now)
sleep 1
rss1=$(rss_kb "$VIGIE_PID") fd1=$(fd_count "$VIGIE_PID") th1=$(threads "$VIGIE_PID")

bed_numbers_check "$N" load.example.net
t "smtp-source sent all $N messages over $S sessions without an error" '[ "$rc" = 0 ] && ! grep -qi "error\|refused\|fatal" "$WORK/source.out"'
t "all $N arrived at the sink ($GOT), none missing ($MISSING)" '[ "$GOT" = "$N" ] && [ "$MISSING" = 0 ]'
t "none duplicated ($DUPS numbers seen twice)" '[ "$DUPS" = 0 ]'
tagged=$(tagged_count)
t "every message went through vigie: $tagged of $((WARM + N)) carry X-Vigie-Verdict" '[ "$tagged" = $((WARM + N)) ]'
t "Postfix logged no milter warning or error" '! grep -Eiq "milter.*(error|fatal|warning)|warning: milter" "$WORK/mx.maillog"'
t "vigie is still running" 'alive "$VIGIE_PID"'
limit=$(( rss0 + rss0 / 10 + 2048 ))
t "vigie's RSS flat: $rss0 kB after the warm-up, $rss1 kB after $N messages (limit $limit kB)" \
	'[ -n "$rss1" ] && [ "$rss1" -le "$limit" ]'
t "vigie's descriptors back where they were: $fd0 before, $fd1 after" '[ "$fd1" = "$fd0" ]'
echo "# sent in $(elapsed "$t0" "$t1") s ($(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}') msg/s); all delivered after $(elapsed "$t0" "$t2") s"
echo "# vigie threads: $th0 after the warm-up, $th1 after the run; peak RSS (VmHWM) $(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$VIGIE_PID/status")"
bed_end
