#!/bin/sh
# sieve.sh - contrib/vigie.sieve does what the guides say, run by Dovecot's
# Pigeonhole (sieve-test, Debian package dovecot-sieve): an impersonation is
# filed into "Usurpations" (created if needed) and flagged, a suspect message
# stays in the inbox flagged, a clean message or one without vigie's header
# is left alone. The X-Vigie-Verdict values are the ones vigie writes
# (vigie(8)). Prints TAP.
: "${top_srcdir:=$(pwd)}"
script=$top_srcdir/contrib/vigie.sieve
if ! command -v sieve-test >/dev/null 2>&1; then
	echo "1..0 # SKIP sieve-test is not installed (Debian package dovecot-sieve)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-sieve.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cp "$script" "$tmp/vigie.sieve"
# Pigeonhole will not run as root: it runs as nobody, in a directory of its own
opts=
if [ "$(id -u)" = 0 ]; then
	chown -R nobody "$tmp"
	opts="-o mail_uid=nobody -o mail_gid=nogroup"
fi
n=0 fails=0
t() { # description condition
	n=$((n + 1))
	if eval "$2"; then printf "ok %s - %s\n" "$n" "$1"; else printf "not ok %s - %s\n" "$n" "$1"; fails=$((fails + 1)); fi
}
message() { # file verdict-header-or-empty
	{
		printf 'Return-Path: <bounce@mailer.example.net>\n'
		[ -n "$2" ] && printf 'X-Vigie-Verdict: %s\n' "$2"
		printf 'From: "Viamedis" <paiement@xn--viamdis-eya.fr>\nTo: opticien@example.net\n'
		printf 'Subject: Mise a jour de votre RIB\nDate: Mon, 5 Feb 2024 10:00:00 +0100\n'
		printf 'Message-ID: <%s@example.net>\n\nBonjour,\n' "$1"
	} > "$tmp/$1.eml"
}
run() { # message -> actions printed by sieve-test
	# shellcheck disable=SC2086 # options are words
	sieve-test $opts "$tmp/vigie.sieve" "$tmp/$1.eml" > "$tmp/$1.out" 2> "$tmp/$1.err"
}
# the "Performed actions" or "Implicit keep" part, its lines joined by " | "
section() { # message section-title
	sed -n "/^$2:/,/^[A-Z]/p" "$tmp/$1.out" | sed '1d;/^[A-Z]/d;/^[[:space:]]*$/d;s/^[[:space:]]*//;s/[[:space:]]*$//' |
		awk '{ printf "%s%s", (NR > 1 ? " | " : ""), $0 }'
}

message impersonation 'impersonation score=92 brand="Viamedis"'
message suspect 'suspect score=55 brand="Viamedis"'
message clean 'clean score=0'
message none ''
message upper 'IMPERSONATION score=80'
message folded 'impersonation score=92
	brand="Viamedis"'

run impersonation; rc=$?
t "the script compiles and runs (sieve-test status $rc)" '[ $rc = 0 ]'
[ $rc = 0 ] || sed 's/^/# /' "$tmp/impersonation.out" "$tmp/impersonation.err"
performed=$(section impersonation "Performed actions")
t "impersonation: filed into Usurpations, created if needed, flagged ($performed)" \
	'[ "$performed" = "* store message in folder: Usurpations | + create mailbox if it does not exist | + add IMAP flags: \\flagged" ]'
t "impersonation: not kept in the inbox as well" \
	'[ "$(section impersonation "Implicit keep")" = "(none)" ]'

run suspect
t "suspect: kept in the inbox, flagged ($(section suspect "Implicit keep"))" \
	'[ "$(section suspect "Implicit keep")" = "* store message in folder: INBOX | + add IMAP flags: \\flagged" ]'
t "suspect: nothing else done" '[ "$(section suspect "Performed actions")" = "(none)" ]'

for m in clean none; do
	run $m
	t "$m: kept in the inbox, no flag" \
		'[ "$(section $m "Implicit keep")" = "* store message in folder: INBOX" ] && [ "$(section $m "Performed actions")" = "(none)" ]'
done
run upper
t "the verdict is matched without regard to case" \
	'section upper "Performed actions" | grep -q "folder: Usurpations"'
run folded
t "a folded X-Vigie-Verdict (long brand) still matches" \
	'section folded "Performed actions" | grep -q "folder: Usurpations"'

echo "1..$n"
[ "$fails" = 0 ]
