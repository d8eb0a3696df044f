#!/bin/bash
# kill.sh - vigie killed with SIGKILL in the middle of a run and started
# again, behind a real Postfix, with each milter_default_action:
#
#   tempfail: clients -> "front" Postfix (no milter; retries every second)
#     -> "mx" Postfix (vigie; milter_default_action = tempfail) -> sink.
#     mx answers 4xx while vigie is down; front keeps those messages and
#     sends them again. Asserts: every numbered message arrives exactly
#     once, every one of them tagged (nothing passed unchecked), and the
#     outage was real (front deferred some, mx logged the failures).
#   accept: clients -> "mxa" Postfix (vigie; accept) -> sink. Asserts:
#     every message arrives exactly once, those during the outage
#     untagged: tagged + untagged = all, untagged > 0, and untagged equals
#     the messages Postfix passed without the milter (one warning each);
#     once vigie is back, messages are tagged again.
#
# Size: 1,500 messages each over 10 sessions in make check; VIGIE_LOAD=full
# for 6,000 over 50. Prints TAP and the figures.
set -u
: "${top_srcdir:=$(pwd)}"
. "$top_srcdir/tests/e2e/bed.sh"
bed_begin "$0" "$@"

if [ "${VIGIE_LOAD:-}" = full ]; then N=6000 S=50; else N=1500 S=10; fi
N=${VIGIE_LOAD_MESSAGES:-$N} S=${VIGIE_LOAD_SESSIONS:-$S}
OUTAGE=${VIGIE_KILL_OUTAGE:-2}
FRONT=$((BED_PORT + 24)) MX=$((BED_PORT + 25)) MXA=$((BED_PORT + 26)) SINKPORT=$((BED_PORT + 30))

bed_sink "$SINKPORT"
bed_vigie tf ""
bed_vigie acc ""
bed_postfix mx "$MX" "$SINKPORT" "unix:$RUN/tf.sock" tempfail
bed_postfix front "$FRONT" "$MX" "" accept
bed_postfix mxa "$MXA" "$SINKPORT" "unix:$RUN/acc.sock" accept
echo "# vigie: $VIGIE; $N messages over $S sessions per run, vigie down about $OUTAGE s"

