#!/bin/sh
# debian.sh - "make deb" builds a Debian package from the distributed
# sources and contrib/debian (dpkg-buildpackage -us -uc -b, debhelper 13);
# its file list (dpkg-deb -c) and control data (dpkg-deb -I) hold what an
# admin expects (programs, man pages, guides, examples, conffile, systemd
# units, maintainer scripts); extracted (dpkg-deb -x), its vigie checks the
# shipped configuration (-n) and its vigie-check judges domains; lintian, if
# installed, reports no error (its warnings are printed). Skipped without
# dpkg-buildpackage and debhelper. Takes about 20 s on 2 cores (a whole
# build). Prints TAP.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
make=${MAKE:-make}
for tool in dpkg-buildpackage dh dpkg-deb; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed (Debian package debhelper, in contrib/debian-packages)"
		exit 0
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-deb.XXXXXX") || exit 1
chmod 755 "$tmp"	# vigie -n reads the config as its UserID too
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/tap.sh"

. "$top_srcdir/tests/ops/debpkg.sh"
debpkg_build
t "make deb builds the package ($debpkg_how; status $debpkg_rc)" \
	'[ $debpkg_rc = 0 ] && [ -f "$deb" ]'
if [ ! -f "$deb" ]; then
	tail -30 "$debpkg_log" | sed 's/^/# /'
	echo "1..$n"
	exit 1
fi
t "the build tree is removed afterwards" '[ ! -d "$(dirname "$deb")/vigie-"*/ ]'

dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' > "$tmp/files"
has() { grep -qx "$1" "$tmp/files"; }
for f in /usr/bin/vigie-check /usr/sbin/vigie-brands-update /etc/vigie/vigie.conf \
	/lib/systemd/system/vigie.service /lib/systemd/system/vigie-brands-update.service \
	/lib/systemd/system/vigie-brands-update.timer \
	/usr/share/man/man8/vigie.8.gz /usr/share/man/man5/vigie.conf.5.gz \
	/usr/share/man/man5/vigie-brands.5.gz /usr/share/man/man1/vigie-check.1.gz \
	/usr/share/man/man8/vigie-brands-update.8.gz /usr/share/man/man7/vigie-scoring.7.gz \
	/usr/share/doc/vigie/copyright \
	/usr/share/doc/vigie/examples/vigie.sieve /usr/share/doc/vigie/examples/brands.conf; do
	t "the package holds $f" 'has "$f"'
done
t "the package holds both guides" \
	'grep -q "^/usr/share/doc/vigie/guide-fr.md" "$tmp/files" && grep -q "^/usr/share/doc/vigie/guide-en.md" "$tmp/files"'
if [ -x "$top_builddir/milter/vigie" ]; then
	t "the package holds /usr/sbin/vigie" 'has /usr/sbin/vigie'
else
	t "milter/vigie is not built here: no daemon in the package # SKIP" true
fi

dpkg-deb -I "$deb" > "$tmp/info"
dpkg-deb -e "$deb" "$tmp/control"
t "/etc/vigie/vigie.conf is a conffile" 'grep -qx /etc/vigie/vigie.conf "$tmp/control/conffiles"'
t "it depends on adduser and the public suffix list" \
	'grep -q "^ Depends:.*adduser" "$tmp/info" && grep -q "^ Depends:.*publicsuffix" "$tmp/info"'
t "shared library dependencies were computed (libicu, libidn2, libpsl, libssl)" \
	'grep "^ Depends:" "$tmp/info" | grep -q "libicu.*libidn2.*libpsl.*libssl"'
t "postinst creates the vigie account" 'grep -q "adduser --system --group" "$tmp/control/postinst"'
t "postinst enables and starts vigie.service" \
	'grep -q "deb-systemd-helper enable .vigie.service" "$tmp/control/postinst" && grep -q "deb-systemd-invoke .*vigie.service" "$tmp/control/postinst"'
t "the update timer is enabled only where it was before (an admin sets its URL first)" \
	'grep -q "was-enabled .vigie-brands-update.timer" "$tmp/control/postinst" && ! grep -q "deb-systemd-invoke .*vigie-brands-update" "$tmp/control/postinst"'

dpkg-deb -x "$deb" "$tmp/root"
r=$tmp/root
out=$("$r/usr/bin/vigie-check" --domain viamedis.fr xn--viamdis-eya.fr 2>&1); rc=$?
t "the packaged vigie-check runs: viamédis.fr flagged, viamedis.fr clean (status $rc)" \
	'[ $rc = 1 ] && echo "$out" | grep -q "^viamedis.fr: clean" && echo "$out" | grep -q "homoglyph"'
if [ -x "$r/usr/sbin/vigie" ]; then
	# postinst makes the vigie account; here it may not exist
	conf=$r/etc/vigie/vigie.conf
	if ! getent passwd vigie > /dev/null; then
		sed 's/^UserID.*/UserID nobody/' "$conf" > "$tmp/vigie.conf"
		conf=$tmp/vigie.conf
	fi
	"$r/usr/sbin/vigie" -n -c "$conf" > "$tmp/n.out" 2>&1; rc=$?
	t "the packaged vigie -n accepts the packaged vigie.conf (status $rc)" '[ $rc = 0 ]'
	sed 's/^/# /' "$tmp/n.out"
	"$r/usr/sbin/vigie" -V > "$tmp/v.out" 2>&1
	t "the packaged vigie -V runs" 'grep -q "^vigie [0-9]" "$tmp/v.out"'
else
	t "no packaged vigie to run -n with # SKIP" true
fi
sh -n "$r/usr/sbin/vigie-brands-update"
t "the packaged vigie-brands-update is valid shell" '[ $? = 0 ]'

if command -v lintian >/dev/null 2>&1; then
	lintian --tag-display-limit 0 "$deb" > "$tmp/lintian" 2>&1
	grep -v "^running with root privileges" "$tmp/lintian" | sed 's/^/# lintian: /'
	t "lintian reports no error" '! grep -q "^E: " "$tmp/lintian"'
else
	t "lintian is not installed # SKIP" true
fi
echo "1..$n"
[ "$fails" = 0 ]
