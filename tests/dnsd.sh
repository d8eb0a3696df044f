# dnsd.sh - what the tests that run their own name servers share (sourced,
# POSIX sh). Servers go in the background: the caller adds $! to the pids it
# stops.
#   dnsd_cleanup            the exit trap: stops the servers of $pids, removes $tmp
#   dnsd_netns SCRIPT       run SCRIPT again in a network namespace of its own
#                           (only loopback, up); returns when none can be made
#   free_port               a UDP port nobody uses on 127.0.0.1
#   listening PORT          whether a UDP socket is bound to PORT
#   dnsd_wait SECONDS PORT...  wait until every PORT listens; false if one never does
#   dnsd_servfail PORT      a server on 127.0.0.1:PORT answering SERVFAIL to every query
#   dnsd_auth_zone DIR PORT FAILPORT SILENTPORT
#                           dnsmasq on 127.0.0.1:PORT serving tests/data/auth/zone
#                           (its SERVFAIL records forwarded to FAILPORT, its
#                           silent ones to SILENTPORT); DIR holds its conf and errors

dnsd_cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}

# dnsd_netns - re-exec SCRIPT under unshare -n (then -rn: as an unprivileged user)
dnsd_netns() {
	for flags in -n -rn; do
		if unshare $flags true 2>/dev/null; then
			VIGIE_DNS_NETNS=1 exec unshare $flags sh -c \
				'ip link set lo up 2>/dev/null; exec sh "$0"' "$1"
		fi
	done
	return 1
}

free_port() {
	"$PYTHON3" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() {
	grep -q ":$(printf '%04X' "$1") " /proc/net/udp /proc/net/udp6 2>/dev/null
}

dnsd_wait() {
	_secs=$1
	shift
	for _i in $(seq $((_secs * 10))); do
		_all=yes
		for _p in "$@"; do listening "$_p" || _all=no; done
		[ "$_all" = yes ] && return 0
		sleep 0.1
	done
	for _p in "$@"; do listening "$_p" || return 1; done
}

dnsd_servfail() {
	"$PYTHON3" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, peer = s.recvfrom(4096)
    if len(q) >= 12:
        s.sendto(q[:2] + bytes([0x81, 0x82]) + q[4:6] + bytes(6) + q[12:], peer)' "$1" &
}

dnsd_auth_zone() {
	"$PYTHON3" "$top_srcdir/tests/data/auth/zone2dnsmasq.py" "$top_srcdir/tests/data/auth/zone" \
		"$3" "$4" > "$1/dnsmasq.conf" || { echo "Bail out! cannot convert the zone"; exit 1; }
	"$dnsmasq" --no-daemon --conf-file="$1/dnsmasq.conf" --no-resolv --no-hosts \
		--bind-interfaces --listen-address=127.0.0.1 --port="$2" 2>"$1/dnsmasq.err" &
}