# domain_count DOMAIN - messages at the sink for DOMAIN; with a second
# argument, only those carrying X-Vigie-Verdict
domain_count() {
	find "$SINK" -type f -print0 | xargs -0 -r grep -l "^X-Rcpt-Args: <[0-9]*rcpt@$1>" |
		if [ $# = 2 ]; then xargs -r grep -l '^X-Vigie-Verdict: '; else cat; fi | wc -l
}

# unmilted LOG - queue ids of the messages Postfix passed without the
# milter: their smtpd session logged a milter warning (connect, MAIL, RCPT),
# or the cleanup process handling them did (header, body, end of message)
unmilted() {
	awk 'match($0, /(smtpd|cleanup)\[[0-9]+\]/) { p = substr($0, RSTART, RLENGTH) }
	/smtpd\[[0-9]+\]: connect from / { s[p] = ++n; next }
	/warning: .*[Mm]ilter/ { if (p ~ /^smtpd/) bad[s[p]] = 1; else cbad[c[p]] = 1; next }
	/smtpd\[[0-9]+\]: [0-9A-F]+: client=/ { q = $6; sub(/:$/, "", q); sess[q] = s[p]; next }
	/cleanup\[[0-9]+\]: [0-9A-F]+: message-id=/ { q = $6; sub(/:$/, "", q); c[p] = q }
	END { for (q in sess) if (bad[sess[q]] || cbad[q]) print q }' "$1" | LC_ALL=C sort
}

# untagged_ids DOMAIN INSTANCE - queue ids (at INSTANCE) of the messages for
# DOMAIN that reached the sink without X-Vigie-Verdict
untagged_ids() {
	find "$SINK" -type f -print0 | xargs -0 -r grep -l "^X-Rcpt-Args: <[0-9]*rcpt@$1>" |
		xargs -r grep -L '^X-Vigie-Verdict: ' |
		xargs -r sed -n "s/^[[:space:]]*by $2\.bed\.test (Postfix) with E\{0,1\}SMTP id \([0-9A-F]*\).*/\1/p" |
		LC_ALL=C sort
}

# run NAME PORT DOMAIN - send N messages; SIGKILL vigie NAME once a fifth
# has arrived, start it again OUTAGE seconds later; wait for delivery
run() {
	local name=$1 port=$2 domain=$3 src
	/usr/sbin/smtp-source -N -s "$S" -m "$N" -l 1024 -f sender@example.org -t "rcpt@$domain" \
		-M client.bed.test 127.0.0.1:"$port" >"$WORK/source.$name" 2>&1 &
	src=$!
	wait_for 120 '[ "$(domain_count "$domain")" -ge $(( N / 5 )) ]'
	pid=$(cat "$RUN/$name.pid")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	KILLED_AT=$(domain_count "$domain")
	sleep "$OUTAGE"
	bed_vigie_start "$name"
	wait "$src"
	SOURCE_RC=$?
}

# ---- tempfail: nothing lost, nothing unchecked ----
t0=$(now)
run tf "$FRONT" tf.example.net
wait_for $(( 120 + N / 20 )) '[ "$(domain_count tf.example.net)" -ge "$N" ] && [ "$(queue_count front)" = 0 ] && [ "$(queue_count mx)" = 0 ]'
t1=$(now)
bed_numbers_check "$N" tf.example.net
deferred=$(grep -c 'status=deferred' "$WORK/front.maillog")
failures=$(grep -Ec 'warning: .*[Mm]ilter' "$WORK/mx.maillog")
t "tempfail: the client sent all $N messages to the front Postfix" '[ "$SOURCE_RC" = 0 ]'
t "tempfail: the outage was real: vigie killed after $KILLED_AT messages, mx logged $failures milter failures, front deferred $deferred times" \
	'[ "$KILLED_AT" -lt "$N" ] && [ "$failures" -gt 0 ] && [ "$deferred" -gt 0 ]'
t "tempfail: all $N arrived after retries ($GOT), none missing ($MISSING)" '[ "$GOT" = "$N" ] && [ "$MISSING" = 0 ]'
t "tempfail: none duplicated ($DUPS)" '[ "$DUPS" = 0 ]'
tagged=$(domain_count tf.example.net tagged)
t "tempfail: every one went through vigie ($tagged of $N tagged)" '[ "$tagged" = "$N" ]'
t "tempfail: queues empty at the end" '[ "$(queue_count front)" = 0 ] && [ "$(queue_count mx)" = 0 ]'
echo "# tempfail: all delivered $(elapsed "$t0" "$t1") s after the start"

# ---- accept: nothing lost; the outage's messages pass untagged ----
t0=$(now)
run acc "$MXA" acc.example.net
wait_for $(( 120 + N / 20 )) '[ "$(domain_count acc.example.net)" -ge "$N" ] && [ "$(queue_count mxa)" = 0 ]'
t1=$(now)
bed_numbers_check "$N" acc.example.net
tagged=$(domain_count acc.example.net tagged)
untagged=$((GOT - tagged))
unmilted "$WORK/mxa.maillog" > "$WORK/unmilted"
untagged_ids acc.example.net mxa > "$WORK/untagged"
passed=$(wc -l < "$WORK/unmilted")
t "accept: the client sent all $N messages, none refused" '[ "$SOURCE_RC" = 0 ] && ! grep -qi "error\|refused" "$WORK/source.acc"'
t "accept: all $N arrived ($GOT), none missing ($MISSING), none duplicated ($DUPS)" \
	'[ "$GOT" = "$N" ] && [ "$MISSING" = 0 ] && [ "$DUPS" = 0 ]'
t "accept: $tagged tagged + $untagged untagged = $N, some untagged (vigie killed after $KILLED_AT)" \
	'[ $((tagged + untagged)) = "$N" ] && [ "$untagged" -gt 0 ]'
t "accept: the untagged ones are exactly those Postfix passed without the milter ($passed, by queue id)" \
	'[ "$untagged" = "$passed" ] && cmp -s "$WORK/unmilted" "$WORK/untagged"'
echo "# accept: all delivered $(elapsed "$t0" "$t1") s after the start"
/usr/sbin/smtp-source -N -s "$S" -m 200 -l 1024 -f sender@example.org -t rcpt@after.example.net \
	-M client.bed.test 127.0.0.1:"$MXA" >"$WORK/source.after" 2>&1
wait_for 60 '[ "$(domain_count after.example.net)" -ge 200 ] && [ "$(queue_count mxa)" = 0 ]'
tagged=$(domain_count after.example.net tagged)
t "accept: once vigie is back, messages are tagged again ($tagged of 200)" '[ "$tagged" = 200 ]'
t "each restarted vigie is running" 'alive "$(cat "$RUN/tf.pid")" && alive "$(cat "$RUN/acc.pid")"'
bed_vigie_stop tf
bed_vigie_stop acc
bed_end
