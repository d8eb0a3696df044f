#!/bin/bash
# postfix.sh - vigie behind a real Postfix: a private instance (postfix -c,
# no systemd) relaying to smtp-sink, three smtpd services each with its own
# vigie over a unix socket (tag, reject, quarantine), swaks and smtp-source
# as clients. Asserts the headers of delivered messages, that every message
# sent arrived or sits where it should (none lost), the 5.7.1 reply of a
# rejected message, a quarantined one in the hold queue. Prints TAP.
#
# Runs as root inside "unshare -n" (only loopback exists) when it can. Stops
# only what it started, by PID (and its own Postfix with postfix -c DIR stop).
# VIGIE_E2E_BIN picks the daemon (default milter/vigie).
set -u
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (runs a private Postfix)"
for p in /usr/sbin/postfix /usr/sbin/smtp-sink /usr/sbin/smtp-source /usr/bin/swaks; do
	[ -x "$p" ] || skip "$p is not installed"
done
if [ -z "${VIGIE_E2E_NETNS:-}" ] && unshare -n true 2>/dev/null; then
	exec unshare -n env VIGIE_E2E_NETNS=1 bash "$0" "$@"
fi
if [ -n "${VIGIE_E2E_NETNS:-}" ]; then
	ip link set lo up || exit 1
	base=10000
else
	# in the host's namespace: ports of our own, away from other tests
	base=$(( 20000 + ($$ % 2000) * 10 ))
fi
PORT_TAG=$((base + 25)) PORT_REJECT=$((base + 26)) PORT_QUAR=$((base + 27)) PORT_INET=$((base + 28))
PORT_SINK=$((base + 30)) PORT_MILTER=$((base + 31))

vigie=${VIGIE_E2E_BIN:-$top_builddir/milter/vigie}
[ -x "$vigie" ] || skip "no vigie binary built"

WORK=$(mktemp -d /tmp/vigie-e2e.XXXXXX) || exit 1
echo "# no records: DNS never from the network" > "$WORK/empty.zone"
chmod 755 "$WORK"
CONF=$WORK/conf Q=$WORK/queue DATA=$WORK/data SINK=$WORK/sink RUN=$WORK/run
mkdir -p "$CONF" "$Q" "$DATA" "$SINK" "$RUN" "$WORK/msg"
chown postfix:postfix "$DATA" "$SINK"
chown nobody "$RUN"
SINK_PID= PF_MASTER= VIGIE_PIDS=

