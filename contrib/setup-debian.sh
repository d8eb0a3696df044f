#!/bin/sh
# setup-debian.sh - install what vigie needs on Debian 12, build it, and start it
# on its built-in defaults. Run as root from the top of a vigie source tree.
#
#   contrib/setup-debian.sh          install, build, start (README's first command)
#   contrib/setup-debian.sh build    install and build only (.ci/run)
#
# The build looks for its configuration where a Debian admin expects it:
# /etc/vigie/vigie.conf, sockets and PID file under /run/vigie.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "setup-debian.sh: run as root (it installs Debian packages)" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
# postfix asks a question on install; the tests run their own private instance
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q
# The tests start private instances of what they need (Postfix, opendkim,
# Dovecot's sieve-test): Debian must not start these as system services
# here, so a temporary policy-rc.d says no while the packages install.
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# vigie setup-debian.sh: no service starts during its install\nexit 101\n' \
		> /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	guard=yes
fi
status=0
# shellcheck disable=SC2046 # one package per word
apt-get install -y -q --no-install-recommends $(sed 's/#.*//' contrib/debian-packages) || status=$?
[ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
[ "$status" = 0 ] || exit "$status"

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --sysconfdir=/etc --localstatedir=/var --runstatedir=/run
make -j"$(nproc)"

[ "${1:-}" = build ] && exit 0

echo
echo "vigie-check on a few sender domains (vigie-check --domain):"
milter/vigie-check --domain viamedis.fr xn--viamdis-eya.fr viamedis-securite.fr almerys.com.secure-login.net ameliorer.fr || true
if [ ! -x milter/vigie ]; then
	echo "milter/vigie is not built in this tree (the message analysis is missing)" >&2
	exit 1
fi
echo
echo "Starting vigie in the foreground on its built-in defaults (/etc/vigie/vigie.conf"
echo "is read if it exists); it logs here and prints the Postfix settings. Ctrl-C stops it."
echo "Guides: docs/guide-fr.md (en francais), docs/guide-en.md."
exec milter/vigie -f
