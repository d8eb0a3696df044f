#!/bin/sh
# security.sh - what a local user can and cannot do to a running vigie, and
# the hardening of the systemd unit. Started as root with UserID, the daemon
# (every thread, from /proc) runs as that account for good: real, effective,
# saved and file-system ids, its groups only, no capability, no_new_privs.
# Its socket has the mode UMask gives and belongs to the account; its PID
# file is root's, mode 0644, and the account cannot write it; a link
# planted at the PID file's path is replaced, never written through. The
# unit passes systemd-analyze verify and keeps its exposure score low.
# Prints TAP; needs root for the daemon part. Stops what it starts, by PID.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
vigie=$top_builddir/milter/vigie
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-sec.XXXXXX") || exit 1
chmod 755 "$tmp"
pids=
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

n=0
t() { # description condition (a shell expression)
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
skip() { # description reason
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
wait_for() { # seconds condition
	i=$(( $1 * 10 ))
	while [ "$i" -gt 0 ]; do
		eval "$2" && return 0
		sleep 0.1; i=$((i - 1))
	done
	eval "$2"
}
running() { [ -n "$1" ] && [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
# field PID NAME - a line of /proc/PID/status without its name, blanks squeezed
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' ' | sed 's/ $//'; }
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }

uid=$(id -u nobody) gid=$(getent group nogroup | cut -d: -f3)
# start UMASK - vigie in the background as nobody:nogroup; sets $pid
start() {
	rm -rf "$tmp/run" && mkdir "$tmp/run" && chown nobody:nogroup "$tmp/run"
	cat > "$tmp/vigie.conf" <<CONF
Socket local:$tmp/run/vigie.sock
PidFile $tmp/run/vigie.pid
UserID nobody:nogroup
UMask $1
Syslog no
CONF
	"$vigie" -c "$tmp/vigie.conf" >"$tmp/out" 2>&1
	pid=$(cat "$tmp/run/vigie.pid" 2>/dev/null)
	pids="$pids $pid"
}
stop() {
	kill -TERM "$pid" 2>/dev/null
	wait_for 15 '! running "$pid"'
}

if [ "$(id -u)" != 0 ]; then
	for what in "runs as UserID" "socket and PID file"; do skip "$what" "needs root"; done
else
	start 007
	t "started as root with UserID nobody:nogroup, in the background" 'running "$pid"'
	tasks=$(ls "/proc/$pid/task" 2>/dev/null)
	bad=
	for task in $tasks; do
		s=/proc/$pid/task/$task/status
		[ "$(sed -n 's/^Uid:[[:space:]]*//p' "$s" | tr -s ' \t' ' ')" = "$uid $uid $uid $uid" ] &&
		[ "$(sed -n 's/^Gid:[[:space:]]*//p' "$s" | tr -s ' \t' ' ')" = "$gid $gid $gid $gid" ] || bad="$bad $task"
	done
	t "every thread ($(echo $tasks | wc -w)) has real, effective, saved and file uid $uid and gid $gid" \
		'[ -n "$tasks" ] && [ -z "$bad" ]'
	groups=$(field "$pid" Groups)
	t "its supplementary groups are nobody's own ($groups), never root's" \
		'[ -z "$groups" ] || [ "$groups" = "$gid" ]'
	t "no capability: permitted, effective, inheritable, ambient all empty" \
		'[ "$(field "$pid" CapPrm)" = 0000000000000000 ] && [ "$(field "$pid" CapEff)" = 0000000000000000 ] &&
		 [ "$(field "$pid" CapInh)" = 0000000000000000 ] && [ "$(field "$pid" CapAmb)" = 0000000000000000 ]'
	t "no_new_privs set: no program it runs could gain rights" '[ "$(field "$pid" NoNewPrivs)" = 1 ]'
	t "the socket belongs to nobody:nogroup" '[ "$(stat -c %U:%G "$tmp/run/vigie.sock")" = nobody:nogroup ]'
	t "the PID file is root's, mode 0644, and names the daemon" \
		'[ "$(stat -c "%U %a" "$tmp/run/vigie.pid")" = "root 644" ] && [ "$(cat "$tmp/run/vigie.pid")" = "$pid" ]'
	as_nobody sh -c "echo 1 > '$tmp/run/vigie.pid'" 2>/dev/null
	t "the account vigie runs as cannot write its PID file" '[ "$(cat "$tmp/run/vigie.pid")" = "$pid" ]'
	stop
	t "SIGTERM: PID file and socket removed (the directory is the account's)" \
		'! running "$pid" && [ ! -e "$tmp/run/vigie.pid" ] && [ ! -e "$tmp/run/vigie.sock" ]'

	for m in 000:srwxrwxrwx 007:srwxrwx--- 027:srwxr-x--- 077:srwx------; do
		start "${m%%:*}"
		mode=$(stat -c %A "$tmp/run/vigie.sock" 2>/dev/null)
		t "UMask ${m%%:*} gives the socket ${m#*:} ($mode)" '[ "$mode" = "${m#*:}" ]'
		stop
	done

	# a link planted where the PID file goes: root must not write through it
	rm -rf "$tmp/run" && mkdir "$tmp/run" && chown nobody:nogroup "$tmp/run"
	echo precious > "$tmp/precious" && chmod 600 "$tmp/precious"
	ln -s "$tmp/precious" "$tmp/run/vigie.pid"
	"$vigie" -c "$tmp/vigie.conf" >"$tmp/out" 2>&1
	pid=$(cat "$tmp/run/vigie.pid" 2>/dev/null)
	pids="$pids $pid"
	t "a symbolic link at the PID file's path is replaced by a file, its target untouched" \
		'running "$pid" && [ ! -L "$tmp/run/vigie.pid" ] && [ "$(cat "$tmp/precious")" = precious ]'
	stop

	# a file vigie reads after dropping root, in a directory only root may enter
	mkdir -m 700 "$tmp/private"
	cp "$top_srcdir/tests/data/messages/keys/test-keys" "$tmp/private/keys"
	cat > "$tmp/private.conf" <<CONF
Socket local:$tmp/run/private.sock
PidFile $tmp/run/private.pid
UserID nobody:nogroup
Syslog no
TestPublicKeys $tmp/private/keys
CONF
	"$vigie" -c "$tmp/private.conf" >"$tmp/out" 2>&1
	rc=$?
	t "a file the UserID cannot reach stops the start (status $rc)" '[ "$rc" != 0 ]'
	t "the start-up error names the file and the user it is read as" \
		'grep -q "$tmp/private/keys: Permission denied" "$tmp/out" && grep -q "as user nobody" "$tmp/out"'
	sed 's/^/# /' "$tmp/out"
fi

# the systemd unit: verify (with the binary and man pages of this tree), security
unit=$top_srcdir/contrib/vigie.service
if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "systemd-analyze verify passes on contrib/vigie.service" "systemd-analyze is not installed"
	skip "systemd-analyze security: exposure of the unit" "systemd-analyze is not installed"
else
	mkdir -p "$tmp/unit" "$tmp/man/man8" "$tmp/man/man5"
	sed "s|/usr/sbin/vigie|$vigie|g" "$unit" > "$tmp/unit/vigie.service"
	cp "$top_srcdir/docs/vigie.8" "$tmp/man/man8/" && cp "$top_srcdir/docs/vigie.conf.5" "$tmp/man/man5/"
	MANPATH=$tmp/man systemd-analyze verify "$tmp/unit/vigie.service" >"$tmp/verify" 2>&1
	rc=$?
	t "systemd-analyze verify passes on contrib/vigie.service, saying nothing" '[ "$rc" = 0 ] && [ ! -s "$tmp/verify" ]'
	sed 's/^/# /' "$tmp/verify"
	if systemd-analyze security --offline=true "$tmp/unit/vigie.service" >"$tmp/security" 2>&1; then
		score=$(sed -n 's/.*Overall exposure level for vigie.service: \([0-9.]*\).*/\1/p' "$tmp/security")
		t "systemd-analyze security (offline): exposure $score, at most 1.2 of 10" \
			'[ -n "$score" ] && awk -v s="$score" "BEGIN {exit !(s <= 1.2)}"'
		grep '✗' "$tmp/security" | sed 's/  */ /g; s/^/# /'
	else
		why="systemd-analyze security --offline needs systemd 250 or later"
		[ -d /run/systemd/system ] || why="systemd is not the init here and $why"
		skip "systemd-analyze security: exposure of the unit" "$why"
	fi
fi
echo "1..$n"
