#!/bin/sh
# install.sh - "make install DESTDIR=..." puts what an admin needs where
# man(1) and the guides say: the programs, the six man pages (each
# well-formed for groff -ww, rendered by man with its NAME section, found by
# man -w, and every page it refers to in SEE ALSO installed too or a known
# system page), the guides, the examples; the installed vigie-check and
# vigie-brands-update run; "make uninstall" leaves no file behind.
# Prints TAP.
: "${top_builddir:=$(pwd)}" "${top_srcdir:=$(pwd)}"
make=${MAKE:-make}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
. "$top_srcdir/tests/tap.sh"
# one installed file by its path below the prefix, whatever the prefix
find1() { find "$root" -path "*/$1" | head -n 1; }

"$make" -s -C "$top_builddir" install DESTDIR="$root" > "$tmp/install.log" 2>&1; rc=$?
t "make install DESTDIR=... succeeds" '[ $rc = 0 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/install.log" | tail -20

for f in bin/vigie-check sbin/vigie-brands-update; do
	t "$f is installed and executable" '[ -x "$(find1 "$f")" ]'
done
if [ -x "$top_builddir/milter/vigie" ]; then
	t "sbin/vigie is installed and executable" '[ -x "$(find1 sbin/vigie)" ]'
else
	t "milter/vigie is not built here: not installed # SKIP" true
fi

pages="man1/vigie-check.1 man5/vigie.conf.5 man5/vigie-brands.5 man7/vigie-scoring.7 man8/vigie.8 man8/vigie-brands-update.8"
mandir=$(dirname "$(dirname "$(find1 man8/vigie.8)")")
for p in $pages; do
	f=$(find1 "share/man/$p")
	name=$(basename "$p")
	t "$name is installed under share/man/$(dirname "$p")" '[ -f "$f" ]'
	out=$(LC_ALL=C.UTF-8 groff -ww -z -Tutf8 -man "$f" 2>&1)
	t "$name: groff -ww finds nothing to warn about" '[ -n "$f" ] && [ -z "$out" ]'
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	t "$name: man renders it with its NAME section" \
		'LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null | grep -q "^NAME"'
	page=${name%.*} sect=${name##*.}
	t "$name: man -w finds it in the installed tree" \
		'[ "$(MANPATH="$mandir" man -w "$sect" "$page" 2>/dev/null)" = "$f" ]'
	# SEE ALSO: our pages must be installed, others must be known pages
	missing=
	for ref in $(sed -n '/^\.SH "\{0,1\}SEE ALSO/,/^\.SH/p' "$f" | sed -n 's/^\.BR \([a-z0-9.-]*\) (\([0-9]\)).*/\1.\2/p'); do
		case $ref in
		vigie*) [ -f "$mandir/man${ref##*.}/$ref" ] || missing="$missing $ref" ;;
		postconf.5 | miltertest.8 | curl.1 | openssl.1 | sendmail.8) ;;
		*) missing="$missing $ref(unknown)" ;;
		esac
	done
	t "$name: every vigie page in SEE ALSO is installed${missing:+ (missing:$missing)}" '[ -z "$missing" ]'
done

for f in guide-fr.md guide-en.md examples/vigie.conf examples/vigie.sieve examples/brands.conf \
	examples/postfix-main.cf examples/postfix-master.cf examples/sendmail-vigie.mc \
	examples/vigie.service examples/vigie-brands-update.service \
	examples/vigie-brands-update.timer examples/brands-update.conf; do
	t "doc/vigie/$f is installed" '[ -f "$(find1 "doc/vigie/$f")" ]'
done
cmp -s "$(find1 doc/vigie/examples/brands.conf)" "$top_srcdir/contrib/brands.conf"
t "the installed example brand pack is the built-in one" '[ $? = 0 ]'

out=$("$(find1 bin/vigie-check)" --domain xn--viamdis-eya.fr 2>&1); rc=$?
t "the installed vigie-check flags viamédis.fr (status $rc)" '[ $rc = 1 ] && echo "$out" | grep -q "homoglyph"'
"$(find1 sbin/vigie-brands-update)" --help > "$tmp/out" 2>&1; rc=$?
t "the installed vigie-brands-update prints its usage" '[ $rc = 2 ] && grep -q "vigie-brands-update \[-c FILE\]" "$tmp/out"'

"$make" -s -C "$top_builddir" uninstall DESTDIR="$root" > "$tmp/uninstall.log" 2>&1; rc=$?
left=$(find "$root" -type f | sed "s|^$root||")
t "make uninstall removes every file (status $rc)${left:+: left $left}" '[ $rc = 0 ] && [ -z "$left" ]'
echo "1..$n"
[ "$fails" = 0 ]
