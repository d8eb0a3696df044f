#!/bin/sh
# cli.sh - vigie's command line and process life: -V, -n on good and bad
# configs (file:line errors), usage errors, going to the background with a
# PID file and the socket's UMask, refusing a live socket, removing a stale
# one, never touching a file that is not a socket, -p, SIGTERM; -h on
# standard output; -n reading every file as the UserID too (a file root
# alone can read is named, with the user); SIGHUP reloads like SIGUSR1 and
# the daemon goes on serving; LogFile gets the lines, and is reopened on a
# reload after logrotate moved it. Prints TAP.
# Every daemon it starts is stopped by its PID.
: "${top_builddir:=$(pwd)}"
vigie=$top_builddir/milter/vigie
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-cli.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown nobody "$tmp"

n=0
fails=0
ok() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
t() { # description condition (a shell expression)
	if eval "$2"; then ok 0 "$1"; else ok 1 "$1"; fi
}
# wait_for - poll a shell condition every 0.1 s for up to $1 seconds
wait_for() {
	t=$(( $1 * 10 )); shift
	while [ "$t" -gt 0 ]; do
		eval "$@" && return 0
		sleep 0.1; t=$((t - 1))
	done
	eval "$@"
}
running() { # pid: alive and not a zombie
	[ -n "$1" ] && [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"
}

cat > "$tmp/good.conf" <<EOF
Socket local:$tmp/vigie.sock
PidFile $tmp/vigie.pid
Syslog no
UMask 007
EOF
printf 'Syslog no\nFrob 1\nUMask 0999\n' > "$tmp/bad.conf"
printf 'brand Viamedis\n\tdomian viamedis.fr\n' > "$tmp/brands.conf"
printf 'Syslog no\nBrands %s\nPidFile %s\n' "$tmp/brands.conf" "$tmp/bad.pid" > "$tmp/badbrands.conf"

out=$("$vigie" -V); rc=$?
t "-V prints the version and libmilter's: $out" \
	'[ "$rc" = 0 ] && expr "$out" : "vigie [0-9][0-9.]* (libmilter " >/dev/null'

"$vigie" -n -c "$tmp/good.conf" >"$tmp/out" 2>&1; rc=$?
t "-n on a good config exits 0 and says nothing" '[ "$rc" = 0 ] && [ ! -s "$tmp/out" ]'

"$vigie" -n -c "$tmp/bad.conf" >"$tmp/out" 2>&1; rc=$?
t "-n on a bad config exits non-zero" '[ "$rc" != 0 ]'
t "-n reports every error as file:line: message" '[ "$(cat "$tmp/out")" = "$tmp/bad.conf:2: unknown option '"'Frob'"'
$tmp/bad.conf:3: UMask: '"'0999'"' is not an octal mask from 000 to 777" ]'

"$vigie" -n -c "$tmp/badbrands.conf" >"$tmp/out" 2>&1; rc=$?
t "-n also loads the brand pack and reports its errors with file:line" \
	'[ "$rc" != 0 ] && grep -q "brands.conf:2: unknown keyword '"'domian'"'" "$tmp/out"'

"$vigie" -n -c "$tmp/missing.conf" >"$tmp/out" 2>&1; rc=$?
t "-c naming a missing file is an error that names it" \
	'[ "$rc" != 0 ] && grep -q "missing.conf: No such file" "$tmp/out"'

"$vigie" -x >"$tmp/out" 2>&1; rc=$?
t "an unknown flag prints the usage and exits 2" '[ "$rc" = 2 ] && grep -q "^usage: vigie" "$tmp/out"'

"$vigie" -n -c "$tmp/good.conf" -p tcp:25 >"$tmp/out" 2>&1; rc=$?
t "-p is checked like Socket" '[ "$rc" != 0 ] && grep -q "^-p: .tcp:25. is not a socket" "$tmp/out"'

# background: the parent returns once the daemon is ready
"$vigie" -c "$tmp/good.conf" >"$tmp/out" 2>&1; rc=$?
pid=$(cat "$tmp/vigie.pid" 2>/dev/null)
pids="$pids $pid"
t "background start returns 0 once ready" '[ "$rc" = 0 ]'
t "the PID file names a running daemon" 'running "$pid"'
t "the daemon runs in its own session" '[ "$(ps -o sid= -p "$pid" | tr -d " ")" = "$pid" ]'
mode=$(stat -c %A "$tmp/vigie.sock" 2>/dev/null)
t "UMask 007 gives the socket srwxrwx--- ($mode)" '[ "$mode" = "srwxrwx---" ]'
if [ "$(id -u)" = 0 ]; then
	t "as root, the socket belongs to the UserID (nobody)" '[ "$(stat -c %U "$tmp/vigie.sock")" = nobody ]'
else
	ok 0 "not root: socket ownership unchanged # SKIP"
fi

"$vigie" -f -c "$tmp/good.conf" >"$tmp/second" 2>&1; rc=$?
t "a second vigie on a live socket refuses to start, saying why" \
	'[ "$rc" != 0 ] && grep -q "vigie.sock is in use" "$tmp/second"'
t "and the first one keeps running" 'running "$pid"'

kill -TERM "$pid"
wait_for 15 '! running "$pid"'
ok $? "SIGTERM stops the background daemon"
t "its PID file is removed" '[ ! -e "$tmp/vigie.pid" ]'
t "its socket is removed" '[ ! -e "$tmp/vigie.sock" ]'

# a stale socket (nobody listening) is removed; a live one was refused above
/usr/bin/python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' \
	"$tmp/vigie.sock"
"$vigie" -f -c "$tmp/good.conf" 2>"$tmp/log" &
fpid=$!
pids="$pids $fpid"
wait_for 10 'grep -q started "$tmp/log"'
t "a stale socket is removed and the daemon starts" 'grep -q "removed stale socket $tmp/vigie.sock" "$tmp/log"'
t "-f logs to stderr" 'grep -q "vigie [0-9.]* started: socket local:$tmp/vigie.sock" "$tmp/log"'
t "-f tells how to point Postfix at the socket" 'grep -q "smtpd_milters = unix:$tmp/vigie.sock" "$tmp/log"'
kill -TERM "$fpid"
wait "$fpid"; rc=$?
t "SIGTERM: the foreground daemon exits 0" '[ "$rc" = 0 ]'

# a file that is not a socket is never removed
echo "precious" > "$tmp/vigie.sock"
"$vigie" -f -c "$tmp/good.conf" >"$tmp/out" 2>&1; rc=$?
t "a regular file at the socket path stops the start-up, saying why" \
	'[ "$rc" != 0 ] && grep -q "exists and is not a socket" "$tmp/out"'
t "and the file is untouched" '[ "$(cat "$tmp/vigie.sock")" = precious ]'
rm -f "$tmp/vigie.sock"

# -p overrides Socket
"$vigie" -f -c "$tmp/good.conf" -p "local:$tmp/other.sock" 2>"$tmp/log" &
fpid=$!
pids="$pids $fpid"
wait_for 10 '[ -S "$tmp/other.sock" ]'
ok $? "-p listens where it says"
kill -TERM "$fpid"
wait "$fpid"

# no configuration at all: built-in defaults (the default file must be absent)
default_conf=$("$vigie" -h 2>&1 | sed -n 's/.*(default \([^;]*\);.*/\1/p')
if [ -e "$default_conf" ]; then
	ok 0 "$default_conf exists here: the no-configuration start is not tested # SKIP"
else
	"$vigie" -f -p "local:$tmp/nc.sock" 2>"$tmp/nc.log" &
	fpid=$!
	pids="$pids $fpid"
	wait_for 10 'grep -q started "$tmp/nc.log"'
	if [ "$(id -u)" = 0 ]; then who=nobody; else who="(unchanged)"; fi
	t "with no configuration file it starts on built-in defaults, as $who" \
		'grep -q "config built-in defaults, brand pack built-in, user $who" "$tmp/nc.log"'
	kill -TERM "$fpid"
	wait "$fpid"
fi

# start-up errors reach the terminal, also when going to the background
"$vigie" -c "$tmp/badbrands.conf" -p "local:$tmp/b.sock" >"$tmp/out" 2>&1; rc=$?
t "a start-up failure in the background exits non-zero" '[ "$rc" != 0 ]'
t "and is printed on the terminal" 'grep -q "brands.conf:2: unknown keyword" "$tmp/out"'
t "and leaves no PID file or socket behind" '[ ! -e "$tmp/bad.pid" ] && [ ! -e "$tmp/b.sock" ]'

# -h: the synopsis, on standard output, exit 0
"$vigie" -h >"$tmp/out" 2>"$tmp/err"; rc=$?
t "-h prints the usage (with -h in it) on standard output and exits 0" \
	'[ "$rc" = 0 ] && grep -q "^usage: vigie .*\[-h\]" "$tmp/out" && [ ! -s "$tmp/err" ]'

# -n as root checks what a reload reads, as the UserID that will read it
if [ "$(id -u)" = 0 ]; then
	printf 'brand Viamedis\n\tdomain viamedis.fr\n' > "$tmp/root-only.conf"
	chmod 600 "$tmp/root-only.conf"
	printf 'Syslog no\nUserID nobody\nBrands %s\n' "$tmp/root-only.conf" > "$tmp/ro.conf"
	"$vigie" -n -c "$tmp/ro.conf" >"$tmp/out" 2>&1; rc=$?
	t "-n as root fails on a brand pack only root can read (status $rc)" '[ "$rc" = 1 ]'
	t "and names the file and the user that cannot read it" \
		'grep -q "^as nobody (the UserID.*Brands: cannot read $tmp/root-only.conf: Permission denied" "$tmp/out"'
	chmod 644 "$tmp/root-only.conf"
	"$vigie" -n -c "$tmp/ro.conf" >"$tmp/out" 2>&1; rc=$?
	t "-n passes once the UserID can read it" '[ "$rc" = 0 ]'
else
	ok 0 "-n as the UserID needs root # SKIP"
fi

# SIGHUP reloads (libmilter alone would stop); the LogFile and logrotate
printf 'Socket local:%s\nPidFile %s\nSyslog no\nLogFile %s\n' \
	"$tmp/hup.sock" "$tmp/hup.pid" "$tmp/logs/vigie.log" > "$tmp/hup.conf"
mkdir -p "$tmp/logs"
[ "$(id -u)" = 0 ] && chown nobody "$tmp/logs"
log=$tmp/logs/vigie.log
"$vigie" -c "$tmp/hup.conf" >"$tmp/out" 2>&1; rc=$?
hpid=$(cat "$tmp/hup.pid" 2>/dev/null)
pids="$pids $hpid"
t "a background vigie with a LogFile starts (status $rc)" '[ "$rc" = 0 ] && running "$hpid"'
wait_for 5 'grep -q "vigie\[$hpid\]: vigie [0-9.]* started: socket local:$tmp/hup.sock" "$log"'
ok $? "its start-up lines land in the LogFile"
kill -HUP "$hpid"
wait_for 5 'grep -q "reload: done: .*(generation 2)" "$log"'
ok $? "SIGHUP reloads the configuration"
sleep 0.3
t "and vigie keeps running and listening after SIGHUP" 'running "$hpid" && [ -S "$tmp/hup.sock" ]'
mv "$log" "$log.1"
kill -USR1 "$hpid"
wait_for 5 'grep -q "reload: done: .*(generation 3)" "$log"'
ok $? "SIGUSR1 after logrotate's move: lines go to a new LogFile"
t "and the rotated file got nothing more" '! grep -q "generation 3" "$log.1"'
kill -TERM "$hpid"
wait_for 10 '! running "$hpid"'
t "SIGTERM still stops it, and the LogFile says so" 'grep -q "stopped$" "$log"'

echo "1..$n"
[ "$fails" = 0 ]
