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
. "$top_srcdir/tests/dnsd.sh"

# Run again inside a network namespace of our own: nothing else listens there.
if [ -z "${VIGIE_DNS_NETNS:-}" ]; then
	dnsd_netns "$0" || skip "no network namespace here (unshare -n)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-authdns.XXXXXX") || exit 1
pids=
trap dnsd_cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown nobody "$tmp"

port=$(free_port) fail=$(free_port) silent=$(free_port)
# the zone's SERVFAIL records: dnsmasq forwards them to a server that says so
dnsd_servfail "$fail"
pids="$pids $!"
dnsd_auth_zone "$tmp" "$port" "$fail" "$silent"
pids="$pids $!"
dnsd_wait 5 "$port" "$fail"
listening "$port" ||
	{ echo "Bail out! dnsmasq did not start: $(head -n 3 "$tmp/dnsmasq.err")"; exit 1; }

# VIGIE_WRAP: a command vigie runs under (tests/milter/valgrind.sh uses valgrind)
vigie=$top_builddir/milter/vigie
if [ -n "${VIGIE_WRAP:-}" ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$VIGIE_WRAP" "$vigie" > "$tmp/vigie-wrapped"
	chmod 755 "$tmp/vigie-wrapped"
	vigie=$tmp/vigie-wrapped
fi
"$miltertest" -D vigie="$vigie" -D tmp="$tmp" -D srcdir="$top_srcdir" \
	-D dns="127.0.0.1:$port" -s "$top_srcdir/tests/milter/auth-dns.lua"
