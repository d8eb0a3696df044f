#!/bin/sh
# docs.sh - the daemon's documentation matches the code: vigie(8) and
# vigie.conf(5) are well-formed troff; every option the parser knows is in
# the man page and the example config; the defaults the example shows parse;
# the systemd unit parses. Prints TAP.
: "${top_srcdir:=$(pwd)}" "${top_builddir:=$(pwd)}"
vigie=$top_builddir/milter/vigie
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-docs.XXXXXX") || exit 1
# vigie -n reads every file again as the UserID (nobody)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/tap.sh"

for page in docs/vigie.8 docs/vigie.conf.5; do
	out=$(LC_ALL=C.UTF-8 groff -ww -z -Tutf8 -man "$top_srcdir/$page" 2>&1)
	t "$page: groff -ww reports no warning" '[ -z "$out" ]'
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	t "$page: man -l renders it" \
		'LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$top_srcdir/$page" 2>/dev/null | grep -q "^NAME"'
done

# the option names, from the parser's own table
options=$(sed -n 's/^	{ "\([A-Za-z]*\)", conf_[a-z]* },$/\1/p' "$top_srcdir/milter/front/conf.c")
count=$(echo "$options" | wc -w)
t "the parser's table lists its $count options, at least the 21 documented in vigie.conf(5)" '[ "$count" -ge 21 ]'
missing_man= missing_example=
for o in $options; do
	grep -q "^\.BI $o " "$top_srcdir/docs/vigie.conf.5" || missing_man="$missing_man $o"
	grep -Eq "^#?$o[[:space:]]" "$top_srcdir/contrib/vigie.conf" || missing_example="$missing_example $o"
done
t "every option is described in vigie.conf(5)${missing_man:+ (missing:$missing_man)}" '[ -z "$missing_man" ]'
t "every option is in contrib/vigie.conf${missing_example:+ (missing:$missing_example)}" '[ -z "$missing_example" ]'

# the example's commented defaults, uncommented, are accepted; file options
# and the account are left out (they name files and users of a real host)
sed -n 's/^#\([A-Z][A-Za-z]*\)[[:space:]]/\1 /p' "$top_srcdir/contrib/vigie.conf" |
	grep -Ev '^(Brands|BrandsKey|TestPublicKeys|TestDNS|UserID|TrustedAuthservIDs|DomainPolicies|BannerTemplate) ' > "$tmp/defaults.conf"
"$vigie" -n -c "$tmp/defaults.conf" > "$tmp/out" 2>&1; rc=$?
t "the defaults contrib/vigie.conf shows are valid ($(wc -l < "$tmp/defaults.conf") lines)" '[ $rc = 0 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/out"
sed 's/^UserID.*/UserID nobody/' "$top_srcdir/contrib/vigie.conf" > "$tmp/example.conf"
"$vigie" -n -c "$tmp/example.conf" > "$tmp/out" 2>&1; rc=$?
t "contrib/vigie.conf itself is valid (with an existing UserID)" '[ $rc = 0 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/out"

if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|/usr/sbin/vigie|$vigie|" "$top_srcdir/contrib/vigie.service" > "$tmp/vigie.service"
	systemd-analyze verify "$tmp/vigie.service" 2>&1 | grep -v "Command 'man " > "$tmp/unit.out"
	t "the systemd unit parses (systemd-analyze verify)" '[ ! -s "$tmp/unit.out" ]'
	sed 's/^/# /' "$tmp/unit.out"
else
	t "systemd-analyze not installed # SKIP" true
fi
echo "1..$n"
[ "$fails" = 0 ]
