#!/bin/bash
# dns.sh - the name server goes away in the middle of a run. vigie behind a
# real Postfix verifies DKIM on every message (DKIMVerify always), its keys
# served by a dnsmasq started here; messages signed by viamedis.fr go
# through, ten at a time (tests/e2e/dnsfault.py sends and checks). Half-way
# dnsmasq is killed (SIGKILL); then a server that never answers takes its
# port. Asserts: every message arrives; dkim=pass while dnsmasq lives,
# dkim=temperror after, nothing else; no message is called impersonation
# because its key could not be fetched; vigie spends at most DNSTimeout on
# any message; while refused no message is slowed, while unanswered each
# waits its lookup's DNSTimeout (the client at most one more: see
# tests/e2e/dnsfault.py on libmilter's worker pool).
# 40 messages a phase in make check, 300 with VIGIE_LOAD=full. Prints TAP.
set -u
: "${top_srcdir:=$(pwd)}" "${PYTHON3:=/usr/bin/python3}"
. "$top_srcdir/tests/e2e/bed.sh"
bed_begin "$0" "$@"
[ -x "$top_builddir/milter/vigie" ] || bed_skip "milter/vigie is not built (needs the analysis)"
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || bed_skip "dnsmasq is not installed"
"$PYTHON3" -c 'import dkim' 2>/dev/null || bed_skip "dkimpy is not installed (python3-dkim)"

COUNT=40
[ "${VIGIE_LOAD:-}" = full ] && COUNT=300
TIMEOUT=2
SMTP=$((BED_PORT + 25)) SINKPORT=$((BED_PORT + 30)) DNSPORT=$((BED_PORT + 53))

# dnsmasq with the corpus keys, each record cut in strings of 255 bytes
while read -r name rec; do
	printf 'txt-record=%s' "$name"
	while [ -n "$rec" ]; do
		printf ',"%s"' "${rec:0:255}"
		rec=${rec:255}
	done
	echo
done < "$top_srcdir/tests/data/messages/keys/test-keys" > "$WORK/dnsmasq.conf"
"$dnsmasq" --no-daemon --conf-file="$WORK/dnsmasq.conf" --no-resolv --no-hosts \
	--bind-interfaces --listen-address=127.0.0.1 --port="$DNSPORT" 2>"$WORK/dnsmasq.err" &
DNS_PID=$!
BED_PIDS="$BED_PIDS $DNS_PID"
wait_for 10 'grep -q ":$(printf %04X "$DNSPORT") " /proc/net/udp' ||
	{ echo "Bail out! dnsmasq did not start: $(head -3 "$WORK/dnsmasq.err")"; exit 1; }

bed_sink "$SINKPORT"
bed_vigie dns "DKIMVerify always
Nameservers 127.0.0.1:$DNSPORT
DNSTimeout $TIMEOUT"
bed_postfix mx "$SMTP" "$SINKPORT" "unix:$RUN/dns.sock" tempfail

"$PYTHON3" "$top_srcdir/tests/e2e/dnsfault.py" "$SMTP" "$SINK" "$DNS_PID" "$DNSPORT" "$TIMEOUT" \
	"$COUNT" $((BED_N + 1)) "$WORK/dns.log" | tee "$WORK/py.tap"
ran=$(sed -n 's/^# ran \([0-9]*\) failed \([0-9]*\)$/\1/p' "$WORK/py.tap")
bad=$(sed -n 's/^# ran \([0-9]*\) failed \([0-9]*\)$/\2/p' "$WORK/py.tap")
BED_N=$((BED_N + ${ran:-0})) BED_FAILS=$((BED_FAILS + ${bad:-1}))
t "the sender ran to the end" '[ -n "$ran" ] && [ "$ran" -gt 0 ]'
t "Postfix logged no milter warning or error (no milter timeout)" \
	'! grep -Eiq "milter.*(error|fatal|warning)|warning: milter" "$WORK/mx.maillog"'
bed_vigie_stop dns
bed_end
