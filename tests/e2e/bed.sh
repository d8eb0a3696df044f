# bed.sh - the Postfix test bed of the load and fault tests, sourced by
# tests/e2e/load.sh, kill.sh, dns.sh: private Postfix instances (postfix -c
# DIR, no systemd), smtp-sink as the next hop dumping one file per message,
# vigie daemons on unix sockets, TAP helpers, process probes.
#
# Needs root (Postfix). Re-runs the calling script inside "unshare -n"
# (only loopback exists) when the kernel allows it. Everything lives in
# $WORK; bed_teardown stops only what was started here, by PID (Postfix by
# "postfix -c DIR stop" and its master's PID). KEEP=1 keeps $WORK.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"

bed_skip() { echo "1..0 # SKIP $*"; exit 0; }

# bed_begin SCRIPT ARGS... - checks, private network, work directory
bed_begin() {
	[ "$(id -u)" = 0 ] || bed_skip "needs root (runs private Postfix instances)"
	for p in /usr/sbin/postfix /usr/sbin/smtp-sink /usr/sbin/smtp-source; do
		[ -x "$p" ] || bed_skip "$p is not installed"
	done
	if [ -z "${VIGIE_BED_NETNS:-}" ] && unshare -n true 2>/dev/null; then
		exec unshare -n env VIGIE_BED_NETNS=1 bash "$@"
	fi
	if [ -n "${VIGIE_BED_NETNS:-}" ]; then
		ip link set lo up || exit 1
		BED_PORT=10000
	else
		BED_PORT=$(( 20000 + ($$ % 2000) * 10 ))
	fi
	VIGIE=${VIGIE_E2E_BIN:-$top_builddir/milter/vigie}
	[ -x "$VIGIE" ] || bed_skip "no vigie binary built"
	WORK=$(mktemp -d /tmp/vigie-bed.XXXXXX) || exit 1
	# the DNS of the vigie instances that have none of their own (bed_vigie)
	echo "# no records: every lookup finds nothing" > "$WORK/empty.zone"
	chmod 755 "$WORK"
	SINK=$WORK/sink RUN=$WORK/run
	mkdir -p "$SINK" "$RUN" "$WORK/msg"
	chown postfix:postfix "$SINK"
	chown nobody "$RUN"
	BED_PIDS= BED_POSTFIX= BED_N=0 BED_FAILS=0
	trap bed_teardown EXIT
	trap 'exit 130' INT TERM
}

# bed_teardown - stop what was started, by PID
bed_teardown() {
	local conf pid
	for conf in $BED_POSTFIX; do
		pid=$(tr -d ' ' < "$(postconf -c "$conf" -h queue_directory)/pid/master.pid" 2>/dev/null)
		/usr/sbin/postfix -c "$conf" stop >/dev/null 2>&1
		for _ in $(seq 50); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	done
	for pid in $BED_PIDS; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $BED_PIDS; do wait "$pid" 2>/dev/null; done
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}

# t DESCRIPTION CONDITION - one TAP line
t() {
	BED_N=$((BED_N + 1))
	if eval "$2"; then
		echo "ok $BED_N - $1"
	else
		echo "not ok $BED_N - $1"
		BED_FAILS=$((BED_FAILS + 1))
	fi
}

# bed_end - the plan; the exit status says whether all passed
bed_end() {
	echo "1..$BED_N"
	[ "$BED_FAILS" = 0 ]
}

# wait_for SECONDS CONDITION - poll every 0.1 s
wait_for() {
	local i
	for i in $(seq $(( $1 * 10 ))); do eval "$2" && return 0; sleep 0.1; done
	eval "$2"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$1/status"; }

# bed_sink PORT - smtp-sink on 127.0.0.1:PORT, one dump file per message in $SINK
bed_sink() {
	/usr/sbin/smtp-sink -u postfix -d "$SINK/%H%M%S." -m 1000 127.0.0.1:"$1" 1000 \
		>"$WORK/sink.out" 2>&1 &
	BED_PIDS="$BED_PIDS $!"
	wait_for 10 "bed_listening $1" || { echo "Bail out! smtp-sink did not start"; exit 1; }
}
sink_count() { find "$SINK" -type f | wc -l; }

# bed_listening PORT - a TCP socket listens on PORT
bed_listening() { grep -q ":$(printf '%04X' "$1") 00000000:0000 0A" /proc/net/tcp; }

# bed_vigie NAME EXTRA-CONFIG - vigie -f on $RUN/NAME.sock; sets VIGIE_PID
# (the bodies kept for the warning banner in $WORK, unless EXTRA-CONFIG says where)
bed_vigie() {
	bed_spool="BannerSpool $WORK/$1.spool"
	case "$2" in *BannerSpool*) bed_spool= ;; esac
	# DNS never from the network: an empty zone unless the test gives its own
	bed_dns="TestDNS $WORK/empty.zone"
	case "$2" in *TestDNS*|*Nameservers*|*TestPublicKeys*) bed_dns= ;; esac
	cat > "$WORK/$1.conf" <<EOF
