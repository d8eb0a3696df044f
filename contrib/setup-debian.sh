#!/bin/sh
# setup-debian.sh - install what vigie needs on Debian 12, build it, and start it
# on its built-in defaults. Run as root from the top of a vigie source tree.
#
#   contrib/setup-debian.sh          install, build, start (README's first command)
#   contrib/setup-debian.sh build    install and build only (.ci/run)
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
# shellcheck disable=SC2046 # one package per word
apt-get install -y -q --no-install-recommends $(sed 's/#.*//' contrib/debian-packages)

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"

[ "${1:-}" = build ] && exit 0

echo
echo "vigie-check on a few sender domains (vigie-check --domain):"
milter/vigie-check --domain viamedis.fr xn--viamdis-eya.fr viamedis-securite.fr almerys.com.secure-login.net ameliorer.fr || true
