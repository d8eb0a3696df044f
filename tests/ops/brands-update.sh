#!/bin/sh
# brands-update.sh - contrib/vigie-brands-update against a publisher served
# over HTTPS on 127.0.0.1 (tests/ops/httpsd.py, a self-signed certificate
# given with --cacert), feeding a running vigie (Brands in DIR/current,
# BrandsKey set). A signed pack is installed and vigie reloads it; the same
# pack again changes nothing; a pack signed with another key, altered after
# signing, without signature, older than the installed one, or that
# vigie-check cannot parse, is left uninstalled and vigie keeps its pack; a
# plain http:// URL and an untrusted certificate are refused. A pack with no
# "# version:" line is refused unless --allow-unversioned; an "already
# current" pack still reaches a vigie that runs an older one (installed with
# --no-reload), once; a release an admin rolled back from is not installed
# again. The publisher signs as the guides' how-to says. Prints TAP; stops
# what it starts by PID.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
update=$top_srcdir/contrib/vigie-brands-update
check=${VIGIE_CHECK:-$top_builddir/milter/vigie-check}
vigie=${VIGIE:-$top_builddir/milter/vigie}
py=${PYTHON3:-/usr/bin/python3}
for tool in curl openssl "$py" "$check" "$vigie"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not available (curl is in contrib/debian-packages)"
		exit 0
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-update.XXXXXX") || exit 1
chmod 755 "$tmp"
server= daemon=
cleanup() {
	for p in $server $daemon; do kill -TERM "$p" 2>/dev/null; done
	for p in $server $daemon; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$top_srcdir/tests/tap.sh"
wait_for() { # seconds condition
	i=$(( $1 * 20 ))
	while [ "$i" -gt 0 ]; do eval "$2" && return 0; sleep 0.05; i=$((i - 1)); done
	eval "$2"
}

# the publisher: a key pair (the how-to's commands) and a web root
web=$tmp/www/vigie
mkdir -p "$web"
openssl genpkey -algorithm ed25519 -out "$tmp/signing.key" 2>/dev/null
openssl pkey -in "$tmp/signing.key" -pubout -out "$tmp/publisher.pub"
openssl genpkey -algorithm ed25519 -out "$tmp/stranger.key" 2>/dev/null
publish() { # version [signing key] : a pack in the web root, signed
	{ printf '# Pack of a test professional body\n# version: %s\n' "$1"
	  sed "/^# version:/d" "$top_srcdir/contrib/brands.conf"; } > "$web/brands.conf"
	openssl pkeyutl -sign -inkey "${2:-$tmp/signing.key}" -rawin \
		-in "$web/brands.conf" -out "$web/brands.conf.sig"
}
# TLS for 127.0.0.1, self-signed
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null
"$py" "$top_srcdir/tests/ops/httpsd.py" "$tmp/www" "$tmp/tls.crt" "$tmp/tls.key" "$tmp/port" \
	2> "$tmp/httpsd.log" &
server=$!
wait_for 10 '[ -s "$tmp/port" ]'
url=https://127.0.0.1:$(cat "$tmp/port")/vigie/brands.conf
dir=$tmp/state
run() { # extra options...: the script's status in $rc, its output in $tmp/out
	"$update" -c /dev/null -u "$url" -k "$tmp/publisher.pub" -d "$dir" --cacert "$tmp/tls.crt" \
		--vigie-check "$check" "$@" > "$tmp/out" 2>&1
	rc=$?
}
installed() { sed -n 's/^# version: //p' "$dir/current/brands.conf" 2>/dev/null; }
t "the publisher's server answers over HTTPS" \
	'[ -s "$tmp/port" ] && curl -sf --cacert "$tmp/tls.crt" -o /dev/null "https://127.0.0.1:$(cat "$tmp/port")/"'

# first install, with no vigie to tell
publish 2025.02-1
run --no-reload
t "a signed pack is fetched, verified and installed (status $rc)" '[ $rc = 0 ] && [ "$(installed)" = 2025.02-1 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/out"
t "DIR/current is a symlink to a release holding the pack and its signature" \
	'[ -L "$dir/current" ] && [ -f "$dir/current/brands.conf.sig" ] && cmp -s "$dir/current/brands.conf" "$web/brands.conf"'

# vigie running on that pack, with the key
cat > "$tmp/vigie.conf" <<EOF
Socket local:$tmp/vigie.sock
Syslog no
Brands $dir/current/brands.conf
BrandsKey $tmp/publisher.pub
EOF
[ "$(id -u)" = 0 ] && chown -R nobody "$tmp/vigie.conf" && chown nobody "$tmp"
# a vigie started within 20 ms of the switch is told anyway, to be safe
sleep 0.1
"$vigie" -f -c "$tmp/vigie.conf" 2> "$tmp/vigie.log" &
daemon=$!
wait_for 10 'grep -q "brand pack .*version 2025.02-1" "$tmp/vigie.log"'
t "vigie runs on the installed pack, signature verified" \
	'grep -q "brand pack $dir/current/brands.conf: version 2025.02-1, .*signature verified" "$tmp/vigie.log"'
reloads() { grep -c "reload: \(done\|failed\)" "$tmp/vigie.log"; }

run --pid "$daemon"
t "the same pack again: nothing to do, status 0" '[ $rc = 0 ] && grep -q "already current" "$tmp/out"'
sleep 0.3
t "and vigie is not reloaded for it" '[ "$(reloads)" = 0 ]'

refused() { # description: run, expect status 1 and the old pack kept
	run --pid "$daemon"
	t "$1: refused (status $rc)" '[ $rc = 1 ]'
	[ $rc = 1 ] || sed 's/^/# /' "$tmp/out"
	t "$1: the installed pack is still 2025.02-1, no release added" \
		'[ "$(installed)" = 2025.02-1 ] && [ "$(ls "$dir/releases" | wc -l)" = 1 ] && [ -z "$(ls -A "$dir" | grep incoming)" ]'
}
publish 2025.03-1 "$tmp/stranger.key"
refused "a pack signed with another key"
t "the refusal says the signature does not verify" 'grep -q "does not verify" "$tmp/out"'

publish 2025.03-1
sed -i 's/^brand Almerys$/brand Almerys-bis/' "$web/brands.conf"
refused "a pack altered after signing"

publish 2025.03-1
rm "$web/brands.conf.sig"
run --pid "$daemon"
t "no signature published: download error (status $rc), nothing installed" \
	'[ $rc = 3 ] && [ "$(installed)" = 2025.02-1 ]'

publish 2025.01-9
refused "an older pack (a replayed release)"
t "the refusal names both versions" 'grep -q "2025.01-9 is not newer than the installed 2025.02-1" "$tmp/out"'

printf '# version: 2025.04-1\nbrand Sans Domaine\n' > "$web/brands.conf"
openssl pkeyutl -sign -inkey "$tmp/signing.key" -rawin -in "$web/brands.conf" -out "$web/brands.conf.sig"
refused "a signed pack that vigie-check cannot parse"

t "vigie never reloaded for a refused pack" '[ "$(reloads)" = 0 ] && kill -0 "$daemon"'

# a newer, well signed pack: installed, and vigie reloads it
publish 2025.03-1
run --pid "$daemon"
t "a newer signed pack is installed (status $rc)" '[ $rc = 0 ] && [ "$(installed)" = 2025.03-1 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/out"
wait_for 10 '[ "$(reloads)" = 1 ]'
t "vigie reloads it and checks its signature itself" \
	'grep -q "reload: brand pack $dir/current/brands.conf: version 2025.03-1, .*signature verified" "$tmp/vigie.log"'

publish 2025.02-5
run --force --no-reload
t "--force installs an older pack on purpose" '[ $rc = 0 ] && [ "$(installed)" = 2025.02-5 ]'
publish 2025.05-1
run --no-reload
publish 2025.06-1
run --no-reload
t "only the three newest releases are kept" '[ $rc = 0 ] && [ "$(ls "$dir/releases" | wc -l)" = 3 ]'

# installed while vigie was not told (--no-reload): "already current" tells it
run --pid "$daemon"
t "the same pack, already current: status 0" '[ $rc = 0 ] && grep -q "already current" "$tmp/out"'
wait_for 10 '[ "$(reloads)" = 2 ]'
t "but vigie still ran 2025.03-1: it is told to reload, and loads 2025.06-1" \
	'grep -q "asked to reload" "$tmp/out" && grep -q "reload: brand pack .*version 2025.06-1" "$tmp/vigie.log"'
run --pid "$daemon"
sleep 0.3
t "once told, it is not told again" '[ $rc = 0 ] && [ "$(reloads)" = 2 ]'

# transport
"$update" -c /dev/null -u "http://127.0.0.1:$(cat "$tmp/port")/vigie/brands.conf" -k "$tmp/publisher.pub" \
	-d "$dir" --vigie-check "$check" > "$tmp/out" 2>&1; rc=$?
t "a plain http:// URL is refused (status $rc)" '[ $rc = 2 ] && grep -q "only https:// is accepted" "$tmp/out"'
"$update" -c /dev/null -u "$url" -k "$tmp/publisher.pub" -d "$dir" --vigie-check "$check" \
	--no-reload > "$tmp/out" 2>&1; rc=$?
t "a server certificate nobody vouches for: download refused (status $rc)" \
	'[ $rc = 3 ] && [ "$(installed)" = 2025.06-1 ]'
printf 'URL=%s\nKEY=%s\nDIR=%s\nCACERT=%s\nVIGIE_CHECK=%s\n' "$url" "$tmp/publisher.pub" "$dir" \
	"$tmp/tls.crt" "$check" > "$tmp/update.conf"
printf 'URL=$(touch %s/pwned)\n' "$tmp" > "$tmp/evil.conf"
"$update" -c "$tmp/update.conf" --no-reload > "$tmp/out" 2>&1; rc=$?
t "settings from a NAME=value file work (status $rc)" '[ $rc = 0 ] && grep -q "already current" "$tmp/out"'
"$update" -c "$tmp/evil.conf" -k "$tmp/publisher.pub" --no-reload > "$tmp/out" 2>&1; rc=$?
t "the settings file is read, never run as shell" '[ $rc = 2 ] && [ ! -e "$tmp/pwned" ]'

# an admin rolls back to the previous release (the guides' steps)
prev=$(cd "$dir/releases" && grep -l "^# version: 2025.05-1" */brands.conf | cut -d / -f 1)
ln -sfn "releases/$prev" "$dir/.current.new" && mv -T "$dir/.current.new" "$dir/current"
run --no-reload
t "after a manual rollback the newer release is not reinstalled (status $rc)" \
	'[ $rc = 0 ] && [ "$(installed)" = 2025.05-1 ] && grep -q "was rolled back from" "$tmp/out"'
run --no-reload --force
t "--force reinstalls it" '[ $rc = 0 ] && [ "$(installed)" = 2025.06-1 ]'

# a pack with no version: no protection against replay, refused by default
sed '/^# version:/d' "$top_srcdir/contrib/brands.conf" > "$web/brands.conf"
openssl pkeyutl -sign -inkey "$tmp/signing.key" -rawin -in "$web/brands.conf" -out "$web/brands.conf.sig"
run --no-reload
t "an unversioned pack is refused (status $rc), saying why" \
	'[ $rc = 1 ] && grep -q "no .# version:. line: refused" "$tmp/out" && [ "$(installed)" = 2025.06-1 ]'
run --no-reload --allow-unversioned
t "--allow-unversioned takes it" '[ $rc = 0 ] && [ -z "$(installed)" ]'

kill -TERM "$daemon"
wait "$daemon"; rc=$?
daemon=
t "vigie stops cleanly (status $rc)" '[ $rc = 0 ]'
[ "$fails" = 0 ] || { sed 's/^/# vigie: /' "$tmp/vigie.log"; sed 's/^/# /' "$tmp/httpsd.log" | tail -20; }
echo "1..$n"
[ "$fails" = 0 ]
