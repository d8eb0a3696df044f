#!/bin/sh
# deploy.sh - the deployment path of a host without systemd, end to end:
# "make deb" builds the package; it is installed into a throwaway root (a
# chroot in a private mount and network namespace: the host's /usr and /etc
# seen through overlays that take the package's files and every write, a
# /run without systemd, no /dev/log) and its postinst runs there for real
# (account, directories, update-rc.d). Then, inside: the README's first try
# (vigie -f on built-in defaults as root) leaves /run/vigie behind; the
# packaged vigie started by /etc/init.d/vigie writes to its LogFile (no
# syslog here); "init.d/vigie check" (vigie -n) names a brand pack file the
# vigie account cannot read; vigie-brands-update, run as the guides say,
# installs a pack and then, "already current", signals the daemon still on
# the older one through vigie's default PID file; SIGHUP reloads;
# init.d/vigie stop stops it and its PID file goes. Root only. Prints TAP.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
make=${MAKE:-make}
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (chroot, mounts)"
for tool in dpkg-buildpackage dh dpkg-deb unshare chroot setpriv start-stop-daemon curl openssl; do
	command -v "$tool" > /dev/null 2>&1 || skip "$tool is not installed (contrib/debian-packages)"
done
[ -x "$top_builddir/milter/vigie" ] || skip "milter/vigie is not built"
py=${PYTHON3:-/usr/bin/python3}

