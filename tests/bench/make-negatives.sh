#!/bin/sh
# make-negatives.sh - print sections 1 to 3 of tests/data/negative-domains.txt
# from this Debian system: maintainers' mail domains and homepage hosts from
# the archive lists (apt-cache dumpavail), and the private section of the
# public suffix list. The committed list is frozen; this says where it came from.
set -eu
psl=${1:-/usr/share/publicsuffix/public_suffix_list.dat}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
apt-cache dumpavail > "$tmp"
echo "# section 1: Debian maintainers' mail domains"
grep -E '^(Maintainer|Original-Maintainer|Uploaders):' "$tmp" | grep -oE '@[A-Za-z0-9.-]+' |
	sed 's/^@//; s/\.$//' | tr A-Z a-z | grep '\.' | sort -u
echo "# section 2: Debian packages' homepage hosts"
sed -n 's/^Homepage: *//p' "$tmp" | sed -E 's#^[a-zA-Z]+://##; s#[/:?\#].*##; s/\.$//' |
	tr A-Z a-z | grep -E '^[a-z0-9.-]+\.[a-z]{2,}$' | sort -u
echo "# section 3: public suffix list, private section"
sed -n '/===BEGIN PRIVATE DOMAINS===/,/===END PRIVATE DOMAINS===/p' "$psl" | grep -v '^//' |
	grep . | sed 's/^\*\.//; s/^!//' | sort -u