Socket local:$RUN/$1.sock
PidFile $RUN/$1.pid
Syslog no
AuthservID mx.bed.test
InternalHosts none
$bed_spool
$bed_dns
$2
EOF
	bed_vigie_start "$1"
}

# bed_vigie_start NAME - (re)start the vigie of NAME on its config; sets VIGIE_PID
bed_vigie_start() {
	"$VIGIE" -f -c "$WORK/$1.conf" 2>>"$WORK/$1.log" &
	VIGIE_PID=$!
	BED_PIDS="$BED_PIDS $VIGIE_PID"
	wait_for 20 "[ -S '$RUN/$1.sock' ] && [ \"\$(cat '$RUN/$1.pid' 2>/dev/null)\" = $VIGIE_PID ]" ||
		{ echo "Bail out! vigie $1 did not start"; sed 's/^/# /' "$WORK/$1.log"; exit 1; }
}

# bed_vigie_stop NAME - SIGTERM the vigie of NAME and wait: a TAP line
# saying it stopped cleanly (exit 0, not a crash on the way out)
bed_vigie_stop() {
	local pid rc
	pid=$(cat "$RUN/$1.pid" 2>/dev/null)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	t "vigie $1 stops cleanly on SIGTERM (exit status $rc)" '[ "$rc" = 0 ]'
}

# bed_postfix NAME SMTP-PORT RELAY-PORT MILTER DEFAULT-ACTION [MAIN.CF LINES]
# - a private Postfix: smtpd on 127.0.0.1:SMTP-PORT with MILTER ("" for
# none), relaying everything to 127.0.0.1:RELAY-PORT; retries every second
bed_postfix() {
	local name=$1 conf=$WORK/$1/conf q=$WORK/$1/queue data=$WORK/$1/data
	mkdir -p "$conf" "$q" "$data"
	chown postfix:postfix "$data"
	cat "$top_srcdir/tests/e2e/main-common.cf" > "$conf/main.cf"
	cat >> "$conf/main.cf" <<EOF
queue_directory = $q
data_directory = $data
myhostname = $name.bed.test
mydomain = bed.test
relayhost = [127.0.0.1]:$3
maillog_file = $WORK/$name.maillog
smtpd_milters = $4
milter_default_action = $5
default_process_limit = 400
in_flow_delay = 0
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
default_destination_concurrency_limit = 50
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
${6:-}
EOF
	cat > "$conf/master.cf" <<EOF
127.0.0.1:$2 inet n - n - - smtpd
EOF
	cat "$top_srcdir/tests/e2e/master-services.cf" >> "$conf/master.cf"
	/usr/sbin/postfix -c "$conf" check >"$WORK/$name.check" 2>&1
	/usr/sbin/postfix -c "$conf" start >"$WORK/$name.start" 2>&1 ||
		{ echo "Bail out! postfix $name did not start"; sed 's/^/# /' "$WORK/$name.start"; exit 1; }
	BED_POSTFIX="$BED_POSTFIX $conf"
	wait_for 20 "bed_listening $2" || { echo "Bail out! smtpd $name not listening"; exit 1; }
}

# queue_count NAME - messages in the queues of an instance (hold excluded)
queue_count() {
	find "$WORK/$1/queue/incoming" "$WORK/$1/queue/active" "$WORK/$1/queue/deferred" \
		"$WORK/$1/queue/maildrop" -type f 2>/dev/null | wc -l
}

# rcpt_numbers DOMAIN - the sequence numbers smtp-source -N gave the
# recipients at DOMAIN that reached the sink, one a line, sorted as text
rcpt_numbers() {
	find "$SINK" -type f -print0 |
		xargs -0 -r sed -n "s/^X-Rcpt-Args: <\([0-9]*\)[^0-9@]*@$1>.*/\1/p" | LC_ALL=C sort
}

# bed_numbers_check N DOMAIN - every number 1..N exactly once at DOMAIN:
# sets GOT, DUPS, MISSING
bed_numbers_check() {
	rcpt_numbers "$2" > "$WORK/numbers"
	GOT=$(wc -l < "$WORK/numbers")
	DUPS=$(uniq -d "$WORK/numbers" | wc -l)
	MISSING=$(seq "$1" | LC_ALL=C sort | LC_ALL=C comm -23 - "$WORK/numbers" | wc -l)
}

# tagged_count - dumped messages carrying X-Vigie-Verdict
tagged_count() {
	find "$SINK" -type f -print0 | xargs -0 -r grep -l '^X-Vigie-Verdict: ' | wc -l
}
