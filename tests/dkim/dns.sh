#!/bin/sh
# dns.sh - DKIM keys from a real DNS server started here (dnsmasq), in a
# private network namespace when the kernel allows one, else on loopback with
# ports of its own: a key split into several strings, a missing selector
# (NXDOMAIN), a revoked key, an IPv6 server, failover past a dead server, a
# server that never answers (temperror within DNSTimeout), ten lookups held to
# the message's DNS budget, and many threads at once with no descriptor lost.
# TAP on stdout. Never leaves loopback.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PYTHON3:=/usr/bin/python3}"

. "$top_srcdir/tests/dnsd.sh"

# Run again inside a network namespace of our own: nothing else listens there.
if [ -z "${VIGIE_DNS_NETNS:-}" ]; then
	dnsd_netns "$0" || VIGIE_DNS_NETNS=0
fi

verify="$top_builddir/tests/dkim/dkimverify"
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
tmp=$(mktemp -d --suffix=.tmp "$top_builddir/tests/dkim/dns.XXXXXX") || exit 1
pids=
trap dnsd_cleanup EXIT INT TERM

if ! "$PYTHON3" "$top_srcdir/tests/dkim/mksigned.py" "$tmp" 2>"$tmp/mksigned.err"; then
	echo "Bail out! cannot sign test messages: $(tail -n 1 "$tmp/mksigned.err")"
	exit 1
fi

ipv6=no
grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null && ipv6=yes

# dnsmasq with the keys of the zone file, split strings kept as they are
port=$(free_port)
# (quoted strings are read as such in a configuration file, not on the command line)
while IFS='	' read -r name strings; do
	printf 'txt-record=%s,"%s"\n' "$name" "$(printf '%s' "$strings" | sed 's/	/","/g')"
done <"$tmp/zone" >"$tmp/dnsmasq.conf"
# (--no-daemon: stays in the foreground and keeps its user, which a user namespace needs)
set -- --no-daemon --conf-file="$tmp/dnsmasq.conf" --no-resolv --no-hosts \
	--bind-interfaces --listen-address=127.0.0.1 --port="$port" --local=/test/
[ "$ipv6" = yes ] && set -- "$@" --listen-address=::1
"$dnsmasq" "$@" 2>"$tmp/dnsmasq.err" &
pids="$pids $!"

# a server that reads nothing and answers nothing
dead=$(free_port)
"$PYTHON3" -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(120)' "$dead" &
pids="$pids $!"
closed=$(free_port)

dnsd_wait 5 "$port" "$dead"
if ! listening "$port"; then
	echo "Bail out! dnsmasq did not start: $(head -n 3 "$tmp/dnsmasq.err")"
	exit 1
fi

# sigline FILE OUTPUT - the signature lines for FILE, "|"-joined
sigline() {
	awk -v f="$1" '
		index($0, f " ms=") == 1 { on = 1; next }
		/^[^ ]/ { on = 0 }
		on && /^  ar:/ { on = 0 }
		on && /^  / { sub(/^  /, ""); printf "%s%s", sep, $0; sep = "|" }
	' "$2"
}

# ms FILE OUTPUT - how long the verification of FILE took
ms() {
	sed -n "s|^$1 ms=\([0-9]*\) .*|\1|p" "$2"
}

n=0
echo "1..10"
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# check WHAT SERVERS TIMEOUT FILE EXPECTED-LINES
check() {
	what=$1 servers=$2 timeout=$3 file=$tmp/$4 want=$5
	"$verify" -n "$servers" -t "$timeout" "$file" >"$tmp/out" 2>&1
	got=$(sigline "$file" "$tmp/out")
	if [ "$got" = "$want" ]; then ok "$what"; else notok "$what" "want: $want" "got:  $got"; fi
}

pass_rsa='pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""'
check "a 2048-bit key in two TXT strings passes" "127.0.0.1:$port" 5 dkimpy-rsa-relaxed.eml "$pass_rsa"
check "a missing selector (NXDOMAIN) is permerror, key not found" "127.0.0.1:$port" 5 key-missing.eml \
	'permerror d=viamedis.test s=absent a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="key not found"'
check "a revoked key (p=) is permerror, key revoked" "127.0.0.1:$port" 5 key-revoked.eml \
	'permerror d=viamedis.test s=revoked a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="key revoked"'