teardown() {
	if [ -n "$PF_MASTER" ]; then
		/usr/sbin/postfix -c "$CONF" stop >/dev/null 2>&1
		for _ in $(seq 50); do kill -0 "$PF_MASTER" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$PF_MASTER" 2>/dev/null && kill -TERM "$PF_MASTER"
	fi
	for p in $VIGIE_PIDS $SINK_PID; do kill -TERM "$p" 2>/dev/null; done
	for p in $VIGIE_PIDS $SINK_PID; do wait "$p" 2>/dev/null; done
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
trap teardown EXIT

. "$top_srcdir/tests/tap.sh"
wait_for() { # seconds condition
	local i
	for i in $(seq $(( $1 * 10 ))); do eval "$2" && return 0; sleep 0.1; done
	eval "$2"
}
sink_count() { find "$SINK" -type f | wc -l; }
hold_count() { find "$Q/hold" -type f 2>/dev/null | wc -l; }
queue_count() { find "$Q/incoming" "$Q/active" "$Q/deferred" "$Q/maildrop" -type f 2>/dev/null | wc -l; }
# headers of a dumped message, folded lines joined
headers_of() { awk '/^\r?$/ {exit} /^[ \t]/ {sub(/^[ \t]+/, " "); printf "%s", $0; next} NR > 1 {print ""} {printf "%s", $0} END {print ""}' "$1" | tr -d '\r'; }
# the dump file holding a message with this Message-ID
dump_of() { grep -l -F "Message-ID: <$1>" "$SINK"/* 2>/dev/null | head -1; }

# ---- three vigie instances: one per action ----
start_vigie() { # name extra-config-lines [socket]
	cat > "$WORK/$1.conf" <<EOF
Socket ${3:-local:$RUN/$1.sock}
PidFile $RUN/$1.pid
Syslog no
AuthservID mx.e2e.test
InternalHosts none
TestDNS $WORK/empty.zone
$2
EOF
	"$vigie" -f -c "$WORK/$1.conf" 2>"$WORK/$1.log" &
	VIGIE_PIDS="$VIGIE_PIDS $!"
}
start_vigie tag "DKIMVerify always
SubjectTag [USURPATION ?]"
start_vigie reject "SuspectAction reject
ImpersonationAction reject"
start_vigie quarantine "SuspectAction quarantine
ImpersonationAction quarantine"
start_vigie inet "" "inet:$PORT_MILTER@127.0.0.1"
for v in tag reject quarantine inet; do
	wait_for 10 'grep -q started "$WORK/$v.log"' || { echo "Bail out! vigie $v did not start"; cat "$WORK/$v.log"; exit 1; }
done

# ---- smtp-sink: the next hop, one dump file per message ----
/usr/sbin/smtp-sink -u postfix -d "$SINK/%H%M%S." -m 500 127.0.0.1:"$PORT_SINK" 1000 \
	>"$WORK/sink.out" 2>&1 &
SINK_PID=$!

# ---- a private Postfix ----
cat "$top_srcdir/tests/e2e/main-common.cf" > "$CONF/main.cf"
cat >> "$CONF/main.cf" <<EOF
queue_directory = $Q
data_directory = $DATA
myhostname = mx.e2e.test
mydomain = e2e.test
relayhost = [127.0.0.1]:$PORT_SINK
maillog_file = $WORK/maillog
# a failing milter defers mail instead of passing it unchecked (see README)
milter_default_action = tempfail
EOF
cat > "$CONF/master.cf" <<EOF
127.0.0.1:$PORT_TAG inet n - n - - smtpd
  -o smtpd_milters=unix:$RUN/tag.sock
127.0.0.1:$PORT_REJECT inet n - n - - smtpd
  -o smtpd_milters=unix:$RUN/reject.sock
127.0.0.1:$PORT_QUAR inet n - n - - smtpd
  -o smtpd_milters=unix:$RUN/quarantine.sock
127.0.0.1:$PORT_INET inet n - n - - smtpd
  -o smtpd_milters=inet:127.0.0.1:$PORT_MILTER
EOF
cat "$top_srcdir/tests/e2e/master-services.cf" >> "$CONF/master.cf"
/usr/sbin/postfix -c "$CONF" check >"$WORK/check.out" 2>&1
/usr/sbin/postfix -c "$CONF" start >"$WORK/start.out" 2>&1 || { echo "Bail out! postfix did not start"; cat "$WORK/start.out"; exit 1; }
PF_MASTER=$(tr -d ' ' < "$Q/pid/master.pid")
wait_for 10 'echo QUIT | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT_QUAR" 2>/dev/null' || { echo "Bail out! smtpd not listening"; exit 1; }

# ---- the messages (LF line ends: swaks sends CRLF) ----
msg() { # file message-id from subject [extra header lines]
	{
		printf 'From: %s\nTo: opticien@example.net\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n' \
			"$3" "$4" "$(date -R)" "$2"
		[ -n "${5:-}" ] && printf '%s\n' "$5"
		printf '\nBonjour,\nMerci de confirmer votre RIB sur notre espace.\n'
	} > "$WORK/msg/$1"
}
IMP='"Viamedis" <paiement@xn--viamdis-eya.fr>'
msg clean clean.1@example.org 'Alice Martin <alice@example.org>' 'Compte rendu'
msg forged forged.1@example.org 'Alice Martin <alice@example.org>' 'Compte rendu' \
'X-Vigie-Verdict: clean score=0
Authentication-Results: mx.e2e.test; dkim=pass header.d=viamedis.fr
X-Vigie-Verdict: clean score=0 brand="Viamedis"
Authentication-Results: other.example; dkim=fail
X-Vigie-Reasons: none
Authentication-Results: mx.e2e.test; dkim=pass
x-vigie-verdict: clean'
msg imp imp.1@example.org "$IMP" 'Mise a jour de votre RIB'
msg rej rej.1@example.org "$IMP" 'Mise a jour de votre RIB'
msg quar quar.1@example.org "$IMP" 'Mise a jour de votre RIB'

send() { # port message-file -> swaks output in $WORK/swaks.<file>
	swaks --server 127.0.0.1 --port "$1" --from sender@example.org --to opticien@example.net \
		--data "$WORK/msg/$2" --timeout 20 >"$WORK/swaks.$2" 2>&1
}

send "$PORT_TAG" clean; rc_clean=$?
send "$PORT_TAG" forged; rc_forged=$?
send "$PORT_TAG" imp; rc_imp=$?
send "$PORT_REJECT" rej; rc_rej=$?
send "$PORT_QUAR" quar; rc_quar=$?

t "clean, forged and impersonation messages accepted (250)" \
	'[ $rc_clean = 0 ] && [ $rc_forged = 0 ] && [ $rc_imp = 0 ]'
wait_for 20 '[ "$(sink_count)" -ge 3 ] && [ "$(queue_count)" = 0 ]'
t "they reach the next hop" '[ -n "$(dump_of clean.1@example.org)" ] && [ -n "$(dump_of forged.1@example.org)" ] && [ -n "$(dump_of imp.1@example.org)" ]'

h=$(headers_of "$(dump_of clean.1@example.org)")
t "clean mail: X-Vigie-Verdict: clean score=0 (one space after the colon)" \
	'printf "%s\n" "$h" | grep -q "^X-Vigie-Verdict: clean score=0$"'
t "clean mail: no X-Vigie-Reasons" '! printf "%s\n" "$h" | grep -qi "^X-Vigie-Reasons:"'
# smtp-sink adds its X-* lines and Received on top of what Postfix sent
t "Authentication-Results on top of what Postfix sent, above its own Received" \
	'printf "%s\n" "$h" | grep -B1 "^Received: .* by mx.e2e.test (Postfix)" | head -1 | grep -qx "Authentication-Results: mx.e2e.test; dkim=none"'

h=$(headers_of "$(dump_of forged.1@example.org)")
t "forged: exactly one X-Vigie-Verdict left, vigie's own" \
	'[ "$(printf "%s\n" "$h" | grep -ci "^X-Vigie-Verdict:")" = 1 ] && printf "%s\n" "$h" | grep -q "^X-Vigie-Verdict: clean score=0$"'
t "forged: the forged X-Vigie-Reasons is gone" '! printf "%s\n" "$h" | grep -qi "^X-Vigie-Reasons:"'
t "forged: Authentication-Results claiming our authserv-id removed, ours alone remains" \
	'[ "$(printf "%s\n" "$h" | grep -c "^Authentication-Results: mx.e2e.test;")" = 1 ] && printf "%s\n" "$h" | grep -q "^Authentication-Results: mx.e2e.test; dkim=none$"'
t "forged: another server's Authentication-Results kept" \
	'printf "%s\n" "$h" | grep -q "^Authentication-Results: other.example; dkim=fail$"'

h=$(headers_of "$(dump_of imp.1@example.org)")
t "impersonation: X-Vigie-Verdict names verdict, score and brand" \
	'printf "%s\n" "$h" | grep -Eq "^X-Vigie-Verdict: impersonation score=[0-9]+ brand=\"Viamedis\"$"'
t "impersonation: X-Vigie-Reasons present" 'printf "%s\n" "$h" | grep -q "^X-Vigie-Reasons: "'
t "impersonation: Subject tagged once" \
	'printf "%s\n" "$h" | grep -q "^Subject: \[USURPATION ?\] Mise a jour de votre RIB$"'

t "reject: the client gets 550 5.7.1 with vigie's text" \
	'[ $rc_rej != 0 ] && grep -q "<\*\* 550 5.7.1 Message refuse : usurpation probable de Viamedis" "$WORK/swaks.rej"'
t "reject: nothing delivered" '[ -z "$(dump_of rej.1@example.org)" ]'
t "quarantine: accepted (250) then held" '[ $rc_quar = 0 ] && wait_for 10 "[ \$(hold_count) = 1 ]"'
t "quarantine: not delivered" '[ -z "$(dump_of quar.1@example.org)" ]'
t "quarantine: Postfix logs the milter hold, vigie logs why" \
	'grep -q "milter-hold: END-OF-MESSAGE" "$WORK/maillog" && grep -q "verdict=.* action=quarantine" "$WORK/quarantine.log"'

# ---- none lost: a burst through a unix-socket and a TCP-socket vigie ----
N=200
burst() { # port what
	local base t0 t1 got marked rc
	base=$(sink_count)
	t0=$(date +%s.%N)
	/usr/sbin/smtp-source -s 5 -m $N -l 2048 -f sender@example.org -t opticien@example.net \
		-M client.e2e.test 127.0.0.1:"$1" >"$WORK/source.$1" 2>&1; rc=$?
	wait_for 60 '[ $(( $(sink_count) - base )) -ge $N ] && [ "$(queue_count)" = 0 ]'
	t1=$(date +%s.%N)
	got=$(( $(sink_count) - base ))
	t "$2: $N messages sent, $got delivered, none deferred or lost" \
		'[ $rc = 0 ] && [ "$got" = $N ] && [ "$(queue_count)" = 0 ]'
	marked=$(grep -l "^X-Vigie-Verdict: " $(ls -t "$SINK"/* | head -$N) | wc -l)
	t "$2: every one of them carries X-Vigie-Verdict ($marked/$N)" '[ "$marked" = $N ]'
	echo "# $2: $N messages through Postfix + vigie in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s"
}
burst "$PORT_TAG" "unix socket"
burst "$PORT_INET" "TCP socket"

t "vigie logs one line per message under Postfix's queue id" \
	'[ "$(grep -Ec ": [0-9A-F]{6,}: verdict=" "$WORK/tag.log")" -ge $((N + 3)) ]'
t "Postfix logged no milter error" '! grep -Eq "milter.*(error|fatal)|warning: milter" "$WORK/maillog"'
t "the vigie instances are still running" 'for p in $VIGIE_PIDS; do kill -0 $p || exit 1; done'
echo "1..$n"
[ "$fails" = 0 ]
