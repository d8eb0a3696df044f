#!/bin/sh
# auth-dns.sh - SPF and DMARC from a real name server: dnsmasq, started here
# in a network namespace of our own, publishes the zone of tests/data/auth
# (SPF with include, a, mx, redirect; DMARC p=none, quarantine, reject, sp=,
# pct=, strict alignment; DKIM keys; records that fail, forwarded to a
# server answering SERVFAIL), and the daemon under miltertest judges the messages of
# tests/data/auth, each from its own client address, HELO and envelope
# sender (tests/data/auth/cases): the verdict of the MANIFEST, spf= and
# dmarc= in the Authentication-Results it inserts (tests/milter/auth-dns.lua).
# TAP on stdout. Never leaves the namespace.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PYTHON3:=/usr/bin/python3}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)

skip() { echo "1..0 # SKIP $*"; exit 0; }
miltertest=${MILTERTEST:-$(command -v miltertest)}
[ -n "$miltertest" ] && [ -x "$miltertest" ] || skip "miltertest is not installed"
[ -x "$top_builddir/milter/vigie" ] || skip "milter/vigie is not built"
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || skip "dnsmasq is not installed (dnsmasq-base)"

# Run again inside a network namespace of our own: nothing else listens there.
if [ -z "${VIGIE_DNS_NETNS:-}" ]; then
	for flags in -n -rn; do
		if unshare $flags true 2>/dev/null; then
			VIGIE_DNS_NETNS=1 exec unshare $flags sh -c \
				'ip link set lo up 2>/dev/null; exec sh "$0"' "$0"
		fi
	done
	skip "no network namespace here (unshare -n)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-authdns.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown nobody "$tmp"

# free_port - a UDP port nobody uses in this namespace
free_port() {
	"$PYTHON3" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() { grep -q ":$(printf '%04X' "$1") " /proc/net/udp 2>/dev/null; }

port=$(free_port) fail=$(free_port) silent=$(free_port)
# the zone's SERVFAIL records: dnsmasq forwards them to a server that says so
"$PYTHON3" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, peer = s.recvfrom(4096)
    if len(q) >= 12:
        s.sendto(q[:2] + bytes([0x81, 0x82]) + q[4:6] + bytes(6) + q[12:], peer)' "$fail" &
pids="$pids $!"
"$PYTHON3" "$top_srcdir/tests/data/auth/zone2dnsmasq.py" "$top_srcdir/tests/data/auth/zone" \
	"$fail" "$silent" > "$tmp/dnsmasq.conf" || { echo "Bail out! cannot convert the zone"; exit 1; }
"$dnsmasq" --no-daemon --conf-file="$tmp/dnsmasq.conf" --no-resolv --no-hosts \
	--bind-interfaces --listen-address=127.0.0.1 --port="$port" 2>"$tmp/dnsmasq.err" &
pids="$pids $!"
for i in $(seq 50); do listening "$port" && listening "$fail" && break; sleep 0.1; done
listening "$port" || { echo "Bail out! dnsmasq did not start: $(head -n 3 "$tmp/dnsmasq.err")"; exit 1; }

# VIGIE_WRAP: a command vigie runs under (tests/milter/valgrind.sh uses valgrind)
vigie=$top_builddir/milter/vigie
if [ -n "${VIGIE_WRAP:-}" ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$VIGIE_WRAP" "$vigie" > "$tmp/vigie-wrapped"
	chmod 755 "$tmp/vigie-wrapped"
	vigie=$tmp/vigie-wrapped
fi
"$miltertest" -D vigie="$vigie" -D tmp="$tmp" -D srcdir="$top_srcdir" \
	-D dns="127.0.0.1:$port" -s "$top_srcdir/tests/milter/auth-dns.lua"