if [ "$ipv6" = yes ]; then
	check "an IPv6 nameserver [::1]:port serves an ed25519 key" "[::1]:$port" 5 dkimpy-ed-relaxed.eml \
		'pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""'
else
	n=$((n + 1)); echo "ok $n # SKIP no IPv6 loopback here"
fi
check "a refusing server first, then a live one: passes" "127.0.0.1:$closed,127.0.0.1:$port" 5 \
	dkimpy-rsa-relaxed.eml "$pass_rsa"

# a server that never answers: temperror, after DNSTimeout and not much more
"$verify" -n "127.0.0.1:$dead" -t 2 "$tmp/dkimpy-rsa-relaxed.eml" >"$tmp/out" 2>&1
got=$(sigline "$tmp/dkimpy-rsa-relaxed.eml" "$tmp/out")
t=$(ms "$tmp/dkimpy-rsa-relaxed.eml" "$tmp/out")
case "$got" in
'temperror d=viamedis.test s=rsa2048 a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="DNS timeout"')
	if [ "${t:-0}" -ge 1900 ] && [ "${t:-0}" -le 2700 ]; then
		ok "a silent server: temperror (DNS timeout) in $t ms for DNSTimeout 2 s"
	else
		notok "a silent server: temperror in $t ms, outside 1900..2700 ms"
	fi ;;
*)	notok "a silent server gives temperror" "got: $got" ;;
esac

# a silent server first: it gets its share of DNSTimeout, then the live one answers
"$verify" -n "127.0.0.1:$dead,127.0.0.1:$port" -t 4 "$tmp/dkimpy-rsa-relaxed.eml" >"$tmp/out" 2>&1
got=$(sigline "$tmp/dkimpy-rsa-relaxed.eml" "$tmp/out")
t=$(ms "$tmp/dkimpy-rsa-relaxed.eml" "$tmp/out")
if [ "$got" = "$pass_rsa" ] && [ "${t:-0}" -ge 1900 ] && [ "${t:-0}" -le 2700 ]; then
	ok "a silent server then a live one: passes after the first one's 2 s share ($t ms)"
else
	notok "a silent server then a live one" "got: $got in $t ms"
fi

# ten selectors behind a silent server: the message's budget (2 x DNSTimeout) holds
"$verify" -n "127.0.0.1:$dead" -t 1 "$tmp/ten-selectors.eml" >"$tmp/out" 2>&1
temps=$(sigline "$tmp/ten-selectors.eml" "$tmp/out" | tr '|' '\n' | grep -c '^temperror ')
t=$(ms "$tmp/ten-selectors.eml" "$tmp/out")
if [ "$temps" = 10 ] && [ "${t:-0}" -le 2600 ]; then
	ok "ten lookups to a silent server: ten temperror within the 2 s budget ($t ms)"
else
	notok "ten lookups to a silent server: $temps temperror in $t ms"
fi

# ten selectors, none published: ten NXDOMAIN, quickly
"$verify" -n "127.0.0.1:$port" -t 5 "$tmp/ten-selectors.eml" >"$tmp/out" 2>&1
perms=$(sigline "$tmp/ten-selectors.eml" "$tmp/out" | tr '|' '\n' | grep -c '^permerror .*key not found')
if [ "$perms" = 10 ]; then
	ok "ten unpublished selectors: ten permerror (key not found)"
else
	notok "ten unpublished selectors: $perms permerror"
fi

# sixteen threads, twenty rounds each, over passing and failing messages
"$verify" -n "127.0.0.1:$port" -t 5 -j 16 -r 20 "$tmp/dkimpy-rsa-relaxed.eml" \
	"$tmp/dkimpy-ed-simple.eml" "$tmp/key-missing.eml" "$tmp/key-revoked.eml" \
	"$tmp/tampered-body.eml" "$tmp/two-one-fails.eml" >"$tmp/out" 2>&1
line=$(grep '^threads=' "$tmp/out")
case "$line" in
*"failures=0 "*)
	before=${line#*fds_before=}; before=${before%% *}; after=${line##*fds_after=}
	if [ "$before" = "$after" ]; then
		ok "16 threads x 20 rounds x 6 messages: every result as the first pass, fds $before -> $after"
	else
		notok "threads leaked descriptors" "$line"
	fi ;;
*)	notok "16 threads x 20 rounds" "$line" ;;
esac
