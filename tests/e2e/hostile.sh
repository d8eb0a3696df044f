#!/bin/bash
# hostile.sh - the hostile messages of tests/hostile/cases.py through a real
# Postfix and vigie (DKIMVerify always, keys from the corpus file), sent over
# SMTP byte for byte (bare CR and NUL kept): Postfix accepts each (250),
# delivers it with exactly one X-Vigie-Verdict, vigie's own, and every
# header vigie added is clean ASCII folded with LF TAB, lines under 998
# bytes. The 1 MB header field and the 50 MB body included (Postfix's
# header_size_limit and line_length_limit as shipped; message_size_limit
# raised to 60 MB). Then: Postfix logged no milter trouble, vigie's peak RSS
# stayed under 64 MB, and it stops cleanly. Prints TAP.
set -u
: "${top_srcdir:=$(pwd)}" "${PYTHON3:=/usr/bin/python3}"
. "$top_srcdir/tests/e2e/bed.sh"
bed_begin "$0" "$@"
[ -x "$top_builddir/milter/vigie" ] || bed_skip "milter/vigie is not built (needs the analysis)"

SMTP=$((BED_PORT + 25)) SINKPORT=$((BED_PORT + 30))
bed_sink "$SINKPORT"
# what vigie reads once it runs as nobody: in the bed, not the checkout
cp "$top_srcdir/tests/data/messages/keys/test-keys" "$WORK/test-keys" && chmod 644 "$WORK/test-keys"
bed_vigie hostile "DKIMVerify always
TestPublicKeys $WORK/test-keys"
bed_postfix mx "$SMTP" "$SINKPORT" "unix:$RUN/hostile.sock" tempfail "message_size_limit = 60000000"

"$PYTHON3" "$top_srcdir/tests/hostile/hostile.py" postfix "$SMTP" "$SINK" $((BED_N + 1)) | tee "$WORK/py.tap"
ran=$(sed -n 's/^# ran \([0-9]*\) failed \([0-9]*\)$/\1/p' "$WORK/py.tap")
bad=$(sed -n 's/^# ran \([0-9]*\) failed \([0-9]*\)$/\2/p' "$WORK/py.tap")
BED_N=$((BED_N + ${ran:-0})) BED_FAILS=$((BED_FAILS + ${bad:-1}))
t "the sender ran to the end" '[ -n "$ran" ] && [ "$ran" -gt 0 ]'

t "Postfix logged no milter warning or error" '! grep -Eiq "milter.*(error|fatal|warning)|warning: milter" "$WORK/mx.maillog"'
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$VIGIE_PID/status")
t "vigie's peak RSS stayed under 64 MB ($hwm kB)" '[ -n "$hwm" ] && [ "$hwm" -lt 65536 ]'
bed_vigie_stop hostile
bed_end