if [ -z "${VIGIE_DEPLOY_NS:-}" ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-deploy.XXXXXX") || exit 1
	chmod 755 "$tmp"
	. "$top_srcdir/tests/ops/debpkg.sh"
	debpkg_build
	if [ "$debpkg_rc" != 0 ] || [ ! -f "$deb" ]; then
		echo "not ok 1 - make deb builds the package (status $debpkg_rc)"
		tail -20 "$debpkg_log" | sed 's/^/# /'
		echo "1..1"
		rm -rf "$tmp"
		exit 1
	fi
	echo "# make deb: $debpkg_how"
	VIGIE_DEPLOY_NS=1 VIGIE_DEPLOY_TMP=$tmp VIGIE_DEPLOY_DEB=$deb \
		unshare -m -n --propagation private sh "$0"
	rc=$?
	rm -rf "$tmp"
	exit $rc
fi

# ---- inside the private namespaces ----
tmp=$VIGIE_DEPLOY_TMP deb=$VIGIE_DEPLOY_DEB
. "$top_srcdir/tests/tap.sh"
ip link set lo up
r=$tmp/root pkg=$tmp/pkg
server=
cleanup() {
	[ -n "$server" ] && kill -TERM "$server" 2> /dev/null
	# anything the chroot still runs (vigie), by the PIDs found under its /proc view
	for p in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(readlink "/proc/$p/root" 2> /dev/null)" = "$r" ] && kill -KILL "$p" 2> /dev/null
	done
	umount -R "$r" 2> /dev/null
}
trap cleanup EXIT
wait_for() { # seconds condition
	i=$(( $1 * 10 ))
	while [ "$i" -gt 0 ]; do eval "$2" && return 0; sleep 0.1; i=$((i - 1)); done
	eval "$2"
}
in_root() { chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

# the root: the host's /usr and /etc under overlays holding the package
dpkg-deb -x "$deb" "$pkg"
dpkg-deb -e "$deb" "$tmp/control"
mkdir -p "$pkg/usr/lib" "$pkg/etc" "$tmp/w-usr" "$tmp/w-etc"
[ -d "$pkg/lib" ] && cp -a "$pkg/lib/." "$pkg/usr/lib/" && rm -rf "$pkg/lib"
mkdir -p "$r/usr" "$r/etc" "$r/proc" "$r/dev" "$r/run" "$r/tmp" "$r/root" \
	"$r/var/lib" "$r/var/log" "$r/var/spool/postfix" "$r/var/cache" "$r/var/tmp"
for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done
chmod 1777 "$r/tmp" "$r/var/tmp"
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$pkg/usr,workdir=$tmp/w-usr" "$r/usr" &&
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$pkg/etc,workdir=$tmp/w-etc" "$r/etc" &&
mount --rbind /proc "$r/proc" || { echo "Bail out! cannot build the throwaway root"; exit 1; }
for d in null zero random urandom; do
	touch "$r/dev/$d" && mount --bind "/dev/$d" "$r/dev/$d"
done
t "the throwaway root has the packaged vigie, no systemd, no /dev/log" \
	'[ -x "$r/usr/sbin/vigie" ] && [ -x "$r/etc/init.d/vigie" ] && [ ! -e "$r/run/systemd/system" ] && [ ! -e "$r/dev/log" ]'

# the maintainer script, as dpkg runs it
cp "$tmp/control/postinst" "$r/tmp/postinst"
in_root env DPKG_MAINTSCRIPT_PACKAGE=vigie DPKG_MAINTSCRIPT_NAME=postinst \
	sh /tmp/postinst configure > "$tmp/postinst.out" 2>&1; rc=$?
sed 's/^/# postinst: /' "$tmp/postinst.out"
t "postinst configure succeeds (status $rc)" '[ $rc = 0 ]'
t "it makes the vigie account and its directories" \
	'in_root getent passwd vigie > /dev/null && [ -d "$r/var/lib/vigie" ] && [ -d "$r/var/log/vigie" ] && [ -d "$r/var/spool/postfix/vigie" ]'
t "it says vigie starts from /etc/init.d here, and that logs need LogFile" \
	'grep -q "no systemd here: /etc/init.d/vigie starts it" "$tmp/postinst.out" && grep -q "set .LogFile" "$tmp/postinst.out"'
t "update-rc.d enabled it at boot" 'ls "$r"/etc/rc2.d/S*vigie > /dev/null 2>&1'
in_root /etc/init.d/vigie stop > /dev/null 2>&1

# the README's first try: vigie -f on built-in defaults, as root
: > "$r/tmp/empty.conf"
in_root /usr/sbin/vigie -f -c /tmp/empty.conf > "$tmp/try.log" 2>&1 &
wait_for 10 'grep -q started "$tmp/try.log"'
pid=$(sed -n 's/.*started: .*, pid \([0-9]*\)$/\1/p' "$tmp/try.log")
[ -n "$pid" ] && kill -TERM "$pid"
wait_for 10 'grep -q stopped "$tmp/try.log"'
t "the README's first try ran and stopped, leaving /run/vigie to nobody" \
	'grep -q "user nobody" "$tmp/try.log" && [ "$(stat -c %U "$r/run/vigie")" = nobody ]'

# the configuration as the guides have it on a host without syslog
conf=$r/etc/vigie/vigie.conf
printf '\nLogFile /var/log/vigie/vigie.log\n' >> "$conf"
log=$r/var/log/vigie/vigie.log
in_root /etc/init.d/vigie start > "$tmp/start.out" 2>&1; rc=$?
sed 's/^/# start: /' "$tmp/start.out"
pid=$(cat "$r/run/vigie/vigie.pid" 2> /dev/null)
t "/etc/init.d/vigie start starts it (status $rc)" '[ $rc = 0 ] && [ -n "$pid" ] && kill -0 "$pid"'
t "its lines land in the LogFile, user vigie" \
	'wait_for 5 "grep -q \"started: socket local:/var/spool/postfix/vigie/vigie.sock, .*user vigie\" \"$log\""'
t "/etc/init.d/vigie status sees it" 'in_root /etc/init.d/vigie status > /dev/null 2>&1'
t "/run/vigie is vigie's again (the first try left it to nobody)" '[ "$(in_root stat -c %U /run/vigie)" = vigie ]'

# a brand pack file only root can read: vigie -n names it, and the user
cp "$top_srcdir/contrib/brands.conf" "$r/etc/vigie/brands.conf"
chmod 600 "$r/etc/vigie/brands.conf"
cp "$conf" "$tmp/vigie.conf.saved"
printf 'Brands /etc/vigie/brands.conf\n' >> "$conf"
in_root /etc/init.d/vigie check > "$tmp/check.out" 2>&1; rc=$?
sed 's/^/# check: /' "$tmp/check.out"
t "init.d/vigie check (vigie -n) refuses a pack the vigie account cannot read (status $rc)" \
	'[ $rc != 0 ] && grep -q "^as vigie (the UserID.*cannot read /etc/vigie/brands.conf: Permission denied" "$tmp/check.out"'
in_root /etc/init.d/vigie reload > /dev/null 2>&1; rc=$?
t "and so does init.d/vigie reload, without signalling vigie (status $rc)" \
	'[ $rc != 0 ] && ! grep -q "reload: reading" "$log"'
cp "$tmp/vigie.conf.saved" "$conf"

# the signed pack updater, as the guides set it up (a publisher on 127.0.0.1)
web=$tmp/www
mkdir -p "$web"
openssl genpkey -algorithm ed25519 -out "$tmp/signing.key" 2> /dev/null
openssl pkey -in "$tmp/signing.key" -pubout -out "$r/etc/vigie/brands-publisher.pub"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$tmp/tls.key" -out "$r/etc/vigie/publisher-ca.pem" 2> /dev/null
"$py" "$top_srcdir/tests/ops/httpsd.py" "$web" "$r/etc/vigie/publisher-ca.pem" "$tmp/tls.key" \
	"$tmp/port" 2> "$tmp/httpsd.log" &
server=$!
wait_for 10 '[ -s "$tmp/port" ]'
publish() { # version
	sed "s/^# version: .*/# version: $1/" "$top_srcdir/contrib/brands.conf" > "$web/brands.conf"
	openssl pkeyutl -sign -inkey "$tmp/signing.key" -rawin -in "$web/brands.conf" \
		-out "$web/brands.conf.sig"
}
printf 'URL=https://127.0.0.1:%s/brands.conf\nKEY=/etc/vigie/brands-publisher.pub\nCACERT=/etc/vigie/publisher-ca.pem\n' \
	"$(cat "$tmp/port")" > "$r/etc/vigie/brands-update.conf"
as_vigie() { in_root setpriv --reuid vigie --regid vigie --init-groups "$@"; }
publish 2030.01.1
as_vigie vigie-brands-update -c /etc/vigie/brands-update.conf --no-reload > "$tmp/u1.out" 2>&1; rc=$?
sed 's/^/# update: /' "$tmp/u1.out"
t "the first fetch installs the signed pack (status $rc)" '[ $rc = 0 ] && grep -q "installed version 2030.01.1" "$tmp/u1.out"'
printf 'Brands /var/lib/vigie/brands/current/brands.conf\nBrandsKey /etc/vigie/brands-publisher.pub\n' >> "$conf"
kill -HUP "$pid"
t "SIGHUP reloads vigie onto it (libmilter alone would stop it)" \
	'wait_for 5 "grep -q \"reload: brand pack /var/lib/vigie/brands/current/brands.conf: version 2030.01.1\" \"$log\"" && kill -0 "$pid"'
publish 2030.02.1
as_vigie vigie-brands-update -c /etc/vigie/brands-update.conf --no-reload > "$tmp/u2.out" 2>&1
as_vigie vigie-brands-update -c /etc/vigie/brands-update.conf > "$tmp/u3.out" 2>&1; rc=$?
sed 's/^/# update: /' "$tmp/u3.out"
t "a second run finds the pack already current (status $rc)" '[ $rc = 0 ] && grep -q "already current" "$tmp/u3.out"'
t "and, through the default PID file, has the daemon still on 2030.01.1 reload it" \
	'grep -q "vigie (pid $pid) may still run an older pack: asked to reload" "$tmp/u3.out" && wait_for 5 "grep -q \"reload: brand pack .*version 2030.02.1\" \"$log\""'

# stop
in_root /etc/init.d/vigie stop > "$tmp/stop.out" 2>&1; rc=$?
t "/etc/init.d/vigie stop stops it (status $rc)" '[ $rc = 0 ] && wait_for 10 "! kill -0 $pid 2> /dev/null"'
t "it removed its own PID file, and said it stopped" \
	'[ ! -e "$r/run/vigie/vigie.pid" ] && grep -q "stopped$" "$log" && ! grep -q "cannot remove" "$log"'
[ "$fails" = 0 ] || sed 's/^/# log: /' "$log" | tail -30
echo "1..$n"
[ "$fails" = 0 ]
