#!/bin/sh
# brandskey.sh - BrandsKey: vigie loads a brand pack only with a valid
# detached signature (brands.conf.sig) by the configured public key. Keys
# and signatures are made as the publisher's how-to says (openssl genpkey,
# pkeyutl -sign -rawin). A signed pack loads (-n and start-up); an unsigned,
# altered or wrongly signed one stops -n and the start-up with a clear
# error; at reload a bad pack is refused and the running one kept, a newly
# signed one taken, and the log and the metrics name the pack in force.
# Prints TAP. Every daemon it starts is stopped by its PID.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
vigie=${VIGIE:-$top_builddir/milter/vigie}
if [ ! -x "$vigie" ] || ! command -v openssl >/dev/null; then
	echo "1..0 # SKIP needs $vigie and openssl"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-brandskey.XXXXXX") || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$tmp"
[ "$(id -u)" = 0 ] && chown nobody "$tmp"

. "$top_srcdir/tests/tap.sh"
wait_for() { # seconds condition
	i=$(( $1 * 20 ))
	while [ "$i" -gt 0 ]; do eval "$2" && return 0; sleep 0.05; i=$((i - 1)); done
	eval "$2"
}
sign() { # pack key
	openssl pkeyutl -sign -inkey "$2" -rawin -in "$1" -out "$1.sig"
}

# the publisher's key pair, and a stranger's
openssl genpkey -algorithm ed25519 -out "$tmp/publisher.key" 2>/dev/null
openssl pkey -in "$tmp/publisher.key" -pubout -out "$tmp/publisher.pub"
openssl genpkey -algorithm ed25519 -out "$tmp/stranger.key" 2>/dev/null
# the default pack with a version line, as a publisher would ship it
pack() { # version
	printf '# version: %s\n' "$1"
	cat "$top_srcdir/contrib/brands.conf"
}
pack 2025.02-1 > "$tmp/brands.conf"
sign "$tmp/brands.conf" "$tmp/publisher.key"

cat > "$tmp/vigie.conf" <<EOF
Socket local:$tmp/vigie.sock
PidFile $tmp/vigie.pid
Syslog no
Brands $tmp/brands.conf
BrandsKey $tmp/publisher.pub
EOF
check() { "$vigie" -n -c "$tmp/vigie.conf" > "$tmp/out" 2>&1; }

check; rc=$?
t "a pack signed by the publisher's key passes vigie -n" '[ $rc = 0 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/out"
openssl pkeyutl -verify -pubin -inkey "$tmp/publisher.pub" -rawin -in "$tmp/brands.conf" \
	-sigfile "$tmp/brands.conf.sig" > /dev/null 2>&1
t "openssl pkeyutl -verify agrees" '[ $? = 0 ]'

mv "$tmp/brands.conf.sig" "$tmp/saved.sig"
check; rc=$?
t "no signature file: vigie -n fails" '[ $rc != 0 ]'
t "and says which file is missing" 'grep -q "signature $tmp/brands.conf.sig: No such file" "$tmp/out"'

cp "$tmp/saved.sig" "$tmp/brands.conf.sig"
cp "$tmp/brands.conf" "$tmp/good.conf"
sed 's/^brand Viamedis$/brand Viamedls/' "$tmp/good.conf" > "$tmp/brands.conf"
check; rc=$?
t "an altered pack (one letter of a brand) fails" \
	'[ $rc != 0 ] && grep -q "does not verify with the key $tmp/publisher.pub" "$tmp/out"'

cp "$tmp/good.conf" "$tmp/brands.conf"
sign "$tmp/brands.conf" "$tmp/stranger.key"
check; rc=$?
t "a pack signed with another key fails" '[ $rc != 0 ] && grep -q "does not verify" "$tmp/out"'

openssl dgst -sha256 -sign "$tmp/publisher.key" -out "$tmp/brands.conf.sig" "$tmp/brands.conf" 2>/dev/null
check; rc=$?
t "Ed25519 signs the file itself (pkeyutl -rawin), not a digest: dgst output refused" '[ $rc != 0 ]'

