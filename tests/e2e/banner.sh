#!/bin/bash
# banner.sh - the warning banner through a real Postfix: a private instance
# (tests/e2e/bed.sh) whose milter is vigie with its default Banner
# (impersonation), BannerMemory 64k and a BannerSpool of its own, relaying
# to smtp-sink. Every message of tests/banner/postfix_check.py goes in over
# SMTP: each shape of the golden matrix from a look-alike of Viamedis, clean
# messages of the same shapes, and a 2 MB message of each kind. What reaches
# the next hop: the banner in each part a reader sees of a flagged message,
# its other parts as they were (checked with Python's email package); the
# body of a message that cannot take the banner, and of every clean one,
# byte for byte; vigie's log says banner=added / banner=signed...; no body
# file is left in BannerSpool. Prints TAP.
set -u
: "${top_srcdir:=$(pwd)}"
. "$top_srcdir/tests/e2e/bed.sh"
bed_begin "$0" "$@"

SMTP=$((BED_PORT + 25)) SINKPORT=$((BED_PORT + 30))
check=$top_srcdir/tests/banner/postfix_check.py
python=${PYTHON3:-/usr/bin/python3}
mkdir -p "$WORK/spool"
chown nobody "$WORK/spool"

bed_sink "$SINKPORT"
bed_vigie ban "BannerMemory 64k
BannerSpool $WORK/spool"
bed_postfix mx "$SMTP" "$SINKPORT" "unix:$RUN/ban.sock" tempfail

total=$("$python" "$check" make "$WORK/msg")
"$python" "$check" send 127.0.0.1 "$SMTP" "$WORK/msg" 2>"$WORK/send.err"
t "the $total messages were accepted (250)" '[ $? = 0 ] || ! sed "s/^/# /" "$WORK/send.err"'
wait_for 60 '[ "$(sink_count)" -ge "$total" ] && [ "$(queue_count mx)" = 0 ]'

"$python" "$check" check "$WORK/msg" "$SINK" > "$WORK/check.out"
while IFS="$(printf '\t')" read -r result what detail; do
	t "$what" '[ "$result" = ok ] || { echo "# $detail"; false; }'
done < "$WORK/check.out"

log=$WORK/ban.log
t "vigie logged each banner added" '[ "$(grep -c " banner=added " "$log")" -ge 20 ]'
t "and why a body kept its text (signed, malformed, encoding, no-text)" \
	'grep -q " banner=signed " "$log" && grep -q " banner=malformed " "$log" &&
	 grep -q " banner=encoding " "$log" && grep -q " banner=no-text " "$log"'
t "no milter error in Postfix's log" '! grep -i "warning:.*milter" "$WORK/mx.maillog" | sed "s/^/# /" | grep -q .'
t "no body file left in BannerSpool (nameless files, gone with their message)" \
	'[ -z "$(ls -A "$WORK/spool")" ]'
bed_vigie_stop ban
bed_end
