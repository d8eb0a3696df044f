#!/bin/sh
# stop-busy.sh - SIGTERM while messages are in the middle of their analysis:
# four connections wait on DKIM key lookups that a silent name server never
# answers (DNSTimeout 3) when vigie is told to stop. vigie lets those steps
# end (they use the runtime, the log and ICU, freed after them), then exits
# 0, within the lookups' time plus a margin, without "exiting anyway".
# Prints TAP. Never leaves its network namespace when it can have one.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}" "${PYTHON3:=/usr/bin/python3}"
vigie=$top_builddir/milter/vigie
gen=$top_builddir/contrib/miltergen/miltergen
[ -x "$vigie" ] && [ -x "$gen" ] || { echo "1..0 # SKIP vigie or miltergen not built"; exit 0; }
if [ -z "${VIGIE_STOP_NETNS:-}" ] && unshare -n true 2>/dev/null; then
	VIGIE_STOP_NETNS=1 exec unshare -n sh "$0" "$@"
fi
[ -n "${VIGIE_STOP_NETNS:-}" ] && ip link set lo up 2>/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-stop.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown nobody "$tmp"

. "$top_srcdir/tests/tap.sh"

# a name server that reads every query and answers none
port=$(( 40000 + $$ % 20000 ))
"$PYTHON3" -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(60)' "$port" &
pids="$pids $!"
cat > "$tmp/vigie.conf" <<CONF
Socket local:$tmp/vigie.sock
PidFile $tmp/vigie.pid
Syslog no
InternalHosts none
DKIMVerify always
Nameservers 127.0.0.1:$port
DNSTimeout 3
CONF
"$vigie" -f -c "$tmp/vigie.conf" 2>"$tmp/vigie.log" &
pid=$!
pids="$pids $pid"
i=0
while [ ! -S "$tmp/vigie.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mkdir "$tmp/corpus"
for k in 1 2 3 4; do cp "$top_srcdir/tests/data/messages/brand-signed.eml" "$tmp/corpus/m$k.eml"; done
"$gen" -q -c 4 -a accept,continue,tempfail "unix:$tmp/vigie.sock" "$tmp/corpus" >"$tmp/gen" 2>&1 &
g=$!
sleep 1
t0=$(date +%s.%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
t1=$(date +%s.%N)
wait "$g"
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
t "vigie stopped while four lookups were waiting: exit status $rc" '[ "$rc" = 0 ]'
t "it let them end first: stopped after $took s (lookups of 3 s, drain of at most 5 s)" \
	'awk -v s="$took" "BEGIN {exit !(s >= 1 && s < 6)}"'
t "every step ended before the teardown (no \"exiting anyway\"), the log ends with \"stopped\"" \
	'! grep -q "exiting anyway" "$tmp/vigie.log" && tail -1 "$tmp/vigie.log" | grep -q ": stopped$"'
echo "1..$n"
[ "$fails" = 0 ]