grep -v '^BrandsKey' "$tmp/vigie.conf" > "$tmp/nokey.conf"
echo "BrandsKey $tmp/nokey.pub" >> "$tmp/nokey.conf"
"$vigie" -n -c "$tmp/nokey.conf" > "$tmp/out" 2>&1; rc=$?
t "a BrandsKey file that does not exist is a config error with file:line" \
	'[ $rc != 0 ] && grep -q "nokey.conf:5: BrandsKey: cannot read .*nokey.pub" "$tmp/out"'

# start-up with a bad signature: refused, said on the terminal
sign "$tmp/brands.conf" "$tmp/stranger.key"
"$vigie" -f -c "$tmp/vigie.conf" > "$tmp/start.out" 2>&1; rc=$?
t "start-up with a wrongly signed pack fails (status $rc)" '[ $rc = 1 ]'
t "and the terminal says why" 'grep -q "error: start-up: signature .* does not verify" "$tmp/start.out"'

# start-up with a good pack, then reloads
sign "$tmp/brands.conf" "$tmp/publisher.key"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'StatsSocket inet:%s@127.0.0.1\n' "$port" >> "$tmp/vigie.conf"
"$vigie" -f -c "$tmp/vigie.conf" 2> "$tmp/log" &
pid=$!
wait_for 10 'grep -q "metrics:" "$tmp/log"'
t "vigie starts on the signed pack" 'grep -q "brand pack $tmp/brands.conf: version 2025.02-1, sha256 [0-9a-f]*, signature verified (BrandsKey)" "$tmp/log"'
scrape() { /usr/bin/python3 -c 'import sys, urllib.request; print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10).read().decode())' "$port"; }
reloads() { # wanted count of "reload: done|failed" lines
	wait_for 10 '[ "$(grep -c "reload: \(done\|failed\)" "$tmp/log")" -ge '"$1"' ]'
}

sed 's/^brand Almerys$/brand Almerys2/' "$tmp/good.conf" > "$tmp/brands.conf"
kill -USR1 "$pid"
reloads 1
t "reload with an altered pack: refused, logged" \
	'grep -q "reload: signature $tmp/brands.conf.sig: does not verify" "$tmp/log" && grep -q "reload: failed; still running the previous configuration" "$tmp/log"'
t "and vigie keeps running" 'kill -0 "$pid"'
t "the metrics still name version 2025.02-1, signed" \
	'scrape | grep -q "^vigie_brand_pack_info{origin=\"$tmp/brands.conf\",version=\"2025.02-1\",sha256=\"[0-9a-f]*\",signed=\"yes\"} 1$"'

pack 2025.02-2 > "$tmp/brands.conf"
sign "$tmp/brands.conf" "$tmp/publisher.key"
kill -USR1 "$pid"
reloads 2
t "reload with a newly signed pack: taken" \
	'grep -q "reload: brand pack $tmp/brands.conf: version 2025.02-2, .* signature verified" "$tmp/log"'
scrape > "$tmp/metrics"
t "the metrics name version 2025.02-2 and count 1 failed, 1 good reload" \
	'grep -q "version=\"2025.02-2\"" "$tmp/metrics" && grep -q "^vigie_reloads_total{result=\"failed\"} 1$" "$tmp/metrics" && grep -q "^vigie_reloads_total{result=\"ok\"} 1$" "$tmp/metrics"'
sha=$(sha256sum "$tmp/brands.conf" | cut -c1-64)
t "the sha256 label is the file's" 'grep -q "sha256=\"$sha\"" "$tmp/metrics"'

rm "$tmp/brands.conf.sig"
kill -USR1 "$pid"
reloads 3
t "reload after the signature is removed: refused" \
	'grep -q "reload: signature $tmp/brands.conf.sig: No such file" "$tmp/log"'
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
t "vigie stops cleanly (status $rc)" '[ $rc = 0 ]'
[ "$fails" = 0 ] || sed 's/^/# /' "$tmp/log"
echo "1..$n"
[ "$fails" = 0 ]
